"""dlnotes.cnn.conv against F.conv1d/conv2d/conv3d, nn.Conv2d, nn.Linear and scipy.signal."""

from __future__ import annotations

import itertools

import pytest
import torch
import torch.nn.functional as F
from builtin_check import assert_same_as_builtin
from torch import nn

from dlnotes.cnn.conv import (
    Conv2D,
    conv_output_size,
    conv_to_linear,
    convolve2d,
    corr1d,
    corr2d,
    corr2d_padded,
    corr3d,
    same_padding,
)

signal = pytest.importorskip("scipy.signal")


def _edge_image() -> torch.Tensor:
    X = torch.ones(6, 8)
    X[:, 2:6] = 0  # D2L: a black band in a white image
    return X


# ------------------------------------------------------------------ cross-correlation
def test_d2l_example() -> None:
    X = torch.arange(9.0).reshape(3, 3)
    K = torch.tensor([[0.0, 1.0], [2.0, 3.0]])
    assert torch.equal(corr2d(X, K), torch.tensor([[19.0, 25.0], [37.0, 43.0]]))


@pytest.mark.parametrize(("hw", "k"), [((5, 6), (2, 3)), ((4, 4), (4, 4)), ((7, 3), (1, 1))])
def test_corr2d_matches_conv2d(hw, k) -> None:
    torch.manual_seed(0)
    X, K = torch.randn(*hw), torch.randn(*k)
    assert_same_as_builtin(corr2d, lambda X, K: F.conv2d(X[None, None], K[None, None])[0, 0], X, K)


def test_convolution_flips_the_kernel() -> None:
    g = torch.Generator().manual_seed(1)
    X, K = (
        torch.randn(6, 7, generator=g, dtype=torch.float64),
        torch.randn(3, 2, dtype=torch.float64),
    )
    ours_conv, ours_corr = convolve2d(X, K), corr2d(X, K)
    torch.testing.assert_close(ours_conv.numpy(), signal.convolve2d(X, K, mode="valid"))
    torch.testing.assert_close(ours_corr.numpy(), signal.correlate2d(X, K, mode="valid"))
    assert not torch.allclose(ours_conv, ours_corr)  # an asymmetric kernel: they differ
    sym = K + K.flip(0, 1)  # symmetric under the 180-degree rotation: no difference
    torch.testing.assert_close(convolve2d(X, sym), corr2d(X, sym))


def test_conv2d_layer_matches_nn_conv2d() -> None:
    torch.manual_seed(2)
    ours, theirs = Conv2D((2, 3)), nn.Conv2d(1, 1, (2, 3))
    assert ours.weight.shape == (2, 3) and ours.bias.shape == (1,)
    assert bool((ours.weight >= 0).all() and (ours.weight < 1).all())  # D2L's torch.rand
    with torch.no_grad():
        theirs.weight.copy_(ours.weight[None, None])
        theirs.bias.fill_(0.5)
        ours.bias.fill_(0.5)
    X = torch.randn(5, 6)
    Y, Y_ref = ours(X), theirs(X[None, None])[0, 0]
    torch.testing.assert_close(Y, Y_ref)
    weights = torch.linspace(-1, 1, Y.numel()).reshape(Y.shape)
    (Y * weights).sum().backward()
    (Y_ref * weights).sum().backward()
    torch.testing.assert_close(ours.weight.grad, theirs.weight.grad[0, 0])
    torch.testing.assert_close(ours.bias.grad, theirs.bias.grad)


def test_edge_detection() -> None:
    X, K = _edge_image(), torch.tensor([[1.0, -1.0]])
    expected = torch.zeros(6, 7)
    expected[:, 1], expected[:, 5] = 1.0, -1.0  # white to black, black to white
    assert torch.equal(corr2d(X, K), expected)
    assert torch.equal(corr2d(X.t(), K), torch.zeros(8, 5))  # horizontal edges: nothing


def test_learning_the_kernel() -> None:
    torch.manual_seed(0)
    X = _edge_image()
    Y = corr2d(X, torch.tensor([[1.0, -1.0]]))
    layer = Conv2D((1, 2))
    losses = []
    for _ in range(20):  # lr 1e-2: with the bias, D2L's 3e-2 diverges (see the page)
        loss = ((layer(X) - Y) ** 2).sum()
        layer.zero_grad()
        loss.backward()
        with torch.no_grad():
            for p in layer.parameters():
                p -= 1e-2 * p.grad
        losses.append(loss.item())
    assert losses[-1] < 0.01 * losses[0]
    target = torch.tensor([[1.0, -1.0]])
    torch.testing.assert_close(layer.weight.detach(), target, atol=0.15, rtol=0)


@pytest.mark.parametrize(("n", "k"), [(7, 3), (4, 4), (5, 1)])
def test_corr1d_matches_conv1d(n, k) -> None:
    torch.manual_seed(3)
    x, w = torch.randn(n), torch.randn(k)
    assert_same_as_builtin(corr1d, lambda x, w: F.conv1d(x[None, None], w[None, None])[0, 0], x, w)


@pytest.mark.parametrize(("dhw", "k"), [((4, 5, 3), (2, 3, 2)), ((2, 2, 2), (2, 2, 2))])
def test_corr3d_matches_conv3d(dhw, k) -> None:
    torch.manual_seed(4)
    X, K = torch.randn(*dhw), torch.randn(*k)
    assert_same_as_builtin(corr3d, lambda X, K: F.conv3d(X[None, None], K[None, None])[0, 0], X, K)


# ------------------------------------------------------------------ padding and stride
def test_conv_output_size_matches_nn_conv2d_shapes() -> None:
    checked = 0
    for n, k, p, s, d in itertools.product(
        [1, 4, 7, 8], [1, 2, 3, 5], [0, 1, 2], [1, 2, 3], [1, 2]
    ):
        conv = nn.Conv2d(1, 1, k, stride=s, padding=p, dilation=d)
        if d * (k - 1) + 1 > n + 2 * p:  # PyTorch refuses too; so do we
            with pytest.raises(ValueError, match="more than the padded input"):
                conv_output_size(n, k, p, s, d)
            with pytest.raises(RuntimeError):
                conv(torch.zeros(1, 1, n, n))
            continue
        expected = conv(torch.zeros(1, 1, n, n)).shape[-1]
        assert conv_output_size(n, k, p, s, d) == expected, (n, k, p, s, d)
        if d == 1:  # the dilation-free form of the formula
            assert (n - k + 2 * p) // s + 1 == expected
        checked += 1
    assert checked > 200


ASYMMETRIC = [
    # (h, w), (kh, kw), padding, stride, dilation
    ((6, 8), (3, 2), (1, 0), (2, 1), 1),
    ((7, 5), (2, 3), (0, 2), (1, 3), (2, 1)),
    ((5, 5), (3, 3), 1, 1, 1),
    ((8, 6), (1, 4), (2, 1), (3, 2), (1, 2)),
    ((4, 4), (4, 4), 0, 1, 1),
    ((3, 9), (3, 3), (2, 0), (4, 4), (1, 3)),
]


@pytest.mark.parametrize(("hw", "k", "padding", "stride", "dilation"), ASYMMETRIC)
def test_corr2d_padded_matches_conv2d(hw, k, padding, stride, dilation) -> None:
    torch.manual_seed(5)
    X, K = torch.randn(*hw), torch.randn(*k)
    conv = nn.Conv2d(1, 1, k, stride=stride, padding=padding, dilation=dilation)
    Y = corr2d_padded(X, K, padding, stride, dilation)
    assert Y.shape == conv(X[None, None]).shape[-2:]

    def builtin(X, K):
        return F.conv2d(X[None, None], K[None, None], None, stride, padding, dilation)[0, 0]

    assert_same_as_builtin(
        lambda X, K: corr2d_padded(X, K, padding, stride, dilation), builtin, X, K
    )


def test_defaults_are_corr2d() -> None:
    torch.manual_seed(6)
    X, K = torch.randn(5, 4), torch.randn(2, 3)
    assert torch.equal(corr2d_padded(X, K), corr2d(X, K))


def test_full_padding_is_full_convolution() -> None:
    g = torch.Generator().manual_seed(7)
    X, K = (
        torch.randn(4, 6, generator=g, dtype=torch.float64),
        torch.randn(3, 2, dtype=torch.float64),
    )
    full = corr2d_padded(X, K.flip(0, 1), padding=(2, 1))  # k - 1 zeros on each side
    torch.testing.assert_close(full.numpy(), signal.convolve2d(X, K, mode="full"))
    same = corr2d_padded(X, K, padding=(1, 0))
    assert same.shape == (4, 5)  # only the odd axis can be "same" with symmetric padding


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")
@pytest.mark.parametrize(("k", "d"), list(itertools.product([1, 2, 3, 4, 5], [1, 2, 3])))
def test_same_padding_is_what_pytorch_adds(k, d) -> None:
    torch.manual_seed(8)
    X, K = torch.randn(1, 1, 7, 9), torch.randn(1, 1, k, k)
    before, after = same_padding(k, d)
    assert before + after == d * (k - 1) and after - before in (0, 1)
    Y = F.conv2d(X, K, padding="same", dilation=d)
    assert Y.shape == X.shape
    padded = F.pad(X, (before, after, before, after))  # (left, right, top, bottom)
    torch.testing.assert_close(Y, F.conv2d(padded, K, dilation=d))


def test_same_padding_needs_stride_one_in_pytorch() -> None:
    with pytest.raises(ValueError, match="strided"):
        nn.Conv2d(1, 1, 3, stride=2, padding="same")


# ------------------------------------------------------------------ conv = fully connected
@pytest.mark.parametrize("bias", [True, False])
def test_full_size_kernel_is_a_linear_layer(bias) -> None:
    torch.manual_seed(9)
    conv = nn.Conv2d(2, 3, kernel_size=(4, 5), bias=bias)
    linear = conv_to_linear(conv)
    assert sum(p.numel() for p in linear.parameters()) == sum(p.numel() for p in conv.parameters())
    X = torch.randn(6, 2, 4, 5)
    assert_same_as_builtin(lambda X: linear(X.flatten(1)), lambda X: conv(X).flatten(1), X)
    weights = torch.linspace(-1, 1, 18).reshape(6, 3)
    (linear(X.flatten(1)) * weights).sum().backward()
    (conv(X).flatten(1) * weights).sum().backward()
    torch.testing.assert_close(linear.weight.grad, conv.weight.grad.reshape(3, -1))
    if bias:
        torch.testing.assert_close(linear.bias.grad, conv.bias.grad)
    assert linear.weight.data_ptr() != conv.weight.data_ptr()  # a copy, not shared


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    ("fn", "args", "match"),
    [
        (corr2d, (torch.zeros(1, 3, 3), torch.zeros(2, 2)), r"X must have 2 dimensions \(h, w\)"),
        (corr2d, (torch.zeros(3, 3), torch.zeros(2)), r"K must have 2 dimensions \(kh, kw\)"),
        (corr1d, (torch.zeros(3, 3), torch.zeros(2)), r"x must have 1 dimension \(n,\)"),
        (
            corr3d,
            (torch.zeros(3, 3), torch.zeros(2, 2, 2)),
            r"X must have 3 dimensions \(d, h, w\)",
        ),
        (corr2d_padded, (torch.zeros(3), torch.zeros(2, 2)), r"got shape \(3,\)"),
    ],
)
def test_wrong_ndim(fn, args, match) -> None:
    with pytest.raises(ValueError, match=match):
        fn(*args)


@pytest.mark.parametrize("fn", [corr2d, convolve2d, corr2d_padded])
def test_integer_dtype(fn) -> None:
    with pytest.raises(TypeError, match="floating-point"):
        fn(torch.ones(3, 3, dtype=torch.long), torch.ones(2, 2))
    with pytest.raises(TypeError, match="floating-point"):
        fn(torch.ones(3, 3), torch.ones(2, 2, dtype=torch.int32))
    with pytest.raises(TypeError, match="floating-point"):
        corr1d(torch.ones(3), torch.ones(2, dtype=torch.long))


def test_kernel_larger_than_the_input() -> None:
    with pytest.raises(ValueError, match=r"kernel \(3, 2\) is larger than the input \(2, 5\)"):
        corr2d(torch.zeros(2, 5), torch.zeros(3, 2))
    with pytest.raises(ValueError, match="larger than the input"):
        corr1d(torch.zeros(2), torch.zeros(3))
    with pytest.raises(ValueError, match="larger than the input"):
        corr3d(torch.zeros(2, 4, 4), torch.zeros(3, 2, 2))
    with pytest.raises(ValueError, match=r"more than the padded input \(4, 4\)"):
        corr2d_padded(torch.zeros(2, 2), torch.zeros(5, 5), padding=1)
    with pytest.raises(ValueError, match=r"spans \(5, 3\) pixels"):
        corr2d_padded(torch.zeros(4, 4), torch.zeros(3, 3), dilation=(2, 1))
    corr2d_padded(torch.zeros(2, 2), torch.zeros(4, 4), padding=1)  # fits exactly: fine


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"stride": 0}, ValueError, "stride must be >= 1, got 0"),
        ({"stride": (1, 0)}, ValueError, "stride must be >= 1, got 0"),
        ({"dilation": 0}, ValueError, "dilation must be >= 1, got 0"),
        ({"padding": -1}, ValueError, "padding must be >= 0, got -1"),
        ({"padding": (1, 1, 1)}, ValueError, r"padding must be an int or a pair"),
        ({"stride": 1.5}, TypeError, "stride must be an int, got float"),
        ({"padding": True}, TypeError, "padding must be an int, got bool"),
    ],
)
def test_bad_hyperparameters(kwargs, error, match) -> None:
    with pytest.raises(error, match=match):
        corr2d_padded(torch.zeros(4, 4), torch.zeros(2, 2), **kwargs)


def test_bad_sizes_and_modules() -> None:
    with pytest.raises(ValueError, match="s must be >= 1, got 0"):
        conv_output_size(8, 3, s=0)
    with pytest.raises(ValueError, match="k must be >= 1, got 0"):
        same_padding(0)
    with pytest.raises(ValueError, match="kernel_size must be >= 1"):
        Conv2D((0, 2))
    with pytest.raises(TypeError, match=r"conv must be an nn\.Conv2d, got Linear"):
        conv_to_linear(nn.Linear(3, 3))
    with pytest.raises(ValueError, match=r"padding=\(1, 1\)"):
        conv_to_linear(nn.Conv2d(1, 1, 3, padding=1))
