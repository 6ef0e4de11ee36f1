"""What the replicates say: RHI interval, class probabilities, the indicators that move the RHI.

For each unit (water body or segment) over its replicates with an RHI:

- ``rhi_p05, rhi_median, rhi_p95``: percentiles of the replicate RHI (linear interpolation);
- ``rhi_reached_80``: the highest RHI that at least 80 % of the replicates reach (the plan
  that lifts this value to the next class's threshold lifts 80 % of the replicates:
  ``reports/plan.py``);
- ``p_class_k``: the share of replicates in class ``k`` (they sum to 1);
- the variance share of indicator ``j``: the RHI is the sum of the indicators' contributions
  ``c_j = p_j · s_j`` (RHI points, SPEC §1.1), so ``var(RHI) = Σ_j cov(c_j, RHI)`` and
  ``cov(c_j, RHI) / var(RHI)`` is the part of the RHI's variation indicator ``j`` carries; the
  shares sum to 1 (one may be negative when an indicator moves against the others).
"""

from __future__ import annotations

import warnings

import numpy as np

__all__ = ["class_probabilities", "interval", "reached_by", "variance_shares"]

#: Share of the replicates the plan at a probability lifts (issue 18: "the plan that reaches
#: the class with probability ≥ 0.8").
PLAN_SHARE = 0.8


def interval(rhi: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Replicates with an RHI, and the 5th, 50th and 95th percentiles of ``rhi``
    ``(replicates, units)`` per unit (NaN where none has one)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)       # a unit without any RHI
        p05, median, p95 = np.nanpercentile(rhi, [5, 50, 95], axis=0)
    return (~np.isnan(rhi)).sum(axis=0), p05, median, p95


def reached_by(rhi: np.ndarray, share: float = PLAN_SHARE) -> np.ndarray:
    """Per unit, the highest RHI at least ``share`` of its replicates with an RHI reach.

    Parameters
    ----------
    rhi : ndarray
        ``(replicates, units)`` replicate RHI [RHI points], NaN where a replicate has none.
    share : float
        In (0, 1].

    Returns
    -------
    ndarray
        ``(units,)``: with the unit's n finite values sorted ``r_1 ≤ … ≤ r_n``,
        ``r_(n − ⌈share·n⌉ + 1)`` (the ``share`` quantile of the shortfalls, inverted CDF,
        no interpolation); NaN for a unit without any.
    """
    ordered = np.sort(rhi, axis=0)                    # NaN last
    n = (~np.isnan(rhi)).sum(axis=0)
    k = np.clip(n - np.ceil(share * n - 1e-9).astype(np.int64), 0, max(len(rhi) - 1, 0))
    picked = np.take_along_axis(ordered, k[None, :], axis=0)[0] if len(rhi) else np.full(
        rhi.shape[1], np.nan)
    return np.where(n > 0, picked, np.nan)


def class_probabilities(grade: np.ndarray, n_classes: int) -> np.ndarray:
    """``(units, n_classes)``: the share of each unit's replicates with an RHI in class 1, 2, …
    (``grade`` ``(replicates, units)``, 0 for none); NaN for a unit without any."""
    counts = np.stack([(grade == k).sum(axis=0) for k in range(1, n_classes + 1)], axis=1)
    total = counts.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, counts / np.maximum(total, 1), np.nan)


def variance_shares(rhi: np.ndarray, parts: np.ndarray) -> np.ndarray:
    """``(units, indicators)``: ``cov(c_j, RHI) / var(RHI)`` over the replicates with an RHI
    (``rhi`` ``(replicates, units)``, ``parts`` ``(replicates, units, indicators)``); NaN
    where the RHI does not vary."""
    known = ~np.isnan(rhi)
    n = known.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.where(known, rhi, 0.0)
        r_mean = r.sum(axis=0) / n
        dr = np.where(known, r - r_mean, 0.0)
        c = np.where(known[:, :, None], parts, 0.0)
        dc = np.where(known[:, :, None], c - c.sum(axis=0) / n[:, None], 0.0)
        variance = (dr ** 2).sum(axis=0) / n
        shares = np.einsum("rui,ru->ui", dc, dr) / n[:, None] / variance[:, None]
    flat = ~(variance > 1e-12 * np.maximum(1.0, np.abs(r_mean)) ** 2)
    shares[flat] = np.nan
    return shares
