"""A 1-D loss with a sharp and a flat minimum of equal depth; gradient descent on both."""

# --8<-- [start:toy]
import torch
from matplotlib.figure import Figure

SHARP, FLAT = -1.0, 1.5  # the two minima


def double_well(w: torch.Tensor) -> torch.Tensor:
    """Two wells of depth 1: width 0.1 at w = -1 (sharp), width 0.5 at w = 1.5 (flat)."""
    return (
        1
        - torch.exp(-((w - SHARP) ** 2) / (2 * 0.1**2))
        - torch.exp(-((w - FLAT) ** 2) / (2 * 0.5**2))
    )


def curvature(f, w: float) -> float:
    """f''(w), by differentiating twice with autograd."""
    w = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    (g,) = torch.autograd.grad(f(w), w, create_graph=True)
    (h,) = torch.autograd.grad(g, w)
    return h.item()


def eps_sharpness(f, w: float, eps: float, n: int = 201) -> float:
    """max over |delta| <= eps of f(w + delta) - f(w), on a grid of n points."""
    w = torch.tensor(w, dtype=torch.float64)
    deltas = torch.linspace(-eps, eps, n, dtype=torch.float64)
    return (f(w + deltas).max() - f(w)).item()


def gd_path(f, w0: float, lr: float, steps: int) -> torch.Tensor:
    """Gradient descent (torch.optim.SGD on the full loss) from w0: every iterate."""
    w = torch.tensor(w0, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([w], lr=lr)
    path = [w.item()]
    for _ in range(steps):
        opt.zero_grad()
        f(w).backward()
        opt.step()
        path.append(w.item())
    return torch.tensor(path, dtype=torch.float64)


# --8<-- [end:toy]


# --8<-- [start:plot]
def figure() -> Figure:
    eps = 0.1
    w = torch.linspace(-2, 3, 501, dtype=torch.float64)
    fig = Figure(figsize=(9.5, 3.3))
    ax1, ax2 = fig.subplots(1, 2)
    ax1.plot(w, double_well(w), color="C0")
    for center, color, name in ((SHARP, "C3", "sharp"), (FLAT, "C2", "flat")):
        rise = eps_sharpness(double_well, center, eps)
        ax1.axvspan(center - eps, center + eps, color=color, alpha=0.25)
        ax1.hlines(rise, center - 0.4, center + 0.4, colors=color, linestyles="--")
        ax1.text(center, rise + 0.05, f"{name}: rise {rise:.3f}", ha="center", fontsize=8)
    ax1.set_xlabel("w")
    ax1.set_ylabel("loss")
    ax1.set_title(f"largest loss rise within |delta| <= {eps}", fontsize=9)
    for center, color, name in ((SHARP, "C3", "sharp"), (FLAT, "C2", "flat")):
        path = gd_path(double_well, center + 0.02, lr=0.05, steps=60)
        ax2.plot(path - center, "o-", color=color, markersize=2.5, label=f"start near {name}")
    ax2.axhline(0, color="gray", linewidth=0.8)
    ax2.set_xlabel("gradient descent step (lr = 0.05)")
    ax2.set_ylabel("w - (its minimum)")
    ax2.set_title("lr > 2 / curvature: GD cannot settle", fontsize=9)
    ax2.legend(fontsize=8)
    fig.tight_layout()
    return fig


# --8<-- [end:plot]
