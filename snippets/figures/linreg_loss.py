"""Training loss per epoch of from-scratch linear regression for several learning rates."""

import torch

from dlnotes.data.arrays import data_iter
from dlnotes.data.synthetic import synthetic_data
from dlnotes.linear.regression import linreg, sgd, squared_loss
from dlnotes.plotting import plot


def train_losses(
    lr: float, batch_size: int = 10, num_epochs: int = 5, num_examples: int = 500, seed: int = 0
) -> list[float]:
    """Mean squared loss on the whole data set before training and after each epoch."""
    g = torch.Generator().manual_seed(seed)  # same data, init and order for every lr
    features, labels = synthetic_data(torch.tensor([2.0, -3.4]), 4.2, num_examples, generator=g)
    w = torch.normal(0.0, 0.01, size=(2, 1), generator=g).requires_grad_()
    b = torch.zeros(1, requires_grad=True)

    def full_loss() -> float:
        with torch.no_grad():
            return squared_loss(linreg(features, w, b), labels).mean().item()

    losses = [full_loss()]
    for _ in range(num_epochs):
        for X, y in data_iter(batch_size, features, labels, generator=g):
            squared_loss(linreg(X, w, b), y).sum().backward()
            sgd([w, b], lr, len(y))  # len(y), not batch_size: the last batch may be smaller
        losses.append(full_loss())
    return losses


def figure():
    lrs = [0.003, 0.03, 0.3, 2.0]  # the last one diverges: its curve leaves the plot
    curves = [train_losses(lr) for lr in lrs]
    return plot(
        list(range(len(curves[0]))),
        curves,
        xlabel="epoch",
        ylabel="training loss",
        legend=[f"lr = {lr}" for lr in lrs],
        yscale="log",
        ylim=(1e-5, 1e3),
    )
