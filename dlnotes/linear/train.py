"""The chapter-3 training loop of D2L for classifiers, without the live animation.

``train_epoch_ch3`` runs one pass over the training data; ``train_ch3`` alternates it
with an evaluation on the test data and RETURNS the per-epoch history (D2L draws it with
an ``Animator`` that only works in Jupyter); ``plot_history`` turns a history into a
matplotlib ``Figure``. Both work with a hand-written network and updater (from scratch)
and with an ``nn.Module`` plus a ``torch.optim`` optimizer (concise).

Fixed D2L problems: the loss may return per-example losses (``reduction="none"``) OR
their mean (PyTorch's default), and both the gradient and the reported loss are right in
either case; ``evaluate_accuracy`` restores the training mode; bad arguments raise.
"""

from __future__ import annotations

# --8<-- [start:imports]
from collections.abc import Callable, Iterable

import torch
from matplotlib.figure import Figure
from torch import nn

from dlnotes.metrics import Accumulator, accuracy, evaluate_accuracy
from dlnotes.plotting import plot

Batches = Iterable[tuple[torch.Tensor, torch.Tensor]]
Net = Callable[[torch.Tensor], torch.Tensor]
Loss = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
Updater = torch.optim.Optimizer | Callable[[int], object]
# --8<-- [end:imports]

__all__ = ["plot_history", "train_ch3", "train_epoch_ch3"]


# --8<-- [start:train_epoch_ch3]
def train_epoch_ch3(
    net: Net, train_iter: Batches, loss: Loss, updater: Updater
) -> tuple[float, float]:
    """Train ``net`` for one epoch; return ``(mean training loss, training accuracy)``.

    Args:
        net: an ``nn.Module`` or a function from a batch ``X`` to scores ``(n, q)``.
        train_iter: iterable of ``(X, y)`` batches.
        loss: ``loss(y_hat, y)`` returning per-example losses ``(n,)`` or their mean ``()``.
        updater: a ``torch.optim.Optimizer``, or a function ``updater(batch_size)`` that
            updates the parameters from gradients of the SUMMED loss (like ``sgd``).

    Returns:
        Loss and accuracy averaged over all training examples of the epoch (measured
        on each batch before its update, as in D2L).

    Example:
        >>> import torch
        >>> from torch import nn
        >>> from dlnotes.linear.train import train_epoch_ch3
        >>> torch.manual_seed(0)  # doctest: +ELLIPSIS
        <torch._C.Generator object at ...>
        >>> X, y = torch.randn(8, 2), torch.tensor([0, 1] * 4)
        >>> net = nn.Linear(2, 2)
        >>> updater = torch.optim.SGD(net.parameters(), lr=0.1)
        >>> loss, acc = train_epoch_ch3(net, [(X, y)], nn.CrossEntropyLoss(), updater)
        >>> 0.0 <= acc <= 1.0 and loss > 0
        True
    """
    if isinstance(net, nn.Module):
        net.train()  # training mode (matters for dropout, batch norm)
    metric = Accumulator(3)  # (sum of losses, correct predictions, examples)
    for X, y in train_iter:
        y_hat = net(X)  # (n, q)
        batch_loss = loss(y_hat, y)  # (n,) per-example losses, or () their mean
        n = y.numel()
        l_sum = batch_loss.sum() if batch_loss.dim() > 0 else batch_loss * n  # summed loss
        if isinstance(updater, torch.optim.Optimizer):
            updater.zero_grad()
            (l_sum / n).backward()  # optimizers expect the gradient of the MEAN loss
            updater.step()
        else:
            l_sum.backward()  # our sgd divides by the batch size itself
            updater(n)
        metric.add(float(l_sum.detach()), accuracy(y_hat.detach(), y), n)
    if metric[2] == 0:
        raise ValueError("train_iter yielded no examples")
    return metric[0] / metric[2], metric[1] / metric[2]


# --8<-- [end:train_epoch_ch3]


# --8<-- [start:train_ch3]
def train_ch3(
    net: Net,
    train_iter: Batches,
    test_iter: Batches,
    loss: Loss,
    num_epochs: int,
    updater: Updater,
) -> dict[str, list[float]]:
    """Train for ``num_epochs`` epochs, evaluating on ``test_iter`` after each one.

    Args:
        net, train_iter, loss, updater: as in :func:`train_epoch_ch3`.
        test_iter: iterable of ``(X, y)`` batches for evaluation.
        num_epochs: number of passes over ``train_iter`` (``>= 1``).

    Returns:
        History with one entry per epoch under ``"train_loss"``, ``"train_acc"`` and
        ``"test_acc"``.

    Example:
        >>> import torch
        >>> from torch import nn
        >>> from dlnotes.linear.train import train_ch3
        >>> X, y = torch.tensor([[1.0, 0.0], [0.0, 1.0]]), torch.tensor([0, 1])
        >>> net = nn.Linear(2, 2)
        >>> updater = torch.optim.SGD(net.parameters(), lr=1.0)
        >>> history = train_ch3(net, [(X, y)], [(X, y)], nn.CrossEntropyLoss(), 20, updater)
        >>> sorted(history), len(history["test_acc"]), history["test_acc"][-1]
        (['test_acc', 'train_acc', 'train_loss'], 20, 1.0)
    """
    if isinstance(num_epochs, bool) or not isinstance(num_epochs, int):
        raise TypeError(f"num_epochs must be an int, got {type(num_epochs).__name__}")
    if num_epochs < 1:
        raise ValueError(f"num_epochs must be >= 1, got {num_epochs}")
    history: dict[str, list[float]] = {"train_loss": [], "train_acc": [], "test_acc": []}
    for _ in range(num_epochs):
        train_loss, train_acc = train_epoch_ch3(net, train_iter, loss, updater)
        history["train_loss"].append(train_loss)
        history["train_acc"].append(train_acc)
        history["test_acc"].append(evaluate_accuracy(net, test_iter))
    return history


# --8<-- [end:train_ch3]


# --8<-- [start:plot_history]
def plot_history(history: dict[str, list[float]]) -> Figure:
    """Plot the curves of a :func:`train_ch3` history against the epoch number.

    Example:
        >>> from dlnotes.linear.train import plot_history
        >>> fig = plot_history({"train_loss": [1.0, 0.5], "train_acc": [0.6, 0.8],
        ...                     "test_acc": [0.7, 0.8]})
        >>> [line.get_label() for line in fig.axes[0].get_lines()]
        ['train loss', 'train acc', 'test acc']
    """
    keys = ("train_loss", "train_acc", "test_acc")
    if not isinstance(history, dict) or any(k not in history for k in keys):
        raise ValueError(f"history must be a dict with keys {keys}, e.g. from train_ch3")
    lengths = {len(history[k]) for k in keys}
    if len(lengths) != 1 or 0 in lengths:
        raise ValueError(f"history curves must be non-empty and equally long, got {lengths}")
    epochs = list(range(1, len(history["train_loss"]) + 1))
    legend = [k.replace("_", " ") for k in keys]
    fig = plot(
        epochs,
        [history[k] for k in keys],
        xlabel="epoch",
        legend=legend,
        xlim=(1, max(len(epochs), 2)),
    )
    for line, label in zip(fig.axes[0].get_lines(), legend, strict=True):
        line.set_label(label)  # so the curves can be found by name
    return fig


# --8<-- [end:plot_history]
