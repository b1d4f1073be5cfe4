"""Network in Network (Lin, Chen and Yan, 2013): NiN blocks and global average pooling.

A NiN block is a convolution followed by two 1x1 convolutions, each with a ReLU: the 1x1
convolutions are a two-layer MLP applied to the channel vector of every pixel, with the
same weights at every pixel. The network ends without any fully connected layer: its last
block has one output channel per class, and a global average pooling turns each channel
into one score. The layout is D2L's, which reuses AlexNet's kernel sizes and widths.
"""

from __future__ import annotations

# --8<-- [start:imports]
from collections import OrderedDict

import torch
from torch import nn

# --8<-- [end:imports]

__all__ = ["ImageClassifier", "check_images", "nin", "nin_block"]


# --8<-- [start:check_images]
def _check_channels(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be >= 1, got {value}")
    return value


def check_images(X: object, in_channels: int, name: str = "X") -> torch.Tensor:
    """Return ``X`` if it is a floating-point batch of shape (n, in_channels, h, w), else raise.

    Example:
        >>> check_images(torch.zeros(2, 3, 8, 8), in_channels=1)
        Traceback (most recent call last):
        ...
        ValueError: X must have 1 channel(s) (shape (n, 1, h, w)), got shape (2, 3, 8, 8)
    """
    if not isinstance(X, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(X).__name__}")
    if X.dim() != 4:
        raise ValueError(
            f"{name} must be a batch of images of shape (n, {in_channels}, h, w), "
            f"got shape {tuple(X.shape)}"
        )
    if X.shape[1] != in_channels:
        raise ValueError(
            f"{name} must have {in_channels} channel(s) (shape (n, {in_channels}, h, w)), "
            f"got shape {tuple(X.shape)}"
        )
    if not X.is_floating_point():
        raise TypeError(f"{name} must have a floating-point dtype, got {X.dtype}")
    return X


class ImageClassifier(nn.Sequential):
    """An ``nn.Sequential`` that checks its input is an image batch with ``in_channels``.

    Without the check, a wrong channel count surfaces as a RuntimeError about weight
    shapes from deep inside the first convolution.
    """

    def __init__(self, *layers: nn.Module, in_channels: int) -> None:
        super().__init__(*layers)
        self.in_channels = _check_channels(in_channels, "in_channels")

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return super().forward(check_images(X, self.in_channels))

    def __getitem__(self, idx: int | slice) -> nn.Module:
        if isinstance(idx, slice):  # a slice is a plain Sequential: its input may differ
            return nn.Sequential(OrderedDict(list(self._modules.items())[idx]))
        return super().__getitem__(idx)


# --8<-- [end:check_images]


# --8<-- [start:nin_block]
def nin_block(
    in_channels: int, out_channels: int, kernel_size: int, strides: int, padding: int
) -> nn.Sequential:
    """One NiN block: a ``kernel_size`` convolution, then two 1x1 convolutions, each + ReLU.

    The two 1x1 convolutions act as an MLP with one hidden layer (``out_channels`` units)
    on every pixel's channel vector; all pixels share its weights.

    Example:
        >>> blk = nin_block(3, 8, kernel_size=3, strides=1, padding=1)
        >>> blk(torch.zeros(2, 3, 5, 5)).shape
        torch.Size([2, 8, 5, 5])
        >>> sum(p.numel() for p in blk.parameters())  # 3*8*3*3 + 8 + 2 * (8*8 + 8)
        368
    """
    _check_channels(in_channels, "in_channels")
    _check_channels(out_channels, "out_channels")
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, strides, padding),
        nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1),  # per-pixel layer 1
        nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1),  # per-pixel layer 2
        nn.ReLU(),
    )


# --8<-- [end:nin_block]


# --8<-- [start:nin]
def nin(num_classes: int = 10, in_channels: int = 1) -> ImageClassifier:
    """D2L's NiN: AlexNet's kernels and widths, no fully connected layer at the end.

    The last NiN block has ``num_classes`` channels; global average pooling turns each
    channel map into one score. The input must be at least 67x67 pixels (the smallest
    size for which the third max pooling still sees a 3x3 window).

    Example:
        >>> net = nin(num_classes=10, in_channels=1)
        >>> net(torch.zeros(2, 1, 224, 224)).shape
        torch.Size([2, 10])
    """
    _check_channels(num_classes, "num_classes")
    return ImageClassifier(
        nin_block(in_channels, 96, kernel_size=11, strides=4, padding=0),  # (n, 96, 54, 54)
        nn.MaxPool2d(3, stride=2),  # (n, 96, 26, 26)
        nin_block(96, 256, kernel_size=5, strides=1, padding=2),  # (n, 256, 26, 26)
        nn.MaxPool2d(3, stride=2),  # (n, 256, 12, 12)
        nin_block(256, 384, kernel_size=3, strides=1, padding=1),  # (n, 384, 12, 12)
        nn.MaxPool2d(3, stride=2),  # (n, 384, 5, 5)
        nn.Dropout(0.5),
        nin_block(384, num_classes, kernel_size=3, strides=1, padding=1),  # (n, classes, 5, 5)
        nn.AdaptiveAvgPool2d((1, 1)),  # global average pooling: (n, classes, 1, 1)
        nn.Flatten(),  # (n, classes): the scores, no fully connected layer
        in_channels=in_channels,
    )


# --8<-- [end:nin]
