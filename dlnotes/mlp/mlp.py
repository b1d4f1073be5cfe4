"""Multilayer perceptrons: from scratch (explicit ``W1, b1, W2, b2``) and concise.

* ``relu`` and ``MLPScratch``: a one-hidden-layer MLP written out as in D2L,
  ``H = relu(X W1 + b1)``, ``O = H W2 + b2``; ``mlp_concise`` is the same network as an
  ``nn.Sequential``, and ``copy_scratch_to_concise`` copies the weights across (``nn.Linear``
  stores the transpose), so the two can be checked to agree.
* ``make_mlp`` builds an MLP with any number of hidden layers (zero: a linear model).
* ``collapse_linear`` multiplies a stack of ``nn.Linear`` layers into the one linear map
  they equal: without activations, depth adds nothing.
* ``relu_interpolant`` builds, without training, a one-hidden-layer ReLU network that
  interpolates given points: a constructive, one-dimensional universal approximation.
* ``make_moons_tensors``, ``fit_full_batch`` and ``compare_mlps`` run the small depth and
  width experiments of the MLP page on ``sklearn.datasets.make_moons``, training with the
  shared ``dlnotes.train.Trainer``.
"""

from __future__ import annotations

# --8<-- [start:imports]
from collections.abc import Callable, Sequence
from typing import NamedTuple

import torch
from torch import nn
from torch.nn import functional as F

from dlnotes._checks import check_positive, check_tensor
from dlnotes.train import History, Trainer, top1_accuracy

# --8<-- [end:imports]

__all__ = [
    "MLPResult",
    "MLPScratch",
    "collapse_linear",
    "compare_mlps",
    "copy_scratch_to_concise",
    "fit_full_batch",
    "make_mlp",
    "make_moons_tensors",
    "mlp_concise",
    "relu",
    "relu_interpolant",
]


# --8<-- [start:relu]
def relu(X: torch.Tensor) -> torch.Tensor:
    """``max(X, 0)`` elementwise, like ``torch.relu``; the gradient at 0 is taken as 0.

    Example:
        >>> import torch
        >>> from dlnotes.mlp.mlp import relu
        >>> relu(torch.tensor([-2.0, 0.0, 3.0]))
        tensor([0., 0., 3.])
    """
    check_tensor(X, "X", floating=True)
    return torch.where(X > 0, X, torch.zeros_like(X))  # autograd: slope 1 where X > 0, else 0


# --8<-- [end:relu]


# --8<-- [start:mlp_scratch]
def _check_size(value: object, name: str, minimum: int = 1) -> int:
    """Return ``value`` if it is an int ``>= minimum``, else raise."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return value


class MLPScratch(nn.Module):
    """One hidden layer with explicit parameters: ``relu(X @ W1 + b1) @ W2 + b2``.

    Args:
        num_inputs: features per example ``d`` (images are flattened first).
        num_hiddens: hidden units ``h``.
        num_outputs: outputs ``q`` (logits, one per class).
        sigma: standard deviation of the Gaussian initial weights (biases start at 0).

    Example:
        >>> import torch
        >>> from dlnotes.mlp.mlp import MLPScratch
        >>> net = MLPScratch(64, 32, 10)
        >>> [tuple(p.shape) for p in net.parameters()]
        [(64, 32), (32,), (32, 10), (10,)]
        >>> net(torch.zeros(5, 1, 8, 8)).shape  # (n, 1, 8, 8) images are flattened to (n, 64)
        torch.Size([5, 10])
    """

    def __init__(
        self, num_inputs: int, num_hiddens: int, num_outputs: int, sigma: float = 0.01
    ) -> None:
        super().__init__()
        self.num_inputs = _check_size(num_inputs, "num_inputs")
        _check_size(num_hiddens, "num_hiddens")
        _check_size(num_outputs, "num_outputs")
        check_positive(sigma, "sigma")
        self.W1 = nn.Parameter(torch.randn(num_inputs, num_hiddens) * sigma)  # (d, h)
        self.b1 = nn.Parameter(torch.zeros(num_hiddens))  # (h,)
        self.W2 = nn.Parameter(torch.randn(num_hiddens, num_outputs) * sigma)  # (h, q)
        self.b2 = nn.Parameter(torch.zeros(num_outputs))  # (q,)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        check_tensor(X, "X", floating=True)
        if X.dim() < 2 or X[0].numel() != self.num_inputs:
            raise ValueError(
                f"X must be a batch of examples with {self.num_inputs} features each, "
                f"got shape {tuple(X.shape)}"
            )
        X = X.flatten(start_dim=1)  # (n, d)
        H = relu(X @ self.W1 + self.b1)  # (n, h): the hidden representation
        return H @ self.W2 + self.b2  # (n, q): logits


# --8<-- [end:mlp_scratch]


# --8<-- [start:mlp_concise]
def mlp_concise(num_inputs: int, num_hiddens: int, num_outputs: int) -> nn.Sequential:
    """The same network as ``MLPScratch`` with ``torch.nn`` layers (default initialization).

    Example:
        >>> from dlnotes.mlp.mlp import mlp_concise
        >>> mlp_concise(64, 32, 10)
        Sequential(
          (0): Flatten(start_dim=1, end_dim=-1)
          (1): Linear(in_features=64, out_features=32, bias=True)
          (2): ReLU()
          (3): Linear(in_features=32, out_features=10, bias=True)
        )
    """
    _check_size(num_inputs, "num_inputs")
    _check_size(num_hiddens, "num_hiddens")
    _check_size(num_outputs, "num_outputs")
    return nn.Sequential(
        nn.Flatten(),  # (n, ...) -> (n, d)
        nn.Linear(num_inputs, num_hiddens),  # (n, h)
        nn.ReLU(),
        nn.Linear(num_hiddens, num_outputs),  # (n, q)
    )


def copy_scratch_to_concise(scratch: MLPScratch, concise: nn.Sequential) -> nn.Sequential:
    """Copy ``W1, b1, W2, b2`` into ``mlp_concise``'s layers (transposing the weights).

    ``nn.Linear`` stores its weight as ``(out_features, in_features)`` and computes
    ``X @ weight.T + bias``, so ``weight = W.T``.

    Example:
        >>> import torch
        >>> from dlnotes.mlp.mlp import MLPScratch, copy_scratch_to_concise, mlp_concise
        >>> scratch, concise = MLPScratch(4, 3, 2), mlp_concise(4, 3, 2)
        >>> _ = copy_scratch_to_concise(scratch, concise)
        >>> X = torch.randn(5, 4)
        >>> torch.allclose(scratch(X), concise(X))
        True
    """
    if not isinstance(scratch, MLPScratch):
        raise TypeError(f"scratch must be an MLPScratch, got {type(scratch).__name__}")
    if not isinstance(concise, nn.Sequential) or len(concise) != 4:
        raise TypeError("concise must be the nn.Sequential returned by mlp_concise")
    linear1, linear2 = concise[1], concise[3]
    if linear1.weight.shape != scratch.W1.T.shape or linear2.weight.shape != scratch.W2.T.shape:
        raise ValueError(
            f"shapes differ: scratch W1 {tuple(scratch.W1.shape)}, W2 {tuple(scratch.W2.shape)}; "
            f"concise weights {tuple(linear1.weight.shape)}, {tuple(linear2.weight.shape)}"
        )
    with torch.no_grad():
        linear1.weight.copy_(scratch.W1.T)  # (h, d) <- (d, h).T
        linear1.bias.copy_(scratch.b1)
        linear2.weight.copy_(scratch.W2.T)  # (q, h) <- (h, q).T
        linear2.bias.copy_(scratch.b2)
    return concise


# --8<-- [end:mlp_concise]


# --8<-- [start:make_mlp]
def make_mlp(
    num_inputs: int,
    hidden_sizes: Sequence[int],
    num_outputs: int,
    activation: Callable[[], nn.Module] = nn.ReLU,
) -> nn.Sequential:
    """``Linear -> activation`` for each hidden size, then an output ``Linear``.

    ``hidden_sizes=[]`` gives a linear model (softmax regression for classification).

    Example:
        >>> from torch import nn
        >>> from dlnotes.mlp.mlp import make_mlp
        >>> make_mlp(2, [16, 16], 2)
        Sequential(
          (0): Linear(in_features=2, out_features=16, bias=True)
          (1): ReLU()
          (2): Linear(in_features=16, out_features=16, bias=True)
          (3): ReLU()
          (4): Linear(in_features=16, out_features=2, bias=True)
        )
        >>> len(make_mlp(2, [], 2)), len(make_mlp(2, [8], 2, activation=nn.Tanh))
        (1, 3)
    """
    _check_size(num_inputs, "num_inputs")
    _check_size(num_outputs, "num_outputs")
    if isinstance(hidden_sizes, (str, bytes)) or not isinstance(hidden_sizes, Sequence):
        raise TypeError(f"hidden_sizes must be a sequence of ints, got {hidden_sizes!r}")
    layers: list[nn.Module] = []
    width = num_inputs
    for i, h in enumerate(hidden_sizes):
        _check_size(h, f"hidden_sizes[{i}]")
        layers += [nn.Linear(width, h), activation()]  # (n, width) -> (n, h)
        width = h
    layers.append(nn.Linear(width, num_outputs))  # (n, width) -> (n, q)
    return nn.Sequential(*layers)


# --8<-- [end:make_mlp]


# --8<-- [start:collapse_linear]
def collapse_linear(layers: Sequence[nn.Module]) -> nn.Linear:
    """The single ``nn.Linear`` equal to a stack of ``nn.Linear`` layers applied in order.

    ``W2 (W1 x + b1) + b2 = (W2 W1) x + (W2 b1 + b2)``, and so on for more layers. Any
    other module (an activation, say) raises ``TypeError``: the collapse is exactly what
    a non-linearity prevents.

    Example:
        >>> import torch
        >>> from torch import nn
        >>> from dlnotes.mlp.mlp import collapse_linear
        >>> deep = nn.Sequential(nn.Linear(3, 5), nn.Linear(5, 4), nn.Linear(4, 2))
        >>> X = torch.randn(6, 3)
        >>> torch.allclose(deep(X), collapse_linear(deep)(X), atol=1e-6)
        True
        >>> collapse_linear([nn.Linear(3, 5), nn.ReLU()])
        Traceback (most recent call last):
        ...
        TypeError: layers must all be nn.Linear, got ReLU at position 1
    """
    layers = list(layers)
    if not layers:
        raise ValueError("layers must contain at least one nn.Linear")
    for i, layer in enumerate(layers):
        if not isinstance(layer, nn.Linear):
            raise TypeError(
                f"layers must all be nn.Linear, got {type(layer).__name__} at position {i}"
            )
    first = layers[0]
    W = torch.eye(first.in_features, dtype=first.weight.dtype)  # (d, d): the identity map
    b = torch.zeros(first.in_features, dtype=first.weight.dtype)  # (d,)
    with torch.no_grad():
        for layer in layers:
            if layer.in_features != W.shape[0]:
                raise ValueError(
                    f"layer sizes do not chain: {layer.in_features} inputs "
                    f"after {W.shape[0]} outputs"
                )
            zero = torch.zeros(layer.out_features, dtype=W.dtype)
            bias = layer.bias if layer.bias is not None else zero
            W = layer.weight @ W  # (out, d): apply this layer after the ones before
            b = layer.weight @ b + bias  # (out,)
        merged = nn.Linear(first.in_features, W.shape[0], dtype=W.dtype)
        merged.weight.copy_(W)
        merged.bias.copy_(b)
    return merged


# --8<-- [end:collapse_linear]


# --8<-- [start:relu_interpolant]
def relu_interpolant(xs: torch.Tensor, ys: torch.Tensor) -> nn.Sequential:
    """A 1-hidden-layer ReLU network through the points ``(xs[k], ys[k])``, built by hand.

    With increasing knots ``x_0 < ... < x_{N-1}`` and the slopes ``s_k`` of the segments
    between them, ``g(x) = y_0 + sum_k (s_k - s_{k-1}) relu(x - x_k)`` (``s_{-1} = 0``,
    ``k = 0 .. N-2``) is the piecewise-linear interpolant: ``N - 1`` hidden units, no
    training. It is constant left of ``x_0`` and continues the last segment right of
    ``x_{N-1}``.

    Example:
        >>> import torch
        >>> from dlnotes.mlp.mlp import relu_interpolant
        >>> xs, ys = torch.tensor([0.0, 1.0, 2.0]), torch.tensor([0.0, 1.0, 0.0])
        >>> net = relu_interpolant(xs, ys)  # a "hat": up with slope 1, down with slope -1
        >>> net(torch.tensor([[0.5], [1.0], [1.5]])).detach().flatten()
        tensor([0.5000, 1.0000, 0.5000])
    """
    check_tensor(xs, "xs", ndim=1, floating=True)
    check_tensor(ys, "ys", ndim=1, floating=True)
    if len(xs) != len(ys) or len(xs) < 2:
        raise ValueError(f"need as many xs as ys, at least 2, got {len(xs)} and {len(ys)}")
    if not (xs[1:] > xs[:-1]).all():
        raise ValueError("xs must be strictly increasing")
    slopes = (ys[1:] - ys[:-1]) / (xs[1:] - xs[:-1])  # (N - 1,) slope of each segment
    kinks = slopes - torch.cat([slopes.new_zeros(1), slopes[:-1]])  # (N - 1,) slope changes
    n_units = len(slopes)
    net = nn.Sequential(
        nn.Linear(1, n_units, dtype=xs.dtype), nn.ReLU(), nn.Linear(n_units, 1, dtype=xs.dtype)
    )
    with torch.no_grad():
        net[0].weight.fill_(1.0)  # unit k computes relu(x - x_k)
        net[0].bias.copy_(-xs[:-1])
        net[2].weight.copy_(kinks[None, :])  # (1, N - 1)
        net[2].bias.fill_(ys[0].item())
    return net


# --8<-- [end:relu_interpolant]


# --8<-- [start:experiments]
def make_moons_tensors(
    n_samples: int, noise: float = 0.3, seed: int = 0
) -> tuple[torch.Tensor, torch.Tensor]:
    """``sklearn.datasets.make_moons`` as float32 inputs ``(n, 2)`` and int64 labels ``(n,)``.

    Example:
        >>> from dlnotes.mlp.mlp import make_moons_tensors
        >>> X, y = make_moons_tensors(100)
        >>> X.shape, X.dtype, y.dtype, y.sum().item()
        (torch.Size([100, 2]), torch.float32, torch.int64, 50)
    """
    _check_size(n_samples, "n_samples", minimum=2)
    check_positive(noise, "noise", allow_zero=True)
    from sklearn.datasets import make_moons  # imported here: only this function needs it

    X, y = make_moons(n_samples=n_samples, noise=noise, random_state=seed)
    return torch.tensor(X, dtype=torch.float32), torch.tensor(y, dtype=torch.int64)


def fit_full_batch(
    net: nn.Module, X: torch.Tensor, y: torch.Tensor, epochs: int = 300, lr: float = 0.01
) -> Trainer:
    """Train ``net`` on all of ``(X, y)`` at once: cross-entropy, Adam, ``epochs`` steps.

    Uses the shared ``Trainer`` (one batch per epoch, on the CPU) and returns it, so
    ``trainer.evaluate([(X, y)])`` gives the loss and accuracy on any data.

    Example:
        >>> import torch
        >>> from dlnotes.mlp.mlp import fit_full_batch, make_mlp, make_moons_tensors
        >>> X, y = make_moons_tensors(100, seed=0)
        >>> _ = torch.manual_seed(0)
        >>> trainer = fit_full_batch(make_mlp(2, [16], 2), X, y, epochs=200)
        >>> trainer.evaluate([(X, y)])["acc"] > 0.9
        True
    """
    check_tensor(X, "X", ndim=2, floating=True)
    check_tensor(y, "y", ndim=1, integer=True)
    check_positive(lr, "lr")
    optimizer = torch.optim.Adam(net.parameters(), lr=lr)
    trainer = Trainer(net, optimizer, F.cross_entropy, device="cpu", metrics={"acc": top1_accuracy})
    trainer.fit([(X, y)], epochs=epochs)
    return trainer


class MLPResult(NamedTuple):
    """One row of ``compare_mlps``."""

    hidden_sizes: tuple[int, ...]
    num_params: int
    train_acc: float
    val_acc: float
    net: nn.Module
    history: History


def compare_mlps(
    hidden_configs: Sequence[Sequence[int]],
    train: tuple[torch.Tensor, torch.Tensor],
    val: tuple[torch.Tensor, torch.Tensor],
    epochs: int = 300,
    lr: float = 0.01,
    seed: int = 0,
) -> list[MLPResult]:
    """Train one ReLU MLP per entry of ``hidden_configs``; report train and val accuracy.

    Each network starts from ``torch.manual_seed(seed)`` (the global generator) and is
    trained by ``fit_full_batch`` on ``train``; ``val`` is only evaluated.

    Example:
        >>> from dlnotes.mlp.mlp import compare_mlps, make_moons_tensors
        >>> train, val = make_moons_tensors(100, seed=0), make_moons_tensors(200, seed=1)
        >>> rows = compare_mlps([[], [16]], train, val, epochs=100)
        >>> [(r.hidden_sizes, r.num_params) for r in rows]
        [((), 6), ((16,), 82)]
    """
    X, y = train
    X_val, y_val = val
    results = []
    for hidden in hidden_configs:
        torch.manual_seed(seed)  # the same initial draws for every architecture
        net = make_mlp(X.shape[1], list(hidden), int(y.max()) + 1)
        trainer = fit_full_batch(net, X, y, epochs=epochs, lr=lr)
        results.append(
            MLPResult(
                hidden_sizes=tuple(hidden),
                num_params=sum(p.numel() for p in net.parameters()),
                train_acc=trainer.evaluate([(X, y)])["acc"],
                val_acc=trainer.evaluate([(X_val, y_val)])["acc"],
                net=net,
                history=trainer.history,
            )
        )
    return results


# --8<-- [end:experiments]
