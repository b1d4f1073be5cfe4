"""dlnotes.computation.layers: CenteredLayer, MyLinear against nn.Linear, BrokenLinear."""

from __future__ import annotations

import math

import pytest
import torch
from builtin_check import assert_same_as_builtin
from torch import nn

from dlnotes.computation.layers import BrokenLinear, CenteredLayer, MyLinear


def test_centered_layer() -> None:
    X = torch.randn(4, 6, generator=torch.Generator().manual_seed(0)) + 3.0
    Y = CenteredLayer()(X)
    assert abs(Y.mean().item()) < 1e-6
    assert_same_as_builtin(CenteredLayer(), lambda x: x - x.mean(), X)
    assert list(CenteredLayer().parameters()) == []
    with pytest.raises(TypeError, match="floating-point"):
        CenteredLayer()(torch.arange(3))


def _pair(bias: bool) -> tuple[MyLinear, nn.Linear]:
    torch.manual_seed(0)
    ours, theirs = MyLinear(5, 3, bias=bias), nn.Linear(5, 3, bias=bias)
    theirs.load_state_dict(ours.state_dict())  # same names, same shapes
    return ours, theirs


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("shape", [(4, 5), (2, 3, 5), (5,)])
def test_my_linear_matches_nn_linear(bias, shape) -> None:
    ours, theirs = _pair(bias)
    X = torch.randn(shape, generator=torch.Generator().manual_seed(1))
    assert_same_as_builtin(ours, theirs, X)  # values and gradients wrt X
    for layer in (ours, theirs):  # gradients wrt the parameters
        layer.zero_grad()
        out = layer(X)
        (out * torch.linspace(-1, 2, out.numel()).reshape(out.shape)).sum().backward()
    for (name, p), (ref_name, q) in zip(
        ours.named_parameters(), theirs.named_parameters(), strict=True
    ):
        assert name == ref_name and p.shape == q.shape
        torch.testing.assert_close(p.grad, q.grad)
    assert repr(ours).replace("MyLinear", "Linear") == repr(theirs)


def test_my_linear_initialization_matches_nn_linear_distribution() -> None:
    g = torch.Generator().manual_seed(0)
    layer = MyLinear(400, 300, generator=g)
    bound = 1 / math.sqrt(400)
    for p in (layer.weight, layer.bias):
        assert p.abs().max() <= bound
    # U(-b, b) has standard deviation b / sqrt(3); nn.Linear draws the same way
    assert abs(layer.weight.std().item() - bound / math.sqrt(3)) < 1e-3
    ref = nn.Linear(400, 300)
    assert abs(layer.weight.std().item() - ref.weight.std().item()) < 1e-3
    again = MyLinear(400, 300, generator=torch.Generator().manual_seed(0))
    assert torch.equal(again.weight, layer.weight)


def test_my_linear_bad_inputs() -> None:
    layer = MyLinear(4, 2)
    with pytest.raises(ValueError, match=r"last dimension in_features=4, got shape \(3, 5\)"):
        layer(torch.rand(3, 5))
    with pytest.raises(ValueError, match=r"got shape \(\)"):
        layer(torch.tensor(1.0))
    with pytest.raises(TypeError, match="floating-point"):
        layer(torch.ones(3, 4, dtype=torch.long))
    with pytest.raises(ValueError, match="in_features must be >= 1, got 0"):
        MyLinear(0, 2)
    with pytest.raises(TypeError, match="out_features must be an int, got float"):
        MyLinear(2, 2.0)


@pytest.mark.parametrize("how", ["data", "detach"])
def test_broken_linear_gives_right_values_but_no_gradients(how) -> None:
    torch.manual_seed(0)
    broken, good = BrokenLinear(4, 3, how=how), MyLinear(4, 3)
    good.load_state_dict(broken.state_dict())
    X = torch.randn(6, 4, requires_grad=True)
    torch.testing.assert_close(broken(X), good(X))  # the forward pass looks fine
    broken(X).sum().backward()
    assert broken.weight.grad is None and broken.bias.grad is None
    assert X.grad is not None  # gradients still flow to what comes before
    good(X).sum().backward()
    assert good.weight.grad is not None and good.weight.grad.abs().sum() > 0


def _train(first: nn.Module) -> tuple[torch.Tensor, torch.Tensor, float]:
    torch.manual_seed(1)
    net = nn.Sequential(first, nn.ReLU(), nn.Linear(8, 1))
    X = torch.randn(64, 4)
    y = X[:, :1] * X[:, 1:2]
    before = first.weight.detach().clone()
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    for _ in range(50):
        opt.zero_grad()
        loss = (net(X) - y).square().mean()
        loss.backward()
        opt.step()
    return before, first.weight.detach(), loss.item()


def test_broken_linear_is_never_trained_but_the_correct_one_is() -> None:
    torch.manual_seed(0)
    good = MyLinear(4, 8)
    broken = BrokenLinear(4, 8)
    broken.load_state_dict(good.state_dict())
    before, after, broken_loss = _train(broken)
    assert torch.equal(before, after)  # silently frozen
    before, after, good_loss = _train(good)
    assert not torch.equal(before, after)
    assert good_loss < broken_loss


def test_broken_linear_bad_how() -> None:
    with pytest.raises(ValueError, match="how must be 'data' or 'detach', got 'clone'"):
        BrokenLinear(2, 2, how="clone")
