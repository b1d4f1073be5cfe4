"""Two small tools for the convexity page: projection onto an L2 ball and Jensen's gap.

:func:`project_l2_ball` (from ``dlnotes.mlp.weight_decay``, re-exported here) is the
Euclidean projection onto ``{x : ||x||_2 <= radius}``;
``torch.nn.utils.clip_grad_norm_`` applies the same map to the gradient of all
parameters taken together (with ``eps=1e-6`` in the denominator, as PyTorch does).
:func:`jensen_gap` measures how far ``E[f(X)]`` lies above ``f(E[X])`` on samples,
which is never negative when ``f`` is convex (Jensen's inequality).
"""

from __future__ import annotations

# --8<-- [start:imports]
from collections.abc import Callable

import torch

from dlnotes._checks import check_positive, check_tensor  # noqa: F401 (the page runs both)
from dlnotes.mlp.weight_decay import project_l2_ball  # defined on the weight-decay page

# --8<-- [end:imports]

__all__ = ["jensen_gap", "project_l2_ball"]


# --8<-- [start:jensen_gap]
def jensen_gap(
    f: Callable[[torch.Tensor], torch.Tensor],
    samples: torch.Tensor,
    weights: torch.Tensor | None = None,
) -> torch.Tensor:
    """``E[f(X)] - f(E[X])`` for the distribution given by ``samples`` (and ``weights``).

    Jensen's inequality says the gap is ``>= 0`` for every convex ``f`` (up to rounding).

    Args:
        f: maps a batch of points, shape ``(n, *point_shape)``, to ``(n,)`` values; an
            elementwise function such as ``torch.exp`` works for scalar samples.
        samples: ``(n,)`` scalars or ``(n, *point_shape)`` points, floating point, ``n >= 1``.
        weights: ``(n,)`` non-negative probabilities; normalized to sum to 1. ``None``
            means equal weights (the empirical distribution of the samples).

    Returns:
        A 0-dimensional tensor.

    Example:
        >>> x = torch.tensor([-1.0, 0.0, 3.0])
        >>> jensen_gap(torch.square, x)  # for f = x^2 the gap is the variance
        tensor(2.8889)
        >>> jensen_gap(torch.square, x, weights=torch.tensor([0.5, 0.5, 0.0]))
        tensor(0.2500)
    """
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")
    check_tensor(samples, "samples", floating=True)
    if samples.dim() == 0 or samples.shape[0] == 0:
        raise ValueError(
            f"samples must have shape (n, ...) with n >= 1, got {tuple(samples.shape)}"
        )
    n = samples.shape[0]
    if weights is None:
        w = torch.full((n,), 1.0 / n, dtype=samples.dtype, device=samples.device)
    else:
        check_tensor(weights, "weights", ndim=1, floating=True)
        if weights.shape[0] != n:
            raise ValueError(f"weights must have shape ({n},), got {tuple(weights.shape)}")
        if not torch.isfinite(weights).all() or (weights < 0).any() or weights.sum() <= 0:
            raise ValueError("weights must be finite, >= 0 and not all zero")
        w = (weights / weights.sum()).to(samples.dtype)
    mean = torch.tensordot(w, samples, dims=1)  # E[X], shape point_shape
    values, at_mean = f(samples), f(mean.unsqueeze(0))
    if values.shape != (n,) or at_mean.shape != (1,):
        raise ValueError(
            f"f must map (n, ...) points to (n,) values, got {tuple(values.shape)} for "
            f"{tuple(samples.shape)} and {tuple(at_mean.shape)} for one point"
        )
    return w @ values - at_mean[0]


# --8<-- [end:jensen_gap]
