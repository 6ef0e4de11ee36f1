"""Checks across input tables that reading alone cannot make (ARCHITECTURE §1 ``validate``).

So far: references between tables. A row that names a segment, water body or station the
package does not define cannot be used by any indicator; rather than leave it out silently, every
such value is reported once, with the number of rows and the first row where it appears.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .issues import Issue
from .tables import TABLES

#: (column, table that defines it, its Chinese name for messages)
REFERENCES: tuple[tuple[str, str, str], ...] = (
    ("water_body_id", "water_bodies", "河湖"),
    ("segment_id", "segments", "河段"),
    ("station_id", "stations", "测站"),
)
#: Checked elsewhere: segments of unknown water bodies are errors of the evaluation, and
#: indicator_values have their own checks (health_eval.supplied).
SKIPPED = {("segments", "water_body_id"), ("indicator_values", "water_body_id"),
           ("indicator_values", "segment_id")}


def check_references(dataset) -> list[Issue]:
    """Warnings for values of ``water_body_id``, ``segment_id`` (also ``neighbour_segment_id``)
    and ``station_id`` that their defining table lacks; one per table, column and value."""
    issues = []
    for spec in TABLES:
        if not dataset.has(spec.name):
            continue
        frame = dataset.table(spec.name)
        for column, target, label in REFERENCES:
            for referring in (column, f"neighbour_{column}"):
                if (referring not in frame or (spec.name, referring) in SKIPPED
                        or (spec.name == target and referring == column)):
                    continue
                known = dataset.table(target)[column]
                issues.extend(_dangling(dataset, spec.name, frame[referring], known, referring,
                                        target, label))
    return issues


def _dangling(dataset, table: str, values: pd.Series, known: pd.Series, column: str,
              target: str, label: str) -> list[Issue]:
    unknown = values.notna() & ~values.isin(known.dropna())
    if not unknown.any():
        return []
    positions = pd.Series(np.flatnonzero(unknown.to_numpy()), index=values[unknown].to_numpy())
    groups = positions.groupby(level=0, sort=True).agg(["size", "first"])
    source = dataset.sources.get(table)
    return [Issue(table=table, column=column, rule="reference.unknown", severity="warning",
                  value=str(value), row=dataset.row_number(table, int(first)),
                  file=source.file if source else None, sheet=source.sheet if source else None,
                  message_zh=f"{label} {value} 不在 {target} 中：{n} 行数据（首行见行号）未被使用",
                  message_en=f"{column} {value} is not in {target}: {n} row(s) (the first at "
                             f"this row) were not used")
            for value, n, first in groups.itertuples()]
