"""Vanishing and exploding gradients, measured: the gradient norm of every layer of a deep MLP.

Backpropagation multiplies the gradient, layer after layer, by a weight matrix and by the
derivative of the activation. If these factors are smaller than one on average the
gradient reaching the first layers vanishes; if they are larger it explodes. The sigmoid's
derivative is at most 1/4, so a deep sigmoid network loses orders of magnitude however
its weights are scaled; with ReLU the scale of the initial weights decides: Kaiming init
(variance ``2 / fan_in``) keeps the gradients of all layers at one scale.

:func:`deep_mlp` builds the network, :func:`layer_gradient_norms` runs one forward and
backward pass on random data and returns the gradient norm of each layer's weight.
"""

from __future__ import annotations

# --8<-- [start:imports]
import torch
import torch.nn.functional as F
from torch import nn

from dlnotes._checks import check_positive
from dlnotes.tricks.init import init_weights

# --8<-- [end:imports]

__all__ = ["ACTIVATIONS", "INITS", "deep_mlp", "layer_gradient_norms"]


# --8<-- [start:deep_mlp]
ACTIVATIONS = {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU}
INITS = ("default", "normal", "xavier", "kaiming")  # "default": PyTorch's nn.Linear init


def _check_int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be >= 1, got {value}")
    return value


def deep_mlp(
    depth: int,
    width: int,
    activation: str = "relu",
    init: str = "default",
    *,
    std: float = 0.01,
    num_outputs: int = 10,
) -> nn.Sequential:
    """An MLP of ``depth`` linear layers, to measure what depth does to gradients.

    The first ``depth - 1`` layers map ``width`` features to ``width`` hidden units, each
    followed by ``activation``; the last maps them to ``num_outputs`` scores.

    Args:
        depth: number of ``nn.Linear`` layers (``>= 1``).
        width: inputs and hidden units per layer (``>= 1``).
        activation: ``"sigmoid"``, ``"tanh"`` or ``"relu"``, after every hidden layer.
        init: ``"default"`` (PyTorch's init, ``U(-1/sqrt(fan_in), 1/sqrt(fan_in))``),
            ``"normal"`` (``N(0, std^2)``), ``"xavier"`` or ``"kaiming"`` (normal, with
            the gain of ``activation``); biases are zeroed except for ``"default"``.
        std: the standard deviation of ``"normal"``.
        num_outputs: size of the last layer.

    Example:
        >>> from dlnotes.mlp.stability import deep_mlp
        >>> deep_mlp(3, 16, "tanh", "xavier")
        Sequential(
          (0): Linear(in_features=16, out_features=16, bias=True)
          (1): Tanh()
          (2): Linear(in_features=16, out_features=16, bias=True)
          (3): Tanh()
          (4): Linear(in_features=16, out_features=10, bias=True)
        )
    """
    depth, width = _check_int(depth, "depth"), _check_int(width, "width")
    num_outputs = _check_int(num_outputs, "num_outputs")
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {tuple(ACTIVATIONS)}, got {activation!r}")
    if init not in INITS:
        raise ValueError(f"init must be one of {INITS}, got {init!r}")
    check_positive(std, "std")
    layers: list[nn.Module] = []
    for _ in range(depth - 1):
        layers += [nn.Linear(width, width), ACTIVATIONS[activation]()]
    net = nn.Sequential(*layers, nn.Linear(width, num_outputs))
    if init != "default":
        init_weights(net, init, nonlinearity=activation, std=std)
    return net


# --8<-- [end:deep_mlp]


# --8<-- [start:layer_gradient_norms]
def layer_gradient_norms(
    depth: int,
    width: int,
    activation: str = "relu",
    init: str = "default",
    *,
    std: float = 0.01,
    batch_size: int = 64,
    seed: int = 0,
) -> torch.Tensor:
    """Frobenius norm of ``dL/dW`` of every layer after one backward pass on random data.

    The inputs are standard normal ``(batch_size, width)``, the labels uniform in
    ``[0, 10)``, ``L`` the mean cross-entropy. Everything random (weights, data) comes from
    ``seed``; PyTorch's global random state is left as it was.

    Args:
        depth: number of linear layers, as in :func:`deep_mlp`.
        width: inputs and hidden units per layer.
        activation: ``"sigmoid"``, ``"tanh"`` or ``"relu"``.
        init: ``"default"``, ``"normal"``, ``"xavier"`` or ``"kaiming"``.
        std: the standard deviation of ``"normal"``.
        batch_size: number of random examples.
        seed: seed of the weights and the data.

    Returns:
        float64 tensor of shape ``(depth,)``: entry ``l`` is ``||dL/dW_l||_F``, from the
        first layer (next to the input) to the last.

    Example:
        >>> from dlnotes.mlp.stability import layer_gradient_norms
        >>> norms = layer_gradient_norms(10, 64, "sigmoid")
        >>> norms.shape, bool(norms[0] < norms[-1] / 1000)  # vanished before the input
        (torch.Size([10]), True)
    """
    batch_size = _check_int(batch_size, "batch_size")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}")
    with torch.random.fork_rng(devices=[]):  # a private copy of the CPU random state
        torch.manual_seed(seed)
        net = deep_mlp(depth, width, activation, init, std=std)
        X = torch.randn(batch_size, width)  # (batch_size, width)
        y = torch.randint(0, 10, (batch_size,))  # (batch_size,)
    loss = F.cross_entropy(net(X), y)
    loss.backward()
    linears = [m for m in net if isinstance(m, nn.Linear)]
    return torch.stack([m.weight.grad.norm() for m in linears]).double()  # (depth,)


# --8<-- [end:layer_gradient_norms]
