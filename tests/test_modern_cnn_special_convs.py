"""Special convolutions (dlnotes.modern_cnn.special_convs) against the PyTorch built-ins."""

from __future__ import annotations

import itertools

import pytest
import torch
import torchvision
from builtin_check import assert_same_as_builtin
from torch import nn
from torch.nn import functional as F
from torch.utils.flop_counter import FlopCounterMode

from dlnotes.cnn.conv import corr2d
from dlnotes.cnn.summary import count_parameters
from dlnotes.modern_cnn.special_convs import (
    DepthwiseSeparableConv2d,
    conv_cost,
    conv_matrix,
    deform_conv2d,
    dilate_kernel,
    grouped_conv2d,
    receptive_field,
    trans_conv,
    trans_conv_output_size,
)


# ---------------------------------------------------------------- cost
@pytest.mark.parametrize(
    ("c_in", "c_out", "k", "groups", "stride", "bias"),
    [
        (3, 8, 3, 1, 1, True),
        (8, 12, 3, 4, 2, False),
        (6, 6, 5, 6, 1, True),
        (16, 32, 1, 2, 1, True),
    ],
)
def test_conv_cost_matches_conv2d_params_and_flop_counter(c_in, c_out, k, groups, stride, bias):
    conv = nn.Conv2d(c_in, c_out, k, stride=stride, padding=k // 2, groups=groups, bias=bias)
    X = torch.zeros(2, c_in, 11, 9)
    with FlopCounterMode(display=False) as counter:
        Y = conv(X)
    params, macs = conv_cost(c_in, c_out, k, Y.shape[2], Y.shape[3], groups, bias=bias)
    assert params == count_parameters(conv)
    assert 2 * macs * X.shape[0] == counter.get_total_flops()  # FLOPs = 2 x MACs, per batch


def test_depthwise_separable_saving_formula() -> None:
    c, k, h = 64, 3, 28
    _, standard = conv_cost(c, c, k, h, h)
    _, depthwise = conv_cost(c, c, k, h, h, groups=c)
    _, pointwise = conv_cost(c, c, 1, h, h)
    assert standard / (depthwise + pointwise) == pytest.approx(k * k * c / (k * k + c))


def test_conv_cost_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="divisible by groups"):
        conv_cost(6, 8, 3, 4, 4, groups=4)
    with pytest.raises(ValueError, match="k must be >= 1"):
        conv_cost(6, 8, 0, 4, 4)
    with pytest.raises(TypeError, match="c_in must be an int"):
        conv_cost(6.0, 8, 3, 4, 4)


# ---------------------------------------------------------------- grouped
@pytest.mark.parametrize(
    ("groups", "stride", "padding"), [(1, 1, 0), (2, 1, 1), (3, 2, 1), (6, 1, 0)]
)
def test_grouped_conv2d_matches_conv2d(groups, stride, padding) -> None:
    torch.manual_seed(0)
    X = torch.randn(2, 6, 7, 7, dtype=torch.float64)
    W = torch.randn(12, 6 // groups, 3, 3, dtype=torch.float64)
    b = torch.randn(12, dtype=torch.float64)
    assert_same_as_builtin(
        lambda X, W, b: grouped_conv2d(X, W, b, groups, stride, padding),
        lambda X, W, b: F.conv2d(X, W, b, stride, padding, groups=groups),
        X,
        W,
        b,
    )


def test_grouped_module_equals_separate_convs_with_copied_weights() -> None:
    torch.manual_seed(0)
    conv = nn.Conv2d(8, 12, 3, padding=1, groups=4)
    parts = [nn.Conv2d(2, 3, 3, padding=1) for _ in range(4)]
    with torch.no_grad():
        for i, part in enumerate(parts):
            part.weight.copy_(conv.weight[3 * i : 3 * i + 3])
            part.bias.copy_(conv.bias[3 * i : 3 * i + 3])
    X = torch.randn(2, 8, 6, 6)
    expected = torch.cat([p(x) for p, x in zip(parts, X.chunk(4, dim=1), strict=True)], dim=1)
    torch.testing.assert_close(conv(X), expected)
    # output group 0 does not depend on input group 1 at all
    X.requires_grad_(True)
    conv(X)[:, :3].sum().backward()
    assert X.grad[:, 2:].abs().sum() == 0 and X.grad[:, :2].abs().sum() > 0


def test_grouped_conv2d_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="divisible by groups"):
        grouped_conv2d(torch.randn(1, 6, 5, 5), torch.randn(4, 3, 3, 3), groups=4)
    with pytest.raises(ValueError, match="X must have 4 dimensions"):
        grouped_conv2d(torch.randn(6, 5, 5), torch.randn(4, 3, 3, 3), groups=2)
    with pytest.raises(ValueError, match="input channels"):
        grouped_conv2d(torch.randn(1, 6, 5, 5), torch.randn(4, 2, 3, 3), groups=2)


def test_depthwise_separable_equals_two_convs() -> None:
    torch.manual_seed(0)
    layer = DepthwiseSeparableConv2d(4, 6, 3, stride=2, padding=1)
    X = torch.randn(2, 4, 9, 9)
    expected = F.conv2d(
        F.conv2d(X, layer.depthwise.weight, layer.depthwise.bias, 2, 1, groups=4),
        layer.pointwise.weight,
        layer.pointwise.bias,
    )
    torch.testing.assert_close(layer(X), expected)
    assert (
        count_parameters(layer)
        == conv_cost(4, 4, 3, 5, 5, groups=4)[0] + conv_cost(4, 6, 1, 5, 5)[0]
    )


# ---------------------------------------------------------------- dilated
@pytest.mark.parametrize(("dilation", "kh", "kw"), [(1, 3, 3), (2, 3, 3), (3, 2, 3), (4, 3, 1)])
def test_dilated_kernel_equals_dilated_conv(dilation, kh, kw) -> None:
    torch.manual_seed(0)
    X, K = torch.randn(14, 15, dtype=torch.float64), torch.randn(kh, kw, dtype=torch.float64)
    ours = corr2d(X, dilate_kernel(K, dilation))
    theirs = F.conv2d(X[None, None], K[None, None], dilation=dilation)[0, 0]
    torch.testing.assert_close(ours, theirs)


@pytest.mark.parametrize(
    "layers",
    [
        [(3, 1, 1)] * 3,
        [(3, 1, 1), (3, 1, 2), (3, 1, 4)],
        [(3, 2, 1), (3, 1, 2)],
        [(5, 2, 1), (3, 2, 1), (3, 1, 3)],
    ],
)
def test_receptive_field_matches_gradient_support(layers) -> None:
    net = nn.Sequential(*[nn.Conv2d(1, 1, k, s, dilation=d, bias=False) for k, s, d in layers])
    for conv in net:
        nn.init.ones_(conv.weight)
    X = torch.zeros(1, 1, 41, 41, requires_grad=True)
    net(X)[0, 0, 0, 0].backward()  # the top-left output: its field starts at pixel 0
    rows = X.grad[0, 0].abs().sum(dim=1).nonzero()
    assert rows.max().item() + 1 == receptive_field(layers)


def test_dilation_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="dilation must be >= 1"):
        dilate_kernel(torch.ones(3, 3), 0)
    with pytest.raises(ValueError, match="kernel, stride, dilation"):
        receptive_field([(3, 1)])


# ---------------------------------------------------------------- transposed
def test_trans_conv_d2l_example() -> None:
    X = torch.tensor([[0.0, 1.0], [2.0, 3.0]])
    expected = torch.tensor([[0.0, 0.0, 1.0], [0.0, 4.0, 6.0], [4.0, 12.0, 9.0]])
    torch.testing.assert_close(trans_conv(X, X), expected)


@pytest.mark.parametrize(
    ("stride", "padding", "output_padding"),
    [(1, 0, 0), (2, 0, 0), (2, 1, 0), (2, 1, 1), (3, 2, 2), (1, 1, 0)],
)
def test_trans_conv_matches_conv_transpose2d(stride, padding, output_padding) -> None:
    torch.manual_seed(0)
    X, K = torch.randn(4, 5, dtype=torch.float64), torch.randn(3, 2, dtype=torch.float64)
    assert_same_as_builtin(
        lambda X, K: trans_conv(X, K, stride, padding, output_padding),
        lambda X, K: F.conv_transpose2d(
            X[None, None], K[None, None], None, stride, padding, output_padding
        )[0, 0],
        X,
        K,
    )


def test_trans_conv_output_size_matches_module_shapes() -> None:
    for n, k, s, p, d in itertools.product([1, 4, 7], [1, 2, 3, 4], [1, 2, 3], [0, 1, 2], [1, 2]):
        for op in range(max(s, d)):  # PyTorch allows output_padding < max(stride, dilation)
            layer = nn.ConvTranspose2d(1, 1, k, s, p, op, dilation=d)
            try:
                size = trans_conv_output_size(n, k, s, p, op, d)
            except ValueError:  # size < 1: the module returns nothing or refuses too
                try:
                    assert layer(torch.zeros(1, 1, n, n)).numel() == 0
                except RuntimeError:
                    pass
                continue
            assert layer(torch.zeros(1, 1, n, n)).shape[-1] == size, (n, k, s, p, op, d)


@pytest.mark.parametrize(("stride", "padding"), [(1, 0), (2, 1), (2, 0), (1, 2)])
def test_conv_matrix_and_its_transpose(stride, padding) -> None:
    torch.manual_seed(0)
    K, X = torch.randn(3, 2, dtype=torch.float64), torch.randn(6, 7, dtype=torch.float64)
    W = conv_matrix(K, (6, 7), stride, padding)
    Y = F.conv2d(X[None, None], K[None, None], stride=stride, padding=padding)[0, 0]
    torch.testing.assert_close(W @ X.flatten(), Y.flatten())
    # W.T is the transposed convolution that maps an output-sized tensor back to 6 x 7
    Z = torch.randn_like(Y)
    extra = (
        6 - trans_conv_output_size(Y.shape[0], 3, stride, padding),
        7 - trans_conv_output_size(Y.shape[1], 2, stride, padding),
    )
    T = F.conv_transpose2d(Z[None, None], K[None, None], None, stride, padding, extra)[0, 0]
    torch.testing.assert_close(W.T @ Z.flatten(), T.flatten())


def test_transposed_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="output_padding must be smaller than stride"):
        trans_conv(torch.ones(2, 2), torch.ones(2, 2), stride=2, output_padding=2)
    with pytest.raises(ValueError, match="X must have 2 dimensions"):
        trans_conv(torch.ones(1, 2, 2), torch.ones(2, 2))
    with pytest.raises(ValueError, match="padding=3 is too large"):
        trans_conv_output_size(2, 2, padding=3)
    with pytest.raises(ValueError, match="larger than the padded input"):
        conv_matrix(torch.ones(4, 4), (2, 2))


# ---------------------------------------------------------------- deformable
@pytest.mark.parametrize(("stride", "padding", "dilation"), [(1, 0, 1), (2, 1, 1), (1, 2, 2)])
def test_deform_conv2d_matches_torchvision(stride, padding, dilation) -> None:
    torch.manual_seed(0)
    X = torch.randn(2, 3, 7, 8, dtype=torch.float64)
    W = torch.randn(4, 3, 3, 2, dtype=torch.float64)
    b = torch.randn(4, dtype=torch.float64)
    out_h = (7 + 2 * padding - dilation * 2 - 1) // stride + 1
    out_w = (8 + 2 * padding - dilation * 1 - 1) // stride + 1
    offset = 1.5 * torch.randn(2, 12, out_h, out_w, dtype=torch.float64)  # some fall outside
    mask = torch.rand(2, 6, out_h, out_w, dtype=torch.float64)
    s, p, d = (stride, stride), (padding, padding), (dilation, dilation)
    assert_same_as_builtin(
        lambda *t: deform_conv2d(*t, stride, padding, dilation),
        lambda *t: torchvision.ops.deform_conv2d(*t, s, p, d),
        X,
        offset,
        W,
        b,
    )
    assert_same_as_builtin(
        lambda X, o, W, m: deform_conv2d(X, o, W, None, stride, padding, dilation, m),
        lambda X, o, W, m: torchvision.ops.deform_conv2d(X, o, W, None, s, p, d, m),
        X,
        offset,
        W,
        mask,
    )


def test_deform_conv2d_zero_and_integer_offsets() -> None:
    torch.manual_seed(0)
    X, W = torch.randn(1, 2, 6, 6), torch.randn(3, 2, 3, 3)
    offset = torch.zeros(1, 18, 6, 6)
    plain = F.conv2d(X, W, padding=1)
    torch.testing.assert_close(deform_conv2d(X, offset, W, padding=1), plain)
    torch.testing.assert_close(torchvision.ops.deform_conv2d(X, offset, W, padding=(1, 1)), plain)
    offset = torch.zeros(1, 18, 4, 4)
    offset[:, 1::2] = 1.0  # every tap one column to the right = the input shifted left
    shifted = F.pad(X[..., 1:], (0, 1))
    torch.testing.assert_close(deform_conv2d(X, offset, W), F.conv2d(shifted, W))


def test_deform_conv2d_rejects_bad_input() -> None:
    X, W = torch.randn(1, 2, 6, 6), torch.randn(3, 2, 3, 3)
    with pytest.raises(ValueError, match="offset must have shape"):
        deform_conv2d(X, torch.zeros(1, 9, 4, 4), W)
    with pytest.raises(ValueError, match="mask must have shape"):
        deform_conv2d(X, torch.zeros(1, 18, 4, 4), W, mask=torch.ones(1, 18, 4, 4))
    with pytest.raises(ValueError, match="input channels"):
        deform_conv2d(X, torch.zeros(1, 18, 4, 4), torch.randn(3, 3, 3, 3))
