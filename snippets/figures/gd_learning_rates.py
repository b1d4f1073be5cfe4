"""Gradient descent with three learning rates on x^2, and two on an elongated quadratic."""

import torch
from matplotlib.figure import Figure

from dlnotes.optim.functions import elongated_quadratic, trajectory
from dlnotes.optim.sgd import SGD


def figure() -> Figure:
    fig = Figure(figsize=(9, 3.4))
    left, right = fig.subplots(1, 2)

    # Left: f(x) = x^2 from x = 10, five steps each.
    xs = torch.linspace(-27, 27, 301)
    left.plot(xs, xs**2, color="gray", linewidth=1)
    for lr, style, label in [
        (0.05, "o-", "too small"),
        (0.2, "s-", "good"),
        (1.1, "^-", "too large"),
    ]:
        path = trajectory(lambda p, lr=lr: SGD(p, lr=lr), lambda x: (x**2).sum(), [10.0], steps=5)[
            :, 0
        ]
        left.plot(path, path**2, style, markersize=4, label=rf"$\eta = {lr}$ ({label})")
    left.set_xlabel("$x$")
    left.set_ylabel("$f(x) = x^2$")
    left.set_title("one dimension, 5 steps from $x = 10$")
    left.legend(fontsize=8)

    # Right: f(x) = 0.1 x1^2 + 2 x2^2 from (-5, -2); the step limit is 2 / 4 = 0.5.
    g1, g2 = torch.meshgrid(
        torch.linspace(-5.5, 1.0, 121), torch.linspace(-4.0, 4.0, 121), indexing="ij"
    )
    right.contour(g1, g2, 0.1 * g1**2 + 2 * g2**2, levels=12, colors="lightgray", linewidths=0.8)
    for lr, style in [(0.4, "o-"), (0.6, "^-")]:
        path = trajectory(
            lambda p, lr=lr: SGD(p, lr=lr), elongated_quadratic, [-5.0, -2.0], steps=20
        )
        right.plot(path[:, 0], path[:, 1], style, markersize=3, label=rf"$\eta = {lr}$")
    right.set_xlim(-5.5, 1.0)
    right.set_ylim(-4.0, 4.0)
    right.set_xlabel("$x_1$")
    right.set_ylabel("$x_2$")
    right.set_title(r"$0.1 x_1^2 + 2 x_2^2$, 20 steps")
    right.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    return fig
