"""Model selection: K-fold cross-validation from scratch.

With little data, a single validation split wastes examples and gives a noisy estimate.
K-fold cross-validation splits the ``n`` examples into ``k`` folds, trains ``k`` times,
each time validating on one fold and training on the other ``k - 1``, and averages the
``k`` validation scores. Every example is validated exactly once.

:func:`k_fold_indices` makes the same folds as ``sklearn.model_selection.KFold``: the
first ``n % k`` folds get ``n // k + 1`` examples, the others ``n // k``, and without
shuffling fold ``i`` is a contiguous block. Unlike D2L's ``get_k_fold_data``, no example
is dropped when ``k`` does not divide ``n``.
"""

from __future__ import annotations

# --8<-- [start:imports]
from collections.abc import Callable, Mapping

import torch

from dlnotes._checks import check_tensor


def _check_int(value: object, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return value


# --8<-- [end:imports]

__all__ = ["get_k_fold_data", "k_fold", "k_fold_indices"]


# --8<-- [start:k_fold_indices]
def k_fold_indices(
    n: int, k: int, *, shuffle: bool = False, generator: torch.Generator | None = None
) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """The ``k`` (train, validation) index splits of ``n`` examples, like sklearn's ``KFold``.

    Args:
        n: number of examples (``>= k``).
        k: number of folds (``>= 2``).
        shuffle: permute the examples before cutting them into folds; otherwise fold
            ``i`` is the contiguous block ``[start_i, stop_i)``.
        generator: optional ``torch.Generator`` for a reproducible shuffle.

    Returns:
        A list of ``k`` pairs ``(train_idx, val_idx)`` of sorted int64 tensors. The
        ``val_idx`` of the ``k`` folds partition ``0..n-1``; ``train_idx`` is the rest.

    Example:
        >>> from dlnotes.mlp.model_selection import k_fold_indices
        >>> for train_idx, val_idx in k_fold_indices(7, 3):
        ...     print(train_idx.tolist(), val_idx.tolist())
        [3, 4, 5, 6] [0, 1, 2]
        [0, 1, 2, 5, 6] [3, 4]
        [0, 1, 2, 3, 4] [5, 6]
        >>> k_fold_indices(2, 3)
        Traceback (most recent call last):
        ...
        ValueError: k = 3 folds need at least k examples, got n = 2
    """
    _check_int(n, "n", 1)
    _check_int(k, "k", 2)
    if n < k:
        raise ValueError(f"k = {k} folds need at least k examples, got n = {n}")
    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator, got {type(generator).__name__}")
    order = torch.randperm(n, generator=generator) if shuffle else torch.arange(n)  # (n,)
    sizes = [n // k + (1 if i < n % k else 0) for i in range(k)]  # the first n % k are larger
    folds = []
    start = 0
    for size in sizes:
        val_idx = order[start : start + size].sort().values  # (size,)
        is_val = torch.zeros(n, dtype=torch.bool)
        is_val[val_idx] = True
        train_idx = torch.nonzero(~is_val).flatten()  # (n - size,), sorted
        folds.append((train_idx, val_idx))
        start += size
    return folds


# --8<-- [end:k_fold_indices]


# --8<-- [start:get_k_fold_data]
def get_k_fold_data(
    k: int, i: int, X: torch.Tensor, y: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """D2L's ``get_k_fold_data``: ``(X_train, y_train, X_valid, y_valid)`` of fold ``i``.

    Folds are contiguous blocks as in :func:`k_fold_indices` (no shuffling): shuffle
    ``X`` and ``y`` together beforehand if their order means something.

    Example:
        >>> import torch
        >>> from dlnotes.mlp.model_selection import get_k_fold_data
        >>> X, y = torch.arange(10.0).reshape(5, 2), torch.arange(5.0)
        >>> X_train, y_train, X_valid, y_valid = get_k_fold_data(2, 1, X, y)
        >>> y_train.tolist(), y_valid.tolist()
        ([0.0, 1.0, 2.0], [3.0, 4.0])
    """
    check_tensor(X, "X")
    check_tensor(y, "y")
    if X.dim() == 0 or y.dim() == 0 or len(X) != len(y):
        raise ValueError(
            f"X and y must have the same first dimension, got {tuple(X.shape)} and {tuple(y.shape)}"
        )
    _check_int(i, "i", 0)
    folds = k_fold_indices(len(X), k)
    if i >= k:
        raise ValueError(f"i must be a fold index in [0, {k - 1}], got {i}")
    train_idx, val_idx = folds[i]
    return X[train_idx], y[train_idx], X[val_idx], y[val_idx]


# --8<-- [end:get_k_fold_data]


# --8<-- [start:k_fold]
FitAndScore = Callable[
    [torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor], Mapping[str, float]
]


def k_fold(
    fit_and_score: FitAndScore,
    X: torch.Tensor,
    y: torch.Tensor,
    k: int,
    *,
    shuffle: bool = False,
    generator: torch.Generator | None = None,
) -> dict[str, float]:
    """Train ``k`` times, each time validating on another fold; average the scores.

    Args:
        fit_and_score: ``fit_and_score(X_train, y_train, X_val, y_val)`` trains a FRESH
            model on the training part and returns its scores, e.g.
            ``{"train_loss": ..., "val_loss": ...}``.
        X: features, first dimension ``n``.
        y: targets, first dimension ``n``.
        k: number of folds.
        shuffle: shuffle before splitting (see :func:`k_fold_indices`).
        generator: optional ``torch.Generator`` for the shuffle.

    Returns:
        The mean of every score over the ``k`` folds, with the same keys.

    Example:
        >>> import torch
        >>> from dlnotes.mlp.model_selection import k_fold
        >>> def predict_the_mean(X_train, y_train, X_val, y_val):
        ...     c = y_train.mean()  # the model: one constant
        ...     return {"val_mse": ((y_val - c) ** 2).mean().item()}
        >>> X, y = torch.zeros(4, 1), torch.tensor([0.0, 0.0, 2.0, 2.0])
        >>> k_fold(predict_the_mean, X, y, k=2)  # each fold is predicted by the other
        {'val_mse': 4.0}
    """
    check_tensor(X, "X")
    check_tensor(y, "y")
    if X.dim() == 0 or y.dim() == 0 or len(X) != len(y):
        raise ValueError(
            f"X and y must have the same first dimension, got {tuple(X.shape)} and {tuple(y.shape)}"
        )
    if not callable(fit_and_score):
        raise TypeError(f"fit_and_score must be callable, got {type(fit_and_score).__name__}")
    totals: dict[str, float] = {}
    folds = k_fold_indices(len(X), k, shuffle=shuffle, generator=generator)
    for i, (train_idx, val_idx) in enumerate(folds):
        scores = dict(fit_and_score(X[train_idx], y[train_idx], X[val_idx], y[val_idx]))
        if i > 0 and scores.keys() != totals.keys():
            raise ValueError(
                f"fit_and_score returned keys {sorted(scores)} for fold {i}, "
                f"but {sorted(totals)} before"
            )
        for name, value in scores.items():
            totals[name] = totals.get(name, 0.0) + float(value)
    return {name: total / k for name, total in totals.items()}


# --8<-- [end:k_fold]
