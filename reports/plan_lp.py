"""The cheapest score gains that lift a water body one class: a linear programme (SPEC §7).

The water-body RHI is linear in every indicator score (:mod:`.diagnosis`): raising variable
``i`` (an indicator row, or an indicator scored once for the whole water body) by ``x_i`` score
points adds ``p_i · x_i`` RHI points. The plan of a water body with gap ``g`` (class threshold −
RHI) is::

    minimise   Σ c_i · x_i                 c_i: effort per score point (measure catalogue)
    subject to Σ p_i · x_i ≥ g             p_i: RHI points per score point
               0 ≤ x_i ≤ 100 − s_i         s_i: current score

solved by HiGHS (:func:`scipy.optimize.linprog`). The water bodies' programmes are separable, so
all of them are solved as one programme with one gap row per water body (a sparse block
diagonal). Among equally cheap plans the solver is steered to raise the variables in the order
of ``rank`` (mandatory indicators below their threshold first, then the lowest scores), by
raising each cost by at most :data:`TIE_BREAK` of itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_array

#: Tolerance of the RHI gap [RHI points]: floating-point noise, not a shortfall.
GAP_TOLERANCE = 1e-9
#: Largest relative raise of a cost that orders equally cheap variables (see the module text).
TIE_BREAK = 1e-4


@dataclass(frozen=True)
class Gains:
    """Score gains of a plan.

    Attributes
    ----------
    gains : ndarray
        Score gain x_i of every variable [score points]; for a water body whose gap cannot be
        closed, every variable raised to 100 (the most it can do).
    reachable : ndarray of bool
        Per water body (group): whether the gap is closed (a gap ≤ 0 is closed by no gain).
    """

    gains: np.ndarray
    reachable: np.ndarray


def solve_gains(group: np.ndarray, points: np.ndarray, headroom: np.ndarray,
                costs: np.ndarray, gaps: np.ndarray, rank: np.ndarray | None = None) -> Gains:
    """The cheapest score gains closing each group's RHI gap, all groups in one programme.

    Parameters
    ----------
    group : ndarray of int
        Water body (group) 0 … G − 1 of every variable.
    points : ndarray
        RHI points per score point p_i [RHI points / score point], ≥ 0.
    headroom : ndarray
        Largest gain 100 − s_i [score points], ≥ 0.
    costs : ndarray
        Effort per score point c_i [effort / score point], > 0.
    gaps : ndarray
        RHI gap of every group [RHI points]; ≤ 0 needs nothing, NaN plans nothing.
    rank : ndarray, optional
        Order in which equally cheap variables are raised (smaller first).

    Returns
    -------
    Gains
    """
    group = np.asarray(group, dtype=np.int64)
    points, headroom = np.asarray(points, float), np.clip(np.asarray(headroom, float), 0, None)
    costs, gaps = np.asarray(costs, float), np.asarray(gaps, float)
    most = np.bincount(group, weights=points * headroom, minlength=len(gaps))
    wanted = np.isfinite(gaps) & (gaps > GAP_TOLERANCE)
    reachable = ~wanted | (most >= gaps - GAP_TOLERANCE)
    gains = np.where(wanted[group] & ~reachable[group], headroom, 0.0)
    solve = wanted & reachable
    chosen = solve[group]
    if not chosen.any():
        return Gains(gains, reachable)
    rows = np.cumsum(solve) - 1                        # constraint row of each solved group
    n = int(chosen.sum())
    tie = np.zeros(n) if rank is None else np.asarray(rank, float)[chosen]
    tie = tie / (np.abs(tie).max() + 1.0)
    matrix = csr_array((-points[chosen], (rows[group[chosen]], np.arange(n))),
                       shape=(int(solve.sum()), n))
    answer = linprog(costs[chosen] * (1.0 + TIE_BREAK * tie), A_ub=matrix,
                     b_ub=-gaps[solve], bounds=np.column_stack([np.zeros(n), headroom[chosen]]),
                     method="highs")
    if answer.status != 0:                   # feasibility was checked above: a solver failure
        raise RuntimeError(f"linprog failed: {answer.message}")
    gains[chosen] = np.clip(answer.x, 0.0, headroom[chosen])
    return Gains(gains, reachable)
