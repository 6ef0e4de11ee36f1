"""Readers: input packages to raw grids of cells, one per recognised table.

An input package is an ``.xlsx`` workbook (one sheet per table), a folder of ``.csv`` and/or
``.parquet`` files (one file per table) or a mapping of DataFrames. A sheet, file or mapping key
names its table by code or Chinese name (any case, see :func:`health_eval.io.tables.table_spec`);
other names are reported as ``table.unknown`` warnings. Each table is returned as a
:class:`RawTable` and typed in :mod:`health_eval.engine.dataset` (headers, then cells).

A workbook or input path that cannot be read at all (missing, damaged) raises
:class:`~health_eval.issues.InputError` at once; an unreadable file of a folder is reported and
the folder's other files are read.

References: ARCHITECTURE.md §1, §3; the table catalogue in :mod:`health_eval.io.tables`.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import importlib.util
import io
import os
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..issues import InputError, Issue
from .headers import find_header_row, header_text
from .input_issues import INPUT, Origin
from .sheets import clean_text
from .tables import TableSpec, table_spec
from .template_marks import EXAMPLE_SHEET, examples_left

__all__ = ["CSV_ENCODINGS", "RawTable", "read_frames", "read_package"]

#: Encodings tried, in order, for CSV files.
CSV_ENCODINGS = ("utf-8-sig", "gb18030")


@dataclass
class RawTable:
    """One table as read, before header recognition and coercion.

    ``grid`` has positional columns. When ``header`` is None the header row is searched for in
    the grid and grid row ``r`` is user row ``r + 1`` (Excel row / CSV line); otherwise
    ``header`` names the grid's columns and data row ``i`` is user row ``i + 1``.
    ``percent_cells`` (workbooks with a % column) marks the grid's numbers shown in a
    percentage format: Excel stores 85 % as 0.85. ``row_numbers`` (frames only) numbers the
    data rows otherwise: a frame that is part of a larger table (one task of a distributed run)
    keeps the row numbers of the whole. ``warnings`` are problems of reading the file that
    do not stop it (a stray byte-order mark).
    """

    spec: TableSpec
    grid: pd.DataFrame
    header: list | None
    file: str | None
    sheet: str | None
    sha256: str | None
    excel: bool = False
    percent_cells: np.ndarray | None = None
    row_numbers: np.ndarray | None = None
    warnings: list[Issue] = field(default_factory=list)

    @property
    def label(self) -> str:
        """How the source is named in messages about duplicates."""
        if self.sheet:
            return f"{self.file} [{self.sheet}]"
        return self.file or "DataFrame"

    @property
    def empty(self) -> bool:
        """Whether the source holds no header row at all."""
        return self.grid.shape[1] == 0 or (self.header is None and self.grid.shape[0] == 0)

    def split_header(self) -> tuple[list[str], pd.DataFrame, np.ndarray, int]:
        """Split into headers, data rows, their user row numbers and the first one.

        Grids from files: the header row is searched for and grid row ``r`` is user row
        ``r + 1``. Frames and Parquet: the column names are the headers and data row ``i`` is
        row ``i + 1``.
        """
        grid = self.grid
        if self.header is not None:
            rows = np.arange(1, len(grid) + 1, dtype=np.int64)
            if self.row_numbers is not None:
                rows = np.asarray(self.row_numbers, dtype=np.int64)
                if len(rows) != len(grid):
                    raise ValueError(f"{self.spec.name}: {len(rows)} row numbers for "
                                     f"{len(grid)} rows")
            return [header_text(v) for v in self.header], grid, rows, 1
        at = find_header_row(grid, self.spec)
        rows = np.arange(at + 1, len(grid), dtype=np.int64) + 1
        headers = [header_text(v) for v in grid.iloc[at].tolist()]
        return headers, grid.iloc[at + 1:], rows, at + 2


def read_package(shown: str) -> tuple[list[RawTable], list[Issue]]:
    """Read the workbook or folder at path ``shown`` (as the user gave it).

    Returns
    -------
    raws : list of RawTable
        Every recognised table.
    issues : list of Issue
        ``table.unknown`` warnings for sheets and files that name no table.

    Raises
    ------
    InputError
        When the path is missing, is neither a folder nor an ``.xlsx``/``.xlsm`` file, or a
        file in it cannot be read.
    """
    path = Path(shown)
    if path.is_dir():
        return _read_directory(path, shown)
    if path.is_file() and path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_workbook(path, shown)
    raise _file_error(INPUT, shown, "source.format" if path.exists() else "source.not_found")


def read_frames(frames: Mapping[str, pd.DataFrame], *,
                files: Mapping[str, str] | None = None,
                row_numbers: Mapping[str, np.ndarray] | None = None
                ) -> tuple[list[RawTable], list[Issue]]:
    """Wrap DataFrames keyed by table code or Chinese name as raw tables with headers.

    A value that is not a DataFrame is a ``table.unreadable`` error in the returned issues.
    ``files`` names where a frame's rows come from and ``row_numbers`` numbers them (by the
    same keys; default: no file, rows ``1, 2, …``).
    """
    raws: list[RawTable] = []
    issues: list[Issue] = []
    for key, frame in frames.items():
        spec = _recognise(str(key), None, None, issues)
        if spec is None:
            continue
        if not isinstance(frame, pd.DataFrame):
            issues.append(Origin(spec.name, None, None).issue(
                "table.unreadable", "error", detail=type(frame).__name__))
            continue
        raw = _frame_raw(spec, frame, file=(files or {}).get(key), sha256=None)
        raw.row_numbers = (row_numbers or {}).get(key)
        raws.append(raw)
    return raws, issues


#: Sheets that explain the workbook rather than hold data (the template's instructions).
INSTRUCTION_SHEETS = frozenset({"填表说明", "说明", "instructions", "readme", EXAMPLE_SHEET})


def _recognise(name: str, file: str | None, sheet: str | None,
               issues: list[Issue]) -> TableSpec | None:
    """Return the catalogue table ``name`` names; else add a ``table.unknown`` warning (not for
    an instructions sheet, which is expected and skipped)."""
    try:
        return table_spec(name)
    except KeyError:
        if name.strip().casefold() not in INSTRUCTION_SHEETS:
            issues.append(Origin(INPUT, file, sheet).issue("table.unknown", "warning",
                                                           value=name))
        return None


def _file_error(table: str, shown: str, rule: str, **fields) -> InputError:
    """The error for a file (or input path) that cannot be read at all."""
    return InputError([Origin(table, shown, None).issue(rule, "error", **fields)])


def _read_bytes(path: Path, shown: str, table: str) -> tuple[bytes, str]:
    """Return a file's bytes and SHA-256 digest."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _file_error(table, shown, "file.unreadable", detail=str(exc)) from exc
    return data, hashlib.sha256(data).hexdigest()


def _read_workbook(path: Path, shown: str) -> tuple[list[RawTable], list[Issue]]:
    """Read every recognised sheet of an xlsx workbook as a raw grid of cell values."""
    import openpyxl

    data, sha = _read_bytes(path, shown, INPUT)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise _file_error(INPUT, shown, "file.unreadable",
                          detail=f"{type(exc).__name__}: {exc}") from exc
    raws, issues = [], []
    try:
        for sheet in book.worksheets:
            spec = _recognise(sheet.title, shown, sheet.title, issues)
            if spec is None:
                continue
            sheet.reset_dimensions()  # some writers store a wrong dimension; read every row
            try:
                if any(column.unit == "%" for column in spec.columns):
                    grid, percent = _grid_with_percent(sheet)
                else:
                    rows = list(sheet.iter_rows(min_row=1, min_col=1, values_only=True))
                    grid, percent = _grid(rows), None
            except SyntaxError as exc:   # the XML parsers' errors (ParseError) derive from it
                issues.append(_sheet_xml_issue(spec, shown, sheet, data, exc))
                continue
            raws.append(RawTable(spec, grid, None, shown, sheet.title, sha, excel=True,
                                 percent_cells=percent))
        issues += examples_left(book, shown)
    finally:
        book.close()
    return raws, issues


def _sheet_xml_issue(spec: TableSpec, shown: str, sheet, data: bytes, exc: SyntaxError
                     ) -> Issue:
    """The issue of a sheet whose XML cannot be parsed (a raw control character written into a
    cell by a faulty exporter): located at the cell the parser stopped in, when it can be
    found from the parser's line and column."""
    line, column = getattr(exc, "position", None) or (0, 0)
    cell = None
    with contextlib.suppress(KeyError, OSError, zipfile.BadZipFile, AttributeError):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            xml = archive.read(sheet._worksheet_path)
        lines = xml.split(b"\n")
        offset = sum(len(text) + 1 for text in lines[:max(line - 1, 0)]) + column
        refs = list(re.finditer(rb'<c\b[^>]*\br="([A-Z]{1,3})([0-9]+)"', xml[:offset]))
        cell = refs[-1] if refs else None
    where = {} if cell is None else {
        "row": int(cell.group(2)), "value": _xml_text(xml[cell.start():offset + 200])}
    letter = "?" if cell is None else cell.group(1).decode()
    return Origin(spec.name, shown, sheet.title).issue(
        "sheet.xml", "error", cell=letter, detail=str(exc), **where)


def _xml_text(xml: bytes) -> str | None:
    """The text of the first ``<t>`` or ``<v>`` element in ``xml`` (a cell's), control
    characters shown as visible symbols (``␇``)."""
    found = re.search(rb"<(?:t|v)\b[^>]*>(.*?)</(?:t|v)>", xml, re.S)
    return None if found is None else clean_text(found.group(1).decode("utf-8", "replace"))


def _grid(rows: list[tuple]) -> pd.DataFrame:
    """Return ragged rows of cell values as an object grid, padded with None."""
    width = max(map(len, rows), default=0)
    padded = [tuple(row) + (None,) * (width - len(row)) for row in rows]
    return pd.DataFrame(padded, columns=range(width), dtype=object)


def _grid_with_percent(sheet) -> tuple[pd.DataFrame, np.ndarray]:
    """The sheet's grid, and which of its cells are numbers in a percentage format (survey
    tables are small: reading cell objects, slower than values only, costs little)."""
    values, percent = [], []
    for row in sheet.iter_rows(min_row=1, min_col=1):
        values.append(tuple(cell.value for cell in row))
        percent.append(tuple(isinstance(cell.value, int | float) and not isinstance(
            cell.value, bool) and "%" in (getattr(cell, "number_format", None) or "")
            for cell in row))
    return _grid(values), _grid(percent).fillna(False).to_numpy(dtype=bool)


def _read_directory(path: Path, shown: str) -> tuple[list[RawTable], list[Issue]]:
    """Read every recognised ``.csv`` and ``.parquet`` file of a folder.

    Other files are ignored; CSV/Parquet files whose stem is not a table code or Chinese name
    are reported as ``table.unknown`` warnings. A file that cannot be read (encoding, damage)
    is an error in the returned issues, and the other files are read all the same, so that
    every problem of the package is found in one pass.
    """
    raws, issues = [], []
    for entry in sorted(path.iterdir()):
        suffix = entry.suffix.lower()
        if entry.name.startswith(".") or not entry.is_file() or suffix not in (
                ".csv", ".parquet", ".pq"):
            continue
        file = os.path.join(shown, entry.name)
        spec = _recognise(entry.stem, file, None, issues)
        if spec is None:
            continue
        read = _read_csv if suffix == ".csv" else _read_parquet
        try:
            raws.append(read(entry, file, spec))
            issues.extend(raws[-1].warnings)
        except InputError as exc:        # one unreadable file: the others are still read
            issues.extend(exc.issues)
    return raws, issues


def _read_csv(path: Path, shown: str, spec: TableSpec) -> RawTable:
    """Read a CSV file as a grid of text cells (UTF-8, UTF-8 with BOM or GB18030)."""
    data, sha = _read_bytes(path, shown, spec.name)
    text = _decode(data)
    if text is None:
        raise _file_error(spec.name, shown, "file.encoding")
    text, warnings = _without_stray_boms(text, Origin(spec.name, shown, None))
    quote = _unclosed_quote_line(text)
    if quote is not None:
        raise InputError([Origin(spec.name, shown, None).issue(
            "csv.unclosed_quote", "error", row=quote, value=text.splitlines()[quote - 1][:80])])
    try:
        grid = _csv_grid(text)
    except (csv.Error, pd.errors.ParserError) as exc:
        raise _file_error(spec.name, shown, "file.unreadable", detail=str(exc)) from exc
    except pd.errors.EmptyDataError:
        grid = pd.DataFrame()
    return RawTable(spec, grid, None, shown, None, sha, warnings=warnings)


def _csv_grid(text: str) -> pd.DataFrame:
    """The cells of a CSV text as strings, columns numbered from 0. Rows may be ragged: when a
    row is longer than the first, the grid is read again as wide as the longest row."""
    options = {"header": None, "index_col": False, "dtype": str, "keep_default_na": False,
               "skip_blank_lines": False}
    try:
        return pd.read_csv(io.StringIO(text), **options)
    except pd.errors.ParserError:
        width = max(map(len, csv.reader(io.StringIO(text))), default=0)
        return pd.read_csv(io.StringIO(text), names=range(width), **options)


def _without_stray_boms(text: str, origin: Origin) -> tuple[str, list[Issue]]:
    """``text`` without byte-order marks (U+FEFF) past its start — files joined together, or
    a cell pasted from another export — and a ``text.bom`` warning naming each line."""
    if "\ufeff" not in text:
        return text, []
    lines = text.split("\n")
    issues = [origin.issue("text.bom", "warning", row=number)
              for number, line in enumerate(lines, start=1) if "\ufeff" in line]
    return text.replace("\ufeff", ""), issues


def _unclosed_quote_line(text: str) -> int | None:
    """The line (1-based) where a double quote opens a field that no quote closes before the
    end of the file, or None. A quote doubled inside a quoted field (``""``) counts twice, so
    the parity of the count says whether a field is open at the end of a line."""
    if text.count('"') % 2 == 0:       # an even number of odd lines: every field closed
        return None
    open_at, number = None, 0
    for number, line in enumerate(text.split("\n"), start=1):
        if line.count('"') % 2:
            open_at = number if open_at is None else None
    return open_at


def _decode(data: bytes) -> str | None:
    """Decode CSV bytes with the first of CSV_ENCODINGS that fits, or return None."""
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _read_parquet(path: Path, shown: str, spec: TableSpec) -> RawTable:
    """Read a Parquet file with pyarrow; its column names are the headers."""
    if importlib.util.find_spec("pyarrow") is None:
        raise _file_error(spec.name, shown, "dependency.missing")
    data, sha = _read_bytes(path, shown, spec.name)
    try:
        frame = pd.read_parquet(io.BytesIO(data), engine="pyarrow")
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError, ...
        raise _file_error(spec.name, shown, "file.unreadable",
                          detail=f"{type(exc).__name__}: {exc}") from exc
    return _frame_raw(spec, frame, file=shown, sha256=sha)


def _frame_raw(spec: TableSpec, frame: pd.DataFrame, file: str | None,
               sha256: str | None) -> RawTable:
    """Wrap a DataFrame (from the caller or a Parquet file) as a raw table with headers."""
    if any(name is not None for name in frame.index.names):
        frame = frame.reset_index()
    header = list(frame.columns)
    grid = frame.set_axis(range(frame.shape[1]), axis=1).reset_index(drop=True)
    return RawTable(spec, grid, header, file, None, sha256)
