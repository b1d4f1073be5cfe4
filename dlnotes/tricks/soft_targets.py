"""Cross-entropy with soft targets: label smoothing, mixed labels, distillation (T19, T23).

With logits ``z`` (n, C), ``log p = log_softmax(z)`` and a target distribution ``q``
over the C classes, the cross-entropy is ``-sum_c q_c log p_c``. The three losses differ
only in ``q``:

* label smoothing (Szegedy et al., 2016): ``q = (1 - eps) * onehot(y) + eps / C``;
* soft targets: ``q`` given, e.g. MixUp's blended labels;
* distillation (Hinton et al., 2015): ``q = softmax(z_teacher / T)`` against the
  student's ``log_softmax(z / T)``, scaled by ``T^2``, mixed with the hard-label loss.
"""

from __future__ import annotations

# --8<-- [start:imports]
import torch
from torch.nn import functional as F

from dlnotes._checks import check_positive, check_same_shape, check_tensor
from dlnotes.linear.softmax import _check_reduction, _reduce  # shared with chapter 2's losses

# --8<-- [end:imports]

__all__ = ["distillation_loss", "label_smoothing_cross_entropy", "soft_target_cross_entropy"]


# --8<-- [start:soft_target_cross_entropy]
def soft_target_cross_entropy(
    logits: torch.Tensor, soft_targets: torch.Tensor, reduction: str = "mean"
) -> torch.Tensor:
    """``-sum_c q_c log softmax(z)_c`` per example, for targets ``q`` (n, C) summing to 1.

    Example:
        >>> import torch
        >>> from dlnotes.tricks.soft_targets import soft_target_cross_entropy
        >>> z = torch.zeros(1, 4)  # uniform prediction over 4 classes
        >>> q = torch.tensor([[0.5, 0.5, 0.0, 0.0]])
        >>> round(soft_target_cross_entropy(z, q).item(), 4)  # log 4
        1.3863
    """
    check_tensor(logits, "logits", ndim=2, floating=True)
    check_tensor(soft_targets, "soft_targets", ndim=2, floating=True)
    check_same_shape(logits, soft_targets, ("logits", "soft_targets"))
    _check_reduction(reduction)
    loss = -(soft_targets * F.log_softmax(logits, dim=1)).sum(dim=1)  # (n,)
    return _reduce(loss, reduction)


# --8<-- [end:soft_target_cross_entropy]


# --8<-- [start:label_smoothing]
def label_smoothing_cross_entropy(
    logits: torch.Tensor, target: torch.Tensor, smoothing: float = 0.1, reduction: str = "mean"
) -> torch.Tensor:
    """Cross-entropy against ``(1 - eps) * onehot(y) + eps / C``.

    Equals ``F.cross_entropy(logits, target, label_smoothing=smoothing)``.

    Example:
        >>> import torch
        >>> from torch.nn import functional as F
        >>> from dlnotes.tricks.soft_targets import label_smoothing_cross_entropy
        >>> z, y = torch.tensor([[4.0, 0.0, 0.0]]), torch.tensor([0])
        >>> ours = label_smoothing_cross_entropy(z, y, smoothing=0.1)
        >>> torch.allclose(ours, F.cross_entropy(z, y, label_smoothing=0.1))
        True
    """
    check_tensor(logits, "logits", ndim=2, floating=True)
    check_tensor(target, "target", ndim=1, integer=True)
    if len(logits) != len(target):
        raise ValueError(
            f"logits and target disagree on the batch size: {len(logits)} vs {len(target)}"
        )
    if not 0.0 <= smoothing <= 1.0:
        raise ValueError(f"smoothing must be in [0, 1], got {smoothing}")
    C = logits.shape[1]
    q = F.one_hot(target, C).to(logits.dtype) * (1.0 - smoothing) + smoothing / C  # (n, C)
    return soft_target_cross_entropy(logits, q, reduction)


# --8<-- [end:label_smoothing]


# --8<-- [start:distillation_loss]
def distillation_loss(
    student_logits: torch.Tensor,
    teacher_logits: torch.Tensor,
    target: torch.Tensor | None = None,
    temperature: float = 4.0,
    alpha: float = 0.5,
) -> torch.Tensor:
    """Hinton et al.'s loss: ``alpha * T^2 * KL(p_T^teacher || p_T^student) + (1 - alpha) * CE``.

    The teacher's softened probabilities ``softmax(z_t / T)`` are the targets; the
    ``T^2`` factor keeps the gradient of the soft term at the same scale whatever the
    temperature (the gradient of the softened term shrinks as ``1 / T^2``). The teacher
    gets no gradient. Without ``target`` only the soft term is returned (``alpha`` is
    then ignored).

    Example:
        >>> import torch
        >>> from dlnotes.tricks.soft_targets import distillation_loss
        >>> z = torch.tensor([[2.0, 1.0, 0.0]])
        >>> distillation_loss(z, z).item()  # identical logits: KL = 0
        0.0
    """
    check_tensor(student_logits, "student_logits", ndim=2, floating=True)
    check_tensor(teacher_logits, "teacher_logits", ndim=2, floating=True)
    check_same_shape(student_logits, teacher_logits, ("student_logits", "teacher_logits"))
    check_positive(temperature, "temperature")
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"alpha must be in [0, 1], got {alpha}")
    T = temperature
    log_p_student = F.log_softmax(student_logits / T, dim=1)
    log_p_teacher = F.log_softmax(teacher_logits.detach() / T, dim=1)
    # KL(teacher || student) = sum_c p_t (log p_t - log p_s), averaged over the batch
    soft = F.kl_div(log_p_student, log_p_teacher, reduction="batchmean", log_target=True) * T**2
    if target is None:
        return soft
    check_tensor(target, "target", ndim=1, integer=True)
    if len(target) != len(student_logits):
        raise ValueError(
            f"student_logits and target disagree on the batch size: "
            f"{len(student_logits)} vs {len(target)}"
        )
    hard = F.cross_entropy(student_logits, target)
    return alpha * soft + (1.0 - alpha) * hard


# --8<-- [end:distillation_loss]
