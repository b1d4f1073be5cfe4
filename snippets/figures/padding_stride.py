"""How many 3x3 windows cover each pixel of a 6x6 input, for three padding/stride settings."""

import torch
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from dlnotes.cnn.conv import conv_output_size, corr2d_padded

N, K = 6, 3  # input size, kernel size


def coverage(p: int, s: int) -> torch.Tensor:
    """Windows reading each pixel of the zero-padded (N + 2p) x (N + 2p) input."""
    Xp = torch.zeros(N + 2 * p, N + 2 * p, requires_grad=True)  # padding made explicit
    corr2d_padded(Xp, torch.ones(K, K), padding=0, stride=s).sum().backward()
    return Xp.grad  # d(sum of outputs) / d pixel = number of windows on that pixel


def figure():
    settings = [(0, 1), (1, 1), (1, 2)]  # (padding, stride)
    fig = Figure(figsize=(9.0, 3.6))
    axes = fig.subplots(1, 3, width_ratios=[N + 2 * p for p, _ in settings])
    for ax, (p, s) in zip(axes, settings, strict=True):
        counts = coverage(p, s)
        ax.imshow(counts.numpy(), cmap="Blues", vmin=0, vmax=K * K)
        for i in range(counts.shape[0]):
            for j in range(counts.shape[1]):
                v = int(counts[i, j].item())
                ax.text(
                    j,
                    i,
                    str(v),
                    ha="center",
                    va="center",
                    fontsize="x-small",
                    color="white" if v > 5 else "black",
                )
        # the real input; everything outside this square is zero padding
        ax.add_patch(Rectangle((p - 0.5, p - 0.5), N, N, fill=False, lw=2, ec="tab:orange"))
        out = conv_output_size(N, K, p, s)
        ax.set_title(f"padding {p}, stride {s}\noutput {out} x {out}", fontsize="medium")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.02, top=0.86, wspace=0.1)
    return fig
