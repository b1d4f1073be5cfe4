"""The English and Chinese sites must stay in lockstep.

A page may not exist in one language only, and the two versions of a page must share
heading ids, code blocks and embedded snippets (byte for byte: code is never
translated), figures, admonitions and content tabs. Notebooks must share every code
cell. The two navigations must list the same files in the same order.
"""

from __future__ import annotations

import re

import pytest
import yaml
from docs_support import DOCS, HEADING, HEADING_ID, ROOT, notebook_cells, page_structure, pages

EN, ZH = pages("en"), pages("zh")


def test_same_pages_in_both_languages() -> None:
    only_en = sorted(set(EN) - set(ZH))
    only_zh = sorted(set(ZH) - set(EN))
    assert not only_en and not only_zh, f"only English: {only_en}; only Chinese: {only_zh}"


MARKDOWN = sorted(p for p in EN if p.endswith(".md") and p in ZH)
NOTEBOOKS = sorted(p for p in EN if p.endswith("_notebook.py") and p in ZH)


@pytest.mark.parametrize("page", MARKDOWN)
def test_page_structure_matches(page: str) -> None:
    en = page_structure(EN[page].read_text(encoding="utf-8"))
    zh = page_structure(ZH[page].read_text(encoding="utf-8"))
    for key in en:
        assert en[key] == zh[key], f"{page}: {key} differ between en and zh"


@pytest.mark.parametrize("page", MARKDOWN)
def test_every_heading_has_an_explicit_id(page: str) -> None:
    # Chinese headings would otherwise get ids like "_1"; explicit ids keep anchors equal.
    text = re.sub(r"^```.*?^```", "", EN[page].read_text(encoding="utf-8"), flags=re.M | re.S)
    levels = [m for m in HEADING.findall(text) if m != "#"]
    ids = HEADING_ID.findall(text)
    assert len(ids) >= len(levels), f"{page}: every ## heading needs an explicit {{ #id }}"


@pytest.mark.parametrize("page", NOTEBOOKS)
def test_notebook_code_cells_match(page: str) -> None:
    en = [src for kind, src in notebook_cells(EN[page]) if kind == "code"]
    zh = [src for kind, src in notebook_cells(ZH[page]) if kind == "code"]
    assert en == zh, f"{page}: code cells differ between en and zh"
    kinds_en = [kind for kind, _ in notebook_cells(EN[page])]
    kinds_zh = [kind for kind, _ in notebook_cells(ZH[page])]
    assert kinds_en == kinds_zh, f"{page}: cell layout differs between en and zh"


def _nav_files(nav: list) -> list[str]:
    out: list[str] = []
    for item in nav:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        out += _nav_files(value) if isinstance(value, list) else [value]
    return out


class _Loader(yaml.SafeLoader):
    pass


_Loader.add_constructor("!ENV", lambda loader, node: None)


def test_navigation_lists_the_same_files() -> None:
    en = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)
    zh = yaml.load((DOCS / "mkdocs.zh.yml").read_text(encoding="utf-8"), Loader=_Loader)
    en_files, zh_files = _nav_files(en["nav"]), _nav_files(zh["nav"])
    assert en_files == zh_files
    assert sorted(en_files) == sorted(EN), "every page must be in the navigation"


def test_parity_checker_notices_a_difference() -> None:
    # The checker itself must be able to fail: a changed code block is a difference.
    page = "## Title { #t }\n\n```python\nx = 1\n```\n"
    assert page_structure(page) != page_structure(page.replace("x = 1", "x = 2"))
    assert page_structure(page) != page_structure(page.replace("#t", "#u"))


@pytest.mark.parametrize("page", MARKDOWN)
def test_only_tested_code_fences(page: str) -> None:
    # Python fences are executed by docs/conftest.py; shell fences show commands. Any other
    # fence (```text with a typed-in output, ```py3, ...) would be code that no test runs.
    for lang in ("en", "zh"):
        text = (EN if lang == "en" else ZH)[page].read_text(encoding="utf-8")
        infos = re.findall(r"^\s*`{3,}([^`\n]*)$", text, flags=re.M)
        opening = [i.split()[0] for i in infos if i.strip()]
        assert set(opening) <= {"python", "bash"}, f"{lang}/{page}: fences {set(opening)}"
