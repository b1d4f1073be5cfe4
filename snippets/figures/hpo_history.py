"""The saved Optuna studies (dlnotes.experiments.hpo_digits): best validation accuracy so
far per trial for TPE and random search, and the per-epoch curves of the TPE trials, with
the pruned ones in gray."""

import json
from pathlib import Path

from matplotlib.figure import Figure

RESULTS = Path("snippets/results/hpo-digits.json")  # relative to the repository root


def figure() -> Figure:
    results = json.loads(RESULTS.read_text(encoding="utf-8"))
    fig = Figure(figsize=(8, 3.2), layout="constrained")
    left, right = fig.subplots(1, 2)
    for sampler, color in (("tpe", "C0"), ("random", "C1")):
        best, curve = 0.0, []
        for t in results[sampler]["trials"]:
            if t["state"] == "COMPLETE":
                best = max(best, t["value"])
            curve.append(best)
        left.step(
            range(len(curve)),
            curve,
            where="post",
            color=color,
            label=sampler.upper() if sampler == "tpe" else "random",
        )
    left.set_xlabel("trial")
    left.set_ylabel("best validation accuracy so far")
    left.set_ylim(0.9, 1.0)
    left.legend()
    left.grid(True, alpha=0.3)
    for t in results["tpe"]["trials"]:
        epochs = range(1, len(t["intermediate"]) + 1)
        pruned = t["state"] == "PRUNED"
        right.plot(
            epochs, t["intermediate"], color="0.7" if pruned else "C0", lw=1 if pruned else 1.5
        )
    right.set_xlabel("epoch")
    right.set_ylabel("validation accuracy")
    right.set_title("TPE trials (gray: pruned)", fontsize=10)
    right.set_ylim(0.5, 1.0)
    right.grid(True, alpha=0.3)
    return fig
