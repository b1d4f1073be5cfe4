"""Execute every notebook page (jupytext percent format), in both languages."""

from __future__ import annotations

import runpy

import matplotlib
import pytest
from docs_support import DOCS, pages

matplotlib.use("Agg")

NOTEBOOKS = sorted(p for lang in ("en", "zh") for p in pages(lang).values() if p.suffix == ".py")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.relative_to(DOCS).as_posix() for p in NOTEBOOKS])
def test_notebook_runs(path, monkeypatch) -> None:
    import matplotlib.pyplot as plt

    monkeypatch.chdir(path.parent)
    runpy.run_path(str(path), run_name="__main__")
    plt.close("all")
