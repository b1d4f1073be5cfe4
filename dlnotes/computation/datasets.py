"""A map-style dataset over tensors, and batching of variable-length sequences.

A *map-style* dataset is anything with ``__len__`` and ``__getitem__(i)``; a
``DataLoader`` asks its sampler for indices, reads the examples one by one and merges
them into a batch with its ``collate_fn``. ``ArrayDataset`` is the smallest useful
dataset of that kind (``TensorDataset`` plus an optional per-example transform).
``pad_sequences`` and ``pad_collate`` batch sequences of different lengths by padding
them to the longest one, which the default ``collate_fn`` (``torch.stack``) cannot do.
"""

from __future__ import annotations

# --8<-- [start:imports]
from collections.abc import Callable, Sequence
from typing import Any

import torch
from torch.utils.data import Dataset

from dlnotes._checks import check_tensor

# --8<-- [end:imports]

__all__ = ["ArrayDataset", "pad_collate", "pad_sequences"]


# --8<-- [start:array_dataset]
class ArrayDataset(Dataset):
    """Examples ``(features[i], labels[i])`` read from in-memory tensors.

    Args:
        features: tensor of shape ``(n, ...)``, one example per row.
        labels: tensor of shape ``(n, ...)`` with the same first dimension, or ``None``
            for unlabeled data (an item is then ``features[i]`` alone).
        transform: optional function applied to ``features[i]`` every time example ``i``
            is read, e.g. a random augmentation (so every epoch sees a new version).

    Example:
        >>> import torch
        >>> from dlnotes.computation.datasets import ArrayDataset
        >>> ds = ArrayDataset(torch.arange(6.0).reshape(3, 2), torch.tensor([0, 1, 0]),
        ...                   transform=lambda x: 10 * x)
        >>> len(ds), ds[1]
        (3, (tensor([20., 30.]), tensor(1)))
    """

    def __init__(
        self,
        features: torch.Tensor,
        labels: torch.Tensor | None = None,
        transform: Callable[[torch.Tensor], Any] | None = None,
    ) -> None:
        check_tensor(features, "features")
        if features.dim() == 0:
            raise ValueError("features must have a first (example) dimension, got a 0-d tensor")
        if labels is not None:
            check_tensor(labels, "labels")
            if labels.dim() == 0 or len(labels) != len(features):
                raise ValueError(
                    "features and labels must have the same first dimension, "
                    f"got shapes {tuple(features.shape)} and {tuple(labels.shape)}"
                )
        if transform is not None and not callable(transform):
            raise TypeError(f"transform must be callable or None, got {type(transform).__name__}")
        self.features, self.labels, self.transform = features, labels, transform

    def __len__(self) -> int:
        return len(self.features)  # n: the DataLoader's sampler draws indices in [0, n)

    def __getitem__(self, i: int) -> Any:
        x = self.features[i]  # one example, shape (...)
        if self.transform is not None:
            x = self.transform(x)
        return x if self.labels is None else (x, self.labels[i])


# --8<-- [end:array_dataset]


# --8<-- [start:pad_sequences]
def pad_sequences(sequences: Sequence[torch.Tensor], padding_value: float = 0.0) -> torch.Tensor:
    """Stack sequences of shapes ``(L_i, *rest)`` into ``(B, max_i L_i, *rest)``.

    Each sequence is copied to the start of its row; the rest of the row is filled with
    ``padding_value``. Same result as ``nn.utils.rnn.pad_sequence(..., batch_first=True)``.

    Example:
        >>> import torch
        >>> from dlnotes.computation.datasets import pad_sequences
        >>> pad_sequences([torch.tensor([1, 2, 3]), torch.tensor([4])])
        tensor([[1, 2, 3],
                [4, 0, 0]])
    """
    if isinstance(sequences, torch.Tensor) or not isinstance(sequences, Sequence):
        raise TypeError(f"sequences must be a list or tuple of tensors, got {type(sequences)}")
    if len(sequences) == 0:
        raise ValueError("sequences must not be empty")
    for i, s in enumerate(sequences):
        check_tensor(s, f"sequences[{i}]")
        if s.dim() == 0 or s.shape[1:] != sequences[0].shape[1:]:
            raise ValueError(
                "sequences must have shapes (L_i, *rest) with the same rest, got "
                f"{tuple(sequences[0].shape)} and {tuple(s.shape)}"
            )
        if s.dtype != sequences[0].dtype:
            raise TypeError(f"sequences must share a dtype, got {sequences[0].dtype} and {s.dtype}")
    first = sequences[0]
    max_len = max(len(s) for s in sequences)
    out = first.new_full((len(sequences), max_len, *first.shape[1:]), padding_value)  # (B, L, ...)
    for i, s in enumerate(sequences):
        out[i, : len(s)] = s
    return out


def pad_collate(
    batch: Sequence[tuple[torch.Tensor, Any]], padding_value: float = 0.0
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """``collate_fn`` for ``(sequence, label)`` examples of different lengths.

    Returns:
        ``(padded, lengths, labels)``: ``padded`` of shape ``(B, max L, ...)``, the true
        ``lengths`` of shape ``(B,)`` (to mask the padding later) and the stacked labels.

    Example:
        >>> import torch
        >>> from dlnotes.computation.datasets import pad_collate
        >>> x, lengths, y = pad_collate([(torch.tensor([1, 2]), 0), (torch.tensor([3]), 1)])
        >>> x, lengths, y
        (tensor([[1, 2],
                [3, 0]]), tensor([2, 1]), tensor([0, 1]))
    """
    if len(batch) == 0:
        raise ValueError("batch must not be empty")
    if any(not isinstance(item, (tuple, list)) or len(item) != 2 for item in batch):
        raise ValueError("every example must be a pair (sequence, label)")
    sequences, labels = zip(*batch, strict=True)
    lengths = torch.tensor([len(s) for s in sequences])  # (B,)
    labels = torch.stack([torch.as_tensor(y) for y in labels])  # (B, ...)
    return pad_sequences(sequences, padding_value), lengths, labels


# --8<-- [end:pad_sequences]
