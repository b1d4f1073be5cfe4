"""Input validation shared by every public ``dlnotes`` function.

Each helper raises ``TypeError`` for a wrong type or dtype and ``ValueError`` for a
wrong shape or value, and the message always says what was expected and what came in.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

__all__ = ["check_positive", "check_same_shape", "check_tensor"]


def check_tensor(
    x: object,
    name: str,
    *,
    ndim: int | Sequence[int] | None = None,
    floating: bool = False,
    integer: bool = False,
) -> torch.Tensor:
    """Return ``x`` if it is a tensor of the expected rank and dtype kind, else raise.

    Args:
        x: the object to check.
        name: the argument name used in the error message.
        ndim: the allowed number of dimensions (one int or several).
        floating: require a floating-point dtype.
        integer: require an integer dtype (``torch.long`` for class indices, say).

    Example:
        >>> check_tensor(torch.zeros(2, 3), "X", ndim=2, floating=True).shape
        torch.Size([2, 3])
        >>> check_tensor(torch.zeros(3), "X", ndim=2)
        Traceback (most recent call last):
        ...
        ValueError: X must have 2 dimensions, got shape (3,)
    """
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(x).__name__}")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if x.dim() not in allowed:
            want = " or ".join(str(n) for n in allowed)
            raise ValueError(f"{name} must have {want} dimensions, got shape {tuple(x.shape)}")
    if floating and not x.is_floating_point():
        raise TypeError(f"{name} must have a floating-point dtype, got {x.dtype}")
    if integer and (x.is_floating_point() or x.is_complex() or x.dtype == torch.bool):
        raise TypeError(f"{name} must have an integer dtype (e.g. torch.long), got {x.dtype}")
    return x


def check_same_shape(a: torch.Tensor, b: torch.Tensor, names: tuple[str, str]) -> None:
    """Raise ``ValueError`` unless ``a`` and ``b`` have the same shape.

    Example:
        >>> check_same_shape(torch.zeros(2), torch.zeros(3), ("y_hat", "y"))
        Traceback (most recent call last):
        ...
        ValueError: y_hat and y must have the same shape, got (2,) and (3,)
    """
    if a.shape != b.shape:
        raise ValueError(
            f"{names[0]} and {names[1]} must have the same shape, "
            f"got {tuple(a.shape)} and {tuple(b.shape)}"
        )


def check_positive(value: float, name: str, *, allow_zero: bool = False) -> None:
    """Raise ``ValueError`` unless ``value`` is a positive number (or zero if allowed).

    Example:
        >>> check_positive(0.0, "lr")
        Traceback (most recent call last):
        ...
        ValueError: lr must be > 0, got 0.0
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    ok = value >= 0 if allow_zero else value > 0
    if not ok or value != value:  # NaN fails too
        raise ValueError(f"{name} must be {'>= 0' if allow_zero else '> 0'}, got {value}")
