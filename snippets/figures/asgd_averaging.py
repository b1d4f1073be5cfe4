"""SGD with noisy gradients on a 2-D quadratic: the iterates and their running average."""

import torch
from matplotlib.figure import Figure


def figure() -> Figure:
    g = torch.Generator().manual_seed(0)
    scales = torch.tensor([1.0, 4.0], dtype=torch.float64)  # f(x) = (x1^2 + 4 x2^2) / 2
    x = torch.nn.Parameter(torch.tensor([-3.0, 2.0], dtype=torch.float64))
    t0, steps = 50, 400
    opt = torch.optim.ASGD([x], lr=0.1, lambd=0.0, t0=t0)  # constant lr, average after t0
    iterates, averages = [x.detach().clone()], [x.detach().clone()]
    for _ in range(steps):
        noise = torch.randn(2, generator=g, dtype=torch.float64)
        x.grad = scales * x.detach() + noise  # true gradient plus unit Gaussian noise
        opt.step()
        iterates.append(x.detach().clone())
        averages.append(opt.state[x]["ax"].clone())
    iterates, averages = torch.stack(iterates), torch.stack(averages)

    x1, x2 = torch.meshgrid(
        torch.linspace(-1, 1, 101, dtype=torch.float64),
        torch.linspace(-0.6, 0.6, 61, dtype=torch.float64),
        indexing="ij",
    )
    fig = Figure(figsize=(9.5, 3.6))
    ax1, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.4, 1]})
    ax1.contour(x1, x2, (x1**2 + 4 * x2**2) / 2, levels=8, colors="lightgray")
    ax1.plot(
        iterates[t0:, 0],
        iterates[t0:, 1],
        ".-",
        color="C0",
        markersize=2,
        linewidth=0.4,
        label=f"SGD iterates after step {t0}",
    )
    ax1.plot(
        averages[t0:, 0],
        averages[t0:, 1],
        "-",
        color="C3",
        linewidth=1.6,
        label=f"running average (from step {t0})",
    )
    ax1.plot(0, 0, "*", color="k", markersize=9)
    ax1.set_aspect("equal")
    ax1.legend(fontsize=8, loc="upper right")
    ax1.set_title("noisy SGD, lr = 0.1 (zoomed in)", fontsize=9)
    ax1.set_xlim(-1, 1)
    ax1.set_ylim(-0.6, 0.6)
    ax2.semilogy(iterates.norm(dim=1), color="C0", linewidth=0.8, label="last iterate")
    ax2.semilogy(averages.norm(dim=1), color="C3", label="average (ASGD's ax)")
    ax2.set_xlabel("step")
    ax2.set_ylabel("distance to the minimum")
    ax2.legend(fontsize=8)
    fig.tight_layout()
    return fig
