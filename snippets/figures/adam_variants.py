"""Adam's bias correction and RAdam's rectification by step; Adam variants on Rosenbrock."""

import math

import torch
from matplotlib.figure import Figure

from dlnotes.optim import adam as adam_mod  # qualified: a page's own names stay untouched
from dlnotes.optim.functions import rosenbrock, trajectory

VARIANTS = {
    "Adam": lambda params: adam_mod.Adam(params, lr=0.05),
    "AMSGrad": lambda params: adam_mod.Adam(params, lr=0.05, amsgrad=True),
    "NAdam": lambda params: adam_mod.NAdam(params, lr=0.05),
}


def rectification(t: int, beta2: float = 0.999) -> float:
    """RAdam's r_t, or 0 while rho_t <= 5 (the steps that are momentum SGD)."""
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * t * beta2**t / (1 - beta2**t)
    if rho_t <= 5:
        return 0.0
    return math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))


def figure() -> Figure:
    fig = Figure(figsize=(9.0, 3.6))
    left, right = fig.subplots(1, 2)
    t = sorted({round(10 ** (k / 100)) for k in range(401)})  # 1 .. 10^4, log-spaced
    b1, b2 = 0.9, 0.999
    left.plot(
        t, [(1 - b1**s) / math.sqrt(1 - b2**s) for s in t], label="Adam without bias correction"
    )
    left.plot(
        t, [rectification(s, b2) for s in t], label="RAdam: $r_t$ (0 while $\\rho_t \\leq 5$)"
    )
    left.axhline(1.0, color="gray", linestyle=":", label="Adam (corrected)")
    left.set_xscale("log")
    left.set_xlabel("step $t$")
    left.set_ylabel("step / (lr sign(g))")
    left.set_title("constant gradient, $\\beta_1 = 0.9$, $\\beta_2 = 0.999$", fontsize=10)
    left.grid(True, alpha=0.3)
    left.legend(fontsize=8)
    x1, x2 = torch.meshgrid(
        torch.linspace(-1.5, 1.5, 61), torch.linspace(-0.5, 1.5, 41), indexing="ij"
    )
    levels = [0.5, 2, 8, 32, 128, 512]
    right.contour(x1, x2, rosenbrock(torch.stack([x1, x2])), levels=levels, colors="0.8")
    styles = [dict(lw=3.0, alpha=0.5), dict(lw=1.2, linestyle="--"), dict(lw=0.8)]
    for (name, make), style in zip(VARIANTS.items(), styles, strict=True):
        path = trajectory(make, rosenbrock, [-1.0, 1.0], 500)
        right.plot(path[:, 0], path[:, 1], label=name, **style)
    right.plot([1], [1], "k*", markersize=8)
    right.set_xlabel("$x_1$")
    right.set_ylabel("$x_2$")
    right.set_title("500 steps on Rosenbrock, lr = 0.05", fontsize=10)
    right.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    return fig
