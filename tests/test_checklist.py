"""The checklist of training tricks: every id T01-T56, in both languages, with evidence."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = {lang: ROOT / "docs" / lang / "tricks" / "index.md" for lang in ("en", "zh")}
IDS = [f"T{i:02d}" for i in range(1, 57)]
ROW = re.compile(r'^\| <span id="(?P<anchor>t\d\d)">(?P<id>T\d\d)</span> \|(?P<rest>.*)\|$', re.M)
LINK = re.compile(r"\]\((?P<target>[^)\s]+)\)")
EVIDENCE_KINDS = {
    "en": {"test:": "test", "measured:": "measured", "reference:": "reference"},
    "zh": {"测试：": "test", "实测：": "measured", "文献：": "reference"},
}


def rows(lang: str) -> dict[str, list[str]]:
    text = PAGES[lang].read_text(encoding="utf-8")
    out = {}
    for m in ROW.finditer(text):
        assert m["anchor"] == m["id"].lower(), f"{lang}: anchor {m['anchor']} on row {m['id']}"
        assert m["id"] not in out, f"{lang}: {m['id']} appears twice"
        out[m["id"]] = [c.strip() for c in m["rest"].split(" | ")]
    return out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_id_has_one_complete_row_in_order(lang):
    table = rows(lang)
    assert list(table) == IDS
    for tid, cells in table.items():
        assert len(cells) == 5, f"{lang} {tid}: expected 5 cells after the id, got {cells}"
        assert all(cells), f"{lang} {tid}: an empty cell"
        assert LINK.search(cells[0]), f"{lang} {tid}: the trick must link to where it is explained"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_evidence_is_named_and_points_at_real_files(lang):
    for tid, cells in rows(lang).items():
        evidence = cells[-1]
        kinds = [k for k in EVIDENCE_KINDS[lang] if k in evidence]
        assert kinds, f"{lang} {tid}: evidence must say test, measured or reference: {evidence}"
        for path in re.findall(r"`(tests/[\w/]+\.py)`", evidence):
            assert (ROOT / path).is_file(), f"{lang} {tid}: {path} does not exist"


def test_both_languages_link_the_same_places_with_the_same_evidence():
    en, zh = rows("en"), rows("zh")
    for tid in IDS:
        assert LINK.findall(" ".join(en[tid])) == LINK.findall(" ".join(zh[tid])), tid
        kinds_en = sorted(v for k, v in EVIDENCE_KINDS["en"].items() if k in en[tid][-1])
        kinds_zh = sorted(v for k, v in EVIDENCE_KINDS["zh"].items() if k in zh[tid][-1])
        assert kinds_en == kinds_zh, tid
        assert re.findall(r"`tests/[^`]+`", en[tid][-1]) == re.findall(
            r"`tests/[^`]+`", zh[tid][-1]
        ), tid
