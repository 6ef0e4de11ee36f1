"""A plugin indicator written from the README recipe gets the packaged indicators' policies.

Two plugins are declared as the README's "how to add an indicator" shows — an
:class:`~health_eval.engine.inputs.InputSpec` and a pure kernel — and registered in a test registry:
``water.turbidity`` (the README's example: each station's mean turbidity of the evaluation year)
and ``water.summer_flow`` (mean daily flow of June–August, needing 90 % of the year's days).
Neither selects a row itself; the values below, worked out by hand, show that the engine's input
stage applied the evaluation year, the below-detection policy, the borrowed station of a segment
without one, the season and the daily-coverage minimum for them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from health_eval import evaluate
from health_eval.engine.inputs import DailyCoverage, InputSpec, Period, TableInput
from health_eval.engine.registry import Indicator, default_registry
from health_eval.profiles.indicator_params import Params, spec
from health_eval.profiles.scoring import CurveRule

# --- the plugins, as the README recipe writes them -------------------------------------------


def turbidity(inputs, param):
    """Mean turbidity [NTU] of each station: rows already of the evaluation year, at the
    stations serving the segments, below-detection values substituted."""
    samples = inputs["wq_samples"]
    samples = samples[samples["parameter"] == "turbidity"]
    means = samples.groupby("station_id")["value"].agg(["mean", "size"])
    return pd.DataFrame({"station_id": means.index, "value": means["mean"].to_numpy(),
                         "n_obs": means["size"].to_numpy()})


def summer_flow(inputs, param):
    """Mean daily flow [m³/s] of June–August at each station with a series."""
    flows = inputs["daily_flow"].groupby("station_id")["flow_m3s"].mean()
    return pd.DataFrame({"station_id": flows.index, "value": flows.to_numpy(),
                         "details": [{"summer_mean_m3s": round(v, 3)} for v in flows]})


def wet_months_flow(inputs, param):
    """Mean measured monthly flow [m³/s] of each water body's rows (a water-body indicator)."""
    flows = inputs["monthly_flow"].groupby("water_body_id")["measured_m3s"].agg(["mean", "size"])
    return pd.DataFrame({"water_body_id": flows.index, "value": flows["mean"].to_numpy(),
                         "n_obs": flows["size"].to_numpy()})


class YearFlowParams(Params):
    """The parameters of the year-flow plugins: the daily-coverage minimum their input reads."""

    min_coverage: float = spec("Share of the days of the year a daily series must cover",
                               "share", ge=0, le=1)


def register(registry):
    registry.register(Indicator(
        id="water.turbidity", criterion="water", name_zh="浊度", name_en="turbidity",
        applies_to=frozenset({"river"}), unit="NTU",
        inputs=InputSpec(TableInput("wq_samples", columns=(
            "station_id", "date", "parameter", "value", "below_detection", "detection_limit"),
            below_detection=True)),
        kernel=turbidity, default_scoring=CurveRule(points=[(5, 100), (50, 0)]),
        references="local method"))
    registry.register(Indicator(     # the same over two years: the evaluation year and the one before
        id="water.turbidity_2y", criterion="water", name_zh="两年浊度", name_en="turbidity, 2 a",
        applies_to=frozenset({"river"}), unit="NTU",
        inputs=InputSpec(TableInput("wq_samples", period=Period(years=2), below_detection=True)),
        kernel=turbidity, default_scoring=CurveRule(points=[(5, 100), (50, 0)]),
        references="local method"))
    registry.register(Indicator(
        id="water.summer_flow", criterion="water", name_zh="夏季流量", name_en="summer flow",
        applies_to=frozenset({"river"}), unit="m3/s",
        inputs=InputSpec(TableInput("daily_flow", period=Period(months=(6, 7, 8)))),
        kernel=summer_flow, default_scoring=CurveRule(points=[(0, 0), (100, 100)]),
        references="local method"))
    registry.register(Indicator(
        id="water.wet_months_flow", criterion="water", name_zh="两年汛期流量",
        name_en="wet-season flow, 2 a", applies_to=frozenset({"river"}), scope="water_body",
        unit="m3/s", inputs=InputSpec(TableInput("monthly_flow", by="water_body",
                                                 period=Period(years=2, months=(6, 7, 8)))),
        kernel=wet_months_flow, default_scoring=CurveRule(points=[(0, 0), (100, 100)]),
        references="local method"))
    for suffix in ("", "_again"):     # two indicators reading the same series
        registry.register(Indicator(
            id=f"water.year_flow{suffix}", criterion="water", name_zh="年均流量",
            name_en="year flow", applies_to=frozenset({"river"}), unit="m3/s",
            inputs=InputSpec(TableInput("daily_flow", carry=("evaluation_year",),
                                        minimum=DailyCoverage("flow_m3s"))),
            params=YearFlowParams, kernel=summer_flow, default_scoring=CurveRule(points=[(0, 0), (100, 100)]),
            references="local method"))


# --- the data ---------------------------------------------------------------------------------


def frames() -> dict[str, pd.DataFrame]:
    """River R (evaluated 2021): S1 with station Q1, S2 without a station (its neighbour is
    S1), S3 with station Q3.

    Turbidity at Q1: 10 and 20 NTU in 2021, and 1000 NTU in 2020 (outside the evaluation year);
    at Q3: 8 NTU and a below-detection sample (detection limit 4 NTU). Daily flow at Q1: every
    day of 2021, 10 m³/s, 40 m³/s from June to August, and 2020-07-01 at 500 m³/s; at Q3: the
    first 100 days of 2021 only, 5 m³/s.
    """
    days = pd.date_range("2021-01-01", "2021-12-31", freq="D")
    q1_flow = np.where(days.month.isin([6, 7, 8]), 40.0, 10.0)
    flows = pd.concat([
        pd.DataFrame({"station_id": "Q1", "date": days, "flow_m3s": q1_flow}),
        pd.DataFrame({"station_id": "Q1", "date": [pd.Timestamp("2020-07-01")],
                      "flow_m3s": [500.0]}),
        pd.DataFrame({"station_id": "Q3", "date": days[:100], "flow_m3s": 5.0})])
    return {
        "water_bodies": pd.DataFrame([{"water_body_id": "R", "name": "测试河", "kind": "river",
                                       "evaluation_year": 2021}]),
        "segments": pd.DataFrame([
            {"segment_id": "S1", "water_body_id": "R", "name": "上段", "length_km": 2.0},
            {"segment_id": "S2", "water_body_id": "R", "name": "中段", "length_km": 3.0,
             "neighbour_segment_id": "S1"},
            {"segment_id": "S3", "water_body_id": "R", "name": "下段", "length_km": 1.0}]),
        "stations": pd.DataFrame([{"station_id": "Q1", "segment_id": "S1"},
                                  {"station_id": "Q3", "segment_id": "S3"}]),
        "wq_samples": pd.DataFrame([
            {"station_id": "Q1", "date": "2021-03-15", "parameter": "turbidity", "value": 10.0},
            {"station_id": "Q1", "date": "2021-04-15", "parameter": "turbidity", "value": 20.0},
            {"station_id": "Q1", "date": "2020-04-15", "parameter": "turbidity", "value": 1000.0},
            {"station_id": "Q3", "date": "2021-03-15", "parameter": "turbidity", "value": 8.0},
            {"station_id": "Q3", "date": "2021-04-15", "parameter": "turbidity", "value": 4.0,
             "below_detection": True, "detection_limit": 4.0}]),
        "daily_flow": flows,
        # June of 2019, 2020 and 2021 and January 2021: only June 2020 and 2021 are in the
        # two-year wet-season window ending with 2021
        "monthly_flow": pd.DataFrame({"water_body_id": "R", "year": [2019, 2020, 2021, 2021],
                                      "month": [6, 6, 6, 1],
                                      "measured_m3s": [1000.0, 30.0, 50.0, 7.0],
                                      "natural_m3s": [1.0, 1.0, 1.0, 1.0]}),
    }


def profile(below_detection: str = "half", fallback: str = "neighbour") -> dict:
    """A profile of the plugins alone (one criterion, equal weights)."""
    from health_eval.profiles.profile import load_profile
    classes = [c.model_dump() for c in load_profile("mwr2020-river").classes]
    return {
        "id": "plugins", "title_zh": "插件方案", "title_en": "plugin profile", "source": "tests",
        "applies_to": ["river"], "segment_weighting": "length",
        "criteria": {"water": {"name_zh": "水", "name_en": "water", "weight": 1.0}},
        "indicators": {"water.turbidity": {}, "water.turbidity_2y": {}, "water.summer_flow": {},
                       "water.wet_months_flow": {},
                       "water.year_flow": {"params": {"min_coverage": 0.9}},
                       "water.year_flow_again": {"params": {"min_coverage": 0.9}}},
        "policies": {"below_detection": below_detection, "station_fallback": fallback},
        "classes": classes,
    }


@pytest.fixture
def registry():
    registry = default_registry()
    register(registry)
    return registry


def rows(result, indicator_id: str) -> pd.DataFrame:
    table = result.indicators_with_details()
    return table[table["indicator_id"] == indicator_id].set_index("segment_id")


# --- the policies -----------------------------------------------------------------------------


def test_evaluation_year_below_detection_and_borrowed_station(registry):
    result = evaluate(frames(), profile(), registry=registry)
    turbidity = rows(result, "water.turbidity")
    # Q1: (10 + 20) / 2, the 2020 sample left out; Q3: (8 + 4/2) / 2, half the limit
    assert turbidity.loc["S1", "value"] == pytest.approx(15.0)
    assert turbidity.loc["S3", "value"] == pytest.approx(5.0)
    # S2 has no station: it borrows its neighbour S1's, and says so
    assert turbidity.loc["S2", "value"] == pytest.approx(15.0)
    (lent,) = turbidity.loc["S2", "details"]["stations"]
    assert lent["borrowed_from"] == "S1"
    (own,) = turbidity.loc["S1", "details"]["stations"]
    assert "borrowed_from" not in own
    # scored by the plugin's curve: 100 − (15 − 5) × 100 / 45
    assert turbidity.loc["S1", "score"] == pytest.approx(100 - 10 * 100 / 45)
    assert turbidity["n_obs"].tolist() == [2, 2, 2]
    # a window of two years takes the 2020 sample in: (10 + 20 + 1000) / 3
    assert rows(result, "water.turbidity_2y").loc["S1", "value"] == pytest.approx(1030 / 3)


def test_a_window_and_season_of_a_water_body_table(registry):
    result = evaluate(frames(), profile(), registry=registry)
    wet = rows(result, "water.wet_months_flow")
    # every segment takes its water body's value: (30 + 50) / 2
    assert wet["value"].tolist() == pytest.approx([40.0, 40.0, 40.0])
    assert wet["n_obs"].tolist() == [2, 2, 2]


def test_the_profile_policies_reach_the_plugin(registry):
    result = evaluate(frames(), profile(below_detection="limit", fallback="none"),
                      registry=registry)
    turbidity = rows(result, "water.turbidity")
    assert turbidity.loc["S3", "value"] == pytest.approx((8.0 + 4.0) / 2)   # the limit itself
    assert turbidity.loc["S2", "status"] == "no_data"                        # no borrowing


def test_season_and_minimum_data(registry):
    result = evaluate(frames(), profile(), registry=registry)
    summer = rows(result, "water.summer_flow")
    # June–August of 2021 only: 40 m³/s at Q1 (2020-07-01 is not of the evaluation year); Q3
    # has no summer day, so S3 has no value
    assert summer.loc["S1", "value"] == pytest.approx(40.0)
    assert summer.loc["S1", "details"]["stations"][0]["summer_mean_m3s"] == 40.0
    assert summer.loc["S3", "status"] == "no_data"
    year = rows(result, "water.year_flow")
    # Q1 covers all 365 days: (92 × 40 + 273 × 10) / 365; Q3 covers 100 of 365 < 90 %
    assert year.loc["S1", "value"] == pytest.approx((92 * 40 + 273 * 10) / 365)
    (station,) = year.loc["S1", "details"]["stations"]
    assert (station["station_id"], station["coverage"]) == ("Q1", 1.0)
    assert year.loc["S3", "status"] == "insufficient_data"
    assert np.isnan(year.loc["S3", "value"])
    assert year.loc["S3", "details"]["stations"][0]["days_with_data"] == 100
    gaps = result.issues[result.issues["rule"] == "series.gaps"]
    assert gaps["value"].tolist() == ["Q3"]        # reported once, though two indicators read it
    again = rows(result, "water.year_flow_again")
    assert again["status"].tolist() == year["status"].tolist()


def test_an_indicator_runs_its_kernel_through_the_input_stage(registry):
    from dataclasses import replace

    from health_eval.engine.input_stage import KernelCompute
    indicator = registry.get("water.turbidity")
    assert indicator.compute == KernelCompute(indicator.inputs, turbidity)
    moved = replace(indicator, inputs=InputSpec(TableInput("wq_samples", by="own_station")))
    assert moved.compute.spec.inputs[0].by == "own_station"
    with pytest.raises(ValueError, match="not both"):
        replace(indicator, compute=lambda dataset, context: None)


def test_a_declaration_names_what_it_reads():
    spec = InputSpec(TableInput("daily_flow", minimum=DailyCoverage("flow_m3s")),
                     TableInput("stations", by="all"))
    assert spec.tables == ("daily_flow", "stations")
    assert spec.station_input.table == "daily_flow"
    with pytest.raises(ValueError, match="declared twice"):
        InputSpec(TableInput("daily_flow"), TableInput("daily_flow", by="all"))
    with pytest.raises(ValueError, match="station tables only"):
        TableInput("outfalls", by="segment", minimum=DailyCoverage("n"))
    with pytest.raises(ValueError, match="takes no period"):
        TableInput("benthos_taxa", by="all", period=Period())
    with pytest.raises(ValueError, match="evaluation year"):
        TableInput("daily_flow", period=Period(years=3), minimum=DailyCoverage("flow_m3s"))
