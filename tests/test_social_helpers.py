"""Helpers of the social indicators: drinking-source events and shares, pair counts."""

import numpy as np
import pandas as pd
from health_eval.indicators.social import _event_means, _pair_counts, _station_compliance


def test_event_means_average_repeats_and_leave_out_empty_events_and_parameters():
    day1, day2 = pd.Timestamp("2024-01-05"), pd.Timestamp("2024-02-05")
    samples = pd.DataFrame({
        "station": [1, 1, 0, 1, 0, 0],
        "date": [day1, day1, day2, day1, day1, day2],
        "parameter": pd.Series(["NH3N", "NH3N", "DO", "DO", "TP", "TP"], dtype="string"),
        "value": [1.0, 2.0, 6.0, 7.5, np.nan, np.nan],
    })
    events, wide = _event_means(samples)
    # station 0 on day1 has only a missing TP: no event; TP is measured nowhere else
    assert events["station"].tolist() == [0, 1]
    assert events["date"].tolist() == [day2, day1]
    assert wide.columns.tolist() == ["DO", "NH3N"]
    assert wide.to_numpy()[0, 0] == 6.0 and np.isnan(wide.to_numpy()[0, 1])
    assert wide.to_numpy()[1].tolist() == [7.5, 1.5]


def test_station_compliance_counts_events_and_lists_failures_per_station():
    events = pd.DataFrame({
        "station": [2, 0, 2, 2],
        "date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-02-01", "2024-03-01"]),
        "meets": [False, True, True, False],
        "failing": [["TP"], [], [], ["DO", "TP"]],
    })
    table = _station_compliance(events, pd.Index(["A", "B", "C"], dtype="string"))
    assert table["station_id"].tolist() == ["A", "C"]
    assert table["value"].tolist() == [100.0, 100 / 3]
    assert table["n_obs"].tolist() == [1, 3]
    assert table["events"].tolist() == [1, 3] and table["events_meeting"].tolist() == [1, 1]
    assert table["failed_events"].tolist() == [
        [], [{"date": "2024-01-01", "parameters": ["TP"]},
             {"date": "2024-03-01", "parameters": ["DO", "TP"]}]]


def test_pair_counts_count_rows_per_pair_of_codes_skipping_missing_ones():
    first = np.array([0, 1, 1, -1, 1, 0])
    second = np.array([1, 0, 1, 0, 1, -1])
    assert _pair_counts(first, second, 2, 2).tolist() == [[0, 1], [1, 2]]
