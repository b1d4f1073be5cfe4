"""dlnotes.mlp.backprop: hand-written gradients against autograd and finite differences."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from dlnotes.calculus import numerical_gradient
from dlnotes.mlp.backprop import MLPCache, mlp_backward, mlp_forward

NAMES = ("W1", "b1", "W2", "b2")


def _problem(n: int, d: int, h: int, q: int, seed: int = 0, dtype=torch.float64):
    g = torch.Generator().manual_seed(seed)
    X = torch.randn(n, d, generator=g, dtype=dtype)
    y = torch.randint(0, q, (n,), generator=g)
    params = {
        "W1": torch.randn(h, d, generator=g, dtype=dtype) / d**0.5,
        "b1": 0.1 * torch.randn(h, generator=g, dtype=dtype),
        "W2": torch.randn(q, h, generator=g, dtype=dtype) / h**0.5,
        "b2": 0.1 * torch.randn(q, generator=g, dtype=dtype),
    }
    return X, y, params


def _autograd(X, y, params, lambd):
    """The same objective with PyTorch's layers and loss; gradients by autograd."""
    leaves = {k: v.detach().clone().requires_grad_() for k, v in params.items()}
    logits = F.linear(F.relu(F.linear(X, leaves["W1"], leaves["b1"])), leaves["W2"], leaves["b2"])
    J = F.cross_entropy(logits, y) + lambd / 2 * (
        leaves["W1"].square().sum() + leaves["W2"].square().sum()
    )
    J.backward()
    return J.detach(), {k: v.grad for k, v in leaves.items()}


SHAPES = [(1, 1, 1, 2), (4, 3, 5, 2), (16, 8, 32, 10), (7, 20, 3, 4)]


@pytest.mark.parametrize("lambd", [0.0, 0.1, 3.0])
@pytest.mark.parametrize("shape", SHAPES, ids=[str(s) for s in SHAPES])
def test_matches_autograd(shape, lambd) -> None:
    X, y, params = _problem(*shape)
    J, cache = mlp_forward(X, y, params, lambd)
    grads = mlp_backward(params, cache)
    J_ref, grads_ref = _autograd(X, y, params, lambd)
    torch.testing.assert_close(J, J_ref, rtol=1e-12, atol=1e-12)
    assert list(grads) == list(NAMES)
    for name in NAMES:
        assert grads[name].shape == params[name].shape
        torch.testing.assert_close(grads[name], grads_ref[name], rtol=1e-10, atol=1e-12)


def test_matches_an_nn_sequential() -> None:
    # the layout is nn.Linear's: the same numbers as a real network
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(6, 9), nn.ReLU(), nn.Linear(9, 3)).double()
    X, y = torch.randn(12, 6, dtype=torch.float64), torch.randint(0, 3, (12,))
    F.cross_entropy(net(X), y).backward()
    params = {
        "W1": net[0].weight.detach(),
        "b1": net[0].bias.detach(),
        "W2": net[2].weight.detach(),
        "b2": net[2].bias.detach(),
    }
    grads = mlp_backward(params, mlp_forward(X, y, params)[1])
    expected = [net[0].weight.grad, net[0].bias.grad, net[2].weight.grad, net[2].bias.grad]
    for name, ref in zip(NAMES, expected, strict=True):
        torch.testing.assert_close(grads[name], ref, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("lambd", [0.0, 0.5])
def test_matches_finite_differences(lambd) -> None:
    X, y, params = _problem(5, 4, 6, 3, seed=1)
    grads = mlp_backward(params, mlp_forward(X, y, params, lambd)[1])
    for name in NAMES:

        def J_of(value, name=name):
            return mlp_forward(X, y, {**params, name: value}, lambd)[0]

        numeric = numerical_gradient(J_of, params[name], h=1e-6)
        torch.testing.assert_close(grads[name], numeric, rtol=1e-6, atol=1e-8)


def test_a_wrong_gradient_fails_the_check() -> None:
    # the check is sharp: forgetting the 1/n of the mean changes dW2 and is caught
    X, y, params = _problem(8, 4, 6, 3)
    _, cache = mlp_forward(X, y, params)
    grads = mlp_backward(params, cache)
    _, ref = _autograd(X, y, params, 0.0)
    with pytest.raises(AssertionError):
        torch.testing.assert_close(grads["W2"] * 8, ref["W2"])


def test_penalty_gradient_is_lambda_w() -> None:
    # with lambd > 0 the gradients grow by exactly lambd * W for weights, 0 for biases
    X, y, params = _problem(6, 3, 4, 2)
    g0 = mlp_backward(params, mlp_forward(X, y, params, 0.0)[1])
    g1 = mlp_backward(params, mlp_forward(X, y, params, 0.7)[1])
    torch.testing.assert_close(g1["W1"] - g0["W1"], 0.7 * params["W1"])
    torch.testing.assert_close(g1["W2"] - g0["W2"], 0.7 * params["W2"])
    torch.testing.assert_close(g1["b1"], g0["b1"])
    torch.testing.assert_close(g1["b2"], g0["b2"])


def test_objective_decomposes_into_loss_and_penalty() -> None:
    X, y, params = _problem(6, 3, 4, 2)
    J0, _ = mlp_forward(X, y, params, 0.0)
    J1, cache = mlp_forward(X, y, params, 2.0)
    s = (params["W1"] ** 2).sum() + (params["W2"] ** 2).sum()  # lambda/2 with lambda = 2
    torch.testing.assert_close(J1 - J0, s)
    assert cache.lambd == 2.0


def test_float32_also_agrees_loosely() -> None:
    X, y, params = _problem(16, 8, 32, 10, dtype=torch.float32)
    grads = mlp_backward(params, mlp_forward(X, y, params, 0.1)[1])
    _, ref = _autograd(X, y, params, 0.1)
    for name in NAMES:
        torch.testing.assert_close(grads[name], ref[name])  # float32 default tolerances


def test_cache_holds_what_backward_needs() -> None:
    X, y, params = _problem(10, 4, 7, 3)
    _, cache = mlp_forward(X, y, params)
    assert isinstance(cache, MLPCache)
    assert cache.H.shape == (10, 7) and cache.P.shape == (10, 3)
    torch.testing.assert_close(cache.P.sum(dim=1), torch.ones(10, dtype=torch.float64))
    assert (cache.H >= 0).all()
    assert cache.numel() == 10 * 4 + 10 + 10 * 7 + 10 * 3


def _bad(params, **changes):
    return {**params, **changes}


def test_bad_shapes_are_value_errors() -> None:
    X, y, params = _problem(4, 3, 5, 2)
    with pytest.raises(ValueError, match="X must have 2 dimensions"):
        mlp_forward(X[0], y, params)
    with pytest.raises(ValueError, match="y must have 1 dimensions"):
        mlp_forward(X, y[:, None], params)
    with pytest.raises(ValueError, match=r"one label per row of X \(4\)"):
        mlp_forward(X, y[:3], params)
    with pytest.raises(
        ValueError, match=r"W1 must have shape \(h, d\) = \(5, 2\) for X with d = 2.*got \(5, 3\)"
    ):
        mlp_forward(X[:, :2], y, params)
    with pytest.raises(ValueError, match=r"b1 must have shape \(h,\) = \(5,\)"):
        mlp_forward(X, y, _bad(params, b1=params["b1"][:4]))
    with pytest.raises(ValueError, match=r"W2 must have shape \(q, h\) = \(2, 5\)"):
        mlp_forward(X, y, _bad(params, W2=params["W2"][:, :4]))
    with pytest.raises(ValueError, match=r"b2 must have shape \(q,\) = \(2,\)"):
        mlp_forward(X, y, _bad(params, b2=params["b2"][None]))
    with pytest.raises(ValueError, match="W1 must have 2 dimensions"):
        mlp_forward(X, y, _bad(params, W1=params["W1"].reshape(-1)))
    with pytest.raises(ValueError, match="at least one example"):
        mlp_forward(X[:0], y[:0], params)


def test_bad_values_and_types() -> None:
    X, y, params = _problem(4, 3, 5, 2)
    with pytest.raises(ValueError, match=r"class indices in \[0, 1\]"):
        mlp_forward(X, torch.tensor([0, 1, 2, 0]), params)
    with pytest.raises(ValueError, match="keys"):
        mlp_forward(X, y, {k: v for k, v in params.items() if k != "b2"})
    with pytest.raises(TypeError, match="params must be a dict"):
        mlp_forward(X, y, list(params.values()))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="integer dtype"):
        mlp_forward(X, y.double(), params)
    with pytest.raises(TypeError, match="floating-point"):
        mlp_forward(X.long(), y, params)
    with pytest.raises(TypeError, match=r"W2 must have the dtype of X \(torch.float64\)"):
        mlp_forward(X, y, _bad(params, W2=params["W2"].float()))
    with pytest.raises(ValueError, match="lambd must be >= 0"):
        mlp_forward(X, y, params, lambd=-0.1)
    with pytest.raises(ValueError, match="lambd must be >= 0"):
        mlp_forward(X, y, params, lambd=float("nan"))
    with pytest.raises(TypeError, match="lambd must be a number"):
        mlp_forward(X, y, params, lambd="0.1")  # type: ignore[arg-type]


def test_backward_rejects_a_foreign_cache() -> None:
    X, y, params = _problem(4, 3, 5, 2)
    _, cache = mlp_forward(X, y, params)
    with pytest.raises(TypeError, match="MLPCache"):
        mlp_backward(params, {"X": X})  # type: ignore[arg-type]
    _, _, other = _problem(4, 3, 6, 2)  # h = 6 instead of 5
    with pytest.raises(ValueError, match="do not match the cache"):
        mlp_backward(other, cache)
