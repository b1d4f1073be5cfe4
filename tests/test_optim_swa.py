"""The from-scratch running average of weights (dlnotes.optim.swa) against AveragedModel."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.optim.swa_utils import AveragedModel

from dlnotes.optim.swa import RunningAverage


def _net() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 3))


def _train_step(net: nn.Module, opt: torch.optim.Optimizer, i: int) -> None:
    g = torch.Generator().manual_seed(i)
    X, y = torch.randn(16, 4, generator=g), torch.randint(0, 3, (16,), generator=g)
    net.train()
    opt.zero_grad()
    nn.functional.cross_entropy(net(X), y).backward()
    opt.step()


def test_matches_averaged_model_parameters_and_buffers() -> None:
    net = _net()
    opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    ours, theirs = RunningAverage(net), AveragedModel(net)
    for i in range(7):
        _train_step(net, opt, i)
        ours.update(net)
        theirs.update_parameters(net)
    assert ours.n_averaged == theirs.n_averaged.item() == 7
    for a, b in zip(ours.module.parameters(), theirs.module.parameters(), strict=True):
        torch.testing.assert_close(a, b, rtol=0, atol=1e-6)
    for a, b in zip(ours.module.buffers(), theirs.module.buffers(), strict=True):
        torch.testing.assert_close(a, b)  # both copy the live model's buffers
    assert not ours.module.training
    assert all(not p.requires_grad for p in ours.module.parameters())


def test_is_the_arithmetic_mean() -> None:
    net = nn.Linear(3, 2)
    avg = RunningAverage(net)
    snapshots = []
    for k in range(5):
        with torch.no_grad():
            net.weight.fill_(float(k * k))
            net.bias.fill_(float(-k))
        snapshots.append(net.weight.detach().clone())
        avg.update(net)
    torch.testing.assert_close(avg.module.weight, torch.stack(snapshots).mean(0))
    torch.testing.assert_close(avg.module.bias, torch.full((2,), -2.0))


def test_first_update_copies_and_model_is_independent() -> None:
    net = nn.Linear(2, 2)
    avg = RunningAverage(net)
    assert avg.n_averaged == 0
    with torch.no_grad():
        net.weight.add_(1.0)
    avg.update(net)
    assert torch.equal(avg.module.weight, net.weight)
    with torch.no_grad():
        net.weight.add_(1.0)  # the average keeps its own copy
    assert not torch.equal(avg.module.weight, net.weight)


def test_bad_input() -> None:
    with pytest.raises(TypeError, match=r"nn\.Module"):
        RunningAverage("not a model")  # type: ignore[arg-type]
    avg = RunningAverage(nn.Linear(2, 2))
    with pytest.raises(TypeError, match=r"nn\.Module"):
        avg.update(torch.zeros(2))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="same parameters"):
        avg.update(nn.Linear(3, 2))
    with pytest.raises(ValueError, match="same parameters"):
        avg.update(nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2)))
    assert avg.n_averaged == 0
