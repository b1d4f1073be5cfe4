"""dlnotes.linear.regression: model, loss, SGD and normal equation vs PyTorch."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from dlnotes.data.arrays import data_iter
from dlnotes.data.synthetic import synthetic_data
from dlnotes.linear.regression import linreg, normal_equation, sgd, squared_loss

TRUE_W, TRUE_B = torch.tensor([2.0, -3.4]), 4.2


def _data(n: int = 200, seed: int = 0):
    return synthetic_data(TRUE_W, TRUE_B, n, generator=torch.Generator().manual_seed(seed))


# ------------------------------------------------------------------------- model and loss
def test_linreg_matches_nn_linear_values_and_grads() -> None:
    X, _ = _data(8)
    net = nn.Linear(2, 1)
    w = net.weight.detach().T.clone().requires_grad_()  # (2, 1): column, D2L layout
    b = net.bias.detach().clone().requires_grad_()
    ours, theirs = linreg(X, w, b), net(X)
    torch.testing.assert_close(ours, theirs)
    ours.sum().backward()
    theirs.sum().backward()
    torch.testing.assert_close(w.grad, net.weight.grad.T)
    torch.testing.assert_close(b.grad, net.bias.grad)


def test_linreg_bad_shapes() -> None:
    X = torch.zeros(3, 2)
    with pytest.raises(ValueError, match=r"w must have shape \(d, 1\) = \(2, 1\).*got \(3, 1\)"):
        linreg(X, torch.zeros(3, 1), torch.zeros(1))
    with pytest.raises(ValueError, match="w must have 2 dimensions"):
        linreg(X, torch.zeros(2), torch.zeros(1))
    with pytest.raises(ValueError, match="b must hold one number"):
        linreg(X, torch.zeros(2, 1), torch.zeros(2))
    with pytest.raises(TypeError, match="X must have a floating-point dtype"):
        linreg(torch.zeros(3, 2, dtype=torch.long), torch.zeros(2, 1), torch.zeros(1))


def test_squared_loss_is_half_mse() -> None:
    g = torch.Generator().manual_seed(1)
    y_hat, y = torch.randn(5, 1, generator=g), torch.randn(5, 1, generator=g)
    loss = squared_loss(y_hat, y)
    assert loss.shape == (5, 1)  # per example, no reduction
    torch.testing.assert_close(loss.mean(), nn.MSELoss()(y_hat, y) / 2)
    torch.testing.assert_close(loss.sum(), nn.MSELoss(reduction="sum")(y_hat, y) / 2)


def test_squared_loss_refuses_silent_broadcast() -> None:
    with pytest.raises(ValueError, match=r"got \(4, 1\) and \(4,\).*broadcast to \(4, 4\)"):
        squared_loss(torch.zeros(4, 1), torch.zeros(4))
    with pytest.raises(ValueError, match=r"got \(4, 2\) and \(3,\); reshape"):
        squared_loss(torch.zeros(4, 2), torch.zeros(3))
    with pytest.raises(TypeError, match="y must have a floating-point dtype"):
        squared_loss(torch.zeros(4, 1), torch.zeros(4, 1, dtype=torch.int64))


# ------------------------------------------------------------------------------------ sgd
def test_sgd_matches_torch_optim_sgd() -> None:
    X, y = _data(10)
    w1 = torch.zeros(2, 1, requires_grad=True)
    b1 = torch.zeros(1, requires_grad=True)
    w2, b2 = w1.detach().clone().requires_grad_(), b1.detach().clone().requires_grad_()
    opt = torch.optim.SGD([w2, b2], lr=0.1 / len(X))  # sgd divides by batch_size
    for _ in range(3):
        squared_loss(linreg(X, w1, b1), y).sum().backward()
        sgd([w1, b1], lr=0.1, batch_size=len(X))
        opt.zero_grad()
        squared_loss(linreg(X, w2, b2), y).sum().backward()
        opt.step()
    torch.testing.assert_close(w1, w2)
    torch.testing.assert_close(b1, b2)
    assert torch.count_nonzero(w1.grad) == 0 and torch.count_nonzero(b1.grad) == 0


def test_sgd_updates_params_in_place_and_leaves_data_alone() -> None:
    X, y = _data(4)
    X0, y0 = X.clone(), y.clone()
    w = torch.zeros(2, 1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    w_id = w.data_ptr()
    squared_loss(linreg(X, w, b), y).sum().backward()
    expected = (w - 0.5 * w.grad / 4).detach()
    sgd([w, b], lr=0.5, batch_size=4)
    assert w.data_ptr() == w_id and w.requires_grad and w.is_leaf
    torch.testing.assert_close(w.detach(), expected)
    assert torch.equal(X, X0) and torch.equal(y, y0)


def test_sgd_bad_inputs() -> None:
    w = torch.zeros(2, requires_grad=True)
    with pytest.raises(ValueError, match="has no gradient"):
        sgd([w], lr=0.1, batch_size=1)
    w.sum().backward()
    with pytest.raises(ValueError, match="lr must be > 0"):
        sgd([w], lr=0.0, batch_size=1)
    with pytest.raises(ValueError, match="batch_size must be > 0"):
        sgd([w], lr=0.1, batch_size=0)
    with pytest.raises(TypeError, match="batch_size must be an int"):
        sgd([w], lr=0.1, batch_size=2.0)


# ----------------------------------------------------------------------- normal equation
def test_normal_equation_recovers_weights_and_matches_numpy() -> None:
    X, y = _data(100)
    w, b = normal_equation(X, y)
    assert w.shape == (2, 1) and b.shape == (1,)
    assert (w.squeeze(1) - TRUE_W).abs().max() < 0.01 and abs(b.item() - TRUE_B) < 0.01
    A = torch.cat([X, torch.ones(100, 1)], 1).double().numpy()
    ref = np.linalg.lstsq(A, y.double().numpy(), rcond=None)[0]
    ours = torch.cat([w, b[None]]).double()
    torch.testing.assert_close(ours, torch.from_numpy(ref), atol=1e-5, rtol=0)
    w1, b1 = normal_equation(X, y.squeeze(1))  # a vector target gives vector / scalar
    assert w1.shape == (2,) and b1.shape == ()


def test_normal_equation_handles_rank_deficient_x() -> None:
    # two identical columns: X^T X is singular, yet lstsq still fits the data exactly
    x = torch.linspace(-1, 1, 20, dtype=torch.float64).reshape(-1, 1)
    X = torch.cat([x, x], 1)
    y = 3 * x + 1
    w, b = normal_equation(X, y)
    torch.testing.assert_close(X @ w + b, y)
    torch.testing.assert_close(w.sum(), torch.tensor(3.0, dtype=torch.float64))


def test_normal_equation_bad_shapes() -> None:
    with pytest.raises(ValueError, match=r"y must have shape \(n,\) or \(n, 1\) with n = 5"):
        normal_equation(torch.zeros(5, 2), torch.zeros(4, 1))
    with pytest.raises(ValueError, match=r"got \(5, 2\)"):
        normal_equation(torch.zeros(5, 2), torch.zeros(5, 2))


# -------------------------------------------------------------------------- training
def _train_scratch(X, y, w, b, lr, batch_size, epochs, seed):
    g = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        for Xb, yb in data_iter(batch_size, X, y, generator=g):
            squared_loss(linreg(Xb, w, b), yb).sum().backward()
            sgd([w, b], lr, batch_size)
    return w, b


def test_scratch_and_concise_agree_and_recover_true_weights() -> None:
    X, y = _data(200)
    net = nn.Linear(2, 1)
    w = net.weight.detach().T.clone().requires_grad_()
    b = net.bias.detach().clone().requires_grad_()
    # batch 10 divides 200, so every sgd step divides by the true batch length
    _train_scratch(X, y, w, b, lr=0.1, batch_size=10, epochs=5, seed=7)
    opt = torch.optim.SGD(net.parameters(), lr=0.1 / 2)  # MSELoss has no 1/2: halve lr
    g = torch.Generator().manual_seed(7)
    for _ in range(5):
        for Xb, yb in data_iter(10, X, y, generator=g):
            opt.zero_grad()
            nn.MSELoss()(net(Xb), yb).backward()
            opt.step()
    torch.testing.assert_close(w.detach(), net.weight.detach().T)
    torch.testing.assert_close(b.detach(), net.bias.detach())
    assert (w.detach().squeeze(1) - TRUE_W).abs().max() < 0.01
    assert abs(b.item() - TRUE_B) < 0.01
