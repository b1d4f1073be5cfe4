"""Gradient norm per layer of a 20-layer MLP (width 128): sigmoid/tanh (left), ReLU (right)."""

from matplotlib.figure import Figure

from dlnotes.mlp.stability import layer_gradient_norms

DEPTH, WIDTH = 20, 128
PANELS = {
    "sigmoid and tanh": [
        ("sigmoid", "default", 0.01, "sigmoid, PyTorch default"),
        ("sigmoid", "xavier", 0.01, "sigmoid, Xavier"),
        ("tanh", "xavier", 0.01, "tanh, Xavier (gain 5/3)"),
    ],
    "ReLU": [
        ("relu", "normal", 1.0, "ReLU, N(0, 1)"),
        ("relu", "normal", 0.01, "ReLU, N(0, 0.01^2)"),
        ("relu", "default", 0.01, "ReLU, PyTorch default"),
        ("relu", "kaiming", 0.01, "ReLU, Kaiming"),
    ],
}


def figure() -> Figure:
    fig = Figure(figsize=(8.0, 3.4))
    axes = fig.subplots(1, 2, sharey=True)
    layers = range(1, DEPTH + 1)
    for ax, (title, curves) in zip(axes, PANELS.items(), strict=True):
        for activation, init, std, label in curves:
            norms = layer_gradient_norms(DEPTH, WIDTH, activation, init, std=std, seed=0)
            ax.plot(layers, norms, marker="o", markersize=3, label=label)
        ax.set_yscale("log")
        ax.set_xticks([1, 5, 10, 15, 20])
        ax.set_xlabel("layer (1 = next to the input)")
        ax.set_title(title, fontsize=10)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=7)
    axes[0].set_ylabel("||dL/dW|| of the layer")
    fig.tight_layout()
    return fig
