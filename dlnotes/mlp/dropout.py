"""Dropout from scratch: ``dropout_layer`` (D2L's name) and a ``Dropout`` module.

During training, *inverted* dropout zeroes each element of ``X`` independently with
probability ``p`` and divides the survivors by ``1 - p``::

    X'_i = 0                with probability p
    X'_i = X_i / (1 - p)    otherwise

so that ``E[X'_i] = X_i``: the next layer sees, on average, the activations it will see at
test time, when dropout does nothing. This is what ``nn.Dropout`` computes; the tests
check the two against each other statistically (the masks are random), plus the exact
parts: survivors equal ``X / (1 - p)``, the gradient is ``mask / (1 - p)``, evaluation mode
is the identity, ``p = 0`` keeps everything and ``p = 1`` zeroes everything.
"""

from __future__ import annotations

# --8<-- [start:imports]
import math

import torch
from torch import nn

from dlnotes._checks import check_tensor

# --8<-- [end:imports]

__all__ = ["Dropout", "check_dropout_p", "dropout_layer"]


# --8<-- [start:check_p]
def check_dropout_p(p: object) -> float:
    """Return ``p`` as a float if it is a probability in ``[0, 1]``, else raise.

    ``TypeError`` for anything that is not an ``int`` or ``float`` (``bool`` included),
    ``ValueError`` for a number outside ``[0, 1]`` or NaN (``nn.Dropout`` accepts NaN).

    Example:
        >>> from dlnotes.mlp.dropout import check_dropout_p
        >>> check_dropout_p(1)
        1.0
        >>> check_dropout_p(1.5)
        Traceback (most recent call last):
        ...
        ValueError: dropout probability p must be in [0, 1], got 1.5
    """
    if isinstance(p, bool) or not isinstance(p, (int, float)):
        raise TypeError(f"dropout probability p must be a float or an int, got {type(p).__name__}")
    if math.isnan(p) or not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability p must be in [0, 1], got {p}")
    return float(p)


# --8<-- [end:check_p]


# --8<-- [start:dropout_layer]
def dropout_layer(
    X: torch.Tensor, p: float, *, generator: torch.Generator | None = None
) -> torch.Tensor:
    """Inverted dropout: zero each element with probability ``p``, scale the rest by ``1/(1-p)``.

    Always active (it knows nothing about training or evaluation; :class:`Dropout` does).

    Args:
        X: floating-point tensor of any shape.
        p: the probability of DROPPING an element, in ``[0, 1]``.
        generator: random-number generator for the mask (default: PyTorch's global one).

    Returns:
        A tensor of ``X``'s shape: ``X * mask / (1 - p)`` with ``mask`` of i.i.d.
        Bernoulli(``1 - p``) entries. ``p = 0`` returns ``X`` itself, ``p = 1`` zeros (still
        connected to ``X`` in the autograd graph, with zero gradient, like ``nn.Dropout``).

    Example:
        >>> import torch
        >>> from dlnotes.mlp.dropout import dropout_layer
        >>> X = torch.ones(1000, 1000)
        >>> out = dropout_layer(X, 0.2, generator=torch.Generator().manual_seed(0))
        >>> out.unique()  # dropped, or kept and scaled by 1 / (1 - 0.2)
        tensor([0.0000, 1.2500])
        >>> round((out == 0).float().mean().item(), 3), round(out.mean().item(), 3)
        (0.2, 1.0)
        >>> dropout_layer(X, 0.0) is X, dropout_layer(X, 1.0).abs().sum().item()
        (True, 0.0)
    """
    check_tensor(X, "X", floating=True)
    p = check_dropout_p(p)
    if p == 0.0:
        return X  # nothing dropped, nothing rescaled
    if p == 1.0:
        return X * torch.zeros_like(X)  # everything dropped; 1 / (1 - p) would divide by 0
    # keep each element with probability 1 - p (D2L writes (torch.rand(X.shape) > p).float())
    mask = torch.empty_like(X).bernoulli_(1.0 - p, generator=generator)  # (X.shape) of 0s and 1s
    return X * mask / (1.0 - p)  # survivors scaled up: E[output] = X


# --8<-- [end:dropout_layer]


# --8<-- [start:Dropout]
class Dropout(nn.Module):
    """Inverted dropout as a layer: active in ``train()`` mode, the identity in ``eval()`` mode.

    Args:
        p: the probability of dropping an element, in ``[0, 1]`` (default 0.5, as
            ``nn.Dropout``).

    Example:
        >>> import torch
        >>> from dlnotes.mlp.dropout import Dropout
        >>> drop = Dropout(p=0.5)
        >>> drop
        Dropout(p=0.5)
        >>> X = torch.ones(2, 4)
        >>> drop.eval()(X) is X
        True
        >>> sorted(drop.train()(X).unique().tolist())  # dropped or scaled by 1 / (1 - p)
        [0.0, 2.0]
    """

    def __init__(self, p: float = 0.5) -> None:
        super().__init__()
        self.p = check_dropout_p(p)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        if not self.training:
            return X  # evaluation: every unit, unscaled
        return dropout_layer(X, self.p)

    def extra_repr(self) -> str:
        return f"p={self.p}"


# --8<-- [end:Dropout]
