"""Data quality of a water body's evaluation: what is missing, renormalised, supplied, and the
issues of the input and the evaluation that concern it."""

from __future__ import annotations

import pandas as pd

from health_eval.engine.result import EvaluationResult

#: Relative tolerance between an effective and a nominal weight.
WEIGHT_TOLERANCE = 1e-9


def issue_owners(result: EvaluationResult) -> dict[int, set[str]]:
    """Which water bodies each issue (by row position) concerns: by its keys
    (``water_body_id``, else the water body of its ``segment_id``), never by its messages.

    Issues with neither key concern the whole input package (empty set); so do all the issues
    of a result written before issues had keys.
    """
    issues = result.issues
    if issues.empty or "water_body_id" not in issues:
        return {position: set() for position in range(len(issues))}
    home = dict(zip(result.segments["segment_id"].astype(str),
                    result.segments["water_body_id"].astype(str)))
    owners = issues["water_body_id"].astype(object).where(
        issues["water_body_id"].notna(), issues["segment_id"].map(home))
    return {position: set() if pd.isna(owner) else {str(owner)}
            for position, owner in enumerate(owners.tolist())}


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
