"""Decision regions of MLPs with 0, 1, 2 and 3 hidden layers on make_moons."""

import torch
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

from dlnotes.mlp.mlp import compare_mlps, make_moons_tensors


def figure() -> Figure:
    train = make_moons_tensors(200, noise=0.3, seed=0)
    val = make_moons_tensors(1000, noise=0.3, seed=1)
    configs = [[], [32], [32, 32], [32, 32, 32]]
    rows = compare_mlps(configs, train, val, epochs=300, lr=0.01, seed=0)

    g1, g2 = torch.linspace(-2.0, 3.0, 251), torch.linspace(-1.5, 2.0, 176)
    G1, G2 = torch.meshgrid(g1, g2, indexing="xy")
    points = torch.stack([G1.flatten(), G2.flatten()], dim=1)  # (176 * 251, 2)
    cmap = ListedColormap(["#cfe2f3", "#f9d9c4"])
    X, y = train
    fig = Figure(figsize=(9, 2.9))
    axes = fig.subplots(1, 4, sharey=True)
    for ax, row in zip(axes, rows, strict=True):
        with torch.no_grad():
            regions = row.net(points).argmax(dim=1).reshape(G1.shape)
        ax.contourf(G1, G2, regions, levels=[-0.5, 0.5, 1.5], cmap=cmap)
        for label, marker, color in ((0, "o", "tab:blue"), (1, "^", "tab:orange")):
            mask = y == label
            ax.scatter(X[mask, 0], X[mask, 1], s=6, marker=marker, color=color)
        ax.set_title(
            f"hidden layers: {len(row.hidden_sizes)}, {row.num_params} params\n"
            f"train {row.train_acc:.3f}, val {row.val_acc:.3f}",
            fontsize=8,
        )
        ax.set_xlim(-2.0, 3.0)
        ax.set_ylim(-1.5, 2.0)
    fig.tight_layout()
    return fig
