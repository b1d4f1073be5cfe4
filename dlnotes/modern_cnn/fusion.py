"""Horizontal fusion: merge parallel convolutions that read the same input into one.

Folding a BatchNorm into the convolution before it (``dlnotes.tricks.fold_bn``) fuses
layers *vertically*, one after the other. Parallel branches can be fused *horizontally*:

* branches whose outputs are **concatenated** (the 1x1 convolutions at the start of an
  Inception block) become one convolution whose filters are all the branches' filters
  stacked, :func:`merge_concat_convs`;
* branches whose outputs are **added** (RepVGG's 3x3 + 1x1 + identity) become one 3x3
  convolution whose kernel is the sum of the three kernels, the 1x1 kernel and the
  identity written as 3x3 kernels with a single non-zero centre, :func:`merge_sum_branches`.

Both rest on convolution being linear in its weights: stacking or adding kernels stacks or
adds outputs. One large convolution keeps the hardware busier than several small ones and
reads the input once.
"""

from __future__ import annotations

# --8<-- [start:imports]
from collections.abc import Sequence

import torch
from torch import nn
from torch.nn import functional as F

# --8<-- [end:imports]

__all__ = ["merge_concat_convs", "merge_sum_branches"]

# --8<-- [start:helpers]
_GEOMETRY = ("in_channels", "kernel_size", "stride", "padding", "dilation", "groups")


def _check_conv(conv: object, name: str) -> nn.Conv2d:
    if not isinstance(conv, nn.Conv2d):
        raise TypeError(f"{name} must be an nn.Conv2d, got {type(conv).__name__}")
    if conv.groups != 1 or conv.padding_mode != "zeros":
        raise ValueError(f"{name} must have groups=1 and padding_mode='zeros', got {conv}")
    return conv


def _bias(conv: nn.Conv2d) -> torch.Tensor:
    return conv.bias if conv.bias is not None else conv.weight.new_zeros(conv.out_channels)


# --8<-- [end:helpers]


# --8<-- [start:merge_concat_convs]
@torch.no_grad()
def merge_concat_convs(convs: Sequence[nn.Conv2d]) -> nn.Conv2d:
    """One ``Conv2d`` equal to ``torch.cat([c(x) for c in convs], dim=1)``.

    The convolutions must read the same input the same way (in_channels, kernel size,
    stride, padding, dilation); their output channels may differ.

    Example:
        >>> a, b = nn.Conv2d(8, 4, 1), nn.Conv2d(8, 6, 1, bias=False)
        >>> merged = merge_concat_convs([a, b])
        >>> merged
        Conv2d(8, 10, kernel_size=(1, 1), stride=(1, 1))
        >>> x = torch.randn(2, 8, 5, 5)
        >>> torch.allclose(merged(x), torch.cat([a(x), b(x)], dim=1), atol=1e-6)
        True
    """
    if isinstance(convs, nn.Module) or len(convs) == 0:
        raise ValueError("convs must be a non-empty sequence of nn.Conv2d")
    first = _check_conv(convs[0], "convs[0]")
    for i, conv in enumerate(convs):
        _check_conv(conv, f"convs[{i}]")
        for attr in _GEOMETRY:
            if getattr(conv, attr) != getattr(first, attr):
                raise ValueError(
                    f"convs[{i}].{attr} is {getattr(conv, attr)} but convs[0].{attr} is "
                    f"{getattr(first, attr)}: only convolutions that read the input the same "
                    "way can be merged"
                )
    merged = nn.Conv2d(
        first.in_channels,
        sum(c.out_channels for c in convs),
        first.kernel_size,
        stride=first.stride,
        padding=first.padding,
        dilation=first.dilation,
        device=first.weight.device,
        dtype=first.weight.dtype,
    )
    merged.weight.copy_(
        torch.cat([c.weight for c in convs])
    )  # filters stacked: (sum c_o, c_i, kh, kw)
    merged.bias.copy_(torch.cat([_bias(c) for c in convs]))
    return merged


# --8<-- [end:merge_concat_convs]


# --8<-- [start:merge_sum_branches]
@torch.no_grad()
def merge_sum_branches(
    conv3x3: nn.Conv2d, conv1x1: nn.Conv2d | None = None, identity: bool = False
) -> nn.Conv2d:
    """One 3x3 ``Conv2d`` equal to ``conv3x3(x) + conv1x1(x) + (x if identity else 0)``.

    This is RepVGG's re-parameterization (Ding et al., 2021) without the BatchNorms (fold
    each branch's BatchNorm into its convolution first). ``conv3x3`` must have
    ``padding=1``; ``conv1x1`` ``padding=0`` and the same stride; the identity needs
    ``in_channels == out_channels`` and stride 1.

    Example:
        >>> c3, c1 = nn.Conv2d(4, 4, 3, padding=1), nn.Conv2d(4, 4, 1)
        >>> merged = merge_sum_branches(c3, c1, identity=True)
        >>> x = torch.randn(2, 4, 6, 6)
        >>> torch.allclose(merged(x), c3(x) + c1(x) + x, atol=1e-5)
        True
    """
    _check_conv(conv3x3, "conv3x3")
    if conv3x3.kernel_size != (3, 3) or conv3x3.padding != (1, 1) or conv3x3.dilation != (1, 1):
        raise ValueError(
            "conv3x3 must have kernel_size 3, padding 1 and dilation 1, got "
            f"kernel_size={conv3x3.kernel_size}, padding={conv3x3.padding}, "
            f"dilation={conv3x3.dilation}"
        )
    c_out, c_in = conv3x3.out_channels, conv3x3.in_channels
    weight, bias = conv3x3.weight.clone(), _bias(conv3x3).clone()
    if conv1x1 is not None:
        _check_conv(conv1x1, "conv1x1")
        shape = (conv1x1.out_channels, conv1x1.in_channels, *conv1x1.kernel_size)
        if shape != (c_out, c_in, 1, 1) or conv1x1.padding != (0, 0):
            raise ValueError(
                f"conv1x1 must map {c_in} to {c_out} channels with a 1x1 kernel and padding 0, "
                f"got weight shape {shape} and padding {conv1x1.padding}"
            )
        if conv1x1.stride != conv3x3.stride:
            raise ValueError(f"strides differ: {conv3x3.stride} and {conv1x1.stride}")
        weight += F.pad(conv1x1.weight, [1, 1, 1, 1])  # the 1x1 kernel as the centre of a 3x3
        bias += _bias(conv1x1)
    if identity:
        if c_in != c_out or conv3x3.stride != (1, 1):
            raise ValueError(
                "identity needs in_channels == out_channels and stride 1, got "
                f"{c_in} -> {c_out} channels and stride {conv3x3.stride}"
            )
        eye = torch.zeros_like(weight)
        eye[torch.arange(c_out), torch.arange(c_in), 1, 1] = 1.0  # channel i -> i, centre tap
        weight += eye
    merged = nn.Conv2d(
        c_in,
        c_out,
        3,
        stride=conv3x3.stride,
        padding=1,
        device=weight.device,
        dtype=weight.dtype,
    )
    merged.weight.copy_(weight)
    merged.bias.copy_(bias)
    return merged


# --8<-- [end:merge_sum_branches]
