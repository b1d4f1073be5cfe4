"""Weight decay on weights only, not on biases and normalization parameters (T17).

Decay pulls parameters towards zero. For the weights of linear and convolutional layers
that is the intended regularization; for biases and for the scale and shift of
normalization layers it only removes useful degrees of freedom (a BatchNorm scale
decayed to zero switches a channel off), so common recipes exclude them (e.g. Goyal et
al. 2017, timm's ``param_groups_weight_decay``). The rule used here is the usual one:
every parameter with fewer than two dimensions (biases, norm scales and shifts) and every
parameter of a normalization layer goes to the group without decay.
"""

from __future__ import annotations

# --8<-- [start:param_groups]
from typing import Any

from torch import nn

__all__ = ["NORM_LAYERS", "param_groups_weight_decay"]

NORM_LAYERS = (nn.modules.batchnorm._NormBase, nn.LayerNorm, nn.GroupNorm, nn.LocalResponseNorm)


def param_groups_weight_decay(
    model: nn.Module, weight_decay: float, skip: tuple[str, ...] = ()
) -> list[dict[str, Any]]:
    """Two optimizer parameter groups: with ``weight_decay`` and with none.

    Args:
        model: the network.
        weight_decay: the decay of the first group (e.g. 0.05 for AdamW).
        skip: extra parameter names (as in ``named_parameters``) to exempt from decay.

    Example:
        >>> import torch
        >>> from torch import nn
        >>> from dlnotes.tricks.weight_decay import param_groups_weight_decay
        >>> net = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.Linear(8, 2))
        >>> decay, no_decay = param_groups_weight_decay(net, 0.05)
        >>> len(decay["params"]), len(no_decay["params"])  # 2 weights; 2 biases + BN
        (2, 4)
        >>> opt = torch.optim.AdamW([decay, no_decay], lr=1e-3)
    """
    if isinstance(weight_decay, bool) or not isinstance(weight_decay, (int, float)):
        raise TypeError(f"weight_decay must be a number, got {type(weight_decay).__name__}")
    if weight_decay < 0:
        raise ValueError(f"weight_decay must be >= 0, got {weight_decay}")
    in_norm = {id(p) for m in model.modules() if isinstance(m, NORM_LAYERS) for p in m.parameters()}
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        if not p.requires_grad:
            continue  # frozen parameters are not optimized at all
        if p.dim() < 2 or id(p) in in_norm or name in skip:
            no_decay.append(p)
        else:
            decay.append(p)
    return [
        {"params": decay, "weight_decay": float(weight_decay)},
        {"params": no_decay, "weight_decay": 0.0},
    ]


# --8<-- [end:param_groups]
