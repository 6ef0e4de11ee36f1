"""Exports of the surface-water automatic monitoring platform (国家/省地表水自动监测平台).

One row per station and time, the platform's published header::

    省份,流域,断面名称,监测时间,水质类别,水温(℃),pH(无量纲),溶解氧(mg/L),电导率(μS/cm),浊度(NTU),
    高锰酸盐指数(mg/L),氨氮(mg/L),总磷(mg/L),总氮(mg/L),叶绿素α(mg/L),藻密度(cells/L),站点情况

read as it comes (CSV in UTF-8 or GB18030, or xlsx; one file or many):

- ``断面名称`` is matched to the station table's ``测站名称`` (exactly, then normalised); a name
  that is no station is listed once with the closest names and its rows are not used; a name
  two stations share is an error.
- ``监测时间`` holds hours (``2021-01-12 08:00``); ``01-12 08:00`` without a year is read in
  the evaluation year of the station's water body, with a warning.
- ``--``, ``*``, ``/`` and blank cells are "not measured", reported once per column and
  station; ``站点情况`` other than 正常 (维护, 停运, 故障…) makes the row not valid (rejected,
  counted, reported once per station and state).
- Values are converted to the engine's unit of their parameter (叶绿素α mg/L → mg/m³).
- 电导率, 浊度, 藻密度 are kept as parameters and 水质类别 as a column; the evaluation reports
  them as not used.
- The hourly values are averaged to **daily means** per station, day and parameter (ignoring
  cells not measured) before the monthly and annual statistics of the method.

Everything is vectorised: a year of hourly data of 100 stations (876,000 rows) is read in a
few times the time of a plain ``pandas.read_csv`` (``benchmarks/importers.py``).

References: HJ 915-2017 (automatic monitoring of surface water); SPEC.md §5.
"""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pandas as pd

from ...cells import COERCERS, Cells
from ...headers import parameter_header
from ...tables import PARAMETER_UNITS, table_spec
from ...units import UnitError, conversion_factor
from .base import (
    Imported,
    References,
    Source,
    cell_issues,
    find_row,
    first_rows,
    match_stations,
    row_texts,
    station_issues,
)
from .messages import Place

NAME = "cnemc"
TITLE = "地表水自动监测平台导出 / automatic monitoring platform export"
TABLE = "wq_samples"

STATION, TIME, STATE, CLASS = "断面名称", "监测时间", "站点情况", "水质类别"
#: Cells that mean "not measured" on the platform (blank cells too).
NO_VALUE = ("--", "-", "—", "*", "/", "")
#: States of ``站点情况`` that make a row valid.
VALID_STATES = frozenset({"正常"})
#: Context columns not read (the station says where it is).
CONTEXT = ("省份", "流域", "序号")
_YEARLESS = r"^(?P<month>\d{1,2})[-/.月](?P<day>\d{1,2})日?(?:[\sT]+(?P<time>\d{1,2}:\d{2}(?::\d{2})?))?$"


def _is_header(texts: list[str]) -> bool:
    return STATION in texts and TIME in texts


def detect(source: Source) -> bool:
    """Whether the source has the platform's header (断面名称 and 监测时间)."""
    return find_row(source.head, _is_header) is not None


def read(source: Source, refs: References, options: dict) -> Imported:
    """Read one export into ``wq_samples`` rows: daily means per station, day and parameter.

    Parameters
    ----------
    source : Source
        The CSV file or sheet.
    refs : References
        The package's stations (names are matched to them) and water bodies (their evaluation
        year dates times without a year).
    options : dict
        Not used.
    """
    place = Place(TABLE, source.file, source.sheet)
    at = find_row(source.head, _is_header)
    frame, rows = _frame(source, at)
    headers = list(frame.columns)
    issues: list = []
    # stations
    name_codes, names = pd.factorize(frame[STATION])
    names = [str(n) for n in names]
    match = match_stations(names, refs.stations)
    issues += station_issues(place, match, names, name_codes, rows, STATION)
    station = np.array(match.codes + [None], dtype=object)[name_codes]
    known = pd.notna(station) & (name_codes >= 0)
    # times
    when, yearless, bad_time = _times(frame[TIME], station, refs)
    issues += cell_issues(place, "import.date_unreadable", bad_time & known, rows,
                          frame[TIME].to_numpy(dtype=object), TIME)
    issues += _year_warnings(place, frame[TIME], yearless & known, when, rows)
    # validity
    valid = known & ~bad_time
    state = frame[STATE].fillna("正常").str.strip() if STATE in frame else None
    if state is not None:
        invalid = valid & ~state.isin(VALID_STATES).to_numpy(dtype=bool)
        issues += _grouped(place, "import.row_invalid", invalid, station, state.to_numpy(
            dtype=object), rows, STATE)
        valid &= ~invalid
    # values
    parameters = _parameters(headers)
    values, measured, bad = _values(frame, parameters)
    for j, (header, *_) in enumerate(parameters):
        issues += cell_issues(place, "import.value_unreadable", bad[:, j] & valid, rows,
                              frame[header].to_numpy(dtype=object), header)
        marks = frame[header].fillna("").str.strip().to_numpy(dtype=object)
        issues += _grouped(place, "import.not_measured", valid & ~measured[:, j], station,
                           marks, rows, header, per_value=False)
    days, means = _daily(values[valid], station[valid], when[valid], rows[valid],
                         frame[CLASS].to_numpy(dtype=object)[valid] if CLASS in frame else None)
    tidy, tidy_rows = _long(days, means, parameters)
    read_rows = len(frame)
    return Imported(TABLE, tidy, tidy_rows, issues, {
        "importer": NAME, "file": source.file, "sheet": source.sheet, "sha256": source.sha256,
        "table": TABLE, "read": read_rows, "used": int(valid.sum()),
        "rejected": read_rows - int(valid.sum()),
        "notes": (f"逐时值按测站、日期取日均值（未监测值不计）后再做月、年统计：{int(valid.sum())} 行"
                  f" → {len(days)} 个测站日 / sub-daily values averaged to daily means per "
                  f"station and day (cells not measured left out) before the monthly and annual "
                  f"statistics: {int(valid.sum())} rows → {len(days)} station-days; "
                  f"not read: {', '.join(h for h in headers if h in CONTEXT) or '—'}")})


def _frame(source: Source, at: int) -> tuple[pd.DataFrame, np.ndarray]:
    """The data rows as text columns named by their headers, and their user rows."""
    if source.data is not None:
        frame = _read_csv_text(source.data, at)
        rows = np.arange(len(frame), dtype=np.int64) + at + 2
        return frame, rows
    grid = source.load()
    headers = row_texts(grid, at)
    data = grid.iloc[at + 1:]
    blank = data.isna().all(axis=1).to_numpy()
    data = data[~blank]
    rows = (np.flatnonzero(~blank) + at + 2).astype(np.int64)
    columns = {}
    for j, header in enumerate(headers):
        if header:
            columns[header] = Cells(None, data.iloc[:, j].reset_index(drop=True)).as_text() \
                if data.shape[0] else pd.Series([], dtype="string")
    return pd.DataFrame(columns), rows


def _read_csv_text(data: bytes, at: int) -> pd.DataFrame:
    """A CSV export as text columns: pyarrow's parser (threads) when every line after the
    header is a data line, else pandas' (keeps blank lines, so rows stay numbered)."""
    body_lines = data.count(b"\n") - at - 1 + (not data.endswith(b"\n"))
    try:
        frame = pd.read_csv(io.BytesIO(data), skiprows=at, header=0, dtype="string",
                            engine="pyarrow")
    except Exception:  # pyarrow refuses ragged lines: pandas' parser reports them  # noqa: BLE001
        frame = None
    if frame is None or len(frame) != body_lines:
        frame = pd.read_csv(io.BytesIO(data), skiprows=at, header=0, dtype="string",
                            keep_default_na=False, skip_blank_lines=False)
    frame.columns = [" ".join(str(c).split()) for c in frame.columns]
    return frame.apply(lambda s: s.str.strip().replace("", pd.NA))


def _times(text: pd.Series, station: np.ndarray, refs: References
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Times as datetime64 (NaT where unreadable), which had no year, which are unreadable.

    Each distinct text is parsed once; a time without a year takes the evaluation year of the
    station's water body (of the package when it has one year only).
    """
    codes, uniques = pd.factorize(text)
    distinct = pd.Series(np.asarray(uniques, dtype=object), dtype="string")
    parsed = pd.to_datetime(distinct, format="%Y-%m-%d %H:%M", errors="coerce")
    rest = parsed.isna().to_numpy()
    if rest.any():
        parsed[rest] = COERCERS["date"](Cells(distinct[rest].reset_index(drop=True), None),
                                        False)[0].to_numpy()
    parts = distinct.str.extract(_YEARLESS)
    yearless_distinct = parts["month"].notna().to_numpy() & parsed.isna().to_numpy()
    when = np.append(parsed.to_numpy(dtype="datetime64[ns]"), np.datetime64("NaT"))[codes]
    yearless = np.append(yearless_distinct, False)[codes]
    if yearless.any():
        years = refs.station_year(pd.Series(station[yearless])).fillna(refs.default_year())
        part = parts.iloc[codes[yearless]].reset_index(drop=True)
        stamp = pd.to_datetime(pd.DataFrame({
            "year": years.to_numpy(), "month": pd.to_numeric(part["month"]),
            "day": pd.to_numeric(part["day"])}), errors="coerce")
        clock = pd.to_timedelta(part["time"].fillna("0:00").str.replace(
            r"^(\d+:\d+)$", r"\1:00", regex=True), errors="coerce")
        when[yearless] = (stamp + clock).to_numpy(dtype="datetime64[ns]")
    bad = (codes >= 0) & np.isnat(when)
    return when, yearless & ~bad, bad


def _year_warnings(place: Place, text: pd.Series, yearless: np.ndarray, when: np.ndarray,
                   rows: np.ndarray) -> list:
    """One warning per year assumed for times written without one."""
    if not yearless.any():
        return []
    years = pd.DatetimeIndex(when[yearless]).year.to_numpy()
    distinct, codes = np.unique(years, return_inverse=True)
    counts, first = first_rows(codes, rows[yearless], len(distinct))
    shown = text.to_numpy(dtype=object)[yearless]
    out = []
    for k, year in enumerate(distinct.tolist()):
        at = int(np.flatnonzero(codes == k)[0])
        out.append(place.issue("import.year_assumed", "warning", row=int(first[k]),
                               column=TIME, value=shown[at], year=year, n=int(counts[k])))
    return out


def _grouped(place: Place, rule: str, mask: np.ndarray, station: np.ndarray,
             values: np.ndarray, rows: np.ndarray, column: str, per_value: bool = True) -> list:
    """One warning per station (and value, when ``per_value``) over the flagged rows, with
    their count and first row; ``marks`` lists the values met."""
    if not mask.any():
        return []
    frame = pd.DataFrame({"station": station[mask], "value": values[mask], "row": rows[mask]})
    keys = ["station", "value"] if per_value else ["station"]
    out = []
    for key, group in frame.groupby(keys, sort=True, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        first = int(group["row"].min())
        marks = "、".join(f"“{m}”" if m else "空白" for m in sorted(
            group["value"].fillna("").unique()))
        out.append(place.issue(rule, "warning", row=first, column=column,
                               value=key[1] if per_value else None, station=key[0],
                               n=len(group), marks=marks))
    return out


def _parameters(headers: list[str]) -> list[tuple[str, str, float, str | None]]:
    """``(header, parameter, factor, unit)`` of every value column: a parameter of the method
    by its name or alias, else the column's own name (kept; the evaluation reports it as not
    used); the factor and unit that give the engine's unit of the parameter, or 1 and the
    header's unit when it does not convert (the reader then reports it)."""
    spec = table_spec(TABLE)
    found = []
    for header in headers:
        if header in (STATION, TIME, STATE, CLASS) or header in CONTEXT or not header:
            continue
        hit = parameter_header(header, spec)
        name, _, rest = header.replace("（", "(").partition("(")
        written = hit[1] if hit else (rest.rstrip(")） ") or None)
        code = hit[0] if hit else name.strip()
        wanted = PARAMETER_UNITS.get(code)
        factor, unit = 1.0, written
        if wanted is not None and written is not None:
            with contextlib.suppress(UnitError):
                factor, unit = conversion_factor(written, wanted), wanted
        found.append((header, code, factor, unit))
    return found


def _values(frame: pd.DataFrame, parameters: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The value columns as numbers in their parameter's unit (NaN when not measured), which
    cells hold a value, which hold text that is neither a number nor a no-value mark."""
    n, k = len(frame), len(parameters)
    values = np.full((n, k), np.nan)
    measured = np.zeros((n, k), dtype=bool)
    bad = np.zeros((n, k), dtype=bool)
    for j, (header, _, factor, _) in enumerate(parameters):
        text = frame[header]
        numbers = pd.to_numeric(text, errors="coerce").to_numpy(dtype="float64",
                                                                na_value=np.nan)
        no_value = text.isna().to_numpy() | text.isin(NO_VALUE).to_numpy(dtype=bool)
        measured[:, j] = np.isfinite(numbers)
        bad[:, j] = ~measured[:, j] & ~no_value
        values[:, j] = numbers * factor if factor != 1.0 else numbers
    return values, measured, bad


def _daily(values: np.ndarray, station: np.ndarray, when: np.ndarray, rows: np.ndarray,
           classes: np.ndarray | None) -> tuple[pd.DataFrame, np.ndarray]:
    """Daily means per station and day (NaN cells left out): the days (station, date, first
    row of the day, the day's first 水质类别) and their means, one column per parameter."""
    day = when.astype("datetime64[D]")
    keys = pd.DataFrame({"station": pd.array(station, dtype="string"), "day": day})
    group = keys.groupby(["station", "day"], sort=True).ngroup().to_numpy()
    n = int(group.max()) + 1 if len(group) else 0
    finite = np.isfinite(values)
    sums = np.zeros((n, values.shape[1]))
    counts = np.zeros((n, values.shape[1]))
    for j in range(values.shape[1]):       # a bincount per parameter: no per-row Python
        sums[:, j] = np.bincount(group, np.where(finite[:, j], values[:, j], 0.0), n)
        counts[:, j] = np.bincount(group, finite[:, j], n)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = sums / counts
    order = np.lexsort((rows, group))
    firsts = order[np.r_[True, group[order][1:] != group[order][:-1]]] if n else order
    days = pd.DataFrame({"station_id": station[firsts], "date": day[firsts],
                         "row": rows[firsts],
                         "class": classes[firsts] if classes is not None else None})
    return days, means


def _long(days: pd.DataFrame, means: np.ndarray, parameters: list
          ) -> tuple[pd.DataFrame, np.ndarray]:
    """The daily means in the long form of ``wq_samples``: a row per station, day and measured
    parameter, in day order, parameters in column order."""
    at_day, at_param = np.nonzero(np.isfinite(means))
    codes = np.array([p[1] for p in parameters], dtype=object)
    units = np.array([p[3] for p in parameters], dtype=object)
    tidy = pd.DataFrame({
        "station_id": days["station_id"].to_numpy(dtype=object)[at_day],
        "date": days["date"].to_numpy()[at_day],
        "parameter": codes[at_param],
        "value": means[at_day, at_param],
        "unit": units[at_param],
    })
    if days["class"].notna().any():
        tidy[CLASS] = days["class"].to_numpy(dtype=object)[at_day]
    return tidy, days["row"].to_numpy(dtype=np.int64)[at_day]
