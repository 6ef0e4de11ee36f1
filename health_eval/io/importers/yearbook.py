"""Hydrological yearbook daily tables (逐日平均流量表 / 逐日平均水位表).

Per station and year a matrix of day 1–31 × month 1–12 under a title row naming the station,
the year and the unit (often merged across the sheet)::

    FHGD-HY01 上段水文站  2021 年逐日平均流量表        单位：m³/s
    日  | 一月 | 二月 | … | 十二月
    1   | 2.43 | 3.10 | … | 2.01
    …
    31  | 2.38 |      | … | 1.98
    月平均 | …           (summary rows: 月平均, 最大, 最小, 年统计, 附注 … are ignored)

One sheet or file per station-year. The station is matched by its code or name in the title or
the sheet name; the year is taken from the title (or the sheet name). A value for an impossible
date (2-30, 4-31, 2-29 of a year that is not a leap year) is an error. Yearbook marks after a
number are read by rule and reported once per sheet and mark: a trailing letter or ``*``
(``1.23B``: 整编符号) and brackets (``(1.23)``: 插补或估算) keep the number; ``*``, ``—``,
``--`` alone are no value.

References: SL 460-2009 / GB/T 50095 (hydrological yearbook compilation); SPEC.md §4.2.
"""

from __future__ import annotations

import calendar
import difflib
import re

import numpy as np
import pandas as pd

from ..cells import split_cells
from ..units import UnitError, conversion_factor
from .base import Imported, References, Source, match_stations, normalise_name, row_texts
from .messages import Place

NAME = "yearbook"
TITLE = "水文年鉴逐日表 / hydrological yearbook daily table"

#: Title word → (table, value column, engine unit).
KINDS = {"流量": ("daily_flow", "flow_m3s", "m3/s"), "水位": ("water_level", "level_m", "m")}
_TITLE_RE = re.compile(r"逐日(?:平均)?(流量|水位)")
_MONTHS_ZH = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二")
_NO_VALUE = frozenset({"", "*", "—", "-", "--", "/", "——"})
_NUMBER_RE = r"^(?P<open>[(（])?\s*(?P<number>[-+]?\d+(?:\.\d*)?)\s*(?P<close>[)）])?\s*(?P<mark>[A-Za-z*※]*)$"
#: How each mark is read (zh, en).
MARK_RULES = {"()": ("插补或估算值，数值照读", "interpolated or estimated, the number is read"),
              "letter": ("整编符号，去掉符号后数值照读", "compilation mark, the number is read"),
              "*": ("存疑或不完整，数值照读", "doubtful or incomplete, the number is read")}


def _month(text: str) -> int | None:
    """1–12 for ``一月``, ``1月``, ``1`` (else None)."""
    text = text.replace(" ", "")
    for k, zh in enumerate(_MONTHS_ZH, 1):
        if text in (f"{zh}月", f"{k}月", str(k), f"{k:02d}"):
            return k
    return None


def _month_row(grid: pd.DataFrame) -> int | None:
    """The row naming the twelve months."""
    for at in range(min(len(grid), 12)):
        months = [_month(t) for t in row_texts(grid, at)]
        if sorted(m for m in months if m) == list(range(1, 13)):
            return at
    return None


def detect(source: Source) -> bool:
    """Whether the source is a daily table: a title naming 逐日…流量/水位 and a month row."""
    head = source.head
    title = " ".join(" ".join(row_texts(head, at)) for at in range(len(head)))
    return bool(_TITLE_RE.search(title + (source.sheet or ""))) and _month_row(head) is not None


def read(source: Source, refs: References, options: dict) -> Imported:
    """Read one station-year into ``daily_flow`` or ``water_level`` rows."""
    grid = source.load()
    at = _month_row(grid)
    title = " ".join(" ".join(row_texts(grid, r)) for r in range(at)).strip()
    whole = f"{title} {source.sheet or ''}"
    kind = _TITLE_RE.search(whole).group(1)
    table, column, engine_unit = KINDS[kind]
    place = Place(table, source.file, source.sheet)
    issues: list = []
    year_found = re.search(r"(?<!\d)(\d{4})\s*年?", whole)
    year = int(year_found.group(1)) if year_found else None
    unit_found = re.search(r"单位\s*[:：]\s*([^\s,，;；]+)", whole)
    factor = 1.0
    if unit_found:
        try:
            factor = conversion_factor(unit_found.group(1), engine_unit)
        except UnitError:
            issues.append(place.issue("import.title", "error", row=1, value=title,
                                      what=f"可换算为 {engine_unit} 的单位",
                                      what_en=f"a unit convertible to {engine_unit}"))
    station = _station(whole, refs, place, title, issues)
    if year is None:
        issues.append(place.issue("import.title", "error", row=1, value=title, what="年份",
                                  what_en="year"))
    months = {j: m for j, m in enumerate(_month(t) for t in row_texts(grid, at)) if m}
    day_column = min(months) - 1 if min(months) > 0 else 0
    body = grid.iloc[at + 1:]
    days = pd.to_numeric(split_cells(body.iloc[:, day_column]).as_text(), errors="coerce"
                         ).to_numpy(dtype="float64", na_value=np.nan)
    with np.errstate(invalid="ignore"):
        is_day = (days >= 1) & (days <= 31) & (np.mod(days, 1) == 0)
    day_rows = np.flatnonzero(is_day)
    frame_rows, dates, values = [], [], []
    marks: dict[str, list[tuple[int, str]]] = {}
    filled = 0                                 # cells holding something: read
    for j, month in sorted(months.items(), key=lambda kv: kv[1]):
        header = row_texts(grid, at)[j]
        text = split_cells(body.iloc[day_rows, j]).as_text().fillna("").str.strip()
        parts = text.str.extract(_NUMBER_RE)
        number = pd.to_numeric(parts["number"], errors="coerce").to_numpy(
            dtype="float64", na_value=np.nan)
        day = days[day_rows].astype(int)
        user_rows = (day_rows + at + 2).astype(np.int64)
        empty = text.isin(_NO_VALUE).to_numpy(dtype=bool)
        bad = ~empty & np.isnan(number)
        filled += int((~empty).sum())
        issues += [place.issue("import.value_unreadable", "error", row=int(r), column=header,
                               value=v) for r, v in zip(user_rows[bad], text[bad])]
        if year is None:
            continue
        possible = day <= calendar.monthrange(year, month)[1]
        impossible = ~possible & ~empty
        issues += [place.issue("import.impossible_date", "error", row=int(r), column=header,
                               value=v, month=month, day=int(d))
                   for r, v, d in zip(user_rows[impossible], text[impossible], day[impossible])]
        ok = possible & ~np.isnan(number)
        for kind_mark, mask in _marks(parts).items():
            marks.setdefault(kind_mark, []).extend(
                (int(r), header) for r in user_rows[mask & ok])
        frame_rows.append(user_rows[ok])
        dates.append(pd.to_datetime(pd.DataFrame({"year": year, "month": month,
                                                  "day": day[ok]})).to_numpy())
        values.append(number[ok] * factor)
    for mark, cells in marks.items():
        if cells:
            zh, en = MARK_RULES["letter" if mark not in MARK_RULES else mark]
            row, header = min(cells)
            issues.append(place.issue("import.mark", "warning", row=row, column=header,
                                      value=mark, mark=mark, rule_zh=zh, rule_en=en,
                                      n=len(cells)))
    if station is None:                       # reported: its values cannot be used
        frame_rows, dates, values = [], [], []
    rows = np.concatenate(frame_rows) if frame_rows else np.zeros(0, np.int64)
    frame = pd.DataFrame({"station_id": station,
                          "date": np.concatenate(dates) if dates else np.array([], "M8[ns]"),
                          column: np.concatenate(values) if values else np.array([], float)})
    order = np.lexsort((rows, frame["date"].to_numpy()))
    frame, rows = frame.iloc[order].reset_index(drop=True), rows[order]
    return Imported(table, frame, rows, issues, {
        "importer": NAME, "file": source.file, "sheet": source.sheet, "sha256": source.sha256,
        "table": table, "read": filled, "used": len(frame), "rejected": filled - len(frame),
        "notes": f"{station} {year} 逐日{kind}：{len(frame)} 天有值，汇总行（月平均、最大、最小、年统计）"
                 f"不读 / daily {kind}: {len(frame)} days with a value; summary rows ignored"})


def _marks(parts: pd.DataFrame) -> dict[str, np.ndarray]:
    """Which cells carry which mark: brackets ``()``, or the trailing mark as written."""
    bracket = parts["open"].notna().to_numpy() | parts["close"].notna().to_numpy()
    out = {"()": bracket}
    trailing = parts["mark"].fillna("")
    for mark in trailing[trailing.ne("")].unique():
        out[mark] = trailing.eq(mark).to_numpy()
    return out


def _station(text: str, refs: References, place: Place, title: str, issues: list) -> str | None:
    """The station the title or sheet name names: a ``测站：…``/``站码：…`` field, else the
    longest station code or name found in the text (a name two stations share is an error)."""
    stations = refs.stations
    field = re.search(r"(?:测站|站名|站码|编码|测站编码)\s*[:：]\s*(\S+)", text)
    if field:
        match = match_stations([field.group(1)], stations)
        if match.codes[0] is not None:
            return match.codes[0]
    squeezed = normalise_name(text)
    names = {c: n for c, n in zip(stations["station_id"], stations["name"]) if c}
    by_code = sorted(c for c in names if normalise_name(c) in squeezed)
    if len(by_code) == 1:                      # a code names one station, whatever the name
        return by_code[0]
    found = {c: len(normalise_name(n)) for c, n in names.items()
             if n and normalise_name(n) in squeezed}
    best = max(found.values(), default=0)
    codes = sorted(c for c, n in found.items() if n == best)
    if len(codes) == 1:
        return codes[0]
    if codes:
        issues.append(place.issue("import.station_ambiguous", "error", row=1,
                                  value=names[codes[0]], stations=", ".join(codes)))
        return None
    written = field.group(1) if field else text
    closest = "、".join(difflib.get_close_matches(written, [n for n in names.values() if n],
                                                  n=3, cutoff=0.3)) or "—"
    issues.append(place.issue("import.title", "error", row=1, value=title,
                              what=f"监测站点表中的测站（编码或名称；最接近：{closest}）",
                              what_en=f"station (code or name of the station table; closest: "
                                      f"{closest})"))
    return None
