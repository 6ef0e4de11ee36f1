"""Properties of a whole evaluation on random data (SPEC §1.1, §1.2)."""

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from health_eval import evaluate

SEGMENTS = ["S1", "S2", "S3"]
INDICATORS = ["water.self_purification", "water.sediment", "biota.fish_retention",
              "biota.waterbirds"]

# values per indicator: DO [mg/L], max C/S, FOEI, waterbird ratio; None = not supplied
values = st.one_of(st.none(), st.floats(0, 12))


@st.composite
def supplied_tables(draw):
    rows = []
    for segment in SEGMENTS:
        for indicator in INDICATORS:
            value = draw(values)
            if value is not None:
                rows.append({"water_body_id": "R", "segment_id": segment,
                             "indicator_id": indicator, "value": value})
    lengths = draw(st.lists(st.floats(0.1, 50), min_size=3, max_size=3))
    return rows, lengths


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(supplied_tables())
def test_scores_weights_and_classes_hold_on_any_supplied_values(tiny_profile, data):
    rows, lengths = data
    frames = {
        "water_bodies": pd.DataFrame([{"water_body_id": "R", "name": "河", "kind": "river",
                                       "evaluation_year": 2021}]),
        "segments": pd.DataFrame({"segment_id": SEGMENTS, "water_body_id": "R",
                                  "name": SEGMENTS, "length_km": lengths}),
        "indicator_values": pd.DataFrame(rows, columns=["water_body_id", "segment_id",
                                                        "indicator_id", "value"]),
    }
    result = evaluate(frames, tiny_profile, missing_mandatory="warn")
    indicators = result.indicators
    assert indicators["score"].dropna().between(0, 100).all()
    evaluated = indicators["status"].eq("supplied")
    sums = indicators[evaluated].groupby(["segment_id", "criterion"])["weight"].sum()
    assert np.allclose(sums, 1.0)
    assert (indicators.loc[~evaluated, "weight"].fillna(0) == 0).all()
    segments = result.segments.set_index("segment_id")
    assert segments["rhi"].dropna().between(0, 100).all()
    water_body = result.water_bodies.iloc[0]
    if segments["rhi"].notna().all():
        # the water-body RHI is the length-weighted mean, so it lies between its segments
        assert segments["rhi"].min() - 1e-9 <= water_body["rhi"] <= segments["rhi"].max() + 1e-9
        expected = np.average(segments.loc[SEGMENTS, "rhi"], weights=lengths)
        assert np.isclose(water_body["rhi"], expected)
        grade = 1 + sum(water_body["rhi"] < t for t in (90, 75, 60, 40))
        assert water_body["health_class"] == grade
    else:
        assert pd.isna(water_body["rhi"]) and not result.ok
