"""dlnotes.cnn.channels against F.conv2d (values and gradients), nn.Linear and counters."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from builtin_check import assert_same_as_builtin
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from dlnotes.cnn.channels import (
    conv2d_macs,
    conv2d_params,
    corr2d_multi_in,
    corr2d_multi_in_out,
    corr2d_multi_in_out_1x1,
)
from dlnotes.cnn.summary import count_parameters

D2L_X = torch.tensor(
    [
        [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]],
        [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]],
    ]
)
D2L_K = torch.tensor([[[0.0, 1.0], [2.0, 3.0]], [[1.0, 2.0], [3.0, 4.0]]])


def _conv(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    """PyTorch's convolution on one unbatched image: (c_i, h, w) * (c_o, c_i, kh, kw)."""
    return F.conv2d(X[None], K)[0]


def test_d2l_examples() -> None:
    assert torch.equal(corr2d_multi_in(D2L_X, D2L_K), torch.tensor([[56.0, 72.0], [104.0, 120.0]]))
    K = torch.stack((D2L_K, D2L_K + 1, D2L_K + 2), 0)
    Y = corr2d_multi_in_out(D2L_X, K)
    assert Y.shape == (3, 2, 2)
    assert torch.equal(Y[1], torch.tensor([[76.0, 100.0], [148.0, 172.0]]))


@pytest.mark.parametrize(
    ("c_i", "hw", "k"), [(1, (4, 5), (2, 2)), (3, (5, 4), (3, 2)), (4, (3, 3), (3, 3))]
)
def test_multi_in_matches_conv2d(c_i: int, hw: tuple[int, int], k: tuple[int, int]) -> None:
    torch.manual_seed(0)
    X, K = torch.randn(c_i, *hw), torch.randn(c_i, *k)
    assert_same_as_builtin(corr2d_multi_in, lambda X, K: _conv(X, K[None])[0], X, K)


@pytest.mark.parametrize(("c_i", "c_o", "k"), [(2, 3, (2, 2)), (3, 1, (1, 3)), (1, 4, (3, 3))])
def test_multi_in_out_matches_conv2d(c_i: int, c_o: int, k: tuple[int, int]) -> None:
    torch.manual_seed(1)
    X, K = torch.randn(c_i, 5, 4), torch.randn(c_o, c_i, *k)
    assert_same_as_builtin(corr2d_multi_in_out, _conv, X, K)


@pytest.mark.parametrize(("c_i", "c_o"), [(3, 2), (1, 5), (6, 1)])
def test_1x1_matches_conv2d_and_the_loop(c_i: int, c_o: int) -> None:
    torch.manual_seed(2)
    X, K = torch.randn(c_i, 4, 5), torch.randn(c_o, c_i, 1, 1)
    assert_same_as_builtin(corr2d_multi_in_out_1x1, _conv, X, K)
    torch.testing.assert_close(corr2d_multi_in_out_1x1(X, K), corr2d_multi_in_out(X, K))


def test_1x1_conv_is_a_linear_layer_on_every_pixel() -> None:
    torch.manual_seed(3)
    conv, lin = nn.Conv2d(5, 3, kernel_size=1), nn.Linear(5, 3)
    with torch.no_grad():
        lin.weight.copy_(conv.weight.reshape(3, 5))
        lin.bias.copy_(conv.bias)
    X = torch.randn(2, 5, 4, 6)
    per_pixel = lin(X.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)  # (N, H, W, C) -> back
    torch.testing.assert_close(conv(X), per_pixel)
    assert count_parameters(conv) == count_parameters(lin)


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize(
    ("c_i", "c_o", "k"), [(1, 6, 5), (3, 64, 3), (256, 64, 1), (16, 8, (1, 7))]
)
def test_params_match_nn_conv2d(c_i: int, c_o: int, k, bias: bool) -> None:
    with torch.device("meta"):  # no memory needed to count
        conv = nn.Conv2d(c_i, c_o, k, bias=bias)
    assert conv2d_params(c_i, c_o, k, bias=bias) == count_parameters(conv)


@pytest.mark.parametrize(
    ("c_i", "c_o", "k", "hw", "padding", "stride"),
    [(3, 4, 3, (8, 8), 0, 1), (2, 5, (1, 3), (6, 7), 1, 2), (4, 2, 1, (5, 5), 0, 1)],
)
def test_macs_match_flop_counter(c_i, c_o, k, hw, padding, stride) -> None:
    conv = nn.Conv2d(c_i, c_o, k, padding=padding, stride=stride, bias=False)
    X = torch.zeros(1, c_i, *hw)
    with FlopCounterMode(display=False) as counter:
        Y = conv(X)
    assert 2 * conv2d_macs(c_i, c_o, k, tuple(Y.shape[2:])) == counter.get_total_flops()


def test_wrong_ndim_names_both_shapes() -> None:
    with pytest.raises(ValueError, match=r"X \(3, 3\) and K \(2, 2, 2\)"):
        corr2d_multi_in(torch.zeros(3, 3), torch.zeros(2, 2, 2))
    with pytest.raises(ValueError, match=r"got X \(2, 3, 3\) and K \(2, 2, 2\)"):
        corr2d_multi_in_out(torch.zeros(2, 3, 3), torch.zeros(2, 2, 2))


def test_channel_mismatch_names_both_shapes() -> None:
    with pytest.raises(
        ValueError, match=r"2 input channels but K expects 3: X \(2, 4, 4\), K \(1, 3"
    ):
        corr2d_multi_in_out(torch.zeros(2, 4, 4), torch.zeros(1, 3, 2, 2))
    with pytest.raises(ValueError, match="input channels"):
        corr2d_multi_in_out_1x1(torch.zeros(2, 4, 4), torch.zeros(1, 3, 1, 1))


def test_1x1_rejects_larger_kernels() -> None:
    with pytest.raises(ValueError, match=r"\(c_o, c_i, 1, 1\).*got \(1, 2, 3, 3\)"):
        corr2d_multi_in_out_1x1(torch.zeros(2, 4, 4), torch.zeros(1, 2, 3, 3))


@pytest.mark.parametrize(
    "fn", [corr2d_multi_in_out, corr2d_multi_in_out_1x1, lambda X, K: corr2d_multi_in(X, K[0])]
)
def test_integer_dtype_is_a_type_error(fn) -> None:
    X, K = torch.zeros(2, 3, 3, dtype=torch.long), torch.zeros(1, 2, 1, 1, dtype=torch.long)
    with pytest.raises(TypeError, match="floating-point"):
        fn(X, K)
    with pytest.raises(TypeError, match="floating-point"):
        fn(X.float(), K)


def test_kernel_larger_than_input() -> None:
    with pytest.raises(ValueError, match="larger than the input"):
        corr2d_multi_in(torch.zeros(1, 2, 2), torch.zeros(1, 3, 3))


def test_counter_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match="kernel_size must be positive"):
        conv2d_params(3, 4, 0)
    with pytest.raises(TypeError, match="c_i must be an int"):
        conv2d_params(3.0, 4, 3)
    with pytest.raises(TypeError, match="out_size must be an int or a pair"):
        conv2d_macs(3, 4, 3, out_size=(1, 2, 3))
