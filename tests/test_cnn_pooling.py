"""dlnotes.cnn.pooling against F.max_pool2d / F.avg_pool2d: values, gradients, shapes."""

from __future__ import annotations

import itertools

import pytest
import torch
import torch.nn.functional as F
from builtin_check import assert_same_as_builtin
from torch import nn

from dlnotes.cnn.conv import corr2d
from dlnotes.cnn.pooling import global_avg_pool2d, pool2d, pool2d_nchw, pool_output_size


def test_d2l_examples() -> None:
    X = torch.arange(9.0).reshape(3, 3)
    assert torch.equal(pool2d(X, (2, 2)), torch.tensor([[4.0, 5.0], [7.0, 8.0]]))
    assert torch.equal(pool2d(X, (2, 2), "avg"), torch.tensor([[2.0, 3.0], [5.0, 6.0]]))


@pytest.mark.parametrize("size", [(2, 2), (1, 3), (3, 2), 4])
def test_pool2d_matches_builtin_stride_one(size) -> None:
    torch.manual_seed(0)
    X = torch.randn(5, 6)

    def builtin_max(X):
        return F.max_pool2d(X[None, None], size, stride=1)[0, 0]

    def builtin_avg(X):
        return F.avg_pool2d(X[None, None], size, stride=1)[0, 0]

    assert_same_as_builtin(lambda X: pool2d(X, size, "max"), builtin_max, X)
    assert_same_as_builtin(lambda X: pool2d(X, size, "avg"), builtin_avg, X)


def _pair(x):
    return x if isinstance(x, tuple) else (x, x)


# (kernel_size, stride, padding), keeping padding <= kernel / 2 as PyTorch requires
GEOMETRIES = [
    (k, s, p)
    for k, s, p in itertools.product(
        [1, 2, 3, (2, 3), (3, 1)], [None, 1, 2, (1, 3)], [0, 1, (1, 0)]
    )
    if all(2 * pi <= ki for pi, ki in zip(_pair(p), _pair(k), strict=True))
]


@pytest.mark.parametrize("ceil_mode", [False, True])
@pytest.mark.parametrize(("kernel_size", "stride", "padding"), GEOMETRIES)
def test_max_pool_matches_builtin(kernel_size, stride, padding, ceil_mode: bool) -> None:
    torch.manual_seed(1)
    X = torch.randn(2, 3, 5, 7)
    kw = {"kernel_size": kernel_size, "stride": stride, "padding": padding, "ceil_mode": ceil_mode}
    assert_same_as_builtin(
        lambda X: pool2d_nchw(X, mode="max", **kw), lambda X: F.max_pool2d(X, **kw), X
    )
    assert pool2d_nchw(X, mode="max", **kw).shape == nn.MaxPool2d(**kw)(X).shape


@pytest.mark.parametrize("count_include_pad", [True, False])
@pytest.mark.parametrize("ceil_mode", [False, True])
@pytest.mark.parametrize(("kernel_size", "stride", "padding"), GEOMETRIES)
def test_avg_pool_matches_builtin(
    kernel_size, stride, padding, ceil_mode: bool, count_include_pad: bool
) -> None:
    torch.manual_seed(2)
    X = torch.randn(2, 3, 6, 5)
    kw = {
        "kernel_size": kernel_size,
        "stride": stride,
        "padding": padding,
        "ceil_mode": ceil_mode,
        "count_include_pad": count_include_pad,
    }
    assert_same_as_builtin(
        lambda X: pool2d_nchw(X, mode="avg", **kw), lambda X: F.avg_pool2d(X, **kw), X
    )
    assert pool2d_nchw(X, mode="avg", **kw).shape == nn.AvgPool2d(**kw)(X).shape


def test_geometries_cover_the_interesting_cases() -> None:
    # ceil_mode adds a window in some geometries, and PyTorch's "start inside" rule removes one
    ceil_adds = drops = 0
    for kernel_size, stride, padding in GEOMETRIES:  # along the first axis of a 5-pixel input
        k, s, p = _pair(kernel_size)[0], _pair(stride or kernel_size)[0], _pair(padding)[0]
        floor, ceil = pool_output_size(5, k, s, p), pool_output_size(5, k, s, p, ceil_mode=True)
        ceil_adds += ceil > floor
        drops += -(-(5 + 2 * p - k) // s) + 1 > ceil  # plain ceil division would keep one more
    assert ceil_adds > 0 and drops > 0
    assert len(GEOMETRIES) > 30


def test_padding_and_count_include_pad_matter() -> None:
    # the avg variants differ where a window overlaps the padding; max ignores padding (-inf)
    X = -torch.ones(1, 1, 4, 4)  # all negative: a zero pad would win a max
    assert torch.equal(pool2d_nchw(X, 3, 1, 1, "max"), -torch.ones(1, 1, 4, 4))
    with_pad = pool2d_nchw(X, 3, 1, 1, "avg", count_include_pad=True)
    without = pool2d_nchw(X, 3, 1, 1, "avg", count_include_pad=False)
    assert torch.equal(without, X)
    assert with_pad[0, 0, 0, 0].item() == pytest.approx(-4 / 9)
    assert with_pad[0, 0, 1, 1].item() == -1.0  # an interior window sees no padding


def test_unbatched_input_and_channels_are_independent() -> None:
    torch.manual_seed(3)
    X = torch.randn(3, 6, 6)
    Y = pool2d_nchw(X, 2, mode="avg")
    assert Y.shape == (3, 3, 3)
    torch.testing.assert_close(Y, F.avg_pool2d(X, 2))
    for c in range(3):  # pooling one channel alone gives the same map
        torch.testing.assert_close(Y[c], pool2d_nchw(X[c : c + 1], 2, mode="avg")[0])


def test_max_gradient_goes_to_the_argmax_only() -> None:
    torch.manual_seed(4)
    X = torch.randn(1, 2, 4, 6).requires_grad_()
    pool2d_nchw(X, 2, mode="max").sum().backward()
    _, idx = F.max_pool2d(X.detach(), 2, return_indices=True)  # flat positions in each H*W map
    expected = torch.zeros(1, 2, 24).scatter_(2, idx.flatten(2), 1.0).reshape(1, 2, 4, 6)
    assert torch.equal(X.grad, expected)
    assert X.grad.sum().item() == 2 * 2 * 3  # one unit of gradient per window


@pytest.mark.parametrize(
    ("kernel_size", "stride", "padding"), [(2, 2, 0), (2, 1, 0), (3, 1, 1), (3, 2, 1)]
)
def test_ties_send_the_gradient_to_one_element_like_pytorch(kernel_size, stride, padding) -> None:
    # repeated values: PyTorch picks the first maximum of a window, and so does max(dim)
    X = torch.tensor(
        [[1.0, 3.0, 3.0, 0.0], [3.0, 1.0, 0.0, 3.0], [2.0, 2.0, 2.0, 2.0], [0.0, 0.0, 2.0, 2.0]]
    )
    for image in (X, torch.zeros(4, 4)):
        assert_same_as_builtin(
            lambda X: pool2d_nchw(X, kernel_size, stride, padding),
            lambda X: F.max_pool2d(X, kernel_size, stride, padding),
            image[None, None],
        )


def test_global_average_pooling() -> None:
    torch.manual_seed(5)
    X = torch.randn(2, 4, 5, 3)
    Y = global_avg_pool2d(X)
    assert Y.shape == (2, 4, 1, 1)
    torch.testing.assert_close(Y, nn.AdaptiveAvgPool2d(1)(X))
    torch.testing.assert_close(Y.flatten(1), X.mean((2, 3)))
    torch.testing.assert_close(Y, pool2d_nchw(X, (5, 3), mode="avg"))
    assert_same_as_builtin(global_avg_pool2d, nn.AdaptiveAvgPool2d(1), X)


def test_one_pixel_shift_survives_2x2_max_pooling() -> None:
    # D2L's vertical edge: corr2d with [1, -1] marks it with a column of ones
    X = torch.ones(6, 8)
    X[:, 2:6] = 0
    shifted = torch.ones(6, 8)
    shifted[:, 3:7] = 0  # the same image, moved one pixel to the right
    K = torch.tensor([[1.0, -1.0]])
    Y, Y_shifted = corr2d(X, K), corr2d(shifted, K)
    assert not torch.equal(Y, Y_shifted)
    P, P_shifted = pool2d(Y, (2, 2)), pool2d(Y_shifted, (2, 2))
    assert torch.equal(P[:, 1], P_shifted[:, 1])  # column 1 fires before and after the shift
    assert (P[:, 1] == 1).all()


@pytest.mark.parametrize("fn", [lambda X: pool2d(X, 2), lambda X: pool2d_nchw(X[None, None], 2)])
def test_integer_dtype_is_a_type_error(fn) -> None:
    with pytest.raises(TypeError, match="floating-point"):
        fn(torch.zeros(4, 4, dtype=torch.long))


def test_bad_arguments() -> None:
    X = torch.zeros(1, 1, 4, 4)
    with pytest.raises(ValueError, match="mode must be one of"):
        pool2d_nchw(X, 2, mode="sum")
    with pytest.raises(
        ValueError, match=r"padding \(2, 2\) must be at most half of kernel_size \(3, 3\)"
    ):
        pool2d_nchw(X, 3, padding=2)
    with pytest.raises(
        ValueError, match=r"kernel_size \(7, 7\) is larger than the padded input \(6, 6\)"
    ):
        pool2d_nchw(X, 7, padding=1)
    with pytest.raises(ValueError, match=r"pool_size \(5, 2\) is larger than the input \(4, 4\)"):
        pool2d(X[0, 0], (5, 2))
    with pytest.raises(ValueError, match="must have 3 or 4 dimensions"):
        pool2d_nchw(X[0, 0], 2)
    with pytest.raises(ValueError, match="stride must be >= 1"):
        pool2d_nchw(X, 2, stride=0)
    with pytest.raises(ValueError, match="padding must be >= 0"):
        pool2d_nchw(X, 2, padding=-1)
    with pytest.raises(TypeError, match="kernel_size must be an int or a pair"):
        pool2d_nchw(X, 2.0)
    with pytest.raises(ValueError, match="must have 4 dimensions"):
        global_avg_pool2d(X[0])
    with pytest.raises(ValueError, match="s must be >= 1"):
        pool_output_size(5, 2, 0, 0)
