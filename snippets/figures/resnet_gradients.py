"""Gradient norm of the first convolution of a deep stack: plain blocks vs residual blocks."""

import torch
from matplotlib.figure import Figure
from torch import nn
from torch.nn import functional as F

BLOCKS = [1, 2, 4, 8, 16, 32]  # blocks of two 3x3 convolutions (width 16) on 8x8 inputs


class Block(nn.Module):
    """conv-(BN)-ReLU-conv-(BN), then ReLU; with ``residual``, the input is added first."""

    def __init__(self, c: int, residual: bool, batch_norm: bool) -> None:
        super().__init__()
        self.residual = residual
        norm = nn.BatchNorm2d if batch_norm else lambda c: nn.Identity()
        self.body = nn.Sequential(
            nn.Conv2d(c, c, 3, padding=1),
            norm(c),
            nn.ReLU(),
            nn.Conv2d(c, c, 3, padding=1),
            norm(c),
        )

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        Y = self.body(X)
        return F.relu(Y + X) if self.residual else F.relu(Y)


def first_layer_grad_norm(num_blocks: int, residual: bool, batch_norm: bool) -> float:
    torch.manual_seed(0)
    first = nn.Conv2d(1, 16, 3, padding=1)
    blocks = [Block(16, residual, batch_norm) for _ in range(num_blocks)]
    net = nn.Sequential(first, *blocks, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 10))
    X, y = torch.randn(64, 1, 8, 8), torch.randint(0, 10, (64,))
    F.cross_entropy(net(X), y).backward()  # one minibatch at initialization
    return first.weight.grad.norm().item()


def figure() -> Figure:
    fig = Figure(figsize=(8.0, 3.4))
    axes = fig.subplots(1, 2, sharey=True)
    for ax, batch_norm in zip(axes, (False, True), strict=True):
        for residual, label in [(False, "plain"), (True, "residual")]:
            norms = [first_layer_grad_norm(n, residual, batch_norm) for n in BLOCKS]
            shown = [g if g > 0 else float("nan") for g in norms]  # log scale: 0 cannot be drawn
            ax.plot(BLOCKS, shown, marker="o", markersize=4, label=label)
            for n, g in zip(BLOCKS, norms, strict=True):
                if g == 0:
                    ax.annotate("exactly 0", (n, 1e-14), ha="center", fontsize=7)
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xticks(BLOCKS, [str(n) for n in BLOCKS])
        ax.set_xlabel("residual or plain blocks (2 convolutions each)")
        ax.set_title("with BatchNorm" if batch_norm else "without BatchNorm", fontsize=10)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    axes[0].set_ylabel("||dL/dW|| of the first convolution")
    fig.tight_layout()
    return fig
