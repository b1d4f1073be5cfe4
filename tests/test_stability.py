"""dlnotes.mlp.stability: vanishing/exploding gradients per layer, and symmetry."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from dlnotes.mlp.stability import deep_mlp, layer_gradient_norms


def test_structure_of_deep_mlp() -> None:
    net = deep_mlp(4, 32, "sigmoid", "xavier", num_outputs=3)
    linears = [m for m in net if isinstance(m, nn.Linear)]
    assert len(linears) == 4
    assert [type(m) for m in net].count(nn.Sigmoid) == 3  # none after the output layer
    assert linears[-1].out_features == 3
    assert all(m.in_features == 32 for m in linears)
    single = deep_mlp(1, 8)
    assert len(single) == 1 and isinstance(single[0], nn.Linear)


def test_inits_set_the_weight_scale() -> None:
    torch.manual_seed(0)
    width = 512
    kaiming = deep_mlp(2, width, "relu", "kaiming")[0]
    normal = deep_mlp(2, width, "relu", "normal", std=1.0)[0]
    default = deep_mlp(2, width, "relu", "default")[0]
    assert abs(kaiming.weight.std().item() - (2 / width) ** 0.5) < 0.002
    assert abs(normal.weight.std().item() - 1.0) < 0.01
    assert abs(default.weight.std().item() - (1 / (3 * width)) ** 0.5) < 0.001
    assert kaiming.bias.abs().max().item() == 0  # zeroed by init_weights
    assert default.bias.abs().max().item() > 0  # PyTorch's default draws biases


@pytest.mark.parametrize("seed", range(3))
def test_sigmoid_with_default_init_vanishes(seed: int) -> None:
    norms = layer_gradient_norms(10, 64, "sigmoid", seed=seed)
    assert norms.shape == (10,) and norms.dtype == torch.float64
    assert norms[0] < norms[-1] * 1e-5  # five orders of magnitude in ten layers
    assert (norms[1:] > norms[:-1]).all()  # growing towards the output at every layer


@pytest.mark.parametrize("seed", range(3))
def test_relu_with_kaiming_stays_within_a_small_factor(seed: int) -> None:
    norms = layer_gradient_norms(20, 128, "relu", "kaiming", seed=seed)
    assert norms.max() / norms.min() < 10
    assert 0.1 < norms.min() and norms.max() < 100  # and at a sensible scale


def test_bad_normal_init_explodes_or_vanishes_with_relu() -> None:
    big = layer_gradient_norms(20, 128, "relu", "normal", std=1.0)
    tiny = layer_gradient_norms(20, 128, "relu", "normal", std=0.01)
    good = layer_gradient_norms(20, 128, "relu", "kaiming")
    assert big.min() > 1e10 * good.max()
    assert tiny.max() < 1e-10 * good.min()
    assert torch.isfinite(big).all()


def test_relu_with_pytorch_default_init_vanishes_in_a_deep_plain_net() -> None:
    norms = layer_gradient_norms(20, 128, "relu", "default")
    assert norms[0] < norms[-1] * 1e-3


def test_tanh_with_xavier_is_stable() -> None:
    norms = layer_gradient_norms(20, 128, "tanh", "xavier")
    assert norms.max() / norms.min() < 20


def test_reproducible_and_leaves_the_global_rng_alone() -> None:
    torch.manual_seed(123)
    before = torch.get_rng_state()
    a = layer_gradient_norms(5, 16, "tanh", seed=7)
    assert torch.equal(torch.get_rng_state(), before)
    b = layer_gradient_norms(5, 16, "tanh", seed=7)
    c = layer_gradient_norms(5, 16, "tanh", seed=8)
    assert torch.equal(a, b)
    assert not torch.equal(a, c)


def test_matches_a_manual_backward_pass() -> None:
    # the norms are those of the weight gradients of the same network and data
    torch.manual_seed(3)
    net = deep_mlp(3, 16, "tanh", "xavier")
    X, y = torch.randn(64, 16), torch.randint(0, 10, (64,))
    F.cross_entropy(net(X), y).backward()
    expected = [m.weight.grad.norm().item() for m in net if isinstance(m, nn.Linear)]
    torch.manual_seed(3)  # layer_gradient_norms(seed=3) draws in the same order
    got = layer_gradient_norms(3, 16, "tanh", "xavier", seed=3)
    torch.testing.assert_close(got, torch.tensor(expected, dtype=torch.float64))


def _train_constant_init(dropout: float, steps: int = 20) -> nn.Linear:
    torch.manual_seed(0)
    hidden = nn.Linear(8, 6)
    layers = [hidden, nn.Tanh()] + ([nn.Dropout(dropout)] if dropout else []) + [nn.Linear(6, 3)]
    net = nn.Sequential(*layers)
    for m in net:
        if isinstance(m, nn.Linear):
            nn.init.constant_(m.weight, 0.3)
            nn.init.constant_(m.bias, 0.1)
    X, y = torch.randn(32, 8), torch.randint(0, 3, (32,))
    opt = torch.optim.SGD(net.parameters(), lr=0.5)
    for _ in range(steps):
        opt.zero_grad()
        F.cross_entropy(net(X), y).backward()
        opt.step()
    return hidden


def test_equal_init_keeps_hidden_units_identical() -> None:
    hidden = _train_constant_init(dropout=0.0)
    W, b = hidden.weight.detach(), hidden.bias.detach()
    assert not torch.equal(W, torch.full_like(W, 0.3))  # it did train
    # every row (hidden unit) the same, up to rounding (the BLAS may sum rows differently)
    torch.testing.assert_close(W, W[:1].expand_as(W), rtol=0, atol=1e-6)
    torch.testing.assert_close(b, b[:1].expand_as(b), rtol=0, atol=1e-6)
    assert torch.linalg.matrix_rank(W).item() == 1


def test_dropout_breaks_the_symmetry() -> None:
    W = _train_constant_init(dropout=0.5).weight.detach()
    gaps = torch.cdist(W, W) + torch.eye(len(W))  # pairwise distances, diagonal masked
    assert gaps.min().item() > 1e-4  # all six units differ by more than rounding


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"depth": 0}, ValueError, "depth must be >= 1"),
        ({"depth": 2.0}, TypeError, "depth must be an int"),
        ({"width": -1}, ValueError, "width must be >= 1"),
        ({"width": True}, TypeError, "width must be an int"),
        ({"activation": "gelu"}, ValueError, "activation must be one of"),
        ({"init": "orthogonal"}, ValueError, "init must be one of"),
        ({"std": 0.0}, ValueError, "std must be > 0"),
        ({"std": "1"}, TypeError, "std must be a number"),
        ({"batch_size": 0}, ValueError, "batch_size must be >= 1"),
        ({"seed": 1.5}, TypeError, "seed must be an int"),
    ],
)
def test_bad_input(kwargs, error, match) -> None:
    args = {"depth": 3, "width": 8, **kwargs}
    with pytest.raises(error, match=match):
        layer_gradient_norms(**args)


def test_deep_mlp_bad_num_outputs() -> None:
    with pytest.raises(ValueError, match="num_outputs must be >= 1"):
        deep_mlp(2, 4, num_outputs=0)


def test_all_zero_init_only_moves_the_output_bias() -> None:
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(8, 6), nn.Tanh(), nn.Linear(6, 3))
    for p in net.parameters():
        nn.init.zeros_(p)
    X, y = torch.randn(32, 8), torch.randint(0, 3, (32,))
    opt = torch.optim.SGD(net.parameters(), lr=0.5)
    for _ in range(10):
        opt.zero_grad()
        F.cross_entropy(net(X), y).backward()
        opt.step()
    for name, p in net.named_parameters():
        moved = p.detach().abs().max().item() > 0
        assert moved == (name == "2.bias"), name
