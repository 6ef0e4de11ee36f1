"""Daily series of the evaluation year: coverage check shared by every daily indicator.

Ecological flow, minimum ecological water level and water-supply assurance read a year of daily
values per station. A series with gaps is used when it covers at least the profile's
``min_coverage`` share of the year's days (the missing days are stated in a warning and in the
details); below that the station's value is ``insufficient_data``. Never a silent skip.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from health_eval.io.lookup import per_row
from health_eval.issues import Issue

from .hydrology import daily_coverage


def checked_coverage(dataset, table: str, rows: pd.DataFrame, value: str, min_coverage: float
                     ) -> tuple[pd.DataFrame, list[Issue]]:
    """Coverage of each station's daily series, and a warning for every gap.

    Parameters
    ----------
    dataset : Dataset
        For locating the issues.
    table : str
        The daily table (``daily_flow``, ``water_level``, ``water_supply``).
    rows : DataFrame
        Its rows of the evaluation year with ``station_id``, ``date``, ``evaluation_year`` and
        the ``value`` column.
    value : str
        The column holding the daily value.
    min_coverage : float
        Share of the year's days [0–1] a series needs (profile parameter).

    Returns
    -------
    (DataFrame, list of Issue)
        Index ``station_id``: ``days_in_year``, ``days_with_data``, ``days_missing``,
        ``coverage`` and ``sufficient`` (bool); one warning per station with missing days.
    """
    # each station's year from its first row (the year of its water body, the same on all)
    codes, stations = pd.factorize(rows["station_id"], sort=True)
    first = np.full(len(stations), len(rows))
    np.minimum.at(first, codes[codes >= 0], np.flatnonzero(codes >= 0))
    year = pd.Series(rows["evaluation_year"].to_numpy()[first], index=stations)
    coverage = daily_coverage(rows, year, value)
    coverage["sufficient"] = coverage["coverage"] >= min_coverage
    gaps = coverage[coverage["days_missing"] > 0]
    issues = [
        Issue.of("series.gaps", table=table, column="date", value=str(station),
                 **dataset.location(table), count=int(missing), missing=int(missing),
                 coverage=cover, min_coverage=min_coverage,
                 phrase="computed" if ok else "too_few")
        for station, missing, cover, ok in zip(gaps.index, gaps["days_missing"],
                                               gaps["coverage"], gaps["sufficient"])]
    return coverage, issues


def coverage_applied(table: pd.DataFrame, coverage: pd.DataFrame) -> pd.DataFrame:
    """Per-station rows of a daily-series indicator with the minimum-data rule applied.

    Parameters
    ----------
    table : DataFrame
        One row per station of the series: ``station_id``, ``value`` and the station's other
        detail columns.
    coverage : DataFrame
        :func:`checked_coverage` of the series.

    Returns
    -------
    DataFrame
        ``station_id, value, n_obs, status`` for every station of ``coverage``: a station
        below its minimum coverage has no value; it and a station without a value are
        ``insufficient_data``; ``n_obs`` is the days with data. Then the detail columns of its
        coverage (``days_with_data, days_missing, coverage``) and those of ``table``.
    """
    # each station's row of ``table`` by position (one row per station), not a join
    at = pd.Index(table["station_id"]).get_indexer(coverage.index)
    value = per_row(at, table["value"].to_numpy(dtype=float, na_value=np.nan), np.nan)
    sufficient = coverage["sufficient"].to_numpy(dtype=bool)
    value[~sufficient] = np.nan
    own = [c for c in table.columns if c not in ("station_id", "value")]
    return pd.DataFrame({
        "station_id": coverage.index, "value": value,
        "n_obs": coverage["days_with_data"].to_numpy(),
        "status": np.where(~sufficient | np.isnan(value), "insufficient_data", "ok"),
        "days_with_data": coverage["days_with_data"].to_numpy(dtype=np.int64),
        "days_missing": coverage["days_missing"].to_numpy(dtype=np.int64),
        "coverage": coverage["coverage"].to_numpy(dtype=float).round(4),
        **{c: per_row(at, table[c].to_numpy(dtype=object), None) for c in own}})
