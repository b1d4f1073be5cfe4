"""Test accuracy per trick on the digits: every seed as a dot, mean +- std as a bar.

Reads the committed results of ``python -m dlnotes.experiments.digits_tricks``.
"""

import json
from pathlib import Path

from matplotlib.figure import Figure

import dlnotes

ROOT = Path(dlnotes.__file__).resolve().parent.parent  # the repository
RESULTS = ROOT / "snippets" / "results" / "digits-tricks.json"


def figure() -> Figure:
    results = json.loads(RESULTS.read_text())
    names = [s["config"] for s in results["summary"]]
    fig = Figure(figsize=(6.5, 3.4))
    ax = fig.subplots()
    for i, summary in enumerate(results["summary"]):
        accs = [100 * r["test_acc"] for r in results["runs"] if r["config"] == summary["config"]]
        ax.scatter([i] * len(accs), accs, s=12, color="gray", alpha=0.6, zorder=2)
        ax.errorbar(
            i, 100 * summary["acc_mean"], yerr=100 * summary["acc_std"],
            fmt="o", color="C0", capsize=4, zorder=3,
        )  # fmt: skip
    base = 100 * results["summary"][0]["acc_mean"]
    ax.axhline(base, color="C0", linestyle=":", linewidth=1, label="baseline mean")
    ax.set_xticks(range(len(names)), names, rotation=25, ha="right")
    ax.set_ylabel("test accuracy (%)")
    ax.grid(True, axis="y", alpha=0.3)
    ax.legend(loc="lower right")
    fig.tight_layout()
    return fig
