"""Special convolutions: grouped, depthwise separable, dilated, transposed, deformable.

Each is an ordinary convolution with one twist, and each twist can be checked against
the plain convolution it generalizes:

* a **grouped** convolution is ``groups`` independent convolutions on slices of the
  channels, concatenated (:func:`grouped_conv2d`);
* a **depthwise separable** convolution is a depthwise (``groups = c_in``) convolution
  followed by a 1x1 one (:class:`DepthwiseSeparableConv2d`), far cheaper by
  :func:`conv_cost`;
* a **dilated** convolution is a convolution whose kernel has zeros inserted between its
  taps (:func:`dilate_kernel`), which widens the :func:`receptive_field`;
* a **transposed** convolution scatters each input element times the kernel into the
  output (:func:`trans_conv`), i.e. multiplies by the transpose of the convolution's
  matrix (:func:`conv_matrix`);
* a **deformable** convolution reads its taps at learned fractional offsets, by bilinear
  interpolation (:func:`deform_conv2d`); with zero offsets it is the plain convolution.
"""

from __future__ import annotations

# --8<-- [start:imports]
from collections.abc import Sequence

import torch
from torch import nn
from torch.nn import functional as F

from dlnotes._checks import check_tensor

# --8<-- [end:imports]

__all__ = [
    "DepthwiseSeparableConv2d",
    "conv_cost",
    "conv_matrix",
    "deform_conv2d",
    "dilate_kernel",
    "grouped_conv2d",
    "receptive_field",
    "trans_conv",
    "trans_conv_output_size",
]


# --8<-- [start:helpers]
def _check_int(value: object, name: str, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return value


# --8<-- [end:helpers]


# --8<-- [start:conv_cost]
def conv_cost(
    c_in: int, c_out: int, k: int, h_out: int, w_out: int, groups: int = 1, *, bias: bool = True
) -> tuple[int, int]:
    """Parameters and multiply-adds of a ``k x k`` convolution with ``groups`` groups.

    Each of the ``c_out`` filters sees ``c_in / groups`` input channels, so it has
    ``(c_in / groups) * k * k`` weights (plus one bias), and it does that many
    multiply-adds at each of the ``h_out * w_out`` output positions. The bias additions
    are not counted (nor are they by ``torch.utils.flop_counter``, which reports
    FLOPs = 2 x multiply-adds).

    Returns:
        ``(params, macs)``.

    Example:
        >>> conv_cost(64, 128, 3, 56, 56)  # a standard 3x3 convolution
        (73856, 231211008)
        >>> conv_cost(64, 64, 3, 56, 56, groups=64)  # depthwise: one filter per channel
        (640, 1806336)
    """
    for value, name in [(c_in, "c_in"), (c_out, "c_out"), (k, "k"), (groups, "groups")]:
        _check_int(value, name, minimum=1)
    _check_int(h_out, "h_out", minimum=1)
    _check_int(w_out, "w_out", minimum=1)
    if c_in % groups or c_out % groups:
        raise ValueError(f"c_in={c_in} and c_out={c_out} must be divisible by groups={groups}")
    per_output = (c_in // groups) * k * k  # weights of one filter = its MACs per position
    params = c_out * per_output + (c_out if bias else 0)
    macs = c_out * h_out * w_out * per_output
    return params, macs


# --8<-- [end:conv_cost]


# --8<-- [start:grouped_conv2d]
def grouped_conv2d(
    X: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None = None,
    groups: int = 1,
    stride: int = 1,
    padding: int = 0,
) -> torch.Tensor:
    """A grouped convolution as ``groups`` separate convolutions, concatenated.

    ``X`` is ``(n, c_in, h, w)`` and ``weight`` is ``(c_out, c_in / groups, k, k)``, the
    layout of ``nn.Conv2d(c_in, c_out, k, groups=groups).weight``. Group ``i`` convolves
    input channels ``[i * c_in/g, (i+1) * c_in/g)`` with filters
    ``[i * c_out/g, (i+1) * c_out/g)``; no filter sees the other groups' channels.

    Example:
        >>> X, W = torch.randn(2, 6, 5, 5), torch.randn(4, 3, 3, 3)
        >>> torch.allclose(grouped_conv2d(X, W, groups=2), F.conv2d(X, W, groups=2), atol=1e-5)
        True
    """
    check_tensor(X, "X", ndim=4, floating=True)
    check_tensor(weight, "weight", ndim=4, floating=True)
    _check_int(groups, "groups", minimum=1)
    c_in, c_out = X.shape[1], weight.shape[0]
    if c_in % groups or c_out % groups:
        raise ValueError(f"channels ({c_in} in, {c_out} out) must be divisible by groups={groups}")
    if weight.shape[1] * groups != c_in:
        raise ValueError(
            f"weight must have c_in / groups = {c_in // groups} input channels, "
            f"got shape {tuple(weight.shape)}"
        )
    X_parts = X.chunk(groups, dim=1)  # g tensors (n, c_in/g, h, w)
    W_parts = weight.chunk(groups, dim=0)  # g tensors (c_out/g, c_in/g, k, k)
    b_parts = bias.chunk(groups) if bias is not None else [None] * groups
    Y_parts = [
        F.conv2d(x, w, b, stride=stride, padding=padding)
        for x, w, b in zip(X_parts, W_parts, b_parts, strict=True)
    ]
    return torch.cat(Y_parts, dim=1)  # (n, c_out, h_out, w_out)


# --8<-- [end:grouped_conv2d]


# --8<-- [start:DepthwiseSeparableConv2d]
class DepthwiseSeparableConv2d(nn.Module):
    """A depthwise ``k x k`` convolution (one filter per channel), then a 1x1 convolution.

    The depthwise part filters space, channel by channel (``groups = c_in``); the
    pointwise part mixes channels, position by position. Together they replace a
    standard ``k x k`` convolution at a fraction of its cost.

    Example:
        >>> layer = DepthwiseSeparableConv2d(32, 64, 3, padding=1)
        >>> layer(torch.zeros(1, 32, 14, 14)).shape
        torch.Size([1, 64, 14, 14])
        >>> sum(p.numel() for p in layer.parameters())  # vs 18,496 for nn.Conv2d(32, 64, 3)
        2432
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int,
        stride: int = 1,
        padding: int = 0,
        bias: bool = True,
    ) -> None:
        super().__init__()
        self.depthwise = nn.Conv2d(
            in_channels, in_channels, kernel_size, stride, padding, groups=in_channels, bias=bias
        )
        self.pointwise = nn.Conv2d(in_channels, out_channels, 1, bias=bias)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return self.pointwise(self.depthwise(X))  # (n, c_in, h', w') -> (n, c_out, h', w')


# --8<-- [end:DepthwiseSeparableConv2d]


# --8<-- [start:dilate_kernel]
def dilate_kernel(K: torch.Tensor, dilation: int) -> torch.Tensor:
    """Insert ``dilation - 1`` zeros between the taps of ``K`` along its last two axes.

    A ``k x k`` kernel becomes ``(d(k-1) + 1) x (d(k-1) + 1)``; convolving with it is a
    convolution with ``dilation=d``.

    Example:
        >>> dilate_kernel(torch.tensor([[1.0, 2.0], [3.0, 4.0]]), 2)
        tensor([[1., 0., 2.],
                [0., 0., 0.],
                [3., 0., 4.]])
    """
    check_tensor(K, "K", floating=True)
    if K.dim() < 2:
        raise ValueError(f"K must have at least 2 dimensions, got shape {tuple(K.shape)}")
    _check_int(dilation, "dilation", minimum=1)
    kh, kw = K.shape[-2:]
    out = K.new_zeros((*K.shape[:-2], dilation * (kh - 1) + 1, dilation * (kw - 1) + 1))
    out[..., ::dilation, ::dilation] = K  # the taps, every d-th row and column
    return out


# --8<-- [end:dilate_kernel]


# --8<-- [start:receptive_field]
def receptive_field(layers: Sequence[tuple[int, int, int]]) -> int:
    """Receptive field (in input pixels, per axis) of stacked ``(kernel, stride, dilation)``.

    Each layer adds ``(k - 1) * d`` of its own input steps; one step of a layer's input is
    ``jump`` input pixels, the product of the strides below it.

    Example:
        >>> receptive_field([(3, 1, 1)] * 3)  # three 3x3 convolutions
        7
        >>> receptive_field([(3, 1, 1), (3, 1, 2), (3, 1, 4)])  # dilations 1, 2, 4
        15
    """
    r, jump = 1, 1
    for i, layer in enumerate(layers):
        if len(layer) != 3:
            raise ValueError(f"layers[{i}] must be (kernel, stride, dilation), got {layer!r}")
        k, s, d = (_check_int(v, f"layers[{i}]", minimum=1) for v in layer)
        r += (k - 1) * d * jump
        jump *= s
    return r


# --8<-- [end:receptive_field]


# --8<-- [start:trans_conv]
def trans_conv(
    X: torch.Tensor, K: torch.Tensor, stride: int = 1, padding: int = 0, output_padding: int = 0
) -> torch.Tensor:
    """Two-dimensional transposed convolution of ``X`` (h, w) with ``K`` (kh, kw).

    D2L's ``trans_conv`` with stride and padding: every input element ``X[i, j]``
    scatters ``X[i, j] * K`` into the output at ``(i * stride, j * stride)``, overlapping
    contributions add up. ``padding`` then *removes* that many rows and columns on each
    side, and ``output_padding`` keeps extra ones at the bottom and right, the
    conventions of ``F.conv_transpose2d``.

    Example:
        >>> X = torch.tensor([[0.0, 1.0], [2.0, 3.0]])
        >>> trans_conv(X, X)
        tensor([[ 0.,  0.,  1.],
                [ 0.,  4.,  6.],
                [ 4., 12.,  9.]])
    """
    check_tensor(X, "X", ndim=2, floating=True)
    check_tensor(K, "K", ndim=2, floating=True)
    s = _check_int(stride, "stride", minimum=1)
    p = _check_int(padding, "padding", minimum=0)
    op = _check_int(output_padding, "output_padding", minimum=0)
    if op >= s:
        raise ValueError(f"output_padding must be smaller than stride, got {op} and {s}")
    (n_h, n_w), (k_h, k_w) = X.shape, K.shape
    out_h = trans_conv_output_size(n_h, k_h, s, p, op)
    out_w = trans_conv_output_size(n_w, k_w, s, p, op)
    # the full output before cropping the padding: (n-1)s + k, plus output_padding
    Y = X.new_zeros(((n_h - 1) * s + k_h + op, (n_w - 1) * s + k_w + op))
    for i in range(n_h):
        for j in range(n_w):
            Y[i * s : i * s + k_h, j * s : j * s + k_w] += X[i, j] * K
    return Y[p : p + out_h, p : p + out_w]


def trans_conv_output_size(
    n: int, k: int, stride: int = 1, padding: int = 0, output_padding: int = 0, dilation: int = 1
) -> int:
    """Output size ``(n - 1) s - 2p + d (k - 1) + output_padding + 1`` of a transposed conv.

    With ``dilation = 1`` this is ``(n - 1) s - 2p + k + output_padding``, the inverse of
    the convolution's ``floor((n + 2p - k) / s) + 1``.

    Example:
        >>> trans_conv_output_size(4, 4, stride=2, padding=1)  # the usual 2x upsampling
        8
    """
    for value, name in [(n, "n"), (k, "k"), (stride, "stride"), (dilation, "dilation")]:
        _check_int(value, name, minimum=1)
    _check_int(padding, "padding", minimum=0)
    _check_int(output_padding, "output_padding", minimum=0)
    size = (n - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1
    if size < 1:
        raise ValueError(f"padding={padding} is too large: the output would have size {size}")
    return size


# --8<-- [end:trans_conv]


# --8<-- [start:conv_matrix]
def conv_matrix(
    K: torch.Tensor, input_shape: tuple[int, int], stride: int = 1, padding: int = 0
) -> torch.Tensor:
    """The matrix ``W`` with ``W @ X.flatten() == corr2d(X, K).flatten()``.

    Row ``i * w_out + j`` holds the kernel's taps at the columns of the input pixels
    that output ``(i, j)`` reads; taps that fall on the zero padding are dropped. D2L's
    ``kernel2matrix`` is the case of a 2x2 kernel on a 3x3 input.

    Example:
        >>> W = conv_matrix(torch.tensor([[1.0, 2.0], [3.0, 4.0]]), (3, 3))
        >>> W
        tensor([[1., 2., 0., 3., 4., 0., 0., 0., 0.],
                [0., 1., 2., 0., 3., 4., 0., 0., 0.],
                [0., 0., 0., 1., 2., 0., 3., 4., 0.],
                [0., 0., 0., 0., 1., 2., 0., 3., 4.]])
    """
    check_tensor(K, "K", ndim=2, floating=True)
    if len(input_shape) != 2:
        raise ValueError(f"input_shape must be (h, w), got {input_shape!r}")
    h, w = (_check_int(v, "input_shape", minimum=1) for v in input_shape)
    s = _check_int(stride, "stride", minimum=1)
    p = _check_int(padding, "padding", minimum=0)
    k_h, k_w = K.shape
    out_h, out_w = (h + 2 * p - k_h) // s + 1, (w + 2 * p - k_w) // s + 1
    if out_h < 1 or out_w < 1:
        raise ValueError(f"kernel {tuple(K.shape)} is larger than the padded input")
    W = K.new_zeros((out_h * out_w, h * w))
    for i in range(out_h):
        for j in range(out_w):
            for a in range(k_h):
                for b in range(k_w):
                    r, c = i * s + a - p, j * s + b - p  # the input pixel under tap (a, b)
                    if 0 <= r < h and 0 <= c < w:
                        W[i * out_w + j, r * w + c] = K[a, b]
    return W


# --8<-- [end:conv_matrix]


# --8<-- [start:deform_conv2d]
def _bilinear(X: torch.Tensor, y: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Sample ``X`` (n, c, h, w) at fractional rows ``y`` and columns ``x`` (n, ...).

    Each sample mixes the four neighbouring pixels with weights ``(1 - |dy|)(1 - |dx|)``;
    neighbours outside the image count as zero.
    """
    n, c, h, w = X.shape
    flat = X.reshape(n, c, h * w)
    y0, x0 = y.floor(), x.floor()
    out = 0
    for yc in (y0, y0 + 1):
        for xc in (x0, x0 + 1):
            weight = (1 - (y - yc).abs()) * (1 - (x - xc).abs())  # bilinear weight
            inside = (yc >= 0) & (yc < h) & (xc >= 0) & (xc < w)
            index = (yc.clamp(0, h - 1) * w + xc.clamp(0, w - 1)).long().reshape(n, 1, -1)
            values = flat.gather(2, index.expand(n, c, -1)).reshape(n, c, *y.shape[1:])
            out = out + values * (weight * inside).unsqueeze(1)
    return out  # (n, c, ...)


def deform_conv2d(
    X: torch.Tensor,
    offset: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None = None,
    stride: int = 1,
    padding: int = 0,
    dilation: int = 1,
    mask: torch.Tensor | None = None,
) -> torch.Tensor:
    """Deformable convolution (v1; v2 with ``mask``), with ``torchvision.ops`` conventions.

    Tap ``(a, b)`` of the kernel at output ``(i, j)`` reads the input at row
    ``i * stride - padding + a * dilation + offset_y`` and column
    ``j * stride - padding + b * dilation + offset_x``, by bilinear interpolation.
    ``offset`` is ``(n, 2 * kh * kw, h_out, w_out)``, holding ``(offset_y, offset_x)``
    for tap ``a * kw + b`` at channels ``2(a * kw + b)`` and ``2(a * kw + b) + 1``;
    ``mask`` (v2) is ``(n, kh * kw, h_out, w_out)`` and scales each tap's sample. One
    group, one offset group.

    Example:
        >>> X, W = torch.randn(1, 3, 6, 6), torch.randn(4, 3, 3, 3)
        >>> zero = torch.zeros(1, 2 * 3 * 3, 4, 4)  # no offsets: a plain convolution
        >>> torch.allclose(deform_conv2d(X, zero, W), F.conv2d(X, W), atol=1e-5)
        True
    """
    check_tensor(X, "X", ndim=4, floating=True)
    check_tensor(offset, "offset", ndim=4, floating=True)
    check_tensor(weight, "weight", ndim=4, floating=True)
    s = _check_int(stride, "stride", minimum=1)
    p = _check_int(padding, "padding", minimum=0)
    d = _check_int(dilation, "dilation", minimum=1)
    n, c_in, h, w = X.shape
    c_out, _, k_h, k_w = weight.shape
    if weight.shape[1] != c_in:
        raise ValueError(f"weight must have {c_in} input channels, got shape {tuple(weight.shape)}")
    out_h = (h + 2 * p - d * (k_h - 1) - 1) // s + 1
    out_w = (w + 2 * p - d * (k_w - 1) - 1) // s + 1
    taps = k_h * k_w
    if offset.shape != (n, 2 * taps, out_h, out_w):
        raise ValueError(
            f"offset must have shape {(n, 2 * taps, out_h, out_w)}, got {tuple(offset.shape)}"
        )
    if mask is not None and mask.shape != (n, taps, out_h, out_w):
        raise ValueError(f"mask must have shape {(n, taps, out_h, out_w)}, got {tuple(mask.shape)}")
    # where tap (a, b) of output (i, j) reads without offsets: (taps, out_h, out_w)
    like = {"dtype": X.dtype, "device": X.device}
    rows = torch.arange(out_h, **like) * s - p
    cols = torch.arange(out_w, **like) * s - p
    tap_r = torch.arange(k_h, **like).repeat_interleave(k_w) * d  # (taps,)
    tap_c = torch.arange(k_w, **like).repeat(k_h) * d
    base_y = tap_r[:, None, None] + rows[None, :, None]  # (taps, out_h, 1)
    base_x = tap_c[:, None, None] + cols[None, None, :]  # (taps, 1, out_w)
    offset = offset.reshape(n, taps, 2, out_h, out_w)
    y = base_y + offset[:, :, 0]  # (n, taps, out_h, out_w)
    x = base_x + offset[:, :, 1]
    samples = _bilinear(X, y, x)  # (n, c_in, taps, out_h, out_w)
    if mask is not None:
        samples = samples * mask.unsqueeze(1)
    Y = torch.einsum("nckhw,ock->nohw", samples, weight.reshape(c_out, c_in, taps))
    if bias is not None:
        Y = Y + bias.reshape(1, c_out, 1, 1)
    return Y  # (n, c_out, out_h, out_w)


# --8<-- [end:deform_conv2d]
