"""Initialization: variances match theory; Kaiming keeps deep ReLU activations at scale."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from dlnotes.tricks.init import init_weights


@pytest.mark.parametrize(
    "scheme, expected_std",
    [
        ("kaiming", math.sqrt(2 / 400)),
        ("kaiming_uniform", math.sqrt(2 / 400)),
        ("xavier", math.sqrt(2 / (400 + 300))),
        ("xavier_uniform", math.sqrt(2 / (400 + 300))),
        ("normal", 0.01),
    ],
)
def test_weight_std_matches_theory(scheme, expected_std):
    torch.manual_seed(0)
    layer = init_weights(
        nn.Linear(400, 300), scheme, nonlinearity="relu" if "k" in scheme else "linear"
    )
    assert layer.weight.std().item() == pytest.approx(expected_std, rel=0.03)
    assert torch.count_nonzero(layer.bias) == 0


def _activation_std(scheme: str, nonlinearity: str = "relu", depth=20, width=256) -> float:
    torch.manual_seed(0)
    layers = []
    for _ in range(depth):
        layers += [nn.Linear(width, width), nn.ReLU()]
    net = init_weights(nn.Sequential(*layers), scheme, nonlinearity, std=0.01)
    with torch.no_grad():
        return net(torch.randn(512, width)).std().item()


def test_kaiming_keeps_the_scale_and_a_small_fixed_std_collapses():
    kaiming = _activation_std("kaiming")
    xavier = _activation_std("xavier", "linear")  # Glorot's gain 1
    small = _activation_std("normal")
    assert 0.2 < kaiming < 5  # O(1) after 20 ReLU layers
    assert xavier < kaiming / 100  # halves the variance per ReLU layer: 2^-10 after 20
    assert small < 1e-10  # (256 * 0.01^2 / 2)^(10) ~ 1e-16


def test_conv_layers_and_bad_arguments():
    conv = init_weights(nn.Conv2d(16, 8, 3), "kaiming")
    assert conv.weight.std().item() == pytest.approx(math.sqrt(2 / (16 * 9)), rel=0.1)
    with pytest.raises(ValueError, match="scheme must be one of"):
        init_weights(nn.Linear(2, 2), "he")
    with pytest.raises(ValueError, match="Unsupported nonlinearity"):
        init_weights(nn.Linear(2, 2), "xavier", nonlinearity="swishy")


def test_matches_torch_nn_init_with_the_same_seed_and_works_in_place():
    net = nn.Sequential(nn.Linear(30, 20), nn.Tanh(), nn.Linear(20, 5))
    ref = nn.Sequential(nn.Linear(30, 20), nn.Tanh(), nn.Linear(20, 5))
    torch.manual_seed(3)
    assert init_weights(net, "xavier_uniform", nonlinearity="tanh") is net
    torch.manual_seed(3)
    for layer in (ref[0], ref[2]):
        nn.init.xavier_uniform_(layer.weight, gain=nn.init.calculate_gain("tanh"))
        nn.init.zeros_(layer.bias)
    for p, q in zip(net.parameters(), ref.parameters(), strict=True):
        torch.testing.assert_close(p, q)
    bound = 5 / 3 * math.sqrt(6 / (30 + 20))  # gain * sqrt(6 / (fan_in + fan_out))
    assert net[0].weight.abs().max().item() <= bound
