"""Receptive field of three stacked 3x3 convolutions with dilations 1-1-1, 1-2-4 and 2-2-2."""

import torch
from matplotlib.figure import Figure
from torch import nn


def figure():
    fig = Figure(figsize=(9.0, 3.4))
    axes = fig.subplots(1, 3)
    for ax, dilations in zip(axes, [(1, 1, 1), (1, 2, 4), (2, 2, 2)], strict=True):
        net = nn.Sequential(
            *[nn.Conv2d(1, 1, 3, padding=d, dilation=d, bias=False) for d in dilations]
        )
        for conv in net:
            nn.init.ones_(conv.weight)  # every path from input to output counts once
        X = torch.zeros(1, 1, 19, 19, requires_grad=True)
        net(X)[0, 0, 9, 9].backward()  # one output pixel, at the centre
        paths = X.grad[0, 0]  # how many paths link each input pixel to that output
        ax.imshow(paths.numpy(), cmap="Blues")
        seen = int((paths > 0).sum().item())
        ax.set_title(f"dilations {dilations}\n{seen} input pixels", fontsize="medium")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
    fig.subplots_adjust(left=0.02, right=0.98, bottom=0.02, top=0.86, wspace=0.08)
    return fig
