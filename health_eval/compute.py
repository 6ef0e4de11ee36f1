"""Compute and score every indicator of a profile for all its segments at once (ARCHITECTURE §1).

For each indicator the profile uses: run its ``compute`` over the whole dataset (or take nothing
when it has none), let supplied values (``indicator_values``) win, score each value with the
profile's rule, combine several stations of one segment by the station policy, broadcast
whole-water-body values to their segments, and flag every segment left without a value. The
output is the long ``indicators`` table of the result, before weights are applied.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .gaps import CONTEXT_TABLES as CONTEXT_TABLES  # noqa: F401 (health_eval.distributed)
from .gaps import has_inputs, missing_reasons
from .indicator_params import Params, parse_params
from .issues import Issue
from .profile import IndicatorConfig, Profile, ProfileError
from .registry import (
    AnyRule,
    ComputeContext,
    ComputeResult,
    Indicator,
    IndicatorRegistry,
    IndicatorValues,
    own_indicator_definition,
)
from .vocabulary import EVALUATED_STATUSES, STATUSES

INDICATOR_COLUMNS: tuple[str, ...] = (
    "water_body_id", "segment_id", "indicator_id", "indicator_name", "criterion", "required",
    "base_weight",
    "value", "unit", "score", "status", "source", "n_obs", "details",
)


@dataclass(frozen=True)
class UsedIndicator:
    """An indicator as a profile uses it: definition, configuration and the rule that scores it."""

    definition: Indicator
    config: IndicatorConfig
    rule: AnyRule
    params: Params

    @property
    def criterion(self) -> str:
        """The criterion it counts under in this profile."""
        return self.config.criterion or self.definition.criterion


def used_indicators(profile: Profile, registry: IndicatorRegistry) -> list[UsedIndicator]:
    """Resolve the profile's indicators against the registry.

    Raises
    ------
    ProfileError
        For an indicator id the registry does not know, an indicator under a criterion the
        profile lacks, an indicator without a scoring rule, or params its model rejects.
    """
    own = {o.id: own_indicator_definition(o) for o in profile.own_indicators}
    problems, used = [], []
    for indicator_id, config in profile.used_indicators.items():
        definition = own.get(indicator_id)
        if definition is None and indicator_id not in registry:
            problems.append(f"indicators.{indicator_id}: 未知指标 / unknown indicator")
            continue
        definition = definition or registry.get(indicator_id)
        rule = config.scoring or definition.default_scoring
        criterion = config.criterion or definition.criterion
        params, wrong = parse_params(definition.params, config.params, indicator_id)
        problems += wrong
        if wrong:
            continue
        if rule is None:
            problems.append(f"indicators.{indicator_id}.scoring: 缺少赋分规则 / no scoring rule")
        elif criterion not in profile.criteria:
            problems.append(f"indicators.{indicator_id}: 准则层 {criterion!r} 不在方案中 / "
                            f"criterion {criterion!r} is not in the profile")
        else:
            used.append(UsedIndicator(definition, config, rule, params))
    if problems:
        raise ProfileError(f"{profile.id}: " + "; ".join(problems))
    return used


def indicator_table(dataset, segments: pd.DataFrame, profile: Profile,
                    registry: IndicatorRegistry, progress: Callable[[str], None] | None = None
                    ) -> tuple[pd.DataFrame, list[Issue]]:
    """The long indicator table of ``segments`` evaluated by ``profile``.

    Parameters
    ----------
    dataset : Dataset
    segments : DataFrame
        Segments this profile evaluates (see :class:`~health_eval.registry.ComputeContext`).
    profile : Profile
    registry : IndicatorRegistry
    progress : callable, optional
        Called with the indicator id after each indicator (for a progress bar).

    Returns
    -------
    (DataFrame, list of Issue)
        One row per segment × applicable indicator with :data:`INDICATOR_COLUMNS`, and the
        problems met.
    """
    supplied = dataset.table("indicator_values")
    frames, issues = [], []
    shared: dict[frozenset[str], dict] = {}    # one memo store per set of segments computed
    keys: dict[frozenset[str], pd.DataFrame] = {}   # their ids as strings, once per set
    for used in used_indicators(profile, registry):
        applicable = segments[segments["kind"].isin(used.definition.applies_to)]
        if applicable.empty:
            continue
        kinds = frozenset(applicable["kind"].unique())
        context = ComputeContext(segments=applicable, params=used.params,
                                 policies=profile.policies, indicator_id=used.definition.id,
                                 shared=shared.setdefault(kinds, {}))
        computed, compute_issues = _run(used.definition, dataset, context)
        issues.extend(compute_issues)
        if kinds not in keys:
            keys[kinds] = applicable[["water_body_id", "segment_id"]].astype(
                "string").reset_index(drop=True)
        rows = _per_segment(computed, used, keys[kinds], profile.policies.station_combination,
                            _explainer(used.definition, dataset, applicable,
                                       profile.policies.station_fallback))
        rows = _apply_supplied(rows, supplied[supplied["indicator_id"] == used.definition.id],
                               used.rule)
        frames.append(rows)
        if progress is not None:
            progress(used.definition.id)
    if not frames:
        return pd.DataFrame(columns=list(INDICATOR_COLUMNS)), issues
    return pd.concat(frames, ignore_index=True)[list(INDICATOR_COLUMNS)], issues


def _run(definition: Indicator, dataset, context: ComputeContext
         ) -> tuple[pd.DataFrame, list[Issue]]:
    """Run ``compute`` and bring what it returns to one frame keyed like its scope.

    A compute that raises, or returns something the engine cannot read, marks the indicator
    ``error`` for its segments with an error issue; the other indicators go on.
    """
    key = "segment_id" if definition.scope == "segment" else "water_body_id"
    if definition.compute is None or not has_inputs(definition.inputs.tables, dataset):
        empty = pd.DataFrame({key: pd.Series(dtype="string"), "value": pd.Series(dtype=float),
                              "status": pd.Series(dtype=object)})
        return empty, []
    try:
        return _normalise(definition.compute(dataset, context), key, definition.id)
    except Exception as exc:  # one indicator's failure must not lose the others
        issue = Issue.of("indicator.compute_failed", table="evaluation", column=definition.id,
                         value=f"{type(exc).__name__}: {exc}", indicator_id=definition.id,
                         error=exc)
        failed = pd.DataFrame({key: context.segments[key].drop_duplicates().to_numpy(),
                               "value": np.nan, "status": "error"})
        return failed, [issue]


def _normalise(result: ComputeResult, key: str, indicator_id: str
               ) -> tuple[pd.DataFrame, list[Issue]]:
    """A compute's Series, DataFrame or IndicatorValues as (frame with ``status``, issues)."""
    issues: list[Issue] = []
    if isinstance(result, IndicatorValues):
        issues, result = list(result.issues), result.table
    if isinstance(result, pd.Series):
        result = pd.DataFrame({key: result.index, "value": result.to_numpy(dtype=float)})
    missing = sorted({key, "value"} - set(result.columns))
    if missing:
        raise ValueError(f"indicator {indicator_id} returned no column(s) {missing}")
    if "station_id" not in result and result[key].duplicated().any():
        repeated = result[key][result[key].duplicated()].drop_duplicates().tolist()[:3]
        raise ValueError(f"indicator {indicator_id} returned several rows for {key} {repeated}")
    frame = result.copy()
    if "status" not in frame:
        frame["status"] = "ok"
    frame["status"] = frame["status"].astype(object).where(frame["status"].notna(), "ok")
    unknown = sorted(set(frame["status"]) - set(STATUSES))
    if unknown:
        raise ValueError(f"indicator {indicator_id} returned unknown status {unknown}")
    return frame, issues


def _explainer(definition: Indicator, dataset, segments: pd.DataFrame, fallback: str
               ) -> Callable[[np.ndarray], list[dict]]:
    """``explain(positions)``: the :func:`~health_eval.gaps.missing_reasons` of the segments at
    ``positions`` of ``segments`` (the segments an indicator is evaluated for)."""
    key = "segment_id" if definition.scope == "segment" else "water_body_id"

    def explain(positions: np.ndarray) -> list[dict]:
        if definition.compute is None:
            return [{"reason": "supplied_only", "reason_zh": "该指标只能直接赋值（指标直接赋值 表），"
                     "未提供", "reason_en": "the indicator takes only a supplied value "
                     "(指标直接赋值, indicator_values); none is given",
                     "inputs": list(definition.inputs.tables)}] * len(positions)
        return missing_reasons(definition.inputs.tables, dataset,
                               segments.iloc[positions].reset_index(drop=True), key, fallback)
    return explain


def _per_segment(computed: pd.DataFrame, used: UsedIndicator, base: pd.DataFrame,
                 combination: str, explain: Callable[[np.ndarray], list[dict]]) -> pd.DataFrame:
    """Score computed rows, combine stations, broadcast to segments, flag segments without data.

    ``base`` holds ``water_body_id, segment_id`` (string dtype, positional index) of the
    segments evaluated. The computed rows (one per key, after stations are combined) are looked
    up by position for every segment: one index lookup and one frame built, no merge. Segments
    without a row are ``no_data`` with the cause ``explain`` gives (:mod:`health_eval.gaps`).
    """
    definition = used.definition
    key = "segment_id" if definition.scope == "segment" else "water_body_id"
    frame = _scored(computed, used.rule)
    if "station_id" in frame:
        frame = _combine_stations(frame, key, combination)
    found = pd.Index(frame[key].astype("string")).get_indexer(base[key])
    taken = frame.reset_index(drop=True).reindex(found)       # position -1: a row of NaN
    missing = found < 0
    status = taken["status"].to_numpy(dtype=object, copy=True)
    status[missing] = "no_data"
    details = taken["details"].tolist()
    gaps = np.flatnonzero(missing)
    for position, reason in zip(gaps.tolist(), explain(gaps) if len(gaps) else []):
        details[position] = reason
    index = pd.RangeIndex(len(base))
    return pd.DataFrame({
        "water_body_id": base["water_body_id"].array,
        "segment_id": base["segment_id"].array,
        "value": taken["value"].to_numpy(dtype=float),
        "status": pd.Series(status, index=index, dtype=object),
        "score": taken["score"].to_numpy(dtype=float),
        "n_obs": taken["n_obs"].astype("Int64").array,
        "details": pd.Series(details, dtype=object).array,
        "indicator_id": definition.id,
        "indicator_name": definition.name_zh,
        "criterion": used.criterion,
        "required": used.config.required,
        "base_weight": used.config.weight,
        "unit": definition.unit,
        # object dtype whatever the values, so that results of different data stack alike
        "source": pd.Series(np.where(status == "no_data", None, "computed"), index=index,
                            dtype=object),
    }, index=index)


def _scored(computed: pd.DataFrame, rule: AnyRule) -> pd.DataFrame:
    """``computed`` with ``score`` (the rule's, for ``ok`` rows with a value), ``ok`` rows
    without a value marked ``no_data``, and ``n_obs`` and ``details`` present."""
    frame = computed.copy()
    frame["value"] = frame["value"].astype(float)
    scorable = frame["status"].eq("ok") & frame["value"].notna()
    frame["score"] = np.where(scorable, rule.score(frame["value"].to_numpy()), np.nan)
    frame.loc[frame["status"].eq("ok") & frame["value"].isna(), "status"] = "no_data"
    if "n_obs" not in frame:
        frame["n_obs"] = pd.NA
    if "details" not in frame:
        frame["details"] = [{} for _ in range(len(frame))]
    return frame


def _combine_stations(frame: pd.DataFrame, key: str, combination: str) -> pd.DataFrame:
    """Several stations or plots in one segment: mean of their scores, or the worst (SPEC §1.1).

    Only stations with an ``ok`` value count; the reported value is the mean of their values
    (``mean``) or the worst station's value (``worst``), and ``details`` lists every station with
    its own value, score and status. Rows are grouped by one stable sort of the key's codes;
    rows without a key are left out.
    """
    details = [dict(d, value=v, score=s, status=t)
               for d, v, s, t in zip(frame["details"].tolist(), _plain_floats(frame["value"]),
                                     _plain_floats(frame["score"]), frame["status"].tolist())]
    codes, keys = pd.factorize(frame[key], sort=True)
    order = np.argsort(codes, kind="stable")
    order = order[codes[order] >= 0]
    counts = np.bincount(codes[codes >= 0], minlength=len(keys))
    stops = np.cumsum(counts)
    starts = stops - counts
    ordered = [details[i] for i in order.tolist()]
    combined = _combined_values(frame, key, combination).reindex(keys)
    score = combined["score"].to_numpy(dtype=float)
    first_status = frame["status"].to_numpy(dtype=object)[order[starts]]
    return pd.DataFrame({
        key: keys,
        "n_obs": _group_sums(frame["n_obs"], codes, len(keys)),
        "details": [{"combination": combination, "stations": ordered[a:b]}
                    for a, b in zip(starts.tolist(), stops.tolist())],
        "value": combined["value"].to_numpy(dtype=float),
        "score": score,
        "status": np.where(np.isnan(score), first_status, "ok"),
    })


def _combined_values(frame: pd.DataFrame, key: str, combination: str) -> pd.DataFrame:
    """``value`` and ``score`` per key from its ``ok`` rows: their means, or the worst row's."""
    ok = frame[frame["status"].eq("ok")]
    if combination == "worst":
        return ok.loc[ok.groupby(key)["score"].idxmin()].set_index(key)[["value", "score"]]
    return ok.groupby(key)[["value", "score"]].mean()


def _group_sums(counts: pd.Series, codes: np.ndarray, n_groups: int) -> np.ndarray:
    """Sum of ``counts`` per group code (codes ``-1`` left out); NaN for a group with no count."""
    values = pd.to_numeric(counts, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    grouped = codes >= 0
    present = grouped & ~np.isnan(values)
    sums = np.bincount(codes[present], weights=values[present], minlength=n_groups)
    seen = np.bincount(codes[present], minlength=n_groups)
    return np.where(seen > 0, sums, np.nan)


def _plain_floats(values) -> list[float | None]:
    """Details numbers: None for NaN, else rounded to 8 decimals (no 1.7000000000000002)."""
    return [None if v != v else round(v, 8) for v in np.asarray(values, dtype=float).tolist()]


def _apply_supplied(rows: pd.DataFrame, supplied: pd.DataFrame, rule: AnyRule) -> pd.DataFrame:
    """Let values supplied in ``indicator_values`` win over computed ones (ARCHITECTURE §4).

    A supplied row with a segment applies to that segment; one without a segment applies to every
    segment of its water body that has no segment-level supplied value. The computed value, if
    any, is kept in ``details`` for comparison.
    """
    if supplied.empty:
        return rows
    by_segment = supplied[supplied["segment_id"].notna()][["segment_id", "value", "note"]]
    whole = supplied[supplied["segment_id"].isna()][["water_body_id", "value", "note"]]
    matched = rows[["segment_id", "water_body_id"]].merge(
        by_segment, on="segment_id", how="left").merge(
        whole, on="water_body_id", how="left", suffixes=("", "_wb"))
    value = matched["value"].fillna(matched["value_wb"]).to_numpy(dtype=float)
    note = matched["note"].fillna(matched["note_wb"])
    hit = ~np.isnan(value)
    if not hit.any():
        return rows
    rows = rows.copy()
    rows["details"] = [_supplied_details(n, v, d) if h else d
                       for h, n, v, d in zip(hit, note, rows["value"], rows["details"])]
    rows.loc[hit, "value"] = value[hit]
    rows.loc[hit, "score"] = rule.score(value[hit])
    rows.loc[hit, "status"] = "supplied"
    rows.loc[hit, "source"] = "supplied"
    return rows


def _supplied_details(note, computed_value: float, computed_details: dict) -> dict:
    """Details of a supplied value: its note, and what the engine computed, if anything."""
    details = {"supplied_note": None if pd.isna(note) else str(note)}
    (value,) = _plain_floats([computed_value])
    if value is not None:
        details.update(computed_value=value, computed_details=computed_details)
    return details


def is_evaluated(status: pd.Series, score: pd.Series) -> pd.Series:
    """Rows that count in aggregation: a computed or supplied value with a score."""
    return status.isin(EVALUATED_STATUSES) & score.notna()
