"""The computational graph of a one-hidden-layer MLP with an L2 penalty (D2L section 4.7).

Squares are variables, circles are operators. Forward propagation follows the arrows from
the inputs and parameters (left, top) to the objective J (right); backpropagation visits the
same graph in the opposite direction.
"""

from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

# name -> (x, y, kind); kind "var" (square, a tensor) or "op" (circle, an operator)
NODES = {
    "x": (0.0, 0.0, "var"),
    "W1": (1.0, 1.3, "var"),
    "mul1": (1.0, 0.0, "op"),
    "z": (2.0, 0.0, "var"),
    "phi": (3.0, 0.0, "op"),
    "h": (4.0, 0.0, "var"),
    "W2": (5.0, 1.3, "var"),
    "mul2": (5.0, 0.0, "op"),
    "o": (6.0, 0.0, "var"),
    "y": (7.0, 1.3, "var"),
    "loss": (7.0, 0.0, "op"),
    "L": (8.0, 0.0, "var"),
    "norm": (3.0, 2.6, "op"),
    "s": (8.0, 2.6, "var"),
    "plus": (9.0, 1.3, "op"),
    "J": (10.0, 1.3, "var"),
}
LABELS = {
    "x": "$\\mathbf{x}$",
    "W1": "$\\mathbf{W}^{(1)}$",
    "mul1": "$\\times$",
    "z": "$\\mathbf{z}$",
    "phi": "$\\phi$",
    "h": "$\\mathbf{h}$",
    "W2": "$\\mathbf{W}^{(2)}$",
    "mul2": "$\\times$",
    "o": "$\\mathbf{o}$",
    "y": "$y$",
    "loss": "$l$",
    "L": "$L$",
    "norm": "$\\frac{\\lambda}{2}\\|\\cdot\\|^2$",
    "s": "$s$",
    "plus": "$+$",
    "J": "$J$",
}
EDGES = [
    ("x", "mul1"),
    ("W1", "mul1"),
    ("mul1", "z"),
    ("z", "phi"),
    ("phi", "h"),
    ("h", "mul2"),
    ("W2", "mul2"),
    ("mul2", "o"),
    ("o", "loss"),
    ("y", "loss"),
    ("loss", "L"),
    ("W1", "norm"),
    ("W2", "norm"),
    ("norm", "s"),
    ("L", "plus"),
    ("s", "plus"),
    ("plus", "J"),
]
SIZE = 0.32  # half the side of a square, the radius of a circle


def figure() -> Figure:
    fig = Figure(figsize=(8.0, 3.0))
    ax = fig.subplots()
    for name, (x, y, kind) in NODES.items():
        if kind == "var":
            patch = FancyBboxPatch(
                (x - SIZE, y - SIZE),
                2 * SIZE,
                2 * SIZE,
                boxstyle="round,pad=0.02",
                facecolor="#dbe4ff",
                edgecolor="#4263eb",
            )
        else:
            patch = Circle((x, y), SIZE, facecolor="#fff3bf", edgecolor="#f08c00")
        ax.add_patch(patch)
        ax.text(x, y, LABELS[name], ha="center", va="center", fontsize=9 if kind == "var" else 8)
    for start, end in EDGES:
        (x0, y0, _), (x1, y1, _) = NODES[start], NODES[end]
        arrow = FancyArrowPatch(
            (x0, y0),
            (x1, y1),
            arrowstyle="-|>",
            mutation_scale=10,
            color="gray",
            shrinkA=13,
            shrinkB=13,
        )
        ax.add_patch(arrow)
    ax.annotate(
        "",
        xy=(0.0, -0.9),
        xytext=(10.0, -0.9),
        arrowprops={"arrowstyle": "-|>", "color": "#c92a2a"},
    )
    ax.text(
        5.0,
        -0.75,
        "backpropagation: from J back to every parameter",
        ha="center",
        va="bottom",
        fontsize=8,
        color="#c92a2a",
    )
    ax.text(
        5.0,
        3.2,
        "forward propagation: along the arrows, from x and the weights to J",
        ha="center",
        fontsize=8,
        color="gray",
    )
    ax.set_xlim(-0.5, 10.5)
    ax.set_ylim(-1.1, 3.4)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.tight_layout()
    return fig
