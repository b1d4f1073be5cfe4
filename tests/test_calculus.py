"""dlnotes.calculus: finite differences against torch.autograd."""

from __future__ import annotations

import math

import pytest
import torch

from dlnotes.calculus import numerical_derivative, numerical_gradient, tangent_line


def _autograd_derivative(f, x: float) -> float:
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    (g,) = torch.autograd.grad(f(t), t)
    return g.item()


SCALAR_FUNCTIONS = [
    (lambda x: 3 * x**2 - 4 * x, 1.0),
    (lambda x: x**3 - 2 * x, -0.7),
    (lambda x: torch.exp(x) if torch.is_tensor(x) else math.exp(x), 0.3),
    (lambda x: torch.sin(x) * x if torch.is_tensor(x) else math.sin(x) * x, 2.0),
    (lambda x: 1 / x, 0.5),
]


@pytest.mark.parametrize(("f", "x"), SCALAR_FUNCTIONS)
def test_numerical_derivative_matches_autograd(f, x: float) -> None:
    assert numerical_derivative(f, x) == pytest.approx(_autograd_derivative(f, x), rel=1e-6)


def test_central_difference_error_shrinks_like_h_squared() -> None:
    f, exact = math.exp, 1.0  # d/dx e^x at 0
    err = [abs(numerical_derivative(f, 0.0, h) - exact) for h in (1e-1, 1e-2)]
    assert 50 < err[0] / err[1] < 200  # 10x smaller h, ~100x smaller error


def test_numerical_derivative_accepts_tensor_valued_f() -> None:
    f = lambda x: torch.tensor(x, dtype=torch.float64) ** 2  # noqa: E731
    assert numerical_derivative(f, 3.0) == pytest.approx(6.0)


@pytest.mark.parametrize("h", [0, -1e-3, float("nan")])
def test_bad_step_is_refused(h: float) -> None:
    with pytest.raises(ValueError, match="h must be > 0"):
        numerical_derivative(lambda x: x, 1.0, h=h)
    with pytest.raises(ValueError, match="h must be > 0"):
        numerical_gradient(lambda t: t.sum(), torch.ones(2), h=h)
    with pytest.raises(ValueError, match="h must be > 0"):
        tangent_line(lambda x: x, 1.0, h=h)


def test_numerical_derivative_needs_a_number() -> None:
    with pytest.raises(TypeError, match="x must be a real number, got Tensor"):
        numerical_derivative(lambda x: x, torch.tensor(1.0))
    with pytest.raises(TypeError, match="got bool"):
        numerical_derivative(lambda x: x, True)


# ----------------------------------------------------------------------------- gradients
def _autograd_gradient(f, x: torch.Tensor) -> torch.Tensor:
    t = x.detach().clone().requires_grad_(True)
    f(t).backward()
    return t.grad


VECTOR_FUNCTIONS = [
    lambda t: (t**2).sum(),
    lambda t: torch.logsumexp(t.reshape(-1), dim=0),
    lambda t: (torch.sin(t) * t.flip(-1)).sum(),
]


@pytest.mark.parametrize("f", VECTOR_FUNCTIONS)
@pytest.mark.parametrize("shape", [(), (3,), (2, 3)])
def test_numerical_gradient_matches_autograd(f, shape: tuple[int, ...]) -> None:
    x = torch.randn(shape, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    grad = numerical_gradient(f, x)
    assert grad.shape == x.shape and grad.dtype == x.dtype
    torch.testing.assert_close(grad, _autograd_gradient(f, x), rtol=1e-6, atol=1e-8)


def test_numerical_gradient_of_a_matrix_function() -> None:
    g = torch.Generator().manual_seed(2)
    A = torch.randn(3, 2, generator=g, dtype=torch.float64)
    b = torch.randn(3, generator=g, dtype=torch.float64)
    x = torch.randn(2, generator=g, dtype=torch.float64)
    f = lambda t: ((A @ t - b) ** 2).sum()  # noqa: E731
    torch.testing.assert_close(numerical_gradient(f, x), 2 * A.T @ (A @ x - b))


def test_numerical_gradient_float32_is_only_roughly_right() -> None:
    x = torch.tensor([0.3, -1.2, 2.0])
    f = lambda t: (t**3).sum()  # noqa: E731
    grad = numerical_gradient(f, x, h=1e-2)
    assert grad.dtype == torch.float32
    torch.testing.assert_close(grad, 3 * x**2, rtol=1e-3, atol=1e-3)


def test_numerical_gradient_does_not_touch_its_input() -> None:
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=torch.float64).T  # non-contiguous too
    before = x.clone()
    seen: list[torch.Tensor] = []

    def f(t: torch.Tensor) -> torch.Tensor:
        seen.append(t)
        return (t**2).sum()

    grad = numerical_gradient(f, x)
    assert torch.equal(x, before)
    assert all(t.data_ptr() != x.data_ptr() for t in seen)  # f never saw x itself
    torch.testing.assert_close(grad, 2 * x)


def test_numerical_gradient_on_a_leaf_that_requires_grad() -> None:
    x = torch.ones(3, dtype=torch.float64, requires_grad=True)
    grad = numerical_gradient(lambda t: (t * t).sum(), x)
    assert not grad.requires_grad and x.grad is None
    torch.testing.assert_close(grad, 2 * x.detach())


def test_numerical_gradient_bad_input() -> None:
    with pytest.raises(TypeError, match=r"floating-point dtype, got torch\.int64"):
        numerical_gradient(lambda t: t.sum(), torch.arange(3))
    with pytest.raises(TypeError, match=r"must be a torch\.Tensor, got list"):
        numerical_gradient(lambda t: t.sum(), [1.0, 2.0])
    with pytest.raises(ValueError, match=r"f must return a scalar, got a tensor of shape \(2,\)"):
        numerical_gradient(lambda t: 2 * t, torch.ones(2))


# ----------------------------------------------------------------------------- tangent
@pytest.mark.parametrize(("f", "x0"), SCALAR_FUNCTIONS)
def test_tangent_line_touches_f_with_the_autograd_slope(f, x0: float) -> None:
    slope, intercept = tangent_line(f, x0)
    assert slope == pytest.approx(_autograd_derivative(f, x0), rel=1e-6)
    assert slope * x0 + intercept == pytest.approx(float(f(x0)), abs=1e-9)


def test_tangent_of_the_d2l_example() -> None:
    slope, intercept = tangent_line(lambda x: 3 * x**2 - 4 * x, 1.0)
    assert slope == pytest.approx(2.0) and intercept == pytest.approx(-3.0)
