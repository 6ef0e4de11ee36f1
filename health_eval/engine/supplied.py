"""Checks of directly supplied indicator values (``indicator_values``, ARCHITECTURE §4).

A supplied value that cannot be placed is never dropped silently: an unknown indicator, water
body or segment, or a duplicate is an error; a value the water body's profile does not use is a
warning.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..issues import Issue
from ..profiles.profile import Profile
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
        (~known, "supplied.unknown_indicator", "indicator_id"),
        (known & profile_ids.isna(), "supplied.water_body", "water_body_id"),
        (supplied["segment_id"].notna() & (home.astype(object) != supplied["water_body_id"]
                                           .astype(object)), "reference.segment", "segment_id"),
        (supplied.duplicated(["water_body_id", "segment_id", "indicator_id"], keep=False),
         "supplied.duplicate", "indicator_id"),
        (known & profile_ids.notna() & ~pd.Series(used, index=supplied.index),
         "supplied.not_used", "indicator_id"),
    ]
    issues = []
    keys = ["water_body_id", "segment_id", "indicator_id"]
    for mask, rule, column in checks:
        for position in np.flatnonzero(mask.fillna(True).to_numpy(dtype=bool)):
            ids = {k: (None if pd.isna(v) else str(v))
                   for k, v in supplied.iloc[position][keys].items()}
            issues.append(Issue.of(
                rule, table="indicator_values", column=column, value=ids[column] or "",
                row=dataset.row_number("indicator_values", position),
                **dataset.location("indicator_values"), **ids))
    return issues
