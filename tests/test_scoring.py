"""Scoring rules of SPEC §1.3: worked examples computed by hand, and properties."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from health_eval.profiles.scoring import (
    CurveRule,
    DeductionRule,
    IdentityRule,
    RatioRule,
    parse_rule,
)

FISH = [(0.25, 0), (0.5, 30), (0.6, 40), (0.75, 60), (0.85, 80), (1.0, 100)]
CONNECTIVITY = [(0, 100), (0.2, 80), (0.25, 60), (0.5, 40), (1.0, 20), (1.2, 0)]


def test_curve_interpolates_between_breakpoints():
    rule = CurveRule(points=FISH)
    # 0.769 lies 19/100 of the way from 0.75 (60) to 0.85 (80): 60 + 0.19 * 20 = 63.8
    assert rule.score([0.769])[0] == pytest.approx(63.8)
    # exactly at a breakpoint
    assert rule.score([0.6])[0] == pytest.approx(40.0)


def test_curve_clamps_beyond_the_ends():
    rule = CurveRule(points=FISH)
    assert rule.score([0.1, 1.3]).tolist() == [0.0, 100.0]


def test_falling_curve_interpolates_downwards():
    rule = CurveRule(points=CONNECTIVITY)
    # 0.35 barriers/100 km: 60 + (0.35 - 0.25) / 0.25 * (40 - 60) = 52
    assert rule.score([0.35])[0] == pytest.approx(52.0)
    assert rule.direction == "falling"
    assert CurveRule(points=FISH).direction == "rising"


def test_step_mode_takes_the_band_floor():
    rule = CurveRule(points=FISH, mode="step")
    # SPEC §1.3: a fish retention of 76.9 % scores 60, the floor of the 75 % band
    assert rule.score([0.769])[0] == 60.0
    assert rule.score([0.75, 0.85, 0.849, 1.0, 2.0, 0.0]).tolist() == [60, 80, 60, 100, 100, 0]


def test_step_mode_on_a_falling_curve_takes_the_worse_end():
    rule = CurveRule(points=CONNECTIVITY, mode="step")
    # 0.1 lies in the band 0 (100) – 0.2 (80): the worse end is 80
    assert rule.score([0.1, 0.2, 0.0, 5.0]).tolist() == [80, 80, 100, 0]


def test_nan_values_stay_nan():
    for rule in (CurveRule(points=FISH), CurveRule(points=FISH, mode="step"), IdentityRule(),
                 RatioRule(reference=1.0)):
        assert math.isnan(rule.score([np.nan])[0])


def test_deduction_subtracts_per_item_and_floors_at_zero():
    rule = DeductionRule(per_item={"general": 5, "serious": 25, "major": 50})
    counts = pd.DataFrame({"general": [0, 3, 1], "serious": [0, 1, 0], "major": [0, 0, 2]})
    # 100; 100 - 15 - 25 = 60; 100 - 5 - 100 -> floor 0
    assert rule.score(counts).tolist() == [100.0, 60.0, 0.0]


def test_deduction_of_a_single_category_takes_plain_counts():
    rule = DeductionRule(per_item={"problem": 10})
    assert rule.score(np.array([0, 2, 11])).tolist() == [100.0, 80.0, 0.0]


def test_deduction_rejects_unknown_categories():
    rule = DeductionRule(per_item={"general": 5})
    with pytest.raises(ValueError, match="unknown deduction categories"):
        rule.score({"gneral": np.array([1])})


def test_deduction_needs_categories_for_several_kinds():
    with pytest.raises(ValueError, match="exactly one category"):
        DeductionRule(per_item={"a": 1, "b": 2}).score(np.array([1]))


def test_identity_clips():
    assert IdentityRule().score([-3, 55.5, 130]).tolist() == [0.0, 55.5, 100.0]


def test_ratio_scales_and_clips():
    # drinking-source compliance in %: 91.7 % scores 91.7; riparian ratio 0.35 of 1 scores 35
    assert RatioRule(reference=100).score([91.7])[0] == pytest.approx(91.7)
    assert RatioRule(reference=1.0).score([0.35, 1.2, -1]).tolist() == [35.0, 100.0, 0.0]


@pytest.mark.parametrize("points, message", [
    ([(0, 0)], "at least 2"),
    ([(0, 0), (0, 100)], "increase strictly"),
    ([(0, 0), (1e-320, 100)], "finite slope"),
    ([(0, 0), (1, 120)], r"\[0, 100\]"),
    ([(0, 0), (1, 100), (2, 50)], "monotone"),
])
def test_bad_curves_are_rejected(points, message):
    with pytest.raises(ValidationError, match=message):
        CurveRule(points=points)


def test_parse_rule_builds_each_kind_and_names_unknown_keys():
    assert isinstance(parse_rule({"rule": "identity"}), IdentityRule)
    assert isinstance(parse_rule({"rule": "ratio", "reference": 2}), RatioRule)
    with pytest.raises(ValidationError, match="pointz"):
        parse_rule({"rule": "curve", "points": FISH, "pointz": 1})


@st.composite
def monotone_curves(draw):
    start = draw(st.floats(-1e3, 1e3))
    gaps = draw(st.lists(st.floats(1e-3, 1e3), min_size=1, max_size=7))
    xs = list(np.cumsum([start] + gaps))
    ys = sorted(draw(st.lists(st.floats(0, 100), min_size=len(xs), max_size=len(xs))))
    if draw(st.booleans()):
        ys = ys[::-1]
    mode = draw(st.sampled_from(["linear", "step"]))
    return CurveRule(points=list(zip(xs, ys)), mode=mode)


values = st.lists(st.floats(-1e4, 1e4, allow_nan=False), min_size=1, max_size=30)


@settings(max_examples=200)
@given(monotone_curves(), values)
def test_curve_scores_stay_in_range(rule, xs):
    scores = rule.score(xs)
    assert np.all((scores >= 0) & (scores <= 100))


@settings(max_examples=200)
@given(monotone_curves(), values)
def test_curves_are_monotone_as_declared(rule, xs):
    xs = np.sort(np.array(xs))
    scores = rule.score(xs)
    steps = np.diff(scores)
    if rule.direction == "rising":
        assert np.all(steps >= -1e-9)
    else:
        assert np.all(steps <= 1e-9)


@settings(max_examples=200)
@given(monotone_curves(), values)
def test_step_never_scores_above_linear(rule, xs):
    linear = CurveRule(points=rule.points).score(xs)
    step = CurveRule(points=rule.points, mode="step").score(xs)
    assert np.all(step <= linear + 1e-9)


@given(st.lists(st.floats(allow_nan=False, allow_infinity=True), min_size=1, max_size=20),
       st.floats(1e-6, 1e6))
def test_identity_and_ratio_stay_in_range(xs, reference):
    for rule in (IdentityRule(), RatioRule(reference=reference)):
        scores = rule.score(xs)
        assert np.all((scores >= 0) & (scores <= 100))
