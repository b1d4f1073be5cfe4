"""dlnotes.data.preprocess against pandas (fillna with the mean) and torch.tensor."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch

from dlnotes.data.preprocess import impute_mean, to_tensor


def _houses() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "NumRooms": [np.nan, 2.0, 4.0, np.nan],
            "RoofType": [None, None, "Slate", None],
            "Price": [127500, 106000, 178100, 140000],
        }
    )


def _random_frame(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(7, 3))
    X[rng.random(X.shape) < 0.3] = np.nan
    X[0] = 1.0  # every column has at least one observed value
    return pd.DataFrame(X, columns=["a", "b", "c"]).assign(n=rng.integers(0, 5, size=7))


# ----------------------------------------------------------------------------- impute_mean
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_impute_mean_matches_pandas_fillna(seed: int) -> None:
    df = _random_frame(seed)
    assert df.isna().any().any()
    expected = df.fillna(df.mean(numeric_only=True))
    pd.testing.assert_frame_equal(impute_mean(df), expected)


def test_impute_mean_on_the_house_data() -> None:
    df = _houses()
    got = impute_mean(df)
    assert got["NumRooms"].tolist() == [3.0, 2.0, 4.0, 3.0]
    pd.testing.assert_series_equal(got["RoofType"], df["RoofType"])  # text left alone
    pd.testing.assert_series_equal(got["Price"], df["Price"])  # complete int column unchanged
    pd.testing.assert_frame_equal(got, df.fillna(df.mean(numeric_only=True)))


def test_impute_mean_never_mutates_its_input() -> None:
    df = _houses()
    before = df.copy()
    out = impute_mean(df)
    pd.testing.assert_frame_equal(df, before)
    assert out is not df
    out.loc[0, "Price"] = -1
    assert df.loc[0, "Price"] == 127500  # no shared data either


def test_impute_mean_with_training_means_avoids_leakage() -> None:
    train = pd.DataFrame({"x": [1.0, 2.0, 3.0]})
    test = pd.DataFrame({"x": [np.nan, 100.0]})
    assert impute_mean(test)["x"].tolist() == [100.0, 100.0]  # the test set's own mean
    filled = impute_mean(test, means=train.mean(numeric_only=True))
    assert filled["x"].tolist() == [2.0, 100.0]
    assert filled.equals(test.fillna(train.mean()))


def test_impute_mean_handles_nullable_ints() -> None:
    df = pd.DataFrame({"k": pd.array([1, None, 4], dtype="Int64")})
    got = impute_mean(df)
    assert got["k"].dtype == np.float64 and got["k"].tolist() == [1.0, 2.5, 4.0]


@pytest.mark.parametrize(
    ("df", "kwargs", "error", "match"),
    [
        (np.zeros((2, 2)), {}, TypeError, r"df must be a pandas DataFrame, got ndarray"),
        (pd.DataFrame({"x": [np.nan, np.nan]}), {}, ValueError, r"column 'x' has no observed"),
        (pd.DataFrame({"x": [np.nan, 1.0]}), {"means": {"y": 0.0}}, ValueError, r"'x'"),
        (pd.DataFrame([[1.0, np.nan]], columns=["x", "x"]), {}, ValueError, r"duplicated: \['x'\]"),
    ],
)
def test_impute_mean_bad_input(df: object, kwargs: dict, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        impute_mean(df, **kwargs)


# ----------------------------------------------------------------------------- to_tensor
def test_to_tensor_matches_torch_tensor_of_to_numpy() -> None:
    df = pd.get_dummies(impute_mean(_houses()), dummy_na=True)
    assert {str(t) for t in df.dtypes} == {"float64", "int64", "bool"}
    got = to_tensor(df)
    expected = torch.tensor(df.to_numpy(dtype=float), dtype=torch.float32)
    torch.testing.assert_close(got, expected, rtol=0, atol=0)
    assert got.shape == (4, 4) and got.dtype == torch.float32


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.int64])
def test_to_tensor_dtypes(dtype: torch.dtype) -> None:
    df = pd.DataFrame({"a": [1, 2**40 + 1], "b": [True, False]})
    got = to_tensor(df, dtype=dtype)
    expected = torch.tensor(df.to_numpy(dtype=np.int64)).to(dtype)
    assert got.dtype == dtype
    torch.testing.assert_close(got, expected, rtol=0, atol=0)
    if dtype == torch.int64:  # integers take no detour through float64
        assert got[1, 0].item() == 2**40 + 1


def test_to_tensor_returns_a_copy_and_keeps_nan() -> None:
    df = _random_frame(0)
    got = to_tensor(df, dtype=torch.float64)
    assert torch.equal(got.isnan(), torch.tensor(df.isna().to_numpy()))
    got[0, 0] = 123.0
    assert df.iloc[0, 0] == 1.0


def test_to_tensor_nullable_and_empty() -> None:
    df = pd.DataFrame({"k": pd.array([1, None], dtype="Int64"), "f": [0.5, 1.5]})
    got = to_tensor(df)
    assert got[0].tolist() == [1.0, 0.5] and got[1, 0].isnan() and got[1, 1] == 1.5
    assert to_tensor(df[[]]).shape == (2, 0)


@pytest.mark.parametrize(
    ("df", "kwargs", "error", "match"),
    [
        ({"x": 1}, {}, TypeError, r"df must be a pandas DataFrame, got dict"),
        (_houses(), {}, TypeError, r"not numeric: \['RoofType'\]"),
        (pd.DataFrame({"s": ["1"], "o": [object()], "x": [1]}), {}, TypeError, r"\['s', 'o'\]"),
        (pd.DataFrame({"x": [1.0]}), {"dtype": "float32"}, TypeError, r"dtype must be a torch"),
        (pd.DataFrame({"x": [np.nan]}), {"dtype": torch.int64}, ValueError, r"'x' has NaN"),
    ],
)
def test_to_tensor_bad_input(df: object, kwargs: dict, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        to_tensor(df, **kwargs)
