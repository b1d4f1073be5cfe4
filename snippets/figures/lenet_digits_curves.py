"""Training curves of the classic (sigmoid, average pooling) and the modern (ReLU, max
pooling) LeNet on the digits upsampled to 28x28, drawn with ``History.plot``."""

import torch
from matplotlib.figure import Figure

from dlnotes.cnn.lenet import lenet, load_data_digits_28, train_digits
from dlnotes.train import History


def train_variants() -> dict[str, History]:
    """Both variants, 5 epochs each, from the same initial weights on the same batches."""
    runs = {}
    for variant in ("classic", "modern"):
        train_iter, test_iter = load_data_digits_28(batch_size=32, seed=0)  # same batches
        torch.manual_seed(0)  # same initial weights
        net = lenet(variant)
        runs[variant] = train_digits(net, train_iter, test_iter, epochs=5, lr=2e-3).history
    return runs


def figure(runs: dict[str, History] | None = None) -> Figure:
    """Plot ``runs`` (variant -> History); without them, train first (the docs build)."""
    runs = train_variants() if runs is None else runs
    # one History with a column per curve: plot() puts the losses left, the accuracies right
    both = History()
    for classic, modern in zip(runs["classic"].epochs, runs["modern"].epochs, strict=True):
        both.log_epoch(
            {
                "epoch": classic["epoch"],
                "classic train_loss": classic["train_loss"],
                "modern train_loss": modern["train_loss"],
                "classic test_acc": classic["val_acc"],
                "modern test_acc": modern["val_acc"],
            }
        )
    fig = both.plot()
    fig.axes[1].set_ylim(0, 1)
    fig.axes[1].set_title("test accuracy")
    return fig
