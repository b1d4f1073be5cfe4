"""A shifted input shifts a convolution's output (middle) but scrambles an MLP's (right)."""

import torch
from matplotlib.figure import Figure
from torch import nn


def figure():
    torch.manual_seed(0)
    conv = nn.Conv2d(1, 1, kernel_size=3, padding=1)  # 10 parameters, output 12x12
    linear = nn.Linear(144, 144)  # 144 * 144 + 144 parameters, output 12x12 as well
    X = torch.zeros(1, 1, 12, 12)
    X[0, 0, 2:5, 2:5] = torch.tensor([[1.0, 1.0, 1.0], [1.0, 0.0, 0.0], [1.0, 0.0, 0.0]])
    shifted = torch.roll(X, shifts=(3, 4), dims=(2, 3))  # 3 down, 4 right
    fig = Figure(figsize=(7.5, 5.0))
    axes = fig.subplots(2, 3)
    with torch.no_grad():
        for row, (name, image) in enumerate([("input", X), ("shifted input", shifted)]):
            outputs = [image, conv(image), linear(image.flatten(1)).reshape(image.shape)]
            titles = [name, "convolution output", "MLP output"]
            for ax, out, title in zip(axes[row], outputs, titles, strict=True):
                ax.imshow(out[0, 0].numpy(), cmap="viridis")
                ax.set_title(title, fontsize="medium")
                ax.set_xticks([])
                ax.set_yticks([])
                ax.grid(False)
    fig.subplots_adjust(left=0.02, right=0.98, bottom=0.02, top=0.93, wspace=0.08, hspace=0.15)
    return fig
