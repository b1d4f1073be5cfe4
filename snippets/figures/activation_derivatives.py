"""Twelve activation functions (solid) and their analytic derivatives (dashed), one panel each."""

from functools import partial

import torch
from matplotlib.figure import Figure

from dlnotes.mlp import activations as A


def figure() -> Figure:
    x = torch.linspace(-5, 7, 601)
    slope = torch.tensor([0.25])  # PReLU's initial slope
    panels = {  # title: (f, f'), the derivative from its formula, not from autograd
        "sigmoid": (A.sigmoid, A.sigmoid_grad),
        "tanh": (A.tanh, A.tanh_grad),
        "Softsign": (A.softsign, A.softsign_grad),
        "Softplus (beta 1)": (A.softplus, A.softplus_grad),
        "ReLU": (A.relu, A.relu_grad),
        "LeakyReLU (0.1)": (
            partial(A.leaky_relu, negative_slope=0.1),
            partial(A.leaky_relu_grad, negative_slope=0.1),
        ),
        "PReLU (a = 0.25)": (partial(A.prelu, weight=slope), partial(A.prelu_grad, weight=slope)),
        "ReLU6": (A.relu6, A.relu6_grad),
        "Hardswish": (A.hardswish, A.hardswish_grad),
        "GELU (exact)": (A.gelu, A.gelu_grad),
        "GELU (tanh approx.)": (
            partial(A.gelu, approximate="tanh"),
            partial(A.gelu_grad, approximate="tanh"),
        ),
        "SiLU / Swish": (A.silu, A.silu_grad),
    }
    fig = Figure(figsize=(9, 6.2))
    axes = fig.subplots(3, 4, sharex=True)
    for ax, (title, (f, df)) in zip(axes.flat, panels.items(), strict=True):
        ax.plot(x.numpy(), f(x).numpy(), "-", label="f(x)")
        ax.plot(x.numpy(), df(x).numpy(), "--", label="f'(x)")
        ax.axhline(0, color="gray", linewidth=0.5)
        ax.set_title(title, fontsize=9)
        # one scale for all (compare slopes across panels); ReLU6 needs room for its cap
        ax.set_ylim(-1.0, 7.0) if title == "ReLU6" else ax.set_ylim(-1.5, 3.0)
        ax.tick_params(labelsize=7)
    for ax in axes[-1]:
        ax.set_xlabel("x", fontsize=8)
    axes[0, 0].legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    return fig
