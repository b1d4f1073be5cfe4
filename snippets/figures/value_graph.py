"""The computational graph of y = tanh(w1 x1 + w2 x2 + b) after y.backward()."""

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from dlnotes.autograd.value import Value


def figure() -> Figure:
    names = {}
    x1, x2, w1, w2, b = Value(2.0), Value(-1.0), Value(0.5), Value(1.5), Value(0.25)
    names.update({id(x1): "x1", id(x2): "x2", id(w1): "w1", id(w2): "w2", id(b): "b"})
    y = (w1 * x1 + w2 * x2 + b).tanh()
    y.backward()

    order = y.topological_order()  # inputs before outputs
    depth: dict[int, int] = {}
    for node in order:  # column = length of the longest path from a leaf
        depth[id(node)] = 1 + max((depth[id(p)] for p in node._prev), default=-1)
    columns: dict[int, list[Value]] = {}
    for node in order:
        columns.setdefault(depth[id(node)], []).append(node)
    pos = {}
    for col, nodes in columns.items():
        for row, node in enumerate(nodes):
            pos[id(node)] = (col, (len(nodes) - 1) / 2 - row)

    fig, ax = plt.subplots(figsize=(7, 3.6))
    for node in order:
        for parent in node._prev:
            ax.annotate(
                "",
                xy=pos[id(node)],
                xytext=pos[id(parent)],
                arrowprops={"arrowstyle": "->", "color": "gray", "shrinkA": 22, "shrinkB": 22},
            )
    for node in order:
        label = names.get(id(node), node.op)
        text = f"{label}\ndata {node.data:.3g}\ngrad {node.grad:.3g}"
        leaf = not node._prev
        ax.text(
            *pos[id(node)],
            text,
            ha="center",
            va="center",
            fontsize=7,
            bbox={
                "boxstyle": "round",
                "facecolor": "#dbe4ff" if leaf else "#fff3bf",
                "edgecolor": "gray",
            },
        )
    ax.set_xlim(-0.6, max(columns) + 0.6)
    ax.set_ylim(-2.8, 2.8)
    ax.set_title("forward: data (left to right); backward: grad (right to left)", fontsize=9)
    ax.axis("off")
    fig.tight_layout()
    return fig
