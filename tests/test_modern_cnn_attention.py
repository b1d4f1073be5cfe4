"""Squeeze-and-Excitation and CBAM (dlnotes.modern_cnn.attention) against torchvision and
against the formulas written out with plain tensor operations."""

from __future__ import annotations

import json

import pytest
import torch
import torchvision
from builtin_check import values_and_grads
from docs_support import ROOT
from torch import nn
from torchvision.ops import SqueezeExcitation as TVSqueezeExcitation

from dlnotes.cnn.summary import count_parameters
from dlnotes.experiments.se_digits import run, summarize
from dlnotes.modern_cnn.attention import (
    CBAM,
    ChannelAttention,
    SpatialAttention,
    SqueezeExcitation,
    add_squeeze_excitation,
    se_extra_parameters,
)
from dlnotes.modern_cnn.resnet import resnet, resnet18


# ---------------------------------------------------------------- Squeeze-and-Excitation
@pytest.mark.parametrize(("channels", "squeeze"), [(8, 2), (64, 4), (24, 8), (3, 1)])
@pytest.mark.parametrize("gate", [nn.Sigmoid, nn.Hardsigmoid])
def test_se_matches_torchvision_values_and_grads(channels, squeeze, gate) -> None:
    torch.manual_seed(0)
    theirs = TVSqueezeExcitation(channels, squeeze, scale_activation=gate)
    ours = SqueezeExcitation(channels, squeeze, scale_activation=gate)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    ours.load_state_dict(theirs.state_dict())
    X = torch.randn(3, channels, 5, 4)
    value, grads = values_and_grads(ours, X)
    ref_value, ref_grads = values_and_grads(theirs, X)
    torch.testing.assert_close(value, ref_value)
    torch.testing.assert_close(grads[0], ref_grads[0])
    # the parameters get the same gradients too
    for p, q in zip(ours.parameters(), theirs.parameters(), strict=True):
        torch.testing.assert_close(p.grad, q.grad)


def test_se_is_the_formula() -> None:
    torch.manual_seed(1)
    se = SqueezeExcitation(16, reduction=4)
    X = torch.randn(2, 16, 3, 3)
    z = X.mean(dim=(2, 3))  # (2, 16)
    W1, b1 = se.fc1.weight[:, :, 0, 0], se.fc1.bias
    W2, b2 = se.fc2.weight[:, :, 0, 0], se.fc2.bias
    s = torch.sigmoid(torch.relu(z @ W1.T + b1) @ W2.T + b2)  # (2, 16)
    torch.testing.assert_close(se(X), X * s[:, :, None, None])
    assert se.fc1.out_channels == 4


def test_se_in_mobilenet_v3_gives_identical_outputs() -> None:
    """Swap every SE module of torchvision's MobileNet v3 for ours, with its weights."""
    torch.manual_seed(0)
    net = torchvision.models.mobilenet_v3_small().eval()
    X = torch.randn(1, 3, 64, 64)
    with torch.no_grad():
        expected = net(X)
    swapped = 0
    for module in list(net.modules()):
        for name, child in module.named_children():
            if isinstance(child, TVSqueezeExcitation):
                ours = SqueezeExcitation(
                    child.fc1.in_channels, child.fc1.out_channels, scale_activation=nn.Hardsigmoid
                )
                ours.load_state_dict(child.state_dict())
                setattr(module, name, ours)
                swapped += 1
    assert swapped == 9
    with torch.no_grad():
        torch.testing.assert_close(net(X), expected, rtol=0, atol=0)


@pytest.mark.parametrize("factory", ["tv50", "ours50", "tv18", "ours18"])
def test_add_squeeze_excitation_parameter_count(factory) -> None:
    from dlnotes.modern_cnn.resnet import resnet50

    build = {
        "tv50": torchvision.models.resnet50,
        "ours50": resnet50,
        "tv18": torchvision.models.resnet18,
        "ours18": resnet18,
    }[factory]
    net = build()
    before = count_parameters(net)
    added = add_squeeze_excitation(net)
    stages = (
        [(256, 3), (512, 4), (1024, 6), (2048, 3)]
        if factory.endswith("50")
        else [(64, 2), (128, 2), (256, 2), (512, 2)]
    )
    assert added == sum(blocks for _, blocks in stages)
    expected = sum(se_extra_parameters(c) * blocks for c, blocks in stages)
    assert count_parameters(net) - before == expected
    if factory.endswith("50"):
        assert count_parameters(net) == 28_088_024  # Hu et al.: ~2.5 M more than ResNet-50


def test_add_squeeze_excitation_places_se_before_the_addition() -> None:
    torch.manual_seed(0)
    net = resnet((1, 1, 1, 1), num_classes=10, in_channels=1, stem="small", width=8)
    add_squeeze_excitation(net, reduction=4)
    blocks = [m for m in net.modules() if isinstance(getattr(m, "bn2", None), nn.Sequential)]
    assert len(blocks) == 4
    for block in blocks:
        bn, se = block.bn2
        assert isinstance(bn, nn.BatchNorm2d) and isinstance(se, SqueezeExcitation)
    # a gate of exactly 1 (huge bias) gives back the network without SE
    plain = resnet((1, 1, 1, 1), num_classes=10, in_channels=1, stem="small", width=8)
    state = {
        k.replace("bn2.0.", "bn2."): v for k, v in net.state_dict().items() if ".1.fc" not in k
    }
    plain.load_state_dict(state)
    with torch.no_grad():
        for block in blocks:
            block.bn2[1].fc2.weight.zero_()
            block.bn2[1].fc2.bias.fill_(100.0)  # sigmoid(100) == 1 in float32
    X = torch.randn(2, 1, 8, 8)
    net.eval(), plain.eval()
    with torch.no_grad():
        torch.testing.assert_close(net(X), plain(X))


def test_add_squeeze_excitation_counts_zero_without_residual_blocks() -> None:
    net = nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4))
    assert add_squeeze_excitation(net) == 0


# ---------------------------------------------------------------- CBAM
def test_channel_attention_is_the_formula() -> None:
    torch.manual_seed(2)
    ca = ChannelAttention(8, reduction=2)
    X = torch.randn(2, 8, 4, 5)
    W1, W2 = ca.mlp[0].weight[:, :, 0, 0], ca.mlp[2].weight[:, :, 0, 0]

    def mlp(v: torch.Tensor) -> torch.Tensor:
        return torch.relu(v @ W1.T) @ W2.T

    avg, mx = X.mean(dim=(2, 3)), X.flatten(2).max(dim=2).values
    s = torch.sigmoid(mlp(avg) + mlp(mx))
    torch.testing.assert_close(ca(X), X * s[:, :, None, None])


def test_spatial_attention_is_the_formula() -> None:
    torch.manual_seed(3)
    sa = SpatialAttention(kernel_size=3)
    X = torch.randn(2, 5, 6, 6)
    pooled = torch.stack([X.mean(dim=1), X.max(dim=1).values], dim=1)  # (2, 2, 6, 6)
    m = torch.sigmoid(nn.functional.conv2d(pooled, sa.conv.weight, padding=1))
    torch.testing.assert_close(sa(X), X * m)


def test_cbam_parameters_and_order() -> None:
    cbam = CBAM(64)
    assert count_parameters(cbam) == 2 * 64 * 4 + 2 * 7 * 7
    X = torch.randn(1, 64, 5, 5)
    torch.testing.assert_close(cbam(X), cbam.spatial(cbam.channel(X)))


def test_zero_weights_halve_the_input() -> None:
    """Zero weights give gates of sigmoid(0) = 1/2 everywhere (CBAM: 1/4)."""
    X = torch.randn(2, 8, 3, 3)
    se, cbam = SqueezeExcitation(8, 2), CBAM(8, reduction=2)
    for m in (se, cbam):
        for p in m.parameters():
            nn.init.zeros_(p)
    torch.testing.assert_close(se(X), X / 2)
    torch.testing.assert_close(cbam(X), X / 4)


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("make", "X", "error", "match"),
    [
        (lambda: SqueezeExcitation(8, 2), torch.zeros(2, 4, 3, 3), ValueError, "8 channel"),
        (lambda: SqueezeExcitation(8, 2), torch.zeros(8, 3, 3), ValueError, r"\(n, 8, h, w\)"),
        (
            lambda: SqueezeExcitation(8, 2),
            torch.zeros(1, 8, 3, 3, dtype=torch.long),
            TypeError,
            "floating",
        ),
        (lambda: SqueezeExcitation(8, 2), [[1.0]], TypeError, "torch.Tensor"),
        (lambda: ChannelAttention(8), torch.zeros(1, 3, 2, 2), ValueError, "8 channel"),
        (lambda: SpatialAttention(), torch.zeros(3, 2, 2), ValueError, "4 dimensions"),
        (
            lambda: SpatialAttention(),
            torch.zeros(1, 3, 2, 2, dtype=torch.int32),
            TypeError,
            "floating",
        ),
    ],
)
def test_bad_input(make, X, error, match) -> None:
    with pytest.raises(error, match=match):
        make()(X)


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda: SqueezeExcitation(0), ValueError, "channels must be >= 1"),
        (lambda: SqueezeExcitation(8.0), TypeError, "channels must be an int"),
        (lambda: SqueezeExcitation(8, reduction=0), ValueError, "reduction"),
        (lambda: SqueezeExcitation(8, squeeze_channels=0), ValueError, "squeeze_channels"),
        (lambda: SpatialAttention(4), ValueError, "odd"),
        (lambda: SpatialAttention(3.0), TypeError, "kernel_size must be an int"),
        (lambda: add_squeeze_excitation("resnet"), TypeError, "nn.Module"),
        (lambda: se_extra_parameters(64, reduction=0), ValueError, "reduction"),
    ],
)
def test_bad_arguments(make, error, match) -> None:
    with pytest.raises(error, match=match):
        make()


# ---------------------------------------------------------------- the measured ablation
def test_saved_ablation_reproduces_one_run() -> None:
    """The committed results come from this code: rerun one of them and compare."""
    results = json.loads((ROOT / "snippets" / "results" / "se-digits.json").read_text("utf-8"))
    saved = next(
        r
        for r in results["runs"]
        if (r["width"], r["train_size"], r["se"], r["seed"]) == (4, 200, True, 0)
    )
    threads = torch.get_num_threads()
    torch.set_num_threads(results["threads"])  # the summation order depends on the threads
    try:
        again = run(width=4, train_size=200, se=True, seed=0)
    finally:
        torch.set_num_threads(threads)
    assert again == saved
    assert len(summarize(results)) == 8
