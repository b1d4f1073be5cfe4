"""Synthetic linear-regression data: ``y = X w + b + noise`` with known ``w`` and ``b``.

Knowing the true parameters lets a page check that training recovers them. This is
D2L's ``synthetic_data(w, b, num_examples)`` with two fixes: the noise level and the
random generator are arguments (so the data can be reproduced without touching the
global seed), and the inputs are validated.
"""

from __future__ import annotations

import torch

from dlnotes._checks import check_positive, check_tensor

__all__ = ["synthetic_data"]


# --8<-- [start:synthetic_data]
def synthetic_data(
    w: torch.Tensor,
    b: float,
    num_examples: int,
    noise: float = 0.01,
    generator: torch.Generator | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Draw ``X ~ N(0, 1)`` and ``y = X w + b + eps`` with ``eps ~ N(0, noise^2)``.

    Args:
        w: true weights, shape ``(d,)``, floating point.
        b: true bias (a number).
        num_examples: number of examples ``n`` (a positive int).
        noise: standard deviation of the Gaussian label noise (``0`` for none).
        generator: optional ``torch.Generator`` for reproducible draws.

    Returns:
        ``(X, y)`` with ``X`` of shape ``(n, d)`` and ``y`` of shape ``(n, 1)``
        (a column, as in D2L), both with ``w``'s dtype.

    Example:
        >>> import torch
        >>> from dlnotes.data.synthetic import synthetic_data
        >>> g = torch.Generator().manual_seed(0)
        >>> X, y = synthetic_data(torch.tensor([2.0, -3.4]), 4.2, 5, generator=g)
        >>> X.shape, y.shape
        (torch.Size([5, 2]), torch.Size([5, 1]))
        >>> synthetic_data(torch.tensor([[2.0], [-3.4]]), 4.2, 5)
        Traceback (most recent call last):
        ...
        ValueError: w must have 1 dimensions, got shape (2, 1)
    """
    check_tensor(w, "w", ndim=1, floating=True)
    if isinstance(b, bool) or not isinstance(b, (int, float)):
        raise TypeError(f"b must be a number, got {type(b).__name__}")
    if isinstance(num_examples, bool) or not isinstance(num_examples, int):
        raise TypeError(f"num_examples must be an int, got {type(num_examples).__name__}")
    check_positive(num_examples, "num_examples")
    check_positive(noise, "noise", allow_zero=True)
    shape = (num_examples, len(w))
    X = torch.randn(shape, generator=generator, dtype=w.dtype)  # (n, d)
    y = X @ w + b  # (n,)
    y = y + noise * torch.randn(y.shape, generator=generator, dtype=w.dtype)  # not in place
    return X, y.reshape(-1, 1)  # (n, d), (n, 1)


# --8<-- [end:synthetic_data]
