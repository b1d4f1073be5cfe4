"""dlnotes.optim.convexity: the L2-ball projection against clip_grad_norm_ and renorm, and
Jensen's gap against closed forms."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from dlnotes.optim.convexity import jensen_gap, project_l2_ball


def _net_with_gradient(seed: int = 0) -> nn.Module:
    torch.manual_seed(seed)
    net = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
    nn.functional.mse_loss(net(torch.randn(16, 4)), torch.randn(16, 2)).backward()
    return net


@pytest.mark.parametrize("max_norm", [0.05, 0.3, 100.0])
def test_projection_matches_clip_grad_norm(max_norm: float) -> None:
    net = _net_with_gradient()
    g = torch.cat([p.grad.flatten() for p in net.parameters()])
    total = nn.utils.clip_grad_norm_(net.parameters(), max_norm)
    clipped = torch.cat([p.grad.flatten() for p in net.parameters()])
    torch.testing.assert_close(total, torch.linalg.vector_norm(g))
    torch.testing.assert_close(clipped, project_l2_ball(g, max_norm, eps=1e-6))
    # eps = 0 is the exact projection; it differs from PyTorch's only by the 1e-6
    torch.testing.assert_close(clipped, project_l2_ball(g, max_norm), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_projection_matches_renorm(dtype: torch.dtype) -> None:
    g = torch.Generator().manual_seed(1)
    for scale in (0.1, 1.0, 10.0):
        x = scale * torch.randn(7, generator=g, dtype=dtype)
        expected = torch.renorm(x[None], p=2, dim=0, maxnorm=1.0)[0]
        out = project_l2_ball(x, 1.0)
        assert out.dtype == dtype and out.shape == x.shape
        torch.testing.assert_close(out, expected)


def test_projection_is_the_closest_point_and_keeps_shape() -> None:
    g = torch.Generator().manual_seed(2)
    x = 4 * torch.randn(2, 3, generator=g, dtype=torch.float64)  # norm over all entries
    p = project_l2_ball(x, 2.0)
    assert p.shape == (2, 3)
    assert math.isclose(torch.linalg.vector_norm(p).item(), 2.0)
    y = torch.randn(500, 2, 3, generator=g, dtype=torch.float64)
    y = y / y.flatten(1).norm(dim=1)[:, None, None] * 2.0 * torch.rand(500, 1, 1, generator=g)
    assert ((y - x).flatten(1).norm(dim=1) >= (p - x).norm()).all()
    inner = ((y - p).flatten(1) * (x - p).flatten()).sum(dim=1)
    assert (inner <= 1e-12).all()  # the angle condition of a projection on a convex set


def test_projection_inside_ball() -> None:
    x = torch.tensor([0.3, -0.4])
    assert torch.equal(project_l2_ball(x, 1.0), x)
    assert torch.equal(project_l2_ball(torch.zeros(3), 1.0), torch.zeros(3))  # no 0/0
    assert not project_l2_ball(torch.zeros(3), 1.0).isnan().any()


def test_projection_rejects_bad_input() -> None:
    with pytest.raises(TypeError, match=r"w must be a torch\.Tensor"):
        project_l2_ball([3.0, 4.0], 1.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="floating-point"):
        project_l2_ball(torch.tensor([3, 4]), 1.0)
    with pytest.raises(ValueError, match="radius must be > 0"):
        project_l2_ball(torch.ones(2), -1.0)
    with pytest.raises(ValueError, match="radius"):
        project_l2_ball(torch.ones(2), float("nan"))
    with pytest.raises(TypeError, match="radius must be a number"):
        project_l2_ball(torch.ones(2), True)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="eps"):
        project_l2_ball(torch.ones(2), 1.0, eps=-1e-6)


def test_jensen_gap_closed_forms() -> None:
    g = torch.Generator().manual_seed(0)
    z = torch.randn(20_000, generator=g, dtype=torch.float64)
    torch.testing.assert_close(jensen_gap(torch.square, z), z.var(correction=0))
    gap = jensen_gap(torch.exp, z).item()
    assert abs(gap - (math.exp(0.5) - 1)) < 0.05  # E[e^Z] = e^(1/2) for Z ~ N(0, 1)
    affine = jensen_gap(lambda t: 3 * t + 1, z)  # affine: no gap
    assert abs(affine.item()) < 1e-12


def test_jensen_gap_weighted_and_vector_points() -> None:
    x = torch.tensor([-1.0, 0.0, 3.0], dtype=torch.float64)
    w = torch.tensor([1.0, 2.0, 1.0], dtype=torch.float64)  # normalized to 1/4, 1/2, 1/4
    mean = (w / 4) @ x
    expected = (w / 4) @ x**2 - mean**2
    torch.testing.assert_close(jensen_gap(torch.square, x, weights=w), expected)
    # points in R^3, f = squared norm: the gap is the trace of the covariance
    g = torch.Generator().manual_seed(3)
    pts = torch.randn(400, 3, generator=g, dtype=torch.float64)
    gap = jensen_gap(lambda p: (p**2).sum(dim=-1), pts)
    torch.testing.assert_close(gap, pts.var(dim=0, correction=0).sum())


def test_jensen_gap_sign_for_convex_and_concave() -> None:
    g = torch.Generator().manual_seed(4)
    for _ in range(20):
        x = torch.rand(30, generator=g, dtype=torch.float64) * 3 + 0.1
        w = torch.rand(30, generator=g, dtype=torch.float64)
        assert jensen_gap(torch.exp, x, w) >= -1e-12
        assert jensen_gap(lambda t: -torch.log(t), x, w) >= -1e-12
        assert jensen_gap(torch.log, x, w) <= 1e-12


def test_jensen_gap_rejects_bad_input() -> None:
    x = torch.tensor([1.0, 2.0])
    with pytest.raises(TypeError, match="f must be callable"):
        jensen_gap(3.0, x)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"samples must be a torch\.Tensor"):
        jensen_gap(torch.exp, [1.0, 2.0])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="floating-point"):
        jensen_gap(torch.exp, torch.tensor([1, 2]))
    with pytest.raises(ValueError, match="n >= 1"):
        jensen_gap(torch.exp, torch.tensor(1.0))
    with pytest.raises(ValueError, match="n >= 1"):
        jensen_gap(torch.exp, torch.zeros(0))
    with pytest.raises(ValueError, match=r"weights must have shape \(2,\)"):
        jensen_gap(torch.exp, x, weights=torch.ones(3))
    with pytest.raises(ValueError, match="weights must be finite"):
        jensen_gap(torch.exp, x, weights=torch.tensor([1.0, -0.5]))
    with pytest.raises(ValueError, match="weights must be finite"):
        jensen_gap(torch.exp, x, weights=torch.zeros(2))
    with pytest.raises(ValueError, match="weights must be finite"):
        jensen_gap(torch.exp, x, weights=torch.tensor([1.0, float("nan")]))
    with pytest.raises(ValueError, match="f must map"):
        jensen_gap(torch.exp, torch.ones(4, 2))  # exp keeps the point dimension
