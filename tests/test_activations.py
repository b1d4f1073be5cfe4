"""dlnotes.mlp.activations against torch.nn modules and torch.nn.functional.

For every activation: values and autograd gradients of the from-scratch function equal
those of the ``nn`` module AND of the functional form, and the analytic ``*_grad``
equals autograd's derivative of the built-in; in float32 and float64, on random inputs
and on edge values (0, kinks, Softplus threshold, large magnitudes).
"""

from __future__ import annotations

from functools import partial

import pytest
import torch
from builtin_check import assert_same_as_builtin
from torch import nn
from torch.nn import functional as F

from dlnotes.mlp import activations as A

DTYPES = [torch.float32, torch.float64]

# name -> (ours, our analytic derivative, nn module, functional); each entry is one
# parameter setting, so an activation with parameters appears several times
CASES = {
    "sigmoid": (A.sigmoid, A.sigmoid_grad, nn.Sigmoid(), F.sigmoid),
    "tanh": (A.tanh, A.tanh_grad, nn.Tanh(), F.tanh),
    "softsign": (A.softsign, A.softsign_grad, nn.Softsign(), F.softsign),
    "relu": (A.relu, A.relu_grad, nn.ReLU(), F.relu),
    "leaky_relu": (A.leaky_relu, A.leaky_relu_grad, nn.LeakyReLU(), F.leaky_relu),
    "leaky_relu_0.2": (
        partial(A.leaky_relu, negative_slope=0.2),
        partial(A.leaky_relu_grad, negative_slope=0.2),
        nn.LeakyReLU(0.2),
        partial(F.leaky_relu, negative_slope=0.2),
    ),
    "relu6": (A.relu6, A.relu6_grad, nn.ReLU6(), F.relu6),
    "hardswish": (A.hardswish, A.hardswish_grad, nn.Hardswish(), F.hardswish),
    "softplus": (A.softplus, A.softplus_grad, nn.Softplus(), F.softplus),
    "softplus_b2_t5": (
        partial(A.softplus, beta=2.0, threshold=5.0),
        partial(A.softplus_grad, beta=2.0, threshold=5.0),
        nn.Softplus(beta=2.0, threshold=5.0),
        partial(F.softplus, beta=2.0, threshold=5.0),
    ),
    "softplus_b0.5_t1": (
        partial(A.softplus, beta=0.5, threshold=1.0),
        partial(A.softplus_grad, beta=0.5, threshold=1.0),
        nn.Softplus(beta=0.5, threshold=1.0),
        partial(F.softplus, beta=0.5, threshold=1.0),
    ),
    "gelu": (A.gelu, A.gelu_grad, nn.GELU(), F.gelu),
    "gelu_tanh": (
        partial(A.gelu, approximate="tanh"),
        partial(A.gelu_grad, approximate="tanh"),
        nn.GELU(approximate="tanh"),
        partial(F.gelu, approximate="tanh"),
    ),
    "silu": (A.silu, A.silu_grad, nn.SiLU(), F.silu),
}

# 0, just either side of 0, the kinks of ReLU6 (0, 6) and Hardswish (-3, 3), the Softplus
# thresholds used above (x = 20, 2.5 and 2 for beta * x = threshold), large magnitudes
EDGES = [0.0, 1e-4, -1e-4, 1.0, -1.0, 3.0, -3.0, 6.0, -6.0, 2.0, 2.5, 20.0, 20.5, 19.5]
EDGES += [30.0, -30.0, 100.0, -100.0]


def _inputs(dtype: torch.dtype) -> list[torch.Tensor]:
    g = torch.Generator().manual_seed(0)
    random = 4 * torch.randn(3, 4, 5, generator=g, dtype=dtype)  # covers both sides of kinks
    return [random, torch.tensor(EDGES, dtype=dtype)]


def _derivative(fn, x: torch.Tensor) -> torch.Tensor:
    """Elementwise f'(x) by autograd (the functions are elementwise, so grad of the sum)."""
    x = x.detach().clone().requires_grad_()
    (grad,) = torch.autograd.grad(fn(x).sum(), x)
    return grad


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(CASES))
def test_matches_nn_module_and_functional(name, dtype) -> None:
    ours, _, module, functional = CASES[name]
    for x in _inputs(dtype):
        assert_same_as_builtin(ours, module, x)  # values and autograd gradients
        assert_same_as_builtin(ours, functional, x)
        assert ours(x).dtype == dtype and ours(x).shape == x.shape


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(CASES))
def test_analytic_derivative_matches_autograd_of_builtin(name, dtype) -> None:
    _, ours_grad, module, functional = CASES[name]
    for x in _inputs(dtype):
        d = ours_grad(x)
        assert d.dtype == dtype and d.shape == x.shape
        torch.testing.assert_close(d, _derivative(module, x))
        torch.testing.assert_close(d, _derivative(functional, x))


def test_derivatives_at_kinks_follow_pytorch_conventions() -> None:
    x = torch.tensor([-3.0, 0.0, 3.0, 6.0])
    torch.testing.assert_close(A.relu_grad(x), torch.tensor([0.0, 0.0, 1.0, 1.0]))
    torch.testing.assert_close(A.leaky_relu_grad(x, 0.1), torch.tensor([0.1, 0.1, 1.0, 1.0]))
    torch.testing.assert_close(A.relu6_grad(x), torch.tensor([0.0, 0.0, 1.0, 0.0]))
    torch.testing.assert_close(A.hardswish_grad(x), torch.tensor([0.0, 0.5, 1.0, 1.0]))
    # just inside the kinks: Hardswish's slope jumps from 0 to -1/2 and from 3/2 to 1
    inside = torch.tensor([-3.0 + 1e-3, 3.0 - 1e-3], dtype=torch.float64)
    torch.testing.assert_close(
        A.hardswish_grad(inside), torch.tensor([-0.5, 1.5], dtype=torch.float64), atol=1e-3, rtol=0
    )
    # the threshold itself is on the smooth side (PyTorch tests beta * x > threshold)
    at = torch.tensor([2.5, 2.5 + 1e-3])
    grad = A.softplus_grad(at, beta=1.0, threshold=2.5)
    torch.testing.assert_close(grad, torch.stack([torch.sigmoid(at[0]), torch.tensor(1.0)]))
    torch.testing.assert_close(A.softplus(at, 1.0, 2.5)[1], at[1])


def test_large_inputs_give_finite_values_and_gradients() -> None:
    x = torch.tensor([-1e4, -100.0, 100.0, 1e4], requires_grad=True)
    for fn in (A.sigmoid, A.tanh, A.softplus, A.silu, A.softsign, A.gelu):
        (grad,) = torch.autograd.grad(fn(x).sum(), x)
        assert torch.isfinite(fn(x)).all() and torch.isfinite(grad).all(), fn.__name__
    torch.testing.assert_close(A.sigmoid(x.detach()), torch.tensor([0.0, 0.0, 1.0, 1.0]))
    torch.testing.assert_close(A.tanh(x.detach()), torch.tensor([-1.0, -1.0, 1.0, 1.0]))
    # the naive formula overflows: exp(100) = inf in float32, and the gradient is nan
    naive = torch.autograd.grad((1 / (1 + torch.exp(-x))).sum(), x)[0]
    assert torch.isnan(naive).any()


def test_saturation_numbers() -> None:
    x = torch.tensor([0.0, 5.0, -5.0], dtype=torch.float64)
    assert A.sigmoid_grad(x)[0].item() == 0.25 and A.tanh_grad(x)[0].item() == 1.0
    assert (A.sigmoid_grad(x)[1:] < 0.01).all() and (A.tanh_grad(x)[1:] < 0.001).all()
    # softsign saturates polynomially: at 5 its slope 1/36 is far larger than tanh's
    assert A.softsign_grad(x)[1].item() == pytest.approx(1 / 36)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("num_parameters,shape", [(1, (4, 3, 5)), (3, (4, 3)), (3, (2, 3, 4, 4))])
def test_prelu_module_matches_nn_prelu(num_parameters, shape, dtype) -> None:
    g = torch.Generator().manual_seed(1)
    x = 3 * torch.randn(shape, generator=g, dtype=dtype)
    slopes = torch.randn(num_parameters, generator=g, dtype=dtype)  # negative ones too
    ours = A.PReLU(num_parameters).to(dtype)
    theirs = nn.PReLU(num_parameters).to(dtype)
    torch.testing.assert_close(ours.weight, theirs.weight)  # same init 0.25
    with torch.no_grad():
        ours.weight.copy_(slopes)
        theirs.weight.copy_(slopes)
    assert_same_as_builtin(ours, theirs, x)  # values and d/dx
    assert_same_as_builtin(lambda t: A.prelu(t, slopes), lambda t: F.prelu(t, slopes), x)
    # weight gradients: against nn.PReLU and against the chain rule by hand
    weight = torch.linspace(-1.0, 2.0, x.numel(), dtype=dtype).reshape(shape)  # dL/dy
    for module in (ours, theirs):
        module.zero_grad()  # assert_same_as_builtin's backward passes reached the slopes too
        (module(x) * weight).sum().backward()
    torch.testing.assert_close(ours.weight.grad, theirs.weight.grad)
    per_element = weight * torch.where(x > 0, 0.0, x)  # dL/dy * dy/da
    dims = [d for d in range(x.dim()) if d != 1] if num_parameters > 1 else list(range(x.dim()))
    by_hand = per_element.sum(dim=dims).reshape(num_parameters)
    torch.testing.assert_close(ours.weight.grad, by_hand)
    # the analytic d/dx
    torch.testing.assert_close(A.prelu_grad(x, slopes), _derivative(theirs, x))


def test_prelu_slope_is_learned() -> None:
    act = A.PReLU()
    opt = torch.optim.SGD(act.parameters(), lr=0.1)
    x = -torch.ones(8)
    for _ in range(5):  # push the outputs of negative inputs towards -1: slope grows to 1
        loss = ((act(x) + 1) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert 0.25 < act.weight.item() < 1.0
    assert "num_parameters=1" in repr(act)


def test_dead_unit_fraction_and_zero_gradients() -> None:
    torch.manual_seed(0)
    layer = nn.Linear(8, 6)
    with torch.no_grad():
        layer.bias[:3] = -100.0  # units 0..2 can never fire on inputs in [0, 1]
    x = torch.rand(32, 8)
    assert A.dead_unit_fraction(layer(x)) == 0.5
    # a dead ReLU unit gets exactly zero gradient; a LeakyReLU unit still learns
    for act, dead_rows_zero in ((A.relu, True), (partial(A.leaky_relu, negative_slope=0.1), False)):
        layer.zero_grad()
        act(layer(x)).sum().backward()
        assert torch.all(layer.weight.grad[:3] == 0) == dead_rows_zero
        assert torch.all(layer.weight.grad[3:].abs().sum(dim=1) > 0)


ALL = [
    A.sigmoid,
    A.sigmoid_grad,
    A.tanh,
    A.tanh_grad,
    A.softsign,
    A.softsign_grad,
    A.relu,
    A.relu_grad,
    A.leaky_relu,
    A.leaky_relu_grad,
    A.relu6,
    A.relu6_grad,
    A.hardswish,
    A.hardswish_grad,
    A.softplus,
    A.softplus_grad,
    A.gelu,
    A.gelu_grad,
    A.silu,
    A.silu_grad,
    partial(A.prelu, weight=torch.tensor([0.25])),
    partial(A.prelu_grad, weight=torch.tensor([0.25])),
    A.PReLU(),
]


@pytest.mark.parametrize("fn", ALL, ids=lambda f: getattr(f, "__name__", type(f).__name__))
def test_bad_input_types(fn) -> None:
    with pytest.raises(TypeError, match=r"x must be a torch\.Tensor, got list"):
        fn([1.0, 2.0])
    with pytest.raises(TypeError, match=r"floating-point dtype, got torch\.int64"):
        fn(torch.tensor([1, 2]))
    with pytest.raises(TypeError, match=r"floating-point dtype, got torch\.bool"):
        fn(torch.tensor([True]))


def test_bad_parameters() -> None:
    x = torch.zeros(3)
    for fn in (A.softplus, A.softplus_grad):
        with pytest.raises(ValueError, match=r"beta must be > 0, got -1\.0"):
            fn(x, beta=-1.0)
        with pytest.raises(ValueError, match=r"beta must be > 0, got 0"):
            fn(x, beta=0)
        with pytest.raises(ValueError, match=r"threshold must be finite, got nan"):
            fn(x, threshold=float("nan"))
        with pytest.raises(TypeError, match=r"beta must be a number, got str"):
            fn(x, beta="1")
    for fn in (A.gelu, A.gelu_grad):
        with pytest.raises(ValueError, match=r"approximate must be one of \('none', 'tanh'\)"):
            fn(x, approximate="fast")
    for fn in (A.leaky_relu, A.leaky_relu_grad):
        with pytest.raises(ValueError, match=r"negative_slope must be finite, got inf"):
            fn(x, negative_slope=float("inf"))
        with pytest.raises(TypeError, match=r"negative_slope must be a number, got NoneType"):
            fn(x, negative_slope=None)
    with pytest.raises(ValueError, match=r"num_parameters must be >= 1, got 0"):
        A.PReLU(0)
    with pytest.raises(TypeError, match=r"num_parameters must be an int, got float"):
        A.PReLU(3.0)
    with pytest.raises(ValueError, match=r"must have 2 channels in dim 1 to match weight"):
        A.PReLU(2)(torch.zeros(4, 3))
    with pytest.raises(ValueError, match=r"must have 2 channels in dim 1 .* got shape \(2,\)"):
        A.prelu(torch.zeros(2), torch.tensor([0.1, 0.2]))
    with pytest.raises(ValueError, match=r"weight must have 1 dimensions, got shape \(\)"):
        A.prelu(x, torch.tensor(0.25))
    with pytest.raises(ValueError, match=r"pre_activations must have 2 dimensions"):
        A.dead_unit_fraction(x)
