"""VGG (Simonyan and Zisserman, 2014): a network made of repeated blocks of 3x3 convolutions.

* ``vgg_block(num_convs, in_channels, out_channels)`` is D2L's block: ``num_convs``
  3x3 convolutions with padding 1, each followed by ReLU (and BatchNorm before the ReLU
  with ``batch_norm=True``), then a 2x2 max pooling that halves height and width.
* ``vgg(conv_arch)`` stacks one block per ``(num_convs, out_channels)`` pair and adds
  torchvision's classifier: ``AdaptiveAvgPool2d((7, 7))`` and three fully connected
  layers. ``VGG_ARCHS`` holds the architectures of VGG-11, -13, -16 and -19, whose
  parameter counts equal those of ``torchvision.models.vgg11`` ... ``vgg19`` (and the
  ``_bn`` versions with ``batch_norm=True``).
* ``compose_convs`` merges two stacked convolutions without a nonlinearity between them
  into one convolution with a larger kernel: two 3x3 convolutions see a 5x5 window.
"""

from __future__ import annotations

# --8<-- [start:imports]
from collections.abc import Sequence

import torch
from torch import nn
from torch.nn import functional as F

from dlnotes.modern_cnn.alexnet import ImageNetClassifier, _check_dropout, _check_int

# --8<-- [end:imports]

__all__ = ["VGG_ARCHS", "check_conv_arch", "compose_convs", "vgg", "vgg_block"]


# --8<-- [start:vgg_block]
def vgg_block(
    num_convs: int, in_channels: int, out_channels: int, *, batch_norm: bool = False
) -> nn.Sequential:
    """``num_convs`` 3x3 convolutions (padding 1) with ReLU, then 2x2 max pooling, stride 2.

    The convolutions keep height and width; the pooling halves them:
    ``(n, in_channels, h, w) -> (n, out_channels, h // 2, w // 2)``. With ``batch_norm``,
    each convolution is followed by ``nn.BatchNorm2d`` before its ReLU (torchvision's
    ``vgg*_bn``; the convolutions keep their bias, as there).

    Example:
        >>> blk = vgg_block(2, 3, 8)
        >>> blk(torch.zeros(1, 3, 16, 16)).shape
        torch.Size([1, 8, 8, 8])
        >>> sum(p.numel() for p in blk.parameters())  # (3*9 + 1)*8 + (8*9 + 1)*8
        808
    """
    _check_int(num_convs, "num_convs")
    _check_int(in_channels, "in_channels")
    _check_int(out_channels, "out_channels")
    if not isinstance(batch_norm, bool):
        raise TypeError(f"batch_norm must be a bool, got {type(batch_norm).__name__}")
    layers: list[nn.Module] = []
    for _ in range(num_convs):
        layers.append(nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1))
        if batch_norm:
            layers.append(nn.BatchNorm2d(out_channels))
        layers.append(nn.ReLU())
        in_channels = out_channels  # the next convolution reads this one's output
    layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
    return nn.Sequential(*layers)


# --8<-- [end:vgg_block]


# --8<-- [start:vgg]
VGG_ARCHS = {  # (num_convs, out_channels) per block; the paper's configurations A, B, D, E
    "vgg11": ((1, 64), (1, 128), (2, 256), (2, 512), (2, 512)),
    "vgg13": ((2, 64), (2, 128), (2, 256), (2, 512), (2, 512)),
    "vgg16": ((2, 64), (2, 128), (3, 256), (3, 512), (3, 512)),
    "vgg19": ((2, 64), (2, 128), (4, 256), (4, 512), (4, 512)),
}


def check_conv_arch(conv_arch: object) -> tuple[tuple[int, int], ...]:
    """Return ``conv_arch`` as a tuple of ``(num_convs, out_channels)`` pairs, or raise.

    Example:
        >>> check_conv_arch([(1, 64), (2, 128)])
        ((1, 64), (2, 128))
        >>> check_conv_arch([(1, 64), (2,)])
        Traceback (most recent call last):
        ...
        ValueError: conv_arch[1] must be a (num_convs, out_channels) pair, got (2,)
    """
    if isinstance(conv_arch, (str, bytes)) or not isinstance(conv_arch, Sequence):
        raise TypeError(
            f"conv_arch must be a sequence of (num_convs, out_channels) pairs, "
            f"got {type(conv_arch).__name__}"
        )
    if len(conv_arch) == 0:
        raise ValueError("conv_arch must have at least one block, got an empty sequence")
    pairs = []
    for i, pair in enumerate(conv_arch):
        if not isinstance(pair, Sequence) or isinstance(pair, str) or len(pair) != 2:
            raise ValueError(
                f"conv_arch[{i}] must be a (num_convs, out_channels) pair, got {pair!r}"
            )
        pairs.append(
            (
                _check_int(pair[0], f"conv_arch[{i}] num_convs"),
                _check_int(pair[1], f"conv_arch[{i}] out_channels"),
            )
        )
    return tuple(pairs)


def vgg(
    conv_arch: Sequence[tuple[int, int]],
    num_classes: int = 1000,
    in_channels: int = 3,
    batch_norm: bool = False,
    *,
    dropout: float = 0.5,
) -> ImageNetClassifier:
    """VGG: one ``vgg_block`` per ``(num_convs, out_channels)`` pair, then torchvision's head.

    The head is ``AdaptiveAvgPool2d((7, 7))``, which does nothing for 224x224 inputs
    (five halvings give 7x7), then ``Linear(c * 7 * 7, 4096)``, ``Linear(4096, 4096)`` and
    ``Linear(4096, num_classes)`` with ReLU and dropout between them, where ``c`` is the
    last block's ``out_channels``. With ``k`` blocks the input must be at least
    ``2**k`` pixels per side.

    Example:
        >>> net = vgg(VGG_ARCHS["vgg11"], num_classes=10)
        >>> net(torch.zeros(1, 3, 64, 64)).shape, net.sizes
        (torch.Size([1, 10]), (32, None))
    """
    arch = check_conv_arch(conv_arch)
    _check_int(num_classes, "num_classes", minimum=2)
    _check_int(in_channels, "in_channels")
    dropout = _check_dropout(dropout)
    blocks = []
    c_in = in_channels
    for num_convs, c_out in arch:  # each block halves height and width
        blocks.append(vgg_block(num_convs, c_in, c_out, batch_norm=batch_norm))
        c_in = c_out
    classifier = nn.Sequential(  # on the (n, c * 7 * 7) flattened maps
        nn.Linear(c_in * 7 * 7, 4096), nn.ReLU(), nn.Dropout(dropout),
        nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(dropout),
        nn.Linear(4096, num_classes),
    )  # fmt: skip
    depth = sum(n for n, _ in arch) + 3  # weight layers: convolutions + fully connected
    return ImageNetClassifier(
        nn.Sequential(*blocks),  # (n, c_in, h, w) -> (n, c, h / 2^k, w / 2^k)
        nn.AdaptiveAvgPool2d((7, 7)),
        classifier,
        in_channels=in_channels,
        label=f"VGG-{depth}",
    )


# --8<-- [end:vgg]


# --8<-- [start:compose_convs]
def compose_convs(first: nn.Conv2d, second: nn.Conv2d) -> nn.Conv2d:
    """One convolution computing ``second(first(X))``: kernel sizes add up, minus one.

    Both must have stride 1, no padding, no dilation and no groups. Writing
    ``K1 (m, c, k1, k1)`` and ``K2 (o, m, k2, k2)``, the merged kernel is
    ``K[o, c, a, b] = sum over m, i + p = a, j + q = b of K2[o, m, p, q] K1[m, c, i, j]``,
    a full convolution of the two kernels, and the merged bias is
    ``b2 + (sum of K2 over its window) @ b1``.

    Example:
        >>> first, second = nn.Conv2d(2, 4, 3), nn.Conv2d(4, 5, 3)
        >>> merged = compose_convs(first, second)
        >>> merged.weight.shape
        torch.Size([5, 2, 5, 5])
        >>> X = torch.randn(1, 2, 9, 9)
        >>> torch.allclose(merged(X), second(first(X)), atol=1e-5)
        True
    """
    for conv, name in [(first, "first"), (second, "second")]:
        if not isinstance(conv, nn.Conv2d):
            raise TypeError(f"{name} must be an nn.Conv2d, got {type(conv).__name__}")
        if conv.stride != (1, 1) or conv.padding not in ((0, 0), "valid"):
            raise ValueError(f"{name} must have stride 1 and no padding, got {conv}")
        if conv.dilation != (1, 1) or conv.groups != 1:
            raise ValueError(f"{name} must have dilation 1 and groups 1, got {conv}")
    if second.in_channels != first.out_channels:
        raise ValueError(
            f"second must read first's {first.out_channels} channels, "
            f"got in_channels={second.in_channels}"
        )
    K1, K2 = first.weight.detach(), second.weight.detach()  # (m, c, k1, k1), (o, m, k2, k2)
    # conv_transpose2d(K1 as c images of m channels, K2 as an (m -> o) kernel): full convolution
    K = F.conv_transpose2d(K1.transpose(0, 1), K2.transpose(0, 1)).transpose(0, 1)
    kh, kw = K.shape[-2:]  # (k1 + k2 - 1, k1 + k2 - 1)
    bias = second.bias is not None or first.bias is not None
    merged = nn.Conv2d(first.in_channels, second.out_channels, (kh, kw), bias=bias)
    merged = merged.to(device=K.device, dtype=K.dtype)
    with torch.no_grad():
        merged.weight.copy_(K)  # (o, c, k1 + k2 - 1, k1 + k2 - 1)
        if bias:
            b = torch.zeros(second.out_channels, dtype=K.dtype, device=K.device)
            if first.bias is not None:  # b1 passes through K2: every tap sees the same b1
                b += K2.sum(dim=(2, 3)) @ first.bias.detach()
            if second.bias is not None:
                b += second.bias.detach()
            merged.bias.copy_(b)
    return merged


# --8<-- [end:compose_convs]
