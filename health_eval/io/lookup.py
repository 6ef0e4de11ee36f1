"""Fast membership tests on id columns (station, segment and water-body ids).

pandas' ``Series.isin`` on Arrow-backed strings (the default string dtype of pandas 3) builds a
Python object per *candidate* value, which costs seconds when it runs for every indicator over
thousands of ids. :func:`is_in` asks pyarrow directly, on the distinct candidates only, and falls
back to pandas for other dtypes. :func:`positions_in` looks ids up by position instead of merging;
:func:`per_row`, :func:`station_years` and :func:`row_years` do such lookups once per distinct
value and spread the answers to the rows by their ``pd.factorize`` codes.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd


def is_in(values: pd.Series | pd.Index, candidates: Iterable) -> np.ndarray:
    """Whether each of ``values`` is one of ``candidates`` (missing values never are).

    Parameters
    ----------
    values : Series or Index
        The ids to test, e.g. the ``segment_id`` of a sample table.
    candidates : iterable
        The ids looked for (a Series, Index, array or list; duplicates are fine).

    Returns
    -------
    ndarray of bool
        One flag per row of ``values``.
    """
    if _arrow_strings(values):
        import pyarrow as pa
        import pyarrow.compute as pc

        column = pa.array(values)
        if isinstance(candidates, (pd.Series, pd.Index)) and _arrow_strings(candidates):
            wanted = pc.drop_null(pc.unique(pa.array(candidates))).cast(column.type)
        else:
            wanted = pa.array([str(v) for v in _distinct(candidates)], type=column.type)
        return pc.is_in(column, value_set=wanted).to_numpy(zero_copy_only=False).astype(bool)
    return np.asarray(values.isin(_distinct(candidates)), dtype=bool)


def _arrow_strings(series: pd.Series | pd.Index) -> bool:
    return isinstance(series.dtype, pd.StringDtype) and series.dtype.storage == "pyarrow"


def _distinct(candidates: Iterable) -> np.ndarray:
    """The distinct non-missing candidates, as objects."""
    if not isinstance(candidates, (pd.Series, pd.Index, np.ndarray)):
        candidates = list(candidates)
    return pd.unique(pd.Series(candidates, dtype=object).dropna().to_numpy())


def positions_in(values: pd.Series | pd.Index, keys: pd.Series) -> np.ndarray:
    """Position in ``keys`` (unique ids) of each of ``values``; -1 where absent or missing.

    The vectorised lookup behind joining a large table (samples) to a small one (stations)
    without a merge.
    """
    if _arrow_strings(values):
        import pyarrow as pa
        import pyarrow.compute as pc

        column = pa.array(values)
        wanted = pa.array(keys.astype(str).to_numpy(dtype=object), type=column.type)
        found = pc.fill_null(pc.index_in(column, value_set=wanted), -1)
        return found.to_numpy(zero_copy_only=False).astype(np.int64)
    return pd.Index(keys).get_indexer(values)


def per_row(codes: np.ndarray, per_value: np.ndarray, missing) -> np.ndarray:
    """``per_value[codes]``, and ``missing`` where a code is -1.

    Parameters
    ----------
    codes : ndarray of int
        Codes of ``pd.factorize`` (or positions from :func:`positions_in`): -1 for none.
    per_value : ndarray
        One entry per distinct value (per position).
    missing : scalar
        The entry of rows without a value.
    """
    return np.append(per_value, missing)[codes]


def station_years(stations: tuple[np.ndarray, pd.Index], keys: pd.Series, years: pd.Series,
                  usable: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Each row's station in ``keys``, and that station's year.

    The lookup behind "rows dated in their station's evaluation year", done on the distinct
    stations and spread to the rows by their codes.

    Parameters
    ----------
    stations : (ndarray, Index)
        The rows' ``station_id`` factorised (``pd.factorize``: codes, -1 where blank, and
        the distinct ids).
    keys : Series
        Station ids (unique).
    years : Series
        The year of each of ``keys``.
    usable : ndarray of bool, optional
        Per key: whether its rows are looked up (a row of a key not usable is taken as
        absent); by default all are.

    Returns
    -------
    (ndarray of int, ndarray of float)
        Position in ``keys`` of each row's station (-1 where absent, blank or not usable),
        and its year (NaN there).
    """
    codes, distinct = stations
    at = positions_in(distinct, keys)
    if usable is not None:
        at = np.where(per_row(at, usable, False), at, -1)
    position = per_row(codes, at, -1)
    return position, per_row(position, years.to_numpy(dtype="float64", na_value=np.nan), np.nan)


def row_years(dates: tuple[np.ndarray, pd.Index]) -> np.ndarray:
    """Calendar year of each row's date, from its date column factorised.

    The other half of "rows dated in their station's evaluation year" (see
    :func:`station_years`): the year is taken of the distinct dates only.

    Parameters
    ----------
    dates : (ndarray, DatetimeIndex)
        The rows' ``date`` factorised (``pd.factorize``: codes, -1 where blank, and the
        distinct dates).

    Returns
    -------
    ndarray of float
        The year of each row's date; NaN where it has none.
    """
    codes, distinct = dates
    return per_row(codes, pd.DatetimeIndex(distinct).year.to_numpy(dtype="float64"), np.nan)
