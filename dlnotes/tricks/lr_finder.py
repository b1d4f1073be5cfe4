"""The learning-rate range test (T12; Smith, 2017; popularized by fastai as "LR finder").

Train for a few hundred steps while the learning rate grows exponentially from
``start_lr`` to ``end_lr``, and record the (exponentially smoothed) loss at each step.
At tiny rates the loss barely moves, then it falls faster and faster, then the rate
becomes too large and the loss blows up. A good learning rate lies on the steep
descending part, well below the point where the loss is lowest (at the minimum the rate
is already about to diverge). The model and optimizer are copies: nothing you pass in is
trained.
"""

from __future__ import annotations

# --8<-- [start:imports]
import copy
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import torch
from matplotlib.figure import Figure
from torch import nn

from dlnotes._checks import check_positive

# --8<-- [end:imports]

__all__ = ["LRFinderResult", "lr_range_test"]


@dataclass
class LRFinderResult:
    lrs: list[float] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)  # smoothed
    suggestion: float = float("nan")  # the LR of the steepest smoothed descent

    def plot(self) -> Figure:
        """Smoothed loss against learning rate (log scale), with the suggestion and the
        rate of the lowest loss marked."""
        fig = Figure(figsize=(5, 3))
        ax = fig.subplots()
        ax.plot(self.lrs, self.losses)
        ax.set_xscale("log")
        ax.axvline(self.suggestion, color="C1", linestyle="--", label="steepest descent")
        lowest = self.lrs[min(range(len(self.losses)), key=self.losses.__getitem__)]
        ax.axvline(lowest, color="C3", linestyle=":", label="minimum (too large)")
        ax.set_xlabel("learning rate")
        ax.set_ylabel("smoothed training loss")
        ax.grid(True, alpha=0.3)
        ax.legend()
        fig.tight_layout()
        return fig


def _cycle(batches: Iterable) -> Iterator:
    while True:
        empty = True
        for batch in batches:
            empty = False
            yield batch
        if empty:
            raise ValueError("batches is empty")


# --8<-- [start:lr_range_test]
def lr_range_test(
    model: nn.Module,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    batches: Iterable,
    optimizer_factory: Callable[..., torch.optim.Optimizer] | None = None,
    start_lr: float = 1e-6,
    end_lr: float = 1.0,
    num_steps: int = 100,
    smooth: float = 0.05,
    diverge_factor: float = 4.0,
) -> LRFinderResult:
    """Sweep the learning rate exponentially on copies of ``model`` and its optimizer.

    Args:
        model: the network (not modified).
        loss_fn: ``loss_fn(model(x), y)`` -> mean loss.
        batches: iterable of ``(x, y)``; cycled if shorter than ``num_steps``.
        optimizer_factory: ``params -> optimizer``, called on the copy's parameters;
            default ``SGD(params, lr=start_lr, momentum=0.9)``. Its ``lr`` is
            overwritten at every step.
        start_lr, end_lr: the sweep's first and last learning rates.
        num_steps: number of steps (the rate is multiplied by a constant each step).
        smooth: weight of the new loss in the exponential smoothing.
        diverge_factor: stop when the smoothed loss exceeds this times its minimum.

    Returns:
        ``LRFinderResult`` with the rates, smoothed losses and a suggestion: the rate
        where the smoothed loss falls fastest per unit of ``log(lr)`` (not the rate at
        the minimum of the curve, which is already close to divergence).

    Example:
        >>> import torch
        >>> from torch import nn
        >>> from torch.nn import functional as F
        >>> from dlnotes.tricks.lr_finder import lr_range_test
        >>> _ = torch.manual_seed(0)
        >>> X = torch.randn(128, 4)
        >>> batches = [(X[i : i + 32], (X[i : i + 32, 0] > 0).long()) for i in range(0, 128, 32)]
        >>> net = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 2))
        >>> before = net[0].weight.detach().clone()
        >>> r = lr_range_test(net, F.cross_entropy, batches, end_lr=100.0, num_steps=60)
        >>> r.lrs[0], len(r.lrs) < 60  # stopped early: the loss diverged
        (1e-06, True)
        >>> r.lrs[0] < r.suggestion < r.lrs[-1], torch.equal(net[0].weight, before)
        (True, True)
    """
    check_positive(start_lr, "start_lr")
    check_positive(end_lr, "end_lr")
    if end_lr <= start_lr:
        raise ValueError(f"end_lr must be > start_lr, got {end_lr} <= {start_lr}")
    if isinstance(num_steps, bool) or not isinstance(num_steps, int) or num_steps < 3:
        raise ValueError(f"num_steps must be an int >= 3, got {num_steps!r}")
    if not 0.0 < smooth <= 1.0:
        raise ValueError(f"smooth must be in (0, 1], got {smooth}")
    net = copy.deepcopy(model).train()
    factory = optimizer_factory or (lambda p: torch.optim.SGD(p, lr=start_lr, momentum=0.9))
    opt = factory(net.parameters())
    gamma = (end_lr / start_lr) ** (1.0 / (num_steps - 1))  # lr_t = start_lr * gamma^t
    result, avg, best = LRFinderResult(), None, math.inf
    for step, (x, y) in zip(range(num_steps), _cycle(batches), strict=False):
        lr = start_lr * gamma**step
        for group in opt.param_groups:
            group["lr"] = lr
        loss = loss_fn(net(x), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        value = float(loss.detach())
        avg = value if avg is None else smooth * value + (1 - smooth) * avg
        result.lrs.append(lr)
        result.losses.append(avg)
        best = min(best, avg)
        if not math.isfinite(avg) or avg > diverge_factor * best:
            break  # diverged: the rest of the sweep says nothing new
    # steepest descent of the smoothed loss per unit of log(lr), ignoring the ends
    slopes = [
        (result.losses[i + 1] - result.losses[i - 1])
        / math.log(result.lrs[i + 1] / result.lrs[i - 1])
        for i in range(1, len(result.lrs) - 1)
    ]
    if slopes:
        result.suggestion = result.lrs[1 + min(range(len(slopes)), key=slopes.__getitem__)]
    return result


# --8<-- [end:lr_range_test]
