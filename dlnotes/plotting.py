"""Plotting helpers that work anywhere: in Jupyter, in a script, or in a docs build.

D2L's ``d2l.plot`` draws into the current Jupyter figure and relies on global state.
Here every function creates (or receives) an explicit ``matplotlib.axes.Axes`` and
returns the ``Figure``, so the caller decides whether to show it, save it or test it.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib
import matplotlib.pyplot as plt
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure

__all__ = ["plot", "save_svg", "use_svg_style"]

ArrayLike = Sequence[float] | torch.Tensor


def use_svg_style() -> None:
    """Make SVG output byte-for-byte reproducible and readable on light and dark themes."""
    matplotlib.rcParams.update(
        {
            "svg.hashsalt": "dlnotes",
            "svg.fonttype": "none",  # keep text as text: smaller, searchable
            "figure.figsize": (5.0, 3.2),
            "axes.grid": True,
            "grid.alpha": 0.3,
        }
    )


def plot(
    X: ArrayLike | Sequence[ArrayLike],
    Y: ArrayLike | Sequence[ArrayLike] | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    legend: Sequence[str] | None = None,
    xlim: tuple[float, float] | None = None,
    ylim: tuple[float, float] | None = None,
    xscale: str = "linear",
    yscale: str = "linear",
    fmts: Sequence[str] = ("-", "m--", "g-.", "r:"),
    figsize: tuple[float, float] = (5.0, 3.2),
    axes: Axes | None = None,
) -> Figure:
    """Plot one or several curves, with D2L's ``d2l.plot`` argument order.

    ``X`` (and ``Y``) may be one sequence or a list of sequences. If ``Y`` is omitted,
    ``X`` holds the y-values and the x-values are ``0, 1, 2, ...``.

    Example:
        >>> fig = plot([0, 1, 2], [[0, 1, 4], [0, 1, 8]], legend=["x^2", "x^3"])
        >>> len(fig.axes[0].lines)
        2
        >>> plot([0, 1], [[0, 1], [1, 2]], fmts=["-"])
        Traceback (most recent call last):
        ...
        ValueError: need one format per curve: 2 curves, 1 formats
    """

    def has_one_axis(v: object) -> bool:
        if isinstance(v, torch.Tensor):
            return v.dim() == 1
        return isinstance(v, Sequence) and not isinstance(v[0], (Sequence, torch.Tensor))

    if has_one_axis(X):
        X = [X]  # type: ignore[list-item]
    if Y is None:
        X, Y = [list(range(len(x))) for x in X], X  # type: ignore[arg-type]
    elif has_one_axis(Y):
        Y = [Y]  # type: ignore[list-item]
    if len(X) != len(Y):  # type: ignore[arg-type]
        X = X * len(Y)  # type: ignore[operator, arg-type]
    if len(fmts) < len(Y):  # type: ignore[arg-type]
        raise ValueError(
            f"need one format per curve: {len(Y)} curves, {len(fmts)} formats"  # type: ignore[arg-type]
        )
    if axes is None:
        fig, axes = plt.subplots(figsize=figsize)
    else:
        fig = axes.figure  # type: ignore[assignment]
    for x, y, fmt in zip(X, Y, fmts, strict=False):  # type: ignore[arg-type]
        x = x.detach().cpu() if isinstance(x, torch.Tensor) else x
        y = y.detach().cpu() if isinstance(y, torch.Tensor) else y
        axes.plot(x, y, fmt)
    axes.set_xlabel(xlabel or "")
    axes.set_ylabel(ylabel or "")
    axes.set_xscale(xscale)
    axes.set_yscale(yscale)
    if xlim:
        axes.set_xlim(xlim)
    if ylim:
        axes.set_ylim(ylim)
    if legend:
        axes.legend(legend)
    fig.tight_layout()
    return fig  # type: ignore[return-value]


def save_svg(fig: Figure, path: str) -> None:
    """Save ``fig`` as a reproducible SVG (no timestamp, fixed element ids) and close it."""
    use_svg_style()
    fig.savefig(path, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(fig)
