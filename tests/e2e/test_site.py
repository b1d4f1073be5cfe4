"""Browser tests of the built site (both languages). Run with `nox -s e2e`."""

from __future__ import annotations

import subprocess
import sys
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.e2e

# A page with maths, tabs and code in both languages, and a notebook page.
MATH_PAGE = "/linear-networks/softmax-regression/"
NOTEBOOK_PAGES = ["/linear-networks/digits_notebook/", "/mlp/mlp_digits_notebook/"]


def test_home_page_in_both_languages(page) -> None:
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "dlnotes" in page.title()
    page.goto("/zh/")
    assert page.locator("html").get_attribute("lang") == "zh"
    assert page.locator("h1").first.inner_text().strip() != ""


@pytest.mark.parametrize(
    ("start", "lang_name", "expected"),
    [
        (MATH_PAGE, "中文", "/zh" + MATH_PAGE),
        ("/zh" + MATH_PAGE, "English", MATH_PAGE),
    ],
)
def test_language_switch_keeps_the_page(page, start, lang_name, expected) -> None:
    page.goto(start)
    page.locator(".md-header__option .md-select").hover()
    page.get_by_role("link", name=lang_name).click()
    page.wait_for_url(lambda url: urlparse(url).path == expected, timeout=15_000)
    assert urlparse(page.url).path == expected


@pytest.mark.parametrize("prefix", ["", "/zh"])
def test_katex_renders_formulas(page, prefix) -> None:
    page.goto(prefix + MATH_PAGE)
    page.wait_for_selector(".arithmatex .katex", timeout=10_000)
    assert page.locator(".arithmatex .katex").count() > 3
    assert page.locator(".katex-error").count() == 0


def test_chinese_search_finds_a_word_inside_a_sentence(page) -> None:
    # "种子" sits in the middle of a sentence on the conventions page (start/conventions.md).
    page.goto("/zh/")
    page.locator("label.md-search__icon, .md-search__input").first.click()
    box = page.locator("input.md-search__input")
    box.fill("种子")
    box.dispatch_event("keyup")
    result = page.locator(".md-search-result__link").first
    result.wait_for(timeout=10_000)
    hrefs = [a.get_attribute("href") for a in page.locator(".md-search-result__link").all()]
    assert any("start/conventions" in (h or "") for h in hrefs), hrefs


@pytest.mark.parametrize(("prefix", "second_tab"), [("", "Concise"), ("/zh", "简洁实现")])
def test_content_tabs_switch(page, prefix, second_tab) -> None:
    page.goto(prefix + MATH_PAGE)
    tabbed = page.locator(".tabbed-set").first
    second = tabbed.locator(".tabbed-labels label").nth(1)
    assert second.inner_text().strip() == second_tab
    blocks = tabbed.locator(".tabbed-block")
    assert blocks.nth(0).is_visible() and not blocks.nth(1).is_visible()
    second.click()
    assert blocks.nth(1).is_visible() and not blocks.nth(0).is_visible()


@pytest.mark.parametrize("notebook", NOTEBOOK_PAGES)
def test_notebook_page_is_rendered_with_outputs(page, notebook) -> None:
    for prefix in ("", "/zh"):
        page.goto(prefix + notebook)
        assert page.locator(".jupyter-wrapper .jp-OutputArea-output").count() > 0
        assert page.locator(".jupyter-wrapper img").count() > 0  # an executed figure


@pytest.mark.parametrize(
    ("prefix", "skipped"), [("", "skipped: needs CUDA"), ("/zh", "跳过: needs CUDA")]
)
def test_checklist_and_result_tables_render(page, prefix, skipped) -> None:
    page.goto(prefix + "/tricks/")
    rows = page.locator("table tbody tr")
    assert rows.count() == 56  # T01-T56, one row each
    assert page.locator("#t56").count() == 1
    page.goto(prefix + "/tricks/speed/")
    bench = page.locator("table", has_text="resnet")
    assert bench.count() == 1 and skipped in bench.inner_text()
    page.goto(prefix + "/tricks/digits-experiments/")
    assert page.locator("table", has_text="label smoothing 0.1").count() == 1
    assert page.locator("img[src$='digits_tricks.svg']").count() == 1


@pytest.mark.parametrize(
    ("path", "figure"),
    [
        ("/mlp/perceptron/", "xor_boundaries.svg"),
        ("/mlp/initialization/", "init_variance_depth.svg"),
        ("/computation/parameters/", "module_tree.svg"),
    ],
)
def test_chapter_pages_show_their_generated_figures(page, path, figure) -> None:
    for prefix in ("", "/zh"):
        page.goto(prefix + path)
        img = page.locator(f"img[src$='{figure}']")
        assert img.count() == 1
        assert img.evaluate("el => el.complete && el.naturalWidth > 0")  # the file loaded


def test_no_request_leaves_localhost(page) -> None:
    for path in [
        "/",
        MATH_PAGE,
        *NOTEBOOK_PAGES,
        "/zh/",
        "/zh" + MATH_PAGE,
        *("/zh" + p for p in NOTEBOOK_PAGES),
        "/api/",
        "/tricks/speed/",
        "/zh/tricks/",
    ]:
        page.goto(path)
        page.wait_for_load_state("networkidle")
    hosts = {urlparse(u).hostname for u in page.requests_seen if not u.startswith("data:")}
    assert hosts == {"127.0.0.1"}, sorted(u for u in page.requests_seen if "127.0.0.1" not in u)


def test_no_broken_links(base_url) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "linkcheck",
            "--no-status",
            "--no-warnings",
            "-o",
            "text",
            "--threads",
            "4",
            base_url + "/",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-2000:]
