"""The English and Chinese glossaries list exactly the same term pairs."""

from __future__ import annotations

import re

from docs_support import DOCS


def _pairs(lang: str) -> set[tuple[str, str]]:
    text = (DOCS / lang / "start" / "glossary.md").read_text("utf-8")
    rows = re.findall(r"^\|([^|\n]+)\|([^|\n]+)\|", text, flags=re.M)
    pairs = {(a.strip(), b.strip()) for a, b in rows}
    pairs = {p for p in pairs if not set(p[0]) <= set("-: ")}  # drop the |---| row
    if lang == "zh":  # the Chinese table lists 中文 first
        pairs = {(b, a) for a, b in pairs}
    return pairs - {("English", "中文")}


def test_glossaries_match() -> None:
    en, zh = _pairs("en"), _pairs("zh")
    assert len(en) >= 40
    assert en == zh, f"only en: {sorted(en - zh)}; only zh: {sorted(zh - en)}"
