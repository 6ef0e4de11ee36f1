"""Small table helpers shared by the indicator definitions (no method numbers here)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from health_eval.issues import Issue


def rows_of_segments(dataset, context, table: str) -> pd.DataFrame:
    """Rows of ``table`` (keyed by ``segment_id``) that belong to the segments computed."""
    frame = dataset.table(table)
    return frame[frame["segment_id"].isin(context.segments["segment_id"])]


def rows_of_water_bodies(dataset, context, table: str) -> pd.DataFrame:
    """Rows of ``table`` (keyed by ``water_body_id``) that belong to the water bodies computed."""
    frame = dataset.table(table)
    return frame[frame["water_body_id"].isin(context.segments["water_body_id"])]


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
    """One details dict per row: ``{name: value}`` for ``columns`` (column → name), floats
    rounded to ``decimals``, NaN as None."""
    out = []
    for row in frame[list(columns)].itertuples(index=False):
        out.append({name: _plain(v, decimals) for name, v in zip(columns.values(), row)})
    return out


def _plain(value, decimals: int):
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if np.isnan(value) else round(float(value), decimals)
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return value


def data_issue(table: str, rule: str, value: str, zh: str, en: str, dataset,
               severity: str = "warning") -> Issue:
    """An issue about ``table`` met while computing, located at its file and sheet."""
    return Issue(table=table, rule=rule, severity=severity, value=value, message_zh=zh,
                 message_en=en, **dataset.location(table))
