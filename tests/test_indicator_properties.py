"""Property tests: every computed indicator's score moves in the direction SPEC §4 gives.

Each indicator is evaluated alone under a one-criterion profile that copies its configuration
(parameters, scoring) from the packaged profile, so a hypothesis example costs one small run.
"""

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from indicator_frames import YEAR_DAYS, base_frames, daily

from health_eval import evaluate, load_profile

SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def alone(indicator_id: str, kind: str = "river") -> dict:
    """A profile holding only ``indicator_id`` as configured in the packaged profile."""
    packaged = load_profile("mwr2020-river" if kind == "river" else "mwr2020-lake")
    config = packaged.indicators[indicator_id].model_dump(exclude_none=True)
    criterion = indicator_id.split(".")[0]
    return {"id": "alone", "title_zh": "单指标", "title_en": "one indicator", "source": "tests",
            "applies_to": [kind], "segment_weighting": "length" if kind == "river" else "area",
            "criteria": {criterion: {"name_zh": criterion, "name_en": criterion, "weight": 1.0}},
            "indicators": {indicator_id: config},
            "classes": [c.model_dump() for c in packaged.classes]}


def score(frames: dict, indicator_id: str, segment: str = "S1", kind: str = "river") -> float:
    result = evaluate(frames, {kind: alone(indicator_id, kind)})
    rows = result.indicators.set_index(["segment_id", "indicator_id"])
    return float(rows.loc[(segment, indicator_id), "score"])


def barrier_rows(n: int) -> pd.DataFrame:
    return pd.DataFrame({"barrier_id": [f"B{i}" for i in range(n)], "water_body_id": "R",
                         "has_working_fishway": False, "eco_flow_guaranteed": False})


@SETTINGS
@given(n=st.integers(0, 6), extra=st.integers(1, 3))
def test_more_barriers_never_score_higher(n, extra):
    fewer = score(base_frames(barriers=barrier_rows(n)), "basin.longitudinal_connectivity")
    more = score(base_frames(barriers=barrier_rows(n + extra)), "basin.longitudinal_connectivity")
    assert more <= fewer


SEVERITIES = st.lists(st.sampled_from(["general", "serious", "major"]), max_size=6)


def problems(severities: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"problem_id": [f"F{i}" for i in range(len(severities))],
                         "segment_id": "S1", "problem_type": "occupation",
                         "severity": pd.Series(severities, dtype=object)})


@SETTINGS
@given(found=SEVERITIES, more=SEVERITIES.filter(bool))
def test_more_shoreline_problems_never_score_higher(found, more):
    outfalls = pd.DataFrame([{"outfall_id": "O1", "segment_id": "S1", "standardised": True,
                              "siting": "compliant"}])
    before = score(base_frames(outfalls=outfalls, shoreline_problems=problems(found)),
                   "basin.shoreline_violations")
    after = score(base_frames(outfalls=outfalls, shoreline_problems=problems(found + more)),
                  "basin.shoreline_violations")
    assert 0 <= after <= before


HYDRO = [{"station_id": "H1", "segment_id": "S1", "station_type": "hydrology",
          "mean_flow_m3s": 10.0}]


@SETTINGS
@given(base=st.floats(0.5, 12.0), cut=st.floats(0.0, 1.0), day=st.integers(0, 364))
def test_a_lower_daily_flow_never_scores_higher_eco_flow(base, cut, day):
    flows = np.full(len(YEAR_DAYS), base)
    lowered = flows.copy()
    lowered[day] = base * cut
    high = score(base_frames(stations=HYDRO, daily_flow=daily("H1", flows, "flow_m3s")),
                 "water.eco_flow")
    low = score(base_frames(stations=HYDRO, daily_flow=daily("H1", lowered, "flow_m3s")),
                "water.eco_flow")
    assert low <= high


@SETTINGS
@given(content=st.floats(0.01, 5.0), factor=st.floats(1.0, 10.0))
def test_more_heavy_metal_never_scores_higher_sediment(content, factor):
    def frames(cd):
        return base_frames(sediment_samples=[{"site_id": "D1", "segment_id": "S1", "metal": "cd",
                                              "value_mg_kg": cd, "ph": 7.0}])
    assert score(frames(content * factor), "water.sediment") <= score(frames(content),
                                                                      "water.sediment")


GAUGE = [{"station_id": "G1", "segment_id": "Z1", "station_type": "water_level",
          "min_eco_level_m": 10.0}]


@SETTINGS
@given(levels=st.lists(st.floats(8.0, 12.0), min_size=365, max_size=365),
       drop=st.floats(0.0, 2.0))
def test_lower_water_levels_never_score_higher(levels, drop):
    def frames(values):
        return base_frames(stations=GAUGE, water_level=daily("G1", values, "level_m"))
    high = score(frames(levels), "water.min_eco_level", "Z1", "lake")
    low = score(frames([v - drop for v in levels]), "water.min_eco_level", "Z1", "lake")
    assert low <= high


@SETTINGS
@given(tp=st.floats(0.005, 0.5), factor=st.floats(1.0, 5.0))
def test_more_phosphorus_never_scores_a_better_trophic_state(tp, factor):
    station = [{"station_id": "T1", "segment_id": "Z1", "station_type": "water_quality"}]

    def frames(value):
        samples = [{"station_id": "T1", "date": "2021-06-01", "parameter": p, "value": v}
                   for p, v in {"tp": value, "tn": 0.8, "chla": 12.0, "codmn": 4.5,
                                "sd": 0.8}.items()]
        return base_frames(stations=station, wq_samples=samples)
    assert score(frames(tp * factor), "water.trophic_state", "Z1", "lake") <= score(
        frames(tp), "water.trophic_state", "Z1", "lake")


@SETTINGS
@given(meeting=st.integers(0, 365), fewer=st.integers(1, 365))
def test_fewer_days_meeting_design_never_score_higher_supply(meeting, fewer):
    intake = [{"station_id": "I1", "segment_id": "S1", "station_type": "intake"}]

    def frames(days):
        values = np.where(np.arange(365) < days, 5.0, 4.0)
        return base_frames(stations=intake, water_supply=daily("I1", values, "value").assign(
            design_value=5.0))
    assert score(frames(max(meeting - fewer, 0)), "social.water_supply") <= score(
        frames(meeting), "social.water_supply")
