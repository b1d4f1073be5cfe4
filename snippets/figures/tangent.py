"""f(x) = 3x^2 - 4x and its tangent line at x = 1 (slope f'(1) = 2)."""

import torch
from matplotlib.figure import Figure

from dlnotes.calculus import tangent_line
from dlnotes.plotting import plot


def f(x):
    return 3 * x**2 - 4 * x  # works on floats and on tensors


def figure() -> Figure:
    x = torch.arange(0.0, 3.0, 0.1)  # (30,)
    slope, intercept = tangent_line(f, 1.0)  # y = 2x - 3
    fig = plot(
        x,
        [f(x), slope * x + intercept],
        "x",
        "f(x)",
        legend=["$f(x) = 3x^2 - 4x$", "tangent at $x = 1$"],
    )
    fig.axes[0].plot([1.0], [f(1.0)], "ko")  # the point of contact (1, -1)
    return fig
