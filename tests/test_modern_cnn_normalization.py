"""LayerNorm, InstanceNorm, GroupNorm, RMSNorm and weight normalization from scratch
(dlnotes.modern_cnn.normalization) against their PyTorch built-ins."""

from __future__ import annotations

import pytest
import torch
from builtin_check import assert_same_as_builtin
from torch import nn
from torch.nn.utils.parametrizations import weight_norm

from dlnotes.modern_cnn.normalization import (
    GroupNorm,
    InstanceNorm2d,
    LayerNorm,
    RMSNorm,
    group_norm,
    instance_norm,
    layer_norm,
    normalize,
    rms_norm,
    weight_norm_weight,
)

DTYPES = [torch.float32, torch.float64]


def _randomize(module: nn.Module) -> None:
    """Random affine parameters, so that a swapped scale and shift would show."""
    with torch.no_grad():
        for name, p in module.named_parameters():
            p.copy_(torch.rand_like(p) + 0.5 if name == "weight" else torch.randn_like(p))


def _assert_same_module(ours: nn.Module, theirs: nn.Module, X: torch.Tensor) -> None:
    """Same outputs, same gradients wrt the input and wrt every parameter."""
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    results = []
    for module in (ours, theirs):
        module.zero_grad()
        x = X.detach().clone().requires_grad_()
        out = module(x)
        weight = torch.linspace(-1.0, 2.0, out.numel(), dtype=out.dtype).reshape(out.shape)
        (out * weight).sum().backward()
        results.append([out.detach(), x.grad] + [p.grad for p in module.parameters()])
    for a, b in zip(*results, strict=True):
        torch.testing.assert_close(a, b)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    ("shape", "normalized_shape"),
    [((4, 7), 7), ((3, 5, 6), (6,)), ((2, 3, 4, 5), (4, 5)), ((2, 3, 4, 5), (3, 4, 5))],
)
@pytest.mark.parametrize("elementwise_affine", [True, False])
def test_layer_norm_matches_builtin(shape, normalized_shape, elementwise_affine, dtype) -> None:
    torch.manual_seed(0)
    theirs = nn.LayerNorm(normalized_shape, elementwise_affine=elementwise_affine).to(dtype)
    _randomize(theirs)
    ours = LayerNorm(normalized_shape, elementwise_affine=elementwise_affine).to(dtype)
    ours.load_state_dict(theirs.state_dict())
    X = torch.randn(shape, dtype=dtype) * 3 + 1
    _assert_same_module(ours, theirs, X)
    ours.eval()
    theirs.eval()  # no running statistics: the same in both modes
    _assert_same_module(ours, theirs, X)


def test_layer_norm_without_bias_and_functional_form() -> None:
    torch.manual_seed(0)
    theirs = nn.LayerNorm(6, bias=False)
    _randomize(theirs)
    ours = LayerNorm(6, bias=False)
    ours.load_state_dict(theirs.state_dict())
    _assert_same_module(ours, theirs, torch.randn(4, 6))
    w, b = torch.rand(3, 4) + 0.5, torch.randn(3, 4)
    assert_same_as_builtin(
        lambda X, w, b: layer_norm(X, (3, 4), w, b, eps=1e-3),
        lambda X, w, b: nn.functional.layer_norm(X, (3, 4), w, b, eps=1e-3),
        torch.randn(5, 3, 4),
        w,
        b,
    )


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("affine", [True, False])
@pytest.mark.parametrize("track_running_stats", [True, False])
@pytest.mark.parametrize("shape", [(4, 3, 5, 5), (1, 2, 3, 7)])
def test_instance_norm_matches_builtin(shape, affine, track_running_stats, dtype) -> None:
    torch.manual_seed(0)
    C = shape[1]
    theirs = nn.InstanceNorm2d(C, affine=affine, track_running_stats=track_running_stats)
    theirs = theirs.to(dtype)
    _randomize(theirs)
    ours = InstanceNorm2d(C, affine=affine, track_running_stats=track_running_stats).to(dtype)
    state = {k: v for k, v in theirs.state_dict().items() if k != "num_batches_tracked"}
    ours.load_state_dict(state)
    for step in range(3):
        _assert_same_module(ours, theirs, torch.randn(shape, dtype=dtype) * (step + 1) + step)
        if track_running_stats:
            torch.testing.assert_close(ours.running_mean, theirs.running_mean)
            torch.testing.assert_close(ours.running_var, theirs.running_var)
    ours.eval()
    theirs.eval()
    _assert_same_module(ours, theirs, torch.randn(shape, dtype=dtype))


def test_instance_norm_functional_and_3d_5d() -> None:
    torch.manual_seed(0)
    for shape in [(2, 3, 8), (2, 3, 4, 5), (2, 3, 2, 3, 4)]:
        w, b = torch.rand(3) + 0.5, torch.randn(3)
        assert_same_as_builtin(
            lambda X, w, b: instance_norm(X, w, b),
            lambda X, w, b: nn.functional.instance_norm(X, weight=w, bias=b),
            torch.randn(shape),
            w,
            b,
        )


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("num_groups", [1, 2, 3, 6])
@pytest.mark.parametrize("shape", [(4, 6, 5, 5), (1, 6, 3, 4), (2, 6, 7)])
@pytest.mark.parametrize("affine", [True, False])
def test_group_norm_matches_builtin(num_groups, shape, affine, dtype) -> None:
    torch.manual_seed(0)
    theirs = nn.GroupNorm(num_groups, 6, affine=affine).to(dtype)
    _randomize(theirs)
    ours = GroupNorm(num_groups, 6, affine=affine).to(dtype)
    ours.load_state_dict(theirs.state_dict())
    _assert_same_module(ours, theirs, torch.randn(shape, dtype=dtype) * 2 - 1)


@pytest.mark.parametrize("num_groups", [1, 2, 3, 6])
def test_group_norm_of_features_matches_builtin(num_groups) -> None:
    # (N, C) input: groups of 6, 3, 2 or 1 values. A group of one or two values gives 0 or
    # +-1 whatever the input, and its gradient wrt the input is ~0: in float32 that is
    # rounding noise, so the comparison is in float64.
    torch.manual_seed(0)
    theirs = nn.GroupNorm(num_groups, 6).double()
    _randomize(theirs)
    ours = GroupNorm(num_groups, 6).double()
    ours.load_state_dict(theirs.state_dict())
    _assert_same_module(ours, theirs, torch.randn(3, 6, dtype=torch.float64) * 2 - 1)


@pytest.mark.parametrize("dtype", DTYPES)
def test_group_norm_limits_are_layer_norm_and_instance_norm(dtype) -> None:
    torch.manual_seed(0)
    X = torch.randn(3, 6, 4, 5, dtype=dtype)
    one_group = nn.GroupNorm(1, 6, affine=False).to(dtype)
    per_channel = nn.GroupNorm(6, 6, affine=False).to(dtype)
    torch.testing.assert_close(
        one_group(X), nn.LayerNorm((6, 4, 5), elementwise_affine=False).to(dtype)(X)
    )
    torch.testing.assert_close(per_channel(X), nn.InstanceNorm2d(6).to(dtype)(X))
    torch.testing.assert_close(group_norm(X, 1), layer_norm(X, (6, 4, 5)))
    torch.testing.assert_close(group_norm(X, 6), instance_norm(X))
    torch.testing.assert_close(
        group_norm(X, 2), normalize(X.reshape(3, 2, 3, 4, 5), (2, 3, 4)).reshape(X.shape)
    )


def test_no_normalization_but_batch_norm_mixes_examples() -> None:
    torch.manual_seed(0)
    x = torch.randn(1, 6, 4, 4)
    batch = torch.cat([x, torch.randn(3, 6, 4, 4) * 5])
    for layer in (LayerNorm((6, 4, 4)), InstanceNorm2d(6), GroupNorm(3, 6), RMSNorm((6, 4, 4))):
        torch.testing.assert_close(layer(batch)[:1], layer(x))  # batch of one is fine too
    bn = nn.BatchNorm2d(6)
    assert not torch.allclose(bn(batch)[:1], bn(torch.cat([x, x])))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(("shape", "normalized_shape"), [((4, 8), 8), ((2, 3, 4, 5), (4, 5))])
@pytest.mark.parametrize("eps", [None, 1e-3])
@pytest.mark.parametrize("elementwise_affine", [True, False])
def test_rms_norm_matches_builtin(shape, normalized_shape, eps, elementwise_affine, dtype) -> None:
    torch.manual_seed(0)
    X = torch.randn(shape, dtype=dtype) + 0.5
    ours = RMSNorm(normalized_shape, eps=eps, elementwise_affine=elementwise_affine).to(dtype)
    if hasattr(nn, "RMSNorm"):  # torch >= 2.4
        theirs = nn.RMSNorm(normalized_shape, eps=eps, elementwise_affine=elementwise_affine)
        theirs = theirs.to(dtype)
        _randomize(theirs)
        ours.load_state_dict(theirs.state_dict())
        _assert_same_module(ours, theirs, X)
    # the formula, written out: no mean subtracted, no bias
    dims = tuple(range(X.dim() - (1 if isinstance(normalized_shape, int) else 2), X.dim()))
    e = torch.finfo(dtype).eps if eps is None else eps
    expected = X / torch.sqrt((X**2).mean(dim=dims, keepdim=True) + e)
    if elementwise_affine:
        expected = expected * ours.weight.detach()
    torch.testing.assert_close(ours(X).detach(), expected)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    ("make", "dim"),
    [
        (lambda: nn.Linear(5, 3), 0),
        (lambda: nn.Linear(5, 3), 1),
        (lambda: nn.Conv2d(2, 4, 3), 0),
    ],
)
def test_weight_norm_matches_parametrization(make, dim, dtype) -> None:
    torch.manual_seed(0)
    layer = make().to(dtype)
    w0 = layer.weight.detach().clone()
    layer = weight_norm(layer, dim=dim)
    g = layer.parametrizations.weight.original0
    v = layer.parametrizations.weight.original1
    torch.testing.assert_close(layer.weight, w0)  # initialized to the same weight: g = ||w||
    with torch.no_grad():
        g.mul_(torch.rand_like(g) + 0.5)
        v.add_(torch.randn_like(v))
    torch.testing.assert_close(weight_norm_weight(g, v, dim), layer.weight)
    # gradients wrt g and v flow through the same formula
    assert_same_as_builtin(
        lambda g, v: weight_norm_weight(g, v, dim),
        lambda g, v: torch._weight_norm(v, g, dim),
        g.detach(),
        v.detach(),
    )


def test_normalized_statistics() -> None:
    torch.manual_seed(0)
    X = torch.randn(4, 6, 5, 5, dtype=torch.float64) * 3 + 2
    Y = layer_norm(X, (6, 5, 5))
    torch.testing.assert_close(Y.mean(dim=(1, 2, 3)), torch.zeros(4, dtype=torch.float64))
    torch.testing.assert_close(
        Y.var(dim=(1, 2, 3), unbiased=False), torch.ones(4, dtype=torch.float64), atol=1e-4, rtol=0
    )
    Y = rms_norm(X, (5,))
    torch.testing.assert_close((Y**2).mean(-1), torch.ones(4, 6, 5, dtype=torch.float64))


def test_bad_inputs() -> None:
    X = torch.randn(2, 6, 4, 4)
    with pytest.raises(
        ValueError, match=r"LayerNorm expected X of shape \(\.\.\., 5, 5\), got \(2, 6, 4, 4\)"
    ):
        LayerNorm((5, 5))(X)
    with pytest.raises(ValueError, match=r"InstanceNorm2d expected 3 channels.*\(2, 6, 4, 4\)"):
        InstanceNorm2d(3)(X)
    with pytest.raises(ValueError, match=r"GroupNorm expected 4 channels.*\(2, 6, 4, 4\)"):
        GroupNorm(2, 4)(X)
    with pytest.raises(ValueError, match=r"RMSNorm expected X of shape \(\.\.\., 3\)"):
        RMSNorm(3)(X)
    with pytest.raises(ValueError, match="6 channels, 4 groups"):
        GroupNorm(4, 6)
    with pytest.raises(ValueError, match="6 channels, 4 groups"):
        group_norm(X, 4)
    with pytest.raises(ValueError, match="num_groups must be an int >= 1"):
        GroupNorm(0, 6)
    integer = torch.ones(2, 6, 4, 4, dtype=torch.long)
    for layer in (LayerNorm(4), InstanceNorm2d(6), GroupNorm(2, 6), RMSNorm(4)):
        with pytest.raises(TypeError, match=r"floating-point dtype, got torch\.int64"):
            layer(integer)
    with pytest.raises(ValueError, match="X must have 4 dimensions"):
        InstanceNorm2d(6)(torch.randn(2, 6, 4))
    with pytest.raises(ValueError, match="more than 1 spatial element"):
        instance_norm(torch.randn(2, 6, 1, 1))
    with pytest.raises(ValueError, match="normalized_shape must be positive ints"):
        LayerNorm((4, 0))
    with pytest.raises(ValueError, match=r"g must have shape \(2, 1\)"):
        weight_norm_weight(torch.ones(2), torch.ones(2, 3))
    with pytest.raises(ValueError, match="momentum must be in"):
        InstanceNorm2d(3, momentum=2.0)
