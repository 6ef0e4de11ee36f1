"""Lake indicators (and benthic IBI) from raw data: hand-worked examples through evaluate().

Every expected number is derived in the test from SPEC §4 and the packaged lake profile.
"""

import math

import numpy as np
import pandas as pd
import pytest
from indicator_frames import (
    YEAR_DAYS,
    base_frames,
    daily,
    indicator_rows,
    issues_of,
    spec_monthly_flow,
)

from health_eval import evaluate, load_profile


def test_lake_connectivity_is_flow_weighted():
    connections = [
        {"connection_id": "C1", "water_body_id": "L", "rating": "unobstructed", "flow_m3s": 30},
        {"connection_id": "C2", "water_body_id": "L", "rating": "poor", "flow_m3s": 10}]
    rows = indicator_rows(base_frames(lake_connections=connections), "basin.lake_connectivity")
    assert rows.loc["Z1", "value"] == pytest.approx((30 * 100 + 10 * 60) / 40)      # 90
    assert rows.loc["Z2", "details"]["weighting"] == "flow"


def test_lake_connectivity_without_flows_is_a_plain_mean():
    connections = [
        {"connection_id": "C1", "water_body_id": "L", "rating": "mostly_unobstructed",
         "flow_m3s": 0},
        {"connection_id": "C2", "water_body_id": "L", "rating": "blocked", "flow_m3s": 0}]
    rows = indicator_rows(base_frames(lake_connections=connections), "basin.lake_connectivity")
    assert rows.loc["Z1", "value"] == pytest.approx((80 + 0) / 2)
    assert rows.loc["Z1", "details"]["weighting"] == "equal"


def test_lake_area_shrinkage():
    areas = [{"water_body_id": "L", "current_area_km2": 9.0, "reference_area_km2": 10.0}]
    rows = indicator_rows(base_frames(lake_areas=areas), "basin.lake_area_shrinkage")
    assert rows.loc["Z1", "value"] == pytest.approx(10.0)                # (1 − 9/10) × 100 %
    assert rows.loc["Z1", "score"] == pytest.approx(60.0)                # curve 10 % → 60


GAUGE = {"station_id": "G1", "segment_id": "Z1", "station_type": "water_level",
         "min_eco_level_m": 10.0}


def level_series(dip_days: int, dip_level: float = 9.0) -> pd.DataFrame:
    levels = np.full(len(YEAR_DAYS), 11.0)
    levels[100:100 + dip_days] = dip_level
    return daily("G1", levels, "level_m")


@pytest.mark.parametrize(("dip_days", "window", "score"), [
    (0, 0, 100),    # all days at or above
    (1, 1, 75),     # one day at 9 m: 3-day mean (9 + 22)/3 = 10.33 ≥ 10
    (3, 3, 50),     # 3-day mean 9 < 10; 7-day mean (27 + 44)/7 = 10.14 ≥ 10
    (7, 7, 30),     # 7-day mean 9; 14-day mean (63 + 77)/14 = 10 — at the level, not below
    (10, 14, 20),   # 14-day mean (90 + 44)/14 = 9.57 < 10; 30-day (90 + 220)/30 = 10.33
    (20, 30, 0),    # 30-day mean (180 + 110)/30 = 9.67 < 10
])
def test_min_eco_level_ladder(dip_days, window, score):
    rows = indicator_rows(base_frames(stations=[GAUGE], water_level=level_series(dip_days)),
                          "water.min_eco_level")
    assert rows.loc["Z1", "value"] == window
    assert rows.loc["Z1", "score"] == score
    assert rows.loc["Z1", "details"]["stations"][0]["window_days"] == window


def test_min_eco_level_without_minimum_is_insufficient():
    frames = base_frames(stations=[dict(GAUGE, min_eco_level_m=None)],
                         water_level=level_series(3))
    rows = indicator_rows(frames, "water.min_eco_level")
    assert rows.loc["Z1", "status"] == "insufficient_data"
    assert issues_of(frames, "station.value_missing")["value"].tolist() == ["G1"]


def test_inflow_deviation_uses_the_monthly_total_inflow():
    rows = indicator_rows(base_frames(monthly_flow=spec_monthly_flow("L")),
                          "water.inflow_deviation")
    assert rows.loc["Z2", "value"] == pytest.approx(0.8229, abs=5e-5)


TROPHIC_STATION = {"station_id": "T1", "segment_id": "Z1", "station_type": "water_quality"}


def trophic_samples(tp_values=(0.05,)) -> list[dict]:
    rows = []
    for i, tp in enumerate(tp_values):
        date = f"2021-{4 + i:02d}-10"
        values = {"tp": tp, "tn": 0.5, "chla": 10.0, "codmn": 4.0, "sd": 1.0}
        rows += [{"station_id": "T1", "date": date, "parameter": p, "value": v}
                 for p, v in values.items()]
    return rows


def test_trophic_state_ei_from_evaluation_year_means():
    frames = base_frames(stations=[TROPHIC_STATION], wq_samples=trophic_samples((0.05, 0.10)))
    rows = indicator_rows(frames, "water.trophic_state")
    # means: TP 0.075 → EI 50 + (0.025/0.05)×10 = 55; TN 0.5, chl-a 0.010 mg/L, CODMn 4, SD 1
    # each exactly on the EI 50 row → EI = (55 + 4 × 50)/5 = 51 → curve 50→60, 60→50: 59
    assert rows.loc["Z1", "value"] == pytest.approx(51.0)
    assert rows.loc["Z1", "score"] == pytest.approx(59.0)
    station = rows.loc["Z1", "details"]["stations"][0]
    assert station["method"] == "ei" and station["state"] == "轻度富营养"
    assert station["mean_tp"] == pytest.approx(0.075)


def test_trophic_state_tli_option_gives_the_spec_check():
    samples = [{"station_id": "T1", "date": "2021-05-10", "parameter": p, "value": v}
               for p, v in {"chla": 10, "tp": 0.05, "tn": 1.0, "sd": 1.0, "codmn": 4}.items()]
    profile = {"extends": "mwr2020-lake", "id": "lake-tli",
               "indicators": {"water.trophic_state": {"params": {"method": "tli"}}}}
    result = evaluate(base_frames(stations=[TROPHIC_STATION], wq_samples=samples),
                      {"river": "mwr2020-river", "lake": profile}, missing_mandatory="warn")
    row = result.indicators.set_index(["segment_id", "indicator_id"]).loc[
        ("Z1", "water.trophic_state")]
    assert round(row["value"], 1) == 48.0
    assert row["score"] == pytest.approx(70 - (row["value"] - 45) / 5 * 10)   # ≈ 64


def test_phytoplankton_density_is_the_station_mean():
    station = {"station_id": "P1", "segment_id": "Z1", "station_type": "water_quality"}
    samples = [{"station_id": "P1", "date": "2021-05-01", "density_1e4_cells_l": 300.0},
               {"station_id": "P1", "date": "2021-08-01", "density_1e4_cells_l": 500.0}]
    rows = indicator_rows(base_frames(stations=[station], phytoplankton=samples),
                          "biota.phytoplankton_density")
    assert rows.loc["Z1", "value"] == pytest.approx(400.0)
    assert rows.loc["Z1", "score"] == pytest.approx(75 - (400 - 200) / 300 * 15)    # 65


def test_macrophyte_plots_are_scored_one_by_one_then_averaged():
    plots = [{"plot_id": "M1", "segment_id": "Z1", "cover_pct": 30.0},
             {"plot_id": "M2", "segment_id": "Z1", "cover_pct": 50.0}]
    rows = indicator_rows(base_frames(macrophyte_plots=plots), "biota.macrophyte_cover")
    first = 25 + (30 - 10) / 30 * 25                                    # 41.67
    second = 50 + (50 - 40) / 35 * 25                                   # 57.14
    assert rows.loc["Z1", "score"] == pytest.approx((first + second) / 2)
    worst = indicator_rows(base_frames(macrophyte_plots=plots), "biota.macrophyte_cover",
                           station_combination="worst")
    assert worst.loc["Z1", "score"] == pytest.approx(first)


# ------------------------------------------------------------------------------ benthic IBI

TAXA = [{"taxon": "A", "order": "Ephemeroptera", "tolerance": 2.0},
        {"taxon": "B", "order": "Trichoptera", "tolerance": 3.0},
        {"taxon": "C", "order": "Diptera", "tolerance": 8.0}]


def benthos(site, segment, counts, reference=False):
    return [{"site_id": site, "segment_id": segment, "taxon": t, "count": n,
             "is_reference": reference} for t, n in counts.items()]


def test_benthic_ibi_observed_over_expected_with_a_reference_site():
    samples = (benthos("R1", "Z1", {"A": 10, "B": 10, "C": 5}, reference=True)
               + benthos("X1", "Z2", {"A": 5, "C": 15}))
    rows = indicator_rows(base_frames(benthos_samples=samples, benthos_taxa=TAXA),
                          "biota.benthic_ibi")
    # Metrics: R1 richness 3, EPT 2, dominant 40 %, tolerant 20 %,
    # H′ = −(2·0.4 ln 0.4 + 0.2 ln 0.2); X1 richness 2, EPT 1, dominant 75 %, tolerant 75 %,
    # H′ = −(0.25 ln 0.25 + 0.75 ln 0.75). Bounds over both sites of the lake (ratio method):
    h_ref = -(2 * 0.4 * math.log(0.4) + 0.2 * math.log(0.2))
    h_x = -(0.25 * math.log(0.25) + 0.75 * math.log(0.75))
    p95 = {"richness": 2 + 0.95 * (3 - 2), "ept": 1 + 0.95 * (2 - 1),
           "shannon": h_x + 0.95 * (h_ref - h_x)}
    p5 = {"dominant": 40 + 0.05 * (75 - 40), "tolerant": 20 + 0.05 * (75 - 20)}
    # R1 scores 1 on every metric (each ratio ≥ 1 is clipped): B-IBI 5, the expected value
    # (median of the reference sites) → R1's zone 1.0 → 100
    assert (75 - 40) / (75 - p5["dominant"]) > 1 and (75 - 20) / (75 - p5["tolerant"]) > 1
    assert rows.loc["Z1", "value"] == pytest.approx(1.0)
    # X1: decreasing metrics value / P95; dominant and tolerant are the maximum → 0
    bibi = 2 / p95["richness"] + 1 / p95["ept"] + 0 + 0 + h_x / p95["shannon"]
    assert rows.loc["Z2", "value"] == pytest.approx(bibi / 5)
    assert rows.loc["Z2", "score"] == pytest.approx(bibi / 5 * 100)
    site = rows.loc["Z2", "details"]["stations"][0]
    assert site["site_id"] == "X1" and site["expected_bibi"] == pytest.approx(5.0)
    assert site["reference_site"] is False
    assert rows.loc["Z1", "details"]["stations"][0]["reference_site"] is True


def test_benthic_ibi_bounds_from_reference_sites_option():
    samples = (benthos("R1", "Z1", {"A": 10, "B": 10, "C": 5}, reference=True)
               + benthos("X1", "Z2", {"A": 5, "C": 15}))
    profile = {"extends": "mwr2020-lake", "id": "lake-ref",
               "indicators": {"biota.benthic_ibi": {"params": {"bounds_from": "reference_sites"}}}}
    result = evaluate(base_frames(benthos_samples=samples, benthos_taxa=TAXA),
                      {"river": "mwr2020-river", "lake": profile}, missing_mandatory="warn")
    rows = result.indicators.set_index(["segment_id", "indicator_id"])
    # every bound is R1's own value: X1 richness 2/3, EPT 1/2, dominant and tolerant above
    # R1's maximum → 0, H′ ratio h_x / h_ref
    h_ref = -(2 * 0.4 * math.log(0.4) + 0.2 * math.log(0.2))
    h_x = -(0.25 * math.log(0.25) + 0.75 * math.log(0.75))
    bibi = 2 / 3 + 1 / 2 + h_x / h_ref
    assert rows.loc[("Z2", "biota.benthic_ibi"), "value"] == pytest.approx(bibi / 5)


def test_benthic_ibi_without_reference_or_expected_value_is_insufficient():
    samples = benthos("X1", "Z2", {"A": 5, "C": 15})
    frames = base_frames(benthos_samples=samples, benthos_taxa=TAXA)
    rows = indicator_rows(frames, "biota.benthic_ibi")
    assert rows.loc["Z2", "status"] == "insufficient_data"
    assert issues_of(frames, "benthos.no_reference")["value"].tolist() == ["L"]


def test_reservoir_is_evaluated_by_the_lake_profile():
    frames = base_frames(lake_areas=[{"water_body_id": "L", "current_area_km2": 9.0,
                                      "reference_area_km2": 10.0}])
    frames["water_bodies"].loc[1, "kind"] = "reservoir"
    result = evaluate(frames, missing_mandatory="warn")
    reservoir = result.water_bodies.set_index("water_body_id").loc["L"]
    assert reservoir["kind"] == "reservoir"
    assert set(result.segments.set_index("segment_id").loc[["Z1", "Z2"], "profile_id"]) == {
        "mwr2020-lake"}
    rows = result.indicators[result.indicators["segment_id"] == "Z1"]
    assert set(rows["indicator_id"]) == set(
        load_profile("mwr2020-lake").used_indicators)
