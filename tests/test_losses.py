"""dlnotes.losses against nn.MSELoss, nn.L1Loss, nn.HuberLoss and nn.SmoothL1Loss."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from dlnotes.losses import huber_loss, l1_loss, l2_loss, smooth_l1_loss

REDUCTIONS = ["mean", "sum", "none"]
SHAPES = [(7,), (4, 1), (2, 3, 2)]


def _pair(shape: tuple[int, ...], dtype: torch.dtype = torch.float32, scale: float = 2.0):
    g = torch.Generator().manual_seed(0)
    y_hat = (scale * torch.randn(shape, generator=g, dtype=dtype)).requires_grad_()
    y = scale * torch.randn(shape, generator=g, dtype=dtype)
    return y_hat, y


def _value_and_grad(fn, y_hat: torch.Tensor, y: torch.Tensor):
    y_hat = y_hat.detach().clone().requires_grad_()
    out = fn(y_hat, y)
    # a non-scalar output ("none") is reduced with fixed weights so every element counts
    weights = torch.linspace(0.5, 1.5, out.numel(), dtype=out.dtype).reshape(out.shape)
    (out * weights).sum().backward()
    return out.detach(), y_hat.grad


def _assert_matches(ours, theirs, y_hat, y) -> None:
    v1, g1 = _value_and_grad(ours, y_hat, y)
    v2, g2 = _value_and_grad(theirs, y_hat, y)
    assert v1.shape == v2.shape
    torch.testing.assert_close(v1, v2)
    torch.testing.assert_close(g1, g2)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_l2_and_l1_match_pytorch(reduction, shape, dtype) -> None:
    y_hat, y = _pair(shape, dtype)
    mse, l1 = nn.MSELoss(reduction=reduction), nn.L1Loss(reduction=reduction)
    _assert_matches(lambda a, b: l2_loss(a, b, reduction), mse, y_hat, y)
    _assert_matches(lambda a, b: l1_loss(a, b, reduction), l1, y_hat, y)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("delta", [0.1, 1.0, 2.5])
def test_huber_matches_pytorch(reduction, delta) -> None:
    y_hat, y = _pair((3, 4))  # residuals on both sides of delta
    _assert_matches(
        lambda a, b: huber_loss(a, b, delta=delta, reduction=reduction),
        nn.HuberLoss(reduction=reduction, delta=delta),
        y_hat,
        y,
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("beta", [0.0, 0.1, 1.0, 2.5])
def test_smooth_l1_matches_pytorch(reduction, beta) -> None:
    y_hat, y = _pair((3, 4))
    _assert_matches(
        lambda a, b: smooth_l1_loss(a, b, beta=beta, reduction=reduction),
        nn.SmoothL1Loss(reduction=reduction, beta=beta),
        y_hat,
        y,
    )


def test_boundaries_and_zero_residual() -> None:
    # residuals exactly at 0, +-delta and +-beta: values and (sub)gradients still agree
    y = torch.zeros(5)
    y_hat = torch.tensor([0.0, 1.0, -1.0, 0.5, -3.0])
    _assert_matches(lambda a, b: huber_loss(a, b, 1.0), nn.HuberLoss(delta=1.0), y_hat, y)
    _assert_matches(lambda a, b: smooth_l1_loss(a, b, 1.0), nn.SmoothL1Loss(beta=1.0), y_hat, y)
    _assert_matches(l1_loss, nn.L1Loss(), y_hat, y)


def test_smooth_l1_is_huber_over_beta_and_beta_zero_is_l1() -> None:
    y_hat, y = _pair((10,))
    for beta in (0.3, 1.0, 4.0):
        torch.testing.assert_close(
            smooth_l1_loss(y_hat, y, beta, "none"), huber_loss(y_hat, y, beta, "none") / beta
        )
    torch.testing.assert_close(smooth_l1_loss(y_hat, y, 0.0, "none"), l1_loss(y_hat, y, "none"))
    _, grad = _value_and_grad(lambda a, b: smooth_l1_loss(a, b, 0.0, "sum"), y_hat, y)
    assert torch.isfinite(grad).all()  # no nan from the r^2 / (2 * 0) branch


def test_gradient_magnitudes_l1_constant_l2_grows() -> None:
    y_hat = torch.tensor([0.5, 2.0, 100.0], requires_grad=True)
    l1_loss(y_hat, torch.zeros(3), "sum").backward()
    torch.testing.assert_close(y_hat.grad, torch.ones(3))
    y_hat.grad = None
    l2_loss(y_hat, torch.zeros(3), "sum").backward()
    torch.testing.assert_close(y_hat.grad, torch.tensor([1.0, 4.0, 200.0]))
    y_hat.grad = None
    huber_loss(y_hat, torch.zeros(3), delta=1.0, reduction="sum").backward()
    torch.testing.assert_close(y_hat.grad, torch.tensor([0.5, 1.0, 1.0]))  # capped at delta


def test_inputs_are_not_mutated() -> None:
    y_hat, y = _pair((6,))
    before = (y_hat.detach().clone(), y.clone())
    for fn in (l2_loss, l1_loss, huber_loss, smooth_l1_loss):
        fn(y_hat, y)
    torch.testing.assert_close(y_hat.detach(), before[0])
    torch.testing.assert_close(y, before[1])


@pytest.mark.parametrize("fn", [l2_loss, l1_loss, huber_loss, smooth_l1_loss])
def test_bad_inputs(fn) -> None:
    with pytest.raises(ValueError, match=r"same shape, got \(4, 1\) and \(4,\)"):
        fn(torch.zeros(4, 1), torch.zeros(4))
    with pytest.raises(ValueError, match=r"one of \('mean', 'sum', 'none'\), got 'avg'"):
        fn(torch.zeros(2), torch.zeros(2), reduction="avg")
    with pytest.raises(TypeError, match=r"floating-point dtype, got torch\.int64"):
        fn(torch.tensor([1, 2]), torch.tensor([1.0, 2.0]))
    with pytest.raises(TypeError, match=r"must be a torch\.Tensor"):
        fn([1.0], torch.tensor([1.0]))


def test_bad_delta_and_beta() -> None:
    a = torch.zeros(2)
    for delta in (0.0, -1.0, float("nan")):
        with pytest.raises(ValueError, match="delta must be > 0"):
            huber_loss(a, a, delta=delta)
    with pytest.raises(ValueError, match="beta must be >= 0"):
        smooth_l1_loss(a, a, beta=-0.5)
    with pytest.raises(TypeError, match="delta must be a number"):
        huber_loss(a, a, delta="1")
