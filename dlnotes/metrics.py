"""Classification accuracy: count the correct predictions, over a batch or a whole loader.

These are D2L's ``accuracy``, ``Accumulator`` and ``evaluate_accuracy`` (section 3.6)
with three fixes: inputs are checked (D2L silently compares tensors of different
shapes), ``Accumulator.add`` refuses the wrong number of values (``zip`` would drop
them), and ``evaluate_accuracy`` puts every sub-module back into the mode it was in
(D2L leaves the network in evaluation mode, so dropout stays off in later training).
"""

from __future__ import annotations

# --8<-- [start:imports]
from collections.abc import Callable, Iterable

import torch
from torch import nn

from dlnotes._checks import check_tensor

# --8<-- [end:imports]

__all__ = ["Accumulator", "accuracy", "evaluate_accuracy"]


# --8<-- [start:accuracy]
def accuracy(y_hat: torch.Tensor, y: torch.Tensor) -> float:
    """Number of correct predictions (a float, as in D2L; divide by ``len(y)`` for a rate).

    Args:
        y_hat: scores of shape ``(n, q)`` with ``q >= 2`` (logits or probabilities; the
            predicted class is the argmax of each row), or predicted class indices of
            shape ``(n,)`` (integer dtype).
        y: true class indices, integer tensor of shape ``(n,)``.

    Returns:
        The number of examples whose predicted class equals the label.

    Example:
        >>> import torch
        >>> from dlnotes.metrics import accuracy
        >>> y_hat = torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
        >>> y = torch.tensor([0, 2])
        >>> accuracy(y_hat, y)  # predictions 2 and 2: one is right
        1.0
        >>> accuracy(torch.tensor([2, 2]), y) / len(y)  # labels work too; a rate
        0.5
    """
    check_tensor(y_hat, "y_hat", ndim=(1, 2))
    check_tensor(y, "y", ndim=1, integer=True)
    if y_hat.dim() == 2:
        if y_hat.shape[1] < 2:
            raise ValueError(
                f"y_hat of shape (n, q) needs q >= 2 classes, got shape {tuple(y_hat.shape)}; "
                "pass predicted labels of shape (n,) instead"
            )
        y_hat = y_hat.argmax(dim=1)  # (n,) predicted classes
    elif y_hat.is_floating_point():
        raise TypeError(
            f"1-D y_hat must hold predicted class indices (integer dtype), got {y_hat.dtype}"
        )
    if y_hat.shape[0] != y.shape[0]:
        raise ValueError(
            f"y_hat and y must describe the same number of examples, "
            f"got {y_hat.shape[0]} and {y.shape[0]}"
        )
    return float((y_hat == y).sum())


# --8<-- [end:accuracy]


# --8<-- [start:accumulator]
class Accumulator:
    """Running sums of ``n`` quantities, e.g. (correct predictions, examples seen).

    Example:
        >>> from dlnotes.metrics import Accumulator
        >>> metric = Accumulator(2)
        >>> metric.add(3, 4)
        >>> metric.add(5, 4)
        >>> metric[0] / metric[1]
        1.0
    """

    def __init__(self, n: int) -> None:
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError(f"n must be an int, got {type(n).__name__}")
        if n < 1:
            raise ValueError(f"n must be >= 1, got {n}")
        self.data = [0.0] * n

    def add(self, *args: float) -> None:
        """Add one value to each running sum (exactly ``n`` values)."""
        if len(args) != len(self.data):
            raise ValueError(f"add() needs {len(self.data)} values, got {len(args)}")
        self.data = [a + float(b) for a, b in zip(self.data, args, strict=True)]

    def reset(self) -> None:
        """Set every sum back to zero."""
        self.data = [0.0] * len(self.data)

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, idx: int) -> float:
        return self.data[idx]


# --8<-- [end:accumulator]


# --8<-- [start:evaluate_accuracy]
def evaluate_accuracy(
    net: Callable[[torch.Tensor], torch.Tensor],
    data_iter: Iterable[tuple[torch.Tensor, torch.Tensor]],
) -> float:
    """Accuracy of ``net`` on every batch of ``data_iter``, in evaluation mode.

    For an ``nn.Module`` the network is switched to ``eval()`` (dropout off, batch norm
    uses running statistics) and afterwards EVERY sub-module gets back the mode it had.
    Gradients are not tracked (``torch.no_grad``).

    Args:
        net: an ``nn.Module`` or any function mapping a batch ``X`` to scores ``(n, q)``.
        data_iter: iterable of ``(X, y)`` batches, e.g. a ``DataLoader``.

    Returns:
        The fraction of correctly classified examples, in ``[0, 1]``.

    Example:
        >>> import torch
        >>> from torch import nn
        >>> from dlnotes.metrics import evaluate_accuracy
        >>> net = nn.Linear(2, 2)
        >>> with torch.no_grad():
        ...     _ = net.weight.copy_(torch.eye(2)), net.bias.zero_()
        >>> X, y = torch.tensor([[1.0, 0.0], [0.0, 1.0], [2.0, 1.0]]), torch.tensor([0, 1, 1])
        >>> evaluate_accuracy(net, [(X, y)])
        0.6666666666666666
        >>> net.training  # the mode it had before
        True
    """
    modes = [(m, m.training) for m in net.modules()] if isinstance(net, nn.Module) else []
    if isinstance(net, nn.Module):
        net.eval()
    metric = Accumulator(2)  # (correct predictions, examples)
    try:
        with torch.no_grad():
            for X, y in data_iter:
                metric.add(accuracy(net(X), y), y.numel())
    finally:
        for module, was_training in modes:  # restore, module by module
            module.training = was_training
    if metric[1] == 0:
        raise ValueError("data_iter yielded no examples")
    return metric[0] / metric[1]


# --8<-- [end:evaluate_accuracy]
