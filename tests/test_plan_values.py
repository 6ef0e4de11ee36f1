"""Raw-value targets: every scoring rule inverted by hand (health_eval/profiles/scoring_inverse.py)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from health_eval.profiles.scoring import CurveRule, DeductionRule, IdentityRule, RatioRule
from health_eval.profiles.scoring_inverse import value_for_score

RISING = CurveRule(points=[(0, 0), (4, 40), (5, 60), (7.5, 100)])     # a DO-like curve
FALLING = CurveRule(points=[(1, 100), (2, 60), (4, 0)])               # a pollution-like one


def test_linear_curve_inside_a_segment():
    # score 50 lies between (4, 40) and (5, 60): 4 + (50 − 40) / 20 · 1 = 4.5, at least.
    target = value_for_score(RISING, 50)
    assert (target.value, target.relation, target.score) == (pytest.approx(4.5), ">=", 50)
    # exactly at a node: that node's value.
    assert value_for_score(RISING, 60).value == pytest.approx(5.0)


def test_step_curve_targets_the_next_node():
    # a step curve cannot stop inside a band: score 50 needs the node (5, 60), which scores 60.
    step = RISING.model_copy(update={"mode": "step"})
    target = value_for_score(step, 50)
    assert (target.value, target.score) == (5.0, 60.0)
    assert step.score(np.array([target.value]))[0] == 60.0
    falling = FALLING.model_copy(update={"mode": "step"})
    assert (value_for_score(falling, 70).value, value_for_score(falling, 70).score) == (1, 100)
    assert value_for_score(falling, 60).value == 2


def test_falling_curve_needs_at_most():
    # score 80 between (1, 100) and (2, 60): 1 + (100 − 80) / 40 · 1 = 1.5, at most.
    target = value_for_score(FALLING, 80)
    assert (target.value, target.relation) == (pytest.approx(1.5), "<=")
    # score 30 between (2, 60) and (4, 0): 2 + 30 / 60 · 2 = 3.
    assert value_for_score(FALLING, 30).value == pytest.approx(3.0)


def test_ratio_identity_and_deduction():
    # ratio: score 80 of a reference 0.9 needs 0.8 · 0.9 = 0.72.
    assert value_for_score(RatioRule(reference=0.9), 80).value == pytest.approx(0.72)
    assert value_for_score(IdentityRule(), 82.5).value == 82.5
    # deduction 25 per serious problem from 100: score 60 allows ⌊40 / 25⌋ = 1 problem,
    # which scores 75.
    target = value_for_score(DeductionRule(per_item={"serious": 25}), 60)
    assert (target.value, target.relation, target.score) == (1.0, "<=", 75.0)


def test_what_cannot_be_inverted():
    assert value_for_score(CurveRule(points=[(0, 0), (95, 90)]), 95) is None   # best is 90
    assert value_for_score(RatioRule(reference=1.0), 101) is None
    assert value_for_score(DeductionRule(per_item={"a": 5, "b": 25}), 60) is None
    assert value_for_score(None, 60) is None


@given(st.floats(0, 100), st.sampled_from(["linear", "step"]), st.booleans())
def test_the_target_value_scores_at_least_the_score(score, mode, falling):
    rule = (FALLING if falling else RISING).model_copy(update={"mode": mode})
    target = value_for_score(rule, score)
    reached = rule.score(np.array([target.value]))[0]
    assert reached >= score - 1e-9
    assert reached == pytest.approx(target.score)
