"""DenseNet (Huang, Liu, van der Maaten and Weinberger, 2017): dense blocks and transitions.

Inside a dense block every layer receives the *concatenation* of the block's input and of
the outputs of all layers before it, and adds ``num_channels`` (the growth rate) new
channels of its own: after ``num_convs`` layers the block outputs
``input_channels + num_convs * num_channels`` channels. A transition layer between two
blocks shrinks the channels with a 1x1 convolution and halves the height and width with
average pooling.

:class:`DenseBlock` and :func:`transition_block` are D2L's (BN-ReLU-conv layers with
biases). With ``layout="torchvision"`` each layer is DenseNet-BC's bottleneck layer
(BN-ReLU-1x1 conv to ``bn_size * growth`` channels, BN-ReLU-3x3 conv) without biases, and
:func:`densenet121` has exactly the parameters of ``torchvision.models.densenet121``.
"""

from __future__ import annotations

# --8<-- [start:imports]
from collections import OrderedDict
from collections.abc import Sequence

import torch
from torch import nn

from dlnotes.modern_cnn.nin import ImageClassifier, _check_channels, check_images
from dlnotes.modern_cnn.resnet import _check_layout  # "d2l" or "torchvision"

# --8<-- [end:imports]

__all__ = [
    "DenseBlock",
    "conv_block",
    "densenet",
    "densenet121",
    "saved_activation_bytes",
    "transition_block",
]


# --8<-- [start:conv_block]
def conv_block(
    input_channels: int, num_channels: int, *, layout: str = "d2l", bn_size: int = 4
) -> nn.Sequential:
    """One layer of a dense block, in the pre-activation order BN-ReLU-conv.

    ``layout="d2l"``: BN, ReLU, 3x3 convolution (with bias) to ``num_channels``.
    ``layout="torchvision"`` (DenseNet-B): BN, ReLU, 1x1 convolution to
    ``bn_size * num_channels`` channels, BN, ReLU, 3x3 convolution to ``num_channels``,
    both without bias.

    Example:
        >>> [type(m).__name__ for m in conv_block(3, 10)]
        ['BatchNorm2d', 'ReLU', 'Conv2d']
        >>> [type(m).__name__ for m in conv_block(3, 10, layout="torchvision")]
        ['BatchNorm2d', 'ReLU', 'Conv2d', 'BatchNorm2d', 'ReLU', 'Conv2d']
    """
    _check_channels(input_channels, "input_channels")
    _check_channels(num_channels, "num_channels")
    _check_channels(bn_size, "bn_size")
    if _check_layout(layout) == "d2l":
        return nn.Sequential(
            nn.BatchNorm2d(input_channels),
            nn.ReLU(),
            nn.Conv2d(input_channels, num_channels, kernel_size=3, padding=1),
        )
    width = bn_size * num_channels  # the bottleneck: 4 * growth channels
    return nn.Sequential(
        nn.BatchNorm2d(input_channels),
        nn.ReLU(),
        nn.Conv2d(input_channels, width, kernel_size=1, bias=False),
        nn.BatchNorm2d(width),
        nn.ReLU(),
        nn.Conv2d(width, num_channels, kernel_size=3, padding=1, bias=False),
    )


# --8<-- [end:conv_block]


# --8<-- [start:DenseBlock]
class DenseBlock(nn.Module):
    """D2L's dense block: ``num_convs`` layers, each fed with everything before it.

    Args:
        num_convs: number of layers.
        input_channels: channels of the block's input.
        num_channels: the growth rate, the channels each layer adds.
        layout: ``"d2l"`` or ``"torchvision"`` (bottleneck layers), see :func:`conv_block`.
        bn_size: bottleneck width in multiples of the growth rate (torchvision layout).

    Example:
        >>> blk = DenseBlock(2, 3, 10)
        >>> blk(torch.zeros(4, 3, 8, 8)).shape  # 3 + 2 * 10 channels
        torch.Size([4, 23, 8, 8])
    """

    def __init__(
        self,
        num_convs: int,
        input_channels: int,
        num_channels: int,
        *,
        layout: str = "d2l",
        bn_size: int = 4,
    ) -> None:
        super().__init__()
        _check_channels(num_convs, "num_convs")
        _check_channels(input_channels, "input_channels")
        _check_channels(num_channels, "num_channels")
        self.input_channels = input_channels
        self.out_channels = input_channels + num_convs * num_channels
        self.net = nn.Sequential(
            *[
                # layer i sees the input and the i feature maps made before it
                conv_block(
                    input_channels + i * num_channels, num_channels, layout=layout, bn_size=bn_size
                )
                for i in range(num_convs)
            ]
        )

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        check_images(X, self.input_channels)  # (n, c_in, h, w)
        for blk in self.net:
            Y = blk(X)  # (n, growth, h, w)
            X = torch.cat((X, Y), dim=1)  # (n, c_in + (i + 1) growth, h, w)
        return X


# --8<-- [end:DenseBlock]


# --8<-- [start:transition_block]
def transition_block(
    input_channels: int, num_channels: int, *, layout: str = "d2l"
) -> nn.Sequential:
    """BN, ReLU, 1x1 convolution to ``num_channels``, 2x2 average pooling with stride 2.

    ``layout="torchvision"`` drops the convolution's bias.

    Example:
        >>> transition_block(23, 10)(torch.zeros(4, 23, 8, 8)).shape
        torch.Size([4, 10, 4, 4])
    """
    _check_channels(input_channels, "input_channels")
    _check_channels(num_channels, "num_channels")
    bias = _check_layout(layout) == "d2l"
    return nn.Sequential(
        nn.BatchNorm2d(input_channels),
        nn.ReLU(),
        nn.Conv2d(input_channels, num_channels, kernel_size=1, bias=bias),
        nn.AvgPool2d(kernel_size=2, stride=2),
    )


# --8<-- [end:transition_block]


# --8<-- [start:densenet]
def densenet(
    num_classes: int = 10,
    in_channels: int = 1,
    *,
    num_convs_in_dense_blocks: Sequence[int] = (4, 4, 4, 4),
    growth_rate: int = 32,
    num_init_channels: int = 64,
    layout: str = "d2l",
    stem: str = "imagenet",
) -> ImageClassifier:
    """A DenseNet: stem, dense blocks with transitions halving the channels, BN-ReLU, head.

    Args:
        num_classes: outputs of the final linear layer.
        in_channels: channels of the input images.
        num_convs_in_dense_blocks: layers per dense block; D2L uses ``(4, 4, 4, 4)``,
            DenseNet-121 ``(6, 12, 24, 16)``.
        growth_rate: channels added by every layer.
        num_init_channels: channels after the stem.
        layout: ``"d2l"`` (BN-ReLU-3x3 layers with biases) or ``"torchvision"``
            (bottleneck layers, no biases, torchvision's initialization).
        stem: ``"imagenet"``: 7x7 convolution with stride 2 + BN + ReLU + 3x3 max pooling
            with stride 2. ``"small"``: one 3x3 convolution with stride 1 + BN + ReLU.

    Example:
        >>> net = densenet(num_classes=10, in_channels=1)
        >>> net(torch.zeros(2, 1, 96, 96)).shape
        torch.Size([2, 10])
    """
    _check_channels(num_classes, "num_classes")
    _check_channels(in_channels, "in_channels")
    _check_channels(growth_rate, "growth_rate")
    _check_channels(num_init_channels, "num_init_channels")
    bias = _check_layout(layout) == "d2l"
    if isinstance(num_convs_in_dense_blocks, (str, bytes)) or not num_convs_in_dense_blocks:
        raise ValueError(
            f"num_convs_in_dense_blocks must list the layers per block, "
            f"got {num_convs_in_dense_blocks!r}"
        )
    c = num_init_channels
    if stem == "imagenet":  # (n, c, h / 4, w / 4)
        stem_layers = [
            nn.Conv2d(in_channels, c, kernel_size=7, stride=2, padding=3, bias=bias),
            nn.BatchNorm2d(c),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=3, stride=2, padding=1),
        ]
    elif stem == "small":  # (n, c, h, w)
        stem_layers = [
            nn.Conv2d(in_channels, c, kernel_size=3, padding=1, bias=bias),
            nn.BatchNorm2d(c),
            nn.ReLU(),
        ]
    else:
        raise ValueError(f"stem must be 'imagenet' or 'small', got {stem!r}")
    layers: OrderedDict[str, nn.Module] = OrderedDict(stem=nn.Sequential(*stem_layers))
    last = len(num_convs_in_dense_blocks) - 1
    for i, num_convs in enumerate(num_convs_in_dense_blocks):
        block = DenseBlock(num_convs, c, growth_rate, layout=layout)
        layers[f"block{i + 1}"] = block  # (n, c + num_convs * growth, h, w)
        c = block.out_channels
        if i != last:  # a transition halves the channels, the height and the width
            layers[f"trans{i + 1}"] = transition_block(c, c // 2, layout=layout)
            c = c // 2
    layers["norm"] = nn.BatchNorm2d(c)  # the layers are pre-activation: normalize the last
    layers["relu"] = nn.ReLU()
    layers["pool"] = nn.AdaptiveAvgPool2d((1, 1))  # (n, c, 1, 1)
    layers["flatten"] = nn.Flatten()  # (n, c)
    layers["fc"] = nn.Linear(c, num_classes)
    net = ImageClassifier(layers, in_channels=in_channels)
    if not bias:  # torchvision's initialization
        for m in net.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight)
            elif isinstance(m, nn.Linear):
                nn.init.zeros_(m.bias)
    return net


def densenet121(num_classes: int = 1000, in_channels: int = 3) -> ImageClassifier:
    """DenseNet-121: growth 32, blocks of 6, 12, 24 and 16 bottleneck layers, compression 0.5.

    121 = 1 (stem) + 2 * (6 + 12 + 24 + 16) (two convolutions per layer) + 3 (transitions)
    + 1 (the linear layer).

    Example:
        >>> with torch.device("meta"):  # count without allocating memory
        ...     net = densenet121()
        >>> sum(p.numel() for p in net.parameters())  # as torchvision's densenet121
        7978856
    """
    return densenet(
        num_classes,
        in_channels,
        num_convs_in_dense_blocks=(6, 12, 24, 16),
        growth_rate=32,
        num_init_channels=64,
        layout="torchvision",
    )


# --8<-- [end:densenet]


# --8<-- [start:saved_activation_bytes]
def saved_activation_bytes(module: nn.Module, X: torch.Tensor) -> int:
    """Bytes of the tensors autograd keeps for the backward pass of ``module(X)``.

    Every tensor that a forward operation saves for its backward is recorded through
    :func:`torch.autograd.graph.saved_tensors_hooks`; tensors sharing the same memory
    (the same storage) are counted once. Parameters are not counted.

    Example:
        >>> lin = nn.Linear(100, 10)
        >>> saved_activation_bytes(lin, torch.randn(8, 100))  # the input: 8 * 100 * 4 bytes
        3200
    """
    if not isinstance(module, nn.Module):
        raise TypeError(f"module must be an nn.Module, got {type(module).__name__}")
    if not isinstance(X, torch.Tensor) or not X.is_floating_point():
        raise TypeError("X must be a floating-point torch.Tensor")
    params = {p.untyped_storage().data_ptr() for p in module.parameters()}
    storages: dict[int, int] = {}

    def pack(t: torch.Tensor) -> torch.Tensor:
        s = t.untyped_storage()
        if s.data_ptr() not in params:
            storages[s.data_ptr()] = s.nbytes()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        out = module(X.detach().requires_grad_())  # keep the graph alive while counting
    del out
    return sum(storages.values())


# --8<-- [end:saved_activation_bytes]
