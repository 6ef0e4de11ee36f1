"""Tests of cell coercion on typed, Arrow-backed columns (Parquet files, DataFrames).

Text columns are cleaned and coded once per distinct text (:class:`health_eval.io.cells.Distinct`)
and typed number and date columns are taken as they are; these tests hold those shortcuts to
what the cell-by-cell reading gives.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from health_eval.engine.dataset import Dataset
from health_eval.io.cells import TEXT_DTYPE, Distinct, split_cells
from health_eval.issues import InputError

#: Texts as exports write them: padded, blank, repeated, full-width, one spelling of another.
TEXTS = ["a", " a", "a ", "\u3000a", "", "  ", "b", "B", "氨氮", " 氨氮 ", "nh3n", "NH3-N"]


def base_frames(**tables: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Required tables as DataFrames, plus ``tables``."""
    frames = {
        "water_bodies": pd.DataFrame({"water_body_id": ["W1"], "name": ["清河"],
                                      "kind": ["river"], "evaluation_year": [2021]}),
        "segments": pd.DataFrame({"segment_id": ["S1"], "water_body_id": ["W1"],
                                  "name": ["上游段"]}),
    }
    frames.update(tables)
    return frames


def samples(parameters: list, units: list, values: list | None = None) -> pd.DataFrame:
    """A typed wq_samples frame (strings Arrow-backed, numbers float64)."""
    n = len(parameters)
    return pd.DataFrame({
        "station_id": pd.Series(["Q1"] * n, dtype="str"),
        "date": pd.Series(pd.to_datetime(["2021-01-05"] * n)).astype("datetime64[us]"),
        "parameter": pd.Series(parameters, dtype="str"),
        "value": np.array(values if values is not None else [1.0] * n, dtype="float64"),
        "unit": pd.Series(units, dtype="str"),
    })


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.sampled_from(TEXTS)), max_size=30), st.booleans())
def test_text_is_cleaned_and_factorised_as_cell_by_cell(texts, factorise):
    column = pd.Series(texts, dtype="str")
    cells = split_cells(column, factorise)
    stripped = column.astype(TEXT_DTYPE).str.strip()
    expected = stripped.mask((stripped == "").fillna(False).to_numpy(dtype=bool))
    assert cells.text.tolist() == expected.tolist()
    assert cells.text.dtype == TEXT_DTYPE
    assert cells.blank().tolist() == expected.isna().tolist()
    codes, values = pd.factorize(expected)
    distinct = cells.factorised()
    # factorised when asked to, or when whitespace had to be stripped (blanking empty texts
    # alone needs no factorising)
    text = column.astype(TEXT_DTYPE)
    assert (cells.distinct is not None) == (factorise or bool(stripped.ne(text).fillna(False).any()))
    assert distinct.codes.tolist() == codes.tolist()
    assert list(distinct.values) == list(values)
    assert distinct.column().tolist() == expected.tolist()


def test_distinct_replace_merges_texts_in_order_of_first_appearance():
    text = Distinct.of(pd.Series(["x", "y", None, "z", "x"], dtype=TEXT_DTYPE))
    replaced = text.replace(["a", None, "a"])
    assert replaced.column().tolist() == ["a", pd.NA, pd.NA, "a", "a"]
    assert replaced.codes.tolist() == [0, -1, -1, 0, 0]
    assert list(replaced.values) == ["a"]


def test_typed_codes_and_units_are_read_once_per_distinct_value():
    frame = samples([" NH3-N", "氨氮", "tp", "nh3n", "odd", "tp"],
                    ["μg/L", "mg/L", " mg/L", "ug/L", "kg", None],
                    [250.0, 0.5, 0.1, 100.0, 3.0, 2.0])
    copy = frame.copy()
    wq = Dataset.from_frames(base_frames(wq_samples=frame)).table("wq_samples")
    assert wq["parameter"].tolist() == ["nh3n", "nh3n", "tp", "nh3n", "odd", "tp"]
    assert wq["unit"].tolist() == ["mg/L", "mg/L", "mg/L", "mg/L", "kg", "mg/L"]
    assert wq["value"].tolist() == pytest.approx([0.25, 0.5, 0.1, 0.1, 3.0, 2.0])
    assert wq["parameter"].dtype == TEXT_DTYPE and wq["unit"].dtype == TEXT_DTYPE
    pd.testing.assert_frame_equal(frame, copy)


def test_typed_unit_errors_keep_their_order_and_rows():
    frame = samples(["tp", "nh3n", "tp", "nh3n", "tp"], ["m", "ppm", "mg/L", "ppm", "m"])
    with pytest.raises(InputError) as excinfo:
        Dataset.from_frames(base_frames(wq_samples=frame))
    found = [(i.rule, i.row, i.value) for i in excinfo.value.issues if i.severity == "error"]
    assert found == [("unit.unknown", 1, "m"), ("unit.unknown", 5, "m"),
                     ("unit.unknown", 2, "ppm"), ("unit.unknown", 4, "ppm")]


@pytest.mark.parametrize(("plots", "unknown"), [
    (pd.DataFrame({"plot_id": pd.Series(["P1", "P2", "P3"], dtype="str"),
                   "segment_id": pd.Series(["S1"] * 3, dtype="str"),
                   "bank": pd.Series(["left", " 右岸 ", "middle"], dtype="str")}), "middle"),
    # an object column mixing text and numbers (as from xlsx): codes and identifiers as text
    (pd.DataFrame({"plot_id": ["P1", 2, 3.0], "segment_id": ["S1"] * 3,
                   "bank": [" 左岸", "right", 7]}), "7"),
])
def test_closed_codes_report_unknown_values(plots, unknown):
    with pytest.raises(InputError) as excinfo:
        Dataset.from_frames(base_frames(bank_plots=plots))
    found = [(i.row, i.column, i.value) for i in excinfo.value.issues
             if i.rule == "code.unknown"]
    assert found == [(3, "bank", unknown)]


def test_typed_numbers_are_kept_and_infinities_flagged():
    frame = samples(["tp", "tp"], ["mg/L", "mg/L"], [0.1, np.inf])
    with pytest.raises(InputError) as excinfo:
        Dataset.from_frames(base_frames(wq_samples=frame))
    found = [(i.rule, i.row, i.value) for i in excinfo.value.issues if i.severity == "error"]
    assert found == [("type.float", 2, "inf")]


def test_dataset_tables_do_not_share_the_callers_arrays():
    frame = samples(["tp", "do"], ["mg/L", "mg/L"], [0.1, 7.5])
    frame["date"] = frame["date"].astype("datetime64[ns]")
    copy = frame.copy()
    wq = Dataset.from_frames(base_frames(wq_samples=frame)).table("wq_samples")
    wq.loc[0, "value"] = 99.0
    wq.loc[0, "date"] = pd.Timestamp("2000-01-01")
    pd.testing.assert_frame_equal(frame, copy)


def test_blank_rows_between_typed_rows_are_dropped_and_codes_still_read():
    frame = samples([" tp", None, "氨氮"], ["mg/L", None, "μg/L"], [0.1, np.nan, 250.0])
    frame.loc[1, ["station_id", "date"]] = None
    ds = Dataset.from_frames(base_frames(wq_samples=frame))
    wq = ds.table("wq_samples")
    assert wq["parameter"].tolist() == ["tp", "nh3n"]
    assert wq["value"].tolist() == pytest.approx([0.1, 0.25])
    assert ds.row_numbers["wq_samples"].tolist() == [1, 3]
    assert [i.rule for i in ds.issues] == ["row.empty"]


def test_typed_dates_beyond_the_nanosecond_range_are_unreadable_not_wrapped():
    frame = samples(["do", "do", "do"], ["mg/L"] * 3)
    frame["date"] = pd.Series(np.array(["2021-01-05", "2300-01-01", "NaT"],
                                       dtype="datetime64[us]"))
    with pytest.raises(InputError) as caught:
        Dataset.from_frames(base_frames(wq_samples=frame))
    errors = [(i.table, i.row, i.column, i.value, i.rule) for i in caught.value.issues
              if i.severity == "error"]
    # DataFrame rows count from 1: the 2300 date is row 2 (main used to wrap it to 1715)
    assert errors == [("wq_samples", 2, "date", "2300-01-01", "type.date"),
                      ("wq_samples", 3, "date", None, "value.missing")]
