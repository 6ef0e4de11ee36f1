"""Data quality of a water body's evaluation: what is missing, renormalised, supplied, and the
issues of the input and the evaluation that concern it."""

from __future__ import annotations

import re
from collections import defaultdict

import pandas as pd

from health_eval.result import EvaluationResult

from .diagnosis import station_ids

TOKEN = re.compile(r"[\w.\-]+", re.ASCII)
#: Relative tolerance between an effective and a nominal weight.
WEIGHT_TOLERANCE = 1e-9


def issue_owners(result: EvaluationResult) -> dict[int, set[str]]:
    """Which water bodies each issue (by row position) concerns.

    An issue concerns a water body when its value or messages name the water body, one of its
    segments, or a station, site or plot its indicators used. Issues naming none concern the
    whole input package (empty set).
    """
    owner: dict[str, str] = {}
    for water_body, segment in zip(result.segments["water_body_id"],
                                   result.segments["segment_id"]):
        owner[str(segment)] = str(water_body)
    for water_body in result.water_bodies["water_body_id"]:
        owner[str(water_body)] = str(water_body)
    for water_body, details in result.indicators.groupby("water_body_id")["details"]:
        for station in station_ids(list(details)):
            owner.setdefault(station, str(water_body))
    wide = [name for name in owner if not name.isascii()]  # ids in Chinese: no word boundary
    owners: dict[int, set[str]] = defaultdict(set)
    columns = [c for c in ("value", "message_en", "message_zh") if c in result.issues]
    for position, texts in enumerate(result.issues[columns].itertuples(index=False)):
        for text in texts:
            if isinstance(text, str):
                tokens = {t.strip(".-") for t in TOKEN.findall(text)}
                owners[position].update(owner[t] for t in tokens if t in owner)
                owners[position].update(owner[name] for name in wide if name in text)
    return {position: owners.get(position, set()) for position in range(len(result.issues))}


def issues_for(result: EvaluationResult, owners: dict[int, set[str]], water_body_id: str
               ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The issues concerning ``water_body_id``, and those concerning the whole package."""
    mine = [p for p, o in owners.items() if water_body_id in o]
    general = [p for p, o in owners.items() if not o]
    return result.issues.iloc[mine], result.issues.iloc[general]


def nominal_weights(indicators: pd.DataFrame) -> pd.Series:
    """Weight each indicator row would have if every indicator of its criterion were
    evaluated: base weight / Σ base weights of the segment's criterion."""
    base = indicators["base_weight"].astype(float)
    total = base.groupby([indicators["segment_id"], indicators["criterion"]]).transform("sum")
    return base / total.where(total > 0)


def renormalised(indicators: pd.DataFrame) -> pd.DataFrame:
    """Evaluated rows whose effective weight differs from the nominal one, with ``nominal``."""
    nominal = nominal_weights(indicators)
    effective = indicators["weight"].astype(float)
    changed = (effective > 0) & ((effective - nominal).abs() > WEIGHT_TOLERANCE * nominal.abs()
                                 + WEIGHT_TOLERANCE)
    return indicators[changed].assign(nominal=nominal[changed])


def not_evaluated(indicators: pd.DataFrame) -> pd.DataFrame:
    """Rows without an evaluated value (``no_data``, ``insufficient_data``, ``error``…)."""
    return indicators[~indicators["status"].isin(("ok", "supplied"))]
