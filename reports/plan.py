"""The plan of every water body (SPEC §7, 一河（湖）一策): the cheapest indicator improvements that
lift it one class, as score gains and raw-value targets.

The variables of a water body's programme (:mod:`.plan_lp`) are its weak indicator rows
(:func:`.diagnosis.weak_rows`: below ``weak_below``, mandatory ones below
``mandatory_weak_below``), each segment's row apart, except an indicator the method evaluates
once for the whole water body (scope ``water_body``: connectivity, fish retention, flow
deviation…), whose rows move together. Only evaluated indicators are variables: one left
out for missing data has had its weight shared out among the others, and the RHI is not
linear in adding it back. When the weak rows cannot close the gap even at 100, every evaluated
row below 100 becomes a variable; when even that falls short, the plan says so and shows the
RHI reached with all of them at 100. Costs are the catalogue's ``plan_effort`` per score point
(default 1). Score targets become raw-value targets by inverting the profile's scoring rule
(:mod:`health_eval.profiles.scoring_inverse`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from health_eval.profiles.profile import HealthClass
from health_eval.profiles.scoring_inverse import value_for_score

from .plan_lp import GAP_TOLERANCE, solve_gains
from .profiles import rule_of

#: Columns of :attr:`PlanTables.steps`.
STEP_COLUMNS = ["water_body_id", "indicator_id", "indicator_name", "criterion", "required",
                "whole_water_body", "segment_ids", "value", "unit", "score", "gain", "target_score", "relation",
                "target_value", "reached_score", "points", "rhi_gain", "cost", "departments"]


def next_class(rhi: float, classes: Sequence[HealthClass]) -> HealthClass | None:
    """The class just better than the one ``rhi`` falls in; None for the best class or no RHI."""
    if rhi is None or not np.isfinite(rhi):
        return None
    better = [c for c in classes if c.min_rhi > rhi]
    return min(better, key=lambda c: c.min_rhi) if better else None


@dataclass(frozen=True)
class PlanTables:
    """The plans of all water bodies.

    Attributes
    ----------
    plans : DataFrame
        One row per water body: ``water_body_id, rhi, status`` (``plan``: the weak indicators
        close the gap; ``plan_all``: only with the other indicators too; ``unreachable``;
        ``best``: already the best class; ``likely``: enough replicates already reach the next
        class; ``no_rhi``; ``no_profile``), ``target`` (the next
        :class:`HealthClass` or None), ``gap`` [RHI points], ``rhi_reached`` (RHI after the
        plan, step rules' whole bands counted), ``cost`` (Σ effort × gain).
    steps : DataFrame
        One row per improvement (:data:`STEP_COLUMNS`): ``segment_ids`` (the segments whose
        rows move together; ``whole_water_body`` when the indicator is scored once for it),
        ``value``/``score`` now, ``gain`` and ``target_score`` [score],
        ``target_value`` with ``relation`` (``>=``/``<=``; NaN when the rule cannot be
        inverted), ``reached_score`` (what the target value scores), ``points`` (RHI points per
        score point), ``rhi_gain`` (points × (reached − score)), ``cost``, ``departments`` (of
        the catalogue's measures for the indicator).
    """

    plans: pd.DataFrame
    steps: pd.DataFrame

    def of(self, water_body_id: str) -> tuple[dict, pd.DataFrame]:
        """The plan row and the steps of one water body."""
        row = self.plans[self.plans["water_body_id"] == water_body_id].iloc[0].to_dict()
        return row, self.steps[self.steps["water_body_id"] == water_body_id]


def plan_variables(points: pd.DataFrame, whole_water_body: set[str], weak_only: bool = True
                   ) -> pd.DataFrame:
    """The variables of the plans: weak (or all) evaluated indicator rows below 100.

    Parameters
    ----------
    points : DataFrame
        :attr:`.context.ReportContext.points` (indicator rows with ``points``, ``weak``,
        ``priority``).
    whole_water_body : set of str
        Indicators scored once per water body: their rows of one water body and one score
        form one variable.
    weak_only : bool
        Only the weak rows (else every evaluated row below 100).

    Returns
    -------
    DataFrame
        ``water_body_id, indicator_id, key, score, indicator_name, criterion, required,
        priority, value, unit, points`` (summed over the rows), ``segment_ids`` (tuple),
        ``whole_water_body`` (an indicator scored once for the water body).
    """
    score = points["score"].astype(float)
    keep = points["evaluated"] & (score < 100.0) & (points["points"] > 0)
    if weak_only:
        keep &= points["weak"]
    rows = points[keep].assign(score=score[keep])
    rows = rows.assign(key=rows["segment_id"].where(~rows["indicator_id"].isin(whole_water_body),
                                                    ""))
    keys = ["water_body_id", "indicator_id", "key", "score"]
    rows = rows.sort_values([*keys, "segment_id"], kind="stable")
    grouped = rows.groupby(keys, sort=False)
    table = grouped.agg(indicator_name=("indicator_name", "first"),
                        criterion=("criterion", "first"), required=("required", "any"),
                        priority=("priority", "any"), value=("value", "first"),
                        unit=("unit", "first"), points=("points", "sum")).reset_index()
    starts = np.flatnonzero(np.diff(grouped.ngroup().to_numpy())) + 1
    table["segment_ids"] = [tuple(s) for s in np.split(rows["segment_id"].to_numpy(), starts)
                            ] if len(rows) else []
    table["whole_water_body"] = table["key"] == ""
    return table.sort_values(["water_body_id", "indicator_id", "key"], kind="stable",
                             ignore_index=True)


def _rank(variables: pd.DataFrame) -> np.ndarray:
    """Order of equally cheap variables: mandatory ones below their threshold, then mandatory
    ones, then the lowest scores."""
    order = np.lexsort((variables["score"].to_numpy(float),
                        ~variables["required"].to_numpy(bool),
                        ~variables["priority"].to_numpy(bool)))
    rank = np.empty(len(order))
    rank[order] = np.arange(len(order))
    return rank


def _solve(variables: pd.DataFrame, gaps: pd.Series, efforts: dict[str, dict[str, float]]):
    """Gains of ``variables`` closing ``gaps`` (by water body id); reachable per water body."""
    ids = list(gaps.index)
    group = variables["water_body_id"].map({w: k for k, w in enumerate(ids)}).to_numpy(int)
    pairs = {(w, i): e for w, effort in efforts.items() for i, e in effort.items()}
    costs = np.ones(len(variables))
    if pairs and len(variables):
        costs = pd.Series(pairs, dtype=float).reindex(pd.MultiIndex.from_arrays(
            [variables["water_body_id"], variables["indicator_id"]])).fillna(1.0).to_numpy()
    solved = solve_gains(group, variables["points"].to_numpy(float),
                         100.0 - variables["score"].to_numpy(float), costs,
                         gaps.to_numpy(float), _rank(variables))
    return variables.assign(gain=solved.gains, cost=costs), pd.Series(solved.reachable, ids)


def build_plans(context, reached: Mapping[str, float] | None = None) -> PlanTables:
    """The plan of every water body of a :class:`~.context.ReportContext`.

    Parameters
    ----------
    context : ReportContext
    reached : mapping of water body id to float, optional
        From a confidence run: the highest RHI at least 80 % of the water body's replicates
        reach (``rhi_reached_80`` of ``confidence_water_bodies``) [RHI points]. A water body
        given here is planned for the gap from that RHI to the next class, so that the plan
        lifts 80 % of the replicates (RHI is linear in the scores: a plan adds the same RHI
        points to every replicate), instead of the gap of its reported RHI; status ``likely``
        when it already reaches the next class.
    """
    registry = context.registry
    whole = {i.id for i in registry if i.scope == "water_body"} | {
        i for i, own in context.own_indicators.items() if own.scope == "water_body"}
    reached = reached or {}
    plans = []
    for water_body_id, row in context.water_body_rows.items():
        profile, rhi = context.profile(water_body_id), _number(row.get("rhi"))
        target = next_class(rhi, profile.classes) if profile is not None else None
        status = ("no_rhi" if not np.isfinite(rhi) else "no_profile" if profile is None
                  else "best" if target is None else "plan")
        gap = target.min_rhi - rhi if target is not None else np.nan
        if target is not None and np.isfinite(_number(reached.get(water_body_id))):
            gap = target.min_rhi - _number(reached[water_body_id])
            status = "likely" if gap <= GAP_TOLERANCE else status
        plans.append({"water_body_id": water_body_id, "rhi": rhi, "status": status,
                      "target": target, "gap": gap})
    plans = pd.DataFrame(plans, columns=["water_body_id", "rhi", "status", "target", "gap"])
    gaps = plans.set_index("water_body_id")["gap"]
    catalogues = {w: context.measures(w).catalogue for w in gaps.index}
    efforts = {w: dict(c.settings.plan_effort) for w, c in catalogues.items()}
    points = context.points
    weak, reachable = _solve(plan_variables(points, whole), gaps, efforts)
    short = gaps[~reachable]
    solved = weak[~weak["water_body_id"].isin(short.index)]
    if len(short):
        every, reachable_all = _solve(plan_variables(
            points[points["water_body_id"].isin(short.index)], whole, weak_only=False),
            short, efforts)
        solved = pd.concat([solved, every], ignore_index=True)
        plans.loc[plans["water_body_id"].isin(short.index), "status"] = np.where(
            reachable_all.reindex(plans["water_body_id"]).dropna().to_numpy(bool),
            "plan_all", "unreachable")
    steps = _steps(solved[solved["gain"] > GAP_TOLERANCE], context, catalogues)
    totals = steps.groupby("water_body_id")[["rhi_gain", "cost"]].sum()
    plans["rhi_reached"] = plans["rhi"] + plans["water_body_id"].map(
        totals["rhi_gain"]).fillna(0.0)
    plans["cost"] = plans["water_body_id"].map(totals["cost"]).fillna(0.0)
    return PlanTables(plans, steps)


def _steps(solved: pd.DataFrame, context, catalogues) -> pd.DataFrame:
    """The improvements with their raw-value targets, RHI gains and departments."""
    targets = [_value_target(context, w, i, min(s + g, 100.0)) for w, i, s, g in
               zip(solved["water_body_id"], solved["indicator_id"], solved["score"],
                   solved["gain"])]
    steps = solved.assign(
        target_score=np.minimum(solved["score"] + solved["gain"], 100.0),
        relation=[t.relation if t else None for t in targets],
        target_value=[t.value if t else np.nan for t in targets],
        departments=[_departments(catalogues[w], i) for w, i in
                     zip(solved["water_body_id"], solved["indicator_id"])])
    steps["reached_score"] = [t.score if t else s for t, s in zip(targets,
                                                                 steps["target_score"])]
    steps["rhi_gain"] = steps["points"] * (steps["reached_score"] - steps["score"])
    steps["cost"] = steps["cost"] * steps["gain"]
    return steps[STEP_COLUMNS].reset_index(drop=True)


def _number(value) -> float:
    """A float, NaN for a missing value."""
    return float(value) if value is not None and pd.notna(value) else float("nan")


def _value_target(context, water_body_id: str, indicator_id: str, score: float):
    profile = context.profile(water_body_id)
    rule = rule_of(profile, indicator_id, context.registry) if profile is not None else None
    return value_for_score(rule, score) if rule is not None else None


def _departments(catalogue, indicator_id: str) -> tuple[str, ...]:
    """Departments of the catalogue's measures for ``indicator_id``, in catalogue order."""
    return tuple(dict.fromkeys(d for m in catalogue.for_indicator(indicator_id)
                               for d in m.departments))
