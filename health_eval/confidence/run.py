"""A confidence-of-class run: replicates drawn, evaluated in batches, summarised into tables.

``with_confidence`` adds to an evaluation's result three tables (issue 18, part 2):

- ``confidence_water_bodies`` and ``confidence_segments``: ``replicates`` (with an RHI),
  ``rhi_p05, rhi_median, rhi_p95``, the class reported (``health_class``) and its probability
  ``p_reported``, ``p_class_1 … p_class_5``;
- ``confidence_indicators``: per water body (``segment_id`` empty) and segment, every indicator
  whose variation moves the RHI, with its ``variance_share`` and ``rank`` (1: the most).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from ..engine.dataset import Dataset
from ..engine.registry import IndicatorRegistry
from ..engine.result import EvaluationResult
from ..profiles.profile import Profile
from .arguments import check_arguments
from .batch import Draws, Units, run_batch
from .plans import PLANS
from .summary import class_probabilities, interval, reached_by, variance_shares

__all__ = ["DEFAULT_SEED", "reading_sets", "with_confidence"]

#: The seed when none is given: the same input gives the same result.
DEFAULT_SEED = 0
#: Variance shares smaller than this are left out of ``confidence_indicators``.
MIN_SHARE = 0.001


def reading_sets(profiles_by_kind: dict[str, Profile], readings: Sequence[str] | None,
                 apply: Callable[[Profile, str], Profile]) -> list[dict[str, Profile]]:
    """The profile sets replicates are drawn from: one per reading (each kind's profile under
    it, by ``apply(profile, name)``), or the profiles as given without readings."""
    if not readings:
        return [profiles_by_kind]
    return [{kind: apply(profile, name) for kind, profile in profiles_by_kind.items()}
            for name in readings]


def _counts(total: int, sets: int) -> list[int]:
    """``total`` replicates split as evenly as possible among ``sets`` (the first get one
    more)."""
    return [total // sets + (k < total % sets) for k in range(sets)]


def with_confidence(result: EvaluationResult, dataset: Dataset,
                    profile_sets: Sequence[dict[str, Profile]], registry: IndicatorRegistry, *,
                    replicates: int, seed: int | None = None,
                    weights_spread: float | None = None) -> EvaluationResult:
    """``result`` with its confidence tables (module docstring) and ``provenance.confidence``.

    Parameters
    ----------
    result : EvaluationResult
        The evaluation of ``dataset`` (its classes are the ones reported).
    dataset : Dataset
        The input, read and validated.
    profile_sets : sequence of dict of str to Profile
        Profile sets (kind → profile) the replicates are split among, one batch each
        (:func:`reading_sets`).
    registry : IndicatorRegistry
    replicates : int
        1…10,000.
    seed : int, optional
        Seed of the draws (default :data:`DEFAULT_SEED`).
    weights_spread : float, optional
        Spread of the weights (:mod:`~health_eval.confidence.weights`).

    Raises
    ------
    ConfidenceError
        For arguments out of range.
    """
    check_arguments(replicates, seed, weights_spread)
    seed = DEFAULT_SEED if seed is None else seed
    rng = np.random.default_rng(seed)
    segments = dataset.table("segments")[["water_body_id", "segment_id"]].astype(object)
    ids = sorted({i for s in profile_sets for p in s.values() for i in p.used_indicators})
    units = Units(segments=segments.reset_index(drop=True),
                  water_bodies=pd.Index(dataset.table("water_bodies")["water_body_id"]
                                        .astype(object)),
                  indicators=pd.Index(ids, dtype=object))
    draws = Draws.join([run_batch(dataset, chosen, registry, units, n, rng, weights_spread)
                        for chosen, n in zip(profile_sets, _counts(replicates, len(profile_sets)))
                        if n])
    n_classes = max(len(p.classes) for s in profile_sets for p in s.values())
    names = result.indicators.drop_duplicates("indicator_id").set_index("indicator_id")[
        "indicator_name"]
    wb_keys = pd.DataFrame({"water_body_id": units.water_bodies})
    reported_wb = result.water_bodies.set_index("water_body_id")["health_class"]
    reported_seg = result.segments.set_index("segment_id")["health_class"]
    water_bodies = _summary(wb_keys, draws.water_body_rhi, draws.water_body_grade,
                            reported_wb.reindex(units.water_bodies), n_classes)
    segment_rows = _summary(units.segments, draws.segment_rhi, draws.segment_grade,
                            reported_seg.reindex(units.segments["segment_id"]), n_classes)
    indicators = pd.concat([
        _shares(wb_keys.assign(segment_id=None), draws.water_body_rhi,
                draws.water_body_parts, units.indicators),
        _shares(units.segments, draws.segment_rhi, draws.segment_parts, units.indicators)],
        ignore_index=True)
    indicators.insert(3, "indicator_name", indicators["indicator_id"].map(names))
    provenance = {**result.provenance, "confidence": {
        "replicates": replicates, "seed": seed, "weights_spread": weights_spread,
        "profile_sets": len(profile_sets),
        "resampled": sorted(n for n in PLANS if dataset.has(n))}}
    indicators = indicators.sort_values(["water_body_id", "segment_id", "rank"],
                                        na_position="first", kind="stable")
    return replace(result, provenance=provenance,
                   confidence_water_bodies=_ids(_known(water_bodies, result.water_bodies)),
                   confidence_segments=_ids(_known(segment_rows, result.segments)),
                   confidence_indicators=_ids(indicators.reset_index(drop=True)))


def _ids(table: pd.DataFrame) -> pd.DataFrame:
    """Ids as text (``string``, missing: NA), as in the result's other tables."""
    return table.astype({c: "string" for c in ("water_body_id", "segment_id") if c in table})


def _known(table: pd.DataFrame, evaluated: pd.DataFrame) -> pd.DataFrame:
    """The rows of the units the evaluation has (a segment it could not place is left out)."""
    key = "segment_id" if "segment_id" in table else "water_body_id"
    keep = table[key].isin(evaluated[key].astype(object))
    return table[keep].sort_values(list(table.columns[:2 if key == "segment_id" else 1])
                                   ).reset_index(drop=True)


def _summary(keys: pd.DataFrame, rhi: np.ndarray, grade: np.ndarray, reported: pd.Series,
             n_classes: int) -> pd.DataFrame:
    """One row per unit: replicates, RHI percentiles, reported class and class probabilities."""
    count, p05, median, p95 = interval(rhi)
    probability = class_probabilities(grade, n_classes)
    reported_grade = reported.to_numpy(dtype=float, na_value=np.nan)
    known = ~np.isnan(reported_grade)
    column = np.where(known, reported_grade - 1, 0).astype(np.int64)
    p_reported = np.where(known, probability[np.arange(len(column)), column], np.nan)
    return keys.reset_index(drop=True).assign(
        replicates=count, rhi_p05=p05, rhi_median=median, rhi_p95=p95,
        rhi_reached_80=reached_by(rhi),
        health_class=pd.array(reported.to_numpy(), dtype="Int64"), p_reported=p_reported,
        **{f"p_class_{k + 1}": probability[:, k] for k in range(n_classes)})


def _shares(keys: pd.DataFrame, rhi: np.ndarray, parts: np.ndarray, indicators: pd.Index
            ) -> pd.DataFrame:
    """Long table of variance shares ≥ :data:`MIN_SHARE`, ranked within each unit."""
    shares = variance_shares(rhi, parts)
    unit, j = np.nonzero(np.nan_to_num(shares, nan=0.0) >= MIN_SHARE)
    table = keys.reset_index(drop=True).iloc[unit].reset_index(drop=True).assign(
        indicator_id=indicators.to_numpy()[j], variance_share=shares[unit, j])
    table["rank"] = table.groupby(list(keys.columns), dropna=False, sort=False)[
        "variance_share"].rank(ascending=False, method="first").astype("Int64")
    return table[["water_body_id", "segment_id", "indicator_id", "variance_share", "rank"]]
