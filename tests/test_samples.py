"""Per-station means of long-form samples (SPEC §4.3, §5). Expected numbers worked by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from health_eval.indicators.samples import StationMeans, effective_values, station_means
from hypothesis import given, settings
from hypothesis import strategies as st


def _samples() -> pd.DataFrame:
    rows = [
        # station, parameter, value, below_detection, detection_limit
        ("A", "nh3n", 0.40, False, np.nan),
        ("A", "nh3n", 0.05, True, 0.05),  # below detection, DL 0.05
        ("A", "nh3n", 0.30, False, np.nan),
        ("A", "tp", 0.10, False, np.nan),
        ("A", "tp", 0.20, False, np.nan),
        ("B", "nh3n", 0.02, True, np.nan),  # below detection, no DL: value is the limit
        ("B", "nh3n", 0.50, False, np.nan),
        ("B", "do", 8.00, False, np.nan),
        ("B", "tp", np.nan, False, np.nan),  # not measured
    ]
    df = pd.DataFrame(
        rows, columns=["station_id", "parameter", "value", "below_detection", "detection_limit"]
    )
    df.insert(1, "date", pd.Timestamp("2024-06-01"))
    return df


def test_half_detection_limit():
    res = station_means(_samples())
    assert isinstance(res, StationMeans)
    m = res.means
    assert list(m.index) == ["A", "B"] and list(m.columns) == ["do", "nh3n", "tp"]
    assert m.loc["A", "nh3n"] == pytest.approx((0.40 + 0.025 + 0.30) / 3)  # 0.241667
    assert m.loc["A", "tp"] == pytest.approx(0.15)
    assert m.loc["B", "nh3n"] == pytest.approx((0.01 + 0.50) / 2)  # 0.255
    assert m.loc["B", "do"] == pytest.approx(8.0)
    assert math.isnan(m.loc["A", "do"]) and math.isnan(m.loc["B", "tp"])


def test_limit_policy():
    m = station_means(_samples(), below_detection="limit").means
    assert m.loc["A", "nh3n"] == pytest.approx(0.25)  # (0.40 + 0.05 + 0.30) / 3
    assert m.loc["B", "nh3n"] == pytest.approx(0.26)  # (0.02 + 0.50) / 2


def test_counts_and_below_detection_counts():
    res = station_means(_samples())
    assert res.counts.loc["A"].to_dict() == {"do": 0, "nh3n": 3, "tp": 2}
    assert res.counts.loc["B"].to_dict() == {"do": 1, "nh3n": 2, "tp": 0}
    assert (res.counts.dtypes == np.int64).all()
    assert res.below_detection_counts.loc["A"].to_dict() == {"do": 0, "nh3n": 1, "tp": 0}
    assert res.below_detection_counts.loc["B"].to_dict() == {"do": 0, "nh3n": 1, "tp": 0}
    assert res.means.shape == res.counts.shape == res.below_detection_counts.shape


def test_parameter_filter():
    res = station_means(_samples(), parameters=["tp", "nh3n", "cod"])
    assert list(res.means.columns) == ["tp", "nh3n", "cod"]
    assert res.means["cod"].isna().all()
    assert res.counts["cod"].tolist() == [0, 0]
    assert res.counts["tp"].tolist() == [2, 0]
    assert res.means.loc["A", "tp"] == pytest.approx(0.15)


def test_missing_optional_columns():
    # No below_detection column: every value is taken as reported.
    df = _samples().drop(columns=["below_detection", "detection_limit"])
    m = station_means(df).means
    assert m.loc["A", "nh3n"] == pytest.approx(0.25)  # (0.40 + 0.05 + 0.30) / 3
    # No detection_limit column: the value is the limit, halved.
    df = _samples().drop(columns=["detection_limit"])
    m = station_means(df).means
    assert m.loc["A", "nh3n"] == pytest.approx((0.40 + 0.025 + 0.30) / 3)


def test_nullable_below_detection_flag():
    df = _samples()
    df["below_detection"] = pd.array([pd.NA, True] + [False] * 7, dtype="boolean")
    m = station_means(df).means
    assert m.loc["A", "nh3n"] == pytest.approx((0.40 + 0.025 + 0.30) / 3)


def test_effective_values_change_only_below_detection_rows():
    samples = pd.DataFrame({"value": ["0.4", "0.05", "x", "0.02"],   # text: coerced, "x" is NaN
                            "below_detection": [False, True, False, True],
                            "detection_limit": [np.nan, 0.08, np.nan, np.nan]})
    value, flag = effective_values(samples, "half")
    # 0.08 / 2 (the limit halved); 0.02 / 2 (no limit: the value is the limit)
    np.testing.assert_array_equal(value, [0.4, 0.04, np.nan, 0.01])
    np.testing.assert_array_equal(flag, [False, True, False, True])
    value, _ = effective_values(samples, "limit")
    np.testing.assert_array_equal(value, [0.4, 0.08, np.nan, 0.02])
    floats = samples.assign(value=[0.4, 0.05, np.nan, 0.02])
    effective_values(floats, "half")
    assert floats["value"].tolist()[:2] == [0.4, 0.05]   # the input is left as it was


def test_invalid_policy_and_empty():
    with pytest.raises(ValueError):
        station_means(_samples(), below_detection="zero")
    empty = station_means(_samples().iloc[:0])
    assert empty.means.empty and empty.counts.empty
    empty = station_means(_samples().iloc[:0], parameters=["tp"])
    assert list(empty.means.columns) == ["tp"] and len(empty.means) == 0


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["A", "B", "C"]),
            st.sampled_from(["nh3n", "tp", "do"]),
            st.floats(0.0, 100.0),
            st.booleans(),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_property_limit_mean_not_below_half_mean(rows):
    df = pd.DataFrame(rows, columns=["station_id", "parameter", "value", "below_detection"])
    half = station_means(df, below_detection="half")
    full = station_means(df, below_detection="limit")
    h, f = half.means.to_numpy(), full.means.to_numpy()
    assert np.array_equal(np.isnan(h), np.isnan(f))
    assert (h[~np.isnan(h)] <= f[~np.isnan(f)] + 1e-12).all()
    assert half.counts.to_numpy().sum() == len(df)
    assert half.below_detection_counts.to_numpy().sum() == int(df["below_detection"].sum())


def test_station_codes_factorised_beforehand_give_the_same_means():
    samples = _samples()
    # factorised with a station of no sample ("0"): it must not become a row
    codes, ids = pd.factorize(pd.concat([pd.Series(["0"]), samples["station_id"]]), sort=True)
    given = station_means(samples, station_codes=(codes[1:], ids))
    for frame, expected in zip(given, station_means(samples)):
        pd.testing.assert_frame_equal(frame, expected, check_exact=True)
