"""The structured keys of issues found in input rows: the water body and segment a row concerns.

An issue located at a row of an input table (``table``, ``row``) concerns what that row
concerns: its own ``water_body_id`` / ``segment_id`` / ``indicator_id``, or the segment of its
``station_id`` (监测站点), and the water body of that segment (评价河段). An issue whose value
is a station (``series.gaps``, ``station.value_missing``) concerns that station's segment. Keys
an issue was made with are kept. Consumers (reports, the service) then select issues by these
keys, never by their messages (ARCHITECTURE §6).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["STATION_VALUE_RULES", "with_keys"]

#: Rules whose ``value`` is a station id.
STATION_VALUE_RULES = ("series.gaps", "station.value_missing")
_KEYS = ("water_body_id", "segment_id", "indicator_id")


def with_keys(issues: pd.DataFrame, dataset) -> pd.DataFrame:
    """``issues`` with ``water_body_id``, ``segment_id`` and ``indicator_id`` filled, where
    missing, from the input rows they are located at (vectorised per table).

    Parameters
    ----------
    issues : DataFrame
        An issues table (:data:`health_eval.issues.ISSUE_COLUMNS`).
    dataset : Dataset
        The input the issues were found in.
    """
    if issues.empty:
        return issues
    keyed = issues.copy()
    keyed[list(_KEYS)] = keyed[list(_KEYS)].astype(object)
    station_segment = _mapping(dataset, "stations", "station_id", "segment_id")
    for table, labels in keyed.groupby("table", sort=False).groups.items():
        frame = dataset.tables.get(table)
        if frame is None or frame.empty:
            continue
        rows = keyed.loc[labels, "row"].astype("Float64").fillna(-1).astype("int64")
        positions = _positions(dataset.row_number(table, np.arange(len(frame))), rows)
        found = positions >= 0
        if not found.any():
            continue
        at, picked = labels[found], positions[found]
        for key in _KEYS:
            if key in frame:
                _fill(keyed, at, key, frame[key].to_numpy(dtype=object)[picked])
        if "station_id" in frame:
            stations = pd.Series(frame["station_id"].to_numpy(dtype=object)[picked])
            _fill(keyed, at, "segment_id", stations.map(station_segment).to_numpy(dtype=object))
    by_value = keyed.index[keyed["rule"].isin(STATION_VALUE_RULES)]
    _fill(keyed, by_value, "segment_id",
          keyed.loc[by_value, "value"].map(station_segment).to_numpy(dtype=object))
    placed = keyed.index[keyed["segment_id"].notna()]
    _fill(keyed, placed, "water_body_id", keyed.loc[placed, "segment_id"].map(
        _mapping(dataset, "segments", "segment_id", "water_body_id")).to_numpy(dtype=object))
    return keyed


def _positions(numbers: np.ndarray, rows: pd.Series) -> np.ndarray:
    """Positions in the table of the rows numbered ``rows`` (-1: none, or a number several rows
    share, as in a table read from several files)."""
    at = pd.Series(np.arange(len(numbers)), index=numbers)
    at = at[~at.index.duplicated(keep=False)]
    return at.reindex(rows.to_numpy()).fillna(-1).to_numpy(dtype=np.int64)


def _mapping(dataset, table: str, key: str, target: str) -> pd.Series:
    """``key`` → ``target`` of an input table, as text (empty when the table is absent)."""
    frame = dataset.tables.get(table)
    if frame is None or key not in frame or target not in frame:
        return pd.Series(dtype=object)
    pairs = frame[[key, target]].dropna().astype(str).drop_duplicates(key)
    return pd.Series(pairs[target].to_numpy(dtype=object), index=pairs[key].to_numpy())


def _fill(issues: pd.DataFrame, labels, key: str, values: np.ndarray) -> None:
    """Set ``key`` of the issues at ``labels`` to ``values`` (as text) where it is missing."""
    if not len(labels):
        return
    values = pd.Series(values, index=labels, dtype=object)
    values = values.where(values.isna(), values.astype(str))
    issues.loc[labels, key] = issues.loc[labels, key].where(issues.loc[labels, key].notna(),
                                                            values)
