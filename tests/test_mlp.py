"""dlnotes.mlp.mlp: from scratch vs torch.nn (values, gradients, training), helpers, bad input."""

from __future__ import annotations

import itertools
import math

import pytest
import torch
import torch.nn.functional as F
from builtin_check import assert_same_as_builtin
from torch import nn

from dlnotes.data.digits import load_data_digits, load_digits_tensors
from dlnotes.linear.train import train_ch3
from dlnotes.mlp.mlp import (
    MLPScratch,
    collapse_linear,
    compare_mlps,
    copy_scratch_to_concise,
    fit_full_batch,
    make_mlp,
    make_moons_tensors,
    mlp_concise,
    relu,
    relu_interpolant,
)


# ------------------------------------------------------------------ relu
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_relu_matches_torch(dtype) -> None:
    torch.manual_seed(0)
    X = torch.cat([torch.randn(3, 7, dtype=dtype), torch.zeros(1, 7, dtype=dtype)])  # exact 0s
    assert_same_as_builtin(relu, F.relu, X)
    assert relu(X).dtype == dtype


# ------------------------------------------------------------------ scratch vs concise
def _pair(d: int = 64, h: int = 32, q: int = 10, seed: int = 0):
    torch.manual_seed(seed)
    scratch = MLPScratch(d, h, q, sigma=0.1)
    concise = copy_scratch_to_concise(scratch, mlp_concise(d, h, q))
    return scratch, concise


@pytest.mark.parametrize("shape", [(16, 64), (16, 1, 8, 8)])
def test_scratch_and_concise_same_outputs_and_input_gradients(shape) -> None:
    scratch, concise = _pair()
    X = torch.rand(shape)
    assert_same_as_builtin(scratch, concise, X)  # logits and d(logits)/dX


def test_scratch_and_concise_same_parameter_gradients() -> None:
    scratch, concise = _pair()
    X, _, y, _ = load_digits_tensors()
    F.cross_entropy(scratch(X[:50]), y[:50]).backward()
    F.cross_entropy(concise(X[:50]), y[:50]).backward()
    torch.testing.assert_close(scratch.W1.grad, concise[1].weight.grad.T)
    torch.testing.assert_close(scratch.b1.grad, concise[1].bias.grad)
    torch.testing.assert_close(scratch.W2.grad, concise[3].weight.grad.T)
    torch.testing.assert_close(scratch.b2.grad, concise[3].bias.grad)
    assert scratch.W1.grad.abs().sum() > 0  # the check is not vacuous


def test_one_epoch_of_sgd_gives_the_same_weights() -> None:
    scratch, concise = _pair(seed=1)
    train_a, test_a = load_data_digits(64, seed=3)  # same seed: same shuffled batches
    train_b, test_b = load_data_digits(64, seed=3)
    opt_a = torch.optim.SGD(scratch.parameters(), lr=0.3)
    opt_b = torch.optim.SGD(concise.parameters(), lr=0.3)
    h_a = train_ch3(scratch, train_a, test_a, F.cross_entropy, 1, opt_a)
    h_b = train_ch3(concise, train_b, test_b, F.cross_entropy, 1, opt_b)
    torch.testing.assert_close(scratch.W1.detach(), concise[1].weight.detach().T)
    torch.testing.assert_close(scratch.b2.detach(), concise[3].bias.detach())
    assert h_a["test_acc"] == h_b["test_acc"]


def test_scratch_mlp_learns_digits() -> None:
    torch.manual_seed(0)
    train_iter, test_iter = load_data_digits(64)
    net = MLPScratch(64, 64, 10, sigma=0.1)
    history = train_ch3(
        net, train_iter, test_iter, F.cross_entropy, 5, torch.optim.SGD(net.parameters(), lr=0.3)
    )
    assert history["test_acc"][-1] > 0.9  # guessing: 0.1


def test_parameters_and_modes() -> None:
    net = MLPScratch(64, 32, 10)
    assert [n for n, _ in net.named_parameters()] == ["W1", "b1", "W2", "b2"]
    assert sum(p.numel() for p in net.parameters()) == (64 + 1) * 32 + (32 + 1) * 10
    assert sum(p.numel() for p in mlp_concise(64, 32, 10).parameters()) == 2410
    assert torch.equal(net.b1, torch.zeros(32))
    assert 0.005 < net.W1.std().item() < 0.015  # sigma = 0.01 by default


# ------------------------------------------------------------------ make_mlp, collapse
def test_make_mlp_structure() -> None:
    net = make_mlp(5, [7, 3], 2, activation=nn.Tanh)
    kinds = [type(m).__name__ for m in net]
    assert kinds == ["Linear", "Tanh", "Linear", "Tanh", "Linear"]
    assert net(torch.randn(4, 5)).shape == (4, 2)
    linear = make_mlp(5, [], 2)
    assert len(linear) == 1 and isinstance(linear[0], nn.Linear)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_collapse_linear_equals_the_stack(dtype) -> None:
    torch.manual_seed(0)
    layers = [
        nn.Linear(6, 9, dtype=dtype),
        nn.Linear(9, 4, bias=False, dtype=dtype),
        nn.Linear(4, 3, dtype=dtype),
    ]
    stack = nn.Sequential(*layers)
    single = collapse_linear(stack)
    X = torch.randn(11, 6, dtype=dtype)
    torch.testing.assert_close(single(X), stack(X))
    assert single.weight.shape == (3, 6) and single.weight.dtype == dtype
    # the product of the weights, as in the formula
    torch.testing.assert_close(
        single.weight, layers[2].weight @ layers[1].weight @ layers[0].weight
    )


def test_relu_breaks_the_collapse() -> None:
    torch.manual_seed(0)
    with_relu = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 1))
    linear_part = collapse_linear([with_relu[0], with_relu[2]])
    X = torch.randn(50, 2)
    assert not torch.allclose(with_relu(X), linear_part(X))


# ------------------------------------------------------------------ universal approximation
def test_relu_interpolant_passes_through_the_knots_and_is_linear_between() -> None:
    xs = torch.tensor([-1.0, 0.0, 0.5, 2.0], dtype=torch.float64)
    ys = torch.tensor([3.0, -1.0, 0.0, 4.0], dtype=torch.float64)
    net = relu_interpolant(xs, ys)
    assert net[0].out_features == 3
    with torch.no_grad():
        torch.testing.assert_close(net(xs[:, None]).flatten(), ys)
        mid = (xs[1:] + xs[:-1]) / 2
        torch.testing.assert_close(net(mid[:, None]).flatten(), (ys[1:] + ys[:-1]) / 2)
        assert net(torch.tensor([[-5.0]], dtype=torch.float64)).item() == pytest.approx(3.0)


def test_interpolation_error_shrinks_quadratically() -> None:
    x = torch.linspace(0, 2 * math.pi, 2001, dtype=torch.float64)
    errors = []
    for units in (8, 16, 32, 64):
        knots = torch.linspace(0, 2 * math.pi, units + 1, dtype=torch.float64)
        with torch.no_grad():
            g = relu_interpolant(knots, torch.sin(knots))(x[:, None]).flatten()
        errors.append((g - torch.sin(x)).abs().max().item())
        assert errors[-1] <= (2 * math.pi / units) ** 2 / 8 + 1e-12  # |f''| <= 1
    for a, b in itertools.pairwise(errors):
        assert 3.5 < a / b < 4.5


# ------------------------------------------------------------------ experiments
def test_make_moons_tensors() -> None:
    X, y = make_moons_tensors(50, noise=0.1, seed=2)
    assert X.shape == (50, 2) and X.dtype == torch.float32 and y.dtype == torch.int64
    X2, _ = make_moons_tensors(50, noise=0.1, seed=2)
    assert torch.equal(X, X2)


def test_compare_mlps_is_deterministic_and_depth_adds_capacity() -> None:
    train, val = make_moons_tensors(100, seed=0), make_moons_tensors(200, seed=1)
    a = compare_mlps([[], [16]], train, val, epochs=150, lr=0.02)
    b = compare_mlps([[], [16]], train, val, epochs=150, lr=0.02)
    assert [(r.train_acc, r.val_acc) for r in a] == [(r.train_acc, r.val_acc) for r in b]
    assert a[0].num_params == 6 and a[1].num_params == 2 * 16 + 16 + 16 * 2 + 2
    assert a[1].train_acc > a[0].train_acc  # a curved boundary fits better than a line
    assert len(a[0].history.epochs) == 150


def test_fit_full_batch_counts_steps() -> None:
    X, y = make_moons_tensors(40)
    torch.manual_seed(0)
    trainer = fit_full_batch(make_mlp(2, [4], 2), X, y, epochs=7)
    assert trainer.step == 7 and trainer.epoch == 7


# ------------------------------------------------------------------ bad input
def test_bad_inputs() -> None:
    with pytest.raises(TypeError, match="floating-point"):
        relu(torch.tensor([1, -1]))
    with pytest.raises(ValueError, match="num_hiddens must be >= 1"):
        MLPScratch(64, 0, 10)
    with pytest.raises(TypeError, match="num_inputs must be an int"):
        MLPScratch(64.0, 8, 10)
    with pytest.raises(ValueError, match="sigma must be > 0"):
        MLPScratch(64, 8, 10, sigma=0.0)
    with pytest.raises(ValueError, match="64 features each"):
        MLPScratch(64, 8, 10)(torch.zeros(3, 65))
    with pytest.raises(ValueError, match="shapes differ"):
        copy_scratch_to_concise(MLPScratch(4, 3, 2), mlp_concise(4, 5, 2))
    with pytest.raises(TypeError, match="mlp_concise"):
        copy_scratch_to_concise(MLPScratch(4, 3, 2), nn.Sequential(nn.Linear(4, 2)))
    with pytest.raises(TypeError, match="sequence of ints"):
        make_mlp(2, 32, 2)
    with pytest.raises(ValueError, match=r"hidden_sizes\[1\] must be >= 1"):
        make_mlp(2, [4, 0], 2)
    with pytest.raises(TypeError, match="ReLU at position 1"):
        collapse_linear([nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)])
    with pytest.raises(ValueError, match="do not chain"):
        collapse_linear([nn.Linear(2, 3), nn.Linear(4, 1)])
    with pytest.raises(ValueError, match="at least one"):
        collapse_linear([])
    with pytest.raises(ValueError, match="strictly increasing"):
        relu_interpolant(torch.tensor([0.0, 0.0, 1.0]), torch.zeros(3))
    with pytest.raises(ValueError, match="at least 2"):
        relu_interpolant(torch.tensor([0.0]), torch.zeros(1))
    with pytest.raises(TypeError, match="integer dtype"):
        fit_full_batch(make_mlp(2, [4], 2), torch.zeros(4, 2), torch.zeros(4), epochs=1)
