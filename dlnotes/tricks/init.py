"""Weight initialization that keeps activations at a steady scale through depth (T06).

For a layer ``y = W x`` with ``fan_in`` inputs of unit variance and weights of variance
``v``, each output has variance ``fan_in * v``. ReLU zeroes half of a symmetric input, so
it halves the second moment: keeping it constant layer after layer needs
``v = 2 / fan_in`` (He et al., 2015, "Kaiming" init). For tanh or sigmoid, which are
roughly linear near zero, Glorot and Bengio (2010) balance the forward and the backward
pass with ``v = 2 / (fan_in + fan_out)`` ("Xavier" init). ``init_weights`` applies these
with ``torch.nn.init`` and zeroes the biases.
"""

from __future__ import annotations

# --8<-- [start:init_weights]
from torch import nn

__all__ = ["SCHEMES", "init_weights"]

SCHEMES = ("kaiming", "kaiming_uniform", "xavier", "xavier_uniform", "normal")


def init_weights(
    module: nn.Module, scheme: str = "kaiming", nonlinearity: str = "relu", std: float = 0.01
) -> nn.Module:
    """(Re)initialize every Linear and Conv weight of ``module`` in place; zero the biases.

    Args:
        module: a layer or a whole network.
        scheme: ``"kaiming"`` (normal, variance ``gain^2 / fan_in``), ``"kaiming_uniform"``,
            ``"xavier"`` (normal, variance ``gain^2 * 2 / (fan_in + fan_out)``),
            ``"xavier_uniform"``, or ``"normal"`` (fixed ``std``, the classic mistake
            for deep nets).
        nonlinearity: the activation after the layers (sets the gain: ``sqrt(2)`` for
            ReLU, ``5/3`` for tanh, 1 for linear/sigmoid).
        std: the standard deviation of ``"normal"``.

    Example:
        >>> import torch
        >>> from torch import nn
        >>> from dlnotes.tricks.init import init_weights
        >>> _ = torch.manual_seed(0)
        >>> layer = init_weights(nn.Linear(1000, 1000), "kaiming")
        >>> round(layer.weight.std().item(), 3), round((2 / 1000) ** 0.5, 3)
        (0.045, 0.045)
    """
    if scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {SCHEMES}, got {scheme!r}")
    gain = nn.init.calculate_gain(nonlinearity)  # raises on an unknown nonlinearity
    for m in module.modules():
        if not isinstance(m, (nn.Linear, nn.Conv1d, nn.Conv2d, nn.Conv3d)):
            continue
        if scheme == "kaiming":
            nn.init.kaiming_normal_(m.weight, nonlinearity=nonlinearity)
        elif scheme == "kaiming_uniform":
            nn.init.kaiming_uniform_(m.weight, nonlinearity=nonlinearity)
        elif scheme == "xavier":
            nn.init.xavier_normal_(m.weight, gain=gain)
        elif scheme == "xavier_uniform":
            nn.init.xavier_uniform_(m.weight, gain=gain)
        else:
            nn.init.normal_(m.weight, std=std)
        if m.bias is not None:
            nn.init.zeros_(m.bias)
    return module


# --8<-- [end:init_weights]
