"""Folding BatchNorm into the preceding convolution equals conv -> BN in eval mode."""

from __future__ import annotations

import itertools

import pytest
import torch
from torch import nn
from torch.nn.utils.fusion import fuse_conv_bn_eval

from dlnotes.tricks.fold_bn import fold_batchnorm, fold_bn_into_conv

CONFIGS = list(
    itertools.product(
        [True, False],  # conv bias
        [1, 2],  # groups
        [1, 2],  # stride
        [1, 2],  # dilation
        [0, 1, "same"],  # padding
        ["zeros", "reflect"],  # padding mode
    )
)


def _pair(bias, groups, stride, dilation, padding, padding_mode, affine=True):
    if padding == "same" and stride != 1:
        padding = 1  # PyTorch refuses 'same' with stride > 1
    conv = nn.Conv2d(
        4, 6, 3, stride=stride, padding=padding, dilation=dilation, groups=groups,
        bias=bias, padding_mode=padding_mode, dtype=torch.float64,
    )  # fmt: skip
    bn = nn.BatchNorm2d(6, affine=affine, dtype=torch.float64)
    with torch.no_grad():  # non-trivial statistics and affine parameters
        bn.running_mean.uniform_(-1, 1)
        bn.running_var.uniform_(0.5, 2)
        if affine:
            bn.weight.uniform_(0.5, 1.5)
            bn.bias.uniform_(-1, 1)
    return conv, bn.eval()


@pytest.mark.parametrize("config", CONFIGS)
def test_fold_equals_conv_then_bn_and_torch_fusion(config):
    torch.manual_seed(0)
    conv, bn = _pair(*config)
    x = torch.randn(2, 4, 9, 9, dtype=torch.float64)
    folded = fold_bn_into_conv(conv, bn)
    torch.testing.assert_close(folded(x), bn(conv(x)))
    ref = fuse_conv_bn_eval(conv.eval(), bn)
    torch.testing.assert_close(folded.weight, ref.weight)
    torch.testing.assert_close(folded.bias, ref.bias)


def test_without_affine_and_inputs_untouched():
    conv, bn = _pair(False, 1, 1, 1, 1, "zeros", affine=False)
    w = conv.weight.detach().clone()
    x = torch.randn(2, 4, 7, 7, dtype=torch.float64)
    torch.testing.assert_close(fold_bn_into_conv(conv, bn)(x), bn(conv(x)))
    assert conv.bias is None and torch.equal(conv.weight, w)


def test_fold_batchnorm_in_nested_sequentials():
    torch.manual_seed(0)

    def block():
        return nn.Sequential(
            nn.Conv2d(3, 3, 3, padding=1, bias=False), nn.BatchNorm2d(3), nn.ReLU()
        )

    net = nn.Sequential(block(), nn.Sequential(block(), block()), nn.AdaptiveAvgPool2d(1))
    net.train()
    for _ in range(3):  # collect running statistics
        net(torch.randn(8, 3, 8, 8))
    net.eval()
    folded = fold_batchnorm(net)
    x = torch.randn(4, 3, 8, 8)
    torch.testing.assert_close(folded(x), net(x), rtol=1e-5, atol=1e-5)
    assert not any(isinstance(m, nn.BatchNorm2d) for m in folded.modules())
    assert any(isinstance(m, nn.BatchNorm2d) for m in net.modules())  # original intact
    assert net[0][0].bias is None


def test_train_mode_bn_differs_so_fold_is_eval_only():
    conv, bn = _pair(True, 1, 1, 1, 1, "zeros")
    x = torch.randn(4, 4, 9, 9, dtype=torch.float64)
    folded = fold_bn_into_conv(conv, bn)
    assert not torch.allclose(folded(x), bn.train()(conv(x)))


def test_bn_mode_does_not_matter_and_the_result_is_independent():
    conv, bn = _pair(False, 2, 2, 1, 1, "zeros")
    in_eval = fold_bn_into_conv(conv, bn)
    in_train = fold_bn_into_conv(conv, bn.train())  # running statistics either way
    torch.testing.assert_close(in_train.weight, in_eval.weight, rtol=0, atol=0)
    torch.testing.assert_close(in_train.bias, in_eval.bias, rtol=0, atol=0)
    with torch.no_grad():
        in_eval.weight.zero_()
    assert conv.weight.abs().sum() > 0  # no parameter is shared with the input conv


def test_fold_batchnorm_on_the_benchmark_resnet():
    from dlnotes.bench.models import ResNetCIFAR

    torch.manual_seed(0)
    net = ResNetCIFAR(width=4, blocks=(1, 1)).double()
    for _ in range(2):  # running statistics
        net(torch.randn(8, 3, 16, 16, dtype=torch.float64))
    net.eval()
    folded = fold_batchnorm(net)
    x = torch.randn(2, 3, 16, 16, dtype=torch.float64)
    torch.testing.assert_close(folded(x), net(x))
    # stem, two convs per block and the projection shortcut of the second block
    assert sum(isinstance(m, nn.BatchNorm2d) for m in net.modules()) == 6
    assert not any(isinstance(m, nn.BatchNorm2d) for m in folded.modules())


def test_bad_input():
    conv, bn = _pair(True, 1, 1, 1, 1, "zeros")
    with pytest.raises(TypeError, match=r"nn\.Conv2d"):
        fold_bn_into_conv(nn.Linear(2, 2), bn)
    with pytest.raises(TypeError, match=r"nn\.BatchNorm2d"):
        fold_bn_into_conv(conv, nn.BatchNorm1d(6))
    with pytest.raises(ValueError, match="6 output channels"):
        fold_bn_into_conv(conv, nn.BatchNorm2d(5))
    with pytest.raises(ValueError, match="no running statistics"):
        fold_bn_into_conv(conv, nn.BatchNorm2d(6, track_running_stats=False))
    with pytest.raises(TypeError, match=r"nn\.Module"):
        fold_batchnorm("resnet")
