"""Augmentations on a digit: which keep the label and which change it (T02)."""

import torch
from matplotlib.figure import Figure
from torchvision.transforms import v2

from dlnotes.data.digits import load_digits_tensors


def figure() -> Figure:
    X, _, y, _ = load_digits_tensors(flatten=False)
    img = X[int((y == 2).nonzero()[0])]  # (1, 8, 8), a 2
    torch.manual_seed(0)
    panels = [
        ("original", img),
        ("random crop (pad 1)", v2.RandomCrop(8, padding=1)(img)),
        ("small rotation", v2.RandomRotation(15)(img)),
        ("random erasing", v2.RandomErasing(p=1.0, scale=(0.05, 0.1), value=0)(img)),
        ("horizontal flip:\nnot a 2 any more", v2.RandomHorizontalFlip(p=1.0)(img)),
    ]
    fig = Figure(figsize=(8, 2.2))
    for ax, (title, im) in zip(fig.subplots(1, len(panels)), panels, strict=True):
        ax.imshow(im[0], cmap="gray_r", vmin=0, vmax=1)
        ax.set_title(title, fontsize=8)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    return fig
