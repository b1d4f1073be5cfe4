"""Convolutions with several input and output channels, from scratch (D2L's names).

* ``corr2d_multi_in(X, K)``: ``X`` is ``(c_i, h, w)``, ``K`` is ``(c_i, kh, kw)``; one
  two-dimensional cross-correlation per input channel, summed into a single output map.
* ``corr2d_multi_in_out(X, K)``: ``K`` is ``(c_o, c_i, kh, kw)``; one multi-input
  cross-correlation per output channel, stacked into ``(c_o, oh, ow)``.
* ``corr2d_multi_in_out_1x1(X, K)``: the 1x1 case as a single matrix multiply, which is
  a fully connected layer applied to every pixel.

All three match ``F.conv2d(X[None], K)[0]`` (no padding, stride 1, no bias) in value and
gradient. ``conv2d_params`` and ``conv2d_macs`` count what a ``nn.Conv2d`` layer stores
and computes.
"""

from __future__ import annotations

# --8<-- [start:imports]
import torch

from dlnotes._checks import check_tensor
from dlnotes.cnn.conv import corr2d

# --8<-- [end:imports]

__all__ = [
    "conv2d_macs",
    "conv2d_params",
    "corr2d_multi_in",
    "corr2d_multi_in_out",
    "corr2d_multi_in_out_1x1",
]


# --8<-- [start:checks]
def _check_channels(X: torch.Tensor, K: torch.Tensor, k_layout: str) -> None:
    """``X`` is ``(c_i, h, w)``; ``K`` has the layout ``k_layout``, with ``c_i`` third from last."""
    check_tensor(X, "X")
    check_tensor(K, "K")
    k_ndim = len(k_layout.split(","))
    if X.dim() != 3 or K.dim() != k_ndim:
        raise ValueError(
            f"X must be (c_i, h, w) and K {k_layout}, got X {tuple(X.shape)} and K {tuple(K.shape)}"
        )
    if X.shape[0] != K.shape[-3]:
        raise ValueError(
            f"X has {X.shape[0]} input channels but K expects {K.shape[-3]}: "
            f"X {tuple(X.shape)}, K {tuple(K.shape)}"
        )
    check_tensor(X, "X", floating=True)
    check_tensor(K, "K", floating=True)


# --8<-- [end:checks]


# --8<-- [start:corr2d_multi_in]
def corr2d_multi_in(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    """Cross-correlate ``X`` (c_i, h, w) with ``K`` (c_i, kh, kw) and sum over channels.

    Each input channel has its own kernel; the ``c_i`` results are added, so the output
    is one map of shape ``(h - kh + 1, w - kw + 1)``.

    Example:
        >>> X = torch.stack([torch.arange(9.0).reshape(3, 3), torch.arange(1.0, 10).reshape(3, 3)])
        >>> K = torch.tensor([[[0.0, 1.0], [2.0, 3.0]], [[1.0, 2.0], [3.0, 4.0]]])
        >>> corr2d_multi_in(X, K)  # D2L's example
        tensor([[ 56.,  72.],
                [104., 120.]])
        >>> corr2d_multi_in(X, K[:1])
        Traceback (most recent call last):
        ...
        ValueError: X has 2 input channels but K expects 1: X (2, 3, 3), K (1, 2, 2)
    """
    _check_channels(X, K, "(c_i, kh, kw)")
    # iterate over the channel dimension of X and K together: c_i maps of (oh, ow), summed
    return sum(corr2d(x, k) for x, k in zip(X, K, strict=True))


# --8<-- [end:corr2d_multi_in]


# --8<-- [start:corr2d_multi_in_out]
def corr2d_multi_in_out(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    """Cross-correlate ``X`` (c_i, h, w) with ``K`` (c_o, c_i, kh, kw): ``(c_o, oh, ow)``.

    Output channel ``o`` is ``corr2d_multi_in(X, K[o])``: every output channel has its own
    set of ``c_i`` kernels.

    Example:
        >>> X = torch.stack([torch.arange(9.0).reshape(3, 3), torch.arange(1.0, 10).reshape(3, 3)])
        >>> K = torch.tensor([[[0.0, 1.0], [2.0, 3.0]], [[1.0, 2.0], [3.0, 4.0]]])
        >>> K = torch.stack((K, K + 1, K + 2), 0)  # (3, 2, 2, 2): three output channels
        >>> corr2d_multi_in_out(X, K)
        tensor([[[ 56.,  72.],
                 [104., 120.]],
        <BLANKLINE>
                [[ 76., 100.],
                 [148., 172.]],
        <BLANKLINE>
                [[ 96., 128.],
                 [192., 224.]]])
    """
    _check_channels(X, K, "(c_o, c_i, kh, kw)")
    # one (oh, ow) map per output channel, stacked along a new dimension 0
    return torch.stack([corr2d_multi_in(X, k) for k in K], dim=0)


# --8<-- [end:corr2d_multi_in_out]


# --8<-- [start:corr2d_multi_in_out_1x1]
def corr2d_multi_in_out_1x1(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    """A 1x1 convolution as one matrix multiply: ``X`` (c_i, h, w), ``K`` (c_o, c_i, 1, 1).

    Every pixel's ``c_i`` channel values form a vector; the output pixel is ``W`` times
    that vector, with the same ``W`` (c_o, c_i) everywhere: a fully connected layer
    applied pixel by pixel.

    Example:
        >>> X, K = torch.normal(0, 1, (3, 3, 3)), torch.normal(0, 1, (2, 3, 1, 1))
        >>> torch.allclose(corr2d_multi_in_out_1x1(X, K), corr2d_multi_in_out(X, K), atol=1e-6)
        True
        >>> corr2d_multi_in_out_1x1(X, torch.ones(2, 3, 2, 2))
        Traceback (most recent call last):
        ...
        ValueError: K must be (c_o, c_i, 1, 1) for a 1x1 convolution, got (2, 3, 2, 2)
    """
    _check_channels(X, K, "(c_o, c_i, kh, kw)")
    if K.shape[2:] != (1, 1):
        raise ValueError(f"K must be (c_o, c_i, 1, 1) for a 1x1 convolution, got {tuple(K.shape)}")
    c_i, h, w = X.shape
    c_o = K.shape[0]
    X = X.reshape(c_i, h * w)  # one column per pixel
    W = K.reshape(c_o, c_i)  # the weight matrix of the per-pixel fully connected layer
    Y = W @ X  # (c_o, h * w)
    return Y.reshape(c_o, h, w)


# --8<-- [end:corr2d_multi_in_out_1x1]


# --8<-- [start:costs]
def _positive_int(value: int, name: str) -> int:
    """``value`` if it is an int >= 1, else ``TypeError``/``ValueError``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be positive, got {value}")
    return value


def _pair(value: int | tuple[int, int], name: str) -> tuple[int, int]:
    """``3 -> (3, 3)``; a pair of positive ints stays as it is."""
    if isinstance(value, int):
        value = (value, value)
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError(f"{name} must be an int or a pair of ints, got {value!r}")
    return _positive_int(value[0], name), _positive_int(value[1], name)


def conv2d_params(c_i: int, c_o: int, kernel_size: int | tuple[int, int], bias: bool = True) -> int:
    """Number of parameters of ``nn.Conv2d(c_i, c_o, kernel_size, bias=bias)``.

    ``c_o * c_i * kh * kw`` weights, plus ``c_o`` biases. The input's height and width
    do not appear: the same kernels slide over every position.

    Example:
        >>> conv2d_params(3, 64, 3)
        1792
        >>> conv2d_params(256, 64, 1, bias=False)  # a 1x1 "bottleneck" convolution
        16384
    """
    c_i, c_o = _positive_int(c_i, "c_i"), _positive_int(c_o, "c_o")
    kh, kw = _pair(kernel_size, "kernel_size")
    return c_o * c_i * kh * kw + (c_o if bias else 0)


def conv2d_macs(
    c_i: int, c_o: int, kernel_size: int | tuple[int, int], out_size: int | tuple[int, int]
) -> int:
    """Multiply-adds of one ``nn.Conv2d`` forward pass on one example (bias ignored).

    Each of the ``c_o * oh * ow`` outputs is a dot product of length ``c_i * kh * kw``.
    One multiply-add is two floating-point operations (``FlopCounterMode`` counts 2).

    Example:
        >>> conv2d_macs(3, 64, 3, out_size=32)
        1769472
    """
    c_i, c_o = _positive_int(c_i, "c_i"), _positive_int(c_o, "c_o")
    kh, kw = _pair(kernel_size, "kernel_size")
    oh, ow = _pair(out_size, "out_size")
    return (c_o * oh * ow) * (c_i * kh * kw)


# --8<-- [end:costs]
