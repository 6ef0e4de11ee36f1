"""Daily series of the evaluation year: coverage check shared by every daily indicator.

Ecological flow, minimum ecological water level and water-supply assurance read a year of daily
values per station. A series with gaps is used when it covers at least the profile's
``min_coverage`` share of the year's days (the missing days are stated in a warning and in the
details); below that the station's value is ``insufficient_data``. Never a silent skip.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from health_eval.issues import Issue

from .frames import records
from .hydrology import daily_coverage
from .stations import segment_rows


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
    year = rows.groupby("station_id")["evaluation_year"].first()
    coverage = daily_coverage(rows[["station_id", "date", value]].rename(columns={value: "value"}),
                              year, "value")
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


def coverage_details(coverage: pd.DataFrame) -> pd.Series:
    """Per station: ``{"days_with_data": …, "days_missing": …, "coverage": …}``."""
    return pd.Series([
        {"days_with_data": int(n), "days_missing": int(m), "coverage": round(float(c), 4)}
        for n, m, c in zip(coverage["days_with_data"], coverage["days_missing"],
                           coverage["coverage"])], index=coverage.index, dtype=object)


def daily_station_rows(links: pd.DataFrame, table: pd.DataFrame,
                        detail_columns: dict[str, str]) -> pd.DataFrame:
    """Segment rows of a daily-series indicator: value, days used, status and details."""
    table = table.copy()
    table.loc[~table["sufficient"], "value"] = np.nan
    status = np.where(~table["sufficient"] | table["value"].isna(), "insufficient_data", "ok")
    details = [dict(station_id=station, **c, **d) for station, c, d in zip(
        table.index, coverage_details(table), records(table, detail_columns))]
    return segment_rows(links, pd.DataFrame({
        "station_id": table.index, "value": table["value"].to_numpy(),
        "n_obs": table["days_with_data"].to_numpy(), "status": status, "details": details}))
