"""dlnotes.data.digits: shapes, scaling, stratified and reproducible splits, loaders."""

from __future__ import annotations

import pytest
import torch
from sklearn.datasets import load_digits

from dlnotes.data.digits import load_data_digits, load_digits_tensors


@pytest.fixture(scope="module")
def split():
    return load_digits_tensors()


def test_shapes_dtypes_and_range(split) -> None:
    X_train, X_test, y_train, y_test = split
    assert X_train.shape == (1437, 64) and X_test.shape == (360, 64)
    assert X_train.dtype == X_test.dtype == torch.float32
    assert y_train.dtype == y_test.dtype == torch.int64
    assert X_train.min() == 0.0 and X_train.max() == 1.0
    assert set(y_train.tolist()) == set(range(10))


def test_split_is_a_partition_of_the_real_data(split) -> None:
    X_train, X_test, y_train, y_test = split
    digits = load_digits()
    X_all = torch.tensor(digits.data, dtype=torch.float32) / 16
    X = torch.cat([X_train, X_test])
    y = torch.cat([y_train, y_test])
    # every example appears exactly once: match rows by sorting on (pixels, label)
    key = lambda X, y: sorted(zip(map(tuple, X.tolist()), y.tolist(), strict=True))  # noqa: E731
    assert key(X, y) == key(X_all, torch.tensor(digits.target))


def test_stratified_class_shares(split) -> None:
    _, _, y_train, y_test = split
    counts_train = torch.bincount(y_train, minlength=10).double()
    counts_test = torch.bincount(y_test, minlength=10).double()
    shares = counts_test / (counts_train + counts_test)
    assert torch.allclose(shares, torch.full((10,), 0.2, dtype=torch.float64), atol=0.01)


def test_seed_reproducibility_and_difference() -> None:
    a = load_digits_tensors(seed=3)
    b = load_digits_tensors(seed=3)
    c = load_digits_tensors(seed=4)
    assert all(torch.equal(u, v) for u, v in zip(a, b, strict=True))
    assert not torch.equal(a[3], c[3])


def test_unscaled_and_image_layout() -> None:
    X_train, X_test, _, _ = load_digits_tensors(test_size=0.5, scale=False, flatten=False)
    assert X_train.shape == (898, 1, 8, 8) and X_test.shape == (899, 1, 8, 8)
    assert X_train.max() == 16.0
    flat = load_digits_tensors(test_size=0.5)[0]
    torch.testing.assert_close(X_train.reshape(898, 64) / 16, flat)


@pytest.mark.parametrize("test_size", [0.0, 1.0, -0.1, 1.5])
def test_bad_test_size(test_size) -> None:
    with pytest.raises(ValueError, match=r"test_size must be in \(0, 1\)"):
        load_digits_tensors(test_size=test_size)


def test_bad_types() -> None:
    with pytest.raises(TypeError, match="test_size must be a float"):
        load_digits_tensors(test_size=100)
    with pytest.raises(TypeError, match="seed must be an int"):
        load_digits_tensors(seed=1.5)
    with pytest.raises(ValueError, match="batch_size must be >= 1"):
        load_data_digits(0)
    with pytest.raises(TypeError, match="batch_size must be an int"):
        load_data_digits(32.0)


def test_loaders_batches_and_coverage() -> None:
    train_iter, test_iter = load_data_digits(batch_size=100)
    assert [len(y) for _, y in test_iter] == [100, 100, 100, 60]
    assert len(train_iter) == 15  # ceil(1437 / 100)
    epoch = torch.cat([y for _, y in train_iter])
    assert len(epoch) == 1437
    X_first, _ = next(iter(train_iter))
    assert X_first.shape == (100, 64)
    images, _ = next(iter(load_data_digits(8, flatten=False)[0]))
    assert images.shape == (8, 1, 8, 8)


def test_training_loader_shuffles_reproducibly_and_test_loader_does_not() -> None:
    train_a, test_a = load_data_digits(batch_size=64, seed=0)
    train_b, test_b = load_data_digits(batch_size=64, seed=0)
    epoch_a1 = torch.cat([y for _, y in train_a])
    epoch_a2 = torch.cat([y for _, y in train_a])
    epoch_b1 = torch.cat([y for _, y in train_b])
    assert torch.equal(epoch_a1, epoch_b1)  # same seed, same order
    assert not torch.equal(epoch_a1, epoch_a2)  # a new order every epoch
    assert not torch.equal(epoch_a1, train_a.dataset.tensors[1])  # really shuffled
    assert torch.equal(torch.cat([y for _, y in test_a]), test_a.dataset.tensors[1])
    assert torch.equal(torch.cat([y for _, y in test_a]), torch.cat([y for _, y in test_b]))
