"""MixUp / CutMix against torchvision.transforms.v2, and their label mixing."""

from __future__ import annotations

import pytest
import torch
from torchvision.transforms import v2

from dlnotes.tricks.mixing import MixUpCutMix, cutmix, mixup


def _batch(n=6, c=3, h=8, w=10, classes=5):
    g = torch.Generator().manual_seed(0)
    return torch.rand(n, c, h, w, generator=g), torch.randint(0, classes, (n,), generator=g)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mixup_equals_torchvision(seed):
    x, y = _batch()
    torch.manual_seed(seed)
    want_x, want_y = v2.MixUp(alpha=0.4, num_classes=5)(x, y)
    torch.manual_seed(seed)
    got_x, got_y = mixup(x, y, num_classes=5, alpha=0.4)
    torch.testing.assert_close(got_x, want_x)
    torch.testing.assert_close(got_y, want_y)


@pytest.mark.parametrize("seed", range(6))
def test_cutmix_equals_torchvision(seed):
    x, y = _batch()
    torch.manual_seed(seed)
    want_x, want_y = v2.CutMix(alpha=1.0, num_classes=5)(x, y)
    torch.manual_seed(seed)
    got_x, got_y = cutmix(x, y, num_classes=5, alpha=1.0)
    assert torch.equal(got_x, want_x)
    torch.testing.assert_close(got_y, want_y)


class _FixedBeta:
    """Stands in for torchvision's Beta distribution: always returns ``lam``."""

    def __init__(self, lam):
        self.lam = lam

    def sample(self, shape=()):
        return torch.tensor([self.lam])


def _fix_lam(transform, lam, monkeypatch):
    # torchvision >= 0.16 keeps its Beta(alpha, alpha) in ``_dist``; pinning it makes the
    # comparison independent of how the Beta sampler consumes random numbers.
    if not hasattr(transform, "_dist"):
        pytest.skip("this torchvision has no _dist to pin")
    monkeypatch.setattr(transform, "_dist", _FixedBeta(lam))
    return transform


@pytest.mark.parametrize("lam", [0.0, 0.3, 0.5, 0.91, 1.0])
def test_mixup_equals_torchvision_at_a_pinned_lambda(lam, monkeypatch):
    x, y = _batch()
    tv = _fix_lam(v2.MixUp(alpha=1.0, num_classes=5), lam, monkeypatch)
    want_x, want_y = tv(x, y)
    got_x, got_y = mixup(x, y, num_classes=5, lam=lam)
    torch.testing.assert_close(got_x, want_x)
    torch.testing.assert_close(got_y, want_y)


@pytest.mark.parametrize(("lam", "seed"), [(0.2, 0), (0.5, 1), (0.75, 2), (0.99, 3)])
def test_cutmix_equals_torchvision_at_a_pinned_lambda(lam, seed, monkeypatch):
    x, y = _batch(h=7, w=9)  # odd, unequal sides: the box is clipped differently per axis
    tv = _fix_lam(v2.CutMix(alpha=1.0, num_classes=5), lam, monkeypatch)
    torch.manual_seed(seed)  # the box centre still comes from the global RNG in both
    want_x, want_y = tv(x, y)
    torch.manual_seed(seed)
    got_x, got_y = cutmix(x, y, num_classes=5, lam=lam)
    assert torch.equal(got_x, want_x)
    torch.testing.assert_close(got_y, want_y)


def test_cutmix_adjusts_lambda_to_the_clipped_box():
    x = torch.stack([torch.zeros(1, 6, 6), torch.ones(1, 6, 6)])
    for seed in range(10):
        torch.manual_seed(seed)
        xm, ym = cutmix(x, torch.tensor([0, 1]), 2, lam=0.3)
        pasted = xm[0].mean().item()  # share of example 0 covered by example 1's box
        assert ym[0].tolist() == pytest.approx([1 - pasted, pasted])
        assert pasted <= 0.7 + 1e-9  # clipping can only shrink the nominal box


def test_generator_makes_draws_reproducible_and_leaves_global_rng_alone():
    x, y = _batch()
    for fn in (mixup, cutmix):
        torch.manual_seed(123)
        state = torch.get_rng_state()
        a = fn(x, y, 5, generator=torch.Generator().manual_seed(7))
        b = fn(x, y, 5, generator=torch.Generator().manual_seed(7))
        assert torch.equal(torch.get_rng_state(), state)
        assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])
        c = fn(x, y, 5, generator=torch.Generator().manual_seed(8))
        assert not torch.equal(a[1], c[1])


@pytest.mark.parametrize("alpha", [0.2, 1.0])
def test_generator_lambda_follows_beta(alpha):
    # Beta(a, a) has mean 1/2 and variance 1 / (4 (2a + 1)); 2000 draws pin both.
    g = torch.Generator().manual_seed(0)
    x, y = torch.tensor([[0.0], [1.0]]), torch.tensor([0, 1])
    lams = torch.tensor([mixup(x, y, 2, alpha, generator=g)[1][0, 0].item() for _ in range(2000)])
    assert lams.min() >= 0 and lams.max() <= 1
    assert abs(lams.mean().item() - 0.5) < 0.03
    assert abs(lams.var().item() - 1 / (4 * (2 * alpha + 1))) < 0.015


def test_labels_are_distributions_and_inputs_untouched():
    x, y = _batch()
    x0 = x.clone()
    for fn in (mixup, cutmix):
        xm, ym = fn(x, y, 5, lam=0.3)
        assert xm.shape == x.shape and ym.shape == (6, 5)
        torch.testing.assert_close(ym.sum(1), torch.ones(6))
        assert torch.equal(x, x0)


def test_cutmix_label_weight_is_the_pasted_area():
    x = torch.stack([torch.zeros(1, 10, 10), torch.ones(1, 10, 10)])
    torch.manual_seed(3)
    xm, ym = cutmix(x, torch.tensor([0, 1]), 2, lam=0.5)
    # example 0 is all zeros except the pasted box of ones from example 1
    assert xm[0].mean().item() == pytest.approx(ym[0, 1].item())


def test_lam_one_is_the_identity_and_mixup_is_linear():
    x, y = _batch()
    xm, ym = mixup(x, y, 5, lam=1.0)
    assert torch.equal(xm, x) and torch.equal(ym.argmax(1), y)
    xm, _ = mixup(x, y, 5, lam=0.25)
    torch.testing.assert_close(xm, 0.25 * x + 0.75 * x.roll(1, 0))


def test_mixupcutmix_picks_both():
    x, y = _batch()
    torch.manual_seed(0)
    t = MixUpCutMix(5, p_cutmix=0.5)
    kinds = set()
    for _ in range(20):
        xm, _ = t(x, y)
        # CutMix leaves pixels exactly equal to x or to the rolled x; MixUp blends
        exact = ((xm == x) | (xm == x.roll(1, 0))).all().item()
        kinds.add(exact)
    assert kinds == {True, False}


def test_mixupcutmix_generator_and_extremes():
    x, y = _batch()
    a = MixUpCutMix(5, generator=torch.Generator().manual_seed(1))
    b = MixUpCutMix(5, generator=torch.Generator().manual_seed(1))
    for _ in range(4):
        (xa, ya), (xb, yb) = a(x, y), b(x, y)
        assert torch.equal(xa, xb) and torch.equal(ya, yb)
    # p_cutmix = 1: one rand() for the choice, then exactly cutmix's draws
    g1, g2 = torch.Generator().manual_seed(5), torch.Generator().manual_seed(5)
    got = MixUpCutMix(5, cutmix_alpha=0.7, p_cutmix=1.0, generator=g1)(x, y)
    torch.rand((), generator=g2)
    want = cutmix(x, y, 5, 0.7, generator=g2)
    assert torch.equal(got[0], want[0]) and torch.equal(got[1], want[1])
    g1, g2 = torch.Generator().manual_seed(5), torch.Generator().manual_seed(5)
    got = MixUpCutMix(5, mixup_alpha=0.3, p_cutmix=0.0, generator=g1)(x, y)
    torch.rand((), generator=g2)
    want = mixup(x, y, 5, 0.3, generator=g2)
    assert torch.equal(got[0], want[0]) and torch.equal(got[1], want[1])


def test_bad_input():
    x, y = _batch()
    with pytest.raises(TypeError, match="integer dtype"):
        mixup(x, y.float(), 5)
    with pytest.raises(ValueError, match="same batch size"):
        mixup(x, y[:3], 5)
    with pytest.raises(ValueError, match=r"labels must be in \[0, 3\]"):
        mixup(x, torch.tensor([0, 1, 2, 3, 4, 0]), 4)
    with pytest.raises(ValueError, match="at least 3 dimensions"):
        cutmix(torch.rand(6, 4), y, 5)
    with pytest.raises(ValueError, match="alpha must be > 0"):
        mixup(x, y, 5, alpha=0.0)
    with pytest.raises(ValueError, match=r"lam must be a number in \[0, 1\]"):
        cutmix(x, y, 5, lam=1.5)
    with pytest.raises(TypeError, match="x must have a floating-point dtype"):
        mixup(y.view(6, 1), y, 5)
    with pytest.raises(ValueError, match="num_classes must be an int >= 2"):
        cutmix(x, y, 1)
    with pytest.raises(TypeError, match=r"generator must be a torch\.Generator"):
        mixup(x, y, 5, generator=0)
    with pytest.raises(ValueError, match="p_cutmix"):
        MixUpCutMix(5, p_cutmix=2.0)
    with pytest.raises(ValueError, match="num_classes"):
        MixUpCutMix(0)
    with pytest.raises(ValueError, match="mixup_alpha must be > 0"):
        MixUpCutMix(5, mixup_alpha=-1.0)
