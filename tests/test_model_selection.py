"""dlnotes.mlp.model_selection against sklearn.model_selection.KFold."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.model_selection import KFold

from dlnotes.mlp.model_selection import get_k_fold_data, k_fold, k_fold_indices

CASES = [(10, 2), (10, 3), (7, 7), (23, 5), (100, 10), (11, 4)]


@pytest.mark.parametrize(("n", "k"), CASES)
def test_folds_without_shuffle_equal_sklearn(n, k) -> None:
    ours = k_fold_indices(n, k)
    theirs = list(KFold(n_splits=k).split(np.zeros(n)))
    assert len(ours) == len(theirs) == k
    for (train_idx, val_idx), (sk_train, sk_val) in zip(ours, theirs, strict=True):
        assert train_idx.dtype == val_idx.dtype == torch.int64
        assert train_idx.tolist() == sk_train.tolist()
        assert val_idx.tolist() == sk_val.tolist()


@pytest.mark.parametrize(("n", "k"), CASES)
@pytest.mark.parametrize("seed", [0, 1])
def test_shuffled_folds_partition_like_sklearn(n, k, seed) -> None:
    g = torch.Generator().manual_seed(seed)
    ours = k_fold_indices(n, k, shuffle=True, generator=g)
    theirs = list(KFold(n_splits=k, shuffle=True, random_state=seed).split(np.zeros(n)))
    # fold sizes as sklearn's
    assert [len(v) for _, v in ours] == [len(v) for _, v in theirs]
    # every example validated exactly once: the validation sets partition 0..n-1
    all_val = torch.cat([v for _, v in ours])
    assert sorted(all_val.tolist()) == list(range(n))
    for train_idx, val_idx in ours:
        # training set = complement of the validation set, no overlap
        assert set(train_idx.tolist()).isdisjoint(val_idx.tolist())
        assert len(train_idx) + len(val_idx) == n
    if n >= 2 * k:  # not contiguous blocks any more (with overwhelming probability)
        blocks = [v for _, v in k_fold_indices(n, k)]
        assert any(not torch.equal(v, b) for (_, v), b in zip(ours, blocks, strict=True))


def test_shuffle_is_reproducible_with_a_generator() -> None:
    a = k_fold_indices(20, 4, shuffle=True, generator=torch.Generator().manual_seed(3))
    b = k_fold_indices(20, 4, shuffle=True, generator=torch.Generator().manual_seed(3))
    c = k_fold_indices(20, 4, shuffle=True, generator=torch.Generator().manual_seed(4))
    assert all(torch.equal(x[1], y[1]) for x, y in zip(a, b, strict=True))
    assert not all(torch.equal(x[1], y[1]) for x, y in zip(a, c, strict=True))


def test_get_k_fold_data_keeps_every_example() -> None:
    X = torch.arange(22.0).reshape(11, 2)
    y = torch.arange(11.0)
    seen = []
    for i in range(4):
        _, y_train, X_valid, y_valid = get_k_fold_data(4, i, X, y)
        assert len(y_train) + len(y_valid) == 11
        assert torch.equal(X_valid[:, 0] / 2, y_valid)  # rows stay paired
        seen += y_valid.tolist()
    assert seen == y.tolist()  # D2L's version would drop the last 11 % 4 = 3 examples


def test_k_fold_averages_over_folds_and_trains_fresh() -> None:
    X, y = torch.randn(12, 3), torch.arange(12.0)
    calls = []

    def fit_and_score(X_train, y_train, X_val, y_val):
        calls.append((len(y_train), len(y_val)))
        return {"val_mean": y_val.mean().item(), "n_train": len(y_train)}

    scores = k_fold(fit_and_score, X, y, k=3)
    assert calls == [(8, 4)] * 3
    # mean of the fold means of 0..3, 4..7, 8..11
    assert scores == {"val_mean": pytest.approx((1.5 + 5.5 + 9.5) / 3), "n_train": 8.0}


def test_k_fold_ridge_matches_sklearn_cross_val_score() -> None:
    from sklearn.linear_model import Ridge
    from sklearn.model_selection import cross_val_score

    g = torch.Generator().manual_seed(0)
    X = torch.randn(30, 4, generator=g, dtype=torch.float64)
    y = X @ torch.tensor([1.0, -2.0, 0.5, 0.0], dtype=torch.float64) + 0.3 * torch.randn(
        30, generator=g, dtype=torch.float64
    )

    def fit_and_score(X_train, y_train, X_val, y_val):
        model = Ridge(alpha=1.0).fit(X_train.numpy(), y_train.numpy())
        return {"mse": float(((model.predict(X_val.numpy()) - y_val.numpy()) ** 2).mean())}

    ours = k_fold(fit_and_score, X, y, k=5)["mse"]
    theirs = -cross_val_score(
        Ridge(alpha=1.0), X.numpy(), y.numpy(), cv=KFold(5), scoring="neg_mean_squared_error"
    ).mean()
    assert ours == pytest.approx(theirs, rel=1e-10)


def test_bad_inputs() -> None:
    with pytest.raises(ValueError, match="k must be >= 2, got 1"):
        k_fold_indices(10, 1)
    with pytest.raises(ValueError, match="need at least k examples"):
        k_fold_indices(3, 5)
    with pytest.raises(TypeError, match="k must be an int"):
        k_fold_indices(10, 2.0)
    with pytest.raises(TypeError, match=r"generator must be a torch\.Generator"):
        k_fold_indices(10, 2, shuffle=True, generator=0)
    with pytest.raises(ValueError, match="i must be a fold index in \\[0, 2\\], got 3"):
        get_k_fold_data(3, 3, torch.zeros(6, 1), torch.zeros(6))
    with pytest.raises(ValueError, match="same first dimension"):
        k_fold(lambda *a: {}, torch.zeros(6, 1), torch.zeros(5), k=2)
    with pytest.raises(TypeError, match="fit_and_score must be callable"):
        k_fold(None, torch.zeros(6, 1), torch.zeros(6), k=2)

    keys = iter([{"a": 1.0}, {"b": 1.0}])
    with pytest.raises(ValueError, match="returned keys \\['b'\\] for fold 1"):
        k_fold(lambda *a: next(keys), torch.zeros(6, 1), torch.zeros(6), k=2)
