"""The module tree of D2L's nested network: children() versus modules()."""

from matplotlib.figure import Figure
from torch import nn

from dlnotes.computation.parameters import block2


def figure() -> Figure:
    rgnet = nn.Sequential(block2(num_blocks=2), nn.Linear(4, 1))  # 2 blocks keep it legible
    rows = []  # (depth, name, type) in the order modules() visits them
    for name, module in rgnet.named_modules():
        depth = 0 if name == "" else name.count(".") + 1
        rows.append((depth, name.split(".")[-1] or "rgnet", type(module).__name__))
    fig = Figure(figsize=(5.5, 4.2))
    ax = fig.subplots()
    parents: dict[int, float] = {}
    for i, (depth, name, kind) in enumerate(rows):
        y = -i
        if depth > 0:  # elbow from the parent's row
            ax.plot(
                [depth - 0.75, depth - 0.75, depth - 0.1],
                [parents[depth - 1], y, y],
                color="0.6",
                lw=0.8,
            )
        parents[depth] = y
        child = depth == 1
        ax.text(
            depth,
            y,
            f"{name}: {kind}",
            va="center",
            fontsize=8,
            fontweight="bold" if child else "normal",
            bbox={
                "boxstyle": "round,pad=0.2",
                "lw": 0.8,
                "fc": "#d9ecff" if child else "white",
                "ec": "tab:blue" if child else "0.6",
            },
        )
    n_children = len(list(rgnet.children()))
    ax.text(
        4.0,
        0,
        f"modules(): all {len(rows)} boxes\nchildren(): the {n_children} bold ones",
        va="top",
        fontsize=8,
    )
    ax.set_xlim(-0.2, 6.2)
    ax.set_ylim(-len(rows) + 0.3, 0.7)
    ax.axis("off")
    fig.tight_layout()
    return fig
