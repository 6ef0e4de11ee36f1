"""Wide sample sheets — one column per parameter — turned into the long form of the catalogue.

Monitoring platforms export water-quality results one row per station and date with a column per
parameter, the unit in the header: ``测站编码 | 采样日期 | 溶解氧(mg/L) | 氨氮(mg/L) | 总磷(mg/L)``.
The sample tables of the catalogue (``wq_samples``, ``drinking_source_samples``) are long: one
row per station, date and parameter. :func:`melt_wide_samples` recognises a wide sheet (no
``parameter``/``value`` column, at least one header naming a parameter by code, Chinese name or
alias, optionally with its unit) and melts it: each filled parameter cell becomes a row with
``parameter``, ``value`` and ``unit`` (the header's), keeping the user-visible row number of the
line it came from and the header of its column (a problem with the value names it). Blank
parameter cells are "not measured", not data, and give no row.

References: ARCHITECTURE.md §1 (tolerant reading); SPEC.md §5 (parameters).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .cells import TEXT_DTYPE, Cells
from .headers import column_of_header, parameter_header
from .tables import TableSpec

__all__ = ["melt_wide_samples"]

#: Headers given to the melted columns (catalogue codes, so that they are recognised).
MELTED = ("parameter", "value", "unit")


def melt_wide_samples(spec: TableSpec, headers: list[str], cells: list[Cells],
                      data: pd.DataFrame, rows: np.ndarray
                      ) -> tuple[list[str], list[Cells], pd.DataFrame, np.ndarray] | None:
    """Melt a wide sample sheet into long rows; None when the sheet is not wide.

    Parameters
    ----------
    spec : TableSpec
        The table being read.
    headers, cells, data, rows
        Header texts, cells, raw data and user-visible row numbers of the sheet's columns.

    Returns
    -------
    (headers, cells, data, rows) of the long table, or None
        The other columns repeated for each filled parameter cell, then ``parameter``,
        ``value`` and ``unit``; rows in source order, parameters in column order within a row.
    """
    named = [column_of_header(h, spec) for h in headers]
    if any(c is not None and c.name in ("parameter", "value") for c in named):
        return None
    found = [(j, parameter_header(h, spec)) for j, h in enumerate(headers) if named[j] is None]
    found = [(j, hit) for j, hit in found if hit is not None]
    if not found:
        return None
    wide = {j for j, _ in found}
    others = [j for j in range(len(headers)) if j not in wide]
    filled = [np.flatnonzero(~cells[j].blank()) for j, _ in found]
    source = np.concatenate(filled) if filled else np.array([], dtype=np.int64)
    which = np.repeat(np.arange(len(found)), [len(f) for f in filled])
    order = np.lexsort((which, source))          # by source row, then parameter column
    source, which = source[order], which[order]

    long_cells = [cells[j].take(source) for j in others]
    codes = np.array([code for _, (code, _) in found], dtype=object)[which]
    units = np.array([unit for _, (_, unit) in found], dtype=object)[which]
    values = _stack([cells[j] for j, _ in found], source, which)
    values.headers = np.array([headers[j] for j, _ in found], dtype=object)[which]
    long_cells += [Cells(pd.Series(codes, dtype=TEXT_DTYPE), None), values,
                   Cells(pd.Series(units, dtype=TEXT_DTYPE), None)]
    long_data = pd.concat(
        [data.iloc[source, others].reset_index(drop=True).set_axis(range(len(others)), axis=1),
         pd.DataFrame({len(others): codes, len(others) + 1: values.as_text().to_numpy(),
                       len(others) + 2: units})], axis=1)
    return [headers[j] for j in others] + list(MELTED), long_cells, long_data, rows[source]


def _stack(columns: list[Cells], source: np.ndarray, which: np.ndarray) -> Cells:
    """One column of cells taking, for long row k, column ``which[k]`` at row ``source[k]``."""
    text = pd.Series(pd.NA, index=pd.RangeIndex(len(source)), dtype=TEXT_DTYPE)
    native = pd.Series(None, index=pd.RangeIndex(len(source)), dtype=object)
    for k, column in enumerate(columns):
        at = np.flatnonzero(which == k)
        text.iloc[at] = column.text_cells().iloc[source[at]].to_numpy()
        if column.native is not None:
            native.iloc[at] = column.native.iloc[source[at]].to_numpy()
    return Cells(text, native if native.notna().any() else None)
