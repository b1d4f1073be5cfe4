"""GoogLeNet / Inception v1 (Szegedy et al., 2014) and the Inception v3 factorizations.

An Inception block runs four paths side by side on the same input (a 1x1 convolution; a
1x1 then a 3x3; a 1x1 then a 5x5; a 3x3 max pooling then a 1x1) and concatenates their
outputs along the channel axis. The 1x1 convolutions in front of the 3x3 and 5x5 are
bottlenecks: they shrink the channels before the expensive kernels. :func:`googlenet`
builds D2L's network, or, with ``layout="torchvision"``, a network with exactly the
layers (and parameter count) of ``torchvision.models.googlenet(aux_logits=False)``.
"""

from __future__ import annotations

# --8<-- [start:imports]
import copy
from collections.abc import Sequence

import torch
from torch import nn

from dlnotes.modern_cnn.nin import ImageClassifier, _check_channels, check_images

# --8<-- [end:imports]

__all__ = [
    "Inception",
    "conv_block",
    "factorized_conv",
    "googlenet",
    "load_state_by_position",
    "receptive_field",
]


# --8<-- [start:conv_block]
def conv_block(
    in_channels: int,
    out_channels: int,
    kernel_size: int | tuple[int, int],
    *,
    stride: int = 1,
    padding: int | tuple[int, int] = 0,
    batch_norm: bool = False,
) -> nn.Sequential:
    """Convolution + ReLU; with ``batch_norm``, convolution (no bias) + BatchNorm + ReLU.

    The BatchNorm variant is torchvision's ``BasicConv2d`` (``eps=0.001``): the bias of
    the convolution is dropped because BatchNorm subtracts the mean right after it.

    Example:
        >>> conv_block(3, 8, 3, padding=1)
        Sequential(
          (0): Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
          (1): ReLU()
        )
    """
    if batch_norm:
        return nn.Sequential(
            nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding, bias=False),
            nn.BatchNorm2d(out_channels, eps=0.001),
            nn.ReLU(),
        )
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding), nn.ReLU()
    )


# --8<-- [end:conv_block]


# --8<-- [start:Inception]
class Inception(nn.Module):
    """D2L's Inception block: four parallel paths, concatenated along the channels.

    Args:
        in_channels: channels of the input.
        c1: output channels of path 1 (a 1x1 convolution).
        c2: (bottleneck, output) channels of path 2 (1x1, then 3x3).
        c3: (bottleneck, output) channels of path 3 (1x1, then ``branch3_kernel``).
        c4: output channels of path 4 (3x3 max pooling, then 1x1).
        batch_norm: BatchNorm after every convolution (torchvision's layout).
        branch3_kernel: 5 as in the paper; torchvision uses 3 (see the GoogLeNet page).

    The output has ``c1 + c2[1] + c3[1] + c4`` channels and the input's height and width.

    Example:
        >>> blk = Inception(192, 64, (96, 128), (16, 32), 32)
        >>> blk(torch.zeros(1, 192, 28, 28)).shape  # 64 + 128 + 32 + 32 = 256 channels
        torch.Size([1, 256, 28, 28])
    """

    def __init__(
        self,
        in_channels: int,
        c1: int,
        c2: Sequence[int],
        c3: Sequence[int],
        c4: int,
        *,
        batch_norm: bool = False,
        branch3_kernel: int = 5,
    ) -> None:
        super().__init__()
        for value, name in [(in_channels, "in_channels"), (c1, "c1"), (c4, "c4")]:
            _check_channels(value, name)
        for pair, name in [(c2, "c2"), (c3, "c3")]:
            if isinstance(pair, (str, bytes)) or not isinstance(pair, Sequence) or len(pair) != 2:
                raise ValueError(f"{name} must be a pair (bottleneck, output), got {pair!r}")
            _check_channels(pair[0], f"{name}[0]")
            _check_channels(pair[1], f"{name}[1]")
        if branch3_kernel not in (3, 5):
            raise ValueError(f"branch3_kernel must be 3 or 5, got {branch3_kernel!r}")
        self.in_channels = in_channels
        self.out_channels = c1 + c2[1] + c3[1] + c4
        bn = batch_norm
        k3 = branch3_kernel
        # path 1: 1x1 convolution
        self.b1 = conv_block(in_channels, c1, 1, batch_norm=bn)
        # path 2: 1x1 bottleneck, then 3x3
        self.b2 = nn.Sequential(
            conv_block(in_channels, c2[0], 1, batch_norm=bn),
            conv_block(c2[0], c2[1], 3, padding=1, batch_norm=bn),
        )
        # path 3: 1x1 bottleneck, then 5x5 (3x3 in torchvision)
        self.b3 = nn.Sequential(
            conv_block(in_channels, c3[0], 1, batch_norm=bn),
            conv_block(c3[0], c3[1], k3, padding=k3 // 2, batch_norm=bn),
        )
        # path 4: 3x3 max pooling (stride 1, keeps the size), then 1x1 projection
        self.b4 = nn.Sequential(
            nn.MaxPool2d(3, stride=1, padding=1),
            conv_block(in_channels, c4, 1, batch_norm=bn),
        )

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        check_images(X, self.in_channels)  # (n, in_channels, h, w)
        paths = [self.b1(X), self.b2(X), self.b3(X), self.b4(X)]  # each (n, c_i, h, w)
        return torch.cat(paths, dim=1)  # (n, c1 + c2[1] + c3[1] + c4, h, w)


# --8<-- [end:Inception]


# --8<-- [start:googlenet]
def googlenet(
    num_classes: int = 10, in_channels: int = 1, *, layout: str = "d2l"
) -> ImageClassifier:
    """GoogLeNet: a stem, nine Inception blocks in three stages, global average pooling.

    Args:
        num_classes: outputs of the final linear layer.
        in_channels: channels of the input images.
        layout: ``"d2l"``: D2L's network (convolutions with biases, no BatchNorm, 5x5 in
            path 3, padded max pooling). ``"torchvision"``: the layers of
            ``torchvision.models.googlenet(aux_logits=False)``: BatchNorm after every
            convolution, 3x3 in path 3, ``ceil_mode`` max pooling, a 2x2 pooling before
            the last stage and dropout 0.2 before the classifier.

    Example:
        >>> net = googlenet(num_classes=10, in_channels=1)
        >>> net(torch.zeros(1, 1, 96, 96)).shape
        torch.Size([1, 10])
    """
    if layout not in ("d2l", "torchvision"):
        raise ValueError(f"layout must be 'd2l' or 'torchvision', got {layout!r}")
    _check_channels(num_classes, "num_classes")
    _check_channels(in_channels, "in_channels")
    tv = layout == "torchvision"
    bn, k3 = tv, 3 if tv else 5

    def pool(kernel_size: int = 3) -> nn.MaxPool2d:  # halves the height and width
        if tv:
            return nn.MaxPool2d(kernel_size, stride=2, ceil_mode=True)
        return nn.MaxPool2d(3, stride=2, padding=1)

    def inception(*args: int | tuple[int, int]) -> Inception:
        return Inception(*args, batch_norm=bn, branch3_kernel=k3)

    b1 = nn.Sequential(  # stem, part 1: (n, 64, h/4, w/4)
        *conv_block(in_channels, 64, 7, stride=2, padding=3, batch_norm=bn), pool()
    )
    b2 = nn.Sequential(  # stem, part 2: (n, 192, h/8, w/8)
        *conv_block(64, 64, 1, batch_norm=bn),
        *conv_block(64, 192, 3, padding=1, batch_norm=bn),
        pool(),
    )
    b3 = nn.Sequential(  # (n, 480, h/16, w/16)
        inception(192, 64, (96, 128), (16, 32), 32),
        inception(256, 128, (128, 192), (32, 96), 64),
        pool(),
    )
    b4 = nn.Sequential(  # (n, 832, h/32, w/32)
        inception(480, 192, (96, 208), (16, 48), 64),
        inception(512, 160, (112, 224), (24, 64), 64),
        inception(512, 128, (128, 256), (24, 64), 64),
        inception(512, 112, (144, 288), (32, 64), 64),
        inception(528, 256, (160, 320), (32, 128), 128),
        pool(2),  # torchvision: 2x2; D2L: 3x3 with padding 1, the same output size
    )
    b5 = nn.Sequential(  # (n, 1024)
        inception(832, 256, (160, 320), (32, 128), 128),
        inception(832, 384, (192, 384), (48, 128), 128),
        nn.AdaptiveAvgPool2d((1, 1)),
        nn.Flatten(),
    )
    head = [nn.Dropout(0.2)] if tv else []
    return ImageClassifier(
        b1, b2, b3, b4, b5, *head, nn.Linear(1024, num_classes), in_channels=in_channels
    )


# --8<-- [end:googlenet]


# --8<-- [start:load_state_by_position]
@torch.no_grad()
def load_state_by_position(target: nn.Module, source: nn.Module) -> None:
    """Copy ``source``'s parameters and buffers into ``target``, matched by position.

    The two state dicts must list the same number of entries with the same shapes in the
    same order; their names may differ (``b1.0.0.weight`` vs ``conv1.conv.weight``).

    Example:
        >>> a, b = nn.Sequential(nn.Linear(3, 2)), nn.Sequential(nn.Linear(3, 2))
        >>> load_state_by_position(a, b)
        >>> torch.equal(a[0].weight, b[0].weight)
        True
    """
    for module, name in [(target, "target"), (source, "source")]:
        if not isinstance(module, nn.Module):
            raise TypeError(f"{name} must be an nn.Module, got {type(module).__name__}")
    ours, theirs = target.state_dict(), source.state_dict()
    if len(ours) != len(theirs):
        raise ValueError(
            f"target has {len(ours)} state entries but source has {len(theirs)}: the layouts differ"
        )
    for (k1, v1), (k2, v2) in zip(ours.items(), theirs.items(), strict=True):
        if v1.shape != v2.shape:
            raise ValueError(
                f"shape mismatch: target {k1} {tuple(v1.shape)} vs source {k2} {tuple(v2.shape)}"
            )
    target.load_state_dict(dict(zip(ours.keys(), theirs.values(), strict=True)))


# --8<-- [end:load_state_by_position]


# --8<-- [start:factorized_conv]
def factorized_conv(channels: int, kernel_size: int, how: str = "full") -> nn.Sequential:
    """An n x n convolution (``channels`` in and out, same padding), plain or factorized.

    ``how="full"``: one n x n convolution. ``how="3x3"``: (n - 1) / 2 stacked 3x3
    convolutions (Inception v2/v3: a 5x5 becomes two 3x3). ``how="asymmetric"``: a 1 x n
    then an n x 1 convolution (Inception v3). Every convolution is followed by a ReLU.
    All three see an n x n window of the input; the weight counts are
    n^2 C^2, 9 (n - 1)/2 C^2 and 2n C^2 (plus biases).

    Example:
        >>> [sum(p.numel() for p in factorized_conv(8, 5, how).parameters())
        ...  for how in ("full", "3x3", "asymmetric")]
        [1608, 1168, 656]
    """
    _check_channels(channels, "channels")
    if isinstance(kernel_size, bool) or not isinstance(kernel_size, int) or kernel_size < 3:
        raise ValueError(f"kernel_size must be an int >= 3, got {kernel_size!r}")
    if kernel_size % 2 == 0:
        raise ValueError(f"kernel_size must be odd (for 'same' padding), got {kernel_size}")
    n, p, c = kernel_size, kernel_size // 2, channels
    if how == "full":
        return conv_block(c, c, n, padding=p)
    if how == "3x3":
        return nn.Sequential(*[layer for _ in range(p) for layer in conv_block(c, c, 3, padding=1)])
    if how == "asymmetric":
        return nn.Sequential(
            *conv_block(c, c, (1, n), padding=(0, p)),  # 1 x n: along the width
            *conv_block(c, c, (n, 1), padding=(p, 0)),  # n x 1: along the height
        )
    raise ValueError(f"how must be 'full', '3x3' or 'asymmetric', got {how!r}")


# --8<-- [end:factorized_conv]


# --8<-- [start:receptive_field]
def receptive_field(net: nn.Module, channels: int, size: int = 15) -> torch.Tensor:
    """How much each input pixel reaches the centre output pixel of ``net``: (size, size).

    ``net`` must be built from convolutions and element-wise activations (no pooling).
    A copy of it gets all-positive weights and zero biases, so that every ReLU passes
    every path; the gradient of the centre output with respect to an all-ones input is
    then non-zero exactly on the receptive field, and its value counts the paths from
    each input pixel to the output (each weighted by the product of the weights).

    Example:
        >>> rf = receptive_field(nn.Conv2d(1, 1, 3, padding=1), channels=1, size=5)
        >>> (rf > 0).int()
        tensor([[0, 0, 0, 0, 0],
                [0, 1, 1, 1, 0],
                [0, 1, 1, 1, 0],
                [0, 1, 1, 1, 0],
                [0, 0, 0, 0, 0]], dtype=torch.int32)
    """
    if not isinstance(net, nn.Module):
        raise TypeError(f"net must be an nn.Module, got {type(net).__name__}")
    if any(
        isinstance(m, (nn.MaxPool2d, nn.AvgPool2d, nn.AdaptiveAvgPool2d)) for m in net.modules()
    ):
        raise ValueError("receptive_field supports convolutions and activations, not pooling")
    probe = copy.deepcopy(net).eval()
    with torch.no_grad():
        for m in probe.modules():
            if isinstance(m, nn.Conv2d):
                m.weight.fill_(1.0 / m.weight[0].numel())
                if m.bias is not None:
                    m.bias.zero_()
    X = torch.ones(1, channels, size, size, requires_grad=True)
    Y = probe(X)  # (1, c_out, h', w')
    Y[0, :, Y.shape[2] // 2, Y.shape[3] // 2].sum().backward()
    return X.grad[0].sum(dim=0)  # (size, size), summed over the input channels


# --8<-- [end:receptive_field]
