"""Horizontal fusion (dlnotes.modern_cnn.fusion) against the unfused branches."""

from __future__ import annotations

import itertools

import pytest
import torch
from torch import nn

from dlnotes.modern_cnn.fusion import merge_concat_convs, merge_sum_branches


@pytest.mark.parametrize(
    ("kernel", "stride", "padding", "dilation"),
    [(1, 1, 0, 1), (3, 1, 1, 1), (3, 2, 1, 1), (3, 1, 2, 2), (5, 2, 0, 1)],
)
def test_concat_merge_equals_concatenated_outputs(kernel, stride, padding, dilation) -> None:
    torch.manual_seed(0)
    convs = [
        nn.Conv2d(6, c_out, kernel, stride, padding, dilation, bias=bias)
        for c_out, bias in [(4, True), (2, False), (5, True)]
    ]
    merged = merge_concat_convs(convs)
    x = torch.randn(3, 6, 11, 9)
    torch.testing.assert_close(merged(x), torch.cat([c(x) for c in convs], dim=1))
    assert merged.out_channels == 11


@pytest.mark.parametrize(
    ("with_1x1", "identity", "stride", "bias"),
    [
        (w, i, s, b)
        for w, i, s, b in itertools.product([False, True], [False, True], [1, 2], [False, True])
        if not (i and s == 2)
    ],
)
def test_sum_merge_equals_summed_branches(with_1x1, identity, stride, bias) -> None:
    torch.manual_seed(1)
    c3 = nn.Conv2d(5, 5, 3, stride, padding=1, bias=bias)
    c1 = nn.Conv2d(5, 5, 1, stride, padding=0, bias=bias) if with_1x1 else None
    merged = merge_sum_branches(c3, c1, identity=identity)
    x = torch.randn(2, 5, 8, 7, dtype=torch.float64)
    merged, c3 = merged.double(), c3.double()
    expected = c3(x)
    if c1 is not None:
        expected = expected + c1.double()(x)
    if identity:
        expected = expected + x
    torch.testing.assert_close(merged(x), expected)


def test_sum_merge_after_folding_batchnorms_matches_a_repvgg_block() -> None:
    from dlnotes.tricks.fold_bn import fold_bn_into_conv

    torch.manual_seed(2)
    c3, b3 = nn.Conv2d(4, 4, 3, padding=1, bias=False), nn.BatchNorm2d(4)
    c1, b1 = nn.Conv2d(4, 4, 1, bias=False), nn.BatchNorm2d(4)
    for bn in (b3, b1):  # non-trivial running statistics and affine parameters
        bn.running_mean.uniform_(-1, 1)
        bn.running_var.uniform_(0.5, 2)
        bn.weight.data.uniform_(0.5, 1.5)
        bn.bias.data.uniform_(-0.5, 0.5)
        bn.eval()
    merged = merge_sum_branches(fold_bn_into_conv(c3, b3), fold_bn_into_conv(c1, b1), True)
    x = torch.randn(2, 4, 6, 6)
    torch.testing.assert_close(merged(x), b3(c3(x)) + b1(c1(x)) + x, rtol=1e-5, atol=1e-5)


def test_inputs_are_not_modified() -> None:
    c3, c1 = nn.Conv2d(3, 3, 3, padding=1), nn.Conv2d(3, 3, 1)
    before = [p.clone() for p in (*c3.parameters(), *c1.parameters())]
    merge_sum_branches(c3, c1, identity=True)
    merge_concat_convs([c3, nn.Conv2d(3, 2, 3, padding=1)])
    after = [*c3.parameters(), *c1.parameters()]
    assert all(torch.equal(a, b) for a, b in zip(before, after, strict=True))


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="non-empty sequence"):
        merge_concat_convs([])
    with pytest.raises(TypeError, match=r"convs\[1\] must be an nn\.Conv2d"):
        merge_concat_convs([nn.Conv2d(2, 2, 1), nn.Linear(2, 2)])
    with pytest.raises(ValueError, match=r"convs\[1\]\.kernel_size"):
        merge_concat_convs([nn.Conv2d(2, 2, 1), nn.Conv2d(2, 2, 3)])
    with pytest.raises(ValueError, match="groups=1"):
        merge_concat_convs([nn.Conv2d(2, 2, 1, groups=2)])
    with pytest.raises(ValueError, match="kernel_size 3, padding 1"):
        merge_sum_branches(nn.Conv2d(2, 2, 3))
    with pytest.raises(ValueError, match="conv1x1 must map 2 to 2 channels"):
        merge_sum_branches(nn.Conv2d(2, 2, 3, padding=1), nn.Conv2d(2, 2, 1, padding=1))
    with pytest.raises(ValueError, match="strides differ"):
        merge_sum_branches(nn.Conv2d(2, 2, 3, padding=1), nn.Conv2d(2, 2, 1, stride=2))
    with pytest.raises(ValueError, match="identity needs"):
        merge_sum_branches(nn.Conv2d(2, 3, 3, padding=1), identity=True)
