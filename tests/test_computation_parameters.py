"""dlnotes.computation.parameters: counting, describing, tied parameters, initialization."""

from __future__ import annotations

import functools

import pytest
import torch
from torch import nn

from dlnotes.computation.parameters import (
    count_parameters,
    describe,
    init_constant,
    init_normal,
    my_init,
)


def _tied(shared: nn.Linear) -> nn.Sequential:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), shared, nn.ReLU(), shared, nn.Linear(8, 1))


def test_count_parameters() -> None:
    net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
    assert count_parameters(net) == sum(p.numel() for p in net.parameters()) == 58
    net[0].requires_grad_(False)  # a frozen layer
    assert count_parameters(net, trainable_only=True) == 18
    assert count_parameters(nn.ReLU()) == 0


def test_count_parameters_counts_a_shared_tensor_once() -> None:
    net = _tied(nn.Linear(8, 8))
    assert count_parameters(net) == 40 + 72 + 9
    assert sum(v.numel() for v in net.state_dict().values()) == 40 + 2 * 72 + 9  # listed twice


def test_count_parameters_lazy_and_bad_input() -> None:
    lazy = nn.Sequential(nn.LazyLinear(3))
    with pytest.raises(ValueError, match=r"'0.weight' is uninitialized \(lazy module\)"):
        count_parameters(lazy)
    lazy(torch.rand(2, 5))  # the first forward pass fixes the shapes
    assert count_parameters(lazy) == 5 * 3 + 3
    with pytest.raises(TypeError, match=r"module must be an nn\.Module, got Tensor"):
        count_parameters(torch.zeros(3))


def test_describe_lists_names_shapes_and_aliases() -> None:
    text = describe(_tied(nn.Linear(8, 8)))
    lines = text.splitlines()
    assert len(lines) == 8 + 1  # 8 names in state_dict order, then the total
    assert lines[0].split() == ["0.weight", "param", "(8,", "4)", "32"]
    assert lines[4].split()[-2:] == ["=", "2.weight"]
    assert lines[-1] == "total: 121 parameters in 6 tensors, 0 buffer elements"
    bn = nn.BatchNorm1d(3)
    assert "running_mean" in describe(bn) and "running_mean" not in describe(bn, buffers=False)
    assert describe(bn, buffers=False).endswith("total: 6 parameters in 2 tensors")
    with pytest.raises(TypeError, match="got int"):
        describe(3)


def test_tied_gradient_is_the_sum_of_both_uses() -> None:
    shared = nn.Linear(8, 8)
    tied = _tied(shared)
    # the untied twin: two separate copies of the shared layer, identical values
    first, second = nn.Linear(8, 8), nn.Linear(8, 8)
    first.load_state_dict(shared.state_dict())
    second.load_state_dict(shared.state_dict())
    untied = nn.Sequential(tied[0], nn.ReLU(), first, nn.ReLU(), second, tied[5])
    X = torch.randn(16, 4, generator=torch.Generator().manual_seed(1))
    tied(X).square().mean().backward()
    untied.zero_grad()
    untied(X).square().mean().backward()
    assert not torch.allclose(first.weight.grad, second.weight.grad)  # two different terms
    torch.testing.assert_close(shared.weight.grad, first.weight.grad + second.weight.grad)
    torch.testing.assert_close(shared.bias.grad, first.bias.grad + second.bias.grad)


def test_init_normal_and_constant() -> None:
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(500, 400), nn.BatchNorm1d(400), nn.Linear(400, 10))
    net.apply(init_normal)
    assert abs(net[0].weight.std().item() - 0.01) < 5e-4
    assert abs(net[0].weight.mean().item()) < 5e-4
    assert torch.count_nonzero(net[0].bias) == 0
    assert torch.equal(net[1].weight, torch.ones(400))  # not a Linear: untouched
    net.apply(functools.partial(init_constant, value=0.5))
    assert torch.equal(net[2].weight, torch.full((10, 400), 0.5))
    assert net[2].weight.requires_grad and net[2].weight.grad_fn is None


def test_my_init_distribution() -> None:
    net = nn.Sequential(nn.Linear(200, 300), nn.ReLU(), nn.Linear(300, 2)).apply(my_init)
    w = net[0].weight
    assert w.is_leaf and w.requires_grad  # still a trainable leaf: no_grad was used
    zero = w == 0
    assert abs(zero.float().mean().item() - 0.5) < 0.01
    kept = w[~zero].abs()
    assert kept.min() >= 5 and kept.max() <= 10
    assert abs((w[~zero] > 0).float().mean().item() - 0.5) < 0.01  # symmetric
    g = torch.Generator()
    a, b = nn.Linear(3, 3), nn.Linear(3, 3)
    my_init(a, generator=g.manual_seed(0))
    my_init(b, generator=g.manual_seed(0))
    assert torch.equal(a.weight, b.weight)
