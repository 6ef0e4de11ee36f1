"""Header rows and headers of raw input grids, matched to the table catalogue.

Finds the header row (normally the first; exports often put a title row above it), recognises
each header as a catalogue column (code, Chinese header, either with its unit in brackets),
reports unknown, duplicate, missing and wrong-unit columns, and drops blank rows.

References: ARCHITECTURE.md §1, §3; the table catalogue in :mod:`health_eval.io.tables`.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .cells import Cells, is_blank
from .input_issues import Sink
from .tables import TABLES, Column, TableSpec, code_key, is_sample_table, is_sample_value
from .units import UNITS, UnitError, conversion_factor, known_units, normalise_unit

__all__ = ["HEADER_SCAN_ROWS", "column_of_header", "drop_empty_rows", "find_header_row",
           "header_text", "parameter_header", "recognise_columns"]

#: How many rows at the top of a sheet or file are searched for the header row.
HEADER_SCAN_ROWS = 10
_UNIT_RE = re.compile(r"^(?P<name>.*?)\s*[(（\[【]\s*(?P<unit>[^()（）\[\]【】]*?)\s*[)）\]】]$")


def header_text(value) -> str:
    """A header cell as text: whitespace runs collapsed, stripped; blank cells give ''."""
    if is_blank(value):
        return ""
    return " ".join(str(value).split())


def _unit_problem(unit: str | None, column: Column, spec: TableSpec) -> str | None:
    """None when a header's unit is fine (absent, or convertible to the column's unit; any known
    unit for the values of a sample table); else the units that would be, for the message."""
    if unit is None:
        return None
    if is_sample_value(spec, column):
        return None if normalise_unit(unit) in UNITS else ", ".join(known_units())
    try:
        conversion_factor(unit, column.unit)
    except UnitError:
        return ", ".join(known_units(like=column.unit)) or "—"
    return None


#: Separator of a bilingual header ``Chinese(unit) / code``, as the template writes them.
BILINGUAL_SEPARATOR = " / "


def _match_header(header: str, spec: TableSpec) -> tuple[Column | None, str | None]:
    """Return the column a header names and the unit it gives (None when there is none).

    A bilingual header ``日均流量(m3/s) / flow_m3s`` names a column when both halves name the
    same one.
    """
    if BILINGUAL_SEPARATOR in header:
        chinese, code = header.rsplit(BILINGUAL_SEPARATOR, 1)
        column, unit = _match_header(chinese, spec)
        named = _COLUMN_NAMES[spec.name].get(_header_key(code))
        return (column, unit) if column is not None and named is column else (None, None)
    lookup = _COLUMN_NAMES[spec.name]
    if _header_key(header) in lookup:
        return lookup[_header_key(header)], None
    found = _UNIT_RE.match(header)
    if found and _header_key(found["name"]) in lookup:
        return lookup[_header_key(found["name"])], found["unit"]
    return None, None


def column_of_header(header: str, spec: TableSpec) -> Column | None:
    """The catalogue column of ``spec`` a header names (code, Chinese, with a unit), or None."""
    return _match_header(header, spec)[0]


def parameter_header(header: str, spec: TableSpec) -> tuple[str, str | None] | None:
    """``(parameter code, unit or None)`` when ``header`` names a parameter of a sample table
    (``氨氮(mg/L)``, ``NH3-N``, ``pH值``) — a column of a wide sample sheet — else None."""
    if not is_sample_table(spec):
        return None
    synonyms = spec.column("parameter").code_synonyms()
    if code_key(header) in synonyms:
        return synonyms[code_key(header)], None
    found = _UNIT_RE.match(header)
    if found and code_key(found["name"]) in synonyms:
        return synonyms[code_key(found["name"])], found["unit"]
    return None


def _header_key(text: str) -> str:
    """Header name for matching: case-folded, without any whitespace (``测站\\n编码``)."""
    return "".join(text.split()).casefold()


_COLUMN_NAMES: dict[str, dict[str, Column]] = {
    spec.name: {key: c for c in spec.columns for key in (c.name.casefold(), c.zh.casefold())}
    for spec in TABLES
}


def find_header_row(grid: pd.DataFrame, spec: TableSpec) -> int:
    """Return the grid row holding the headers.

    The first row, when it names at least two columns and at least half of its non-blank cells
    are recognised headers (a merged title cell such as ``浮游植物密度（2021年）`` names one
    column at most and is never taken for the header); otherwise the first of the top
    HEADER_SCAN_ROWS rows naming every required column; otherwise the row naming the most
    columns (missing columns are then reported against it).
    """
    required = set(spec.required_columns)
    best, best_count = 0, 0
    for at in range(min(len(grid), HEADER_SCAN_ROWS)):
        headers = [header_text(v) for v in grid.iloc[at].tolist()]
        names = [c.name for c in (_match_header(h, spec)[0] for h in headers) if c is not None]
        if any(parameter_header(h, spec) for h in headers):      # a wide sample sheet
            names += ["parameter", "value"]
        if at == 0 and len(names) >= 2 and 2 * len(names) >= sum(map(bool, headers)):
            return 0
        if names and required <= set(names):
            return at
        if len(names) > best_count:
            best, best_count = at, len(names)
    return best


def recognise_columns(headers: list[str], cells: list[Cells], spec: TableSpec,
                       sink: Sink) -> tuple[list[tuple[int, Column, str]], list[tuple[int, str]]]:
    """Match headers to catalogue columns; report units, duplicates, unknown and missing ones.

    Returns
    -------
    matched : list of (position, Column, header as written, unit or None)
        The unit is the one the header gives, when it differs from the column's and converts
        to it (for the values of sample tables: any known unit, converted per parameter).
    unknown : list of (position, header) for columns kept as read
    """
    matched: dict[str, tuple[int, Column, str, str | None]] = {}
    unknown: list[tuple[int, str]] = []
    for position, header in enumerate(headers):
        column, unit = _match_header(header, spec)
        if column is None:
            if not cells[position].blank().all() or header:
                name = header or f"column_{position + 1}"
                unknown.append((position, name))
                sink.add("column.unknown", "warning", column=name, header=name)
            continue
        known = _unit_problem(unit, column, spec)
        if known is not None:
            sink.add("column.unit", "error", column=column.name, header=header, unit=unit,
                     expected=column.unit or "—", known=known)
            unit = None
        if column.name in matched:
            sink.add("column.duplicate", "error", column=column.name, header=header,
                     code=column.name, zh=column.zh, first=matched[column.name][2],
                     second=header)
            continue
        matched[column.name] = (position, column, header, unit)
    for column in spec.columns:
        if column.required and column.name not in matched:
            sink.add("column.required", "error", column=column.name, code=column.name,
                     zh=column.zh)
    return list(matched.values()), unknown


def drop_empty_rows(cells: list[Cells], rows: np.ndarray, sink: Sink) -> tuple[np.ndarray, int]:
    """Return which data rows to keep, and how many blank rows lay between data rows.

    Fully blank rows after the last filled row (Excel's formatted-but-empty tail, a CSV's
    trailing blank lines) are dropped quietly; blank rows between data are dropped with a
    ``row.empty`` warning naming each (and counted as read and rejected in the provenance).
    """
    blank = np.ones(len(rows), dtype=bool)
    for c in cells:
        if not blank.any():            # a column without blanks: no row is blank
            break
        blank &= c.blank()
    end = 0 if blank.all() else len(blank) - int(np.argmin(blank[::-1]))  # past the last filled
    interior = blank.copy()
    interior[end:] = False
    sink.cells("row.empty", "warning", interior, rows, None, None)
    return ~blank, int(interior.sum())
