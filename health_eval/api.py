"""``evaluate()``: the one entry point the CLI, the HTTP service and other systems share.

Input package → Dataset → per profile: compute and score indicators → weights → criteria →
segment RHI → water-body RHI → classes → :class:`EvaluationResult` (ARCHITECTURE §1).
"""

from __future__ import annotations

import datetime as _dt
import os
from typing import Any
from collections.abc import Mapping

import numpy as np
import pandas as pd

from . import __version__
from .aggregate import (classify_rhi, criterion_scores, effective_weights, empty_criteria_issues,
                        mandatory_gaps, segment_rhi, water_body_means)
from .compute import indicator_table
from .dataset import Dataset, load_dataset
from .issues import Issue, issues_frame
from .profile import Policies, Profile, ProfileError, load_profile
from .registry import IndicatorRegistry, default_registry
from .result import EvaluationResult
from .supplied import check_supplied
from .validation import check_references

DEFAULT_PROFILES: dict[str, str] = {"river": "mwr2020-river", "lake": "mwr2020-lake",
                                    "reservoir": "mwr2020-lake"}
WATER_BODY_KINDS = tuple(DEFAULT_PROFILES)
ProfileLike = str | os.PathLike | Profile | Mapping[str, Any]


def resolve_profiles(profile: ProfileLike | Mapping[str, ProfileLike] | None,
                     options: Mapping[str, Any] | None = None) -> dict[str, Profile]:
    """Which profile evaluates each water-body kind.

    Parameters
    ----------
    profile : None, profile-like, or mapping of kind to profile-like
        None: the packaged mwr2020 river and lake profiles. One profile: used for the kinds in
        its ``applies_to``. A mapping whose keys are kinds (``river``, ``lake``, ``reservoir``):
        one profile per kind.
    options : mapping, optional
        Policy overrides applied to every profile (keys of :class:`Policies`).

    Raises
    ------
    ProfileError
        For a profile that cannot be loaded, or an option that is not a policy.
    """
    if profile is None:
        chosen = dict(DEFAULT_PROFILES)
    elif isinstance(profile, Mapping) and profile and set(profile) <= set(WATER_BODY_KINDS):
        chosen = dict(profile)
    else:
        loaded = load_profile(profile)
        chosen = {kind: loaded for kind in loaded.applies_to}
    cache: dict[int, Profile] = {}
    by_kind = {}
    for kind, item in chosen.items():
        key = id(item)
        cache.setdefault(key, load_profile(item))
        by_kind[kind] = cache[key]
    if options:
        unknown = sorted(set(options) - set(Policies.model_fields))
        if unknown:
            raise ProfileError(f"未知选项 / unknown option(s) {unknown}; "
                               f"options are policies: {sorted(Policies.model_fields)}")
        by_kind = {kind: _with_policies(p, options) for kind, p in by_kind.items()}
    return by_kind


def _with_policies(profile: Profile, options: Mapping[str, Any]) -> Profile:
    policies = Policies.model_validate({**profile.policies.model_dump(), **options})
    return profile.model_copy(update={"policies": policies})


def _segment_frame(dataset: Dataset, profiles: dict[str, Profile]
                   ) -> tuple[pd.DataFrame, list[Issue]]:
    """Segments with their water body's kind, year and profile; issues for what cannot be placed."""
    water_bodies = dataset.table("water_bodies")
    segments = dataset.table("segments")
    frame = segments[["segment_id", "water_body_id", "name", "length_km", "area_km2",
                      "neighbour_segment_id"]].merge(
        water_bodies[["water_body_id", "kind", "evaluation_year"]], on="water_body_id",
        how="left", indicator=True)
    issues = []
    orphans = frame["_merge"] == "left_only"
    for position in np.flatnonzero(orphans.to_numpy()):
        segment = frame.iloc[position]
        issues.append(Issue(
            table="segments", column="water_body_id", rule="reference.water_body",
            severity="error", value=str(segment["water_body_id"]),
            row=dataset.row_number("segments", position), **_where(dataset, "segments"),
            message_zh=f"河段 {segment['segment_id']} 所属河湖 {segment['water_body_id']} "
                       f"不在河湖名录中",
            message_en=f"segment {segment['segment_id']}: water body "
                       f"{segment['water_body_id']} is not in water_bodies"))
    frame = frame[~orphans].drop(columns="_merge")
    for position in np.flatnonzero(~water_bodies["water_body_id"].isin(frame["water_body_id"])
                                   .to_numpy()):
        water_body = water_bodies.iloc[position]["water_body_id"]
        issues.append(Issue(
            table="water_bodies", column="water_body_id", rule="water_body.no_segment",
            severity="error", value=str(water_body), **_where(dataset, "water_bodies"),
            row=dataset.row_number("water_bodies", position),
            message_zh=f"河湖 {water_body} 没有评价河段，无法评价",
            message_en=f"water body {water_body} has no segment and cannot be evaluated"))
    frame["profile_id"] = frame["kind"].map({k: p.id for k, p in profiles.items()})
    for kind in sorted(set(frame.loc[frame["profile_id"].isna(), "kind"])):
        issues.append(Issue(
            table="water_bodies", column="kind", rule="profile.kind_not_covered",
            severity="error", value=str(kind),
            message_zh=f"所选评价方案不适用于类型为 {kind} 的河湖",
            message_en=f"no chosen profile evaluates water bodies of kind {kind!r}"))
    return frame[frame["profile_id"].notna()].reset_index(drop=True), issues


def _where(dataset: Dataset, table: str) -> dict[str, str | None]:
    source = dataset.sources.get(table)
    return {"file": source.file if source else None, "sheet": source.sheet if source else None}


def _segment_weights(segments: pd.DataFrame, profiles: dict[str, Profile]
                     ) -> tuple[pd.Series, list[Issue]]:
    """L_i of SPEC §1.1: length (rivers) or area (lakes); 1 for a water body of one segment."""
    basis = segments["profile_id"].map({p.id: p.segment_weighting for p in profiles.values()})
    weight = np.where(basis == "length", segments["length_km"], segments["area_km2"])
    weight = pd.Series(weight, index=segments.index, dtype=float)
    single = segments.groupby("water_body_id")["segment_id"].transform("size") == 1
    weight = weight.where(~(single & weight.isna()), 1.0)
    bad = weight.isna() | (weight <= 0)
    issues = [Issue(table="segments", column="length_km" if b == "length" else "area_km2",
                    rule="segment.weight_missing", severity="error", value=str(s),
                    message_zh=f"河段 {s} 缺少{'长度' if b == 'length' else '面积'}"
                               f"（或不大于0），无法加权得出河湖健康指数",
                    message_en=f"segment {s} has no positive {'length' if b == 'length' else 'area'}"
                               f": the water body RHI cannot be weighted")
              for s, b in zip(segments.loc[bad, "segment_id"], basis[bad])]
    return weight.where(~bad), issues


def evaluate(dataset: Dataset | str | os.PathLike | Mapping[str, pd.DataFrame],
             profile: ProfileLike | Mapping[str, ProfileLike] | None = None, *,
             registry: IndicatorRegistry | None = None, **options: Any) -> EvaluationResult:
    """Evaluate the health of every water body in ``dataset``.

    Parameters
    ----------
    dataset : Dataset, path or mapping of DataFrames
        The input package (see :func:`health_eval.load_dataset`).
    profile : profile-like or mapping of kind to profile-like, optional
        The method (see :func:`resolve_profiles`); default the packaged mwr2020 profiles.
    registry : IndicatorRegistry, optional
        Indicator definitions; default the built-ins plus installed plugins.
    **options
        Policy overrides for this run (``missing_mandatory``, ``station_combination``,
        ``below_detection``, ``rounding``); recorded in the provenance.

    Returns
    -------
    EvaluationResult
        Every water body, segment, criterion and indicator; problems are in ``issues`` (a water
        body whose data cannot give an RHI has RHI NaN and an error issue, the others are
        evaluated all the same).
    """
    dataset = load_dataset(dataset)
    registry = registry if registry is not None else default_registry()
    profiles_by_kind = resolve_profiles(profile, options)
    profiles = {p.id: p for p in profiles_by_kind.values()}
    segments, issues = _segment_frame(dataset, profiles_by_kind)
    issues = list(dataset.issues) + check_references(dataset) + issues

    frames = []
    for profile_id, chosen in sorted(profiles.items()):
        mine = segments[segments["profile_id"] == profile_id]
        if mine.empty:
            continue
        table, found = indicator_table(dataset, mine, chosen, registry)
        frames.append(table.assign(profile_id=profile_id))
        issues.extend(found)
    issues.extend(check_supplied(dataset, segments, profiles, registry))
    indicators = (pd.concat(frames, ignore_index=True) if frames
                  else pd.DataFrame(columns=["profile_id", "water_body_id", "segment_id",
                                             "criterion", "indicator_id", "required",
                                             "base_weight", "status", "score"]))
    indicators["weight"] = effective_weights(indicators)

    criteria_weights = pd.DataFrame(
        [(p.id, k, c.weight) for p in profiles.values() for k, c in p.criteria.items()],
        columns=["profile_id", "criterion", "weight"])
    criteria = criterion_scores(indicators, criteria_weights)
    blocked, gap_issues = mandatory_gaps(indicators, profiles)
    issues.extend(gap_issues)
    issues.extend(empty_criteria_issues(criteria))

    rhi = segment_rhi(criteria)
    rhi = rhi.where(~blocked.reindex(rhi.index, fill_value=False))
    weights, weight_issues = _segment_weights(segments, profiles)
    issues.extend(weight_issues)
    segment_table = segments.assign(segment_weight=weights,
                                    rhi=segments["segment_id"].map(rhi).astype(float))
    criterion_wide = criteria.pivot(index="segment_id", columns="criterion", values="score")
    criterion_names = [k for p in profiles.values() for k in p.criteria
                       if k in criterion_wide.columns]
    criterion_names = list(dict.fromkeys(criterion_names))
    segment_table = segment_table.join(criterion_wide[criterion_names], on="segment_id")
    water_bodies = _water_body_table(dataset, segment_table, criterion_names, profiles)
    segment_table = _with_classes(segment_table, profiles)

    return EvaluationResult(
        water_bodies=water_bodies,
        segments=segment_table[["water_body_id", "segment_id", "name", "profile_id",
                                "segment_weight", "rhi", "health_class", "health_label",
                                "health_name"]].sort_values(["water_body_id", "segment_id"])
        .reset_index(drop=True),
        criteria=criteria[["water_body_id", "segment_id", "criterion", "score", "weight",
                           "n_evaluated"]].sort_values(["water_body_id", "segment_id",
                                                        "criterion"]).reset_index(drop=True),
        indicators=_indicator_output(indicators),
        issues=_unique_issues(issues),
        provenance=_provenance(dataset, profiles, options),
    )


def _with_classes(frame: pd.DataFrame, profiles: dict[str, Profile]) -> pd.DataFrame:
    """Add ``health_class``, ``health_label`` and ``health_name`` by each row's profile.

    Rows without a profile (a kind no chosen profile covers) get no class.
    """
    rhi = frame["rhi"].where(frame["profile_id"].notna())
    first = next(iter(profiles.values()))
    parts = [classify_rhi(rhi[frame["profile_id"] == pid], p.classes)
             for pid, p in profiles.items()]
    parts.append(classify_rhi(rhi[frame["profile_id"].isna()], first.classes))
    return frame.join(pd.concat([p for p in parts if len(p)] or parts[-1:]))


def _water_body_table(dataset: Dataset, segments: pd.DataFrame, criterion_names: list[str],
                      profiles: dict[str, Profile]) -> pd.DataFrame:
    """Length- or area-weighted RHI and criterion scores of every water body, with classes."""
    means = water_body_means(segments, ["rhi"] + criterion_names)
    water_bodies = dataset.table("water_bodies")[["water_body_id", "name", "kind"]].astype(
        {"water_body_id": "string"})
    profile_of = segments.drop_duplicates("water_body_id").set_index("water_body_id")["profile_id"]
    table = water_bodies.assign(profile_id=water_bodies["water_body_id"].map(profile_of))
    table = table.join(means, on="water_body_id")
    if "rhi" not in table:
        table["rhi"] = np.nan
    table = _with_classes(table, profiles)
    columns = ["water_body_id", "name", "kind", "profile_id", "rhi", "health_class",
               "health_label", "health_name"] + criterion_names
    return table[columns].sort_values("water_body_id").reset_index(drop=True)


def _indicator_output(indicators: pd.DataFrame) -> pd.DataFrame:
    columns = ["water_body_id", "segment_id", "indicator_id", "criterion", "required", "value",
               "unit", "score", "weight", "base_weight", "status", "source", "n_obs", "details"]
    if indicators.empty:
        return pd.DataFrame(columns=columns)
    return (indicators[columns].sort_values(["water_body_id", "segment_id", "indicator_id"])
            .reset_index(drop=True))


def _unique_issues(issues: list[Issue]) -> pd.DataFrame:
    """Issues without repeats (two indicators reading one table report its problems once)."""
    return issues_frame(list(dict.fromkeys(issues)))


def _provenance(dataset: Dataset, profiles: dict[str, Profile],
                options: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "engine": "health_eval", "engine_version": __version__,
        "numpy_version": np.__version__, "pandas_version": pd.__version__,
        "dataset": dataset.name,
        "inputs": dict(sorted(dataset.input_hashes().items())),
        "profiles": {pid: {"digest": p.digest(), "extends": p.extends_chain, "title": p.title_zh,
                           "source": p.source}
                     for pid, p in sorted(profiles.items())},
        "options": dict(sorted(options.items())),
        "timestamp": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
    }
