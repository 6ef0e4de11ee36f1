"""Lake trophic state: TLI(Σ) and EI (SPEC §6). Expected numbers are worked by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from health_eval.indicators.trophic import (
    EI_STATES,
    TLI_STATES,
    default_ei_classes,
    default_ei_table,
    ei,
    ei_state,
    tli,
    tli_state,
    tli_weights,
    trophic_state_table,
)
from hypothesis import given, settings
from hypothesis import strategies as st

ln = math.log
R2_SUM = 1 + 0.7056 + 0.6724 + 0.6889 + 0.6889  # 3.7558


# -- TLI(j) written out from SPEC §6.1, independent of the module's constants ----------------
def h_chla(c):
    return 10 * (2.5 + 1.086 * ln(c))


def h_tp(c):
    return 10 * (9.436 + 1.624 * ln(c))


def h_tn(c):
    return 10 * (5.453 + 1.694 * ln(c))


def h_sd(c):
    return 10 * (5.118 - 1.94 * ln(c))


def h_codmn(c):
    return 10 * (0.109 + 2.661 * ln(c))


def one(frame_fn, **values) -> pd.Series:
    """First (only) row of ``frame_fn`` applied to a one-row frame of ``values``."""
    return frame_fn(pd.DataFrame({k: [v] for k, v in values.items()})).iloc[0]


SPEC_CHECK = {"chla": 10.0, "tp": 0.05, "tn": 1.0, "sd": 1.0, "codmn": 4.0}


# ------------------------------------------------------------------------------------- TLI


def test_tli_spec_check():
    row = one(tli, **SPEC_CHECK)
    by_hand = {"chla": h_chla(10), "tp": h_tp(0.05), "tn": h_tn(1.0), "sd": h_sd(1.0),
               "codmn": h_codmn(4)}
    # 50.0061, 45.7093, 54.53, 51.18, 37.9787
    assert by_hand["tn"] == pytest.approx(54.53) and by_hand["sd"] == pytest.approx(51.18)
    for p, v in by_hand.items():
        assert row[f"tli_{p}"] == pytest.approx(v, rel=1e-12)
    total = (by_hand["chla"] * 1 + by_hand["tp"] * 0.7056 + by_hand["tn"] * 0.6724
             + by_hand["sd"] * 0.6889 + by_hand["codmn"] * 0.6889) / R2_SUM
    assert row["tli"] == pytest.approx(total, rel=1e-12)
    assert round(row["tli"], 1) == 48.0
    assert row["n_parameters"] == 5
    assert row["state"] == "中营养"


def test_tli_weights_all_and_without_codmn():
    w5 = tli_weights(["chla", "tp", "tn", "sd", "codmn"])
    assert sum(w5.values()) == pytest.approx(1.0)
    assert w5["chla"] == pytest.approx(1 / R2_SUM)
    w4 = tli_weights(["sd", "tn", "tp", "chla"])
    assert list(w4) == ["chla", "tp", "tn", "sd"]  # canonical order
    assert {k: round(v, 4) for k, v in w4.items()} == {
        "chla": 0.3261, "tp": 0.2301, "tn": 0.2192, "sd": 0.2246}
    assert tli_weights([]) == {}
    assert tli_weights(["tp", "tp"]) == {"tp": 1.0}
    with pytest.raises(ValueError, match="chl_a"):
        tli_weights(["chl_a"])


def test_tli_renormalises_over_present_parameters():
    frame = pd.DataFrame({
        "chla": [10.0, np.nan, 10.0, np.nan],
        "tp": [0.05, 0.05, np.nan, np.nan],
        "tn": [np.nan, 1.0, np.nan, np.nan],
        "sd": [np.nan, np.nan, np.nan, np.nan],
    }, index=["a", "b", "c", "d"])  # codmn absent altogether
    out = tli(frame)
    assert list(out.index) == ["a", "b", "c", "d"]
    assert list(out.columns) == ["tli_chla", "tli_tp", "tli_tn", "tli_sd", "tli_codmn", "tli",
                                 "n_parameters", "state"]
    assert out["tli_codmn"].isna().all() and out["tli_sd"].isna().all()
    a = (h_chla(10) * 1 + h_tp(0.05) * 0.7056) / 1.7056  # 48.2305
    b = (h_tp(0.05) * 0.7056 + h_tn(1.0) * 0.6724) / (0.7056 + 0.6724)  # 49.9125
    assert out.loc["a", "tli"] == pytest.approx(a)
    assert out.loc["b", "tli"] == pytest.approx(b)
    assert out.loc["c", "tli"] == pytest.approx(h_chla(10))  # one parameter: its own TLI
    assert math.isnan(out.loc["d", "tli"]) and pd.isna(out.loc["d", "state"])
    assert out["n_parameters"].tolist() == [2, 2, 1, 0]
    assert out["n_parameters"].dtype == np.int64


def test_tli_non_positive_values_are_nan_without_warning():
    # pytest turns RuntimeWarning (log of 0 or of a negative) into an error
    frame = pd.DataFrame({"chla": [0.0, -1.0, np.inf, 10.0], "tp": [0.05, 0.05, 0.05, 0.0],
                          "tn": pd.array([1.0, None, None, None], dtype="Float64")})
    out = tli(frame)
    assert out["tli_chla"].isna().tolist() == [True, True, True, False]
    assert out["tli_tp"].isna().tolist() == [False, False, False, True]
    assert out.loc[0, "tli"] == pytest.approx((h_tp(0.05) * 0.7056 + h_tn(1.0) * 0.6724)
                                              / (0.7056 + 0.6724))
    assert out.loc[1, "tli"] == pytest.approx(h_tp(0.05))
    assert out.loc[3, "tli"] == pytest.approx(h_chla(10))


def test_tli_empty_and_no_columns():
    out = tli(pd.DataFrame({"x": [1.0, 2.0]}))
    assert out["tli"].isna().all() and out["state"].isna().all()
    assert out["n_parameters"].tolist() == [0, 0]
    assert len(tli(pd.DataFrame({"chla": []}))) == 0


@pytest.mark.parametrize(("value", "state"), [
    (29.999, "贫营养"), (30.0, "中营养"), (30.001, "中营养"),
    (49.999, "中营养"), (50.0, "轻度富营养"), (50.001, "轻度富营养"),
    (59.999, "轻度富营养"), (60.0, "中度富营养"), (60.001, "中度富营养"),
    (69.999, "中度富营养"), (70.0, "重度富营养"), (70.001, "重度富营养"),
    (-5.0, "贫营养"), (120.0, "重度富营养"),
])
def test_tli_state_boundaries_lower_inclusive(value, state):
    assert tli_state(value).iloc[0] == state


def test_tli_state_series_and_nan():
    s = tli_state(pd.Series([np.nan, 45.0], index=["x", "y"]))
    assert list(s.index) == ["x", "y"] and pd.isna(s["x"]) and s["y"] == "中营养"
    assert list(s.cat.categories) == list(TLI_STATES) and s.cat.ordered


@pytest.mark.parametrize(("target", "below", "above"), [
    (30, "贫营养", "中营养"), (50, "中营养", "轻度富营养"),
    (60, "轻度富营养", "中度富营养"), (70, "中度富营养", "重度富营养"),
])
def test_tli_state_either_side_through_tli(target, below, above):
    # chl-a alone: TLI = 10 (2.5 + 1.086 ln chla) = target  ⇔  chla = exp((target/10 − 2.5)/1.086)
    chla = math.exp((target / 10 - 2.5) / 1.086)
    out = tli(pd.DataFrame({"chla": [chla * 0.999, chla * 1.001]}))
    assert out["tli"].iloc[0] < target < out["tli"].iloc[1]
    assert out["state"].tolist() == [below, above]


# -------------------------------------------------------------------------------------- EI


def test_ei_exactly_at_table_rows():
    frame = pd.DataFrame({"tp": [0.05, 0.004, 0.6], "sd": [1.0, 5.0, 0.3],
                          "chla": [10.0, 1.0, 160.0]})  # chl-a in mg/m³: 0.010, 0.001, 0.16 mg/L
    out = ei(frame)
    assert out["ei_tp"].tolist() == [50.0, 20.0, 80.0]
    assert out["ei_sd"].tolist() == [50.0, 20.0, 80.0]
    assert out["ei_chla"].tolist() == pytest.approx([50.0, 20.0, 80.0])
    assert out["ei"].tolist() == pytest.approx([50.0, 20.0, 80.0])


def test_ei_between_table_rows():
    out = ei(pd.DataFrame({"tp": [0.075], "sd": [0.75], "chla": [18.0], "tn": [0.4],
                           "codmn": [9.0]})).iloc[0]
    assert out["ei_tp"] == pytest.approx(50 + (0.075 - 0.05) / (0.10 - 0.05) * 10)  # 55
    assert out["ei_tp"] == pytest.approx(55.0)
    assert out["ei_sd"] == pytest.approx(50 + (1.0 - 0.75) / (1.0 - 0.5) * 10)  # 55 (SD falls)
    assert out["ei_sd"] == pytest.approx(55.0)
    assert out["ei_chla"] == pytest.approx(50 + (0.018 - 0.010) / (0.026 - 0.010) * 10)  # 55
    assert out["ei_tn"] == pytest.approx(40 + (0.4 - 0.3) / (0.5 - 0.3) * 10)  # 45
    assert out["ei_codmn"] == pytest.approx(60 + (9 - 8) / (10 - 8) * 10)  # 65
    assert out["ei"] == pytest.approx((55 + 55 + 55 + 45 + 65) / 5)  # 55
    assert out["n_parameters"] == 5 and out["state"] == "轻度富营养"


def test_ei_clamps_at_table_ends():
    frame = pd.DataFrame({"tp": [0.0001, 5.0, 0.0], "sd": [20.0, 0.05, 0.0],
                          "chla": [0.1, 5000.0, np.nan]})
    out = ei(frame)
    assert out["ei_tp"].tolist() == [10.0, 100.0, 10.0]
    assert out["ei_sd"].tolist() == [10.0, 100.0, 100.0]
    assert out["ei_chla"].tolist()[:2] == [10.0, 100.0]
    assert out["ei"].between(10, 100).all()


def test_ei_mean_over_present_parameters():
    frame = pd.DataFrame({"tp": [0.05, np.nan, np.nan, -0.1], "tn": [1.0, np.nan, 6.0, np.nan],
                          "sd": [np.nan, np.nan, 0.3, np.nan]})
    out = ei(frame)
    assert out["ei"].iloc[0] == pytest.approx((50 + 60) / 2)
    assert math.isnan(out["ei"].iloc[1]) and pd.isna(out["state"].iloc[1])
    assert out["ei"].iloc[2] == pytest.approx(80.0)
    assert math.isnan(out["ei"].iloc[3])  # a negative concentration does not enter
    assert out["n_parameters"].tolist() == [2, 0, 2, 0]
    assert list(out.columns) == ["ei_tp", "ei_tn", "ei_chla", "ei_codmn", "ei_sd", "ei",
                                 "n_parameters", "state"]


def test_ei_spec_check_row():
    row = one(ei, **SPEC_CHECK)  # 50, 60 (TN 1.0), 50, 50, 50
    assert row["ei"] == pytest.approx(52.0) and row["state"] == "轻度富营养"


@pytest.mark.parametrize(("tp", "state"), [
    (0.0039, "贫营养"), (0.004, "贫营养"), (0.0041, "中营养"),  # EI 20
    (0.049, "中营养"), (0.05, "中营养"), (0.051, "轻度富营养"),  # EI 50
    (0.099, "轻度富营养"), (0.10, "轻度富营养"), (0.101, "中度富营养"),  # EI 60
    (0.59, "中度富营养"), (0.60, "中度富营养"), (0.61, "重度富营养"),  # EI 80
])
def test_ei_state_boundaries_upper_inclusive(tp, state):
    assert one(ei, tp=tp)["state"] == state


def test_ei_state_helper():
    s = ei_state([20.0, 20.000001, 80.0, 80.1, np.nan])
    assert s.iloc[:4].tolist() == ["贫营养", "中营养", "中度富营养", "重度富营养"]
    assert pd.isna(s.iloc[4])
    assert list(s.cat.categories) == list(EI_STATES)
    assert ei_state(25.0, {"upper_bounds": [25, 30, 40, 45]}).iloc[0] == "贫营养"
    with pytest.raises(ValueError, match="upper_bounds"):
        ei_state(25.0, {"upper_bounds": [20, 50, 60]})


def test_ei_custom_table_and_classes_are_honoured():
    table = {
        "source": "test", "confidence": "R",  # ignored
        "ei": [0, 100],
        "tp": [0.0, 0.2],
        "tn": [0.0, 2.0],
        "chla": [0.0, 0.1],
        "codmn": [0.0, 20.0],
        "sd": [4.0, 0.0],
    }
    row = one(lambda f: ei(f, table=table), tp=0.05, sd=1.0)
    assert row["ei_tp"] == pytest.approx(25.0)  # 0.05 / 0.2 × 100
    assert row["ei_sd"] == pytest.approx(75.0)  # (4 − 1) / 4 × 100
    assert row["ei"] == pytest.approx(50.0)
    default = one(ei, tp=0.05, sd=1.0)
    assert default["ei_tp"] == 50.0 and default["ei_sd"] == 50.0
    row = one(lambda f: ei(f, table=table, classes={"upper_bounds": [10, 20, 30, 40]}),
              tp=0.05, sd=1.0)
    assert row["state"] == "重度富营养"


def test_ei_malformed_table():
    good = {"ei": [10, 20], "tp": [0.1, 0.2], "tn": [1, 2], "chla": [0.1, 0.2],
            "codmn": [1, 2], "sd": [2, 1]}
    with pytest.raises(ValueError, match="tn"):
        ei(pd.DataFrame({"tp": [0.1]}), table={k: v for k, v in good.items() if k != "tn"})
    with pytest.raises(ValueError, match="monotonic"):
        ei(pd.DataFrame({"tp": [0.1]}), table={**good, "tp": [0.1, 0.1]})
    with pytest.raises(ValueError, match="as long"):
        ei(pd.DataFrame({"tp": [0.1]}), table={**good, "tp": [0.1, 0.2, 0.3]})


# ------------------------------------------------------------------ per-station aggregation


def _two_dates() -> pd.DataFrame:
    rows = [
        # date 1: all five, the SPEC check values
        ("S", "2021-04-15", "chla", 10.0), ("S", "2021-04-15", "tp", 0.05),
        ("S", "2021-04-15", "tn", 1.0), ("S", "2021-04-15", "sd", 1.0),
        ("S", "2021-04-15", "codmn", 4.0),
        # date 2: TN and CODMn not measured
        ("S", "2021-08-15", "chla", 40.0), ("S", "2021-08-15", "tp", 0.2),
        ("S", "2021-08-15", "sd", 0.5),
        # another station, one date, and a parameter that is not a trophic code
        ("R", "2021-06-01", "tp", 0.05), ("R", "2021-06-01", "do", 8.0),
    ]
    df = pd.DataFrame(rows, columns=["station_id", "date", "parameter", "value"])
    df["date"] = pd.to_datetime(df["date"])
    return df


def test_table_ei_both_aggregations():
    samples = _two_dates()
    means = trophic_state_table(samples, method="ei", aggregation="means")
    per_date = trophic_state_table(samples, method="ei", aggregation="samples")
    # means: chla 25 mg/m³ = 0.025 mg/L, TP 0.125, TN 1.0, SD 0.75, CODMn 4
    m = ((50 + (0.025 - 0.010) / (0.026 - 0.010) * 10)  # 59.375
         + (60 + (0.125 - 0.10) / (0.20 - 0.10) * 10)  # 62.5
         + 60 + 55 + 50) / 5  # 57.375
    # per date: (50 + 60 + 50 + 50 + 50)/5 = 52; (63.684 + 70 + 60)/3 = 64.561
    d1 = 52.0
    d2 = ((60 + (0.040 - 0.026) / (0.064 - 0.026) * 10) + 70 + 60) / 3
    assert m == pytest.approx(57.375)
    assert list(means.index) == ["R", "S"] and means.index.name == "station_id"
    assert means.loc["S", "index"] == pytest.approx(m)
    assert per_date.loc["S", "index"] == pytest.approx((d1 + d2) / 2)  # 58.2807
    assert per_date.loc["S", "index"] == pytest.approx(58.2807, abs=1e-4)
    assert means.loc["S", "state"] == "轻度富营养" and per_date.loc["S", "state"] == "轻度富营养"
    for t in (means, per_date):
        assert t.loc["S", "n_samples"] == 2 and t.loc["R", "n_samples"] == 1
        assert t.loc["R", "index"] == pytest.approx(50.0) and t.loc["R", "state"] == "中营养"
        # explanation columns are those of the means variant, whatever the aggregation
        assert t.loc["S", "chla"] == pytest.approx(25.0) and t.loc["S", "sd"] == pytest.approx(0.75)
        assert t.loc["S", "ei_tp"] == pytest.approx(62.5)
        assert t.loc["S", "n_parameters"] == 5
    assert {"index", "state", "n_samples", "chla", "tp", "tn", "codmn", "sd", "ei_tp", "ei_tn",
            "ei_chla", "ei_codmn", "ei_sd"} <= set(means.columns)


def test_table_tli_both_aggregations():
    samples = _two_dates()
    means = trophic_state_table(samples, method="tli", aggregation="means")
    per_date = trophic_state_table(samples, method="tli", aggregation="samples")
    m = (h_chla(25) * 1 + h_tp(0.125) * 0.7056 + h_tn(1.0) * 0.6724 + h_sd(0.75) * 0.6889
         + h_codmn(4.0) * 0.6889) / R2_SUM  # 53.4786
    d1 = (h_chla(10) * 1 + h_tp(0.05) * 0.7056 + h_tn(1.0) * 0.6724 + h_sd(1.0) * 0.6889
          + h_codmn(4.0) * 0.6889) / R2_SUM  # 48.0181
    d2 = (h_chla(40) * 1 + h_tp(0.2) * 0.7056 + h_sd(0.5) * 0.6889) / (1 + 0.7056 + 0.6889)
    assert means.loc["S", "index"] == pytest.approx(m)
    assert per_date.loc["S", "index"] == pytest.approx((d1 + d2) / 2)
    assert abs(means.loc["S", "index"] - per_date.loc["S", "index"]) > 0.5
    assert means.loc["S", "tli_chla"] == pytest.approx(h_chla(25))
    assert per_date.loc["S", "tli_sd"] == pytest.approx(h_sd(0.75))
    assert means.loc["R", "index"] == pytest.approx(h_tp(0.05))


def test_table_replicates_on_one_date_are_averaged():
    samples = pd.DataFrame({"station_id": ["A", "A", "A"],
                            "date": pd.to_datetime(["2021-05-01"] * 3),
                            "parameter": ["tp", "tp", "sd"], "value": [0.05, 0.10, 1.0]})
    t = trophic_state_table(samples, method="ei", aggregation="samples")
    assert t.loc["A", "n_samples"] == 1
    assert t.loc["A", "index"] == pytest.approx((55 + 50) / 2)


def test_table_custom_ei_table_is_used():
    table = {"ei": [0, 100], "tp": [0.0, 0.2], "tn": [0.0, 2.0], "chla": [0.0, 0.1],
             "codmn": [0.0, 20.0], "sd": [4.0, 0.0]}
    samples = _two_dates()
    samples = samples[samples["station_id"] == "R"]
    t = trophic_state_table(samples, method="ei", aggregation="means", table=table,
                            classes={"upper_bounds": [10, 20, 30, 40]})
    assert t.loc["R", "index"] == pytest.approx(25.0) and t.loc["R", "state"] == "轻度富营养"


def test_table_bad_options():
    with pytest.raises(ValueError, match="method.*'eii'"):
        trophic_state_table(_two_dates(), method="eii", aggregation="means")
    with pytest.raises(ValueError, match="aggregation.*'median'"):
        trophic_state_table(_two_dates(), method="tli", aggregation="median")


def test_table_empty():
    empty = _two_dates().iloc[:0]
    for method in ("ei", "tli"):
        for aggregation in ("means", "samples"):
            t = trophic_state_table(empty, method=method, aggregation=aggregation)
            assert len(t) == 0 and {"index", "state", "n_samples"} <= set(t.columns)


# ---------------------------------------------------------------------------- properties

DEFAULT_TABLE, DEFAULT_CLASSES = default_ei_table(), default_ei_classes()  # read the YAML once
positive = st.floats(min_value=1e-4, max_value=1e3, allow_nan=False, allow_infinity=False)
maybe = st.one_of(st.just(float("nan")), positive)


@settings(max_examples=200, deadline=None)
@given(tp=st.lists(positive, min_size=2, max_size=2), chla=maybe, tn=maybe, sd=maybe,
       codmn=maybe)
def test_more_tp_never_lowers_tli_or_ei(tp, chla, tn, sd, codmn):
    lo, hi = sorted(tp)
    frame = pd.DataFrame({"tp": [lo, hi], "chla": chla, "tn": tn, "sd": sd, "codmn": codmn})
    t, e = tli(frame)["tli"], ei(frame, DEFAULT_TABLE, DEFAULT_CLASSES)["ei"]
    assert t.iloc[1] >= t.iloc[0] - 1e-9
    assert e.iloc[1] >= e.iloc[0] - 1e-9
    assert 10 <= e.iloc[0] <= 100
