"""Weights of a confidence replicate: the profile's, or drawn around them (``--weights-spread``).

With spread ``X`` each replicate draws, per profile, its criterion weights ``W ~ Dirichlet(κ·W₀)``
and, per criterion, its indicator weights ``w ~ Dirichlet(κ·w₀)`` (``w₀`` the profile's weights
normalised within the criterion), ``κ = 1 / X²``: a weight ``w₀`` varies by about
``√(w₀(1 − w₀)/(κ + 1))`` — ``X = 0.1`` moves a criterion weight of 0.3 by ± 0.05. The indicator
weights are base weights: the engine renormalises them over the indicators evaluated in each
segment (SPEC §1.1), as it does the profile's.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..engine.compute import used_indicators
from ..engine.registry import IndicatorRegistry
from ..profiles.profile import Profile

__all__ = ["replicate_weights"]


def _dirichlet(alpha: np.ndarray, group: np.ndarray, count: int, rng: np.random.Generator
               ) -> np.ndarray:
    """``count`` draws of independent Dirichlet vectors, one per ``group`` of ``alpha``
    (shape ``(count, len(alpha))``, each group summing to 1)."""
    draws = np.maximum(rng.gamma(alpha, size=(count, len(alpha))), np.finfo(float).tiny)
    totals = np.zeros((count, int(group.max()) + 1))
    np.add.at(totals, (slice(None), group), draws)
    return draws / totals[:, group]


def replicate_weights(profiles: dict[str, Profile], registry: IndicatorRegistry, count: int,
                      spread: float | None, rng: np.random.Generator
                      ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Criterion and indicator weights of ``count`` replicates.

    Parameters
    ----------
    profiles : dict of str to Profile
        Profiles by id.
    registry : IndicatorRegistry
        Resolves each indicator's criterion.
    count : int
        Replicates.
    spread : float or None
        ``X`` of the module docstring; None or 0: the profile's weights in every replicate.
    rng : numpy.random.Generator

    Returns
    -------
    (DataFrame, DataFrame)
        ``replicate, profile_id, criterion, weight`` (W_k) and ``replicate, profile_id,
        indicator_id, base_weight``.
    """
    criteria, indicators = [], []
    for profile_id, profile in sorted(profiles.items()):
        names = list(profile.criteria)
        weight = np.array([profile.criteria[k].weight for k in names])
        used = used_indicators(profile, registry)
        ids = [u.definition.id for u in used]
        of = pd.Index(names).get_indexer([u.criterion for u in used])
        base = np.array([u.config.weight for u in used])
        if spread:
            kappa = 1.0 / spread ** 2
            within = base / np.bincount(of, weights=base, minlength=len(names))[of]
            drawn_w = _dirichlet(kappa * weight, np.zeros(len(names), dtype=np.int64), count, rng)
            drawn_b = _dirichlet(kappa * within, of, count, rng)
        else:
            drawn_w, drawn_b = np.tile(weight, (count, 1)), np.tile(base, (count, 1))
        replicate = np.repeat(np.arange(count), len(names))
        criteria.append(pd.DataFrame({"replicate": replicate, "profile_id": profile_id,
                                      "criterion": np.tile(names, count),
                                      "weight": drawn_w.ravel()}))
        indicators.append(pd.DataFrame({
            "replicate": np.repeat(np.arange(count), len(ids)), "profile_id": profile_id,
            "indicator_id": np.tile(np.array(ids, dtype=object), count),
            "base_weight": drawn_b.ravel()}))
    return pd.concat(criteria, ignore_index=True), pd.concat(indicators, ignore_index=True)

