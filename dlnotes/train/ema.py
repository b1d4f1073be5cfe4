"""Exponential moving average of a model's weights (T21).

After every optimizer step the averaged copy moves a small way towards the live weights:

    ema <- decay * ema + (1 - decay) * weights

so it averages roughly the last ``1 / (1 - decay)`` steps. The average sits nearer the
centre of the region the optimizer is bouncing around in, and often evaluates better
than the last iterate. Floating-point buffers (BatchNorm running statistics) are averaged
too; integer buffers (``num_batches_tracked``) are copied. This matches
``torch.optim.swa_utils.AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(decay),
use_buffers=True)`` once that has been given its first copy of the weights.
"""

from __future__ import annotations

# --8<-- [start:imports]
import copy
from typing import Any

import torch
from torch import nn

# --8<-- [end:imports]

__all__ = ["ModelEMA"]


# --8<-- [start:model_ema]
class ModelEMA:
    """Keep ``ema = decay * ema + (1 - decay) * weights`` of a model, in eval mode.

    Args:
        model: the model being trained; a deep copy is averaged (it never trains).
        decay: in ``[0, 1)``; 0.999 averages about the last 1,000 steps.

    Example:
        >>> import torch
        >>> from torch import nn
        >>> from dlnotes.train import ModelEMA
        >>> net = nn.Linear(1, 1, bias=False)
        >>> _ = nn.init.zeros_(net.weight)
        >>> ema = ModelEMA(net, decay=0.5)
        >>> with torch.no_grad():
        ...     _ = net.weight.fill_(1.0)
        >>> ema.update(net); ema.module.weight.item()
        0.5
        >>> ema.update(net); ema.module.weight.item()
        0.75
    """

    def __init__(self, model: nn.Module, decay: float = 0.999) -> None:
        if not isinstance(model, nn.Module):
            raise TypeError(f"model must be an nn.Module, got {type(model).__name__}")
        if isinstance(decay, bool) or not isinstance(decay, (int, float)):
            raise TypeError(f"decay must be a float, got {type(decay).__name__}")
        if not 0.0 <= decay < 1.0:
            raise ValueError(f"decay must be in [0, 1), got {decay}")
        self.decay = float(decay)
        self.module = copy.deepcopy(model).eval()
        for p in self.module.parameters():
            p.requires_grad_(False)

    @torch.no_grad()
    def update(self, model: nn.Module) -> None:
        """Move the average one step towards ``model``'s current weights and buffers."""
        ema_state = self.module.state_dict()
        for name, value in model.state_dict().items():
            ema_value = ema_state[name]
            if ema_value.is_floating_point():
                ema_value.lerp_(value.detach(), 1.0 - self.decay)  # ema += (1-d)(w-ema)
            else:
                ema_value.copy_(value)  # counters such as num_batches_tracked

    def state_dict(self) -> dict[str, Any]:
        return {"decay": self.decay, "module": self.module.state_dict()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.decay = float(state["decay"])
        self.module.load_state_dict(state["module"])


# --8<-- [end:model_ema]
