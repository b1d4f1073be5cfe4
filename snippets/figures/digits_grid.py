"""A grid of real handwritten digits with their labels (scikit-learn's digits, offline)."""

import matplotlib.pyplot as plt
import torch
from matplotlib.figure import Figure

from dlnotes.data.digits import load_digits_tensors


def show_images(
    imgs: torch.Tensor, num_rows: int, num_cols: int, titles: list[str] | None = None
) -> Figure:
    """Draw images of shape (n, h, w) in a num_rows x num_cols grid (like d2l.show_images)."""
    fig, axes = plt.subplots(num_rows, num_cols, figsize=(1.0 * num_cols, 1.2 * num_rows))
    for i, ax in enumerate(axes.flat):
        ax.imshow(imgs[i].numpy(), cmap="gray_r")  # dark ink on a light background
        ax.axis("off")
        if titles:
            ax.set_title(titles[i], fontsize=9)
    fig.tight_layout()
    return fig


def figure() -> Figure:
    X_train, _, y_train, _ = load_digits_tensors(flatten=False)  # (1437, 1, 8, 8)
    n = 16
    return show_images(X_train[:n, 0], 2, 8, titles=[f"label {int(y)}" for y in y_train[:n]])
