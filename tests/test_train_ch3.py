"""dlnotes.linear.train: the chapter-3 loop, from scratch and concise, on real digits."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest
import torch
from matplotlib.figure import Figure
from torch import nn

from dlnotes.data.digits import load_data_digits
from dlnotes.linear.regression import sgd
from dlnotes.linear.softmax import cross_entropy, softmax
from dlnotes.linear.train import plot_history, train_ch3, train_epoch_ch3
from dlnotes.metrics import evaluate_accuracy


@pytest.fixture(autouse=True)
def _one_thread():
    # tiny matrices: threads only add overhead on a shared 2-core machine
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _concise(seed: int = 0) -> nn.Sequential:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Flatten(), nn.Linear(64, 10))


def test_training_on_digits_beats_a_threshold_quickly() -> None:
    train_iter, test_iter = load_data_digits(batch_size=64, seed=0)
    net = _concise()
    before = evaluate_accuracy(net, test_iter)
    trainer = torch.optim.SGD(net.parameters(), lr=0.5)
    history = train_ch3(net, train_iter, test_iter, nn.CrossEntropyLoss(), 3, trainer)
    assert before < 0.3
    assert history["test_acc"][-1] > 0.85
    assert history["train_loss"][-1] < history["train_loss"][0]
    assert history["test_acc"][-1] == evaluate_accuracy(net, test_iter)
    assert net.training  # left in training mode, as it was


def test_scratch_training_on_digits() -> None:
    train_iter, test_iter = load_data_digits(batch_size=64, seed=0)
    torch.manual_seed(0)
    W = torch.normal(0, 0.01, size=(64, 10), requires_grad=True)
    b = torch.zeros(10, requires_grad=True)

    def net(X):
        return softmax(X.reshape(-1, 64) @ W + b)

    history = train_ch3(net, train_iter, test_iter, cross_entropy, 3, lambda n: sgd([W, b], 0.5, n))
    assert history["test_acc"][-1] > 0.85
    assert {len(v) for v in history.values()} == {3}


def test_scratch_and_concise_take_the_same_steps() -> None:
    torch.manual_seed(1)
    W0 = torch.normal(0, 0.01, size=(64, 10))
    W = W0.clone().requires_grad_()
    b = torch.zeros(10, requires_grad=True)
    net = _concise()
    with torch.no_grad():
        net[1].weight.copy_(W0.T)
        net[1].bias.zero_()

    def scratch(X):
        return softmax(X @ W + b)

    train_a, _ = load_data_digits(batch_size=50, seed=1)
    train_b, _ = load_data_digits(batch_size=50, seed=1)  # 1437 = 28 * 50 + 37: ragged end
    loss_a, acc_a = train_epoch_ch3(scratch, train_a, cross_entropy, lambda n: sgd([W, b], 0.3, n))
    trainer = torch.optim.SGD(net.parameters(), lr=0.3)
    loss_b, acc_b = train_epoch_ch3(net, train_b, nn.CrossEntropyLoss(), trainer)
    torch.testing.assert_close(W.detach(), net[1].weight.detach().T)
    torch.testing.assert_close(b.detach(), net[1].bias.detach())
    assert loss_a == pytest.approx(loss_b, rel=1e-5) and acc_a == acc_b
    assert not torch.allclose(W.detach(), W0)  # something was learned


@pytest.mark.parametrize("use_optimizer", [True, False])
def test_mean_and_per_example_losses_give_the_same_result(use_optimizer: bool) -> None:
    g = torch.Generator().manual_seed(0)
    X, y = torch.randn(30, 5, generator=g), torch.randint(0, 3, (30,), generator=g)
    batches = [(X[i : i + 8], y[i : i + 8]) for i in range(0, 30, 8)]  # last batch of 6
    results = []
    for reduction in ("mean", "none"):
        torch.manual_seed(0)
        net = nn.Linear(5, 3)
        if use_optimizer:
            updater = torch.optim.SGD(net.parameters(), lr=0.1)
        else:
            params = list(net.parameters())

            def updater(n, params=params):
                sgd(params, 0.1, n)

        loss_fn = nn.CrossEntropyLoss(reduction=reduction)
        loss, acc = train_epoch_ch3(net, batches, loss_fn, updater)
        results.append((loss, acc, net.weight.detach().clone()))
    (loss_m, acc_m, w_m), (loss_n, acc_n, w_n) = results
    assert loss_m == pytest.approx(loss_n, rel=1e-6) and acc_m == acc_n
    torch.testing.assert_close(w_m, w_n)


def test_reported_loss_and_accuracy_are_measured_before_each_update() -> None:
    torch.manual_seed(0)
    net = nn.Linear(4, 3)
    X, y = torch.randn(10, 4), torch.randint(0, 3, (10,))
    with torch.no_grad():
        expected_loss = nn.functional.cross_entropy(net(X), y).item()
        expected_acc = (net(X).argmax(1) == y).float().mean().item()
    loss, acc = train_epoch_ch3(
        net, [(X, y)], nn.CrossEntropyLoss(), torch.optim.SGD(net.parameters(), lr=0.1)
    )
    assert loss == pytest.approx(expected_loss, rel=1e-6)
    assert acc == pytest.approx(expected_acc)


def test_updater_gets_each_batch_size_and_train_mode_is_set() -> None:
    net = nn.Sequential(nn.Linear(4, 3), nn.Dropout(0.1))
    net.eval()
    sizes = []

    def updater(n):
        sizes.append(n)
        sgd(net.parameters(), 0.1, n)

    X, y = torch.randn(10, 4), torch.randint(0, 3, (10,))
    batches = [(X[:4], y[:4]), (X[4:8], y[4:8]), (X[8:], y[8:])]
    train_epoch_ch3(net, batches, nn.CrossEntropyLoss(reduction="none"), updater)
    assert sizes == [4, 4, 2]
    assert net.training


def test_bad_arguments() -> None:
    net = nn.Linear(4, 3)
    data = [(torch.randn(2, 4), torch.tensor([0, 1]))]
    trainer = torch.optim.SGD(net.parameters(), lr=0.1)
    loss = nn.CrossEntropyLoss()
    with pytest.raises(ValueError, match="num_epochs must be >= 1, got 0"):
        train_ch3(net, data, data, loss, 0, trainer)
    with pytest.raises(TypeError, match="num_epochs must be an int"):
        train_ch3(net, data, data, loss, 2.0, trainer)
    with pytest.raises(ValueError, match="train_iter yielded no examples"):
        train_epoch_ch3(net, [], loss, trainer)


def test_plot_history() -> None:
    history = {
        "train_loss": [1.0, 0.6, 0.4],
        "train_acc": [0.5, 0.7, 0.8],
        "test_acc": [0.6, 0.7, 0.75],
    }
    fig = plot_history(history)
    assert isinstance(fig, Figure)
    lines = fig.axes[0].get_lines()
    assert [line.get_label() for line in lines] == ["train loss", "train acc", "test acc"]
    assert list(lines[2].get_xdata()) == [1, 2, 3]
    assert list(lines[2].get_ydata()) == [0.6, 0.7, 0.75]
    plt.close(fig)
    with pytest.raises(ValueError, match="keys"):
        plot_history({"train_loss": [1.0]})
    with pytest.raises(ValueError, match="equally long"):
        plot_history({"train_loss": [1.0], "train_acc": [0.5, 0.6], "test_acc": [0.5]})
    with pytest.raises(ValueError, match="non-empty"):
        plot_history({"train_loss": [], "train_acc": [], "test_acc": []})
