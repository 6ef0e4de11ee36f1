"""Pure methods: fish retention (SPEC §4.4), public satisfaction (SPEC §4.5), station links."""

import math

import numpy as np
import pandas as pd
import pytest
from health_eval.indicators.biota import fish_retention_index, fish_retention_table
from health_eval.indicators.stations import assign_stations
from health_eval.indicators.survey import default_respondent_weights, public_satisfaction
from hypothesis import given
from hypothesis import strategies as st


def test_fish_retention_index_from_names_and_counts():
    historical = ["青鱼", "草鱼", "鲢", "鳙", "鲤", "鲫", "鳊", "鳜"]
    current = ["草鱼", "鲢", "鲤", "鲫", "鲫", "鳜"]            # 鲫 twice counts once
    assert fish_retention_index(current, historical) == pytest.approx(5 / 8)
    assert fish_retention_index(13, 20) == pytest.approx(0.65)
    assert math.isnan(fish_retention_index(["鲤"], []))


def test_fish_retention_table_counts_native_species_only():
    species = pd.DataFrame({
        "water_body_id": ["A"] * 7 + ["B"],
        "species": ["青鱼", "草鱼", "鲢", "草鱼", "鲢", "罗非鱼", "鲢", "鲤"],
        "period": ["historical"] * 3 + ["current"] * 4 + ["current"],
        "native": [True, True, True, True, True, False, True, True],
    })
    table = fish_retention_table(species)
    # A: 3 historical; 草鱼 and 鲢 found now (鲢 listed twice), 罗非鱼 is not native: 2/3
    assert table.loc["A", "foei"] == pytest.approx(2 / 3)
    assert table.loc["A", ["historical", "current_native", "current_non_native"]].tolist() == [
        3, 2, 1]
    # B has no historical list: FOEI undefined
    assert table.loc["B", "historical"] == 0 and math.isnan(table.loc["B", "foei"])


def test_public_satisfaction_weights_respondents():
    responses = pd.DataFrame({
        "respondent_type": ["resident", "manager", "worker", "frequent_visitor",
                            "occasional_visitor"],
        "score": [60.0, 80.0, 90.0, 100.0, 40.0]})
    # (3×60 + 2×80 + 1.5×90 + 1×100 + 0.5×40) / (3 + 2 + 1.5 + 1 + 0.5) = 595 / 8 = 74.375
    assert public_satisfaction(responses) == pytest.approx(74.375)


def test_public_satisfaction_by_group_and_custom_weights():
    responses = pd.DataFrame({"segment_id": ["S1", "S1", "S2"],
                              "respondent_type": ["resident", "occasional_visitor", "manager"],
                              "score": [90.0, 30.0, 70.0]})
    values = public_satisfaction(responses, by="segment_id")
    # S1: (3×90 + 0.5×30) / 3.5 = 285 / 3.5 = 81.428…
    assert values["S1"] == pytest.approx(285 / 3.5)
    assert values["S2"] == pytest.approx(70.0)
    flat = public_satisfaction(responses, {"resident": 1, "occasional_visitor": 1, "manager": 1})
    assert flat == pytest.approx(190 / 3)


def test_public_satisfaction_rejects_unknown_types():
    responses = pd.DataFrame({"respondent_type": ["tourist"], "score": [50.0]})
    with pytest.raises(ValueError, match="tourist"):
        public_satisfaction(responses)


def test_default_weights_come_from_the_profile():
    assert default_respondent_weights() == {"resident": 3.0, "manager": 2.0, "worker": 1.5,
                                            "frequent_visitor": 1.0, "occasional_visitor": 0.5}


@given(st.lists(st.tuples(st.sampled_from(["resident", "manager", "worker", "frequent_visitor",
                                           "occasional_visitor"]), st.floats(0, 100)),
                min_size=1, max_size=50))
def test_satisfaction_lies_between_the_lowest_and_highest_score(rows):
    responses = pd.DataFrame(rows, columns=["respondent_type", "score"])
    value = public_satisfaction(responses)
    assert responses["score"].min() - 1e-9 <= value <= responses["score"].max() + 1e-9


def test_segments_without_a_station_borrow_their_neighbours():
    stations = pd.DataFrame({"station_id": ["Q1", "Q2", "Q3"], "segment_id": ["S1", "S1", "S3"]})
    segments = pd.DataFrame({"segment_id": ["S1", "S2", "S3", "S4"],
                             "neighbour_segment_id": [None, "S1", "S1", None]})
    links = assign_stations(stations, segments)
    rows = sorted(map(tuple, links.astype(object).where(links.notna(), None).to_numpy()))
    # S3 has a station of its own, so it does not borrow; S4 has neither station nor neighbour
    assert rows == [("S1", "Q1", None), ("S1", "Q2", None), ("S2", "Q1", "S1"),
                    ("S2", "Q2", "S1"), ("S3", "Q3", None)]
    assert np.all(links.dtypes == "string")
