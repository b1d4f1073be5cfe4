"""dlnotes.metrics: accuracy against a manual count, Accumulator, evaluate_accuracy modes."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from dlnotes.metrics import Accumulator, accuracy, evaluate_accuracy


def _manual_count(y_hat: torch.Tensor, y: torch.Tensor) -> int:
    count = 0
    for i in range(len(y)):
        scores = y_hat[i].tolist()
        count += int(scores.index(max(scores)) == int(y[i]))
    return count


@pytest.mark.parametrize("n, q", [(1, 2), (7, 3), (50, 10)])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_accuracy_matches_manual_count_and_builtin_argmax(n: int, q: int, dtype) -> None:
    g = torch.Generator().manual_seed(n * q)
    logits = torch.randn(n, q, generator=g, dtype=dtype)
    y = torch.randint(0, q, (n,), generator=g)
    expected = _manual_count(logits, y)
    assert accuracy(logits, y) == float(expected)
    assert isinstance(accuracy(logits, y), float)
    assert accuracy(logits, y) == float((logits.argmax(1) == y).sum())
    assert accuracy(torch.softmax(logits, dim=1), y) == expected  # same argmax
    assert accuracy(logits.argmax(1), y) == expected  # predicted labels


def test_accuracy_known_values() -> None:
    y_hat = torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5], [0.9, 0.05, 0.05]])
    assert accuracy(y_hat, torch.tensor([2, 2, 0])) == 3.0
    assert accuracy(y_hat, torch.tensor([0, 0, 1])) == 0.0
    assert accuracy(y_hat, torch.tensor([2, 0, 1])) == 1.0
    assert accuracy(torch.tensor([1, 2]), torch.tensor([1, 1])) == 1.0


def test_accuracy_does_not_modify_inputs_and_works_with_grad() -> None:
    y_hat = torch.randn(4, 3, requires_grad=True)
    y = torch.tensor([0, 1, 2, 0])
    before = y_hat.detach().clone()
    accuracy(y_hat, y)
    assert torch.equal(y_hat.detach(), before)


def test_accuracy_bad_inputs() -> None:
    y = torch.tensor([0, 1])
    with pytest.raises(TypeError, match=r"y_hat must be a torch\.Tensor"):
        accuracy([[0.1, 0.9], [0.8, 0.2]], y)
    with pytest.raises(ValueError, match="same number of examples, got 3 and 2"):
        accuracy(torch.randn(3, 4), y)
    with pytest.raises(ValueError, match="q >= 2"):
        accuracy(torch.randn(2, 1), y)
    with pytest.raises(ValueError, match="y_hat must have 1 or 2 dimensions"):
        accuracy(torch.randn(2, 3, 4), y)
    with pytest.raises(TypeError, match="y must have an integer dtype"):
        accuracy(torch.randn(2, 3), torch.tensor([0.0, 1.0]))
    with pytest.raises(TypeError, match="predicted class indices"):
        accuracy(torch.tensor([0.0, 1.0]), y)
    with pytest.raises(ValueError, match="y must have 1 dimensions"):
        accuracy(torch.randn(2, 3), y.reshape(2, 1))


def test_accumulator() -> None:
    metric = Accumulator(3)
    metric.add(1, 2.5, torch.tensor(3.0))
    metric.add(1, 0.5, 1)
    assert metric.data == [2.0, 3.0, 4.0] and len(metric) == 3 and metric[2] == 4.0
    metric.reset()
    assert metric.data == [0.0, 0.0, 0.0]
    with pytest.raises(ValueError, match="needs 3 values, got 2"):
        metric.add(1, 2)  # D2L's zip would silently drop the third sum
    with pytest.raises(ValueError, match="n must be >= 1"):
        Accumulator(0)
    with pytest.raises(TypeError, match="n must be an int"):
        Accumulator(2.0)


def _batches(n: int = 20, batch_size: int = 6):
    g = torch.Generator().manual_seed(0)
    X = torch.randn(n, 4, generator=g)
    y = torch.randint(0, 3, (n,), generator=g)
    return X, y, [(X[i : i + batch_size], y[i : i + batch_size]) for i in range(0, n, batch_size)]


def test_evaluate_accuracy_matches_full_batch_accuracy() -> None:
    torch.manual_seed(0)
    net = nn.Linear(4, 3)
    X, y, batches = _batches()
    with torch.no_grad():
        expected = accuracy(net(X), y) / len(y)
    assert evaluate_accuracy(net, batches) == pytest.approx(expected)
    # a plain function works as well
    assert evaluate_accuracy(lambda X: net(X), batches) == pytest.approx(expected)


@pytest.mark.parametrize("start_in_training", [True, False])
def test_evaluate_accuracy_uses_eval_mode_and_restores_it(start_in_training: bool) -> None:
    seen = {}

    class Probe(nn.Module):
        def forward(self, X):
            seen["training"] = self.training
            seen["grad_enabled"] = torch.is_grad_enabled()
            return X

    net = nn.Sequential(nn.Linear(4, 3), nn.Dropout(0.5), Probe())
    net.train(start_in_training)
    _, _, batches = _batches()
    evaluate_accuracy(net, batches)
    assert seen == {"training": False, "grad_enabled": False}
    assert all(m.training == start_in_training for m in net.modules())


def test_evaluate_accuracy_restores_mixed_modes_and_is_deterministic_with_dropout() -> None:
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(4, 8), nn.Dropout(0.5), nn.Linear(8, 3))
    net.train()
    net[2].eval()  # a frozen head, say
    _, _, batches = _batches()
    first = evaluate_accuracy(net, batches)
    second = evaluate_accuracy(net, batches)
    assert first == second  # dropout was off during evaluation
    assert [m.training for m in net.modules()] == [True, True, True, False]


def test_evaluate_accuracy_restores_mode_after_an_error() -> None:
    net = nn.Linear(4, 3)
    net.train()
    with pytest.raises(ValueError, match="same number of examples"):
        evaluate_accuracy(net, [(torch.randn(2, 4), torch.tensor([0, 1, 2]))])
    assert net.training


def test_evaluate_accuracy_empty_iterator() -> None:
    with pytest.raises(ValueError, match="no examples"):
        evaluate_accuracy(nn.Linear(4, 3), [])
