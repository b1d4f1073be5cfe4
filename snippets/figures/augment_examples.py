"""Augmentations on a digit: which keep the label and which change it (T02)."""

import torch
from matplotlib.figure import Figure
from torchvision.transforms import v2

from dlnotes.data.digits import load_digits_tensors


def figure() -> Figure:
    X, _, y, _ = load_digits_tensors(flatten=False)  # (n, 1, 8, 8) in [0, 1]
    images = [X[int((y == label).nonzero()[0])] for label in (2, 3)]  # a 2 and a 3
    torch.manual_seed(0)
    transforms = [
        ("original", lambda im: im),
        ("random crop (pad 1)", v2.RandomCrop(8, padding=1)),
        ("rotation (15 deg)", v2.RandomRotation(15)),
        ("random erasing", v2.RandomErasing(p=1.0, scale=(0.05, 0.1), value=0)),
        ("horizontal flip", v2.RandomHorizontalFlip(p=1.0)),
    ]
    fig = Figure(figsize=(8, 3.6))
    axes = fig.subplots(len(images), len(transforms))
    for row, img in zip(axes, images, strict=True):
        for ax, (_, transform) in zip(row, transforms, strict=True):
            ax.imshow(transform(img)[0].numpy(), cmap="gray_r", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
    for ax, (title, _) in zip(axes[0], transforms, strict=True):
        ax.set_title(title, fontsize=8)
    axes[0, -1].set_title("horizontal flip:\nno longer a valid digit", fontsize=8, color="C3")
    fig.tight_layout()
    return fig
