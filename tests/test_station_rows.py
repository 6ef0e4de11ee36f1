"""The frame helpers behind ``station_rows``: same rows and dtypes as plain pandas."""

import numpy as np
import pandas as pd
import pytest
from health_eval.indicators.frames import period_text
from health_eval.indicators.stations import _matches, _taken, rows_where, segment_rows

from health_eval.io.lookup import per_row, row_years


@pytest.fixture
def data():
    return pd.DataFrame({
        "station_id": pd.array(["a", None, "b", "c"], dtype="string[pyarrow]"),
        "date": pd.to_datetime(["2021-01-01", "2021-02-01", None, "2022-01-01"]),
        "value": [1.0, np.nan, 3.0, 4.0],
        "below_detection": pd.array([True, None, False, False], dtype="boolean"),
        "note": np.array(["x", 1, None, "y"], dtype=object),
        "name": pd.array(["p", "q", None, "r"], dtype="str"),
        "local": pd.to_datetime(["2021-01-01", None, "2021-03-01", "2022-01-01"]
                                ).tz_localize("Asia/Shanghai"),
    })


@pytest.mark.parametrize("keep", [[True, False, True, False], [False] * 4, [True] * 4])
def test_rows_where_is_boolean_indexing_renumbered(data, keep):
    keep = np.array(keep)
    rows = rows_where(data, keep)
    pd.testing.assert_frame_equal(rows, data[keep].reset_index(drop=True), check_exact=True)


@pytest.mark.parametrize("keep", [[False, True, True, False], [True] * 4])
def test_rows_where_of_columns_keeps_labels_when_asked(data, keep):
    keep = np.array(keep)
    data = data.set_axis([10, 11, 12, 13])
    rows = rows_where(data, keep, ["value", "station_id"], renumber=False)
    pd.testing.assert_frame_equal(rows, data[["value", "station_id"]][keep], check_exact=True)


def test_rows_where_all_kept_leaves_the_data_alone(data):
    rows = rows_where(data, np.ones(len(data), dtype=bool))
    rows["value"] = 0.0
    assert data["value"].tolist()[0] == 1.0


@pytest.mark.parametrize("at", [[1, 1, 0, 1], []])
def test_taken_types_columns_as_assigning_the_arrays_does(at):
    small = pd.DataFrame({"kind": pd.array(["river", "lake"], dtype="string"),
                          "year": [2021, 2022], "flow": [1.5, np.nan]})
    at = np.array(at, dtype=np.int64)
    taken = _taken(small, ("kind", "year", "flow"), at)
    expected = pd.DataFrame(index=pd.RangeIndex(len(at))).assign(
        **{column: small[column].to_numpy()[at] for column in small})
    for column in small:
        pd.testing.assert_series_equal(pd.Series(taken[column].array, name=column),
                                       expected[column], check_exact=True)


@pytest.fixture
def sampled():
    return pd.DataFrame({
        "station_id": pd.array(["b", "a", None, "b", "c", "b", "c"], dtype="string[pyarrow]"),
        "date": pd.to_datetime(["2021-03-05", "2021-07-01", "2021-01-01", None, None,
                                "2021-01-09", None]),
    })


def test_period_text_spans_each_station_skipping_missing_dates(sampled):
    text = period_text(sampled)
    assert text.index.tolist() == ["a", "b", "c"]
    assert text.index.name == "station_id"
    assert text["a"] == "2021-07-01–2021-07-01"
    assert text["b"] == "2021-01-09–2021-03-05"
    assert pd.isna(text["c"])          # dated nowhere
    pd.testing.assert_series_equal(text, _period_by_groupby(sampled), check_exact=True)


def test_period_text_takes_codes_factorised_beforehand(sampled):
    codes, keys = pd.factorize(pd.concat([sampled["station_id"], pd.Series(["z"])]), sort=True)
    text = period_text(sampled, codes=(codes[:len(sampled)], keys))
    pd.testing.assert_series_equal(text, period_text(sampled), check_exact=True)   # no "z"


def _period_by_groupby(dates):
    """What period_text computed before it worked on codes: pandas min and max per group."""
    span = dates.groupby("station_id")["date"].agg(["min", "max"])
    return span["min"].dt.strftime("%Y-%m-%d") + "–" + span["max"].dt.strftime("%Y-%m-%d")


def test_matches_pairs_as_an_inner_merge_orders_them():
    left = pd.Series(["S2", "S1", "S9", "S2"], dtype="string[pyarrow]")
    right = pd.Series(["S1", "S2", None, "S2", "S1"], dtype="string[pyarrow]")
    at_left, at_right = _matches(left, right)
    # S2 (left 0) meets right 1 and 3, S1 (left 1) right 0 and 4, S9 nothing, S2 (left 3) again
    assert at_left.tolist() == [0, 0, 1, 1, 3, 3]
    assert at_right.tolist() == [1, 3, 0, 4, 1, 3]
    merged = left.to_frame("id").reset_index().merge(
        right.to_frame("id").reset_index(), on="id")
    assert merged["index_x"].tolist() == at_left.tolist()
    assert merged["index_y"].tolist() == at_right.tolist()


def test_matches_without_anything_on_the_right():
    at_left, at_right = _matches(pd.Series(["S1"]), pd.Series([], dtype=object))
    assert at_left.tolist() == [] and at_right.tolist() == []


def test_segment_rows_repeat_each_station_for_the_segments_it_serves():
    links = pd.DataFrame({"segment_id": ["g1", "g2", "g3", "g4"],
                          "station_id": ["S2", "S1", "S2", "S7"],
                          "borrowed_from": [None, None, "g1", None]}, dtype="string")
    per_station = pd.DataFrame({"station_id": ["S1", "S2"], "value": [1.5, 2.5],
                                "n_obs": [3, 4], "samples": [7, 9]})
    rows = segment_rows(links, per_station)
    # S7 has no value: its segment gets no row; g3 borrows S2 from g1
    assert rows.columns.tolist() == ["segment_id", "station_id", "value", "n_obs", "samples",
                                     "borrowed_from"]
    assert rows["segment_id"].tolist() == ["g1", "g2", "g3"]
    assert rows["value"].tolist() == [2.5, 1.5, 2.5] and rows["n_obs"].tolist() == [4, 3, 4]
    assert rows["samples"].tolist() == [9, 7, 9]          # detail columns go along as columns
    assert rows["borrowed_from"].fillna("-").tolist() == ["-", "-", "g1"]


def _dated_in(dates: pd.DatetimeIndex, position: np.ndarray, years: np.ndarray) -> list[bool]:
    """Whether each date is in the year of its row's station, as the evaluation-year rows and
    validation decide it: the dates' years (of the distinct dates) against the stations'."""
    return (row_years(pd.factorize(pd.Series(dates))) == per_row(position, years, np.nan)).tolist()


@pytest.mark.parametrize("unit", ["ns", "s"])
def test_dated_in_compares_each_date_with_its_stations_year(unit):
    dates = pd.DatetimeIndex(["2021-01-01", "2020-12-31 23:59:59", "2021-12-31 23:59:59",
                              "2022-01-01", None, "2021-06-01", "2021-06-01"]).as_unit(unit)
    years = np.array([2021.0, np.nan, 2021.5])
    position = np.array([0, 0, 0, 0, 0, 1, -1])      # the last two: no year, no station
    assert _dated_in(dates, position, years) == [True, False, True, False, False, False, False]
    assert not any(_dated_in(dates[5:6], np.array([2]), years))   # 2021.5


def test_dated_in_at_the_ends_of_the_nanosecond_range():
    dates = pd.DatetimeIndex([pd.Timestamp.min, pd.Timestamp.max, "2262-01-01"])
    years = np.array([1677.0, 2262.0, 2263.0, 1676.0])
    assert _dated_in(dates, np.array([0, 1, 1]), years) == [True, True, True]
    assert _dated_in(dates, np.array([3, 2, 2]), years) == [False, False, False]


def test_station_row_codes_are_the_rows_own_sorted_factorisation():
    """The codes of the evaluation-year rows, taken from the whole table's shared
    factorisation, equal factorising the rows themselves (sorted); a sample of 2020 at a
    2021 water body is not a row, though its station stays among the distinct values."""
    from health_eval.engine.dataset import load_dataset
    from health_eval.engine.registry import ComputeContext
    from health_eval.profiles.profile import Policies
    from indicators.stations import station_row_codes, station_rows

    dataset = load_dataset({
        "water_bodies": pd.DataFrame({"water_body_id": ["W1"], "name": ["清河"],
                                      "kind": ["river"], "evaluation_year": [2021]}),
        "segments": pd.DataFrame({"segment_id": ["S1", "S2"], "water_body_id": ["W1", "W1"],
                                  "name": ["上", "下"]}),
        "stations": pd.DataFrame({"station_id": ["Q2", "Q1", "Q3"],
                                  "segment_id": ["S1", "S2", "S2"]}),
        "wq_samples": pd.DataFrame({
            "station_id": ["Q2", "Q1", "Q3", "Q2", "Q1"],
            "date": ["2021-01-05", "2021-01-06", "2020-12-30", "2021-02-05", "2021-02-06"],
            "parameter": ["tp", "do", "tp", "nh3n", "tp"], "value": [0.1, 7.0, 0.2, 0.3, 0.1]}),
    })
    segments = dataset.table("segments").assign(kind="river", evaluation_year=2021)
    context = ComputeContext(segments=segments, params={}, policies=Policies())
    rows, _ = station_rows(dataset, context, "wq_samples")
    assert rows["station_id"].tolist() == ["Q2", "Q1", "Q2", "Q1"]
    codes, distinct = station_row_codes(dataset, context, "wq_samples", "station_id")
    assert codes.tolist() == [1, 0, 1, 0] and list(distinct) == ["Q1", "Q2", "Q3"]
    codes, distinct = station_row_codes(dataset, context, "wq_samples", "parameter")
    assert codes.tolist() == [2, 0, 1, 2] and list(distinct) == ["do", "nh3n", "tp"]
