"""Polynomial regression, D2L's underfitting/overfitting experiment, in closed form.

The data follow a cubic with Gaussian noise,

    y = 5 + 1.2 x - 3.4 x^2 / 2! + 5.6 x^3 / 3! + eps,   x ~ N(0, 1), eps ~ N(0, 0.1^2),

written on the features ``x^i / i!`` (dividing by ``i!`` keeps the features of large
powers from exploding). Fitting the first ``degree + 1`` features by least squares
gives an underfit model for degree 1, the right model for degree 3 and an overfit one
for degree 19. D2L trains these models with minibatch SGD; here they are solved in closed
form, which is what SGD converges to for these convex problems, and takes milliseconds.

:func:`least_squares` solves the normal equations from scratch (optionally with an L2
penalty, i.e. ridge regression); ``torch.linalg.lstsq`` is the robust built-in.
"""

from __future__ import annotations

# --8<-- [start:imports]
import math
from typing import NamedTuple

import torch

from dlnotes._checks import check_positive, check_tensor


def _check_int(value: object, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return value


# --8<-- [end:imports]

__all__ = [
    "TRUE_W",
    "PolyData",
    "fit_polynomial",
    "fit_polynomial_gd",
    "least_squares",
    "make_poly_data",
    "poly_features",
]


# --8<-- [start:poly_features]
def poly_features(x: torch.Tensor, degree: int) -> torch.Tensor:
    """The features ``x^i / i!`` for ``i = 0, 1, ..., degree``.

    Args:
        x: inputs, shape ``(n,)``, floating point.
        degree: the highest power (``>= 0``).

    Returns:
        Shape ``(n, degree + 1)``; column ``i`` is ``x^i / i!`` (column 0 is all ones).

    Example:
        >>> import torch
        >>> from dlnotes.mlp.polynomial import poly_features
        >>> poly_features(torch.tensor([1.0, 2.0]), 3)
        tensor([[1.0000, 1.0000, 0.5000, 0.1667],
                [1.0000, 2.0000, 2.0000, 1.3333]])
    """
    check_tensor(x, "x", ndim=1, floating=True)
    _check_int(degree, "degree", 0)
    powers = torch.arange(degree + 1, dtype=x.dtype)  # (degree + 1,)
    factorials = torch.tensor([math.factorial(i) for i in range(degree + 1)], dtype=x.dtype)
    return x[:, None] ** powers / factorials  # (n, 1) ** (degree + 1,) -> (n, degree + 1)


# --8<-- [end:poly_features]


# --8<-- [start:make_poly_data]
TRUE_W = (5.0, 1.2, -3.4, 5.6)  # coefficients of x^0/0!, x^1/1!, x^2/2!, x^3/3!


class PolyData(NamedTuple):
    """Training and test split of the polynomial data (``max_degree + 1`` feature columns)."""

    train_features: torch.Tensor  # (n_train, max_degree + 1)
    test_features: torch.Tensor  # (n_test, max_degree + 1)
    train_labels: torch.Tensor  # (n_train,)
    test_labels: torch.Tensor  # (n_test,)
    true_w: torch.Tensor  # (max_degree + 1,): TRUE_W, then zeros


def make_poly_data(
    n_train: int = 100,
    n_test: int = 100,
    max_degree: int = 19,
    noise: float = 0.1,
    generator: torch.Generator | None = None,
    dtype: torch.dtype = torch.float64,
) -> PolyData:
    """D2L's polynomial data: a noisy cubic on the features ``x^i / i!``, ``i <= max_degree``.

    Args:
        n_train: number of training examples.
        n_test: number of test examples.
        max_degree: highest power among the features (D2L: 19, i.e. 20 features).
        noise: standard deviation of the Gaussian label noise.
        generator: optional ``torch.Generator`` for reproducible draws.
        dtype: float64 by default: the high powers make the least-squares problem
            ill-conditioned, and float32 would lose most digits.

    Example:
        >>> import torch
        >>> from dlnotes.mlp.polynomial import make_poly_data
        >>> data = make_poly_data(generator=torch.Generator().manual_seed(0))
        >>> data.train_features.shape, data.test_labels.shape
        (torch.Size([100, 20]), torch.Size([100]))
        >>> data.true_w[:5].tolist()
        [5.0, 1.2, -3.4, 5.6, 0.0]
    """
    _check_int(n_train, "n_train", 1)
    _check_int(n_test, "n_test", 1)
    _check_int(max_degree, "max_degree", len(TRUE_W) - 1)
    check_positive(noise, "noise", allow_zero=True)
    true_w = torch.zeros(max_degree + 1, dtype=dtype)
    true_w[: len(TRUE_W)] = torch.tensor(TRUE_W, dtype=dtype)
    x = torch.randn(n_train + n_test, generator=generator, dtype=dtype)  # (n,)
    features = poly_features(x, max_degree)  # (n, max_degree + 1)
    labels = features @ true_w  # (n,)
    labels = labels + noise * torch.randn(labels.shape, generator=generator, dtype=dtype)
    return PolyData(
        features[:n_train], features[n_train:], labels[:n_train], labels[n_train:], true_w
    )


# --8<-- [end:make_poly_data]


# --8<-- [start:least_squares]
def least_squares(X: torch.Tensor, y: torch.Tensor, l2: float = 0.0) -> torch.Tensor:
    """Minimise ``||X w - y||^2 / 2 + l2 * ||w||^2 / 2`` by the normal equations.

    Setting the gradient ``X^T (X w - y) + l2 w`` to zero gives
    ``(X^T X + l2 I) w = X^T y``. The matrix is symmetric positive definite when ``X``
    has full column rank or ``l2 > 0``, so a Cholesky factorisation ``L L^T`` and two
    triangular solves find ``w``. Forming ``X^T X`` squares the condition number of ``X``:
    fine for a well-conditioned ``X``, hopeless for an ill-conditioned one (use
    ``torch.linalg.lstsq``, which works on ``X`` itself).

    Args:
        X: design matrix, shape ``(n, d)``, floating point.
        y: targets, shape ``(n,)`` or ``(n, m)``.
        l2: the L2 penalty (ridge, weight decay) ``>= 0``.

    Returns:
        ``w`` of shape ``(d,)`` (or ``(d, m)``).

    Raises:
        ValueError: if the shapes disagree, or if ``X^T X + l2 I`` is not numerically
            positive definite (``X`` rank-deficient or too ill-conditioned, ``l2 = 0``).

    Example:
        >>> import torch
        >>> from dlnotes.mlp.polynomial import least_squares
        >>> X = torch.tensor([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]], dtype=torch.float64)
        >>> least_squares(X, X @ torch.tensor([1.0, 2.0], dtype=torch.float64))
        tensor([1.0000, 2.0000], dtype=torch.float64)
        >>> least_squares(X[:, [1, 1]], torch.zeros(3, dtype=torch.float64))
        Traceback (most recent call last):
        ...
        ValueError: X^T X + l2 I is not positive definite: ...
    """
    check_tensor(X, "X", ndim=2, floating=True)
    check_tensor(y, "y", ndim=(1, 2), floating=True)
    if len(y) != len(X):
        raise ValueError(f"y must have {len(X)} rows like X {tuple(X.shape)}, got {tuple(y.shape)}")
    check_positive(l2, "l2", allow_zero=True)
    A = X.T @ X + l2 * torch.eye(X.shape[1], dtype=X.dtype)  # (d, d), symmetric
    b = X.T @ y  # (d,) or (d, m)
    L, info = torch.linalg.cholesky_ex(A)  # A = L L^T, L lower triangular
    if info.item() != 0:
        raise ValueError(
            "X^T X + l2 I is not positive definite: X is rank-deficient or too "
            "ill-conditioned; use l2 > 0 or torch.linalg.lstsq"
        )
    rhs = b if b.dim() == 2 else b[:, None]  # (d, m)
    z = torch.linalg.solve_triangular(L, rhs, upper=False)  # L z = b
    w = torch.linalg.solve_triangular(L.T, z, upper=True)  # L^T w = z
    return w if b.dim() == 2 else w[:, 0]


# --8<-- [end:least_squares]


# --8<-- [start:fit_polynomial]
def fit_polynomial(
    data: PolyData, degree: int, solver: str = "lstsq"
) -> tuple[torch.Tensor, float, float]:
    """Fit the first ``degree + 1`` features of ``data``; report both mean squared losses.

    Args:
        data: from :func:`make_poly_data`.
        degree: the model's highest power, ``0 <= degree <= max_degree``.
        solver: ``"lstsq"`` (``torch.linalg.lstsq``, robust) or ``"normal"``
            (:func:`least_squares`, the normal equations).

    Returns:
        ``(w, train_loss, test_loss)``: the ``degree + 1`` weights and the losses
        ``mean((y_hat - y)^2) / 2`` (D2L's squared loss, averaged) on both splits.

    Example:
        >>> import torch
        >>> from dlnotes.mlp.polynomial import fit_polynomial, make_poly_data
        >>> data = make_poly_data(generator=torch.Generator().manual_seed(0))
        >>> w, train_loss, test_loss = fit_polynomial(data, degree=3)
        >>> [round(v, 1) for v in w.tolist()]
        [5.0, 1.2, -3.4, 5.6]
    """
    if not isinstance(data, PolyData):
        raise TypeError(f"data must be a PolyData, got {type(data).__name__}")
    max_degree = data.train_features.shape[1] - 1
    _check_int(degree, "degree", 0)
    if degree > max_degree:
        raise ValueError(f"degree must be <= max_degree = {max_degree}, got {degree}")
    X_train = data.train_features[:, : degree + 1]  # (n_train, degree + 1)
    X_test = data.test_features[:, : degree + 1]  # (n_test, degree + 1)
    if solver == "lstsq":
        w = torch.linalg.lstsq(X_train, data.train_labels[:, None]).solution[:, 0]
    elif solver == "normal":
        w = least_squares(X_train, data.train_labels)
    else:
        raise ValueError(f"solver must be 'lstsq' or 'normal', got {solver!r}")
    train_loss = ((X_train @ w - data.train_labels) ** 2).mean().item() / 2
    test_loss = ((X_test @ w - data.test_labels) ** 2).mean().item() / 2
    return w, train_loss, test_loss


# --8<-- [end:fit_polynomial]


# --8<-- [start:fit_polynomial_gd]
def fit_polynomial_gd(
    data: PolyData, degree: int, num_steps: int = 2000, lr: float = 0.1
) -> tuple[torch.Tensor, float, float]:
    """Like :func:`fit_polynomial`, but by full-batch gradient descent from ``w = 0``.

    Each step is ``w <- w - lr * X^T (X w - y) / n``, the gradient of
    ``mean((X w - y)^2) / 2``. Along directions in which the features vary little (the
    high powers, divided by large factorials), the loss is nearly flat and ``w`` moves
    very slowly, so after a finite number of steps gradient descent has NOT reached the
    least-squares solution there: it stays close to the zero initialization.

    Returns:
        ``(w, train_loss, test_loss)`` as :func:`fit_polynomial`.

    Example:
        >>> import torch
        >>> from dlnotes.mlp.polynomial import fit_polynomial_gd, make_poly_data
        >>> data = make_poly_data(generator=torch.Generator().manual_seed(0))
        >>> w, train_loss, test_loss = fit_polynomial_gd(data, degree=3)
        >>> [round(v, 1) for v in w.tolist()]
        [5.0, 1.2, -3.4, 5.6]
    """
    if not isinstance(data, PolyData):
        raise TypeError(f"data must be a PolyData, got {type(data).__name__}")
    max_degree = data.train_features.shape[1] - 1
    _check_int(degree, "degree", 0)
    if degree > max_degree:
        raise ValueError(f"degree must be <= max_degree = {max_degree}, got {degree}")
    _check_int(num_steps, "num_steps", 1)
    check_positive(lr, "lr")
    X_train = data.train_features[:, : degree + 1]  # (n_train, degree + 1)
    X_test = data.test_features[:, : degree + 1]  # (n_test, degree + 1)
    y = data.train_labels  # (n_train,)
    w = torch.zeros(degree + 1, dtype=X_train.dtype)
    for _ in range(num_steps):
        w = w - lr * X_train.T @ (X_train @ w - y) / len(y)
    train_loss = ((X_train @ w - y) ** 2).mean().item() / 2
    test_loss = ((X_test @ w - data.test_labels) ** 2).mean().item() / 2
    return w, train_loss, test_loss


# --8<-- [end:fit_polynomial_gd]
