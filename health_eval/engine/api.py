"""``evaluate()``: the one entry point the CLI, the HTTP service and other systems share.

Input package → Dataset → per profile: compute and score indicators → weights → criteria →
segment RHI → water-body RHI → classes → :class:`EvaluationResult` (ARCHITECTURE §1).
"""

from __future__ import annotations

import datetime as _dt
import functools
import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from pydantic import ValidationError

from .. import __version__
from ..io.lookup import is_in
from ..issue_keys import with_keys
from ..issues import InputError, Issue, issues_frame, sort_issues
from ..profiles.profile import (
    Policies,
    Profile,
    ProfileError,
    format_validation_error,
    load_profile,
)
from ..profiles.readings import read_profiles, reading_of
from ..validate.checks import row_accounts, validate_dataset
from ..vocabulary import WATER_BODY_KINDS
from .aggregate import aggregate, segment_weights
from .compute import INDICATOR_COLUMNS, indicator_table
from .dataset import Dataset, load_dataset
from .details_table import Details
from .gc_pause import gc_paused
from .registry import IndicatorRegistry, default_registry
from .result import ROW_ORDER, EvaluationResult
from .supplied import check_supplied

DEFAULT_PROFILES: dict[str, str] = {"river": "mwr2020-river", "lake": "mwr2020-lake",
                                    "reservoir": "mwr2020-lake"}
ProfileLike = str | os.PathLike | Profile | Mapping[str, Any]


def resolve_profiles(profile: ProfileLike | Mapping[str, ProfileLike] | None,
                     options: Mapping[str, Any] | None = None,
                     registry: IndicatorRegistry | None = None) -> dict[str, Profile]:
    """Which profile evaluates each water-body kind.

    Parameters
    ----------
    profile : None, profile-like, or mapping of kind to profile-like
        None: the packaged mwr2020 river and lake profiles (:data:`DEFAULT_PROFILES`). One
        profile: used for the kinds in its ``applies_to``. A mapping whose keys are kinds
        (``river``, ``lake``, ``reservoir``): one profile per kind. A profile given for some
        kinds replaces only their defaults; the other kinds keep theirs.
    options : mapping, optional
        Policy overrides applied to every profile (keys of :class:`Policies`).
    registry : IndicatorRegistry, optional
        The indicators that will evaluate: each profile's params are checked against their
        models as it loads (default: the built-ins plus installed plugins).

    Raises
    ------
    ProfileError
        For a profile that cannot be loaded, or an option that is not a policy.
    """
    chosen: dict[str, Any] = dict(DEFAULT_PROFILES)
    if isinstance(profile, Mapping) and profile and set(profile) <= set(WATER_BODY_KINDS):
        chosen.update(profile)
    elif profile is not None:
        loaded = load_profile(profile, registry)
        chosen.update({kind: loaded for kind in loaded.applies_to})
    cache: dict[int, Profile] = {}
    by_kind = {}
    for kind, item in chosen.items():
        key = id(item)
        if key not in cache:
            default = isinstance(item, str) and item in DEFAULT_PROFILES.values()
            cache[key] = _default_profile(item) if default else load_profile(item, registry)
        by_kind[kind] = cache[key]
    if options:
        unknown = sorted(set(options) - set(Policies.model_fields))
        if unknown:
            raise ProfileError(f"未知选项 / unknown option(s) {unknown}; "
                               f"options are policies: {sorted(Policies.model_fields)}")
        by_kind = {kind: _with_policies(p, options) for kind, p in by_kind.items()}
    return by_kind


@functools.cache
def _default_profile(profile_id: str) -> Profile:
    """A packaged default profile, loaded once per process (packaged data and profiles do
    not change; a Profile is frozen)."""
    return load_profile(profile_id)


def _with_policies(profile: Profile, options: Mapping[str, Any]) -> Profile:
    try:
        policies = Policies.model_validate({**profile.policies.model_dump(), **options})
    except ValidationError as exc:
        raise ProfileError(format_validation_error(exc, "options")) from exc
    return profile.model_copy(update={"policies": policies})


def _segment_frame(dataset: Dataset, profiles: dict[str, Profile]
                   ) -> tuple[pd.DataFrame, list[Issue]]:
    """Segments with their water body's kind, year, profile and weight L_i (SPEC §1.1); issues
    for what cannot be placed or weighted."""
    water_bodies = dataset.table("water_bodies")
    segments = dataset.table("segments")
    segments = segments.assign(row=dataset.row_number("segments", np.arange(len(segments))))
    frame = segments[["segment_id", "water_body_id", "name", "length_km", "area_km2",
                      "neighbour_segment_id", "row"]].merge(
        water_bodies[["water_body_id", "kind", "evaluation_year"]], on="water_body_id",
        how="left", indicator=True)
    issues = []
    orphans = frame["_merge"] == "left_only"
    folded = {str(w).casefold(): str(w) for w in water_bodies["water_body_id"].dropna()}
    for position in np.flatnonzero(orphans.to_numpy()):
        segment = frame.iloc[position]
        twin = folded.get(str(segment["water_body_id"]).casefold())
        hint_zh = f"（与 {twin} 仅大小写不同，编码区分大小写）" if twin else ""
        hint_en = f" (it differs from {twin} only in case; ids are case-sensitive)" if twin else ""
        issues.append(Issue.of(
            "reference.water_body", table="segments", column="water_body_id",
            value=str(segment["water_body_id"]), row=int(segment["row"]),
            water_body_id=str(segment["water_body_id"]), segment_id=str(segment["segment_id"]),
            hint_zh=hint_zh, hint_en=hint_en, **dataset.location("segments")))
    frame = frame[~orphans].drop(columns="_merge")
    for position in np.flatnonzero(~is_in(water_bodies["water_body_id"], frame["water_body_id"])):
        water_body = water_bodies.iloc[position]["water_body_id"]
        issues.append(Issue.of(
            "water_body.no_segment", table="water_bodies", column="water_body_id",
            value=str(water_body), water_body_id=str(water_body),
            row=dataset.row_number("water_bodies", position), **dataset.location("water_bodies")))
    frame["profile_id"] = frame["kind"].map({k: p.id for k, p in profiles.items()})
    for kind in sorted(set(frame.loc[frame["profile_id"].isna(), "kind"])):
        issues.append(Issue.of("profile.kind_not_covered", table="water_bodies", column="kind",
                               value=str(kind), kind=kind))
    frame = frame[frame["profile_id"].notna()].reset_index(drop=True)
    weights, weight_issues = segment_weights(frame, profiles_by_id(profiles),
                                             **dataset.location("segments"))
    return frame.assign(segment_weight=weights), issues + weight_issues


def place_segments(dataset: Dataset, profiles_by_kind: dict[str, Profile],
                   registry: IndicatorRegistry) -> tuple[pd.DataFrame, list[Issue]]:
    """The checks of the evaluation that need no indicator: every segment placed in its water
    body, kind, profile and weight (:func:`_segment_frame`), and every supplied value placed
    (:func:`~health_eval.engine.supplied.check_supplied`). Run by ``evaluate`` and by ``validate``
    alike, whatever errors the rules found (ARCHITECTURE §1: one set of rules)."""
    segments, issues = _segment_frame(dataset, profiles_by_kind)
    issues += check_supplied(dataset, segments, profiles_by_id(profiles_by_kind), registry)
    return segments, [issue.located() for issue in issues]


def indicators_skipped() -> Issue:
    """The issue that says the indicators were not computed because of the errors listed."""
    return Issue.of("check.skipped", table="evaluation", column="indicators")


def profiles_by_id(profiles_by_kind: dict[str, Profile]) -> dict[str, Profile]:
    """The distinct profiles of a kind → profile mapping, by id."""
    return {p.id: p for p in profiles_by_kind.values()}


@gc_paused
def evaluate(dataset: Dataset | str | os.PathLike | Mapping[str, Any],
             profile: ProfileLike | Mapping[str, ProfileLike] | None = None, *,
             registry: IndicatorRegistry | None = None,
             progress: Callable[[str, int, int], None] | None = None,
             reading: str | None = None,
             confidence: int | None = None, seed: int | None = None,
             weights_spread: float | None = None, readings: Sequence[str] | None = None,
             **options: Any) -> EvaluationResult:
    """Evaluate the health of every water body in ``dataset``.

    Parameters
    ----------
    dataset : Dataset, path, or mapping of DataFrames
        The input package (see :func:`health_eval.load_dataset`). A request of the JSON contract
        is evaluated by :func:`health_eval.service.schema.request.evaluate_request`, which translates it
        into these arguments (the engine knows nothing of the contract).
    profile : profile-like or mapping of kind to profile-like, optional
        The method (see :func:`resolve_profiles`); default the packaged mwr2020 profiles.
    registry : IndicatorRegistry, optional
        Indicator definitions; default the built-ins plus installed plugins.
    progress : callable, optional
        ``progress(step, done, total)`` after each indicator of each profile (a progress bar).
    reading : str, optional
        A method reading applied to every profile (:mod:`health_eval.profiles.readings`;
        ``band-floor``…); recorded in the provenance. Default: the profiles as they are.
    confidence, seed, weights_spread : optional
        Replicates (1…10,000) of a confidence-of-class run (:mod:`health_eval.confidence`),
        the seed of its draws (default 0) and the spread of its weights (0…1; None: the
        profile's weights); the result then has its ``confidence_*`` tables.
    readings : sequence of str, optional
        With ``confidence``: the method readings the replicates are split among, each applied
        over the profiles of this evaluation (``["interpolate", "band-floor"]``); default all
        replicates under the profiles of the evaluation.
    **options
        Policy overrides for this run (``missing_mandatory``, ``station_combination``,
        ``below_detection``, ``rounding``); recorded in the provenance.

    Returns
    -------
    EvaluationResult
        Every water body, segment, criterion and indicator; problems are in ``issues`` (a water
        body whose data cannot give an RHI has RHI NaN and an error issue, the others are
        evaluated all the same).

    Raises
    ------
    InputError
        For input that cannot be read or breaks a rule of :mod:`health_eval.validate.rules` with an
        error (every problem, warnings included, not only the first).
    ProfileError
        For a profile that cannot be loaded or an option that is not a policy.
    ConfidenceError
        For ``confidence``, ``seed`` or ``weights_spread`` out of range.
    """
    if confidence is not None or weights_spread is not None or seed is not None or readings:
        from ..confidence import ConfidenceError, check_arguments
        check_arguments(confidence, seed, weights_spread)
        if readings and confidence is None:
            raise ConfidenceError("readings 需要 confidence / readings need confidence")
    dataset = load_dataset(dataset)
    registry = registry if registry is not None else default_registry()
    present = set(dataset.table("water_bodies")["kind"].dropna())
    profiles_by_kind = {kind: chosen for kind, chosen
                        in read_profiles(resolve_profiles(profile, options, registry),
                                         reading).items()
                        if kind in present}          # the profiles of the kinds evaluated
    profiles = profiles_by_id(profiles_by_kind)
    validation = validate_dataset(dataset)
    segments, issues = place_segments(dataset, profiles_by_kind, registry)
    if validation.has_errors:
        raise InputError(validation.issues + issues + [indicators_skipped()])
    issues = validation.issues + issues

    indicators, details, found = score_indicators(dataset, segments, profiles, registry,
                                                   progress)
    totals = aggregate(indicators, segments, profiles)
    output, order = _indicator_output(totals.indicators)
    issues.extend(found + totals.issues)

    result = EvaluationResult(
        water_bodies=_water_body_table(dataset, totals.water_bodies),
        segments=totals.segments[["water_body_id", "segment_id", "name", "profile_id",
                                  "segment_weight", "rhi", "health_class", "health_label",
                                  "health_name"]].sort_values(ROW_ORDER["segments"])
        .reset_index(drop=True),
        criteria=totals.criteria[["water_body_id", "segment_id", "criterion", "score", "weight",
                                  "n_evaluated"]].sort_values(ROW_ORDER["criteria"])
        .reset_index(drop=True),
        indicators=output,
        issues=with_keys(_unique_issues(issues), dataset),
        provenance=_provenance(dataset, profiles, options, row_accounts(dataset, validation)),
        details=details.take(order),
    )
    if confidence is not None:
        from ..confidence import reading_sets, with_confidence
        from ..profiles.readings import apply_reading
        sets = reading_sets(profiles_by_kind, readings, apply_reading)
        result = with_confidence(result, dataset, sets, registry, replicates=confidence,
                                 seed=seed, weights_spread=weights_spread)
        if readings:
            result.provenance["confidence"].update(readings=list(readings), by_reading={
                name: _classes(evaluate(dataset, chosen, registry=registry, **options))
                for name, chosen in zip(readings, sets)})
    return result


def _classes(result: EvaluationResult) -> dict[str, dict[str, Any]]:
    """Each water body's RHI and class in ``result`` (the point evaluation under one reading
    of a confidence run's ``readings``)."""
    table = result.water_bodies
    return {str(w): {"rhi": None if pd.isna(r) else float(r),
                     "health_class": None if pd.isna(c) else int(c)}
            for w, r, c in zip(table["water_body_id"], table["rhi"], table["health_class"])}


def score_indicators(dataset: Dataset, segments: pd.DataFrame, profiles: dict[str, Profile],
                     registry: IndicatorRegistry,
                     progress: Callable[[str, int, int], None] | None = None
                     ) -> tuple[pd.DataFrame, Details, list[Issue]]:
    """The long indicator table (with ``profile_id`` and the ``reason_zh``/``reason_en`` of
    a missing value, as :func:`~health_eval.engine.aggregate.aggregate` takes it) of the placed
    ``segments`` (:func:`place_segments`), each profile's indicators computed for all its
    segments at once (:func:`~health_eval.engine.compute.indicator_table`); its columnar details,
    row for row; and the problems met."""
    frames, details, issues = [], [], []
    steps = _step_counter(progress, sum(len(p.used_indicators) for p in profiles.values()))
    for profile_id, chosen in sorted(profiles.items()):
        mine = segments[segments["profile_id"] == profile_id]
        if mine.empty:
            continue
        table, computed, found = indicator_table(dataset, mine, chosen, registry, steps)
        frames.append(table.assign(profile_id=profile_id))
        details.append(computed)
        issues.extend(found)
    indicators = (pd.concat(frames, ignore_index=True) if frames
                  else pd.DataFrame(columns=list(INDICATOR_COLUMNS) + ["profile_id"]))
    stacked = Details.concat(details)
    return (indicators.assign(reason_zh=stacked.reason_zh, reason_en=stacked.reason_en),
            stacked, issues)


def _step_counter(progress: Callable[[str, int, int], None] | None, total: int
                  ) -> Callable[[str], None] | None:
    """A per-indicator callback that reports ``(step, done, total)`` to ``progress``."""
    if progress is None:
        return None
    done = 0

    def step(label: str) -> None:
        nonlocal done
        done += 1
        progress(label, done, total)
    return step


def _water_body_table(dataset: Dataset, scores: pd.DataFrame) -> pd.DataFrame:
    """Every water body of the input with its name, kind and scores (NaN where not evaluated)."""
    water_bodies = dataset.table("water_bodies")[["water_body_id", "name", "kind",
                                                  "evaluation_year"]].astype(
        {"water_body_id": "string", "evaluation_year": "Int64"})
    table = water_bodies.merge(scores, on="water_body_id", how="left")
    return table.sort_values(ROW_ORDER["water_bodies"]).reset_index(drop=True)


def _indicator_output(indicators: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """The result's indicators table in its row order, and the positions its rows had."""
    columns = ["water_body_id", "segment_id", "indicator_id", "indicator_name", "criterion",
               "required", "value", "unit", "score", "weight", "base_weight", "status", "source",
               "n_obs"]
    if indicators.empty:
        return pd.DataFrame(columns=columns), np.empty(0, dtype=np.int64)
    ordered = indicators[columns].reset_index(drop=True).sort_values(ROW_ORDER["indicators"])
    return ordered.reset_index(drop=True), ordered.index.to_numpy()


def _unique_issues(issues: list[Issue]) -> pd.DataFrame:
    """Issues without repeats (two indicators reading one table report its problems once), in
    the canonical order of :func:`~health_eval.issues.sort_issues`."""
    return sort_issues(issues_frame(list(dict.fromkeys(issues))))


def _provenance(dataset: Dataset, profiles: dict[str, Profile], options: Mapping[str, Any],
                rows: dict[str, dict[str, int]]) -> dict[str, Any]:
    """Engine and library versions, profiles, input hashes (of the files read), rows read /
    used / rejected per table, options and the time."""
    return {
        "engine": "health_eval", "engine_version": __version__,
        "numpy_version": np.__version__, "pandas_version": pd.__version__,
        "dataset": dataset.name,
        "inputs": dataset.input_hashes(),
        "profiles": {pid: {"digest": p.digest(), "extends": p.extends_chain, "title": p.title_zh,
                           "source": p.source, "policies": p.policies.model_dump(),
                           "reading": reading_of(p)}
                     for pid, p in sorted(profiles.items())},
        "reading": ", ".join(sorted({reading_of(p) for p in profiles.values()})) or None,
        "rows": dict(sorted(rows.items())),
        **({"imports": dataset.imports} if dataset.imports else {}),
        "options": dict(sorted(options.items())),
        "timestamp": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
    }
