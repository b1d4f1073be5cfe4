"""MixUp and CutMix: train on blends of two examples with blended labels (T03).

Both pair example ``i`` of a batch with example ``i - 1`` (the batch rolled by one, as
torchvision does; the loader's shuffling makes the pairs random) and draw a mixing
weight ``lam ~ Beta(alpha, alpha)``:

* MixUp blends whole images: ``x = lam * x_i + (1 - lam) * x_{i-1}``;
* CutMix pastes a box of ``x_{i-1}`` into ``x_i``; the box covers a fraction
  ``1 - lam`` of the image (clipped at the border), and ``lam`` is then recomputed from
  the box actually pasted.

The labels are mixed with the same weight: ``y = lam * onehot(y_i) + (1 - lam) *
onehot(y_{i-1})``, so the loss must accept probability targets
(``F.cross_entropy`` does, or ``soft_target_cross_entropy``). With the same global
random state, the results equal ``torchvision.transforms.v2.MixUp`` / ``CutMix``
exactly (the random numbers are drawn in the same order). Pass a ``torch.Generator``
instead to draw from it and leave the global random state alone.
"""

from __future__ import annotations

# --8<-- [start:imports]
import math

import torch
from torch.nn import functional as F

from dlnotes._checks import check_positive, check_tensor

# --8<-- [end:imports]

__all__ = ["MixUpCutMix", "cutmix", "mix_labels", "mixup"]


# --8<-- [start:checks]
def _check_batch(x: torch.Tensor, y: torch.Tensor, num_classes: int, min_dim: int) -> None:
    check_tensor(x, "x", floating=True)
    check_tensor(y, "y", ndim=1, integer=True)
    if x.dim() < min_dim:
        raise ValueError(f"x must have at least {min_dim} dimensions, got shape {tuple(x.shape)}")
    if len(x) != len(y):
        raise ValueError(f"x and y must have the same batch size, got {len(x)} and {len(y)}")
    if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 2:
        raise ValueError(f"num_classes must be an int >= 2, got {num_classes!r}")
    if len(y) and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError(f"labels must be in [0, {num_classes - 1}], got {y.min()}..{y.max()}")


def _sample_lam(alpha: float, lam: float | None, generator: torch.Generator | None) -> float:
    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator, got {type(generator).__name__}")
    if lam is not None:
        if isinstance(lam, bool) or not isinstance(lam, (int, float)) or not 0.0 <= lam <= 1.0:
            raise ValueError(f"lam must be a number in [0, 1], got {lam!r}")
        return float(lam)
    check_positive(alpha, "alpha")
    if generator is None:  # the global RNG, drawn exactly as torchvision draws it
        return float(torch.distributions.Beta(alpha, alpha).sample(()))
    # Beta(a, a) is the first coordinate of Dirichlet(a, a); this sampler takes a generator
    return float(torch._sample_dirichlet(torch.tensor([alpha, alpha]), generator=generator)[0])


# --8<-- [end:checks]


# --8<-- [start:mix_labels]
def mix_labels(y: torch.Tensor, num_classes: int, lam: float) -> torch.Tensor:
    """``lam * onehot(y) + (1 - lam) * onehot(y rolled by one)``: soft targets (n, C)."""
    one_hot = F.one_hot(y, num_classes).float()  # (n, C)
    return lam * one_hot + (1.0 - lam) * one_hot.roll(1, dims=0)


# --8<-- [end:mix_labels]


# --8<-- [start:mixup]
def mixup(
    x: torch.Tensor,
    y: torch.Tensor,
    num_classes: int,
    alpha: float = 0.2,
    *,
    lam: float | None = None,
    generator: torch.Generator | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Blend each example with its neighbour in the batch (Zhang et al., 2018).

    Args:
        x: a batch of inputs ``(n, ...)`` (images ``(n, C, H, W)`` or feature vectors).
        y: class indices ``(n,)``.
        num_classes: ``C``, the width of the returned soft targets.
        alpha: ``lam ~ Beta(alpha, alpha)``; small alphas keep most blends close to one
            of the two examples.
        lam: use this mixing weight instead of drawing one.
        generator: draw ``lam`` from this generator instead of the global one.

    Returns:
        ``(x_mixed, y_soft)`` with shapes ``x.shape`` and ``(n, C)``; inputs unchanged.

    Example:
        >>> import torch
        >>> from dlnotes.tricks.mixing import mixup
        >>> x = torch.tensor([[0.0], [10.0]]); y = torch.tensor([0, 1])
        >>> xm, ym = mixup(x, y, num_classes=2, lam=0.75)
        >>> xm.flatten().tolist(), ym.tolist()
        ([2.5, 7.5], [[0.75, 0.25], [0.25, 0.75]])
    """
    _check_batch(x, y, num_classes, min_dim=1)
    lam = _sample_lam(alpha, lam, generator)
    x_mixed = lam * x + (1.0 - lam) * x.roll(1, dims=0)
    return x_mixed, mix_labels(y, num_classes, lam)


# --8<-- [end:mixup]


# --8<-- [start:cutmix]
def cutmix(
    x: torch.Tensor,
    y: torch.Tensor,
    num_classes: int,
    alpha: float = 1.0,
    *,
    lam: float | None = None,
    generator: torch.Generator | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Paste a box of each example's neighbour into it (Yun et al., 2019).

    The box has side ``sqrt(1 - lam)`` times the image's, a uniformly drawn centre, and
    is clipped at the border; the label weight is the fraction of the image NOT covered
    by the box actually pasted.

    Args:
        x: images ``(n, C, H, W)`` (or any ``(n, ..., H, W)``).
        y: class indices ``(n,)``.
        num_classes: width of the soft targets.
        alpha: ``lam ~ Beta(alpha, alpha)``.
        lam: use this weight (before the border adjustment) instead of drawing one.
        generator: draw ``lam`` and the box centre from this generator instead of the
            global one.

    Returns:
        ``(x_mixed, y_soft)`` with shapes ``x.shape`` and ``(n, C)``; inputs unchanged.

    Example:
        >>> import torch
        >>> from dlnotes.tricks.mixing import cutmix
        >>> x = torch.stack([torch.zeros(1, 4, 4), torch.ones(1, 4, 4)])
        >>> _ = torch.manual_seed(0)
        >>> xm, ym = cutmix(x, torch.tensor([0, 1]), num_classes=2, lam=0.75)
        >>> xm[0, 0].mean().item() == ym[0, 1].item()  # pasted area = label weight
        True
    """
    _check_batch(x, y, num_classes, min_dim=3)
    lam = _sample_lam(alpha, lam, generator)
    H, W = x.shape[-2:]
    cx = int(torch.randint(W, size=(1,), generator=generator))  # box centre, uniform
    cy = int(torch.randint(H, size=(1,), generator=generator))
    half = 0.5 * math.sqrt(1.0 - lam)  # half side, as a fraction of the image side
    hw, hh = int(half * W), int(half * H)
    x1, x2 = max(cx - hw, 0), min(cx + hw, W)  # clipped at the border
    y1, y2 = max(cy - hh, 0), min(cy + hh, H)
    x_mixed = x.clone()
    x_mixed[..., y1:y2, x1:x2] = x.roll(1, dims=0)[..., y1:y2, x1:x2]
    lam_box = 1.0 - (x2 - x1) * (y2 - y1) / (W * H)  # the share of x_i that is left
    return x_mixed, mix_labels(y, num_classes, lam_box)


# --8<-- [end:cutmix]


class MixUpCutMix:
    """Apply MixUp or CutMix to a batch, choosing CutMix with probability ``p_cutmix``.

    Use it as ``Trainer(..., batch_transform=MixUpCutMix(10))``. With a ``generator``
    every choice and draw comes from it, so a seeded generator repeats the same
    sequence of batches without touching the global random state.

    Example:
        >>> import torch
        >>> from dlnotes.tricks.mixing import MixUpCutMix
        >>> t = MixUpCutMix(3, generator=torch.Generator().manual_seed(0))
        >>> xm, ym = t(torch.rand(4, 1, 5, 5), torch.tensor([0, 1, 2, 0]))
        >>> xm.shape, ym.shape
        (torch.Size([4, 1, 5, 5]), torch.Size([4, 3]))
    """

    def __init__(
        self,
        num_classes: int,
        mixup_alpha: float = 0.2,
        cutmix_alpha: float = 1.0,
        p_cutmix: float = 0.5,
        generator: torch.Generator | None = None,
    ) -> None:
        if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 2:
            raise ValueError(f"num_classes must be an int >= 2, got {num_classes!r}")
        check_positive(mixup_alpha, "mixup_alpha")
        check_positive(cutmix_alpha, "cutmix_alpha")
        if isinstance(p_cutmix, bool) or not isinstance(p_cutmix, (int, float)):
            raise TypeError(f"p_cutmix must be a number, got {type(p_cutmix).__name__}")
        if not 0.0 <= p_cutmix <= 1.0:
            raise ValueError(f"p_cutmix must be in [0, 1], got {p_cutmix}")
        if generator is not None and not isinstance(generator, torch.Generator):
            raise TypeError(f"generator must be a torch.Generator, got {type(generator).__name__}")
        self.num_classes, self.p_cutmix, self.generator = num_classes, p_cutmix, generator
        self.mixup_alpha, self.cutmix_alpha = mixup_alpha, cutmix_alpha

    def __call__(self, x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        g = self.generator
        if float(torch.rand((), generator=g)) < self.p_cutmix:
            return cutmix(x, y, self.num_classes, self.cutmix_alpha, generator=g)
        return mixup(x, y, self.num_classes, self.mixup_alpha, generator=g)

    def __repr__(self) -> str:
        return (
            f"MixUpCutMix(num_classes={self.num_classes}, mixup_alpha={self.mixup_alpha}, "
            f"cutmix_alpha={self.cutmix_alpha}, p_cutmix={self.p_cutmix})"
        )
