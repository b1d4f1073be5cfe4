"""Grid search vs random search with the same budget of 9 trials (Bergstra and Bengio, 2012):
when only one of two hyperparameters matters, the grid tries 3 values of it, random 9."""

import torch
from matplotlib.figure import Figure


def important(x: torch.Tensor) -> torch.Tensor:
    """The part of the validation score that depends on the important hyperparameter."""
    return torch.exp(-((x - 0.63) ** 2) / 0.01)


def figure() -> Figure:
    g = torch.Generator().manual_seed(3)
    levels = torch.tensor([1 / 6, 3 / 6, 5 / 6])
    grid = torch.cartesian_prod(levels, levels)  # (9, 2): 3 x 3 points
    rand = torch.rand(9, 2, generator=g)  # (9, 2): 9 independent points
    xs = torch.linspace(0, 1, 200)
    fig = Figure(figsize=(7.2, 3.6), layout="constrained")
    axes = fig.subplots(2, 2, height_ratios=[1, 2.2], sharex="col")
    for col, (name, pts) in enumerate([("grid search", grid), ("random search", rand)]):
        top, main = axes[0, col], axes[1, col]
        top.plot(xs, important(xs), color="C0")
        top.plot(pts[:, 0], important(pts[:, 0]), "o", color="C3")
        best = important(pts[:, 0]).max().item()
        top.set_title(f"{name}: best score {best:.2f}", fontsize=10)
        top.set_yticks([])
        main.plot(pts[:, 0], pts[:, 1], "o", color="C3")
        main.set_xlim(0, 1)
        main.set_ylim(0, 1)
        main.set_xlabel("important hyperparameter")
        if col == 0:
            main.set_ylabel("unimportant hyperparameter")
            top.set_ylabel("score")
    return fig
