"""Checks to run on your own model before training it for real (T48, T49, T50).

* ``check_initial_loss``: at initialization a classifier should be unsure, so its
  cross-entropy on ``C`` balanced classes should be close to ``-log(1/C) = log C``. A
  much larger value means overconfident wrong predictions at the start (bad
  initialization or a wrong final-layer scale), which wastes the first part of training.
* ``init_classifier_bias``: sets the final layer's bias to the log class priors, so the
  initial prediction already matches the class frequencies (useful for imbalanced data).
* ``overfit_one_batch``: a correct model and loop can drive the loss on ONE small batch
  close to zero; if they cannot, there is a bug before there is a tuning problem.
* ``check_batch_independence``: the output for example ``i`` must not depend on example
  ``j`` of the same batch. The gradient of output ``i`` with respect to every other
  input must therefore be exactly zero; a reshape that mixes the batch dimension, or
  BatchNorm in training mode, breaks it.
"""

from __future__ import annotations

# --8<-- [start:imports]
import copy
import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F

from dlnotes._checks import check_positive, check_tensor

# --8<-- [end:imports]

__all__ = [
    "InitLossReport",
    "LeakReport",
    "OverfitReport",
    "check_batch_independence",
    "check_initial_loss",
    "init_classifier_bias",
    "overfit_one_batch",
]

Loss = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


# --8<-- [start:initial_loss]
@dataclass
class InitLossReport:
    loss: float  # measured mean loss at initialization
    expected: float  # log C
    ok: bool  # within rtol of the expectation

    def __str__(self) -> str:
        if self.ok:
            verdict = "ok"
        elif self.loss > self.expected:  # confidently wrong from the start
            verdict = "far from the expected value: check the init and the input scale"
        else:  # better than chance before training: suspicious
            verdict = "far from the expected value: a trained model, or labels leak into x?"
        return f"initial loss {self.loss:.3f}, expected log C = {self.expected:.3f} ({verdict})"


@torch.no_grad()
def check_initial_loss(
    model: nn.Module,
    x: torch.Tensor,
    y: torch.Tensor,
    num_classes: int | None = None,
    loss_fn: Loss = F.cross_entropy,
    rtol: float = 0.2,
) -> InitLossReport:
    """Compare the loss of an untrained classifier with ``log C`` (T48).

    Args:
        model: the untrained classifier; evaluated in eval mode, then its mode restored.
        x, y: a batch of inputs and integer labels (ideally with balanced classes).
        num_classes: ``C``; by default the number of columns of ``model(x)``.
        loss_fn: ``loss_fn(logits, y)`` -> mean loss.
        rtol: the report is ok when ``|loss - log C| <= rtol * log C``.

    Example:
        >>> import torch
        >>> from torch import nn
        >>> from dlnotes.tricks.debug import check_initial_loss
        >>> _ = torch.manual_seed(0)
        >>> x, y = torch.randn(256, 20), torch.randint(0, 10, (256,))
        >>> check_initial_loss(nn.Linear(20, 10), x, y).ok
        True
        >>> loud = nn.Linear(20, 10)
        >>> _ = loud.weight.data.mul_(30)  # a badly scaled last layer
        >>> print(check_initial_loss(loud, x, y))  # doctest: +ELLIPSIS
        initial loss ..., expected log C = 2.303 (far from the expected value: check the init...)
    """
    check_tensor(y, "y", ndim=1, integer=True)
    check_positive(rtol, "rtol")
    was_training = model.training
    model.eval()
    try:
        logits = model(x)  # (n, C)
    finally:
        model.train(was_training)
    check_tensor(logits, "model(x)", ndim=2, floating=True)
    C = num_classes if num_classes is not None else logits.shape[1]
    if C != logits.shape[1]:
        raise ValueError(f"num_classes is {C} but the model outputs {logits.shape[1]} scores")
    loss = float(loss_fn(logits, y))
    expected = math.log(C)  # -log(1/C): a uniform prediction over C classes
    return InitLossReport(loss, expected, abs(loss - expected) <= rtol * expected)


@torch.no_grad()
def init_classifier_bias(
    linear: nn.Linear, class_counts_or_priors: torch.Tensor | Sequence[float]
) -> nn.Linear:
    """Set ``linear.bias`` to the log class priors; with small weights the initial
    softmax then predicts the class frequencies. Returns ``linear``.

    Args:
        linear: the final layer, with ``C`` outputs and a bias.
        class_counts_or_priors: ``C`` positive counts or frequencies (normalized here).

    Example:
        >>> import torch
        >>> from torch import nn
        >>> from dlnotes.tricks.debug import init_classifier_bias
        >>> fc = nn.Linear(4, 2)
        >>> _ = nn.init.zeros_(fc.weight)
        >>> _ = init_classifier_bias(fc, torch.tensor([90, 10]))
        >>> torch.softmax(fc(torch.randn(1, 4)), dim=1).detach().round(decimals=2)
        tensor([[0.9000, 0.1000]])
    """
    if not isinstance(linear, nn.Linear) or linear.bias is None:
        raise TypeError("linear must be an nn.Linear with a bias")
    counts = torch.as_tensor(class_counts_or_priors, dtype=torch.float64)  # (C,)
    if counts.shape != (linear.out_features,):
        raise ValueError(
            f"class_counts_or_priors must have shape ({linear.out_features},), "
            f"got {tuple(counts.shape)}"
        )
    if not (counts > 0).all():  # NaN fails too
        raise ValueError("class_counts_or_priors must all be > 0")
    priors = counts / counts.sum()
    linear.bias.copy_(priors.log().to(linear.bias.dtype))  # softmax(log p) = p
    return linear


# --8<-- [end:initial_loss]


# --8<-- [start:overfit_one_batch]
@dataclass
class OverfitReport:
    first_loss: float
    final_loss: float
    train_accuracy: float  # on the batch, after training
    ok: bool  # reached (near) zero loss and 100% accuracy


def overfit_one_batch(
    model: nn.Module,
    x: torch.Tensor,
    y: torch.Tensor,
    loss_fn: Loss = F.cross_entropy,
    steps: int = 200,
    lr: float = 1e-2,
    optimizer: str | Callable[..., torch.optim.Optimizer] = "adam",
    target_loss: float = 0.05,
) -> OverfitReport:
    """Train a COPY of ``model`` on one batch; report whether it memorizes it (T49).

    Works on ``copy.deepcopy(model)``: the model passed in is not modified. Dropout and
    BatchNorm stay in training mode while fitting (as in real training); the final loss
    and accuracy are measured in evaluation mode.

    Args:
        model: the classifier to check (mapping ``x`` to ``(n, C)`` scores).
        x, y: ONE batch of inputs and integer labels.
        loss_fn: ``loss_fn(model(x), y)`` -> mean loss.
        steps: number of full-batch steps.
        lr: learning rate.
        optimizer: ``"adam"``, ``"sgd"`` (momentum 0.9) or a factory
            ``(params, lr) -> optimizer``.
        target_loss: the final loss must be at most this (and the accuracy 100%).

    Example:
        >>> import torch
        >>> from torch import nn
        >>> from dlnotes.tricks.debug import overfit_one_batch
        >>> _ = torch.manual_seed(0)
        >>> x, y = torch.randn(16, 8), torch.randint(0, 4, (16,))
        >>> net = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 4))
        >>> overfit_one_batch(net, x, y).ok
        True
        >>> overfit_one_batch(nn.Linear(8, 4), torch.zeros(16, 8), y).ok  # no signal
        False
    """
    check_positive(lr, "lr")
    check_positive(target_loss, "target_loss")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be an int >= 1, got {steps!r}")
    if optimizer == "adam":
        factory = torch.optim.Adam
    elif optimizer == "sgd":
        factory = functools.partial(torch.optim.SGD, momentum=0.9)
    elif callable(optimizer):
        factory = optimizer
    else:
        raise ValueError(f'optimizer must be "adam", "sgd" or a callable, got {optimizer!r}')
    net = copy.deepcopy(model).train()  # the caller's model is never trained
    opt = factory(net.parameters(), lr=lr)
    first = None
    for _ in range(steps):
        loss = loss_fn(net(x), y)
        first = float(loss.detach()) if first is None else first
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    net.eval()
    with torch.no_grad():
        out = net(x)
        final = float(loss_fn(out, y))
        acc = float((out.argmax(1) == y).float().mean()) if out.dim() == 2 else float("nan")
    return OverfitReport(first, final, acc, final <= target_loss and acc == 1.0)


# --8<-- [end:overfit_one_batch]


# --8<-- [start:batch_independence]
@dataclass
class LeakReport:
    sample: int  # the example whose output was differentiated
    leaking: list[int]  # other examples whose inputs it depends on
    ok: bool


def check_batch_independence(model: nn.Module, x: torch.Tensor, sample: int = 0) -> LeakReport:
    """Check that ``model(x)[sample]`` depends on ``x[sample]`` only (T50).

    Backpropagates the sum of the sample's outputs to the whole input batch and lists
    the other examples that received a nonzero gradient. Runs in the model's current
    mode (BatchNorm mixes examples in training mode, legitimately) on a deepcopy, so
    neither the parameters' gradients nor BatchNorm's running statistics change.

    Example:
        >>> import torch
        >>> from torch import nn
        >>> from dlnotes.tricks.debug import check_batch_independence
        >>> x = torch.randn(4, 3)
        >>> check_batch_independence(nn.Linear(3, 2), x).ok
        True
        >>> bn = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2)).train()
        >>> check_batch_independence(bn, x).leaking
        [1, 2, 3]
    """
    check_tensor(x, "x", floating=True)
    if x.dim() == 0 or len(x) < 2:
        raise ValueError(f"x needs at least 2 examples to test for leakage, got {tuple(x.shape)}")
    if not 0 <= sample < len(x):
        raise ValueError(f"sample must be in [0, {len(x) - 1}], got {sample}")
    x = x.detach().clone().requires_grad_(True)  # (n, ...)
    net = copy.deepcopy(model)  # keeps the mode; the caller's buffers stay untouched
    net.requires_grad_(False)  # only the input's gradient is wanted
    out = net(x)  # (n, ...)
    (grad,) = torch.autograd.grad(out[sample].sum(), x, allow_unused=True)
    if grad is None:
        grad = torch.zeros_like(x)
    per_example = grad.reshape(len(x), -1).abs().sum(dim=1)  # (n,)
    leaking = [j for j in range(len(x)) if j != sample and per_example[j] != 0]
    return LeakReport(sample, leaking, not leaking)


# --8<-- [end:batch_independence]
