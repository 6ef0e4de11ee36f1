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
import csv as _csv
import io
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...issues import InputError
from ..cells import COERCERS, TEXT_DTYPE, Cells
from ..headers import parameter_header
from ..tables import PARAMETER_UNITS, table_spec
from ..units import UnitError, conversion_factor
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


@dataclass
class _Columns:
    """The export's columns as the importer needs them.

    ``coded`` holds the text columns (断面名称, 监测时间, 站点情况, 水质类别) factorised: codes
    (-1 blank) and distinct texts; ``numbers`` the value columns (NaN where not measured or
    unreadable); ``bad`` and ``shown`` the unreadable cells and their text (fallback path).
    """

    headers: list[str]
    rows: np.ndarray
    coded: dict[str, tuple[np.ndarray, list]]
    numbers: dict[str, np.ndarray]
    bad: dict[str, np.ndarray]
    shown: dict[str, np.ndarray]


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
    parameters = _parameters(row_texts(source.head, at))
    columns = _columns(source, at, parameters)
    rows, n = columns.rows, len(columns.rows)
    issues: list = []
    # stations: names → station codes, once per name; rows carry an index into ``stations``
    name_codes, names = columns.coded[STATION]
    match = match_stations(names, refs.stations)
    issues += station_issues(place, match, names, name_codes, rows, STATION)
    stations = sorted({c for c in match.codes if c is not None})
    index_of = {code: k for k, code in enumerate(stations)}
    of_name = np.array([index_of.get(c, -1) for c in match.codes] + [-1], dtype=np.int64)
    station = of_name[name_codes]
    known = station >= 0
    station_codes = _Lazy(np.array(stations + [None], dtype=object), station)
    # times
    time_codes, times = columns.coded[TIME]
    shown_time = _Lazy(np.array(times + [None], dtype=object), time_codes)
    when, yearless, bad_time = _times(time_codes, times, station_codes, refs)
    issues += cell_issues(place, "import.date_unreadable", bad_time & known, rows, shown_time,
                          TIME)
    issues += _year_warnings(place, shown_time, yearless & known, when, rows)
    valid = known & ~bad_time
    # 站点情况
    if STATE in columns.coded:
        state_codes, states = columns.coded[STATE]
        not_valid = np.append([s not in VALID_STATES for s in states], False)[state_codes]
        invalid = valid & not_valid
        issues += _grouped(place, "import.row_invalid", invalid, station_codes,
                           _Lazy(np.array(states + [None], dtype=object), state_codes), rows,
                           STATE)
        valid &= ~invalid
    # values
    values = []
    for header, _, factor, _ in parameters:
        if header in columns.bad:
            issues += cell_issues(place, "import.value_unreadable", columns.bad[header] & valid,
                                  rows, columns.shown[header], header)
        number = columns.numbers[header]
        issues += _grouped(place, "import.not_measured", valid & np.isnan(number),
                           station_codes, None, rows, header)
        values.append(number[valid] * factor if factor != 1.0 else number[valid])
    classes = None
    if CLASS in columns.coded:
        class_codes, class_values = columns.coded[CLASS]
        classes = _Lazy(np.array(class_values + [None], dtype=object), class_codes[valid])
    days, means = _daily(values, station[valid], when[valid], rows[valid], classes, stations)
    tidy, tidy_rows = _long(days, means, parameters)
    used = int(valid.sum())
    return Imported(TABLE, tidy, tidy_rows, issues, {
        "importer": NAME, "file": source.file, "sheet": source.sheet, "sha256": source.sha256,
        "table": TABLE, "read": n, "used": used, "rejected": n - used,
        "notes": (f"逐时值按测站、日期取日均值（未监测值不计）后再做月、年统计：{used} 行 → {len(days)} 个"
                  f"测站日 / sub-daily values averaged to daily means per station and day "
                  f"(cells not measured left out) before the monthly and annual statistics: "
                  f"{used} rows → {len(days)} station-days; not read: "
                  f"{', '.join(h for h in columns.headers if h in CONTEXT) or '—'}")})


class _Lazy:
    """Texts of a factorised column, looked up only at the positions asked for."""

    def __init__(self, distinct: np.ndarray, codes: np.ndarray):
        self.distinct, self.codes = distinct, codes

    def __getitem__(self, at):
        return self.distinct[self.codes[at]]


def _columns(source: Source, at: int, parameters: list) -> _Columns:
    """Read the data rows: typed by the CSV parser itself when every value cell is a number or
    a mark (:func:`_read_fast`); else every cell as text, so that an unreadable one is
    located."""
    numeric = [p[0] for p in parameters]
    if source.data is not None:
        fast = _read_fast(source.data, at, numeric)
        if fast is not None:
            return fast
        try:
            frame = pd.read_csv(io.BytesIO(source.data), skiprows=at, header=0,
                                dtype="string", keep_default_na=False, skip_blank_lines=False)
        except UnicodeDecodeError as exc:       # UTF-8 at the start only
            raise InputError([Place(TABLE, source.file).issue(
                "import.not_recognised", "error", kind="CSV",
                detail=f"encoding (UTF-8, GB18030): {exc}")]) from exc
        frame.columns = [" ".join(str(c).split()) for c in frame.columns]
        rows = np.arange(len(frame), dtype=np.int64) + at + 2
    else:
        frame, rows = _sheet_frame(source, at)
    frame = frame.apply(lambda s: s.str.strip().replace("", pd.NA))
    coded = {}
    for name in (STATION, TIME, STATE, CLASS):
        if name in frame:
            codes, distinct = pd.factorize(frame[name])
            coded[name] = (codes, [str(v) for v in distinct])
    numbers, bad, shown = {}, {}, {}
    for header in numeric:
        text = frame[header]
        number = pd.to_numeric(text, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        no_value = text.isna().to_numpy() | text.isin(NO_VALUE).to_numpy(dtype=bool)
        numbers[header] = number
        bad[header] = np.isnan(number) & ~no_value
        shown[header] = text.to_numpy(dtype=object)
    return _Columns(list(frame.columns), rows, coded, numbers, bad, shown)


def _read_fast(data: bytes, at: int, numeric: list[str]) -> _Columns | None:
    """The fast path of :func:`_columns` (pandas' C parser: value columns straight to float64
    with the no-value marks as NaN, text columns as categories), or None when a value cell is
    neither a number nor a mark. Blank lines are kept as rows, so rows stay numbered; they are
    then dropped."""
    end = data.find(b"\n", 0)
    for _ in range(at):
        end = data.find(b"\n", end + 1)
    start = data.rfind(b"\n", 0, end) + 1 if end > 0 else 0
    header_line = data[start:end if end >= 0 else None].decode("utf-8").lstrip("\ufeff")
    written = next(iter(_csv.reader([header_line])), [])
    headers = [" ".join(h.split()) for h in written]
    by_header = dict(zip(headers, written))
    types = {by_header[h]: "float64" for h in numeric if h in by_header}
    types.update({by_header[h]: "category" for h in (STATION, TIME, STATE, CLASS)
                  if h in by_header})
    try:
        frame = pd.read_csv(io.BytesIO(data), skiprows=at, header=0, dtype=types,
                            usecols=list(types), na_values=list(NO_VALUE),
                            keep_default_na=False, skip_blank_lines=False)
    except (ValueError, pd.errors.ParserError):   # a cell neither a number nor a mark
        return None
    rows = np.arange(len(frame), dtype=np.int64) + at + 2
    blank = frame.isna().all(axis=1).to_numpy()
    if blank.any():
        frame, rows = frame[~blank].reset_index(drop=True), rows[~blank]
    coded = {}
    for header in (STATION, TIME, STATE, CLASS):
        if header in by_header:
            column = frame[by_header[header]]
            coded[header] = _stripped(column.cat.codes.to_numpy().astype(np.int64),
                                      [str(c) for c in column.cat.categories])
    numbers = {h: frame[by_header[h]].to_numpy(dtype="float64") for h in numeric
               if h in by_header}
    return _Columns(headers, rows, coded, numbers, {}, {})


def _stripped(codes: np.ndarray, distinct: list[str]) -> tuple[np.ndarray, list[str]]:
    """Codes and texts with surrounding spaces stripped (blank texts blank), texts that become
    one merged."""
    cleaned = [d.strip() for d in distinct]
    if cleaned == distinct and all(cleaned):
        return codes, distinct
    renumber, values = pd.factorize(pd.Series(cleaned, dtype=object).replace("", None))
    return np.append(renumber, -1)[codes], [str(v) for v in values]


def _sheet_frame(source: Source, at: int) -> tuple[pd.DataFrame, np.ndarray]:
    """A workbook sheet's data rows as text columns named by their headers, and their rows."""
    grid = source.load()
    headers = row_texts(grid, at)
    data = grid.iloc[at + 1:]
    blank = data.isna().all(axis=1).to_numpy()
    data = data[~blank]
    rows = (np.flatnonzero(~blank) + at + 2).astype(np.int64)
    columns = {h: Cells(None, data.iloc[:, j].reset_index(drop=True)).as_text()
               for j, h in enumerate(headers) if h}
    return pd.DataFrame(columns), rows


def _times(codes: np.ndarray, distinct: list[str], station: _Lazy, refs: References
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Times as datetime64 (NaT where unreadable), which had no year, which are unreadable.

    Each distinct text is parsed once; a time without a year takes the evaluation year of the
    station's water body (of the package when it has one year only).
    """
    texts = pd.Series(distinct, dtype="string")
    parsed = pd.to_datetime(texts, format="%Y-%m-%d %H:%M", errors="coerce")
    rest = parsed.isna().to_numpy()
    if rest.any():
        parsed[rest] = COERCERS["date"](Cells(texts[rest].reset_index(drop=True), None),
                                        False)[0].to_numpy()
    parts = texts.str.extract(_YEARLESS)
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


def _year_warnings(place: Place, shown: _Lazy, yearless: np.ndarray, when: np.ndarray,
                   rows: np.ndarray) -> list:
    """One warning per year assumed for times written without one."""
    if not yearless.any():
        return []
    at = np.flatnonzero(yearless)
    years = pd.DatetimeIndex(when[at]).year.to_numpy()
    distinct, codes = np.unique(years, return_inverse=True)
    counts, first = first_rows(codes, rows[at], len(distinct))
    return [place.issue("import.year_assumed", "warning", row=int(first[k]), column=TIME,
                        value=shown[at[np.flatnonzero(codes == k)[0]]], year=year,
                        n=int(counts[k])) for k, year in enumerate(distinct.tolist())]


def _grouped(place: Place, rule: str, mask: np.ndarray, station: np.ndarray,
             values: _Lazy | None, rows: np.ndarray, column: str) -> list:
    """One warning per station (and value, when ``values`` are given) over the flagged rows,
    with their count and first row."""
    if not mask.any():
        return []
    at = np.flatnonzero(mask)
    frame = pd.DataFrame({"station": station[at], "row": rows[at]})
    keys = ["station"]
    if values is not None:
        frame["value"] = values[at]
        keys.append("value")
    summary = frame.groupby(keys, sort=True, dropna=False)["row"].agg(["min", "size"])
    out = []
    for key, first, n in summary.itertuples(name=None):
        key = key if isinstance(key, tuple) else (key,)
        out.append(place.issue(rule, "warning", row=int(first), column=column,
                               value=key[1] if values is not None else None, station=key[0],
                               n=int(n), marks="、".join(f"“{m}”" for m in NO_VALUE if m)
                               + "、空白 blank"))
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


def _daily(values: list[np.ndarray], station: np.ndarray, when: np.ndarray, rows: np.ndarray,
           classes: _Lazy | None, stations: list[str]) -> tuple[pd.DataFrame, np.ndarray]:
    """Daily means per station and day (NaN cells left out): the days (station, date, first
    row of the day, the day's first 水质类别) and their means, one column per parameter.

    ``station`` indexes ``stations``; rows come in file order (``rows`` ascending), so the
    first row of a day is its first occurrence.
    """
    day = when.astype("datetime64[D]").astype(np.int64)
    first_day = int(day.min()) if len(day) else 0
    key = station * (int(day.max()) - first_day + 1 if len(day) else 1) + (day - first_day)
    distinct, firsts, group = np.unique(key, return_index=True, return_inverse=True)
    n = len(distinct)
    means = np.empty((n, len(values)))
    with np.errstate(invalid="ignore", divide="ignore"):
        for j, column in enumerate(values):    # a bincount per parameter: no per-row Python
            finite = np.isfinite(column)
            means[:, j] = (np.bincount(group, np.where(finite, column, 0.0), n)
                           / np.bincount(group, finite, n))
    days = pd.DataFrame({"station_id": np.array(stations, dtype=object)[station[firsts]],
                         "date": (day[firsts] + np.zeros(1, "datetime64[D]")).astype(
                             "datetime64[ns]"),
                         "row": rows[firsts],
                         "class": classes[firsts] if classes is not None else None})
    return days, means


def _long(days: pd.DataFrame, means: np.ndarray, parameters: list
          ) -> tuple[pd.DataFrame, np.ndarray]:
    """The daily means in the long form of ``wq_samples``: a row per station, day and measured
    parameter, in day order, parameters in column order. Text columns are built from their
    few distinct values (``take``), never cell by cell."""
    at_day, at_param = np.nonzero(np.isfinite(means))
    station_codes, stations = pd.factorize(days["station_id"])

    def text(values, at) -> pd.Series:
        return pd.Series(pd.array(list(values), dtype=TEXT_DTYPE).take(at, allow_fill=True))

    tidy = pd.DataFrame({
        "station_id": text(stations, station_codes[at_day]),
        "date": days["date"].to_numpy()[at_day],
        "parameter": text([p[1] for p in parameters], at_param),
        "value": means[at_day, at_param],
        "unit": text([p[3] for p in parameters], at_param),
    })
    if days["class"].notna().any():
        class_codes, classes = pd.factorize(days["class"])
        tidy[CLASS] = text(classes, class_codes[at_day])
    return tidy, days["row"].to_numpy(dtype=np.int64)[at_day]
