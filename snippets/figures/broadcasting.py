"""Broadcasting a (3, 1) tensor with a (1, 2) tensor: the size-1 axes are stretched."""

import matplotlib.pyplot as plt
import torch
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle


def _grid(ax, values: torch.Tensor, x0: float, real: torch.Tensor, title: str) -> None:
    """Draw ``values`` as a grid of cells at x offset ``x0``; faded where not ``real``."""
    rows, cols = values.shape
    for i in range(rows):
        for j in range(cols):
            stored = bool(real[i, j])
            ax.add_patch(
                Rectangle(
                    (x0 + j, rows - 1 - i),
                    1,
                    1,
                    facecolor="#9ecae1" if stored else "#eef5fb",
                    edgecolor="#08519c" if stored else "#6baed6",
                    linestyle="-" if stored else "--",
                    linewidth=1.2,
                )
            )
            ax.text(
                x0 + j + 0.5,
                rows - 0.5 - i,
                f"{values[i, j].item():g}",
                ha="center",
                va="center",
                color="black" if stored else "#6baed6",
                fontsize=12,
            )
    ax.text(x0 + cols / 2, rows + 0.25, title, ha="center", va="bottom", fontsize=10)


def figure() -> Figure:
    a = torch.arange(3.0).reshape(3, 1)  # (3, 1)
    b = torch.arange(2.0).reshape(1, 2)  # (1, 2)
    shape = torch.broadcast_shapes(a.shape, b.shape)  # (3, 2)
    stored_a = torch.zeros(shape, dtype=torch.bool)
    stored_a[:, 0] = True  # a's real column; the second one is a stretched copy
    stored_b = torch.zeros(shape, dtype=torch.bool)
    stored_b[0, :] = True  # b's real row
    fig, ax = plt.subplots(figsize=(6.4, 2.6))
    _grid(ax, a.expand(shape), 0.0, stored_a, "a: shape (3, 1)")
    ax.text(2.5, 1.5, "+", ha="center", va="center", fontsize=18)
    _grid(ax, b.expand(shape), 3.0, stored_b, "b: shape (1, 2)")
    ax.text(5.5, 1.5, "=", ha="center", va="center", fontsize=18)
    _grid(ax, a + b, 6.0, torch.ones(shape, dtype=torch.bool), "a + b: shape (3, 2)")
    ax.text(
        4.0,
        -0.35,
        "dashed cells: size-1 axes stretched by broadcasting (never copied in memory)",
        ha="center",
        va="top",
        fontsize=8.5,
        color="#555555",
    )
    ax.set_xlim(-0.2, 8.2)
    ax.set_ylim(-0.9, 3.8)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.tight_layout()
    return fig
