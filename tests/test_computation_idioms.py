"""The tensor and data idioms of computation/idioms.md, checked as claims."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.nn import functional as F
from torch.utils.data import (
    ConcatDataset,
    DataLoader,
    SubsetRandomSampler,
    WeightedRandomSampler,
)

from dlnotes.computation.datasets import ArrayDataset


def _embedding_and_linear(V: int, d: int) -> tuple[nn.Embedding, nn.Linear]:
    torch.manual_seed(0)
    embedding = nn.Embedding(V, d)
    linear = nn.Linear(V, d, bias=False)
    with torch.no_grad():
        linear.weight.copy_(embedding.weight.T)  # Linear stores (d, V): A = W^T
    return embedding, linear


@pytest.mark.parametrize("shape", [(7,), (3, 5), (2, 3, 4)])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_embedding_equals_linear_on_one_hot(shape, dtype) -> None:
    V, d = 11, 6
    embedding, linear = _embedding_and_linear(V, d)
    embedding.to(dtype)
    linear.to(dtype)
    g = torch.Generator().manual_seed(1)
    idx = torch.randint(0, V, shape, generator=g)
    idx.view(-1)[:3] = 2  # make sure some index repeats
    out_emb = embedding(idx)
    out_lin = linear(F.one_hot(idx, V).to(dtype))
    assert out_emb.shape == (*shape, d)
    assert torch.equal(out_emb, out_lin)  # products with exact zeros and ones
    upstream = torch.randn(*shape, d, generator=g, dtype=dtype)
    (out_emb * upstream).sum().backward()
    (out_lin * upstream).sum().backward()
    torch.testing.assert_close(embedding.weight.grad, linear.weight.grad.T)
    used = torch.zeros(V, dtype=torch.bool)
    used[idx.flatten()] = True
    assert bool((embedding.weight.grad[~used] == 0).all())  # unused rows get no gradient
    expected_row2 = upstream.reshape(-1, d)[idx.flatten() == 2].sum(dim=0)
    torch.testing.assert_close(embedding.weight.grad[2], expected_row2)


def test_padding_idx_is_where_embedding_and_linear_differ() -> None:
    V, d = 5, 3
    torch.manual_seed(0)
    embedding = nn.Embedding(V, d, padding_idx=0)
    linear = nn.Linear(V, d, bias=False)
    with torch.no_grad():
        linear.weight.copy_(embedding.weight.T)
    idx = torch.tensor([0, 1, 0, 4])
    embedding(idx).sum().backward()
    linear(F.one_hot(idx, V).float()).sum().backward()
    assert bool((embedding.weight.grad[0] == 0).all())
    assert bool((linear.weight.grad[:, 0] == 2).all())  # row 0 used twice, gradient 1 each


def test_identity_removes_the_head() -> None:
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(8, 4), nn.ReLU(), nn.Linear(4, 2))
    X = torch.randn(5, 8)
    features = net[1](net[0](X))
    net[2] = nn.Identity()
    assert torch.equal(net(X), features)
    assert sum(p.numel() for p in net.parameters()) == 8 * 4 + 4
    assert list(net.state_dict()) == ["0.weight", "0.bias"]


def test_chunk_split_and_tensor_split() -> None:
    t = torch.arange(10)
    assert [len(c) for c in t.chunk(3)] == [4, 4, 2]
    assert len(torch.arange(6).chunk(4)) == 3  # fewer pieces than asked
    assert [len(c) for c in torch.arange(6).tensor_split(4)] == [2, 2, 1, 1]
    x = torch.randn(2, 12)
    q, k, v = x.chunk(3, dim=1)
    assert torch.equal(torch.cat([q, k, v], dim=1), x)
    q.zero_()  # a view: writes go to x
    assert bool((x[:, :4] == 0).all())


def test_masked_select_is_boolean_indexing_and_broadcasts() -> None:
    g = torch.Generator().manual_seed(0)
    x = torch.randn(4, 5, generator=g)
    mask = x > 0
    assert torch.equal(torch.masked_select(x, mask), x[mask])
    row_mask = torch.tensor([True, False, True, False, True])
    assert torch.equal(torch.masked_select(x, row_mask), x[:, row_mask].reshape(-1))
    out = torch.masked_select(x, mask)
    out.zero_()  # a copy: x is untouched
    assert bool((x[mask] != 0).all())


def test_masked_mean_over_real_positions() -> None:
    loss = torch.tensor([[1.0, 2.0, 3.0], [4.0, 0.0, 0.0], [5.0, 6.0, 0.0]])
    lengths = torch.tensor([3, 1, 2])
    mask = torch.arange(3) < lengths[:, None]
    per_sequence = [loss[i, :n] for i, n in enumerate(lengths.tolist())]
    assert torch.equal(torch.masked_select(loss, mask).mean(), torch.cat(per_sequence).mean())


def test_concat_dataset_maps_indices() -> None:
    a = ArrayDataset(torch.zeros(3, 2), torch.tensor([0, 1, 2]))
    b = ArrayDataset(torch.ones(4, 2), torch.tensor([3, 4, 5, 6]))
    both = a + b
    assert isinstance(both, ConcatDataset) and len(both) == 7
    assert [both[i][1].item() for i in range(-7, 7)] == list(range(7)) * 2
    assert torch.cat([y for _, y in DataLoader(both, batch_size=3)]).tolist() == list(range(7))


def test_drop_last_and_len() -> None:
    ds = ArrayDataset(torch.zeros(10, 1), torch.arange(10))
    assert [len(y) for _, y in DataLoader(ds, batch_size=4)] == [4, 4, 2]
    assert len(DataLoader(ds, batch_size=4, drop_last=True)) == 2


def test_shuffle_generator_reproduces_every_epoch() -> None:
    ds = ArrayDataset(torch.zeros(20, 1), torch.arange(20))

    def epochs(loader, n=3):
        return [torch.cat([y for _, y in loader]).tolist() for _ in range(n)]

    def make():
        return DataLoader(
            ds, batch_size=6, shuffle=True, generator=torch.Generator().manual_seed(5)
        )

    first, second = epochs(make()), epochs(make())
    assert first == second
    assert first[0] != first[1] and sorted(first[0]) == list(range(20))


def test_subset_random_sampler_reads_exactly_the_subset() -> None:
    ds = ArrayDataset(torch.zeros(20, 1), torch.arange(20))
    subset = [3, 5, 7, 11, 13]
    sampler = SubsetRandomSampler(subset, generator=torch.Generator().manual_seed(0))
    drawn = torch.cat([y for _, y in DataLoader(ds, batch_size=2, sampler=sampler)]).tolist()
    assert sorted(drawn) == subset


def test_weighted_random_sampler_follows_the_weights() -> None:
    weights = torch.tensor([0.0, 1.0, 1.0, 2.0])
    sampler = WeightedRandomSampler(
        weights, num_samples=4000, replacement=True, generator=torch.Generator().manual_seed(0)
    )
    drawn = torch.tensor(list(sampler))
    share = torch.bincount(drawn, minlength=4).double() / len(drawn)
    assert share[0] == 0  # weight 0: never drawn
    torch.testing.assert_close(
        share, torch.tensor([0.0, 0.25, 0.25, 0.5], dtype=torch.float64), atol=0.03, rtol=0
    )


def test_sampler_and_shuffle_are_exclusive() -> None:
    ds = ArrayDataset(torch.zeros(4, 1))
    with pytest.raises(ValueError, match="mutually exclusive"):
        DataLoader(ds, shuffle=True, sampler=SubsetRandomSampler([0, 1]))
    with pytest.raises(ValueError, match="num_workers > 0"):
        DataLoader(ds, persistent_workers=True)
