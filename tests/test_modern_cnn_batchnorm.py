"""Batch normalization from scratch (dlnotes.modern_cnn.batchnorm) against nn.BatchNorm1d/2d."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from dlnotes.modern_cnn.batchnorm import BatchNorm, batch_norm, check_momentum, lenet_bn

# (input shape, built-in class, num_dims): fully connected, 1d sequence, convolutional
CASES = [
    ((8, 5), nn.BatchNorm1d, 2),
    ((6, 5, 7), nn.BatchNorm1d, 3),
    ((4, 5, 3, 3), nn.BatchNorm2d, 4),
    ((2, 5, 1, 2), nn.BatchNorm2d, 4),  # only 4 values per channel
]
IDS = ["fc", "seq", "conv", "tiny"]
DTYPES = [torch.float32, torch.float64]


def _pair(shape, Builtin, num_dims, dtype, **kwargs):
    """Our layer and the built-in one with the same random gamma and beta."""
    ours = BatchNorm(shape[1], num_dims, **kwargs).to(dtype)
    theirs = Builtin(shape[1], **kwargs).to(dtype)
    if ours.affine:
        with torch.no_grad():
            theirs.weight.uniform_(0.5, 1.5)
            theirs.bias.normal_()
            ours.gamma.copy_(theirs.weight)
            ours.beta.copy_(theirs.bias)
    return ours, theirs


def _forward_backward(layer, X, params):
    """Output and the gradients wrt X and ``params`` of a weighted sum of the output."""
    X = X.detach().clone().requires_grad_()
    for p in params:
        p.grad = None
    out = layer(X)
    weight = torch.linspace(-1.0, 2.0, out.numel(), dtype=out.dtype).reshape(out.shape)
    (out * weight).sum().backward()
    return out.detach(), X.grad, [p.grad for p in params]


def _assert_same_step(ours, theirs, X):
    ours_params = [ours.gamma, ours.beta] if ours.affine else []
    theirs_params = [theirs.weight, theirs.bias] if theirs.affine else []
    out, gx, gp = _forward_backward(ours, X, ours_params)
    ref, rgx, rgp = _forward_backward(theirs, X, theirs_params)
    torch.testing.assert_close(out, ref)
    torch.testing.assert_close(gx, rgx)
    for g, r in zip(gp, rgp, strict=True):
        torch.testing.assert_close(g, r)


def _assert_same_stats(ours, theirs):
    torch.testing.assert_close(ours.moving_mean, theirs.running_mean)
    torch.testing.assert_close(ours.moving_var, theirs.running_var)
    assert ours.num_batches_tracked.item() == theirs.num_batches_tracked.item()


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(("shape", "Builtin", "num_dims"), CASES, ids=IDS)
@pytest.mark.parametrize("momentum", [0.1, 0.5, None])
def test_train_then_eval_matches_builtin(shape, Builtin, num_dims, dtype, momentum) -> None:
    torch.manual_seed(0)
    ours, theirs = _pair(shape, Builtin, num_dims, dtype, momentum=momentum)
    for step in range(4):  # training: outputs, gradients, running statistics after each step
        X = (torch.randn(shape) * (step + 1) + step).to(dtype)  # a moving distribution
        _assert_same_step(ours, theirs, X)
        _assert_same_stats(ours, theirs)
    assert ours.num_batches_tracked.item() == 4
    ours.eval()
    theirs.eval()
    X = torch.randn(shape, dtype=dtype)
    _assert_same_step(ours, theirs, X)  # evaluation: running statistics, no update
    _assert_same_stats(ours, theirs)
    assert ours.num_batches_tracked.item() == 4


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(("shape", "Builtin", "num_dims"), CASES, ids=IDS)
@pytest.mark.parametrize(
    "options",
    [
        {"affine": False},
        {"track_running_stats": False},
        {"affine": False, "track_running_stats": False},
        {"eps": 1e-2, "momentum": 1.0},
    ],
    ids=["no-affine", "no-stats", "neither", "eps-momentum"],
)
def test_options_match_builtin(shape, Builtin, num_dims, dtype, options) -> None:
    torch.manual_seed(1)
    ours, theirs = _pair(shape, Builtin, num_dims, dtype, **options)
    for mode in ("train", "eval"):
        getattr(ours, mode)()
        getattr(theirs, mode)()
        for _ in range(2):
            _assert_same_step(ours, theirs, torch.randn(shape, dtype=dtype) * 2 + 1)
        if ours.track_running_stats:
            _assert_same_stats(ours, theirs)
        else:
            assert ours.moving_mean is None and theirs.running_mean is None
    assert (ours.gamma is None) == (theirs.weight is None)


def test_momentum_none_is_the_cumulative_average() -> None:
    torch.manual_seed(0)
    bn = BatchNorm(3, 2, momentum=None)
    batches = [torch.randn(10, 3) * 2 + k for k in range(5)]
    for X in batches:
        bn(X)
    torch.testing.assert_close(bn.moving_mean, torch.stack([X.mean(0) for X in batches]).mean(0))
    torch.testing.assert_close(bn.moving_var, torch.stack([X.var(0) for X in batches]).mean(0))


def test_pytorch_momentum_weights_the_new_value() -> None:
    bn = BatchNorm(1, 2, momentum=0.1)
    bn(torch.tensor([[9.0], [11.0]]))  # batch mean 10, unbiased variance 2
    assert bn.moving_mean.item() == pytest.approx(0.9 * 0 + 0.1 * 10)
    assert bn.moving_var.item() == pytest.approx(0.9 * 1 + 0.1 * 2)


def test_function_is_d2l_and_pure() -> None:
    torch.manual_seed(0)
    X = torch.randn(6, 4, 3, 3)
    gamma, beta = torch.rand(4) + 0.5, torch.randn(4)
    mm, mv = torch.zeros(4), torch.ones(4)
    Y, new_mm, new_mv = batch_norm(X, gamma, beta, mm, mv, eps=1e-5, momentum=0.1)
    mean = X.mean(dim=(0, 2, 3), keepdim=True)
    var = ((X - mean) ** 2).mean(dim=(0, 2, 3), keepdim=True)  # D2L: biased
    expected = gamma.reshape(1, 4, 1, 1) * (X - mean) / torch.sqrt(var + 1e-5)
    torch.testing.assert_close(Y, expected + beta.reshape(1, 4, 1, 1))
    assert torch.equal(mm, torch.zeros(4)) and torch.equal(mv, torch.ones(4))  # not modified
    n = 6 * 3 * 3
    torch.testing.assert_close(new_mv, 0.9 + 0.1 * var.reshape(-1) * n / (n - 1))
    # eval mode: the running statistics, not the batch's
    Y_eval, same_mm, _ = batch_norm(X, gamma, beta, new_mm, new_mv, 1e-5, 0.1, training=False)
    assert same_mm is new_mm
    expected = (X - new_mm.reshape(1, 4, 1, 1)) / torch.sqrt(new_mv.reshape(1, 4, 1, 1) + 1e-5)
    torch.testing.assert_close(
        Y_eval, gamma.reshape(1, 4, 1, 1) * expected + beta.reshape(1, 4, 1, 1)
    )


def test_mode_comes_from_training_flag_not_grad_mode() -> None:
    torch.manual_seed(0)
    bn = BatchNorm(3, 2)
    X = torch.randn(16, 3) * 3 + 5
    with torch.no_grad():
        Y = bn(X)  # still training mode: batch statistics (D2L's version would use running ones)
    assert Y.mean(0).abs().max() < 1e-5
    assert bn.num_batches_tracked.item() == 1


def test_eval_output_of_an_example_is_independent_of_the_batch() -> None:
    torch.manual_seed(0)
    bn = BatchNorm(4, 4)
    for _ in range(3):
        bn(torch.randn(8, 4, 3, 3))
    x = torch.randn(1, 4, 3, 3)
    others = torch.cat([x, torch.randn(5, 4, 3, 3) * 10])
    assert not torch.allclose(bn(others)[:1], bn(torch.cat([x, x])))  # train: coupled
    bn.eval()
    torch.testing.assert_close(bn(others)[:1], bn(x))  # eval: independent


def test_bias_before_batchnorm_is_cancelled_and_gets_zero_gradient() -> None:
    torch.manual_seed(0)
    conv = nn.Conv2d(2, 3, 3).double()
    bn = BatchNorm(3, 4).double()
    X = torch.randn(4, 2, 6, 6, dtype=torch.float64)
    out = bn(conv(X))
    with torch.no_grad():
        conv.bias.add_(torch.tensor([5.0, -3.0, 100.0], dtype=torch.float64))
    torch.testing.assert_close(bn(conv(X)), out)
    conv.zero_grad()
    (bn(conv(X)) * torch.randn(out.shape, dtype=torch.float64)).sum().backward()
    assert conv.bias.grad.abs().max() < 1e-10
    assert conv.weight.grad.abs().max() > 1e-3


def test_batch_of_one_in_training_mode_raises_like_builtin() -> None:
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        BatchNorm(3, 2)(torch.randn(1, 3))
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        nn.BatchNorm1d(3)(torch.randn(1, 3))
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        BatchNorm(3, 4)(torch.randn(1, 3, 1, 1))
    # a single image with several pixels is allowed: statistics over its H*W values
    torch.testing.assert_close(BatchNorm(3, 4)(X := torch.randn(1, 3, 2, 2)), nn.BatchNorm2d(3)(X))
    bn = BatchNorm(3, 2).eval()
    assert bn(torch.randn(1, 3)).shape == (1, 3)  # eval mode: running statistics, fine


def test_two_examples_normalize_to_plus_minus_one() -> None:
    torch.manual_seed(0)
    X = torch.randn(2, 5, dtype=torch.float64) * 10
    Y = BatchNorm(5, 2, eps=1e-12).double()(X)
    torch.testing.assert_close(Y.abs(), torch.ones(2, 5, dtype=torch.float64))


def test_buffers_and_parameters() -> None:
    bn = BatchNorm(4, 4)
    assert [n for n, _ in bn.named_parameters()] == ["gamma", "beta"]
    assert sorted(n for n, _ in bn.named_buffers()) == [
        "moving_mean",
        "moving_var",
        "num_batches_tracked",
    ]
    bn = bn.double()
    assert bn.moving_mean.dtype == torch.float64 and bn.num_batches_tracked.dtype == torch.long
    assert list(BatchNorm(4, 4, affine=False, track_running_stats=False).state_dict()) == []


def test_bad_inputs() -> None:
    bn = BatchNorm(3, 2)
    with pytest.raises(ValueError, match=r"expected 3 features \(channels\) at dim 1.*\(8, 4\)"):
        bn(torch.randn(8, 4))
    with pytest.raises(ValueError, match=r"expected 3 features .*expected 2 dimensions"):
        bn(torch.randn(8, 3, 5, 5))
    with pytest.raises(TypeError, match=r"floating-point dtype, got torch\.int64"):
        bn(torch.ones(8, 3, dtype=torch.long))
    with pytest.raises(TypeError, match=r"torch\.Tensor"):
        bn([[1.0, 2.0, 3.0]])
    with pytest.raises(ValueError, match="num_dims must be 2, 3 or 4"):
        BatchNorm(3, 5)
    with pytest.raises(ValueError, match="num_features must be >= 1"):
        BatchNorm(0, 2)
    with pytest.raises(TypeError, match="num_features must be an int"):
        BatchNorm(3.0, 2)
    with pytest.raises(ValueError, match="eps must be > 0"):
        BatchNorm(3, 2, eps=0.0)
    with pytest.raises(ValueError, match="momentum must be in"):
        BatchNorm(3, 2, momentum=0.9 + 1)
    with pytest.raises(TypeError, match="momentum must be a float in"):
        check_momentum(None)
    X = torch.randn(4, 3)
    with pytest.raises(ValueError, match=r"gamma must have shape \(3,\)"):
        batch_norm(X, torch.ones(4), torch.zeros(3), None, None, 1e-5, 0.1)
    with pytest.raises(ValueError, match="both be tensors or both be None"):
        batch_norm(X, None, None, torch.zeros(3), None, 1e-5, 0.1)
    with pytest.raises(ValueError, match="X must have 2 or 3 or 4 dimensions"):
        batch_norm(torch.randn(4), None, None, None, None, 1e-5, 0.1)


def test_lenet_bn_scratch_equals_builtin() -> None:
    torch.manual_seed(0)
    ours, theirs = lenet_bn(), lenet_bn(builtin=True)
    # same layers in the same order; our BatchNorm names its tensors as D2L does
    rename = {"gamma": "weight", "beta": "bias", "moving_mean": "running_mean"}
    rename["moving_var"] = "running_var"
    state = {}
    for key, value in ours.state_dict().items():
        prefix, _, name = key.rpartition(".")
        state[f"{prefix}.{rename.get(name, name)}"] = value
    theirs.load_state_dict(state)
    X = torch.rand(8, 1, 28, 28)
    torch.testing.assert_close(ours(X), theirs(X))  # training mode
    ours.eval()
    theirs.eval()
    torch.testing.assert_close(ours(X), theirs(X))  # evaluation mode, updated statistics
    assert sum(p.numel() for p in ours.parameters()) == 61706 + 2 * (6 + 16 + 120 + 84)
    with pytest.raises(ValueError, match=r"LeNet expects a batch of shape \(n, 1, 28, 28\)"):
        ours(torch.rand(2, 1, 8, 8))
