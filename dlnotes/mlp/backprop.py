"""Forward and backward propagation written out by hand for a one-hidden-layer MLP.

The network and objective follow D2L section 4.7, for a minibatch and with biases. For
``n`` examples ``X`` of shape ``(n, d)`` and class indices ``y`` of shape ``(n,)``::

    Z = X W1^T + b1          (n, h)   hidden pre-activations
    H = relu(Z)              (n, h)   hidden activations
    O = H W2^T + b2          (n, q)   output scores (logits)
    L = mean_i CE(O_i, y_i)  ()       softmax cross-entropy, mean over the minibatch
    s = lambd/2 (||W1||_F^2 + ||W2||_F^2)   the L2 penalty (biases are not penalized)
    J = L + s                ()       the objective

Weights have the layout of ``nn.Linear``: ``W1`` is ``(h, d)``, ``W2`` is ``(q, h)``.
:func:`mlp_forward` returns ``J`` and the cache of intermediates that the backward pass
reads; :func:`mlp_backward` applies the chain rule from ``J`` back to every parameter::

    dO  = (softmax(O) - onehot(y)) / n     (n, q)
    dW2 = dO^T H + lambd W2                (q, h)
    db2 = sum_i dO_i                       (q,)
    dH  = dO W2                            (n, h)
    dZ  = dH * 1[H > 0]                    (n, h)   relu'(Z) = 1[Z > 0] = 1[H > 0]
    dW1 = dZ^T X + lambd W1                (h, d)
    db1 = sum_i dZ_i                       (h,)

The tests check every gradient against ``torch.autograd`` (float64) and finite differences.
"""

from __future__ import annotations

# --8<-- [start:imports]
from dataclasses import dataclass

import torch

from dlnotes._checks import check_tensor
from dlnotes.linear.softmax import softmax, softmax_cross_entropy

# --8<-- [end:imports]

__all__ = ["PARAM_SHAPES", "MLPCache", "mlp_backward", "mlp_forward"]


# --8<-- [start:checks]
PARAM_SHAPES = {"W1": "(h, d)", "b1": "(h,)", "W2": "(q, h)", "b2": "(q,)"}


def _check_params(params: dict[str, torch.Tensor], d: int, dtype: torch.dtype) -> None:
    """Raise unless ``params`` holds W1 (h, d), b1 (h,), W2 (q, h), b2 (q,) of ``dtype``."""
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict of tensors, got {type(params).__name__}")
    if set(params) != set(PARAM_SHAPES):
        raise ValueError(f"params must have the keys {list(PARAM_SHAPES)}, got {list(params)}")
    for name in PARAM_SHAPES:
        check_tensor(params[name], name)
        if params[name].dtype != dtype:
            raise TypeError(f"{name} must have the dtype of X ({dtype}), got {params[name].dtype}")
    check_tensor(params["W1"], "W1", ndim=2)
    check_tensor(params["W2"], "W2", ndim=2)
    h, q = params["W1"].shape[0], params["W2"].shape[0]
    expected = {"W1": (h, d), "b1": (h,), "W2": (q, h), "b2": (q,)}
    for name, shape in expected.items():
        if tuple(params[name].shape) != shape:
            raise ValueError(
                f"{name} must have shape {PARAM_SHAPES[name]} = {shape} for X with d = {d} "
                f"features, h = {h} hidden units and q = {q} outputs, "
                f"got {tuple(params[name].shape)}"
            )


def _check_lambd(lambd: float) -> float:
    if isinstance(lambd, bool) or not isinstance(lambd, (int, float)):
        raise TypeError(f"lambd must be a number, got {type(lambd).__name__}")
    if not lambd >= 0:  # NaN fails too
        raise ValueError(f"lambd must be >= 0, got {lambd}")
    return float(lambd)


# --8<-- [end:checks]


# --8<-- [start:forward]
@dataclass
class MLPCache:
    """What the forward pass keeps for the backward pass (and nothing more)."""

    X: torch.Tensor  # (n, d) inputs, for dW1
    y: torch.Tensor  # (n,) class indices, for dO
    H: torch.Tensor  # (n, h) hidden activations, for dW2 and for relu'(Z) = 1[H > 0]
    P: torch.Tensor  # (n, q) softmax(O), for dO
    lambd: float  # the L2 strength, for the penalty's gradient

    def numel(self) -> int:
        """Number of tensor elements held in the cache."""
        return sum(t.numel() for t in (self.X, self.y, self.H, self.P))


def mlp_forward(
    X: torch.Tensor, y: torch.Tensor, params: dict[str, torch.Tensor], lambd: float = 0.0
) -> tuple[torch.Tensor, MLPCache]:
    """Objective ``J = L + s`` of a ReLU MLP with softmax cross-entropy and an L2 penalty.

    Args:
        X: inputs, floating point, shape ``(n, d)``.
        y: class indices, integer, shape ``(n,)``, values in ``[0, q)``.
        params: ``{"W1": (h, d), "b1": (h,), "W2": (q, h), "b2": (q,)}``, X's dtype.
        lambd: L2 strength ``lambda >= 0`` of ``s = lambda/2 (||W1||^2 + ||W2||^2)``.

    Returns:
        ``(J, cache)``: the scalar objective and the :class:`MLPCache` for
        :func:`mlp_backward`.

    Example:
        >>> import torch
        >>> from dlnotes.mlp.backprop import mlp_forward
        >>> params = {"W1": torch.zeros(5, 3), "b1": torch.zeros(5),
        ...           "W2": torch.zeros(4, 5), "b2": torch.zeros(4)}
        >>> J, cache = mlp_forward(torch.ones(2, 3), torch.tensor([0, 3]), params)
        >>> round(J.item(), 4), round(torch.log(torch.tensor(4.0)).item(), 4)  # uniform: log q
        (1.3863, 1.3863)
        >>> cache.H.shape, cache.P.shape
        (torch.Size([2, 5]), torch.Size([2, 4]))
    """
    check_tensor(X, "X", ndim=2, floating=True)
    check_tensor(y, "y", ndim=1, integer=True)
    n, d = X.shape
    if n == 0:
        raise ValueError(f"X must hold at least one example, got shape {tuple(X.shape)}")
    if len(y) != n:
        raise ValueError(f"y must have one label per row of X ({n}), got shape {tuple(y.shape)}")
    _check_params(params, d, X.dtype)
    lambd = _check_lambd(lambd)
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    q = W2.shape[0]
    if y.min() < 0 or y.max() >= q:
        raise ValueError(f"y must hold class indices in [0, {q - 1}], got [{y.min()}, {y.max()}]")

    Z = X @ W1.T + b1  # (n, h)
    H = torch.relu(Z)  # (n, h)
    logits = H @ W2.T + b2  # (n, q) the scores O
    L = softmax_cross_entropy(logits, y)  # () mean over the minibatch
    s = lambd / 2 * (W1.pow(2).sum() + W2.pow(2).sum())  # () biases are not penalized
    J = L + s  # ()
    return J, MLPCache(X=X, y=y, H=H, P=softmax(logits, dim=1), lambd=lambd)


# --8<-- [end:forward]


# --8<-- [start:backward]
def mlp_backward(params: dict[str, torch.Tensor], cache: MLPCache) -> dict[str, torch.Tensor]:
    """Gradients of ``J`` with respect to every parameter, by the chain rule, no autograd.

    Args:
        params: the parameters given to :func:`mlp_forward`.
        cache: the cache it returned.

    Returns:
        ``{"W1": dJ/dW1, "b1": dJ/db1, "W2": dJ/dW2, "b2": dJ/db2}``, each with the shape
        of its parameter.

    Example:
        >>> import torch
        >>> from dlnotes.mlp.backprop import mlp_backward, mlp_forward
        >>> params = {"W1": torch.randn(5, 3), "b1": torch.zeros(5),
        ...           "W2": torch.randn(4, 5), "b2": torch.zeros(4)}
        >>> J, cache = mlp_forward(torch.randn(2, 3), torch.tensor([0, 3]), params, lambd=0.1)
        >>> {name: tuple(g.shape) for name, g in mlp_backward(params, cache).items()}
        {'W1': (5, 3), 'b1': (5,), 'W2': (4, 5), 'b2': (4,)}
    """
    if not isinstance(cache, MLPCache):
        raise TypeError(f"cache must be the MLPCache from mlp_forward, got {type(cache).__name__}")
    X, y, H, P, lambd = cache.X, cache.y, cache.H, cache.P, cache.lambd
    _check_params(params, X.shape[1], X.dtype)
    W1, W2 = params["W1"], params["W2"]
    if H.shape[1] != W1.shape[0] or P.shape[1] != W2.shape[0]:
        raise ValueError("params do not match the cache: pass the params given to mlp_forward")
    n = X.shape[0]

    # output layer: d(mean CE)/dO = (softmax(O) - onehot(y)) / n
    dO = P.clone()  # (n, q)
    dO[torch.arange(n), y] -= 1
    dO /= n
    dW2 = dO.T @ H + lambd * W2  # (q, n) @ (n, h) -> (q, h), plus ds/dW2 = lambda W2
    db2 = dO.sum(dim=0)  # (q,): b2 is added to every row of O
    # hidden layer
    dH = dO @ W2  # (n, q) @ (q, h) -> (n, h)
    dZ = dH * (H > 0)  # (n, h): relu'(Z) = 1[Z > 0], read off H = relu(Z)
    dW1 = dZ.T @ X + lambd * W1  # (h, n) @ (n, d) -> (h, d), plus ds/dW1 = lambda W1
    db1 = dZ.sum(dim=0)  # (h,)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


# --8<-- [end:backward]
