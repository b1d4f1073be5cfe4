"""The LR range test: sensible suggestion, divergence stop, untouched model."""

from __future__ import annotations

import copy
import math

import pytest
import torch
from matplotlib.figure import Figure
from torch import nn
from torch.nn import functional as F

from dlnotes.tricks.lr_finder import lr_range_test


def _problem():
    g = torch.Generator().manual_seed(0)
    X = torch.randn(256, 10, generator=g)
    y = (X @ torch.randn(10, 3, generator=g)).argmax(1)
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 3))
    return net, [(X[i : i + 32], y[i : i + 32]) for i in range(0, 256, 32)]


def test_sweep_is_exponential_and_suggestion_is_sensible():
    net, batches = _problem()
    before = [p.detach().clone() for p in net.parameters()]
    r = lr_range_test(net, F.cross_entropy, batches, start_lr=1e-5, end_lr=100.0, num_steps=80)
    ratios = [b / a for a, b in zip(r.lrs, r.lrs[1:], strict=False)]
    assert max(ratios) == pytest.approx(min(ratios))  # constant factor per step
    assert len(r.lrs) < 80  # stopped when the loss diverged
    assert 1e-4 < r.suggestion < r.lrs[-1]
    i = r.lrs.index(r.suggestion)
    assert r.losses[i + 1] < r.losses[i - 1]  # the loss is falling there
    assert all(torch.equal(p, q) for p, q in zip(net.parameters(), before, strict=True))
    assert isinstance(r.plot(), Figure)


def _loss_after_training(net, batches, lr, epochs=5):
    net = copy.deepcopy(net)
    opt = torch.optim.SGD(net.parameters(), lr=lr, momentum=0.9)
    for _ in range(epochs):
        for x, y in batches:
            loss = F.cross_entropy(net(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
    with torch.no_grad():
        return sum(F.cross_entropy(net(x), y).item() for x, y in batches) / len(batches)


def test_suggestion_trains_better_than_much_smaller_or_larger_rates():
    net, batches = _problem()
    lr = lr_range_test(net, F.cross_entropy, batches, start_lr=1e-5, end_lr=100.0).suggestion
    good = _loss_after_training(net, batches, lr)
    assert good < 0.5 * _loss_after_training(net, batches, lr / 100)  # too slow
    assert good < 0.5 * _loss_after_training(net, batches, lr * 10)  # unstable


def test_custom_optimizer_and_bad_arguments():
    net, batches = _problem()
    r = lr_range_test(
        net, F.cross_entropy, batches, lambda p: torch.optim.Adam(p), num_steps=20, end_lr=1e-2
    )
    assert len(r.lrs) == 20 and math.isfinite(r.suggestion)
    r = lr_range_test(
        net, F.cross_entropy, batches, lambda p: torch.optim.SGD(p, lr=1.0), num_steps=40
    )
    assert r.lrs[0] == pytest.approx(1e-6) and 1e-6 < r.suggestion < 1.0  # lr overwritten
    with pytest.raises(ValueError, match=r"smooth must be in \(0, 1\]"):
        lr_range_test(net, F.cross_entropy, batches, smooth=0.0)
    with pytest.raises(ValueError, match="end_lr must be > start_lr"):
        lr_range_test(net, F.cross_entropy, batches, start_lr=1.0, end_lr=0.1)
    with pytest.raises(ValueError, match="num_steps"):
        lr_range_test(net, F.cross_entropy, batches, num_steps=2)
    with pytest.raises(ValueError, match="batches is empty"):
        lr_range_test(net, F.cross_entropy, [], num_steps=5)
