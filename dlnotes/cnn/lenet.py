"""LeNet-5 (LeCun et al., 1998) as in D2L: an ``nn.Sequential`` of two convolutional
blocks and three fully connected layers, for 1x28x28 images.

* ``lenet("classic")`` is D2L's version: sigmoid activations and average pooling;
  ``lenet("modern")`` has the same layers and parameters with ReLU and max pooling.
  Both return a ``LeNet``, an ``nn.Sequential`` that first checks the shape of its input,
  so a wrong image size fails with a message instead of a matrix-size error deep inside.
* ``digits_to_28x28`` upsamples the 8x8 offline digits to LeNet's 28x28 input, and
  ``load_data_digits_28`` hands them out as loaders (the same split as
  ``dlnotes.data.digits.load_data_digits``).
* ``train_digits`` trains any network on such loaders with Adam and the shared
  ``dlnotes.train.Trainer``, recording the test accuracy after every epoch.
"""

from __future__ import annotations

# --8<-- [start:imports]
import torch
from torch import nn
from torch.nn import functional as F
from torch.utils.data import DataLoader

from dlnotes._checks import check_positive, check_tensor
from dlnotes.data.arrays import load_array
from dlnotes.data.digits import load_digits_tensors
from dlnotes.train import Trainer, top1_accuracy

# --8<-- [end:imports]

__all__ = ["VARIANTS", "LeNet", "digits_to_28x28", "lenet", "load_data_digits_28", "train_digits"]


# --8<-- [start:lenet]
VARIANTS = {  # variant -> (activation, pooling)
    "classic": (nn.Sigmoid, nn.AvgPool2d),  # D2L's LeNet (LeCun et al. used scaled tanh)
    "modern": (nn.ReLU, nn.MaxPool2d),  # what one would write today
}


class LeNet(nn.Sequential):
    """An ``nn.Sequential`` that checks the (channels, height, width) of its input.

    ``input_shape`` is set by :func:`lenet`; a slice such as ``net[:3]`` is a plain
    ``LeNet`` without it and checks nothing.
    """

    input_shape: tuple[int, int, int] | None = None

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        if self.input_shape is not None:
            check_tensor(X, "X", floating=True)
            if X.dim() != 4 or tuple(X.shape[1:]) != self.input_shape:
                c, h, w = self.input_shape
                raise ValueError(
                    f"LeNet expects a batch of shape (n, {c}, {h}, {w}), got {tuple(X.shape)}; "
                    f"resize or pad the images to {h}x{w} first (e.g. digits_to_28x28)"
                )
        return super().forward(X)


def lenet(variant: str = "classic", num_classes: int = 10) -> LeNet:
    """LeNet-5 for ``(n, 1, 28, 28)`` images, returning ``(n, num_classes)`` logits.

    Args:
        variant: ``"classic"`` (sigmoid, average pooling, as in D2L) or ``"modern"``
            (ReLU, max pooling); the layers and parameter counts are the same.
        num_classes: outputs of the last layer.

    Example:
        >>> net = lenet("modern")
        >>> net(torch.zeros(2, 1, 28, 28)).shape
        torch.Size([2, 10])
        >>> sum(p.numel() for p in net.parameters())
        61706
    """
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {sorted(VARIANTS)}, got {variant!r}")
    if isinstance(num_classes, bool) or not isinstance(num_classes, int):
        raise TypeError(f"num_classes must be an int, got {type(num_classes).__name__}")
    if num_classes < 2:
        raise ValueError(f"num_classes must be >= 2, got {num_classes}")
    Act, Pool = VARIANTS[variant]
    net = LeNet(
        # block 1: (n, 1, 28, 28) -> conv (n, 6, 28, 28) -> pool (n, 6, 14, 14)
        nn.Conv2d(1, 6, kernel_size=5, padding=2), Act(),
        Pool(kernel_size=2, stride=2),
        # block 2: -> conv (n, 16, 10, 10) -> pool (n, 16, 5, 5)
        nn.Conv2d(6, 16, kernel_size=5), Act(),
        Pool(kernel_size=2, stride=2),
        nn.Flatten(),  # (n, 16 * 5 * 5) = (n, 400)
        nn.Linear(16 * 5 * 5, 120), Act(),  # (n, 120)
        nn.Linear(120, 84), Act(),  # (n, 84)
        nn.Linear(84, num_classes),  # (n, num_classes): logits
    )  # fmt: skip
    net.input_shape = (1, 28, 28)
    return net


# --8<-- [end:lenet]


# --8<-- [start:digits]
def digits_to_28x28(X: torch.Tensor) -> torch.Tensor:
    """Upsample 8x8 digits, ``(n, 64)`` or ``(n, 1, 8, 8)``, to ``(n, 1, 28, 28)``.

    Bilinear interpolation by a factor 3.5 keeps the digit filling the frame, so
    LeNet's 5x5 kernels and 2x2 pooling see strokes of a few pixels' width, as on MNIST.

    Example:
        >>> digits_to_28x28(torch.rand(3, 64)).shape
        torch.Size([3, 1, 28, 28])
    """
    check_tensor(X, "X", ndim=(2, 4), floating=True)
    if tuple(X.shape[1:]) not in ((64,), (1, 8, 8)):
        raise ValueError(f"X must have shape (n, 64) or (n, 1, 8, 8), got {tuple(X.shape)}")
    X = X.reshape(len(X), 1, 8, 8)  # (n, 1, 8, 8)
    return F.interpolate(X, size=(28, 28), mode="bilinear", align_corners=False)


def load_data_digits_28(
    batch_size: int, test_size: float = 0.2, seed: int = 0
) -> tuple[DataLoader, DataLoader]:
    """``(train_iter, test_iter)`` of digits upsampled to 28x28 (the split of ``seed``).

    The images are upsampled once, up front, not in every batch.

    Example:
        >>> train_iter, test_iter = load_data_digits_28(batch_size=32)
        >>> X, y = next(iter(train_iter))
        >>> X.shape, len(train_iter.dataset), len(test_iter.dataset)
        (torch.Size([32, 1, 28, 28]), 1437, 360)
    """
    X_train, X_test, y_train, y_test = load_digits_tensors(test_size, seed, flatten=False)
    generator = torch.Generator().manual_seed(seed)  # reproducible shuffling
    train_iter = load_array(
        (digits_to_28x28(X_train), y_train), batch_size, is_train=True, generator=generator
    )
    test_iter = load_array((digits_to_28x28(X_test), y_test), batch_size, is_train=False)
    return train_iter, test_iter


# --8<-- [end:digits]


# --8<-- [start:train_digits]
def train_digits(
    net: nn.Module,
    train_iter: DataLoader,
    test_iter: DataLoader,
    *,
    epochs: int,
    lr: float,
) -> Trainer:
    """Train ``net`` with Adam and cross-entropy on the CPU through the shared ``Trainer``.

    After every epoch the test loss and accuracy are recorded (``trainer.history``); they
    are only watched, nothing is chosen with them.

    Example:
        >>> from dlnotes.data.digits import load_data_digits
        >>> train_iter, test_iter = load_data_digits(batch_size=64)
        >>> trainer = train_digits(nn.Linear(64, 10), train_iter, test_iter, epochs=2, lr=0.01)
        >>> trainer.history["epoch"], trainer.history["val_acc"][-1] > 0.5
        ([1, 2], True)
    """
    if not isinstance(net, nn.Module):
        raise TypeError(f"net must be an nn.Module, got {type(net).__name__}")
    check_positive(lr, "lr")
    optimizer = torch.optim.Adam(net.parameters(), lr=lr)
    trainer = Trainer(net, optimizer, F.cross_entropy, device="cpu", metrics={"acc": top1_accuracy})
    trainer.fit(train_iter, epochs=epochs, val_loader=test_iter)
    return trainer


# --8<-- [end:train_digits]
