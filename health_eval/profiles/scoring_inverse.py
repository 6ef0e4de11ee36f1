"""Scoring rules inverted: the raw value that scores at least a given score (SPEC §1.3, §7).

The plan of a water body (:mod:`health_eval.reports.plan`) asks for score gains; a river chief
acts on values ("溶解氧 从 4.1 提高到 5.0 mg/L"). Each rule of :mod:`health_eval.profiles.scoring` is
monotone in its value, so the least demanding value that scores at least ``s`` is unique:

- ``curve`` (linear): inverse piecewise-linear interpolation on the breakpoints (a rising curve
  needs value ≥ x, a falling one value ≤ x);
- ``curve`` (step): a step cannot stop inside a band, so the target is the breakpoint of the
  first band whose score reaches ``s`` (the next node; its score may exceed ``s``);
- ``ratio``: value ≥ s × reference / 100;
- ``identity``: the value is the score;
- ``deduction`` with one category: at most ⌊(start − s) / points⌋ items.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .scoring import CurveRule, DeductionRule, IdentityRule, RatioRule

#: Floating-point noise ignored when a score is compared with a breakpoint [score].
SCORE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class ValueTarget:
    """The raw value that reaches a score: ``value`` with ``relation`` ``>=`` or ``<=``.

    ``score`` is what that value scores [score] (a step rule's band may give more than asked).
    """

    value: float
    relation: str
    score: float


def value_for_score(rule, score: float) -> ValueTarget | None:
    """Invert a scoring rule: the least demanding raw value that scores at least ``score``.

    Parameters
    ----------
    rule : CurveRule, RatioRule, IdentityRule or DeductionRule
    score : float
        The score to reach [score, 0–100].

    Returns
    -------
    ValueTarget or None
        None when no value reaches ``score`` (above the rule's best score) or the rule cannot
        be inverted (a deduction over several categories, a rule of another kind).
    """
    if isinstance(rule, IdentityRule):
        return ValueTarget(score, ">=", score) if score <= 100 else None
    if isinstance(rule, RatioRule):
        return ValueTarget(score * rule.reference / 100.0, ">=", score) if score <= 100 else None
    if isinstance(rule, DeductionRule):
        if len(rule.per_item) != 1 or score > rule.start:
            return None
        (points,) = rule.per_item.values()
        items = np.floor((rule.start - score) / points + SCORE_TOLERANCE)
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
    if score > ys.max() + SCORE_TOLERANCE:
        return None
    relation = ">=" if rising else "<="
    reached = np.flatnonzero(ys >= score - SCORE_TOLERANCE)
    first = int(reached[0])
    if rule.mode == "step" or first == 0:
        x, y = xs[first], ys[first]
    else:
        x0, x1, y0, y1 = xs[first - 1], xs[first], ys[first - 1], ys[first]
        x, y = x0 + (score - y0) * (x1 - x0) / (y1 - y0), score
    return ValueTarget(float(x if rising else -x), relation, float(y))
