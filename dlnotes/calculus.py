"""Derivatives by finite differences: the definition of the derivative, made runnable.

``numerical_derivative`` and ``numerical_gradient`` use the central difference
``(f(x + h) - f(x - h)) / (2h)``, whose error shrinks like ``h**2`` (the one-sided
``(f(x + h) - f(x)) / h`` only like ``h``). They are slow (two calls of ``f`` per input
entry) and only as accurate as floating point allows, which is exactly why deep learning
uses automatic differentiation instead, and why they are still the standard way to *check*
a hand-written gradient (``torch.autograd.gradcheck`` does the same in float64).
"""

from __future__ import annotations

# --8<-- [start:imports]
from collections.abc import Callable

import torch

from dlnotes._checks import check_positive, check_tensor

# --8<-- [end:imports]

__all__ = ["numerical_derivative", "numerical_gradient", "tangent_line"]


# --8<-- [start:numerical_derivative]
def numerical_derivative(f: Callable[[float], float], x: float, h: float = 1e-4) -> float:
    """Central-difference estimate of ``f'(x)`` for a scalar function of a scalar.

    Args:
        f: function of one float returning a float (or a one-element tensor).
        x: the point, a Python number.
        h: the step, > 0. Too large: truncation error ``O(h**2)``; too small: the two
            values of ``f`` agree in almost every digit and rounding error dominates.

    Returns:
        ``(f(x + h) - f(x - h)) / (2 * h)`` as a float.

    Raises:
        TypeError: if ``x`` is not a real number (use ``numerical_gradient`` for tensors).
        ValueError: if ``h <= 0``.

    Example:
        >>> from dlnotes.calculus import numerical_derivative
        >>> round(numerical_derivative(lambda x: x**3, 2.0), 6)  # 3 * 2**2
        12.0
        >>> numerical_derivative(lambda x: x**3, 2.0, h=0)
        Traceback (most recent call last):
        ...
        ValueError: h must be > 0, got 0
    """
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise TypeError(
            f"x must be a real number, got {type(x).__name__} (for tensors use numerical_gradient)"
        )
    check_positive(h, "h")
    return (float(f(x + h)) - float(f(x - h))) / (2 * h)


# --8<-- [end:numerical_derivative]


# --8<-- [start:numerical_gradient]
def numerical_gradient(
    f: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor, h: float = 1e-4
) -> torch.Tensor:
    """Central-difference estimate of the gradient of a scalar-valued ``f`` at ``x``.

    Nudges one entry of a private copy of ``x`` at a time; ``x`` itself is never changed.

    Args:
        f: function of a tensor shaped like ``x``, returning a scalar (one-element tensor).
        x: floating-point tensor of any shape. Use float64: in float32 the difference of
            two nearby values of ``f`` keeps only a few correct digits.
        h: the step, > 0.

    Returns:
        Tensor of ``x``'s shape and dtype: entry ``i`` approximates ``df/dx_i``. This is
        the shape PyTorch gives ``x.grad``.

    Raises:
        TypeError: if ``x`` is not a floating-point tensor.
        ValueError: if ``h <= 0`` or ``f`` does not return a single number.

    Example:
        >>> import torch
        >>> from dlnotes.calculus import numerical_gradient
        >>> x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=torch.float64)
        >>> numerical_gradient(lambda t: (t**2).sum(), x).round(decimals=6)  # 2x
        tensor([[2., 4.],
                [6., 8.]], dtype=torch.float64)
        >>> numerical_gradient(lambda t: t.sum(), torch.arange(3))
        Traceback (most recent call last):
        ...
        TypeError: x must have a floating-point dtype, got torch.int64
    """
    check_tensor(x, "x", floating=True)
    check_positive(h, "h")
    # our own contiguous copy: nudging it leaves the caller's x untouched
    point = x.detach().clone(memory_format=torch.contiguous_format)
    flat = point.view(-1)  # (x.numel(),) view into `point`
    grad = torch.empty_like(flat)  # (x.numel(),)
    with torch.no_grad():
        for i in range(flat.numel()):
            original = flat[i].item()
            flat[i] = original + h
            f_plus = _as_number(f(point))
            flat[i] = original - h
            f_minus = _as_number(f(point))
            flat[i] = original  # restore before moving to the next entry
            grad[i] = (f_plus - f_minus) / (2 * h)
    return grad.view(x.shape)


def _as_number(value: torch.Tensor | float) -> float:
    if isinstance(value, torch.Tensor) and value.numel() != 1:
        raise ValueError(f"f must return a scalar, got a tensor of shape {tuple(value.shape)}")
    return float(value)


# --8<-- [end:numerical_gradient]


# --8<-- [start:tangent_line]
def tangent_line(f: Callable[[float], float], x0: float, h: float = 1e-4) -> tuple[float, float]:
    """Slope and intercept of the tangent to ``y = f(x)`` at ``x0``.

    The tangent is ``y = f(x0) + f'(x0) (x - x0)``, i.e. ``y = slope * x + intercept``
    with ``slope = f'(x0)`` (estimated by ``numerical_derivative``) and
    ``intercept = f(x0) - slope * x0``.

    Args:
        f: function of one float returning a float (or a one-element tensor).
        x0: the point of contact.
        h: step for the derivative estimate, > 0.

    Returns:
        ``(slope, intercept)`` as floats.

    Example:
        >>> from dlnotes.calculus import tangent_line
        >>> slope, intercept = tangent_line(lambda x: 3 * x**2 - 4 * x, 1.0)
        >>> round(slope, 6), round(intercept, 6)  # y = 2x - 3
        (2.0, -3.0)
    """
    slope = numerical_derivative(f, x0, h)
    intercept = float(f(x0)) - slope * x0
    return slope, intercept


# --8<-- [end:tangent_line]
