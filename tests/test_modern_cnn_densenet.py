"""DenseNet (dlnotes.modern_cnn.densenet) against D2L's behaviour and torchvision's DenseNet."""

from __future__ import annotations

import pytest
import torch
import torchvision
from torch import nn
from torchvision.models.densenet import _DenseBlock, _Transition

from dlnotes.cnn.summary import count_parameters, summarize
from dlnotes.modern_cnn.densenet import (
    DenseBlock,
    conv_block,
    densenet,
    densenet121,
    saved_activation_bytes,
    transition_block,
)
from dlnotes.modern_cnn.googlenet import load_state_by_position


def test_dense_block_concatenates_input_and_every_layer_output() -> None:
    torch.manual_seed(0)
    blk = DenseBlock(3, 4, 5)
    X = torch.randn(2, 4, 6, 6)
    Y = blk(X)
    assert Y.shape == (2, 4 + 3 * 5, 6, 6) and blk.out_channels == 19
    torch.testing.assert_close(Y[:, :4], X)  # the input is passed through unchanged
    # D2L's forward, written out: each layer sees everything before it
    feats = X
    for layer in blk.net:
        feats = torch.cat((feats, layer(feats)), dim=1)
    torch.testing.assert_close(Y, feats)
    assert [m.in_channels for m in blk.modules() if isinstance(m, nn.Conv2d)] == [4, 9, 14]


def test_d2l_layer_parameters() -> None:
    # BN (2 * c_in) + 3x3 conv with bias (9 * c_in * k + k)
    assert count_parameters(conv_block(6, 10)) == 2 * 6 + 9 * 6 * 10 + 10
    assert count_parameters(transition_block(6, 3)) == 2 * 6 + 6 * 3 + 3


def test_dense_block_and_transition_match_torchvision() -> None:
    torch.manual_seed(0)
    tv = _DenseBlock(num_layers=3, num_input_features=16, bn_size=4, growth_rate=8, drop_rate=0)
    ours = DenseBlock(3, 16, 8, layout="torchvision")
    load_state_by_position(ours, tv)
    X = torch.randn(4, 16, 5, 5)
    for mode in ("train", "eval"):
        getattr(ours, mode)(), getattr(tv, mode)()
        torch.testing.assert_close(ours(X), tv(X))
    tv_t, ours_t = _Transition(40, 20), transition_block(40, 20, layout="torchvision")
    load_state_by_position(ours_t, tv_t)
    X = torch.randn(4, 40, 6, 6)
    torch.testing.assert_close(ours_t(X), tv_t(X))


def test_densenet121_parameters_on_meta_device() -> None:
    with torch.device("meta"):
        ours, tv = densenet121(), torchvision.models.densenet121()
    assert count_parameters(ours) == count_parameters(tv) == 7_978_856
    convs = [m for m in ours.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    assert len(convs) == 121  # 120 convolutions + the linear layer: the "121"
    assert len([m for m in convs if isinstance(m, nn.Conv2d)]) == 120


def test_densenet121_equals_torchvision_with_loaded_weights() -> None:
    torch.manual_seed(0)
    ours, tv = densenet121(num_classes=5), torchvision.models.densenet121(num_classes=5)
    load_state_by_position(ours, tv)
    ours.eval(), tv.eval()
    X = torch.randn(1, 3, 32, 32)
    with torch.no_grad():
        torch.testing.assert_close(ours(X), tv(X))
    rows = {r.name: r.output_shape for r in summarize(ours, X)}
    assert rows["block4"] == (1, 1024, 1, 1) and rows["trans1"] == (1, 128, 4, 4)


def test_d2l_densenet_shapes() -> None:
    net = densenet(num_classes=10, in_channels=1)
    rows = {r.name: r.output_shape for r in summarize(net, torch.zeros(1, 1, 96, 96))}
    # 64 + 4 * 32 = 192 -> 96 -> 96 + 128 = 224 -> 112 -> 240 -> 120 -> 248
    assert rows["block1"] == (1, 192, 24, 24)
    assert rows["trans3"] == (1, 120, 3, 3)
    assert rows["fc"] == (1, 10)
    small = densenet(10, 1, stem="small", growth_rate=8, num_init_channels=16)
    assert small(torch.zeros(3, 1, 8, 8)).shape == (3, 10)


def test_saved_activations_grow_quadratically_and_checkpointing_saves_memory() -> None:
    X = torch.randn(2, 8, 8, 8)
    sizes = [saved_activation_bytes(DenseBlock(n, 8, 8), X) for n in (2, 4, 8)]
    assert sizes[0] < sizes[1] < sizes[2]
    assert sizes[2] - sizes[1] > 2 * (sizes[1] - sizes[0])  # grows faster than linearly
    plain = _DenseBlock(6, 8, 4, 8, 0.0, memory_efficient=False)
    efficient = _DenseBlock(6, 8, 4, 8, 0.0, memory_efficient=True)
    assert saved_activation_bytes(efficient, X) < saved_activation_bytes(plain, X)
    assert saved_activation_bytes(nn.Linear(4, 2), torch.randn(3, 4)) == 3 * 4 * 4


@pytest.mark.parametrize(
    "bad",
    [
        lambda: DenseBlock(0, 3, 4),
        lambda: DenseBlock(2, 3, 4, layout="keras"),
        lambda: densenet(stem="tiny"),
        lambda: densenet(num_convs_in_dense_blocks=()),
        lambda: transition_block(4, 0),
    ],
)
def test_bad_arguments(bad) -> None:
    with pytest.raises(ValueError):
        bad()


def test_bad_input() -> None:
    blk = DenseBlock(2, 3, 4)
    with pytest.raises(ValueError, match="3 channel"):
        blk(torch.zeros(1, 4, 5, 5))
    with pytest.raises(TypeError, match="floating-point"):
        blk(torch.zeros(1, 3, 5, 5, dtype=torch.int64))
    with pytest.raises(TypeError):
        DenseBlock(2.0, 3, 4)
    with pytest.raises(TypeError):
        saved_activation_bytes("net", torch.zeros(1))
