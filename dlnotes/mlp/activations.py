"""Activation functions from scratch, each with its analytic derivative.

Every function ``f`` here has a partner ``f_grad`` that returns the elementwise derivative
``f'(x)`` from a formula (no autograd), and ``f`` itself is written so that autograd
through it gives the same derivative as PyTorch's built-in, kinks included:

* sigmoid, tanh, softsign: smooth, S-shaped, saturating on both sides;
* ReLU, LeakyReLU, PReLU (``nn.Module`` with a learnable slope), ReLU6: piecewise linear;
* Softplus (``beta``, ``threshold``), GELU (exact and tanh form), SiLU/Swish, Hardswish:
  smooth (or, for Hardswish, piecewise quadratic) versions of ReLU.

At a kink the derivative is a convention. At ``x = 0`` PyTorch uses the left-hand value:
``0`` for ReLU, the slope ``a`` for LeakyReLU and PReLU; it uses ``0`` at both kinks of
ReLU6, and for Hardswish the outer values, ``0`` at ``x = -3`` and ``1`` at ``x = 3``.
The ``*_grad`` functions follow it. All inputs must be floating-point tensors.
"""

from __future__ import annotations

# --8<-- [start:imports]
import math

import torch
from torch import nn

from dlnotes._checks import check_positive, check_tensor

# --8<-- [end:imports]

__all__ = [
    "PReLU",
    "dead_unit_fraction",
    "gelu",
    "gelu_grad",
    "hardswish",
    "hardswish_grad",
    "leaky_relu",
    "leaky_relu_grad",
    "prelu",
    "prelu_grad",
    "relu",
    "relu6",
    "relu6_grad",
    "relu_grad",
    "sigmoid",
    "sigmoid_grad",
    "silu",
    "silu_grad",
    "softplus",
    "softplus_grad",
    "softsign",
    "softsign_grad",
    "tanh",
    "tanh_grad",
]


# --8<-- [start:checks]
def _check_input(x: object) -> torch.Tensor:
    """``x`` must be a floating-point tensor (``torch.relu`` accepts integers; we do not)."""
    return check_tensor(x, "x", floating=True)


def _check_finite(value: object, name: str) -> float:
    """``value`` must be a real, finite number (a bool is not a number here)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return float(value)


# --8<-- [end:checks]


# --8<-- [start:sigmoid]
def sigmoid(x: torch.Tensor) -> torch.Tensor:
    """Logistic sigmoid ``1 / (1 + exp(-x))``, like ``nn.Sigmoid``; range ``(0, 1)``.

    Computed from ``e = exp(-|x|) <= 1``, which never overflows: ``1 / (1 + e)`` for
    ``x >= 0`` and ``e / (1 + e)`` for ``x < 0``.

    Example:
        >>> import torch
        >>> from dlnotes.mlp.activations import sigmoid
        >>> sigmoid(torch.tensor([-1000.0, 0.0, 2.0]))
        tensor([0.0000, 0.5000, 0.8808])
    """
    _check_input(x)
    # -|x| written with where, not abs: autograd takes d|x|/dx = 0 at x = 0, which would
    # make the derivative at 0 wrong; where picks the branch -x there (slope -1).
    e = torch.exp(torch.where(x >= 0, -x, x))  # exp(-|x|) in (0, 1]
    return torch.where(x >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_grad(x: torch.Tensor) -> torch.Tensor:
    """``sigmoid'(x) = sigmoid(x) (1 - sigmoid(x))``, at most ``0.25`` (at ``x = 0``).

    Example:
        >>> import torch
        >>> from dlnotes.mlp.activations import sigmoid_grad
        >>> sigmoid_grad(torch.tensor([0.0, 5.0]))
        tensor([0.2500, 0.0066])
    """
    s = sigmoid(x)
    return s * (1 - s)


# --8<-- [end:sigmoid]


# --8<-- [start:tanh]
def tanh(x: torch.Tensor) -> torch.Tensor:
    """Hyperbolic tangent ``(e^x - e^-x) / (e^x + e^-x) = 2 sigmoid(2x) - 1``; range ``(-1, 1)``.

    Example:
        >>> import torch
        >>> from dlnotes.mlp.activations import tanh
        >>> tanh(torch.tensor([-1000.0, 0.0, 1.0]))
        tensor([-1.0000,  0.0000,  0.7616])
    """
    _check_input(x)
    return 2 * sigmoid(2 * x) - 1  # a sigmoid stretched to (-1, 1): zero-centred


def tanh_grad(x: torch.Tensor) -> torch.Tensor:
    """``tanh'(x) = 1 - tanh(x)^2``, at most ``1`` (at ``x = 0``).

    Example:
        >>> import torch
        >>> from dlnotes.mlp.activations import tanh_grad
        >>> tanh_grad(torch.tensor([0.0, 3.0]))
        tensor([1.0000, 0.0099])
    """
    t = tanh(x)
    return 1 - t**2


# --8<-- [end:tanh]


# --8<-- [start:softsign]
def softsign(x: torch.Tensor) -> torch.Tensor:
    """Softsign ``x / (1 + |x|)``, like ``nn.Softsign``; range ``(-1, 1)``, polynomial tails.

    Example:
        >>> import torch
        >>> from dlnotes.mlp.activations import softsign
        >>> softsign(torch.tensor([-3.0, 0.0, 1.0]))
        tensor([-0.7500,  0.0000,  0.5000])
    """
    _check_input(x)
    return x / (1 + x.abs())


def softsign_grad(x: torch.Tensor) -> torch.Tensor:
    """``softsign'(x) = 1 / (1 + |x|)^2``: decays like ``1/x^2``, slower than tanh's ``e^{-2|x|}``.

    Example:
        >>> import torch
        >>> from dlnotes.mlp.activations import softsign_grad
        >>> softsign_grad(torch.tensor([0.0, 3.0]))
        tensor([1.0000, 0.0625])
    """
    _check_input(x)
    return 1 / (1 + x.abs()) ** 2


# --8<-- [end:softsign]


# --8<-- [start:relu]
def relu(x: torch.Tensor) -> torch.Tensor:
    """Rectified linear unit ``max(0, x)``, like ``nn.ReLU``.

    Example:
        >>> import torch
        >>> from dlnotes.mlp.activations import relu
        >>> relu(torch.tensor([-2.0, 0.0, 3.0]))
        tensor([0., 0., 3.])
    """
    _check_input(x)
    return torch.where(x > 0, x, 0.0)  # x = 0 takes the constant branch: slope 0 there


def relu_grad(x: torch.Tensor) -> torch.Tensor:
    """``relu'(x) = 1`` for ``x > 0``, else ``0`` (PyTorch's choice at ``x = 0``).

    Example:
        >>> import torch
        >>> from dlnotes.mlp.activations import relu_grad
        >>> relu_grad(torch.tensor([-2.0, 0.0, 3.0]))
        tensor([0., 0., 1.])
    """
    _check_input(x)
    return (x > 0).to(x.dtype)


# --8<-- [end:relu]


# --8<-- [start:leaky_relu]
def leaky_relu(x: torch.Tensor, negative_slope: float = 0.01) -> torch.Tensor:
    """LeakyReLU ``x`` for ``x > 0`` and ``negative_slope * x`` otherwise, like ``nn.LeakyReLU``.

    Example:
        >>> import torch
        >>> from dlnotes.mlp.activations import leaky_relu
        >>> leaky_relu(torch.tensor([-2.0, 0.0, 3.0]), negative_slope=0.1)
        tensor([-0.2000,  0.0000,  3.0000])
    """
    _check_input(x)
    a = _check_finite(negative_slope, "negative_slope")
    return torch.where(x > 0, x, a * x)


def leaky_relu_grad(x: torch.Tensor, negative_slope: float = 0.01) -> torch.Tensor:
    """``1`` for ``x > 0``, ``negative_slope`` otherwise (also at ``x = 0``, as in PyTorch).

    Example:
        >>> import torch
        >>> from dlnotes.mlp.activations import leaky_relu_grad
        >>> leaky_relu_grad(torch.tensor([-2.0, 0.0, 3.0]), negative_slope=0.1)
        tensor([0.1000, 0.1000, 1.0000])
    """
    _check_input(x)
    a = _check_finite(negative_slope, "negative_slope")
    return torch.where(x > 0, torch.ones_like(x), torch.full_like(x, a))


# --8<-- [end:leaky_relu]


# --8<-- [start:prelu]
def _channel_slopes(x: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    """Reshape the slopes ``(C,)`` to broadcast over ``x`` of shape ``(N, C, *)``."""
    check_tensor(weight, "weight", ndim=1, floating=True)
    if weight.numel() == 1:
        return weight.reshape(())  # one slope shared by every element
    if x.dim() < 2 or x.shape[1] != weight.numel():
        raise ValueError(
            f"x must have {weight.numel()} channels in dim 1 to match weight, "
            f"got shape {tuple(x.shape)}"
        )
    return weight.reshape(-1, *([1] * (x.dim() - 2)))  # (C, 1, 1, ...)


def prelu(x: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    """PReLU ``x`` for ``x > 0`` and ``a_c * x`` otherwise, like ``F.prelu``.

    Args:
        x: input of shape ``(N, C, *)`` (any shape if ``weight`` has one element).
        weight: slopes ``a`` of shape ``(1,)`` (shared) or ``(C,)`` (one per channel,
            the channels being dim 1 of ``x``).

    Example:
        >>> import torch
        >>> from dlnotes.mlp.activations import prelu
        >>> prelu(torch.tensor([[-2.0, -2.0], [1.0, 1.0]]), torch.tensor([0.1, 0.5]))
        tensor([[-0.2000, -1.0000],
                [ 1.0000,  1.0000]])
    """
    _check_input(x)
    a = _channel_slopes(x, weight)
    return torch.where(x > 0, x, a * x)  # d/da = x where x <= 0, else 0


def prelu_grad(x: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    """Derivative with respect to ``x``: ``1`` for ``x > 0``, the channel's slope otherwise.

    The derivative with respect to a slope ``a_c`` is ``x`` where ``x <= 0`` (else 0),
    summed over every element of channel ``c`` by the chain rule.

    Example:
        >>> import torch
        >>> from dlnotes.mlp.activations import prelu_grad
        >>> prelu_grad(torch.tensor([-2.0, 0.0, 3.0]), torch.tensor([0.25]))
        tensor([0.2500, 0.2500, 1.0000])
    """
    _check_input(x)
    a = _channel_slopes(x, weight).detach()
    return torch.where(x > 0, torch.ones_like(x), a.to(x.dtype).expand_as(x))


class PReLU(nn.Module):
    """Parametric ReLU with learnable slopes, like ``nn.PReLU(num_parameters, init)``.

    Args:
        num_parameters: ``1`` (one slope for all channels) or the number of channels ``C``
            of the input ``(N, C, *)``.
        init: the initial slope, ``0.25`` as in He et al. (2015) and PyTorch.

    Example:
        >>> import torch
        >>> from dlnotes.mlp.activations import PReLU
        >>> act = PReLU(num_parameters=3)
        >>> act.weight
        Parameter containing:
        tensor([0.2500, 0.2500, 0.2500], requires_grad=True)
        >>> act(-torch.ones(2, 3, 4)).shape
        torch.Size([2, 3, 4])
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25) -> None:
        super().__init__()
        if isinstance(num_parameters, bool) or not isinstance(num_parameters, int):
            raise TypeError(f"num_parameters must be an int, got {type(num_parameters).__name__}")
        if num_parameters < 1:
            raise ValueError(f"num_parameters must be >= 1, got {num_parameters}")
        self.num_parameters = num_parameters
        self.weight = nn.Parameter(torch.full((num_parameters,), _check_finite(init, "init")))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return prelu(x, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


# --8<-- [end:prelu]


# --8<-- [start:relu6]
def relu6(x: torch.Tensor) -> torch.Tensor:
    """ReLU6 ``min(max(0, x), 6)``, like ``nn.ReLU6``: a ReLU capped at 6.

    Example:
        >>> import torch
        >>> from dlnotes.mlp.activations import relu6
        >>> relu6(torch.tensor([-1.0, 3.0, 8.0]))
        tensor([0., 3., 6.])
    """
    _check_input(x)
    # nested where rather than x.clamp(0, 6): ReLU6's slope AT 0 and 6 is 0, while clamp's
    # is 1 there in older PyTorch releases (pytorch/pytorch#184574); where's never changes
    return torch.where(x <= 0, 0.0, torch.where(x >= 6, 6.0, x))


def relu6_grad(x: torch.Tensor) -> torch.Tensor:
    """``1`` for ``0 < x < 6``, else ``0`` (also at both kinks, as in PyTorch).

    Example:
        >>> import torch
        >>> from dlnotes.mlp.activations import relu6_grad
        >>> relu6_grad(torch.tensor([0.0, 3.0, 6.0]))
        tensor([0., 1., 0.])
    """
    _check_input(x)
    return ((x > 0) & (x < 6)).to(x.dtype)


# --8<-- [end:relu6]


# --8<-- [start:hardswish]
def hardswish(x: torch.Tensor) -> torch.Tensor:
    """Hardswish ``x * relu6(x + 3) / 6``, like ``nn.Hardswish`` (MobileNetV3).

    ``0`` for ``x <= -3``, ``x`` for ``x >= 3``, the parabola ``x (x + 3) / 6`` between.

    Example:
        >>> import torch
        >>> from dlnotes.mlp.activations import hardswish
        >>> hardswish(torch.tensor([-4.0, -1.5, 0.0, 1.0, 4.0]))
        tensor([ 0.0000, -0.3750,  0.0000,  0.6667,  4.0000])
    """
    _check_input(x)
    # the three pieces explicitly (not clamp, see relu6): autograd gives 0 at -3, 1 at +3
    return torch.where(x <= -3, 0.0, torch.where(x >= 3, x, x * (x + 3) / 6))


def hardswish_grad(x: torch.Tensor) -> torch.Tensor:
    """``0`` for ``x <= -3``, ``x / 3 + 1 / 2`` for ``-3 < x < 3``, ``1`` for ``x >= 3``.

    Example:
        >>> import torch
        >>> from dlnotes.mlp.activations import hardswish_grad
        >>> hardswish_grad(torch.tensor([-3.0, -1.5, 0.0, 3.0]))
        tensor([0.0000, 0.0000, 0.5000, 1.0000])
    """
    _check_input(x)
    middle = x / 3 + 0.5  # -0.5 just right of -3 (the function dips below 0), 1.5 left of 3
    return torch.where(x <= -3, 0.0, torch.where(x >= 3, 1.0, middle))


# --8<-- [end:hardswish]


# --8<-- [start:softplus]
def softplus(x: torch.Tensor, beta: float = 1.0, threshold: float = 20.0) -> torch.Tensor:
    """Softplus ``log(1 + exp(beta x)) / beta``, like ``nn.Softplus(beta, threshold)``.

    Where ``beta * x > threshold`` the result is ``x`` itself (the two differ by less
    than ``exp(-threshold) / beta`` there), exactly as in PyTorch.

    Example:
        >>> import torch
        >>> from dlnotes.mlp.activations import softplus
        >>> softplus(torch.tensor([-1.0, 0.0, 1.0, 1000.0]))
        tensor([3.1326e-01, 6.9315e-01, 1.3133e+00, 1.0000e+03])
        >>> softplus(torch.zeros(1), beta=-1.0)
        Traceback (most recent call last):
        ...
        ValueError: beta must be > 0, got -1.0
    """
    _check_input(x)
    check_positive(beta, "beta")
    threshold = _check_finite(threshold, "threshold")
    z = beta * x
    # log(1 + e^z) = max(z, 0) + log(1 + e^{-|z|}): e^{-|z|} <= 1 never overflows
    # (where, not clamp/abs, for the right slope 1/2 at z = 0; see sigmoid)
    max_z0 = torch.where(z >= 0, z, 0.0)  # max(z, 0)
    minus_abs_z = torch.where(z >= 0, -z, z)  # -|z|
    soft = (max_z0 + torch.log1p(torch.exp(minus_abs_z))) / beta
    return torch.where(z > threshold, x, soft)


def softplus_grad(x: torch.Tensor, beta: float = 1.0, threshold: float = 20.0) -> torch.Tensor:
    """``sigmoid(beta x)`` where ``beta x <= threshold``, ``1`` where it is above.

    Example:
        >>> import torch
        >>> from dlnotes.mlp.activations import softplus_grad
        >>> softplus_grad(torch.tensor([0.0, 2.0, 3.0]), beta=1.0, threshold=2.5)
        tensor([0.5000, 0.8808, 1.0000])
    """
    _check_input(x)
    check_positive(beta, "beta")
    threshold = _check_finite(threshold, "threshold")
    z = beta * x
    return torch.where(z > threshold, torch.ones_like(x), sigmoid(z))


# --8<-- [end:softplus]


# --8<-- [start:gelu]
GELU_APPROXIMATIONS = ("none", "tanh")
_SQRT_2_OVER_PI = math.sqrt(2 / math.pi)


def _check_approximate(approximate: str) -> None:
    if approximate not in GELU_APPROXIMATIONS:
        raise ValueError(f"approximate must be one of {GELU_APPROXIMATIONS}, got {approximate!r}")


def gelu(x: torch.Tensor, approximate: str = "none") -> torch.Tensor:
    """GELU ``x * Phi(x)``, like ``nn.GELU(approximate)``; ``Phi`` is the normal CDF.

    ``approximate="none"``: ``x / 2 * (1 + erf(x / sqrt(2)))`` (exact);
    ``approximate="tanh"``: ``x / 2 * (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))``.

    Example:
        >>> import torch
        >>> from dlnotes.mlp.activations import gelu
        >>> gelu(torch.tensor([-1.0, 0.0, 1.0]))
        tensor([-0.1587,  0.0000,  0.8413])
        >>> gelu(torch.tensor([-1.0, 0.0, 1.0]), approximate="tanh")
        tensor([-0.1588,  0.0000,  0.8412])
    """
    _check_input(x)
    _check_approximate(approximate)
    if approximate == "tanh":
        inner = _SQRT_2_OVER_PI * (x + 0.044715 * x**3)
        return 0.5 * x * (1 + tanh(inner))
    return 0.5 * x * (1 + torch.erf(x / math.sqrt(2)))  # x * Phi(x)


def gelu_grad(x: torch.Tensor, approximate: str = "none") -> torch.Tensor:
    """``Phi(x) + x phi(x)`` (exact) or the derivative of the tanh form.

    Example:
        >>> import torch
        >>> from dlnotes.mlp.activations import gelu_grad
        >>> gelu_grad(torch.tensor([-3.0, 0.0, 1.0, 3.0]))  # above 1 and below 0: not monotone
        tensor([-0.0119,  0.5000,  1.0833,  1.0119])
    """
    _check_input(x)
    _check_approximate(approximate)
    if approximate == "tanh":
        t = tanh(_SQRT_2_OVER_PI * (x + 0.044715 * x**3))
        d_inner = _SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x**2)
        return 0.5 * (1 + t) + 0.5 * x * (1 - t**2) * d_inner  # product rule + chain rule
    cdf = 0.5 * (1 + torch.erf(x / math.sqrt(2)))  # Phi(x)
    pdf = torch.exp(-0.5 * x**2) / math.sqrt(2 * math.pi)  # phi(x)
    return cdf + x * pdf


# --8<-- [end:gelu]


# --8<-- [start:silu]
def silu(x: torch.Tensor) -> torch.Tensor:
    """SiLU / Swish ``x * sigmoid(x)``, like ``nn.SiLU``.

    Example:
        >>> import torch
        >>> from dlnotes.mlp.activations import silu
        >>> silu(torch.tensor([-1.0, 0.0, 1.0]))
        tensor([-0.2689,  0.0000,  0.7311])
    """
    _check_input(x)
    return x * sigmoid(x)  # the input gates itself


def silu_grad(x: torch.Tensor) -> torch.Tensor:
    """``silu'(x) = sigmoid(x) (1 + x (1 - sigmoid(x)))``.

    Example:
        >>> import torch
        >>> from dlnotes.mlp.activations import silu_grad
        >>> silu_grad(torch.tensor([0.0, 5.0]))
        tensor([0.5000, 1.0265])
    """
    s = sigmoid(x)
    return s * (1 + x * (1 - s))


# --8<-- [end:silu]


# --8<-- [start:dead_unit_fraction]
def dead_unit_fraction(pre_activations: torch.Tensor) -> float:
    """Fraction of ReLU units that are off (``<= 0``) for EVERY example of a batch.

    Such a unit outputs 0 and passes back a zero gradient for all these inputs, so
    nothing in gradient descent can switch it back on: it is *dead* on this data.

    Args:
        pre_activations: the inputs of the ReLU, shape ``(n, units)``.

    Example:
        >>> import torch
        >>> from dlnotes.mlp.activations import dead_unit_fraction
        >>> pre = torch.tensor([[1.0, -1.0, 0.0, -2.0], [-1.0, -3.0, 0.5, 0.0]])
        >>> dead_unit_fraction(pre)  # unit 1 and unit 3 never fire
        0.5
    """
    check_tensor(pre_activations, "pre_activations", ndim=2, floating=True)
    dead = (pre_activations <= 0).all(dim=0)  # (units,)
    return dead.float().mean().item()


# --8<-- [end:dead_unit_fraction]
