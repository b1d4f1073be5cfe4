"""The API reference (both languages) documents every public dlnotes module."""

from __future__ import annotations

import pkgutil
import re

from docs_support import DOCS

import dlnotes


def _public_modules() -> set[str]:
    return {
        m.name
        for m in pkgutil.walk_packages(dlnotes.__path__, prefix="dlnotes.")
        if not m.ispkg and not any(part.startswith("_") for part in m.name.split("."))
    }


def test_api_reference_lists_every_module() -> None:
    for lang in ("en", "zh"):
        text = (DOCS / lang / "api" / "index.md").read_text("utf-8")
        documented = set(re.findall(r"^::: (dlnotes[\w.]*)", text, flags=re.M))
        missing = _public_modules() - documented
        assert not missing, f"{lang}/api/index.md lacks: {sorted(missing)}"
