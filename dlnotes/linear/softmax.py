"""Softmax, cross-entropy and their information-theory relatives, written stably.

Every function here is checked against its PyTorch built-in in ``tests/test_softmax.py``
(values and gradients). The trick throughout is the same: subtract the row maximum before
exponentiating, so ``exp`` never overflows, and work with log-probabilities wherever a
``log`` follows an ``exp``.
"""

from __future__ import annotations

# --8<-- [start:helpers]
import torch

from dlnotes._checks import check_tensor

_REDUCTIONS = ("none", "mean", "sum")


def _check_reduction(reduction: str, valid: tuple[str, ...] = _REDUCTIONS) -> None:
    """Raise ValueError unless ``reduction`` is one of ``valid``."""
    if reduction not in valid:
        raise ValueError(
            f"reduction must be one of {', '.join(map(repr, valid))}, got {reduction!r}"
        )


def _reduce(losses: torch.Tensor, reduction: str) -> torch.Tensor:
    """Apply a (checked) reduction to per-example or pointwise losses."""
    if reduction == "mean":
        return losses.mean()
    if reduction == "sum":
        return losses.sum()
    return losses


def _check_dim(X: torch.Tensor, dim: int, name: str = "X") -> None:
    """Raise unless ``dim`` is a valid dimension index for ``X``."""
    if not isinstance(dim, int) or isinstance(dim, bool):
        raise TypeError(f"dim must be an int, got {type(dim).__name__}")
    if X.dim() == 0 or not -X.dim() <= dim < X.dim():
        raise ValueError(f"dim={dim} is out of range for {name} with shape {tuple(X.shape)}")


def _check_class_indices(y: torch.Tensor, scores: torch.Tensor, scores_name: str) -> None:
    """Raise unless ``y`` holds one integer class index in ``[0, q-1]`` per row of ``scores``."""
    check_tensor(y, "y", integer=True)
    n, q = scores.shape  # (n, q)
    if y.shape != (n,):
        raise ValueError(
            f"class indices y must have shape ({n},) to match {scores_name} of shape "
            f"{tuple(scores.shape)}, got y of shape {tuple(y.shape)}"
        )
    if y.numel() and (int(y.min()) < 0 or int(y.max()) >= q):
        raise ValueError(
            f"class indices y must lie in [0, {q - 1}] for {q} classes, "
            f"got min {int(y.min())} and max {int(y.max())}"
        )
    # --8<-- [end:helpers]


__all__ = [
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "entropy",
    "kl_div",
    "log_softmax",
    "logsumexp",
    "softmax",
    "softmax_cross_entropy",
]


# --8<-- [start:logsumexp]
def logsumexp(X: torch.Tensor, dim: int = -1, keepdim: bool = False) -> torch.Tensor:
    """Compute ``log(sum(exp(X), dim))`` without overflow.

    Uses ``logsumexp(x) = m + log(sum(exp(x - m)))`` with ``m = max(x)``: the largest
    exponent becomes ``exp(0) = 1``, so nothing overflows and the sum is at least 1.

    Args:
        X: floating-point tensor of any shape.
        dim: the dimension to reduce.
        keepdim: keep the reduced dimension with size 1.

    Returns:
        ``X`` with ``dim`` reduced (kept with size 1 if ``keepdim``).

    Example:
        >>> import torch
        >>> from dlnotes.linear.softmax import logsumexp
        >>> logsumexp(torch.tensor([1000.0, 1000.0]))  # naive: log(inf) = inf
        tensor(1000.6932)
    """
    check_tensor(X, "X", floating=True)
    _check_dim(X, dim)
    m = X.amax(dim=dim, keepdim=True).detach()  # (…, 1, …) the shift; a constant
    m = torch.where(torch.isfinite(m), m, torch.zeros_like(m))  # all -inf row: shift by 0
    out = m + torch.log(torch.exp(X - m).sum(dim=dim, keepdim=True))
    return out if keepdim else out.squeeze(dim)
    # --8<-- [end:logsumexp]


# --8<-- [start:softmax]
def softmax(X: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """Softmax along ``dim``: ``exp(x_j) / sum_k exp(x_k)``, computed stably.

    Softmax does not change when a constant is added to every entry, so we subtract the
    maximum first: every exponent is then ``<= 0`` and ``exp`` cannot overflow. Unlike
    D2L's ``softmax`` this works on any dimension and never modifies ``X``.

    Args:
        X: floating-point tensor of logits, e.g. shape ``(n, q)``.
        dim: the dimension that sums to 1.

    Returns:
        Probabilities with the shape of ``X``.

    Example:
        >>> import torch
        >>> from dlnotes.linear.softmax import softmax
        >>> softmax(torch.tensor([[1000.0, 1001.0]]))
        tensor([[0.2689, 0.7311]])
    """
    check_tensor(X, "X", floating=True)
    _check_dim(X, dim)
    X_exp = torch.exp(X - X.amax(dim=dim, keepdim=True).detach())  # entries in [0, 1]
    return X_exp / X_exp.sum(dim=dim, keepdim=True)  # (shape of X), sums to 1 on dim
    # --8<-- [end:softmax]


# --8<-- [start:log_softmax]
def log_softmax(X: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """Log of the softmax along ``dim``: ``x_j - logsumexp(x)``, never ``log(0)``.

    Example:
        >>> import torch
        >>> from dlnotes.linear.softmax import log_softmax
        >>> log_softmax(torch.tensor([0.0, 200.0]))  # log(softmax(.)) would give -inf
        tensor([-200.,    0.])
    """
    check_tensor(X, "X", floating=True)
    _check_dim(X, dim)
    return X - logsumexp(X, dim=dim, keepdim=True)
    # --8<-- [end:log_softmax]


# --8<-- [start:cross_entropy]
def cross_entropy(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Per-example cross-entropy from PROBABILITIES, as in D2L: ``-log y_hat[i, y_i]``.

    ``y_hat`` must already be probabilities (softmax outputs). For logits use
    :func:`softmax_cross_entropy`, which is numerically stable.

    Args:
        y_hat: predicted probabilities, shape ``(n, q)``.
        y: true class indices, integer tensor of shape ``(n,)`` with values in ``[0, q-1]``.

    Returns:
        Losses of shape ``(n,)``.

    Example:
        >>> import torch
        >>> from dlnotes.linear.softmax import cross_entropy
        >>> y_hat = torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
        >>> cross_entropy(y_hat, torch.tensor([0, 2]))
        tensor([2.3026, 0.6931])
    """
    check_tensor(y_hat, "y_hat", ndim=2, floating=True)
    _check_class_indices(y, y_hat, "y_hat")
    picked = y_hat.gather(1, y.unsqueeze(1)).squeeze(1)  # (n,) = y_hat[i, y_i]
    return -torch.log(picked)
    # --8<-- [end:cross_entropy]


# --8<-- [start:softmax_cross_entropy]
def softmax_cross_entropy(
    logits: torch.Tensor,
    y: torch.Tensor,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> torch.Tensor:
    """Cross-entropy from LOGITS, computed stably; same results as ``F.cross_entropy``.

    With class indices the loss of example ``i`` is ``-log_softmax(o_i)[y_i]``. With
    probability targets ``p_i`` it is ``-sum_j p_ij log_softmax(o_i)_j``. Label smoothing
    ``eps`` mixes the target with the uniform distribution: ``(1 - eps) p + eps / q``.

    Args:
        logits: unnormalised scores ``o``, shape ``(n, q)``.
        y: class indices (integer, shape ``(n,)``) or target probabilities (float,
            shape ``(n, q)``).
        reduction: ``"none"`` (shape ``(n,)``), ``"mean"`` or ``"sum"``.
        label_smoothing: ``eps`` in ``[0, 1]``.

    Returns:
        The loss, per example or reduced.

    Example:
        >>> import torch
        >>> from dlnotes.linear.softmax import softmax_cross_entropy
        >>> logits = torch.tensor([[100.0, 0.0], [0.0, 0.0]])
        >>> softmax_cross_entropy(logits, torch.tensor([1, 0]), reduction="none")
        tensor([100.0000,   0.6931])
    """
    check_tensor(logits, "logits", ndim=2, floating=True)
    _check_reduction(reduction)
    if isinstance(label_smoothing, bool) or not isinstance(label_smoothing, (int, float)):
        raise TypeError(f"label_smoothing must be a number, got {type(label_smoothing).__name__}")
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"label_smoothing must be in [0, 1], got {label_smoothing}")
    q = logits.shape[1]
    if not isinstance(y, torch.Tensor):
        raise TypeError(f"y must be a torch.Tensor, got {type(y).__name__}")
    if y.is_floating_point():  # probability targets
        if y.dim() == 1:
            raise TypeError(
                f"class indices y must have an integer dtype (e.g. torch.long), got {y.dtype}; "
                "float targets must be probabilities of shape (n, q)"
            )
        if y.shape != logits.shape:
            raise ValueError(
                "probability targets y must have the shape of logits, "
                f"got logits {tuple(logits.shape)} and y {tuple(y.shape)}"
            )
        p = y.to(logits.dtype)  # (n, q)
    else:  # class indices
        _check_class_indices(y, logits, "logits")
        log_p = log_softmax(logits, dim=1)  # (n, q)
        losses = -log_p.gather(1, y.unsqueeze(1)).squeeze(1)  # (n,) = -log p_hat[i, y_i]
        if label_smoothing > 0:  # target (1 - eps) * one_hot + eps / q, written out
            losses = (1 - label_smoothing) * losses - label_smoothing * log_p.mean(dim=1)
        return _reduce(losses, reduction)
    if label_smoothing > 0:
        p = (1 - label_smoothing) * p + label_smoothing / q
    losses = -(p * log_softmax(logits, dim=1)).sum(dim=1)  # (n,)
    return _reduce(losses, reduction)
    # --8<-- [end:softmax_cross_entropy]


# --8<-- [start:entropy]
def entropy(p: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """Shannon entropy ``H(p) = -sum_j p_j log p_j`` in nats, with ``0 log 0 = 0``.

    Args:
        p: probabilities (non-negative, summing to 1 along ``dim``).
        dim: the dimension holding the distribution.

    Returns:
        ``p`` with ``dim`` reduced.

    Example:
        >>> import torch
        >>> from dlnotes.linear.softmax import entropy
        >>> entropy(torch.tensor([[0.25, 0.25, 0.25, 0.25], [0.5, 0.5, 0.0, 0.0]]))
        tensor([1.3863, 0.6931])
    """
    check_tensor(p, "p", floating=True)
    _check_dim(p, dim, "p")
    return -torch.special.xlogy(p, p).sum(dim=dim)  # xlogy(0, 0) = 0
    # --8<-- [end:entropy]


# --8<-- [start:kl_div]
def kl_div(
    input: torch.Tensor,
    target: torch.Tensor,
    reduction: str = "mean",
    log_target: bool = False,
) -> torch.Tensor:
    """KL divergence with exactly the conventions of ``F.kl_div``.

    ``input`` holds LOG-probabilities ``log q`` (e.g. from :func:`log_softmax`); ``target``
    holds probabilities ``p`` (or ``log p`` if ``log_target``). Pointwise the loss is
    ``p * (log p - log q)`` with ``0 log 0 = 0``, so the ``"batchmean"`` reduction
    (sum divided by the batch size) gives ``KL(p || q)`` averaged over examples.
    ``"mean"`` divides by the number of ELEMENTS, which is what PyTorch does too, but is
    rarely what you want.

    Args:
        input: log-probabilities ``log q``, any shape.
        target: ``p`` (or ``log p``), same shape as ``input``.
        reduction: ``"none"``, ``"sum"``, ``"mean"`` or ``"batchmean"``.
        log_target: whether ``target`` is given in log space.

    Returns:
        Pointwise losses (``"none"``) or a scalar.

    Example:
        >>> import torch
        >>> from dlnotes.linear.softmax import kl_div
        >>> p = torch.tensor([[0.5, 0.5]])
        >>> q = torch.tensor([[0.9, 0.1]])
        >>> kl_div(q.log(), p, reduction="batchmean")  # KL(p || q)
        tensor(0.5108)
    """
    check_tensor(input, "input", floating=True)
    check_tensor(target, "target", floating=True)
    _check_reduction(reduction, ("none", "sum", "mean", "batchmean"))
    if input.shape != target.shape:
        raise ValueError(
            f"input and target must have the same shape, "
            f"got input {tuple(input.shape)} and target {tuple(target.shape)}"
        )
    if log_target:
        pointwise = torch.exp(target) * (target - input)
    else:
        pointwise = torch.special.xlogy(target, target) - target * input  # p log p - p log q
    if reduction == "batchmean":
        return pointwise.sum() / (input.shape[0] if input.dim() > 0 else 1)
    return _reduce(pointwise, reduction)
    # --8<-- [end:kl_div]


# --8<-- [start:bce_with_logits]
def binary_cross_entropy_with_logits(
    logits: torch.Tensor,
    y: torch.Tensor,
    reduction: str = "mean",
    pos_weight: torch.Tensor | None = None,
) -> torch.Tensor:
    """Binary cross-entropy from logits, stable for every logit; same results as PyTorch.

    With ``sigma`` the sigmoid, the loss is ``-[w y log sigma(x) + (1 - y) log(1 - sigma(x))]``
    where ``w = pos_weight`` (1 by default). We never form ``sigma(x)``: we use
    ``log sigma(x) = -log(1 + exp(-x)) = -logsumexp([0, -x])`` and
    ``log(1 - sigma(x)) = log sigma(x) - x``; :func:`logsumexp` never overflows.

    Args:
        logits: scores ``x``, any shape.
        y: targets in ``[0, 1]``, float, same shape as ``logits``.
        reduction: ``"none"``, ``"mean"`` or ``"sum"``.
        pos_weight: optional weight of the positive term, broadcast against ``logits``
            (typically shape ``(q,)``, one per class).

    Returns:
        Pointwise losses (``"none"``) or a scalar.

    Example:
        >>> import torch
        >>> from dlnotes.linear.softmax import binary_cross_entropy_with_logits
        >>> x = torch.tensor([100.0, -100.0, 0.0])
        >>> binary_cross_entropy_with_logits(x, torch.tensor([0.0, 0.0, 1.0]), reduction="none")
        tensor([100.0000,   0.0000,   0.6931])
    """
    check_tensor(logits, "logits", floating=True)
    check_tensor(y, "y", floating=True)
    _check_reduction(reduction)
    if logits.shape != y.shape:
        raise ValueError(
            f"logits and y must have the same shape, "
            f"got logits {tuple(logits.shape)} and y {tuple(y.shape)}"
        )
    # -log sigma(x) = log(1 + exp(-x)) = logsumexp([0, -x]): stable, and smooth at x = 0
    softplus_neg = logsumexp(torch.stack([torch.zeros_like(logits), -logits]), dim=0)
    if pos_weight is None:
        losses = (1 - y) * logits + softplus_neg
    else:
        check_tensor(pos_weight, "pos_weight", floating=True)
        try:
            torch.broadcast_shapes(pos_weight.shape, logits.shape)
        except RuntimeError:
            raise ValueError(
                f"pos_weight must broadcast against logits, "
                f"got pos_weight {tuple(pos_weight.shape)} and logits {tuple(logits.shape)}"
            ) from None
        losses = (1 - y) * logits + (1 + (pos_weight - 1) * y) * softplus_neg
    return _reduce(losses, reduction)
    # --8<-- [end:bce_with_logits]
