"""Checks of directly supplied indicator values (``indicator_values``, ARCHITECTURE §4).

A supplied value that cannot be placed is never dropped silently: an unknown indicator, water
body or segment, or a duplicate is an error; a value the water body's profile does not use is a
warning.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .issues import Issue
from .profile import Profile
from .registry import IndicatorRegistry


def check_supplied(dataset, segments: pd.DataFrame, profiles: dict[str, Profile],
                   registry: IndicatorRegistry) -> list[Issue]:
    """Problems of the ``indicator_values`` rows, one issue per row and rule.

    Parameters
    ----------
    dataset : Dataset
    segments : DataFrame
        The evaluated segments with ``segment_id, water_body_id, kind, profile_id``.
    profiles : dict of str to Profile
        Profiles by id.
    registry : IndicatorRegistry
    """
    supplied = dataset.table("indicator_values")
    if supplied.empty:
        return []
    own_ids = {o.id for p in profiles.values() for o in p.own_indicators}
    known = supplied["indicator_id"].map(lambda i: i in registry or i in own_ids).astype(bool)
    profile_of = segments.drop_duplicates("water_body_id").set_index("water_body_id")["profile_id"]
    profile_ids = supplied["water_body_id"].map(profile_of)
    used_by = {pid: set(p.used_indicators) for pid, p in profiles.items()}
    used = [ind in used_by.get(pid, ()) for pid, ind in zip(profile_ids, supplied["indicator_id"])]
    segment_home = segments.set_index("segment_id")["water_body_id"]
    home = supplied["segment_id"].map(segment_home)
    checks = [
        (~known, "supplied.unknown_indicator", "error", "indicator_id",
         "未知指标编码 {indicator_id}", "unknown indicator id {indicator_id}"),
        (known & profile_ids.isna(), "reference.water_body", "error", "water_body_id",
         "河湖 {water_body_id} 不在评价范围内", "water body {water_body_id} is not evaluated"),
        (supplied["segment_id"].notna() & (home.astype(object) != supplied["water_body_id"]
                                           .astype(object)),
         "reference.segment", "error", "segment_id",
         "河段 {segment_id} 不属于河湖 {water_body_id}",
         "segment {segment_id} is not a segment of water body {water_body_id}"),
        (supplied.duplicated(["water_body_id", "segment_id", "indicator_id"], keep=False),
         "supplied.duplicate", "error", "indicator_id",
         "指标 {indicator_id} 对同一河湖/河段重复赋值", "indicator {indicator_id} is supplied twice "
         "for the same water body and segment"),
        (known & profile_ids.notna() & ~pd.Series(used, index=supplied.index),
         "supplied.not_used", "warning", "indicator_id",
         "评价方案未采用指标 {indicator_id}，该值未参与计算",
         "the profile does not use indicator {indicator_id}; the value was not used"),
    ]
    issues = []
    for mask, rule, severity, column, zh, en in checks:
        for position in np.flatnonzero(mask.fillna(True).to_numpy(dtype=bool)):
            row = supplied.iloc[position].to_dict()
            fields = {k: ("" if pd.isna(v) else v) for k, v in row.items()}
            issues.append(Issue(
                table="indicator_values", rule=rule, severity=severity, column=column,
                value=str(fields[column]), row=dataset.row_number("indicator_values", position),
                **dataset.location("indicator_values"),
                message_zh=zh.format(**fields), message_en=en.format(**fields)))
    return issues
