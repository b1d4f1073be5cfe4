"""dlnotes.linalg against torch.dot / mv / mm / linalg.vector_norm / linalg.matrix_norm."""

from __future__ import annotations

import pytest
import torch
from builtin_check import assert_same_as_builtin

from dlnotes.linalg import dot, matmul, matvec, norm

DTYPES = [torch.float32, torch.float64]


# ----------------------------------------------------------------------------- products
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", [1, 3, 7])
def test_dot_matches_torch(dtype: torch.dtype, n: int) -> None:
    g = torch.Generator().manual_seed(n)
    x, y = torch.randn(n, generator=g, dtype=dtype), torch.randn(n, generator=g, dtype=dtype)
    assert_same_as_builtin(dot, torch.dot, x, y)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(("m", "n"), [(1, 1), (2, 3), (4, 2)])
def test_matvec_matches_torch(dtype: torch.dtype, m: int, n: int) -> None:
    g = torch.Generator().manual_seed(10 * m + n)
    A, x = torch.randn(m, n, generator=g, dtype=dtype), torch.randn(n, generator=g, dtype=dtype)
    assert_same_as_builtin(matvec, torch.mv, A, x)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(("m", "n", "p"), [(1, 1, 1), (2, 3, 4), (3, 1, 2)])
def test_matmul_matches_torch(dtype: torch.dtype, m: int, n: int, p: int) -> None:
    g = torch.Generator().manual_seed(m + 10 * n + 100 * p)
    A, B = torch.randn(m, n, generator=g, dtype=dtype), torch.randn(n, p, generator=g, dtype=dtype)
    assert_same_as_builtin(matmul, torch.mm, A, B)
    torch.testing.assert_close(matmul(A, B), A @ B)


def test_products_on_integers_are_exact() -> None:
    A = torch.arange(6).reshape(2, 3)
    B = torch.arange(12).reshape(3, 4)
    assert torch.equal(dot(A[0], A[1]), torch.dot(A[0], A[1]))
    assert torch.equal(matvec(A, B[:, 0]), torch.mv(A, B[:, 0]))
    assert torch.equal(matmul(A, B), torch.mm(A, B))
    assert matmul(A, B).dtype == torch.int64


def test_products_of_non_contiguous_views() -> None:
    A = torch.arange(12.0).reshape(3, 4)
    assert torch.equal(matmul(A.T, A), torch.mm(A.T, A))
    assert torch.equal(matvec(A.T, A[:, 1]), torch.mv(A.T, A[:, 1]))


@pytest.mark.parametrize(
    ("fn", "ref", "shapes"),
    [
        (dot, torch.dot, [(0,), (0,)]),
        (matvec, torch.mv, [(0, 3), (3,)]),
        (matvec, torch.mv, [(2, 0), (0,)]),
        (matmul, torch.mm, [(0, 3), (3, 2)]),
        (matmul, torch.mm, [(2, 0), (0, 3)]),
        (matmul, torch.mm, [(2, 3), (3, 0)]),
    ],
)
def test_empty_shapes_match_torch(fn, ref, shapes) -> None:
    inputs = [torch.ones(s) for s in shapes]
    out, expected = fn(*inputs), ref(*inputs)
    assert out.shape == expected.shape
    torch.testing.assert_close(out, expected)


def test_products_do_not_modify_inputs() -> None:
    A, B = torch.randn(2, 3), torch.randn(3, 2)
    A0, B0 = A.clone(), B.clone()
    matmul(A, B)
    assert torch.equal(A, A0) and torch.equal(B, B0)


@pytest.mark.parametrize(
    ("fn", "a", "b", "message"),
    [
        (dot, (3,), (4,), r"same length, got shapes x \(3,\) and y \(4,\)"),
        (dot, (2, 2), (4,), r"x must have 1 dimensions, got shape \(2, 2\)"),
        (matvec, (2, 3), (2,), r"A.shape\[1\] == len\(x\), got shapes A \(2, 3\) and x \(2,\)"),
        (matvec, (3,), (3,), r"A must have 2 dimensions"),
        (matmul, (2, 3), (2, 3), r"got shapes A \(2, 3\) and B \(2, 3\)"),
        (matmul, (2, 3), (3,), r"B must have 2 dimensions, got shape \(3,\)"),
    ],
)
def test_bad_shapes_name_both_shapes(fn, a, b, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        fn(torch.ones(a), torch.ones(b))


def test_mixed_dtypes_are_refused() -> None:
    with pytest.raises(TypeError, match=r"same dtype, got torch.float32 and torch.float64"):
        dot(torch.ones(2), torch.ones(2, dtype=torch.float64))
    with pytest.raises(TypeError, match="A and B must have the same dtype"):
        matmul(torch.ones(2, 2), torch.ones(2, 2, dtype=torch.int64))
    with pytest.raises(TypeError, match=r"must be a torch\.Tensor, got list"):
        matvec([[1.0]], torch.ones(1))


# ----------------------------------------------------------------------------- norms
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("p", [1, 2])
@pytest.mark.parametrize("n", [1, 5])
def test_vector_norms_match_torch(dtype: torch.dtype, p: int, n: int) -> None:
    x = torch.randn(n, generator=torch.Generator().manual_seed(n + p), dtype=dtype)
    assert_same_as_builtin(lambda t: norm(t, p), lambda t: torch.linalg.vector_norm(t, ord=p), x)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(1, 1), (3, 4), (5, 2)])
def test_frobenius_norm_matches_torch(dtype: torch.dtype, shape: tuple[int, int]) -> None:
    X = torch.randn(shape, generator=torch.Generator().manual_seed(sum(shape)), dtype=dtype)
    assert_same_as_builtin(
        lambda t: norm(t, "fro"), lambda t: torch.linalg.matrix_norm(t, "fro"), X
    )


def test_known_norm_values() -> None:
    assert norm(torch.tensor([3.0, -4.0]), 1).item() == 7.0
    assert norm(torch.tensor([3.0, -4.0]), 2).item() == 5.0
    assert norm(torch.ones(4, 9), "fro").item() == 6.0
    assert norm(torch.tensor([0.0, -2.0, 0.0]), 2).item() == 2.0


@pytest.mark.parametrize(("p", "shape"), [(1, (3,)), (2, (3,)), ("fro", (2, 3))])
def test_zero_input_has_zero_norm_and_zero_gradient_like_torch(p, shape) -> None:
    ref = torch.linalg.matrix_norm if p == "fro" else torch.linalg.vector_norm
    assert_same_as_builtin(lambda t: norm(t, p), lambda t: ref(t, p), torch.zeros(shape))
    x = torch.zeros(shape, requires_grad=True)
    norm(x, p).backward()
    assert torch.equal(x.grad, torch.zeros(shape))  # not nan


def test_empty_vector_has_norm_zero() -> None:
    assert norm(torch.empty(0), 2).item() == 0.0
    assert norm(torch.empty(0), 1).item() == 0.0


@pytest.mark.parametrize("scale", [1e20, 1e-30])
def test_l2_norm_neither_overflows_nor_underflows_in_float32(scale: float) -> None:
    x = torch.tensor([3.0, 4.0]) * scale  # float32: (1e20)**2 is inf, (1e-30)**2 is 0
    naive = torch.sqrt((x * x).sum())
    assert naive.item() in (float("inf"), 0.0)  # the problem is real
    expected = torch.linalg.vector_norm(x.double()).float()  # 5 * scale, computed in float64
    torch.testing.assert_close(norm(x, 2), expected)
    torch.testing.assert_close(norm(x.reshape(1, 2), "fro"), expected)


def test_norm_bad_input() -> None:
    with pytest.raises(ValueError, match="p must be 1, 2 or 'fro', got 3"):
        norm(torch.ones(3), 3)
    with pytest.raises(ValueError, match="p must be 1, 2 or 'fro', got True"):
        norm(torch.ones(3), True)
    with pytest.raises(ValueError, match=r"x must have 2 dimensions, got shape \(3,\)"):
        norm(torch.ones(3), "fro")
    with pytest.raises(ValueError, match=r"x must have 1 dimensions, got shape \(2, 2\)"):
        norm(torch.ones(2, 2), 1)
    with pytest.raises(TypeError, match=r"floating-point dtype, got torch\.int64"):
        norm(torch.arange(3), 2)


def test_gradients_with_gradcheck() -> None:
    g = torch.Generator().manual_seed(0)
    A = torch.randn(2, 3, generator=g, dtype=torch.float64, requires_grad=True)
    B = torch.randn(3, 2, generator=g, dtype=torch.float64, requires_grad=True)
    x = torch.randn(3, generator=g, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(matmul, (A, B))
    assert torch.autograd.gradcheck(matvec, (A, x))
    assert torch.autograd.gradcheck(lambda t: norm(t, 2), (x,))
    assert torch.autograd.gradcheck(lambda t: norm(t, "fro"), (A,))
