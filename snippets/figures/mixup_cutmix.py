"""MixUp and CutMix on two digits: the blended images and their soft labels (T03)."""

import torch
from matplotlib.figure import Figure

from dlnotes.data.digits import load_digits_tensors
from dlnotes.tricks.mixing import cutmix, mixup


def figure() -> Figure:
    X, _, y, _ = load_digits_tensors(flatten=False)  # (n, 1, 8, 8) in [0, 1]
    idx = [int((y == 3).nonzero()[0]), int((y == 7).nonzero()[0])]
    x, labels = X[idx], y[idx]  # x[1] is paired with x[0] (the batch rolled by one)
    g = torch.Generator().manual_seed(8)  # the CutMix box position; global RNG untouched
    panels = [("a 3", x[0], None), ("a 7", x[1], None)]
    xm, ym = mixup(x, labels, 10, lam=0.6)
    panels.append(("MixUp, lam = 0.6", xm[1], ym[1]))
    xc, yc = cutmix(x, labels, 10, lam=0.6, generator=g)
    panels.append(("CutMix, lam = 0.6", xc[1], yc[1]))
    fig = Figure(figsize=(7, 2.3))
    axes = fig.subplots(1, 4)
    for ax, (title, img, soft) in zip(axes, panels, strict=True):
        ax.imshow(img[0].numpy(), cmap="gray_r", vmin=0, vmax=1)
        if soft is not None:
            top = [f"{c}: {soft[c]:.2f}" for c in soft.nonzero().flatten().tolist()]
            title += "\n" + ", ".join(top)
        ax.set_title(title, fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    return fig
