"""Polynomial fits of a noisy cubic: losses vs degree (left) and three fitted curves (right)."""

import torch
from matplotlib.figure import Figure

from dlnotes.mlp import polynomial as mlp_poly  # qualified: a page's own names stay untouched


def figure() -> Figure:
    data = mlp_poly.make_poly_data(generator=torch.Generator().manual_seed(0))  # 100 + 100 examples
    degrees = list(range(20))
    fits = [mlp_poly.fit_polynomial(data, degree) for degree in degrees]  # (w, train, test) each
    fig = Figure(figsize=(9.0, 3.4))
    ax1, ax2 = fig.subplots(1, 2)
    ax1.plot(degrees, [train for _, train, _ in fits], "o-", markersize=3, label="training")
    ax1.plot(degrees, [test for _, _, test in fits], "s--", markersize=3, label="test")
    ax1.axvline(3, color="gray", linestyle=":", linewidth=1)  # the true degree
    ax1.set_yscale("log")
    ax1.set_xticks([0, 3, 5, 10, 15, 19])
    ax1.set_xlabel("polynomial degree")
    ax1.set_ylabel("mean squared loss / 2")
    ax1.legend(fontsize=8)
    ax1.grid(True, alpha=0.3)

    x_train = data.train_features[:, 1]  # column 1 is x itself
    ax2.scatter(x_train, data.train_labels, s=8, color="gray", label="training data")
    x = torch.linspace(-3.5, 3.5, 400, dtype=data.train_features.dtype)
    for degree, style in [(1, "-"), (3, "--"), (19, "-.")]:
        w = fits[degree][0]
        ax2.plot(x, mlp_poly.poly_features(x, degree) @ w, style, label=f"degree {degree}")
    ax2.set_ylim(-15, 35)
    ax2.set_xlabel("x")
    ax2.set_ylabel("y")
    ax2.legend(fontsize=8)
    ax2.grid(True, alpha=0.3)
    fig.tight_layout()
    return fig
