"""Shared test data: a small river whose whole evaluation is worked out by hand in the tests."""

import pandas as pd
import pytest
from hypothesis import settings

from health_eval.profiles.profile import load_profile

# Property tests check values, never speed: no per-example deadline (a busy CI machine would
# otherwise fail them at random; speed is measured in benchmarks/).
settings.register_profile("health_eval", deadline=None)
settings.load_profile("health_eval")

DO_CURVE = [[0, 0], [2, 10], [3, 30], [5, 60], [6, 80], [7.5, 100]]
FISH_CURVE = [[0.25, 0], [0.5, 30], [0.6, 40], [0.75, 60], [0.85, 80], [1.0, 100]]
SEDIMENT_CURVE = [[1, 100], [2, 60], [3, 40], [5, 20], [10, 0]]


@pytest.fixture
def tiny_profile() -> dict:
    """Two criteria, four indicators: small enough to follow every number by hand."""
    river = load_profile("mwr2020-river")
    classes = [c.model_dump() for c in river.classes]
    return {
        "id": "tiny", "title_zh": "测试方案", "title_en": "test profile", "source": "tests",
        "applies_to": ["river"], "segment_weighting": "length",
        "criteria": {"water": {"name_zh": "水", "name_en": "water", "weight": 0.6},
                     "biota": {"name_zh": "生物", "name_en": "biota", "weight": 0.4}},
        "indicators": {
            "water.self_purification": {"required": True,
                                        "scoring": {"rule": "curve", "points": DO_CURVE}},
            "water.sediment": {"scoring": {"rule": "curve", "points": SEDIMENT_CURVE},
                               "params": river.indicators["water.sediment"].params},
            "biota.fish_retention": {"required": True,
                                     "scoring": {"rule": "curve", "points": FISH_CURVE}},
            "biota.waterbirds": {"scoring": {"rule": "ratio", "reference": 1.0}},
        },
        "classes": classes,
    }


def do_samples(station: str, values: list[float], year: int = 2021) -> list[dict]:
    return [{"station_id": station, "date": f"{year}-{3 + i:02d}-15", "parameter": "do",
             "value": v} for i, v in enumerate(values)]


@pytest.fixture
def tiny_frames() -> dict[str, pd.DataFrame]:
    """River R: S1 (2 km, stations Q1 and Q2) and S2 (3 km, station Q3).

    DO means: Q1 6.5 mg/L (a 2020 sample of 0 mg/L is outside the evaluation year), Q2 5.0,
    Q3 4.0. Fish: 10 historical species, 8 of them found now plus one non-native. Sediment is
    supplied for S1 only (C/S = 2), waterbirds for the whole river (0.5).
    """
    historical = [f"鱼{i}" for i in range(10)]
    fish = ([{"water_body_id": "R", "species": s, "period": "historical", "native": True}
             for s in historical]
            + [{"water_body_id": "R", "species": s, "period": "current", "native": True}
               for s in historical[:8]]
            + [{"water_body_id": "R", "species": "罗非鱼", "period": "current", "native": False}])
    return {
        "water_bodies": pd.DataFrame([{"water_body_id": "R", "name": "测试河", "kind": "river",
                                       "evaluation_year": 2021}]),
        "segments": pd.DataFrame([
            {"segment_id": "S1", "water_body_id": "R", "name": "上段", "length_km": 2.0},
            {"segment_id": "S2", "water_body_id": "R", "name": "下段", "length_km": 3.0}]),
        "stations": pd.DataFrame([
            {"station_id": "Q1", "segment_id": "S1", "station_type": "water_quality"},
            {"station_id": "Q2", "segment_id": "S1", "station_type": "water_quality"},
            {"station_id": "Q3", "segment_id": "S2", "station_type": "water_quality"}]),
        "wq_samples": pd.DataFrame(do_samples("Q1", [6.0, 7.0]) + do_samples("Q1", [0.0], 2020)
                                   + do_samples("Q2", [5.0, 5.0]) + do_samples("Q3", [3.0, 5.0])),
        "fish_species": pd.DataFrame(fish),
        "indicator_values": pd.DataFrame([
            {"water_body_id": "R", "segment_id": "S1", "indicator_id": "water.sediment",
             "value": 2.0},
            {"water_body_id": "R", "segment_id": None, "indicator_id": "biota.waterbirds",
             "value": 0.5}]),
    }
