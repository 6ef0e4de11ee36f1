"""GB 3838-2002 classification (SPEC §4.3, §5). Expected numbers are worked by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from health_eval.indicators import gb3838
from health_eval.indicators.gb3838 import (
    CLASS_LABELS,
    class_position,
    classify,
    evaluated_parameters,
    limits,
)
from hypothesis import given, settings
from hypothesis import strategies as st

ALL_CODES = ["ph", "do", "codmn", "cod", "bod5", "nh3n", "tp", "tn", "cu", "zn", "fluoride",
             "se", "as", "hg", "cd", "cr6", "pb", "cyanide", "volatile_phenol", "petroleum",
             "las", "sulfide", "fecal_coliform"]


def p_of(code: str, value: float, kind: str = "river", **kw) -> float:
    return float(class_position(pd.DataFrame({code: [value]}), kind, **kw).iloc[0, 0])


def class_of(code: str, value: float, kind: str = "river") -> int:
    return int(classify(pd.DataFrame({code: [value]}), kind)["wq_class"].iloc[0])


# --------------------------------------------------------------------------- limits table


def test_limits_table_shape_and_codes():
    lim = limits()
    assert list(lim.index) == ALL_CODES
    assert {1, 2, 3, 4, 5, "direction", "low", "high", "unit", "name_zh"} <= set(lim.columns)
    for k in range(1, 6):
        assert lim[k].dtype == float


def test_limits_tp_river_vs_lake():
    assert limits("river").loc["tp", [1, 2, 3, 4, 5]].tolist() == [0.02, 0.1, 0.2, 0.3, 0.4]
    assert limits("lake").loc["tp", [1, 2, 3, 4, 5]].tolist() == [0.01, 0.025, 0.05, 0.1, 0.2]
    assert limits("reservoir").loc["tp", [1, 2, 3, 4, 5]].tolist() == [
        0.01, 0.025, 0.05, 0.1, 0.2
    ]
    # TN is listed for every kind.
    assert limits("river").loc["tn", [1, 2, 3, 4, 5]].tolist() == [0.2, 0.5, 1.0, 1.5, 2.0]


def test_limits_directions_and_spot_values():
    lim = limits()
    assert lim.loc["do", "direction"] == "lower"
    assert lim.loc["do", [1, 2, 3, 4, 5]].tolist() == [7.5, 6.0, 5.0, 3.0, 2.0]
    assert lim.loc["ph", "direction"] == "range"
    assert (lim.loc["ph", "low"], lim.loc["ph", "high"]) == (6.0, 9.0)
    assert lim.loc["nh3n", "direction"] == "upper"
    assert lim.loc["cod", [1, 2]].tolist() == [15.0, 15.0]
    assert lim.loc["hg", 3] == 0.0001
    assert lim.loc["fecal_coliform", 5] == 40000.0
    assert (lim.drop(index="ph")["direction"] != "range").all()


def test_limits_invalid_kind_and_copy():
    with pytest.raises(ValueError):
        limits("sea")
    lim = limits()
    lim.loc["nh3n", 3] = 99.0
    assert limits().loc["nh3n", 3] == 1.0


def test_evaluated_parameters():
    river = evaluated_parameters("river")
    lake = evaluated_parameters("lake")
    assert "tn" not in river and "fecal_coliform" not in river and "wt" not in river
    assert "tn" in lake and "fecal_coliform" not in lake
    assert evaluated_parameters("reservoir") == lake
    assert len(river) == 21 and len(lake) == 22
    assert river[:3] == ("ph", "do", "codmn")
    with pytest.raises(ValueError):
        evaluated_parameters("pond")


def test_class_labels():
    assert CLASS_LABELS == {1: "Ⅰ", 2: "Ⅱ", 3: "Ⅲ", 4: "Ⅳ", 5: "Ⅴ", 6: "劣Ⅴ"}


# --------------------------------------------------------------------------- class position


@pytest.mark.parametrize(
    ("code", "value", "kind", "p", "cls"),
    [
        # exactly at a limit meets it
        ("nh3n", 0.15, "river", 1.0, 1),
        ("nh3n", 0.5, "river", 2.0, 2),
        ("nh3n", 1.0, "river", 3.0, 3),
        ("nh3n", 1.5, "river", 4.0, 4),
        ("nh3n", 2.0, "river", 5.0, 5),
        ("do", 7.5, "river", 1.0, 1),
        ("do", 6.0, "river", 2.0, 2),
        ("do", 5.0, "river", 3.0, 3),
        ("do", 3.0, "river", 4.0, 4),
        ("do", 2.0, "river", 5.0, 5),
        # inside bands
        ("nh3n", 0.1, "river", 1.0, 1),
        ("nh3n", 1.25, "river", 3.5, 4),  # 3 + (1.25-1.0)/(1.5-1.0)
        ("do", 5.5, "river", 2.5, 3),  # 2 + (6-5.5)/(6-5)
        ("do", 9.0, "river", 1.0, 1),
        ("codmn", 5.0, "river", 2.5, 3),  # 2 + (5-4)/(6-4)
        # degenerate band COD I = II = 15: better class
        ("cod", 15.0, "river", 1.0, 1),
        ("cod", 17.5, "river", 2.5, 3),  # 2 + (17.5-15)/(20-15)
        ("cod", 20.0, "river", 3.0, 3),
        ("cu", 1.0, "river", 2.0, 2),  # Cu II = III = IV = V = 1.0
        ("cu", 0.505, "river", 1.5, 2),  # 1 + (0.505-0.01)/(1.0-0.01)
        ("hg", 0.00005, "river", 1.0, 1),  # Hg I = II
        ("pb", 0.03, "river", 2.5, 3),  # Pb I = II = 0.01: 2 + 0.02/0.04
        # worse than V
        ("do", 1.0, "river", 5.5, 6),  # 5 + (2-1)/2
        ("do", 0.0, "river", 6.0, 6),
        ("nh3n", 3.0, "river", 5.5, 6),  # 5 + (3-2)/((2-1)*2)
        ("nh3n", 4.0, "river", 6.0, 6),  # 2 x S5
        ("nh3n", 5.0, "river", 6.0, 6),  # capped
        ("cod", 41.0, "river", 5.025, 6),  # 5 + 1/40
        # pH
        ("ph", 9.0, "river", 1.0, 1),
        ("ph", 6.0, "river", 1.0, 1),
        ("ph", 5.9, "river", 5.1, 6),
        ("ph", 9.5, "river", 5.5, 6),
        ("ph", 11.0, "river", 6.0, 6),
        # TP: river vs lake
        ("tp", 0.06, "river", 1.5, 2),  # 1 + (0.06-0.02)/(0.1-0.02)
        ("tp", 0.06, "lake", 3.2, 4),  # 3 + (0.06-0.05)/(0.1-0.05)
        ("tp", 0.06, "reservoir", 3.2, 4),
    ],
)
def test_hand_worked_positions(code, value, kind, p, cls):
    assert p_of(code, value, kind) == pytest.approx(p, abs=1e-12)
    assert class_of(code, value, kind) == cls


def test_every_limit_is_met():
    """A value exactly at the class k limit gets class <= k; = k unless band k is empty."""
    lim = limits("river").drop(index="ph")
    for code, row in lim.iterrows():
        s = [row[k] for k in range(1, 6)]
        for k in range(1, 6):
            best = 1 + next(j for j in range(5) if s[j] == s[k - 1])  # first class with that limit
            assert p_of(code, s[k - 1]) == pytest.approx(float(best), abs=1e-12), (code, k)
            assert class_of(code, s[k - 1]) == best, (code, k)


@pytest.mark.parametrize(("code", "limit", "cls"), [("nh3n", 1.5, 5), ("nh3n", 2.0, 6),
                                                   ("do", 3.0, 5), ("cod", 15.0, 3),
                                                   ("ph", 9.0, 6)])
def test_one_float_past_a_limit_is_the_next_class(code, limit, cls):
    past = float(np.nextafter(limit, -np.inf if code == "do" else np.inf))
    assert class_of(code, past) == cls
    assert math.ceil(p_of(code, past)) == cls


def test_options():
    assert p_of("nh3n", 3.0, worse_than_v_zero_multiple=3.0) == pytest.approx(5.25)  # 5+1/(2*2)
    assert p_of("ph", 5.0, ph_zero_deviation=2.0) == pytest.approx(5.5)
    with pytest.raises(ValueError):
        class_position(pd.DataFrame({"nh3n": [1.0]}), worse_than_v_zero_multiple=1.0)
    with pytest.raises(ValueError):
        class_position(pd.DataFrame({"ph": [7.0]}), ph_zero_deviation=0.0)
    with pytest.raises(ValueError):
        class_position(pd.DataFrame({"nh3n": [1.0]}), "sea")


def test_position_frame_nan_unknown_and_index():
    df = pd.DataFrame(
        {"station": ["a", "b"], "nh3n": [np.nan, 1.25], "chla": [3.0, 4.0], "do": [5.5, np.nan]},
        index=["s1", "s2"],
    )
    pos = class_position(df)
    assert list(pos.columns) == ["nh3n", "do"]
    assert list(pos.index) == ["s1", "s2"]
    assert math.isnan(pos.loc["s1", "nh3n"]) and math.isnan(pos.loc["s2", "do"])
    assert pos.loc["s2", "nh3n"] == pytest.approx(3.5)
    assert pos.loc["s1", "do"] == pytest.approx(2.5)


def test_nullable_input():
    df = pd.DataFrame({"nh3n": pd.array([1.25, None], dtype="Float64")})
    pos = class_position(df)
    assert pos["nh3n"].iloc[0] == pytest.approx(3.5) and math.isnan(pos["nh3n"].iloc[1])


# --------------------------------------------------------------------------- classify


def test_classify_hand_worked():
    df = pd.DataFrame(
        {
            "do": [6.5, 2.5, np.nan, np.nan],
            "nh3n": [0.4, 1.8, 0.1, np.nan],
            "tp": [0.15, 0.38, np.nan, np.nan],
            "codmn": [5.5, 8.0, np.nan, np.nan],
            "ph": [7.2, 7.0, 9.4, np.nan],
            "note": ["x", "y", "z", "w"],
        },
        index=["s1", "s2", "s3", "s4"],
    )
    out = classify(df)
    assert list(out.columns) == ["wq_class", "limiting", "exceedance"]
    assert list(out.index) == ["s1", "s2", "s3", "s4"]
    assert str(out["wq_class"].dtype) == "Int64"

    # s1: do 6.5 -> p 1+(7.5-6.5)/1.5=1.667 (II); nh3n 0.4 -> 1+0.25/0.35=1.714 (II);
    #     tp 0.15 -> 2+0.05/0.1=2.5 (III); codmn 5.5 -> 2+1.5/2=2.75 (III). Worst III.
    assert out.loc["s1", "wq_class"] == 3
    assert out.loc["s1", "limiting"] == ["codmn", "tp"]
    assert out.loc["s1", "exceedance"] == {}

    # s2: do 2.5 -> 4+(3-2.5)/1=4.5 (V); nh3n 1.8 -> 4+0.3/0.5=4.6 (V);
    #     tp 0.38 -> 4+0.08/0.1=4.8 (V); codmn 8 -> 3+2/4=3.5 (IV).
    #     Exceedance vs III: tp (0.38-0.2)/0.2=0.9, nh3n (1.8-1)/1=0.8, codmn (8-6)/6=0.3333;
    #     DO gets none.
    assert out.loc["s2", "wq_class"] == 5
    assert out.loc["s2", "limiting"] == ["tp", "nh3n", "do"]
    exc = out.loc["s2", "exceedance"]
    assert exc == pytest.approx({"tp": 0.9, "nh3n": 0.8, "codmn": 0.3333}, abs=1e-12)
    assert list(exc) == ["tp", "nh3n", "codmn"]
    assert all(type(v) is float for v in exc.values())

    # s3: pH 9.4 -> 劣V (p 5.4); nh3n 0.1 -> I. pH gets no exceedance multiple.
    assert out.loc["s3", "wq_class"] == 6
    assert out.loc["s3", "limiting"] == ["ph"]
    assert out.loc["s3", "exceedance"] == {}

    # s4: nothing measured.
    assert out["wq_class"].isna().tolist() == [False, False, False, True]
    assert out.loc["s4", "limiting"] == [] and out.loc["s4", "exceedance"] == {}


def test_classify_uses_tn_when_given_and_lake_tp():
    df = pd.DataFrame({"tn": [1.2], "tp": [0.06]})
    river = classify(df, "river")
    lake = classify(df, "lake")
    # tn 1.2 -> IV (3 + 0.2/0.5 = 3.4); river tp 0.06 -> II; lake tp 0.06 -> IV (3.2)
    assert river["wq_class"].iloc[0] == 4 and river["limiting"].iloc[0] == ["tn"]
    assert lake["wq_class"].iloc[0] == 4 and lake["limiting"].iloc[0] == ["tn", "tp"]
    # exceedance vs III: tn (1.2-1)/1 = 0.2; lake tp (0.06-0.05)/0.05 = 0.2
    assert lake["exceedance"].iloc[0] == pytest.approx({"tn": 0.2, "tp": 0.2})


def test_classify_degenerate_exceedance_and_rounding():
    # Cu 1.5: II..V limits are all 1.0 -> 劣V; exceedance (1.5-1)/1 = 0.5.
    # volatile phenol 0.0123 -> V (0.01 < C <= 0.1); exceedance (0.0123-0.005)/0.005 = 1.46.
    # hg 0.00012345 -> IV; (0.00012345-0.0001)/0.0001 = 0.2345.
    out = classify(pd.DataFrame({"cu": [1.5], "volatile_phenol": [0.0123], "hg": [0.00012345]}))
    assert out["wq_class"].iloc[0] == 6
    assert out["limiting"].iloc[0] == ["cu"]
    assert out["exceedance"].iloc[0] == pytest.approx(
        {"cu": 0.5, "volatile_phenol": 1.46, "hg": 0.2345}, abs=1e-12
    )


def test_classify_empty_and_unrecognised():
    empty = classify(pd.DataFrame({"nh3n": pd.Series([], dtype=float)}))
    assert len(empty) == 0 and str(empty["wq_class"].dtype) == "Int64"
    none = classify(pd.DataFrame({"foo": [1.0, 2.0]}))
    assert none["wq_class"].isna().all()
    assert none["limiting"].tolist() == [[], []] and none["exceedance"].tolist() == [{}, {}]


def test_classify_row_objects_are_independent():
    out = classify(pd.DataFrame({"foo": [1.0, 2.0]}))
    out["limiting"].iloc[0].append("x")
    assert out["limiting"].iloc[1] == []


# --------------------------------------------------------------------------- properties

LIM = limits("river")
UPPER = [c for c in ALL_CODES if LIM.loc[c, "direction"] == "upper"]
KIND = st.sampled_from(gb3838.KINDS)
ANY_VALUE = st.floats(allow_nan=False, allow_infinity=True)


def _near_limit(code: str, kind: str):
    """Values at, and one float either side of, the parameter's limits, plus anything."""
    lim = limits(kind).loc[code]
    anchors = [lim[k] for k in range(1, 6)] if code != "ph" else [6.0, 9.0]
    anchors = [a for a in anchors if not math.isnan(a)]
    at = st.sampled_from(anchors)
    nudged = at.flatmap(
        lambda a: st.sampled_from([a, np.nextafter(a, -np.inf), np.nextafter(a, np.inf)])
    )
    return st.one_of(nudged, st.floats(0, 100 * max(anchors)), ANY_VALUE)


@st.composite
def frames(draw):
    kind = draw(KIND)
    codes = draw(st.lists(st.sampled_from(ALL_CODES), min_size=1, max_size=8, unique=True))
    n = draw(st.integers(1, 6))
    data = {
        c: [draw(st.one_of(st.just(np.nan), _near_limit(c, kind))) for _ in range(n)]
        for c in codes
    }
    return kind, pd.DataFrame(data, dtype=float)


_LIMS = {k: limits(k) for k in gb3838.KINDS}


def reference_class(code: str, value: float, kind: str) -> int:
    """Best class whose limit the value meets (SPEC §5), independent of class_position."""
    lim = _LIMS[kind].loc[code]
    if code == "ph":
        return 1 if 6.0 <= value <= 9.0 else 6
    for k in range(1, 6):
        if (value >= lim[k]) if code == "do" else (value <= lim[k]):
            return k
    return 6


@settings(max_examples=300, deadline=None)
@given(frames())
def test_property_p_in_range_and_class_consistent(kf):
    kind, df = kf
    pos = class_position(df, kind)
    out = classify(df, kind)
    p = pos.to_numpy()
    finite = ~np.isnan(p)
    assert np.array_equal(finite, ~np.isnan(df.to_numpy()))
    assert ((p[finite] >= 1.0) & (p[finite] <= 6.0)).all()
    for r in range(len(df)):
        classes = [
            reference_class(c, df.iloc[r][c], kind) for c in df.columns if not np.isnan(df.iloc[r][c])
        ]
        for c in df.columns:
            v = df.iloc[r][c]
            if not np.isnan(v):
                assert math.ceil(pos.iloc[r][c]) == reference_class(c, v, kind), (c, v)
        got = out["wq_class"].iloc[r]
        if classes:
            assert got == max(classes)
            row_p = pos.iloc[r].dropna()
            assert got == max(1, math.ceil(row_p.max()))  # class of max p
            assert set(out["limiting"].iloc[r]) == {
                c for c in row_p.index if max(1, math.ceil(row_p[c])) == got
            }
            lim_p = [row_p[c] for c in out["limiting"].iloc[r]]
            assert lim_p == sorted(lim_p, reverse=True)
        else:
            assert pd.isna(got) and out["limiting"].iloc[r] == []


@settings(max_examples=200, deadline=None)
@given(
    KIND,
    st.sampled_from(UPPER + ["do"]),
    st.lists(st.floats(min_value=-1.0, max_value=1e5, allow_nan=False), min_size=2, max_size=40),
    st.floats(1.01, 10.0),
)
def test_property_monotone(kind, code, values, m):
    pts = sorted(values)
    anchors = [a for a in limits(kind).loc[code, [1, 2, 3, 4, 5]]]
    pts = sorted(pts + anchors + [float(np.nextafter(a, np.inf)) for a in anchors])
    p = class_position(pd.DataFrame({code: pts}), kind, worse_than_v_zero_multiple=m)[code]
    d = np.diff(p.to_numpy())
    if code == "do":
        assert (d <= 0).all()
    else:
        assert (d >= 0).all()


def test_ranked_cells_order_each_rows_cells_by_largest_key_ties_by_column():
    selected = np.array([[True, False, True, True],
                         [False, False, False, False],
                         [True, True, False, True]])
    key = np.array([[2.0, 9.0, 3.0, 2.0],
                    [1.0, 1.0, 1.0, 1.0],
                    [0.5, 4.0, 7.0, 4.0]])
    row, column = gb3838._ranked_cells(selected, key)
    # row 0: 3.0 (col 2), then the tie 2.0 in column order (0, 3); row 1 none; row 2: 4.0 (1),
    # 4.0 (3), 0.5 (0) — column 2 is not selected
    assert row.tolist() == [0, 0, 0, 2, 2, 2]
    assert column.tolist() == [2, 0, 3, 1, 3, 0]
