"""Tensor mechanics from scratch: the broadcasting rule and memory overlap.

Two questions every PyTorch user meets in the first hour:

* which shape does ``A + B`` have? (:func:`broadcast_shape`, the rule behind
  ``torch.broadcast_shapes``);
* does changing ``b`` change ``a``? (:func:`shares_memory`, the question
  ``numpy.shares_memory`` answers for arrays).

Both are written out from first principles so that the rule is readable in code.
"""

from __future__ import annotations

# --8<-- [start:broadcast_shape]
import operator
from collections.abc import Sequence

import torch


def _as_shape(shape: int | Sequence[int], name: str) -> tuple[int, ...]:
    """Validate one shape: an int (a 1-D shape) or a sequence of non-negative ints."""
    dims = (shape,) if isinstance(shape, int) else shape
    if isinstance(dims, (str, bytes)) or not isinstance(dims, Sequence):
        raise TypeError(f"{name} must be an int or a sequence of ints, got {type(shape).__name__}")
    out = []
    for d in dims:
        if isinstance(d, bool) or not hasattr(d, "__index__"):
            raise TypeError(f"{name} must contain ints, got {type(d).__name__} in {shape!r}")
        if operator.index(d) < 0:
            raise ValueError(f"{name} must contain sizes >= 0, got {tuple(dims)}")
        out.append(operator.index(d))
    return tuple(out)


def broadcast_shape(*shapes: int | Sequence[int]) -> tuple[int, ...]:
    """Return the shape that tensors of the given shapes broadcast to.

    The rule: align the shapes on the right (missing leading dimensions count as 1);
    in every position all sizes must be equal, except sizes of 1, which stretch to
    match. This is what ``torch.broadcast_shapes`` (and NumPy) compute.

    Args:
        *shapes: any number of shapes: tuples, lists, ``torch.Size`` or a single int
            (a 1-D shape, as in ``torch.broadcast_shapes``).

    Returns:
        The broadcast shape as a tuple of ints (``()`` when no shapes are given).

    Raises:
        TypeError: a shape is not an int or a sequence of ints.
        ValueError: a size is negative, or two sizes in the same position differ and
            neither is 1; the message names the position and the sizes.

    Example:
        >>> from dlnotes.tensors import broadcast_shape
        >>> broadcast_shape((3, 1), (1, 4))
        (3, 4)
        >>> broadcast_shape((2, 1, 5), (4, 1), 5)
        (2, 4, 5)
        >>> broadcast_shape((2, 3), (4,))
        Traceback (most recent call last):
        ...
        ValueError: cannot broadcast (2, 3) with (4,): dimension -1 has sizes 3 and 4 ...
    """
    dims = [_as_shape(s, f"shapes[{i}]") for i, s in enumerate(shapes)]
    ndim = max((len(s) for s in dims), default=0)
    result = []
    for axis in range(-1, -ndim - 1, -1):  # right to left: -1, -2, ...
        size, owner = 1, None  # the size so far and the shape that set it
        for s in dims:
            if len(s) < -axis or s[axis] == 1:  # missing or 1: stretches to anything
                continue
            if owner is None:
                size, owner = s[axis], s
            elif s[axis] != size:
                raise ValueError(
                    f"cannot broadcast {owner} with {s}: dimension {axis} has sizes "
                    f"{size} and {s[axis]} (they must be equal, or one of them 1)"
                )
        result.append(size)
    return tuple(reversed(result))


# --8<-- [end:broadcast_shape]


# --8<-- [start:shares_memory]
def _byte_addresses(t: torch.Tensor, base: int) -> torch.Tensor:
    """Every byte address that ``t`` reads, relative to ``base``, as a 1-D int64 tensor."""
    offsets = torch.zeros((), dtype=torch.int64)  # element offsets from t.data_ptr()
    for size, stride in zip(t.shape, t.stride(), strict=True):
        offsets = offsets.unsqueeze(-1) + torch.arange(size) * stride  # (..., size)
    first_bytes = (t.data_ptr() - base) + offsets.reshape(-1) * t.element_size()  # (numel,)
    return (first_bytes[:, None] + torch.arange(t.element_size())).reshape(-1)


def shares_memory(a: torch.Tensor, b: torch.Tensor) -> bool:
    """Return True if some byte of memory is read by both ``a`` and ``b``.

    Two tensors alias each other when writing through one can change the other. This
    does not need the same ``data_ptr()`` (a row of a matrix starts further in) nor even
    the same storage object (``torch.from_numpy`` of two overlapping NumPy slices gives
    two storages over the same bytes). So we compare the actual byte addresses:

    1. different devices never overlap;
    2. cheap test: if the address ranges ``[first byte, last byte]`` are disjoint, no;
    3. exact test: enumerate the bytes each tensor touches and intersect the sets
       (memory O(numel * element_size): fine for teaching, use it on small tensors).

    This is the exact answer that ``numpy.shares_memory`` gives, not the bounds-only
    guess of ``numpy.may_share_memory``.

    Args:
        a: a tensor.
        b: another tensor (any shape, dtype or strides).

    Returns:
        Whether the two tensors have at least one byte of memory in common.

    Raises:
        TypeError: ``a`` or ``b`` is not a tensor.

    Example:
        >>> import torch
        >>> from dlnotes.tensors import shares_memory
        >>> X = torch.arange(12).reshape(3, 4)
        >>> shares_memory(X, X[1])  # a row is a view into X
        True
        >>> shares_memory(X[:, ::2], X[:, 1::2])  # interleaved columns: no common byte
        False
        >>> shares_memory(X, X.clone())
        False
    """
    for name, t in (("a", a), ("b", b)):
        if not isinstance(t, torch.Tensor):
            raise TypeError(f"{name} must be a torch.Tensor, got {type(t).__name__}")
    if a.device != b.device or a.numel() == 0 or b.numel() == 0:
        return False

    def extent(t: torch.Tensor) -> tuple[int, int]:  # first and last byte (inclusive)
        last = sum((n - 1) * s for n, s in zip(t.shape, t.stride(), strict=True))
        return t.data_ptr(), t.data_ptr() + (last + 1) * t.element_size() - 1

    (a_lo, a_hi), (b_lo, b_hi) = extent(a), extent(b)
    if a_hi < b_lo or b_hi < a_lo:  # disjoint ranges: certainly no overlap
        return False
    base = min(a_lo, b_lo)  # keep the numbers small
    return bool(torch.isin(_byte_addresses(a, base), _byte_addresses(b, base)).any())


# --8<-- [end:shares_memory]
