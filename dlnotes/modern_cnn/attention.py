"""Attention modules for convolutional networks: Squeeze-and-Excitation and CBAM.

Both re-weight a feature map by numbers computed from the feature map itself:

* :class:`SqueezeExcitation` (Hu et al., 2018) learns one weight in ``(0, 1)`` per
  channel from the channel means. Its attribute names are torchvision's
  (``torchvision.ops.SqueezeExcitation``), so the two load each other's weights;
  :func:`add_squeeze_excitation` turns a ResNet into an SE-ResNet.
* :class:`CBAM` (Woo et al., 2018) follows a channel attention (means *and* maxima) by a
  spatial attention: one weight per pixel from a 7x7 convolution over the channel mean and
  maximum.
"""

from __future__ import annotations

# --8<-- [start:imports]
import torch
from torch import nn

from dlnotes._checks import check_tensor
from dlnotes.modern_cnn.nin import _check_channels, check_images

# --8<-- [end:imports]

__all__ = [
    "CBAM",
    "ChannelAttention",
    "SpatialAttention",
    "SqueezeExcitation",
    "add_squeeze_excitation",
    "se_extra_parameters",
]


# --8<-- [start:SqueezeExcitation]
class SqueezeExcitation(nn.Module):
    """Squeeze-and-Excitation: scale each channel by a gate computed from all channel means.

    Squeeze: the mean of each channel over height and width, ``z`` of shape ``(n, c)``.
    Excitation: ``s = sigmoid(W2 relu(W1 z + b1) + b2)``, a bottleneck MLP with
    ``squeeze_channels`` hidden units. Output: ``X * s``, channel by channel.

    The two linear layers are 1x1 convolutions on a 1x1 map, named ``fc1`` and ``fc2`` as
    in torchvision, so ``torchvision.ops.SqueezeExcitation`` weights load unchanged.

    Args:
        channels: channels ``c`` of the input (and the output).
        squeeze_channels: hidden units of the MLP; default ``max(1, c // reduction)``.
        reduction: the ratio ``r`` of the paper (16), used when ``squeeze_channels`` is
            not given.
        activation: the hidden nonlinearity (``nn.ReLU``).
        scale_activation: the gate (``nn.Sigmoid``; MobileNet v3 uses ``nn.Hardsigmoid``).

    Example:
        >>> se = SqueezeExcitation(64, reduction=16)
        >>> se(torch.ones(2, 64, 5, 5)).shape, se.fc1.out_channels
        (torch.Size([2, 64, 5, 5]), 4)
    """

    def __init__(
        self,
        channels: int,
        squeeze_channels: int | None = None,
        *,
        reduction: int = 16,
        activation: type[nn.Module] = nn.ReLU,
        scale_activation: type[nn.Module] = nn.Sigmoid,
    ) -> None:
        super().__init__()
        self.channels = _check_channels(channels, "channels")
        _check_channels(reduction, "reduction")
        if squeeze_channels is None:
            squeeze_channels = max(1, channels // reduction)
        _check_channels(squeeze_channels, "squeeze_channels")
        self.fc1 = nn.Conv2d(channels, squeeze_channels, 1)  # W1: c -> c / r
        self.activation = activation()
        self.fc2 = nn.Conv2d(squeeze_channels, channels, 1)  # W2: c / r -> c
        self.scale_activation = scale_activation()

    def gate(self, X: torch.Tensor) -> torch.Tensor:
        """The per-channel weights ``s`` in ``(0, 1)``, shape ``(n, c, 1, 1)``."""
        z = X.mean(dim=(2, 3), keepdim=True)  # squeeze: (n, c, 1, 1)
        return self.scale_activation(self.fc2(self.activation(self.fc1(z))))  # (n, c, 1, 1)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        check_images(X, self.channels)  # (n, c, h, w)
        return X * self.gate(X)  # excite: broadcast over h and w


# --8<-- [end:SqueezeExcitation]


# --8<-- [start:add_squeeze_excitation]
def _last_bn_name(block: nn.Module) -> str | None:
    """Name of the BatchNorm that ends the residual branch of a ResNet block, if any."""
    from torchvision.models import resnet as tv

    from dlnotes.modern_cnn.resnet import Bottleneck, Residual

    if isinstance(block, (Residual, tv.BasicBlock)):
        return "bn2"
    if isinstance(block, (Bottleneck, tv.Bottleneck)):
        return "bn3"
    return None


def add_squeeze_excitation(net: nn.Module, reduction: int = 16) -> int:
    """Turn a ResNet into an SE-ResNet, in place; return the number of SE modules added.

    In every residual block (``dlnotes``' or torchvision's, basic or bottleneck), the
    BatchNorm that ends the residual branch becomes ``Sequential(bn, SqueezeExcitation)``:
    the branch is recalibrated *before* the shortcut is added, as in the paper (Fig. 3).

    Example:
        >>> from dlnotes.modern_cnn.resnet import resnet
        >>> net = resnet((1, 1, 1, 1), num_classes=10, in_channels=1, stem="small", width=16)
        >>> add_squeeze_excitation(net), net(torch.zeros(2, 1, 8, 8)).shape
        (4, torch.Size([2, 10]))
    """
    if not isinstance(net, nn.Module):
        raise TypeError(f"net must be an nn.Module, got {type(net).__name__}")
    _check_channels(reduction, "reduction")
    blocks = [(m, name) for m in net.modules() if (name := _last_bn_name(m)) is not None]
    for block, name in blocks:
        bn = getattr(block, name)
        se = SqueezeExcitation(bn.num_features, reduction=reduction).to(bn.weight)
        setattr(block, name, nn.Sequential(bn, se))
    return len(blocks)


def se_extra_parameters(channels: int, reduction: int = 16) -> int:
    """Parameters one SE module adds: ``2 c^2 / r`` weights plus ``c / r + c`` biases.

    Example:
        >>> se_extra_parameters(256)  # 2 * 256 * 16 + 16 + 256
        8464
    """
    _check_channels(channels, "channels")
    _check_channels(reduction, "reduction")
    hidden = max(1, channels // reduction)
    return 2 * channels * hidden + hidden + channels


# --8<-- [end:add_squeeze_excitation]


# --8<-- [start:CBAM]
class ChannelAttention(nn.Module):
    """CBAM's channel attention: SE with a second squeeze, the channel maxima.

    ``s = sigmoid(mlp(mean) + mlp(max))``, the same MLP (no sharing of the sigmoid) on
    both descriptors; output ``X * s``.

    Example:
        >>> ChannelAttention(32)(torch.ones(1, 32, 4, 4)).shape
        torch.Size([1, 32, 4, 4])
    """

    def __init__(self, channels: int, reduction: int = 16) -> None:
        super().__init__()
        self.channels = _check_channels(channels, "channels")
        hidden = max(1, channels // _check_channels(reduction, "reduction"))
        self.mlp = nn.Sequential(
            nn.Conv2d(channels, hidden, 1, bias=False),
            nn.ReLU(),
            nn.Conv2d(hidden, channels, 1, bias=False),
        )

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        check_images(X, self.channels)  # (n, c, h, w)
        avg = self.mlp(X.mean(dim=(2, 3), keepdim=True))  # (n, c, 1, 1)
        mx = self.mlp(X.amax(dim=(2, 3), keepdim=True))  # (n, c, 1, 1)
        return X * torch.sigmoid(avg + mx)


class SpatialAttention(nn.Module):
    """CBAM's spatial attention: one weight per pixel from the channel mean and maximum.

    ``m = sigmoid(conv_kxk([mean_c(X), max_c(X)]))`` of shape ``(n, 1, h, w)``; output
    ``X * m``. The convolution has "same" padding, so ``h`` and ``w`` are kept.

    Example:
        >>> SpatialAttention()(torch.ones(1, 8, 6, 6)).shape
        torch.Size([1, 8, 6, 6])
    """

    def __init__(self, kernel_size: int = 7) -> None:
        super().__init__()
        if isinstance(kernel_size, bool) or not isinstance(kernel_size, int):
            raise TypeError(f"kernel_size must be an int, got {type(kernel_size).__name__}")
        if kernel_size < 1 or kernel_size % 2 == 0:
            raise ValueError(f"kernel_size must be odd and >= 1, got {kernel_size}")
        self.conv = nn.Conv2d(2, 1, kernel_size, padding=kernel_size // 2, bias=False)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        check_tensor(X, "X", ndim=4, floating=True)  # (n, c, h, w), any c
        pooled = torch.cat(
            [X.mean(dim=1, keepdim=True), X.amax(dim=1, keepdim=True)], dim=1
        )  # (n, 2, h, w)
        return X * torch.sigmoid(self.conv(pooled))  # (n, 1, h, w) broadcast over c


class CBAM(nn.Module):
    """Convolutional Block Attention Module: channel attention, then spatial attention.

    Example:
        >>> cbam = CBAM(64)
        >>> cbam(torch.ones(2, 64, 5, 5)).shape, sum(p.numel() for p in cbam.parameters())
        (torch.Size([2, 64, 5, 5]), 610)
    """

    def __init__(self, channels: int, reduction: int = 16, kernel_size: int = 7) -> None:
        super().__init__()
        self.channel = ChannelAttention(channels, reduction)
        self.spatial = SpatialAttention(kernel_size)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return self.spatial(self.channel(X))  # "what", then "where"


# --8<-- [end:CBAM]
