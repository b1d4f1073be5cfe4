"""Decision regions of the perceptron and of a one-hidden-layer MLP, on two data sets."""

import torch
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

from dlnotes.mlp.mlp import fit_full_batch, make_mlp
from dlnotes.mlp.perceptron import perceptron_predict, train_perceptron


def blobs_and_xor(n_per_cluster: int = 25) -> dict[str, tuple[torch.Tensor, torch.Tensor]]:
    """Two separable blobs, and four noisy XOR clusters; labels -1/+1."""
    g = torch.Generator().manual_seed(0)
    centers = {
        "separable": ([(0.0, 0.0), (0.2, 0.8)], [(1.0, 1.0), (0.8, 0.2)]),
        "XOR": ([(0.0, 0.0), (1.0, 1.0)], [(0.0, 1.0), (1.0, 0.0)]),
    }
    data = {}
    for name, (negatives, positives) in centers.items():
        X, y = [], []
        for label, group in ((-1.0, negatives), (1.0, positives)):
            for c in group:
                X.append(torch.tensor(c) + 0.12 * torch.randn(n_per_cluster, 2, generator=g))
                y.append(torch.full((n_per_cluster,), label))
        data[name] = (torch.cat(X), torch.cat(y))
    return data


def figure() -> Figure:
    fig = Figure(figsize=(7.5, 6.6))
    axes = fig.subplots(2, 2)
    grid = torch.linspace(-0.5, 1.5, 201)
    G1, G2 = torch.meshgrid(grid, grid, indexing="xy")
    points = torch.stack([G1.flatten(), G2.flatten()], dim=1)  # (201 * 201, 2)
    cmap = ListedColormap(["#cfe2f3", "#f9d9c4"])  # light blue: -1, light orange: +1
    for row, (name, (X, y)) in enumerate(blobs_and_xor().items()):
        result = train_perceptron(X, y, max_epochs=100)
        acc_p = (perceptron_predict(X, result.w, result.b) == y).float().mean().item()
        regions_p = perceptron_predict(points, result.w, result.b)  # (201 * 201,) in -1/+1

        torch.manual_seed(0)
        net = make_mlp(2, [8], 2)
        labels = ((y + 1) / 2).long()  # -1/+1 -> class indices 0/1
        trainer = fit_full_batch(net, X, labels, epochs=300, lr=0.05)
        acc_m = trainer.evaluate([(X, labels)])["acc"]
        with torch.no_grad():
            regions_m = net(points).argmax(dim=1) * 2.0 - 1.0  # class 0/1 -> -1/+1

        state = "converged" if result.converged else "not converged"
        titles = (
            f"perceptron on {name}\n{result.epochs} epochs, {state}, acc {acc_p:.2f}",
            f"MLP (8 hidden ReLUs) on {name}\ntrain acc {acc_m:.2f}",
        )
        for ax, regions, title in zip(axes[row], (regions_p, regions_m), titles, strict=True):
            ax.contourf(G1, G2, regions.reshape(G1.shape), levels=[-2, 0, 2], cmap=cmap)
            for label, marker, color in ((-1.0, "o", "tab:blue"), (1.0, "^", "tab:orange")):
                mask = y == label
                ax.scatter(X[mask, 0], X[mask, 1], s=12, marker=marker, color=color)
            ax.set_title(title, fontsize=9)
            ax.set_xlim(-0.5, 1.5)
            ax.set_ylim(-0.5, 1.5)
            ax.set_aspect("equal")
    fig.tight_layout()
    return fig
