"""dlnotes.linear.softmax agrees with PyTorch (values and gradients) and rejects bad input."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from builtin_check import assert_same_as_builtin, values_and_grads
from torch import nn

from dlnotes.linear.softmax import (
    binary_cross_entropy_with_logits,
    cross_entropy,
    entropy,
    kl_div,
    log_softmax,
    logsumexp,
    softmax,
    softmax_cross_entropy,
)

DTYPES = [torch.float32, torch.float64]
SHAPES = [(5,), (3, 4), (2, 3, 5)]


# ----------------------------------------------------------------- softmax family
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("scale", [1.0, 1000.0])
def test_softmax_family_matches_torch(dtype, shape, scale) -> None:
    torch.manual_seed(0)
    X = torch.randn(shape, dtype=dtype) * scale
    for dim in range(-1, -len(shape) - 1, -1):
        assert_same_as_builtin(lambda x, d=dim: softmax(x, d), lambda x, d=dim: F.softmax(x, d), X)
        assert_same_as_builtin(
            lambda x, d=dim: log_softmax(x, d), lambda x, d=dim: F.log_softmax(x, d), X
        )
        for keepdim in (False, True):
            assert_same_as_builtin(
                lambda x, d=dim, k=keepdim: logsumexp(x, d, k),
                lambda x, d=dim, k=keepdim: torch.logsumexp(x, d, k),
                X,
            )


def test_large_logits_are_stable_where_naive_fails() -> None:
    X = torch.tensor([[1000.0, 1001.0], [-1000.0, -1001.0]])
    naive = torch.exp(X) / torch.exp(X).sum(dim=1, keepdim=True)
    assert torch.isnan(naive).any()  # the reason for subtracting the max
    torch.testing.assert_close(softmax(X), F.softmax(X, dim=1))
    assert torch.isfinite(log_softmax(X)).all()
    torch.testing.assert_close(logsumexp(X), torch.logsumexp(X, dim=-1))


@pytest.mark.parametrize("dtype", DTYPES)
def test_minus_infinity_entries(dtype) -> None:
    # masked logits: at least one finite entry per row; gradients must stay finite
    inf = float("inf")
    X = torch.tensor([[0.0, -inf, 1.0], [-inf, 5.0, -inf]], dtype=dtype)
    assert_same_as_builtin(softmax, lambda x: F.softmax(x, dim=-1), X)
    assert_same_as_builtin(log_softmax, lambda x: F.log_softmax(x, dim=-1), X)
    assert_same_as_builtin(logsumexp, lambda x: torch.logsumexp(x, dim=-1), X)
    _, (grad,) = values_and_grads(softmax, X)
    assert torch.isfinite(grad).all()


def test_softmax_is_shift_invariant_and_does_not_mutate() -> None:
    torch.manual_seed(0)
    X = torch.randn(3, 4)
    X0 = X.clone()
    torch.testing.assert_close(softmax(X), softmax(X + 123.0))
    torch.testing.assert_close(softmax(X).sum(dim=1), torch.ones(3))
    assert torch.equal(X, X0)


def test_softmax_rejects_bad_input() -> None:
    with pytest.raises(TypeError, match="floating-point"):
        softmax(torch.tensor([1, 2, 3]))
    with pytest.raises(TypeError, match=r"torch\.Tensor"):
        softmax([1.0, 2.0])
    with pytest.raises(ValueError, match=r"dim=2 is out of range.*\(3, 4\)"):
        log_softmax(torch.zeros(3, 4), dim=2)
    with pytest.raises(ValueError, match="out of range"):
        logsumexp(torch.tensor(1.0))


# ----------------------------------------------------------------- cross-entropy
def test_cross_entropy_from_probabilities_matches_nll() -> None:
    torch.manual_seed(0)
    logits = torch.randn(6, 4, dtype=torch.float64)
    y = torch.randint(0, 4, (6,))
    mine = lambda o: cross_entropy(F.softmax(o, dim=1), y)  # noqa: E731
    ref = lambda o: F.cross_entropy(o, y, reduction="none")  # noqa: E731
    assert_same_as_builtin(mine, ref, logits)
    # D2L's textbook example
    y_hat = torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
    torch.testing.assert_close(
        cross_entropy(y_hat, torch.tensor([0, 2])), -torch.log(torch.tensor([0.1, 0.5]))
    )


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("label_smoothing", [0.0, 0.1, 0.5, 1.0])
def test_softmax_cross_entropy_class_indices(dtype, reduction, label_smoothing) -> None:
    torch.manual_seed(0)
    logits = torch.randn(5, 3, dtype=dtype) * 10
    logits[0] = torch.tensor([1000.0, -1000.0, 0.0], dtype=dtype)  # extreme logits
    y = torch.tensor([1, 0, 2, 2, 1])
    assert_same_as_builtin(
        lambda o: softmax_cross_entropy(o, y, reduction, label_smoothing),
        lambda o: F.cross_entropy(o, y, reduction=reduction, label_smoothing=label_smoothing),
        logits,
    )
    module = nn.CrossEntropyLoss(reduction=reduction, label_smoothing=label_smoothing)
    torch.testing.assert_close(
        softmax_cross_entropy(logits, y, reduction, label_smoothing), module(logits, y)
    )


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("label_smoothing", [0.0, 0.2, 1.0])
def test_softmax_cross_entropy_probability_targets(reduction, label_smoothing) -> None:
    torch.manual_seed(1)
    logits = torch.randn(4, 6, dtype=torch.float64) * 5
    p = F.softmax(torch.randn(4, 6, dtype=torch.float64), dim=1)
    assert_same_as_builtin(
        lambda o, t: softmax_cross_entropy(o, t, reduction, label_smoothing),
        lambda o, t: F.cross_entropy(o, t, reduction=reduction, label_smoothing=label_smoothing),
        logits,
        p,
    )


def test_gradient_is_softmax_minus_one_hot() -> None:
    torch.manual_seed(0)
    logits = torch.randn(4, 5, dtype=torch.float64, requires_grad=True)
    y = torch.tensor([0, 3, 4, 1])
    softmax_cross_entropy(logits, y, reduction="sum").backward()
    expected = softmax(logits.detach()) - F.one_hot(y, 5).double()
    torch.testing.assert_close(logits.grad, expected)


def test_cross_entropy_rejects_bad_input() -> None:
    logits = torch.zeros(2, 3)
    with pytest.raises(ValueError, match=r"\[0, 2\]"):
        softmax_cross_entropy(logits, torch.tensor([0, 3]))
    with pytest.raises(ValueError, match=r"\[0, 2\]"):
        softmax_cross_entropy(logits, torch.tensor([-1, 0]))
    with pytest.raises(ValueError, match=r"\[0, 2\]"):
        cross_entropy(F.softmax(logits, 1), torch.tensor([0, 5]))
    with pytest.raises(TypeError, match="integer dtype"):
        cross_entropy(F.softmax(logits, 1), torch.tensor([0.0, 1.0]))
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(2, 4\)"):
        softmax_cross_entropy(logits, torch.zeros(2, 4))
    with pytest.raises(ValueError, match=r"\(2,\).*\(2, 3\).*\(2, 1\)"):
        softmax_cross_entropy(logits, torch.zeros(2, 1, dtype=torch.long))
    with pytest.raises(ValueError, match=r"shape \(2,\).*\(2, 3\).*\(3,\)"):
        softmax_cross_entropy(logits, torch.tensor([0, 1, 2]))
    with pytest.raises(ValueError, match=r"y_hat of shape \(2, 3\).*\(1,\)"):
        cross_entropy(F.softmax(logits, 1), torch.tensor([0]))
    with pytest.raises(TypeError, match="integer dtype"):
        softmax_cross_entropy(logits, torch.tensor([0.0, 1.0]))
    with pytest.raises(TypeError, match=r"torch\.Tensor"):
        softmax_cross_entropy(logits, [0, 1])
    with pytest.raises(ValueError, match="'none', 'mean', 'sum'"):
        softmax_cross_entropy(logits, torch.tensor([0, 1]), reduction="avg")
    for bad in (-0.1, 1.5):
        with pytest.raises(ValueError, match=r"label_smoothing must be in \[0, 1\]"):
            softmax_cross_entropy(logits, torch.tensor([0, 1]), label_smoothing=bad)
    with pytest.raises(ValueError, match="2 dimensions"):
        cross_entropy(torch.zeros(3), torch.tensor([0]))


# ----------------------------------------------------------------- entropy and KL
def test_entropy_matches_categorical() -> None:
    torch.manual_seed(0)
    p = F.softmax(torch.randn(4, 5, dtype=torch.float64), dim=1)
    p[0] = torch.tensor([0.5, 0.5, 0.0, 0.0, 0.0])  # 0 log 0 = 0
    ref = torch.distributions.Categorical(probs=p).entropy()
    torch.testing.assert_close(entropy(p), ref)
    torch.testing.assert_close(entropy(p.T, dim=0), ref)
    # cross-entropy = entropy + KL
    q = F.softmax(torch.randn(4, 5, dtype=torch.float64), dim=1)
    ce = softmax_cross_entropy(q.log(), p, reduction="none")
    torch.testing.assert_close(ce, entropy(p) + kl_div(q.log(), p, reduction="none").sum(1))


@pytest.mark.filterwarnings("ignore:reduction. 'mean' divides")
@pytest.mark.parametrize("reduction", ["none", "sum", "mean", "batchmean"])
@pytest.mark.parametrize("log_target", [False, True])
@pytest.mark.parametrize("dtype", DTYPES)
def test_kl_div_matches_torch(reduction, log_target, dtype) -> None:
    torch.manual_seed(0)
    log_q = F.log_softmax(torch.randn(3, 4, dtype=dtype), dim=1)
    p = F.softmax(torch.randn(3, 4, dtype=dtype) * 3, dim=1)
    if not log_target:  # zeros in the target: 0 log 0 = 0 (with log targets torch gives nan)
        p[1] = torch.tensor([0.0, 1.0, 0.0, 0.0], dtype=dtype)
    target = p.log() if log_target else p
    # values and gradients wrt input (log q) and, for probability targets, wrt target p
    mine = lambda i, t: kl_div(i, t, reduction, log_target)  # noqa: E731
    ref = lambda i, t: F.kl_div(i, t, reduction=reduction, log_target=log_target)  # noqa: E731
    assert_same_as_builtin(lambda i: mine(i, target), lambda i: ref(i, target), log_q)
    # gradient wrt the target too (where it is finite: d(p log p)/dp = -inf at p = 0)
    smooth = F.softmax(torch.randn(3, 4, dtype=dtype), dim=1)
    assert_same_as_builtin(mine, ref, log_q, smooth.log() if log_target else smooth)
    module = nn.KLDivLoss(reduction=reduction, log_target=log_target)
    torch.testing.assert_close(kl_div(log_q, target, reduction, log_target), module(log_q, target))


def test_kl_div_is_nonnegative_and_zero_iff_equal() -> None:
    torch.manual_seed(0)
    p = F.softmax(torch.randn(5, 3), dim=1)
    q = F.softmax(torch.randn(5, 3), dim=1)
    assert (kl_div(q.log(), p, reduction="none").sum(1) >= 0).all()
    torch.testing.assert_close(kl_div(p.log(), p, reduction="batchmean"), torch.tensor(0.0))


def test_entropy_and_kl_reject_bad_input() -> None:
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(3, 2\)"):
        kl_div(torch.zeros(2, 3), torch.zeros(3, 2))
    with pytest.raises(ValueError, match="'batchmean'"):
        kl_div(torch.zeros(2, 3), torch.zeros(2, 3), reduction="average")
    with pytest.raises(TypeError, match="floating-point"):
        entropy(torch.tensor([1, 0]))


# ----------------------------------------------------------------- binary case
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("use_pos_weight", [False, True])
def test_bce_with_logits_matches_torch(reduction, dtype, use_pos_weight) -> None:
    torch.manual_seed(0)
    logits = torch.randn(4, 3, dtype=dtype) * 5
    logits[0] = torch.tensor([100.0, -100.0, 0.0], dtype=dtype)  # extreme logits
    logits[1] = torch.tensor([-100.0, 100.0, 30.0], dtype=dtype)
    y = torch.randint(0, 2, (4, 3)).to(dtype)
    y[2] = torch.tensor([0.3, 0.5, 0.9], dtype=dtype)  # soft targets are allowed
    pw = torch.tensor([0.5, 2.0, 3.0], dtype=dtype) if use_pos_weight else None
    assert_same_as_builtin(
        lambda x, t: binary_cross_entropy_with_logits(x, t, reduction, pw),
        lambda x, t: F.binary_cross_entropy_with_logits(x, t, reduction=reduction, pos_weight=pw),
        logits,
        y,
    )
    module = nn.BCEWithLogitsLoss(reduction=reduction, pos_weight=pw)
    torch.testing.assert_close(
        binary_cross_entropy_with_logits(logits, y, reduction, pw), module(logits, y)
    )


def test_bce_with_logits_is_finite_where_bce_on_sigmoid_is_not() -> None:
    x = torch.tensor([100.0, -100.0])
    y = torch.tensor([0.0, 1.0])
    naive = -(y * torch.log(torch.sigmoid(x)) + (1 - y) * torch.log(1 - torch.sigmoid(x)))
    assert torch.isinf(naive).all()
    torch.testing.assert_close(
        binary_cross_entropy_with_logits(x, y, "none"), torch.tensor([100.0, 100.0])
    )


def test_bce_with_logits_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match=r"\(3,\).*\(2,\)"):
        binary_cross_entropy_with_logits(torch.zeros(3), torch.zeros(2))
    with pytest.raises(TypeError, match="floating-point"):
        binary_cross_entropy_with_logits(torch.zeros(3), torch.tensor([0, 1, 1]))
    with pytest.raises(ValueError, match="'none', 'mean', 'sum'"):
        binary_cross_entropy_with_logits(torch.zeros(3), torch.zeros(3), reduction="batchmean")
    with pytest.raises(ValueError, match="pos_weight must broadcast"):
        binary_cross_entropy_with_logits(
            torch.zeros(2, 3), torch.zeros(2, 3), pos_weight=torch.ones(2)
        )
