"""Regression losses from scratch: L2 (squared), L1 (absolute), Huber and SmoothL1.

Each function takes predictions ``y_hat`` and targets ``y`` of the SAME shape and a
``reduction`` (``"mean"``, ``"sum"`` or ``"none"``), and matches the PyTorch built-in
(``nn.MSELoss``, ``nn.L1Loss``, ``nn.HuberLoss``, ``nn.SmoothL1Loss``) in value and
gradient. Unlike the built-ins, a shape mismatch is an error rather than a silent
broadcast (PyTorch only warns).

With the residual ``r = y_hat - y``:

* L2: ``r^2`` (no ``1/2``; D2L's ``squared_loss`` has one);
* L1: ``|r|``;
* Huber(delta): ``r^2 / 2`` if ``|r| < delta`` else ``delta * (|r| - delta / 2)``;
* SmoothL1(beta): ``r^2 / (2 beta)`` if ``|r| < beta`` else ``|r| - beta / 2``,
  so ``smooth_l1_loss(.., beta) == huber_loss(.., delta=beta) / beta``, and
  ``beta = 0`` gives L1.
"""

from __future__ import annotations

# --8<-- [start:imports]
from typing import Literal

import torch

from dlnotes._checks import check_positive, check_same_shape, check_tensor

Reduction = Literal["mean", "sum", "none"]
# --8<-- [end:imports]

__all__ = ["huber_loss", "l1_loss", "l2_loss", "smooth_l1_loss"]


# --8<-- [start:reduce]
REDUCTIONS = ("mean", "sum", "none")


def _residual(y_hat: torch.Tensor, y: torch.Tensor, reduction: str) -> torch.Tensor:
    """Check the inputs and return ``y_hat - y`` (same shape, floating point)."""
    check_tensor(y_hat, "y_hat", floating=True)
    check_tensor(y, "y", floating=True)
    check_same_shape(y_hat, y, ("y_hat", "y"))  # (n, 1) vs (n,) must not become (n, n)
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")
    return y_hat - y


def _reduce(loss: torch.Tensor, reduction: str) -> torch.Tensor:
    """Apply ``reduction`` to per-element losses."""
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss  # "none": one loss per element, same shape as the inputs


# --8<-- [end:reduce]


# --8<-- [start:l2_loss]
def l2_loss(y_hat: torch.Tensor, y: torch.Tensor, reduction: Reduction = "mean") -> torch.Tensor:
    """Squared error ``(y_hat - y)^2``, like ``nn.MSELoss``.

    Example:
        >>> import torch
        >>> from dlnotes.losses import l2_loss
        >>> l2_loss(torch.tensor([1.0, 3.0]), torch.tensor([0.0, 0.0]))
        tensor(5.)
        >>> l2_loss(torch.tensor([1.0, 3.0]), torch.tensor([0.0, 0.0]), reduction="none")
        tensor([1., 9.])
    """
    r = _residual(y_hat, y, reduction)
    return _reduce(r**2, reduction)


# --8<-- [end:l2_loss]


# --8<-- [start:l1_loss]
def l1_loss(y_hat: torch.Tensor, y: torch.Tensor, reduction: Reduction = "mean") -> torch.Tensor:
    """Absolute error ``|y_hat - y|``, like ``nn.L1Loss``.

    Example:
        >>> import torch
        >>> from dlnotes.losses import l1_loss
        >>> l1_loss(torch.tensor([1.0, -3.0]), torch.tensor([0.0, 0.0]), reduction="sum")
        tensor(4.)
    """
    r = _residual(y_hat, y, reduction)
    return _reduce(r.abs(), reduction)


# --8<-- [end:l1_loss]


# --8<-- [start:huber_loss]
def huber_loss(
    y_hat: torch.Tensor, y: torch.Tensor, delta: float = 1.0, reduction: Reduction = "mean"
) -> torch.Tensor:
    """Huber loss: quadratic for ``|r| < delta``, linear beyond; like ``nn.HuberLoss``.

    Example:
        >>> import torch
        >>> from dlnotes.losses import huber_loss
        >>> huber_loss(torch.tensor([0.5, 3.0]), torch.zeros(2), reduction="none")
        tensor([0.1250, 2.5000])
        >>> huber_loss(torch.zeros(2), torch.zeros(2), delta=0.0)
        Traceback (most recent call last):
        ...
        ValueError: delta must be > 0, got 0.0
    """
    r = _residual(y_hat, y, reduction)
    check_positive(delta, "delta")
    abs_r = r.abs()
    quadratic = 0.5 * r**2  # |r| < delta
    linear = delta * (abs_r - 0.5 * delta)  # |r| >= delta: slope delta, not growing
    return _reduce(torch.where(abs_r < delta, quadratic, linear), reduction)


# --8<-- [end:huber_loss]


# --8<-- [start:smooth_l1_loss]
def smooth_l1_loss(
    y_hat: torch.Tensor, y: torch.Tensor, beta: float = 1.0, reduction: Reduction = "mean"
) -> torch.Tensor:
    """SmoothL1 loss, ``huber_loss(delta=beta) / beta``; like ``nn.SmoothL1Loss``.

    ``beta = 0`` is allowed and gives exactly the L1 loss (as in PyTorch).

    Example:
        >>> import torch
        >>> from dlnotes.losses import smooth_l1_loss
        >>> smooth_l1_loss(torch.tensor([0.5, 3.0]), torch.zeros(2), reduction="none")
        tensor([0.1250, 2.5000])
        >>> smooth_l1_loss(torch.tensor([0.5, 3.0]), torch.zeros(2), beta=0.0, reduction="none")
        tensor([0.5000, 3.0000])
    """
    r = _residual(y_hat, y, reduction)
    check_positive(beta, "beta", allow_zero=True)
    if beta == 0:  # r^2 / (2 * 0) would be nan, and nan leaks into gradients via where()
        return _reduce(r.abs(), reduction)
    abs_r = r.abs()
    quadratic = 0.5 * r**2 / beta  # |r| < beta
    linear = abs_r - 0.5 * beta  # |r| >= beta: slope 1, like L1
    return _reduce(torch.where(abs_r < beta, quadratic, linear), reduction)


# --8<-- [end:smooth_l1_loss]
