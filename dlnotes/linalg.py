"""Products and norms from their definitions: dot, matrix-vector, matrix-matrix, norms.

These are the textbook formulas written as plain loops and sums, for small tensors and
for reading. Each one matches a PyTorch built-in (``torch.dot``, ``torch.mv``,
``torch.mm``, ``torch.linalg.vector_norm``, ``torch.linalg.matrix_norm``) in value and
in gradient; use the built-ins for real work, they are orders of magnitude faster.
"""

from __future__ import annotations

# --8<-- [start:checks]
import torch

from dlnotes._checks import check_tensor


def _check_same_dtype(a: torch.Tensor, b: torch.Tensor, names: tuple[str, str]) -> None:
    # torch.dot / mv / mm refuse mixed dtypes too; say so before any arithmetic happens
    if a.dtype != b.dtype:
        raise TypeError(
            f"{names[0]} and {names[1]} must have the same dtype, got {a.dtype} and {b.dtype}"
        )


# --8<-- [end:checks]

__all__ = ["dot", "matmul", "matvec", "norm"]


# --8<-- [start:dot]
def dot(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Dot product of two vectors: the sum of their element-wise products.

    Args:
        x: vector of shape ``(n,)``.
        y: vector of shape ``(n,)``, same dtype as ``x``.

    Returns:
        A 0-dimensional tensor ``sum_i x[i] * y[i]`` (0 for empty vectors).

    Raises:
        ValueError: if ``x`` or ``y`` is not 1-D, or their lengths differ.
        TypeError: if they are not tensors or their dtypes differ.

    Example:
        >>> import torch
        >>> from dlnotes.linalg import dot
        >>> dot(torch.tensor([1.0, 2.0, 3.0]), torch.tensor([4.0, 5.0, 6.0]))
        tensor(32.)
        >>> dot(torch.ones(3), torch.ones(4))
        Traceback (most recent call last):
        ...
        ValueError: dot needs vectors of the same length, got shapes x (3,) and y (4,)
    """
    check_tensor(x, "x", ndim=1)
    check_tensor(y, "y", ndim=1)
    if x.shape != y.shape:
        raise ValueError(
            "dot needs vectors of the same length, "
            f"got shapes x {tuple(x.shape)} and y {tuple(y.shape)}"
        )
    _check_same_dtype(x, y, ("x", "y"))
    total = x.new_zeros(())  # ()
    for i in range(x.shape[0]):
        total = total + x[i] * y[i]  # no +=: keep every step in the autograd graph
    return total


# --8<-- [end:dot]


# --8<-- [start:matvec]
def matvec(A: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Matrix-vector product: entry ``i`` is the dot product of row ``i`` of ``A`` with ``x``.

    Args:
        A: matrix of shape ``(m, n)``.
        x: vector of shape ``(n,)``, same dtype as ``A``.

    Returns:
        Vector of shape ``(m,)``.

    Raises:
        ValueError: if the ranks are wrong or ``A``'s column count differs from ``len(x)``.
        TypeError: if they are not tensors or their dtypes differ.

    Example:
        >>> import torch
        >>> from dlnotes.linalg import matvec
        >>> A = torch.arange(6.0).reshape(2, 3)
        >>> matvec(A, torch.ones(3))
        tensor([ 3., 12.])
        >>> matvec(A, torch.ones(2))
        Traceback (most recent call last):
        ...
        ValueError: matvec needs A.shape[1] == len(x), got shapes A (2, 3) and x (2,)
    """
    check_tensor(A, "A", ndim=2)
    check_tensor(x, "x", ndim=1)
    if A.shape[1] != x.shape[0]:
        raise ValueError(
            "matvec needs A.shape[1] == len(x), "
            f"got shapes A {tuple(A.shape)} and x {tuple(x.shape)}"
        )
    _check_same_dtype(A, x, ("A", "x"))
    m = A.shape[0]
    if m == 0:
        return A.new_zeros(0)  # (0,)
    return torch.stack([dot(A[i], x) for i in range(m)])  # (m,)


# --8<-- [end:matvec]


# --8<-- [start:matmul]
def matmul(A: torch.Tensor, B: torch.Tensor) -> torch.Tensor:
    """Matrix-matrix product: column ``j`` of ``A @ B`` is ``A`` times column ``j`` of ``B``.

    So entry ``(i, j)`` is the dot product of row ``i`` of ``A`` and column ``j`` of ``B``.

    Args:
        A: matrix of shape ``(m, n)``.
        B: matrix of shape ``(n, p)``, same dtype as ``A``.

    Returns:
        Matrix of shape ``(m, p)``.

    Raises:
        ValueError: if the ranks are wrong or the inner sizes differ.
        TypeError: if they are not tensors or their dtypes differ.

    Example:
        >>> import torch
        >>> from dlnotes.linalg import matmul
        >>> A = torch.arange(6.0).reshape(2, 3)
        >>> matmul(A, torch.ones(3, 4)).shape
        torch.Size([2, 4])
        >>> matmul(A, A)
        Traceback (most recent call last):
        ...
        ValueError: matmul needs A.shape[1] == B.shape[0], got shapes A (2, 3) and B (2, 3)
    """
    check_tensor(A, "A", ndim=2)
    check_tensor(B, "B", ndim=2)
    if A.shape[1] != B.shape[0]:
        raise ValueError(
            "matmul needs A.shape[1] == B.shape[0], "
            f"got shapes A {tuple(A.shape)} and B {tuple(B.shape)}"
        )
    _check_same_dtype(A, B, ("A", "B"))
    m, p = A.shape[0], B.shape[1]
    if m == 0 or p == 0:
        return A.new_zeros(m, p)  # (m, p) with nothing in it
    columns = [matvec(A, B[:, j]) for j in range(p)]  # p vectors of shape (m,)
    return torch.stack(columns, dim=1)  # (m, p)


# --8<-- [end:matmul]


# --8<-- [start:norm]
def norm(x: torch.Tensor, p: int | str = 2) -> torch.Tensor:
    """L1 or L2 norm of a vector, or Frobenius norm of a matrix.

    * ``p=1``: ``sum_i |x_i|`` (vector).
    * ``p=2``: ``sqrt(sum_i x_i^2)`` (vector).
    * ``p="fro"``: ``sqrt(sum_ij x_ij^2)`` (matrix).

    The square root of a sum of squares is computed as ``s * sqrt(sum((x / s)^2))`` with
    ``s = max |x_i|``, so that squaring neither overflows (``1e20**2`` is ``inf`` in
    float32) nor underflows. An all-zero input has norm 0 and, like PyTorch's norms,
    gradient 0 (the naive ``sqrt`` would give ``nan``).

    Args:
        x: floating-point vector ``(n,)`` for ``p`` in ``{1, 2}``, matrix ``(m, n)`` for
            ``"fro"``.
        p: ``1``, ``2`` or ``"fro"``.

    Returns:
        A 0-dimensional tensor.

    Raises:
        ValueError: for another ``p`` or an input of the wrong rank for ``p``.
        TypeError: if ``x`` is not a floating-point tensor.

    Example:
        >>> import torch
        >>> from dlnotes.linalg import norm
        >>> u = torch.tensor([3.0, -4.0])
        >>> norm(u, 1), norm(u, 2)
        (tensor(7.), tensor(5.))
        >>> norm(torch.ones(4, 9), "fro")
        tensor(6.)
        >>> norm(torch.ones(4, 9), 2)
        Traceback (most recent call last):
        ...
        ValueError: x must have 1 dimensions, got shape (4, 9)
    """
    if p not in (1, 2, "fro") or isinstance(p, bool):
        raise ValueError(f"p must be 1, 2 or 'fro', got {p!r}")
    check_tensor(x, "x", ndim=2 if p == "fro" else 1, floating=True)
    if p == 1:
        return x.abs().sum()
    scale = x.abs().amax() if x.numel() > 0 else x.new_zeros(())  # s = max |x_i|
    if scale == 0:  # all zeros (or empty): norm 0, gradient 0
        return x.abs().sum()
    return scale * torch.sqrt(((x / scale) ** 2).sum())


# --8<-- [end:norm]
