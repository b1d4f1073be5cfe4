"""Learning rate per optimizer step: linear warmup, then cosine decay (T13)."""

import torch
from matplotlib.figure import Figure


def figure() -> Figure:
    w = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.AdamW([w], lr=1e-3)
    total, warmup = 400, 40
    sched = torch.optim.lr_scheduler.SequentialLR(
        opt,
        [
            torch.optim.lr_scheduler.LinearLR(opt, 0.01, 1.0, total_iters=warmup),
            torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=total - warmup),
        ],
        milestones=[warmup],
    )
    lrs = []
    for _ in range(total):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    fig = Figure(figsize=(5, 2.8))
    ax = fig.subplots()
    ax.plot(range(total), lrs)
    ax.axvline(warmup, color="gray", linestyle=":", label="end of warmup")
    ax.set_xlabel("optimizer step")
    ax.set_ylabel("learning rate")
    ax.legend()
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    return fig
