"""Small table helpers shared by the indicator definitions (no method numbers here)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from health_eval.io.lookup import is_in, per_row
from health_eval.issues import Issue


def computed_rows(dataset, context, table: str, key: str) -> np.ndarray:
    """Whether each row of ``table`` has a ``key`` (``segment_id`` or ``water_body_id``) of the
    segments computed (a missing key never has).

    Looked up once per distinct key of the whole table's factorisation, which validation and
    every profile share (:meth:`~health_eval.engine.dataset.Dataset.factorized`), and spread to the
    rows by their codes.
    """
    codes, distinct = dataset.factorized(table, key)
    return per_row(codes, is_in(distinct, context.segments[key]), False)


def weighted_mean(frame: pd.DataFrame, key: str, value: str, weight: str) -> pd.DataFrame:
    """Σ(weight·value)/Σ weight per ``key`` over the rows where both are given.

    Returns
    -------
    DataFrame
        Index ``key``; ``value`` (NaN where the weights sum to 0), ``n`` (rows used),
        ``weight`` (their total weight).
    """
    usable = (frame[value].notna() & frame[weight].notna()).to_numpy(dtype=bool)
    codes, keys = pd.factorize(frame[key], sort=True)
    grouped = usable & (codes >= 0)            # rows without a key belong to no group
    present = np.bincount(codes[grouped], minlength=len(keys)) > 0
    codes, keys = (np.cumsum(present) - 1)[codes[grouped]], keys[present]
    values = frame[value].to_numpy(dtype=float, na_value=np.nan)[grouped]
    weights = frame[weight].to_numpy(dtype=float, na_value=np.nan)[grouped]
    total = np.bincount(codes, weights=weights, minlength=len(keys))
    product = np.bincount(codes, weights=values * weights, minlength=len(keys))
    return pd.DataFrame({"value": product / np.where(total > 0, total, np.nan),
                         "n": np.bincount(codes, minlength=len(keys)), "weight": total},
                        index=pd.Index(keys, name=key))


def iso_dates(column: pd.Series) -> np.ndarray:
    """The dates of a datetime ``column`` as ``YYYY-MM-DD`` text (objects; missing ones arbitrary).

    numpy writes the dates of years 1000–9999 without a per-cell call; other years, and
    time-zone aware columns, go through ``strftime``.
    """
    if isinstance(column.dtype, np.dtype):
        days = column.to_numpy().astype("datetime64[D]")
        known = days[~np.isnat(days)]
        if not len(known) or (known.min() >= _FIRST_DAY and known.max() <= _LAST_DAY):
            return np.datetime_as_string(days).astype(object)
    return column.dt.strftime("%Y-%m-%d").to_numpy(dtype=object)


_FIRST_DAY, _LAST_DAY = np.datetime64("1000-01-01", "D"), np.datetime64("9999-12-31", "D")


def data_issue(table: str, rule: str, value: str, dataset, **fields) -> Issue:
    """The issue of catalogue rule ``rule`` about ``table`` met while computing, located at its
    file and sheet; ``fields`` are the issue's keys and its rule's template fields."""
    return Issue.of(rule, table=table, value=value, **dataset.location(table), **fields)


def period_text(dates: pd.DataFrame, key: str = "station_id",
                codes: tuple[np.ndarray, pd.Index] | None = None) -> pd.Series:
    """``first–last`` date (ISO) of each ``key`` group's ``date`` column.

    Parameters
    ----------
    dates : DataFrame
        ``key`` and ``date`` (datetime64; NaT is skipped).
    key : str
        The column grouped by (missing keys are left out).
    codes : (ndarray of int, Index), optional
        ``dates[key]`` already factorised as ``pd.factorize(..., sort=True)`` gives it (the
        distinct keys may include some of no row); by default it is factorised here.

    Returns
    -------
    Series of str
        Indexed by the distinct keys (sorted, named ``key``); NaN for a group without a date.
    """
    if codes is None:
        codes = pd.factorize(dates[key], sort=True)
    code, keys = codes
    first, last, present = _date_span(code, dates["date"].to_numpy(), len(keys))
    first, last = (pd.Series(days[present]) for days in (first, last))
    text = pd.Series(iso_dates(first) + "–" + iso_dates(last), dtype="str")
    text[first.isna().to_numpy()] = np.nan      # a group whose dates are all NaT
    return text.set_axis(keys[present].rename(key))


def _date_span(code: np.ndarray, dates: np.ndarray, groups: int
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Earliest and latest of ``dates`` (datetime64) in each of ``groups`` groups.

    Parameters
    ----------
    code : ndarray of int
        Each date's group, 0 … ``groups - 1``, or -1 for none.
    dates : ndarray of datetime64
    groups : int

    Returns
    -------
    (ndarray of datetime64, ndarray of datetime64, ndarray of bool)
        First and last date of each group (NaT where all of its dates are NaT), and whether the
        group has a row at all.
    """
    nat, latest = np.iinfo(np.int64).min, np.iinfo(np.int64).max
    ticks = dates.view(np.int64)
    # one slot more than there are groups: code -1 indexes it, and it is dropped at the end
    first = np.full(groups + 1, latest)
    last = np.full(groups + 1, nat)
    np.minimum.at(first, code, np.where(np.isnat(dates), latest, ticks))
    np.maximum.at(last, code, ticks)           # NaT is the smallest tick: never the latest
    first[last == nat] = nat                   # a group whose dates are all NaT
    present = np.bincount(code + 1, minlength=groups + 1)[1:] > 0
    return first[:-1].view(dates.dtype), last[:-1].view(dates.dtype), present
