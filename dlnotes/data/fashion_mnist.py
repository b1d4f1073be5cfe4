"""Fashion-MNIST: the real loader (it downloads) and an offline stand-in of the same shape.

Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017) has 60,000 training and 10,000 test
images of clothing, 28x28 grayscale, in 10 classes. ``load_data_fashion_mnist`` is D2L's
loader: it downloads the files with torchvision (about 30 MB) the first time, so the tests
never call it with valid arguments; its arguments are checked BEFORE anything touches the
network. ``synthetic_fashion_mnist`` makes random tensors with exactly the shapes and dtypes
of the real batches, for examples that only need shapes.
"""

from __future__ import annotations

# --8<-- [start:imports]
import os
from collections.abc import Iterable

import torch
from torch.utils.data import DataLoader

from dlnotes._checks import check_tensor

# --8<-- [end:imports]

__all__ = [
    "FASHION_MNIST_CLASSES",
    "get_fashion_mnist_labels",
    "load_data_fashion_mnist",
    "synthetic_fashion_mnist",
]

# --8<-- [start:classes]
FASHION_MNIST_CLASSES: tuple[str, ...] = (
    "t-shirt",
    "trouser",
    "pullover",
    "dress",
    "coat",
    "sandal",
    "shirt",
    "sneaker",
    "bag",
    "ankle boot",
)  # label i is FASHION_MNIST_CLASSES[i]
# --8<-- [end:classes]


# --8<-- [start:get_labels]
def get_fashion_mnist_labels(labels: torch.Tensor | Iterable[int]) -> list[str]:
    """Text names of Fashion-MNIST labels.

    Args:
        labels: class indices in ``[0, 9]``: a 0-D/1-D integer tensor or an iterable of ints.

    Returns:
        One class name per label.

    Example:
        >>> import torch
        >>> from dlnotes.data.fashion_mnist import get_fashion_mnist_labels
        >>> get_fashion_mnist_labels(torch.tensor([0, 9, 5]))
        ['t-shirt', 'ankle boot', 'sandal']
    """
    if isinstance(labels, torch.Tensor):
        check_tensor(labels, "labels", ndim=(0, 1), integer=True)
        labels = labels.reshape(-1).tolist()
    out = []
    for i in labels:
        if isinstance(i, bool) or not isinstance(i, int):
            raise TypeError(f"labels must be ints, got {type(i).__name__}")
        if not 0 <= i < len(FASHION_MNIST_CLASSES):
            raise ValueError(f"labels must lie in [0, 9], got {i}")
        out.append(FASHION_MNIST_CLASSES[i])
    return out


# --8<-- [end:get_labels]


# --8<-- [start:load_data_fashion_mnist]
def load_data_fashion_mnist(
    batch_size: int,
    resize: int | tuple[int, int] | None = None,
    root: str = "~/.cache/dlnotes",
    num_workers: int = 0,
) -> tuple[DataLoader, DataLoader]:
    """Download Fashion-MNIST (first call only) and return ``(train_iter, test_iter)``.

    Each batch is ``(X, y)`` with ``X`` float32 of shape ``(batch_size, 1, 28, 28)``
    (or the ``resize`` size) in ``[0, 1]`` and ``y`` int64 class indices. The training
    loader shuffles; the test loader keeps the file order.

    Args:
        batch_size: examples per batch (``>= 1``).
        resize: optional side length (or ``(height, width)``) to resize images to.
        root: directory for the downloaded files (``~`` is expanded).
        num_workers: background worker processes for loading (0: load in the main process).

    Returns:
        ``(train_iter, test_iter)``, two ``DataLoader`` objects.

    Example:
        >>> from dlnotes.data.fashion_mnist import load_data_fashion_mnist
        >>> load_data_fashion_mnist(0)  # checked before any download
        Traceback (most recent call last):
        ...
        ValueError: batch_size must be >= 1, got 0
    """
    # Every check runs before the network is touched.
    if isinstance(batch_size, bool) or not isinstance(batch_size, int):
        raise TypeError(f"batch_size must be an int, got {type(batch_size).__name__}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    if resize is not None:
        sizes = resize if isinstance(resize, tuple) else (resize,)
        if len(sizes) not in (1, 2) or any(
            isinstance(s, bool) or not isinstance(s, int) or s < 1 for s in sizes
        ):
            raise ValueError(f"resize must be a positive int or (height, width), got {resize!r}")
    if isinstance(num_workers, bool) or not isinstance(num_workers, int) or num_workers < 0:
        raise ValueError(f"num_workers must be an int >= 0, got {num_workers!r}")
    if not isinstance(root, (str, os.PathLike)):
        raise TypeError(f"root must be a path, got {type(root).__name__}")

    import torchvision  # imported here: the rest of dlnotes does not need it
    from torchvision import transforms

    trans = [transforms.ToTensor()]  # PIL uint8 (28, 28) in 0..255 -> float (1, 28, 28) in [0, 1]
    if resize is not None:
        trans.insert(0, transforms.Resize(resize))
    trans = transforms.Compose(trans)
    root = os.path.expanduser(root)
    mnist_train = torchvision.datasets.FashionMNIST(
        root=root, train=True, transform=trans, download=True
    )
    mnist_test = torchvision.datasets.FashionMNIST(
        root=root, train=False, transform=trans, download=True
    )
    return (
        DataLoader(mnist_train, batch_size, shuffle=True, num_workers=num_workers),
        DataLoader(mnist_test, batch_size, shuffle=False, num_workers=num_workers),
    )


# --8<-- [end:load_data_fashion_mnist]


# --8<-- [start:synthetic_fashion_mnist]
def synthetic_fashion_mnist(
    n: int, generator: torch.Generator | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """Random stand-ins with the shapes and dtypes of Fashion-MNIST (NO real content).

    Use them where only shapes matter (wiring a model, testing a loop) and no
    download is possible. A model cannot learn anything useful from them.

    Args:
        n: number of examples (``>= 1``).
        generator: optional ``torch.Generator`` for reproducible tensors.

    Returns:
        ``X`` float32 of shape ``(n, 1, 28, 28)`` with values in ``[0, 1]`` (multiples of
        1/255, like ``ToTensor`` output) and ``y`` int64 of shape ``(n,)`` in ``[0, 9]``.

    Example:
        >>> import torch
        >>> from dlnotes.data.fashion_mnist import synthetic_fashion_mnist
        >>> X, y = synthetic_fashion_mnist(4, generator=torch.Generator().manual_seed(0))
        >>> X.shape, X.dtype, y.shape, y.dtype
        (torch.Size([4, 1, 28, 28]), torch.float32, torch.Size([4]), torch.int64)
    """
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"n must be an int, got {type(n).__name__}")
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    pixels = torch.randint(0, 256, (n, 1, 28, 28), generator=generator, dtype=torch.uint8)
    X = pixels.to(torch.float32) / 255  # (n, 1, 28, 28) in [0, 1]
    y = torch.randint(0, len(FASHION_MNIST_CLASSES), (n,), generator=generator)  # (n,)
    return X, y


# --8<-- [end:synthetic_fashion_mnist]
