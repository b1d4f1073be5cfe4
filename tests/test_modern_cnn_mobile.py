"""Mobile networks (dlnotes.modern_cnn.mobile) against torchvision's models and layers."""

from __future__ import annotations

import itertools

import pytest
import torch
import torchvision
from torch import nn
from torchvision.models.shufflenetv2 import channel_shuffle as tv_channel_shuffle

from dlnotes.cnn.summary import count_parameters
from dlnotes.modern_cnn.mobile import (
    Fire,
    GhostModule,
    InvertedResidual,
    ShuffleV2Block,
    channel_shuffle,
    compound_scaling,
    make_divisible,
    memory_access_cost,
    mobilenet_v1,
    mobilenet_v2,
    shufflenet_v2_x1_0,
)
from dlnotes.modern_cnn.special_convs import conv_cost


def _randomize_batchnorms(net: nn.Module) -> None:
    """Non-trivial running statistics and affine parameters, so eval mode is tested."""
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.uniform_(-0.1, 0.1)
                m.running_var.uniform_(0.5, 1.5)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.1, 0.1)


def _same_network(ours: nn.Module, theirs: nn.Module, X: torch.Tensor) -> None:
    assert list(ours.state_dict()) == list(theirs.state_dict())
    _randomize_batchnorms(theirs)
    ours.load_state_dict(theirs.state_dict())
    ours.eval(), theirs.eval()
    with torch.no_grad():
        torch.testing.assert_close(ours(X), theirs(X), rtol=0, atol=0)


# ---------------------------------------------------------------- channel shuffle
def test_channel_shuffle_nine_channels_three_groups() -> None:
    x = torch.arange(9).reshape(1, 9, 1, 1)
    assert channel_shuffle(x, 3).flatten().tolist() == [0, 3, 6, 1, 4, 7, 2, 5, 8]


@pytest.mark.parametrize(("channels", "groups"), [(6, 2), (12, 3), (12, 4), (8, 8), (5, 1)])
def test_channel_shuffle_matches_torchvision(channels, groups) -> None:
    torch.manual_seed(0)
    x = torch.randn(2, channels, 3, 4)
    torch.testing.assert_close(channel_shuffle(x, groups), tv_channel_shuffle(x, groups))


def test_channel_shuffle_mixes_stacked_group_convs() -> None:
    torch.manual_seed(0)
    g1, g2 = nn.Conv2d(9, 9, 1, groups=3), nn.Conv2d(9, 9, 1, groups=3)
    for shuffle, expected in [(False, 3), (True, 9)]:
        x = torch.randn(1, 9, 4, 4, requires_grad=True)
        h = g1(x)
        out = g2(channel_shuffle(h, 3) if shuffle else h)
        out[:, :3].sum().backward()  # output group 0
        assert int((x.grad.abs().sum(dim=(0, 2, 3)) > 0).sum()) == expected


def test_channel_shuffle_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="divisible by groups=4"):
        channel_shuffle(torch.zeros(1, 6, 2, 2), 4)
    with pytest.raises(ValueError, match="x must have 4 dimensions"):
        channel_shuffle(torch.zeros(6, 2, 2), 2)
    with pytest.raises(ValueError, match="groups must be an int >= 1"):
        channel_shuffle(torch.zeros(1, 6, 2, 2), 0)


# ---------------------------------------------------------------- MobileNet
def test_mobilenet_v2_parameter_count_and_outputs_match_torchvision() -> None:
    torch.manual_seed(0)
    ours = mobilenet_v2()
    assert count_parameters(ours) == 3_504_872
    with torch.device("meta"):
        assert count_parameters(torchvision.models.mobilenet_v2(weights=None)) == 3_504_872
    _same_network(ours, torchvision.models.mobilenet_v2(weights=None), torch.randn(2, 3, 64, 64))


@pytest.mark.parametrize("width_mult", [0.35, 0.75, 1.4])
def test_mobilenet_v2_width_multipliers_match_torchvision(width_mult) -> None:
    with torch.device("meta"):
        theirs = torchvision.models.mobilenet_v2(weights=None, width_mult=width_mult)
        ours = mobilenet_v2(width_mult=width_mult)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert count_parameters(ours) == count_parameters(theirs)


@pytest.mark.parametrize(
    ("inp", "oup", "stride", "t"), [(16, 16, 1, 6), (16, 24, 2, 6), (32, 16, 1, 1)]
)
def test_inverted_residual_matches_torchvision(inp, oup, stride, t) -> None:
    from torchvision.models.mobilenetv2 import InvertedResidual as TVInvertedResidual

    torch.manual_seed(0)
    ours, theirs = InvertedResidual(inp, oup, stride, t), TVInvertedResidual(inp, oup, stride, t)
    assert ours.use_res_connect == (stride == 1 and inp == oup)
    _same_network(ours, theirs, torch.randn(2, inp, 9, 9))
    # training mode too (normalized with the batch statistics)
    ours.train(), theirs.train()
    x = torch.randn(4, inp, 9, 9)
    torch.testing.assert_close(ours(x), theirs(x))


def test_inverted_residual_projection_is_linear() -> None:
    block = InvertedResidual(8, 8, 1, 6)
    assert isinstance(block.conv[-1], nn.BatchNorm2d)  # no activation after the projection
    assert isinstance(block.conv[0][2], nn.ReLU6)
    with pytest.raises(ValueError, match="stride must be 1 or 2"):
        InvertedResidual(8, 8, 3, 6)


def test_mobilenet_v1_parameters_and_shapes() -> None:
    with torch.device("meta"):
        net = mobilenet_v1()
        out = net(torch.zeros(1, 3, 224, 224))
    assert out.shape == (1, 1000)
    # 13 depthwise separable blocks: each conv without bias, BN with 2 parameters per channel
    channels = [32, 64, 128, 128, 256, 256, 512, 512, 512, 512, 512, 512, 1024, 1024]
    expected = conv_cost(3, 32, 3, 1, 1, bias=False)[0] + 2 * 32
    for c_in, c_out in itertools.pairwise(channels):
        expected += conv_cost(c_in, c_in, 3, 1, 1, groups=c_in, bias=False)[0] + 2 * c_in
        expected += conv_cost(c_in, c_out, 1, 1, 1, bias=False)[0] + 2 * c_out
    expected += 1024 * 1000 + 1000
    assert count_parameters(net) == expected


def test_make_divisible_matches_torchvision() -> None:
    from torchvision.models._utils import _make_divisible

    for v in [3.5, 8, 12, 16 * 0.35, 24 * 0.75, 100, 1280 * 1.4, 33.3]:
        assert make_divisible(v) == _make_divisible(v, 8)


# ---------------------------------------------------------------- ShuffleNet v2
def test_shufflenet_v2_matches_torchvision() -> None:
    torch.manual_seed(0)
    ours = shufflenet_v2_x1_0()
    assert count_parameters(ours) == 2_278_604
    _same_network(
        ours, torchvision.models.shufflenet_v2_x1_0(weights=None), torch.randn(2, 3, 64, 64)
    )


@pytest.mark.parametrize(("inp", "oup", "stride"), [(24, 116, 2), (116, 116, 1)])
def test_shufflenet_v2_block_matches_torchvision(inp, oup, stride) -> None:
    from torchvision.models.shufflenetv2 import InvertedResidual as TVBlock

    torch.manual_seed(0)
    _same_network(
        ShuffleV2Block(inp, oup, stride), TVBlock(inp, oup, stride), torch.randn(2, inp, 8, 8)
    )


def test_shufflenet_v2_block_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="inp == oup for stride 1"):
        ShuffleV2Block(24, 116, 1)
    with pytest.raises(ValueError, match="stride must be 1 or 2"):
        ShuffleV2Block(24, 24, 3)


# ---------------------------------------------------------------- guidelines, others
def test_memory_access_cost_is_smallest_for_equal_widths() -> None:
    h = w = 28
    flops = 128 * 128
    macs = {}
    for c1 in [16, 32, 64, 128, 256, 512, 1024]:
        c2 = flops // c1
        b, mac = memory_access_cost(h, w, c1, c2)
        assert b == h * w * flops
        assert mac >= 2 * (h * w * b) ** 0.5 + b / (h * w) - 1e-6  # the AM-GM lower bound
        macs[c1] = mac
    assert min(macs, key=macs.get) == 128


def test_memory_access_cost_grows_with_groups_at_fixed_flops() -> None:
    rows = [
        memory_access_cost(56, 56, c, c, groups=g)
        for g, c in [(1, 128), (2, 180), (4, 256), (8, 360)]
    ]
    flops = [b for b, _ in rows]
    assert max(flops) / min(flops) < 1.03  # roughly the same FLOPs (Ma et al.'s Table 2)
    macs = [mac for _, mac in rows]
    assert macs == sorted(macs)
    with pytest.raises(ValueError, match="divisible by groups"):
        memory_access_cost(4, 4, 6, 8, groups=4)


def test_fire_matches_torchvision() -> None:
    from torchvision.models.squeezenet import Fire as TVFire

    torch.manual_seed(0)
    ours, theirs = Fire(96, 16, 64, 64), TVFire(96, 16, 64, 64)
    ours.load_state_dict(theirs.state_dict())
    x = torch.randn(2, 96, 9, 9)
    torch.testing.assert_close(ours(x), theirs(x))
    assert (
        count_parameters(ours)
        == conv_cost(96, 16, 1, 1, 1)[0]
        + conv_cost(16, 64, 1, 1, 1)[0]
        + conv_cost(16, 64, 3, 1, 1)[0]
    )


def test_compound_scaling_doubles_flops_per_step() -> None:
    d, w, r = compound_scaling(1)
    assert d * w**2 * r**2 == pytest.approx(1.92, abs=0.01)  # "about 2" in the paper
    d3, w3, r3 = compound_scaling(3)
    assert (d3, w3, r3) == pytest.approx((d**3, w**3, r**3))
    with pytest.raises(ValueError, match="phi must be >= 0"):
        compound_scaling(-1)


def test_ghost_module_shapes_and_saving() -> None:
    ghost = GhostModule(64, 128)
    assert ghost(torch.zeros(1, 64, 7, 7)).shape == (1, 128, 7, 7)
    plain = count_parameters(nn.Conv2d(64, 128, 1, bias=False)) + 2 * 128
    assert count_parameters(ghost) < 0.6 * plain
    assert GhostModule(16, 15, ratio=3)(torch.zeros(1, 16, 5, 5)).shape[1] == 15
