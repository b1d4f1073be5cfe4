"""AlexNet and VGG (dlnotes.modern_cnn.alexnet, .vgg): shapes, parameter counts by hand,
exact agreement with torchvision's models (structure, counts, outputs with shared weights),
the input-size checks, and the composition of stacked 3x3 convolutions."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torchvision import models as tvm

from dlnotes.cnn.summary import count_parameters, summarize
from dlnotes.modern_cnn.alexnet import (
    ImageNetClassifier,
    alexnet,
    feature_map_size,
    input_size_range,
)
from dlnotes.modern_cnn.googlenet import load_state_by_position
from dlnotes.modern_cnn.vgg import VGG_ARCHS, check_conv_arch, compose_convs, vgg, vgg_block

META_224 = torch.zeros(1, 3, 224, 224, device="meta")


def _conv(c_in: int, c_out: int, k: int) -> int:
    return c_in * c_out * k * k + c_out


def _fc(d: int, q: int) -> int:
    return d * q + q


def _random_state(net: nn.Module, seed: int) -> None:
    """Fill a module built with to_empty: random weights, sensible BatchNorm statistics."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in net.parameters():
            p.normal_(0.0, 0.02, generator=g)
        for m in net.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.copy_(torch.rand(m.num_features, generator=g) - 0.5)
                m.running_var.copy_(torch.rand(m.num_features, generator=g) + 0.5)
                m.num_batches_tracked.zero_()


# ---------------------------------------------------------------- AlexNet


def test_d2l_alexnet_shapes_and_parameters_by_hand() -> None:
    with torch.device("meta"):
        net = alexnet(num_classes=10, in_channels=1)
    rows = summarize(net, torch.zeros(1, 1, 224, 224, device="meta"))
    shapes = [r.output_shape for r in rows if r.kind in ("Conv2d", "MaxPool2d", "Flatten")]
    assert shapes == [
        (1, 96, 54, 54),
        (1, 96, 26, 26),
        (1, 256, 26, 26),
        (1, 256, 12, 12),
        (1, 384, 12, 12),
        (1, 384, 12, 12),
        (1, 256, 12, 12),
        (1, 256, 5, 5),
        (1, 6400),
    ]
    body = _conv(96, 256, 5) + _conv(256, 384, 3) + _conv(384, 384, 3) + _conv(384, 256, 3)
    head = _fc(6400, 4096) + _fc(4096, 4096)
    assert count_parameters(net) == _conv(1, 96, 11) + body + head + _fc(4096, 10) == 46_764_746
    with torch.device("meta"):
        rgb = alexnet()  # 3 channels, 1000 classes
    assert count_parameters(rgb) == _conv(3, 96, 11) + body + head + _fc(4096, 1000) == 50_844_008


def test_torchvision_variant_is_torchvisions_alexnet_on_meta() -> None:
    with torch.device("meta"):
        ours, theirs = alexnet(variant="torchvision"), tvm.alexnet(weights=None)
    assert count_parameters(ours) == count_parameters(theirs) == 61_100_840
    assert count_parameters(ours) == tvm.AlexNet_Weights.IMAGENET1K_V1.meta["num_params"]
    assert summarize(ours, META_224, depth=2) == summarize(theirs, META_224, depth=2)
    assert str(ours.features) == str(theirs.features)
    assert str(ours.avgpool) == str(theirs.avgpool)
    assert str(ours.classifier) == str(theirs.classifier)
    assert list(ours.state_dict()) == list(theirs.state_dict())


def test_torchvision_variant_computes_the_same_function() -> None:
    torch.manual_seed(0)
    theirs = tvm.alexnet(weights=None, num_classes=7).eval()
    ours = alexnet(num_classes=7, variant="torchvision").eval()
    ours.load_state_dict(theirs.state_dict())  # strict: the same names and shapes
    X = torch.randn(2, 3, 96, 80)  # not square, above the 63-pixel minimum
    with torch.no_grad():
        torch.testing.assert_close(ours(X), theirs(X), rtol=0, atol=0)
        assert ours(X).abs().sum() > 0


def test_torchvision_variant_in_channels_and_dropout() -> None:
    with torch.device("meta"):
        grey = alexnet(num_classes=10, in_channels=1, variant="torchvision")
        net = alexnet(dropout=0.3, variant="torchvision")
    assert grey.features[0].in_channels == 1
    assert count_parameters(grey) == 61_100_840 - 2 * 64 * 11 * 11 - 990 * 4097
    drops = [m.p for m in net.modules() if isinstance(m, nn.Dropout)]
    assert drops == [0.3, 0.3]


@pytest.mark.parametrize("variant", ["d2l", "torchvision"])
def test_size_check_agrees_with_the_layers(variant: str) -> None:
    """Our ValueError is raised exactly for the sizes where the unchecked layers fail."""
    with torch.device("meta"):
        net = alexnet(variant=variant)
    if variant == "d2l":
        plain = nn.Sequential(*net)  # D2L's network without the check
        assert net.sizes == (193, 224)
    else:
        plain = tvm.alexnet(weights=None).to("meta")
        assert net.sizes == (63, None)
        assert tvm.AlexNet_Weights.IMAGENET1K_V1.meta["min_size"] == (63, 63)
    for n in [32, 62, 63, 100, 192, 193, 200, 224, 225, 227, 240]:
        X = torch.zeros(1, 3, n, n, device="meta")
        try:
            plain(X)
            plain_ok = True
        except RuntimeError:
            plain_ok = False
        lo, hi = net.sizes
        ours_ok = n >= lo and (hi is None or n <= hi)
        assert ours_ok == plain_ok, n
        if ours_ok:
            assert net(X).shape == (1, 1000)
        else:
            with pytest.raises(ValueError, match=f"got {n}x{n}"):
                net(X)


def test_too_small_input_gives_a_clear_error() -> None:
    with torch.device("meta"):
        net = alexnet()
    with pytest.raises(ValueError, match=r"193x193 to 224x224 pixels.*got 32x32"):
        net(torch.zeros(1, 3, 32, 32, device="meta"))
    with torch.device("meta"):
        tv_layout = alexnet(variant="torchvision")
    with pytest.raises(ValueError, match=r"at least 63x63 pixels.*got 62x100"):
        tv_layout(torch.zeros(1, 3, 62, 100, device="meta"))


def test_alexnet_bad_arguments_and_inputs() -> None:
    with pytest.raises(ValueError, match="variant must be one of"):
        alexnet(variant="original")
    with pytest.raises(ValueError, match="num_classes must be >= 2"):
        alexnet(num_classes=1)
    with pytest.raises(TypeError, match="in_channels must be an int"):
        alexnet(in_channels=3.0)
    with pytest.raises(ValueError, match=r"dropout must be in \[0, 1\)"):
        alexnet(dropout=1.0)
    with torch.device("meta"):
        net = alexnet(in_channels=1)
    with pytest.raises(ValueError, match=r"must have 1 channel\(s\)"):
        net(torch.zeros(1, 3, 224, 224, device="meta"))
    with pytest.raises(TypeError, match="floating-point"):
        net(torch.zeros(1, 1, 224, 224, dtype=torch.long, device="meta"))
    with pytest.raises(ValueError, match="batch of images"):
        net(torch.zeros(1, 224, 224, device="meta"))
    assert net[:3](torch.zeros(1, 1, 32, 32)).shape == (1, 96, 2, 2)  # a slice checks nothing


def test_feature_map_size_matches_pytorch() -> None:
    layers = nn.Sequential(
        nn.Conv2d(1, 2, 5, stride=2, padding=1),
        nn.MaxPool2d(3, stride=2, padding=1),
        nn.Sequential(nn.Conv2d(2, 2, 3, dilation=2, padding="same"), nn.AvgPool2d(2)),
        nn.Conv2d(2, 2, 3, padding="valid"),
    )
    works = []
    for n in range(1, 60):
        try:
            expected = layers(torch.zeros(1, 1, n, n, device="meta")).shape[-1]
        except RuntimeError:  # a window does not fit any more
            expected = 0
        assert feature_map_size(layers, n) == expected, n
        if expected:
            works.append(n)
    assert input_size_range(layers) == (works[0], None)
    assert works == list(range(works[0], 60))  # every larger size works too
    with pytest.raises(ValueError, match="ceil_mode"):
        feature_map_size(nn.MaxPool2d(3, 2, ceil_mode=True), 10)
    with pytest.raises(ValueError, match="square"):
        feature_map_size(nn.Conv2d(1, 1, (3, 5)), 10)
    with pytest.raises(TypeError, match=r"nn\.Module"):
        feature_map_size("conv", 10)
    with pytest.raises(ValueError, match="no input size"):
        input_size_range(nn.Conv2d(1, 1, 3), final_size=5000, limit=100)


def test_image_net_classifier_checks_its_parts() -> None:
    with pytest.raises(TypeError, match=r"features must be an nn\.Module"):
        ImageNetClassifier([nn.ReLU()], nn.Identity(), nn.Identity(), in_channels=1)
    with pytest.raises(ValueError, match="in_channels must be >= 1"):
        ImageNetClassifier(nn.ReLU(), nn.Identity(), nn.Identity(), in_channels=0)
    with pytest.raises(TypeError, match=r"classifier must be an nn\.Module"):
        ImageNetClassifier(nn.ReLU(), nn.Identity(), "fc", in_channels=1)


# ---------------------------------------------------------------- VGG


@pytest.mark.parametrize(
    ("name", "batch_norm"),
    [("vgg11", False), ("vgg13", False), ("vgg16", False), ("vgg19", False), ("vgg11", True),
     ("vgg16", True)],
)  # fmt: skip
def test_vgg_matches_torchvision_exactly(name: str, batch_norm: bool) -> None:
    builder = getattr(tvm, name + ("_bn" if batch_norm else ""))
    with torch.device("meta"):
        ours, theirs = vgg(VGG_ARCHS[name], batch_norm=batch_norm), builder(weights=None)
    assert count_parameters(ours) == count_parameters(theirs)
    weights = getattr(tvm, f"{name.upper()}{'_BN' if batch_norm else ''}_Weights")
    assert count_parameters(ours) == weights.IMAGENET1K_V1.meta["num_params"]
    # every leaf layer, in order: the same type, output shape and parameters
    leaves_ours = [(r.kind, r.output_shape, r.params) for r in summarize(ours, META_224, depth=3)]
    leaves_theirs = [
        (r.kind, r.output_shape, r.params) for r in summarize(theirs, META_224, depth=2)
    ]
    assert leaves_ours == leaves_theirs
    assert ours.sizes == (32, None) and weights.IMAGENET1K_V1.meta["min_size"] == (32, 32)


def test_vgg_parameters_by_hand() -> None:
    with torch.device("meta"):
        net = vgg(VGG_ARCHS["vgg16"])
    convs = [(3, 64), (64, 64), (64, 128), (128, 128), (128, 256), (256, 256), (256, 256)]
    convs += [(256, 512)] + [(512, 512)] * 5
    by_hand = sum(_conv(a, b, 3) for a, b in convs)
    by_hand += _fc(512 * 7 * 7, 4096) + _fc(4096, 4096) + _fc(4096, 1000)
    assert count_parameters(net) == by_hand == 138_357_544


@pytest.mark.parametrize("batch_norm", [False, True])
def test_vgg11_computes_torchvisions_function(batch_norm: bool) -> None:
    builder = tvm.vgg11_bn if batch_norm else tvm.vgg11
    with torch.device("meta"):  # then to_empty: no slow initialization of 133 M weights
        theirs, ours = builder(weights=None), vgg(VGG_ARCHS["vgg11"], batch_norm=batch_norm)
    theirs, ours = theirs.to_empty(device="cpu"), ours.to_empty(device="cpu")
    _random_state(theirs, seed=1)
    load_state_by_position(ours, theirs)  # the same tensors in the same order, other names
    theirs.eval()
    ours.eval()
    X = torch.randn(2, 3, 40, 48, generator=torch.Generator().manual_seed(2))
    with torch.no_grad():
        expected = theirs(X)
        torch.testing.assert_close(ours(X), expected)
    assert expected.abs().sum() > 0


def test_d2l_small_vgg() -> None:
    small = tuple((n, c // 4) for n, c in VGG_ARCHS["vgg11"])  # D2L: ratio = 4
    assert small == ((1, 16), (1, 32), (2, 64), (2, 128), (2, 128))
    with torch.device("meta"):
        net = vgg(small, num_classes=10, in_channels=1)
    rows = summarize(net, torch.zeros(1, 1, 224, 224, device="meta"), depth=2)
    assert [r.output_shape for r in rows[:6]] == [
        (1, 16, 112, 112),
        (1, 32, 56, 56),
        (1, 64, 28, 28),
        (1, 128, 14, 14),
        (1, 128, 7, 7),
        (1, 128, 7, 7),  # the adaptive pooling leaves 7x7 as it is
    ]
    convs = _conv(1, 16, 3) + _conv(16, 32, 3) + _conv(32, 64, 3) + _conv(64, 64, 3)
    convs += _conv(64, 128, 3) + 3 * _conv(128, 128, 3)
    head = _fc(128 * 49, 4096) + _fc(4096, 4096) + _fc(4096, 10)
    assert count_parameters(net) == convs + head == 43_093_322


def test_vgg_block() -> None:
    blk = vgg_block(3, 4, 8)
    assert [type(m).__name__ for m in blk] == ["Conv2d", "ReLU"] * 3 + ["MaxPool2d"]
    assert blk(torch.zeros(2, 4, 10, 6)).shape == (2, 8, 5, 3)
    assert count_parameters(blk) == _conv(4, 8, 3) + 2 * _conv(8, 8, 3)
    bn = vgg_block(2, 4, 8, batch_norm=True)
    assert [type(m).__name__ for m in bn] == ["Conv2d", "BatchNorm2d", "ReLU"] * 2 + ["MaxPool2d"]
    with pytest.raises(ValueError, match="num_convs must be >= 1"):
        vgg_block(0, 4, 8)
    with pytest.raises(TypeError, match="out_channels must be an int"):
        vgg_block(1, 4, 8.0)
    with pytest.raises(TypeError, match="batch_norm must be a bool"):
        vgg_block(1, 4, 8, batch_norm="yes")


def test_vgg_input_size_and_bad_arguments() -> None:
    with torch.device("meta"):
        net = vgg(VGG_ARCHS["vgg11"])
        three_blocks = vgg(((1, 8), (1, 8), (1, 8)), num_classes=2, in_channels=1)
    assert net(torch.zeros(1, 3, 32, 32, device="meta")).shape == (1, 1000)
    with pytest.raises(ValueError, match=r"VGG-11 needs images of at least 32x32.*got 31x31"):
        net(torch.zeros(1, 3, 31, 31, device="meta"))
    assert three_blocks.sizes == (8, None)
    with pytest.raises(ValueError, match="at least one block"):
        vgg([])
    with pytest.raises(ValueError, match=r"conv_arch\[1\] must be a \(num_convs, out_channels\)"):
        vgg([(1, 64), (1, 2, 3)])
    with pytest.raises(ValueError, match=r"conv_arch\[0\] num_convs must be >= 1"):
        vgg([(0, 64)])
    with pytest.raises(TypeError, match=r"conv_arch\[0\] out_channels must be an int"):
        check_conv_arch([(1, 64.0)])
    with pytest.raises(TypeError, match="sequence of"):
        vgg("vgg11")
    with pytest.raises(ValueError, match=r"dropout must be in \[0, 1\)"):
        vgg(VGG_ARCHS["vgg11"], dropout=-0.1)


# ---------------------------------------------------------------- two 3x3 vs one 5x5


@pytest.mark.parametrize(("k1", "k2", "bias"), [(3, 3, True), (3, 3, False), (1, 5, True)])
def test_compose_convs_equals_the_stack(k1: int, k2: int, bias: bool) -> None:
    torch.manual_seed(3)
    first, second = nn.Conv2d(3, 4, k1, bias=bias), nn.Conv2d(4, 2, k2, bias=bias)
    merged = compose_convs(first, second)
    assert merged.kernel_size == (k1 + k2 - 1, k1 + k2 - 1)
    assert (merged.bias is not None) == bias
    X = torch.randn(2, 3, 11, 9)
    torch.testing.assert_close(merged(X), second(first(X)), atol=1e-5, rtol=1e-5)


def test_two_3x3_convolutions_see_a_5x5_window() -> None:
    stack = nn.Sequential(nn.Conv2d(1, 1, 3), nn.ReLU(), nn.Conv2d(1, 1, 3))
    with torch.no_grad():
        for conv in (stack[0], stack[2]):
            conv.weight.fill_(1.0)
            conv.bias.zero_()
    X = torch.ones(1, 1, 9, 9, requires_grad=True)
    stack(X)[0, 0, 2, 2].backward()  # the output pixel whose window starts at (2, 2)
    inside = torch.zeros(9, 9, dtype=torch.bool)
    inside[2:7, 2:7] = True
    assert torch.equal(X.grad[0, 0] != 0, inside)


def test_compose_convs_bad_inputs() -> None:
    with pytest.raises(TypeError, match=r"nn\.Conv2d"):
        compose_convs(nn.Linear(2, 2), nn.Conv2d(2, 2, 3))
    with pytest.raises(ValueError, match="stride 1 and no padding"):
        compose_convs(nn.Conv2d(2, 2, 3, padding=1), nn.Conv2d(2, 2, 3))
    with pytest.raises(ValueError, match="dilation 1 and groups 1"):
        compose_convs(nn.Conv2d(2, 2, 3), nn.Conv2d(2, 2, 3, groups=2))
    with pytest.raises(ValueError, match="read first's 4 channels"):
        compose_convs(nn.Conv2d(2, 4, 3), nn.Conv2d(2, 2, 3))
