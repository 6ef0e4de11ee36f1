"""The one writer path of tabular outputs: Excel workbooks and CSV files (ARCHITECTURE §7).

Values are written as data, never as something a spreadsheet executes or an XML writer chokes
on:

- text that Excel would read as a formula — beginning with ``=``, ``+``, ``-``, ``@``, a tab or
  a carriage return, or an error code such as ``#N/A`` — is written as text: in a workbook as a
  text cell marked with Excel's quote prefix (the cell shows the text as written and stays text
  when edited), in a CSV file behind a leading apostrophe (OWASP's advice for CSV injection).
  Text that is a plain number (``-3.2``) is harmless and kept as it is; real numbers stay
  numbers;
- control characters (NUL, BEL, ESC …, which XML cannot hold) are replaced by their visible
  symbols (U+2400 …: ``␀``, ``␇``, ``␛``), so the reader sees where they were;
- non-finite numbers (±inf, NaN) are empty cells.

Workbooks are formatted for a technician: a bold header row, frozen, an autofilter, column widths
fitted to the contents, and the ``severity`` column of an issues table coloured. openpyxl is
imported only when a workbook is written: reading CSV or Parquet input and writing CSV or JSON
never load it.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import math
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell

__all__ = ["Sheet", "clean_text", "clean_texts", "csv_text", "display_width", "formula_like",
           "neutral_rows", "write_csv", "write_workbook"]

#: C0 controls but tab, line feed and carriage return; DEL and C1 controls; lone surrogates and
#: the non-characters U+FFFE/U+FFFF (none of them can be written to XML, some not to UTF-8).
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Excel's error values, which a spreadsheet reads as an error, not as text (the same as
#: ``openpyxl.cell.cell.ERROR_CODES``, here so that the text checks need no openpyxl).
ERROR_CODES = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
#: Fill of the severity cell of an issues table (Excel's light red, yellow and blue).
SEVERITY_FILLS = {"error": "FFC7CE", "warning": "FFEB9C", "info": "DDEBF7"}
MAX_WIDTH = 60
MAX_CELL_CHARS = 32_767
#: Rows looked at to fit a column's width (a long table's first rows show its contents).
WIDTH_SAMPLE = 500


def _visible(match: re.Match) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)           # ␀ … ␟
    return "\u2421" if code == 0x7F else "\ufffd"


def clean_text(text: str) -> str:
    """``text`` with every control character replaced by its visible symbol (``␇`` for BEL)."""
    return CONTROL.sub(_visible, text)


def clean_texts(value):
    """``value`` with :func:`clean_text` applied to every string inside it: in (frozen)
    dataclasses, tuples, lists and dicts (a report's document model before it is written)."""
    if isinstance(value, str):
        return clean_text(value) if CONTROL.search(value) else value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: clean_texts(getattr(value, f.name))
                   for f in dataclasses.fields(value) if f.init}
        return dataclasses.replace(value, **changes)
    if isinstance(value, (tuple, list)):
        return type(value)(clean_texts(v) for v in value)
    if isinstance(value, dict):
        return {clean_texts(k): clean_texts(v) for k, v in value.items()}
    return value


def formula_like(text: str) -> bool:
    """Whether a spreadsheet would take ``text`` for a formula or an error value."""
    return ((text.startswith(FORMULA_START) and not _PLAIN_NUMBER.match(text))
            or text in ERROR_CODES)


def _cell_value(value):
    """A Python value a workbook or CSV writer takes: None for missing and non-finite numbers,
    text cleaned of control characters, numpy scalars and timestamps as Python values."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, (datetime.date, datetime.time)):
        return value
    return clean_text(str(value))


def _column_values(column: pd.Series) -> list:
    """A column's values as :func:`_cell_value` makes them (float columns vectorised)."""
    if pd.api.types.is_float_dtype(column.dtype):
        values = column.to_numpy(dtype="float64", na_value=np.nan)
        out = values.astype(object)
        out[~np.isfinite(values)] = None
        return out.tolist()
    return [_cell_value(v) for v in column.tolist()]


def neutral_rows(frame: pd.DataFrame) -> list[list]:
    """The rows of ``frame`` with every value as :func:`_cell_value` makes it."""
    columns = [_column_values(frame[c]) for c in frame.columns] if len(frame.columns) else []
    return [list(row) for row in zip(*columns)] if columns else [[] for _ in range(len(frame))]


def csv_text(value) -> object:
    """One CSV cell: :func:`_cell_value`, formula-like text behind an apostrophe, missing and
    non-finite numbers empty."""
    return _csv_cell(_cell_value(value))


def write_csv(frame: pd.DataFrame, path: str | os.PathLike, header: Sequence[str]) -> None:
    """Write ``frame`` as CSV (UTF-8 with BOM, which Excel opens as UTF-8) with ``header``;
    every cell as :func:`csv_text` makes it."""
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")   # quotes cells holding CR or LF
        writer.writerow([csv_text(h) for h in header])
        writer.writerows([_csv_cell(v) for v in row] for row in neutral_rows(frame))


def _csv_cell(value) -> object:
    """A CSV cell from a neutral value: formula-like text behind an apostrophe, missing empty,
    numbers as Python writes them (round trip exact)."""
    if isinstance(value, str):
        return "'" + value if formula_like(value) else value
    return "" if value is None else value


@dataclass(frozen=True)
class Sheet:
    """One worksheet: its title, its table and the header written above it."""

    title: str
    frame: pd.DataFrame
    header: Sequence[str]


def display_width(text: str) -> int:
    """Display width of ``text`` in a fixed-width font: East Asian wide characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _widths(header: Sequence[str], rows: list[list]) -> list[float]:
    widths = []
    for i, title in enumerate(header):
        longest = max([display_width(str(title))] + [display_width(str(row[i])) for row in rows[:WIDTH_SAMPLE]
                                              if row[i] is not None])
        widths.append(min(MAX_WIDTH, longest + 2))
    return widths


def write_workbook(path: str | os.PathLike, sheets: Sequence[Sheet]) -> None:
    """Write ``sheets`` into one workbook at ``path`` (write-only mode: rows are streamed).

    Every sheet gets a bold, frozen header row, an autofilter over its table and fitted column
    widths; text cells are neutralised (see the module); in a column named ``severity`` the
    cells are coloured by severity.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet in sheets:
        worksheet = book.create_sheet(sheet.title)
        rows = neutral_rows(sheet.frame)
        header = [_cell_value(h) for h in sheet.header]
        for i, width in enumerate(_widths(header, rows), start=1):
            worksheet.column_dimensions[get_column_letter(i)].width = width
        worksheet.freeze_panes = "A2"
        if header:
            worksheet.auto_filter.ref = (f"A1:{get_column_letter(len(header))}"
                                         f"{max(len(rows), 1) + 1}")
        worksheet.append([_styled(worksheet, h, font=bold) for h in header])
        severity = (list(sheet.frame.columns).index("severity")
                    if "severity" in sheet.frame.columns else None)
        fills = {k: PatternFill("solid", fgColor=v) for k, v in SEVERITY_FILLS.items()}
        for row in rows:
            cells = [_xlsx_value(worksheet, v) for v in row]
            if severity is not None and row[severity] in fills:
                cells[severity] = _styled(worksheet, row[severity], fill=fills[row[severity]])
            worksheet.append(cells)
    book.save(path)


def _xlsx_value(worksheet, value):
    """A value as a workbook row takes it: formula-like text as a text cell, text longer than
    a cell holds (32,767 characters) cut with an ellipsis."""
    if not isinstance(value, str):
        return value
    if len(value) > MAX_CELL_CHARS:
        value = value[:MAX_CELL_CHARS - 1] + "…"
    return _text_cell(worksheet, value) if formula_like(value) else value


def _styled(worksheet, value, **style) -> Cell:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import Cell

    cell = _xlsx_value(worksheet, value)
    if not isinstance(cell, Cell):
        cell = WriteOnlyCell(worksheet, value=cell)
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def _text_cell(worksheet, text: str) -> Cell:
    """A cell holding ``text`` as text even though it looks like a formula: string type and
    Excel's quote prefix, left-aligned as text is."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment

    cell = WriteOnlyCell(worksheet, value=text)
    cell.data_type = "s"
    cell.quotePrefix = True
    cell.alignment = Alignment(horizontal="left")
    return cell
