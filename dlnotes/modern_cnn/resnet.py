"""ResNet (He, Zhang, Ren and Sun, 2015): residual blocks, bottlenecks, ResNet-18 and -50.

A residual block computes ``relu(f(x) + x)``: its layers ``f`` only have to learn the
*difference* from the identity, and the identity is what the block computes when ``f``
outputs zeros. When ``f`` changes the number of channels or the resolution, the shortcut
becomes a 1x1 convolution (the projection shortcut) so that the two can be added.

:class:`Residual` is D2L's block (same signature, same behaviour; its convolutions keep a
bias). With ``layout="torchvision"`` it drops the biases before BatchNorm and puts a
BatchNorm after the 1x1 shortcut, which is ``torchvision.models.resnet.BasicBlock``.
:class:`Bottleneck` is the 1x1-3x3-1x1 block of ResNet-50/101/152. :func:`resnet` stacks
either into four stages; :func:`resnet18` and :func:`resnet50` have exactly the parameters
of torchvision's models, whose weights :func:`load_torchvision_resnet` copies in.
"""

from __future__ import annotations

# --8<-- [start:imports]
import re
from collections import OrderedDict
from collections.abc import Sequence

import torch
from torch import nn
from torch.nn import functional as F

from dlnotes.modern_cnn.nin import ImageClassifier, _check_channels, check_images

# --8<-- [end:imports]

__all__ = [
    "Bottleneck",
    "PreActResidual",
    "Residual",
    "load_torchvision_resnet",
    "resnet",
    "resnet18",
    "resnet50",
    "resnet_block",
    "torchvision_resnet_key",
]


# --8<-- [start:checks]
def _check_layout(layout: object) -> str:
    if layout not in ("d2l", "torchvision"):
        raise ValueError(f"layout must be 'd2l' or 'torchvision', got {layout!r}")
    return layout


def _check_shortcut(
    input_channels: int, out_channels: int, use_1x1conv: bool, strides: int
) -> None:
    """The identity shortcut needs the block's output to have the input's shape."""
    _check_channels(input_channels, "input_channels")
    if isinstance(strides, bool) or not isinstance(strides, int) or strides < 1:
        raise ValueError(f"strides must be an int >= 1, got {strides!r}")
    if not use_1x1conv and (input_channels != out_channels or strides != 1):
        raise ValueError(
            "the identity shortcut adds the input to the output, so their shapes must match: "
            f"got input_channels={input_channels}, output channels={out_channels}, "
            f"strides={strides}; pass use_1x1conv=True to use a 1x1 convolution shortcut"
        )


# --8<-- [end:checks]


# --8<-- [start:Residual]
class Residual(nn.Module):
    """D2L's residual block: conv-BN-ReLU-conv-BN, plus the shortcut, then ReLU.

    Args:
        input_channels: channels of the input.
        num_channels: channels of the output (and of the first convolution).
        use_1x1conv: a 1x1 convolution (stride ``strides``) on the shortcut instead of the
            identity; required when ``input_channels != num_channels`` or ``strides != 1``.
        strides: stride of the first 3x3 convolution (2 halves the height and width).
        layout: ``"d2l"``: convolutions with biases, a bare 1x1 convolution on the shortcut.
            ``"torchvision"``: no biases, BatchNorm after the 1x1 shortcut (``BasicBlock``).
        zero_init_last_bn: start the second BatchNorm's scale at 0, so that the block
            starts as ``relu(shortcut(x))`` (Goyal et al., 2017).

    Example:
        >>> blk = Residual(3, 6, use_1x1conv=True, strides=2)
        >>> blk(torch.zeros(4, 3, 6, 6)).shape
        torch.Size([4, 6, 3, 3])
        >>> Residual(3, 6)
        Traceback (most recent call last):
        ...
        ValueError: the identity shortcut adds the input to the output, ... use_1x1conv=True ...
    """

    def __init__(
        self,
        input_channels: int,
        num_channels: int,
        use_1x1conv: bool = False,
        strides: int = 1,
        *,
        layout: str = "d2l",
        zero_init_last_bn: bool = False,
    ) -> None:
        super().__init__()
        _check_channels(num_channels, "num_channels")
        _check_shortcut(input_channels, num_channels, use_1x1conv, strides)
        bias = _check_layout(layout) == "d2l"  # a bias before BatchNorm is redundant (T08)
        self.input_channels, self.out_channels = input_channels, num_channels
        self.conv1 = nn.Conv2d(
            input_channels, num_channels, 3, stride=strides, padding=1, bias=bias
        )
        self.bn1 = nn.BatchNorm2d(num_channels)
        self.conv2 = nn.Conv2d(num_channels, num_channels, 3, padding=1, bias=bias)
        self.bn2 = nn.BatchNorm2d(num_channels)
        # the shortcut: the identity, or a 1x1 convolution that matches the output's shape
        self.conv3 = (
            nn.Conv2d(input_channels, num_channels, 1, stride=strides, bias=bias)
            if use_1x1conv
            else None
        )
        self.bn3 = nn.BatchNorm2d(num_channels) if use_1x1conv and not bias else None
        if zero_init_last_bn:
            nn.init.zeros_(self.bn2.weight)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        check_images(X, self.input_channels)  # (n, c_in, h, w)
        Y = F.relu(self.bn1(self.conv1(X)))  # (n, c, h / s, w / s)
        Y = self.bn2(self.conv2(Y))  # (n, c, h / s, w / s)
        if self.conv3 is not None:
            X = self.conv3(X)  # (n, c, h / s, w / s)
            if self.bn3 is not None:
                X = self.bn3(X)
        return F.relu(Y + X)  # ReLU after the addition


# --8<-- [end:Residual]


# --8<-- [start:Bottleneck]
class Bottleneck(nn.Module):
    """The bottleneck block: 1x1 (reduce) - 3x3 - 1x1 (expand), plus the shortcut, then ReLU.

    The first 1x1 convolution reduces ``input_channels`` to ``num_channels``, the 3x3
    convolution works at that width (with the stride, as in torchvision's "ResNet v1.5"),
    and the last 1x1 convolution expands to ``expansion * num_channels`` output channels.
    BatchNorm follows every convolution.

    Args:
        input_channels: channels of the input.
        num_channels: the bottleneck width; the output has ``expansion * num_channels``.
        use_1x1conv: a 1x1 convolution + BatchNorm on the shortcut; required when the
            output's channels or resolution differ from the input's.
        strides: stride of the 3x3 convolution.
        expansion: output channels per bottleneck channel (4 in ResNet-50).
        layout: ``"torchvision"`` (no biases, BatchNorm on the shortcut) or ``"d2l"``
            (biases, a bare 1x1 shortcut), as for :class:`Residual`.
        zero_init_last_bn: start the third BatchNorm's scale at 0.

    Example:
        >>> blk = Bottleneck(256, 64)  # 256 -> 64 -> 64 -> 256 channels
        >>> blk(torch.zeros(1, 256, 14, 14)).shape
        torch.Size([1, 256, 14, 14])
        >>> sum(p.numel() for p in blk.parameters())  # 256*64 + 9*64*64 + 64*256 + BN
        70400
    """

    def __init__(
        self,
        input_channels: int,
        num_channels: int,
        use_1x1conv: bool = False,
        strides: int = 1,
        *,
        expansion: int = 4,
        layout: str = "torchvision",
        zero_init_last_bn: bool = False,
    ) -> None:
        super().__init__()
        _check_channels(num_channels, "num_channels")
        _check_channels(expansion, "expansion")
        out_channels = expansion * num_channels
        _check_shortcut(input_channels, out_channels, use_1x1conv, strides)
        bias = _check_layout(layout) == "d2l"
        self.input_channels, self.out_channels = input_channels, out_channels
        self.conv1 = nn.Conv2d(input_channels, num_channels, 1, bias=bias)  # reduce
        self.bn1 = nn.BatchNorm2d(num_channels)
        self.conv2 = nn.Conv2d(num_channels, num_channels, 3, stride=strides, padding=1, bias=bias)
        self.bn2 = nn.BatchNorm2d(num_channels)
        self.conv3 = nn.Conv2d(num_channels, out_channels, 1, bias=bias)  # expand
        self.bn3 = nn.BatchNorm2d(out_channels)
        self.shortcut: nn.Sequential | None = None
        if use_1x1conv:
            proj = nn.Conv2d(input_channels, out_channels, 1, stride=strides, bias=bias)
            self.shortcut = nn.Sequential(proj, *([] if bias else [nn.BatchNorm2d(out_channels)]))
        if zero_init_last_bn:
            nn.init.zeros_(self.bn3.weight)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        check_images(X, self.input_channels)  # (n, c_in, h, w)
        Y = F.relu(self.bn1(self.conv1(X)))  # (n, c, h, w)
        Y = F.relu(self.bn2(self.conv2(Y)))  # (n, c, h / s, w / s)
        Y = self.bn3(self.conv3(Y))  # (n, expansion * c, h / s, w / s)
        if self.shortcut is not None:
            X = self.shortcut(X)  # (n, expansion * c, h / s, w / s)
        return F.relu(Y + X)


# --8<-- [end:Bottleneck]


# --8<-- [start:resnet_block]
def resnet_block(
    input_channels: int,
    num_channels: int,
    num_residuals: int,
    first_block: bool = False,
    *,
    bottleneck: bool = False,
    layout: str = "d2l",
    zero_init_last_bn: bool = False,
) -> nn.Sequential:
    """One stage of a ResNet: ``num_residuals`` blocks, the first one halving h and w.

    As in D2L, the first stage (``first_block=True``) keeps the resolution, since the
    stem has already reduced it. The first block of a stage gets a 1x1 shortcut whenever
    it changes the channels or the resolution; the others keep the identity.

    Example:
        >>> stage = resnet_block(64, 128, 2)
        >>> stage(torch.zeros(1, 64, 56, 56)).shape
        torch.Size([1, 128, 28, 28])
    """
    if isinstance(num_residuals, bool) or not isinstance(num_residuals, int) or num_residuals < 1:
        raise ValueError(f"num_residuals must be an int >= 1, got {num_residuals!r}")
    block = Bottleneck if bottleneck else Residual
    out_channels = 4 * num_channels if bottleneck else num_channels
    blocks = []
    for i in range(num_residuals):
        c_in = input_channels if i == 0 else out_channels
        strides = 2 if i == 0 and not first_block else 1
        use_1x1conv = strides != 1 or c_in != out_channels
        blocks.append(
            block(
                c_in,
                num_channels,
                use_1x1conv,
                strides,
                layout=layout,
                zero_init_last_bn=zero_init_last_bn,
            )
        )
    return nn.Sequential(*blocks)


# --8<-- [end:resnet_block]


# --8<-- [start:resnet]
def resnet(
    num_residuals: Sequence[int] = (2, 2, 2, 2),
    num_classes: int = 1000,
    in_channels: int = 3,
    *,
    bottleneck: bool = False,
    stem: str = "imagenet",
    layout: str = "torchvision",
    width: int = 64,
    zero_init_residual: bool = False,
) -> ImageClassifier:
    """A ResNet: a stem, four stages of residual blocks, global average pooling, a linear layer.

    Args:
        num_residuals: blocks per stage: ``(2, 2, 2, 2)`` is ResNet-18, ``(3, 4, 6, 3)``
            ResNet-34 (or ResNet-50 with ``bottleneck=True``), ``(3, 4, 23, 3)`` ResNet-101.
        num_classes: outputs of the final linear layer.
        in_channels: channels of the input images.
        bottleneck: :class:`Bottleneck` blocks (ResNet-50 and deeper) instead of
            :class:`Residual`.
        stem: ``"imagenet"``: 7x7 convolution with stride 2 and 3x3 max pooling with
            stride 2 (h and w divided by 4). ``"small"``: one 3x3 convolution with stride 1
            and no pooling, for 32x32 (CIFAR) or 8x8 (digits) images.
        layout: ``"torchvision"``: no biases before BatchNorm, BatchNorm on the 1x1
            shortcuts and torchvision's initialization (He normal, fan-out).
            ``"d2l"``: D2L's blocks (biases, bare 1x1 shortcuts), PyTorch's default init.
        width: channels of the stem and the first stage; the stages have ``width``,
            ``2 width``, ``4 width``, ``8 width`` (times 4 with bottlenecks).
        zero_init_residual: start the last BatchNorm of every block at scale 0.

    Example:
        >>> net = resnet((1, 1, 1, 1), num_classes=10, in_channels=1, stem="small", width=8)
        >>> net(torch.zeros(2, 1, 8, 8)).shape
        torch.Size([2, 10])
    """
    _check_channels(num_classes, "num_classes")
    _check_channels(in_channels, "in_channels")
    _check_channels(width, "width")
    _check_layout(layout)
    if isinstance(num_residuals, (str, bytes)) or len(num_residuals) != 4:
        raise ValueError(f"num_residuals must list 4 stages, got {num_residuals!r}")
    bias = layout == "d2l"
    if stem == "imagenet":  # (n, width, h / 4, w / 4)
        stem_layers = [
            nn.Conv2d(in_channels, width, 7, stride=2, padding=3, bias=bias),
            nn.BatchNorm2d(width),
            nn.ReLU(),
            nn.MaxPool2d(3, stride=2, padding=1),
        ]
    elif stem == "small":  # (n, width, h, w)
        stem_layers = [
            nn.Conv2d(in_channels, width, 3, stride=1, padding=1, bias=bias),
            nn.BatchNorm2d(width),
            nn.ReLU(),
        ]
    else:
        raise ValueError(f"stem must be 'imagenet' or 'small', got {stem!r}")
    layers: OrderedDict[str, nn.Module] = OrderedDict(stem=nn.Sequential(*stem_layers))
    c_in, expansion = width, 4 if bottleneck else 1
    for i, n in enumerate(num_residuals):  # stage i: (n, width 2^i expansion, h/2^i, w/2^i)
        c = width * 2**i
        layers[f"stage{i + 1}"] = resnet_block(
            c_in,
            c,
            n,
            first_block=i == 0,
            bottleneck=bottleneck,
            layout=layout,
            zero_init_last_bn=zero_init_residual,
        )
        c_in = c * expansion
    layers["pool"] = nn.AdaptiveAvgPool2d((1, 1))  # (n, c_in, 1, 1)
    layers["flatten"] = nn.Flatten()  # (n, c_in)
    layers["fc"] = nn.Linear(c_in, num_classes)  # (n, num_classes)
    net = ImageClassifier(layers, in_channels=in_channels)
    if layout == "torchvision":  # torchvision's initialization of the convolutions
        for m in net.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
    return net


def resnet18(num_classes: int = 1000, in_channels: int = 3, **kwargs: object) -> ImageClassifier:
    """ResNet-18: ``resnet((2, 2, 2, 2), ...)``; keyword arguments go to :func:`resnet`.

    Example:
        >>> sum(p.numel() for p in resnet18().parameters())  # as torchvision's resnet18
        11689512
    """
    return resnet((2, 2, 2, 2), num_classes, in_channels, **kwargs)


def resnet50(num_classes: int = 1000, in_channels: int = 3, **kwargs: object) -> ImageClassifier:
    """ResNet-50: ``resnet((3, 4, 6, 3), ..., bottleneck=True)``.

    Example:
        >>> with torch.device("meta"):  # count without allocating memory
        ...     net = resnet50()
        >>> sum(p.numel() for p in net.parameters())  # as torchvision's resnet50
        25557032
    """
    return resnet((3, 4, 6, 3), num_classes, in_channels, bottleneck=True, **kwargs)


# --8<-- [end:resnet]


# --8<-- [start:load_torchvision_resnet]
def torchvision_resnet_key(key: str, *, bottleneck: bool = False) -> str:
    """Our name for an entry of a torchvision ResNet's ``state_dict``.

    torchvision names the stem ``conv1``/``bn1``, the stages ``layer1`` to ``layer4`` and
    the projection shortcut ``downsample``; ours are ``stem.0``/``stem.1``, ``stage1`` to
    ``stage4``, and ``conv3``/``bn3`` (D2L's :class:`Residual`) or ``shortcut``
    (:class:`Bottleneck`).

    Example:
        >>> torchvision_resnet_key("layer2.0.downsample.1.running_mean")
        'stage2.0.bn3.running_mean'
    """
    key = re.sub(r"^conv1\.", "stem.0.", key)
    key = re.sub(r"^bn1\.", "stem.1.", key)
    key = re.sub(r"^layer(\d)\.", r"stage\1.", key)
    if bottleneck:
        return key.replace(".downsample.", ".shortcut.")
    return key.replace(".downsample.0.", ".conv3.").replace(".downsample.1.", ".bn3.")


@torch.no_grad()
def load_torchvision_resnet(net: nn.Module, source: nn.Module) -> None:
    """Copy the parameters and buffers of a torchvision ResNet into ``net``, by name.

    ``net`` must have the same architecture (e.g. :func:`resnet18` for
    ``torchvision.models.resnet18``); every entry must find its counterpart, with the
    same shape.

    Example:
        >>> import torchvision
        >>> net, tv = resnet18(num_classes=10), torchvision.models.resnet18(num_classes=10)
        >>> load_torchvision_resnet(net, tv)
        >>> _ = net.eval(), tv.eval()
        >>> X = torch.randn(1, 3, 64, 64)
        >>> torch.allclose(net(X), tv(X))
        True
    """
    for module, name in [(net, "net"), (source, "source")]:
        if not isinstance(module, nn.Module):
            raise TypeError(f"{name} must be an nn.Module, got {type(module).__name__}")
    bottleneck = any(isinstance(m, Bottleneck) for m in net.modules())
    theirs = {
        torchvision_resnet_key(k, bottleneck=bottleneck): v for k, v in source.state_dict().items()
    }
    ours = net.state_dict()
    if theirs.keys() != ours.keys():
        missing, extra = sorted(ours.keys() - theirs.keys()), sorted(theirs.keys() - ours.keys())
        raise ValueError(
            f"the architectures differ: {len(missing)} entries of net have no counterpart "
            f"(e.g. {missing[:3]}), {len(extra)} of source have none (e.g. {extra[:3]})"
        )
    for k, v in theirs.items():
        if v.shape != ours[k].shape:
            raise ValueError(
                f"shape mismatch at {k}: net {tuple(ours[k].shape)} vs source {tuple(v.shape)}"
            )
    net.load_state_dict(theirs)


# --8<-- [end:load_torchvision_resnet]


# --8<-- [start:PreActResidual]
class PreActResidual(nn.Module):
    """The pre-activation residual block (He et al., 2016): BN-ReLU-conv, twice, + shortcut.

    Nothing follows the addition, so the shortcut path from the input to the output of a
    stack of blocks is the identity all the way. A 1x1 shortcut, when needed, reads the
    pre-activated input ``relu(bn1(x))``, as in the authors' implementation.

    Example:
        >>> blk = PreActResidual(8, 16, use_1x1conv=True, strides=2)
        >>> blk(torch.randn(2, 8, 6, 6)).shape
        torch.Size([2, 16, 3, 3])
    """

    def __init__(
        self, input_channels: int, num_channels: int, use_1x1conv: bool = False, strides: int = 1
    ) -> None:
        super().__init__()
        _check_channels(num_channels, "num_channels")
        _check_shortcut(input_channels, num_channels, use_1x1conv, strides)
        self.input_channels, self.out_channels = input_channels, num_channels
        self.bn1 = nn.BatchNorm2d(input_channels)
        self.conv1 = nn.Conv2d(input_channels, num_channels, 3, strides, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(num_channels)
        self.conv2 = nn.Conv2d(num_channels, num_channels, 3, padding=1, bias=False)
        self.conv3 = (
            nn.Conv2d(input_channels, num_channels, 1, strides, bias=False) if use_1x1conv else None
        )

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        check_images(X, self.input_channels)  # (n, c_in, h, w)
        A = F.relu(self.bn1(X))  # pre-activation
        Y = self.conv1(A)  # (n, c, h / s, w / s)
        Y = self.conv2(F.relu(self.bn2(Y)))  # (n, c, h / s, w / s)
        shortcut = X if self.conv3 is None else self.conv3(A)
        return Y + shortcut  # no ReLU after the addition


# --8<-- [end:PreActResidual]
