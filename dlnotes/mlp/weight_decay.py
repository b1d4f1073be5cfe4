"""Weight decay (L2 regularization) from scratch, and its L1 cousin.

Adding ``lambd * ||w||^2 / 2`` to the loss adds ``lambd * w`` to the gradient, so one
SGD step with learning rate ``lr`` becomes

    w <- (1 - lr * lambd) * w - lr * grad_of_the_data_loss,

it first shrinks (decays) the weights by the factor ``1 - lr * lambd``. This module has
the penalties, the proximal operator of L1 (soft thresholding, which makes weights
exactly zero), the projection onto an L2 ball (the hard-constraint view), and D2L's
high-dimensional linear regression demo (200 inputs, 20 training examples) trained from
scratch with an explicit penalty and concisely with ``torch.optim.SGD(weight_decay=...)``
on the weight only. With the same data order and initialization the two runs produce
the same parameters step for step.
"""

from __future__ import annotations

# --8<-- [start:imports]
from collections.abc import Callable
from typing import NamedTuple

import torch
from torch import nn

from dlnotes._checks import check_positive, check_tensor
from dlnotes.data.arrays import data_iter
from dlnotes.data.synthetic import synthetic_data
from dlnotes.linear.regression import linreg, sgd, squared_loss

# --8<-- [end:imports]

__all__ = [
    "HighDimData",
    "fit_regularized",
    "init_params",
    "l1_penalty",
    "l2_penalty",
    "make_high_dim_data",
    "project_l2_ball",
    "soft_threshold",
    "train_concise",
    "train_scratch",
]


# --8<-- [start:penalties]
def l2_penalty(w: torch.Tensor) -> torch.Tensor:
    """``||w||_2^2 / 2 = sum(w^2) / 2``; its gradient is ``w`` itself.

    Example:
        >>> import torch
        >>> from dlnotes.mlp.weight_decay import l2_penalty
        >>> l2_penalty(torch.tensor([3.0, -4.0]))
        tensor(12.5000)
    """
    check_tensor(w, "w", floating=True)
    return (w**2).sum() / 2


def l1_penalty(w: torch.Tensor) -> torch.Tensor:
    """``||w||_1 = sum(|w|)``; its (sub)gradient is ``sign(w)``.

    Example:
        >>> import torch
        >>> from dlnotes.mlp.weight_decay import l1_penalty
        >>> l1_penalty(torch.tensor([3.0, -4.0]))
        tensor(7.)
    """
    check_tensor(w, "w", floating=True)
    return w.abs().sum()


# --8<-- [end:penalties]


# --8<-- [start:soft_threshold]
def soft_threshold(w: torch.Tensor, threshold: float) -> torch.Tensor:
    """The proximal step of L1: ``sign(w) * max(|w| - threshold, 0)``, like ``F.softshrink``.

    It is the exact minimiser of ``||v - w||^2 / 2 + threshold * ||v||_1`` over ``v``:
    every entry moves ``threshold`` towards zero, and entries within ``threshold`` of
    zero become exactly zero.

    Example:
        >>> import torch
        >>> from dlnotes.mlp.weight_decay import soft_threshold
        >>> soft_threshold(torch.tensor([-2.0, -0.5, 0.3, 1.5]), 1.0)
        tensor([-1.0000, -0.0000, 0.0000, 0.5000])
    """
    check_tensor(w, "w", floating=True)
    check_positive(threshold, "threshold", allow_zero=True)
    return w.sign() * (w.abs() - threshold).clamp(min=0)


# --8<-- [end:soft_threshold]


# --8<-- [start:project_l2_ball]
def project_l2_ball(w: torch.Tensor, radius: float, *, eps: float = 0.0) -> torch.Tensor:
    """The closest point to ``w`` with ``||w||_2 <= radius``: rescale ``w`` if it is outside.

    The norm is taken over all entries. ``eps`` is added to the norm before dividing; with
    ``eps=1e-6`` this is exactly the factor of ``torch.nn.utils.clip_grad_norm_``.

    Example:
        >>> import torch
        >>> from dlnotes.mlp.weight_decay import project_l2_ball
        >>> project_l2_ball(torch.tensor([3.0, 4.0]), 1.0)  # norm 5 -> norm 1
        tensor([0.6000, 0.8000])
        >>> project_l2_ball(torch.tensor([0.3, 0.4]), 1.0)  # inside: unchanged
        tensor([0.3000, 0.4000])
    """
    check_tensor(w, "w", floating=True)
    check_positive(radius, "radius")
    check_positive(eps, "eps", allow_zero=True)
    norm = torch.linalg.vector_norm(w)
    return w * torch.clamp(radius / (norm + eps), max=1.0)  # factor 1 inside the ball


# --8<-- [end:project_l2_ball]


# --8<-- [start:make_high_dim_data]
class HighDimData(NamedTuple):
    """D2L's weight-decay data: few examples, many inputs, labels as columns ``(n, 1)``."""

    X_train: torch.Tensor  # (n_train, d)
    y_train: torch.Tensor  # (n_train, 1)
    X_test: torch.Tensor  # (n_test, d)
    y_test: torch.Tensor  # (n_test, 1)
    true_w: torch.Tensor  # (d,)
    true_b: float


def make_high_dim_data(
    n_train: int = 20,
    n_test: int = 100,
    num_inputs: int = 200,
    *,
    true_w: torch.Tensor | None = None,
    true_b: float = 0.05,
    noise: float = 0.01,
    generator: torch.Generator | None = None,
) -> HighDimData:
    """``y = 0.05 + sum_i 0.01 x_i + eps`` with ``x ~ N(0, I)`` in 200 dimensions (D2L).

    Args:
        n_train: training examples (D2L: 20, far fewer than the 201 parameters).
        n_test: test examples.
        num_inputs: the dimension ``d``.
        true_w: the true weights ``(d,)``; default ``0.01`` everywhere.
        true_b: the true bias.
        noise: standard deviation of the Gaussian label noise.
        generator: optional ``torch.Generator`` for reproducible draws.

    Example:
        >>> import torch
        >>> from dlnotes.mlp.weight_decay import make_high_dim_data
        >>> data = make_high_dim_data(generator=torch.Generator().manual_seed(42))
        >>> data.X_train.shape, data.y_train.shape, data.X_test.shape
        (torch.Size([20, 200]), torch.Size([20, 1]), torch.Size([100, 200]))
    """
    if true_w is None:
        true_w = torch.full((num_inputs,), 0.01)
    check_tensor(true_w, "true_w", ndim=1, floating=True)
    if len(true_w) != num_inputs:
        raise ValueError(f"true_w must have num_inputs = {num_inputs} entries, got {len(true_w)}")
    X_train, y_train = synthetic_data(true_w, true_b, n_train, noise, generator)
    X_test, y_test = synthetic_data(true_w, true_b, n_test, noise, generator)
    return HighDimData(X_train, y_train, X_test, y_test, true_w, float(true_b))


# --8<-- [end:make_high_dim_data]


# --8<-- [start:init_params]
def init_params(num_inputs: int, generator: torch.Generator | None = None) -> list[torch.Tensor]:
    """D2L's initialization: ``w ~ N(0, 1)`` of shape ``(d, 1)``, ``b = 0`` of shape ``(1,)``.

    Example:
        >>> from dlnotes.mlp.weight_decay import init_params
        >>> w, b = init_params(200)
        >>> w.shape, b.shape, w.requires_grad
        (torch.Size([200, 1]), torch.Size([1]), True)
    """
    w = torch.randn(num_inputs, 1, generator=generator).requires_grad_()
    b = torch.zeros(1, requires_grad=True)
    return [w, b]


# --8<-- [end:init_params]


# --8<-- [start:helpers]
History = dict[str, list[float]]  # "train_loss", "test_loss": one value per epoch
Trace = list[tuple[torch.Tensor, torch.Tensor]]  # (w, b) after every step


def _check_training_args(data: object, lambd: float, num_epochs: int, lr: float) -> None:
    if not isinstance(data, HighDimData):
        raise TypeError(f"data must be a HighDimData, got {type(data).__name__}")
    check_positive(lambd, "lambd", allow_zero=True)
    if isinstance(num_epochs, bool) or not isinstance(num_epochs, int):
        raise TypeError(f"num_epochs must be an int, got {type(num_epochs).__name__}")
    check_positive(num_epochs, "num_epochs")
    check_positive(lr, "lr")


def _mean_loss(
    net: Callable[[torch.Tensor], torch.Tensor], X: torch.Tensor, y: torch.Tensor
) -> float:
    with torch.no_grad():
        return squared_loss(net(X), y).mean().item()  # without the penalty


# --8<-- [end:helpers]


# --8<-- [start:train_scratch]
def train_scratch(
    data: HighDimData,
    lambd: float,
    *,
    penalty: Callable[[torch.Tensor], torch.Tensor] = l2_penalty,
    num_epochs: int = 100,
    lr: float = 0.003,
    batch_size: int = 5,
    seed: int = 0,
    trace: Trace | None = None,
) -> tuple[torch.Tensor, torch.Tensor, History]:
    """D2L's ``train(lambd)``: linear regression with ``lambd * penalty(w)`` added to the loss.

    Args:
        data: from :func:`make_high_dim_data`.
        lambd: the penalty weight ``>= 0`` (``0``: no regularization).
        penalty: :func:`l2_penalty` (weight decay) or :func:`l1_penalty`.
        num_epochs: passes over the training data.
        lr: learning rate of minibatch SGD.
        batch_size: examples per minibatch.
        seed: seeds the initialization and the shuffling (two separate generators);
            choose it different from the data's seed, or the initial weights repeat
            the random numbers of the inputs.
        trace: if a list, ``(w, b)`` copies are appended after every step.

    Returns:
        ``(w, b, history)``; ``history["train_loss"]`` and ``history["test_loss"]`` hold
        the mean squared loss (without the penalty) after each epoch.

    Example:
        >>> import torch
        >>> from dlnotes.mlp.weight_decay import make_high_dim_data, train_scratch
        >>> data = make_high_dim_data(generator=torch.Generator().manual_seed(42))
        >>> w, b, history = train_scratch(data, lambd=3.0, num_epochs=5)
        >>> len(history["test_loss"]), w.shape
        (5, torch.Size([200, 1]))
    """
    _check_training_args(data, lambd, num_epochs, lr)
    w, b = init_params(data.X_train.shape[1], torch.Generator().manual_seed(seed))
    shuffle = torch.Generator().manual_seed(seed)  # the same batches as train_concise
    net = lambda X: linreg(X, w, b)  # noqa: E731
    history: History = {"train_loss": [], "test_loss": []}
    for _ in range(num_epochs):
        for X, y in data_iter(batch_size, data.X_train, data.y_train, shuffle):
            # the penalty is added to every example's loss, so after the sum it counts
            # len(y) times and sgd's division by len(y) leaves lambd * grad(penalty)
            loss = squared_loss(net(X), y) + lambd * penalty(w)  # (batch, 1)
            loss.sum().backward()
            sgd([w, b], lr, len(y))
            if trace is not None:
                trace.append((w.detach().flatten().clone(), b.detach().clone()))
        history["train_loss"].append(_mean_loss(net, data.X_train, data.y_train))
        history["test_loss"].append(_mean_loss(net, data.X_test, data.y_test))
    return w.detach(), b.detach(), history


# --8<-- [end:train_scratch]


# --8<-- [start:train_concise]
def train_concise(
    data: HighDimData,
    weight_decay: float,
    *,
    num_epochs: int = 100,
    lr: float = 0.003,
    batch_size: int = 5,
    seed: int = 0,
    trace: Trace | None = None,
) -> tuple[nn.Linear, History]:
    """D2L's ``train_concise(wd)``: ``nn.Linear`` and ``torch.optim.SGD``, decay on the weight only.

    Same arguments and the same initialization and batches as :func:`train_scratch`
    with ``penalty=l2_penalty``; ``weight_decay`` plays the role of ``lambd``.

    Example:
        >>> import torch
        >>> from dlnotes.mlp.weight_decay import make_high_dim_data, train_concise
        >>> data = make_high_dim_data(generator=torch.Generator().manual_seed(42))
        >>> net, history = train_concise(data, weight_decay=3.0, num_epochs=5)
        >>> net.weight.shape, len(history["train_loss"])
        (torch.Size([1, 200]), 5)
    """
    _check_training_args(data, weight_decay, num_epochs, lr)
    w, b = init_params(data.X_train.shape[1], torch.Generator().manual_seed(seed))
    shuffle = torch.Generator().manual_seed(seed)
    net = nn.Linear(data.X_train.shape[1], 1)
    with torch.no_grad():  # start from the same point as train_scratch
        net.weight.copy_(w.T)  # (1, d)
        net.bias.copy_(b)
    optimizer = torch.optim.SGD(
        [
            {"params": [net.weight], "weight_decay": weight_decay},  # decayed
            {"params": [net.bias]},  # not decayed (weight_decay defaults to 0)
        ],
        lr=lr,
    )
    history: History = {"train_loss": [], "test_loss": []}
    for _ in range(num_epochs):
        for X, y in data_iter(batch_size, data.X_train, data.y_train, shuffle):
            optimizer.zero_grad()
            # MSELoss has no 1/2; halve it to match squared_loss (same gradients)
            loss = nn.functional.mse_loss(net(X), y) / 2
            loss.backward()
            optimizer.step()  # grad += weight_decay * weight, then weight -= lr * grad
            if trace is not None:
                trace.append((net.weight.detach().flatten().clone(), net.bias.detach().clone()))
        history["train_loss"].append(_mean_loss(net, data.X_train, data.y_train))
        history["test_loss"].append(_mean_loss(net, data.X_test, data.y_test))
    return net, history


# --8<-- [end:train_concise]


# --8<-- [start:fit_regularized]
METHODS = ("l2", "l1-subgradient", "l1-proximal")


def fit_regularized(
    X: torch.Tensor,
    y: torch.Tensor,
    lambd: float,
    method: str = "l2",
    *,
    num_steps: int = 1000,
    lr: float | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Full-batch gradient descent on ``mean((X w + b - y)^2) / 2 + lambd * R(w)``.

    ``method`` picks the penalty ``R`` and how it is handled:

    * ``"l2"``: ``R = ||w||^2 / 2``, its gradient ``w`` added to the data gradient;
    * ``"l1-subgradient"``: ``R = ||w||_1``, the subgradient ``sign(w)`` added the same way
      (what autograd does with ``l1_penalty``); weights end up jittering NEAR zero;
    * ``"l1-proximal"``: ``R = ||w||_1``, a plain gradient step on the data loss followed
      by :func:`soft_threshold` (ISTA); weights become EXACTLY zero.

    The bias ``b`` is never penalized. Starts from ``w = 0, b = 0``.

    Args:
        X: features ``(n, d)``.
        y: targets ``(n, 1)``.
        lambd: penalty weight ``>= 0``.
        method: one of ``"l2"``, ``"l1-subgradient"``, ``"l1-proximal"``.
        num_steps: gradient steps.
        lr: step size; default ``1 / L`` with ``L = ||X||_2^2 / n + 1`` (a bound on the
            curvature of the data loss in ``(w, b)``), plus ``lambd`` for ``"l2"``: a step
            that cannot diverge.

    Returns:
        ``(w, b)`` of shapes ``(d, 1)`` and ``(1,)``.

    Example:
        >>> import torch
        >>> from dlnotes.mlp.weight_decay import fit_regularized
        >>> X = torch.randn(50, 10); y = 3 * X[:, :1]  # only the first input matters
        >>> w, b = fit_regularized(X, y, lambd=0.1, method="l1-proximal")
        >>> (w[1:] == 0).all().item(), round(w[0].item(), 1)
        (True, 2.9)
    """
    check_tensor(X, "X", ndim=2, floating=True)
    check_tensor(y, "y", ndim=2, floating=True)
    if y.shape != (len(X), 1):
        raise ValueError(f"y must have shape (n, 1) = ({len(X)}, 1), got {tuple(y.shape)}")
    check_positive(lambd, "lambd", allow_zero=True)
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if lr is None:
        curvature = torch.linalg.matrix_norm(X, ord=2).item() ** 2 / len(X) + 1.0
        lr = 1.0 / (curvature + (lambd if method == "l2" else 0.0))
    check_positive(lr, "lr")
    n, d = X.shape
    w = torch.zeros(d, 1, dtype=X.dtype)
    b = torch.zeros(1, dtype=X.dtype)
    for _ in range(num_steps):
        r = X @ w + b - y  # (n, 1) residuals
        grad_w = X.T @ r / n  # (d, 1): gradient of mean(r^2) / 2
        grad_b = r.mean(dim=0)  # (1,)
        if method == "l2":
            w = w - lr * (grad_w + lambd * w)  # = (1 - lr * lambd) * w - lr * grad_w
        elif method == "l1-subgradient":
            w = w - lr * (grad_w + lambd * w.sign())
        else:  # proximal: step on the data loss, then the exact L1 step
            w = soft_threshold(w - lr * grad_w, lr * lambd)
        b = b - lr * grad_b
    return w, b


# --8<-- [end:fit_regularized]
