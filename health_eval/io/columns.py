"""Typed columns of one table: each recognised column coerced, converted and checked.

:func:`coerce_columns` is the one step from raw cells to the catalogue's typed columns shared by
every reader: the dtype's coercer (:mod:`health_eval.io.cells`), codes and their Chinese labels,
units given in headers (converted to the column's unit), ``85%`` and Excel percentages in %
columns, and — for sample tables — below-detection markers and per-row units
(:mod:`health_eval.io.sample_values`). Unreadable cells and blank required cells are reported, with
their user-visible rows, to a :class:`~health_eval.io.input_issues.Sink`.

References: ARCHITECTURE.md §1, §3; the table catalogue in :mod:`health_eval.io.tables`.
"""

from __future__ import annotations

from itertools import zip_longest

import numpy as np
import pandas as pd

from .cells import COERCERS, Cells, Distinct
from .input_issues import Sink
from .sample_values import (
    apply_below_detection,
    convert_sample_units,
    split_below_detection,
)
from .tables import Column, TableSpec, code_key, is_sample_table, is_sample_value
from .units import conversion_factor

__all__ = ["coerce_columns", "looks_up"]


def coerce_columns(matched: list[tuple[int, Column, str, str | None]], cells: list[Cells],
                   spec: TableSpec, rows: np.ndarray, excel: bool, sink: Sink,
                   percent_cells: np.ndarray | None = None) -> dict[str, pd.Series]:
    """Coerce every recognised column; report unreadable and missing required cells.

    Values are converted to the column's unit when the header gives another one
    (``岸坡高度(cm)``); the values of sample tables to their parameter's unit, from the row's
    ``unit`` or else the header's (:func:`convert_sample_units`). In a % column, ``85%`` is 85,
    and so is a number Excel shows in a percentage format (stored 0.85): ``percent_cells``
    marks those cells of the grid (rows × positions), when the reader knows them.
    """
    below, header_unit = None, None
    samples = is_sample_table(spec)
    values: dict[str, pd.Series] = {}
    factorised: dict[str, Distinct] = {}     # text columns whose factorisation came for free
    for position, column, header, unit in matched:
        raw = cells[position]
        parse = raw
        if column.unit == "%":
            parse = _as_percent(raw, None if percent_cells is None else percent_cells[:, position])
        if samples and column.name == "value":
            parse, below = split_below_detection(raw, header)
        if column.codes is not None:               # a coded text column
            result, bad, factorised[column.name] = _map_codes(parse, column)
        else:
            result, bad = COERCERS[column.dtype](parse, excel)
            if looks_up(column, spec):
                factorised[column.name] = parse.factorised()
        rule = "code.unknown" if column.codes is not None else f"type.{column.dtype}"
        sink.cells(rule, "error", bad, rows, raw, column.name, header,
                   allowed=_allowed(column))
        if column.required:
            sink.cells("value.missing", "error", raw.blank(), rows, raw, column.name, header)
        if unit is not None and is_sample_value(spec, column):
            header_unit = unit
        elif unit is not None and (factor := conversion_factor(unit, column.unit)) != 1.0:
            result = result * factor
        values[column.name] = result
    if samples:
        apply_below_detection(values, below, rows, sink)
    if samples and {"value", "parameter"} <= set(values):
        convert_sample_units(values, factorised, header_unit, rows, sink)
    return values


def looks_up(column: Column | None, spec: TableSpec) -> bool:
    """Whether :func:`coerce_columns` looks the texts of ``column`` up per distinct text (codes,
    the units of samples): those columns are best factorised as they are split
    (:func:`~health_eval.io.cells.split_cells`)."""
    return column is not None and (column.codes is not None or (
        is_sample_table(spec) and column.name == "unit"))


def _as_percent(cells: Cells, formatted: np.ndarray | None) -> Cells:
    """Cells of a % column as the user wrote and saw them: text without a trailing ``%``
    (``85%`` is 85), and the numbers of cells ``formatted`` as percentages × 100 (Excel stores
    85 % as 0.85)."""
    text, native = cells.text, cells.native
    if text is not None and text.notna().any():
        text = text.str.replace(r"\s*[%％]$", "", regex=True)
    if native is not None and formatted is not None and formatted.any():
        native = native.copy()
        native[formatted] = pd.to_numeric(native[formatted]) * 100
    return Cells(text, native)


def _allowed(column: Column) -> str:
    """Allowed values of a coded column in both languages: ``left (左岸), right (右岸)``."""
    pairs = zip_longest(column.codes or (), column.code_labels or ())
    return ", ".join(f"{code} ({label})" if label else code for code, label in pairs if code)


def _map_codes(cells: Cells, column: Column) -> tuple[pd.Series, np.ndarray, Distinct]:
    """Map codes, Chinese labels and aliases (any case or width, see
    :func:`~health_eval.io.tables.code_key`) to the code. Other values are flagged in a closed
    column, and kept as written in an open one.

    Each distinct text is looked up once; returns the coded column, the flags, and the coded
    column factorised.
    """
    text = cells.factorised()
    mapped = text.lookup(column.code_synonyms(), key=code_key)[:-1]
    unmapped = pd.isna(mapped)
    bad = np.append(unmapped, False)[text.codes] if column.closed else np.zeros(
        len(text.codes), dtype=bool)               # code -1 (blank) takes the trailing False
    if not column.closed:
        mapped = np.where(unmapped, np.asarray(text.values, dtype=object), mapped)
    if np.array_equal(mapped, np.asarray(text.values, dtype=object)):
        return cells.as_text(), bad, text          # already codes: the column as it is
    coded = text.replace(mapped)
    return coded.column(), bad, coded
