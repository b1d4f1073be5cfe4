"""Every optimizer of the chapter on the Rosenbrock function, from (-1.5, 2), 500 steps."""

# --8<-- [start:runs]
from functools import cache

import torch
from matplotlib.figure import Figure

from dlnotes.optim import adam, adaptive, sgd
from dlnotes.optim.functions import rosenbrock, trajectory

START, STEPS = (-1.5, 2.0), 500
MINIMUM = torch.tensor([1.0, 1.0], dtype=torch.float64)

# name: (learning rate, optimizer factory); the rates were picked by hand (see the page)
OPTIMIZER_RUNS = {
    "SGD": (1e-3, lambda p, lr: sgd.SGD(p, lr=lr)),
    "Momentum": (1e-3, lambda p, lr: sgd.SGD(p, lr=lr, momentum=0.9)),
    "Nesterov": (1e-3, lambda p, lr: sgd.SGD(p, lr=lr, momentum=0.9, nesterov=True)),
    "AdaGrad": (0.3, lambda p, lr: adaptive.Adagrad(p, lr=lr)),
    "RMSProp": (0.03, lambda p, lr: adaptive.RMSprop(p, lr=lr)),
    "AdaDelta": (10.0, lambda p, lr: adaptive.Adadelta(p, lr=lr)),
    "Adam": (0.1, lambda p, lr: adam.Adam(p, lr=lr)),
    "AMSGrad": (0.1, lambda p, lr: adam.Adam(p, lr=lr, amsgrad=True)),
    "AdamW": (0.1, lambda p, lr: adam.AdamW(p, lr=lr)),  # weight_decay=0.01, its default
    "NAdam": (0.1, lambda p, lr: adam.NAdam(p, lr=lr)),
    "RAdam": (3e-3, lambda p, lr: adam.RAdam(p, lr=lr)),
}


@cache
def run_all() -> dict[str, torch.Tensor]:
    """The path of every optimizer: ``(STEPS + 1, 2)`` points each."""
    return {
        name: trajectory(lambda p, make=make, lr=lr: make(p, lr), rosenbrock, START, STEPS)
        for name, (lr, make) in OPTIMIZER_RUNS.items()
    }


# --8<-- [end:runs]


# --8<-- [start:plot]
def figure() -> Figure:
    paths = run_all()
    x1, x2 = torch.meshgrid(
        torch.linspace(-2, 2, 101, dtype=torch.float64),
        torch.linspace(-1, 3, 101, dtype=torch.float64),
        indexing="ij",
    )
    z = torch.log10(rosenbrock(torch.stack([x1, x2])) + 1e-3)  # log scale: the valley shows
    fig = Figure(figsize=(10, 7.2))
    axes = fig.subplots(3, 4, sharex=True, sharey=True).ravel()
    for ax, (name, path) in zip(axes, paths.items(), strict=False):
        ax.contour(x1, x2, z, levels=[-1, 0, 0.5, 1, 1.5, 2, 2.5, 3], colors="lightgray")
        ax.plot(path[:, 0], path[:, 1], "-", color="C0", linewidth=0.8)
        ax.plot(*START, "o", color="C2", markersize=4)
        ax.plot(1, 1, "*", color="C3", markersize=8)
        dist = (path[-1] - MINIMUM).norm().item()
        lr = OPTIMIZER_RUNS[name][0]
        ax.set_title(f"{name}, lr={lr:g}\nfinal distance {dist:.3g}", fontsize=8)
        ax.set_xlim(-2, 2)
        ax.set_ylim(-1, 3)
    axes[-1].axis("off")
    axes[-1].text(0.0, 0.5, f"Rosenbrock, {STEPS} steps\nstart: green dot\nminimum: red star")
    fig.tight_layout()
    return fig


# --8<-- [end:plot]
