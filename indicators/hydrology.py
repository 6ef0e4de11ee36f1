"""Pure methods for the water-quantity indicators of the "水" criterion (SPEC §4.2).

Flow deviation (rivers) and inflow deviation (lakes), ecological flow (EF1/EF2), the share of
days meeting a target (water-supply assurance, the eco-flow "target" option), the minimum
ecological water level ladder, and the data coverage of a daily series.

Pure functions (no engine imports), vectorised over all stations / water bodies at once: one
group-by or one stacked numpy array, never a Python loop over stations, dates or water bodies.
Every number of the method that SPEC marks [R]/[P] (month sets, moving-mean windows) is a
function argument; the engine passes the profile's values.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

__all__ = [
    "daily_coverage",
    "days_meeting_share",
    "distinct_per_key",
    "eco_flow_ratios",
    "eco_flow_table",
    "flow_deviation",
    "min_eco_level_window",
    "min_level_ladder",
    "monthly_flow_table",
]

#: Months of a year, the columns of the flow-deviation arrays.
_MONTHS = tuple(range(1, 13))


# --------------------------------------------------------------------------------------------
# helpers


def _floats(values) -> np.ndarray:
    """``values`` as a float ndarray, pandas NA → NaN, non-numbers → NaN."""
    if isinstance(values, pd.DataFrame):
        if not all(pd.api.types.is_numeric_dtype(t) for t in values.dtypes):   # numbers as is
            values = values.apply(pd.to_numeric, errors="coerce")
        return values.to_numpy(dtype=float, na_value=np.nan)
    if isinstance(values, (pd.Series, pd.Index)):
        return pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return np.asarray(values, dtype=float)


def _require(frame: pd.DataFrame, columns: Iterable[str], name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise KeyError(f"{name} lacks column(s) {missing}")


def _month_set(months: Iterable[int], name: str) -> list[int]:
    out = [int(m) for m in months]
    if not out or any(m not in _MONTHS for m in out):
        raise ValueError(f"{name} must be a non-empty list of months 1–12, got {list(months)!r}")
    return out


def _day_numbers(dates: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Calendar-day numbers (days since 1970-01-01) of ``dates`` and the mask of valid dates."""
    dt = pd.to_datetime(dates)
    valid = dt.notna().to_numpy()
    days = np.zeros(len(dt), dtype=np.int64)
    days[valid] = dt[valid].to_numpy().astype("datetime64[D]").astype(np.int64)
    return days, valid


def _positions(factorised: tuple[np.ndarray, pd.Index], index: pd.Index) -> np.ndarray:
    """Position in ``index`` of each value of a column given factorised (``pd.factorize``:
    codes, -1 where missing, and the distinct values); -1 where absent or missing.

    Factorising finds the distinct values in the column's own dtype (pyarrow's dictionary
    encoding for Arrow strings); each is then looked up once, not one Python object per row.
    """
    codes, distinct = factorised
    found = np.append(index.get_indexer(np.asarray(distinct, dtype=object)), -1)
    return found[codes]                                   # code -1 (missing) takes the last: -1


def _first_minimum(code: np.ndarray, value: np.ndarray, stamp: np.ndarray, n: int
                   ) -> np.ndarray:
    """Per code ``0…n-1``: the row of the lowest value, the earliest date (then the first row)
    of a tie; -1 for a code without rows. The minima by one unbuffered ``minimum.at``; only the
    rows at a minimum are then sorted."""
    lowest_value = np.full(n, np.inf)
    np.minimum.at(lowest_value, code, value)
    candidates = np.flatnonzero(value == lowest_value[code])
    order = candidates[np.lexsort((candidates, stamp[candidates], code[candidates]))]
    first = order[np.r_[True, code[order][1:] != code[order][:-1]]] if len(order) else order
    lowest = np.full(n, -1)
    lowest[code[first]] = first
    return lowest


def _distinct_per_code(code: np.ndarray, stamp: np.ndarray, n: int) -> np.ndarray:
    """Number of distinct ``stamp`` values (days, dates; none missing) of each code ``0…n-1``
    (int64): the (code, stamp) pairs as one integer each, de-duplicated by marking them in a
    (code × stamp) table when it is no larger than a few times the rows (a year of days at a
    few hundred stations), else in one hash pass."""
    stamp_code, stamps = pd.factorize(stamp)
    width = max(len(stamps), 1)
    pairs = code.astype(np.int64) * width + stamp_code
    if n * width <= 4 * len(pairs) + 1024:
        seen = np.zeros(n * width, dtype=bool)
        seen[pairs] = True
        return np.count_nonzero(seen.reshape(n, width), axis=1).astype(np.int64)
    return np.bincount(pd.unique(pairs) // width, minlength=n).astype(np.int64)


def distinct_per_key(keys: pd.Series, stamps: np.ndarray, index: pd.Index) -> np.ndarray:
    """Number of distinct ``stamps`` (days, dates; none missing) on the rows of each key.

    Parameters
    ----------
    keys : Series
        The key of each row (a station id…); rows whose key is missing or not in ``index``
        are not counted.
    stamps : ndarray
        The stamp of each row.
    index : Index
        The keys counted, unique.

    Returns
    -------
    ndarray of int64
        One count per entry of ``index`` (0 for a key without rows).
    """
    code = _positions(pd.factorize(keys), index)
    known = code >= 0
    return _distinct_per_code(code[known], stamps[known], len(index))


def _station_index(*indexes: pd.Series | pd.Index) -> pd.Index:
    """Sorted union of station ids (NA dropped), named ``station_id``."""
    distinct: dict = {}
    for idx in indexes:  # the distinct ids of each, found in its own dtype (no object per row)
        distinct.update(dict.fromkeys(pd.Series(idx).dropna().unique().tolist()))
    return pd.Index(sorted(distinct, key=str), dtype=object, name="station_id")


# --------------------------------------------------------------------------------------------
# flow deviation


def _fd_rows(measured: np.ndarray, natural: np.ndarray) -> np.ndarray:
    """FD of each row of two ``(n, 12)`` arrays; NaN where a month is missing or Q̄ ≤ 0."""
    complete = ~(np.isnan(measured) | np.isnan(natural)).any(axis=1)
    q_bar = natural.sum(axis=1) / natural.shape[1]  # NaN where a natural month is missing
    valid = complete & (q_bar > 0)
    scale = np.where(valid, q_bar, 1.0)[:, None]
    fd = np.sqrt((((measured - natural) / scale) ** 2).sum(axis=1))
    return np.where(valid, fd, np.nan)


def flow_deviation(measured, natural) -> float | pd.Series:
    """Flow deviation FD = sqrt(Σ_m ((q_m − Q_m) / Q̄)²) (SPEC §4.2, flow / inflow deviation).

    ``q_m`` is the measured and ``Q_m`` the natural (naturalised) mean flow of month ``m`` of
    the evaluation year, ``Q̄`` the mean of the 12 natural values. For lakes (inflow deviation)
    both are the total inflow.

    Parameters
    ----------
    measured : array-like of 12 floats or pandas.DataFrame
        Measured monthly mean flows [m³/s]. A DataFrame holds one row per water body and 12
        month columns (any labels, matched by position, January first).
    natural : array-like of 12 floats or pandas.DataFrame
        Natural monthly mean flows [m³/s], same shape (and, for frames, same index) as
        ``measured``.

    Returns
    -------
    float or pandas.Series
        FD [-]: a float for two array-likes, a Series indexed like ``measured`` for two frames.
        NaN where any of the 12 months lacks a measured or natural value, or where Q̄ ≤ 0.

    Raises
    ------
    ValueError
        If the inputs do not hold 12 months, differ in shape or (frames) in index, or mix a
        frame with an array-like.

    Examples
    --------
    >>> q = (10, 12, 15, 30, 60, 80, 90, 70, 40, 25, 15, 12)
    >>> Q = (12, 14, 18, 35, 70, 100, 110, 90, 50, 30, 18, 14)
    >>> round(flow_deviation(q, Q), 4)
    0.8229
    """
    m_frame, n_frame = isinstance(measured, pd.DataFrame), isinstance(natural, pd.DataFrame)
    if m_frame != n_frame:
        raise ValueError("measured and natural must both be DataFrames or both array-likes")
    if m_frame:
        if measured.shape != natural.shape or measured.shape[1] != len(_MONTHS):
            raise ValueError(
                f"measured and natural must both have 12 month columns and the same shape, got "
                f"{measured.shape} and {natural.shape}"
            )
        if not measured.index.equals(natural.index):
            raise ValueError("measured and natural must have the same index")
        fd = _fd_rows(_floats(measured), _floats(natural))
        return pd.Series(fd, index=measured.index, name="fd", dtype=float)
    q = _floats(measured).ravel()
    nat = _floats(natural).ravel()
    if q.size != len(_MONTHS) or nat.size != len(_MONTHS):
        raise ValueError(f"expected 12 monthly values each, got {q.size} and {nat.size}")
    return float(_fd_rows(q[None, :], nat[None, :])[0])


def monthly_flow_table(monthly: pd.DataFrame) -> pd.DataFrame:
    """Flow deviation of every water body from a long monthly table (SPEC §4.2).

    Parameters
    ----------
    monthly : pandas.DataFrame
        Columns ``water_body_id`` (str), ``year`` (int) [a], ``month`` (int 1–12),
        ``measured_m3s`` [m³/s] and ``natural_m3s`` [m³/s]; already filtered by the caller to
        each water body's evaluation year, so at most one row per water body and month.

    Returns
    -------
    pandas.DataFrame
        Index ``water_body_id`` (sorted, every water body of ``monthly``); columns ``fd`` [-]
        (:func:`flow_deviation`; NaN when fewer than 12 complete months or Q̄ ≤ 0), ``months``
        [-] (int, months with both a measured and a natural value) and ``q_mean_natural``
        [m³/s] (Q̄, the mean of the 12 natural values; NaN unless all 12 are present).

    Raises
    ------
    KeyError
        If a column is missing.
    ValueError
        For a month outside 1–12 or a water body with two rows for one month.
    """
    _require(
        monthly, ("water_body_id", "month", "measured_m3s", "natural_m3s"), "monthly_flow"
    )
    rows = pd.DataFrame(
        {
            "water_body_id": monthly["water_body_id"].to_numpy(dtype=object),
            "month": pd.to_numeric(monthly["month"], errors="coerce").to_numpy(
                dtype=float, na_value=np.nan
            ),
            "measured": _floats(monthly["measured_m3s"]),
            "natural": _floats(monthly["natural_m3s"]),
        }
    )
    rows = rows[rows["water_body_id"].notna()]
    bad = ~rows["month"].isin(_MONTHS)
    if bad.any():
        raise ValueError(f"month must be 1–12, got {rows.loc[bad, 'month'].unique().tolist()}")
    rows["month"] = rows["month"].astype(np.int64)
    if rows.empty:
        empty = pd.Index([], dtype=object, name="water_body_id")
        return pd.DataFrame({"fd": pd.Series(dtype=float), "months": pd.Series(dtype=np.int64),
                             "q_mean_natural": pd.Series(dtype=float)}).set_axis(empty)
    dup = rows.duplicated(["water_body_id", "month"])
    if dup.any():
        ids = rows.loc[dup, "water_body_id"].unique().tolist()
        raise ValueError(f"several rows for one month (more than one year?) for {ids}")
    # one row per water body (sorted), one column per month, filled at each row's cell
    code, bodies = pd.factorize(rows["water_body_id"], sort=True)
    month = rows["month"].to_numpy() - 1
    measured = np.full((len(bodies), len(_MONTHS)), np.nan)
    natural = np.full((len(bodies), len(_MONTHS)), np.nan)
    measured[code, month] = rows["measured"].to_numpy()
    natural[code, month] = rows["natural"].to_numpy()
    complete = ~(np.isnan(measured) | np.isnan(natural))
    return pd.DataFrame({"fd": _fd_rows(measured, natural),
                         "months": complete.sum(axis=1).astype(np.int64),
                         "q_mean_natural": natural.mean(axis=1)},
                        index=pd.Index(bodies, name="water_body_id"))


# --------------------------------------------------------------------------------------------
# coverage and shares of days


def daily_coverage(daily: pd.DataFrame, year: pd.Series, value: str) -> pd.DataFrame:
    """Coverage of a daily series over each station's evaluation year.

    Parameters
    ----------
    daily : pandas.DataFrame
        Columns ``station_id``, ``date`` (datetime64) and the value column ``value``
        [unit of the series]. Rows of stations not in ``year`` are ignored.
    year : pandas.Series
        Evaluation year of each station [a] (int), indexed by ``station_id`` (unique).
    value : str
        Name of the value column (``flow_m3s``, ``level_m``…).

    Returns
    -------
    pandas.DataFrame
        Index ``station_id`` (every station of ``year``, in its order); columns
        ``days_in_year`` [d] (365 or 366), ``days_with_data`` [d] (dates inside the year with a
        non-NaN value, each date counted once), ``days_missing`` [d], ``coverage`` [-]
        (``days_with_data / days_in_year``) and ``rows_outside_year`` [-] (rows whose date,
        or missing date, is not in that station's year, whatever their value).

    Raises
    ------
    KeyError
        If a column is missing.
    """
    _require(daily, ("station_id", "date", value), "daily")
    years = pd.to_numeric(year, errors="raise").to_numpy(dtype=np.int64)
    index = pd.Index(year.index, dtype=object, name="station_id")
    n = len(index)
    leap = (years % 4 == 0) & ((years % 100 != 0) | (years % 400 == 0))
    days_in_year = np.where(leap, 366, 365).astype(np.int64)

    codes = _positions(pd.factorize(daily["station_id"]), index)
    known = codes >= 0
    dates = pd.to_datetime(daily["date"])
    day, has_date = _day_numbers(dates)
    row_year = dates.dt.year.to_numpy(dtype=float, na_value=np.nan)
    inside = known & has_date & (row_year == years[np.where(known, codes, 0)])
    has_value = ~np.isnan(_floats(daily[value]))

    counted = inside & has_value
    with_data = _distinct_per_code(codes[counted], day[counted], n)
    outside = np.bincount(codes[known & ~inside], minlength=n).astype(np.int64)
    return pd.DataFrame(
        {
            "days_in_year": days_in_year,
            "days_with_data": with_data,
            "days_missing": days_in_year - with_data,
            "coverage": with_data / days_in_year,
            "rows_outside_year": outside,
        },
        index=index,
    )


def days_meeting_share(
    frame: pd.DataFrame, key: str, value: str, threshold: str
) -> pd.DataFrame:
    """Share of days on which a value reaches its threshold, per key.

    Used for water-supply assurance and for the ecological-flow "target" option of SPEC §4.2
    (value = share of days meeting the approved target). A day meets when
    ``value >= threshold`` (row-wise).

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per key and day, with columns ``key``, ``value`` and ``threshold``.
    key : str
        Grouping column (``station_id``, ``intake_id``…).
    value : str
        Column of the daily value [unit of the series, e.g. m³/s].
    threshold : str
        Column of the threshold of that day [same unit as ``value``].

    Returns
    -------
    pandas.DataFrame
        Index ``key`` (sorted, every non-missing key of ``frame``); columns ``days`` [d] (rows
        with both a value and a threshold; a NaN value or threshold cannot be judged and is not
        counted), ``days_meeting`` [d] and ``share`` [-] (fraction; NaN where ``days`` is 0).

    Raises
    ------
    KeyError
        If a column is missing.
    """
    _require(frame, (key, value, threshold), "frame")
    v = _floats(frame[value])
    t = _floats(frame[threshold])
    judged = ~(np.isnan(v) | np.isnan(t))
    flags = pd.DataFrame(
        {
            key: frame[key].to_numpy(dtype=object),
            "days": judged.astype(np.int64),
            "days_meeting": (judged & (v >= np.where(judged, t, 0.0))).astype(np.int64),
        }
    )
    table = flags.groupby(key, sort=True, dropna=True).sum()
    table["share"] = table["days_meeting"] / table["days"].where(table["days"] > 0)
    return table


# --------------------------------------------------------------------------------------------
# ecological flow


def eco_flow_table(
    daily: pd.DataFrame,
    mean_flow: pd.Series,
    *,
    dry_months: Sequence[int],
    wet_months: Sequence[int],
) -> pd.DataFrame:
    """Ecological-flow ratios EF1 and EF2 of every station (SPEC §4.2, ecological flow).

    EF1 = minimum daily flow over the days of ``dry_months`` / multi-year mean flow; EF2 = the
    same over ``wet_months``. The profile gives the month sets (SPEC: Oct–Mar and Apr–Sep).

    Parameters
    ----------
    daily : pandas.DataFrame
        Columns ``station_id``, ``date`` (datetime64) and ``flow_m3s`` [m³/s]: daily mean flow
        of one evaluation year per station (the caller filters). Rows with a missing date or
        flow are not used.
    mean_flow : pandas.Series
        Multi-year mean flow of each station [m³/s], indexed by ``station_id``.
    dry_months : sequence of int
        Months (1–12) of the EF1 period [-].
    wet_months : sequence of int
        Months (1–12) of the EF2 period [-].

    Returns
    -------
    pandas.DataFrame
        Index ``station_id`` (sorted union of the stations of ``daily`` and ``mean_flow``);
        columns ``ef1``, ``ef2`` [-] (fractions: 0.25 = 25 %; NaN where the period has no data
        or the mean flow is missing or ≤ 0), ``ef1_min_flow``, ``ef2_min_flow`` [m³/s],
        ``ef1_date``, ``ef2_date`` (date of the minimum, the first one if tied; NaT without
        data) and ``ef1_days``, ``ef2_days`` [d] (dates with data in each period).

    Raises
    ------
    KeyError
        If a column is missing.
    ValueError
        For a month outside 1–12 or an empty month set.
    """
    _require(daily, ("station_id", "date", "flow_m3s"), "daily")
    periods = {
        "ef1": _month_set(dry_months, "dry_months"),
        "ef2": _month_set(wet_months, "wet_months"),
    }
    dates = pd.to_datetime(daily["date"])
    flow = _floats(daily["flow_m3s"])
    codes, stations = pd.factorize(daily["station_id"])
    used = (codes >= 0) & dates.notna().to_numpy() & ~np.isnan(flow)
    index = _station_index(stations[np.unique(codes[used])], mean_flow.index)
    code = _positions((codes, stations), index)[used]
    stamp, flow = dates.to_numpy()[used], flow[used]
    month = dates.dt.month.to_numpy()[used]
    mf = pd.Series(_floats(mean_flow), index=pd.Index(mean_flow.index, dtype=object))
    mf = mf[~mf.index.duplicated()].reindex(index)
    table = pd.DataFrame(index=index)
    for name, months in periods.items():  # the two periods, not stations
        period = np.isin(month, months)
        lowest = _first_minimum(code[period], flow[period], stamp[period], len(index))
        min_flow = pd.Series(np.where(lowest >= 0, flow[period][lowest], np.nan), index=index)
        table[name] = min_flow / mf.where(mf > 0)
        table[f"{name}_min_flow"] = min_flow
        on = stamp[period][lowest]
        table[f"{name}_date"] = np.where(lowest >= 0, on, np.array("NaT", dtype=on.dtype))
        table[f"{name}_days"] = _distinct_per_code(code[period], stamp[period], len(index))
    columns = ["ef1", "ef2", "ef1_min_flow", "ef1_date", "ef2_min_flow", "ef2_date",
               "ef1_days", "ef2_days"]
    return table[columns]


def eco_flow_ratios(
    daily: pd.Series,
    mean_flow: float,
    *,
    dry_months: Sequence[int] = (10, 11, 12, 1, 2, 3),
    wet_months: Sequence[int] = (4, 5, 6, 7, 8, 9),
) -> tuple[float, float]:
    """EF1 and EF2 of one daily flow series (SPEC §4.2); a wrapper of :func:`eco_flow_table`.

    Parameters
    ----------
    daily : pandas.Series
        Daily mean flow [m³/s] of the evaluation year, indexed by date.
    mean_flow : float
        Multi-year mean flow [m³/s].
    dry_months : sequence of int
        Months of the EF1 period [-]; default Oct–Mar as in SPEC's text (the engine passes the
        profile's).
    wet_months : sequence of int
        Months of the EF2 period [-]; default Apr–Sep.

    Returns
    -------
    tuple of float
        ``(EF1, EF2)`` [-] as fractions; NaN where a period has no data or ``mean_flow`` ≤ 0.
    """
    frame = pd.DataFrame(
        {"station_id": "_", "date": pd.to_datetime(daily.index), "flow_m3s": _floats(daily)}
    )
    table = eco_flow_table(
        frame, pd.Series({"_": mean_flow}), dry_months=dry_months, wet_months=wet_months
    )
    return float(table.at["_", "ef1"]), float(table.at["_", "ef2"])


# --------------------------------------------------------------------------------------------
# minimum ecological water level


def _windows(windows: Iterable[int]) -> list[int]:
    given = list(windows)
    out = [int(w) for w in given]
    if (not out or out[0] < 1 or any(b <= a for a, b in zip(out, out[1:]))
            or any(w != float(x) for w, x in zip(out, given))):
        raise ValueError(f"windows must be increasing whole days ≥ 1, got {given!r}")
    return out


def min_level_ladder(
    levels: pd.DataFrame,
    minimum: pd.Series,
    *,
    windows: Sequence[int],
    tolerance: float = 1e-9,
) -> pd.DataFrame:
    """Moving-mean ladder of the minimum ecological water level (SPEC §4.2).

    Each station's series is laid on a full daily calendar from its first to its last date
    with data. For each window ``w`` the ``w``-day moving mean over consecutive calendar days is
    compared with the station's minimum ecological level: strictly below fails, at the level
    meets. A window containing a day without data has no mean and cannot fail. The station's
    ladder value is the longest ``w`` whose moving mean falls below at least once (0 when every
    day is at or above); the profile turns it into a score (SPEC: 0→100, 1→75, 3→50, 7→30,
    14→20, 30→0).

    The longest failing window is reported, whatever the shorter ones do: a ``w``-day mean can
    only fail if some day fails (so any failing window implies ``below_<first>d`` when the first
    window is 1 day, and a failing ``k·w``-day mean implies a failing ``w``-day mean), but a
    7-day mean can fail while every 3-day mean meets (deviations −2, 1, 1, −2, 1, 1, −2).

    Parameters
    ----------
    levels : pandas.DataFrame
        Columns ``station_id``, ``date`` (datetime64) and ``level_m`` [m]: daily mean water
        level, one evaluation year per station (the caller filters); dates may have gaps. Rows
        with a missing date or level are not used; two rows of one station and date are
        averaged.
    minimum : pandas.Series
        Minimum ecological water level of each station [m], indexed by ``station_id``.
    windows : sequence of int
        Increasing moving-mean window lengths [d], e.g. ``[1, 3, 7, 14, 30]`` (profile).
    tolerance : float
        Numerical tolerance [m]: a mean is below when it is lower than the minimum by more than
        this, so that floating-point noise of a mean that equals the minimum does not fail.

    Returns
    -------
    pandas.DataFrame
        Index ``station_id`` (sorted union of the stations of ``levels`` and ``minimum``);
        columns ``window`` [d] (float: the longest failing window, 0 if none; NaN where the
        station has no level data or no minimum), ``days_below`` [d] (days with a level below
        the minimum), ``lowest_level_m`` [m], ``first_date_below`` (NaT if none) and one bool
        column ``below_<w>d`` per window. (Days with data: :func:`daily_coverage`.)

    Raises
    ------
    KeyError
        If a column is missing.
    ValueError
        If ``windows`` is empty, not increasing or not whole days ≥ 1.
    """
    _require(levels, ("station_id", "date", "level_m"), "levels")
    wins = _windows(windows)
    dates = pd.to_datetime(levels["date"])
    day, has_date = _day_numbers(dates)
    level = _floats(levels["level_m"])
    sid = levels["station_id"].to_numpy(dtype=object)
    used = has_date & ~np.isnan(level) & pd.notna(sid)

    index = _station_index(sid[used], minimum.index)
    n = len(index)
    mins = pd.Series(_floats(minimum), index=pd.Index(minimum.index, dtype=object))
    mins = mins[~mins.index.duplicated()].reindex(index).to_numpy(dtype=float)

    # one value per station and calendar day, sorted by station then day
    per_day = (
        pd.DataFrame({"code": index.get_indexer(sid[used]), "day": day[used],
                      "level": level[used]})
        .groupby(["code", "day"], sort=True)["level"].mean()
        .reset_index()
    )
    code = per_day["code"].to_numpy()
    d = per_day["day"].to_numpy()
    lv = per_day["level"].to_numpy()

    # stacked full calendar: station s occupies positions offset[s] … offset[s] + span[s] − 1
    present, first_row = np.unique(code, return_index=True)  # rows are sorted by code, day
    last_row = np.append(first_row[1:], code.size)[: first_row.size] - 1
    has_data = np.zeros(n, dtype=bool)
    has_data[present] = True
    first = np.zeros(n, dtype=np.int64)
    last = np.full(n, -1, dtype=np.int64)
    first[present] = d[first_row]
    last[present] = d[last_row]
    span = np.where(has_data, last - first + 1, 0)
    offset = np.concatenate([[0], np.cumsum(span)[:-1]])
    station_at = np.repeat(np.arange(n), span)
    deviation = np.full(int(span.sum()), np.nan)  # level − minimum [m]; NaN: no data
    deviation[offset[code] + d - first[code]] = lv - mins[code]

    day_below = deviation < -tolerance  # NaN compares False
    table = pd.DataFrame(index=index)
    below_cols = {}
    longest = np.zeros(n)
    for w in wins:  # the handful of windows, not stations
        if deviation.size < w:
            below_cols[f"below_{w}d"] = np.zeros(n, dtype=bool)
            continue
        # window k covers positions k … k+w−1; a direct sum (not a difference of cumulative
        # sums) keeps the mean monotone in the levels; NaN (a missing day) propagates
        sums = np.lib.stride_tricks.sliding_window_view(deviation, w).sum(axis=1)
        starts = station_at[: sums.size]
        same_station = starts == station_at[w - 1:]
        fails = same_station & (sums / w < -tolerance)
        below = np.bincount(starts[fails], minlength=n) > 0
        below_cols[f"below_{w}d"] = below
        longest = np.where(below, w, longest)

    evaluable = has_data & np.isfinite(mins)
    table["window"] = np.where(evaluable, longest, np.nan)
    table["days_below"] = np.bincount(station_at[day_below], minlength=n).astype(np.int64)
    table["lowest_level_m"] = (
        pd.Series(lv).groupby(code).min().reindex(range(n)).to_numpy(dtype=float)
    )
    pos_below = np.flatnonzero(day_below)
    st_below, first_idx = np.unique(station_at[pos_below], return_index=True)
    first_day = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    hit = pos_below[first_idx]
    first_day[st_below] = (first[st_below] + hit - offset[st_below]).astype("datetime64[D]")
    date_dtype = dates.dtype if isinstance(dates.dtype, np.dtype) else "datetime64[ns]"
    table["first_date_below"] = pd.Series(first_day, index=index).astype(date_dtype)
    for name, below in below_cols.items():
        table[name] = below
    return table


def min_eco_level_window(daily: pd.Series, minimum: float, *, windows: Sequence[int]) -> int:
    """Longest failing moving-mean window of one level series (SPEC §4.2).

    A wrapper of :func:`min_level_ladder` for one station.

    Parameters
    ----------
    daily : pandas.Series
        Daily mean water level [m] of the evaluation year, indexed by date (gaps allowed).
    minimum : float
        Minimum ecological water level [m].
    windows : sequence of int
        Increasing moving-mean window lengths [d] (profile), e.g. ``[1, 3, 7, 14, 30]``.

    Returns
    -------
    int
        The longest window [d] whose moving mean falls below ``minimum`` at least once; 0 when
        every day is at or above.

    Raises
    ------
    ValueError
        If the series has no value or ``minimum`` is missing.
    """
    frame = pd.DataFrame(
        {"station_id": "_", "date": pd.to_datetime(daily.index), "level_m": _floats(daily)}
    )
    table = min_level_ladder(frame, pd.Series({"_": minimum}), windows=windows)
    window = table.at["_", "window"]
    if np.isnan(window):
        raise ValueError("no level data or no minimum ecological level: no ladder value")
    return int(window)
