"""Next-class targets (SPEC §7): what score, and what value, would lift a water body one class.

RHI is linear in each indicator score (:mod:`.diagnosis`): raising indicator rows ``r`` to a
common floor ``F`` (rows already above stay) adds ``Σ_r p_r · max(0, F − s_r)`` RHI points, a
piecewise-linear, rising function of ``F``. The smallest floor that closes the gap to the next
class is found in closed form over the sorted scores. For one indicator scored alike in every
segment this is ``F = s + (threshold − RHI) / Σ p``; for all weak indicators together it is the
smallest common score floor. The floor is turned into the raw value needed by inverting the
profile's scoring rule (:func:`value_for_score`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from health_eval.profile import HealthClass
from health_eval.scoring import CurveRule, DeductionRule, IdentityRule, RatioRule

#: Tolerance of the RHI gap [RHI points]: floating-point noise, not a shortfall.
GAP_TOLERANCE = 1e-9


def next_class(rhi: float, classes: Sequence[HealthClass]) -> HealthClass | None:
    """The class just better than the one ``rhi`` falls in; None for the best class or no RHI."""
    if rhi is None or not np.isfinite(rhi):
        return None
    better = [c for c in classes if c.min_rhi > rhi]
    return min(better, key=lambda c: c.min_rhi) if better else None


def floor_for_gain(scores: Sequence[float], points: Sequence[float], gain: float,
                   ceiling: float = 100.0) -> float | None:
    """Smallest floor F ≤ ``ceiling`` with Σ p · max(0, F − s) ≥ ``gain``.

    Parameters
    ----------
    scores : sequence of float
        Current scores s of the rows raised [score].
    points : sequence of float
        RHI points per score point p of each row (rows with p ≤ 0 cannot help).
    gain : float
        RHI points needed (threshold − RHI).
    ceiling : float
        The highest score [score].

    Returns
    -------
    float or None
        The floor; None when even every row at ``ceiling`` falls short. A gain ≤ 0 needs no
        raise and gives the lowest score.
    """
    s = np.asarray(scores, dtype=float)
    p = np.asarray(points, dtype=float)
    keep = (p > 0) & np.isfinite(s) & np.isfinite(p)
    s, p = s[keep], p[keep]
    if gain <= 0:
        return float(s.min()) if len(s) else None
    order = np.argsort(s, kind="stable")
    s, p = s[order], p[order]
    bounds = np.append(s[1:], ceiling)
    cumulative_p = np.cumsum(p)
    cumulative_ps = np.cumsum(p * s)
    for k in range(len(s)):  # rows sorted by score: the floor passes them one by one
        if s[k] >= ceiling:
            break
        floor = (gain + cumulative_ps[k]) / cumulative_p[k]
        if floor <= min(bounds[k], ceiling) + GAP_TOLERANCE:
            return float(min(max(floor, s[k]), ceiling))
    return None


@dataclass(frozen=True)
class ValueTarget:
    """The raw value that reaches a score: ``value`` with ``relation`` ``>=`` or ``<=``.

    ``score`` is what that value scores (a step rule's band may give more than asked).
    """

    value: float
    relation: str
    score: float


def value_for_score(rule, score: float) -> ValueTarget | None:
    """Invert a scoring rule: the least demanding raw value that scores at least ``score``.

    - ``curve`` (linear): inverse piecewise-linear interpolation on the monotone breakpoints (a
      rising curve needs value ≥ x, a falling one value ≤ x);
    - ``curve`` (step): the breakpoint of the first band whose floor reaches ``score``;
    - ``ratio``: value = score × reference / 100;
    - ``identity``: the value is the score;
    - ``deduction`` with one category: at most (start − score) / points items.

    Returns None when no value reaches ``score`` (above the rule's best score) or the rule
    cannot be inverted (a deduction over several categories).
    """
    if isinstance(rule, IdentityRule):
        return ValueTarget(score, ">=", score) if score <= 100 else None
    if isinstance(rule, RatioRule):
        return ValueTarget(score * rule.reference / 100.0, ">=", score) if score <= 100 else None
    if isinstance(rule, DeductionRule):
        if len(rule.per_item) != 1 or score > rule.start:
            return None
        (points,) = rule.per_item.values()
        items = np.floor((rule.start - score) / points + GAP_TOLERANCE)
        return ValueTarget(float(items), "<=", float(rule.start - items * points))
    if isinstance(rule, CurveRule):
        return _curve_value(rule, score)
    return None


def _curve_value(rule: CurveRule, score: float) -> ValueTarget | None:
    xs = np.array([p[0] for p in rule.points], dtype=float)
    ys = np.array([p[1] for p in rule.points], dtype=float)
    rising = rule.direction == "rising"
    if not rising:  # mirror a falling curve into a rising one in −x
        xs, ys = -xs[::-1], ys[::-1]
    if score > ys.max() + GAP_TOLERANCE:
        return None
    relation = ">=" if rising else "<="
    reached = np.flatnonzero(ys >= score - GAP_TOLERANCE)
    first = int(reached[0])
    if rule.mode == "step" or first == 0:
        x, y = xs[first], ys[first]
    else:
        x0, x1, y0, y1 = xs[first - 1], xs[first], ys[first - 1], ys[first]
        x, y = x0 + (score - y0) * (x1 - x0) / (y1 - y0), score
    return ValueTarget(float(x if rising else -x), relation, float(y))
