"""NiN and GoogLeNet (dlnotes.modern_cnn.nin, .googlenet): shapes, parameter counts by hand,
1x1 convolutions as per-pixel MLPs, and the torchvision GoogLeNet reproduced exactly."""

from __future__ import annotations

import itertools

import pytest
import torch
import torchvision
from torch import nn
from torchvision.models.googlenet import Inception as TorchvisionInception

from dlnotes.cnn.summary import count_parameters, summarize
from dlnotes.modern_cnn.googlenet import (
    Inception,
    factorized_conv,
    googlenet,
    load_state_by_position,
    receptive_field,
)
from dlnotes.modern_cnn.nin import check_images, nin, nin_block


def _randomize_batchnorm(net: nn.Module) -> None:
    """Non-trivial running statistics and affine parameters, so that BN is not a no-op."""
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 2.0)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.5, 0.5)


def _nin_block_params(c_in: int, c: int, k: int) -> int:
    return c_in * c * k * k + c + 2 * (c * c + c)  # k x k conv, then two 1x1 convs


# ---------------------------------------------------------------- NiN


@pytest.mark.parametrize(("c_in", "c", "k", "s", "p"), [(1, 96, 11, 4, 0), (3, 8, 3, 1, 1)])
def test_nin_block_parameters_by_hand(c_in, c, k, s, p) -> None:
    assert count_parameters(nin_block(c_in, c, k, s, p)) == _nin_block_params(c_in, c, k)


def test_nin_shapes_and_parameters_at_224() -> None:
    net = nin(num_classes=10, in_channels=1)
    rows = summarize(net, torch.zeros(1, 1, 224, 224))
    shapes = [r.output_shape for r in rows]
    assert shapes == [
        (1, 96, 54, 54),
        (1, 96, 26, 26),
        (1, 256, 26, 26),
        (1, 256, 12, 12),
        (1, 384, 12, 12),
        (1, 384, 5, 5),
        (1, 384, 5, 5),
        (1, 10, 5, 5),
        (1, 10, 1, 1),
        (1, 10),
    ]
    by_hand = (
        _nin_block_params(1, 96, 11)
        + _nin_block_params(96, 256, 5)
        + _nin_block_params(256, 384, 3)
        + _nin_block_params(384, 10, 3)
    )
    assert count_parameters(net) == by_hand == 1_992_166
    rgb = nin(num_classes=1000, in_channels=3)
    assert rgb(torch.zeros(1, 3, 67, 67)).shape == (1, 1000)


def test_nin_smallest_input_is_67() -> None:
    net = nin()
    net(torch.zeros(1, 1, 67, 67))
    with pytest.raises(RuntimeError):
        net(torch.zeros(1, 1, 66, 66))


def test_one_by_one_convolutions_are_a_per_pixel_mlp() -> None:
    torch.manual_seed(0)
    blk = nin_block(3, 8, kernel_size=3, strides=1, padding=1)
    X = torch.randn(2, 3, 6, 5)
    H = torch.relu(blk[0](X))  # (2, 8, 6, 5)
    mlp = nn.Sequential(nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 8), nn.ReLU())
    with torch.no_grad():
        for lin, conv in [(mlp[0], blk[2]), (mlp[2], blk[4])]:
            lin.weight.copy_(conv.weight[:, :, 0, 0])
            lin.bias.copy_(conv.bias)
    expected = torch.empty(2, 8, 6, 5)
    for i in range(6):
        for j in range(5):
            expected[:, :, i, j] = mlp(H[:, :, i, j])  # the same MLP at every pixel
    torch.testing.assert_close(blk(X), expected)
    assert (blk(X) != 0).any()  # not trivially all zero after the ReLUs


def test_global_average_pooling_is_the_mean_of_each_channel() -> None:
    torch.manual_seed(1)
    net = nin().eval()
    X = torch.randn(2, 1, 80, 80)
    features = net[:8](X)  # (2, 10, h, w), before the pooling
    torch.testing.assert_close(net(X), features.mean(dim=(2, 3)))


def test_nin_bad_input() -> None:
    net = nin(in_channels=1)
    with pytest.raises(ValueError, match=r"must have 1 channel\(s\).*got shape \(2, 3, 96, 96\)"):
        net(torch.zeros(2, 3, 96, 96))
    with pytest.raises(ValueError, match="batch of images"):
        net(torch.zeros(1, 96, 96))
    with pytest.raises(TypeError, match="floating-point"):
        net(torch.zeros(1, 1, 96, 96, dtype=torch.long))
    with pytest.raises(TypeError, match=r"torch\.Tensor"):
        check_images([[1.0]], 1)
    with pytest.raises(ValueError, match="in_channels must be >= 1"):
        nin(in_channels=0)
    with pytest.raises(TypeError, match="num_classes must be an int"):
        nin(num_classes=2.5)


# ---------------------------------------------------------------- Inception / GoogLeNet


@pytest.mark.parametrize(
    ("c_in", "c1", "c2", "c3", "c4"),
    [(192, 64, (96, 128), (16, 32), 32), (7, 3, (2, 5), (1, 4), 6), (4, 1, (1, 1), (1, 1), 1)],
)
@pytest.mark.parametrize("batch_norm", [False, True])
def test_inception_output_channels_and_size(c_in, c1, c2, c3, c4, batch_norm) -> None:
    blk = Inception(c_in, c1, c2, c3, c4, batch_norm=batch_norm)
    Y = blk(torch.randn(2, c_in, 9, 7))
    assert Y.shape == (2, c1 + c2[1] + c3[1] + c4, 9, 7) and blk.out_channels == Y.shape[1]
    # parameters by hand: weights of the six convolutions (+ a bias, or BN's 2 per channel)
    weights = c_in * c1 + c_in * c2[0] + 9 * c2[0] * c2[1] + c_in * c3[0]
    weights += 25 * c3[0] * c3[1] + c_in * c4
    channels = c1 + sum(c2) + sum(c3) + c4
    assert count_parameters(blk) == weights + (2 if batch_norm else 1) * channels


def test_inception_paths_are_concatenated_in_order() -> None:
    torch.manual_seed(2)
    blk = Inception(5, 2, (3, 4), (2, 3), 1)
    X = torch.randn(1, 5, 6, 6)
    Y = blk(X)
    parts = [blk.b1(X), blk.b2(X), blk.b3(X), blk.b4(X)]
    torch.testing.assert_close(Y, torch.cat(parts, dim=1))
    torch.testing.assert_close(Y[:, 2:6], blk.b2(X))


def test_inception_matches_torchvision_block_with_copied_weights() -> None:
    torch.manual_seed(3)
    theirs = TorchvisionInception(32, 8, 12, 16, 4, 8, 8)
    _randomize_batchnorm(theirs)
    ours = Inception(32, 8, (12, 16), (4, 8), 8, batch_norm=True, branch3_kernel=3)
    assert count_parameters(ours) == count_parameters(theirs)
    load_state_by_position(ours, theirs)
    X = torch.randn(2, 32, 10, 10)
    ours.eval(), theirs.eval()
    torch.testing.assert_close(ours(X), theirs(X))


def test_googlenet_d2l_shapes_and_parameters() -> None:
    net = googlenet(num_classes=10, in_channels=1)
    rows = summarize(net, torch.zeros(1, 1, 224, 224))
    assert [r.output_shape for r in rows] == [
        (1, 64, 56, 56),
        (1, 192, 28, 28),
        (1, 480, 14, 14),
        (1, 832, 7, 7),
        (1, 1024),
        (1, 10),
    ]
    assert count_parameters(net) == 5_977_530
    inceptions = [m for m in net.modules() if isinstance(m, Inception)]
    assert len(inceptions) == 9
    assert [m.out_channels for m in inceptions] == [256, 480, 512, 512, 512, 528, 832, 832, 1024]
    for a, b in itertools.pairwise(inceptions):
        assert b.in_channels == a.out_channels  # pooling keeps the channels


def test_googlenet_torchvision_layout_parameter_count_exactly() -> None:
    with torch.device("meta"):
        theirs = torchvision.models.googlenet(weights=None, aux_logits=False, init_weights=True)
        ours = googlenet(num_classes=1000, in_channels=3, layout="torchvision")
        d2l = googlenet(num_classes=1000, in_channels=3)
    assert count_parameters(ours) == count_parameters(theirs) == 6_624_904
    # the gap to D2L's layout, explained: the 5x5 -> 3x3 in path 3 saves 16 weights per
    # (in, out) channel pair; BatchNorm (2 per channel) replaces the bias (1 per channel)
    saved = sum(16 * m.b3[1][0].in_channels * m.b3[1][0].out_channels for m in ours.modules()
                if isinstance(m, Inception))  # fmt: skip
    conv_channels = sum(m.out_channels for m in ours.modules() if isinstance(m, nn.Conv2d))
    assert count_parameters(d2l) - saved + conv_channels == count_parameters(theirs)
    # block by block
    tv_blocks = [m for m in theirs.modules() if isinstance(m, TorchvisionInception)]
    our_blocks = [m for m in ours.modules() if isinstance(m, Inception)]
    assert [count_parameters(m) for m in our_blocks] == [count_parameters(m) for m in tv_blocks]


@pytest.mark.parametrize("size", [224, 65])
def test_googlenet_torchvision_layout_computes_the_same_function(size) -> None:
    torch.manual_seed(4)
    theirs = torchvision.models.googlenet(weights=None, aux_logits=False, init_weights=False)
    _randomize_batchnorm(theirs)
    ours = googlenet(num_classes=1000, in_channels=3, layout="torchvision")
    load_state_by_position(ours, theirs)
    ours.eval(), theirs.eval()
    X = torch.randn(1, 3, size, size)
    with torch.no_grad():
        expected = theirs(X)
        torch.testing.assert_close(ours(X), expected, rtol=1e-5, atol=1e-5 * expected.abs().max())
    assert expected.abs().max() > 1e-3


def _stage_sizes(net: nn.Module, stages: list[nn.Module], size: int) -> list[int]:
    sizes: list[int] = []
    handles = [m.register_forward_hook(lambda m, i, o: sizes.append(o.shape[-1])) for m in stages]
    with torch.no_grad():
        net.eval()(torch.zeros(1, 3, size, size))
    for h in handles:
        h.remove()
    return sizes


@pytest.mark.parametrize(
    ("size", "d2l_sizes", "tv_sizes"), [(224, [56, 28, 14, 7], [56, 28, 14, 7]),
                                        (65, [17, 9, 5, 3], [16, 8, 4, 2])]
)  # fmt: skip
def test_pooling_differs_from_d2l_only_at_odd_sizes(size, d2l_sizes, tv_sizes) -> None:
    with torch.device("meta"):
        theirs = torchvision.models.googlenet(weights=None, aux_logits=False, init_weights=False)
        ours, d2l = googlenet(1000, 3, layout="torchvision"), googlenet(1000, 3)
    tv_pools = [theirs.maxpool1, theirs.maxpool2, theirs.maxpool3, theirs.maxpool4]
    assert _stage_sizes(theirs.to_empty(device="cpu"), tv_pools, size) == tv_sizes
    assert _stage_sizes(ours.to_empty(device="cpu"), list(ours[:4]), size) == tv_sizes
    assert _stage_sizes(d2l.to_empty(device="cpu"), list(d2l[:4]), size) == d2l_sizes


def test_googlenet_bad_input() -> None:
    net = googlenet(in_channels=1)
    with pytest.raises(ValueError, match=r"must have 1 channel\(s\).*got shape \(1, 3, 96, 96\)"):
        net(torch.zeros(1, 3, 96, 96))
    with pytest.raises(ValueError, match=r"must have 192 channel\(s\)"):
        Inception(192, 64, (96, 128), (16, 32), 32)(torch.zeros(1, 190, 28, 28))
    with pytest.raises(ValueError, match="layout must be"):
        googlenet(layout="paper")
    with pytest.raises(ValueError, match="c2 must be a pair"):
        Inception(8, 4, 5, (2, 3), 4)
    with pytest.raises(ValueError, match=r"c3\[1\] must be >= 1"):
        Inception(8, 4, (2, 3), (2, 0), 4)
    with pytest.raises(ValueError, match="branch3_kernel must be 3 or 5"):
        Inception(8, 4, (2, 3), (2, 3), 4, branch3_kernel=7)
    with pytest.raises(ValueError, match="shape mismatch"):
        load_state_by_position(googlenet(10, 3), googlenet(1000, 3))
    with pytest.raises(ValueError, match="state entries"):
        load_state_by_position(googlenet(10, 3), googlenet(10, 3, layout="torchvision"))


# ---------------------------------------------------------------- factorizations


@pytest.mark.parametrize("n", [3, 5, 7])
def test_factorized_parameter_counts(n) -> None:
    c = 6
    counts = {how: count_parameters(factorized_conv(c, n, how)) for how in ("full", "3x3")}
    counts["asymmetric"] = count_parameters(factorized_conv(c, n, "asymmetric"))
    assert counts["full"] == n * n * c * c + c
    assert counts["3x3"] == (n // 2) * (9 * c * c + c)
    assert counts["asymmetric"] == 2 * (n * c * c + c)


@pytest.mark.parametrize("how", ["full", "3x3", "asymmetric"])
@pytest.mark.parametrize("n", [3, 5, 7])
def test_factorized_blocks_have_the_claimed_receptive_field(how, n) -> None:
    torch.manual_seed(5)
    block = factorized_conv(3, n, how)
    size = 15
    rf = receptive_field(block, channels=3, size=size) > 0
    lo, hi = size // 2 - n // 2, size // 2 + n // 2 + 1
    expected = torch.zeros(size, size, dtype=torch.bool)
    expected[lo:hi, lo:hi] = True
    assert torch.equal(rf, expected)
    # and it preserves the spatial size (same padding)
    assert block(torch.randn(1, 3, 9, 8)).shape == (1, 3, 9, 8)


def test_receptive_field_does_not_touch_the_network_and_rejects_pooling() -> None:
    conv = nn.Conv2d(2, 2, 3, padding=1)
    before = conv.weight.clone()
    receptive_field(conv, channels=2)
    assert torch.equal(conv.weight, before) and conv.weight.grad is None
    with pytest.raises(ValueError, match="not pooling"):
        receptive_field(nn.Sequential(conv, nn.MaxPool2d(2)), channels=2)
    with pytest.raises(ValueError, match="odd"):
        factorized_conv(4, 4)
    with pytest.raises(ValueError, match="how must be"):
        factorized_conv(4, 5, "diagonal")
