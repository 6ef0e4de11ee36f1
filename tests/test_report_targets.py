"""Next-class targets worked out by hand on the tiny river of conftest.py.

The tiny profile: criteria water 0.6 and biota 0.4, equal indicator weights; river R with S1
(2 km) and S2 (3 km), segment weight shares a = 0.4 and 0.6.

Scores (conftest docstring gives the data):

- self-purification (mandatory, DO curve): S1 stations Q1 6.5 mg/L → 80 + 0.5/1.5·20 = 86.667
  and Q2 5.0 → 60, mean 73.333; S2 Q3 4.0 mg/L → 30 + 1/2·30 = 45;
- sediment (supplied for S1 only): C/S 2 → 60; S2 has none, so S2's water criterion is
  self-purification alone (effective weight 1);
- fish retention (mandatory): 8/10 = 0.8 → 60 + 0.05/0.1·20 = 70, both segments;
- waterbirds (supplied for the whole river): 0.5 → 50.

Criterion and RHI: S1 water (73.333 + 60)/2 = 66.667, biota (70 + 50)/2 = 60,
RHI 0.6·66.667 + 0.4·60 = 64; S2 water 45, biota 60, RHI 27 + 24 = 51. River RHI
(2·64 + 3·51)/5 = 56.2: class 4; class 3 needs 60, a gap of 3.8.

RHI points per score point p = a · W · w: self-purification S1 0.4·0.6·0.5 = 0.12, S2
0.6·0.6·1 = 0.36; sediment S1 0.12; fish and waterbirds 0.4·0.4·0.5 = 0.08 (S1) and
0.6·0.4·0.5 = 0.12 (S2), 0.2 in all. Points lost: self-purification 0.12·26.667 + 0.36·55 = 23,
sediment 0.12·40 = 4.8, fish 0.2·30 = 6, waterbirds 0.2·50 = 10; together 43.8 = 100 − 56.2.

Targets for class 3, one indicator alone:

- waterbirds 50 + 3.8/0.2 = 69 → ratio value 0.69;
- fish 70 + 3.8/0.2 = 89 → fish curve between 0.85 (80) and 1.0 (100): 0.85 + 9/20·0.15 =
  0.9175;
- sediment 60 + 3.8/0.12 = 91.667 → falling sediment curve between 1 (100) and 2 (60):
  C/S ≤ 1 + 8.333/40 = 1.2083;
- self-purification: raising S2 from 45 (p 0.36) gives 3.8 at 45 + 3.8/0.36 = 55.556, below S1's
  73.333, so the floor is 55.556 → DO 3 + 25.556/30·2 = 4.7037 mg/L.

All weak indicators together (rows sorted by score: 45 p 0.36; 50 p 0.08 + 0.12; 60 p 0.12; …):
raising the floor from 45 to 50 gives 0.36·5 = 1.8, the remaining 2.0 at slope 0.56 needs
2.0/0.56 = 3.571 more: a common floor of 53.571.
"""

import pandas as pd
import pytest
from conftest import DO_CURVE, FISH_CURVE, SEDIMENT_CURVE
from health_eval.reports import render_html, report_context
from health_eval.reports.content import WaterBodyReport
from health_eval.reports.targets import floor_for_gain, next_class, value_for_score
from health_eval.reports.text import visible_text

import health_eval
from health_eval.profile import load_profile
from health_eval.scoring import CurveRule, DeductionRule, IdentityRule, RatioRule


@pytest.fixture
def tiny(tiny_frames, tiny_profile):
    profile = load_profile(tiny_profile)
    return health_eval.evaluate(tiny_frames, profile), profile


def test_hand_worked_rhi_points_and_losses(tiny):
    result, profile = tiny
    context = report_context(result, profiles=[profile])
    assert result.water_bodies.loc[0, "rhi"] == pytest.approx(56.2)
    summary = context.indicator_summary.set_index("indicator_id")
    assert summary["points"].to_dict() == pytest.approx({
        "water.self_purification": 0.48, "water.sediment": 0.12,
        "biota.fish_retention": 0.2, "biota.waterbirds": 0.2})
    assert summary["lost"].to_dict() == pytest.approx({
        "water.self_purification": 23.0, "water.sediment": 4.8,
        "biota.fish_retention": 6.0, "biota.waterbirds": 10.0})
    assert list(summary.index) == ["water.self_purification", "biota.waterbirds",
                                   "biota.fish_retention", "water.sediment"]


def test_hand_worked_targets_for_the_next_class(tiny):
    result, profile = tiny
    assert next_class(56.2, profile.classes).min_rhi == 60
    points = report_context(result, profiles=[profile]).points
    gap = 60 - result.water_bodies.loc[0, "rhi"]

    def floor(indicator_ids):
        rows = points[points["indicator_id"].isin(indicator_ids) & points["evaluated"]]
        return floor_for_gain(rows["score"].astype(float), rows["points"], gap)

    assert floor(["biota.waterbirds"]) == pytest.approx(69)
    assert floor(["biota.fish_retention"]) == pytest.approx(89)
    assert floor(["water.sediment"]) == pytest.approx(60 + 3.8 / 0.12)
    assert floor(["water.self_purification"]) == pytest.approx(45 + 3.8 / 0.36)
    weak = ["water.self_purification", "water.sediment", "biota.fish_retention",
            "biota.waterbirds"]
    assert floor(weak) == pytest.approx(50 + 2.0 / 0.56)

    assert value_for_score(RatioRule(reference=1.0), 69).value == pytest.approx(0.69)
    fish = value_for_score(CurveRule(points=FISH_CURVE), 89)
    assert (fish.value, fish.relation) == (pytest.approx(0.9175), ">=")
    sediment = value_for_score(CurveRule(points=SEDIMENT_CURVE), 60 + 3.8 / 0.12)
    assert (sediment.value, sediment.relation) == (pytest.approx(1 + 25 / 3 / 40), "<=")
    do = value_for_score(CurveRule(points=DO_CURVE), 45 + 3.8 / 0.36)
    assert do.value == pytest.approx(3 + (45 + 3.8 / 0.36 - 30) / 30 * 2)


def test_the_target_value_lifts_the_water_body_to_the_next_class(tiny_frames, tiny):
    """Supplying the computed waterbird target (0.69) raises the RHI to the threshold 60."""
    _, profile = tiny
    supplied = tiny_frames["indicator_values"]
    supplied.loc[supplied["indicator_id"] == "biota.waterbirds", "value"] = 0.69
    assert health_eval.evaluate(tiny_frames, profile).water_bodies.loc[0, "rhi"] == \
        pytest.approx(60.0)


def test_the_report_states_the_targets(tiny):
    result, profile = tiny
    text = visible_text(render_html(result, "R", profiles=[profile]))
    assert "现状 RHI 56.2，为四类河湖 不健康；升至三类河湖 亚健康需 RHI ≥ 60，尚差 3.80 分。" in text
    assert "水鸟状况 | 50.0 | 0.200 | 69.0 | ≥ 0.69 | 仅提升本项即可达到" in text
    assert "底泥污染状况 | 60.0 | 0.120 | 91.7 | ≤ 1.2 |" in text          # 1.2083, rounded down
    assert "水体自净能力 | 52.1 | 0.480 | 55.6 | ≥ 4.71 mg/L |" in text   # 4.7037, rounded up
    assert "各薄弱指标在各河段的赋分均不低于 53.6 分，即可升至三类河湖 亚健康" in text


def test_step_rules_and_unreachable_scores():
    step = CurveRule(points=FISH_CURVE, mode="step")
    target = value_for_score(step, 70)
    assert (target.value, target.score) == (0.85, 80)  # the band floor that reaches 70
    falling_step = CurveRule(points=SEDIMENT_CURVE, mode="step")
    assert value_for_score(falling_step, 70) == value_for_score(falling_step, 100)  # C/S ≤ 1
    assert value_for_score(falling_step, 60).value == 2
    assert value_for_score(CurveRule(points=[(0, 0), (95, 90)]), 95) is None
    assert value_for_score(IdentityRule(), 82.5).value == 82.5
    assert value_for_score(DeductionRule(per_item={"major": 25}), 60).value == 1
    assert value_for_score(DeductionRule(per_item={"a": 5, "b": 25}), 60) is None
    assert floor_for_gain([90, 95], [0.1, 0.1], 5) is None   # 100 gives only 1.5
    assert floor_for_gain([50], [0.2], 0) == 50


def test_best_class_and_no_profile_give_no_target(tiny, tiny_frames):
    result, profile = tiny
    best = result.water_bodies.assign(rhi=95.0, health_class=1)
    context = report_context(type(result)(**{**result.__dict__, "water_bodies": best}),
                             profiles=[profile])
    plan = WaterBodyReport(context, "R").plan()
    assert any("已为最高类别" in getattr(b, "text", "") for b in plan.blocks)
    unknown = visible_text(render_html(result, "R"))   # the tiny profile is not packaged
    assert "评价方案 tiny 无法载入" in unknown
    assert "评价方案不可用，无法确定类别阈值与赋分规则，未计算目标。" in unknown


def test_points_table_keeps_every_row(tiny):
    result, profile = tiny
    points = report_context(result, profiles=[profile]).points
    assert len(points) == len(result.indicators)
    assert isinstance(points, pd.DataFrame)
