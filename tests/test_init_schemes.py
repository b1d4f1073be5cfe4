"""dlnotes.mlp.init against torch.nn.init: gains, fans, and the statistics of every scheme."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from dlnotes.mlp.init import (
    NONLINEARITIES,
    calculate_gain,
    fan_in_and_fan_out,
    kaiming_normal_,
    kaiming_uniform_,
    orthogonal_,
    sparse_,
    xavier_normal_,
    xavier_uniform_,
)


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


# ----------------------------------------------------------------------------- gains, fans


@pytest.mark.parametrize("nonlinearity", NONLINEARITIES)
def test_gain_equals_torch_for_every_nonlinearity(nonlinearity) -> None:
    assert calculate_gain(nonlinearity) == nn.init.calculate_gain(nonlinearity)


@pytest.mark.parametrize("slope", [None, 0, 0.01, 0.2, 1, math.sqrt(5), 3.0])
def test_leaky_relu_gain_equals_torch(slope) -> None:
    ours = calculate_gain("leaky_relu", slope)
    assert ours == nn.init.calculate_gain("leaky_relu", slope)
    a = 0.01 if slope is None else slope
    assert ours == pytest.approx(math.sqrt(2 / (1 + a**2)))
    # the parameter only matters for leaky ReLU
    assert calculate_gain("relu", slope) == calculate_gain("relu") == math.sqrt(2)


def test_gain_bad_inputs_raise_like_torch() -> None:
    for name in ("gelu", "ReLU", ""):
        with pytest.raises(ValueError, match="nonlinearity must be one of"):
            calculate_gain(name)
        with pytest.raises(ValueError):
            nn.init.calculate_gain(name)
    for param in (True, "0.2", [0.2]):
        with pytest.raises(ValueError, match="negative slope must be a number"):
            calculate_gain("leaky_relu", param)
        with pytest.raises(ValueError):
            nn.init.calculate_gain("leaky_relu", param)


SHAPES = [(1, 1), (7, 3), (3, 7), (6, 4, 3), (16, 3, 5, 5), (8, 2, 3, 4), (4, 2, 1, 2, 3)]


@pytest.mark.parametrize("shape", SHAPES)
def test_fans_equal_torch(shape) -> None:
    w = torch.empty(shape)
    assert fan_in_and_fan_out(w) == nn.init._calculate_fan_in_and_fan_out(w)


def test_fans_of_real_layers() -> None:
    layers = [
        nn.Linear(7, 3),
        nn.Conv1d(4, 6, 3),
        nn.Conv2d(3, 16, 5),
        nn.Conv2d(8, 16, 3, groups=4),  # weight (16, 2, 3, 3): fan_in counts one group
        nn.Conv3d(2, 4, (1, 2, 3)),
        nn.ConvTranspose2d(3, 8, 4),  # weight (3, 8, 4, 4): dims 0 and 1 swap roles
    ]
    expected = [(7, 3), (12, 18), (75, 400), (18, 144), (12, 24), (128, 48)]
    for layer, fans in zip(layers, expected, strict=True):
        assert fan_in_and_fan_out(layer.weight) == fans
        assert fans == nn.init._calculate_fan_in_and_fan_out(layer.weight)


@pytest.mark.parametrize("shape", [(5,), ()])
def test_fans_need_two_dimensions_like_torch(shape) -> None:
    w = torch.empty(shape)
    with pytest.raises(ValueError, match="at least 2 dimensions, got shape"):
        fan_in_and_fan_out(w)
    with pytest.raises(ValueError):
        nn.init._calculate_fan_in_and_fan_out(w)
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        xavier_uniform_(w)
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        kaiming_normal_(w)
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        orthogonal_(w)
    with pytest.raises(TypeError, match=r"must be a torch\.Tensor"):
        fan_in_and_fan_out([[1.0, 2.0]])


# ------------------------------------------------------------------ statistics of each scheme

BIG = (1024, 512, 3)  # a Conv1d weight: fan_in = 1536, fan_out = 3072, 1.6M entries
FAN_IN, FAN_OUT = 512 * 3, 1024 * 3
SQRT3 = math.sqrt(3)

# (ours, torch's, kwargs, expected std, uniform?)
SCHEMES = [
    (xavier_uniform_, nn.init.xavier_uniform_, {}, math.sqrt(2 / (FAN_IN + FAN_OUT)), True),
    (
        xavier_uniform_,
        nn.init.xavier_uniform_,
        {"gain": 5 / 3},
        5 / 3 * math.sqrt(2 / (FAN_IN + FAN_OUT)),
        True,
    ),
    (xavier_normal_, nn.init.xavier_normal_, {}, math.sqrt(2 / (FAN_IN + FAN_OUT)), False),
    (kaiming_uniform_, nn.init.kaiming_uniform_, {}, math.sqrt(2 / FAN_IN), True),
    (
        kaiming_uniform_,
        nn.init.kaiming_uniform_,
        {"a": math.sqrt(5)},  # nn.Linear's default: U(-1/sqrt(fan_in), 1/sqrt(fan_in))
        1 / math.sqrt(3 * FAN_IN),
        True,
    ),
    (
        kaiming_normal_,
        nn.init.kaiming_normal_,
        {"mode": "fan_out", "nonlinearity": "relu"},
        math.sqrt(2 / FAN_OUT),
        False,
    ),
    (
        kaiming_normal_,
        nn.init.kaiming_normal_,
        {"a": 0.2},
        math.sqrt(2 / (1 + 0.2**2)) / math.sqrt(FAN_IN),
        False,
    ),
    (
        kaiming_normal_,
        nn.init.kaiming_normal_,
        {"nonlinearity": "tanh", "mode": "fan_out"},
        5 / 3 / math.sqrt(FAN_OUT),
        False,
    ),
]
SCHEME_IDS = [f"{s[0].__name__}{s[2]}" for s in SCHEMES]


def _stats(w: torch.Tensor) -> dict[str, float]:
    std = w.std().item()
    return {
        "mean": w.mean().item(),
        "std": std,
        "max_abs": w.abs().max().item(),
        "within_1_std": (w.abs() < std).float().mean().item(),  # 0.683 normal, 0.577 uniform
    }


@pytest.mark.parametrize("ours, theirs, kwargs, std, uniform", SCHEMES, ids=SCHEME_IDS)
def test_statistics_match_torch(ours, theirs, kwargs, std, uniform) -> None:
    a = _stats(ours(torch.empty(BIG), generator=_gen(0), **kwargs))
    b = _stats(theirs(torch.empty(BIG), generator=_gen(1), **kwargs))  # a different draw
    for s in (a, b):
        assert s["std"] == pytest.approx(std, rel=0.01)
        assert abs(s["mean"]) < 0.01 * std  # the standard error of the mean is std / 1270
        if uniform:  # U(-bound, bound) with bound = sqrt(3) * std, and the extremes are hit
            assert std * SQRT3 * 0.999 < s["max_abs"] <= std * SQRT3
            assert s["within_1_std"] == pytest.approx(1 / SQRT3, abs=0.005)
        else:
            assert s["max_abs"] > 4.5 * std  # Gaussian tails: far beyond sqrt(3) * std
            assert s["within_1_std"] == pytest.approx(math.erf(1 / math.sqrt(2)), abs=0.005)
    assert a["std"] == pytest.approx(b["std"], rel=0.01)
    assert a["within_1_std"] == pytest.approx(b["within_1_std"], abs=0.005)


@pytest.mark.parametrize("ours, theirs, kwargs, std, uniform", SCHEMES, ids=SCHEME_IDS)
def test_same_generator_gives_the_same_numbers_as_torch(ours, theirs, kwargs, std, uniform):
    for shape in [(30, 50), (50, 30), (8, 4, 3, 3)]:
        a = ours(torch.empty(shape), generator=_gen(3), **kwargs)
        b = theirs(torch.empty(shape), generator=_gen(3), **kwargs)
        torch.testing.assert_close(a, b, rtol=0, atol=0)
    same = ours(torch.empty(30, 50), generator=_gen(3), **kwargs)
    other = ours(torch.empty(30, 50), generator=_gen(4), **kwargs)
    assert not torch.equal(same, other)  # the generator really drives the draw


def test_linear_default_is_kaiming_uniform_with_a_sqrt5() -> None:
    torch.manual_seed(0)
    layer = nn.Linear(1000, 300)
    torch.manual_seed(0)  # nn.Linear draws its weight first, from the global generator
    w = kaiming_uniform_(torch.empty(300, 1000), a=math.sqrt(5))
    torch.testing.assert_close(w, layer.weight.detach(), rtol=0, atol=0)
    assert 0.999 / math.sqrt(1000) < w.abs().max().item() <= 1 / math.sqrt(1000)


# --------------------------------------------------------------------------------- orthogonal


@pytest.mark.parametrize("shape", [(64, 256), (256, 64), (100, 100), (16, 8, 3, 3), (24, 4, 3)])
@pytest.mark.parametrize("gain", [1.0, 2.5])
def test_orthogonal_gives_gain_squared_identity_like_torch(shape, gain) -> None:
    for fn, seed in ((orthogonal_, 0), (nn.init.orthogonal_, 1)):
        w = fn(torch.empty(shape, dtype=torch.float64), gain=gain, generator=_gen(seed))
        m = w.reshape(shape[0], -1)  # (rows, cols)
        rows, cols = m.shape
        gram = m @ m.T if rows <= cols else m.T @ m  # the smaller Gram matrix
        torch.testing.assert_close(gram, gain**2 * torch.eye(min(rows, cols), dtype=w.dtype))
        s = torch.linalg.svdvals(m)  # every singular value equals the gain
        torch.testing.assert_close(s, torch.full_like(s, gain))


def test_orthogonal_sign_fix_makes_the_diagonal_unbiased() -> None:
    # Haar (uniform) orthogonal matrices have E[Q_ii] = 0. Raw Householder QR returns
    # r_11 = -sign(a_11) ||a_1||, so without the sign fix Q_11 = a_11 / r_11 is always < 0.
    g = _gen(0)
    ours = torch.stack([orthogonal_(torch.empty(4, 4), generator=g) for _ in range(400)])
    q_raw = torch.stack([torch.linalg.qr(torch.randn(4, 4, generator=g))[0] for _ in range(400)])
    assert abs((ours[:, 0, 0] > 0).float().mean().item() - 0.5) < 0.1
    assert abs(ours.diagonal(dim1=1, dim2=2).mean().item()) < 0.05
    assert (q_raw[:, 0, 0] > 0).float().mean().item() < 0.1  # biased: the fix is needed


def test_orthogonal_in_low_precision() -> None:
    w = orthogonal_(torch.empty(32, 16, dtype=torch.bfloat16), generator=_gen(0))
    gram = w.double().T @ w.double()
    assert w.dtype == torch.bfloat16
    torch.testing.assert_close(gram, torch.eye(16, dtype=torch.float64), atol=0.02, rtol=0)


# ------------------------------------------------------------------------------------- sparse


@pytest.mark.parametrize("sparsity", [0.0, 0.1, 0.37, 0.9])
def test_sparse_zeros_per_column_like_torch(sparsity) -> None:
    rows, cols, std = 199, 300, 0.05  # sparsity * rows is not an integer: ceil matters
    num_zeros = math.ceil(sparsity * rows)
    torch.manual_seed(0)  # torch's sparse_ picks the zero rows with the global generator
    for w in (
        sparse_(torch.empty(rows, cols), sparsity, std=std, generator=_gen(0)),
        nn.init.sparse_(torch.empty(rows, cols), sparsity, std=std, generator=_gen(1)),
    ):
        zeros = w == 0
        assert zeros.sum(dim=0).tolist() == [num_zeros] * cols  # exactly, in every column
        nonzero = w[~zeros]
        assert nonzero.std().item() == pytest.approx(std, rel=0.03)
        assert abs(nonzero.mean().item()) < 0.03 * std
        if 0 < sparsity:  # the zero rows differ between columns: about cols * sparsity per row
            per_row = zeros.sum(dim=1).float()
            assert per_row.min() < per_row.max()
            assert per_row.mean().item() == pytest.approx(cols * num_zeros / rows)


def test_sparse_is_reproducible_with_a_generator() -> None:
    a = sparse_(torch.empty(50, 40), 0.5, generator=_gen(7))
    b = sparse_(torch.empty(50, 40), 0.5, generator=_gen(7))
    c = sparse_(torch.empty(50, 40), 0.5, generator=_gen(8))
    assert torch.equal(a, b)
    assert not torch.equal(a == 0, c == 0)


@pytest.mark.parametrize("sparsity", [-0.1, 1.0, 1.5, float("nan")])
def test_sparse_bad_sparsity(sparsity) -> None:
    with pytest.raises(ValueError, match=r"sparsity must be in \[0, 1\)"):
        sparse_(torch.empty(5, 4), sparsity)


def test_sparse_bad_inputs() -> None:
    with pytest.raises(TypeError, match="sparsity must be a number"):
        sparse_(torch.empty(5, 4), "0.5")
    with pytest.raises(ValueError, match="needs a 2-D tensor, got shape"):
        sparse_(torch.empty(5, 4, 3), 0.5)
    with pytest.raises(ValueError):
        nn.init.sparse_(torch.empty(5, 4, 3), 0.5)  # torch agrees on the rank
    with pytest.raises(ValueError, match="std must be >= 0"):
        sparse_(torch.empty(5, 4), 0.5, std=-1.0)


# ---------------------------------------------------------------------- in place, bad inputs

ALL = [
    (xavier_uniform_, {}),
    (xavier_normal_, {}),
    (kaiming_uniform_, {}),
    (kaiming_normal_, {}),
    (orthogonal_, {}),
    (sparse_, {"sparsity": 0.5}),
]


@pytest.mark.parametrize("fn, kwargs", ALL, ids=[f.__name__ for f, _ in ALL])
def test_in_place_on_parameters_without_recording_gradients(fn, kwargs) -> None:
    layer = nn.Linear(20, 10)
    ptr = layer.weight.data_ptr()
    out = fn(layer.weight, **kwargs)  # a leaf that requires grad: needs torch.no_grad()
    assert out is layer.weight and out.data_ptr() == ptr
    assert out.requires_grad and out.grad_fn is None and out.is_leaf
    assert fn(torch.empty(0, 5), **kwargs).shape == (0, 5)  # nothing to fill: a no-op


@pytest.mark.parametrize("fn, kwargs", ALL, ids=[f.__name__ for f, _ in ALL])
def test_type_errors(fn, kwargs) -> None:
    with pytest.raises(TypeError, match="floating-point dtype"):
        fn(torch.zeros(4, 3, dtype=torch.long), **kwargs)
    with pytest.raises(TypeError, match=r"generator must be a torch\.Generator"):
        fn(torch.empty(4, 3), generator=0, **kwargs)


def test_kaiming_bad_mode_and_nonlinearity() -> None:
    for fn in (kaiming_uniform_, kaiming_normal_):
        with pytest.raises(ValueError, match="mode must be 'fan_in' or 'fan_out', got 'fan_avg'"):
            fn(torch.empty(4, 3), mode="fan_avg")
        with pytest.raises(ValueError, match="nonlinearity must be one of"):
            fn(torch.empty(4, 3), nonlinearity="swish")
    with pytest.raises(ValueError):
        nn.init.kaiming_uniform_(torch.empty(4, 3), mode="fan_avg")  # torch rejects it too
