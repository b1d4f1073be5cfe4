"""Label smoothing, soft-target CE and distillation against PyTorch's built-ins."""

from __future__ import annotations

import pytest
import torch
from torch.nn import functional as F

from dlnotes.tricks.soft_targets import (
    distillation_loss,
    label_smoothing_cross_entropy,
    soft_target_cross_entropy,
)


def _logits(n=5, c=4, scale=3.0, dtype=torch.float64):
    g = torch.Generator().manual_seed(0)
    z = (scale * torch.randn(n, c, generator=g, dtype=dtype)).requires_grad_()
    return z, torch.randint(0, c, (n,), generator=g)


@pytest.mark.parametrize("eps", [0.0, 0.1, 0.5, 1.0])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize(("n", "c", "dtype"), [(5, 4, torch.float64), (1, 2, torch.float32)])
def test_label_smoothing_equals_builtin(eps, reduction, n, c, dtype):
    z, y = _logits(n, c, dtype=dtype)
    ours = label_smoothing_cross_entropy(z, y, eps, reduction)
    ref = F.cross_entropy(z, y, label_smoothing=eps, reduction=reduction)
    torch.testing.assert_close(ours, ref)
    g1 = torch.autograd.grad(ours.sum(), z)[0]
    g2 = torch.autograd.grad(ref.sum(), z)[0]
    torch.testing.assert_close(g1, g2)


def test_label_smoothing_is_stable_for_huge_logits():
    z, y = _logits(scale=1e4, dtype=torch.float32)
    ours = label_smoothing_cross_entropy(z, y, 0.1)
    assert torch.isfinite(ours)
    torch.testing.assert_close(ours, F.cross_entropy(z, y, label_smoothing=0.1))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_soft_targets_equal_builtin_probability_targets(reduction):
    z, _ = _logits()
    q = torch.softmax(torch.randn(5, 4, dtype=torch.float64), dim=1)
    ours = soft_target_cross_entropy(z, q, reduction)
    ref = F.cross_entropy(z, q, reduction=reduction)
    torch.testing.assert_close(ours, ref)
    torch.testing.assert_close(
        torch.autograd.grad(ours.sum(), z)[0], torch.autograd.grad(ref.sum(), z)[0]
    )


@pytest.mark.parametrize("T", [1.0, 2.0, 8.0])
def test_distillation_equals_kl_composition(T):
    s, y = _logits()
    t = torch.randn(5, 4, dtype=torch.float64, requires_grad=True)
    ours = distillation_loss(s, t, y, temperature=T, alpha=0.7)
    p_t = torch.softmax(t / T, dim=1)
    kl = (p_t * (torch.log(p_t) - torch.log_softmax(s / T, dim=1))).sum(1).mean()
    ref = 0.7 * T * T * kl + 0.3 * F.cross_entropy(s, y)
    torch.testing.assert_close(ours, ref)
    ours.backward()
    assert t.grad is None  # the teacher is not trained


@pytest.mark.parametrize("alpha", [0.0, 0.3, 1.0])
def test_distillation_equals_kl_div_and_cross_entropy(alpha):
    T = 3.0
    s, y = _logits(n=6, c=7, dtype=torch.float32)
    t = 2 * torch.randn(6, 7)
    ours = distillation_loss(s, t, y, temperature=T, alpha=alpha)
    soft = F.kl_div(F.log_softmax(s / T, 1), F.softmax(t / T, 1), reduction="batchmean")
    ref = alpha * soft * T * T + (1 - alpha) * F.cross_entropy(s, y)
    torch.testing.assert_close(ours, ref)
    torch.testing.assert_close(torch.autograd.grad(ours, s)[0], torch.autograd.grad(ref, s)[0])


def test_distillation_without_target_is_the_soft_term_only():
    s, y = _logits()
    t = torch.randn(5, 4, dtype=torch.float64)
    soft = distillation_loss(s, t, temperature=2.0)
    torch.testing.assert_close(soft, distillation_loss(s, t, y, temperature=2.0, alpha=1.0))
    assert soft.item() > 0


def test_distillation_gradient_scale_is_temperature_free():
    # With T^2, the soft term's gradient wrt the student logits keeps its magnitude as T
    # grows (for high T it approaches (z_s - z_t) / C for zero-mean logits).
    s = torch.tensor([[1.0, -1.0, 0.0]], dtype=torch.float64, requires_grad=True)
    t = torch.tensor([[0.0, 0.5, -0.5]], dtype=torch.float64)
    grads = []
    for T in (50.0, 200.0):
        (g,) = torch.autograd.grad(distillation_loss(s, t, temperature=T), s)
        grads.append(g)
    torch.testing.assert_close(grads[0], grads[1], rtol=0.03, atol=1e-3)
    torch.testing.assert_close(grads[1], (s - t).detach() / 3, rtol=0.03, atol=1e-3)


def test_bad_input():
    z, y = _logits()
    with pytest.raises(ValueError, match="same shape"):
        soft_target_cross_entropy(z, torch.rand(5, 3, dtype=torch.float64))
    with pytest.raises(TypeError, match="integer dtype"):
        label_smoothing_cross_entropy(z, y.double())
    with pytest.raises(ValueError, match="batch size"):
        label_smoothing_cross_entropy(z, y[:2])
    with pytest.raises(ValueError, match=r"smoothing must be in \[0, 1\]"):
        label_smoothing_cross_entropy(z, y, 1.5)
    with pytest.raises(ValueError, match="reduction"):
        soft_target_cross_entropy(z, torch.softmax(z.detach(), 1), "avg")
    with pytest.raises(ValueError, match="temperature must be > 0"):
        distillation_loss(z, z, temperature=0.0)
    with pytest.raises(ValueError, match="2 dimensions"):
        distillation_loss(z[0], z[0])
    with pytest.raises(ValueError, match=r"alpha must be in \[0, 1\]"):
        distillation_loss(z, z, y, alpha=1.5)
    with pytest.raises(TypeError, match="target must have an integer dtype"):
        distillation_loss(z, z, y.double())
    with pytest.raises(ValueError, match="batch size"):
        distillation_loss(z, z, y[:2])
    with pytest.raises(TypeError, match="floating-point"):
        soft_target_cross_entropy(z, torch.ones(5, 4, dtype=torch.long))
