"""Std of the activations through 50 tanh (left) and ReLU (right) layers, per initialization."""

import torch
from matplotlib.figure import Figure
from torch import nn
from torch.nn.utils import skip_init

from dlnotes.mlp.init import calculate_gain, kaiming_normal_, orthogonal_, xavier_normal_
from dlnotes.tricks.init import init_weights

DEPTH, WIDTH, BATCH = 50, 256, 128


def _init(layer: nn.Linear, scheme: str, nonlinearity: str, g: torch.Generator) -> None:
    if scheme == "N(0, 0.01^2)":
        init_weights(layer, "normal", std=0.01)  # global generator, seeded in figure()
    elif scheme == "N(0, 1)":
        init_weights(layer, "normal", std=1.0)
    elif scheme == "Xavier (gain 1)":
        xavier_normal_(layer.weight, generator=g)
    elif scheme == "Kaiming":
        kaiming_normal_(layer.weight, nonlinearity=nonlinearity, generator=g)
    else:  # orthogonal, with the same gain as Kaiming: sqrt(2) for ReLU, 5/3 for tanh
        orthogonal_(layer.weight, gain=calculate_gain(nonlinearity), generator=g)


def activation_stds(scheme: str, nonlinearity: str) -> list[float]:
    """Std of the activations after each of DEPTH layers.

    In float32, N(0, 1) with ReLU overflows to inf at layer 33 (not drawn); the plot is
    clipped at 1e8 long before that.
    """
    g = torch.Generator().manual_seed(0)
    act = torch.tanh if nonlinearity == "tanh" else torch.relu
    x = torch.randn(BATCH, WIDTH, generator=g)  # unit-variance inputs
    stds = []
    with torch.no_grad():
        for _ in range(DEPTH):
            # skip_init: no default initialization, the scheme below fills the weight
            layer = skip_init(nn.Linear, WIDTH, WIDTH, bias=False)
            _init(layer, scheme, nonlinearity, g)
            x = act(layer(x))
            stds.append(x.std().item())
    return stds


SCHEMES = ["N(0, 0.01^2)", "N(0, 1)", "Xavier (gain 1)", "Kaiming", "orthogonal"]


def figure() -> Figure:
    torch.manual_seed(0)  # init_weights draws from the global generator
    fig = Figure(figsize=(8, 3.4))
    axes = fig.subplots(1, 2, sharey=True)
    for ax, nonlinearity in zip(axes, ["tanh", "relu"], strict=True):
        for scheme, style in zip(SCHEMES, ["o", "s", "^", "D", "v"], strict=True):
            stds = activation_stds(scheme, nonlinearity)
            ax.plot(range(1, DEPTH + 1), stds, marker=style, markersize=3, markevery=5)
        ax.set_yscale("log")
        ax.set_ylim(1e-8, 1e8)
        ax.set_xlabel("layer")
        ax.set_title(f"{'tanh' if nonlinearity == 'tanh' else 'ReLU'}, width {WIDTH}")
        ax.grid(True, alpha=0.3)
    axes[0].set_ylabel("std of activations")
    axes[0].legend(SCHEMES, fontsize=8, loc="lower right")
    fig.tight_layout()
    return fig
