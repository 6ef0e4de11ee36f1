"""Shared checks of the importer tests: the demo's tables and evaluations to compare with."""

from __future__ import annotations

import numpy as np
import pandas as pd

import health_eval
from health_eval.cli import demo_path


def demo_dataset():
    """The demo package, typed."""
    return health_eval.load_dataset(demo_path())


def sorted_table(frame: pd.DataFrame, keys: list[str], columns: list[str]) -> pd.DataFrame:
    """``columns`` of ``frame`` in key order, index reset (for comparing tables)."""
    return frame[columns].sort_values(keys, kind="stable").reset_index(drop=True)


def assert_same_indicators(first, second, ids: set[str] | None = None) -> None:
    """Two evaluations give the same indicator values, scores and statuses (``ids`` only when
    given)."""
    keys = ["water_body_id", "segment_id", "indicator_id"]
    a, b = (sorted_table(r.indicators, keys, keys + ["value", "score", "status"])
            for r in (first, second))
    if ids is not None:
        a = a[a["indicator_id"].isin(ids)].reset_index(drop=True)
        b = b[b["indicator_id"].isin(ids)].reset_index(drop=True)
    assert len(a) and a[keys + ["status"]].astype(str).equals(b[keys + ["status"]].astype(str))
    np.testing.assert_allclose(a["value"].astype(float), b["value"].astype(float), rtol=1e-9)
    np.testing.assert_allclose(a["score"].astype(float), b["score"].astype(float), rtol=1e-9)
