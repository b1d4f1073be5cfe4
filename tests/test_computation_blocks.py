"""dlnotes.computation.blocks: MySequential against nn.Sequential, and the example blocks."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from dlnotes.computation.blocks import MLP, FixedHiddenMLP, MySequential, NestMLP


def _layers(seed: int = 0) -> list[nn.Module]:
    torch.manual_seed(seed)
    return [nn.Linear(6, 5), nn.ReLU(), nn.Linear(5, 4), nn.Tanh(), nn.Linear(4, 3)]


def _grads(net: nn.Module, X: torch.Tensor) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    net.zero_grad()
    out = net(X)
    weights = torch.linspace(-1.0, 2.0, out.numel()).reshape(out.shape)
    (out * weights).sum().backward()
    return out.detach(), {name: p.grad.clone() for name, p in net.named_parameters()}


def test_my_sequential_matches_nn_sequential() -> None:
    ours, theirs = MySequential(*_layers(0)), nn.Sequential(*_layers(1))
    assert list(ours.state_dict()) == list(theirs.state_dict())
    theirs.load_state_dict(ours.state_dict())  # same weights from here on
    X = torch.randn(7, 6, generator=torch.Generator().manual_seed(2))
    out, grads = _grads(ours, X)
    ref_out, ref_grads = _grads(theirs, X)
    torch.testing.assert_close(out, ref_out)
    assert grads.keys() == ref_grads.keys()
    for name in grads:
        torch.testing.assert_close(grads[name], ref_grads[name])


def test_my_sequential_registers_children() -> None:
    net = MySequential(nn.Linear(3, 4), nn.Dropout(0.5), nn.Linear(4, 2))
    assert len(net) == 3 and isinstance(net[1], nn.Dropout) and net[-1] is net[2]
    assert sum(p.numel() for p in net.parameters()) == 3 * 4 + 4 + 4 * 2 + 2
    net.eval()  # train()/eval() reach the children
    assert not net[1].training
    net.double()  # so do dtype and device moves
    assert all(p.dtype == torch.float64 for p in net.parameters())
    X = torch.randn(5, 3, dtype=torch.float64)
    torch.testing.assert_close(net(X), net[2](net[0](X)))  # eval: dropout is the identity


def test_my_sequential_calls_children_through_call() -> None:
    # calling module(X), not module.forward(X), is what makes hooks run
    net = MySequential(nn.Linear(3, 3), nn.ReLU())
    seen = []
    net[0].register_forward_hook(lambda module, inputs, output: seen.append(output.shape))
    net(torch.randn(2, 3))
    assert seen == [torch.Size([2, 3])]


def test_empty_my_sequential_is_the_identity() -> None:
    X = torch.randn(2, 3)
    assert torch.equal(MySequential()(X), nn.Sequential()(X))


@pytest.mark.parametrize(
    ("bad", "pattern"),
    [
        (torch.relu, r"argument 1 must be an nn.Module, got builtin_function_or_method 'relu'"),
        (lambda x: x, r"argument 1 must be an nn.Module, got function '<lambda>'"),
        (3, r"argument 1 must be an nn.Module, got int"),
        ([nn.ReLU()], r"argument 1 must be an nn.Module, got list"),
    ],
)
def test_my_sequential_rejects_non_modules(bad, pattern) -> None:
    with pytest.raises(TypeError, match=pattern):
        MySequential(nn.Linear(2, 2), bad)


def test_mlp_matches_an_equivalent_sequential() -> None:
    torch.manual_seed(0)
    net = MLP(8, 16, 3)
    ref = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))
    ref.load_state_dict(
        {k.replace("hidden", "0").replace("output", "2"): v for k, v in net.state_dict().items()}
    )
    X = torch.randn(4, 8)
    torch.testing.assert_close(net(X), ref(X))


def test_fixed_hidden_mlp_constant_weight_is_a_buffer() -> None:
    net = FixedHiddenMLP(generator=torch.Generator().manual_seed(0))
    again = FixedHiddenMLP(generator=torch.Generator().manual_seed(0))
    assert torch.equal(net.rand_weight, again.rand_weight)
    assert [n for n, _ in net.named_parameters()] == ["linear.weight", "linear.bias"]
    assert "rand_weight" in net.state_dict()
    assert not net.rand_weight.requires_grad
    out = net(torch.rand(3, 20, generator=torch.Generator().manual_seed(1)))
    assert out.shape == () and out.abs().item() <= 1
    out.backward()
    assert net.linear.weight.grad is not None and net.rand_weight.grad is None


def test_fixed_hidden_mlp_forward_is_the_formula() -> None:
    torch.manual_seed(0)
    net = FixedHiddenMLP(4)
    X = torch.rand(2, 4)
    h = net.linear(torch.relu(net.linear(X) @ net.rand_weight + 1))
    halvings = 0
    while h.abs().sum() > 1:
        h, halvings = h / 2, halvings + 1
    assert halvings > 0  # the loop really ran
    torch.testing.assert_close(net(X), h.sum())


def test_fixed_hidden_mlp_rejects_non_finite_values() -> None:
    X = torch.rand(2, 20)
    X[0, 0] = float("inf")
    with pytest.raises(ValueError, match="non-finite"):
        FixedHiddenMLP()(X)


def test_nest_mlp_structure() -> None:
    net = NestMLP()
    assert net(torch.rand(5, 20)).shape == (5, 16)
    assert [n for n, _ in net.named_children()] == ["net", "linear"]
    assert len(list(net.modules())) == 1 + 1 + 4 + 1  # itself, net, its 4 layers, linear
    assert sum(p.numel() for p in net.parameters()) == 20 * 64 + 64 + 64 * 32 + 32 + 32 * 16 + 16
