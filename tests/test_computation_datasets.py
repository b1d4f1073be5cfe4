"""dlnotes.computation.datasets against TensorDataset and nn.utils.rnn.pad_sequence."""

from __future__ import annotations

import functools

import pytest
import torch
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, TensorDataset

from dlnotes.computation.datasets import ArrayDataset, pad_collate, pad_sequences


def _data(n: int = 10):
    g = torch.Generator().manual_seed(0)
    return torch.randn(n, 3, generator=g), torch.randint(0, 4, (n,), generator=g)


def test_array_dataset_matches_tensor_dataset() -> None:
    X, y = _data()
    ours, theirs = ArrayDataset(X, y), TensorDataset(X, y)
    assert len(ours) == len(theirs) == 10
    for i in [0, 3, 9, -1]:
        for a, b in zip(ours[i], theirs[i], strict=True):
            assert torch.equal(a, b)
    loader_args = {"batch_size": 4, "shuffle": True}
    ours_batches = list(DataLoader(ours, generator=torch.Generator().manual_seed(1), **loader_args))
    theirs_batches = list(
        DataLoader(theirs, generator=torch.Generator().manual_seed(1), **loader_args)
    )
    for (xa, ya), (xb, yb) in zip(ours_batches, theirs_batches, strict=True):
        assert torch.equal(xa, xb) and torch.equal(ya, yb)


def test_array_dataset_index_out_of_range() -> None:
    X, y = _data(3)
    with pytest.raises(IndexError):
        ArrayDataset(X, y)[3]


def test_transform_runs_at_every_read_and_labels_are_untouched() -> None:
    X, y = _data()
    reads = []

    def transform(x: torch.Tensor) -> torch.Tensor:
        reads.append(1)
        return 2 * x

    ds = ArrayDataset(X, y, transform=transform)
    x0, y0 = ds[0]
    ds[0]
    assert len(reads) == 2
    assert torch.equal(x0, 2 * X[0]) and torch.equal(y0, y[0])


def test_unlabeled_dataset_returns_features_only() -> None:
    X, _ = _data()
    ds = ArrayDataset(X)
    assert torch.equal(ds[2], X[2])
    assert torch.equal(next(iter(DataLoader(ds, batch_size=10))), X)


def test_worker_process_gives_the_same_batches() -> None:
    X, y = _data()
    ds = ArrayDataset(X, y)
    main = [yb for _, yb in DataLoader(ds, batch_size=3)]
    worker = [yb for _, yb in DataLoader(ds, batch_size=3, num_workers=1)]
    assert all(torch.equal(a, b) for a, b in zip(main, worker, strict=True))


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        ((torch.zeros(3, 2), torch.zeros(4)), ValueError, "same first dimension"),
        ((torch.tensor(1.0),), ValueError, "first \\(example\\) dimension"),
        ((torch.zeros(3, 2), torch.tensor(1)), ValueError, "same first dimension"),
        (([1, 2, 3],), TypeError, "features must be a torch.Tensor"),
        ((torch.zeros(3, 2), None, "not callable"), TypeError, "transform must be callable"),
    ],
)
def test_array_dataset_rejects_bad_input(args, error, match) -> None:
    with pytest.raises(error, match=match):
        ArrayDataset(*args)


@pytest.mark.parametrize("dtype", [torch.float32, torch.int64])
@pytest.mark.parametrize("rest", [(), (2,), (2, 3)])
@pytest.mark.parametrize("padding_value", [0.0, -1.0])
def test_pad_sequences_matches_pad_sequence(dtype, rest, padding_value) -> None:
    g = torch.Generator().manual_seed(0)
    seqs = [(10 * torch.rand(n, *rest, generator=g)).to(dtype) for n in (3, 1, 5, 2)]
    ours = pad_sequences(seqs, padding_value)
    theirs = pad_sequence(seqs, batch_first=True, padding_value=padding_value)
    assert ours.dtype == dtype and ours.shape == (4, 5, *rest)
    assert torch.equal(ours, theirs)


def test_pad_collate_in_a_dataloader_round_trips() -> None:
    g = torch.Generator().manual_seed(0)
    seqs = [torch.randint(1, 9, (n,), generator=g) for n in (4, 1, 3, 2, 5)]
    labels = [0, 1, 1, 0, 1]
    loader = DataLoader(
        list(zip(seqs, labels, strict=True)),
        batch_size=2,
        collate_fn=functools.partial(pad_collate, padding_value=-1),
    )
    recovered, all_labels = [], []
    for padded, lengths, y in loader:
        assert padded.shape == (len(y), int(lengths.max()))
        mask = torch.arange(padded.shape[1]) < lengths[:, None]
        assert bool((padded[~mask] == -1).all())  # only padding outside the mask
        recovered += [row[:n] for row, n in zip(padded, lengths.tolist(), strict=True)]
        all_labels += y.tolist()
    assert all(torch.equal(a, b) for a, b in zip(recovered, seqs, strict=True))
    assert all_labels == labels


def test_pad_collate_stacks_tensor_labels() -> None:
    batch = [(torch.ones(2), torch.tensor([1.0, 0.0])), (torch.ones(1), torch.tensor([0.0, 1.0]))]
    _, lengths, y = pad_collate(batch)
    assert lengths.tolist() == [2, 1] and y.shape == (2, 2)


@pytest.mark.parametrize(
    ("seqs", "error", "match"),
    [
        ([], ValueError, "must not be empty"),
        (torch.ones(2, 3), TypeError, "list or tuple of tensors"),
        ([torch.ones(2, 3), torch.ones(2, 4)], ValueError, "same rest"),
        ([torch.tensor(1.0)], ValueError, "same rest"),
        ([torch.ones(2), torch.ones(2, dtype=torch.int64)], TypeError, "share a dtype"),
        ([torch.ones(2), [1.0]], TypeError, "must be a torch.Tensor"),
    ],
)
def test_pad_sequences_rejects_bad_input(seqs, error, match) -> None:
    with pytest.raises(error, match=match):
        pad_sequences(seqs)


def test_pad_collate_rejects_bad_batches() -> None:
    with pytest.raises(ValueError, match="must not be empty"):
        pad_collate([])
    with pytest.raises(ValueError, match="pair"):
        pad_collate([torch.ones(2)])
