"""Weights, criterion scores, segment and water-body RHI, health classes (SPEC §1.1, §1.2).

All functions work on long tables of every segment at once::

    criterion score  C_ik = Σ_j w_jk s_ij / Σ_j w_jk   over the evaluated indicators of k
    segment RHI      R_i  = Σ_k W_k C_ik
    water body RHI   R    = Σ_i R_i L_i / Σ_i L_i       (L: length for rivers, area for lakes)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..issues import Issue
from ..profiles.profile import HealthClass, Profile
from .compute import is_evaluated


def effective_weights(indicators: pd.DataFrame) -> pd.Series:
    """Weight of each indicator row within its segment's criterion after renormalisation.

    Indicators without an evaluated value get weight 0; the others share 1 in proportion to
    their ``base_weight`` (SPEC §1.1). A criterion with nothing evaluated gets NaN.
    """
    counted = indicators["base_weight"].astype(float).where(
        is_evaluated(indicators["status"], indicators["score"]), 0.0)
    # (segment, criterion) as one integer, numbered in the order of the sorted pairs
    segment, _ = pd.factorize(indicators["segment_id"], sort=True)
    criterion, criteria = pd.factorize(indicators["criterion"], sort=True)
    key = segment.astype(np.int64) * (len(criteria) + 1) + criterion
    total = counted.groupby(key).transform("sum")
    return counted / total.where(total > 0)


def criterion_scores(indicators: pd.DataFrame, criteria_weights: pd.DataFrame) -> pd.DataFrame:
    """Criterion score C_ik of every segment (SPEC §1.1).

    Parameters
    ----------
    indicators : DataFrame
        Long indicator table with ``weight`` (effective) and ``score``.
    criteria_weights : DataFrame
        ``profile_id, criterion, weight`` (W_k) and the segments' ``profile_id`` via
        ``indicators``.

    Returns
    -------
    DataFrame
        ``water_body_id, segment_id, criterion, score, weight, n_evaluated`` — score NaN where no
        indicator of the criterion was evaluated.
    """
    weight = indicators["weight"].to_numpy(dtype=float, na_value=np.nan)
    evaluated = np.nan_to_num(weight, nan=0.0) > 0
    contribution = np.where(evaluated, weight * indicators["score"].to_numpy(
        dtype=float, na_value=np.nan), 0.0)
    keys = ["profile_id", "water_body_id", "segment_id", "criterion"]
    # a segment id names one segment of one water body and profile: (segment, criterion) is
    # the key, grouped as integer codes in order of appearance
    segment, _ = pd.factorize(indicators["segment_id"])
    criterion, criteria = pd.factorize(indicators["criterion"])
    key = segment.astype(np.int64) * (len(criteria) + 1) + criterion
    sums = pd.DataFrame({"contribution": contribution, "n_evaluated": evaluated.astype(int)}
                        ).groupby(key, sort=False).sum()
    _, first = np.unique(key, return_index=True)
    table = indicators[keys].iloc[np.sort(first)].reset_index(drop=True).assign(
        contribution=sums["contribution"].to_numpy(), n_evaluated=sums["n_evaluated"].to_numpy())
    table["score"] = table["contribution"].where(table["n_evaluated"] > 0)
    table = table.merge(criteria_weights, on=["profile_id", "criterion"], how="left")
    return table.drop(columns="contribution")


def segment_rhi(criteria: pd.DataFrame) -> pd.Series:
    """Segment RHI R_i = Σ_k W_k C_ik, NaN when any criterion of the segment has no score."""
    weighted = criteria["weight"] * criteria["score"]
    grouped = weighted.groupby(criteria["segment_id"], sort=False)
    complete = criteria["score"].notna().groupby(criteria["segment_id"], sort=False).all()
    return grouped.sum().where(complete)


def water_body_means(frame: pd.DataFrame, value_columns: list[str]) -> pd.DataFrame:
    """Weighted means of ``value_columns`` per water body with weights ``segment_weight``.

    A water body gets NaN for a column where any of its segments has NaN, or has no weight: a
    partial RHI would misstate the whole water body.
    """
    weight = frame["segment_weight"].astype(float)
    weighted = frame[value_columns].mul(weight, axis=0)
    grouped = weighted.groupby(frame["water_body_id"], sort=False)
    totals = weight.groupby(frame["water_body_id"], sort=False).sum()
    known = frame[value_columns].notna() & weight.notna().to_numpy()[:, None]
    complete = known.groupby(frame["water_body_id"], sort=False).all()
    return grouped.sum(min_count=1).div(totals, axis=0).where(complete)


def classify_rhi(rhi: pd.Series | np.ndarray, classes: list[HealthClass]) -> pd.DataFrame:
    """Health class of each (unrounded) RHI (SPEC §1.2): the best class whose minimum it reaches.

    Returns
    -------
    DataFrame
        ``health_class`` (Int64 grade 1…; <NA> for NaN RHI), ``health_label`` (e.g. 健康) and
        ``health_name`` (e.g. 二类河湖), index as ``rhi``.
    """
    values = np.asarray(rhi, dtype=float)
    index = rhi.index if isinstance(rhi, pd.Series) else None
    return pd.DataFrame(_classified(values, np.zeros(len(values), dtype=np.int64), [classes]),
                        index=index)


def _classified(rhi: np.ndarray, chosen: np.ndarray, classes: list[list[HealthClass]]
                ) -> dict[str, object]:
    """``health_class, health_label, health_name`` of each RHI [score] by the classes
    ``classes[chosen[i]]`` of its row (NaN RHI: no class), all rows at once."""
    width = max(len(c) for c in classes)
    thresholds = np.full((len(classes), width), np.inf)
    labels = np.full((len(classes), width), None, dtype=object)
    names = np.full((len(classes), width), None, dtype=object)
    for row, own in enumerate(classes):
        thresholds[row, :len(own)] = [c.min_rhi for c in own]          # falling
        labels[row, :len(own)] = [c.label_zh for c in own]
        names[row, :len(own)] = [c.name_zh for c in own]
    counts = np.array([len(c) for c in classes])
    with np.errstate(invalid="ignore"):
        reached = rhi[:, None] >= thresholds[chosen]
    position = np.where(reached.any(axis=1), reached.argmax(axis=1), counts[chosen] - 1)
    known = ~np.isnan(rhi)
    grades = pd.array(np.where(known, position + 1, 0), dtype="Int64")
    grades[~known] = pd.NA
    return {"health_class": grades,
            "health_label": np.where(known, labels[chosen, position], None),
            "health_name": np.where(known, names[chosen, position], None)}


#: The cause given for a missing value without a reason of :mod:`health_eval.engine.gaps` (an
#: ``insufficient_data`` or ``error`` value), zh and en.
OTHER_ISSUES = ("数据不足或计算出错，原因见该指标的其他问题",
                "too little data or a failed computation; see the other issues of the indicator")


def mandatory_gaps(indicators: pd.DataFrame, profiles: dict[str, Profile]
                   ) -> tuple[pd.Series, list[Issue]]:
    """Mandatory indicators without an evaluated value, by the profile's policy (SPEC §1.1).

    Returns
    -------
    (Series, list of Issue)
        Per segment, whether an *error*-policy gap leaves it without an RHI; and one issue per
        water body × indicator naming its segments (error, or a warning that the criterion was
        renormalised).
    """
    gap = indicators["required"].astype(bool) & ~is_evaluated(indicators["status"],
                                                              indicators["score"])
    policy = indicators["profile_id"].map({k: p.policies.missing_mandatory
                                           for k, p in profiles.items()})
    blocking = (gap & policy.eq("error")).groupby(indicators["segment_id"], sort=False).any()
    issues = []
    columns = ["water_body_id", "indicator_id", "segment_id", "status"]
    columns += ["indicator_name"] if "indicator_name" in indicators else []
    frame = indicators.loc[gap, columns].assign(
        reason_zh=indicators.loc[gap, "reason_zh"].fillna(OTHER_ISSUES[0]),
        reason_en=indicators.loc[gap, "reason_en"].fillna(OTHER_ISSUES[1]))
    for (water_body, indicator_id, reason_zh, reason_en), rows in frame.groupby(
            ["water_body_id", "indicator_id", "reason_zh", "reason_en"], sort=True):
        severity = "error" if policy[rows.index[0]] == "error" else "warning"
        segments = ", ".join(rows["segment_id"])
        statuses = ", ".join(sorted(set(rows["status"])))
        statuses_zh = "、".join(STATUS_ZH.get(s, s) for s in sorted(set(rows["status"])))
        name = rows["indicator_name"].iloc[0] if "indicator_name" in rows else indicator_id
        issues.append(Issue.of(
            "indicator.mandatory_missing", table="evaluation", column=indicator_id,
            severity=severity, value=segments, water_body_id=str(water_body),
            segment_id=segments if len(rows) == 1 else None, indicator_id=indicator_id,
            count=len(rows), name=name, statuses=statuses,
            statuses_zh=statuses_zh, reason_zh=reason_zh, reason_en=reason_en,
            phrase=severity))
    return blocking, issues


def empty_criteria_issues(criteria: pd.DataFrame, names: dict[str, str] | None = None
                          ) -> list[Issue]:
    """An error for every segment × criterion with no evaluated indicator (SPEC §1.1);
    ``names`` gives the criteria's Chinese names (``basin`` → 盆) for the messages."""
    empty = criteria[criteria["n_evaluated"] == 0]
    names = names or {}
    return [Issue.of("criterion.no_indicator", table="evaluation", column=criterion,
                     value=segment, segment_id=segment,
                     criterion_zh=names.get(criterion, criterion))
            for segment, criterion in zip(empty["segment_id"], empty["criterion"])]


#: Statuses as Chinese messages name them.
STATUS_ZH = {"no_data": "无数据", "insufficient_data": "数据不足", "error": "计算出错",
             "not_applicable": "不适用"}
#: Segment weighting of SPEC §1.1: column of ``segments``, and its name in messages (zh, en).
WEIGHT_BASIS = {"length": ("length_km", "长度", "length"), "area": ("area_km2", "面积", "area")}


def segment_weights(segments: pd.DataFrame, profiles: dict[str, Profile], *,
                    file: str | None = None, sheet: str | None = None
                    ) -> tuple[pd.Series, list[Issue]]:
    """L_i of SPEC §1.1: length (rivers) or area (lakes); 1 for a water body of one segment.

    A segment of a water body with several segments and no positive length (area) gets NaN and
    an error located by ``file``, ``sheet`` and the segments' ``row`` column.
    """
    basis = segments["profile_id"].map({p.id: p.segment_weighting for p in profiles.values()})
    weight = np.where(basis == "length", segments["length_km"], segments["area_km2"])
    weight = pd.Series(weight, index=segments.index, dtype=float)
    single = segments.groupby("water_body_id")["segment_id"].transform("size") == 1
    weight = weight.where(~(single & weight.isna()), 1.0)
    bad = weight.isna() | (weight <= 0)
    issues = []
    for segment, kind, row in zip(segments.loc[bad, "segment_id"], basis[bad],
                                  segments.loc[bad, "row"]):
        column, name_zh, name_en = WEIGHT_BASIS[kind]
        issues.append(Issue.of(
            "segment.weight_missing", table="segments", column=column, value=str(segment),
            segment_id=str(segment), file=file, sheet=sheet,
            row=None if pd.isna(row) else int(row), basis_zh=name_zh, basis_en=name_en))
    return weight.where(~bad), issues


def with_classes(frame: pd.DataFrame, profiles: dict[str, Profile]) -> pd.DataFrame:
    """Add ``health_class``, ``health_label`` and ``health_name`` by each row's profile.

    Rows without a profile (a kind no chosen profile covers) get no class.
    """
    chosen = pd.Index(list(profiles)).get_indexer(frame["profile_id"].astype(object))
    rhi = np.where(chosen >= 0, frame["rhi"].to_numpy(dtype=float, na_value=np.nan), np.nan)
    return frame.assign(**_classified(rhi, np.maximum(chosen, 0),
                                      [p.classes for p in profiles.values()]))


@dataclass(frozen=True)
class Aggregation:
    """Everything aggregated from the long indicator table.

    Attributes
    ----------
    indicators : DataFrame
        The indicator table with the effective ``weight`` of each row.
    criteria : DataFrame
        Criterion score per segment (:func:`criterion_scores`).
    segments : DataFrame
        The segments with ``segment_weight``, ``rhi``, one column per criterion and the class.
    water_bodies : DataFrame
        ``water_body_id, profile_id, rhi``, the class and one column per criterion score.
    issues : list of Issue
        Mandatory gaps and empty criteria.
    """

    indicators: pd.DataFrame
    criteria: pd.DataFrame
    segments: pd.DataFrame
    water_bodies: pd.DataFrame
    issues: list[Issue]


def aggregate(indicators: pd.DataFrame, segments: pd.DataFrame, profiles: dict[str, Profile]
              ) -> Aggregation:
    """Weights → criterion scores → segment RHI → water-body RHI → classes (SPEC §1.1, §1.2).

    Parameters
    ----------
    indicators : DataFrame
        Long indicator table of every segment (``profile_id, water_body_id, segment_id,
        criterion, indicator_id, required, base_weight, status, score``…, and ``reason_zh,
        reason_en``: why a value is missing, :mod:`health_eval.engine.gaps`).
    segments : DataFrame
        Evaluated segments with ``profile_id`` and ``segment_weight`` (:func:`segment_weights`).
    profiles : dict of str to Profile
        Profiles by id.
    """
    indicators = indicators.assign(weight=effective_weights(indicators))
    criteria_weights = pd.DataFrame(
        [(p.id, k, c.weight) for p in profiles.values() for k, c in p.criteria.items()],
        columns=["profile_id", "criterion", "weight"])
    criteria = criterion_scores(indicators, criteria_weights)
    blocked, issues = mandatory_gaps(indicators, profiles)
    issues.extend(empty_criteria_issues(criteria, {
        key: c.name_zh for p in profiles.values() for key, c in p.criteria.items()}))
    rhi = segment_rhi(criteria)
    rhi = rhi.where(~blocked.reindex(rhi.index, fill_value=False))
    wide = criteria.pivot(index="segment_id", columns="criterion", values="score")
    names = list(dict.fromkeys(k for p in profiles.values() for k in p.criteria
                               if k in wide.columns))
    table = segments.assign(rhi=segments["segment_id"].map(rhi).astype(float))
    table = table.join(wide[names], on="segment_id")
    totals = water_body_means(table, ["rhi"] + names)
    profile_of = table.drop_duplicates("water_body_id").set_index("water_body_id")["profile_id"]
    totals = totals.assign(profile_id=profile_of.reindex(totals.index)).rename_axis(
        "water_body_id").reset_index()
    totals = with_classes(totals, profiles)[["water_body_id", "profile_id", "rhi", "health_class",
                                             "health_label", "health_name"] + names]
    return Aggregation(indicators=indicators, criteria=criteria,
                       segments=with_classes(table, profiles), water_bodies=totals,
                       issues=issues)
