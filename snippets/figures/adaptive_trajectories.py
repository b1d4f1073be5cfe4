"""AdaGrad, RMSProp and AdaDelta on the elongated quadratic: paths and per-coordinate step."""

import torch
from matplotlib.figure import Figure

from dlnotes.optim import adaptive as ada  # qualified: a page's own names stay untouched
from dlnotes.optim.functions import elongated_quadratic, trajectory

OPTIMIZERS = {
    "AdaGrad, lr=0.4": lambda params: ada.Adagrad(params, lr=0.4),
    "RMSProp, lr=0.4": lambda params: ada.RMSprop(params, lr=0.4),
    "AdaDelta, lr=1": lambda params: ada.Adadelta(params, lr=1.0),
}


def figure() -> Figure:
    fig = Figure(figsize=(9.0, 3.6))
    left, right = fig.subplots(1, 2)
    x1, x2 = torch.meshgrid(
        torch.linspace(-5.5, 1.5, 71), torch.linspace(-2.5, 2.5, 51), indexing="ij"
    )
    left.contour(x1, x2, elongated_quadratic(torch.stack([x1, x2])), levels=15, colors="0.8")
    steps = 100
    for (name, make), color in zip(OPTIMIZERS.items(), ("C0", "C1", "C2"), strict=True):
        path = trajectory(make, elongated_quadratic, [-5.0, -2.0], steps)
        left.plot(path[:, 0], path[:, 1], ".-", color=color, markersize=3, lw=1, label=name)
        # effective learning rate of each coordinate: |step| / |gradient before the step|
        grad = torch.stack([0.2 * path[:-1, 0], 4.0 * path[:-1, 1]], dim=1)
        lr_eff = (path[1:] - path[:-1]).abs() / grad.abs()
        t = torch.arange(1, steps + 1)
        right.plot(t, lr_eff[:, 0], "-", color=color, label=f"{name.split(',')[0]}, $x_1$")
        right.plot(t, lr_eff[:, 1], "--", color=color, label=f"{name.split(',')[0]}, $x_2$")
    left.plot([0], [0], "k*", markersize=8)
    left.set_xlabel("$x_1$")
    left.set_ylabel("$x_2$")
    left.set_title(f"{steps} steps on $0.1 x_1^2 + 2 x_2^2$", fontsize=10)
    left.legend(fontsize=8, loc="upper right")
    right.set_yscale("log")
    right.set_xscale("log")
    right.set_xlabel("step")
    right.set_ylabel("|step| / |gradient|")
    right.set_title("effective learning rate per coordinate", fontsize=10)
    right.grid(True, alpha=0.3)
    right.legend(fontsize=7, ncol=3, loc="lower center")
    fig.tight_layout()
    return fig
