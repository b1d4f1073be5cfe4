"""Training with a correct first layer versus one that reads `.data` in forward."""

import torch
from matplotlib.figure import Figure
from torch import nn

from dlnotes.computation.layers import BrokenLinear, MyLinear


def figure() -> Figure:
    g = torch.Generator().manual_seed(0)
    X = torch.randn(128, 4, generator=g)
    y = X[:, :1] * X[:, 1:2] + torch.sin(X[:, 2:3])  # a non-linear target
    fig = Figure(figsize=(6.5, 2.8))
    ax_loss, ax_move = fig.subplots(1, 2)
    for cls, label, style in [(MyLinear, "correct layer", "-"), (BrokenLinear, "uses .data", "--")]:
        torch.manual_seed(0)  # the same initial weights for both runs
        first = cls(4, 16)
        torch.manual_seed(1)  # the same output layer too (as on the page)
        net = nn.Sequential(first, nn.ReLU(), nn.Linear(16, 1))
        start = first.weight.detach().clone()
        opt = torch.optim.SGD(net.parameters(), lr=0.05)
        losses, moved = [], []
        for _ in range(150):
            loss = (net(X) - y).square().mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
            moved.append((first.weight.detach() - start).norm().item())
        ax_loss.plot(losses, style, label=label)
        ax_move.plot(moved, style, label=label)
    ax_loss.set_xlabel("step")
    ax_loss.set_ylabel("training loss (MSE)")
    ax_move.set_xlabel("step")
    ax_move.set_ylabel("||W1 - W1 at start||")
    for ax in (ax_loss, ax_move):
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
