"""Chords of a convex and a non-convex function; a convex and a non-convex set."""

import torch
from matplotlib.figure import Figure
from matplotlib.patches import Circle


def figure() -> Figure:
    fig = Figure(figsize=(9.0, 6.4))
    (ax1, ax2), (ax3, ax4) = fig.subplots(2, 2)

    x = torch.linspace(-2.0, 2.0, 401, dtype=torch.float64)
    for ax, fn, (a, b), title in (
        (ax1, lambda t: 0.5 * t**2, (-1.5, 1.0), "convex: $f(x) = x^2 / 2$"),
        (ax2, lambda t: torch.cos(torch.pi * t), (-1.0, 1.0), "not convex: $f(x) = \\cos(\\pi x)$"),
    ):
        ends = torch.tensor([a, b], dtype=torch.float64)
        ax.plot(x, fn(x), label="f(x)")
        ax.plot(ends, fn(ends), "o--", color="C1", label="chord")
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("x")
        ax.legend(fontsize=8, loc="upper center")
    ax1.annotate("chord above f", (-0.25, 0.81), (-1.9, 1.6), arrowprops={"arrowstyle": "->"})
    ax2.annotate("chord below f", (0.0, -1.0), (-0.6, -0.3), arrowprops={"arrowstyle": "->"})
    ax2.set_ylim(-1.5, 1.8)

    centers = ((0.0, 0.0), (1.5, 0.0))  # two unit disks
    grid = torch.linspace(-1.2, 2.7, 391, dtype=torch.float64)
    X, Y = torch.meshgrid(grid, torch.linspace(-1.2, 1.2, 241, dtype=torch.float64), indexing="xy")
    inside = [(X - cx) ** 2 + (Y - cy) ** 2 <= 1.0 for cx, cy in centers]
    for ax, region, title in (
        (ax3, inside[0] & inside[1], "intersection of two disks: convex"),
        (ax4, inside[0] | inside[1], "union of two disks: not convex"),
    ):
        ax.contourf(X, Y, region.double(), levels=[0.5, 1.5], colors=["C0"], alpha=0.4)
        for center in centers:
            ax.add_patch(Circle(center, 1.0, fill=False, linestyle=":", color="gray"))
        ax.set_title(title, fontsize=10)
        ax.set_aspect("equal")
        ax.set_xlim(-1.2, 2.7)
        ax.set_ylim(-1.2, 1.2)
    ax3.plot([0.75, 0.75], [-0.6, 0.6], "o-", color="C1")  # any segment stays inside
    ax4.plot([0.0, 1.5], [0.9, 0.9], "o-", color="C1")  # leaves the union in the middle
    ax4.plot([0.75], [0.9], "x", color="C3", markersize=9)
    fig.tight_layout()
    return fig
