"""ResNet (dlnotes.modern_cnn.resnet) against torchvision's ResNets and D2L's behaviour."""

from __future__ import annotations

import pytest
import torch
import torchvision
from torch import nn
from torch.nn import functional as F

from dlnotes.cnn.summary import count_parameters, summarize
from dlnotes.modern_cnn.resnet import (
    Bottleneck,
    PreActResidual,
    Residual,
    load_torchvision_resnet,
    resnet,
    resnet18,
    resnet50,
    resnet_block,
    torchvision_resnet_key,
)


def _d2l_forward(blk: Residual, X: torch.Tensor) -> torch.Tensor:
    """D2L's Residual.forward, written out with the block's own layers."""
    Y = F.relu(blk.bn1(blk.conv1(X)))
    Y = blk.bn2(blk.conv2(Y))
    if blk.conv3 is not None:
        X = blk.conv3(X)
    Y += X
    return F.relu(Y)


@pytest.mark.parametrize(
    ("c_in", "c_out", "use_1x1conv", "strides"),
    [
        (3, 3, False, 1),
        (3, 6, True, 2),
        (4, 4, True, 1),
        (4, 8, True, 1),
    ],
)
def test_residual_is_d2l_block(c_in, c_out, use_1x1conv, strides) -> None:
    torch.manual_seed(0)
    blk = Residual(c_in, c_out, use_1x1conv, strides)
    X = torch.randn(4, c_in, 6, 6)
    torch.testing.assert_close(blk(X), _d2l_forward(blk, X))
    assert blk(X).shape == (4, c_out, 6 // strides, 6 // strides)
    # D2L's layers: every convolution has a bias, the 1x1 shortcut has no BatchNorm
    assert all(m.bias is not None for m in blk.modules() if isinstance(m, nn.Conv2d))
    assert blk.bn3 is None


def test_residual_torchvision_layout_is_basic_block() -> None:
    from torchvision.models.resnet import BasicBlock

    torch.manual_seed(0)
    tv = BasicBlock(
        8,
        16,
        stride=2,
        downsample=nn.Sequential(nn.Conv2d(8, 16, 1, stride=2, bias=False), nn.BatchNorm2d(16)),
    )
    ours = Residual(8, 16, use_1x1conv=True, strides=2, layout="torchvision")
    assert count_parameters(ours) == count_parameters(tv)
    rename = {"downsample.0.": "conv3.", "downsample.1.": "bn3."}
    state = {}
    for k, v in tv.state_dict().items():
        for old, new in rename.items():
            k = k.replace(old, new)
        state[k] = v
    ours.load_state_dict(state)
    X = torch.randn(3, 8, 10, 10)
    for mode in ("train", "eval"):
        getattr(ours, mode)(), getattr(tv, mode)()
        torch.testing.assert_close(ours(X), tv(X))


@pytest.mark.parametrize(("c_in", "c_out", "strides"), [(3, 6, 1), (3, 3, 2), (4, 8, 2)])
def test_identity_shortcut_needs_matching_shapes(c_in, c_out, strides) -> None:
    with pytest.raises(ValueError, match="use_1x1conv=True"):
        Residual(c_in, c_out, strides=strides)
    with pytest.raises(ValueError, match="use_1x1conv=True"):
        PreActResidual(c_in, c_out, strides=strides)
    with pytest.raises(ValueError, match="use_1x1conv=True"):
        Bottleneck(c_in, c_out, strides=strides)  # output has 4 * c_out channels


@pytest.mark.parametrize(
    "bad",
    [
        lambda: Residual(3, 3, strides=0),
        lambda: Residual(3, 0),
        lambda: Residual(3, 3, layout="keras"),
        lambda: resnet18(stem="huge"),
        lambda: resnet((2, 2, 2)),
        lambda: resnet_block(64, 64, 0, first_block=True),
    ],
)
def test_bad_arguments(bad) -> None:
    with pytest.raises(ValueError):
        bad()


def test_bad_input_is_rejected() -> None:
    net = resnet18(num_classes=10, in_channels=1, stem="small", width=8)
    with pytest.raises(ValueError, match="1 channel"):
        net(torch.zeros(2, 3, 8, 8))
    with pytest.raises(ValueError, match=r"\(n, 1, h, w\)"):
        net(torch.zeros(2, 64))
    with pytest.raises(TypeError, match="floating-point"):
        net(torch.zeros(2, 1, 8, 8, dtype=torch.long))
    with pytest.raises(TypeError):
        Residual(3, 3, layout="d2l")([1.0])


def test_resnet18_equals_torchvision() -> None:
    torch.manual_seed(0)
    ours, tv = resnet18(), torchvision.models.resnet18(weights=None)
    assert count_parameters(ours) == count_parameters(tv) == 11_689_512
    X = torch.randn(1, 3, 64, 64)
    ours_rows = {r.name: r.output_shape for r in summarize(ours, X)}
    tv_rows = {r.name: r.output_shape for r in summarize(tv, X)}
    assert ours_rows["stem"] == tv_rows["maxpool"]
    for i in range(1, 5):
        assert ours_rows[f"stage{i}"] == tv_rows[f"layer{i}"]
    assert ours_rows["fc"] == tv_rows["fc"] == (1, 1000)
    load_torchvision_resnet(ours, tv)
    ours.eval(), tv.eval()
    X = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        torch.testing.assert_close(ours(X), tv(X))


def test_resnet50_equals_torchvision() -> None:
    torch.manual_seed(0)
    ours, tv = resnet50(num_classes=7), torchvision.models.resnet50(weights=None, num_classes=7)
    assert count_parameters(ours) == count_parameters(tv)
    load_torchvision_resnet(ours, tv)
    ours.eval(), tv.eval()
    X = torch.randn(1, 3, 32, 32)
    with torch.no_grad():
        torch.testing.assert_close(ours(X), tv(X))


@pytest.mark.parametrize(
    ("name", "blocks", "bottleneck"),
    [
        ("resnet34", (3, 4, 6, 3), False),
        ("resnet50", (3, 4, 6, 3), True),
        ("resnet101", (3, 4, 23, 3), True),
        ("resnet152", (3, 8, 36, 3), True),
    ],
)
def test_parameter_counts_on_meta_device(name, blocks, bottleneck) -> None:
    with torch.device("meta"):
        ours = resnet(blocks, bottleneck=bottleneck)
        tv = getattr(torchvision.models, name)()
    assert count_parameters(ours) == count_parameters(tv)


def test_key_mapping() -> None:
    assert torchvision_resnet_key("conv1.weight") == "stem.0.weight"
    assert torchvision_resnet_key("bn1.running_var") == "stem.1.running_var"
    assert torchvision_resnet_key("layer1.0.conv1.weight") == "stage1.0.conv1.weight"
    assert torchvision_resnet_key("layer3.0.downsample.0.weight") == "stage3.0.conv3.weight"
    key = torchvision_resnet_key("layer3.0.downsample.1.bias", bottleneck=True)
    assert key == "stage3.0.shortcut.1.bias"
    assert torchvision_resnet_key("fc.bias") == "fc.bias"


def test_loading_checks_the_architecture() -> None:
    with pytest.raises(ValueError, match="architectures differ"):
        load_torchvision_resnet(resnet18(), torchvision.models.resnet34())
    with pytest.raises(ValueError, match="shape mismatch"):
        load_torchvision_resnet(resnet18(num_classes=10), torchvision.models.resnet18())
    with pytest.raises(TypeError):
        load_torchvision_resnet(resnet18(), "resnet18")


def test_zero_init_matches_torchvision_and_starts_as_identity() -> None:
    ours = resnet18(zero_init_residual=True)
    tv = torchvision.models.resnet18(zero_init_residual=True)

    def zero_scales(state: dict[str, torch.Tensor]) -> set[str]:
        return {
            k for k, v in state.items() if k.endswith(".weight") and v.dim() == 1 and not v.any()
        }

    theirs = {torchvision_resnet_key(k) for k in zero_scales(tv.state_dict())}
    assert zero_scales(ours.state_dict()) == theirs
    assert len(theirs) == 8  # the second BatchNorm of each of the 8 blocks
    torch.manual_seed(0)
    blk = Residual(4, 4, zero_init_last_bn=True)
    X = torch.randn(2, 4, 5, 5)
    torch.testing.assert_close(blk(X), F.relu(X))  # the residual branch outputs zeros
    bott = Bottleneck(16, 4, zero_init_last_bn=True)
    X = torch.randn(2, 16, 5, 5)
    torch.testing.assert_close(bott(X), F.relu(X))


def test_small_resnet_for_digits_and_d2l_layout() -> None:
    net = resnet18(num_classes=10, in_channels=1, stem="small", width=8)
    assert net(torch.zeros(2, 1, 8, 8)).shape == (2, 10)
    d2l = resnet18(num_classes=10, in_channels=1, layout="d2l")
    assert d2l(torch.zeros(1, 1, 96, 96)).shape == (1, 10)
    # D2L's layout has biases in every conv and no BatchNorm on the shortcuts
    assert all(m.bias is not None for m in d2l.modules() if isinstance(m, nn.Conv2d))
    n_bn = sum(isinstance(m, nn.BatchNorm2d) for m in d2l.modules())
    assert n_bn == 1 + 2 * 8  # stem + two per block


def test_preact_block() -> None:
    torch.manual_seed(0)
    blk = PreActResidual(4, 4)
    X = torch.randn(2, 4, 5, 5)
    with torch.no_grad():
        blk.conv2.weight.zero_()
    torch.testing.assert_close(blk(X), X)  # a zero branch gives exactly the identity
    assert PreActResidual(4, 8, use_1x1conv=True, strides=2)(X).shape == (2, 8, 3, 3)


def test_residual_gradients_flow() -> None:
    torch.manual_seed(0)
    net = resnet18(num_classes=10, in_channels=1, stem="small", width=4)
    X, y = torch.randn(8, 1, 8, 8), torch.randint(0, 10, (8,))
    F.cross_entropy(net(X), y).backward()
    assert all(p.grad is not None and torch.isfinite(p.grad).all() for p in net.parameters())
