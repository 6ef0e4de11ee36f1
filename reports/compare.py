"""Comparison with a previous evaluation: RHI, class, criteria, segments and every indicator.

Rounds are matched by water body and evaluation year (``water_bodies.evaluation_year`` of each
result), never by when a file was written: a previous result must be of an earlier evaluation
year for every water body the two share (:func:`check_rounds`). Water bodies, segments and
indicators present in only one of the two results are kept and marked (``only_current`` /
``only_previous``), never dropped.
"""

from __future__ import annotations

import pandas as pd

from health_eval.engine.result import EvaluationResult
from health_eval.vocabulary import CRITERIA

from .diagnosis import indicator_points, water_body_indicators


class RoundsError(ValueError):
    """A previous result that is not an earlier round of the same water bodies (zh / en)."""


def evaluation_years(result: EvaluationResult) -> dict[str, int | None]:
    """Evaluation year of each water body of ``result`` (None when the result does not say:
    a result written before the year was recorded)."""
    table = result.water_bodies
    if "evaluation_year" not in table:
        return {str(w): None for w in table["water_body_id"]}
    years = pd.to_numeric(table["evaluation_year"], errors="coerce")
    return {str(w): None if pd.isna(y) else int(y)
            for w, y in zip(table["water_body_id"], years)}


def check_rounds(current: EvaluationResult, previous: EvaluationResult) -> None:
    """Check that ``previous`` is an earlier round: for every water body in both results, its
    previous evaluation year is before the current one (unknown years are not checked).

    Raises
    ------
    RoundsError
        Naming each water body whose previous result is of the same or a later year.
    """
    now, before = evaluation_years(current), evaluation_years(previous)
    clashes = sorted((w, before[w], year) for w, year in now.items()
                     if year is not None and before.get(w) is not None and before[w] >= year)
    if clashes:
        zh = "；".join(f"河湖 {w}：上次 {b} 年，本次 {y} 年" for w, b, y in clashes)
        en = "; ".join(f"water body {w}: previous {b}, current {y}" for w, b, y in clashes)
        raise RoundsError(f"上次评价结果须为更早评价年份的结果（{zh}）/ the previous result must be "
                          f"of an earlier evaluation year ({en})")


def round_years(result: EvaluationResult, water_body_id: str | None = None) -> str:
    """The evaluation year(s) of ``result`` (of one water body, or of all), as text: ``2021``,
    ``2020, 2021``; empty when unknown."""
    years = evaluation_years(result)
    chosen = [years.get(str(water_body_id))] if water_body_id is not None else years.values()
    return ", ".join(str(y) for y in sorted({y for y in chosen if y is not None}))


def _presence(frame: pd.DataFrame) -> pd.Series:
    merge = frame["_merge"].astype(str)
    return merge.map({"both": "both", "left_only": "only_current", "right_only": "only_previous"})


def paired(current: pd.DataFrame, previous: pd.DataFrame, keys: list[str],
           columns: list[str]) -> pd.DataFrame:
    """Outer join of ``columns`` of two tables on ``keys``: ``<column>`` and
    ``<column>_previous``, ``<column>_change`` for numeric ones, and ``presence``."""
    left = current[keys + columns]
    right = previous[[c for c in keys + columns if c in previous]]
    table = left.merge(right, on=keys, how="outer", suffixes=("", "_previous"), indicator=True)
    table["presence"] = _presence(table)
    for column in columns:
        if f"{column}_previous" not in table:
            table[f"{column}_previous"] = pd.NA
        if pd.api.types.is_numeric_dtype(current[column]):
            table[f"{column}_change"] = (pd.to_numeric(table[column], errors="coerce")
                                         - pd.to_numeric(table[f"{column}_previous"],
                                                         errors="coerce"))
    return table.drop(columns="_merge")


def water_body_table(result: EvaluationResult) -> pd.DataFrame:
    """Per water body × indicator scores of ``result`` (see :func:`water_body_indicators`)."""
    points = indicator_points(result.indicators, result.segments, result.criteria)
    return water_body_indicators(points)


def compare_water_bodies(current: EvaluationResult, previous: EvaluationResult) -> pd.DataFrame:
    """RHI and class of every water body in either result, current beside previous."""
    columns = ["name", "rhi", "health_class", "health_name", "health_label"]
    table = paired(current.water_bodies, previous.water_bodies, ["water_body_id"], columns)
    table["name"] = table["name"].fillna(table["name_previous"])
    return table.sort_values("water_body_id").reset_index(drop=True)


def compare_indicators(current_table: pd.DataFrame, previous_table: pd.DataFrame,
                       water_body_id: str) -> pd.DataFrame:
    """Water-body scores of every indicator of ``water_body_id`` in either result.

    Parameters
    ----------
    current_table, previous_table : DataFrame
        :func:`water_body_table` of the two results.
    """
    mine = current_table[current_table["water_body_id"] == water_body_id]
    theirs = previous_table[previous_table["water_body_id"] == water_body_id]
    table = paired(mine, theirs, ["indicator_id"], ["indicator_name", "criterion", "score"])
    table["indicator_name"] = table["indicator_name"].fillna(table["indicator_name_previous"])
    table["criterion"] = table["criterion"].fillna(table["criterion_previous"])
    return table.sort_values(["criterion", "indicator_id"]).reset_index(drop=True)


def compare_parts(current: EvaluationResult, previous: EvaluationResult, water_body_id: str
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Criterion scores (water body) and segment RHI of ``water_body_id`` in either result."""
    def criteria(result: EvaluationResult) -> pd.DataFrame:
        row = result.water_bodies[result.water_bodies["water_body_id"] == water_body_id]
        names = [c for c in CRITERIA if c in row]
        extra = [c for c in result.criteria["criterion"].unique() if c not in names and c in row]
        melted = row.melt(id_vars="water_body_id", value_vars=names + extra,
                          var_name="criterion", value_name="score")
        return melted.assign(score=pd.to_numeric(melted["score"], errors="coerce"))

    crit = paired(criteria(current), criteria(previous), ["criterion"], ["score"])
    seg_now = current.segments[current.segments["water_body_id"] == water_body_id]
    seg_then = previous.segments[previous.segments["water_body_id"] == water_body_id]
    segments = paired(seg_now, seg_then, ["segment_id"], ["name", "rhi", "health_class"])
    segments["name"] = segments["name"].fillna(segments["name_previous"])
    return crit, segments.sort_values("segment_id").reset_index(drop=True)
