"""The LR range test: sensible suggestion, divergence stop, untouched model."""

from __future__ import annotations

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


def test_custom_optimizer_and_bad_arguments():
    net, batches = _problem()
    r = lr_range_test(
        net, F.cross_entropy, batches, lambda p: torch.optim.Adam(p), num_steps=20, end_lr=1e-2
    )
    assert len(r.lrs) == 20 and math.isfinite(r.suggestion)
    with pytest.raises(ValueError, match="end_lr must be > start_lr"):
        lr_range_test(net, F.cross_entropy, batches, start_lr=1.0, end_lr=0.1)
    with pytest.raises(ValueError, match="num_steps"):
        lr_range_test(net, F.cross_entropy, batches, num_steps=2)
    with pytest.raises(ValueError, match="batches is empty"):
        lr_range_test(net, F.cross_entropy, [], num_steps=5)
