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

Plan for class 3 (gap 3.8), equal efforts. Variables: the weak rows (score < 75; mandatory
< 60): self-purification S1 73.333 (p 0.12) and S2 45 (p 0.36); sediment S1 60 (p 0.12); fish
retention, scored once for the river, one variable of p 0.2 at 70; waterbirds S1 and S2 at 50
(p 0.08 and 0.12). The most RHI per score point is self-purification in S2 (0.36), whose
headroom 55 gives 19.8 ≥ 3.8: it alone takes 3.8 / 0.36 = 10.556 points, 45 → 55.556, DO
3 + 25.556/30·2 = 4.7037 mg/L.

With a self-purification effort of 4 per point, RHI points per unit of effort are S2
self-purification 0.36/4 = 0.09, fish 0.2, sediment and S2 waterbirds 0.12, S1 waterbirds 0.08:
fish first, its headroom 30 gives 6 ≥ 3.8: 3.8 / 0.2 = 19 points, 70 → 89, fish value
0.85 + 9/20·0.15 = 0.9175.
"""

import numpy as np
import pandas as pd
import pytest
from health_eval.reports import render_html, report_context
from health_eval.reports.content import WaterBodyReport
from health_eval.reports.plan import build_plans, next_class
from health_eval.reports.text import visible_text

import health_eval
from health_eval.profiles.profile import load_profile


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


def test_hand_worked_plan_for_the_next_class(tiny):
    result, profile = tiny
    assert next_class(56.2, profile.classes).min_rhi == 60
    plan, steps = report_context(result, profiles=[profile]).plans.of("R")
    assert plan["status"] == "plan" and plan["gap"] == pytest.approx(3.8)
    assert len(steps) == 1
    step = steps.iloc[0]
    assert (step["indicator_id"], step["segment_ids"]) == ("water.self_purification", ("S2",))
    assert step["gain"] == pytest.approx(3.8 / 0.36)
    assert step["target_value"] == pytest.approx(3 + (45 + 3.8 / 0.36 - 30) / 30 * 2)
    assert step["relation"] == ">="
    assert plan["rhi_reached"] == pytest.approx(60.0)


def test_unequal_efforts_choose_fish(tiny):
    result, profile = tiny
    efforts = {"settings": {"plan_effort": {"water.self_purification": 4}},
               "measures": [{"id": "m", "title_zh": "t", "title_en": "t", "summary_zh": "s",
                             "summary_en": "s", "departments": ["区农业农村局"],
                             "indicators": ["biota.fish_retention"],
                             "source": {"document": "d", "item": 1}}]}
    context = report_context(result, profiles=[profile], measures=efforts)
    plan, steps = context.plans.of("R")
    assert steps["indicator_id"].tolist() == ["biota.fish_retention"]
    step = steps.iloc[0]
    assert step["segment_ids"] == ("S1", "S2") and step["whole_water_body"]
    assert step["target_score"] == pytest.approx(89)
    assert step["target_value"] == pytest.approx(0.9175)
    assert step["departments"] == ("区农业农村局",)
    assert step["cost"] == pytest.approx(19.0)
    assert plan["rhi_reached"] == pytest.approx(60.0)


def test_the_target_value_lifts_the_water_body_to_the_next_class(tiny_frames, tiny):
    """Supplying the computed DO target of S2 (4.7037 mg/L at Q3) raises the RHI to 60."""
    _, profile = tiny
    samples = tiny_frames["wq_samples"]
    at_q3 = samples["station_id"] == "Q3"
    assert samples.loc[at_q3, "value"].tolist() == [3.0, 5.0]      # mean 4.0 → score 45
    samples.loc[at_q3, "value"] = 3 + (45 + 3.8 / 0.36 - 30) / 30 * 2
    assert health_eval.evaluate(tiny_frames, profile).water_bodies.loc[0, "rhi"] == \
        pytest.approx(60.0)


def test_the_report_states_the_plan(tiny):
    result, profile = tiny
    text = visible_text(render_html(result, "R", profiles=[profile]))
    assert "现状 RHI 56.2，为四类河湖 不健康；升至三类河湖 亚健康需 RHI ≥ 60，尚差 3.80 分。" in text
    assert "以下为投入最省的薄弱指标提升组合（线性规划求解）：" in text
    assert "水体自净能力 | 下段（S2） | 从 4 提高到 4.71 mg/L | 45.0 | 55.6 | 3.80 |" in text  # 4.7037 up
    assert "实施后 RHI 约 60.0，为三类河湖 亚健康。" in text


def test_weak_rows_short_of_the_gap_bring_in_the_others(tiny_frames, tiny_profile):
    """Only S2 self-purification is weak (weak_below 46, no mandatory rule): at most
    0.36·55 = 19.8 RHI points. With class 1 (90) the next class, the gap is 33.8, so every
    evaluated row enters, raised by RHI points per score point: S2 self-purification (0.36) to
    100, 19.8; fish (0.2) to 100, 6 (25.8); then three rows at 0.12, raised mandatory first,
    then lowest score: S1 self-purification to 100, 3.2 (29.0); S2 waterbirds (50) the last
    4.8: 40 points, to 90. The RHI reaches 90."""
    first, _, _, fourth, fifth = tiny_profile["classes"]
    three = [first, {**fourth, "grade": 2}, {**fifth, "grade": 3}]     # 90, 40, 0
    top = load_profile({**tiny_profile, "classes": three})
    result = health_eval.evaluate(tiny_frames, top)
    settings = {"settings": {"weak_below": 46, "mandatory_weak_below": 0}, "measures": []}
    plan, steps = report_context(result, profiles=[top], measures=settings).plans.of("R")
    assert plan["status"] == "plan_all" and plan["gap"] == pytest.approx(33.8)
    gains = {(r["indicator_id"], r["segment_ids"]): r["target_score"]
             for r in steps.to_dict("records")}
    assert gains == pytest.approx({("water.self_purification", ("S2",)): 100.0,
                                   ("biota.fish_retention", ("S1", "S2")): 100.0,
                                   ("water.self_purification", ("S1",)): 100.0,
                                   ("biota.waterbirds", ("S2",)): 90.0})
    assert plan["rhi_reached"] == pytest.approx(90.0)
    text = visible_text(render_html(result, "R", profiles=[top], measures=settings))
    assert "仅提升薄弱指标不能达到；以下为投入最省的全部指标提升组合（线性规划求解）：" in text
    assert "实施后 RHI 约 90.0，为一类河湖 非常健康。" in text


def test_best_class_and_no_profile_give_no_target(tiny, tiny_frames):
    result, profile = tiny
    best = result.water_bodies.assign(rhi=95.0, health_class=1)
    context = report_context(type(result)(**{**result.__dict__, "water_bodies": best}),
                             profiles=[profile])
    plan = WaterBodyReport(context, "R").plan()
    assert any("已为最高类别" in getattr(b, "text", "") for b in plan.blocks)
    unknown = visible_text(render_html(result, "R"))   # the tiny profile is not packaged
    assert "评价方案 tiny 无法载入" in unknown
    assert "评价方案不可用，无法确定类别阈值与赋分规则，未计算方案。" in unknown


def test_points_table_keeps_every_row(tiny):
    result, profile = tiny
    points = report_context(result, profiles=[profile]).points
    assert len(points) == len(result.indicators)
    assert isinstance(points, pd.DataFrame)


def test_plan_for_the_rhi_80_percent_of_replicates_reach(tiny):
    """Replicate RHIs 55 … 59 of R, class 3 at 60: the highest RHI 80 % of them (4 of 5)
    reach is 56 (:func:`health_eval.confidence.summary.reached_by`), so the plan needs 4 RHI
    points: S2 self-purification 4 / 0.36 = 11.111 points. Replicates 59 … 63 reach 60 in
    4 of 5: already likely, no plan."""
    from health_eval.confidence.summary import reached_by

    result, profile = tiny
    context = report_context(result, profiles=[profile])
    reached = reached_by(np.arange(55.0, 60.0)[:, None])[0]
    assert reached == 56.0
    plan, steps = build_plans(context, {"R": reached}).of("R")
    assert plan["gap"] == pytest.approx(4.0)
    assert steps["gain"].tolist() == pytest.approx([4 / 0.36])
    likely, none = build_plans(context, {"R": reached_by(np.arange(59.0, 64.0)[:, None])[0]}
                               ).of("R")
    assert likely["status"] == "likely" and none.empty
    text = [getattr(b, "text", "") for b in WaterBodyReport(context, "R").plan().blocks]
    assert "尚差 3.80 分" in " ".join(text)       # without a confidence run: the reported RHI


def test_unreachable_plan_says_so(tiny_frames, tiny_profile):
    """Class 1 from 96; S1's sediment row taken out of the evaluation (status no_data, its
    weight kept) cannot move: every other row at 100 gives 100 − 0.12·40 = 95.2 < 96."""
    first, _, _, fourth, fifth = tiny_profile["classes"]
    three = [{**first, "min_rhi": 96.0}, {**fourth, "grade": 2}, {**fifth, "grade": 3}]  # names kept
    top = load_profile({**tiny_profile, "classes": three})
    result = health_eval.evaluate(tiny_frames, top)
    sediment = result.indicators["indicator_id"] == "water.sediment"
    result.indicators.loc[sediment, "status"] = "no_data"
    plan, steps = report_context(result, profiles=[top]).plans.of("R")
    assert plan["status"] == "unreachable" and plan["rhi_reached"] == pytest.approx(95.2)
    assert (steps["target_score"] == 100).all() and "water.sediment" not in set(
        steps["indicator_id"])
    text = visible_text(render_html(result, "R", profiles=[top]))
    assert "即使各指标均提至 100 分也不能达到；以下为全部指标提至 100 分的情形：" in text
    assert "全部指标提至 100 分时 RHI 为 95.2（四类河湖 不健康），仍不能升至一类河湖 非常健康。" in text
