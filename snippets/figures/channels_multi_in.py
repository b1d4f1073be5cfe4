"""Two input channels (D2L's example): one kernel per channel, the two results are added."""

import torch
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from dlnotes.cnn.channels import corr2d_multi_in
from dlnotes.cnn.conv import corr2d


def show_matrix(ax, M, title, color, frame=3):
    """Draw a small matrix as shaded cells with its numbers, centred in a frame x frame box."""
    h, w = M.shape
    dy, dx = (frame - h) / 2, (frame - w) / 2  # same cell size in every panel
    for i in range(h):
        for j in range(w):
            cell = Rectangle((dx + j, dy + i), 1, 1, facecolor=color, edgecolor="black", alpha=0.5)
            ax.add_patch(cell)
            ax.text(dx + j + 0.5, dy + i + 0.5, f"{M[i, j].item():g}", ha="center", va="center")
    ax.set(xlim=(-0.05, frame + 0.05), ylim=(frame + 0.05, -0.05))  # row 0 on top
    ax.set_title(title, fontsize="medium")
    ax.set_aspect("equal")
    ax.axis("off")


def figure():
    X = torch.stack([torch.arange(9.0).reshape(3, 3), torch.arange(1.0, 10).reshape(3, 3)])
    K = torch.tensor([[[0.0, 1.0], [2.0, 3.0]], [[1.0, 2.0], [3.0, 4.0]]])
    fig = Figure(figsize=(8, 4.2))
    grid = fig.add_gridspec(2, 4)
    for c in range(2):  # one row per input channel
        show_matrix(fig.add_subplot(grid[c, 0]), X[c], f"input channel {c}", "tab:blue")
        show_matrix(fig.add_subplot(grid[c, 1]), K[c], f"kernel channel {c}", "tab:orange")
        show_matrix(
            fig.add_subplot(grid[c, 2]), corr2d(X[c], K[c]), f"corr2d, channel {c}", "tab:green"
        )
    show_matrix(fig.add_subplot(grid[:, 3]), corr2d_multi_in(X, K), "sum = output", "tab:red")
    fig.tight_layout()
    return fig
