"""CAM and Grad-CAM (dlnotes.modern_cnn.cam): identities that must hold, a hook-free
reference computed with autograd, and the behaviour on a trained digits model."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from dlnotes.cnn.lenet import digits_to_28x28
from dlnotes.data.digits import load_digits_tensors
from dlnotes.modern_cnn.cam import (
    GapCNN,
    class_activation_map,
    grad_cam,
    normalize_maps,
    pointing_accuracy,
    train_gap_cnn,
    upsample_maps,
)


def _random_net(seed: int = 0) -> GapCNN:
    torch.manual_seed(seed)
    net = GapCNN(width=4)
    with torch.no_grad():  # non-trivial running statistics, so eval mode matters
        for m in net.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.uniform_(-0.2, 0.2)
                m.running_var.uniform_(0.5, 1.5)
    return net.eval()


def test_cam_mean_plus_bias_is_the_logit() -> None:
    net = _random_net()
    X = torch.rand(5, 1, 28, 28)
    y = torch.tensor([0, 3, 9, 3, 1])
    with torch.no_grad():
        A, logits = net.features(X), net(X)
        cam = class_activation_map(A, net.fc.weight, y)
    assert cam.shape == (5, 7, 7)
    torch.testing.assert_close(cam.mean(dim=(1, 2)) + net.fc.bias[y], logits[torch.arange(5), y])


def test_cam_with_one_class_for_all_images() -> None:
    A, W = torch.randn(3, 4, 2, 2), torch.randn(6, 4)
    torch.testing.assert_close(
        class_activation_map(A, W, 2), class_activation_map(A, W, torch.tensor([2, 2, 2]))
    )


def test_grad_cam_at_the_last_maps_is_relu_cam_over_hw() -> None:
    net = _random_net(1)
    X = torch.rand(4, 1, 28, 28)
    maps, logits = grad_cam(net, net.features, X)
    pred = logits.argmax(dim=1)
    with torch.no_grad():
        cam = class_activation_map(net.features(X), net.fc.weight, pred)
    torch.testing.assert_close(maps, torch.relu(cam) / (7 * 7))


def test_grad_cam_matches_autograd_reference_at_an_inner_layer() -> None:
    """Reference: split the network at the layer and differentiate the tail directly."""
    net = _random_net(2)
    X = torch.rand(3, 1, 28, 28)
    y = torch.tensor([1, 7, 4])
    layer = net.features[5]  # the BatchNorm after the second convolution: (n, 8, 14, 14)
    maps, _ = grad_cam(net, layer, X, y)
    head, tail = net.features[:6], net.features[6:]
    A = head(X).detach().requires_grad_(True)
    logits = net.fc(tail(A).mean(dim=(2, 3)))
    (grads,) = torch.autograd.grad(logits[torch.arange(3), y].sum(), A)
    expected = torch.relu((grads.mean(dim=(2, 3))[:, :, None, None] * A).sum(dim=1))
    torch.testing.assert_close(maps, expected.detach())


def test_grad_cam_per_image_equals_batched() -> None:
    net = _random_net(3)
    X = torch.rand(3, 1, 28, 28)
    batched, _ = grad_cam(net, net.features[2], X, 5)
    for i in range(3):
        single, _ = grad_cam(net, net.features[2], X[i : i + 1], 5)
        torch.testing.assert_close(single[0], batched[i])


def test_grad_cam_leaves_no_hook_and_works_under_no_grad() -> None:
    net = _random_net()
    layer = net.features
    with torch.no_grad():
        maps, _ = grad_cam(net, layer, torch.rand(2, 1, 28, 28))
    assert maps.shape == (2, 7, 7) and not maps.requires_grad
    assert not layer._forward_hooks


def test_trained_model_points_at_strokes() -> None:
    """After training, the CAM peak lies on ink far more often than a random pixel does."""
    net, acc = train_gap_cnn()
    assert acc > 0.9
    _, X_test, _, y_test = load_digits_tensors(seed=0, flatten=False)
    X = digits_to_28x28(X_test)
    with torch.no_grad():
        cam = class_activation_map(net.features(X), net.fc.weight, y_test)
    hit = pointing_accuracy(upsample_maps(cam, (28, 28)), X)
    ink = (X > 0.5).float().mean().item()  # chance of a random pixel landing on ink
    assert hit > ink + 0.15


def test_train_gap_cnn_returns_fresh_copies() -> None:
    a, _ = train_gap_cnn()
    b, _ = train_gap_cnn()
    assert a is not b
    with torch.no_grad():
        a.fc.bias.add_(1.0)
    assert not torch.equal(a.fc.bias, b.fc.bias)


def test_normalize_and_upsample() -> None:
    maps = torch.tensor([[[1.0, 3.0], [2.0, 5.0]], [[4.0, 4.0], [4.0, 4.0]]])
    norm = normalize_maps(maps)
    torch.testing.assert_close(norm[0], torch.tensor([[0.0, 0.5], [0.25, 1.0]]))
    torch.testing.assert_close(norm[1], torch.zeros(2, 2))
    up = upsample_maps(maps, (4, 4))
    torch.testing.assert_close(up[1], torch.full((4, 4), 4.0))


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (
            lambda: class_activation_map(torch.zeros(2, 4, 3, 3), torch.zeros(10, 5), 0),
            ValueError,
            r"\(num_classes, 4\)",
        ),
        (
            lambda: class_activation_map(torch.zeros(4, 3, 3), torch.zeros(10, 4), 0),
            ValueError,
            "4 dimensions",
        ),
        (
            lambda: class_activation_map(torch.zeros(2, 4, 3, 3), torch.zeros(10, 4), 10),
            ValueError,
            r"\[0, 10\)",
        ),
        (
            lambda: class_activation_map(
                torch.zeros(2, 4, 3, 3), torch.zeros(10, 4), torch.tensor([1])
            ),
            ValueError,
            "one entry per image",
        ),
        (
            lambda: class_activation_map(
                torch.zeros(2, 4, 3, 3), torch.zeros(10, 4), torch.tensor([1.0, 2.0])
            ),
            TypeError,
            "integer",
        ),
        (
            lambda: class_activation_map(torch.zeros(2, 4, 3, 3), torch.zeros(10, 4), True),
            TypeError,
            "bool",
        ),
        (
            lambda: class_activation_map(
                torch.zeros(2, 4, 3, 3, dtype=torch.long), torch.zeros(10, 4), 0
            ),
            TypeError,
            "floating",
        ),
        (
            lambda: grad_cam(GapCNN(), nn.Conv2d(1, 1, 1), torch.zeros(1, 1, 28, 28)),
            ValueError,
            "submodule",
        ),
        (
            lambda: grad_cam(GapCNN().eval(), "features", torch.zeros(1, 1, 28, 28)),
            TypeError,
            "nn.Module",
        ),
        (lambda: upsample_maps(torch.zeros(1, 1, 3, 3), (6, 6)), ValueError, "3 dimensions"),
        (
            lambda: pointing_accuracy(torch.zeros(2, 4, 4), torch.zeros(2, 1, 5, 5)),
            ValueError,
            r"\(n, 1, H, W\)",
        ),
        (lambda: train_gap_cnn(epochs=0), ValueError, "epochs"),
        (lambda: GapCNN(width=0), ValueError, "width"),
    ],
)
def test_bad_input(call, error, match) -> None:
    with pytest.raises(error, match=match):
        call()


def test_grad_cam_refuses_training_mode() -> None:
    net = GapCNN()  # nn.Module starts in training mode
    with pytest.raises(ValueError, match=r"model\.eval\(\)"):
        grad_cam(net, net.features, torch.zeros(2, 1, 28, 28))


def test_grad_cam_rejects_a_layer_without_feature_maps() -> None:
    net = GapCNN().eval()
    with pytest.raises(ValueError, match=r"\(n, k, h, w\)"):
        grad_cam(net, net.fc, torch.zeros(2, 1, 28, 28))
