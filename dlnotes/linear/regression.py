"""Linear regression from scratch: the model, the squared loss, minibatch SGD and the
closed-form least-squares solution.

These are D2L's ``linreg``, ``squared_loss`` and ``sgd`` (same names, same argument
order) with input checks. The most important check is in :func:`squared_loss`: a
prediction of shape ``(n, 1)`` minus a label vector of shape ``(n,)`` silently
broadcasts to an ``(n, n)`` matrix, and training then "works" but learns nonsense.
"""

from __future__ import annotations

# --8<-- [start:imports]
from collections.abc import Iterable

import torch

from dlnotes._checks import check_positive, check_tensor

# --8<-- [end:imports]

__all__ = ["linreg", "normal_equation", "sgd", "squared_loss"]


# --8<-- [start:linreg]
def linreg(X: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """The linear regression model ``X w + b``.

    Args:
        X: features, shape ``(n, d)``.
        w: weights, shape ``(d, 1)`` (a column, as in D2L).
        b: bias, shape ``(1,)`` or ``()``.

    Returns:
        Predictions of shape ``(n, 1)``.

    Example:
        >>> import torch
        >>> from dlnotes.linear.regression import linreg
        >>> X = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> linreg(X, torch.tensor([[1.0], [-1.0]]), torch.tensor([0.5]))
        tensor([[-0.5000],
                [-0.5000]])
    """
    check_tensor(X, "X", ndim=2, floating=True)
    check_tensor(w, "w", ndim=2, floating=True)
    check_tensor(b, "b", ndim=(0, 1), floating=True)
    if w.shape != (X.shape[1], 1):
        raise ValueError(
            f"w must have shape (d, 1) = ({X.shape[1]}, 1) to match X of shape "
            f"{tuple(X.shape)}, got {tuple(w.shape)}"
        )
    if b.numel() != 1:
        raise ValueError(f"b must hold one number (shape (1,) or ()), got {tuple(b.shape)}")
    return X @ w + b  # (n, d) @ (d, 1) + (1,) -> (n, 1)


# --8<-- [end:linreg]


# --8<-- [start:squared_loss]
def squared_loss(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Per-example squared loss ``(y_hat - y)^2 / 2`` (no reduction).

    The ``1/2`` only makes the derivative ``y_hat - y`` tidy. ``nn.MSELoss`` has no
    ``1/2`` and averages by default, so its gradient is twice as large:
    ``squared_loss(y_hat, y).mean() == nn.MSELoss()(y_hat, y) / 2``.

    Args:
        y_hat: predictions, any shape.
        y: labels, exactly the same shape as ``y_hat``.

    Returns:
        Losses with the shape of ``y_hat``.

    Raises:
        ValueError: if the shapes differ. D2L reshapes ``y`` silently; here a mismatch
            such as ``(n, 1)`` vs ``(n,)`` is an error, because plain ``y_hat - y`` would
            broadcast it to ``(n, n)``.

    Example:
        >>> import torch
        >>> from dlnotes.linear.regression import squared_loss
        >>> squared_loss(torch.tensor([[1.0], [3.0]]), torch.tensor([[0.0], [1.0]]))
        tensor([[0.5000],
                [2.0000]])
        >>> squared_loss(torch.zeros(4, 1), torch.zeros(4))
        Traceback (most recent call last):
        ...
        ValueError: y_hat and y must have the same shape, got (4, 1) and (4,); ...
    """
    check_tensor(y_hat, "y_hat", floating=True)
    check_tensor(y, "y", floating=True)
    if y_hat.shape != y.shape:
        try:  # name the silent-broadcast pitfall when there is one
            wide = tuple(torch.broadcast_shapes(y_hat.shape, y.shape))
            hint = f"y_hat - y would silently broadcast to {wide}; "
        except RuntimeError:
            hint = ""
        raise ValueError(
            f"y_hat and y must have the same shape, got {tuple(y_hat.shape)} and "
            f"{tuple(y.shape)}; {hint}reshape one of them, e.g. y.reshape(y_hat.shape)"
        )
    return (y_hat - y) ** 2 / 2


# --8<-- [end:squared_loss]


# --8<-- [start:sgd]
def sgd(params: Iterable[torch.Tensor], lr: float, batch_size: int) -> None:
    """One minibatch SGD step: ``p <- p - lr * p.grad / batch_size``, then zero the grads.

    The loss is expected to be the SUM over the minibatch, hence the division by
    ``batch_size``. Parameters are updated in place (that is the point of an optimizer)
    inside ``torch.no_grad()`` so that the update itself is not recorded by autograd.

    Args:
        params: tensors with ``requires_grad=True`` and a ``.grad`` from ``backward()``.
        lr: learning rate (> 0).
        batch_size: number of examples the summed loss was computed over (> 0).

    Example:
        >>> import torch
        >>> from dlnotes.linear.regression import sgd
        >>> w = torch.tensor([1.0], requires_grad=True)
        >>> (3 * w).sum().backward()  # dloss/dw = 3
        >>> sgd([w], lr=0.1, batch_size=1)
        >>> w, w.grad
        (tensor([0.7000], requires_grad=True), tensor([0.]))
    """
    check_positive(lr, "lr")
    if isinstance(batch_size, bool) or not isinstance(batch_size, int):
        raise TypeError(f"batch_size must be an int, got {type(batch_size).__name__}")
    check_positive(batch_size, "batch_size")
    params = list(params)
    for i, param in enumerate(params):
        check_tensor(param, f"params[{i}]", floating=True)
        if param.grad is None:
            raise ValueError(
                f"params[{i}] has no gradient: it needs requires_grad=True and a "
                "backward() call before sgd()"
            )
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size  # in place: the parameter IS the state
            param.grad.zero_()  # backward() accumulates, so reset for the next batch


# --8<-- [end:sgd]


# --8<-- [start:normal_equation]
def normal_equation(X: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Closed-form least-squares fit of ``y ~ X w + b``.

    Appends a column of ones to ``X`` (the bias), then solves
    ``min_theta ||[X, 1] theta - y||^2`` with ``torch.linalg.lstsq`` (a QR-type
    factorisation of ``[X, 1]``) instead of forming ``inv(X^T X)``: that inverse squares
    the condition number, loses about twice as many digits, and fails outright when
    ``X^T X`` is singular.

    Args:
        X: features, shape ``(n, d)``.
        y: targets, shape ``(n, 1)`` or ``(n,)``.

    Returns:
        ``(w, b)``: ``w`` of shape ``(d, 1)`` and ``b`` of shape ``(1,)`` for a column
        ``y``; ``(d,)`` and ``()`` for a vector ``y``.

    Example:
        >>> import torch
        >>> from dlnotes.linear.regression import normal_equation
        >>> X = torch.tensor([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [2.0, 1.0]])
        >>> y = X @ torch.tensor([[2.0], [-3.0]]) + 1.0  # exact, no noise
        >>> w, b = normal_equation(X, y)
        >>> torch.allclose(w, torch.tensor([[2.0], [-3.0]]), atol=1e-5), b.shape
        (True, torch.Size([1]))
    """
    check_tensor(X, "X", ndim=2, floating=True)
    check_tensor(y, "y", ndim=(1, 2), floating=True)
    if len(y) != len(X) or (y.dim() == 2 and y.shape[1] != 1):
        raise ValueError(
            f"y must have shape (n,) or (n, 1) with n = {len(X)} rows of X, got {tuple(y.shape)}"
        )
    ones = torch.ones(len(X), 1, dtype=X.dtype)
    A = torch.cat([X, ones], dim=1)  # (n, d + 1): the last column multiplies b
    theta = torch.linalg.lstsq(A, y).solution  # (d + 1, 1) or (d + 1,)
    return theta[:-1], theta[-1]


# --8<-- [end:normal_equation]
