"""A 5x5 convolution, two 3x3 and 1x5 then 5x1 see the same 5x5 window, weighted differently."""

from matplotlib.figure import Figure

from dlnotes.cnn.summary import count_parameters
from dlnotes.modern_cnn.googlenet import factorized_conv, receptive_field

TITLES = {"full": "one 5x5", "3x3": "two 3x3", "asymmetric": "1x5, then 5x1"}


def figure() -> Figure:
    fig = Figure(figsize=(8, 3.3))
    axes = fig.subplots(1, 3)
    C = 64  # channels in and out, for the parameter counts in the titles
    for ax, (how, title) in zip(axes, TITLES.items(), strict=True):
        rf = receptive_field(factorized_conv(1, 5, how), channels=1, size=9)
        rf = rf / rf.max()  # 1 at the most-used input pixel
        ax.imshow(rf.numpy(), cmap="Blues", vmin=0, vmax=1)
        for i in range(9):
            for j in range(9):
                if rf[i, j] > 0:
                    ax.text(j, i, f"{rf[i, j]:.2f}".lstrip("0"), ha="center", va="center",
                            fontsize=6, color="white" if rf[i, j] > 0.6 else "black")  # fmt: skip
        params = count_parameters(factorized_conv(C, 5, how))
        ax.set_title(f"{title}\n{params:,} parameters at C = {C}", fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    return fig
