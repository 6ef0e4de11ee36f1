"""River indicators computed from raw data: hand-worked examples (SPEC §4) through evaluate().

Every expected number is derived in the test from the SPEC curves of the packaged profile.
"""

import numpy as np
import pandas as pd
import pytest
from indicator_frames import (
    SPEC_MEASURED,
    SPEC_NATURAL,
    YEAR_DAYS,
    base_frames,
    daily,
    indicator_rows,
    issues_of,
    spec_monthly_flow,
)

# ------------------------------------------------------------------------------------ "盆"


def test_longitudinal_connectivity_counts_barriers_without_both_flags():
    barriers = [
        {"barrier_id": "B1", "water_body_id": "R", "has_working_fishway": True,
         "eco_flow_guaranteed": True},                                   # exempt
        {"barrier_id": "B2", "water_body_id": "R", "has_working_fishway": True,
         "eco_flow_guaranteed": False},
        {"barrier_id": "B3", "water_body_id": "R", "has_working_fishway": False,
         "eco_flow_guaranteed": False}]
    frames = base_frames(barriers=barriers)
    frames["water_bodies"].loc[0, "length_km"] = 500.0
    rows = indicator_rows(frames, "basin.longitudinal_connectivity")
    # 2 counted barriers / 500 km × 100 = 0.4 per 100 km; curve 0.25→60, 0.5→40
    assert rows.loc["S1", "value"] == pytest.approx(0.4)
    assert rows.loc["S2", "score"] == pytest.approx(60 - (0.4 - 0.25) / 0.25 * 20)   # 48
    assert rows.loc["S1", "details"]["counted"] == 2
    assert rows.loc["S1", "details"]["length_from"] == "water_bodies"


def test_longitudinal_connectivity_without_river_length_uses_segments():
    barriers = [{"barrier_id": "B1", "water_body_id": "R", "has_working_fishway": False,
                 "eco_flow_guaranteed": False}]
    rows = indicator_rows(base_frames(barriers=barriers), "basin.longitudinal_connectivity")
    assert rows.loc["S1", "value"] == pytest.approx(1 / 5.0 * 100)     # segments 2 + 3 km
    assert rows.loc["S1", "details"]["length_from"] == "segments"


def test_empty_barrier_census_means_no_barrier():
    frames = base_frames(barriers=pd.DataFrame(columns=["barrier_id", "water_body_id",
                                                        "has_working_fishway",
                                                        "eco_flow_guaranteed"]))
    rows = indicator_rows(frames, "basin.longitudinal_connectivity")
    assert rows.loc["S1", "value"] == 0 and rows.loc["S1", "score"] == 100


def plot(plot_id, segment, slope, cover, height, substrate, erosion):
    return {"plot_id": plot_id, "segment_id": segment, "bank": "left", "slope_deg": slope,
            "veg_cover_pct": cover, "height_m": height, "substrate": substrate,
            "toe_erosion": erosion}


def test_shoreline_naturalness_from_plots_and_reaches():
    plots = [plot("P1", "S1", 15, 75, 1, "bedrock", "none"),        # 100 100 100 100 100 → 100
             plot("P2", "S1", 45, 50, 3, "clay", "severe")]         # 25 75 25 25 0 → 30
    reaches = [{"reach_id": "V1", "segment_id": "S1", "length_m": 100, "veg_cover_pct": 80},
               {"reach_id": "V2", "segment_id": "S1", "length_m": 300, "veg_cover_pct": 40},
               {"reach_id": "V3", "segment_id": "S2", "length_m": 300, "veg_cover_pct": 40}]
    frames = base_frames(bank_plots=plots, riparian_reaches=reaches)
    rows = indicator_rows(frames, "basin.shoreline_naturalness")
    bank = (100 + 30) / 2                                             # 65
    cover = (100 * 80 + 300 * 40) / 400                               # 50 % → curve 50
    assert rows.loc["S1", "value"] == pytest.approx(0.4 * bank + 0.6 * 50)   # 56
    assert rows.loc["S1", "details"]["bank_stability"] == pytest.approx(bank)
    assert rows.loc["S1", "details"]["vegetation_cover_pct"] == pytest.approx(cover)
    assert rows.loc["S2", "status"] == "insufficient_data"             # no bank plots
    assert "S2" in issues_of(frames, "survey.incomplete")["value"].tolist()


def test_riparian_width_is_length_weighted_and_capped_at_one():
    reaches = [{"reach_id": "V1", "segment_id": "S1", "length_m": 100, "width_m": 30,
                "required_width_m": 20},                              # min(1, 1.5) = 1
               {"reach_id": "V2", "segment_id": "S1", "length_m": 300, "width_m": 10,
                "required_width_m": 20}]                              # 0.5
    rows = indicator_rows(base_frames(riparian_reaches=reaches), "basin.riparian_width")
    assert rows.loc["S1", "value"] == pytest.approx((100 * 1 + 300 * 0.5) / 400)   # 0.625
    assert rows.loc["S1", "score"] == pytest.approx(62.5)


def outfall(outfall_id, segment, standardised, siting):
    return {"outfall_id": outfall_id, "segment_id": segment, "standardised": standardised,
            "siting": siting}


def problem(problem_id, segment, severity, kind="occupation"):
    return {"problem_id": problem_id, "segment_id": segment, "problem_type": kind,
            "severity": severity}


def test_shoreline_violations_three_parts():
    outfalls = [outfall("O1", "S1", True, "compliant"), outfall("O2", "S1", True, "compliant"),
                outfall("O3", "S1", True, "compliant"), outfall("O4", "S1", False,
                                                                "non_compliant"),
                outfall("O5", "S2", True, "prohibited_zone")]
    problems = [problem("F1", "S1", "general"), problem("F2", "S1", "serious"),
                problem("F3", "S2", "major"), problem("F4", "S2", "major"),
                problem("F5", "S2", "major", "dumping")]
    rows = indicator_rows(base_frames(outfalls=outfalls, shoreline_problems=problems),
                          "basin.shoreline_violations")
    # S1: standardisation 3/4 → 75, siting 3/4 compliant → 75, 四乱 100 − 5 − 25 = 70
    assert rows.loc["S1", "value"] == pytest.approx(0.2 * 75 + 0.2 * 75 + 0.6 * 70)   # 72
    # S2: one outfall in a prohibited zone → siting 0; three major problems 150 → floor 0
    assert rows.loc["S2", "value"] == pytest.approx(0.2 * 100 + 0.2 * 0 + 0.6 * 0)     # 20
    details = rows.loc["S2", "details"]
    assert details["siting_score"] == 0 and details["four_problems_score"] == 0
    assert details["problems_by_severity"] == {"major": 3}


def test_shoreline_violations_segment_without_outfalls_scores_full_outfall_parts():
    frames = base_frames(outfalls=[outfall("O1", "S1", True, "compliant")],
                         shoreline_problems=[problem("F1", "S2", "general")])
    rows = indicator_rows(frames, "basin.shoreline_violations")
    assert rows.loc["S2", "value"] == pytest.approx(0.2 * 100 + 0.2 * 100 + 0.6 * 95)


def test_shoreline_violations_needs_both_census_tables():
    frames = base_frames(outfalls=[outfall("O1", "S1", True, "compliant")])
    rows = indicator_rows(frames, "basin.shoreline_violations")
    assert rows.loc["S1", "status"] == "no_data"
    assert issues_of(frames, "census.missing")["value"].tolist() == ["shoreline_problems"]


# ------------------------------------------------------------------------------------ "水"

HYDRO = {"station_id": "H1", "segment_id": "S1", "station_type": "hydrology",
         "mean_flow_m3s": 10.0}


def eco_flow_series(dry_min: float, wet_min: float) -> pd.DataFrame:
    flows = np.full(len(YEAR_DAYS), 10.0)
    flows[YEAR_DAYS.get_loc(pd.Timestamp("2021-02-10"))] = dry_min
    flows[YEAR_DAYS.get_loc(pd.Timestamp("2021-07-01"))] = wet_min
    return daily("H1", flows, "flow_m3s")


def test_eco_flow_is_the_lower_of_the_ef1_and_ef2_scores():
    frames = base_frames(stations=[HYDRO], daily_flow=eco_flow_series(1.5, 4.5))
    rows = indicator_rows(frames, "water.eco_flow")
    # EF1 = 1.5/10 = 15 % → curve 10→40, 20→80: 60; EF2 = 45 % → 40→80, 50→100: 90
    assert rows.loc["S1", "value"] == pytest.approx(60.0)
    station = rows.loc["S1", "details"]["stations"][0]
    assert station["ef1_pct"] == pytest.approx(15.0) and station["ef2_pct"] == pytest.approx(45.0)
    assert station["ef1_score"] == pytest.approx(60.0)
    assert station["ef2_score"] == pytest.approx(90.0)
    assert station["decided_by"] == "EF1" and station["ef1_date"] == "2021-02-10"
    # the wet season decides when its minimum is the worse one: EF2 = 25 % → 20 + 15/20×20 = 35
    rows = indicator_rows(base_frames(stations=[HYDRO], daily_flow=eco_flow_series(3.0, 2.5)),
                          "water.eco_flow")
    assert rows.loc["S1", "value"] == pytest.approx(35.0)
    assert rows.loc["S1", "details"]["stations"][0]["decided_by"] == "EF2"


def test_eco_flow_series_with_gaps():
    series = eco_flow_series(1.5, 4.5)
    few_gaps = series.drop(index=range(100, 110))                      # 10 days missing
    rows = indicator_rows(base_frames(stations=[HYDRO], daily_flow=few_gaps), "water.eco_flow")
    assert rows.loc["S1", "status"] == "ok"
    assert rows.loc["S1", "details"]["stations"][0]["days_missing"] == 10
    many_gaps = series.drop(index=range(100, 140))                     # 40 days: 325/365 < 90 %
    frames = base_frames(stations=[HYDRO], daily_flow=many_gaps)
    rows = indicator_rows(frames, "water.eco_flow")
    assert rows.loc["S1", "status"] == "insufficient_data" and np.isnan(rows.loc["S1", "score"])
    message = issues_of(frames, "series.gaps").iloc[0]["message_en"]
    assert "40 day(s) missing" in message and "89.0%" in message


def test_eco_flow_target_option_scores_share_of_days():
    station = dict(HYDRO, eco_flow_target_m3s=5.0)
    flows = np.where(np.arange(len(YEAR_DAYS)) < 73, 4.0, 10.0)       # 73 days below target
    profile = {"extends": "mwr2020-river", "id": "river-target",
               "indicators": {"water.eco_flow": {"params": {"method": "target"}}}}
    from health_eval import evaluate
    result = evaluate(base_frames(stations=[station], daily_flow=daily("H1", flows, "flow_m3s")),
                      {"river": profile, "lake": "mwr2020-lake"}, missing_mandatory="warn")
    rows = result.indicators.set_index(["segment_id", "indicator_id"])
    assert rows.loc[("S1", "water.eco_flow"), "value"] == pytest.approx(100 * 292 / 365)


def test_segment_without_station_borrows_its_neighbour():
    frames = base_frames(stations=[HYDRO], daily_flow=eco_flow_series(1.5, 4.5))
    frames["segments"]["neighbour_segment_id"] = [None, "S1", None, None]
    rows = indicator_rows(frames, "water.eco_flow")
    assert rows.loc["S2", "value"] == pytest.approx(60.0)
    assert rows.loc["S2", "details"]["stations"][0]["borrowed_from"] == "S1"
    rows = indicator_rows(frames, "water.eco_flow", station_fallback="none")
    assert rows.loc["S2", "status"] == "no_data"


def test_flow_deviation_worked_example_of_spec():
    rows = indicator_rows(base_frames(monthly_flow=spec_monthly_flow("R")),
                          "water.flow_deviation")
    mean = sum(SPEC_NATURAL) / 12                                      # 46.75
    fd = np.sqrt(sum(((a - b) / mean) ** 2 for a, b in zip(SPEC_MEASURED, SPEC_NATURAL)))
    assert fd == pytest.approx(0.8229, abs=5e-5)
    assert rows.loc["S1", "value"] == pytest.approx(fd)
    assert rows.loc["S2", "score"] == pytest.approx(50 - (fd - 0.3) / 1.2 * 25)
    assert round(rows.loc["S2", "score"], 2) == 39.11


def test_flow_deviation_needs_twelve_months():
    monthly = [{"water_body_id": "R", "year": 2021, "month": m, "measured_m3s": 1.0,
                "natural_m3s": 1.0} for m in range(1, 12)]
    frames = base_frames(monthly_flow=monthly)
    rows = indicator_rows(frames, "water.flow_deviation")
    assert rows.loc["S1", "status"] == "insufficient_data"
    assert "11 complete month(s)" in issues_of(frames, "series.incomplete").iloc[0]["message_en"]


def test_sediment_max_ratio_with_own_and_profile_screening_values():
    sediment = [
        {"site_id": "D1", "segment_id": "S1", "metal": "cd", "value_mg_kg": 0.6,
         "screening_mg_kg": 0.3},                                      # 2.0
        {"site_id": "D1", "segment_id": "S1", "metal": "pb", "value_mg_kg": 60.0, "ph": 7.0},
        # pH 7.0 is in the 6.5–7.5 band: Pb screening 120 → 0.5
        {"site_id": "D2", "segment_id": "S2", "metal": "zn", "value_mg_kg": 150.0},   # no S, pH
    ]
    frames = base_frames(sediment_samples=sediment)
    rows = indicator_rows(frames, "water.sediment")
    assert rows.loc["S1", "value"] == pytest.approx(2.0)
    assert rows.loc["S1", "score"] == pytest.approx(60.0)              # curve 2→60
    assert rows.loc["S1", "details"]["stations"][0]["limiting_metal"] == "cd"
    assert rows.loc["S2", "status"] == "no_data"
    assert issues_of(frames, "screening.missing")["value"].tolist() == ["D2"]


# ------------------------------------------------------------------------------------ 生物


def test_waterbirds_and_plants_from_species_ratio_or_expert_grade():
    surveys = [{"segment_id": "S1", "group": "waterbirds", "current_species": 8,
                "reference_species": 10},
               {"segment_id": "S2", "group": "waterbirds", "expert_score": 65},
               {"segment_id": "S1", "group": "aquatic_plants", "current_species": 9,
                "reference_species": 12}]
    frames = base_frames(community_surveys=surveys)
    birds = indicator_rows(frames, "biota.waterbirds")
    assert birds.loc["S1", "score"] == pytest.approx(80.0)
    assert birds.loc["S2", "score"] == pytest.approx(65.0)
    assert birds.loc["S2", "details"]["basis"] == "expert_score"
    plants = indicator_rows(frames, "biota.aquatic_plants")
    assert plants.loc["S1", "score"] == pytest.approx(75.0)


# ------------------------------------------------------------------------------------ 社会服务


def test_flood_control_weighted_by_length_and_return_period():
    dikes = [{"reach_id": "K1", "segment_id": "S1", "length_km": 2, "design_return_period_yr": 50,
              "meets_standard": True},
             {"reach_id": "K2", "segment_id": "S1", "length_km": 1, "design_return_period_yr": 20,
              "meets_standard": False}]
    rows = indicator_rows(base_frames(dike_reaches=dikes), "social.flood_control")
    share = 100 * (2 * 50) / (2 * 50 + 1 * 20)                          # 83.33 %
    assert rows.loc["S1", "value"] == pytest.approx(share)
    assert rows.loc["S1", "score"] == pytest.approx(25 + (share - 70) / 15 * 25)   # 47.22


def test_water_supply_share_of_days_meeting_design():
    intake = {"station_id": "I1", "segment_id": "S1", "station_type": "intake"}
    values = np.where(np.arange(365) < 300, 5.0, 4.0)
    supply = daily("I1", values, "value").assign(design_value=5.0)
    rows = indicator_rows(base_frames(stations=[intake], water_supply=supply),
                          "social.water_supply")
    share = 100 * 300 / 365                                             # 82.19 %
    assert rows.loc["S1", "value"] == pytest.approx(share)
    assert rows.loc["S1", "score"] == pytest.approx(40 + (share - 60) / 25 * 40)   # 75.51


def test_drinking_source_share_of_sampling_events_meeting_class_iii():
    source = {"station_id": "W1", "segment_id": "S1", "station_type": "drinking_source"}
    rows = []
    for month in range(1, 13):
        date = f"2021-{month:02d}-05"
        rows += [{"station_id": "W1", "date": date, "parameter": "nh3n",
                  "value": 1.2 if month == 3 else 0.3},               # Ⅳ in March
                 {"station_id": "W1", "date": date, "parameter": "sulfate",
                  "value": 300.0 if month == 7 else 80.0},            # over 250 in July
                 {"station_id": "W1", "date": date, "parameter": "tn", "value": 3.0}]
    result = indicator_rows(base_frames(stations=[source], drinking_source_samples=rows),
                            "social.drinking_source")
    assert result.loc["S1", "value"] == pytest.approx(100 * 10 / 12)   # TN not evaluated: river
    failed = result.loc["S1", "details"]["stations"][0]["failed_events"]
    assert failed == [{"date": "2021-03-05", "parameters": ["nh3n"]},
                      {"date": "2021-07-05", "parameters": ["sulfate"]}]


def test_shoreline_management_and_navigation():
    lengths = [{"segment_id": "S1", "shoreline_km": 10, "developed_km": 4, "legalised_km": 1}]
    navigation = [{"segment_id": "S1", "days_meeting_standard": 300, "days_in_period": 365}]
    frames = base_frames(shoreline_lengths=lengths, navigation=navigation)
    assert indicator_rows(frames, "social.shoreline_management").loc["S1", "score"] == \
        pytest.approx((10 - 4 + 1) / 10 * 100)                          # 70
    nav = indicator_rows(frames, "social.navigation").loc["S1"]
    assert nav["value"] == pytest.approx(100 * 300 / 365)
    assert nav["score"] == pytest.approx(100 * 300 / 365 / 95 * 100)   # curve 0→0, 95→100


def test_a_station_table_without_rows_for_these_segments_gives_no_data_not_an_error():
    intake = [{"station_id": "I1", "segment_id": "Z1", "station_type": "intake"}]   # lake only
    supply = daily("I1", 5.0, "value").assign(design_value=5.0)
    frames = base_frames(stations=intake, water_supply=supply)
    rows = indicator_rows(frames, "social.water_supply")
    assert rows.loc["S1", "status"] == "no_data" and rows.loc["Z1", "status"] == "ok"
    assert issues_of(frames, "indicator.compute_failed").empty
