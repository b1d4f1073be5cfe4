"""Max and average pooling from scratch, checked against ``F.max_pool2d``/``F.avg_pool2d``.

* ``pool2d(X, pool_size, mode)``: D2L's version, one 2-D input, stride 1, no padding.
* ``pool2d_nchw(X, kernel_size, stride, padding, mode, ...)``: batches ``(N, C, H, W)``
  (or one ``(C, H, W)`` image), padding, stride, ``count_include_pad`` and ``ceil_mode``,
  with PyTorch's conventions: the stride defaults to the kernel size, max pooling pads
  with ``-inf``, average pooling with zeros, and padding is at most half the kernel.
* ``global_avg_pool2d(X)``: one average per channel, like ``nn.AdaptiveAvgPool2d(1)``.

Each channel is pooled on its own: pooling has no parameters and never mixes channels.
"""

from __future__ import annotations

# --8<-- [start:imports]
import torch

from dlnotes._checks import check_tensor

# --8<-- [end:imports]

__all__ = ["global_avg_pool2d", "pool2d", "pool2d_nchw", "pool_output_size"]


# --8<-- [start:helpers]
MODES = ("max", "avg")


def _check_mode(mode: str) -> None:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")


def _pair(value: int | tuple[int, int], name: str, minimum: int = 1) -> tuple[int, int]:
    """``2 -> (2, 2)``; check that both entries are ints >= ``minimum``."""
    pair = (value, value) if isinstance(value, int) else value
    if (
        not isinstance(pair, (tuple, list))
        or len(pair) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in pair)
    ):
        raise TypeError(f"{name} must be an int or a pair of ints, got {value!r}")
    if min(pair) < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    return pair[0], pair[1]


# --8<-- [end:helpers]


# --8<-- [start:pool2d]
def pool2d(X: torch.Tensor, pool_size: int | tuple[int, int], mode: str = "max") -> torch.Tensor:
    """Max or average pooling of a 2-D ``X`` (h, w), stride 1, no padding (D2L).

    The output has shape ``(h - p_h + 1, w - p_w + 1)``, like ``corr2d``, but each window
    is reduced by ``max`` or ``mean`` instead of a dot product with a kernel.

    Example:
        >>> X = torch.arange(9.0).reshape(3, 3)
        >>> pool2d(X, (2, 2))
        tensor([[4., 5.],
                [7., 8.]])
        >>> pool2d(X, (2, 2), "avg")
        tensor([[2., 3.],
                [5., 6.]])
        >>> pool2d(X, (2, 2), "min")
        Traceback (most recent call last):
        ...
        ValueError: mode must be one of ('max', 'avg'), got 'min'
    """
    check_tensor(X, "X", ndim=2, floating=True)
    _check_mode(mode)
    p_h, p_w = _pair(pool_size, "pool_size")
    if p_h > X.shape[0] or p_w > X.shape[1]:
        raise ValueError(f"pool_size {(p_h, p_w)} is larger than the input {tuple(X.shape)}")
    Y = X.new_zeros((X.shape[0] - p_h + 1, X.shape[1] - p_w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            window = X[i : i + p_h, j : j + p_w]
            Y[i, j] = window.max() if mode == "max" else window.mean()
    return Y


# --8<-- [end:pool2d]


# --8<-- [start:output_size]
def pool_output_size(n: int, k: int, s: int, p: int, ceil_mode: bool = False) -> int:
    """Windows along one axis of length ``n``: ``floor((n + 2p - k) / s) + 1`` (or ceil).

    With ``ceil_mode`` a last, partial window is kept if it starts inside the input or
    the left padding (PyTorch's rule), never one that would lie in the right padding only.

    Example:
        >>> pool_output_size(5, 2, 2, 0), pool_output_size(5, 2, 2, 0, ceil_mode=True)
        (2, 3)
    """
    for value, name, minimum in [(n, "n", 1), (k, "k", 1), (s, "s", 1), (p, "p", 0)]:
        _pair(value, name, minimum)  # an int >= minimum, else TypeError / ValueError
    if ceil_mode:
        out = -(-(n + 2 * p - k) // s) + 1  # ceil division
        if (out - 1) * s >= n + p:  # the last window would start in the right padding
            out -= 1
        return out
    return (n + 2 * p - k) // s + 1


# --8<-- [end:output_size]


# --8<-- [start:pool2d_nchw]
def pool2d_nchw(
    X: torch.Tensor,
    kernel_size: int | tuple[int, int],
    stride: int | tuple[int, int] | None = None,
    padding: int | tuple[int, int] = 0,
    mode: str = "max",
    *,
    count_include_pad: bool = True,
    ceil_mode: bool = False,
) -> torch.Tensor:
    """Pool every channel of ``X`` (N, C, H, W) or (C, H, W); like ``F.max_pool2d``/``avg_pool2d``.

    ``stride`` defaults to ``kernel_size`` (non-overlapping windows). Max pooling pads
    with ``-inf``, so padding never wins a max; average pooling pads with zeros and
    divides by the full window (``count_include_pad=True``) or by the number of real
    input elements in it (``False``). Elements that only ``ceil_mode``'s last window
    reaches, beyond the padding, are never counted.

    Example:
        >>> X = torch.arange(16.0).reshape(1, 1, 4, 4)
        >>> pool2d_nchw(X, 3, padding=1, stride=2)
        tensor([[[[ 5.,  7.],
                  [13., 15.]]]])
        >>> pool2d_nchw(X, 3, padding=2)
        Traceback (most recent call last):
        ...
        ValueError: padding (2, 2) must be at most half of kernel_size (3, 3)
    """
    check_tensor(X, "X", ndim=(3, 4), floating=True)
    _check_mode(mode)
    kh, kw = _pair(kernel_size, "kernel_size")
    sh, sw = _pair(kernel_size if stride is None else stride, "stride")
    ph, pw = _pair(padding, "padding", minimum=0)
    if 2 * ph > kh or 2 * pw > kw:
        raise ValueError(f"padding {(ph, pw)} must be at most half of kernel_size {(kh, kw)}")
    unbatched = X.dim() == 3
    if unbatched:
        X = X.unsqueeze(0)  # (1, C, H, W)
    N, C, H, W = X.shape
    if kh > H + 2 * ph or kw > W + 2 * pw:
        raise ValueError(
            f"kernel_size {(kh, kw)} is larger than the padded input {(H + 2 * ph, W + 2 * pw)} "
            f"(X {tuple(X.shape)}, padding {(ph, pw)})"
        )
    oh = pool_output_size(H, kh, sh, ph, ceil_mode)
    ow = pool_output_size(W, kw, sw, pw, ceil_mode)
    # the padded canvas: padding on all sides, plus what ceil_mode's last window overhangs
    Hp = max(H + 2 * ph, (oh - 1) * sh + kh)
    Wp = max(W + 2 * pw, (ow - 1) * sw + kw)
    fill = float("-inf") if mode == "max" else 0.0
    Xp = X.new_full((N, C, Hp, Wp), fill)
    Xp[:, :, ph : ph + H, pw : pw + W] = X  # autograd routes gradients back through the copy

    def tap(T: torch.Tensor, a: int, b: int) -> torch.Tensor:
        """Element (a, b) of every window: (..., oh, ow), a strided slice of ``T``."""
        return T[..., a : a + (oh - 1) * sh + 1 : sh, b : b + (ow - 1) * sw + 1 : sw]

    offsets = [(a, b) for a in range(kh) for b in range(kw)]
    windows = torch.stack([tap(Xp, a, b) for a, b in offsets], dim=-1)  # (N, C, oh, ow, kh*kw)
    if mode == "max":
        Y = windows.max(dim=-1).values  # the gradient goes to the selected element only
    else:
        # 1 where a canvas element counts towards the divisor, 0 where it does not
        counts = X.new_zeros((Hp, Wp))
        if count_include_pad:
            counts[: H + 2 * ph, : W + 2 * pw] = 1  # input and padding, not the overhang
        else:
            counts[ph : ph + H, pw : pw + W] = 1  # the real input only
        divisor = torch.stack([tap(counts, a, b) for a, b in offsets], dim=-1).sum(-1)  # (oh, ow)
        Y = windows.sum(dim=-1) / divisor
    return Y.squeeze(0) if unbatched else Y


# --8<-- [end:pool2d_nchw]


# --8<-- [start:global_avg_pool2d]
def global_avg_pool2d(X: torch.Tensor) -> torch.Tensor:
    """Average every channel of ``X`` (N, C, H, W) over all positions: ``(N, C, 1, 1)``.

    The same as ``nn.AdaptiveAvgPool2d(1)``, and as average pooling with a window the
    size of the whole input.

    Example:
        >>> global_avg_pool2d(torch.arange(8.0).reshape(1, 2, 2, 2)).flatten()
        tensor([1.5000, 5.5000])
    """
    check_tensor(X, "X", ndim=4, floating=True)
    return X.mean(dim=(2, 3), keepdim=True)


# --8<-- [end:global_avg_pool2d]
