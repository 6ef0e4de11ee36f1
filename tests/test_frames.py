"""Table helpers of the indicator definitions: details records and weighted means."""

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
from health_eval.indicators.frames import computed_rows, records, weighted_mean

from health_eval.dataset import Dataset


def test_records_write_dates_text_numbers_and_missing_values():
    frame = pd.DataFrame({
        "day": pd.to_datetime(["2021-03-04", None, "1700-12-31"]),
        "name": pd.Series(["a", None, "c"], dtype="string"),
        "x": [1.23456, np.nan, 2.0],
        "n": [1, 2, 3],
    })
    rows = records(frame, {"day": "date", "name": "name", "x": "x", "n": "n"}, decimals=2)
    assert rows[0] == {"date": "2021-03-04", "name": "a", "x": 1.23, "n": 1}
    assert math.isnan(rows[1]["date"]) and math.isnan(rows[1]["name"])   # text: NaN
    assert rows[1]["x"] is None                                          # number: None
    assert rows[2]["date"] == "1700-12-31"
    assert type(rows[2]["n"]) is int and type(rows[0]["name"]) is str


def test_records_write_dates_outside_years_1000_to_9999_as_strftime_does():
    frame = pd.DataFrame({"day": pd.Series(
        np.array(["0999-01-02", "2000-05-06"], dtype="datetime64[s]"))})
    expected = frame["day"].dt.strftime("%Y-%m-%d").tolist()
    assert [r["d"] for r in records(frame, {"day": "d"})] == expected


def test_weighted_mean_per_key_skips_rows_without_value_weight_or_key():
    frame = pd.DataFrame({
        "k": pd.Series(["b", "a", "a", "b", None, "c"], dtype="string"),
        "v": [10.0, 1.0, 3.0, np.nan, 5.0, 2.0],
        "w": [2.0, 1.0, 3.0, 1.0, 1.0, 0.0],
    })
    table = weighted_mean(frame, "k", "v", "w")
    assert table.index.tolist() == ["a", "b", "c"] and table.index.name == "k"
    assert table["value"].iloc[0] == (1 * 1 + 3 * 3) / 4
    assert table["value"].iloc[1] == 10.0
    assert np.isnan(table["value"].iloc[2])          # weights sum to 0
    assert table["n"].tolist() == [2, 1, 1]
    assert table["weight"].tolist() == [4.0, 2.0, 0.0]


def test_computed_rows_flag_rows_of_the_segments_computed_by_the_shared_codes():
    outfalls = pd.DataFrame({"segment_id": pd.Series(["s2", "s9", None, "s1", "s2"],
                                                     dtype="string"),
                             "n": [1, 2, 3, 4, 5]})
    dataset = Dataset(tables={"outfalls": outfalls}, sources={}, issues=[])
    context = SimpleNamespace(segments=pd.DataFrame({"segment_id": ["s1", "s2", "s3"]}))
    # s9 is not computed and a missing segment never is
    assert computed_rows(dataset, context, "outfalls", "segment_id").tolist() == [
        True, False, False, True, True]
