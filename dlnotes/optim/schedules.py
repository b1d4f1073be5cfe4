"""Learning-rate schedules: the curve of any ``torch.optim.lr_scheduler`` object, and
linear warmup followed by cosine decay written from scratch.

The built-in schedulers are the ones to use; :func:`lr_curve` records what they do, step
by step, so that the chapter's figures show the real objects, and :func:`warmup_cosine`
is the closed form that the composition of ``LinearLR`` and ``CosineAnnealingLR`` inside
``SequentialLR`` computes.
"""

from __future__ import annotations

# --8<-- [start:lr_curve]
import math
from collections.abc import Callable, Sequence

import torch

__all__ = ["lr_curve", "warmup_cosine"]


def lr_curve(
    make_scheduler: Callable[[torch.optim.Optimizer], object],
    steps: int,
    *,
    lr: float = 0.1,
    optimizer: str = "sgd",
    metrics: Sequence[float] | None = None,
) -> list[float]:
    """Learning rate of each of ``steps`` steps under the scheduler ``make_scheduler`` builds.

    The scheduler is attached to a one-parameter optimizer (``"sgd"`` with momentum 0.9,
    which ``CyclicLR`` and ``OneCycleLR`` also cycle, or ``"adam"``); the learning rate is
    read before each step, then ``optimizer.step()`` and ``scheduler.step()`` are called in
    PyTorch's order. ``ReduceLROnPlateau`` needs ``metrics``, one value per step.

    Example:
        >>> sched = lambda opt: torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
        >>> lr_curve(sched, 5, lr=1.0)
        [1.0, 1.0, 0.5, 0.5, 0.25]
    """
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be an int >= 1, got {steps!r}")
    if metrics is not None and len(metrics) != steps:
        raise ValueError(f"metrics must have one value per step ({steps}), got {len(metrics)}")
    w = torch.nn.Parameter(torch.zeros(1))
    if optimizer == "sgd":
        opt: torch.optim.Optimizer = torch.optim.SGD([w], lr=lr, momentum=0.9)
    elif optimizer == "adam":
        opt = torch.optim.Adam([w], lr=lr)
    else:
        raise ValueError(f"optimizer must be 'sgd' or 'adam', got {optimizer!r}")
    scheduler = make_scheduler(opt)
    lrs = []
    for t in range(steps):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()  # first the optimizer, then the scheduler (PyTorch >= 1.1)
        if metrics is not None:
            scheduler.step(metrics[t])  # ReduceLROnPlateau watches a metric
        else:
            scheduler.step()
    return lrs


# --8<-- [end:lr_curve]


# --8<-- [start:warmup_cosine]
def warmup_cosine(
    step: int,
    total_steps: int,
    warmup_steps: int,
    base_lr: float,
    *,
    start_factor: float = 0.01,
    min_lr: float = 0.0,
) -> float:
    """The learning rate at ``step`` (0-based): linear warmup, then cosine decay to ``min_lr``.

    During the ``warmup_steps`` first steps the rate rises linearly from
    ``start_factor * base_lr`` towards ``base_lr``; over the remaining
    ``total_steps - warmup_steps`` steps it follows half a cosine down to ``min_lr``.

    Example:
        >>> [round(warmup_cosine(t, 6, 2, 1.0, start_factor=0.5), 3) for t in range(6)]
        [0.5, 0.75, 1.0, 0.854, 0.5, 0.146]
    """
    if not 0 <= warmup_steps < total_steps:
        raise ValueError(
            f"need 0 <= warmup_steps < total_steps, got {warmup_steps} and {total_steps}"
        )
    if not 0 <= step < total_steps:
        raise ValueError(f"step must lie in [0, {total_steps}), got {step}")
    if step < warmup_steps:  # linear: start_factor * base_lr at 0, base_lr at warmup_steps
        return base_lr * (start_factor + (1 - start_factor) * step / warmup_steps)
    progress = (step - warmup_steps) / (total_steps - warmup_steps)  # 0 -> 1
    return min_lr + (base_lr - min_lr) * (1 + math.cos(math.pi * progress)) / 2


# --8<-- [end:warmup_cosine]
