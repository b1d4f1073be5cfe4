"""D2L's high-dimensional linear regression: training and test loss with and without decay."""

import torch
from matplotlib.figure import Figure

from dlnotes.mlp import weight_decay as mlp_wd  # qualified: a page's own names stay untouched


def figure() -> Figure:
    g = torch.Generator().manual_seed(42)
    data = mlp_wd.make_high_dim_data(generator=g)  # 20 training + 100 test examples
    fig = Figure(figsize=(9.0, 3.2))
    axes = fig.subplots(1, 2, sharey=True)
    for ax, lambd in zip(axes, (0.0, 3.0), strict=True):
        _, _, history = mlp_wd.train_scratch(data, lambd, num_epochs=100)
        epochs = range(1, len(history["train_loss"]) + 1)
        ax.plot(epochs, history["train_loss"], "-", label="training")
        ax.plot(epochs, history["test_loss"], "--", label="test")
        ax.set_yscale("log")
        ax.set_title(f"lambda = {lambd:g}", fontsize=10)
        ax.set_xlabel("epoch")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    axes[0].set_ylabel("mean squared loss / 2")
    fig.tight_layout()
    return fig
