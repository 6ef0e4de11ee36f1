"""The batch after compute (health_eval.engine.batch): scoring, station combination, broadcast to
segments, gaps and supplied values for all indicators at once, on a worked example."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from health_eval.engine.batch import Computed, indicator_rows
from health_eval.engine.details_table import plain_floats
from health_eval.engine.inputs import tables_of
from health_eval.engine.registry import Indicator
from health_eval.profiles.scoring import CurveRule, RatioRule

SEGMENTS = pd.DataFrame({"water_body_id": ["W1", "W1", "W2"], "segment_id": ["S1", "S2", "S3"],
                         "kind": ["river"] * 3})
RATIO = RatioRule(reference=4.0)                                     # score = value / 4 × 100
CURVE = CurveRule(points=[(0.0, 0.0), (100.0, 100.0)])               # score = value


def part(indicator_id: str, scope: str, rule, keys, value, status, n_obs=None, details=None,
         stationed=False) -> Computed:
    definition = Indicator(id=indicator_id, criterion="water", name_zh=indicator_id,
                           name_en=indicator_id, applies_to=frozenset({"river"}), scope=scope,
                           inputs=tables_of("wq_samples"), unit="mg/L",
                           compute=lambda d, c: None)
    return Computed(definition=definition, rule=rule,
                    constants=(indicator_id, indicator_id, "water", True, 0.5, "mg/L"),
                    keys=np.array(keys, dtype=object), value=np.array(value, dtype=float),
                    status=np.array(status, dtype=object),
                    n_obs=np.array(n_obs if n_obs is not None else [np.nan] * len(keys)),
                    details=pd.DataFrame(details or {}, index=pd.RangeIndex(len(keys))),
                    stationed=stationed, positions=np.arange(len(SEGMENTS)))


def stations() -> Computed:
    """S1: stations a (2 mg/L, 3 samples) and b (4 mg/L, 5 samples); S2: c without a value and
    d with too few samples; S3: none."""
    return part("x.stations", "segment", RATIO, ["S1", "S1", "S2", "S2"], [2.0, 4.0, np.nan, 1.0],
                ["ok", "ok", "ok", "insufficient_data"], n_obs=[3, 5, np.nan, 1],
                details={"station_id": list("abcd")}, stationed=True)


def whole() -> Computed:
    """A whole-water-body value: W1 80, W2 nothing."""
    return part("x.whole", "water_body", CURVE, ["W1"], [80.0], ["ok"])


def explain(computed: Computed, positions: np.ndarray) -> list[dict]:
    return [{"reason": "rows.none", "reason_zh": f"{computed.definition.id} 无行 {p}",
             "reason_en": f"no row {p}"} for p in positions]


def rows(combination: str = "mean", supplied: pd.DataFrame | None = None) -> pd.DataFrame:
    """The batch's table with the details of each row composed as a mapping."""
    table, details = batch(combination, supplied)
    return table.assign(details=details.records())


def batch(combination: str = "mean", supplied: pd.DataFrame | None = None):
    supplied = supplied if supplied is not None else pd.DataFrame(
        columns=["indicator_id", "water_body_id", "segment_id", "value", "note"])
    return indicator_rows([stations(), whole()], SEGMENTS, combination, supplied, explain)


def test_stations_are_scored_one_by_one_then_averaged():
    table = rows("mean")
    s1 = table.iloc[0]
    assert (s1["indicator_id"], s1["segment_id"], s1["water_body_id"]) == ("x.stations", "S1",
                                                                          "W1")
    assert s1["value"] == 3.0                       # (2 + 4) / 2
    assert s1["score"] == 75.0                      # (50 + 100) / 2
    assert s1["n_obs"] == 8 and s1["status"] == "ok" and s1["source"] == "computed"
    assert s1["details"] == {"combination": "mean", "stations": [
        {"station_id": "a", "value": 2.0, "score": 50.0, "status": "ok"},
        {"station_id": "b", "value": 4.0, "score": 100.0, "status": "ok"}]}


def test_the_worst_station_gives_value_and_score():
    s1 = rows("worst").iloc[0]
    assert (s1["value"], s1["score"], s1["n_obs"]) == (2.0, 50.0, 8)
    assert s1["details"]["combination"] == "worst"


def test_a_segment_whose_stations_give_no_ok_value_keeps_the_first_stations_status():
    s2 = rows().iloc[1]
    # station c had status ok but no value: it became no_data, and comes first in S2
    assert s2["status"] == "no_data" and math.isnan(s2["value"]) and math.isnan(s2["score"])
    assert s2["n_obs"] == 1
    assert [s["status"] for s in s2["details"]["stations"]] == ["no_data", "insufficient_data"]
    assert s2["source"] is None


def test_segments_without_a_row_are_no_data_with_their_cause():
    table = rows()
    s3 = table.iloc[2]
    assert s3["status"] == "no_data" and s3["source"] is None and pd.isna(s3["n_obs"])
    assert s3["details"] == {"reason": "rows.none", "reason_zh": "x.stations 无行 2",
                             "reason_en": "no row 2", "inputs": ["wq_samples"]}
    w2 = table.iloc[5]
    assert (w2["indicator_id"], w2["segment_id"]) == ("x.whole", "S3")
    assert w2["details"]["reason_zh"] == "x.whole 无行 2" and w2["status"] == "no_data"


def test_a_whole_water_body_value_reaches_each_of_its_segments():
    table = rows()
    mine = table[(table["indicator_id"] == "x.whole") & (table["water_body_id"] == "W1")]
    assert mine["segment_id"].tolist() == ["S1", "S2"]
    assert mine["value"].tolist() == [80.0, 80.0] and mine["score"].tolist() == [80.0, 80.0]
    assert mine["details"].tolist() == [{}, {}]


def test_columns_and_dtypes_of_the_batch():
    table, _ = batch()
    assert "details" not in table
    assert list(table["indicator_id"]) == ["x.stations"] * 3 + ["x.whole"] * 3
    assert table["required"].dtype == bool and table["base_weight"].dtype == float
    assert str(table["n_obs"].dtype) == "Int64"
    assert table["status"].dtype == object and table["source"].dtype == object
    assert isinstance(table["segment_id"].dtype, pd.StringDtype)


def test_supplied_values_win_by_segment_then_by_water_body():
    supplied = pd.DataFrame({"indicator_id": ["x.stations", "x.whole"],
                             "water_body_id": ["W1", "W1"], "segment_id": ["S1", None],
                             "value": [1.0, 40.0], "note": ["lab", None]})
    table = rows(supplied=supplied)
    s1 = table.iloc[0]
    assert (s1["value"], s1["score"], s1["status"], s1["source"]) == (1.0, 25.0, "supplied",
                                                                      "supplied")
    assert s1["details"]["supplied_note"] == "lab" and s1["details"]["computed_value"] == 3.0
    assert s1["details"]["computed_details"]["combination"] == "mean"
    whole_w1 = table[(table["indicator_id"] == "x.whole") & (table["water_body_id"] == "W1")]
    assert whole_w1["value"].tolist() == [40.0, 40.0]
    assert whole_w1["status"].tolist() == ["supplied", "supplied"]
    assert table.iloc[1]["status"] == "no_data"                     # S2 of x.stations untouched


def test_details_are_columns_stations_a_child_table_and_no_row_a_mapping():
    _, details = batch()
    assert details.part.tolist() == [0, 0, 0, 1, 1, 1]
    stationed, whole_part = details.parts
    # the stations of S1 then S2, in their rows' order, each with its value, score and status
    assert stationed.entries["station_id"].tolist() == ["a", "b", "c", "d"]
    assert stationed.entries["score"].tolist()[:2] == [50.0, 100.0]
    assert stationed.entries["status"].tolist() == ["ok", "ok", "no_data", "insufficient_data"]
    assert (details.start.tolist(), details.stop.tolist()) == ([0, 2, -1, 0, 0, -1],
                                                               [2, 4, -1, 1, 1, -1])
    assert details.combination.tolist() == ["mean", "mean", None, None, None, None]
    assert whole_part.entries.shape == (1, 0)          # a value without details: one entry
    assert details.reason.tolist() == [None, None, "rows.none", None, None, "rows.none"]
    assert details.table("x.stations")["row"].tolist() == [0, 0, 1, 1]
    assert details.row(0) == rows().iloc[0]["details"]


@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=50))
def test_details_numbers_are_rounded_exactly_as_round(values):
    assert plain_floats(values) == [None if v != v else round(v, 8) for v in values]


@pytest.mark.parametrize("value", [0.1 + 0.2, 1.7000000000000002, 0.123456785, 2.5e-9, 12345.6])
def test_details_numbers_at_ties_and_beyond_the_fast_range(value):
    assert plain_floats([value]) == [round(value, 8)]
