"""The Inception block 3a of GoogLeNet, drawn from the module itself (kernels, channels)."""

from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch
from torch import nn

from dlnotes.modern_cnn.googlenet import Inception


def _describe(layer: nn.Module, c_in: int) -> tuple[str, str, int]:
    """(text, colour, output channels) of one conv_block or pooling layer."""
    if isinstance(layer, nn.MaxPool2d):
        return f"{layer.kernel_size}x{layer.kernel_size} max pool\nstride 1", "#fde2c8", c_in
    conv = layer[0]
    kh, kw = conv.kernel_size
    color = "#d9ecff" if kh == 1 else "#d8f0d2"
    return f"{kh}x{kw} conv\n{conv.in_channels} -> {conv.out_channels}", color, conv.out_channels


def figure() -> Figure:
    blk = Inception(192, 64, (96, 128), (16, 32), 32)  # GoogLeNet's block 3a
    fig = Figure(figsize=(7.5, 4.2))
    ax = fig.subplots()
    box = {"boxstyle": "round,pad=0.35", "lw": 0.8, "ec": "0.4"}
    ax.text(
        1.5,
        0,
        f"input: {blk.in_channels} channels, 28 x 28",
        ha="center",
        va="center",
        fontsize=9,
        bbox={**box, "fc": "white"},
    )
    tops = []
    for x, path in enumerate([blk.b1, blk.b2, blk.b3, blk.b4]):
        layers = [path] if isinstance(path[0], nn.Conv2d) else list(path)
        c, y_prev = blk.in_channels, 0.0
        for i, layer in enumerate(layers):
            text, color, c = _describe(layer, c)
            y = 1.2 + 1.1 * i if len(layers) == 2 else 1.75
            ax.text(x, y, text, ha="center", va="center", fontsize=8, bbox={**box, "fc": color})
            ax.add_patch(
                FancyArrowPatch(
                    (x if i else 1.5, y_prev + 0.3),
                    (x, y - 0.32),
                    arrowstyle="-|>",
                    mutation_scale=9,
                    color="0.5",
                )
            )
            y_prev = y
        tops.append((x, y_prev, c))
    total = " + ".join(str(c) for _, _, c in tops)
    ax.text(
        1.5,
        3.55,
        f"concatenate channels: {total} = {blk.out_channels}",
        ha="center",
        va="center",
        fontsize=9,
        bbox={**box, "fc": "#eeeeee"},
    )
    for x, y, c in tops:
        ax.add_patch(
            FancyArrowPatch(
                (x, y + 0.32),
                (1.5 + 0.55 * (x - 1.5), 3.3),
                arrowstyle="-|>",
                mutation_scale=9,
                color="0.5",
            )
        )
        ax.text(x + 0.08, (y + 3.3) / 2 + 0.12, str(c), fontsize=7, color="0.3")
    for x, name in enumerate(["path 1", "path 2", "path 3", "path 4"]):
        ax.text(x, 4.05, name, ha="center", fontsize=8, color="0.35")
    ax.set_xlim(-0.6, 3.6)
    ax.set_ylim(-0.4, 4.3)
    ax.axis("off")
    fig.tight_layout()
    return fig
