"""Which values share one mean and variance: BatchNorm, LayerNorm, InstanceNorm, GroupNorm.

The cube diagram of Wu and He (2018): a batch of activations drawn as a cube with the
examples N along the depth, the channels C across and the spatial positions H, W
(flattened) up. The shaded cells are the set normalized together, for one such set.
"""

from matplotlib.figure import Figure
from matplotlib.patches import Polygon

N, C, HW = 4, 6, 5  # cells along each axis
DEPTH = (0.45, 0.35)  # oblique projection: one step along N moves right and up

SHADED = {  # (n, c, hw) -> is the cell in the normalized set?
    "Batch Norm": lambda n, c, hw: c == 0,  # one channel, all examples and positions
    "Layer Norm": lambda n, c, hw: n == 0,  # one example, all channels and positions
    "Instance Norm": lambda n, c, hw: n == 0 and c == 0,  # one example, one channel
    "Group Norm": lambda n, c, hw: n == 0 and c < 2,  # one example, one group of C/G = 2
}


def _point(c: float, hw: float, n: float) -> tuple[float, float]:
    """Project the cube coordinate (c, hw, n) onto the page."""
    return c + n * DEPTH[0], hw + n * DEPTH[1]


def _cell(ax, corners, shaded: bool) -> None:
    color = "tab:blue" if shaded else "white"
    ax.add_patch(Polygon([_point(*p) for p in corners], facecolor=color, edgecolor="0.3", lw=0.6))


def _cube(ax, shaded) -> None:
    # back to front is not needed: the three visible faces do not overlap
    for c in range(C):  # front face: n = 0, the cells (c, hw)
        for hw in range(HW):
            corners = [(c, hw, 0), (c + 1, hw, 0), (c + 1, hw + 1, 0), (c, hw + 1, 0)]
            _cell(ax, corners, shaded(0, c, hw))
    for c in range(C):  # top face: hw = HW, the cells (c, n) of the top row
        for n in range(N):
            corners = [(c, HW, n), (c + 1, HW, n), (c + 1, HW, n + 1), (c, HW, n + 1)]
            _cell(ax, corners, shaded(n, c, HW - 1))
    for hw in range(HW):  # right face: c = C, the cells (hw, n) of the last channel
        for n in range(N):
            corners = [(C, hw, n), (C, hw, n + 1), (C, hw + 1, n + 1), (C, hw + 1, n)]
            _cell(ax, corners, shaded(n, C - 1, hw))
    arrow = {"arrowstyle": "->", "color": "0.2", "lw": 0.8}
    ax.annotate("", xy=(C + 0.2, -0.6), xytext=(-0.1, -0.6), arrowprops=arrow)
    ax.text(C / 2, -1.3, "C", ha="center", va="center")
    ax.annotate("", xy=(-0.6, HW + 0.2), xytext=(-0.6, -0.1), arrowprops=arrow)
    ax.text(-1.4, HW / 2, "H, W", ha="center", va="center", rotation=90)
    start, end = _point(C + 0.5, -0.3, 0), _point(C + 0.5, -0.3, N)
    ax.annotate("", xy=end, xytext=start, arrowprops=arrow)
    ax.text(end[0] + 0.35, end[1] - 0.35, "N", ha="center", va="center")


def figure() -> Figure:
    fig = Figure(figsize=(10, 3.0))
    axes = fig.subplots(1, len(SHADED))
    for ax, (name, shaded) in zip(axes, SHADED.items(), strict=True):
        _cube(ax, shaded)
        ax.set_title(name)
        ax.set_xlim(-1.9, C + N * DEPTH[0] + 1.0)
        ax.set_ylim(-1.8, HW + N * DEPTH[1] + 0.3)
        ax.set_aspect("equal")
        ax.axis("off")
    fig.tight_layout()
    return fig
