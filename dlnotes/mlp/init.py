"""Parameter initialization from scratch: gains, fans, Xavier, Kaiming, orthogonal, sparse.

Every scheme draws zero-mean weights whose scale keeps the variance of the signal steady
from layer to layer. For a weight ``W`` of shape ``(fan_out, fan_in)`` (or a convolution
kernel ``(out_channels, in_channels, *kernel)``, whose fans include the receptive field):

* Xavier/Glorot: ``std = gain * sqrt(2 / (fan_in + fan_out))``, the compromise between
  the forward pass (wants ``1 / fan_in``) and the backward pass (wants ``1 / fan_out``);
* Kaiming/He: ``std = gain / sqrt(fan)``, ``fan`` = ``fan_in`` (forward) or ``fan_out``
  (backward), ``gain = sqrt(2)`` for ReLU, ``sqrt(2 / (1 + a^2))`` for leaky ReLU;
* uniform variants use ``U(-bound, bound)`` with ``bound = sqrt(3) * std``, since
  ``Var[U(-b, b)] = b^2 / 3``;
* orthogonal: ``gain`` times a random (semi-)orthogonal matrix, from the QR decomposition
  of a Gaussian matrix with the signs of ``diag(R)`` folded into ``Q``;
* sparse (Martens, 2010): ``N(0, std^2)`` with a fixed fraction of each column set to zero.

The functions work in place under ``torch.no_grad()`` (so they can be applied to
parameters), take an optional ``generator=`` for reproducible draws, and match
``torch.nn.init`` (same formulas; with the same generator, the same numbers for all but
``sparse_``).
"""

from __future__ import annotations

# --8<-- [start:imports]
import math

import torch

from dlnotes._checks import check_positive, check_tensor

# --8<-- [end:imports]

__all__ = [
    "NONLINEARITIES",
    "calculate_gain",
    "fan_in_and_fan_out",
    "kaiming_normal_",
    "kaiming_uniform_",
    "orthogonal_",
    "sparse_",
    "xavier_normal_",
    "xavier_uniform_",
]


# --8<-- [start:gain]
LINEAR_FNS = (
    "linear",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
)
NONLINEARITIES = (*LINEAR_FNS, "sigmoid", "tanh", "relu", "leaky_relu", "selu")


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The factor by which to scale ``std`` so that ``nonlinearity`` keeps the signal scale.

    Args:
        nonlinearity: the activation after the layer, one of ``NONLINEARITIES``.
        param: the negative slope of ``"leaky_relu"`` (default 0.01); ignored otherwise.

    Returns:
        1 for linear layers and sigmoid, 5/3 for tanh, ``sqrt(2)`` for ReLU,
        ``sqrt(2 / (1 + param^2))`` for leaky ReLU and 3/4 for SELU (like PyTorch).

    Example:
        >>> from dlnotes.mlp.init import calculate_gain
        >>> round(calculate_gain("relu"), 4), round(calculate_gain("leaky_relu", 0.2), 4)
        (1.4142, 1.3868)
        >>> calculate_gain("gelu")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: nonlinearity must be one of (...), got 'gelu'
    """
    if nonlinearity in LINEAR_FNS or nonlinearity == "sigmoid":
        return 1  # identity; sigmoid is ~linear (slope 1/4) near 0 and is given 1 by convention
    if nonlinearity == "tanh":
        return 5.0 / 3  # tanh squashes: E[tanh(z)^2] < E[z^2], a gain > 1 compensates
    if nonlinearity == "relu":
        return math.sqrt(2.0)  # ReLU keeps half of the second moment
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01  # nn.LeakyReLU's default
        elif isinstance(param, (int, float)) and not isinstance(param, bool):
            slope = param
        else:
            raise ValueError(f"negative slope must be a number, got {param!r}")
        # E[leaky_relu(z)^2] = (1 + slope^2) / 2 * E[z^2] for a symmetric z
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4  # PyTorch's empirical value (use "linear" for self-normalizing nets)
    raise ValueError(f"nonlinearity must be one of {NONLINEARITIES}, got {nonlinearity!r}")


# --8<-- [end:gain]


# --8<-- [start:fans]
def fan_in_and_fan_out(tensor: torch.Tensor) -> tuple[int, int]:
    """Number of inputs and outputs that each weight entry is summed with.

    A ``Linear`` weight has shape ``(out_features, in_features)``; a convolution kernel has
    shape ``(out_channels, in_channels, *kernel_size)``, and each output sums over
    ``in_channels * prod(kernel_size)`` inputs. So ``fan_in = size(1) * receptive_field``
    and ``fan_out = size(0) * receptive_field``.

    Example:
        >>> import torch
        >>> from dlnotes.mlp.init import fan_in_and_fan_out
        >>> fan_in_and_fan_out(torch.empty(20, 10))  # nn.Linear(10, 20).weight
        (10, 20)
        >>> fan_in_and_fan_out(torch.empty(16, 3, 5, 5))  # nn.Conv2d(3, 16, 5).weight
        (75, 400)
        >>> fan_in_and_fan_out(torch.empty(5))
        Traceback (most recent call last):
        ...
        ValueError: fans need a tensor with at least 2 dimensions, got shape (5,)
    """
    check_tensor(tensor, "tensor")
    if tensor.dim() < 2:
        raise ValueError(
            f"fans need a tensor with at least 2 dimensions, got shape {tuple(tensor.shape)}"
        )
    receptive_field = math.prod(tensor.shape[2:])  # 1 for a Linear weight
    fan_in = tensor.size(1) * receptive_field
    fan_out = tensor.size(0) * receptive_field
    return fan_in, fan_out


def _check_weight(tensor: torch.Tensor, generator: torch.Generator | None) -> None:
    check_tensor(tensor, "tensor", floating=True)
    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator or None, got {type(generator)}")


# --8<-- [end:fans]


# --8<-- [start:xavier]
def xavier_uniform_(
    tensor: torch.Tensor, gain: float = 1.0, generator: torch.Generator | None = None
) -> torch.Tensor:
    """Fill ``tensor`` in place with ``U(-b, b)``, ``b = gain * sqrt(6 / (fan_in + fan_out))``.

    Example:
        >>> import torch
        >>> from dlnotes.mlp.init import xavier_uniform_
        >>> w = xavier_uniform_(torch.empty(300, 200), generator=torch.Generator().manual_seed(0))
        >>> round(w.abs().max().item(), 4), round((6 / 500) ** 0.5, 4)  # max |w| ~ bound
        (0.1095, 0.1095)
    """
    _check_weight(tensor, generator)
    if tensor.numel() == 0:
        return tensor  # nothing to fill (and the fans may be 0)
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))  # Glorot's compromise
    bound = math.sqrt(3.0) * std  # Var[U(-b, b)] = b^2 / 3
    with torch.no_grad():
        return tensor.uniform_(-bound, bound, generator=generator)


def xavier_normal_(
    tensor: torch.Tensor, gain: float = 1.0, generator: torch.Generator | None = None
) -> torch.Tensor:
    """Fill ``tensor`` in place with ``N(0, std^2)``, ``std = gain * sqrt(2 / (fan_in + fan_out))``.

    Example:
        >>> import torch
        >>> from dlnotes.mlp.init import xavier_normal_
        >>> w = xavier_normal_(torch.empty(300, 200), generator=torch.Generator().manual_seed(0))
        >>> round(w.std().item(), 4), round((2 / 500) ** 0.5, 4)
        (0.0631, 0.0632)
    """
    _check_weight(tensor, generator)
    if tensor.numel() == 0:
        return tensor
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    with torch.no_grad():
        return tensor.normal_(0.0, std, generator=generator)


# --8<-- [end:xavier]


# --8<-- [start:kaiming]
def _kaiming_std(tensor: torch.Tensor, a: float, mode: str, nonlinearity: str) -> float:
    """``gain / sqrt(fan)``: the std that keeps the forward (or backward) variance."""
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = fan_in_and_fan_out(tensor)
    fan = fan_in if mode == "fan_in" else fan_out
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_uniform_(
    tensor: torch.Tensor,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """Fill ``tensor`` in place with ``U(-b, b)``, ``b = sqrt(3) * gain / sqrt(fan)``.

    Args:
        tensor: the weight, at least 2-D.
        a: the negative slope of the leaky ReLU that follows (only used with
            ``nonlinearity="leaky_relu"``; ``a = 0`` is a plain ReLU, gain ``sqrt(2)``).
        mode: ``"fan_in"`` keeps the variance of the activations in the forward pass,
            ``"fan_out"`` the variance of the gradients in the backward pass.
        nonlinearity: the activation after the layer (see ``calculate_gain``).
        generator: an optional ``torch.Generator`` for the draw.

    Example:
        >>> import torch
        >>> from dlnotes.mlp.init import kaiming_uniform_
        >>> g = torch.Generator().manual_seed(0)
        >>> w = kaiming_uniform_(torch.empty(256, 512), nonlinearity="relu", generator=g)
        >>> round(w.std().item(), 4), round((2 / 512) ** 0.5, 4)
        (0.0624, 0.0625)
    """
    _check_weight(tensor, generator)
    if tensor.numel() == 0:
        return tensor
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity)
    with torch.no_grad():
        return tensor.uniform_(-bound, bound, generator=generator)


def kaiming_normal_(
    tensor: torch.Tensor,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """Fill ``tensor`` in place with ``N(0, std^2)``, ``std = gain / sqrt(fan)``.

    The arguments are those of ``kaiming_uniform_``.

    Example:
        >>> import torch
        >>> from dlnotes.mlp.init import kaiming_normal_
        >>> g = torch.Generator().manual_seed(0)
        >>> w = kaiming_normal_(torch.empty(64, 32, 3, 3), mode="fan_out", generator=g)
        >>> round(w.std().item(), 4), round((2 / (64 * 9)) ** 0.5, 4)  # fan_out = 64 * 3 * 3
        (0.0592, 0.0589)
    """
    _check_weight(tensor, generator)
    if tensor.numel() == 0:
        return tensor
    std = _kaiming_std(tensor, a, mode, nonlinearity)
    with torch.no_grad():
        return tensor.normal_(0.0, std, generator=generator)


# --8<-- [end:kaiming]


# --8<-- [start:orthogonal]
def orthogonal_(
    tensor: torch.Tensor, gain: float = 1.0, generator: torch.Generator | None = None
) -> torch.Tensor:
    """Fill ``tensor`` in place with ``gain`` times a random (semi-)orthogonal matrix.

    The tensor is viewed as ``(rows, cols)`` with ``cols = numel // rows``. Afterwards
    ``W W^T = gain^2 I`` if ``rows <= cols`` (orthonormal rows) and ``W^T W = gain^2 I``
    if ``rows >= cols`` (orthonormal columns): every singular value equals ``gain``.

    Example:
        >>> import torch
        >>> from dlnotes.mlp.init import orthogonal_
        >>> w = orthogonal_(torch.empty(3, 5), gain=2.0, generator=torch.Generator().manual_seed(0))
        >>> torch.allclose(w @ w.T, 4 * torch.eye(3), atol=1e-5)
        True
    """
    _check_weight(tensor, generator)
    if tensor.dim() < 2:
        shape = tuple(tensor.shape)
        raise ValueError(
            f"orthogonal_ needs a tensor with at least 2 dimensions, got shape {shape}"
        )
    if tensor.numel() == 0:
        return tensor
    rows = tensor.size(0)
    cols = tensor.numel() // rows
    # QR needs float32 or float64: draw in (at least) float32, copy back in tensor's dtype
    dtype = torch.promote_types(tensor.dtype, torch.float32)
    a = torch.empty(rows, cols, dtype=dtype, device=tensor.device)
    a.normal_(0.0, 1.0, generator=generator)  # (rows, cols) Gaussian
    if rows < cols:
        a = a.T  # (cols, rows): tall, so Q has orthonormal columns
    q, r = torch.linalg.qr(a)  # a = q r, q: (max, min) with orthonormal columns
    # QR is unique only up to the signs of diag(r); fixing them makes q Haar-distributed
    # (uniform over orthogonal matrices) instead of biased by the QR algorithm's convention.
    q = q * torch.diagonal(r).sign()  # scales column j of q by sign(r_jj)
    if rows < cols:
        q = q.T  # back to (rows, cols), orthonormal rows
    with torch.no_grad():
        tensor.view_as(q).copy_(q)
        tensor.mul_(gain)
    return tensor


# --8<-- [end:orthogonal]


# --8<-- [start:sparse]
def sparse_(
    tensor: torch.Tensor,
    sparsity: float,
    std: float = 0.01,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """Fill a 2-D ``tensor`` with ``N(0, std^2)`` and zero ``ceil(sparsity * rows)`` of each column.

    The zeros of each column are at rows chosen uniformly at random, independently per
    column, so every column has exactly the same number of zeros.

    Example:
        >>> import torch
        >>> from dlnotes.mlp.init import sparse_
        >>> g = torch.Generator().manual_seed(0)
        >>> w = sparse_(torch.empty(10, 4), sparsity=0.25, generator=g)
        >>> (w == 0).sum(dim=0).tolist()  # ceil(0.25 * 10) = 3 zeros in every column
        [3, 3, 3, 3]
        >>> sparse_(torch.empty(10, 4), sparsity=1.5)
        Traceback (most recent call last):
        ...
        ValueError: sparsity must be in [0, 1), got 1.5
    """
    _check_weight(tensor, generator)
    if tensor.dim() != 2:
        raise ValueError(f"sparse_ needs a 2-D tensor, got shape {tuple(tensor.shape)}")
    if isinstance(sparsity, bool) or not isinstance(sparsity, (int, float)):
        raise TypeError(f"sparsity must be a number, got {type(sparsity).__name__}")
    if not 0 <= sparsity < 1:  # NaN fails too
        raise ValueError(f"sparsity must be in [0, 1), got {sparsity}")
    check_positive(std, "std", allow_zero=True)
    rows, cols = tensor.shape
    num_zeros = math.ceil(sparsity * rows)
    with torch.no_grad():
        tensor.normal_(0.0, std, generator=generator)
        # a random permutation of the rows per column: argsort of iid uniforms
        noise = torch.rand(rows, cols, generator=generator, device=tensor.device)
        zero_rows = noise.argsort(dim=0)[:num_zeros]  # (num_zeros, cols), distinct per column
        tensor.scatter_(0, zero_rows, 0.0)  # tensor[zero_rows[k, j], j] = 0
    return tensor


# --8<-- [end:sparse]
