"""Aggregation of SPEC §1.1 and classes of SPEC §1.2, on long tables computed by hand."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from health_eval.engine.aggregate import (
    classify_rhi,
    criterion_scores,
    effective_weights,
    segment_rhi,
    water_body_means,
)
from health_eval.profiles.profile import load_profile

CLASSES = load_profile("mwr2020-river").classes


def long_table(rows):
    frame = pd.DataFrame(rows, columns=["segment_id", "criterion", "indicator_id", "base_weight",
                                        "status", "score"])
    frame["profile_id"] = "p"
    frame["water_body_id"] = "W"
    return frame


def test_missing_optional_indicator_renormalises_its_criterion():
    table = long_table([
        ("S1", "water", "a", 1.0, "ok", 80.0),
        ("S1", "water", "b", 1.0, "supplied", 60.0),
        ("S1", "water", "c", 2.0, "no_data", np.nan),        # drops out
        ("S1", "biota", "d", 1.0, "insufficient_data", 10.0),  # not evaluated either
        ("S1", "biota", "e", 3.0, "ok", 50.0),
    ])
    weights = effective_weights(table)
    assert weights.tolist() == [0.5, 0.5, 0.0, 0.0, 1.0]
    table["weight"] = weights
    criteria = criterion_scores(table, pd.DataFrame({"profile_id": ["p", "p"],
                                                     "criterion": ["water", "biota"],
                                                     "weight": [0.6, 0.4]}))
    scores = criteria.set_index("criterion")["score"]
    assert scores["water"] == pytest.approx(70.0)     # (80 + 60) / 2
    assert scores["biota"] == pytest.approx(50.0)
    # segment RHI = 0.6 × 70 + 0.4 × 50 = 62
    assert segment_rhi(criteria)["S1"] == pytest.approx(62.0)


def test_unequal_indicator_weights_are_proportional():
    table = long_table([("S1", "basin", "a", 3.0, "ok", 100.0),
                        ("S1", "basin", "b", 1.0, "ok", 0.0)])
    table["weight"] = effective_weights(table)
    criteria = criterion_scores(table, pd.DataFrame({"profile_id": ["p"], "criterion": ["basin"],
                                                     "weight": [1.0]}))
    assert criteria["score"].iloc[0] == pytest.approx(75.0)


def test_criterion_without_evaluated_indicator_has_no_score_and_blocks_the_segment():
    table = long_table([("S1", "basin", "a", 1.0, "ok", 90.0),
                        ("S1", "biota", "b", 1.0, "no_data", np.nan)])
    table["weight"] = effective_weights(table)
    assert np.isnan(table["weight"].iloc[1])
    criteria = criterion_scores(table, pd.DataFrame({"profile_id": ["p", "p"],
                                                     "criterion": ["basin", "biota"],
                                                     "weight": [0.5, 0.5]}))
    assert criteria.set_index("criterion")["n_evaluated"].to_dict() == {"basin": 1, "biota": 0}
    assert np.isnan(criteria.set_index("criterion")["score"]["biota"])
    assert np.isnan(segment_rhi(criteria)["S1"])


def test_water_body_rhi_is_length_weighted():
    # rivers: R = Σ R_i L_i / Σ L_i = (80 × 3.2 + 58 × 2.8 + 72 × 4.0) / 10 = 70.64
    segments = pd.DataFrame({"water_body_id": ["R"] * 3, "segment_weight": [3.2, 2.8, 4.0],
                             "rhi": [80.0, 58.0, 72.0]})
    assert water_body_means(segments, ["rhi"]).loc["R", "rhi"] == pytest.approx(70.64)


def test_lake_rhi_is_area_weighted_and_nan_when_a_zone_is_missing():
    zones = pd.DataFrame({"water_body_id": ["L", "L", "M", "M"],
                          "segment_weight": [1.1, 1.4, 1.0, 1.0],
                          "rhi": [84.6, 79.6, 70.0, np.nan]})
    means = water_body_means(zones, ["rhi"])
    # (84.6 × 1.1 + 79.6 × 1.4) / 2.5 = 81.8
    assert means.loc["L", "rhi"] == pytest.approx(81.8)
    assert np.isnan(means.loc["M", "rhi"])


@pytest.mark.parametrize("rhi, grade, label", [
    (100, 1, "非常健康"), (90, 1, "非常健康"), (89.9999, 2, "健康"), (75, 2, "健康"),
    (74.99, 3, "亚健康"), (60, 3, "亚健康"), (59.999, 4, "不健康"), (40, 4, "不健康"),
    (39.99, 5, "劣态"), (0, 5, "劣态"),
])
def test_class_boundaries(rhi, grade, label):
    classes = classify_rhi(pd.Series([rhi]), CLASSES)
    assert classes["health_class"].iloc[0] == grade
    assert classes["health_label"].iloc[0] == label


def test_class_uses_the_unrounded_rhi():
    # 74.96 prints as 75.0 with one decimal but is 三类 (SPEC §1.1)
    assert classify_rhi(pd.Series([74.96]), CLASSES)["health_name"].iloc[0] == "三类河湖"


def test_nan_rhi_has_no_class():
    classes = classify_rhi(pd.Series([np.nan, 80.0]), CLASSES)
    assert classes["health_class"].isna().tolist() == [True, False]
    assert pd.isna(classes["health_label"].iloc[0])


@st.composite
def segment_tables(draw):
    n_segments = draw(st.integers(1, 4))
    rows = []
    for s in range(n_segments):
        for criterion in ("basin", "water"):
            for i in range(draw(st.integers(1, 4))):
                status = draw(st.sampled_from(["ok", "supplied", "no_data", "insufficient_data"]))
                score = draw(st.floats(0, 100))
                rows.append((f"S{s}", criterion, f"{criterion}{i}", draw(st.floats(0.1, 5)),
                             status, score if status != "no_data" else np.nan))
    return long_table(rows)


@settings(max_examples=150)
@given(segment_tables())
def test_effective_weights_sum_to_one_per_evaluated_criterion(table):
    table["weight"] = effective_weights(table)
    sums = table.groupby(["segment_id", "criterion"])["weight"].sum(min_count=1)
    evaluated = table["status"].isin(["ok", "supplied"]).groupby(
        [table["segment_id"], table["criterion"]]).any()
    assert np.allclose(sums[evaluated], 1.0)
    assert sums[~evaluated].isna().all()


@settings(max_examples=150)
@given(segment_tables())
def test_criterion_scores_stay_within_their_indicator_scores(table):
    table["weight"] = effective_weights(table)
    criteria = criterion_scores(table, pd.DataFrame({"profile_id": ["p", "p"],
                                                     "criterion": ["basin", "water"],
                                                     "weight": [0.5, 0.5]}))
    for (segment, criterion), score in criteria.set_index(
            ["segment_id", "criterion"])["score"].dropna().items():
        used = table[(table["segment_id"] == segment) & (table["criterion"] == criterion)
                     & table["status"].isin(["ok", "supplied"])]["score"]
        assert used.min() - 1e-9 <= score <= used.max() + 1e-9


def test_a_segment_without_weight_leaves_its_water_body_without_rhi():
    segments = pd.DataFrame({"water_body_id": ["R", "R"], "segment_weight": [2.0, np.nan],
                             "rhi": [64.0, 51.0]})
    assert np.isnan(water_body_means(segments, ["rhi"]).loc["R", "rhi"])
