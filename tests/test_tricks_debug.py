"""The debugging checks T48-T50 catch what they claim to catch, and only that."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn
from torch.nn import functional as F

from dlnotes.tricks.debug import (
    check_batch_independence,
    check_initial_loss,
    init_classifier_bias,
    overfit_one_batch,
)


def _data(n=32, d=8, c=4):
    g = torch.Generator().manual_seed(0)
    return torch.randn(n, d, generator=g), torch.randint(0, c, (n,), generator=g)


def test_initial_loss_is_log_c_for_a_fresh_linear_layer():
    x, y = _data(n=512, c=10)
    torch.manual_seed(0)
    report = check_initial_loss(nn.Linear(8, 10), x, y)
    assert report.ok and report.expected == pytest.approx(math.log(10))
    assert abs(report.loss - math.log(10)) < 0.3


def test_initial_loss_flags_an_overconfident_init():
    x, y = _data(c=10)
    net = nn.Linear(8, 10)
    with torch.no_grad():
        net.weight.mul_(50)
    report = check_initial_loss(net, x, y)
    assert not report.ok and report.loss > 3 * report.expected
    assert "far from the expected value" in str(report)


def test_init_classifier_bias_matches_priors_and_lowers_the_initial_loss():
    y = torch.tensor([0] * 90 + [1] * 10)
    x = torch.zeros(100, 3)
    fc = nn.Linear(3, 2)
    plain = check_initial_loss(fc, x, y).loss
    init_classifier_bias(fc, torch.bincount(y))
    probs = torch.softmax(fc(x[:1]), dim=1).detach()
    torch.testing.assert_close(probs, torch.tensor([[0.9, 0.1]]))
    assert check_initial_loss(fc, x, y).loss < plain
    priors = init_classifier_bias(nn.Linear(3, 2), [0.9, 0.1]).bias  # frequencies work too
    torch.testing.assert_close(priors, fc.bias)


def test_initial_loss_far_below_log_c_is_flagged_too():
    x, y = _data(c=4)
    leaky_x = 10 * F.one_hot(y, 4).float()  # the label was left among the features
    report = check_initial_loss(nn.Identity(), leaky_x, y)
    assert not report.ok and report.loss < 0.01
    assert "labels leak" in str(report)
    uniform = nn.Linear(8, 4)
    with torch.no_grad():
        uniform.weight.zero_(), uniform.bias.zero_()
    report = check_initial_loss(uniform, x, y)  # a uniform prediction: exactly log C
    assert report.ok and report.loss == pytest.approx(math.log(4))


def test_overfit_one_batch_succeeds_for_a_working_model_and_leaves_it_untouched():
    x, y = _data()
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(8, 64), nn.ReLU(), nn.Linear(64, 4))
    before = [p.detach().clone() for p in net.parameters()]
    report = overfit_one_batch(net, x, y, steps=150)
    assert report.ok and report.final_loss < report.first_loss and report.train_accuracy == 1.0
    assert all(torch.equal(p, q) for p, q in zip(net.parameters(), before, strict=True))


def test_overfit_one_batch_optimizers():
    x, y = _data()
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(8, 64), nn.ReLU(), nn.Linear(64, 4))
    assert overfit_one_batch(net, x, y, steps=150, lr=0.1, optimizer="sgd").ok
    used = []

    def factory(params, lr):
        used.append(lr)
        return torch.optim.AdamW(params, lr=lr)

    assert overfit_one_batch(net, x, y, steps=150, lr=0.02, optimizer=factory).ok
    assert used == [0.02]
    assert not overfit_one_batch(net, x, y, steps=150, lr=1e-7).ok  # far too small an LR


def test_overfit_one_batch_catches_a_broken_pipeline():
    x, y = _data()

    class DetachedFeatures(nn.Module):  # a bug: the hidden layer never learns
        def __init__(self):
            super().__init__()
            self.hidden, self.out = nn.Linear(8, 2), nn.Linear(2, 4)

        def forward(self, x):
            return self.out(torch.relu(self.hidden(x)).detach() * 0)

    assert not overfit_one_batch(DetachedFeatures(), x, y, steps=100).ok


def test_batch_independence():
    x, _ = _data(n=6)
    mlp = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))
    assert check_batch_independence(mlp, x).ok
    bn = nn.Sequential(nn.Linear(8, 16), nn.BatchNorm1d(16), nn.Linear(16, 3))
    assert check_batch_independence(bn.train(), x, sample=2).leaking == [0, 1, 3, 4, 5]
    assert check_batch_independence(bn.eval(), x, sample=2).ok

    class ReshapeBug(nn.Module):  # mixes examples by viewing (n, d) as (d, n)
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(6, 6)

        def forward(self, x):
            return self.fc(x.reshape(x.shape[1], x.shape[0])).reshape(x.shape)

    assert not check_batch_independence(ReshapeBug(), x).ok
    assert ReshapeBug()(x).shape == x.shape  # the bug keeps every shape right


def test_batch_independence_has_no_side_effects():
    x, _ = _data(n=6)
    bn = nn.Sequential(nn.Linear(8, 16), nn.BatchNorm1d(16), nn.Linear(16, 3)).train()
    before = {k: v.clone() for k, v in bn.state_dict().items()}
    assert not check_batch_independence(bn, x).ok
    assert bn.training and all(p.requires_grad and p.grad is None for p in bn.parameters())
    for k, v in bn.state_dict().items():  # running statistics untouched
        assert torch.equal(v, before[k]), k


def test_bad_input():
    x, y = _data()
    with pytest.raises(ValueError, match="at least 2 examples"):
        check_batch_independence(nn.Linear(8, 2), x[:1])
    with pytest.raises(ValueError, match=r"sample must be in \[0, 31\]"):
        check_batch_independence(nn.Linear(8, 2), x, sample=32)
    with pytest.raises(ValueError, match="num_classes is 5"):
        check_initial_loss(nn.Linear(8, 4), x, y, num_classes=5)
    with pytest.raises(TypeError, match="integer dtype"):
        check_initial_loss(nn.Linear(8, 4), x, y.float())
    with pytest.raises(ValueError, match=r"class_counts_or_priors must have shape \(4,\)"):
        init_classifier_bias(nn.Linear(8, 4), torch.tensor([1, 2]))
    with pytest.raises(ValueError, match="steps"):
        overfit_one_batch(nn.Linear(8, 4), x, y, steps=0)
    with pytest.raises(ValueError, match='optimizer must be "adam", "sgd"'):
        overfit_one_batch(nn.Linear(8, 4), x, y, optimizer="lion")
    with pytest.raises(ValueError, match="rtol must be > 0"):
        check_initial_loss(nn.Linear(8, 4), x, y, rtol=0.0)
    with pytest.raises(ValueError, match="must all be > 0"):
        init_classifier_bias(nn.Linear(8, 2), torch.tensor([3, 0]))
    with pytest.raises(TypeError, match=r"nn\.Linear with a bias"):
        init_classifier_bias(nn.Linear(8, 2, bias=False), torch.tensor([3, 1]))
    with pytest.raises(TypeError, match="floating-point"):
        check_batch_independence(nn.Linear(8, 2), torch.ones(4, 8, dtype=torch.long))
