"""dlnotes.cnn.lenet: shapes and parameter counts against the hand arithmetic, input checks,
the upsampled digits, and a short training run whose loss goes down."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.nn import functional as F

from dlnotes.cnn.lenet import (
    LeNet,
    digits_to_28x28,
    lenet,
    load_data_digits_28,
    train_digits,
)
from dlnotes.cnn.summary import count_parameters, summarize
from dlnotes.data.arrays import load_array
from dlnotes.data.digits import load_digits_tensors

VARIANTS = ["classic", "modern"]


def out_size(n: int, k: int, p: int = 0, s: int = 1) -> int:
    """floor((n - k + 2p) / s) + 1"""
    return (n - k + 2 * p) // s + 1


@pytest.mark.parametrize("variant", VARIANTS)
def test_shapes_follow_the_output_size_formula(variant: str) -> None:
    net = lenet(variant)
    n1 = out_size(28, 5, p=2)
    n2 = out_size(n1, 2, s=2)
    n3 = out_size(n2, 5)
    n4 = out_size(n3, 2, s=2)
    expected = [
        (3, 6, n1, n1),
        (3, 6, n1, n1),
        (3, 6, n2, n2),
        (3, 16, n3, n3),
        (3, 16, n3, n3),
        (3, 16, n4, n4),
        (3, 16 * n4 * n4),
        (3, 120),
        (3, 120),
        (3, 84),
        (3, 84),
        (3, 10),
    ]
    out, shapes = torch.rand(3, 1, 28, 28), []
    for layer in net:  # layer by layer, as D2L does
        out = layer(out)
        shapes.append(tuple(out.shape))
    assert shapes == expected
    assert [r.output_shape for r in summarize(net, torch.rand(3, 1, 28, 28))] == expected
    assert (n1, n2, n3, n4) == (28, 14, 10, 5)


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("num_classes", [10, 3])
def test_parameter_count_equals_hand_arithmetic(variant: str, num_classes: int) -> None:
    net = lenet(variant, num_classes=num_classes)
    by_hand = (
        (1 * 5 * 5 + 1) * 6  # conv 1: 6 kernels 1x5x5 + 6 biases
        + (6 * 5 * 5 + 1) * 16  # conv 2
        + (16 * 5 * 5 + 1) * 120  # fc 1
        + (120 + 1) * 84  # fc 2
        + (84 + 1) * num_classes  # fc 3
    )
    assert count_parameters(net) == by_hand
    per_layer = [count_parameters(m) for m in net]
    assert per_layer[:-1] == [156, 0, 0, 2416, 0, 0, 0, 48120, 0, 10164, 0]
    assert per_layer[-1] == 85 * num_classes
    if num_classes == 10:
        assert by_hand == 61706


def test_variants_differ_only_in_activation_and_pooling() -> None:
    classic, modern = lenet("classic"), lenet("modern")
    kinds = {type(a).__name__: type(b).__name__ for a, b in zip(classic, modern, strict=True)}
    assert kinds == {
        "Conv2d": "Conv2d",
        "Sigmoid": "ReLU",
        "AvgPool2d": "MaxPool2d",
        "Flatten": "Flatten",
        "Linear": "Linear",
    }
    # the same parameter tensors: the same seed gives the same initial weights
    torch.manual_seed(0)
    a = lenet("classic").state_dict()
    torch.manual_seed(0)
    b = lenet("modern").state_dict()
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


@pytest.mark.parametrize("variant", VARIANTS)
def test_forward_equals_the_plain_sequential_and_d2l_layers(variant: str) -> None:
    torch.manual_seed(0)
    net = lenet(variant)
    X = torch.rand(4, 1, 28, 28)
    assert torch.equal(net(X), nn.Sequential(*net)(X))  # the input check changes nothing
    # the same computation written with the functional API
    act = torch.sigmoid if variant == "classic" else torch.relu
    pool = F.avg_pool2d if variant == "classic" else F.max_pool2d
    h = pool(act(F.conv2d(X, net[0].weight, net[0].bias, padding=2)), 2)
    h = pool(act(F.conv2d(h, net[3].weight, net[3].bias)), 2).flatten(1)
    h = act(F.linear(h, net[7].weight, net[7].bias))
    h = act(F.linear(h, net[9].weight, net[9].bias))
    torch.testing.assert_close(net(X), F.linear(h, net[11].weight, net[11].bias))


def test_slices_are_unchecked_lenets() -> None:
    net = lenet("modern")
    head = net[6:]
    assert isinstance(head, LeNet) and head.input_shape is None
    assert head(torch.rand(2, 16, 5, 5)).shape == (2, 10)


@pytest.mark.parametrize(
    "shape",
    [(1, 1, 8, 8), (1, 1, 32, 32), (2, 3, 28, 28), (1, 28, 28), (2, 784)],
)
def test_bad_input_shape_gives_a_clear_error(shape: tuple[int, ...]) -> None:
    with pytest.raises(ValueError, match=r"LeNet expects a batch of shape \(n, 1, 28, 28\)"):
        lenet()(torch.zeros(shape))


def test_bad_input_dtype_and_arguments() -> None:
    with pytest.raises(TypeError, match="floating-point"):
        lenet()(torch.zeros(1, 1, 28, 28, dtype=torch.long))
    with pytest.raises(ValueError, match="variant must be one of"):
        lenet("lenet5")
    with pytest.raises(ValueError, match="num_classes must be >= 2"):
        lenet(num_classes=1)
    with pytest.raises(TypeError, match="num_classes must be an int"):
        lenet(num_classes=10.0)


def test_plain_sequential_fails_at_the_first_linear_layer() -> None:
    # the pitfall the input check prevents: 32x32 gives 16 * 6 * 6 = 576 features, not 400
    with pytest.raises(RuntimeError, match="1x576 and 400x120"):
        nn.Sequential(*lenet())(torch.zeros(1, 1, 32, 32))


def test_digits_to_28x28() -> None:
    X = torch.rand(5, 64)
    up = digits_to_28x28(X)
    assert up.shape == (5, 1, 28, 28)
    expected = F.interpolate(X.reshape(5, 1, 8, 8), size=28, mode="bilinear")
    torch.testing.assert_close(up, expected)
    assert torch.equal(digits_to_28x28(X.reshape(5, 1, 8, 8)), up)
    assert up.min() >= X.min() and up.max() <= X.max()  # convex combinations of pixels
    const = digits_to_28x28(torch.full((1, 64), 0.25))
    torch.testing.assert_close(const, torch.full((1, 1, 28, 28), 0.25))
    with pytest.raises(ValueError, match=r"\(n, 64\) or \(n, 1, 8, 8\)"):
        digits_to_28x28(torch.rand(2, 1, 28, 28))
    with pytest.raises(ValueError, match="2 or 4 dimensions"):
        digits_to_28x28(torch.rand(64))
    with pytest.raises(TypeError, match="floating-point"):
        digits_to_28x28(torch.zeros(2, 64, dtype=torch.long))


def test_loaders_keep_the_split_of_the_8x8_digits() -> None:
    train_iter, test_iter = load_data_digits_28(batch_size=100, seed=0)
    _, X_test, _, y_test = load_digits_tensors(seed=0, flatten=False)
    X28 = torch.cat([X for X, _ in test_iter])
    y28 = torch.cat([y for _, y in test_iter])
    assert torch.equal(y28, y_test)
    torch.testing.assert_close(X28, digits_to_28x28(X_test))
    assert len(train_iter.dataset) == 1437


def test_training_lowers_the_loss() -> None:
    X_train, _, y_train, _ = load_digits_tensors(seed=0, flatten=False)
    X, y = digits_to_28x28(X_train[:256]), y_train[:256]
    train_iter = load_array((X, y), 32, is_train=True, generator=torch.Generator().manual_seed(0))
    eval_iter = load_array((X, y), 128, is_train=False)
    torch.manual_seed(0)
    net = lenet("modern")
    with torch.no_grad():
        before = F.cross_entropy(net(X), y).item()
    assert abs(before - torch.log(torch.tensor(10.0)).item()) < 0.2  # about chance at init
    trainer = train_digits(net, train_iter, eval_iter, epochs=3, lr=2e-3)
    losses = trainer.history["val_loss"]
    assert losses[-1] < 0.7 * before and losses[-1] < losses[0]
    assert trainer.history["val_acc"][-1] > 0.5


def test_train_digits_checks_its_arguments() -> None:
    batches = [(torch.rand(4, 64), torch.randint(0, 10, (4,)))]
    with pytest.raises(TypeError, match=r"net must be an nn\.Module"):
        train_digits("net", batches, batches, epochs=1, lr=0.1)
    with pytest.raises(ValueError, match="lr must be > 0"):
        train_digits(nn.Linear(64, 10), batches, batches, epochs=1, lr=0.0)
