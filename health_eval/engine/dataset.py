"""The Dataset: the typed input tables of one evaluation.

:func:`load_dataset` and :meth:`Dataset.from_frames` have the package read and typed by io
(:func:`health_eval.io.package.read_tables`, :func:`~health_eval.io.package.frame_tables`) and
wrap its tables; problems are raised there together as one
:class:`~health_eval.issues.InputError`; warnings (unknown sheets or columns, skipped empty
rows) travel in :attr:`Dataset.issues`.

References: ARCHITECTURE.md §1, §3; the table catalogue in :mod:`health_eval.io.tables`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..io.cells import missing_series
from ..io.lookup import is_in
from ..io.package import PackageTables, TableSource, frame_tables, read_tables
from ..io.tables import table_spec
from ..issues import Issue

__all__ = ["Dataset", "TableSource", "empty_table", "load_dataset"]

# --------------------------------------------------------------------------------------------
# Public records
# --------------------------------------------------------------------------------------------

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
        table; they count as read and rejected (:func:`health_eval.validate.checks.row_accounts`).
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
        whole (:mod:`health_eval.distributed.evaluate`). A named index (``set_index("station_id")``) is
        turned back into columns; an unnamed one is dropped. The frames passed in are not
        modified.

        Raises
        ------
        InputError
            With every problem found, if any is an error.
        """
        return cls._of(frame_tables(frames, files=files, row_numbers=row_numbers), name, None)

    @classmethod
    def _of(cls, read: PackageTables, name: str, root: str | None) -> Dataset:
        """The Dataset of the tables io read, named ``name``, its files relative to ``root``."""
        return cls(tables=read.tables, sources=read.sources, issues=read.issues, name=name,
                   row_numbers=read.row_numbers, root=root, blank_rows=read.blank_rows,
                   imports=read.imports)


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
    read = read_tables(shown, importers, files=files, import_options=import_options,
                       strict=strict)
    return Dataset._of(read, Path(shown).stem or shown, os.path.dirname(os.path.abspath(shown)))


def _membership(frame: pd.DataFrame, keys: dict[str, pd.Index]) -> np.ndarray:
    """Rows of ``frame`` whose first link column (water body, segment, station) is in keys."""
    for column in ("water_body_id", "segment_id", "station_id"):
        if column in frame.columns:
            return is_in(frame[column], keys[column])
    return np.ones(len(frame), dtype=bool)
