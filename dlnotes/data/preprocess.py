"""Tabular preprocessing from scratch: mean imputation and DataFrame-to-tensor.

The two steps between a CSV file and a model: fill the holes in numeric columns, then
turn an all-numeric table into a ``(n, d)`` tensor. Categorical columns are one-hot
encoded in between with ``pd.get_dummies(df, dummy_na=True)``.
"""

from __future__ import annotations

# --8<-- [start:impute_mean]
from collections.abc import Mapping

import numpy as np
import pandas as pd
import torch
from pandas.api.types import is_bool_dtype, is_numeric_dtype


def _check_frame(df: object) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a pandas DataFrame, got {type(df).__name__}")
    if not df.columns.is_unique:
        dup = sorted({str(c) for c in df.columns[df.columns.duplicated()]})
        raise ValueError(f"df must have unique column names, duplicated: {dup}")
    return df


def impute_mean(df: pd.DataFrame, means: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Return a copy of ``df`` whose missing numeric values are replaced by a mean.

    Each numeric column with missing values gets the mean of its observed values
    (sum of the non-missing entries divided by their count). Non-numeric columns are
    left alone: encode them separately (e.g. one-hot with ``pd.get_dummies``). The
    input frame is never modified.

    Pass ``means`` (for example ``train.mean(numeric_only=True)``) to fill a validation
    or test frame with statistics computed on the *training* frame: computing them on
    the test frame leaks information about it into the preprocessing.

    Args:
        df: the table to fill.
        means: optional column name -> value to fill with, instead of ``df``'s own means.

    Returns:
        A new DataFrame; filled columns become ``float64``.

    Raises:
        TypeError: ``df`` is not a DataFrame.
        ValueError: duplicated column names, a numeric column with no observed value
            to average, or ``means`` lacks a column that has missing values.

    Example:
        >>> import pandas as pd
        >>> from dlnotes.data.preprocess import impute_mean
        >>> df = pd.DataFrame({"NumRooms": [None, 2.0, 4.0], "RoofType": [None, None, "Slate"]})
        >>> impute_mean(df)
           NumRooms RoofType
        0       3.0      NaN
        1       2.0      NaN
        2       4.0    Slate
        >>> impute_mean(df, means={"NumRooms": 2.5})["NumRooms"].tolist()
        [2.5, 2.0, 4.0]
    """
    _check_frame(df)
    out = df.copy()  # never write into the caller's frame
    for col in df.columns:
        values = df[col]
        if not is_numeric_dtype(values) or is_bool_dtype(values):
            continue  # categorical / text / bool: not ours to average
        missing = values.isna()  # (n,) bool
        if not missing.any():
            continue
        if means is not None:
            if col not in means:
                raise ValueError(f"means has no value for column {col!r}, which has NaN")
            fill = float(means[col])
        else:
            observed = values[~missing].astype("float64")
            if len(observed) == 0:
                raise ValueError(f"column {col!r} has no observed value to average")
            fill = float(observed.sum()) / len(observed)
        out[col] = values.astype("float64").where(~missing, fill)
    return out


# --8<-- [end:impute_mean]


# --8<-- [start:to_tensor]
def to_tensor(df: pd.DataFrame, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """Convert an all-numeric DataFrame to a ``(rows, columns)`` tensor.

    Bool columns (one-hot indicators from ``pd.get_dummies``) become 0/1. Text and
    other non-numeric columns are refused with a ``TypeError`` that names them, so a
    forgotten one-hot encoding fails loudly instead of deep inside NumPy.

    Args:
        df: a table whose columns are all numeric or bool.
        dtype: the dtype of the result (``torch.float32``, the usual dtype for
            features, by default).

    Returns:
        A new tensor of shape ``(len(df), len(df.columns))``.

    Raises:
        TypeError: ``df`` is not a DataFrame, ``dtype`` is not a ``torch.dtype``, or
            some columns are not numeric (they are listed).
        ValueError: duplicated column names, or NaN values and an integer ``dtype``.

    Example:
        >>> import pandas as pd
        >>> from dlnotes.data.preprocess import to_tensor
        >>> df = pd.DataFrame({"NumRooms": [3.0, 2.0], "RoofType_Slate": [False, True]})
        >>> to_tensor(df)
        tensor([[3., 0.],
                [2., 1.]])
        >>> to_tensor(pd.DataFrame({"a": [1.0], "b": ["x"]}))
        Traceback (most recent call last):
        ...
        TypeError: to_tensor needs numeric or bool columns; not numeric: ['b'] ...
    """
    _check_frame(df)
    if not isinstance(dtype, torch.dtype):
        raise TypeError(f"dtype must be a torch.dtype, got {type(dtype).__name__}")
    bad = [str(c) for c in df.columns if not is_numeric_dtype(df[c])]
    if bad:
        raise TypeError(
            f"to_tensor needs numeric or bool columns; not numeric: {bad} "
            "(one-hot encode them first, e.g. pd.get_dummies(df, dummy_na=True))"
        )
    columns = []
    for col in df.columns:
        values = df[col]
        if isinstance(values.dtype, np.dtype):  # float64, int64, bool, ...
            array = values.to_numpy()
        else:  # pandas nullable dtypes (Int64, Float64, boolean): NA -> NaN
            array = values.to_numpy(dtype="float64", na_value=np.nan)
        column = torch.tensor(array)  # (n,), a copy: pandas may hand out read-only arrays
        if column.is_floating_point() and not dtype.is_floating_point and column.isnan().any():
            raise ValueError(f"column {col!r} has NaN, which {dtype} cannot hold: impute first")
        columns.append(column.to(dtype))
    if not columns:
        return torch.empty((len(df), 0), dtype=dtype)
    return torch.stack(columns, dim=1)  # (n, d)


# --8<-- [end:to_tensor]
