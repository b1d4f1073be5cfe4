"""The offline image-classification data of this site: scikit-learn's handwritten digits.

``sklearn.datasets.load_digits`` ships 1,797 real 8x8 grayscale images of the digits
0-9 (the test part of the UCI "Optical Recognition of Handwritten Digits" data, Alpaydin
and Kaynak 1998) inside scikit-learn, so no download is needed. Pixels are integers
``0..16``. These helpers turn them into PyTorch tensors and loaders with the same
conventions as Fashion-MNIST: float32 images in ``[0, 1]`` and int64 labels.
"""

from __future__ import annotations

# --8<-- [start:imports]
import torch
from torch.utils.data import DataLoader

from dlnotes.data.arrays import load_array

# --8<-- [end:imports]

__all__ = ["load_data_digits", "load_digits_tensors"]


# --8<-- [start:load_digits_tensors]
def load_digits_tensors(
    test_size: float = 0.2,
    seed: int = 0,
    scale: bool = True,
    flatten: bool = True,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """The digits as tensors, split into training and test sets with the same class mix.

    Args:
        test_size: fraction of the 1,797 examples held out for testing, in ``(0, 1)``.
        seed: seed of the (stratified) split; the same seed gives the same split.
        scale: divide pixels by 16 so they lie in ``[0, 1]``; otherwise keep ``0..16``.
        flatten: images as vectors of 64 features ``(n, 64)``; otherwise ``(n, 1, 8, 8)``.

    Returns:
        ``(X_train, X_test, y_train, y_test)``: float32 images and int64 labels in ``[0, 9]``.

    Example:
        >>> from dlnotes.data.digits import load_digits_tensors
        >>> X_train, X_test, y_train, y_test = load_digits_tensors()
        >>> X_train.shape, X_test.shape, y_test.dtype
        (torch.Size([1437, 64]), torch.Size([360, 64]), torch.int64)
        >>> load_digits_tensors(flatten=False)[0].shape
        torch.Size([1437, 1, 8, 8])
    """
    if isinstance(test_size, bool) or not isinstance(test_size, float):
        raise TypeError(f"test_size must be a float fraction, got {type(test_size).__name__}")
    if not 0.0 < test_size < 1.0:
        raise ValueError(f"test_size must be in (0, 1), got {test_size}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}")

    from sklearn.datasets import load_digits  # imported here: only this module needs it
    from sklearn.model_selection import train_test_split

    digits = load_digits()  # images: (1797, 8, 8) floats 0..16, target: (1797,) ints 0..9
    X = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1)  # (1797, 1, 8, 8)
    if scale:
        X = X / 16.0  # [0, 16] -> [0, 1]
    if flatten:
        X = X.reshape(len(X), -1)  # (1797, 64)
    y = torch.tensor(digits.target, dtype=torch.int64)  # (1797,)
    idx_train, idx_test = train_test_split(
        torch.arange(len(y)).numpy(), test_size=test_size, random_state=seed, stratify=y.numpy()
    )  # stratify: every class keeps its share in both parts
    idx_train, idx_test = torch.as_tensor(idx_train), torch.as_tensor(idx_test)
    return X[idx_train], X[idx_test], y[idx_train], y[idx_test]


# --8<-- [end:load_digits_tensors]


# --8<-- [start:load_data_digits]
def load_data_digits(
    batch_size: int,
    test_size: float = 0.2,
    seed: int = 0,
    scale: bool = True,
    flatten: bool = True,
) -> tuple[DataLoader, DataLoader]:
    """``(train_iter, test_iter)`` over the digits, like ``load_data_fashion_mnist``.

    The training loader reshuffles every epoch with a generator seeded by ``seed``, so a
    run is reproducible; the test loader keeps a fixed order.

    Args:
        batch_size: examples per batch (``>= 1``).
        test_size: fraction held out for testing (see :func:`load_digits_tensors`).
        seed: seeds both the split and the shuffling.
        scale: pixels in ``[0, 1]`` (``True``) or ``0..16``.
        flatten: batches ``X`` of shape ``(b, 64)`` (``True``) or ``(b, 1, 8, 8)``.

    Returns:
        Two ``DataLoader`` objects yielding ``(X, y)`` batches.

    Example:
        >>> from dlnotes.data.digits import load_data_digits
        >>> train_iter, test_iter = load_data_digits(batch_size=256)
        >>> X, y = next(iter(train_iter))
        >>> X.shape, y.shape, len(train_iter), len(test_iter)
        (torch.Size([256, 64]), torch.Size([256]), 6, 2)
    """
    X_train, X_test, y_train, y_test = load_digits_tensors(test_size, seed, scale, flatten)
    generator = torch.Generator().manual_seed(seed)  # reproducible shuffling
    train_iter = load_array((X_train, y_train), batch_size, is_train=True, generator=generator)
    test_iter = load_array((X_test, y_test), batch_size, is_train=False)
    return train_iter, test_iter


# --8<-- [end:load_data_digits]
