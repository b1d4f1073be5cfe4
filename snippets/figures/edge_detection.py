"""D2L's edge detector: the kernel [1, -1] on an image with a black band, and on its transpose."""

import torch
from matplotlib.figure import Figure

from dlnotes.cnn.conv import corr2d


def _show(ax, image: torch.Tensor, title: str, cmap: str, vmin: float) -> None:
    ax.imshow(image.numpy(), cmap=cmap, vmin=vmin, vmax=1.0)
    for (i, j), v in zip(
        torch.cartesian_prod(*map(torch.arange, image.shape)).tolist(),
        image.flatten().tolist(),
        strict=True,
    ):
        ax.text(
            j,
            i,
            f"{v:g}",
            ha="center",
            va="center",
            fontsize="x-small",
            color="white" if (v < 0.5 if vmin == 0 else abs(v) > 0.5) else "black",
        )
    ax.set_title(title, fontsize="medium")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)


def figure():
    X = torch.ones(6, 8)
    X[:, 2:6] = 0  # a black band: two vertical edges
    K = torch.tensor([[1.0, -1.0]])  # output 0 where neighbours are equal
    fig = Figure(figsize=(9.0, 3.0))
    axes = fig.subplots(1, 4, width_ratios=[8, 7, 6, 5])
    _show(axes[0], X, "input X (6 x 8)", "gray", 0.0)
    _show(axes[1], corr2d(X, K), "corr2d(X, K)", "coolwarm", -1.0)
    _show(axes[2], X.t(), "input X.T (8 x 6)", "gray", 0.0)
    _show(axes[3], corr2d(X.t(), K), "corr2d(X.T, K)", "coolwarm", -1.0)
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.02, top=0.9, wspace=0.12)
    return fig
