"""dlnotes.mlp.polynomial: features, data, and least squares against torch.linalg.lstsq."""

from __future__ import annotations

import itertools
import math

import pytest
import torch

from dlnotes.mlp.polynomial import (
    TRUE_W,
    PolyData,
    fit_polynomial,
    fit_polynomial_gd,
    least_squares,
    make_poly_data,
    poly_features,
)

F64 = torch.float64


def _data(seed: int = 0, **kwargs) -> PolyData:
    return make_poly_data(generator=torch.Generator().manual_seed(seed), **kwargs)


def test_poly_features_are_powers_over_factorials() -> None:
    x = torch.tensor([-1.5, 0.0, 0.5, 2.0], dtype=F64)
    F = poly_features(x, 5)
    assert F.shape == (4, 6)
    for i in range(6):
        torch.testing.assert_close(F[:, i], x**i / math.factorial(i))
    assert poly_features(torch.zeros(3), 0).tolist() == [[1.0], [1.0], [1.0]]


def test_make_poly_data_follows_the_cubic() -> None:
    noiseless = _data(noise=0.0, n_train=30, n_test=10)
    assert noiseless.train_features.shape == (30, 20) and noiseless.test_labels.shape == (10,)
    assert noiseless.true_w[:4].tolist() == list(TRUE_W) and noiseless.true_w[4:].abs().sum() == 0
    x = noiseless.train_features[:, 1]
    cubic = 5 + 1.2 * x - 3.4 * x**2 / 2 + 5.6 * x**3 / 6
    torch.testing.assert_close(noiseless.train_labels, cubic)
    noisy = _data(n_train=2000, n_test=10)
    resid = noisy.train_labels - noisy.train_features @ noisy.true_w
    assert 0.09 < resid.std().item() < 0.11  # noise = 0.1
    assert torch.equal(_data(3).train_labels, _data(3).train_labels)


@pytest.mark.parametrize("l2", [0.0, 0.1, 10.0])
@pytest.mark.parametrize("dtype", [torch.float32, F64])
def test_least_squares_matches_lstsq(l2, dtype) -> None:
    g = torch.Generator().manual_seed(1)
    X = torch.randn(40, 6, generator=g, dtype=dtype)
    Y = torch.randn(40, 3, generator=g, dtype=dtype)
    # ridge as plain least squares on the augmented system [X; sqrt(l2) I] w = [y; 0]
    A = torch.cat([X, math.sqrt(l2) * torch.eye(6, dtype=dtype)])
    B = torch.cat([Y, torch.zeros(6, 3, dtype=dtype)])
    expected = torch.linalg.lstsq(A, B).solution  # (6, 3)
    tol = {"atol": 1e-4, "rtol": 1e-4} if dtype == torch.float32 else {}
    torch.testing.assert_close(least_squares(X, Y, l2=l2), expected, **tol)
    torch.testing.assert_close(least_squares(X, Y[:, 0], l2=l2), expected[:, 0], **tol)


def test_least_squares_zeroes_the_gradient() -> None:
    g = torch.Generator().manual_seed(2)
    X, y = torch.randn(25, 4, generator=g, dtype=F64), torch.randn(25, generator=g, dtype=F64)
    w = least_squares(X, y, l2=0.5).requires_grad_()
    objective = ((X @ w - y) ** 2).sum() / 2 + 0.5 * (w**2).sum() / 2
    objective.backward()
    assert w.grad.abs().max() < 1e-10


@pytest.mark.parametrize("degree", [0, 1, 2, 3, 5, 8])
def test_fit_polynomial_normal_equations_agree_with_lstsq_when_well_conditioned(degree) -> None:
    data = _data()
    w1, train1, test1 = fit_polynomial(data, degree, solver="lstsq")
    w2, train2, test2 = fit_polynomial(data, degree, solver="normal")
    assert w1.shape == (degree + 1,)
    torch.testing.assert_close(w1, w2, atol=1e-8, rtol=1e-8)
    assert train1 == pytest.approx(train2, rel=1e-8) and test1 == pytest.approx(test2, rel=1e-8)


def test_normal_equations_break_down_for_high_degree() -> None:
    data = _data()  # cond(X) ~ 1e16 at degree 19: X^T X is singular in float64
    with pytest.raises(ValueError, match="not positive definite"):
        fit_polynomial(data, 19, solver="normal")


def test_cubic_fit_recovers_the_true_weights() -> None:
    w, train_loss, test_loss = fit_polynomial(_data(), 3)
    torch.testing.assert_close(w, torch.tensor(TRUE_W, dtype=F64), atol=0.05, rtol=0)
    # both losses near the noise floor 0.1^2 / 2 = 0.005
    assert 0.003 < train_loss < 0.008 and 0.003 < test_loss < 0.008


def test_underfit_and_overfit() -> None:
    data = _data()
    losses = {d: fit_polynomial(data, d)[1:] for d in range(20)}
    # nested models: the training loss cannot increase with the degree
    trains = [losses[d][0] for d in range(12)]
    assert all(a >= b - 1e-12 for a, b in itertools.pairwise(trains))
    train1, test1 = losses[1]
    train3, test3 = losses[3]
    train19, test19 = losses[19]
    assert train1 > 100 * train3 and test1 > 100 * test3  # underfit: both losses high
    assert train19 < train3 and test19 > 100 * test3  # overfit: low training, high test


def test_bad_inputs() -> None:
    with pytest.raises(ValueError, match="x must have 1 dimensions"):
        poly_features(torch.zeros(3, 1), 2)
    with pytest.raises(TypeError, match="floating-point"):
        poly_features(torch.arange(3), 2)
    with pytest.raises(ValueError, match="degree must be >= 0"):
        poly_features(torch.zeros(3), -1)
    with pytest.raises(ValueError, match="max_degree must be >= 3"):
        make_poly_data(max_degree=2)
    with pytest.raises(ValueError, match="y must have 5 rows"):
        least_squares(torch.zeros(5, 2), torch.zeros(4))
    with pytest.raises(ValueError, match="l2 must be >= 0"):
        least_squares(torch.eye(2), torch.zeros(2), l2=-1.0)
    data = _data(n_train=10, n_test=5)
    with pytest.raises(ValueError, match="degree must be <= max_degree = 19, got 20"):
        fit_polynomial(data, 20)
    with pytest.raises(ValueError, match="solver must be 'lstsq' or 'normal'"):
        fit_polynomial(data, 3, solver="svd")
    with pytest.raises(TypeError, match="data must be a PolyData"):
        fit_polynomial((1, 2), 3)


def test_gradient_descent_converges_to_least_squares_when_well_conditioned() -> None:
    data = _data()
    w_gd, train_gd, _ = fit_polynomial_gd(data, 3, num_steps=3000)
    w_ls, train_ls, _ = fit_polynomial(data, 3)
    torch.testing.assert_close(w_gd, w_ls, atol=1e-6, rtol=0)
    assert train_gd == pytest.approx(train_ls, rel=1e-6)


def test_gradient_descent_does_not_overfit_the_high_degree_model() -> None:
    data = _data()
    w_gd, train_gd, test_gd = fit_polynomial_gd(data, 19)
    w_ls, train_ls, test_ls = fit_polynomial(data, 19)
    # GD is still far from the least-squares solution: higher training loss...
    assert train_gd > train_ls
    # ...but tiny coefficients on the high powers and a test loss near the noise floor
    assert w_gd[10:].abs().max() < 1.0 < w_ls[10:].abs().max()
    assert test_gd < 0.01 < 100 * 0.01 < test_ls


def test_gradient_descent_bad_inputs() -> None:
    data = _data(n_train=10, n_test=5)
    with pytest.raises(ValueError, match="num_steps must be >= 1"):
        fit_polynomial_gd(data, 3, num_steps=0)
    with pytest.raises(ValueError, match="lr must be > 0"):
        fit_polynomial_gd(data, 3, lr=0.0)
    with pytest.raises(ValueError, match="degree must be <= max_degree"):
        fit_polynomial_gd(data, 25)
