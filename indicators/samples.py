"""Aggregation of long-form monitoring samples into per-station means.

Pure functions (no engine imports), vectorised: one group-by over (station, parameter).

References: SPEC.md §4.3 (per station, the evaluation-year mean of each parameter) and SPEC.md §5
(below-detection values enter as half the detection limit, or the limit itself as a profile
option, and are flagged).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

__all__ = ["BELOW_DETECTION_POLICIES", "StationMeans", "effective_values", "station_means"]

#: Below-detection policies and the fraction of the detection limit each substitutes.
BELOW_DETECTION_POLICIES: dict[str, float] = {"half": 0.5, "limit": 1.0}


class StationMeans(NamedTuple):
    """Result of :func:`station_means`: three frames of the same shape.

    Index ``station_id``, columns parameter codes.

    Attributes
    ----------
    means : pandas.DataFrame
        Mean of the samples [unit of the parameter]; NaN where the station has no usable sample.
    counts : pandas.DataFrame
        Number of samples that entered the mean [-] (int64, 0 where none).
    below_detection_counts : pandas.DataFrame
        How many of those samples were below detection (substituted) [-] (int64).
    """

    means: pd.DataFrame
    counts: pd.DataFrame
    below_detection_counts: pd.DataFrame


def effective_values(samples: pd.DataFrame, below_detection: str = "half"
                     ) -> tuple[np.ndarray, np.ndarray]:
    """The value each sample enters calculations with, and its below-detection flag (SPEC §5).

    A below-detection sample enters as ``factor`` × its detection limit (half, or the limit
    itself, by the ``below_detection`` policy); where it has no detection limit its ``value`` is
    taken as the limit.

    Parameters
    ----------
    samples : pandas.DataFrame
        ``value`` [unit of the parameter] and optionally ``below_detection`` (bool; missing →
        False) and ``detection_limit`` [unit of the parameter].
    below_detection : {"half", "limit"}

    Returns
    -------
    (ndarray of float, ndarray of bool)
        Effective values (NaN where not measured) and the below-detection flags.
    """
    if below_detection not in BELOW_DETECTION_POLICIES:
        raise ValueError(
            f"below_detection must be one of {tuple(BELOW_DETECTION_POLICIES)}, "
            f"got {below_detection!r}"
        )
    effective = _floats(samples["value"]).copy()
    bd = _flags(samples)
    # only the below-detection rows change: no temporaries over millions of samples
    below = np.flatnonzero(bd)
    limit = (_floats(samples["detection_limit"])[below] if "detection_limit" in samples.columns
             else np.full(len(below), np.nan))
    measured = effective[below]
    effective[below] = BELOW_DETECTION_POLICIES[below_detection] * np.where(
        np.isnan(limit), measured, limit)
    return effective, bd


def _flags(samples: pd.DataFrame) -> np.ndarray:
    """The ``below_detection`` flag of each sample (bool; a missing flag or column: False)."""
    if "below_detection" not in samples.columns:
        return np.zeros(len(samples), dtype=bool)
    flags = samples["below_detection"]
    if flags.dtype == np.bool_:      # plain flags already (the input stage's): no copy
        return flags.to_numpy()
    return flags.astype("boolean").fillna(False).to_numpy(dtype=bool)


def _floats(column: pd.Series) -> np.ndarray:
    """``column`` as floats, NaN where missing or not a number (may share its memory)."""
    if not pd.api.types.is_float_dtype(column.dtype):
        column = pd.to_numeric(column, errors="coerce")
    return column.to_numpy(dtype=float, na_value=np.nan)


def station_means(
    samples: pd.DataFrame,
    *,
    below_detection: str | None = "half",
    parameters: Sequence[str] | None = None,
    station_codes: tuple[np.ndarray, pd.Index] | None = None,
    parameter_codes: tuple[np.ndarray, pd.Index] | None = None,
) -> StationMeans:
    """Mean of every parameter at every station, with below-detection substitution.

    Implements SPEC.md §4.3 (per-station mean of each parameter over the evaluation year; the
    caller has already filtered the samples to that year) and the below-detection rule of
    SPEC.md §5: a below-detection sample enters as half its detection limit (``"half"``,
    default) or as the detection limit itself (``"limit"``). Where a below-detection sample has
    no detection limit, its ``value`` is taken as the limit.

    Samples whose substituted value is NaN (not measured) are not counted. Rows with a missing
    ``station_id`` or ``parameter`` are ignored.

    Parameters
    ----------
    samples : pandas.DataFrame
        Long-form samples, one row per station, date and parameter, with columns
        ``station_id`` (str), ``date`` (datetime64; not used here), ``parameter`` (code, SPEC §5),
        ``value`` (float) [unit of the parameter: mg/L, pH dimensionless, 个/L],
        ``below_detection`` (bool, optional: missing column or NA → False) and
        ``detection_limit`` (float, optional) [unit of the parameter].
    below_detection : {"half", "limit"} or None
        Below-detection policy [-]: substitute half the detection limit, or the limit itself;
        None when ``value`` holds the substituted values already (``below_detection`` still
        flags the samples, for the counts).
    parameters : sequence of str, optional
        Keep only these parameter codes; the result then has exactly these columns, in this
        order (all-NaN mean and zero counts for a parameter without samples). By default every
        parameter present, sorted.
    station_codes : (ndarray of int, Index), optional
        ``samples["station_id"]`` already factorised as ``pd.factorize(..., sort=True)`` gives
        it (a code per row, -1 where missing; the distinct ids sorted, possibly more than
        occur), to save factorising it again; by default it is factorised here.
    parameter_codes : (ndarray of int, Index), optional
        The same for ``samples["parameter"]``.

    Returns
    -------
    StationMeans
        ``(means, counts, below_detection_counts)``: wide frames indexed by ``station_id``
        (sorted), one column per parameter code.

    Raises
    ------
    ValueError
        For an unknown ``below_detection`` policy.
    KeyError
        If ``station_id``, ``parameter`` or ``value`` is missing.
    """
    missing = [c for c in ("station_id", "parameter", "value") if c not in samples.columns]
    if missing:
        raise KeyError(f"samples lack column(s) {missing}")

    if below_detection is None:    # substituted already (the engine's input stage)
        effective, bd = _floats(samples["value"]), _flags(samples)
    else:
        effective, bd = effective_values(samples, below_detection)
    used = ~np.isnan(effective)

    keep = used & samples["station_id"].notna().to_numpy() & samples["parameter"].notna().to_numpy()
    if parameters is not None:
        parameters = list(parameters)
        keep &= samples["parameter"].isin(parameters).to_numpy()
    # one pass of integer codes and bincounts over all (station, parameter) cells at once
    if station_codes is None:
        station_codes = pd.factorize(samples["station_id"], sort=True)
    station_code, stations = _kept_codes(station_codes, keep)
    if parameter_codes is None:
        parameter_codes = pd.factorize(samples["parameter"], sort=True)
    parameter_code, found = _kept_codes(parameter_codes, keep)
    cell = station_code * len(found) + parameter_code
    size = len(stations) * len(found)
    shape = (len(stations), len(found))
    n = np.bincount(cell, minlength=size).reshape(shape)
    total = np.bincount(cell, weights=effective[keep], minlength=size).reshape(shape)
    nbd_counts = np.bincount(cell, weights=bd[keep], minlength=size).reshape(shape)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_values = np.where(n > 0, total / np.maximum(n, 1), np.nan)
    index = pd.Index(stations, dtype=object)
    columns = pd.Index(found, dtype=object)
    means = pd.DataFrame(mean_values, index=index, columns=columns)
    counts = pd.DataFrame(n.astype(np.int64), index=index, columns=columns)
    nbd = pd.DataFrame(nbd_counts.astype(np.int64), index=index, columns=columns)
    if parameters is not None:
        means = means.reindex(columns=parameters)
        counts = counts.reindex(columns=parameters, fill_value=0)
        nbd = nbd.reindex(columns=parameters, fill_value=0)
    for f in (means, counts, nbd):
        f.index.name = "station_id"
        f.columns.name = "parameter"
    return StationMeans(means, counts, nbd)


def _kept_codes(factorised: tuple[np.ndarray, pd.Index], keep: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of the rows ``keep`` and their distinct values, sorted (as objects).

    ``factorised`` is a whole column as ``pd.factorize(column, sort=True)`` gives it (in the
    column's own dtype: pyarrow's dictionary encoding for Arrow strings, no Python object per
    row); values occurring only in rows not kept are dropped and the codes renumbered.
    """
    codes, distinct = factorised
    codes = codes[keep]
    present = np.bincount(codes, minlength=len(distinct)) > 0
    return (np.cumsum(present) - 1)[codes], np.asarray(distinct, dtype=object)[present]
