"""LayerNorm, InstanceNorm, GroupNorm and RMSNorm from scratch, and weight normalization.

All of them standardize activations with a mean and a *biased* variance; they differ only in
the set of values that share one mean and one variance. For ``X`` of shape ``(N, C, H, W)``:

* LayerNorm (Ba, Kiros and Hinton, 2016): the last dimensions ``normalized_shape``, e.g.
  ``(C, H, W)``: one statistic per example;
* InstanceNorm (Ulyanov, Vedaldi and Lempitsky, 2016): ``(H, W)``: one per example and
  channel;
* GroupNorm (Wu and He, 2018): ``(C / G, H, W)``: one per example and group of channels;
  ``G = 1`` is LayerNorm over ``(C, H, W)``, ``G = C`` is InstanceNorm;
* RMSNorm (Zhang and Sennrich, 2019): like LayerNorm but divides by the root mean square
  and subtracts no mean.

None of them mixes examples, so they behave the same in training and evaluation mode (except
InstanceNorm with ``track_running_stats=True``) and work with a batch of one. Weight
normalization (Salimans and Kingma, 2016) is different in kind: it reparametrizes a layer's
*weights* as ``w = g * v / ||v||`` and does not look at the activations at all.
"""

from __future__ import annotations

# --8<-- [start:imports]
from collections.abc import Sequence

import torch
from torch import nn

from dlnotes._checks import check_positive, check_tensor
from dlnotes.modern_cnn.batchnorm import batch_norm, check_momentum

# --8<-- [end:imports]

__all__ = [
    "GroupNorm",
    "InstanceNorm2d",
    "LayerNorm",
    "RMSNorm",
    "group_norm",
    "instance_norm",
    "layer_norm",
    "normalize",
    "rms_norm",
    "weight_norm_weight",
]


# --8<-- [start:normalize]
def normalize(X: torch.Tensor, dims: Sequence[int], eps: float = 1e-5) -> torch.Tensor:
    """``(X - mean) / sqrt(var + eps)`` with the mean and biased variance over ``dims``.

    The common core of every layer on this page: only ``dims`` differs between them.

    Example:
        >>> X = torch.tensor([[1.0, 2.0, 3.0], [10.0, 20.0, 30.0]])
        >>> normalize(X, dims=(1,)).round(decimals=3)  # each row: mean 0, variance 1
        tensor([[-1.2250,  0.0000,  1.2250],
                [-1.2250,  0.0000,  1.2250]])
    """
    check_tensor(X, "X", floating=True)
    check_positive(eps, "eps")
    dims = tuple(dims)
    mean = X.mean(dim=dims, keepdim=True)
    var = ((X - mean) ** 2).mean(dim=dims, keepdim=True)  # biased: divide by the count
    return (X - mean) / torch.sqrt(var + eps)


def _as_shape(normalized_shape: int | Sequence[int]) -> tuple[int, ...]:
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if not shape or not all(
        isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in shape
    ):
        raise ValueError(f"normalized_shape must be positive ints, got {normalized_shape!r}")
    return shape


def _check_trailing(X: torch.Tensor, shape: tuple[int, ...], layer: str) -> None:
    """The last ``len(shape)`` dimensions of ``X`` must be ``shape``."""
    check_tensor(X, "X", floating=True)
    if X.dim() < len(shape) or tuple(X.shape[X.dim() - len(shape) :]) != shape:
        want = ", ".join(str(s) for s in shape)
        raise ValueError(f"{layer} expected X of shape (..., {want}), got {tuple(X.shape)}")


def _check_channels(X: torch.Tensor, num_channels: int, layer: str, ndim: int | None) -> None:
    """``X`` is ``(N, C, ...)`` with ``C == num_channels`` (and ``ndim`` dimensions if given)."""
    check_tensor(X, "X", ndim=ndim, floating=True)
    if X.dim() < 2 or X.shape[1] != num_channels:
        raise ValueError(
            f"{layer} expected {num_channels} channels at dim 1, got X of shape {tuple(X.shape)}"
        )


# --8<-- [end:normalize]


# --8<-- [start:layer_norm]
def layer_norm(
    X: torch.Tensor,
    normalized_shape: int | Sequence[int],
    weight: torch.Tensor | None = None,
    bias: torch.Tensor | None = None,
    eps: float = 1e-5,
) -> torch.Tensor:
    """Layer normalization over the last dimensions of ``X``, given by ``normalized_shape``.

    ``weight`` and ``bias`` (optional) have shape ``normalized_shape``: one scale and shift
    per *element* of the normalized block, not per channel as in BatchNorm.

    Example:
        >>> X = torch.randn(2, 3, 4, 4)  # (N, C, H, W)
        >>> Y = layer_norm(X, (3, 4, 4))  # one mean and variance per example
        >>> Y.mean(dim=(1, 2, 3)).abs().max().item() < 1e-6
        True
        >>> layer_norm(X, 3)
        Traceback (most recent call last):
        ...
        ValueError: LayerNorm expected X of shape (..., 3), got (2, 3, 4, 4)
    """
    shape = _as_shape(normalized_shape)
    _check_trailing(X, shape, "LayerNorm")
    dims = tuple(range(X.dim() - len(shape), X.dim()))  # the last len(shape) axes
    Y = normalize(X, dims, eps)
    if weight is not None:
        Y = Y * weight  # (*normalized_shape) broadcasts over the leading axes
    if bias is not None:
        Y = Y + bias
    return Y


class LayerNorm(nn.Module):
    """``nn.LayerNorm`` from scratch: same arguments, same parameter names.

    Example:
        >>> ln = LayerNorm((4, 5))
        >>> ln.weight.shape, ln(torch.randn(2, 3, 4, 5)).shape
        (torch.Size([4, 5]), torch.Size([2, 3, 4, 5]))
    """

    def __init__(
        self,
        normalized_shape: int | Sequence[int],
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
    ) -> None:
        super().__init__()
        self.normalized_shape = _as_shape(normalized_shape)
        check_positive(eps, "eps")
        self.eps, self.elementwise_affine = float(eps), elementwise_affine
        self.weight = (
            nn.Parameter(torch.ones(self.normalized_shape)) if elementwise_affine else None
        )
        use_bias = elementwise_affine and bias
        self.bias = nn.Parameter(torch.zeros(self.normalized_shape)) if use_bias else None

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return layer_norm(X, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        affine = self.elementwise_affine
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={affine}"


# --8<-- [end:layer_norm]


# --8<-- [start:instance_norm]
def instance_norm(
    X: torch.Tensor,
    weight: torch.Tensor | None = None,
    bias: torch.Tensor | None = None,
    eps: float = 1e-5,
) -> torch.Tensor:
    """Instance normalization: each channel of each example over its spatial axes.

    Args:
        X: ``(N, C, L)``, ``(N, C, H, W)`` or ``(N, C, D, H, W)``.
        weight, bias: per-channel scale and shift, shape ``(C,)``, or ``None``.
        eps: added to the variance.

    Example:
        >>> X = torch.randn(2, 3, 4, 4)
        >>> Y = instance_norm(X)
        >>> Y.mean(dim=(2, 3)).abs().max().item() < 1e-6  # every (example, channel) map
        True
    """
    check_tensor(X, "X", ndim=(3, 4, 5), floating=True)
    spatial = tuple(range(2, X.dim()))  # (2,), (2, 3) or (2, 3, 4)
    if X[0, 0].numel() < 2:
        raise ValueError(
            f"instance normalization needs more than 1 spatial element, got X of shape "
            f"{tuple(X.shape)}"
        )
    Y = normalize(X, spatial, eps)
    shape = (1, X.shape[1]) + (1,) * len(spatial)  # (1, C, 1, ...): per channel
    if weight is not None:
        Y = Y * weight.reshape(shape)
    if bias is not None:
        Y = Y + bias.reshape(shape)
    return Y


class InstanceNorm2d(nn.Module):
    """``nn.InstanceNorm2d`` from scratch (same defaults: ``affine=False``, no running stats).

    With ``track_running_stats=True`` training mode still normalizes every instance with its
    own statistics, but also keeps running averages of them (the mean over the batch of the
    per-instance means and *unbiased* variances, with ``momentum`` the weight of the new
    value); evaluation mode then normalizes with those, like BatchNorm in evaluation mode.

    Example:
        >>> inorm = InstanceNorm2d(3, affine=True)
        >>> inorm(torch.randn(2, 3, 4, 4)).shape
        torch.Size([2, 3, 4, 4])
        >>> inorm(torch.randn(2, 4, 4, 4))
        Traceback (most recent call last):
        ...
        ValueError: InstanceNorm2d expected 3 channels at dim 1, got X of shape (2, 4, 4, 4)
    """

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float = 0.1,
        affine: bool = False,
        track_running_stats: bool = False,
    ) -> None:
        super().__init__()
        if isinstance(num_features, bool) or not isinstance(num_features, int) or num_features < 1:
            raise ValueError(f"num_features must be an int >= 1, got {num_features!r}")
        check_positive(eps, "eps")
        self.num_features, self.eps = num_features, float(eps)
        self.momentum = check_momentum(momentum)
        self.affine, self.track_running_stats = affine, track_running_stats
        self.weight = nn.Parameter(torch.ones(num_features)) if affine else None
        self.bias = nn.Parameter(torch.zeros(num_features)) if affine else None
        if track_running_stats:
            self.register_buffer("running_mean", torch.zeros(num_features))
            self.register_buffer("running_var", torch.ones(num_features))
        else:
            self.running_mean = self.running_var = None

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        _check_channels(X, self.num_features, "InstanceNorm2d", ndim=4)
        if not self.training and self.track_running_stats:
            # evaluation with running statistics: exactly BatchNorm in evaluation mode
            Y, _, _ = batch_norm(
                X, self.weight, self.bias, self.running_mean, self.running_var,
                self.eps, self.momentum, training=False,
            )  # fmt: skip
            return Y
        Y = instance_norm(X, self.weight, self.bias, self.eps)  # each instance's statistics
        if self.training and self.track_running_stats:
            with torch.no_grad():
                mean = X.mean(dim=(2, 3))  # (N, C): one mean per instance
                var = X.var(dim=(2, 3), unbiased=True)  # (N, C): unbiased, as BatchNorm's
                m = self.momentum
                self.running_mean.mul_(1 - m).add_(m * mean.mean(dim=0))  # average over N
                self.running_var.mul_(1 - m).add_(m * var.mean(dim=0))
        return Y

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
            f"affine={self.affine}, track_running_stats={self.track_running_stats}"
        )


# --8<-- [end:instance_norm]


# --8<-- [start:group_norm]
def group_norm(
    X: torch.Tensor,
    num_groups: int,
    weight: torch.Tensor | None = None,
    bias: torch.Tensor | None = None,
    eps: float = 1e-5,
) -> torch.Tensor:
    """Group normalization: the channels of each example in ``num_groups`` groups.

    Args:
        X: ``(N, C, *)`` with ``C`` divisible by ``num_groups``.
        num_groups: ``G``; 1 gives LayerNorm over ``(C, *)``, ``C`` gives InstanceNorm.
        weight, bias: per-channel scale and shift, shape ``(C,)``, or ``None``.
        eps: added to the variance.

    Example:
        >>> X = torch.randn(2, 6, 4, 4)
        >>> group_norm(X, 3).shape
        torch.Size([2, 6, 4, 4])
        >>> group_norm(X, 4)
        Traceback (most recent call last):
        ...
        ValueError: num_groups must divide the number of channels: 6 channels, 4 groups
    """
    check_tensor(X, "X", floating=True)
    if X.dim() < 2:
        raise ValueError(f"X must have shape (N, C, *), got {tuple(X.shape)}")
    N, C = X.shape[:2]
    if isinstance(num_groups, bool) or not isinstance(num_groups, int) or num_groups < 1:
        raise ValueError(f"num_groups must be an int >= 1, got {num_groups!r}")
    if C % num_groups != 0:
        raise ValueError(
            f"num_groups must divide the number of channels: {C} channels, {num_groups} groups"
        )
    Xg = X.reshape(N, num_groups, -1)  # (N, G, C/G * H * W): one row per example and group
    Y = normalize(Xg, dims=(2,), eps=eps).reshape(X.shape)  # back to (N, C, *)
    shape = (1, C) + (1,) * (X.dim() - 2)  # per channel, not per group
    if weight is not None:
        Y = Y * weight.reshape(shape)
    if bias is not None:
        Y = Y + bias.reshape(shape)
    return Y


class GroupNorm(nn.Module):
    """``nn.GroupNorm`` from scratch: same arguments, same parameter names.

    Example:
        >>> GroupNorm(2, 6)(torch.randn(1, 6, 3, 3)).shape  # a batch of one is fine
        torch.Size([1, 6, 3, 3])
        >>> GroupNorm(4, 6)
        Traceback (most recent call last):
        ...
        ValueError: num_groups must divide the number of channels: 6 channels, 4 groups
    """

    def __init__(
        self, num_groups: int, num_channels: int, eps: float = 1e-5, affine: bool = True
    ) -> None:
        super().__init__()
        if isinstance(num_groups, bool) or not isinstance(num_groups, int) or num_groups < 1:
            raise ValueError(f"num_groups must be an int >= 1, got {num_groups!r}")
        if num_channels % num_groups != 0:
            raise ValueError(
                "num_groups must divide the number of channels: "
                f"{num_channels} channels, {num_groups} groups"
            )
        check_positive(eps, "eps")
        self.num_groups, self.num_channels, self.eps = num_groups, num_channels, float(eps)
        self.affine = affine
        self.weight = nn.Parameter(torch.ones(num_channels)) if affine else None
        self.bias = nn.Parameter(torch.zeros(num_channels)) if affine else None

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        _check_channels(X, self.num_channels, "GroupNorm", ndim=None)
        return group_norm(X, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}"


# --8<-- [end:group_norm]


# --8<-- [start:rms_norm]
def rms_norm(
    X: torch.Tensor,
    normalized_shape: int | Sequence[int],
    weight: torch.Tensor | None = None,
    eps: float | None = None,
) -> torch.Tensor:
    """RMSNorm: ``X / sqrt(mean(X**2) + eps) * weight`` over the last dimensions.

    No mean is subtracted and there is no bias. ``eps=None`` uses the machine epsilon of
    ``X``'s dtype, as ``nn.RMSNorm`` does.

    Example:
        >>> X = torch.tensor([[3.0, 4.0]])  # root mean square: sqrt((9 + 16) / 2)
        >>> rms_norm(X, 2)
        tensor([[0.8485, 1.1314]])
    """
    shape = _as_shape(normalized_shape)
    _check_trailing(X, shape, "RMSNorm")
    eps = torch.finfo(X.dtype).eps if eps is None else eps
    check_positive(eps, "eps")
    dims = tuple(range(X.dim() - len(shape), X.dim()))
    Y = X * torch.rsqrt((X**2).mean(dim=dims, keepdim=True) + eps)
    return Y if weight is None else Y * weight


class RMSNorm(nn.Module):
    """``nn.RMSNorm`` from scratch: same arguments, same parameter name.

    Example:
        >>> RMSNorm(4)(torch.randn(2, 4)).shape
        torch.Size([2, 4])
    """

    def __init__(
        self,
        normalized_shape: int | Sequence[int],
        eps: float | None = None,
        elementwise_affine: bool = True,
    ) -> None:
        super().__init__()
        self.normalized_shape, self.eps = _as_shape(normalized_shape), eps
        self.elementwise_affine = elementwise_affine
        self.weight = (
            nn.Parameter(torch.ones(self.normalized_shape)) if elementwise_affine else None
        )

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return rms_norm(X, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self) -> str:
        affine = self.elementwise_affine
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={affine}"


# --8<-- [end:rms_norm]


# --8<-- [start:weight_norm]
def weight_norm_weight(g: torch.Tensor, v: torch.Tensor, dim: int = 0) -> torch.Tensor:
    """Weight normalization: ``w = g * v / ||v||``, the norm over every axis but ``dim``.

    For a linear or convolutional layer with ``dim=0`` every output unit gets its own
    direction ``v_o / ||v_o||`` and its own length ``g_o``.

    Args:
        g: the lengths, ``v``'s shape with every axis but ``dim`` of size 1 (as the
            ``original0`` of ``torch.nn.utils.parametrizations.weight_norm``).
        v: the directions (``original1``), any shape.
        dim: the axis that keeps one norm per index.

    Example:
        >>> v = torch.tensor([[3.0, 4.0], [1.0, 0.0]])  # two output units
        >>> g = torch.tensor([[10.0], [2.0]])
        >>> weight_norm_weight(g, v)  # each row: length g, direction v / ||v||
        tensor([[6., 8.],
                [2., 0.]])
    """
    check_tensor(g, "g", floating=True)
    check_tensor(v, "v", floating=True)
    dim = dim % v.dim()
    others = tuple(d for d in range(v.dim()) if d != dim)
    want = tuple(1 if d != dim else v.shape[d] for d in range(v.dim()))
    if tuple(g.shape) != want:
        raise ValueError(
            f"g must have shape {want} for v of shape {tuple(v.shape)}, got {tuple(g.shape)}"
        )
    norm = v.pow(2).sum(dim=others, keepdim=True).sqrt()  # same shape as g
    return g * v / norm


# --8<-- [end:weight_norm]
