"""dlnotes.tensors against the built-ins: torch.broadcast_shapes and numpy.shares_memory."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch

from dlnotes.tensors import broadcast_shape, shares_memory

# ----------------------------------------------------------------------------- broadcast_shape
COMPATIBLE = [
    (),
    ((),),
    ((3,),),
    ((2, 3), (3,)),
    ((2, 3), ()),
    ((3, 1), (1, 4)),
    ((3, 1), (4,)),
    ((2, 1, 5), (4, 1), (5,)),
    ((1,), (0,)),  # a 1 stretches to 0 as well
    ((0, 1), (1, 7)),
    ((5, 1, 4, 1), (3, 1, 1)),
    ((8, 1, 6, 1), (7, 1, 5)),  # the example of the NumPy docs
    (torch.Size([2, 1]), [1, 3]),
    (4, (3, 1)),  # an int is a 1-D shape, as in torch
]


@pytest.mark.parametrize("shapes", COMPATIBLE, ids=str)
def test_broadcast_shape_matches_torch(shapes: tuple) -> None:
    got = broadcast_shape(*shapes)
    assert isinstance(got, tuple) and all(type(d) is int for d in got)
    assert got == tuple(torch.broadcast_shapes(*shapes))


@pytest.mark.parametrize(
    "shapes", [s for s in COMPATIBLE if all(not isinstance(x, int) for x in s)]
)
def test_broadcast_shape_is_the_shape_of_a_sum(shapes: tuple) -> None:
    total = sum((torch.zeros(s) for s in shapes), torch.zeros(()))
    assert broadcast_shape(*shapes) == tuple(total.shape)


INCOMPATIBLE = [
    (((2, 3), (4,)), r"\(2, 3\) with \(4,\): dimension -1 has sizes 3 and 4"),
    (((2, 3), (2,)), r"dimension -1 has sizes 3 and 2"),
    (((3, 2), (4, 2)), r"dimension -2 has sizes 3 and 4"),
    (((0,), (3,)), r"dimension -1 has sizes 0 and 3"),
    (((2, 1), (1, 3), (4, 3)), r"\(2, 1\) with \(4, 3\): dimension -2 has sizes 2 and 4"),
]


@pytest.mark.parametrize(("shapes", "match"), INCOMPATIBLE, ids=str)
def test_broadcast_shape_rejects_what_torch_rejects(shapes: tuple, match: str) -> None:
    with pytest.raises(RuntimeError):
        torch.broadcast_shapes(*shapes)
    with pytest.raises(ValueError, match=match):
        broadcast_shape(*shapes)


@pytest.mark.parametrize(
    ("shapes", "error", "match"),
    [
        (((2, -1),), ValueError, r"sizes >= 0"),
        (((2.0, 3),), TypeError, r"must contain ints, got float"),
        (((True, 3),), TypeError, r"must contain ints, got bool"),
        (("23",), TypeError, r"int or a sequence of ints, got str"),
        ((None,), TypeError, r"shapes\[0\] must be an int or a sequence"),
        (((2,), 2.5), TypeError, r"shapes\[1\]"),
    ],
)
def test_broadcast_shape_bad_input(shapes: tuple, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        broadcast_shape(*shapes)


# ----------------------------------------------------------------------------- shares_memory
def _views(X: torch.Tensor) -> list[torch.Tensor]:
    flat = X.reshape(-1)
    return [
        X,
        X[0],
        X[1],
        X[:, 1],
        X[..., ::2],
        X[..., 1::2],
        X[:, :, 0],
        X[1:, 2:, 3:],
        X.transpose(0, 2),
        flat[5:9],
        flat[3:4],
        flat[::5],
        X[0, 0, :0],  # empty: shares nothing
        X.expand(2, 2, 3, 4)[1],  # stride 0
        X.clone(),
        torch.zeros(2, 3),
    ]


@pytest.mark.parametrize("dtype", [torch.float32, torch.int64, torch.uint8])
def test_shares_memory_matches_numpy_on_all_pairs(dtype: torch.dtype) -> None:
    views = _views(torch.arange(24).to(dtype).reshape(2, 3, 4))
    answers = set()
    for a, b in itertools.product(views, views):
        expected = bool(np.shares_memory(a.numpy(), b.numpy()))
        assert shares_memory(a, b) == expected, (a.shape, a.stride(), b.shape, b.stride())
        answers.add(expected)
    assert answers == {True, False}  # the grid exercises both answers


def test_shares_memory_is_exact_not_a_bounds_check() -> None:
    X = torch.arange(10)
    evens, odds = X[::2], X[1::2]  # interleaved: overlapping ranges, no common element
    assert np.may_share_memory(evens.numpy(), odds.numpy())
    assert not shares_memory(evens, odds)
    assert shares_memory(evens, X[4:5])


def test_shares_memory_at_byte_level_across_dtypes() -> None:
    Y = torch.zeros(4, dtype=torch.float64)
    as_bytes = Y.view(torch.uint8)  # the same 32 bytes seen as uint8
    assert shares_memory(Y[1], as_bytes[8:9]) and shares_memory(Y[1], as_bytes[15:16])
    assert not shares_memory(Y[:1], as_bytes[8:16])
    assert shares_memory(Y[:1], as_bytes[8:16]) == np.shares_memory(
        Y[:1].numpy(), as_bytes[8:16].numpy()
    )


def test_shares_memory_across_storage_objects() -> None:
    # two tensors made from overlapping NumPy slices have different storage objects
    a = np.arange(10.0)
    t1, t2 = torch.from_numpy(a[:5]), torch.from_numpy(a[3:])
    assert shares_memory(t1, t2)
    assert not shares_memory(torch.from_numpy(a[:3]), torch.from_numpy(a[3:]))


def test_shares_memory_reshape_view_and_copy() -> None:
    X = torch.arange(12.0).reshape(3, 4)
    assert shares_memory(X, X.view(4, 3))
    assert shares_memory(X, X.reshape(2, 6))  # contiguous: reshape returns a view
    assert not shares_memory(X, X.T.reshape(-1))  # not viewable: reshape copies
    assert not shares_memory(X, torch.tensor(X.numpy()))


@pytest.mark.parametrize("bad", [[1, 2], np.zeros(2), None])
def test_shares_memory_bad_input(bad: object) -> None:
    with pytest.raises(TypeError, match=r"b must be a torch.Tensor"):
        shares_memory(torch.zeros(2), bad)
    with pytest.raises(TypeError, match=r"a must be a torch.Tensor"):
        shares_memory(bad, torch.zeros(2))
