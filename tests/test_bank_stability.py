"""Bank stability (岸坡稳定性, SPEC §4.1): five element scores per survey plot and their mean."""

import math

import numpy as np
import pandas as pd
import pytest
from health_eval.indicators.survey import (
    bank_stability,
    bank_stability_elements,
    default_bank_elements,
)
from hypothesis import given, settings
from hypothesis import strategies as st

SCORE_COLUMNS = ["slope_score", "cover_score", "height_score", "substrate_score",
                 "erosion_score"]
SUBSTRATES = ["bedrock", "rock_soil", "clay", "non_cohesive"]
EROSION = ["none", "light", "moderate", "severe"]


def plots(*rows: tuple) -> pd.DataFrame:
    """Plots P1, P2, … from (slope_deg, veg_cover_pct, height_m, substrate, toe_erosion)."""
    return pd.DataFrame(rows, columns=["slope_deg", "veg_cover_pct", "height_m", "substrate",
                                       "toe_erosion"],
                        index=pd.Index([f"P{i + 1}" for i in range(len(rows))], name="plot_id"))


def test_default_elements_come_from_the_profile():
    elements = default_bank_elements()
    assert elements["slope_deg"] == [[15, 100], [30, 75], [45, 25], [60, 0]]
    assert elements["veg_cover_pct"] == [[0, 0], [25, 25], [50, 75], [75, 100]]
    assert elements["height_m"] == [[1, 100], [2, 75], [3, 25], [5, 0]]
    assert elements["substrate"] == {"bedrock": 100, "rock_soil": 75, "clay": 25,
                                     "non_cohesive": 0}
    assert elements["toe_erosion"] == {"none": 100, "light": 75, "moderate": 25, "severe": 0}


def test_a_plot_worked_out_by_hand_with_the_profile_curves():
    table = bank_stability_elements(plots((22.5, 60.0, 1.5, "rock_soil", "light")))
    row = table.loc["P1"]
    # slope 22.5° between 15°→100 and 30°→75: 100 + (22.5 − 15)/(30 − 15) × (75 − 100) = 87.5
    assert row["slope_score"] == pytest.approx(87.5)
    # cover 60 % between 50 %→75 and 75 %→100: 75 + (60 − 50)/(75 − 50) × (100 − 75) = 85
    assert row["cover_score"] == pytest.approx(85.0)
    # height 1.5 m between 1 m→100 and 2 m→75: 100 + (1.5 − 1)/(2 − 1) × (75 − 100) = 87.5
    assert row["height_score"] == pytest.approx(87.5)
    assert row["substrate_score"] == 75.0                 # rock_soil
    assert row["erosion_score"] == 75.0                   # light
    # mean of the five: (87.5 + 85 + 87.5 + 75 + 75) / 5 = 410 / 5 = 82
    assert row["bank_stability"] == pytest.approx(82.0)
    assert row["missing_elements"] == ""
    series = bank_stability(plots((22.5, 60.0, 1.5, "rock_soil", "light")))
    assert series.name == "bank_stability" and series["P1"] == pytest.approx(82.0)


def test_values_at_and_beyond_the_curve_ends():
    table = bank_stability_elements(plots(
        (15.0, 75.0, 1.0, "bedrock", "none"),           # at the good ends
        (5.0, 95.0, 0.2, "bedrock", "none"),            # beyond them: clamped at 100
        (60.0, 0.0, 5.0, "non_cohesive", "severe"),     # at the bad ends
        (85.0, 0.0, 12.0, "non_cohesive", "severe"),    # beyond them: clamped at 0
        (45.0, 25.0, 3.0, "clay", "moderate"),          # on inner breakpoints
    ))
    assert table.loc["P1", SCORE_COLUMNS].tolist() == [100.0] * 5
    assert table.loc["P2", SCORE_COLUMNS].tolist() == [100.0] * 5
    assert table.loc["P3", SCORE_COLUMNS].tolist() == [0.0] * 5
    assert table.loc["P4", SCORE_COLUMNS].tolist() == [0.0] * 5
    assert table.loc["P5", SCORE_COLUMNS].tolist() == [25.0] * 5
    assert table["bank_stability"].tolist() == [100.0, 100.0, 0.0, 0.0, 25.0]


def test_a_custom_elements_mapping_changes_the_result():
    frame = plots((22.5, 60.0, 1.5, "clay", "light"))
    assert bank_stability(frame)["P1"] == pytest.approx((87.5 + 85 + 87.5 + 25 + 75) / 5)  # 72
    elements = {**default_bank_elements(),
                "slope_deg": [[0, 100], [90, 0]],                    # 22.5° → 75
                "substrate": {**default_bank_elements()["substrate"], "clay": 50}}
    table = bank_stability_elements(frame, elements)
    assert table.loc["P1", "slope_score"] == pytest.approx(75.0)
    assert table.loc["P1", "substrate_score"] == 50.0
    # (75 + 85 + 87.5 + 50 + 75) / 5 = 372.5 / 5 = 74.5
    assert table.loc["P1", "bank_stability"] == pytest.approx(74.5)


def test_a_curve_can_be_switched_to_step_mode():
    elements = {**default_bank_elements(),
                "veg_cover_pct": {"points": [[0, 0], [25, 25], [50, 75], [75, 100]],
                                  "mode": "step"}}
    table = bank_stability_elements(plots((22.5, 60.0, 1.5, "rock_soil", "light")), elements)
    # 60 % lies in the 50–75 % band: its floor, 75
    assert table.loc["P1", "cover_score"] == 75.0
    # (87.5 + 75 + 87.5 + 75 + 75) / 5 = 400 / 5 = 80
    assert table.loc["P1", "bank_stability"] == pytest.approx(80.0)


def test_a_missing_element_gives_nan_and_names_it():
    table = bank_stability_elements(plots(
        (np.nan, 60.0, 1.5, "rock_soil", "light"),
        (22.5, 60.0, 1.5, "mud", None),                  # unknown code, no erosion code
        (22.5, 60.0, 1.5, "rock_soil", "light"),
    ))
    assert math.isnan(table.loc["P1", "bank_stability"])
    assert table.loc["P1", "missing_elements"] == "slope_deg"
    assert math.isnan(table.loc["P2", "bank_stability"])
    assert table.loc["P2", "missing_elements"] == "substrate, toe_erosion"
    # the elements that could be scored still are: never averaged into fewer elements
    assert table.loc["P2", "slope_score"] == pytest.approx(87.5)
    assert table.loc["P3", "bank_stability"] == pytest.approx(82.0)
    assert table.loc["P3", "missing_elements"] == ""


def test_arrow_and_nullable_dtypes_score_the_same():
    frame = plots((22.5, 60.0, 1.5, "rock_soil", "light"), (None, 30.0, 2.0, "clay", "none"))
    typed = frame.astype({"slope_deg": "Float64", "veg_cover_pct": "Float64",
                          "substrate": "string[pyarrow]", "toe_erosion": "string[pyarrow]"})
    pd.testing.assert_frame_equal(bank_stability_elements(typed), bank_stability_elements(frame))


def test_the_index_of_the_plots_is_kept_and_empty_input_works():
    frame = plots((22.5, 60.0, 1.5, "rock_soil", "light"))
    frame.index = pd.Index([7], name="row")
    assert bank_stability(frame).index.tolist() == [7]
    empty = bank_stability_elements(frame.iloc[:0])
    assert empty.empty and list(empty.columns) == SCORE_COLUMNS + ["bank_stability",
                                                                   "missing_elements"]


def test_incomplete_inputs_are_rejected():
    frame = plots((22.5, 60.0, 1.5, "rock_soil", "light"))
    with pytest.raises(ValueError, match="toe_erosion"):
        bank_stability(frame.drop(columns="toe_erosion"))
    elements = {k: v for k, v in default_bank_elements().items() if k != "height_m"}
    with pytest.raises(ValueError, match="height_m"):
        bank_stability(frame, elements)
    with pytest.raises(ValueError, match="slope_deg"):
        bank_stability(frame, {**default_bank_elements(), "slope_deg": [[30, 75], [15, 100]]})
    with pytest.raises(ValueError, match="substrate"):
        bank_stability(frame, {**default_bank_elements(), "substrate": {"rock_soil": 750}})


ELEMENTS = default_bank_elements()


@settings(max_examples=100, deadline=None)
@given(slopes=st.tuples(st.floats(0, 90), st.floats(0, 90)),
       cover=st.floats(0, 100), height=st.floats(0, 10),
       substrate=st.sampled_from(SUBSTRATES), erosion=st.sampled_from(EROSION))
def test_a_steeper_slope_never_scores_higher(slopes, cover, height, substrate, erosion):
    gentle, steep = sorted(slopes)
    table = bank_stability_elements(plots((gentle, cover, height, substrate, erosion),
                                          (steep, cover, height, substrate, erosion)),
                                    ELEMENTS)
    assert table.loc["P2", "slope_score"] <= table.loc["P1", "slope_score"]
    assert table.loc["P2", "bank_stability"] <= table.loc["P1", "bank_stability"]
    assert 0.0 <= table.loc["P2", "bank_stability"] <= 100.0


def test_missing_labels_name_the_flagged_columns_in_order():
    from health_eval.indicators.survey import _missing_labels

    missing = np.array([[False, False, False], [True, False, True], [False, True, False]])
    assert _missing_labels(missing, ["a", "b", "c"]).tolist() == ["", "a, c", "b"]


def test_code_scores_map_known_codes_and_leave_unknown_or_missing_ones_nan():
    from health_eval.indicators.survey import _code_scores

    codes = pd.Series(["clay", None, "lava", "clay", "bedrock"], dtype="string")
    scored = _code_scores(codes, {"clay": 25, "bedrock": 100}, "substrate")
    np.testing.assert_array_equal(scored, [25.0, np.nan, np.nan, 25.0, 100.0])


def test_bank_per_segment_combines_plots_and_counts_incomplete_ones():
    from health_eval.indicators.basin import _bank_per_segment

    segment = pd.Series(["s2", "s1", "s2", None, "s2"], dtype="string")
    stability = pd.Series([60.0, np.nan, 80.0, 10.0, np.nan])
    mean = _bank_per_segment(segment, stability, "mean")
    assert mean.index.tolist() == ["s1", "s2"]
    assert np.isnan(mean.loc["s1", "bank_stability"]) and mean.loc["s2", "bank_stability"] == 70.0
    assert mean["plots"].tolist() == [1, 3] and mean["plots_incomplete"].tolist() == [1, 1]
    assert _bank_per_segment(segment, stability, "min").loc["s2", "bank_stability"] == 60.0
