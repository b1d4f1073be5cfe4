"""Networks for mobile devices: MobileNet v1/v2, ShuffleNet v2, SqueezeNet, GhostNet blocks.

All of them replace the standard 3x3 convolution by cheaper parts (see
``dlnotes.modern_cnn.special_convs``):

* MobileNet v1: depthwise separable convolutions with BatchNorm and ReLU
  (:func:`mobilenet_v1`);
* MobileNet v2: the inverted residual with a linear bottleneck (:class:`InvertedResidual`,
  :func:`mobilenet_v2`, parameter for parameter the same network as torchvision's);
* ShuffleNet: group convolutions whose groups are mixed by a :func:`channel_shuffle`; the
  v2 unit (:class:`ShuffleV2Block`, :func:`shufflenet_v2_x1_0`) follows four guidelines
  built on the memory access cost (:func:`memory_access_cost`);
* SqueezeNet's :class:`Fire` module, EfficientNet's :func:`compound_scaling` and
  GhostNet's :class:`GhostModule`, briefly.

The modules use torchvision's attribute names, so torchvision's ``state_dict`` loads into
them unchanged and the two give identical outputs.
"""

from __future__ import annotations

# --8<-- [start:imports]
import math

import torch
from torch import nn

from dlnotes._checks import check_tensor

# --8<-- [end:imports]

__all__ = [
    "Fire",
    "GhostModule",
    "InvertedResidual",
    "MobileNetV2",
    "ShuffleNetV2",
    "ShuffleV2Block",
    "channel_shuffle",
    "compound_scaling",
    "conv_bn_act",
    "make_divisible",
    "memory_access_cost",
    "mobilenet_v1",
    "mobilenet_v2",
    "shufflenet_v2_x1_0",
]


# --8<-- [start:channel_shuffle]
def channel_shuffle(x: torch.Tensor, groups: int) -> torch.Tensor:
    """Interleave the channels of ``groups`` groups: reshape, transpose, reshape.

    With ``c = groups * n`` channels viewed as a ``(groups, n)`` grid (row ``i`` is group
    ``i``), reading the grid column by column puts channel ``j`` of every group next to
    each other, so that each group of the next group convolution receives channels from
    every group of the previous one.

    Example:
        >>> x = torch.arange(9.0).reshape(1, 9, 1, 1)
        >>> channel_shuffle(x, 3).flatten()
        tensor([0., 3., 6., 1., 4., 7., 2., 5., 8.])
    """
    check_tensor(x, "x", ndim=4)
    if isinstance(groups, bool) or not isinstance(groups, int) or groups < 1:
        raise ValueError(f"groups must be an int >= 1, got {groups!r}")
    n, c, h, w = x.shape
    if c % groups:
        raise ValueError(f"the {c} channels of x must be divisible by groups={groups}")
    x = x.reshape(n, groups, c // groups, h, w)  # (n, g, c/g, h, w): one row per group
    x = x.transpose(1, 2)  # (n, c/g, g, h, w): columns become rows
    return x.reshape(n, c, h, w)  # reshape copies the now non-contiguous tensor


# --8<-- [end:channel_shuffle]


# --8<-- [start:conv_bn_act]
def conv_bn_act(
    in_channels: int,
    out_channels: int,
    kernel_size: int = 3,
    stride: int = 1,
    groups: int = 1,
    activation: type[nn.Module] | None = nn.ReLU,
) -> nn.Sequential:
    """Convolution (no bias, "same" padding), BatchNorm, then ``activation`` if given.

    The indices 0, 1, 2 match torchvision's ``Conv2dNormActivation``, so its weights load.

    Example:
        >>> block = conv_bn_act(16, 32, stride=2, activation=nn.ReLU6)
        >>> [type(m).__name__ for m in block], block[0].padding, block[0].bias
        (['Conv2d', 'BatchNorm2d', 'ReLU6'], (1, 1), None)
    """
    layers: list[nn.Module] = [
        nn.Conv2d(
            in_channels,
            out_channels,
            kernel_size,
            stride,
            padding=(kernel_size - 1) // 2,
            groups=groups,
            bias=False,  # BatchNorm's shift makes a bias redundant
        ),
        nn.BatchNorm2d(out_channels),
    ]
    if activation is not None:
        layers.append(activation())
    return nn.Sequential(*layers)


# --8<-- [end:conv_bn_act]


# --8<-- [start:mobilenet_v1]
def mobilenet_v1(num_classes: int = 1000) -> nn.Sequential:
    """MobileNet v1 (Howard et al., 2017) for 224x224 inputs, width multiplier 1.

    A 3x3 convolution with stride 2, then 13 depthwise separable blocks, each a 3x3
    depthwise convolution and a 1x1 convolution, both followed by BatchNorm and ReLU;
    global average pooling and one linear layer.

    Example:
        >>> net = mobilenet_v1()
        >>> net(torch.zeros(1, 3, 224, 224)).shape
        torch.Size([1, 1000])
    """
    # (output channels, stride) of the 13 depthwise separable blocks
    blocks = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2)]
    blocks += [(512, 1)] * 5 + [(1024, 2), (1024, 1)]
    layers: list[nn.Module] = [conv_bn_act(3, 32, 3, stride=2)]  # (32, 112, 112)
    c_in = 32
    for c_out, stride in blocks:
        layers.append(
            nn.Sequential(
                conv_bn_act(c_in, c_in, 3, stride, groups=c_in),  # depthwise: space
                conv_bn_act(c_in, c_out, 1),  # pointwise: channels
            )
        )
        c_in = c_out
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c_in, num_classes)]
    return nn.Sequential(*layers)


# --8<-- [end:mobilenet_v1]


# --8<-- [start:make_divisible]
def make_divisible(v: float, divisor: int = 8, min_value: int | None = None) -> int:
    """Round a channel count ``v`` to the nearest multiple of ``divisor`` (TF/torchvision).

    Never below ``min_value`` (default ``divisor``), and never more than 10% below ``v``.

    Example:
        >>> make_divisible(32 * 0.75), make_divisible(24 * 0.35), make_divisible(100)
        (24, 8, 104)
    """
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:  # rounding down removed more than 10%: go one step up
        new_v += divisor
    return new_v


# --8<-- [end:make_divisible]


# --8<-- [start:InvertedResidual]
class InvertedResidual(nn.Module):
    """MobileNet v2's block: expand (1x1), filter (3x3 depthwise), project (1x1, linear).

    A ResNet bottleneck is wide -> narrow -> wide; this block is narrow -> wide -> narrow
    ("inverted"): the 1x1 convolution expands ``inp`` channels ``expand_ratio`` times,
    the depthwise convolution filters the wide tensor with ReLU6, and a 1x1 convolution
    projects back to ``oup`` channels *without* an activation (the "linear bottleneck").
    The shortcut joins the narrow ends, when stride is 1 and ``inp == oup``.

    Example:
        >>> block = InvertedResidual(24, 24, stride=1, expand_ratio=6)
        >>> block.use_res_connect, block(torch.zeros(1, 24, 56, 56)).shape
        (True, torch.Size([1, 24, 56, 56]))
    """

    def __init__(self, inp: int, oup: int, stride: int, expand_ratio: int) -> None:
        super().__init__()
        if stride not in (1, 2):
            raise ValueError(f"stride must be 1 or 2, got {stride}")
        hidden = round(inp * expand_ratio)
        self.use_res_connect = stride == 1 and inp == oup
        layers: list[nn.Module] = []
        if expand_ratio != 1:  # the first block of MobileNet v2 (t = 1) skips the expansion
            layers.append(conv_bn_act(inp, hidden, 1, activation=nn.ReLU6))  # expand
        layers += [
            conv_bn_act(hidden, hidden, 3, stride, groups=hidden, activation=nn.ReLU6),  # dw
            nn.Conv2d(hidden, oup, 1, bias=False),  # project: linear, no ReLU
            nn.BatchNorm2d(oup),
        ]
        self.conv = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.use_res_connect:
            return x + self.conv(x)
        return self.conv(x)


# --8<-- [end:InvertedResidual]


# --8<-- [start:mobilenet_v2]
class MobileNetV2(nn.Module):
    """MobileNet v2 (Sandler et al., 2018) with torchvision's layer names.

    ``features``: a 3x3 convolution, 17 inverted residual blocks and a 1x1 convolution to
    ``last_channel``; then global average pooling and ``classifier`` (dropout, linear).
    """

    # t: expansion ratio, c: output channels, n: number of blocks, s: stride of the first
    SETTING = (
        (1, 16, 1, 1),
        (6, 24, 2, 2),
        (6, 32, 3, 2),
        (6, 64, 4, 2),
        (6, 96, 3, 1),
        (6, 160, 3, 2),
        (6, 320, 1, 1),
    )

    def __init__(
        self, num_classes: int = 1000, width_mult: float = 1.0, dropout: float = 0.2
    ) -> None:
        super().__init__()
        c_in = make_divisible(32 * width_mult)
        self.last_channel = make_divisible(1280 * max(1.0, width_mult))
        layers: list[nn.Module] = [conv_bn_act(3, c_in, 3, stride=2, activation=nn.ReLU6)]
        for t, c, n, s in self.SETTING:
            c_out = make_divisible(c * width_mult)
            for i in range(n):
                layers.append(InvertedResidual(c_in, c_out, s if i == 0 else 1, t))
                c_in = c_out
        layers.append(conv_bn_act(c_in, self.last_channel, 1, activation=nn.ReLU6))
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(
            nn.Dropout(dropout), nn.Linear(self.last_channel, num_classes)
        )
        for m in self.modules():  # torchvision's initialization
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0, 0.01)
                nn.init.zeros_(m.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.features(x)  # (n, 1280, h/32, w/32)
        x = x.mean(dim=(2, 3))  # global average pooling: (n, 1280)
        return self.classifier(x)


def mobilenet_v2(num_classes: int = 1000, width_mult: float = 1.0) -> MobileNetV2:
    """MobileNet v2; ``width_mult`` scales every layer's channels (rounded to multiples of 8).

    Example:
        >>> sum(p.numel() for p in mobilenet_v2().parameters())
        3504872
    """
    return MobileNetV2(num_classes, width_mult)


# --8<-- [end:mobilenet_v2]


# --8<-- [start:ShuffleV2Block]
class ShuffleV2Block(nn.Module):
    """ShuffleNet v2's unit (Ma et al., 2018), with torchvision's layer names.

    Stride 1: split the channels in two halves; one passes unchanged, the other goes
    through 1x1 conv -> 3x3 depthwise conv -> 1x1 conv, all with ``oup / 2`` channels
    (equal widths, no group convolutions); concatenate, then shuffle with two groups.
    Stride 2: no split; both halves of the output are computed from the whole input, the
    left one by a 3x3 depthwise conv (stride 2) and a 1x1 conv.

    Example:
        >>> block = ShuffleV2Block(116, 116, stride=1)
        >>> block(torch.zeros(1, 116, 28, 28)).shape
        torch.Size([1, 116, 28, 28])
    """

    def __init__(self, inp: int, oup: int, stride: int) -> None:
        super().__init__()
        if stride not in (1, 2):
            raise ValueError(f"stride must be 1 or 2, got {stride}")
        if oup % 2 or (stride == 1 and inp != oup):
            raise ValueError(f"need an even oup, and inp == oup for stride 1; got {inp}, {oup}")
        self.stride = stride
        branch = oup // 2
        self.branch1 = nn.Sequential()  # stride 1: the identity half
        if stride == 2:
            self.branch1 = nn.Sequential(
                nn.Conv2d(inp, inp, 3, stride, 1, groups=inp, bias=False),  # dw, no ReLU
                nn.BatchNorm2d(inp),
                nn.Conv2d(inp, branch, 1, bias=False),
                nn.BatchNorm2d(branch),
                nn.ReLU(inplace=True),
            )
        self.branch2 = nn.Sequential(
            nn.Conv2d(inp if stride == 2 else branch, branch, 1, bias=False),
            nn.BatchNorm2d(branch),
            nn.ReLU(inplace=True),
            nn.Conv2d(branch, branch, 3, stride, 1, groups=branch, bias=False),  # dw
            nn.BatchNorm2d(branch),
            nn.Conv2d(branch, branch, 1, bias=False),
            nn.BatchNorm2d(branch),
            nn.ReLU(inplace=True),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.stride == 1:
            x1, x2 = x.chunk(2, dim=1)  # channel split
            out = torch.cat((x1, self.branch2(x2)), dim=1)
        else:
            out = torch.cat((self.branch1(x), self.branch2(x)), dim=1)
        return channel_shuffle(out, 2)


# --8<-- [end:ShuffleV2Block]


# --8<-- [start:shufflenet_v2]
class ShuffleNetV2(nn.Module):
    """ShuffleNet v2: conv1, max pool, three stages of :class:`ShuffleV2Block`, conv5, fc."""

    def __init__(
        self,
        stages_repeats: list[int],
        stages_out_channels: list[int],
        num_classes: int = 1000,
    ) -> None:
        super().__init__()
        if len(stages_repeats) != 3 or len(stages_out_channels) != 5:
            raise ValueError("expected 3 stage repeats and 5 output channel counts")
        c_in, c = 3, stages_out_channels[0]
        self.conv1 = conv_bn_act(c_in, c, 3, stride=2, activation=nn.ReLU)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        c_in = c
        for i, (repeats, c_out) in enumerate(
            zip(stages_repeats, stages_out_channels[1:4], strict=True)
        ):
            blocks = [ShuffleV2Block(c_in, c_out, 2)]  # each stage starts by halving h, w
            blocks += [ShuffleV2Block(c_out, c_out, 1) for _ in range(repeats - 1)]
            setattr(self, f"stage{i + 2}", nn.Sequential(*blocks))
            c_in = c_out
        self.conv5 = conv_bn_act(c_in, stages_out_channels[-1], 1, activation=nn.ReLU)
        self.fc = nn.Linear(stages_out_channels[-1], num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.maxpool(self.conv1(x))  # (n, 24, h/4, w/4)
        x = self.stage4(self.stage3(self.stage2(x)))  # (n, 464, h/32, w/32) at 1.0x
        x = self.conv5(x).mean(dim=(2, 3))  # global average pooling: (n, 1024)
        return self.fc(x)


def shufflenet_v2_x1_0(num_classes: int = 1000) -> ShuffleNetV2:
    """ShuffleNet v2 1.0x: stages of 4, 8, 4 units with 116, 232, 464 channels.

    Example:
        >>> sum(p.numel() for p in shufflenet_v2_x1_0().parameters())
        2278604
    """
    return ShuffleNetV2([4, 8, 4], [24, 116, 232, 464, 1024], num_classes)


# --8<-- [end:shufflenet_v2]


# --8<-- [start:memory_access_cost]
def memory_access_cost(h: int, w: int, c1: int, c2: int, groups: int = 1) -> tuple[int, int]:
    """FLOPs ``B`` (multiply-adds) and memory access cost of a 1x1 convolution (Ma et al.).

    The layer reads an ``h x w x c1`` input and ``c1 * c2 / groups`` weights and writes an
    ``h x w x c2`` output, assuming the memory is large enough to hold each once:
    ``MAC = hw(c1 + c2) + c1 c2 / g`` and ``B = hw c1 c2 / g``.

    Returns:
        ``(B, MAC)``, both counted in numbers (not bytes).

    Example:
        >>> memory_access_cost(56, 56, 128, 128)
        (51380224, 819200)
    """
    for value, name in [(h, "h"), (w, "w"), (c1, "c1"), (c2, "c2"), (groups, "groups")]:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be an int >= 1, got {value!r}")
    if c1 % groups or c2 % groups:
        raise ValueError(f"c1={c1} and c2={c2} must be divisible by groups={groups}")
    flops = h * w * c1 * c2 // groups
    mac = h * w * (c1 + c2) + c1 * c2 // groups
    return flops, mac


# --8<-- [end:memory_access_cost]


# --8<-- [start:Fire]
class Fire(nn.Module):
    """SqueezeNet's fire module: squeeze (1x1) then expand (1x1 and 3x3, concatenated).

    Example:
        >>> Fire(96, 16, 64, 64)(torch.zeros(1, 96, 54, 54)).shape
        torch.Size([1, 128, 54, 54])
    """

    def __init__(
        self, inplanes: int, squeeze_planes: int, expand1x1_planes: int, expand3x3_planes: int
    ) -> None:
        super().__init__()
        self.squeeze = nn.Conv2d(inplanes, squeeze_planes, kernel_size=1)
        self.squeeze_activation = nn.ReLU(inplace=True)
        self.expand1x1 = nn.Conv2d(squeeze_planes, expand1x1_planes, kernel_size=1)
        self.expand1x1_activation = nn.ReLU(inplace=True)
        self.expand3x3 = nn.Conv2d(squeeze_planes, expand3x3_planes, kernel_size=3, padding=1)
        self.expand3x3_activation = nn.ReLU(inplace=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.squeeze_activation(self.squeeze(x))  # few channels: cheap 3x3 below
        return torch.cat(
            [
                self.expand1x1_activation(self.expand1x1(x)),
                self.expand3x3_activation(self.expand3x3(x)),
            ],
            dim=1,
        )


# --8<-- [end:Fire]


# --8<-- [start:compound_scaling]
def compound_scaling(
    phi: float, alpha: float = 1.2, beta: float = 1.1, gamma: float = 1.15
) -> tuple[float, float, float]:
    """EfficientNet's depth, width and resolution multipliers ``alpha**phi`` etc.

    The constants were found by a grid search on the base network under
    ``alpha * beta**2 * gamma**2 ~ 2``, so that FLOPs grow about ``2**phi``: FLOPs are
    linear in depth and quadratic in width and in resolution.

    Example:
        >>> [round(m, 3) for m in compound_scaling(1)]
        [1.2, 1.1, 1.15]
    """
    if phi < 0:
        raise ValueError(f"phi must be >= 0, got {phi}")
    return alpha**phi, beta**phi, gamma**phi


# --8<-- [end:compound_scaling]


# --8<-- [start:GhostModule]
class GhostModule(nn.Module):
    """GhostNet's replacement for a 1x1 convolution (Han et al., 2020).

    An ordinary convolution makes ``ceil(oup / ratio)`` "intrinsic" feature maps; a cheap
    depthwise ``dw_size x dw_size`` convolution derives ``ratio - 1`` "ghost" maps from
    each; the two are concatenated (and cut to ``oup`` channels).

    Example:
        >>> ghost = GhostModule(64, 128)
        >>> ghost(torch.zeros(1, 64, 28, 28)).shape
        torch.Size([1, 128, 28, 28])
    """

    def __init__(
        self, inp: int, oup: int, ratio: int = 2, dw_size: int = 3, relu: bool = True
    ) -> None:
        super().__init__()
        if ratio < 2:
            raise ValueError(f"ratio must be >= 2, got {ratio}")
        self.oup = oup
        init_channels = math.ceil(oup / ratio)
        act = nn.ReLU if relu else None
        self.primary_conv = conv_bn_act(inp, init_channels, 1, activation=act)
        self.cheap_operation = conv_bn_act(
            init_channels,
            init_channels * (ratio - 1),
            dw_size,
            groups=init_channels,
            activation=act,
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x1 = self.primary_conv(x)  # (n, oup / ratio, h, w)
        x2 = self.cheap_operation(x1)  # (n, oup / ratio * (ratio - 1), h, w)
        return torch.cat([x1, x2], dim=1)[:, : self.oup]


# --8<-- [end:GhostModule]
