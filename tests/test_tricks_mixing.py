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
    with pytest.raises(ValueError, match=r"lam must be in \[0, 1\]"):
        cutmix(x, y, 5, lam=1.5)
    with pytest.raises(ValueError, match="p_cutmix"):
        MixUpCutMix(5, p_cutmix=2.0)
