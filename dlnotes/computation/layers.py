"""Custom layers: without parameters, with parameters, and the ``.data`` mistake.

* ``CenteredLayer`` subtracts the mean of its input; it has no parameters.
* ``MyLinear`` is ``nn.Linear`` from scratch: two ``nn.Parameter`` tensors registered by
  attribute assignment, the same layout (``weight`` is ``(out_features, in_features)``)
  and the same default initialization U(-1/sqrt(in), 1/sqrt(in)), so it can load an
  ``nn.Linear``'s ``state_dict`` and then computes the same values and gradients.
* ``BrokenLinear`` is ``MyLinear`` with the classic bug: ``forward`` reads
  ``self.weight.data`` (or ``.detach()``). The output is still correct, but autograd never
  sees the parameters, so their ``.grad`` stays ``None`` and the optimizer never moves
  them. No error, no warning.
"""

from __future__ import annotations

# --8<-- [start:imports]
import math
from typing import Literal

import torch
from torch import nn

from dlnotes._checks import check_tensor

# --8<-- [end:imports]

__all__ = ["BrokenLinear", "CenteredLayer", "MyLinear"]


# --8<-- [start:centered_layer]
class CenteredLayer(nn.Module):
    """Subtract the mean over all elements: the output has mean zero. No parameters.

    Example:
        >>> import torch
        >>> from dlnotes.computation.layers import CenteredLayer
        >>> CenteredLayer()(torch.tensor([1.0, 2.0, 3.0, 4.0, 5.0]))
        tensor([-2., -1.,  0.,  1.,  2.])
        >>> list(CenteredLayer().parameters())
        []
    """

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        check_tensor(X, "X", floating=True)
        return X - X.mean()


# --8<-- [end:centered_layer]


# --8<-- [start:my_linear]
def _check_width(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be >= 1, got {value}")
    return value


class MyLinear(nn.Module):
    """A fully connected layer ``X @ W.T + b``, like ``nn.Linear``.

    Args:
        in_features: input width ``d``.
        out_features: output width ``q``.
        bias: add a learned bias ``b`` of shape ``(q,)``.
        generator: optional random generator for the initialization.

    Example:
        >>> import torch
        >>> from dlnotes.computation.layers import MyLinear
        >>> layer = MyLinear(5, 3)
        >>> layer
        MyLinear(in_features=5, out_features=3, bias=True)
        >>> [(name, tuple(p.shape)) for name, p in layer.named_parameters()]
        [('weight', (3, 5)), ('bias', (3,))]
        >>> layer(torch.rand(2, 5)).shape
        torch.Size([2, 3])
        >>> layer(torch.rand(2, 4))
        Traceback (most recent call last):
        ...
        ValueError: MyLinear expects X with last dimension in_features=5, got shape (2, 4)
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        generator: torch.Generator | None = None,
    ):
        super().__init__()
        self.in_features = _check_width(in_features, "in_features")
        self.out_features = _check_width(out_features, "out_features")
        # Assigning an nn.Parameter registers it: parameters(), state_dict(), to(), ...
        self.weight = nn.Parameter(torch.empty(out_features, in_features))  # (q, d)
        if bias:
            self.bias = nn.Parameter(torch.empty(out_features))  # (q,)
        else:
            self.register_parameter("bias", None)  # as nn.Linear: the name exists, value None
        self.reset_parameters(generator)

    def reset_parameters(self, generator: torch.Generator | None = None) -> None:
        """U(-1/sqrt(d), 1/sqrt(d)) for weight and bias, nn.Linear's distribution."""
        bound = 1 / math.sqrt(self.in_features)
        with torch.no_grad():  # initialization is not part of the graph
            self.weight.uniform_(-bound, bound, generator=generator)
            if self.bias is not None:
                self.bias.uniform_(-bound, bound, generator=generator)

    def _check_input(self, X: torch.Tensor) -> None:
        check_tensor(X, "X", floating=True)
        if X.dim() == 0 or X.shape[-1] != self.in_features:
            raise ValueError(
                f"{type(self).__name__} expects X with last dimension "
                f"in_features={self.in_features}, got shape {tuple(X.shape)}"
            )

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        self._check_input(X)
        out = X @ self.weight.T  # (..., d) @ (d, q) -> (..., q)
        return out + self.bias if self.bias is not None else out

    def extra_repr(self) -> str:  # shown inside print(module)
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )


# --8<-- [end:my_linear]


# --8<-- [start:broken_linear]
class BrokenLinear(MyLinear):
    """``MyLinear`` with the classic bug: ``forward`` uses ``.data`` (or ``.detach()``).

    The output values are right, but they are computed from tensors that autograd does
    not connect to the parameters: after ``backward()`` the parameters' ``.grad`` is
    still ``None``, and an optimizer skips them. It exists to show the bug; never use it.

    Args:
        in_features: input width.
        out_features: output width.
        how: ``"data"`` (``self.weight.data``) or ``"detach"`` (``self.weight.detach()``);
            the effect is the same.
        generator: optional random generator for the initialization.

    Example:
        >>> import torch
        >>> from dlnotes.computation.layers import BrokenLinear
        >>> layer = BrokenLinear(3, 2)
        >>> x = torch.rand(4, 3, requires_grad=True)  # so that backward() can run at all
        >>> layer(x).sum().backward()
        >>> layer.weight.grad is None, x.grad is not None
        (True, True)
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        how: Literal["data", "detach"] = "data",
        generator: torch.Generator | None = None,
    ):
        if how not in ("data", "detach"):
            raise ValueError(f"how must be 'data' or 'detach', got {how!r}")
        super().__init__(in_features, out_features, bias=True, generator=generator)
        self.how = how

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        self._check_input(X)
        if self.how == "data":
            W, b = self.weight.data, self.bias.data  # BUG: cut out of the graph
        else:
            W, b = self.weight.detach(), self.bias.detach()  # BUG: the same cut
        return X @ W.T + b


# --8<-- [end:broken_linear]
