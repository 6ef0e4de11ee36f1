"""Small table helpers shared by the indicator definitions (no method numbers here)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from health_eval.issues import Issue
from health_eval.lookup import is_in


def rows_of_segments(dataset, context, table: str) -> pd.DataFrame:
    """Rows of ``table`` (keyed by ``segment_id``) that belong to the segments computed."""
    frame = dataset.table(table)
    return frame[is_in(frame["segment_id"], context.segments["segment_id"])]


def rows_of_water_bodies(dataset, context, table: str) -> pd.DataFrame:
    """Rows of ``table`` (keyed by ``water_body_id``) that belong to the water bodies computed."""
    frame = dataset.table(table)
    return frame[is_in(frame["water_body_id"], context.segments["water_body_id"])]


def weighted_mean(frame: pd.DataFrame, key: str, value: str, weight: str) -> pd.DataFrame:
    """Σ(weight·value)/Σ weight per ``key`` over the rows where both are given.

    Returns
    -------
    DataFrame
        Index ``key``; ``value`` (NaN where the weights sum to 0), ``n`` (rows used),
        ``weight`` (their total weight).
    """
    usable = frame[frame[value].notna() & frame[weight].notna()]
    values, weights = usable[value].astype(float), usable[weight].astype(float)
    parts = pd.DataFrame({key: usable[key], "product": values * weights, "weight": weights})
    sums = parts.groupby(key, sort=True).agg(product=("product", "sum"),
                                             weight=("weight", "sum"), n=("weight", "size"))
    sums["value"] = sums["product"] / sums["weight"].where(sums["weight"] > 0)
    return sums[["value", "n", "weight"]]


def records(frame: pd.DataFrame, columns: Mapping[str, str], decimals: int = 4) -> list[dict]:
    """One details dict per row: ``{name: value}`` for ``columns`` (column → name).

    Floats are rounded to ``decimals``, dates written ``YYYY-MM-DD``, numpy scalars made plain
    Python values and every missing value (NaN, NA, NaT) None — except in a column of text
    (dates included), where a missing value is NaN, as pandas' string dtype holds it (JSON
    writes both as null). Column by column, not cell by cell.
    """
    names = list(columns.values())
    cells = zip(*(_plain_column(frame[column], decimals) for column in columns))
    return [dict(zip(names, row)) for row in cells] if names else [{} for _ in range(len(frame))]


def _plain_column(column: pd.Series, decimals: int) -> np.ndarray:
    """The cells of ``column`` as plain Python objects (see :func:`records`)."""
    missing = column.isna().to_numpy()
    text = False
    if pd.api.types.is_float_dtype(column.dtype):
        values = np.round(column.to_numpy(dtype=float, na_value=np.nan), decimals).astype(object)
    elif pd.api.types.is_datetime64_any_dtype(column.dtype):
        values, text = column.dt.strftime("%Y-%m-%d").to_numpy(dtype=object), not missing.all()
    elif column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
        # cells as they are, numpy scalars unboxed
        values = np.array([v.item() if isinstance(v, np.generic) else v
                           for v in column.to_numpy(dtype=object)], dtype=object)
        text = pd.api.types.infer_dtype(values[~missing], skipna=False) == "string"
    else:  # ints and bools come out as Python int and bool
        values = column.to_numpy(dtype=object, na_value=None)
    if missing.any():
        values[missing] = np.nan if text else None
    return values


def data_issue(table: str, rule: str, value: str, zh: str, en: str, dataset,
               severity: str = "warning") -> Issue:
    """An issue about ``table`` met while computing, located at its file and sheet."""
    return Issue(table=table, rule=rule, severity=severity, value=value, message_zh=zh,
                 message_en=en, **dataset.location(table))
