"""Stochastic weight averaging (SWA) from scratch: an equal-weight running average of a
model's parameters.

After the ``k``-th call of :meth:`RunningAverage.update` the averaged copy holds

    avg = (w_1 + w_2 + ... + w_k) / k,

computed incrementally as ``avg <- avg + (w_k - avg) / k``, so only one extra copy of the
weights is stored. Buffers (BatchNorm running statistics) are not averaged but copied
from the model, and must be recomputed for the averaged weights with
``torch.optim.swa_utils.update_bn``. This is what
``torch.optim.swa_utils.AveragedModel(model)`` does with its default arguments.
"""

from __future__ import annotations

# --8<-- [start:RunningAverage]
import copy

import torch
from torch import nn

__all__ = ["RunningAverage"]


class RunningAverage:
    """Equal-weight average of the parameters of every model passed to :meth:`update`.

    Args:
        model: the model being trained; a deep copy, in eval mode, holds the average.

    Example:
        >>> import torch
        >>> from torch import nn
        >>> from dlnotes.optim.swa import RunningAverage
        >>> net = nn.Linear(1, 1, bias=False)
        >>> avg = RunningAverage(net)
        >>> for value in (1.0, 2.0, 6.0):
        ...     with torch.no_grad():
        ...         _ = net.weight.fill_(value)
        ...     avg.update(net)
        >>> avg.n_averaged, avg.module.weight.item()  # (1 + 2 + 6) / 3
        (3, 3.0)
    """

    def __init__(self, model: nn.Module) -> None:
        if not isinstance(model, nn.Module):
            raise TypeError(f"model must be an nn.Module, got {type(model).__name__}")
        self.module = copy.deepcopy(model).eval()
        for p in self.module.parameters():
            p.requires_grad_(False)
        self.n_averaged = 0  # how many models the average holds

    @torch.no_grad()
    def update(self, model: nn.Module) -> None:
        """Add ``model``'s current parameters to the average; copy its buffers."""
        if not isinstance(model, nn.Module):
            raise TypeError(f"model must be an nn.Module, got {type(model).__name__}")
        ours, theirs = list(self.module.parameters()), list(model.parameters())
        buffers = list(self.module.buffers()), list(model.buffers())
        same_params = [p.shape for p in ours] == [p.shape for p in theirs]
        if not same_params or len(buffers[0]) != len(buffers[1]):
            raise ValueError("model must have the same parameters and buffers as the average")
        for p_avg, p in zip(ours, theirs, strict=True):
            if self.n_averaged == 0:
                p_avg.copy_(p)  # the first model: the average is a copy
            else:  # the mean of k + 1 models from the mean of k: avg += (w - avg) / (k + 1)
                p_avg.add_((p.detach() - p_avg) / (self.n_averaged + 1))
        for b_avg, b in zip(*buffers, strict=True):
            b_avg.copy_(b)  # BatchNorm statistics: recompute them later with update_bn
        self.n_averaged += 1


# --8<-- [end:RunningAverage]
