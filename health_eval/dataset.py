"""The Dataset: the typed input tables of one evaluation, and their assembly.

:func:`load_dataset` and :meth:`Dataset.from_frames` read an input package with
:mod:`health_eval.readers` into raw tables, and :func:`_build_table` types each with the shared
steps of :mod:`health_eval.headers` (header row, header recognition) and
:mod:`health_eval.cells` and :mod:`health_eval.columns` (cell coercion). Problems are
collected over all tables and raised together as one :class:`~health_eval.issues.InputError`;
warnings (unknown sheets or columns, skipped empty rows) travel in :attr:`Dataset.issues`.

References: ARCHITECTURE.md §1, §3; the table catalogue in :mod:`health_eval.tables`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .cells import missing_series, split_cells
from .columns import coerce_columns, looks_up
from .headers import column_of_header, drop_empty_rows, recognise_columns
from .input_issues import Origin, Sink
from .io.importers import import_into
from .issues import InputError, Issue
from .lookup import is_in
from .readers import RawTable, read_frames, read_package
from .tables import TABLES, TableSpec, table_spec
from .wide import melt_wide_samples

__all__ = ["Dataset", "TableSource", "empty_table", "load_dataset"]

#: The tables names in bureau files are matched to (:func:`load_dataset` with ``files``).
REFERENCE_TABLES = ("water_bodies", "segments", "stations")


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
    root : str or None
        Absolute path of the folder holding the input package; :meth:`input_hashes` names
        files relative to it. ``None`` (DataFrames) names them as given.
    blank_rows : dict of str to int
        Blank rows between data rows that reading skipped (with a ``row.empty`` warning), per
        table; they count as read and rejected (:func:`health_eval.validation.row_accounts`).
    imports : list of dict
        One record per bureau file or sheet read by an importer (:mod:`health_eval.io.importers`):
        importer, file, sheet, sha256, table, rows read / used / rejected, notes.

    Notes
    -----
    The tables are read-only once loaded: validation and the indicators share the
    factorisations of their columns (:meth:`factorized`). A table replaced in :attr:`tables`
    is factorised anew; a table changed in place is not noticed.
    """

    tables: dict[str, pd.DataFrame]
    sources: dict[str, TableSource]
    issues: list[Issue]
    name: str = "dataset"
    row_numbers: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    root: str | None = None
    blank_rows: dict[str, int] = field(default_factory=dict)
    imports: list[dict] = field(default_factory=list)
    _factorized: dict[tuple[str, str, bool], tuple[pd.DataFrame, np.ndarray, pd.Index]] = field(
        default_factory=dict, init=False, repr=False, compare=False)

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

    def factorized(self, name: str, column: str, sort: bool = False
                   ) -> tuple[np.ndarray, pd.Index]:
        """``pd.factorize(column, sort=sort)`` of table ``name``: codes (-1 where missing) and
        the distinct values, in order of appearance or sorted; worked out once per table and
        column (read-only).

        A 2.7 M-row ``station_id`` takes about 30 ms to factorise; validation and every
        indicator (of every profile) that reads the column share one factorisation. The sorted
        codes are the unsorted ones renumbered by the rank of their value.
        """
        frame = self.table(name)
        cached = self._factorized.get((name, column, sort))
        if cached is None or cached[0] is not frame:
            if sort:
                codes, distinct = self.factorized(name, column)
                order = distinct.argsort()
                rank = np.empty(len(order) + 1, dtype=codes.dtype)
                rank[order], rank[-1] = np.arange(len(order)), -1    # code -1 stays -1
                cached = (frame, rank[codes], distinct[order])
            else:
                cached = (frame, *pd.factorize(frame[column]))
            self._factorized[name, column, sort] = cached
        return cached[1], cached[2]

    def share_factorized(self, name: str, column: str, codes: np.ndarray,
                         distinct: pd.Index) -> None:
        """Record the factorisation of ``column`` of table ``name`` when it is known without
        factorising (the confidence replicates: each id made from its input's code): codes
        (-1 where missing) into ``distinct``, which may hold values of no row;
        :meth:`factorized` then returns it."""
        self._factorized[name, column, False] = (self.table(name), codes, distinct)

    def location(self, name: str) -> dict[str, str | None]:
        """``{"file": …, "sheet": …}`` of table ``name``, for locating issues (None if unknown)."""
        source = self.sources.get(name)
        return {"file": source.file if source else None,
                "sheet": source.sheet if source else None}

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
            segments.loc[is_in(segments["water_body_id"], keys["water_body_id"]), "segment_id"])
        stations = self.table("stations")
        keys["station_id"] = pd.Index(
            stations.loc[is_in(stations["segment_id"], keys["segment_id"]), "station_id"])
        tables: dict[str, pd.DataFrame] = {}
        row_numbers: dict[str, np.ndarray] = {}
        for name, frame in self.tables.items():
            keep = _membership(frame, keys)
            tables[name] = frame.loc[keep].reset_index(drop=True)
            row_numbers[name] = self._rows(name)[keep]
        return Dataset(tables=tables, sources=dict(self.sources), issues=list(self.issues),
                       name=self.name, row_numbers=row_numbers, root=self.root,
                       imports=list(self.imports))

    def input_hashes(self) -> dict[str, str]:
        """Return ``{file: sha256}`` for every file read, sorted by file.

        Files are named relative to :attr:`root`, the folder holding the input package, with
        ``/`` separators: ``demo/河湖名录.csv`` for the folder ``/x/demo``, ``in.xlsx`` for the
        workbook ``/x/in.xlsx``. So the keys do not depend on where the package is stored.
        """
        hashes = {self._relative(s.file): s.sha256
                  for s in self.sources.values() if s.file and s.sha256}
        hashes.update({self._relative(i["file"]): i["sha256"] for i in self.imports})
        return dict(sorted(hashes.items()))

    def _relative(self, file: str) -> str:
        """``file`` relative to :attr:`root` (as given when there is no root)."""
        if self.root is None:
            return file
        return Path(os.path.relpath(file, self.root)).as_posix()

    @classmethod
    def from_frames(cls, frames: Mapping[str, pd.DataFrame], name: str = "frames", *,
                    files: Mapping[str, str] | None = None,
                    row_numbers: Mapping[str, np.ndarray] | None = None) -> Dataset:
        """Build a Dataset from DataFrames, recognised and coerced like files.

        Keys are table codes or Chinese names; headers may be codes, Chinese headers or either
        with a unit in brackets. Rows are numbered ``position + 1`` (the first row is row 1) in
        issues, or as ``row_numbers`` (by the same keys) gives them, and issues name the file of
        ``files`` if any: frames that are parts of larger tables keep their rows' places in the
        whole (:mod:`health_eval.distributed`). A named index (``set_index("station_id")``) is
        turned back into columns; an unnamed one is dropped. The frames passed in are not
        modified.

        Raises
        ------
        InputError
            With every problem found, if any is an error.
        """
        raws, issues = read_frames(frames, files=files, row_numbers=row_numbers)
        return _assemble(raws, issues, name=name, root=None)


def empty_table(name: str) -> pd.DataFrame:
    """Return an empty frame with every catalogue column of table ``name`` in its dtype."""
    spec = table_spec(name)
    return pd.DataFrame({c.name: missing_series(c, 0) for c in spec.columns})


def load_dataset(source: str | os.PathLike | Mapping[str, pd.DataFrame] | Dataset,
                 importers: Sequence[str] | None = None, *, files: Sequence[str] = (),
                 import_options: Mapping | None = None, strict: bool = True) -> Dataset:
    """Read an input package into a :class:`Dataset`.

    Parameters
    ----------
    source : path, mapping of DataFrames, or Dataset
        A Dataset is returned as is; a mapping goes to :meth:`Dataset.from_frames`; a path is an
        ``.xlsx`` workbook (one sheet per table) or a folder of ``.csv`` / ``.parquet`` files
        (one file per table, named by table code or Chinese name). Its files and sheets that
        name no table are offered to the importers (:func:`health_eval.io.importers.import_into`).
    importers : sequence of str, optional
        The importers to use (``["cnemc"]``); default every one, by detection.
    files, import_options
        Bureau files to import (each must be recognised), and the importers' options
        (``map``). With files, the package gives only the tables their names are matched to
        (water bodies, segments, stations): ``health-eval import``.
    strict : bool
        False: a path is read as far as it can be, its errors kept in :attr:`Dataset.issues`
        (a cell that cannot be read is missing, a table that cannot be read is absent), so
        that ``validate`` checks the rest in the same pass. Such a dataset must not be
        evaluated.

    Raises
    ------
    InputError
        With every problem found in every table, if any is an error (``strict``), or when the
        path cannot be read at all.
    """
    if isinstance(source, Dataset):
        return source
    if isinstance(source, Mapping):
        return Dataset.from_frames(source)
    shown = os.fspath(source)
    raws, issues = read_package(shown)
    if files:
        raws = [raw for raw in raws if raw.spec.name in REFERENCE_TABLES]
    raws, imported, issues, imports = import_into(raws, issues, shown, importers, files,
                                                  import_options)
    root = os.path.dirname(os.path.abspath(shown))
    dataset = _assemble(raws, issues, name=Path(shown).stem or shown, root=root,
                        strict=strict, imported=imported)
    dataset.imports = imports
    return dataset


def _membership(frame: pd.DataFrame, keys: dict[str, pd.Index]) -> np.ndarray:
    """Rows of ``frame`` whose first link column (water body, segment, station) is in keys."""
    for column in ("water_body_id", "segment_id", "station_id"):
        if column in frame.columns:
            return is_in(frame[column], keys[column])
    return np.ones(len(frame), dtype=bool)


# --------------------------------------------------------------------------------------------
# Assembly
# --------------------------------------------------------------------------------------------

@dataclass
class _Built:
    """One table after recognition and coercion."""

    frame: pd.DataFrame
    rows: np.ndarray
    source: TableSource
    blank_rows: int


def _assemble(raws: list[RawTable], issues: list[Issue], name: str,
              root: str | None, strict: bool = True,
              imported: list[RawTable] = ()) -> Dataset:
    """Build every raw table, check the required tables, raise if any issue is an error
    (when ``strict``; else keep the errors in the issues).

    ``imported`` raws (one per bureau file or sheet) are built one by one, so that reading
    problems name their file and sheet, and those of one table are then joined.
    """
    tables: dict[str, pd.DataFrame] = {}
    sources: dict[str, TableSource] = {}
    rows: dict[str, np.ndarray] = {}
    blank_rows: dict[str, int] = {}
    labels: dict[str, str] = {}
    for raw in raws:
        spec = raw.spec
        if spec.name in labels:
            issues.append(Origin(spec.name, raw.file, raw.sheet).issue(
                "table.duplicate", "error", code=spec.name, zh=spec.zh,
                first=labels[spec.name], second=raw.label))
            continue
        labels[spec.name] = raw.label
        built, table_issues = _build_table(raw)
        issues.extend(table_issues)
        if built is not None:
            tables[spec.name], sources[spec.name] = built.frame, built.source
            rows[spec.name] = built.rows
            if built.blank_rows:
                blank_rows[spec.name] = built.blank_rows
    for raw in _joined(imported, issues):
        if raw.spec.name in labels:
            issues.append(Origin(raw.spec.name, raw.file, raw.sheet).issue(
                "table.duplicate", "error", code=raw.spec.name, zh=raw.spec.zh,
                first=labels[raw.spec.name], second=raw.label))
            continue
        labels[raw.spec.name] = raw.label
        tables[raw.spec.name], sources[raw.spec.name] = raw.frame, raw.source
        rows[raw.spec.name] = raw.rows
    unreadable = {issue.table for issue in issues if issue.rule.startswith("file.")}
    for spec in TABLES:
        if spec.required and spec.name not in tables and spec.name not in unreadable:
            issues.append(Origin(spec.name, None, None).issue(
                "table.required", "error", code=spec.name, zh=spec.zh))
    if strict and any(issue.severity == "error" for issue in issues):
        raise InputError(issues)
    order = [spec.name for spec in TABLES if spec.name in tables]
    tables = {name: tables[name] for name in order}
    sources = {name: sources[name] for name in order}
    return Dataset(tables=tables, sources=sources, issues=issues, name=name, row_numbers=rows,
                   root=root, blank_rows=blank_rows)


@dataclass
class _Joined:
    """The imported raws of one table, built and joined."""

    spec: TableSpec
    frame: pd.DataFrame
    rows: np.ndarray
    source: TableSource
    label: str
    file: str | None
    sheet: str | None


def _joined(imported: list[RawTable], issues: list[Issue]) -> list[_Joined]:
    """Build each imported raw table (its problems located in its own file and sheet) and
    join those of one table, rows in file order; the table's source names every file (and
    the sheet when there is one only)."""
    joined = []
    for table in dict.fromkeys(raw.spec.name for raw in imported):
        parts = [raw for raw in imported if raw.spec.name == table]
        built = []
        for raw in parts:
            one, found = _build_table(raw)
            issues.extend(found)
            if one is not None:
                built.append(one)
        if not built:
            continue
        files = list(dict.fromkeys(raw.file for raw in parts))
        sheets = list(dict.fromkeys(raw.sheet for raw in parts))
        file = "; ".join(f for f in files if f)
        sheet = sheets[0] if len(sheets) == 1 and len(files) == 1 else None
        frame = pd.concat([b.frame for b in built], ignore_index=True)
        joined.append(_Joined(parts[0].spec, frame, np.concatenate([b.rows for b in built]),
                              TableSource(file=file, sheet=sheet, first_row=1, sha256=None),
                              ", ".join(raw.label for raw in parts), file, sheet))
    return joined


def _build_table(raw: RawTable) -> tuple[_Built | None, list[Issue]]:
    """Recognise headers and coerce every column of one raw table.

    This is the one path shared by the xlsx, CSV, Parquet and DataFrame readers.

    Returns
    -------
    built : _Built or None
        The typed table, or None when the source holds no table at all (``table.empty``).
    issues : list of Issue
        Every problem found in the table.
    """
    spec = raw.spec
    sink = Sink(Origin(spec.name, raw.file, raw.sheet))
    if raw.empty:
        sink.add("table.empty", "warning")
        return None, sink.finish()
    headers, data, rows, first_row = raw.split_header()
    cells = [split_cells(data.iloc[:, j], factorise=looks_up(column_of_header(header, spec), spec))
             for j, header in enumerate(headers)]
    if all(c.blank().all() for c in cells) and not any(
            column_of_header(header, spec) for header in headers):
        sink.add("table.empty", "warning")      # nothing, or a title line alone: not given
        return None, sink.finish()
    percent = None if raw.percent_cells is None else raw.percent_cells[first_row - 1:]
    keep, blank_rows = drop_empty_rows(cells, rows, sink)
    if not keep.all():
        cells = [c.take(keep) for c in cells]
        data, rows = data.iloc[np.flatnonzero(keep)], rows[keep]
        percent = None if percent is None else percent[keep]
    melted = melt_wide_samples(spec, headers, cells, data, rows)
    if melted is not None:
        headers, cells, data, rows = melted
    matched, unknown = recognise_columns(headers, cells, spec, sink)
    values = coerce_columns(matched, cells, spec, rows, raw.excel, sink, percent)
    frame = _frame(spec, values, unknown, data, len(rows))
    if not len(frame) and raw.row_numbers is None:    # numbered rows: a part of a table
        _no_rows(spec, sink)
    source = TableSource(file=raw.file, sheet=raw.sheet, first_row=first_row, sha256=raw.sha256)
    return _Built(frame, rows, source, blank_rows), sink.finish()


def _no_rows(spec: TableSpec, sink: Sink) -> None:
    """A table given with its header and no data row: an error for a required table, else a
    warning — a census says that nothing was found, any other table holds no data (its
    indicators get ``no_data``, :mod:`health_eval.gaps`); an empty 指标直接赋值 supplies nothing
    and is not worth a warning."""
    if spec.name == "indicator_values":      # no value supplied: nothing is missing
        return
    if spec.required:
        sink.add("table.required_no_rows", "error", code=spec.name, zh=spec.zh)
    else:
        sink.add("table.census_empty" if spec.census else "table.no_rows", "warning",
                 code=spec.name, zh=spec.zh)


def _frame(spec: TableSpec, values: dict[str, pd.Series], unknown: list[tuple[int, str]],
           data: pd.DataFrame, n: int) -> pd.DataFrame:
    """Assemble the table: catalogue columns in order (missing ones empty), then unknowns."""
    columns = {c.name: values[c.name] if c.name in values else missing_series(c, n)
               for c in spec.columns}
    for position, header in unknown:
        name, k = header, 1
        while name in columns:
            k += 1
            name = f"{header}.{k}"
        columns[name] = data.iloc[:, position].reset_index(drop=True)
    return pd.DataFrame(columns, index=pd.RangeIndex(n))
