"""The perceptron (Rosenblatt, 1958) from scratch, its mistake bound, and the XOR data.

``train_perceptron`` runs the classic online algorithm on labels ``+1``/``-1``: visit the
examples in the given order and, whenever one lies on the wrong side of the hyperplane
``w . x + b = 0`` (or on it), move the hyperplane towards it,
``w <- w + lr * y_i * x_i`` and ``b <- b + lr * y_i``. It stops after the first epoch
without a mistake, or after ``max_epochs`` epochs. With the same data order it gives the
same weights as ``sklearn.linear_model.Perceptron(eta0=lr, shuffle=False, tol=None)``.

``mistake_bound`` evaluates Novikoff's (1962) bound ``(R / gamma)^2`` on the number of
mistakes for a given separating hyperplane, and ``xor_data`` returns the four XOR points,
which no hyperplane separates (Minsky and Papert, 1969).
"""

from __future__ import annotations

# --8<-- [start:imports]
from typing import NamedTuple

import torch

from dlnotes._checks import check_positive, check_tensor

# --8<-- [end:imports]

__all__ = [
    "PerceptronResult",
    "mistake_bound",
    "perceptron_predict",
    "train_perceptron",
    "xor_data",
]


# --8<-- [start:train_perceptron]
def _check_data(X: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Check ``X`` (n, d) floating and ``y`` (n,) in {-1, +1}; return ``y`` in ``X.dtype``."""
    check_tensor(X, "X", ndim=2, floating=True)
    check_tensor(y, "y", ndim=1)
    if len(y) != len(X):
        raise ValueError(f"X and y must have the same number of rows, got {len(X)} and {len(y)}")
    if len(y) == 0:
        raise ValueError("X and y must not be empty")
    y = y.to(X.dtype)
    if not ((y == 1) | (y == -1)).all():
        raise ValueError(f"y must contain only -1 and +1, got values {sorted(set(y.tolist()))}")
    return y


class PerceptronResult(NamedTuple):
    """What ``train_perceptron`` returns."""

    w: torch.Tensor  # (d,) weights
    b: torch.Tensor  # () bias
    mistakes: int  # total number of updates
    epochs: int  # epochs run
    converged: bool  # True if the last epoch made no mistake
    mistakes_per_epoch: list[int]


def train_perceptron(
    X: torch.Tensor, y: torch.Tensor, max_epochs: int = 100, lr: float = 1.0
) -> PerceptronResult:
    """Rosenblatt's perceptron: cycle through ``(X, y)`` in order, update on each mistake.

    Args:
        X: inputs, shape ``(n, d)``, floating point.
        y: labels in ``{-1, +1}``, shape ``(n,)`` (any dtype).
        max_epochs: the most passes over the data (``>= 1``).
        lr: the step size (``> 0``). Starting from zero weights it only rescales ``w``
            and ``b``, so it changes neither the predictions nor the number of mistakes.

    Returns:
        A ``PerceptronResult`` ``(w, b, mistakes, epochs, converged, mistakes_per_epoch)``.

    Example:
        >>> import torch
        >>> from dlnotes.mlp.perceptron import train_perceptron
        >>> X = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
        >>> y_and = torch.tensor([-1, -1, -1, 1])  # logical AND is linearly separable
        >>> result = train_perceptron(X, y_and)
        >>> result.w, result.b, result.converged
        (tensor([3., 2.]), tensor(-4.), True)
        >>> result.mistakes, result.mistakes_per_epoch
        (18, [2, 3, 3, 2, 2, 3, 2, 1, 0])
    """
    y = _check_data(X, y)
    if isinstance(max_epochs, bool) or not isinstance(max_epochs, int):
        raise TypeError(f"max_epochs must be an int, got {type(max_epochs).__name__}")
    if max_epochs < 1:
        raise ValueError(f"max_epochs must be >= 1, got {max_epochs}")
    check_positive(lr, "lr")

    w = torch.zeros(X.shape[1], dtype=X.dtype)  # (d,)
    b = torch.zeros((), dtype=X.dtype)  # ()
    per_epoch: list[int] = []
    for _ in range(max_epochs):
        mistakes = 0
        for x_i, y_i in zip(X, y, strict=True):  # x_i: (d,), y_i: ()
            if y_i * (x_i @ w + b) <= 0:  # wrong side, or exactly on the boundary
                w += lr * y_i * x_i  # turn the hyperplane towards x_i
                b += lr * y_i  # and shift it
                mistakes += 1
        per_epoch.append(mistakes)
        if mistakes == 0:  # a whole pass without an update: every example is right
            break
    return PerceptronResult(w, b, sum(per_epoch), len(per_epoch), per_epoch[-1] == 0, per_epoch)


# --8<-- [end:train_perceptron]


# --8<-- [start:perceptron_predict]
def perceptron_predict(X: torch.Tensor, w: torch.Tensor, b: torch.Tensor | float) -> torch.Tensor:
    """Labels ``sign(X @ w + b)`` in ``{-1, +1}``, shape ``(n,)``; a score of 0 gives -1.

    A point on the hyperplane counts as a mistake during training whatever its label,
    so mapping a zero score to -1 here is an arbitrary but fixed convention.

    Example:
        >>> import torch
        >>> from dlnotes.mlp.perceptron import perceptron_predict
        >>> X, w = torch.tensor([[1.0, 2.0], [-3.0, 0.0]]), torch.tensor([1.0, 0.0])
        >>> perceptron_predict(X, w, 0.5)
        tensor([ 1., -1.])
    """
    check_tensor(X, "X", ndim=2, floating=True)
    check_tensor(w, "w", ndim=1, floating=True)
    if X.shape[1] != w.shape[0]:
        raise ValueError(f"X has {X.shape[1]} features but w has {w.shape[0]}")
    scores = X @ w + b  # (n,)
    return torch.where(scores > 0, 1.0, -1.0).to(X.dtype)


# --8<-- [end:perceptron_predict]


# --8<-- [start:mistake_bound]
def mistake_bound(
    X: torch.Tensor, y: torch.Tensor, w: torch.Tensor, b: torch.Tensor | float = 0.0
) -> float:
    """Novikoff's bound ``(R / gamma)^2`` for a hyperplane ``(w, b)`` that separates the data.

    The perceptron with a bias is the perceptron without one on the augmented inputs
    ``x' = (x, 1)``. With ``u = (w, b) / ||(w, b)||`` (a unit vector),
    ``gamma = min_i y_i u . x'_i`` is the margin of ``u`` and ``R = max_i ||x'_i||``. If
    ``gamma > 0``, ``train_perceptron`` (any order, any ``lr``) makes at most
    ``(R / gamma)^2`` mistakes. Any separating ``(w, b)`` gives a valid bound; the one with
    the largest margin gives the smallest.

    Example:
        >>> import torch
        >>> from dlnotes.mlp.perceptron import mistake_bound
        >>> X = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
        >>> y_and = torch.tensor([-1, -1, -1, 1])
        >>> round(mistake_bound(X, y_and, torch.tensor([1.0, 1.0]), -1.5), 1)
        51.0
        >>> mistake_bound(X, y_and, torch.tensor([1.0, 1.0]), -0.5)
        Traceback (most recent call last):
        ...
        ValueError: (w, b) does not separate the data: the smallest y * (w . x + b) is -0.5
    """
    y = _check_data(X, y)
    check_tensor(w, "w", ndim=1, floating=True)
    if X.shape[1] != w.shape[0]:
        raise ValueError(f"X has {X.shape[1]} features but w has {w.shape[0]}")
    X_aug = torch.cat([X, torch.ones(len(X), 1, dtype=X.dtype)], dim=1)  # (n, d + 1)
    u = torch.cat([w.to(X.dtype), torch.as_tensor(b, dtype=X.dtype).reshape(1)])  # (d + 1,)
    signed = y * (X_aug @ u)  # (n,) y_i (w . x_i + b)
    if signed.min() <= 0:
        raise ValueError(
            f"(w, b) does not separate the data: the smallest y * (w . x + b) is "
            f"{signed.min().item():.4g}"
        )
    gamma = signed.min() / u.norm()  # margin of the unit vector u / ||u||
    R = X_aug.norm(dim=1).max()  # radius of the augmented data
    return float((R / gamma) ** 2)


# --8<-- [end:mistake_bound]


# --8<-- [start:xor_data]
def xor_data(dtype: torch.dtype = torch.float32) -> tuple[torch.Tensor, torch.Tensor]:
    """The four XOR points ``(4, 2)`` and their labels ``(4,)``: +1 iff exactly one input is 1.

    Example:
        >>> from dlnotes.mlp.perceptron import xor_data
        >>> X, y = xor_data()
        >>> X.tolist(), y.tolist()
        ([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [-1.0, 1.0, 1.0, -1.0])
    """
    X = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], dtype=dtype)
    y = torch.tensor([-1.0, 1.0, 1.0, -1.0], dtype=dtype)  # x1 XOR x2, coded as -1/+1
    return X, y


# --8<-- [end:xor_data]
