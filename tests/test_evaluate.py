"""``evaluate()`` end to end on a river worked out by hand (SPEC §1, §4)."""

import json

import numpy as np
import pandas as pd
import pytest
from conftest import do_samples

from health_eval import EvaluationResult, evaluate
from health_eval.profiles.profile import ProfileError, load_profile

# Worked example (tiny_profile, tiny_frames):
# self-purification, DO curve 5→60, 6→80, 7.5→100, 3→30:
#   Q1 mean 6.5 → 80 + 0.5/1.5 × 20 = 86.667; Q2 5.0 → 60; Q3 4.0 → 30 + 1/2 × 30 = 45
#   S1 = mean of its stations = 73.333; S2 = 45
# sediment (supplied, S1 only): C/S 2 → 60; S2 has none (optional: drops out)
# water: S1 = (73.333 + 60) / 2 = 66.667; S2 = 45
# fish retention 8/10 = 0.8 → 60 + 0.05/0.1 × 20 = 70 (whole river, both segments)
# waterbirds supplied 0.5 for the whole river → 50
# biota: (70 + 50) / 2 = 60
# RHI: S1 = 0.6 × 66.667 + 0.4 × 60 = 64.0; S2 = 0.6 × 45 + 0.4 × 60 = 51.0
# river: (64 × 2 + 51 × 3) / 5 = 56.2 → 四类 不健康
S1_DO = (86.0 + 2 / 3 + 60.0) / 2


def indicator(result, segment, indicator_id):
    table = result.indicators_with_details()
    return table[(table["segment_id"] == segment)
                 & (table["indicator_id"] == indicator_id)].iloc[0]


def test_worked_example(tiny_frames, tiny_profile):
    result = evaluate(tiny_frames, tiny_profile)
    assert indicator(result, "S1", "water.self_purification")["score"] == pytest.approx(S1_DO)
    assert indicator(result, "S1", "water.self_purification")["value"] == pytest.approx(5.75)
    assert indicator(result, "S2", "water.self_purification")["score"] == pytest.approx(45.0)
    stations = indicator(result, "S1", "water.self_purification")["details"]["stations"]
    assert [(s["station_id"], s["value"]) for s in stations] == [("Q1", 6.5), ("Q2", 5.0)]
    assert [s["score"] for s in stations] == pytest.approx([86.0 + 2 / 3, 60.0])
    assert indicator(result, "S1", "biota.fish_retention")["value"] == pytest.approx(0.8)
    assert indicator(result, "S2", "biota.fish_retention")["score"] == pytest.approx(70.0)
    assert indicator(result, "S2", "water.sediment")["status"] == "no_data"
    criteria = result.criteria.set_index(["segment_id", "criterion"])["score"]
    assert criteria[("S1", "water")] == pytest.approx((S1_DO + 60) / 2)
    assert criteria[("S2", "water")] == pytest.approx(45.0)
    assert criteria[("S1", "biota")] == pytest.approx(60.0)
    segments = result.segments.set_index("segment_id")
    assert segments.loc["S1", "rhi"] == pytest.approx(64.0)
    assert segments.loc["S2", "rhi"] == pytest.approx(51.0)
    water_body = result.water_bodies.iloc[0]
    assert water_body["rhi"] == pytest.approx(56.2)
    assert (water_body["health_class"], water_body["health_label"]) == (4, "不健康")
    assert water_body["water"] == pytest.approx((((S1_DO + 60) / 2) * 2 + 45 * 3) / 5)


def test_effective_weights_are_visible(tiny_frames, tiny_profile):
    result = evaluate(tiny_frames, tiny_profile)
    assert indicator(result, "S1", "water.sediment")["weight"] == pytest.approx(0.5)
    # S2 has no sediment value: self-purification carries the whole water criterion
    assert indicator(result, "S2", "water.self_purification")["weight"] == pytest.approx(1.0)
    assert indicator(result, "S2", "water.sediment")["weight"] == 0.0
    weights = result.indicators.groupby(["segment_id", "criterion"])["weight"].sum()
    assert np.allclose(weights, 1.0)


def test_out_of_year_samples_are_reported_not_used(tiny_frames, tiny_profile):
    result = evaluate(tiny_frames, tiny_profile)
    warning = result.issues[result.issues["rule"] == "date.outside_evaluation_year"]
    assert len(warning) == 1 and warning.iloc[0]["value"] == "2020-03-15"
    assert warning.iloc[0]["message_en"].startswith("station Q1: ")
    assert "1 row(s) outside the evaluation year 2021" in warning.iloc[0]["message_en"]
    q1 = [s for s in indicator(result, "S1", "water.self_purification")["details"]["stations"]
          if s["station_id"] == "Q1"][0]
    assert q1["samples"] == 2


def test_worst_station_policy(tiny_frames, tiny_profile):
    result = evaluate(tiny_frames, tiny_profile, station_combination="worst")
    # S1 self-purification 60 (Q2); water (60 + 60)/2 = 60; RHI 0.6 × 60 + 0.4 × 60 = 60.0
    segments = result.segments.set_index("segment_id")
    assert segments.loc["S1", "rhi"] == pytest.approx(60.0)
    assert segments.loc["S1", "health_label"] == "亚健康"          # exactly 60 is 三类
    assert result.provenance["options"] == {"station_combination": "worst"}


def test_supplied_value_wins_and_keeps_the_computed_one(tiny_frames, tiny_profile):
    frames = dict(tiny_frames)
    frames["indicator_values"] = pd.concat([frames["indicator_values"], pd.DataFrame([
        {"water_body_id": "R", "segment_id": "S2", "indicator_id": "water.self_purification",
         "value": 7.5, "note": "自动站年均值"}])], ignore_index=True)
    result = evaluate(frames, tiny_profile)
    row = indicator(result, "S2", "water.self_purification")
    assert (row["status"], row["source"], row["score"]) == ("supplied", "supplied", 100.0)
    assert row["details"]["computed_value"] == pytest.approx(4.0)
    assert row["details"]["supplied_note"] == "自动站年均值"
    # S2: water 100, biota 60 → 0.6 × 100 + 0.4 × 60 = 84
    assert result.segments.set_index("segment_id").loc["S2", "rhi"] == pytest.approx(84.0)


def test_missing_mandatory_is_an_error_by_default(tiny_frames, tiny_profile):
    frames = dict(tiny_frames)
    frames["fish_species"] = frames["fish_species"].iloc[0:0]
    result = evaluate(frames, tiny_profile)
    assert not result.ok
    error = result.errors.iloc[0]
    assert error["rule"] == "indicator.mandatory_missing"
    assert error["column"] == "biota.fish_retention" and error["value"] == "S1, S2"
    assert result.segments["rhi"].isna().all()
    assert pd.isna(result.water_bodies.iloc[0]["rhi"])
    assert pd.isna(result.water_bodies.iloc[0]["health_class"])


def test_missing_mandatory_as_warning_renormalises(tiny_frames, tiny_profile):
    frames = dict(tiny_frames)
    frames["fish_species"] = frames["fish_species"].iloc[0:0]
    result = evaluate(frames, tiny_profile, missing_mandatory="warn")
    assert result.ok
    warning = result.issues[result.issues["rule"] == "indicator.mandatory_missing"].iloc[0]
    assert warning["severity"] == "warning" and "renormalised" in warning["message_en"]
    # biota = waterbirds alone (50): S1 = 0.6 × 66.667 + 0.4 × 50 = 60.0
    assert result.segments.set_index("segment_id").loc["S1", "rhi"] == pytest.approx(
        0.6 * (S1_DO + 60) / 2 + 20)


def test_criterion_without_any_indicator_is_an_error(tiny_frames, tiny_profile):
    frames = dict(tiny_frames)
    frames["fish_species"] = frames["fish_species"].iloc[0:0]
    frames["indicator_values"] = frames["indicator_values"].iloc[:1]
    result = evaluate(frames, tiny_profile, missing_mandatory="warn")
    rules = set(result.errors["rule"])
    assert rules == {"criterion.no_indicator"}
    assert result.segments["rhi"].isna().all()


def test_segment_without_station_borrows_the_neighbour(tiny_frames, tiny_profile):
    frames = dict(tiny_frames)
    # S2's only station is a gauge without water-quality samples: it borrows S1's stations
    frames["stations"] = frames["stations"].assign(station_id=["Q1", "Q2", "H3"],
                                                   station_type=["water_quality"] * 2
                                                   + ["hydrology"])
    frames["segments"] = frames["segments"].assign(neighbour_segment_id=[None, "S1"])
    result = evaluate(frames, tiny_profile)
    row = indicator(result, "S2", "water.self_purification")
    assert row["score"] == pytest.approx(S1_DO)
    assert {s["borrowed_from"] for s in row["details"]["stations"]} == {"S1"}


def test_zero_historical_fish_is_insufficient_data(tiny_frames, tiny_profile):
    frames = dict(tiny_frames)
    fish = frames["fish_species"]
    frames["fish_species"] = fish[fish["period"] == "current"]
    result = evaluate(frames, tiny_profile, missing_mandatory="warn")
    assert indicator(result, "S1", "biota.fish_retention")["status"] == "insufficient_data"
    assert "fish.no_historical_species" in set(result.issues["rule"])


def test_own_indicator_declared_in_yaml(tiny_frames, tiny_profile, tmp_path):
    profile = dict(tiny_profile, own_indicators=[{
        "id": "own.odour", "name_zh": "水体异味", "name_en": "water odour", "criterion": "water",
        "applies_to": ["river"], "scope": "water_body", "unit": "分",
        "scoring": {"rule": "curve", "points": [[0, 100], [5, 0]]}}])
    frames = dict(tiny_frames)
    frames["indicator_values"] = pd.concat([frames["indicator_values"], pd.DataFrame([
        {"water_body_id": "R", "segment_id": None, "indicator_id": "own.odour", "value": 1.0}])],
        ignore_index=True)
    result = evaluate(frames, profile)
    # odour 1 on a 0→100, 5→0 curve scores 80; S1 water = (73.333 + 60 + 80) / 3
    assert indicator(result, "S1", "own.odour")["score"] == pytest.approx(80.0)
    water = result.criteria.set_index(["segment_id", "criterion"])["score"]
    assert water[("S1", "water")] == pytest.approx((S1_DO + 60 + 80) / 3)


def test_supplied_rows_that_cannot_be_placed_are_reported(tiny_frames, tiny_profile):
    frames = dict(tiny_frames)
    frames["indicator_values"] = pd.concat([frames["indicator_values"], pd.DataFrame([
        {"water_body_id": "R", "segment_id": None, "indicator_id": "water.turbidity",
         "value": 1.0},
        {"water_body_id": "R", "segment_id": "S9", "indicator_id": "water.sediment",
         "value": 1.0},
        {"water_body_id": "R", "segment_id": None, "indicator_id": "social.navigation",
         "value": 90.0}])], ignore_index=True)
    result = evaluate(frames, tiny_profile)
    found = result.issues[result.issues["table"] == "indicator_values"].set_index("rule")
    assert found.loc["supplied.unknown_indicator", "row"] == 3
    assert found.loc["reference.segment", "row"] == 4
    assert found.loc["supplied.not_used", "severity"] == "warning"
    assert found.loc["supplied.not_used", "row"] == 5


def test_json_round_trip_and_stability(tiny_frames, tiny_profile, tmp_path):
    first = evaluate(tiny_frames, tiny_profile)
    second = evaluate(tiny_frames, tiny_profile)
    first.provenance["timestamp"] = second.provenance["timestamp"] = "fixed"
    assert first.to_json() == second.to_json()
    path = tmp_path / "result.json"
    first.to_json(path)
    again = EvaluationResult.from_json(path)
    assert again.to_json() == first.to_json()
    data = json.loads(path.read_text(encoding="utf-8"))
    assert list(data) == sorted(data)
    assert data["provenance"]["profiles"]["tiny"]["digest"] == first.provenance["profiles"][
        "tiny"]["digest"]


def test_excel_output_has_a_sheet_per_table(tiny_frames, tiny_profile, tmp_path):
    path = tmp_path / "result.xlsx"
    evaluate(tiny_frames, tiny_profile).to_excel(path)
    sheets = pd.read_excel(path, sheet_name=None)
    assert list(sheets) == ["河湖", "河段", "准则层", "指标", "问题清单", "溯源"]
    assert sheets["河湖"]["健康指数RHI rhi"].iloc[0] == pytest.approx(56.2)
    assert not list(tmp_path.glob(".*.tmp"))


def test_unknown_option_and_a_kind_the_profile_does_not_cover(tiny_frames, tiny_profile):
    with pytest.raises(ProfileError, match="unknown option"):
        evaluate(tiny_frames, tiny_profile, stations="worst")
    frames = dict(tiny_frames)
    frames["water_bodies"] = frames["water_bodies"].assign(kind="lake")
    for choice in (tiny_profile, {"river": tiny_profile}):   # a river profile, two ways
        result = evaluate(frames, choice)
        # the lake keeps its default profile instead of none (issue 16, item 10)
        assert "profile.kind_not_covered" not in set(result.issues["rule"])
        assert list(result.water_bodies["profile_id"]) == ["mwr2020-lake"]
        assert set(result.provenance["profiles"]) == {"mwr2020-lake"}   # the profiles applied


def wq_frames(tiny_frames, kind: str) -> dict:
    """Station Q3 (segment S2) with NH3-N, TP and TN besides its DO samples."""
    frames = dict(tiny_frames)
    extra = pd.DataFrame([
        {"station_id": "Q3", "date": "2021-03-15", "parameter": "nh3n", "value": 1.0},
        {"station_id": "Q3", "date": "2021-04-15", "parameter": "nh3n", "value": 1.5},
        {"station_id": "Q3", "date": "2021-03-15", "parameter": "tp", "value": 0.06},
        {"station_id": "Q3", "date": "2021-03-15", "parameter": "tn", "value": 2.5},
        {"station_id": "Q3", "date": "2021-04-15", "parameter": "cd", "value": 0.0005,
         "below_detection": True, "detection_limit": 0.001}])
    frames["wq_samples"] = pd.concat([frames["wq_samples"], extra], ignore_index=True)
    frames["water_bodies"] = frames["water_bodies"].assign(kind=kind)
    frames["segments"] = frames["segments"].assign(area_km2=[1.0, 1.0])
    return frames


def wq_profile(tiny_profile, kind: str) -> dict:
    profile = dict(tiny_profile, applies_to=[kind],
                   segment_weighting="length" if kind == "river" else "area")
    grade = load_profile("mwr2020-river").indicators["water.wq_grade"]
    profile["indicators"] = dict(tiny_profile["indicators"], **{"water.wq_grade": {
        "required": True, "scoring": grade.scoring.model_dump(), "params": grade.params}})
    return profile


def test_wq_grade_of_a_river_leaves_tn_out(tiny_frames, tiny_profile):
    result = evaluate(wq_frames(tiny_frames, "river"), wq_profile(tiny_profile, "river"))
    row = indicator(result, "S2", "water.wq_grade")
    # NH3-N mean 1.25: class Ⅳ, p = 3 + (1.25 − 1.0)/(1.5 − 1.0) = 3.5; DO mean 4.0: class Ⅳ,
    # p = 3 + (5 − 4)/(5 − 3) = 3.5; river TP 0.06: class Ⅱ; TN is not evaluated for rivers.
    # score on the band curve: 75 + 0.5 × (40 − 75) = 57.5
    assert row["value"] == pytest.approx(3.5)
    assert row["score"] == pytest.approx(57.5)
    details = row["details"]["stations"][0]
    assert details["wq_class"] == "Ⅳ"
    assert set(details["limiting"]) == {"do", "nh3n"}
    assert details["exceedance_vs_III"] == {"nh3n": 0.25}
    assert details["below_detection"] == 1


def test_wq_grade_of_a_lake_uses_lake_limits_and_tn(tiny_frames, tiny_profile):
    result = evaluate(wq_frames(tiny_frames, "lake"), wq_profile(tiny_profile, "lake"))
    row = indicator(result, "S2", "water.wq_grade")
    # lake TN 2.5 > class Ⅴ 2.0: 劣Ⅴ, p = 5 + (2.5 − 2.0)/((2 − 1) × 2.0) = 5.25 → 20 − 0.25 × 20
    assert row["value"] == pytest.approx(5.25)
    assert row["score"] == pytest.approx(15.0)
    details = row["details"]["stations"][0]
    assert details["wq_class"] == "劣Ⅴ" and details["limiting"] == ["tn"]
    # against class Ⅲ: TN (2.5 − 1)/1 = 1.5, NH3-N 0.25, lake TP (0.06 − 0.05)/0.05 = 0.2
    assert details["exceedance_vs_III"] == {"tn": 1.5, "nh3n": 0.25, "tp": 0.2}
    # zones are area-weighted: equal areas → plain mean of the zone RHIs
    segments = result.segments.set_index("segment_id")["rhi"]
    assert result.water_bodies.iloc[0]["rhi"] == pytest.approx(segments.mean())


def test_outputs_are_written_all_or_nothing(tiny_frames, tiny_profile, tmp_path, monkeypatch):
    result = evaluate(tiny_frames, tiny_profile)
    written = result.write(tmp_path)
    assert [p.name for p in written] == ["result.json", "result.xlsx"]
    before = {p.name: p.read_bytes() for p in written}

    def fail(self, path, extra_sheets=()):
        raise OSError("disk full")

    monkeypatch.setattr(EvaluationResult, "_write_excel", fail)
    result.provenance["timestamp"] = "a later run"
    with pytest.raises(OSError, match="disk full"):
        result.write(tmp_path)
    # the JSON of the failed run was not put in place either, and no temporary file is left
    assert {p.name: p.read_bytes() for p in written} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["result.json", "result.xlsx"]


def test_rows_naming_unknown_stations_are_reported(tiny_frames, tiny_profile):
    frames = dict(tiny_frames)
    frames["wq_samples"] = pd.concat([frames["wq_samples"], pd.DataFrame(
        do_samples("Q9", [1.0, 2.0, 3.0])), pd.DataFrame([
            {"station_id": "Q1", "date": "2021-05-01", "parameter": "浊度", "value": 0.5}])],
        ignore_index=True)
    frames["stations"] = pd.concat([frames["stations"], pd.DataFrame([
        {"station_id": "Q8", "segment_id": "S7", "station_type": "water_quality"}])],
        ignore_index=True)
    result = evaluate(frames, tiny_profile)
    parameter = result.issues[result.issues["rule"] == "parameter.unknown"]
    assert parameter[["value", "row"]].values.tolist() == [["浊度", 11]]
    found = result.issues[result.issues["rule"] == "reference.unknown"]
    # wq_samples rows 8–10 (7 rows before them; frames count from 1) name Q9; stations row 4 S7
    assert found[["table", "column", "value", "row"]].values.tolist() == [
        ["stations", "segment_id", "S7", 4], ["wq_samples", "station_id", "Q9", 8]]
    assert "3 row(s)" in found.iloc[1]["message_en"]
    assert result.water_bodies.iloc[0]["rhi"] == pytest.approx(56.2)   # nothing else changed


def test_a_parameter_missing_from_the_profile_is_named(tiny_frames, tiny_profile):
    profile = dict(tiny_profile)
    profile["indicators"] = dict(tiny_profile["indicators"], **{
        "social.public_satisfaction": {"scoring": {"rule": "identity"}}})
    profile["criteria"] = dict(tiny_profile["criteria"], social={
        "name_zh": "社会服务功能", "name_en": "social", "weight": 0.0})
    with pytest.raises(ProfileError) as info:      # when the profile loads, before computing
        evaluate(tiny_frames, profile)
    assert str(info.value).splitlines()[1:] == [
        "  indicators.social.public_satisfaction.params.respondent_weights: "
        "缺少参数（须由评价方案给出） / missing parameter (the profile must give it)",
        "  indicators.social.public_satisfaction.params.min_responses: "
        "缺少参数（须由评价方案给出） / missing parameter (the profile must give it)"]


def test_segment_without_length_is_an_error_naming_its_row(tiny_frames, tiny_profile):
    frames = dict(tiny_frames)
    frames["segments"] = frames["segments"].assign(length_km=[2.0, None])
    result = evaluate(frames, tiny_profile)
    issue = result.errors.iloc[0]
    assert (issue["rule"], issue["column"], issue["value"], issue["row"]) == (
        "segment.weight_missing", "length_km", "S2", 2)
    assert pd.isna(result.water_bodies.iloc[0]["rhi"])
    # the segments themselves are still evaluated
    assert result.segments.set_index("segment_id").loc["S2", "rhi"] == pytest.approx(51.0)


def test_progress_is_reported_once_per_indicator(tiny_frames, tiny_profile):
    steps = []
    evaluate(tiny_frames, tiny_profile, progress=lambda step, done, total: steps.append(
        (step, done, total)))
    assert [done for _, done, _ in steps] == [1, 2, 3, 4]
    assert {total for _, _, total in steps} == {4}
    assert {step for step, _, _ in steps} == set(tiny_profile["indicators"])
