"""dlnotes.mlp.weight_decay: penalties, the explicit penalty vs SGD(weight_decay), L1 vs L2."""

from __future__ import annotations

import pytest
import torch
from builtin_check import assert_same_as_builtin
from torch.nn import functional as F

from dlnotes.mlp.weight_decay import (
    HighDimData,
    fit_regularized,
    l1_penalty,
    l2_penalty,
    make_high_dim_data,
    project_l2_ball,
    soft_threshold,
    train_concise,
    train_scratch,
)

F64 = torch.float64


def _data(**kwargs) -> HighDimData:
    return make_high_dim_data(generator=torch.Generator().manual_seed(42), **kwargs)


def test_penalties_and_their_gradients() -> None:
    w = torch.tensor([[1.5, -2.0], [0.25, 3.0]], requires_grad=True)
    l2 = l2_penalty(w)
    assert l2.item() == pytest.approx((1.5**2 + 2.0**2 + 0.25**2 + 3.0**2) / 2)
    (g,) = torch.autograd.grad(l2, w)
    torch.testing.assert_close(g, w.detach())  # d/dw ||w||^2 / 2 = w
    l1 = l1_penalty(w)
    assert l1.item() == pytest.approx(6.75)
    (g,) = torch.autograd.grad(l1, w)
    torch.testing.assert_close(g, w.detach().sign())
    # the built-in norms
    torch.testing.assert_close(l2, torch.linalg.vector_norm(w) ** 2 / 2)
    torch.testing.assert_close(l1, torch.linalg.vector_norm(w, ord=1))


@pytest.mark.parametrize("threshold", [0.0, 0.3, 1.0])
def test_soft_threshold_matches_softshrink(threshold) -> None:
    w = 2 * torch.randn(6, 7, generator=torch.Generator().manual_seed(0))
    assert_same_as_builtin(
        lambda t: soft_threshold(t, threshold), lambda t: F.softshrink(t, threshold), w
    )
    if threshold > 0:
        out = soft_threshold(w, threshold)
        assert torch.equal(out == 0, w.abs() <= threshold)  # exact zeros near zero


@pytest.mark.parametrize("radius", [0.5, 3.0, 100.0])
def test_project_l2_ball_matches_renorm(radius) -> None:
    w = torch.randn(30, generator=torch.Generator().manual_seed(1), dtype=F64)
    ours = project_l2_ball(w, radius)
    # torch.renorm rescales each slice along dim 0 whose norm exceeds maxnorm
    theirs = torch.renorm(w[None], p=2, dim=0, maxnorm=radius)[0]
    torch.testing.assert_close(ours, theirs, rtol=1e-6, atol=1e-6)  # renorm adds 1e-7
    assert torch.linalg.vector_norm(ours) <= radius + 1e-12


def test_one_sgd_step_with_weight_decay_shrinks_by_one_minus_lr_lambda() -> None:
    w = torch.randn(5, requires_grad=True)
    x = torch.randn(5)
    lr, wd = 0.1, 0.5
    w0 = w.detach().clone()
    loss = (w @ x - 1.0) ** 2 / 2
    (grad,) = torch.autograd.grad(loss, w)
    opt = torch.optim.SGD([w], lr=lr, weight_decay=wd)
    ((w @ x - 1.0) ** 2 / 2).backward()
    opt.step()
    torch.testing.assert_close(w.detach(), (1 - lr * wd) * w0 - lr * grad)


@pytest.mark.parametrize("lambd", [0.0, 3.0])
@pytest.mark.parametrize("batch_size", [5, 3])  # 3: the last batch of each epoch is smaller
def test_scratch_and_concise_take_the_same_steps(lambd, batch_size) -> None:
    data = _data()
    trace_s, trace_c = [], []
    w, _, hist_s = train_scratch(data, lambd, num_epochs=10, batch_size=batch_size, trace=trace_s)
    net, hist_c = train_concise(data, lambd, num_epochs=10, batch_size=batch_size, trace=trace_c)
    steps_per_epoch = -(-20 // batch_size)
    assert len(trace_s) == len(trace_c) == 10 * steps_per_epoch
    for (ws, bs), (wc, bc) in zip(trace_s, trace_c, strict=True):
        torch.testing.assert_close(ws, wc, atol=1e-6, rtol=1e-5)
        torch.testing.assert_close(bs, bc, atol=1e-6, rtol=1e-5)
    torch.testing.assert_close(w.flatten(), net.weight.detach().flatten(), atol=1e-6, rtol=1e-5)
    for key in ("train_loss", "test_loss"):
        assert hist_s[key] == pytest.approx(hist_c[key], rel=1e-4)


def test_the_first_step_is_the_shrunk_gradient_step() -> None:
    data = _data()
    trace_0, trace_3 = [], []
    train_scratch(data, 0.0, num_epochs=1, trace=trace_0)
    train_scratch(data, 3.0, num_epochs=1, trace=trace_3)
    w_init = torch.randn(200, generator=torch.Generator().manual_seed(0))  # init_params' draw
    # same batch, same data gradient; decay only adds -lr * lambd * w_init
    torch.testing.assert_close(trace_3[0][0], trace_0[0][0] - 0.003 * 3.0 * w_init)


def test_weight_decay_generalizes_better_on_the_d2l_demo() -> None:
    data = _data()
    w0, _, hist0 = train_scratch(data, 0.0)
    w3, _, hist3 = train_scratch(data, 3.0)
    assert hist0["train_loss"][-1] < 1e-4  # 201 parameters, 20 examples: memorized
    assert hist0["test_loss"][-1] > 10.0
    assert hist3["test_loss"][-1] < hist0["test_loss"][-1] / 50
    assert torch.linalg.vector_norm(w3) < torch.linalg.vector_norm(w0) / 10


def _sparse_problem(dtype=torch.float32):
    true_w = torch.zeros(200, dtype=dtype)
    true_w[:5] = torch.tensor([1.0, -2.0, 1.5, -1.0, 0.5], dtype=dtype)
    return make_high_dim_data(
        n_train=50, true_w=true_w, generator=torch.Generator().manual_seed(42)
    )


def test_l1_proximal_matches_sklearn_lasso() -> None:
    from sklearn.linear_model import Lasso

    data = _sparse_problem(F64)
    w, b = fit_regularized(data.X_train, data.y_train, 0.1, "l1-proximal", num_steps=3000)
    # Lasso minimises ||y - X w - b||^2 / (2 n) + alpha ||w||_1: the same objective
    lasso = Lasso(alpha=0.1, tol=1e-12, max_iter=100_000)
    lasso.fit(data.X_train.numpy(), data.y_train.numpy().ravel())
    torch.testing.assert_close(w.flatten(), torch.as_tensor(lasso.coef_), atol=1e-8, rtol=0)
    assert b.item() == pytest.approx(lasso.intercept_, abs=1e-8)
    assert (w == 0).sum().item() == (lasso.coef_ == 0).sum()


def test_l2_gradient_descent_matches_closed_form_ridge() -> None:
    data = _sparse_problem(F64)
    X, y, lambd = data.X_train, data.y_train, 0.1
    w, b = fit_regularized(X, y, lambd, "l2", num_steps=6000)  # slowest rate: 1 - lr * 0.02
    # unpenalized bias: center, then (Xc^T Xc / n + lambd I) w = Xc^T yc / n
    Xc, yc = X - X.mean(0), y - y.mean(0)
    n = len(X)
    w_star = torch.linalg.solve(Xc.T @ Xc / n + lambd * torch.eye(200, dtype=F64), Xc.T @ yc / n)
    b_star = y.mean(0) - X.mean(0) @ w_star
    torch.testing.assert_close(w, w_star, atol=1e-7, rtol=0)
    torch.testing.assert_close(b, b_star, atol=1e-7, rtol=0)


def test_l1_gives_zeros_l2_does_not() -> None:
    data = _sparse_problem()
    X, y = data.X_train, data.y_train
    w_l2, _ = fit_regularized(X, y, 0.1, "l2")
    w_sub, _ = fit_regularized(X, y, 0.1, "l1-subgradient")
    w_prox, _ = fit_regularized(X, y, 0.1, "l1-proximal")
    assert (w_l2 == 0).sum() == 0 and (w_sub == 0).sum() == 0
    assert (w_prox[5:] == 0).all() and (w_prox[:5] != 0).all()  # the true support
    assert w_sub[5:].abs().max() < w_l2[5:].abs().max() / 5  # near zero, not exactly


def test_bad_inputs() -> None:
    data = _data(n_train=4, n_test=2, num_inputs=3)
    with pytest.raises(TypeError, match="data must be a HighDimData"):
        train_scratch((1, 2), 0.0)
    with pytest.raises(ValueError, match="lambd must be >= 0"):
        train_scratch(data, -1.0)
    with pytest.raises(ValueError, match="lambd must be >= 0"):
        train_concise(data, -1.0)
    with pytest.raises(TypeError, match="num_epochs must be an int"):
        train_concise(data, 0.0, num_epochs=1.5)
    with pytest.raises(ValueError, match="true_w must have num_inputs = 3 entries"):
        make_high_dim_data(num_inputs=3, true_w=torch.zeros(4))
    with pytest.raises(TypeError, match="floating-point"):
        l2_penalty(torch.arange(3))
    with pytest.raises(ValueError, match="threshold must be >= 0"):
        soft_threshold(torch.zeros(3), -0.1)
    with pytest.raises(ValueError, match="radius must be > 0"):
        project_l2_ball(torch.zeros(3), 0.0)
    with pytest.raises(ValueError, match="method must be one of"):
        fit_regularized(torch.zeros(4, 2), torch.zeros(4, 1), 0.1, "l0")
    with pytest.raises(ValueError, match=r"y must have shape \(n, 1\) = \(4, 1\), got \(4, 2\)"):
        fit_regularized(torch.zeros(4, 2), torch.zeros(4, 2), 0.1)
