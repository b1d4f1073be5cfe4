"""dlnotes.data.synthetic and dlnotes.data.arrays: shapes, reproducibility, checks."""

from __future__ import annotations

import pytest
import torch

from dlnotes.data.arrays import data_iter, load_array
from dlnotes.data.synthetic import synthetic_data

W = torch.tensor([2.0, -3.4])


def test_shapes_and_noiseless_labels() -> None:
    X, y = synthetic_data(W, 4.2, 6, noise=0.0)
    assert X.shape == (6, 2) and y.shape == (6, 1)
    torch.testing.assert_close(y, (X @ W + 4.2).reshape(-1, 1))


def test_noise_level_and_dtype() -> None:
    g = torch.Generator().manual_seed(0)
    w64 = W.double()
    X, y = synthetic_data(w64, 4.2, 2000, noise=0.5, generator=g)
    assert X.dtype == y.dtype == torch.float64
    residual = y.squeeze(1) - (X @ w64 + 4.2)
    assert 0.45 < residual.std().item() < 0.55
    assert abs(X.mean().item()) < 0.1 and 0.9 < X.std().item() < 1.1


def test_generator_makes_it_reproducible_without_global_seed() -> None:
    a = synthetic_data(W, 4.2, 5, generator=torch.Generator().manual_seed(3))
    torch.manual_seed(123)  # the global state must not matter
    b = synthetic_data(W, 4.2, 5, generator=torch.Generator().manual_seed(3))
    c = synthetic_data(W, 4.2, 5, generator=torch.Generator().manual_seed(4))
    torch.testing.assert_close(a, b)
    assert not torch.equal(a[0], c[0])


def test_w_is_not_mutated() -> None:
    w = W.clone()
    synthetic_data(w, 4.2, 5)
    torch.testing.assert_close(w, W)


def test_synthetic_data_bad_inputs() -> None:
    with pytest.raises(ValueError, match=r"w must have 1 dimensions, got shape \(2, 1\)"):
        synthetic_data(W.reshape(2, 1), 4.2, 5)
    with pytest.raises(TypeError, match="w must have a floating-point dtype"):
        synthetic_data(torch.tensor([2, -3]), 4.2, 5)
    with pytest.raises(TypeError, match="b must be a number"):
        synthetic_data(W, torch.tensor(4.2), 5)
    with pytest.raises(TypeError, match="num_examples must be an int"):
        synthetic_data(W, 4.2, 5.0)
    with pytest.raises(ValueError, match="num_examples must be > 0"):
        synthetic_data(W, 4.2, 0)
    with pytest.raises(ValueError, match="noise must be >= 0"):
        synthetic_data(W, 4.2, 5, noise=-0.1)


def test_data_iter_covers_every_example_once() -> None:
    X = torch.arange(20.0).reshape(10, 2)
    y = torch.arange(10.0).reshape(10, 1)
    batches = list(data_iter(3, X, y, generator=torch.Generator().manual_seed(0)))
    assert [len(yb) for _, yb in batches] == [3, 3, 3, 1]
    Xs = torch.cat([xb for xb, _ in batches])
    ys = torch.cat([yb for _, yb in batches])
    assert sorted(ys.squeeze(1).tolist()) == list(range(10))  # a permutation
    torch.testing.assert_close(Xs[:, 0] / 2, ys.squeeze(1))  # rows stay paired
    assert not torch.equal(ys.squeeze(1), torch.arange(10.0))  # and it is shuffled


def test_data_iter_order_follows_the_generator() -> None:
    X, y = torch.arange(8.0).reshape(8, 1), torch.arange(8.0)

    def order(seed: int) -> list[float]:
        g = torch.Generator().manual_seed(seed)
        return torch.cat([yb for _, yb in data_iter(3, X, y, generator=g)]).tolist()

    assert order(1) == order(1) != order(2)


def test_data_iter_batches_do_not_alias_the_data() -> None:
    X, y = torch.zeros(4, 2), torch.zeros(4, 1)
    for xb, _ in data_iter(2, X, y):
        xb += 1.0  # a careless in-place edit of a batch...
    assert torch.equal(X, torch.zeros(4, 2))  # ...does not reach the dataset


def test_load_array() -> None:
    X, y = synthetic_data(W, 4.2, 10, generator=torch.Generator().manual_seed(0))
    ordered = load_array((X, y), 4, is_train=False)
    assert [len(yb) for _, yb in ordered] == [4, 4, 2]
    torch.testing.assert_close(torch.cat([xb for xb, _ in ordered]), X)
    shuffled = lambda s: torch.cat(  # noqa: E731
        [yb for _, yb in load_array((X, y), 4, generator=torch.Generator().manual_seed(s))]
    )
    torch.testing.assert_close(shuffled(5), shuffled(5))
    assert not torch.equal(shuffled(5), y)
    torch.testing.assert_close(shuffled(5).sort(0).values, y.sort(0).values)


def test_loader_bad_inputs() -> None:
    X, y = torch.zeros(5, 2), torch.zeros(4, 1)
    with pytest.raises(ValueError, match="same first dimension"):
        data_iter(2, X, y)  # checked when called, not lazily
    with pytest.raises(ValueError, match="same first dimension"):
        load_array((X, y), 2)
    with pytest.raises(ValueError, match="batch_size must be >= 1, got 0"):
        data_iter(0, X, X)
    with pytest.raises(TypeError, match="batch_size must be an int"):
        load_array((X,), 2.0)
    with pytest.raises(TypeError, match=r"data_arrays\[1\] must be a torch.Tensor"):
        load_array((X, [1, 2]), 2)
