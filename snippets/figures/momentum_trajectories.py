"""GD, momentum and Nesterov momentum on the elongated quadratic: same start, same lr."""

import torch
from matplotlib.figure import Figure

from dlnotes.optim.functions import elongated_quadratic, trajectory


def figure() -> Figure:
    methods = [
        ("gradient descent", dict()),
        (r"momentum $\beta = 0.5$", dict(momentum=0.5)),
        (r"momentum $\beta = 0.9$", dict(momentum=0.9)),
        (r"Nesterov $\beta = 0.9$", dict(momentum=0.9, nesterov=True)),
    ]
    g1, g2 = torch.meshgrid(
        torch.linspace(-5.5, 3.0, 121), torch.linspace(-3.0, 3.0, 121), indexing="ij"
    )
    fig = Figure(figsize=(8, 5.2))
    axes = fig.subplots(2, 2, sharex=True, sharey=True)
    for ax, (title, kwargs) in zip(axes.flat, methods, strict=True):
        path = trajectory(
            lambda p, kw=kwargs: torch.optim.SGD(p, lr=0.3, **kw),
            elongated_quadratic,
            [-5.0, -2.0],
            steps=30,
        )
        value = elongated_quadratic(path[-1]).item()
        ax.contour(g1, g2, 0.1 * g1**2 + 2 * g2**2, levels=12, colors="lightgray", linewidths=0.8)
        ax.plot(path[:, 0], path[:, 1], "o-", markersize=2.5, linewidth=1)
        ax.plot([0.0], [0.0], "k+")
        ax.set_title(f"{title}: $f$ = {value:.1e} after 30 steps", fontsize=9)
    for ax in axes[1]:
        ax.set_xlabel("$x_1$")
    for ax in axes[:, 0]:
        ax.set_ylabel("$x_2$")
    fig.tight_layout()
    return fig
