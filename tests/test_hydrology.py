"""Water-quantity methods (SPEC §4.2): flow deviation, ecological flow, the minimum ecological
water level ladder, coverage and shares of days. Expected numbers worked by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from health_eval.indicators.hydrology import (
    _distinct_per_code,
    daily_coverage,
    days_meeting_share,
    distinct_per_key,
    eco_flow_ratios,
    eco_flow_table,
    flow_deviation,
    min_eco_level_window,
    min_level_ladder,
    monthly_flow_table,
)
from hypothesis import given, settings
from hypothesis import strategies as st

DRY = [10, 11, 12, 1, 2, 3]  # SPEC §4.2 EF1 period (the profile passes it)
WET = [4, 5, 6, 7, 8, 9]  # EF2 period
WINDOWS = [1, 3, 7, 14, 30]  # SPEC §4.2 ladder windows (the profile passes them)

# SPEC §4.2 worked example
Q_MEASURED = (10, 12, 15, 30, 60, 80, 90, 70, 40, 25, 15, 12)
Q_NATURAL = (12, 14, 18, 35, 70, 100, 110, 90, 50, 30, 18, 14)
# Q̄ = (12+14+18+35+70+100+110+90+50+30+18+14) / 12 = 561 / 12 = 46.75
# q − Q = −2, −2, −3, −5, −10, −20, −20, −20, −10, −5, −3, −2
# Σ (q − Q)² = 4+4+9+25+100+400+400+400+100+25+9+4 = 1480
FD_EXAMPLE = math.sqrt(1480) / 46.75  # = 38.4708 / 46.75 = 0.82291


# --------------------------------------------------------------------------------------------
# flow deviation


def test_flow_deviation_worked_example():
    assert sum(Q_NATURAL) / 12 == 46.75
    fd = flow_deviation(Q_MEASURED, Q_NATURAL)
    assert isinstance(fd, float)
    assert fd == pytest.approx(FD_EXAMPLE, rel=1e-12)
    assert round(fd, 4) == 0.8229
    # profile curve (SPEC §4.2) between 0.3→50 and 1.5→25: 50 − (0.8229 − 0.3)/1.2 × 25 = 39.11
    curve_x, curve_y = [0.05, 0.1, 0.3, 1.5, 3.5, 5], [100, 75, 50, 25, 10, 0]
    assert round(float(np.interp(fd, curve_x, curve_y)), 2) == 39.11
    assert 50 - (fd - 0.3) / 1.2 * 25 == pytest.approx(39.11, abs=0.005)


def test_flow_deviation_accepts_arrays_and_series():
    fd = flow_deviation(np.array(Q_MEASURED, dtype=float), pd.Series(Q_NATURAL))
    assert fd == pytest.approx(FD_EXAMPLE)


def test_flow_deviation_frame_equals_row_floats():
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    measured = pd.DataFrame([Q_MEASURED, [5.0] * 12], index=["W1", "W2"], columns=months)
    natural = pd.DataFrame([Q_NATURAL, [10.0] * 12], index=["W1", "W2"], columns=months)
    fd = flow_deviation(measured, natural)
    assert isinstance(fd, pd.Series) and list(fd.index) == ["W1", "W2"]
    # W2: Q̄ = 10, every month ((5 − 10)/10)² = 0.25, Σ = 12 × 0.25 = 3 → FD = √3
    assert fd["W2"] == pytest.approx(math.sqrt(3))
    for wb in ("W1", "W2"):
        assert fd[wb] == pytest.approx(flow_deviation(measured.loc[wb], natural.loc[wb]))
    assert fd["W1"] == pytest.approx(FD_EXAMPLE)


def test_flow_deviation_nan_when_a_month_is_missing_or_mean_not_positive():
    q = list(Q_MEASURED)
    q[4] = np.nan
    assert math.isnan(flow_deviation(q, Q_NATURAL))
    nat = list(Q_NATURAL)
    nat[11] = None
    assert math.isnan(flow_deviation(Q_MEASURED, nat))
    assert math.isnan(flow_deviation([1.0] * 12, [0.0] * 12))  # Q̄ = 0
    frame_q = pd.DataFrame([Q_MEASURED, q], index=["ok", "gap"])
    frame_n = pd.DataFrame([Q_NATURAL, Q_NATURAL], index=["ok", "gap"])
    fd = flow_deviation(frame_q, frame_n)
    assert fd["ok"] == pytest.approx(FD_EXAMPLE) and math.isnan(fd["gap"])


def test_flow_deviation_rejects_wrong_shapes():
    with pytest.raises(ValueError):
        flow_deviation(Q_MEASURED[:11], Q_NATURAL[:11])
    with pytest.raises(ValueError):
        flow_deviation(pd.DataFrame([Q_MEASURED]), Q_NATURAL)
    with pytest.raises(ValueError):
        flow_deviation(pd.DataFrame([Q_MEASURED], index=["a"]),
                       pd.DataFrame([Q_NATURAL], index=["b"]))


def _monthly(wb: str, measured, natural, year: int = 2021) -> pd.DataFrame:
    return pd.DataFrame({"water_body_id": wb, "year": year, "month": range(1, 13),
                         "measured_m3s": measured, "natural_m3s": natural})


def test_monthly_flow_table():
    w1 = _monthly("W1", Q_MEASURED, Q_NATURAL)
    w2 = _monthly("W2", Q_MEASURED, Q_NATURAL).iloc[[m for m in range(12) if m != 4]]  # no May
    nat3 = [float(v) for v in Q_NATURAL]
    nat3[2] = np.nan  # March natural flow missing
    w3 = _monthly("W3", Q_MEASURED, nat3)
    w4 = _monthly("W4", [5.0] * 12, [10.0] * 12)
    monthly = pd.concat([w4, w3, w1, w2]).sample(frac=1.0, random_state=3)  # order is free
    table = monthly_flow_table(monthly)
    assert list(table.index) == ["W1", "W2", "W3", "W4"]
    assert table.index.name == "water_body_id"
    assert table.loc["W1", "fd"] == pytest.approx(FD_EXAMPLE)
    assert table.loc["W1", "q_mean_natural"] == pytest.approx(46.75)
    assert table["months"].tolist() == [12, 11, 11, 12]
    assert math.isnan(table.loc["W2", "fd"]) and math.isnan(table.loc["W3", "fd"])
    assert math.isnan(table.loc["W3", "q_mean_natural"])
    assert table.loc["W4", "fd"] == pytest.approx(math.sqrt(3))
    assert table.loc["W4", "q_mean_natural"] == pytest.approx(10.0)


def test_monthly_flow_table_rejects_two_years_and_bad_months():
    twice = pd.concat([_monthly("W1", Q_MEASURED, Q_NATURAL, 2020),
                       _monthly("W1", Q_MEASURED, Q_NATURAL, 2021)])
    with pytest.raises(ValueError, match="several rows"):
        monthly_flow_table(twice)
    bad = _monthly("W1", Q_MEASURED, Q_NATURAL)
    bad.loc[0, "month"] = 13
    with pytest.raises(ValueError, match="1–12"):
        monthly_flow_table(bad)


# --------------------------------------------------------------------------------------------
# coverage and shares of days


def test_daily_coverage_leap_year_gaps_and_rows_outside():
    days = pd.date_range("2020-01-01", "2020-12-31", freq="D")
    assert len(days) == 366  # 2020 is a leap year
    kept = days[(days < "2020-03-01") | (days > "2020-03-29")]  # 29 days of March missing
    a = pd.DataFrame({"station_id": "A", "date": kept, "flow_m3s": 1.0})
    a.loc[a["date"] == "2020-06-01", "flow_m3s"] = np.nan  # a row without a value
    extra = pd.DataFrame({
        "station_id": ["A", "A", "A", "X"],
        "date": pd.to_datetime(["2020-02-29", "2019-12-31", "2021-01-01", "2020-05-05"]),
        "flow_m3s": [2.0, 1.0, np.nan, 1.0],  # leap day twice; two rows outside; unknown X
    })
    b = pd.DataFrame({"station_id": ["B"], "date": pd.to_datetime(["2020-07-01"]),
                      "flow_m3s": [3.0]})  # B evaluates 2021: its only row is outside
    daily = pd.concat([a, extra, b], ignore_index=True)
    year = pd.Series({"A": 2020, "B": 2021, "C": 2100})
    cov = daily_coverage(daily, year, "flow_m3s")
    assert list(cov.index) == ["A", "B", "C"] and cov.index.name == "station_id"
    # A: 366 − 29 (March gap) − 1 (NaN on 2020-06-01) = 336; the leap day counts once
    assert cov.loc["A"].to_dict() == {"days_in_year": 366, "days_with_data": 336,
                                      "days_missing": 30, "coverage": 336 / 366,
                                      "rows_outside_year": 2}
    assert cov.loc["B", "days_in_year"] == 365 and cov.loc["B", "days_with_data"] == 0
    assert cov.loc["B", "coverage"] == 0.0 and cov.loc["B", "rows_outside_year"] == 1
    assert cov.loc["C", "days_in_year"] == 365  # 2100 is not a leap year (÷100, not ÷400)
    assert cov.loc["C", "rows_outside_year"] == 0


def test_days_meeting_share():
    frame = pd.DataFrame({
        "intake_id": ["I1"] * 5 + ["I2"] * 2 + ["I3"],
        "supply": [5.0, 3.0, np.nan, 4.0, 6.0, 1.0, 2.0, np.nan],
        "demand": [4.0, 4.0, 4.0, 4.0, 4.0, 4.0, np.nan, 4.0],
    })
    table = days_meeting_share(frame, "intake_id", "supply", "demand")
    assert list(table.index) == ["I1", "I2", "I3"]
    # I1: 4 days with a value (NaN not counted); 5 ≥ 4, 4 ≥ 4 (equal meets), 6 ≥ 4 → 3 / 4
    assert table.loc["I1", ["days", "days_meeting"]].tolist() == [4, 3]
    assert table.loc["I1", "share"] == pytest.approx(0.75)
    # I2: the day without a threshold cannot be judged → 1 day, 1 < 4 → 0 / 1
    assert table.loc["I2", ["days", "days_meeting", "share"]].tolist() == [1, 0, 0.0]
    assert table.loc["I3", "days"] == 0 and math.isnan(table.loc["I3", "share"])


# --------------------------------------------------------------------------------------------
# ecological flow


def _flow_year(station: str, low: dict[str, float], base: float = 10.0,
               year: int = 2021) -> pd.DataFrame:
    days = pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="D")
    flow = pd.Series(base, index=days)
    for day, value in low.items():
        flow[day] = value
    return pd.DataFrame({"station_id": station, "date": days, "flow_m3s": flow.to_numpy()})


def test_eco_flow_constructed_year():
    # constant 10 m³/s; dry-season minimum 2.0 on 2021-02-10, wet-season minimum 4.0 on 07-01
    a = _flow_year("A", {"2021-02-10": 2.0, "2021-07-01": 4.0})
    table = eco_flow_table(a, pd.Series({"A": 10.0}), dry_months=DRY, wet_months=WET)
    row = table.loc["A"]
    assert row["ef1"] == pytest.approx(2.0 / 10.0)  # 0.2 = 20 %
    assert row["ef2"] == pytest.approx(4.0 / 10.0)  # 0.4 = 40 %
    assert row["ef1_min_flow"] == 2.0 and row["ef2_min_flow"] == 4.0
    assert row["ef1_date"] == pd.Timestamp("2021-02-10")
    assert row["ef2_date"] == pd.Timestamp("2021-07-01")
    # Oct–Mar 2021: 31+28+31 + 31+30+31 = 182 days; Apr–Sep: 30+31+30+31+31+30 = 183
    assert (row["ef1_days"], row["ef2_days"]) == (182, 183)
    series = a.set_index("date")["flow_m3s"]
    assert eco_flow_ratios(series, 10.0) == pytest.approx((0.2, 0.4))


def test_eco_flow_several_stations_ties_and_missing():
    b = _flow_year("B", {"2021-11-20": 2.0, "2021-01-05": 2.0})  # tie: first date wins
    b = b.iloc[::-1]  # rows in any order
    c = _flow_year("C", {}).query("date.dt.month <= 3")  # no wet-season data
    d = _flow_year("D", {})  # no mean flow
    e = _flow_year("E", {})  # mean flow 0
    daily = pd.concat([b, c, d, e], ignore_index=True)
    mean_flow = pd.Series({"B": 8.0, "C": 20.0, "E": 0.0, "F": 5.0})
    table = eco_flow_table(daily, mean_flow, dry_months=DRY, wet_months=WET)
    assert list(table.index) == ["B", "C", "D", "E", "F"]
    assert table.loc["B", "ef1"] == pytest.approx(2.0 / 8.0)  # 0.25
    assert table.loc["B", "ef1_date"] == pd.Timestamp("2021-01-05")
    assert table.loc["B", "ef2"] == pytest.approx(10.0 / 8.0)
    assert table.loc["B", "ef2_date"] == pd.Timestamp("2021-04-01")  # constant: first day
    assert table.loc["C", "ef1"] == pytest.approx(10.0 / 20.0)
    assert table.loc["C", "ef1_days"] == 31 + 28 + 31  # Jan–Mar only
    assert math.isnan(table.loc["C", "ef2"]) and table.loc["C", "ef2_days"] == 0
    assert pd.isna(table.loc["C", "ef2_date"])
    assert math.isnan(table.loc["D", "ef1"]) and table.loc["D", "ef1_min_flow"] == 10.0
    assert math.isnan(table.loc["E", "ef1"]) and math.isnan(table.loc["E", "ef2"])
    assert table.loc["F", ["ef1_days", "ef2_days"]].tolist() == [0, 0]
    # one code path: the wrapper gives the table's numbers
    series = b.set_index("date")["flow_m3s"]
    ef1, ef2 = eco_flow_ratios(series, 8.0, dry_months=DRY, wet_months=WET)
    assert (ef1, ef2) == (table.loc["B", "ef1"], table.loc["B", "ef2"])


def test_eco_flow_months_are_arguments():
    a = _flow_year("A", {"2021-02-10": 2.0, "2021-07-01": 4.0, "2021-11-01": 1.0})
    # dry season Dec–Feb only: November's 1.0 is outside it
    table = eco_flow_table(a, pd.Series({"A": 10.0}), dry_months=[12, 1, 2], wet_months=[7])
    assert table.loc["A", "ef1"] == pytest.approx(0.2)
    assert table.loc["A", "ef1_days"] == 31 + 31 + 28
    assert table.loc["A", "ef2"] == pytest.approx(0.4) and table.loc["A", "ef2_days"] == 31
    with pytest.raises(ValueError):
        eco_flow_table(a, pd.Series({"A": 10.0}), dry_months=[0], wet_months=[7])


# --------------------------------------------------------------------------------------------
# minimum ecological water level ladder
#
# Minimum ecological level 10.0 m; the base level 11.0 m is 1 m above it. Below, "dev" is
# level − minimum: +1 on ordinary days, −1 (level 9.0) on the days of a dip.

MINIMUM = 10.0


def _level_year(dips: dict[int, float], year: int = 2021, base: float = 11.0,
                missing: tuple[int, ...] = ()) -> pd.Series:
    """A year of daily levels: ``base`` except day-of-year offsets ``dips`` (0 = 1 Jan)."""
    days = pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="D")
    level = np.full(len(days), base)
    for i, value in dips.items():
        level[i] = value
    keep = np.ones(len(days), dtype=bool)
    keep[list(missing)] = False
    return pd.Series(level[keep], index=days[keep])


def _dip(n: int, level: float = 9.0, start: int = 100) -> dict[int, float]:
    return {start + i: level for i in range(n)}


def _frame(station: str, series: pd.Series) -> pd.DataFrame:
    return pd.DataFrame({"station_id": station, "date": series.index, "level_m": series.values})


# station → (series, expected window); every case worked by hand in its comment
LADDER_CASES = {
    # all days at 11.0 ≥ 10.0 → 0
    "all_above": (_level_year({}), 0),
    # all days exactly at the minimum: at the level meets → 0
    "at_level": (_level_year({}, base=10.0), 0),
    # one day at 9.5 (dev −1.5) between days at +1: 3-day mean (1 − 1.5 + 1)/3 = +0.167 ≥ 0 → 1
    "one_day": (_level_year({100: 9.5}), 1),
    # three days at −1: 3-day mean −1 < 0; best 7-day window (−3 + 4×1)/7 = +1/7 ≥ 0 → 3
    "three_days": (_level_year(_dip(3)), 3),
    # seven days at −1: 7-day mean −1; best 14-day window (−7 + 7)/14 = 0, at the level → 7
    "seven_days": (_level_year(_dip(7)), 7),
    # fourteen days at −1: 14-day mean −1; best 30-day window (−14 + 16)/30 = +0.067 → 14
    "fourteen_days": (_level_year(_dip(14)), 14),
    # thirty-one days at −1: 30-day mean −1 → 30
    "thirty_days": (_level_year(_dip(31)), 30),
    # dev −2, +1, +1, −2, +1, +1, −2: every 3-day mean is (−2 + 1 + 1)/3 = 0 (meets), yet the
    # 7-day mean (−6 + 4)/7 = −2/7 < 0 → 7 (the longest failing window, not a monotone ladder)
    "seven_not_three": (_level_year({100: 8.0, 103: 8.0, 106: 8.0}), 7),
}


@pytest.mark.parametrize("case", list(LADDER_CASES))
def test_ladder_rungs(case):
    series, expected = LADDER_CASES[case]
    assert min_eco_level_window(series, MINIMUM, windows=WINDOWS) == expected


def test_ladder_details():
    table = min_level_ladder(_frame("S", _level_year(_dip(3))), pd.Series({"S": MINIMUM}),
                             windows=WINDOWS)
    row = table.loc["S"]
    assert row["window"] == 3
    assert row["days_below"] == 3
    assert row["lowest_level_m"] == 9.0
    assert row["first_date_below"] == pd.Timestamp("2021-01-01") + pd.Timedelta(days=100)
    assert [row[f"below_{w}d"] for w in WINDOWS] == [True, True, False, False, False]
    above = min_level_ladder(_frame("S", _level_year({})), pd.Series({"S": MINIMUM}),
                             windows=WINDOWS).loc["S"]
    assert above["days_below"] == 0 and pd.isna(above["first_date_below"])
    assert not any(above[f"below_{w}d"] for w in WINDOWS)
    # seven_not_three: 1-day and 7-day fail, 3-day does not
    s = LADDER_CASES["seven_not_three"][0]
    row = min_level_ladder(_frame("S", s), pd.Series({"S": MINIMUM}), windows=WINDOWS).loc["S"]
    assert [row[f"below_{w}d"] for w in WINDOWS] == [True, False, True, False, False]


def test_ladder_gap_does_not_create_below():
    # a 60-day gap in an otherwise high year: nothing below
    gap = _level_year({}, missing=tuple(range(150, 210)))
    table = min_level_ladder(_frame("G", gap), pd.Series({"G": MINIMUM}), windows=WINDOWS)
    assert table.loc["G", "window"] == 0 and table.loc["G", "days_below"] == 0
    # days 100 and 102 at −1 with day 101 missing: every 3-day window holding both holds the
    # gap (no mean); windows around one of them: (1 + 1 − 1)/3 = +1/3 ≥ 0 → only 1-day fails
    holed = _level_year({100: 9.0, 102: 9.0}, missing=(101,))
    assert min_eco_level_window(holed, MINIMUM, windows=WINDOWS) == 1
    # the same with day 101 present at −1: 3-day mean −1 < 0; 7-day (−3 + 4)/7 ≥ 0 → 3
    filled = _level_year(_dip(3))
    assert min_eco_level_window(filled, MINIMUM, windows=WINDOWS) == 3


def test_ladder_several_stations_equal_one_by_one():
    frames = [_frame(name, series) for name, (series, _) in LADDER_CASES.items()]
    leap = _level_year(_dip(7, start=55), year=2020)  # 2020: the dip spans 29 February
    frames.append(_frame("leap", leap))
    levels = pd.concat(frames, ignore_index=True).sample(frac=1.0, random_state=7)
    levels["station_id"] = levels["station_id"].astype("string")
    minimum = pd.Series({name: MINIMUM for name in [*LADDER_CASES, "leap"]})
    table = min_level_ladder(levels, minimum.iloc[::-1], windows=WINDOWS)
    assert sorted(table.index) == sorted(minimum.index)
    for name, (series, expected) in LADDER_CASES.items():
        one = min_level_ladder(_frame(name, series), minimum[[name]], windows=WINDOWS)
        pd.testing.assert_series_equal(table.loc[name], one.loc[name])
        assert table.loc[name, "window"] == expected
    assert table.loc["leap", "window"] == 7
    assert table.loc["leap", "first_date_below"] == pd.Timestamp("2020-02-25")  # day 55


def test_ladder_missing_data_or_minimum():
    levels = _frame("A", _level_year({}))
    table = min_level_ladder(levels, pd.Series({"A": np.nan, "B": MINIMUM}), windows=WINDOWS)
    assert math.isnan(table.loc["A", "window"])  # no minimum: not evaluable
    assert math.isnan(table.loc["B", "window"]) and table.loc["B", "days_below"] == 0
    with pytest.raises(ValueError):
        min_eco_level_window(_level_year({}), np.nan, windows=WINDOWS)
    empty = min_level_ladder(levels.iloc[:0], pd.Series({"B": MINIMUM}), windows=WINDOWS)
    assert list(empty.index) == ["B"] and math.isnan(empty.loc["B", "window"])
    assert min_level_ladder(levels.iloc[:0], pd.Series(dtype=float), windows=WINDOWS).empty
    with pytest.raises(ValueError):
        min_level_ladder(levels, pd.Series({"A": MINIMUM}), windows=[3, 1])


def test_ladder_windows_are_arguments():
    series = _level_year(_dip(3))
    # 6-day: best (−3 + 3)/6 = 0, at the level; 2-day: (−1 − 1)/2 < 0
    assert min_eco_level_window(series, MINIMUM, windows=[1, 2, 6]) == 2
    assert min_eco_level_window(series, MINIMUM, windows=[2, 4]) == 4  # 4-day: (−3+1)/4 < 0


# hypothesis: short series on a centimetre grid, with gaps


@st.composite
def _level_series(draw):
    n = draw(st.integers(1, 70))
    cm = draw(st.lists(st.integers(-40, 40), min_size=n, max_size=n))
    present = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    start = draw(st.dates(min_value=pd.Timestamp("2019-01-01").date(),
                          max_value=pd.Timestamp("2022-12-01").date()))
    days = pd.date_range(start, periods=n, freq="D")
    return np.array(cm), np.array(present), days


def _reference_window(cm: np.ndarray, present: np.ndarray, windows) -> int:
    """Oracle: per window, integer rolling sums of the centimetre deviations (exact)."""
    dev = pd.Series(np.where(present, cm, np.nan))
    longest = 0
    for w in windows:
        sums = dev.rolling(w, min_periods=w).sum()
        if (sums < 0).any():
            longest = w
    return longest


@settings(max_examples=150, deadline=None)
@given(_level_series(), st.integers(0, 60))
def test_ladder_properties(data, drop_cm):
    cm, present, days = data
    if not present.any():
        present = present.copy()
        present[0] = True
    level = MINIMUM + cm / 100.0
    series = pd.Series(level[present], index=days[present])
    lowered = series - drop_cm / 100.0
    both = pd.concat([_frame("orig", series), _frame("low", lowered)], ignore_index=True)
    table = min_level_ladder(both, pd.Series({"orig": MINIMUM, "low": MINIMUM}),
                             windows=WINDOWS)
    w_orig, w_low = table.loc["orig", "window"], table.loc["low", "window"]
    assert w_orig in {0, *WINDOWS} and w_low in {0, *WINDOWS}
    assert w_low >= w_orig  # lowering every level never gives a smaller window
    assert w_orig == _reference_window(cm, present, WINDOWS)
    for name in ("orig", "low"):
        row = table.loc[name]
        # any failing w-day mean needs a failing day; 14 = 2 × 7, so a failing 14-day mean
        # holds a failing 7-day mean (3 and 7 are not nested: see seven_not_three)
        assert (row["window"] > 0) == row["below_1d"] == (row["days_below"] > 0)
        if row["below_14d"]:
            assert row["below_7d"]
        assert row["window"] == max([0] + [w for w in WINDOWS if row[f"below_{w}d"]])


def test_distinct_per_key_counts_each_stamp_once():
    keys = pd.Series(["B", "A", "B", None, "B", "Z", "A"], dtype="string[pyarrow]")
    stamps = pd.to_datetime(["2021-01-02", "2021-01-02", "2021-01-02", "2021-01-03",
                             "2021-01-05", "2021-01-01", "2021-01-09"]).to_numpy()
    # A: 01-02 and 01-09; B: 01-02 twice and 01-05; C none; Z and the missing key not counted
    counts = distinct_per_key(keys, stamps, pd.Index(["A", "B", "C"], dtype=object))
    assert counts.tolist() == [2, 2, 0]
    assert counts.dtype == np.int64


@pytest.mark.parametrize("codes", [3, 2000])   # a small (code × day) table, and a large one
def test_distinct_per_code_counts_each_days_once_per_code(codes):
    code = np.array([0, 2, 0, 0, 2, 2])
    day = np.array([10, 10, 11, 10, 12, 12])
    # code 0: days 10, 11 (10 twice); code 1: none; code 2: days 10, 12
    expected = [2, 0, 2] + [0] * (codes - 3)
    assert _distinct_per_code(code, day, codes).tolist() == expected
