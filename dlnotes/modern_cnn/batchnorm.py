"""Batch normalization (Ioffe and Szegedy, 2015) from scratch, checked against PyTorch.

In training mode every feature (fully connected input ``(N, C)``) or channel
(convolutional input ``(N, C, H, W)``) is standardized with the mean and the *biased*
variance of the current minibatch, then scaled by ``gamma`` and shifted by ``beta``::

    Y = gamma * (X - mean_B) / sqrt(var_B + eps) + beta

and running estimates of the mean and of the *unbiased* variance are updated with PyTorch's
convention, where ``momentum`` is the weight of the NEW value::

    moving = (1 - momentum) * moving + momentum * batch_statistic

In evaluation mode the running estimates replace the batch statistics, so the output of an
example no longer depends on the rest of the batch.

* :func:`batch_norm` is D2L's function (same arguments, in the same order) with an explicit
  ``training`` flag, the unbiased running variance and inputs ``(N, C)``, ``(N, C, L)`` or
  ``(N, C, H, W)``; it returns the output and the new running statistics.
* :class:`BatchNorm` is D2L's module (``BatchNorm(num_features, num_dims)``) with the options
  of ``nn.BatchNorm1d/2d``: ``eps``, ``momentum`` (``None``: cumulative average), ``affine``
  and ``track_running_stats``, and a ``num_batches_tracked`` counter.
* :func:`lenet_bn` is D2L's LeNet with batch normalization after every convolution and
  hidden fully connected layer, with our layer or PyTorch's.
"""

from __future__ import annotations

# --8<-- [start:imports]
import math

import torch
from torch import nn

from dlnotes._checks import check_positive, check_tensor
from dlnotes.cnn.lenet import LeNet

# --8<-- [end:imports]

__all__ = ["BatchNorm", "batch_norm", "check_momentum", "lenet_bn"]


# --8<-- [start:checks]
def check_momentum(momentum: object, *, allow_none: bool = False) -> float | None:
    """Return ``momentum`` if it is a number in ``[0, 1]`` (or ``None`` if allowed), else raise.

    Example:
        >>> check_momentum(0.1)
        0.1
        >>> check_momentum(0.9, allow_none=True), check_momentum(None, allow_none=True)
        (0.9, None)
        >>> check_momentum(1.5)
        Traceback (most recent call last):
        ...
        ValueError: momentum must be in [0, 1] (the weight of the new value), got 1.5
    """
    if momentum is None and allow_none:
        return None
    if isinstance(momentum, bool) or not isinstance(momentum, (int, float)):
        want = "a float in [0, 1] or None" if allow_none else "a float in [0, 1]"
        raise TypeError(f"momentum must be {want}, got {type(momentum).__name__}")
    if math.isnan(momentum) or not 0.0 <= momentum <= 1.0:
        raise ValueError(
            f"momentum must be in [0, 1] (the weight of the new value), got {momentum}"
        )
    return float(momentum)


def _check_per_channel(t: torch.Tensor | None, name: str, num_channels: int) -> None:
    """``gamma``, ``beta`` and the running statistics hold one value per channel."""
    if t is None:
        return
    check_tensor(t, name, floating=True)
    if t.shape != (num_channels,):
        raise ValueError(
            f"{name} must have shape ({num_channels},), one value per channel of X, "
            f"got {tuple(t.shape)}"
        )


# --8<-- [end:checks]


# --8<-- [start:batch_norm]
def batch_norm(
    X: torch.Tensor,
    gamma: torch.Tensor | None,
    beta: torch.Tensor | None,
    moving_mean: torch.Tensor | None,
    moving_var: torch.Tensor | None,
    eps: float,
    momentum: float,
    *,
    training: bool = True,
) -> tuple[torch.Tensor, torch.Tensor | None, torch.Tensor | None]:
    """Batch normalization of ``X`` over every axis except the channel axis 1.

    Args:
        X: ``(N, C)`` (fully connected), ``(N, C, L)`` or ``(N, C, H, W)`` (convolutional).
        gamma, beta: scale and shift, shape ``(C,)``, or ``None`` for no affine transform.
        moving_mean, moving_var: running estimates, shape ``(C,)``, or ``None`` (no running
            statistics: batch statistics are then used in both modes).
        eps: added to the variance before the square root.
        momentum: weight of the NEW batch statistic in the running estimates (PyTorch's
            convention; D2L's Chinese edition and Keras weight the old value instead).
        training: ``True``: normalize with the batch statistics and update the running
            estimates; ``False``: normalize with the running estimates. (D2L decides with
            ``torch.is_grad_enabled()``; an explicit flag cannot be fooled by ``no_grad``.)

    Returns:
        ``(Y, new_moving_mean, new_moving_var)``: ``Y`` has the shape of ``X``; the running
        estimates are new tensors (the inputs are not modified), detached from the graph.

    Example:
        >>> X = torch.tensor([[1.0, 10.0], [3.0, 30.0]])  # 2 examples, 2 features
        >>> ones, zeros = torch.ones(2), torch.zeros(2)
        >>> Y, mean, var = batch_norm(X, ones, zeros, zeros, ones, eps=1e-5, momentum=0.1)
        >>> Y.round(decimals=3)  # each feature: mean 0, biased variance 1
        tensor([[-1., -1.],
                [ 1.,  1.]])
        >>> mean, var  # 0.9 * old + 0.1 * batch; var uses the unbiased batch variance
        (tensor([0.2000, 2.0000]), tensor([ 1.1000, 20.9000]))
    """
    check_tensor(X, "X", ndim=(2, 3, 4), floating=True)
    num_channels = X.shape[1]
    for t, name in ((gamma, "gamma"), (beta, "beta"), (moving_mean, "moving_mean"),
                    (moving_var, "moving_var")):  # fmt: skip
        _check_per_channel(t, name, num_channels)
    if (moving_mean is None) != (moving_var is None):
        raise ValueError("moving_mean and moving_var must both be tensors or both be None")
    check_positive(eps, "eps")
    momentum = check_momentum(momentum)
    dims = (0, *range(2, X.dim()))  # every axis but the channels: (0,), (0, 2) or (0, 2, 3)
    shape = (1, num_channels) + (1,) * (X.dim() - 2)  # (1, C), (1, C, 1) or (1, C, 1, 1)

    if not training and moving_mean is not None:
        # evaluation: a fixed per-channel affine map, independent of the rest of the batch
        X_hat = (X - moving_mean.reshape(shape)) / torch.sqrt(moving_var.reshape(shape) + eps)
    else:
        n = X.numel() // num_channels  # values per channel: N, N*L or N*H*W
        if n < 2:  # the variance of a single value is 0 (biased) or undefined (unbiased)
            raise ValueError(
                "batch statistics need more than 1 value per channel, got X of shape "
                f"{tuple(X.shape)}; use a larger batch, or eval mode with running statistics"
            )
        mean = X.mean(dim=dims, keepdim=True)  # (1, C, ...): per-channel batch mean
        var = ((X - mean) ** 2).mean(dim=dims, keepdim=True)  # biased: divide by n
        X_hat = (X - mean) / torch.sqrt(var + eps)  # (N, C, ...)
        if training and moving_mean is not None:
            with torch.no_grad():  # running estimates are statistics, not part of the graph
                unbiased_var = var.reshape(-1) * n / (n - 1)  # (C,): divide by n - 1
                moving_mean = (1.0 - momentum) * moving_mean + momentum * mean.reshape(-1)
                moving_var = (1.0 - momentum) * moving_var + momentum * unbiased_var
    Y = X_hat
    if gamma is not None:
        Y = gamma.reshape(shape) * Y  # scale
    if beta is not None:
        Y = Y + beta.reshape(shape)  # shift
    return Y, moving_mean, moving_var


# --8<-- [end:batch_norm]


# --8<-- [start:BatchNorm]
class BatchNorm(nn.Module):
    """D2L's ``BatchNorm(num_features, num_dims)`` with the options of ``nn.BatchNorm1d/2d``.

    Args:
        num_features: the number of features (``num_dims=2``) or channels (3 or 4).
        num_dims: 2 for ``(N, C)`` (after ``nn.Linear``), 3 for ``(N, C, L)``, 4 for
            ``(N, C, H, W)`` (after ``nn.Conv2d``).
        eps: added to the variance (default ``1e-5``, as PyTorch).
        momentum: weight of the new value in the running estimates (default 0.1, as
            PyTorch); ``None`` for the cumulative average ``1 / num_batches_tracked``.
        affine: learn ``gamma`` (initialized to 1) and ``beta`` (initialized to 0).
        track_running_stats: keep ``moving_mean``, ``moving_var`` and
            ``num_batches_tracked``; without them batch statistics are used in both modes.

    Example:
        >>> bn = BatchNorm(3, num_dims=4)
        >>> bn
        BatchNorm(3, num_dims=4, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)
        >>> X = torch.randn(8, 3, 5, 5) * 2 + 1
        >>> Y = bn(X)  # training mode: batch statistics
        >>> Y.mean(dim=(0, 2, 3)).abs().max().item() < 1e-6, bn.num_batches_tracked.item()
        (True, 1)
        >>> bn(torch.randn(8, 4, 5, 5))
        Traceback (most recent call last):
        ...
        ValueError: BatchNorm expected 3 features (channels) at dim 1, got X of shape (8, 4, 5, 5)
    """

    def __init__(
        self,
        num_features: int,
        num_dims: int,
        *,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
    ) -> None:
        super().__init__()
        if isinstance(num_features, bool) or not isinstance(num_features, int):
            raise TypeError(f"num_features must be an int, got {type(num_features).__name__}")
        if num_features < 1:
            raise ValueError(f"num_features must be >= 1, got {num_features}")
        if num_dims not in (2, 3, 4):
            raise ValueError(f"num_dims must be 2, 3 or 4, got {num_dims!r}")
        check_positive(eps, "eps")
        self.num_features, self.num_dims, self.eps = num_features, num_dims, float(eps)
        self.momentum = check_momentum(momentum, allow_none=True)
        self.affine, self.track_running_stats = affine, track_running_stats
        if affine:  # learned, updated by the optimizer
            self.gamma = nn.Parameter(torch.ones(num_features))
            self.beta = nn.Parameter(torch.zeros(num_features))
        else:
            self.gamma = self.beta = None
        if track_running_stats:  # buffers: saved in the state_dict, moved by .to(), not learned
            self.register_buffer("moving_mean", torch.zeros(num_features))
            self.register_buffer("moving_var", torch.ones(num_features))
            self.register_buffer("num_batches_tracked", torch.tensor(0, dtype=torch.long))
        else:
            self.moving_mean = self.moving_var = self.num_batches_tracked = None

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        check_tensor(X, "X", floating=True)
        if X.dim() != self.num_dims or X.shape[1] != self.num_features:
            raise ValueError(
                f"BatchNorm expected {self.num_features} features (channels) at dim 1, "
                f"got X of shape {tuple(X.shape)}"
                + ("" if X.dim() == self.num_dims else f" (expected {self.num_dims} dimensions)")
            )
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked += 1
            if self.momentum is None:  # cumulative average: the k-th batch gets weight 1/k
                factor = 1.0 / self.num_batches_tracked.item()
        Y, moving_mean, moving_var = batch_norm(
            X, self.gamma, self.beta, self.moving_mean, self.moving_var,
            self.eps, factor, training=self.training,
        )  # fmt: skip
        if self.training and self.track_running_stats:
            self.moving_mean.copy_(moving_mean)  # in place: the buffers stay the same tensors
            self.moving_var.copy_(moving_var)
        return Y

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, num_dims={self.num_dims}, eps={self.eps}, "
            f"momentum={self.momentum}, affine={self.affine}, "
            f"track_running_stats={self.track_running_stats}"
        )


# --8<-- [end:BatchNorm]


# --8<-- [start:lenet_bn]
def lenet_bn(builtin: bool = False, num_classes: int = 10) -> LeNet:
    """D2L's LeNet with batch normalization, for ``(n, 1, 28, 28)`` images.

    The layers of ``dlnotes.cnn.lenet.lenet("classic")`` (sigmoid, average pooling, the first
    convolution padded by 2) with a BatchNorm between every convolution or hidden linear
    layer and its sigmoid: per channel after a convolution, per feature after a linear layer.

    Args:
        builtin: use ``nn.BatchNorm2d``/``nn.BatchNorm1d`` instead of :class:`BatchNorm`.
        num_classes: outputs of the last layer.

    Example:
        >>> net = lenet_bn()
        >>> net(torch.zeros(2, 1, 28, 28)).shape
        torch.Size([2, 10])
        >>> sum(p.numel() for p in net.parameters())  # LeNet's 61,706 + 2 * (6 + 16 + 120 + 84)
        62158
    """

    def bn(num_features: int, num_dims: int) -> nn.Module:
        if not builtin:
            return BatchNorm(num_features, num_dims)
        return nn.BatchNorm2d(num_features) if num_dims == 4 else nn.BatchNorm1d(num_features)

    net = LeNet(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), bn(6, 4), nn.Sigmoid(),  # (n, 6, 28, 28)
        nn.AvgPool2d(kernel_size=2, stride=2),  # (n, 6, 14, 14)
        nn.Conv2d(6, 16, kernel_size=5), bn(16, 4), nn.Sigmoid(),  # (n, 16, 10, 10)
        nn.AvgPool2d(kernel_size=2, stride=2),  # (n, 16, 5, 5)
        nn.Flatten(),  # (n, 400)
        nn.Linear(16 * 5 * 5, 120), bn(120, 2), nn.Sigmoid(),  # (n, 120)
        nn.Linear(120, 84), bn(84, 2), nn.Sigmoid(),  # (n, 84)
        nn.Linear(84, num_classes),  # (n, num_classes): logits, not normalized
    )  # fmt: skip
    net.input_shape = (1, 28, 28)
    return net


# --8<-- [end:lenet_bn]
