"""Common activation functions and their derivatives (T09)."""

import torch
from matplotlib.figure import Figure
from torch.nn import functional as F


def figure() -> Figure:
    x = torch.linspace(-4, 7, 551, requires_grad=True)
    functions = {
        "ReLU": F.relu,
        "LeakyReLU(0.1)": lambda t: F.leaky_relu(t, 0.1),
        "ReLU6": F.relu6,
        "Hardswish": F.hardswish,
        "GELU": F.gelu,
        "SiLU": F.silu,
    }
    fig = Figure(figsize=(7, 3))
    ax_f, ax_d = fig.subplots(1, 2)
    for name, fn in functions.items():
        y = fn(x)
        (dy,) = torch.autograd.grad(y.sum(), x)  # f'(x), elementwise
        ax_f.plot(x.detach().numpy(), y.detach().numpy(), label=name)
        ax_d.plot(x.detach().numpy(), dy.numpy(), label=name)
    ax_f.set_title("f(x)")
    ax_d.set_title("f'(x)")
    for ax in (ax_f, ax_d):
        ax.grid(True, alpha=0.3)
        ax.set_xlabel("x")
    ax_f.legend(fontsize=7)
    fig.tight_layout()
    return fig
