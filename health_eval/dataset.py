"""The Dataset: typed input tables, and the readers that build it.

An input package is an ``.xlsx`` workbook (one sheet per table), a folder of ``.csv`` and/or
``.parquet`` files (one file per table) or a mapping of DataFrames. Every reader turns each
table into a grid of raw cells and hands it to one shared function, :func:`_build_table`, which

1. finds the header row (normally the first; exports often put a title row above it),
2. recognises the headers (code, Chinese header, either with its unit in brackets),
3. coerces every column to its catalogue dtype with vectorised parsers,
4. reports every unreadable cell with its user-visible row (Excel row, CSV line).

Problems are collected over all tables and raised together as one :class:`InputError`;
warnings (unknown sheets or columns, skipped empty rows) travel in :attr:`Dataset.issues`.

References: ARCHITECTURE.md §1, §3; the table catalogue in :mod:`health_eval.tables`.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import io
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import zip_longest
from pathlib import Path

import numpy as np
import pandas as pd

from .issues import InputError, Issue
from .tables import CATALOGUE, TABLES, Column, TableSpec, table_spec

__all__ = ["Dataset", "TableSource", "empty_table", "load_dataset"]

#: Issues listed one by one per table and column; the rest are counted in one summary issue.
MAX_ISSUES_PER_COLUMN = 1000
#: How many rows at the top of a sheet or file are searched for the header row.
HEADER_SCAN_ROWS = 10
#: Encodings tried, in order, for CSV files.
CSV_ENCODINGS = ("utf-8-sig", "gb18030")

_STRING = pd.StringDtype()
_INPUT = "input"  # Issue.table for problems not tied to one catalogue table
_EXCEL_EPOCH = "1899-12-30"
_EXCEL_MAX_SERIAL = 2958466  # 10000-01-01
_BOOL_WORDS = {
    "true": True, "false": False, "1": True, "0": False, "yes": True, "no": False,
    "y": True, "n": False, "是": True, "否": False, "√": True, "×": False,
    "有": True, "无": False,
}
_NOT_DETECTED = ("未检出", "nd")
_BELOW_DETECTION_COLUMNS = ("value", "below_detection", "detection_limit")
_DATE_RE = (r"^(?P<year>\d{4})\s*[-/.年]\s*(?P<month>\d{1,2})\s*[-/.月]\s*(?P<day>\d{1,2})\s*日?"
            r"(?:[\sT]+(?P<hour>\d{1,2}):(?P<minute>\d{1,2})(?::(?P<second>\d{1,2}))?)?$")
_UNIT_RE = re.compile(r"^(?P<name>.*?)\s*[(（\[【]\s*(?P<unit>[^()（）\[\]【】]*?)\s*[)）\]】]$")
_LESS_THAN_RE = r"^[<＜]\s*"


# --------------------------------------------------------------------------------------------
# Public records
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TableSource:
    """Where one table was read from.

    Parameters
    ----------
    file : str or None
        Path as given by the user (``None`` for DataFrames).
    sheet : str or None
        Sheet name for xlsx workbooks.
    first_row : int
        Row number the user sees for the first data row: the Excel row number, or the CSV line
        number counting the header line as 1 (a title row above the header shifts both).
        For DataFrames and Parquet files it is 1 (rows are numbered position + 1).
    sha256 : str or None
        SHA-256 hex digest of the file read (``None`` for DataFrames).
    """

    file: str | None
    sheet: str | None
    first_row: int
    sha256: str | None


@dataclass
class Dataset:
    """The typed input tables of one evaluation.

    Parameters
    ----------
    tables : dict of str to DataFrame
        Tables present in the input, by table code. Each has every catalogue column (canonical
        codes, catalogue order, coerced dtypes; columns the input lacked are all-missing), then
        any unrecognised columns as read, and a RangeIndex ``0..n-1`` in input order.
    sources : dict of str to TableSource
        Where each table was read from.
    issues : list of Issue
        Warnings found while reading (errors raise :class:`InputError` instead).
    name : str
        Label of the input package (file or folder name).
    row_numbers : dict of str to ndarray
        User-visible row number of every row of each table (needed because skipped empty rows
        make them non-contiguous). Tables missing here are numbered ``first_row + position``.
    """

    tables: dict[str, pd.DataFrame]
    sources: dict[str, TableSource]
    issues: list[Issue]
    name: str = "dataset"
    row_numbers: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def table(self, name: str) -> pd.DataFrame:
        """Return table ``name`` (code or Chinese name).

        When the table is absent, return an empty frame with every catalogue column in its
        dtype, so callers can merge and group without special cases.

        Raises
        ------
        KeyError
            If ``name`` is neither present nor a catalogue table.
        """
        if name in self.tables:
            return self.tables[name]
        spec = table_spec(name)
        if spec.name in self.tables:
            return self.tables[spec.name]
        return empty_table(spec.name)

    def has(self, name: str) -> bool:
        """Whether table ``name`` (code or Chinese name) is present with at least one row."""
        if name not in self.tables:
            try:
                name = table_spec(name).name
            except KeyError:
                return False
        return name in self.tables and len(self.tables[name]) > 0

    def row_number(self, name: str, index):
        """Return the user-visible row number of rows of table ``name``.

        Parameters
        ----------
        name : str
            Table code.
        index : int or array-like of int or bool
            Positional index (the table has a RangeIndex, so labels are positions), or a boolean
            mask as long as the table.

        Returns
        -------
        int or None, or ndarray
            For a scalar: the row number, or ``None`` when the table is absent or the position
            is out of range. For an array: an int64 array (an object array of ``None`` when the
            table is absent); out-of-range positions raise ``IndexError``.
        """
        rows = self._rows(name)
        if np.ndim(index) == 0:
            if rows is None or not 0 <= int(index) < len(rows):
                return None
            return int(rows[int(index)])
        positions = np.asarray(index)
        if positions.dtype == bool:
            positions = np.flatnonzero(positions)
        if rows is None:
            return np.full(len(positions), None, dtype=object)
        return rows[positions.astype(np.int64)]

    def _rows(self, name: str) -> np.ndarray | None:
        """Row numbers of every row of table ``name``, or ``None`` when it is absent."""
        if name in self.row_numbers:
            return self.row_numbers[name]
        if name not in self.tables:
            return None
        source = self.sources.get(name)
        first = source.first_row if source is not None else 1
        return np.arange(len(self.tables[name]), dtype=np.int64) + first

    def subset(self, water_body_ids) -> Dataset:
        """Return a Dataset holding only the rows of the given water bodies.

        A row belongs to a water body through its ``water_body_id`` column, else through its
        ``segment_id`` (looked up in ``segments``), else through its ``station_id`` (looked up
        in ``stations``, then ``segments``). Tables with none of these columns
        (``benthos_taxa``) are kept whole. Sources, issues and row numbers are kept.

        Parameters
        ----------
        water_body_ids : str or iterable of str
            Water-body codes to keep.
        """
        if isinstance(water_body_ids, str):
            water_body_ids = [water_body_ids]
        keys = {"water_body_id": pd.Index([str(i) for i in water_body_ids])}
        segments = self.table("segments")
        keys["segment_id"] = pd.Index(
            segments.loc[segments["water_body_id"].isin(keys["water_body_id"]), "segment_id"])
        stations = self.table("stations")
        keys["station_id"] = pd.Index(
            stations.loc[stations["segment_id"].isin(keys["segment_id"]), "station_id"])
        tables: dict[str, pd.DataFrame] = {}
        row_numbers: dict[str, np.ndarray] = {}
        for name, frame in self.tables.items():
            keep = _membership(frame, keys)
            tables[name] = frame.loc[keep].reset_index(drop=True)
            row_numbers[name] = self._rows(name)[keep]
        return Dataset(tables=tables, sources=dict(self.sources), issues=list(self.issues),
                       name=self.name, row_numbers=row_numbers)

    def input_hashes(self) -> dict[str, str]:
        """Return ``{file: sha256}`` for every file read, sorted by file."""
        hashes = {s.file: s.sha256 for s in self.sources.values() if s.file and s.sha256}
        return dict(sorted(hashes.items()))

    @classmethod
    def from_frames(cls, frames: Mapping[str, pd.DataFrame], name: str = "frames") -> Dataset:
        """Build a Dataset from DataFrames, recognised and coerced like files.

        Keys are table codes or Chinese names; headers may be codes, Chinese headers or either
        with a unit in brackets. Rows are numbered ``position + 1`` (the first row is row 1) in
        issues. A named index (``set_index("station_id")``) is turned back into columns; an
        unnamed one is dropped. The frames passed in are not modified.

        Raises
        ------
        InputError
            With every problem found, if any is an error.
        """
        raws: list[_RawTable] = []
        issues: list[Issue] = []
        for key, frame in frames.items():
            spec = _recognise_table(str(key))
            if spec is None:
                issues.append(_unknown_table_issue(str(key), None, None))
                continue
            if not isinstance(frame, pd.DataFrame):
                issues.append(_Origin(spec.name, None, None).issue(
                    "table.unreadable", "error", detail=type(frame).__name__))
                continue
            raws.append(_frame_raw(spec, frame, file=None, sha256=None))
        return _assemble(raws, issues, name=name)


def empty_table(name: str) -> pd.DataFrame:
    """Return an empty frame with every catalogue column of table ``name`` in its dtype."""
    spec = table_spec(name)
    return pd.DataFrame({c.name: _missing_series(c, 0) for c in spec.columns})


def load_dataset(source: str | os.PathLike | Mapping[str, pd.DataFrame] | Dataset) -> Dataset:
    """Read an input package into a :class:`Dataset`.

    Parameters
    ----------
    source : path, mapping of DataFrames, or Dataset
        A Dataset is returned as is; a mapping goes to :meth:`Dataset.from_frames`; a path is an
        ``.xlsx`` workbook (one sheet per table) or a folder of ``.csv`` / ``.parquet`` files
        (one file per table, named by table code or Chinese name).

    Raises
    ------
    InputError
        With every problem found in every table, if any is an error.
    """
    if isinstance(source, Dataset):
        return source
    if isinstance(source, Mapping):
        return Dataset.from_frames(source)
    shown = os.fspath(source)
    path = Path(shown)
    if path.is_dir():
        raws, issues = _read_directory(path, shown)
    elif path.is_file() and path.suffix.lower() in (".xlsx", ".xlsm"):
        raws, issues = _read_workbook(path, shown)
    else:
        rule = "source.format" if path.exists() else "source.not_found"
        raise InputError([_Origin(_INPUT, shown, None).issue(rule, "error")])
    return _assemble(raws, issues, name=path.stem or shown)


# --------------------------------------------------------------------------------------------
# Messages
# --------------------------------------------------------------------------------------------

_MESSAGES: dict[str, tuple[str, str]] = {
    "type.float": ("无法将“{value}”读取为数值", "cannot read '{value}' as a number"),
    "type.int": ("无法将“{value}”读取为整数", "cannot read '{value}' as a whole number"),
    "type.bool": ("无法将“{value}”读取为是/否（可填 是/否、true/false、1/0、yes/no、y/n、√/×、有/无）",
                  "cannot read '{value}' as yes/no (use 是/否, true/false, 1/0, yes/no, y/n, "
                  "√/×, 有/无)"),
    "type.date": ("无法将“{value}”读取为日期（可填 2021-03-05、2021/3/5、2021.3.5、2021年3月5日）",
                  "cannot read '{value}' as a date (use 2021-03-05, 2021/3/5, 2021.3.5 or "
                  "2021年3月5日)"),
    "code.unknown": ("“{value}”不是允许的取值，允许：{allowed}",
                     "'{value}' is not an allowed value; allowed: {allowed}"),
    "value.missing": ("必填值为空", "required value is empty"),
    "value.below_detection_without_limit": (
        "“{value}”表示未检出，但该行没有检出限（detection_limit / 检出限）",
        "'{value}' marks a value below detection but the row has no detection limit "
        "(detection_limit / 检出限)"),
    "column.required": ("缺少必填列 {code}（{zh}）", "required column {code} ({zh}) is missing"),
    "column.unit": ("列标题“{header}”的单位“{unit}”与规定单位“{expected}”不符（暂不支持单位换算）",
                    "header '{header}' gives unit '{unit}' but the column is in '{expected}' "
                    "(unit conversion is not supported yet)"),
    "column.duplicate": ("列 {code}（{zh}）出现两次：“{first}”和“{second}”",
                         "column {code} ({zh}) is given twice: '{first}' and '{second}'"),
    "column.unknown": ("无法识别列标题“{header}”，该列原样保留、不参与计算",
                       "unrecognised column '{header}' is kept as is and not used"),
    "row.empty": ("空行已跳过", "empty row skipped"),
    "issues.truncated": ("此列另有 {count} 个问题未逐一列出",
                         "{count} more problems in this column are not listed"),
    "table.unknown": ("无法识别表名“{value}”，未读取", "unrecognised table '{value}' was not read"),
    "table.required": ("缺少必需的表 {code}（{zh}）", "required table {code} ({zh}) is missing"),
    "table.duplicate": ("表 {code}（{zh}）出现两次：{first} 和 {second}",
                        "table {code} ({zh}) is given twice: {first} and {second}"),
    "table.empty": ("表为空（没有标题行），按未提供处理",
                    "table is empty (no header row) and is treated as absent"),
    "table.unreadable": ("不是数据表（{detail}）", "not a table ({detail})"),
    "file.encoding": ("无法识别文件编码（支持 UTF-8、UTF-8 BOM、GB18030）",
                      "cannot decode the file (UTF-8, UTF-8 with BOM and GB18030 are supported)"),
    "file.unreadable": ("无法读取文件：{detail}", "cannot read the file: {detail}"),
    "dependency.missing": ("读取 Parquet 文件需要 pyarrow：pip install health-eval[parquet]",
                           "reading Parquet files needs pyarrow: pip install health-eval[parquet]"),
    "source.not_found": ("找不到输入", "input not found"),
    "source.format": ("不支持的输入：请提供 .xlsx 文件、CSV/Parquet 文件夹或 DataFrame",
                      "unsupported input: give an .xlsx file, a folder of CSV/Parquet files or "
                      "DataFrames"),
}


@dataclass(frozen=True)
class _Origin:
    """Table and place being read; builds located, bilingual issues."""

    table: str
    file: str | None
    sheet: str | None

    def issue(self, rule: str, severity: str, *, row: int | None = None,
              column: str | None = None, header: str | None = None, value: str | None = None,
              **fields) -> Issue:
        """Return an Issue for ``rule``; its messages end with the full location and rule."""
        zh, en = _MESSAGES[rule]
        zh = zh.format(value=value, header=header, **fields)
        en = en.format(value=value, header=header, **fields)
        where_zh, where_en = self._where(row, column, header)
        return Issue(table=self.table, rule=rule, severity=severity,
                     message_zh=f"{zh}（{where_zh}；规则 {rule}）",
                     message_en=f"{en} ({where_en}; rule {rule})",
                     file=self.file, sheet=self.sheet, row=row, column=column, value=value)

    def _where(self, row, column, header) -> tuple[str, str]:
        """Location phrases in Chinese and English."""
        zh, en = ([], []) if self.table == _INPUT else ([f"表 {self.table}"],
                                                         [f"table {self.table}"])
        if self.file:
            zh.append(f"文件 {self.file}")
            en.append(f"file {self.file}")
        if self.sheet:
            zh.append(f"工作表 {self.sheet}")
            en.append(f"sheet {self.sheet}")
        if row is not None:
            zh.append(f"第 {row} 行")
            en.append(f"row {row}")
        if column:
            as_written = header if header and header != column else None
            zh.append(f"列 {column}" + (f"（标题“{as_written}”）" if as_written else ""))
            en.append(f"column {column}" + (f" (header '{as_written}')" if as_written else ""))
        return "，".join(zh), ", ".join(en)


class _Sink:
    """Collects the issues of one table, at most MAX_ISSUES_PER_COLUMN per column."""

    def __init__(self, origin: _Origin):
        self.origin = origin
        self.issues: list[Issue] = []
        self._listed: dict[str | None, int] = {}
        self._dropped: dict[str | None, tuple[int, bool]] = {}

    def add(self, rule: str, severity: str, **kw) -> None:
        """Add one issue (structure problems: columns, tables)."""
        self.issues.append(self.origin.issue(rule, severity, **kw))

    def cells(self, rule: str, severity: str, mask: np.ndarray, rows: np.ndarray,
              cells: _Cells | None, column: str | None, header: str | None = None,
              **fields) -> None:
        """Add one issue per flagged cell; only the flagged positions are visited."""
        positions = np.flatnonzero(mask)
        if not len(positions):
            return
        room = max(MAX_ISSUES_PER_COLUMN - self._listed.get(column, 0), 0)
        shown, hidden = positions[:room], len(positions) - min(room, len(positions))
        values = cells.display(shown) if cells is not None else [None] * len(shown)
        for pos, value in zip(shown.tolist(), values):
            self.add(rule, severity, row=int(rows[pos]), column=column, header=header,
                     value=value, **fields)
        self._listed[column] = self._listed.get(column, 0) + len(shown)
        if hidden:
            count, error = self._dropped.get(column, (0, False))
            self._dropped[column] = (count + hidden, error or severity == "error")

    def finish(self) -> list[Issue]:
        """Return the issues, with one summary per column whose issues were capped."""
        for column, (count, error) in self._dropped.items():
            self.add("issues.truncated", "error" if error else "warning", column=column,
                     count=count)
        return self.issues


def _unknown_table_issue(name: str, file: str | None, sheet: str | None) -> Issue:
    """Warning for a sheet, file or mapping key that is not a catalogue table."""
    return _Origin(_INPUT, file, sheet).issue("table.unknown", "warning", value=name)


# --------------------------------------------------------------------------------------------
# Readers: each returns raw grids for the shared builder
# --------------------------------------------------------------------------------------------

@dataclass
class _RawTable:
    """One table as read, before header recognition and coercion.

    ``grid`` has positional columns. When ``header`` is None the header row is searched for in
    the grid and grid row ``r`` is user row ``r + 1`` (Excel row / CSV line); otherwise
    ``header`` names the grid's columns and data row ``i`` is user row ``i + 1``.
    """

    spec: TableSpec
    grid: pd.DataFrame
    header: list | None
    file: str | None
    sheet: str | None
    sha256: str | None
    excel: bool = False

    @property
    def label(self) -> str:
        """How the source is named in messages about duplicates."""
        if self.sheet:
            return f"{self.file} [{self.sheet}]"
        return self.file or "DataFrame"


def _recognise_table(name: str) -> TableSpec | None:
    """Return the catalogue table whose code or Chinese name equals ``name`` (case, spaces)."""
    return _TABLE_NAMES.get(name.strip().casefold())


_TABLE_NAMES: dict[str, TableSpec] = {
    key: spec for spec in TABLES for key in (spec.name.casefold(), spec.zh.casefold())
}


def _read_bytes(path: Path, shown: str, table: str) -> tuple[bytes, str]:
    """Return a file's bytes and SHA-256 digest."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError([_Origin(table, shown, None).issue(
            "file.unreadable", "error", detail=str(exc))]) from exc
    return data, hashlib.sha256(data).hexdigest()


def _read_workbook(path: Path, shown: str) -> tuple[list[_RawTable], list[Issue]]:
    """Read every recognised sheet of an xlsx workbook as a raw grid of cell values."""
    import openpyxl

    data, sha = _read_bytes(path, shown, _INPUT)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise InputError([_Origin(_INPUT, shown, None).issue(
            "file.unreadable", "error", detail=f"{type(exc).__name__}: {exc}")]) from exc
    raws, issues = [], []
    try:
        for sheet in book.worksheets:
            spec = _recognise_table(sheet.title)
            if spec is None:
                issues.append(_unknown_table_issue(sheet.title, shown, sheet.title))
                continue
            sheet.reset_dimensions()  # some writers store a wrong dimension; read every row
            rows = list(sheet.iter_rows(min_row=1, min_col=1, values_only=True))
            raws.append(_RawTable(spec, _grid(rows), None, shown, sheet.title, sha, excel=True))
    finally:
        book.close()
    return raws, issues


def _grid(rows: list[tuple]) -> pd.DataFrame:
    """Return ragged rows of cell values as an object grid, padded with None."""
    width = max(map(len, rows), default=0)
    padded = [tuple(row) + (None,) * (width - len(row)) for row in rows]
    return pd.DataFrame(padded, columns=range(width), dtype=object)


def _read_directory(path: Path, shown: str) -> tuple[list[_RawTable], list[Issue]]:
    """Read every recognised ``.csv`` and ``.parquet`` file of a folder.

    Other files are ignored; CSV/Parquet files whose stem is not a table code or Chinese name
    are reported as ``table.unknown`` warnings.
    """
    raws, issues = [], []
    for entry in sorted(path.iterdir()):
        suffix = entry.suffix.lower()
        if entry.name.startswith(".") or not entry.is_file() or suffix not in (
                ".csv", ".parquet", ".pq"):
            continue
        file = os.path.join(shown, entry.name)
        spec = _recognise_table(entry.stem)
        if spec is None:
            issues.append(_unknown_table_issue(entry.stem, file, None))
        elif suffix == ".csv":
            raws.append(_read_csv(entry, file, spec))
        else:
            raws.append(_read_parquet(entry, file, spec))
    return raws, issues


def _read_csv(path: Path, shown: str, spec: TableSpec) -> _RawTable:
    """Read a CSV file as a grid of text cells (UTF-8, UTF-8 with BOM or GB18030)."""
    data, sha = _read_bytes(path, shown, spec.name)
    origin = _Origin(spec.name, shown, None)
    text = _decode(data)
    if text is None:
        raise InputError([origin.issue("file.encoding", "error")])
    try:
        width = max(map(len, csv.reader(io.StringIO(text))), default=0)
        grid = pd.read_csv(io.StringIO(text), header=None, names=range(width), index_col=False,
                           dtype=str, keep_default_na=False, skip_blank_lines=False)
    except (csv.Error, pd.errors.ParserError) as exc:
        raise InputError([origin.issue("file.unreadable", "error", detail=str(exc))]) from exc
    except pd.errors.EmptyDataError:
        grid = pd.DataFrame()
    return _RawTable(spec, grid, None, shown, None, sha)


def _decode(data: bytes) -> str | None:
    """Decode CSV bytes with the first of CSV_ENCODINGS that fits, or return None."""
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _read_parquet(path: Path, shown: str, spec: TableSpec) -> _RawTable:
    """Read a Parquet file with pyarrow; its column names are the headers."""
    if importlib.util.find_spec("pyarrow") is None:
        raise InputError([_Origin(spec.name, shown, None).issue("dependency.missing", "error")])
    data, sha = _read_bytes(path, shown, spec.name)
    try:
        frame = pd.read_parquet(io.BytesIO(data), engine="pyarrow")
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError, ...
        raise InputError([_Origin(spec.name, shown, None).issue(
            "file.unreadable", "error", detail=f"{type(exc).__name__}: {exc}")]) from exc
    return _frame_raw(spec, frame, file=shown, sha256=sha)


def _frame_raw(spec: TableSpec, frame: pd.DataFrame, file: str | None,
               sha256: str | None) -> _RawTable:
    """Wrap a DataFrame (from the caller or a Parquet file) as a raw table with headers."""
    if any(name is not None for name in frame.index.names):
        frame = frame.reset_index()
    header = list(frame.columns)
    grid = frame.set_axis(range(frame.shape[1]), axis=1).reset_index(drop=True)
    return _RawTable(spec, grid, header, file, None, sha256)


# --------------------------------------------------------------------------------------------
# Assembly
# --------------------------------------------------------------------------------------------

@dataclass
class _Built:
    """One table after recognition and coercion."""

    frame: pd.DataFrame
    rows: np.ndarray
    source: TableSource


def _assemble(raws: list[_RawTable], issues: list[Issue], name: str) -> Dataset:
    """Build every raw table, check the required tables, raise if any issue is an error."""
    tables: dict[str, pd.DataFrame] = {}
    sources: dict[str, TableSource] = {}
    rows: dict[str, np.ndarray] = {}
    labels: dict[str, str] = {}
    for raw in raws:
        spec = raw.spec
        if spec.name in labels:
            issues.append(_Origin(spec.name, raw.file, raw.sheet).issue(
                "table.duplicate", "error", code=spec.name, zh=spec.zh,
                first=labels[spec.name], second=raw.label))
            continue
        labels[spec.name] = raw.label
        built, table_issues = _build_table(raw)
        issues.extend(table_issues)
        if built is not None:
            tables[spec.name], sources[spec.name] = built.frame, built.source
            rows[spec.name] = built.rows
    for spec in TABLES:
        if spec.required and spec.name not in tables:
            issues.append(_Origin(spec.name, None, None).issue(
                "table.required", "error", code=spec.name, zh=spec.zh))
    if any(issue.severity == "error" for issue in issues):
        raise InputError(issues)
    order = [spec.name for spec in TABLES if spec.name in tables]
    tables = {name: tables[name] for name in order}
    sources = {name: sources[name] for name in order}
    return Dataset(tables=tables, sources=sources, issues=issues, name=name, row_numbers=rows)


def _build_table(raw: _RawTable) -> tuple[_Built | None, list[Issue]]:
    """Recognise headers and coerce every column of one raw table.

    This is the one path shared by the xlsx, CSV, Parquet and DataFrame readers.

    Returns
    -------
    built : _Built or None
        The typed table, or None when the source holds no table at all (``table.empty``).
    issues : list of Issue
        Every problem found in the table.
    """
    spec, grid = raw.spec, raw.grid
    sink = _Sink(_Origin(spec.name, raw.file, raw.sheet))
    if raw.header is None:
        if grid.shape[0] == 0:
            sink.add("table.empty", "warning")
            return None, sink.finish()
        at = _find_header_row(grid, spec)
        headers = [_header_text(v) for v in grid.iloc[at].tolist()]
        data = grid.iloc[at + 1:]
        rows = np.arange(at + 1, len(grid), dtype=np.int64) + 1
        first_row = at + 2
    else:
        if grid.shape[1] == 0:
            sink.add("table.empty", "warning")
            return None, sink.finish()
        headers = [_header_text(v) for v in raw.header]
        data, rows, first_row = grid, np.arange(len(grid), dtype=np.int64) + 1, 1
    cells = [_split_cells(data.iloc[:, j]) for j in range(data.shape[1])]
    if not any(headers) and all(c.blank().all() for c in cells):
        sink.add("table.empty", "warning")
        return None, sink.finish()
    keep = _drop_empty_rows(cells, rows, sink)
    if not keep.all():
        cells = [c.take(keep) for c in cells]
        data, rows = data.iloc[np.flatnonzero(keep)], rows[keep]
    matched, unknown = _recognise_columns(headers, cells, spec, sink)
    values = _coerce_columns(matched, cells, spec, rows, raw.excel, sink)
    frame = _frame(spec, values, unknown, data, len(rows))
    source = TableSource(file=raw.file, sheet=raw.sheet, first_row=first_row, sha256=raw.sha256)
    return _Built(frame, rows, source), sink.finish()


def _frame(spec: TableSpec, values: dict[str, pd.Series], unknown: list[tuple[int, str]],
           data: pd.DataFrame, n: int) -> pd.DataFrame:
    """Assemble the table: catalogue columns in order (missing ones empty), then unknowns."""
    columns = {c.name: values[c.name] if c.name in values else _missing_series(c, n)
               for c in spec.columns}
    for position, header in unknown:
        name, k = header, 1
        while name in columns:
            k += 1
            name = f"{header}.{k}"
        columns[name] = data.iloc[:, position].reset_index(drop=True)
    return pd.DataFrame(columns, index=pd.RangeIndex(n))


def _missing_series(column: Column, n: int) -> pd.Series:
    """An all-missing series of ``n`` rows in the column's dtype."""
    dtypes = {"str": _STRING, "float": "float64", "int": "Int64", "bool": "boolean",
              "date": "datetime64[ns]"}
    return pd.Series([None] * n, dtype=dtypes[column.dtype], index=pd.RangeIndex(n))


def _membership(frame: pd.DataFrame, keys: dict[str, pd.Index]) -> np.ndarray:
    """Rows of ``frame`` whose first link column (water body, segment, station) is in keys."""
    for column in ("water_body_id", "segment_id", "station_id"):
        if column in frame.columns:
            return frame[column].isin(keys[column]).to_numpy(dtype=bool)
    return np.ones(len(frame), dtype=bool)


# --------------------------------------------------------------------------------------------
# Headers
# --------------------------------------------------------------------------------------------

def _header_text(value) -> str:
    """A header cell as text: whitespace runs collapsed, stripped; blank cells give ''."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ""
    return " ".join(str(value).split())


def _normalise_unit(unit: str) -> str:
    """Unit in comparable form: case-folded, ``³``→3, ``²``→2, no spaces."""
    return "".join(unit.casefold().replace("³", "3").replace("²", "2").split())


def _match_header(header: str, spec: TableSpec) -> tuple[Column | None, str | None]:
    """Return the column a header names and the unit it gives (None when there is none)."""
    lookup = _COLUMN_NAMES[spec.name]
    if not header:
        return None, None
    if header.casefold() in lookup:
        return lookup[header.casefold()], None
    found = _UNIT_RE.match(header)
    if found and found["name"].casefold() in lookup:
        return lookup[found["name"].casefold()], found["unit"]
    return None, None


_COLUMN_NAMES: dict[str, dict[str, Column]] = {
    spec.name: {key: c for c in spec.columns for key in (c.name.casefold(), c.zh.casefold())}
    for spec in TABLES
}


def _find_header_row(grid: pd.DataFrame, spec: TableSpec) -> int:
    """Return the grid row holding the headers.

    The first row, when at least half of its non-blank cells are recognised headers; otherwise
    the first of the top HEADER_SCAN_ROWS rows naming every required column; otherwise the
    first row (missing columns are then reported against it).
    """
    required = set(spec.required_columns)
    top = grid.iloc[:HEADER_SCAN_ROWS]
    for at in range(len(top)):
        headers = [_header_text(v) for v in top.iloc[at].tolist()]
        columns = [_match_header(h, spec)[0] for h in headers]
        names = {c.name for c in columns if c is not None}
        if at == 0 and 2 * len([c for c in columns if c]) >= sum(map(bool, headers)) > 0:
            return 0
        if required <= names and names:
            return at
    return 0


def _recognise_columns(headers: list[str], cells: list[_Cells], spec: TableSpec,
                       sink: _Sink) -> tuple[list[tuple[int, Column, str]], list[tuple[int, str]]]:
    """Match headers to catalogue columns; report units, duplicates, unknown and missing ones.

    Returns
    -------
    matched : list of (position, Column, header as written)
    unknown : list of (position, header) for columns kept as read
    """
    matched: dict[str, tuple[int, Column, str]] = {}
    unknown: list[tuple[int, str]] = []
    for position, header in enumerate(headers):
        column, unit = _match_header(header, spec)
        if column is None:
            if not cells[position].blank().all() or header:
                name = header or f"column_{position + 1}"
                unknown.append((position, name))
                sink.add("column.unknown", "warning", column=name, header=name)
            continue
        if unit is not None and _normalise_unit(unit) != _normalise_unit(column.unit):
            sink.add("column.unit", "error", column=column.name, header=header, unit=unit,
                     expected=column.unit or "—")
        if column.name in matched:
            sink.add("column.duplicate", "error", column=column.name, header=header,
                     code=column.name, zh=column.zh, first=matched[column.name][2],
                     second=header)
            continue
        matched[column.name] = (position, column, header)
    for column in spec.columns:
        if column.required and column.name not in matched:
            sink.add("column.required", "error", column=column.name, code=column.name,
                     zh=column.zh)
    return list(matched.values()), unknown


def _drop_empty_rows(cells: list[_Cells], rows: np.ndarray, sink: _Sink) -> np.ndarray:
    """Return which data rows to keep.

    Fully blank rows after the last filled row (Excel's formatted-but-empty tail, a CSV's
    trailing blank lines) are dropped quietly; blank rows between data are dropped with a
    ``row.empty`` warning naming each.
    """
    n = len(rows)
    blank = np.ones(n, dtype=bool)
    for c in cells:
        blank &= c.blank()
    filled = np.flatnonzero(~blank)
    end = filled[-1] + 1 if len(filled) else 0
    interior = blank.copy()
    interior[end:] = False
    sink.cells("row.empty", "warning", interior, rows, None, None)
    keep = ~blank
    return keep


# --------------------------------------------------------------------------------------------
# Cells and coercion
# --------------------------------------------------------------------------------------------

@dataclass
class _Cells:
    """One column of raw cells, split into text and non-text values.

    ``text`` (string dtype) holds the stripped text of text cells and <NA> elsewhere (blank
    text is <NA> too); ``native`` holds non-text values as read (numbers, dates, booleans from
    xlsx, Parquet or typed DataFrames), or is None when the column has none.
    """

    text: pd.Series
    native: pd.Series | None

    def blank(self) -> np.ndarray:
        """Which cells are empty."""
        blank = self.text.isna().to_numpy(dtype=bool)
        if self.native is not None:
            blank = blank & self.native.isna().to_numpy(dtype=bool)
        return blank

    def take(self, keep: np.ndarray) -> _Cells:
        """The cells of the kept rows, renumbered from 0."""
        native = None if self.native is None else self.native[keep].reset_index(drop=True)
        return _Cells(self.text[keep].reset_index(drop=True), native)

    def display(self, positions: np.ndarray) -> list[str | None]:
        """The cells at ``positions`` as text, for messages."""
        out = []
        for pos in positions.tolist():
            text = self.text.iat[pos]
            if not pd.isna(text):
                out.append(str(text))
            elif self.native is not None and not _isna(self.native.iat[pos]):
                out.append(_scalar_text(self.native.iat[pos]))
            else:
                out.append(None)
        return out

    def as_text(self) -> pd.Series:
        """Every cell as stripped text (numbers without a spurious ``.0``), <NA> when blank."""
        if self.native is None:
            return self.text
        return self.text.fillna(_native_text(self.native))


def _isna(value) -> bool:
    """Whether a scalar cell is missing (None, NaN, NaT, NA)."""
    if value is None:
        return True
    return np.ndim(value) == 0 and bool(pd.isna(value))


def _split_cells(column: pd.Series) -> _Cells:
    """Split a raw column into its text cells and its non-text cells."""
    column = column.reset_index(drop=True)
    dtype = column.dtype
    if isinstance(dtype, pd.StringDtype) or (
            dtype == object and pd.api.types.infer_dtype(column, skipna=True) in (
                "string", "empty")):
        return _Cells(_clean_text(column.astype(_STRING)), None)
    if dtype == object:
        is_text = np.fromiter((isinstance(v, str) for v in column.to_numpy()), dtype=bool,
                              count=len(column))
        text = _clean_text(column.where(is_text).astype(_STRING))
        native = column.where(~is_text & column.notna().to_numpy(), None)
        return _Cells(text, native if native.notna().any() else None)
    empty = pd.Series(pd.NA, index=column.index, dtype=_STRING)
    if isinstance(dtype, pd.DatetimeTZDtype):
        column = column.dt.tz_localize(None)
    return _Cells(empty, column)


def _clean_text(text: pd.Series) -> pd.Series:
    """Strip surrounding whitespace; blank text becomes <NA>."""
    text = text.str.strip()
    return text.mask((text == "").fillna(False).to_numpy(dtype=bool))


def _scalar_text(value) -> str:
    """One non-text cell as text: integral floats without ``.0``, dates as ISO."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, pd.Timestamp | np.datetime64) or hasattr(value, "isoformat"):
        stamp = pd.Timestamp(value)
        return stamp.strftime("%Y-%m-%d") if stamp == stamp.normalize() else stamp.isoformat(" ")
    return str(value)


def _native_text(native: pd.Series) -> pd.Series:
    """Non-text cells as text, vectorised for typed columns."""
    if pd.api.types.is_integer_dtype(native.dtype) or pd.api.types.is_bool_dtype(native.dtype):
        return native.astype(_STRING)
    if pd.api.types.is_float_dtype(native.dtype):
        values = native.to_numpy(dtype="float64", na_value=np.nan)
        integral = np.isfinite(values) & (np.mod(values, 1) == 0) & (np.abs(values) < 2**53)
        text = native.astype(_STRING)
        if integral.any():
            text[integral] = pd.Series(values[integral].astype(np.int64)).astype(_STRING).values
        return text
    return native.map(_scalar_text, na_action="ignore").astype(_STRING)


def _coerce_columns(matched: list[tuple[int, Column, str]], cells: list[_Cells],
                    spec: TableSpec, rows: np.ndarray, excel: bool,
                    sink: _Sink) -> dict[str, pd.Series]:
    """Coerce every recognised column; report unreadable and missing required cells."""
    below = None
    bd_table = all(c in spec.column_index for c in _BELOW_DETECTION_COLUMNS)
    values: dict[str, pd.Series] = {}
    for position, column, header in matched:
        raw = cells[position]
        parse = raw
        if bd_table and column.name == "value":
            parse, below = _split_below_detection(raw)
        result, bad = _COERCERS[column.dtype](parse, excel)
        if column.codes is not None:
            result, bad = _map_codes(result, column)
        rule = "code.unknown" if column.codes is not None else f"type.{column.dtype}"
        sink.cells(rule, "error", bad, rows, raw, column.name, header,
                   allowed=_allowed(column))
        if column.required:
            sink.cells("value.missing", "error", raw.blank(), rows, raw, column.name, header)
        values[column.name] = result
    if bd_table:
        _apply_below_detection(values, below, spec, rows, matched, cells, sink)
    return values


def _allowed(column: Column) -> str:
    """Allowed values of a coded column in both languages: ``left (左岸), right (右岸)``."""
    pairs = zip_longest(column.codes or (), column.code_labels or ())
    return ", ".join(f"{code} ({label})" if label else code for code, label in pairs if code)


def _map_codes(text: pd.Series, column: Column) -> tuple[pd.Series, np.ndarray]:
    """Map codes and Chinese labels (any case) to the code; flag everything else."""
    mapped = text.str.casefold().map(column.code_synonyms()).astype(_STRING)
    bad = (text.notna() & mapped.isna()).to_numpy(dtype=bool)
    return mapped, bad


def _to_str(cells: _Cells, excel: bool) -> tuple[pd.Series, np.ndarray]:
    """Text column: stripped, <NA> when blank; never fails."""
    text = cells.as_text()
    return text, np.zeros(len(text), dtype=bool)


def _numbers(cells: _Cells) -> tuple[np.ndarray, np.ndarray]:
    """Cells as float64 (NaN when blank or unreadable) and the mask of unreadable cells."""
    native = cells.native
    if native is not None and cells.text.isna().all() and (
            pd.api.types.is_numeric_dtype(native.dtype)
            and not pd.api.types.is_bool_dtype(native.dtype)):
        numbers = native.to_numpy(dtype="float64", na_value=np.nan).copy()
        return numbers, ~np.isfinite(numbers) & ~np.isnan(numbers)
    combined = cells.text.astype(object)
    if native is not None:
        combined = combined.where(cells.text.notna().to_numpy(), native.astype(object))
    filled = ~cells.blank()
    numbers = np.full(len(combined), np.nan)
    if filled.any():
        parsed = pd.to_numeric(pd.Series(combined.to_numpy()[filled]), errors="coerce")
        numbers[filled] = parsed.to_numpy(dtype="float64", na_value=np.nan)
    return numbers, filled & ~np.isfinite(numbers)


def _to_float(cells: _Cells, excel: bool) -> tuple[pd.Series, np.ndarray]:
    """Float column (float64): text or numeric cells; blank gives NaN."""
    numbers, bad = _numbers(cells)
    numbers[bad] = np.nan
    return pd.Series(numbers, dtype="float64"), bad


def _to_int(cells: _Cells, excel: bool) -> tuple[pd.Series, np.ndarray]:
    """Integer column (nullable Int64): whole numbers only (``3`` or ``3.0``)."""
    numbers, bad = _numbers(cells)
    with np.errstate(invalid="ignore"):
        bad |= np.isfinite(numbers) & ((np.mod(numbers, 1) != 0) | (np.abs(numbers) >= 2**63))
    numbers[bad] = np.nan
    return pd.Series(numbers).astype("Int64"), bad


def _to_bool(cells: _Cells, excel: bool) -> tuple[pd.Series, np.ndarray]:
    """Boolean column (nullable boolean): true/false, 1/0, yes/no, y/n, 是/否, √/×, 有/无."""
    result = cells.text.str.casefold().map(_BOOL_WORDS).astype(object)
    if cells.native is not None:
        native = cells.native.astype(object).map({True: True, False: False})
        result = result.where(cells.text.notna().to_numpy(), native)
    result = result.astype("boolean")
    bad = ~cells.blank() & result.isna().to_numpy(dtype=bool)
    return result, bad


def _to_date(cells: _Cells, excel: bool) -> tuple[pd.Series, np.ndarray]:
    """Date column (datetime64[ns]).

    Text: ``2021-03-05``, ``2021/3/5``, ``2021.3.5``, ``2021年3月5日``, optionally followed by
    ``HH:MM[:SS]``. Non-text: datetime values; numbers only in xlsx, as Excel serial dates.
    """
    result = _parse_date_text(cells.text)
    if cells.native is not None:
        native = _native_dates(cells.native, excel)
        result = result.where(cells.text.notna().to_numpy(), native)
    in_range = (result >= pd.Timestamp.min) & (result <= pd.Timestamp.max)
    result = result.where(in_range.to_numpy(dtype=bool))
    result = pd.Series(result.to_numpy(dtype="datetime64[ns]"), dtype="datetime64[ns]")
    bad = ~cells.blank() & result.isna().to_numpy(dtype=bool)
    return result, bad


def _parse_date_text(text: pd.Series) -> pd.Series:
    """Parse date text; unparseable or invalid dates (``2021-02-30``) give NaT.

    Each distinct text is parsed once: ISO ``%Y-%m-%d`` by pandas' C parser, the rest with one
    pattern covering ``/``, ``.``, ``年月日`` separators and an optional ``HH:MM[:SS]``.
    """
    codes, uniques = pd.factorize(text)
    uniques = pd.Series(np.asarray(uniques, dtype=object), dtype=_STRING)
    parsed = pd.to_datetime(uniques, format="%Y-%m-%d", errors="coerce").astype(
        "datetime64[us]")
    rest = parsed.isna().to_numpy(dtype=bool)
    if rest.any():
        parsed[rest] = _parse_date_pattern(uniques[rest]).to_numpy()
    values = np.append(parsed.to_numpy(dtype="datetime64[us]"), np.datetime64("NaT", "us"))
    return pd.Series(values[codes], index=text.index)  # code -1 (missing) picks the NaT


def _parse_date_pattern(text: pd.Series) -> pd.Series:
    """Parse ``2021/3/5``, ``2021.3.5``, ``2021年3月5日`` (optionally ``HH:MM[:SS]``)."""
    groups = text.str.extract(_DATE_RE)
    parts = pd.DataFrame({
        name: pd.to_numeric(groups[name], errors="coerce").to_numpy(dtype="float64",
                                                                    na_value=np.nan)
        for name in groups.columns})
    matched = parts["year"].notna().to_numpy()
    for name in ("hour", "minute", "second"):
        parts.loc[matched, name] = parts.loc[matched, name].fillna(0.0)
    return pd.to_datetime(parts, errors="coerce").astype("datetime64[us]")


def _native_dates(native: pd.Series, excel: bool) -> pd.Series:
    """Non-text date cells: datetime values as they are; numbers as Excel serials (xlsx only)."""
    if pd.api.types.is_datetime64_any_dtype(native.dtype):
        return native.astype("datetime64[us]")
    numbers = pd.to_numeric(native.astype(object), errors="coerce")
    is_number = numbers.notna().to_numpy(dtype=bool)
    out = pd.Series(pd.NaT, index=native.index, dtype="datetime64[us]")
    if excel and is_number.any():
        serial = numbers.where((numbers >= 1) & (numbers < _EXCEL_MAX_SERIAL))
        out[is_number] = pd.to_datetime(serial[is_number], unit="D", origin=_EXCEL_EPOCH,
                                        errors="coerce").astype("datetime64[us]")
    others = native.notna().to_numpy(dtype=bool) & ~is_number
    if others.any():
        out[others] = _datetimes(native[others]).astype("datetime64[us]")
    return out


def _datetimes(values: pd.Series) -> pd.Series:
    """Convert datetime-like objects; anything else (times, text-like objects) gives NaT."""
    try:
        converted = pd.to_datetime(values, errors="coerce")
    except (TypeError, ValueError):  # mixed objects pandas refuses even with coerce
        converted = pd.to_datetime(values.map(_one_datetime), errors="coerce", utc=True)
    if isinstance(converted.dtype, pd.DatetimeTZDtype):
        converted = converted.dt.tz_localize(None)
    return converted


def _one_datetime(value) -> pd.Timestamp:
    """One datetime-like object as a Timestamp, NaT when it is not one."""
    try:
        return pd.Timestamp(value)
    except (TypeError, ValueError):
        return pd.NaT


_COERCERS = {"str": _to_str, "float": _to_float, "int": _to_int, "bool": _to_bool,
             "date": _to_date}


# --------------------------------------------------------------------------------------------
# Below detection (wq_samples, drinking_source_samples)
# --------------------------------------------------------------------------------------------

@dataclass
class _BelowDetection:
    """Where a value column said ``<x`` (less_than) or ``未检出``/``ND`` (not_detected)."""

    less_than: np.ndarray
    not_detected: np.ndarray


def _split_below_detection(cells: _Cells) -> tuple[_Cells, _BelowDetection]:
    """Strip ``<``/``＜`` from ``<0.01`` and blank out ``未检出``/``ND`` before parsing numbers."""
    less_than = cells.text.str.match(_LESS_THAN_RE).fillna(False).to_numpy(dtype=bool)
    limit = cells.text.str.replace(_LESS_THAN_RE, "", regex=True)
    not_detected = cells.text.str.casefold().isin(_NOT_DETECTED).to_numpy(dtype=bool)
    text = cells.text.where(~less_than, limit).mask(not_detected)
    return _Cells(text, cells.native), _BelowDetection(less_than, not_detected)


def _apply_below_detection(values: dict[str, pd.Series], below: _BelowDetection | None,
                           spec: TableSpec, rows: np.ndarray,
                           matched: list[tuple[int, Column, str]], cells: list[_Cells],
                           sink: _Sink) -> None:
    """Fill ``below_detection`` and ``detection_limit`` from ``<x`` and ``未检出`` values.

    ``<0.01`` gives value 0.01, below_detection True and, when the row has none,
    detection_limit 0.01. ``未检出``/``ND`` gives below_detection True and value = the row's
    detection_limit; without one it is an error. below_detection is False where not stated.
    """
    n = len(rows)
    detected = values.get("below_detection")
    flag = (detected if detected is not None else _missing_series(
        spec.column("below_detection"), n)).fillna(False).astype("boolean")
    limit = values.get("detection_limit", pd.Series(np.nan, index=pd.RangeIndex(n)))
    if below is not None and "value" in values:
        value = values["value"]
        limit = limit.where(~(below.less_than & limit.isna().to_numpy()), value)
        flag = flag | below.less_than | below.not_detected
        no_limit = below.not_detected & limit.isna().to_numpy(dtype=bool)
        position, _, header = next(m for m in matched if m[1].name == "value")
        sink.cells("value.below_detection_without_limit", "error", no_limit, rows,
                   cells[position], "value", header)
        values["value"] = value.where(~below.not_detected, limit)
    values["below_detection"] = flag.astype("boolean")
    values["detection_limit"] = limit.astype("float64")
