"""Class activation maps: where in the image does the evidence for a class come from?

* CAM (Zhou et al., 2016) needs a network that ends with global average pooling and one
  linear layer: the map of class ``c`` is the last feature maps weighted by that class's
  row of the linear layer (:func:`class_activation_map`).
* Grad-CAM (Selvaraju et al., 2017) works for any layer of any differentiable network:
  the weights are the spatial means of the gradients of the class score
  (:func:`grad_cam`, with forward hooks).

For a network that ends with GAP and a linear layer, Grad-CAM at the last feature maps is
``relu(CAM) / (h w)``: the pages check it. :class:`GapCNN` is such a network, small
enough to train on the digits in seconds (:func:`train_gap_cnn`).
"""

from __future__ import annotations

# --8<-- [start:imports]
import functools

import torch
from torch import nn
from torch.nn import functional as F

from dlnotes._checks import check_tensor
from dlnotes.modern_cnn.nin import _check_channels, check_images

# --8<-- [end:imports]

__all__ = [
    "GapCNN",
    "class_activation_map",
    "grad_cam",
    "normalize_maps",
    "pointing_accuracy",
    "train_gap_cnn",
    "upsample_maps",
]


# --8<-- [start:GapCNN]
class GapCNN(nn.Module):
    """Convolutions, then global average pooling and one linear layer: CAM's architecture.

    Four 3x3 convolutions with BatchNorm and ReLU, 2x2 max pooling after the first two;
    on 28x28 digits the last feature maps are ``(4 * width, 7, 7)``, and each of their
    positions sees a 26x26 window of the image (enough to see a whole digit).

    Example:
        >>> net = GapCNN()
        >>> net.features(torch.zeros(2, 1, 28, 28)).shape, net(torch.zeros(2, 1, 28, 28)).shape
        (torch.Size([2, 64, 7, 7]), torch.Size([2, 10]))
    """

    def __init__(self, in_channels: int = 1, num_classes: int = 10, width: int = 16) -> None:
        super().__init__()
        self.in_channels = _check_channels(in_channels, "in_channels")
        _check_channels(num_classes, "num_classes")
        _check_channels(width, "width")

        def conv(c_in: int, c_out: int) -> list[nn.Module]:
            return [
                nn.Conv2d(c_in, c_out, 3, padding=1, bias=False),
                nn.BatchNorm2d(c_out),
                nn.ReLU(),
            ]

        self.features = nn.Sequential(
            *conv(in_channels, width),  # (n, w, 28, 28)
            nn.MaxPool2d(2),  # (n, w, 14, 14)
            *conv(width, 2 * width),  # (n, 2w, 14, 14)
            nn.MaxPool2d(2),  # (n, 2w, 7, 7)
            *conv(2 * width, 4 * width),  # (n, 4w, 7, 7)
            *conv(4 * width, 4 * width),  # (n, 4w, 7, 7): the maps CAM weights
        )
        self.fc = nn.Linear(4 * width, num_classes)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        A = self.features(check_images(X, self.in_channels))  # (n, k, h, w)
        return self.fc(A.mean(dim=(2, 3)))  # GAP, then linear: (n, num_classes)


# --8<-- [end:GapCNN]


# --8<-- [start:class_activation_map]
def _check_classes(class_idx: object, n: int, num_classes: int) -> torch.Tensor:
    """``class_idx`` (an int or n ints) as a long tensor of shape ``(n,)``."""
    if isinstance(class_idx, bool):
        raise TypeError("class_idx must be an int or a tensor of class indices, got bool")
    if isinstance(class_idx, int):
        class_idx = torch.full((n,), class_idx)
    check_tensor(class_idx, "class_idx", ndim=1, integer=True)
    if len(class_idx) != n:
        raise ValueError(f"class_idx must have one entry per image ({n}), got {len(class_idx)}")
    lo, hi = (int(class_idx.min()), int(class_idx.max())) if n else (0, 0)
    if lo < 0 or hi >= num_classes:
        raise ValueError(f"class indices must lie in [0, {num_classes}), got {lo} to {hi}")
    return class_idx.long()


def class_activation_map(
    features: torch.Tensor, weight: torch.Tensor, class_idx: int | torch.Tensor
) -> torch.Tensor:
    """CAM: ``M_c(i, j) = sum_k w[c, k] A_k(i, j)``, one map per image.

    Args:
        features: the last feature maps ``A``, shape ``(n, k, h, w)``.
        weight: the linear layer's weight after GAP, shape ``(num_classes, k)``.
        class_idx: the class ``c`` to explain: one int, or one per image ``(n,)``.

    Returns:
        Maps of shape ``(n, h, w)``. Their spatial mean plus the bias is the logit.

    Example:
        >>> A = torch.ones(1, 2, 3, 3)
        >>> class_activation_map(A, torch.tensor([[1.0, -3.0]]), 0)[0, 0]
        tensor([-2., -2., -2.])
    """
    check_tensor(features, "features", ndim=4, floating=True)
    check_tensor(weight, "weight", ndim=2, floating=True)
    if weight.shape[1] != features.shape[1]:
        raise ValueError(
            f"weight must have shape (num_classes, {features.shape[1]}) to match the "
            f"{features.shape[1]} feature maps, got {tuple(weight.shape)}"
        )
    c = _check_classes(class_idx, len(features), len(weight))
    w = weight[c]  # (n, k): the row of the explained class, per image
    return torch.einsum("nk,nkhw->nhw", w, features)  # weighted sum of the maps


# --8<-- [end:class_activation_map]


# --8<-- [start:grad_cam]
def grad_cam(
    model: nn.Module,
    layer: nn.Module,
    X: torch.Tensor,
    class_idx: int | torch.Tensor | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Grad-CAM at the output of ``layer``: ``relu(sum_k alpha_k A_k)``.

    ``alpha_k`` is the mean over positions of ``d y_c / d A_k``: how much the class score
    ``y_c`` (a logit, before softmax) rises when map ``k`` rises everywhere.

    Args:
        model: the network, in evaluation mode (in training mode BatchNorm mixes the
            images of the batch, and dropout makes the maps random).
        layer: a submodule of ``model`` whose output ``A`` is ``(n, k, h, w)``.
        X: the images.
        class_idx: the class to explain, one int or one per image; default: the
            predicted class of each image.

    Returns:
        ``(maps, logits)``: maps of shape ``(n, h, w)`` and the logits ``(n, classes)``,
        both detached.

    Example:
        >>> net = GapCNN().eval()
        >>> maps, logits = grad_cam(net, net.features, torch.rand(2, 1, 28, 28))
        >>> maps.shape, bool((maps >= 0).all())
        (torch.Size([2, 7, 7]), True)
    """
    if not isinstance(model, nn.Module) or not isinstance(layer, nn.Module):
        raise TypeError("model and layer must be nn.Module instances")
    if not any(m is layer for m in model.modules()):
        raise ValueError("layer must be a submodule of model")
    if model.training:
        raise ValueError("call model.eval() first: in training mode the maps are not per image")
    check_tensor(X, "X", floating=True)

    saved: list[torch.Tensor] = []
    handle = layer.register_forward_hook(lambda module, args, out: saved.append(out))
    try:
        with torch.enable_grad():
            logits = model(X)  # (n, classes); the hook saved A: (n, k, h, w)
            if class_idx is None:
                class_idx = logits.argmax(dim=1)
            c = _check_classes(class_idx, len(X), logits.shape[1])
            A = saved[-1]
            if not isinstance(A, torch.Tensor) or A.dim() != 4:
                raise ValueError("layer must output feature maps of shape (n, k, h, w)")
            # the images do not interact in eval mode, so one backward gives every image's gradient
            score = logits.gather(1, c[:, None]).sum()
            (grads,) = torch.autograd.grad(score, A)  # (n, k, h, w)
    finally:
        handle.remove()
    alpha = grads.mean(dim=(2, 3))  # (n, k): global-average-pooled gradients
    maps = F.relu(torch.einsum("nk,nkhw->nhw", alpha, A))  # keep positive evidence only
    return maps.detach(), logits.detach()


# --8<-- [end:grad_cam]


# --8<-- [start:upsample_maps]
def upsample_maps(maps: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    """Resize maps ``(n, h, w)`` to the image size with bilinear interpolation.

    Example:
        >>> upsample_maps(torch.zeros(3, 7, 7), (28, 28)).shape
        torch.Size([3, 28, 28])
    """
    check_tensor(maps, "maps", ndim=3, floating=True)
    out = F.interpolate(maps[:, None], size=size, mode="bilinear", align_corners=False)
    return out[:, 0]  # (n, H, W)


def normalize_maps(maps: torch.Tensor) -> torch.Tensor:
    """Scale every map to ``[0, 1]`` (min to 0, max to 1), for display.

    Example:
        >>> normalize_maps(torch.tensor([[[2.0, 4.0]]]))
        tensor([[[0., 1.]]])
    """
    check_tensor(maps, "maps", ndim=3, floating=True)
    lo = maps.amin(dim=(1, 2), keepdim=True)
    hi = maps.amax(dim=(1, 2), keepdim=True)
    return (maps - lo) / (hi - lo).clamp_min(1e-12)  # a constant map becomes all zeros


# --8<-- [end:upsample_maps]


# --8<-- [start:pointing_accuracy]
def pointing_accuracy(maps: torch.Tensor, images: torch.Tensor, threshold: float = 0.5) -> float:
    """Fraction of images whose map peaks on a stroke (a pixel brighter than ``threshold``).

    A simple form of the "pointing game" (Zhang et al., 2016): maps and images must have
    the same size, ``(n, H, W)`` and ``(n, 1, H, W)``.

    Example:
        >>> images = torch.zeros(2, 1, 4, 4); images[:, 0, 1, 1] = 1.0
        >>> maps = torch.zeros(2, 4, 4); maps[0, 1, 1] = 1.0; maps[1, 3, 3] = 1.0
        >>> pointing_accuracy(maps, images)
        0.5
    """
    check_tensor(maps, "maps", ndim=3, floating=True)
    check_tensor(images, "images", ndim=4, floating=True)
    if images.shape[1] != 1 or images.shape[2:] != maps.shape[1:] or len(images) != len(maps):
        raise ValueError(
            f"images must have shape (n, 1, H, W) matching maps (n, H, W) = {tuple(maps.shape)}, "
            f"got {tuple(images.shape)}"
        )
    peak = maps.flatten(1).argmax(dim=1)  # (n,): index of the brightest position
    on_stroke = images.flatten(1).gather(1, peak[:, None])[:, 0] > threshold
    return on_stroke.float().mean().item()


# --8<-- [end:pointing_accuracy]


# --8<-- [start:train_gap_cnn]
@functools.cache
def _trained_state(epochs: int, seed: int) -> tuple[dict[str, torch.Tensor], float]:
    from dlnotes.cnn.lenet import load_data_digits_28, train_digits

    train_iter, test_iter = load_data_digits_28(batch_size=64, seed=seed)
    torch.manual_seed(seed)
    net = GapCNN()
    trainer = train_digits(net, train_iter, test_iter, epochs=epochs, lr=3e-3)
    state = {k: v.clone() for k, v in net.state_dict().items()}
    return state, trainer.history["val_acc"][-1]


def train_gap_cnn(epochs: int = 3, seed: int = 0) -> tuple[GapCNN, float]:
    """A :class:`GapCNN` trained on the 28x28 digits; returns ``(net in eval mode, test acc)``.

    Adam (lr 0.003), batch 64, through the shared loop. The trained weights are cached
    per ``(epochs, seed)`` within a process, and every call gets a fresh copy.

    Example:
        >>> net, acc = train_gap_cnn()
        >>> net.training, acc > 0.9
        (False, True)
    """
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be an int >= 1, got {epochs!r}")
    state, acc = _trained_state(epochs, seed)
    net = GapCNN()
    net.load_state_dict(state)
    return net.eval(), acc


# --8<-- [end:train_gap_cnn]
