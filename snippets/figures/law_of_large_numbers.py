"""Law of large numbers: running estimates of a fair die's six face probabilities."""

import matplotlib.pyplot as plt
import torch
from matplotlib.figure import Figure

from dlnotes.probability import running_frequencies


def figure(num_rolls: int = 10000, seed: int = 0) -> Figure:
    g = torch.Generator().manual_seed(seed)
    rolls = torch.randint(0, 6, (num_rolls,), generator=g)  # faces 0..5 stand for 1..6
    freqs = running_frequencies(rolls, 6)  # (num_rolls, 6)
    # plot ~300 log-spaced points: the curves look the same and the SVG stays small
    idx = torch.logspace(0, torch.log10(torch.tensor(num_rolls)), 300).long().unique() - 1
    n = idx + 1
    fig, ax = plt.subplots(figsize=(5, 3.2))
    for face in range(6):
        ax.plot(n, freqs[idx, face], lw=1, label=f"P(face {face + 1})")
    ax.axhline(1 / 6, color="black", ls="--", lw=1, label="1/6")
    ax.set_xscale("log")
    ax.set_xlabel("number of rolls n")
    ax.set_ylabel("estimated probability")
    ax.set_ylim(0, 0.6)
    ax.legend(fontsize=7, ncol=4, loc="upper right")
    fig.tight_layout()
    return fig
