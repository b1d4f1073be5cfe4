"""Which examples validate in which fold: 5-fold splits of 23 examples, in order and shuffled."""

import torch
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from dlnotes.mlp import model_selection as mlp_ms  # qualified: a page's own names stay untouched


def figure() -> Figure:
    n, k = 23, 5
    fig = Figure(figsize=(8.0, 2.8))
    axes = fig.subplots(1, 2)
    colors = ["#d9e6f2", "#e6550d"]  # training, validation
    cmap = ListedColormap(colors)
    for ax, shuffle in zip(axes, (False, True), strict=True):
        g = torch.Generator().manual_seed(0)
        grid = torch.zeros(k, n)  # row i: 1 where example j validates in fold i
        for i, (_, val_idx) in enumerate(mlp_ms.k_fold_indices(n, k, shuffle=shuffle, generator=g)):
            grid[i, val_idx] = 1.0
        ax.imshow(grid.numpy(), cmap=cmap, aspect="auto", vmin=0, vmax=1)
        ax.set_xticks(range(0, n, 5))
        ax.set_yticks(range(k), [f"fold {i + 1}" for i in range(k)])
        ax.set_xticks([x - 0.5 for x in range(1, n)], minor=True)
        ax.set_yticks([y - 0.5 for y in range(1, k)], minor=True)
        ax.grid(which="minor", color="white", linewidth=1)
        ax.grid(which="major", visible=False)
        ax.tick_params(which="minor", length=0)
        ax.set_xlabel("example index")
        ax.set_title("shuffle=True" if shuffle else "shuffle=False (contiguous)", fontsize=10)
    names = ("training", "validation")
    handles = [Patch(color=c, label=name) for c, name in zip(colors, names, strict=True)]
    fig.legend(handles=handles, loc="lower center", ncol=2, fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    return fig
