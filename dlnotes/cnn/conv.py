"""Cross-correlation from scratch: D2L's ``corr2d`` and what chapter 5 builds on it.

* ``corr2d(X, K)``: two-dimensional cross-correlation, no padding, stride 1 (what
  deep-learning libraries call a convolution); ``convolve2d`` flips the kernel first and
  is the convolution of mathematics and signal processing.
* ``Conv2D``: D2L's convolutional layer, a learnable kernel and a scalar bias.
* ``corr1d`` and ``corr3d``: the same operation in one and three dimensions.
* ``conv_output_size``, ``corr2d_padded`` and ``same_padding``: padding, stride and
  dilation, with PyTorch's conventions.
* ``conv_to_linear``: a convolution whose kernel covers the whole image, as ``nn.Linear``.

Everything matches ``torch.nn.functional`` (``conv1d``/``conv2d``/``conv3d``) in value and
gradient; the loops are written for reading, not speed.
"""

from __future__ import annotations

# --8<-- [start:imports]
import torch
from torch import nn

from dlnotes._checks import check_tensor

# --8<-- [end:imports]

__all__ = [
    "Conv2D",
    "conv_output_size",
    "conv_to_linear",
    "convolve2d",
    "corr1d",
    "corr2d",
    "corr2d_padded",
    "corr3d",
    "same_padding",
]


# --8<-- [start:checks]
def _check_array(x: object, name: str, layout: str) -> None:
    """``x`` must be a floating-point tensor with one dimension per name in ``layout``."""
    check_tensor(x, name)
    ndim = len([part for part in layout.strip("()").split(",") if part.strip()])
    if x.dim() != ndim:
        dims = "dimension" if ndim == 1 else "dimensions"
        raise ValueError(f"{name} must have {ndim} {dims} {layout}, got shape {tuple(x.shape)}")
    check_tensor(x, name, floating=True)


def _check_int(value: object, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return value


def _pair(value: int | tuple[int, int], name: str, minimum: int) -> tuple[int, int]:
    """``3`` -> ``(3, 3)``; ``(1, 2)`` stays; both entries checked like ``nn.Conv2d``'s."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} must be an int or a pair (height, width), got {value!r}")
        return _check_int(value[0], name, minimum), _check_int(value[1], name, minimum)
    v = _check_int(value, name, minimum)
    return v, v


# --8<-- [end:checks]


# --8<-- [start:corr2d]
def corr2d(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    """Two-dimensional cross-correlation of ``X`` (h, w) with the kernel ``K`` (kh, kw).

    No padding, stride 1: the output has shape ``(h - kh + 1, w - kw + 1)``. This is what
    deep-learning libraries call a convolution (the kernel is not flipped).

    Example:
        >>> X = torch.arange(9.0).reshape(3, 3)
        >>> corr2d(X, torch.tensor([[0.0, 1.0], [2.0, 3.0]]))
        tensor([[19., 25.],
                [37., 43.]])
    """
    _check_array(X, "X", "(h, w)")
    _check_array(K, "K", "(kh, kw)")
    h, w = K.shape
    if h > X.shape[0] or w > X.shape[1]:
        raise ValueError(f"kernel {tuple(K.shape)} is larger than the input {tuple(X.shape)}")
    Y = X.new_zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i : i + h, j : j + w] * K).sum()  # one window times the kernel
    return Y


# --8<-- [end:corr2d]


# --8<-- [start:convolve2d]
def convolve2d(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    """The convolution of mathematics: ``corr2d`` with the kernel flipped in both axes.

    ``Y[i, j] = sum_{a, b} X[i + a, j + b] * K[kh - 1 - a, kw - 1 - b]``; this is
    ``scipy.signal.convolve2d(X, K, mode="valid")``.

    Example:
        >>> X = torch.arange(9.0).reshape(3, 3)
        >>> convolve2d(X, torch.tensor([[0.0, 1.0], [2.0, 3.0]]))
        tensor([[ 5., 11.],
                [23., 29.]])
    """
    _check_array(K, "K", "(kh, kw)")
    return corr2d(X, K.flip(0, 1))  # K[::-1, ::-1]: the last tap meets the first pixel


# --8<-- [end:convolve2d]


# --8<-- [start:Conv2D]
class Conv2D(nn.Module):
    """D2L's two-dimensional convolutional layer: ``corr2d(x, weight) + bias``.

    The kernel starts uniform in [0, 1) as in D2L, the bias at zero.

    Example:
        >>> layer = Conv2D((1, 2))
        >>> [tuple(p.shape) for p in layer.parameters()]
        [(1, 2), (1,)]
        >>> layer(torch.ones(3, 4)).shape
        torch.Size([3, 3])
    """

    def __init__(self, kernel_size: int | tuple[int, int]) -> None:
        super().__init__()
        kh, kw = _pair(kernel_size, "kernel_size", 1)
        self.weight = nn.Parameter(torch.rand(kh, kw))  # (kh, kw)
        self.bias = nn.Parameter(torch.zeros(1))  # one scalar, broadcast over the output

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (h, w) -> (h - kh + 1, w - kw + 1)
        return corr2d(x, self.weight) + self.bias


# --8<-- [end:Conv2D]


# --8<-- [start:corr1d]
def corr1d(x: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
    """One-dimensional cross-correlation of ``x`` (n,) with ``k`` (kn,): shape (n - kn + 1,).

    Example:
        >>> corr1d(torch.tensor([0.0, 1.0, 2.0, 3.0, 4.0]), torch.tensor([1.0, 2.0]))
        tensor([ 2.,  5.,  8., 11.])
    """
    _check_array(x, "x", "(n,)")
    _check_array(k, "k", "(kn,)")
    if len(k) > len(x):
        raise ValueError(f"kernel {tuple(k.shape)} is larger than the input {tuple(x.shape)}")
    y = x.new_zeros(len(x) - len(k) + 1)
    for i in range(len(y)):
        y[i] = (x[i : i + len(k)] * k).sum()
    return y


# --8<-- [end:corr1d]


# --8<-- [start:corr3d]
def corr3d(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    """Three-dimensional cross-correlation of ``X`` (d, h, w) with ``K`` (kd, kh, kw).

    Output slice ``i`` is the sum of ``kd`` two-dimensional cross-correlations: input
    slice ``i + a`` with kernel slice ``a``. Shape ``(d - kd + 1, h - kh + 1, w - kw + 1)``.

    Example:
        >>> corr3d(torch.ones(3, 4, 5), torch.ones(2, 2, 2)).shape  # every output is 8
        torch.Size([2, 3, 4])
    """
    _check_array(X, "X", "(d, h, w)")
    _check_array(K, "K", "(kd, kh, kw)")
    if any(k > n for k, n in zip(K.shape, X.shape, strict=True)):
        raise ValueError(f"kernel {tuple(K.shape)} is larger than the input {tuple(X.shape)}")
    kd = K.shape[0]
    slices = []
    for i in range(X.shape[0] - kd + 1):
        # slice i: sum over the kernel's depth of (input slice i + a) * (kernel slice a)
        slices.append(sum(corr2d(X[i + a], K[a]) for a in range(kd)))
    return torch.stack(slices)  # (d - kd + 1, h - kh + 1, w - kw + 1)


# --8<-- [end:corr3d]


# --8<-- [start:conv_output_size]
def conv_output_size(n: int, k: int, p: int = 0, s: int = 1, d: int = 1) -> int:
    """Output length along one axis: ``floor((n + 2p - d(k - 1) - 1) / s) + 1``.

    ``n`` input size, ``k`` kernel size, ``p`` padding on each side, ``s`` stride,
    ``d`` dilation (PyTorch's ``nn.Conv2d`` formula). With ``d = 1`` this is
    ``floor((n - k + 2p) / s) + 1``.

    Example:
        >>> conv_output_size(8, 3, p=1)  # "same" for an odd kernel
        8
        >>> conv_output_size(8, 3, p=0, s=3)  # (8 - 3) // 3 + 1
        2
    """
    n, k = _check_int(n, "n", 1), _check_int(k, "k", 1)
    p, s, d = _check_int(p, "p", 0), _check_int(s, "s", 1), _check_int(d, "d", 1)
    extent = d * (k - 1) + 1  # input pixels one dilated kernel spans
    if extent > n + 2 * p:
        raise ValueError(
            f"kernel {k} with dilation {d} spans {extent} pixels, "
            f"more than the padded input {n} + 2 * {p} = {n + 2 * p}"
        )
    return (n + 2 * p - extent) // s + 1


# --8<-- [end:conv_output_size]


# --8<-- [start:corr2d_padded]
def corr2d_padded(
    X: torch.Tensor,
    K: torch.Tensor,
    padding: int | tuple[int, int] = 0,
    stride: int | tuple[int, int] = 1,
    dilation: int | tuple[int, int] = 1,
) -> torch.Tensor:
    """``corr2d`` with zero padding, stride and dilation, each an int or (height, width).

    Equals ``F.conv2d(X[None, None], K[None, None], padding=..., stride=...,
    dilation=...)[0, 0]``; each output size is :func:`conv_output_size`.

    Example:
        >>> X = torch.arange(16.0).reshape(4, 4)
        >>> corr2d_padded(X, torch.ones(3, 3), padding=1, stride=2)  # sums of 3x3 windows
        tensor([[10., 24.],
                [51., 90.]])
    """
    _check_array(X, "X", "(h, w)")
    _check_array(K, "K", "(kh, kw)")
    (ph, pw), (sh, sw) = _pair(padding, "padding", 0), _pair(stride, "stride", 1)
    dh, dw = _pair(dilation, "dilation", 1)
    (h, w), (kh, kw) = X.shape, K.shape
    eh, ew = dh * (kh - 1) + 1, dw * (kw - 1) + 1  # extent of the dilated kernel
    if eh > h + 2 * ph or ew > w + 2 * pw:
        raise ValueError(
            f"kernel {(kh, kw)} with dilation {(dh, dw)} spans {(eh, ew)} pixels, more than "
            f"the padded input {(h + 2 * ph, w + 2 * pw)}"
        )
    Xp = X.new_zeros((h + 2 * ph, w + 2 * pw))  # zero padding on all four sides
    Xp[ph : ph + h, pw : pw + w] = X
    out_h, out_w = conv_output_size(h, kh, ph, sh, dh), conv_output_size(w, kw, pw, sw, dw)
    Y = X.new_zeros((out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            # the window starts at (i * sh, j * sw) and reads every d-th pixel: (kh, kw)
            window = Xp[i * sh : i * sh + eh : dh, j * sw : j * sw + ew : dw]
            Y[i, j] = (window * K).sum()
    return Y


# --8<-- [end:corr2d_padded]


# --8<-- [start:same_padding]
def same_padding(k: int, d: int = 1) -> tuple[int, int]:
    """Zeros (before, after) that keep the size at stride 1, as ``padding="same"`` adds.

    A kernel spans ``d(k - 1) + 1`` pixels, so ``d(k - 1)`` zeros are needed in total.
    When that is odd (an even kernel), PyTorch puts the extra zero after (right, bottom).

    Example:
        >>> same_padding(3), same_padding(4), same_padding(3, d=2)
        ((1, 1), (1, 2), (2, 2))
    """
    total = _check_int(d, "d", 1) * (_check_int(k, "k", 1) - 1)
    return total // 2, total - total // 2


# --8<-- [end:same_padding]


# --8<-- [start:conv_to_linear]
def conv_to_linear(conv: nn.Conv2d) -> nn.Linear:
    """The ``nn.Linear`` equal to ``conv`` on images exactly the size of its kernel.

    On a ``(c_in, kh, kw)`` image the kernel fits in one place only, so each output
    channel is one weighted sum of all ``c_in * kh * kw`` pixels: a fully connected
    layer on the flattened image, whose weight is ``conv.weight`` reshaped to
    ``(c_out, c_in * kh * kw)``. The result is a copy (no shared parameters).

    Example:
        >>> conv = nn.Conv2d(2, 3, kernel_size=(4, 5))
        >>> conv_to_linear(conv)
        Linear(in_features=40, out_features=3, bias=True)
    """
    if not isinstance(conv, nn.Conv2d):
        raise TypeError(f"conv must be an nn.Conv2d, got {type(conv).__name__}")
    if conv.groups != 1 or conv.padding != (0, 0) or conv.dilation != (1, 1):
        raise ValueError(
            "conv must have groups=1, padding=0 and dilation=1, got "
            f"groups={conv.groups}, padding={conv.padding}, dilation={conv.dilation}"
        )
    c_out = conv.out_channels
    linear = nn.Linear(
        conv.weight[0].numel(),  # c_in * kh * kw inputs, the flattened image
        c_out,
        bias=conv.bias is not None,
        device=conv.weight.device,
        dtype=conv.weight.dtype,
    )
    with torch.no_grad():
        linear.weight.copy_(conv.weight.reshape(c_out, -1))  # (c_out, c_in, kh, kw) -> rows
        if conv.bias is not None:
            linear.bias.copy_(conv.bias)
    return linear


# --8<-- [end:conv_to_linear]
