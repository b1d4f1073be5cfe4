"""Where NiN's parameters are, and what an AlexNet-style fully connected head would cost."""

import torch
from matplotlib.figure import Figure
from torch import nn

from dlnotes.cnn.summary import count_parameters
from dlnotes.modern_cnn.nin import nin


def figure() -> Figure:
    with torch.device("meta"):  # only the counts matter: no memory, no initialization
        net = nin(num_classes=10, in_channels=1)
        fc_head = nn.Sequential(  # on NiN's (384, 5, 5) features, as AlexNet would
            nn.Flatten(), nn.Linear(384 * 5 * 5, 4096), nn.ReLU(), nn.Dropout(0.5),
            nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(0.5), nn.Linear(4096, 10),
        )  # fmt: skip
    body = [count_parameters(net[i]) for i in (0, 2, 4)]  # NiN blocks 1-3
    bars = {
        "NiN: block 4 + global avg pooling": [*body, count_parameters(net[7])],
        "blocks 1-3 + AlexNet-style FC head": [*body, count_parameters(fc_head)],
    }
    labels = ["block 1", "block 2", "block 3", "head"]
    colors = ["tab:blue", "tab:cyan", "tab:green", "tab:red"]
    fig = Figure(figsize=(7.5, 2.6))
    ax = fig.subplots()
    for y, parts in enumerate(bars.values()):
        left = 0
        for part, label, color in zip(parts, labels, colors, strict=True):
            ax.barh(y, part / 1e6, left=left / 1e6, color=color, label=label if y == 0 else None)
            left += part
        ax.text(left / 1e6 + 0.5, y, f"{left / 1e6:.2f} M", va="center", fontsize=9)
    ax.set_yticks(range(len(bars)), list(bars), fontsize=9)
    ax.invert_yaxis()
    ax.set_xlabel("parameters (millions)")
    ax.set_xlim(0, 66)
    ax.legend(loc="upper right", fontsize=8, ncols=4)
    fig.tight_layout()
    return fig
