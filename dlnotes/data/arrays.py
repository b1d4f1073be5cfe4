"""Minibatches from in-memory tensors: a from-scratch iterator and the DataLoader way.

``data_iter`` is the loop D2L writes by hand in section 3.2 (shuffle the indices, slice
them into batches); ``load_array`` is the concise version built on
``torch.utils.data.TensorDataset`` and ``DataLoader``. Both take an optional
``torch.Generator`` so that the order of the examples is reproducible.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import torch
from torch.utils.data import DataLoader, TensorDataset

from dlnotes._checks import check_tensor

__all__ = ["data_iter", "load_array"]


# --8<-- [start:data_iter]
def _check_batch_size(batch_size: int) -> None:
    """Raise unless ``batch_size`` is a positive ``int``."""
    if isinstance(batch_size, bool) or not isinstance(batch_size, int):
        raise TypeError(f"batch_size must be an int, got {type(batch_size).__name__}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")


def data_iter(
    batch_size: int,
    features: torch.Tensor,
    labels: torch.Tensor,
    generator: torch.Generator | None = None,
) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """Return an iterator over shuffled minibatches ``(X, y)``; each example appears once.

    Args:
        batch_size: examples per batch; the last batch may be smaller.
        features: tensor of shape ``(n, ...)``.
        labels: tensor of shape ``(n, ...)`` (same first dimension).
        generator: optional ``torch.Generator`` that fixes the shuffling order.

    Example:
        >>> import torch
        >>> from dlnotes.data.arrays import data_iter
        >>> X, y = torch.arange(10.0).reshape(5, 2), torch.arange(5.0).reshape(5, 1)
        >>> g = torch.Generator().manual_seed(0)
        >>> [tuple(yb.shape) for _, yb in data_iter(2, X, y, generator=g)]
        [(2, 1), (2, 1), (1, 1)]
    """
    _check_batch_size(batch_size)
    check_tensor(features, "features")
    check_tensor(labels, "labels")
    if features.dim() == 0 or labels.dim() == 0 or len(features) != len(labels):
        raise ValueError(
            "features and labels must have the same first dimension, "
            f"got shapes {tuple(features.shape)} and {tuple(labels.shape)}"
        )
    num_examples = len(features)
    indices = torch.randperm(num_examples, generator=generator)  # a shuffled 0..n-1
    batches = (indices[i : i + batch_size] for i in range(0, num_examples, batch_size))
    # a generator expression, not `yield`: the checks above run at call time, not lazily
    return ((features[j], labels[j]) for j in batches)  # indexing copies: no aliasing


# --8<-- [end:data_iter]


# --8<-- [start:load_array]
def load_array(
    data_arrays: Sequence[torch.Tensor],
    batch_size: int,
    is_train: bool = True,
    generator: torch.Generator | None = None,
) -> DataLoader:
    """Wrap tensors in a ``DataLoader`` (shuffled when ``is_train``).

    Args:
        data_arrays: tensors with the same first dimension, e.g. ``(X, y)``.
        batch_size: examples per batch.
        is_train: shuffle every epoch if ``True``; keep the order if ``False``.
        generator: optional ``torch.Generator`` for a reproducible shuffle.

    Example:
        >>> import torch
        >>> from dlnotes.data.arrays import load_array
        >>> X, y = torch.zeros(10, 2), torch.zeros(10, 1)
        >>> loader = load_array((X, y), batch_size=4)
        >>> [len(yb) for _, yb in loader]
        [4, 4, 2]
    """
    _check_batch_size(batch_size)
    arrays = tuple(check_tensor(a, f"data_arrays[{i}]") for i, a in enumerate(data_arrays))
    if not arrays or any(a.dim() == 0 or len(a) != len(arrays[0]) for a in arrays):
        raise ValueError(
            "data_arrays must be one or more tensors with the same first dimension, "
            f"got shapes {[tuple(a.shape) for a in arrays]}"
        )
    dataset = TensorDataset(*arrays)
    return DataLoader(dataset, batch_size, shuffle=is_train, generator=generator)


# --8<-- [end:load_array]
