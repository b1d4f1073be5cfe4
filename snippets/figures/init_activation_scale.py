"""Activation scale through 20 ReLU layers for three initializations (T06)."""

import torch
from matplotlib.figure import Figure
from torch import nn

from dlnotes.tricks.init import init_weights


def figure() -> Figure:
    fig = Figure(figsize=(5.5, 3.2))
    ax = fig.subplots()
    x0 = torch.randn(512, 256, generator=torch.Generator().manual_seed(0))
    schemes = [
        ("kaiming", "relu", "Kaiming (var 2/n_in)"),
        ("xavier", "linear", "Xavier (var 2/(n_in+n_out))"),
        ("normal", "relu", "N(0, 0.01^2)"),
    ]
    for scheme, nonlinearity, label in schemes:
        torch.manual_seed(0)
        layers = [init_weights(nn.Linear(256, 256), scheme, nonlinearity) for _ in range(20)]
        stds, x = [], x0
        with torch.no_grad():
            for layer in layers:
                x = torch.relu(layer(x))
                stds.append(x.std().item())
        ax.plot(range(1, 21), stds, marker="o", markersize=3, label=label)
    ax.set_yscale("log")
    ax.set_xticks([1, 5, 10, 15, 20])
    ax.set_xlabel("layer")
    ax.set_ylabel("std of activations")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
