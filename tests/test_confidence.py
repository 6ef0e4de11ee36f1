"""Confidence of class (issue 18, part 2): replicates, determinism, probabilities, hand cases.

The hand cases are water bodies whose every indicator is supplied (指标直接赋值) but public
satisfaction, computed from questionnaires: the bootstrap then moves only the satisfaction, and
RHI = constant + 0.3 × satisfaction (the social criterion, weight 0.3, has that indicator
alone), which the tests compute by hand from the questionnaires.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import health_eval as he
from health_eval.cli import app, demo_path
from health_eval.confidence import ConfidenceError, reading_sets, with_confidence
from health_eval.confidence.plans import PLANS, draw
from health_eval.engine.api import resolve_profiles
from health_eval.engine.registry import default_registry

SUPPLIED = [("basin.shoreline_naturalness", 80.0), ("basin.shoreline_violations", 80.0),
            ("water.eco_flow", 0.4), ("water.wq_grade", 2.0), ("water.self_purification", 6.5),
            ("biota.fish_retention", 0.9)]
SOCIAL_WEIGHT = 0.3


def questionnaire_package(scores: np.ndarray) -> dict[str, pd.DataFrame]:
    """One river of one segment per row of ``scores`` (its respondents' scores, all residents),
    every other mandatory indicator supplied."""
    n_wb, n_resp = scores.shape
    wb = [f"W{i:03d}" for i in range(n_wb)]
    return {
        "water_bodies": pd.DataFrame({"water_body_id": wb, "name": wb, "kind": "river",
                                      "evaluation_year": 2021}),
        "segments": pd.DataFrame({"segment_id": [w + "-1" for w in wb], "water_body_id": wb,
                                  "name": wb, "length_km": 1.0}),
        "indicator_values": pd.DataFrame([
            {"water_body_id": w, "segment_id": w + "-1", "indicator_id": i, "value": v}
            for w in wb for i, v in SUPPLIED]),
        "questionnaires": pd.DataFrame({
            "response_id": [f"Q{k}" for k in range(scores.size)],
            "water_body_id": np.repeat(wb, n_resp), "respondent_type": "resident",
            "score": scores.ravel()}),
    }


@pytest.fixture(scope="module")
def demo():
    return he.load_dataset(demo_path())


@pytest.fixture(scope="module")
def demo_50(demo):
    return he.evaluate(demo, confidence=50, seed=7)


def test_replicate_count_and_probabilities_sum_to_one(demo_50):
    assert demo_50.provenance["confidence"]["replicates"] == 50
    for table in (demo_50.confidence_water_bodies, demo_50.confidence_segments):
        assert (table["replicates"] == 50).all()
        p = table[[f"p_class_{k}" for k in range(1, 6)]].to_numpy()
        np.testing.assert_allclose(p.sum(axis=1), 1.0)
        assert ((table["rhi_p05"] <= table["rhi_median"])
                & (table["rhi_median"] <= table["rhi_p95"])).all()
    assert list(demo_50.confidence_segments["segment_id"]) == list(demo_50.segments["segment_id"])


def test_same_seed_same_result_other_seed_other_result(demo, demo_50):
    again = he.evaluate(demo, confidence=50, seed=7)
    other = he.evaluate(demo, confidence=50, seed=8)
    for name in ("confidence_water_bodies", "confidence_segments", "confidence_indicators"):
        pd.testing.assert_frame_equal(getattr(again, name), getattr(demo_50, name))
    assert not np.allclose(other.confidence_segments["rhi_p05"],
                           demo_50.confidence_segments["rhi_p05"])


def test_the_golden_tables_are_untouched_without_confidence(demo, demo_50):
    plain = he.evaluate(demo)
    assert plain.confidence_water_bodies is None and "confidence_segments" not in plain.to_dict()
    pd.testing.assert_frame_equal(plain.water_bodies, demo_50.water_bodies)
    pd.testing.assert_frame_equal(plain.indicators, demo_50.indicators)


def test_equal_answers_leave_one_class_with_probability_one():
    scores = np.full((1, 30), 70.0)
    result = he.evaluate(questionnaire_package(scores), confidence=40)
    row = result.confidence_water_bodies.iloc[0]
    rhi = result.water_bodies["rhi"].iloc[0]
    assert row["replicates"] == 40 and row["p_reported"] == 1.0
    assert row["rhi_p05"] == pytest.approx(rhi) and row["rhi_p95"] == pytest.approx(rhi)
    assert row[f"p_class_{int(row['health_class'])}"] == 1.0
    assert result.confidence_indicators.empty        # nothing varies


def test_interval_by_hand_from_the_questionnaires():
    """Two answers, 40 and 100, fifteen times each: each replicate's satisfaction is the mean of
    30 draws, so the RHI moves by 0.3 × (mean − 70) and stays within 0.3 × [40, 100]."""
    scores = np.tile([40.0, 100.0], 15)[None, :]
    result = he.evaluate(questionnaire_package(scores), confidence=200, seed=3)
    rhi = result.water_bodies["rhi"].iloc[0]
    constant = rhi - SOCIAL_WEIGHT * 70.0
    row = result.confidence_water_bodies.iloc[0]
    assert constant + SOCIAL_WEIGHT * 40 < row["rhi_p05"] < rhi < row["rhi_p95"] \
        < constant + SOCIAL_WEIGHT * 100
    # the standard error of a mean of 30 draws of ±30 is 30/√30: p95 − p05 ≈ 2 × 1.645 × 0.3 × it
    assert row["rhi_p95"] - row["rhi_p05"] == pytest.approx(
        2 * 1.645 * SOCIAL_WEIGHT * 30 / np.sqrt(30), rel=0.25)
    shares = result.confidence_indicators
    assert list(shares["indicator_id"]) == ["social.public_satisfaction"] * 2   # wb and segment
    np.testing.assert_allclose(shares["variance_share"], 1.0)


def test_coverage_of_the_true_rhi_over_200_trials():
    """200 rivers, each 60 answers uniform on [48, 96]: the true satisfaction is 72, the true RHI
    constant + 0.3 × 72. Its p05–p95 interval should cover it in about 90 % of the rivers; all
    200 trials are one evaluation (one batch of 200 × 100 replicates)."""
    rng = np.random.default_rng(2024)
    scores = np.round(rng.uniform(48.0, 96.0, size=(200, 60)), 1)
    result = he.evaluate(questionnaire_package(scores), confidence=100, seed=11)
    table = result.water_bodies.merge(result.confidence_water_bodies, on="water_body_id")
    satisfaction = scores.mean(axis=1)
    truth = table["rhi"].to_numpy() + SOCIAL_WEIGHT * (72.0 - satisfaction)
    covered = (table["rhi_p05"] <= truth) & (truth <= table["rhi_p95"])
    assert 0.85 <= covered.mean() <= 0.95


def test_weights_spread_moves_the_rhi_and_equal_scores_stay_put(demo):
    spread = he.evaluate(demo, confidence=30, weights_spread=0.2, seed=1)
    plain = he.evaluate(demo, confidence=30, seed=1)
    width = lambda r: (r.confidence_water_bodies["rhi_p95"]    # noqa: E731
                       - r.confidence_water_bodies["rhi_p05"])
    assert (width(spread) > width(plain)).all()
    # every score 80 (supplied = 80 scores below 80 for some curves: use the satisfaction only)
    scores = np.full((1, 30), 70.0)
    package = questionnaire_package(scores)
    result = he.evaluate(package, confidence=20, weights_spread=0.3)
    assert result.confidence_water_bodies["replicates"].iloc[0] == 20
    p = result.confidence_water_bodies[[f"p_class_{k}" for k in range(1, 6)]].to_numpy()
    np.testing.assert_allclose(p.sum(axis=1), 1.0)


def test_replicates_split_among_profile_sets():
    """Two sets of profiles (two readings), the second with class 2 from RHI 0: with answers
    that do not vary, half the replicates are in the reported class and half in class 2."""
    package = questionnaire_package(np.full((1, 30), 50.0))
    dataset = he.load_dataset(package)
    result = he.evaluate(dataset)
    assert int(result.water_bodies["health_class"].iloc[0]) != 2
    profiles = resolve_profiles(None)
    river = {"river": profiles["river"]}

    def lenient(profile, name):
        classes = [c.model_copy(update={"min_rhi": float(m)})
                   for c, m in zip(profile.classes, [99, 0, -1, -2, -3])]
        return profile if name == "as-is" else profile.model_copy(update={"classes": classes})

    sets = reading_sets(river, ["as-is", "lenient"], lenient)
    both = with_confidence(result, dataset, sets, default_registry(), replicates=10)
    row = both.confidence_water_bodies.iloc[0]
    assert row["p_reported"] == 0.5 and row["p_class_2"] == 0.5
    assert reading_sets(river, None, lenient) == [river]


def test_bootstrap_stays_within_strata():
    frame = pd.DataFrame({"station_id": ["A"] * 3 + ["B"] * 2, "parameter": "do",
                          "value": [1.0, 2.0, 3.0, 10.0, 20.0]})
    replicate, drawn, slot = draw(frame, PLANS["wq_samples"], 100, np.random.default_rng(0))
    assert len(drawn) == 500 and (np.bincount(replicate) == 5).all()
    assert (frame["station_id"].to_numpy()[drawn] == frame["station_id"].to_numpy()[slot]).all()
    assert set(drawn[frame["station_id"].to_numpy()[slot] == "A"]) == {0, 1, 2}


def test_whole_sites_are_drawn(demo):
    sites = demo.table("benthos_samples")
    replicate, drawn, slot = draw(sites, PLANS["benthos_samples"], 20, np.random.default_rng(1))
    pairs = pd.DataFrame({"r": replicate, "slot": sites["site_id"].to_numpy()[slot],
                          "drawn": sites["site_id"].to_numpy()[drawn]})
    per_slot = pairs.groupby(["r", "slot"])["drawn"].nunique()
    assert (per_slot == 1).all()                      # a slot holds one whole site
    same_segment = (sites["segment_id"].to_numpy()[drawn] == sites["segment_id"].to_numpy()[slot])
    assert same_segment.all()


@pytest.mark.parametrize("arguments", [{"confidence": 0}, {"confidence": -5},
                                       {"confidence": 10_001}, {"confidence": 2.5},
                                       {"confidence": True}, {"confidence": 5, "seed": -1},
                                       {"confidence": 5, "weights_spread": 1.5},
                                       {"seed": 3}])
def test_bad_arguments_are_refused_before_any_work(arguments):
    with pytest.raises(ConfidenceError, match="/"):
        he.evaluate("no/such/package", **arguments)


@pytest.mark.parametrize("value", ["0", "-1", "10001"])
def test_cli_bad_confidence_exits_2(value, tmp_path):
    result = CliRunner().invoke(app, ["run", str(demo_path()), "--out", str(tmp_path),
                                      f"--confidence={value}"])
    assert result.exit_code == 2
    shown = "".join(re.sub("[│╭╮╰╯─]", "", result.output).split())    # the error box unwrapped
    assert "1至10,000的整数" in shown and "from1to10,000" in shown
    assert not (tmp_path / "result.json").exists()
