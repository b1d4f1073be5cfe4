"""Test accuracy against batch size for three learning-rate scaling rules, SGD and Adam,
from the saved runs of dlnotes.experiments.batch_size (mean and spread over seeds)."""

import json
import statistics
from pathlib import Path

from matplotlib.figure import Figure

RESULTS = Path("snippets/results/batch-size.json")  # relative to the repository root


def figure() -> Figure:
    runs = json.loads(RESULTS.read_text(encoding="utf-8"))["runs"]
    fig = Figure(figsize=(8, 3.2), layout="constrained")
    axes = fig.subplots(1, 2, sharey=True)
    for ax, optimizer in zip(axes, ("sgd", "adam"), strict=True):
        for rule, color in (("none", "C3"), ("sqrt", "C1"), ("linear", "C0")):
            sizes = sorted({r["batch_size"] for r in runs})
            means, stds = [], []
            for b in sizes:
                accs = [
                    r["test_acc"]
                    for r in runs
                    if r["optimizer"] == optimizer
                    and r["batch_size"] == b
                    and r["rule"] in ((rule,) if b != 32 else ("none",))
                ]
                means.append(statistics.mean(accs))
                stds.append(statistics.stdev(accs))
            ax.errorbar(sizes, means, yerr=stds, marker="o", capsize=3, color=color, label=rule)
        ax.set_xscale("log", base=2)
        ax.set_xticks(sizes, [str(b) for b in sizes])
        ax.set_xlabel("batch size (20 epochs each)")
        ax.set_title("SGD, momentum 0.9" if optimizer == "sgd" else "Adam", fontsize=10)
        ax.grid(True, alpha=0.3)
    axes[0].set_ylabel("test accuracy")
    axes[0].legend(title="lr scaling")
    return fig
