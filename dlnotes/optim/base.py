"""The shared skeleton of the from-scratch optimizers.

``torch.optim.Optimizer`` already does the bookkeeping: parameter groups, per-parameter
``state``, ``zero_grad``, ``state_dict``. A from-scratch optimizer only has to say how one
parameter tensor changes given its gradient, which is what :meth:`ScratchOptimizer.update`
does. Everything else on the chapter's pages is that one method.
"""

from __future__ import annotations

# --8<-- [start:base]
from collections.abc import Callable
from typing import Any

import torch

__all__ = ["ScratchOptimizer", "check_betas", "check_hyper"]


def check_hyper(
    value: object, name: str, *, low: float = 0.0, high: float | None = None, open_low: bool = False
) -> float:
    """Return ``value`` as a float if it lies in the allowed range, else raise.

    Example:
        >>> check_hyper(0.9, "momentum", high=1.0)
        0.9
        >>> check_hyper(-1.0, "lr")
        Traceback (most recent call last):
        ...
        ValueError: lr must be >= 0.0, got -1.0
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    if value < low or (open_low and value == low):
        raise ValueError(f"{name} must be {'>' if open_low else '>='} {low}, got {value}")
    if high is not None and value >= high:
        raise ValueError(f"{name} must be < {high}, got {value}")
    return float(value)


def check_betas(betas: object) -> tuple[float, float]:
    """Two decay rates in ``[0, 1)``, as Adam's ``betas``."""
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}")
    return check_hyper(betas[0], "beta1", high=1.0), check_hyper(betas[1], "beta2", high=1.0)


class ScratchOptimizer(torch.optim.Optimizer):
    """An optimizer defined by :meth:`update`, the rule for one parameter tensor.

    ``step`` visits every parameter that has a gradient and calls
    ``update(p, grad, state, group)`` without recording gradients; ``state`` is this
    parameter's dictionary of running quantities (momentum, averages, the step count),
    empty on the first step, and ``group`` holds the hyperparameters.
    """

    def update(self, p: torch.Tensor, grad: torch.Tensor, state: dict, group: dict) -> None:
        raise NotImplementedError

    @torch.no_grad()
    def step(self, closure: Callable[[], torch.Tensor] | None = None) -> Any:
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue  # not used in this step's loss: leave it (and its state) alone
                if p.grad.is_sparse:
                    raise TypeError(f"{type(self).__name__} does not support sparse gradients")
                self.update(p, p.grad, self.state[p], group)
        return loss


# --8<-- [end:base]
