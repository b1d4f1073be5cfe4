"""D2L's vertical edge, before and after a one-pixel shift: 2x2 max pooling still fires in
column 1 for both (outlined), although the convolution outputs differ."""

import torch
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from dlnotes.cnn.conv import corr2d
from dlnotes.cnn.pooling import pool2d


def show_matrix(ax, M, title, color):
    """Draw a matrix as shaded cells (darker = larger) with its numbers, row 0 on top."""
    h, w = M.shape
    for i in range(h):
        for j in range(w):
            v = M[i, j].item()
            shade = 0.15 + 0.6 * (v + 1) / 2  # values here are in [-1, 1]
            ax.add_patch(Rectangle((j, i), 1, 1, facecolor=color, edgecolor="grey", alpha=shade))
            ax.text(j + 0.5, i + 0.5, f"{v:g}", ha="center", va="center", fontsize="small")
    ax.set(xlim=(-0.1, 8.1), ylim=(6.1, -0.1))  # the same 8 x 6 frame for every panel
    ax.set_title(title, fontsize="medium")
    ax.set_aspect("equal")
    ax.axis("off")


def figure():
    K = torch.tensor([[1.0, -1.0]])  # responds to a 1 -> 0 step from left to right
    fig = Figure(figsize=(10, 4.4))
    axes = fig.subplots(2, 3)
    for row, start in enumerate([2, 3]):  # the dark band starts at column 2, then at 3
        X = torch.ones(6, 8)
        X[:, start : start + 4] = 0
        Y = corr2d(X, K)  # (6, 7)
        P = pool2d(Y, (2, 2))  # (5, 6), max pooling with stride 1
        shift = "" if row == 0 else ", shifted"
        show_matrix(axes[row, 0], X, f"image X{shift}", "tab:blue")
        show_matrix(axes[row, 1], Y, "corr2d(X, [1, -1])", "tab:green")
        show_matrix(axes[row, 2], P, "2x2 max pooling", "tab:red")
        outline = Rectangle((1, 0), 1, 5, fill=False, edgecolor="black", linewidth=2.5)
        axes[row, 2].add_patch(outline)
    fig.tight_layout()
    return fig
