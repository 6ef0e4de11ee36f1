"""Loading an input package: files or frames to the typed tables of the catalogue (ARCHITECTURE §3).

:func:`read_tables` reads a path with :mod:`health_eval.io.readers` (and the bureau files with
:mod:`health_eval.io.importers`), :func:`frame_tables` takes DataFrames; both type each raw
table with the shared steps of :mod:`health_eval.io.headers` (header row, header recognition),
:mod:`health_eval.io.cells` and :mod:`health_eval.io.columns` (cell coercion). Problems are collected
over all tables and raised together as one :class:`~health_eval.issues.InputError`. The engine's
:class:`~health_eval.engine.dataset.Dataset` is built from the :class:`PackageTables` returned: loading
a package belongs to io, and io knows nothing of the engine.

References: ARCHITECTURE.md §1, §3; the table catalogue in :mod:`health_eval.io.tables`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..issues import InputError, Issue
from .cells import missing_series, split_cells
from .columns import coerce_columns, looks_up
from .headers import column_of_header, drop_empty_rows, recognise_columns
from .importers import import_into
from .input_issues import Origin, Sink
from .readers import RawTable, read_frames, read_package
from .tables import TABLES, TableSpec
from .wide import melt_wide_samples

__all__ = ["PackageTables", "TableSource", "frame_tables", "read_tables"]

#: The tables names in bureau files are matched to (:func:`read_tables` with ``files``).
REFERENCE_TABLES = ("water_bodies", "segments", "stations")


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
class PackageTables:
    """The typed tables of one input package, in catalogue order, and what reading found.

    Parameters
    ----------
    tables : dict of str to DataFrame
        Typed tables by catalogue code.
    sources : dict of str to TableSource
        Where each table was read from.
    issues : list of Issue
        Every problem found (only warnings unless read with ``strict=False``).
    row_numbers : dict of str to ndarray
        Each table's rows as the user numbers them.
    blank_rows : dict of str to int
        Empty rows skipped, by table.
    imports : list of dict
        One record per bureau file or sheet an importer read.
    """

    tables: dict[str, pd.DataFrame]
    sources: dict[str, TableSource]
    issues: list[Issue]
    row_numbers: dict[str, np.ndarray]
    blank_rows: dict[str, int]
    imports: list[dict] = field(default_factory=list)


def read_tables(source: str | os.PathLike, importers: Sequence[str] | None = None, *,
                files: Sequence[str] = (), import_options: Mapping | None = None,
                strict: bool = True) -> PackageTables:
    """Read the input package at path ``source`` into its typed tables.

    Parameters are those of :func:`health_eval.engine.dataset.load_dataset` for a path.

    Raises
    ------
    InputError
        With every problem found in every table, if any is an error (``strict``), or when the
        path cannot be read at all.
    """
    shown = os.fspath(source)
    raws, issues = read_package(shown)
    if files:
        raws = [raw for raw in raws if raw.spec.name in REFERENCE_TABLES]
    raws, imported, issues, imports = import_into(raws, issues, shown, importers, files,
                                                  import_options)
    read = _assemble(raws, issues, strict=strict, imported=imported)
    read.imports = imports
    return read


def frame_tables(frames: Mapping[str, pd.DataFrame], *, files: Mapping[str, str] | None = None,
                 row_numbers: Mapping[str, np.ndarray] | None = None) -> PackageTables:
    """Type DataFrames like files (:meth:`health_eval.engine.dataset.Dataset.from_frames`).

    Raises
    ------
    InputError
        With every problem found, if any is an error.
    """
    raws, issues = read_frames(frames, files=files, row_numbers=row_numbers)
    return _assemble(raws, issues)


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


def _assemble(raws: list[RawTable], issues: list[Issue], strict: bool = True,
              imported: list[RawTable] = ()) -> PackageTables:
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
    return PackageTables(tables=tables, sources=sources, issues=issues, row_numbers=rows,
                         blank_rows=blank_rows)


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
    indicators get ``no_data``, :mod:`health_eval.engine.gaps`); an empty 指标直接赋值 supplies nothing
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
