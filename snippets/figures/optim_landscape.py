"""Four obstacles for gradient descent: a local minimum, a 1-D and a 2-D saddle point, and
the vanishing gradient of tanh."""

import torch
from matplotlib.figure import Figure


def figure() -> Figure:
    fig = Figure(figsize=(9.0, 6.4))
    (ax1, ax2), (ax3, ax4) = fig.subplots(2, 2)

    x = torch.linspace(-1.0, 2.0, 601, dtype=torch.float64)
    y = x * torch.cos(torch.pi * x)
    ax1.plot(x, y)
    for x0, label, dy in ((-0.2739, "local minimum", 0.6), (1.0904, "global minimum", 0.7)):
        y0 = x0 * torch.cos(torch.tensor(torch.pi * x0)).item()
        ax1.plot([x0], [y0], "ko")
        ax1.annotate(label, (x0, y0), (x0 - 0.45, y0 + dy), arrowprops={"arrowstyle": "->"})
    ax1.set_title("$f(x) = x \\cos(\\pi x)$", fontsize=10)
    ax1.set_xlabel("x")

    x = torch.linspace(-2.0, 2.0, 401, dtype=torch.float64)
    ax2.plot(x, x**3)
    ax2.plot([0.0], [0.0], "ko")
    ax2.annotate("saddle point", (0.0, 0.0), (-0.4, 3.5), arrowprops={"arrowstyle": "->"})
    ax2.set_title("$f(x) = x^3$: $f'(0) = f''(0) = 0$", fontsize=10)
    ax2.set_xlabel("x")

    grid = torch.linspace(-1.0, 1.0, 101, dtype=torch.float64)
    X, Y = torch.meshgrid(grid, grid, indexing="xy")
    contours = ax3.contour(X, Y, X**2 - Y**2, levels=torch.linspace(-0.9, 0.9, 10), cmap="coolwarm")
    ax3.clabel(contours, fontsize=7, fmt="%.1f")
    ax3.plot([0.0], [0.0], "kx", markersize=10)
    ax3.set_title("$f(x, y) = x^2 - y^2$: min along x, max along y", fontsize=10)
    ax3.set_xlabel("x")
    ax3.set_ylabel("y")
    ax3.set_aspect("equal")

    x = torch.linspace(-6.0, 6.0, 601, dtype=torch.float64)
    ax4.plot(x, torch.tanh(x), label="tanh(x)")
    ax4.plot(x, 1 - torch.tanh(x) ** 2, "--", label="gradient $1 - \\tanh^2(x)$")
    ax4.plot([4.0], [1 - torch.tanh(torch.tensor(4.0)).item() ** 2], "ko")
    ax4.annotate("x = 4: gradient 0.0013", (4.0, 0.0), (0.8, -0.5), arrowprops={"arrowstyle": "->"})
    ax4.set_title("vanishing gradient", fontsize=10)
    ax4.set_xlabel("x")
    ax4.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    return fig
