"""AlexNet (Krizhevsky, Sutskever and Hinton, 2012) in D2L's and in torchvision's layout.

* ``alexnet()`` is D2L's single-GPU AlexNet for 224x224 images: five convolutions
  (96-256-384-384-256 channels) and three fully connected layers, as one ``nn.Sequential``.
  Its first ``nn.Linear`` expects exactly 256 x 5 x 5 features, so it accepts only inputs
  of 193 to 224 pixels per side; it says so instead of failing inside a layer.
* ``alexnet(variant="torchvision")`` is the layout of ``torchvision.models.alexnet``, the
  single-column network of "One weird trick for parallelizing convolutional neural
  networks" (Krizhevsky, 2014): 64-192-384-256-256 channels and an
  ``nn.AdaptiveAvgPool2d((6, 6))`` before the classifier. It has the same modules under the
  same names as torchvision's, so the two load each other's ``state_dict``.
* ``ImageNetClassifier`` is that ``features -> avgpool -> flatten -> classifier`` layout
  (torchvision's AlexNet and VGG); ``feature_map_size`` and ``input_size_range`` do the
  output-size arithmetic behind the input checks.
"""

from __future__ import annotations

# --8<-- [start:imports]
import torch
from torch import nn

from dlnotes.modern_cnn.nin import check_images

# --8<-- [end:imports]

__all__ = [
    "ALEXNET_VARIANTS",
    "ImageNetClassifier",
    "SizedSequential",
    "alexnet",
    "feature_map_size",
    "input_size_range",
]


# --8<-- [start:helpers]
def _check_int(value: object, name: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return value


def _check_dropout(p: object) -> float:
    if isinstance(p, bool) or not isinstance(p, (int, float)):
        raise TypeError(f"dropout must be a float, got {type(p).__name__}")
    if not 0 <= p < 1:
        raise ValueError(f"dropout must be in [0, 1), got {p}")
    return float(p)


# --8<-- [end:helpers]


# --8<-- [start:sizes]
def _square(value: int | tuple[int, ...], name: str) -> int:
    if isinstance(value, tuple):  # nn.Conv2d stores (kh, kw); the networks here are square
        if len(set(value)) != 1:
            raise ValueError(f"only square {name}s are supported, got {value}")
        return value[0]
    return value


def feature_map_size(net: nn.Module, size: int) -> int:
    """Side length of the feature maps after the convolutions and poolings of ``net``.

    Applies ``floor((n + 2p - d(k - 1) - 1) / s) + 1`` for every ``nn.Conv2d``,
    ``nn.MaxPool2d`` and ``nn.AvgPool2d`` in ``net``, in the order of ``net.modules()``
    (the execution order, for nested ``nn.Sequential`` containers). Other layers keep the
    size; the walk stops at an adaptive pooling, whose output size is fixed.

    Returns:
        The side length, or 0 if the feature maps vanish on the way (some window no
        longer fits), which PyTorch reports as a RuntimeError.

    Example:
        >>> feature_map_size(nn.Sequential(nn.Conv2d(1, 1, 3), nn.MaxPool2d(2)), 8)  # 8 -> 6 -> 3
        3
        >>> feature_map_size(nn.MaxPool2d(3, stride=2), 2)  # a 3x3 window does not fit
        0
    """
    if not isinstance(net, nn.Module):
        raise TypeError(f"net must be an nn.Module, got {type(net).__name__}")
    n = _check_int(size, "size")
    for m in net.modules():
        if isinstance(m, (nn.AdaptiveAvgPool2d, nn.AdaptiveMaxPool2d)):
            break
        if not isinstance(m, (nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d)):
            continue
        if getattr(m, "ceil_mode", False):
            raise ValueError(f"pooling with ceil_mode=True is not supported, got {m}")
        if m.padding == "same":  # keeps the size (PyTorch allows it with stride 1 only)
            continue
        k = _square(m.kernel_size, "kernel")
        s = _square(m.stride, "stride")
        p = 0 if m.padding == "valid" else _square(m.padding, "padding")
        d = _square(getattr(m, "dilation", 1), "dilation")
        span = n + 2 * p - d * (k - 1) - 1  # room for the window to slide
        if span < 0:
            return 0
        n = span // s + 1
    return n


def input_size_range(
    net: nn.Module, final_size: int | None = None, limit: int = 4096
) -> tuple[int, int | None]:
    """The side lengths ``net`` accepts: ``(smallest, largest)``, ``largest`` None if unbounded.

    Without ``final_size``, an input is accepted if its feature maps do not vanish; with
    it, they must come out exactly ``final_size`` pixels wide (a network whose first
    ``nn.Linear`` expects a fixed number of features). Sizes are searched up to ``limit``.

    Example:
        >>> input_size_range(nn.Sequential(nn.Conv2d(1, 1, 5), nn.MaxPool2d(2)))
        (6, None)
        >>> input_size_range(nn.Sequential(nn.Conv2d(1, 1, 5), nn.MaxPool2d(2)), final_size=4)
        (12, 13)
    """
    if final_size is not None:
        _check_int(final_size, "final_size")
    ok = []  # the output size never shrinks as the input grows: stop once past the goal
    for n in range(1, _check_int(limit, "limit") + 1):
        out = feature_map_size(net, n)
        if final_size is None and out > 0:
            return n, None
        if final_size is not None and out == final_size:
            ok.append(n)
        if final_size is not None and out > final_size:
            break
    if not ok:
        raise ValueError(f"no input size up to {limit} gives the required feature maps")
    return ok[0], ok[-1]


def _check_size(X: torch.Tensor, sizes: tuple[int, int | None], label: str) -> None:
    lo, hi = sizes
    h, w = X.shape[-2:]
    if min(h, w) < lo or (hi is not None and max(h, w) > hi):
        if hi is None:
            need = f"at least {lo}x{lo} pixels (smaller feature maps vanish in its poolings)"
        else:
            need = f"{lo}x{lo} to {hi}x{hi} pixels (its first Linear expects a fixed size)"
        raise ValueError(
            f"{label} needs images of {need}, got {h}x{w}; resize them, e.g. to 224x224"
        )


# --8<-- [end:sizes]


# --8<-- [start:classifier]
class SizedSequential(nn.Sequential):
    """An ``nn.Sequential`` that checks its input: ``(n, in_channels, h, w)`` within ``sizes``.

    ``in_channels`` and ``sizes`` are set by the function that builds the network; a slice
    such as ``net[:3]`` is a plain ``SizedSequential`` without them and checks nothing.
    """

    in_channels: int | None = None
    sizes: tuple[int, int | None] | None = None
    label: str = "the network"  # for error messages

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        if self.in_channels is not None and self.sizes is not None:
            check_images(X, self.in_channels)
            _check_size(X, self.sizes, self.label)
        return super().forward(X)


class ImageNetClassifier(nn.Module):
    """``features -> avgpool -> flatten -> classifier``: torchvision's AlexNet and VGG layout.

    The attribute names are torchvision's, so a ``state_dict`` with the same layers in the
    same order loads into either. The input is checked first: its channels, and a size for
    which the feature maps do not vanish before the adaptive average pooling.

    Example:
        >>> net = ImageNetClassifier(
        ...     nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU()), nn.AdaptiveAvgPool2d((2, 2)),
        ...     nn.Linear(4 * 2 * 2, 10), in_channels=1)
        >>> net(torch.zeros(5, 1, 8, 8)).shape, net.sizes
        (torch.Size([5, 10]), (3, None))
    """

    def __init__(
        self,
        features: nn.Module,
        avgpool: nn.Module,
        classifier: nn.Module,
        *,
        in_channels: int,
        label: str = "the network",
    ) -> None:
        super().__init__()
        parts = [(features, "features"), (avgpool, "avgpool"), (classifier, "classifier")]
        for module, name in parts:
            if not isinstance(module, nn.Module):
                raise TypeError(f"{name} must be an nn.Module, got {type(module).__name__}")
        self.features = features  # convolutions and poolings: (n, c, h, w) -> (n, c', h', w')
        self.avgpool = avgpool  # adaptive: (n, c', h', w') -> (n, c', 6, 6) or (n, c', 7, 7)
        self.classifier = classifier  # fully connected layers on the flattened maps
        self.in_channels = _check_int(in_channels, "in_channels")
        self.sizes = input_size_range(features)  # (smallest side, None)
        self.label = label  # for error messages

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        check_images(X, self.in_channels)
        _check_size(X, self.sizes, self.label)
        X = self.features(X)
        X = self.avgpool(X)
        X = torch.flatten(X, 1)  # (n, c' * 6 * 6)
        return self.classifier(X)


# --8<-- [end:classifier]


# --8<-- [start:alexnet]
ALEXNET_VARIANTS = ("d2l", "torchvision")


def alexnet(
    num_classes: int = 1000, in_channels: int = 3, *, variant: str = "d2l", dropout: float = 0.5
) -> SizedSequential | ImageNetClassifier:
    """AlexNet for ``(n, in_channels, 224, 224)`` images, returning ``(n, num_classes)`` logits.

    Args:
        num_classes: outputs of the last layer.
        in_channels: channels of the input images (D2L uses 1 for Fashion-MNIST).
        variant: ``"d2l"``: D2L's single-GPU AlexNet, an ``nn.Sequential`` for inputs of
            193 to 224 pixels per side. ``"torchvision"``: the layout of
            ``torchvision.models.alexnet`` (Krizhevsky, 2014), any input of at least
            63x63 pixels.
        dropout: the dropout probability before the second and third fully connected
            layers (``"d2l"``), or before the first and second (``"torchvision"``).

    Example:
        >>> net = alexnet(num_classes=10, in_channels=1)
        >>> net(torch.zeros(2, 1, 224, 224)).shape
        torch.Size([2, 10])
        >>> net.sizes, alexnet(variant="torchvision").sizes
        ((193, 224), (63, None))
    """
    _check_int(num_classes, "num_classes", minimum=2)
    _check_int(in_channels, "in_channels")
    p = _check_dropout(dropout)
    if variant == "d2l":
        net = SizedSequential(
            # (n, c, 224, 224) -> (n, 96, 54, 54): large 11x11 windows, stride 4
            nn.Conv2d(in_channels, 96, kernel_size=11, stride=4, padding=1), nn.ReLU(),
            nn.MaxPool2d(kernel_size=3, stride=2),  # (n, 96, 26, 26): overlapping windows
            nn.Conv2d(96, 256, kernel_size=5, padding=2), nn.ReLU(),  # (n, 256, 26, 26)
            nn.MaxPool2d(kernel_size=3, stride=2),  # (n, 256, 12, 12)
            nn.Conv2d(256, 384, kernel_size=3, padding=1), nn.ReLU(),  # (n, 384, 12, 12)
            nn.Conv2d(384, 384, kernel_size=3, padding=1), nn.ReLU(),  # (n, 384, 12, 12)
            nn.Conv2d(384, 256, kernel_size=3, padding=1), nn.ReLU(),  # (n, 256, 12, 12)
            nn.MaxPool2d(kernel_size=3, stride=2),  # (n, 256, 5, 5)
            nn.Flatten(),  # (n, 6400)
            nn.Linear(256 * 5 * 5, 4096), nn.ReLU(), nn.Dropout(p),  # (n, 4096)
            nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(p),  # (n, 4096)
            nn.Linear(4096, num_classes),  # (n, num_classes)
        )  # fmt: skip
        net.in_channels = in_channels
        net.sizes = input_size_range(net, final_size=5)  # the 6400 features of the first fc
        net.label = "alexnet(variant='d2l')"
        return net
    if variant == "torchvision":
        features = nn.Sequential(  # ReLU(inplace=True) as torchvision: same values, less memory
            nn.Conv2d(in_channels, 64, kernel_size=11, stride=4, padding=2),  # (n, 64, 55, 55)
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),  # (n, 64, 27, 27)
            nn.Conv2d(64, 192, kernel_size=5, padding=2),  # (n, 192, 27, 27)
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),  # (n, 192, 13, 13)
            nn.Conv2d(192, 384, kernel_size=3, padding=1),  # (n, 384, 13, 13)
            nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, kernel_size=3, padding=1),  # (n, 256, 13, 13)
            nn.ReLU(inplace=True),
            nn.Conv2d(256, 256, kernel_size=3, padding=1),  # (n, 256, 13, 13)
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),  # (n, 256, 6, 6)
        )  # fmt: skip
        classifier = nn.Sequential(  # on the (n, 256 * 6 * 6) flattened maps
            nn.Dropout(p), nn.Linear(256 * 6 * 6, 4096), nn.ReLU(inplace=True),
            nn.Dropout(p), nn.Linear(4096, 4096), nn.ReLU(inplace=True),
            nn.Linear(4096, num_classes),
        )  # fmt: skip
        return ImageNetClassifier(
            features,
            nn.AdaptiveAvgPool2d((6, 6)),
            classifier,
            in_channels=in_channels,
            label="alexnet(variant='torchvision')",
        )
    raise ValueError(f"variant must be one of {ALEXNET_VARIANTS}, got {variant!r}")


# --8<-- [end:alexnet]
