"""dlnotes.mlp.perceptron: same weights as scikit-learn, Novikoff's bound, XOR, bad input."""

from __future__ import annotations

import pytest
import torch
from sklearn.linear_model import Perceptron

from dlnotes.mlp.mlp import fit_full_batch, make_mlp
from dlnotes.mlp.perceptron import (
    mistake_bound,
    perceptron_predict,
    train_perceptron,
    xor_data,
)

F64 = torch.float64


def _separable(n: int = 150, gap: float = 0.05, seed: int = 0):
    """Points in [-1, 1]^2 at least ``gap`` away from the line 0.6 x1 + 0.8 x2 + 0.1 = 0."""
    g = torch.Generator().manual_seed(seed)
    X = torch.rand(n, 2, generator=g, dtype=F64) * 2 - 1
    w, b = torch.tensor([0.6, 0.8], dtype=F64), 0.1
    score = X @ w + b
    keep = score.abs() > gap
    return X[keep], torch.sign(score[keep]), w, b


def _not_separable(n: int = 120, seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    X = torch.randn(n, 3, generator=g, dtype=F64)
    y = torch.where(X[:, 0] * X[:, 1] > 0, 1.0, -1.0)  # an XOR-like sign pattern
    return X, y


# ------------------------------------------------------------------ against sklearn
@pytest.mark.parametrize("data", ["separable", "not_separable"])
@pytest.mark.parametrize("epochs", [1, 3, 10])
@pytest.mark.parametrize("eta", [1.0, 0.25])
def test_same_weights_as_sklearn(data, epochs, eta) -> None:
    X, y = _separable()[:2] if data == "separable" else _not_separable()
    ours = train_perceptron(X, y, max_epochs=epochs, lr=eta)
    sk = Perceptron(eta0=eta, shuffle=False, tol=None, max_iter=epochs, fit_intercept=True)
    sk.fit(X.numpy(), y.numpy())
    torch.testing.assert_close(ours.w, torch.from_numpy(sk.coef_[0]))
    torch.testing.assert_close(ours.b, torch.tensor(sk.intercept_[0], dtype=F64))
    # the predictions agree too (sklearn's predict uses the same sign convention at 0 -> -1)
    assert torch.equal(
        perceptron_predict(X, ours.w, ours.b), torch.from_numpy(sk.predict(X.numpy()))
    )


def test_sklearn_keeps_converged_weights_like_our_early_stop() -> None:
    X, y, _, _ = _separable()
    ours = train_perceptron(X, y, max_epochs=1000)
    assert ours.converged and ours.epochs < 1000
    sk = Perceptron(eta0=1.0, shuffle=False, tol=None, max_iter=ours.epochs + 5).fit(
        X.numpy(), y.numpy()
    )
    torch.testing.assert_close(ours.w, torch.from_numpy(sk.coef_[0]))


# ------------------------------------------------------------------ the algorithm
def test_converged_means_every_training_point_is_right() -> None:
    X, y, _, _ = _separable(seed=3)
    result = train_perceptron(X, y, max_epochs=1000)
    assert result.converged
    assert result.mistakes_per_epoch[-1] == 0
    assert result.mistakes == sum(result.mistakes_per_epoch) and result.mistakes > 0
    assert result.epochs == len(result.mistakes_per_epoch)
    assert torch.equal(perceptron_predict(X, result.w, result.b), y)
    assert (y * (X @ result.w + result.b) > 0).all()


def test_update_rule_by_hand() -> None:
    X = torch.tensor([[1.0, 2.0], [3.0, -1.0]])
    y = torch.tensor([1, -1])
    result = train_perceptron(X, y, max_epochs=1, lr=0.5)
    # x1: score 0 -> mistake: w = 0.5 * (1, 2), b = 0.5; x2: score 0.5 * (3 - 2) + 0.5 = 1 > 0,
    # label -1 -> mistake: w -= 0.5 * (3, -1), b -= 0.5
    torch.testing.assert_close(result.w, torch.tensor([-1.0, 1.5]))
    torch.testing.assert_close(result.b, torch.tensor(0.0))
    assert result.mistakes_per_epoch == [2] and not result.converged


def test_learning_rate_only_rescales_from_zero() -> None:
    X, y = _not_separable()
    a = train_perceptron(X, y, max_epochs=5, lr=1.0)
    b = train_perceptron(X, y, max_epochs=5, lr=0.125)  # a power of 2: exact scaling
    assert a.mistakes_per_epoch == b.mistakes_per_epoch
    torch.testing.assert_close(b.w, a.w * 0.125)
    torch.testing.assert_close(b.b, a.b * 0.125)


def test_dtype_is_kept() -> None:
    X, y = xor_data(torch.float64)
    assert train_perceptron(X, y, max_epochs=2).w.dtype == F64
    assert train_perceptron(X.float(), y.long(), max_epochs=2).w.dtype == torch.float32


# ------------------------------------------------------------------ Novikoff's bound
@pytest.mark.parametrize("gap", [0.05, 0.2])
def test_mistakes_never_exceed_the_bound(gap) -> None:
    X, y, w_true, b_true = _separable(n=200, gap=gap)
    bound = mistake_bound(X, y, w_true, b_true)
    for seed in range(8):
        order = torch.randperm(len(X), generator=torch.Generator().manual_seed(seed))
        result = train_perceptron(X[order], y[order], max_epochs=10_000, lr=0.3)
        assert result.converged
        assert 0 < result.mistakes <= bound


def test_bound_formula_by_hand() -> None:
    # two points (+-1, 0) labelled +-1, separator w = (1, 0), b = 0: augmented points
    # (+-1, 0, 1) have norm sqrt(2) = R, margin gamma = 1 / ||(1, 0, 0)|| = 1 -> bound 2
    X = torch.tensor([[1.0, 0.0], [-1.0, 0.0]])
    y = torch.tensor([1.0, -1.0])
    assert mistake_bound(X, y, torch.tensor([1.0, 0.0]), 0.0) == pytest.approx(2.0)
    # rescaling (w, b) does not change the bound
    assert mistake_bound(X, y, torch.tensor([5.0, 0.0]), 0.0) == pytest.approx(2.0)
    assert train_perceptron(X, y).mistakes <= 2


def test_the_bound_is_attained_on_a_small_example() -> None:
    # a single point: one mistake (from w = 0) and bound (R / gamma)^2 = 1 for u = x / ||x||
    X = torch.tensor([[3.0, 4.0]])
    y = torch.tensor([1.0])
    assert train_perceptron(X, y).mistakes == 1
    assert mistake_bound(X, y, torch.tensor([3.0, 4.0]), 1.0) == pytest.approx(1.0)


# ------------------------------------------------------------------ XOR
def test_perceptron_cycles_on_xor_and_sklearn_cannot_fit_it_either() -> None:
    X, y = xor_data()
    result = train_perceptron(X, y, max_epochs=30)
    assert not result.converged and result.epochs == 30
    assert result.mistakes_per_epoch == [4] * 30
    assert torch.equal(result.w, torch.zeros(2)) and result.b.item() == 0.0
    sk = Perceptron(eta0=1.0, shuffle=False, tol=None, max_iter=30).fit(X.numpy(), y.numpy())
    assert sk.score(X.numpy(), y.numpy()) < 1.0


def test_no_line_on_a_grid_separates_xor() -> None:
    X, y = xor_data(F64)
    grid = torch.linspace(-3, 3, 25, dtype=F64)
    for w1 in grid:
        for w2 in grid:
            signed = y * (X @ torch.stack([w1, w2])[:, None] + grid[None, :]).T  # (25 b, 4)
            assert not (signed > 0).all(dim=1).any()


def test_one_hidden_layer_mlp_solves_xor() -> None:
    X, y = xor_data()
    labels = ((y + 1) / 2).long()
    torch.manual_seed(0)
    net = make_mlp(2, [8], 2)
    trainer = fit_full_batch(net, X, labels, epochs=200, lr=0.05)
    assert trainer.evaluate([(X, labels)])["acc"] == 1.0
    with torch.no_grad():
        assert torch.equal(net(X).argmax(dim=1), labels)


# ------------------------------------------------------------------ bad input
def test_bad_inputs() -> None:
    X, y = xor_data()
    with pytest.raises(ValueError, match=r"only -1 and \+1"):
        train_perceptron(X, torch.tensor([0, 1, 1, 0]))
    with pytest.raises(TypeError, match="floating-point"):
        train_perceptron(X.long(), y)
    with pytest.raises(ValueError, match="same number of rows"):
        train_perceptron(X, y[:3])
    with pytest.raises(ValueError, match="2 dimensions"):
        train_perceptron(X[0], y)
    with pytest.raises(ValueError, match="must not be empty"):
        train_perceptron(X[:0], y[:0])
    with pytest.raises(ValueError, match="max_epochs must be >= 1"):
        train_perceptron(X, y, max_epochs=0)
    with pytest.raises(TypeError, match="max_epochs must be an int"):
        train_perceptron(X, y, max_epochs=2.0)
    with pytest.raises(ValueError, match="lr must be > 0"):
        train_perceptron(X, y, lr=0.0)
    with pytest.raises(ValueError, match="does not separate"):
        mistake_bound(X, y, torch.tensor([1.0, 1.0]), -0.5)
    with pytest.raises(ValueError, match="features"):
        mistake_bound(X, y, torch.tensor([1.0, 1.0, 1.0]), 0.0)
    with pytest.raises(ValueError, match="features"):
        perceptron_predict(X, torch.tensor([1.0]), 0.0)
