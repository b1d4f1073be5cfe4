"""dlnotes.mlp.dropout against nn.Dropout: statistics of the random masks, exact rest."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from dlnotes.mlp.dropout import Dropout, check_dropout_p, dropout_layer

N = 1_000_000  # elements per statistical test: the binomial std of a fraction is <= 0.0005
PS = [0.1, 0.3, 0.5, 0.8]


def _ours_fn(p: float):
    return lambda x: dropout_layer(x, p)


def _theirs_fn(p: float):
    return nn.Dropout(p).train()


def _binomial_tol(p: float, n: int = N, sigmas: float = 5.0) -> float:
    """``sigmas`` standard deviations of the fraction of successes in ``n`` Bernoulli(p)."""
    return sigmas * math.sqrt(p * (1 - p) / n)


@pytest.mark.parametrize("p", PS)
@pytest.mark.parametrize("impl", ["ours", "module", "builtin"])
def test_fraction_zeroed_survivors_and_mean(p: float, impl: str) -> None:
    torch.manual_seed(0)
    x = torch.rand(N) + 0.5  # in [0.5, 1.5): never 0, so out == 0 marks a dropped element
    fn = {"ours": _ours_fn(p), "module": Dropout(p).train(), "builtin": _theirs_fn(p)}[impl]
    out = fn(x)
    dropped = out == 0
    assert abs(dropped.double().mean().item() - p) < _binomial_tol(p)
    kept = ~dropped
    if impl == "builtin":  # nn.Dropout multiplies by 1 / (1 - p): within an ulp of x / (1 - p)
        torch.testing.assert_close(out[kept], x[kept] / (1 - p), rtol=2e-7, atol=0)
    else:  # ours divides, so the survivors are exactly x / (1 - p)
        assert torch.equal(out[kept], x[kept] / (1 - p))
    # E[out] = E[x]: the std of the difference of the means is sqrt(p / (1 - p) * E[x^2] / N)
    tol = 5 * math.sqrt(p / (1 - p) * (x**2).mean().item() / N)
    assert abs(out.double().mean().item() - x.double().mean().item()) < tol


@pytest.mark.parametrize("p", PS)
def test_ours_and_builtin_agree_in_distribution(p: float) -> None:
    # the two dropped fractions differ by less than two binomial tolerances
    torch.manual_seed(1)
    x = torch.ones(N)
    ours = (dropout_layer(x, p) == 0).double().mean().item()
    theirs = (nn.Dropout(p)(x) == 0).double().mean().item()
    assert abs(ours - theirs) < 2 * _binomial_tol(p)


def test_masks_are_independent_of_position() -> None:
    # each column of a (N/100, 100) tensor is dropped at rate p: no positional pattern
    p = 0.3
    torch.manual_seed(2)
    out = dropout_layer(torch.ones(N // 100, 100), p)
    per_column = (out == 0).double().mean(dim=0)  # (100,)
    assert (per_column - p).abs().max().item() < _binomial_tol(p, N // 100, sigmas=5.0)


def test_generator_makes_masks_reproducible() -> None:
    x = torch.ones(1000)
    a = dropout_layer(x, 0.5, generator=torch.Generator().manual_seed(3))
    b = dropout_layer(x, 0.5, generator=torch.Generator().manual_seed(3))
    c = dropout_layer(x, 0.5, generator=torch.Generator().manual_seed(4))
    assert torch.equal(a, b)
    assert not torch.equal(a, c)


@pytest.mark.parametrize("p", PS)
@pytest.mark.parametrize("impl", ["ours", "builtin"])
def test_gradient_is_mask_over_keep_probability(p: float, impl: str) -> None:
    torch.manual_seed(5)
    x = (torch.rand(10_000, dtype=torch.float64) + 0.5).requires_grad_()
    fn = _ours_fn(p) if impl == "ours" else _theirs_fn(p)
    out = fn(x)
    weights = torch.linspace(-1.0, 2.0, x.numel(), dtype=x.dtype)  # every element matters
    (out * weights).sum().backward()
    mask = (out != 0).to(x.dtype)  # x > 0, so out != 0 exactly where the mask is 1
    torch.testing.assert_close(x.grad, weights * mask / (1 - p))


@pytest.mark.parametrize("p", [0.0, 0.3, 1.0])
def test_eval_mode_is_exactly_the_identity(p: float) -> None:
    x = torch.randn(64, 32)
    ours, theirs = Dropout(p).eval(), nn.Dropout(p).eval()
    assert ours(x) is x  # no copy, no scaling
    assert torch.equal(theirs(x), x)
    assert torch.equal(ours(x), theirs(x))


def test_module_respects_training_flag_inside_a_network() -> None:
    torch.manual_seed(6)
    net = nn.Sequential(nn.Linear(16, 64), nn.ReLU(), Dropout(0.5), nn.Linear(64, 4))
    x = torch.randn(8, 16)
    net.eval()
    assert torch.equal(net(x), net(x))  # deterministic
    net.train()
    assert not torch.equal(net(x), net(x))  # a fresh mask per call
    assert net[2].training


@pytest.mark.parametrize("impl", ["ours", "module", "builtin"])
def test_p_zero_is_identity_and_p_one_is_zeros(impl: str) -> None:
    x = torch.randn(100, dtype=torch.float64, requires_grad=True)
    make = {
        "ours": _ours_fn,
        "module": lambda p: Dropout(p).train(),
        "builtin": _theirs_fn,
    }[impl]
    assert torch.equal(make(0.0)(x), x)
    zeros = make(1.0)(x)
    assert torch.equal(zeros, torch.zeros_like(x))  # -0.0 == 0.0
    zeros.sum().backward()  # still in the graph, with zero gradient
    assert torch.equal(x.grad, torch.zeros_like(x))


def test_p_one_matches_builtin_exactly() -> None:
    x = torch.randn(4, 5)
    assert torch.equal(dropout_layer(x, 1.0), nn.Dropout(1.0)(x))
    assert torch.equal(dropout_layer(x, 1), nn.Dropout(1)(x))  # an int p is fine


@pytest.mark.parametrize("p", [-0.1, 1.5, float("nan"), float("inf")])
def test_p_out_of_range_is_value_error(p: float) -> None:
    with pytest.raises(ValueError, match=r"p must be in \[0, 1\]"):
        dropout_layer(torch.ones(3), p)
    with pytest.raises(ValueError, match=r"p must be in \[0, 1\]"):
        Dropout(p)


@pytest.mark.parametrize("p", ["0.5", None, True, torch.tensor(0.5), [0.5]])
def test_p_of_wrong_type_is_type_error(p: object) -> None:
    with pytest.raises(TypeError, match="p must be a float or an int"):
        dropout_layer(torch.ones(3), p)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="p must be a float or an int"):
        Dropout(p)  # type: ignore[arg-type]


def test_bad_input_tensor() -> None:
    with pytest.raises(TypeError, match="floating-point"):
        dropout_layer(torch.ones(3, dtype=torch.long), 0.5)
    with pytest.raises(TypeError, match=r"torch\.Tensor"):
        dropout_layer([1.0, 2.0], 0.5)  # type: ignore[arg-type]


def test_check_dropout_p_returns_float() -> None:
    assert check_dropout_p(0) == 0.0 and isinstance(check_dropout_p(0), float)
    assert check_dropout_p(0.25) == 0.25
