"""All replicates of one profile set in one batch, back to arrays per replicate and unit.

For one set of profiles (a method reading) and ``count`` replicates:

1. the indicators that read a resampled table (:data:`~health_eval.confidence.plans.PLANS`)
   are evaluated once for every replicate: the replicate Dataset
   (:func:`~health_eval.confidence.replicates.replicate_dataset`) is one evaluation whose water
   bodies are the replicates;
2. the other indicators are evaluated once on the input and repeated over the replicates;
3. the rows of both are aggregated together by the engine (:func:`health_eval.engine.aggregate.aggregate`),
   with each replicate's indicator weights; the segment RHI is then ``Σ_k W_k C_k`` with each
   replicate's criterion weights (:mod:`~health_eval.confidence.weights`), the water-body RHI
   the weighted mean of its segments' (SPEC §1.1);
4. the RHI, its class and each indicator's RHI contribution ``p_j · s_j`` (RHI points,
   ``Σ_j = RHI``) come back as arrays indexed by replicate and input segment (water body).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..engine.aggregate import aggregate, with_classes
from ..engine.api import place_segments, profiles_by_id, score_indicators
from ..engine.compute import used_indicators
from ..engine.dataset import Dataset
from ..engine.registry import IndicatorRegistry
from ..io.lookup import positions_in
from ..profiles.profile import Profile
from .plans import PLANS
from .replicates import repeat_table, replicate_dataset
from .weights import replicate_weights

__all__ = ["Draws", "Units", "run_batch"]

#: Tables every replicate Dataset holds (places, stations, supplied values).
BASE_TABLES = ("water_bodies", "segments", "stations", "indicator_values")


@dataclass(frozen=True)
class Units:
    """The input's segments and water bodies the arrays are indexed by.

    Attributes
    ----------
    segments : DataFrame
        ``water_body_id, segment_id`` of the input's segments table, in its order.
    water_bodies : pandas.Index
        The input's water-body ids, in its order.
    indicators : pandas.Index
        Every indicator id of every profile set (the last axis of the contributions).
    """

    segments: pd.DataFrame
    water_bodies: pd.Index
    indicators: pd.Index


@dataclass(frozen=True)
class Draws:
    """Per replicate (first axis) and unit (second axis): RHI, class grade (0: none) and RHI
    contribution of each indicator (third axis of ``*_parts``)."""

    segment_rhi: np.ndarray
    segment_grade: np.ndarray
    segment_parts: np.ndarray
    water_body_rhi: np.ndarray
    water_body_grade: np.ndarray
    water_body_parts: np.ndarray

    @staticmethod
    def join(parts: list[Draws]) -> Draws:
        """The replicates of several batches, batch after batch."""
        return Draws(*(np.concatenate([getattr(p, f) for p in parts])
                       for f in Draws.__dataclass_fields__))


def _split(profile: Profile, keep: set[str]) -> Profile:
    """``profile`` with only the indicators of ``keep`` (own indicators, supplied values only,
    are never among them)."""
    return profile.model_copy(update={
        "indicators": {k: v for k, v in profile.indicators.items() if k in keep},
        "own_indicators": [o for o in profile.own_indicators if o.id in keep]})


def _varying(dataset: Dataset, profiles: dict[str, Profile], registry: IndicatorRegistry
             ) -> tuple[set[str], dict[str, set[str] | None]]:
    """Ids of the indicators that read a resampled table present, and the tables they read
    with the columns they declare (None: all)."""
    resampled = {name for name in PLANS if dataset.has(name)}
    ids: set[str] = set()
    tables: dict[str, set[str] | None] = {}
    for profile in profiles.values():
        for used in used_indicators(profile, registry):
            inputs = used.definition.inputs.inputs
            if not {i.table for i in inputs} & resampled:
                continue
            ids.add(used.definition.id)
            for read in inputs:
                known = tables.get(read.table, set())
                tables[read.table] = (None if known is None or read.columns is None
                                      else known | set(read.columns))
    return ids, tables


def run_batch(dataset: Dataset, by_kind: dict[str, Profile], registry: IndicatorRegistry,
              units: Units, count: int, rng: np.random.Generator, spread: float | None
              ) -> Draws:
    """``count`` replicates of ``dataset`` evaluated by the profiles ``by_kind`` in one batch.

    Parameters
    ----------
    dataset : Dataset
        The input, read and validated.
    by_kind : dict of str to Profile
        The profile of each water-body kind present.
    registry : IndicatorRegistry
    units : Units
    count : int
        Replicates.
    rng : numpy.random.Generator
        Draws of the resampling, then of the weights.
    spread : float or None
        Weight spread (:mod:`~health_eval.confidence.weights`); None: the profile's weights.
    """
    profiles = profiles_by_id(by_kind)
    varying, tables = _varying(dataset, profiles, registry)
    n_seg, n_wb = len(units.segments), len(units.water_bodies)

    once, _ = place_segments(dataset, by_kind, registry)
    fixed, _, _ = score_indicators(dataset, once, {k: _split(p, set(p.used_indicators) - varying)
                                                for k, p in profiles.items()}, registry)
    replicas = replicate_dataset(dataset, {**dict.fromkeys(BASE_TABLES), **tables}, count, rng)
    segments, _ = place_segments(replicas.dataset, by_kind, registry)
    drawn, _, _ = score_indicators(replicas.dataset, segments,
                                {k: _split(p, varying) for k, p in profiles.items()}, registry)
    rows = pd.concat([drawn, repeat_table(fixed, count)], ignore_index=True)

    position = positions_in(rows["segment_id"], replicas.segment_ids)        # r × n_seg + i
    criteria_w, base_w = replicate_weights(profiles, registry, count, spread, rng)
    key = pd.MultiIndex.from_frame(base_w[["replicate", "profile_id", "indicator_id"]])
    at = key.get_indexer(pd.MultiIndex.from_arrays(
        [position // n_seg, rows["profile_id"], rows["indicator_id"]]))
    rows["base_weight"] = base_w["base_weight"].to_numpy()[at]
    totals = aggregate(rows, segments, profiles)

    criteria = totals.criteria
    c_pos = positions_in(criteria["segment_id"], replicas.segment_ids)
    w_key = pd.MultiIndex.from_frame(criteria_w[["replicate", "profile_id", "criterion"]])
    w = criteria_w["weight"].to_numpy()[w_key.get_indexer(pd.MultiIndex.from_arrays(
        [c_pos // n_seg, criteria["profile_id"], criteria["criterion"]]))]
    score = criteria["score"].to_numpy(dtype=float, na_value=np.nan)
    size = count * n_seg
    rhi = np.bincount(c_pos, np.nan_to_num(w * score), minlength=size)
    incomplete = np.bincount(c_pos, np.isnan(score), minlength=size) > 0
    engine_rhi = np.full(size, np.nan)
    placed = totals.segments
    engine_rhi[positions_in(placed["segment_id"], replicas.segment_ids)] = placed["rhi"].to_numpy(
        dtype=float, na_value=np.nan)
    rhi = np.where(incomplete | np.isnan(engine_rhi), np.nan, rhi)

    # each indicator row's RHI points: effective weight × W_k × score
    indicators = totals.indicators
    i_pos = positions_in(indicators["segment_id"], replicas.segment_ids)
    crit_key = pd.MultiIndex.from_arrays([c_pos, criteria["criterion"]])
    row_w = w[crit_key.get_indexer(pd.MultiIndex.from_arrays([i_pos, indicators["criterion"]]))]
    part = (indicators["weight"].to_numpy(dtype=float, na_value=np.nan) * row_w
            * indicators["score"].to_numpy(dtype=float, na_value=np.nan))
    j = units.indicators.get_indexer(indicators["indicator_id"].astype(object))
    n_j = len(units.indicators)
    parts = np.bincount(i_pos * n_j + j, np.nan_to_num(part), minlength=size * n_j)

    # water bodies: segment weight shares (the same in every replicate)
    weight = pd.Series(once["segment_weight"].to_numpy(dtype=float),
                       index=once["segment_id"].astype(object))
    seg_weight = weight.reindex(units.segments["segment_id"].astype(object)).to_numpy()
    wb_of = units.water_bodies.get_indexer(units.segments["water_body_id"].astype(object))
    total = np.bincount(wb_of, np.nan_to_num(seg_weight), minlength=n_wb)
    share = seg_weight / total[wb_of]
    flat_wb = (np.arange(count)[:, None] * n_wb + wb_of[None, :]).ravel()
    seg_rhi = rhi.reshape(count, n_seg)
    contrib = (share[None, :] * seg_rhi).ravel()
    wb_rhi = np.bincount(flat_wb, np.nan_to_num(contrib), minlength=count * n_wb)
    wb_bad = np.bincount(flat_wb, np.isnan(contrib), minlength=count * n_wb) > 0
    wb_rhi = np.where(wb_bad | (np.bincount(flat_wb, minlength=count * n_wb) == 0), np.nan,
                      wb_rhi).reshape(count, n_wb)
    seg_parts = parts.reshape(count, n_seg, n_j)
    wb_parts = np.bincount(
        (flat_wb[:, None] * n_j + np.arange(n_j)[None, :]).ravel(),
        (np.nan_to_num(share)[None, :, None] * seg_parts).reshape(-1),
        minlength=count * n_wb * n_j).reshape(count, n_wb, n_j)

    profile_of = pd.Series(once["profile_id"].to_numpy(dtype=object),
                           index=once["segment_id"].astype(object))
    seg_profile = profile_of.reindex(units.segments["segment_id"].astype(object)).to_numpy()
    wb_profile = pd.Series(seg_profile).groupby(wb_of).first().reindex(range(n_wb)).to_numpy()
    return Draws(seg_rhi, _grades(seg_rhi, seg_profile, profiles), seg_parts,
                 wb_rhi, _grades(wb_rhi, wb_profile, profiles), wb_parts)


def _grades(rhi: np.ndarray, profile_ids: np.ndarray, profiles: dict[str, Profile]
            ) -> np.ndarray:
    """Class grade (1…; 0 for no RHI) of every replicate RHI ``(replicates, units)`` by its
    unit's profile (SPEC §1.2)."""
    count, n = rhi.shape
    frame = pd.DataFrame({"profile_id": np.tile(profile_ids, count), "rhi": rhi.ravel()})
    grades = with_classes(frame, profiles)["health_class"]
    return grades.fillna(0).to_numpy(dtype=np.int64).reshape(count, n)
