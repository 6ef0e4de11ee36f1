"""Checks across input tables that reading alone cannot make (ARCHITECTURE §1 ``validate``).

So far: references between tables, and the parameter codes of samples. A row that names a
segment, water body or station the package does not define, or a parameter no indicator knows,
cannot be used; rather than leave it out silently, every such value is reported once, with the
number of rows and the first row where it appears.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .issues import Issue
from .lookup import is_in
from .tables import PARAMETER_NAMES, TABLES

#: (column, table that defines it, its Chinese name for messages)
REFERENCES: tuple[tuple[str, str, str], ...] = (
    ("water_body_id", "water_bodies", "河湖"),
    ("segment_id", "segments", "河段"),
    ("station_id", "stations", "测站"),
)
#: Checked elsewhere: segments of unknown water bodies are errors of the evaluation, and
#: indicator_values have their own checks (health_eval.supplied).
SAMPLE_TABLES = ("wq_samples", "drinking_source_samples")
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


def check_parameter_codes(dataset) -> list[Issue]:
    """Warnings for ``parameter`` values of sample tables that are not codes of SPEC §5."""
    issues = []
    known = list(PARAMETER_NAMES)
    for table in SAMPLE_TABLES:
        parameters = dataset.table(table)["parameter"]
        unknown = parameters.notna() & ~parameters.isin(known)
        issues.extend(_per_value(
            dataset, table, "parameter", parameters, unknown, "parameter.unknown",
            lambda value, n: (f"监测项目 {value} 不是已知的项目编码（如 nh3n 氨氮、tp 总磷），"
                              f"{n} 行数据（首行见行号）未被使用",
                              f"parameter {value!r} is not a known code (e.g. nh3n, tp; see "
                              f"SPEC §5): {n} row(s) (the first at this row) were not used")))
    return issues


def _dangling(dataset, table: str, values: pd.Series, known: pd.Series, column: str,
              target: str, label: str) -> list[Issue]:
    unknown = values.notna() & ~is_in(values, known)
    return _per_value(
        dataset, table, column, values, unknown, "reference.unknown",
        lambda value, n: (f"{label} {value} 不在 {target} 中：{n} 行数据（首行见行号）未被使用",
                          f"{column} {value} is not in {target}: {n} row(s) (the first at this "
                          f"row) were not used"))


def _per_value(dataset, table: str, column: str, values: pd.Series, flagged: pd.Series,
               rule: str, messages) -> list[Issue]:
    """One warning per distinct flagged value: how many rows, and the first row's number."""
    if not flagged.any():
        return []
    positions = pd.Series(np.flatnonzero(flagged.to_numpy()), index=values[flagged].to_numpy())
    groups = positions.groupby(level=0, sort=True).agg(["size", "first"])
    issues = []
    for value, n, first in groups.itertuples():
        message_zh, message_en = messages(value, n)
        issues.append(Issue(table=table, column=column, rule=rule, severity="warning",
                            value=str(value), row=dataset.row_number(table, int(first)),
                            **dataset.location(table),
                            message_zh=message_zh, message_en=message_en))
    return issues


def validate_dataset(dataset) -> list[Issue]:
    """Every problem of a readable dataset that evaluation does not depend on: the warnings of
    reading, then :func:`check_references` and :func:`check_parameter_codes`."""
    return list(dataset.issues) + check_references(dataset) + check_parameter_codes(dataset)
