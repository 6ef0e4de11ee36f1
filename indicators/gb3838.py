"""GB 3838-2002 surface-water quality classes: limits, continuous class position, single-factor class.

Pure functions (no engine imports), vectorised over all samples and parameters.

Source of the limits: GB 3838-2002 《地表水环境质量标准》 (Environmental quality standards for
surface water), Table 1 "地表水环境质量标准基本项目标准限值", as transcribed in SPEC.md §5 [V].
The use made of them (which parameters are evaluated, the class bands, the 劣Ⅴ extension, the
exceedance multiple) follows SPEC.md §4.3 and 《地表水环境质量评价办法（试行）》 (环办〔2011〕22号).

Parameter codes (SPEC §5): ``ph, do, codmn, cod, bod5, nh3n, tp, tn, cu, zn, fluoride, se, as,
hg, cd, cr6, pb, cyanide, volatile_phenol, petroleum, las, sulfide, fecal_coliform``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from health_eval.vocabulary import WATER_BODY_KINDS

__all__ = [
    "CLASS_LABELS",
    "KINDS",
    "PARAMETERS",
    "class_position",
    "classify",
    "evaluated_parameters",
    "limits",
]

#: Labels of the water-quality classes; 6 is 劣Ⅴ (worse than class Ⅴ).
CLASS_LABELS: dict[int, str] = {1: "Ⅰ", 2: "Ⅱ", 3: "Ⅲ", 4: "Ⅳ", 5: "Ⅴ", 6: "劣Ⅴ"}

#: Water-body kinds accepted by :func:`limits`; reservoirs use the lake limits.
KINDS: tuple[str, ...] = WATER_BODY_KINDS

_NAN = float("nan")

# GB 3838-2002 Table 1, basic items 2–24 (item 1, water temperature, has no class limits).
# code: (name_zh, unit, direction, (Ⅰ, Ⅱ, Ⅲ, Ⅳ, Ⅴ))
# direction: "upper" = 不大于 (not more than), "lower" = 不小于 (not less than, DO),
# "range" = pH 6–9 for every class (kept in low/high, class columns NaN).
# TP has separate limits for lakes and reservoirs (湖、库), in _TP_LAKE.
_TABLE1: dict[str, tuple[str, str, str, tuple[float, float, float, float, float]]] = {
    "ph": ("pH值", "", "range", (_NAN, _NAN, _NAN, _NAN, _NAN)),
    "do": ("溶解氧", "mg/L", "lower", (7.5, 6.0, 5.0, 3.0, 2.0)),
    "codmn": ("高锰酸盐指数", "mg/L", "upper", (2.0, 4.0, 6.0, 10.0, 15.0)),
    "cod": ("化学需氧量(COD)", "mg/L", "upper", (15.0, 15.0, 20.0, 30.0, 40.0)),
    "bod5": ("五日生化需氧量(BOD5)", "mg/L", "upper", (3.0, 3.0, 4.0, 6.0, 10.0)),
    "nh3n": ("氨氮(NH3-N)", "mg/L", "upper", (0.15, 0.5, 1.0, 1.5, 2.0)),
    "tp": ("总磷(以P计)", "mg/L", "upper", (0.02, 0.1, 0.2, 0.3, 0.4)),
    "tn": ("总氮(湖、库，以N计)", "mg/L", "upper", (0.2, 0.5, 1.0, 1.5, 2.0)),
    "cu": ("铜", "mg/L", "upper", (0.01, 1.0, 1.0, 1.0, 1.0)),
    "zn": ("锌", "mg/L", "upper", (0.05, 1.0, 1.0, 2.0, 2.0)),
    "fluoride": ("氟化物(以F-计)", "mg/L", "upper", (1.0, 1.0, 1.0, 1.5, 1.5)),
    "se": ("硒", "mg/L", "upper", (0.01, 0.01, 0.01, 0.02, 0.02)),
    "as": ("砷", "mg/L", "upper", (0.05, 0.05, 0.05, 0.1, 0.1)),
    "hg": ("汞", "mg/L", "upper", (0.00005, 0.00005, 0.0001, 0.001, 0.001)),
    "cd": ("镉", "mg/L", "upper", (0.001, 0.005, 0.005, 0.005, 0.01)),
    "cr6": ("铬(六价)", "mg/L", "upper", (0.01, 0.05, 0.05, 0.05, 0.1)),
    "pb": ("铅", "mg/L", "upper", (0.01, 0.01, 0.05, 0.05, 0.1)),
    "cyanide": ("氰化物", "mg/L", "upper", (0.005, 0.05, 0.2, 0.2, 0.2)),
    "volatile_phenol": ("挥发酚", "mg/L", "upper", (0.002, 0.002, 0.005, 0.01, 0.1)),
    "petroleum": ("石油类", "mg/L", "upper", (0.05, 0.05, 0.05, 0.5, 1.0)),
    "las": ("阴离子表面活性剂", "mg/L", "upper", (0.2, 0.2, 0.2, 0.3, 0.3)),
    "sulfide": ("硫化物", "mg/L", "upper", (0.05, 0.1, 0.2, 0.5, 1.0)),
    "fecal_coliform": ("粪大肠菌群", "个/L", "upper", (200.0, 2000.0, 10000.0, 20000.0, 40000.0)),
}
_TP_LAKE: tuple[float, float, float, float, float] = (0.01, 0.025, 0.05, 0.1, 0.2)
_PH_RANGE: tuple[float, float] = (6.0, 9.0)

#: Every parameter code with GB 3838 Table 1 class limits, in Table 1 order.
PARAMETERS: tuple[str, ...] = tuple(_TABLE1)

_CLASS_COLUMNS = [1, 2, 3, 4, 5]
#: :func:`class_position`'s defaults (SPEC §4.3), which :func:`classify` uses: 劣Ⅴ reaches
#: ``p = 6`` at this multiple of the class Ⅴ limit, and pH at this distance outside 6–9.
ZERO_MULTIPLE, PH_ZERO_DEVIATION = 2.0, 1.0
_NO_EXCEEDANCE = frozenset({"ph", "do"})


def _check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    return kind


def _build_limits(kind: str) -> pd.DataFrame:
    rows = []
    for code, (name_zh, unit, direction, vals) in _TABLE1.items():
        if code == "tp" and kind != "river":
            vals = _TP_LAKE
        low, high = _PH_RANGE if direction == "range" else (_NAN, _NAN)
        rows.append((code, *vals, direction, low, high, unit, name_zh))
    frame = pd.DataFrame.from_records(
        rows, columns=["parameter", *_CLASS_COLUMNS, "direction", "low", "high", "unit", "name_zh"]
    ).set_index("parameter")
    frame[_CLASS_COLUMNS + ["low", "high"]] = frame[_CLASS_COLUMNS + ["low", "high"]].astype(float)
    return frame


_LIMITS: dict[str, pd.DataFrame] = {k: _build_limits(k) for k in KINDS}


class _LimitArrays(NamedTuple):
    """Table 1 of one kind as numpy arrays, one row per parameter (the order of :data:`PARAMETERS`):
    ``classes`` (P, 5) the class Ⅰ–Ⅴ limits, ``direction``, ``low`` and ``high`` — read by
    every classification without a frame lookup."""

    row: dict[str, int]
    classes: np.ndarray
    direction: np.ndarray
    low: np.ndarray
    high: np.ndarray

    def of(self, codes: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``classes, direction, low, high`` of the parameters ``codes``, in that order."""
        at = [self.row[code] for code in codes]
        return self.classes[at], self.direction[at], self.low[at], self.high[at]


_ARRAYS: dict[str, _LimitArrays] = {
    kind: _LimitArrays({code: i for i, code in enumerate(table.index)},
                       table[_CLASS_COLUMNS].to_numpy(dtype=float),
                       table["direction"].to_numpy(dtype=object),
                       table["low"].to_numpy(dtype=float), table["high"].to_numpy(dtype=float))
    for kind, table in _LIMITS.items()}


def limits(kind: str = "river") -> pd.DataFrame:
    """GB 3838-2002 Table 1 class limits for a kind of water body.

    Implements SPEC.md §5 [V] (GB 3838-2002 Table 1, basic items except water temperature).

    Parameters
    ----------
    kind : {"river", "lake", "reservoir"}
        Kind of water body [-]. Lakes and reservoirs use the 湖、库 total-phosphorus limits
        (0.01 / 0.025 / 0.05 / 0.1 / 0.2 mg/L); rivers 0.02 / 0.1 / 0.2 / 0.3 / 0.4 mg/L.
        Total nitrogen is listed for every kind (GB 3838 sets it for 湖、库; rivers simply do not
        evaluate it, see :func:`evaluated_parameters`).

    Returns
    -------
    pandas.DataFrame
        Index ``parameter`` (code). Columns ``1``–``5``: the class Ⅰ–Ⅴ limits [mg/L; 个/L for
        faecal coliform] as float (NaN for pH); ``direction``: ``"upper"`` (value must not be
        more than the limit), ``"lower"`` (not less than: DO) or ``"range"`` (pH, every class
        6–9); ``low``/``high``: the pH range [-] (NaN elsewhere); ``unit``; ``name_zh``
        (GB 3838 item name). A fresh copy: changing it does not change the module's table.

    Raises
    ------
    ValueError
        If ``kind`` is not one of the accepted kinds.
    """
    return _LIMITS[_check_kind(kind)].copy()


def evaluated_parameters(kind: str = "river") -> tuple[str, ...]:
    """Parameters the water-quality grade indicator evaluates (SPEC.md §4.3).

    GB 3838-2002 Table 1 basic items except water temperature and faecal coliform and, for
    rivers, except total nitrogen.

    Parameters
    ----------
    kind : {"river", "lake", "reservoir"}
        Kind of water body [-].

    Returns
    -------
    tuple of str
        Parameter codes in GB 3838 Table 1 order.

    Raises
    ------
    ValueError
        If ``kind`` is not one of the accepted kinds.
    """
    _check_kind(kind)
    excluded = {"fecal_coliform"} | ({"tn"} if kind == "river" else set())
    return tuple(c for c in PARAMETERS if c not in excluded)


def _recognised(samples: pd.DataFrame) -> list[str]:
    return [c for c in samples.columns if isinstance(c, str) and c in _TABLE1]


def _values(samples: pd.DataFrame, codes: list[str]) -> np.ndarray:
    """The recognised columns as a 2-D float array (rows × parameters), NA → NaN."""
    if not codes:
        return np.empty((len(samples), 0), dtype=float)
    return samples[codes].to_numpy(dtype=float, na_value=np.nan)


def class_position(
    samples: pd.DataFrame,
    kind: str = "river",
    *,
    worse_than_v_zero_multiple: float = ZERO_MULTIPLE,
    ph_zero_deviation: float = PH_ZERO_DEVIATION,
) -> pd.DataFrame:
    r"""Continuous GB 3838 class position ``p`` ∈ [1, 6] of every value.

    Implements the single-factor classification of SPEC.md §5 and the in-band interpolation of
    SPEC.md §4.3 (water-quality grade), on the GB 3838-2002 Table 1 limits.

    With class limits :math:`S_1 \ldots S_5` and concentration :math:`C`:

    - ``C`` meets class Ⅰ → ``p = 1``;
    - ``C`` in class ``k`` (2–5), i.e. it fails :math:`S_{k-1}` and meets :math:`S_k` →
      ``p = (k − 1) + (C − S_{k−1}) / (S_k − S_{k−1})`` (DO: ``(S_{k−1} − C) / (S_{k−1} − S_k)``);
      a value exactly at a limit meets it (NH3-N 1.0 mg/L → ``p = 3.0``, class Ⅲ);
    - degenerate bands (equal limits, e.g. COD Ⅰ = Ⅱ = 15 mg/L) take the better class: the
      empty band is skipped and a value above it falls in the next non-empty band, whose
      position starts at that band's index − 1 (COD 15 → ``p = 1``; COD 17.5 → ``p = 2.5``,
      class Ⅲ);
    - 劣Ⅴ: ``p = 5 + min(1, (C − S_5) / ((m − 1) S_5))`` (``m`` =
      ``worse_than_v_zero_multiple``, so ``p = 6`` at ``m × S_5``); DO:
      ``p = 5 + min(1, (S_5 − C) / S_5)`` (``p = 6`` at 0 mg/L);
    - pH within [6, 9] → ``p = 1``; outside → 劣Ⅴ,
      ``p = 5 + min(1, distance outside the range / ph_zero_deviation)``;
    - NaN (not measured) → NaN.

    The class is ``ceil(p)`` (``p ≤ 1`` → Ⅰ, ``1 < p ≤ 2`` → Ⅱ, …, ``p > 5`` → 劣Ⅴ). Inside
    class ``k ≥ 2`` the position is kept strictly above ``k − 1`` (a value a rounding error above
    a limit is nudged to the next float above the band floor), so ``ceil(p)`` always equals the
    class the limits give.

    ``p`` is the natural value of the water-quality grade indicator: the default profile scores it
    with the piecewise-linear curve ``1→100, 2→90, 3→75, 4→40, 5→20, 6→0`` (SPEC §4.3 default
    bands: Ⅰ 100, Ⅱ 100→90, Ⅲ 90→75, Ⅳ 75→40, Ⅴ 40→20, 劣Ⅴ 20→0); the alternative bands
    are the curve ``1→100, 2→90, 3→75, 4→60, 5→40, 6→0``.

    Parameters
    ----------
    samples : pandas.DataFrame
        One row per sample (or per station mean), one column per parameter code; any subset of
        the codes of :func:`limits`, other columns are ignored. Concentrations [mg/L; pH
        dimensionless; faecal coliform 个/L]. NaN / NA = not measured.
    kind : {"river", "lake", "reservoir"}
        Kind of water body [-]; selects the river or the 湖、库 TP limits.
    worse_than_v_zero_multiple : float
        Multiple ``m`` of the class Ⅴ limit at which an "upper" parameter reaches ``p = 6``
        [-]; must be > 1. Default 2 (SPEC §4.3).
    ph_zero_deviation : float
        Distance outside 6–9 at which pH reaches ``p = 6`` [pH units]; must be > 0.

    Returns
    -------
    pandas.DataFrame
        Same index as ``samples``; one float column per recognised parameter, in input order.

    Raises
    ------
    ValueError
        For an unknown ``kind`` or an out-of-range option.
    """
    if not worse_than_v_zero_multiple > 1:
        raise ValueError("worse_than_v_zero_multiple must be > 1")
    if not ph_zero_deviation > 0:
        raise ValueError("ph_zero_deviation must be > 0")
    codes = _recognised(samples)
    p = _positions(_values(samples, codes), codes, kind, worse_than_v_zero_multiple,
                   ph_zero_deviation)
    return pd.DataFrame(p, index=samples.index, columns=codes)


def _positions(x: np.ndarray, codes: list[str], kind: str, worse_than_v_zero_multiple: float,
               ph_zero_deviation: float) -> np.ndarray:
    """:func:`class_position` of the values ``x`` (rows × parameters ``codes``), as an array."""
    classes, direction, low, high = _ARRAYS[_check_kind(kind)].of(codes)
    is_lower = direction == "lower"
    is_range = direction == "range"

    # Turn "lower" (DO) into "upper" by negation: fails S_j  <=>  sign·C > sign·S_j.
    sign = np.where(is_lower, -1.0, 1.0)  # (P,)
    s = classes * sign[:, None]  # (P, 5), non-decreasing
    xs = x * sign  # (n, P)

    with np.errstate(all="ignore"):
        # Number of limits failed (0..5); limits are non-decreasing so these are S_1..S_c.
        failed = (xs[:, :, None] > s[None, :, :]).sum(axis=2)  # (n, P)
        col = np.arange(len(codes))[None, :]
        lo = s[col, np.clip(failed - 1, 0, 4)]  # S_c (last failed limit)
        hi = s[col, np.clip(failed, 0, 4)]  # S_{c+1} (first met limit)
        in_band = (failed >= 1) & (failed <= 4)
        frac = np.divide(xs - lo, hi - lo, out=np.zeros_like(xs), where=in_band)

        # 劣Ⅴ: distance beyond S_5 over the distance at which p reaches 6.
        s5 = np.abs(s[:, 4])
        zero_at = np.where(is_lower, s5, (worse_than_v_zero_multiple - 1.0) * s5)  # (P,)
        beyond = np.minimum(1.0, (xs - s[None, :, 4]) / zero_at[None, :])

        p = np.where(failed == 0, 1.0, np.where(in_band, failed + frac, 5.0 + beyond))

        # pH: inside [low, high] → 1, outside → 5 + min(1, distance / ph_zero_deviation).
        if is_range.any():
            dist = np.maximum(np.maximum(low[None, :] - x, x - high[None, :]), 0.0)
            p_ph = np.where(dist > 0, 5.0 + np.minimum(1.0, dist / ph_zero_deviation), 1.0)
            p = np.where(is_range[None, :], p_ph, p)
            failed = np.where(is_range[None, :], np.where(dist > 0, 5, 0), failed)

        # Keep p strictly inside (c, c + 1] for a value in class c + 1, whatever the rounding.
        floor = failed.astype(float)
        p = np.where(failed >= 1, np.maximum(p, np.nextafter(floor, np.inf)), p)
        return np.where(np.isnan(x), np.nan, p)


def classify(samples: pd.DataFrame, kind: str = "river") -> pd.DataFrame:
    """Single-factor GB 3838 class of every sample, its limiting parameters and exceedances.

    Implements the single-factor rule of SPEC.md §5 and the station report of SPEC.md §4.3: a
    row's class is the worst class over the parameters present in ``samples`` (all recognised
    columns are used; TN is *not* dropped for rivers here: pass only the parameters to evaluate,
    e.g. :func:`evaluated_parameters`). Built on :func:`class_position` with default options: the
    class of a value is ``ceil(p)`` (``p ≤ 1`` → 1, ``1 < p ≤ 2`` → 2, …, ``p > 5`` → 6 = 劣Ⅴ),
    and the worst class is the class of the row's largest ``p``.

    The exceedance multiple is ``(C − S_Ⅲ) / S_Ⅲ`` against the class Ⅲ limit, given for each
    parameter above class Ⅲ. Following 《地表水环境质量评价办法（试行）》 (2011), which gives no
    exceedance multiple for pH and dissolved oxygen, pH and DO never appear in ``exceedance``
    (they can still be limiting).

    Parameters
    ----------
    samples : pandas.DataFrame
        One row per sample (or station mean), one column per parameter code; other columns are
        ignored. Concentrations [mg/L; pH dimensionless; faecal coliform 个/L]; NaN = not
        measured.
    kind : {"river", "lake", "reservoir"}
        Kind of water body [-]; selects the river or the 湖、库 TP limits.

    Returns
    -------
    pandas.DataFrame
        Same index as ``samples``, columns:

        - ``wq_class`` (``Int64``): 1–6 (6 = 劣Ⅴ, see :data:`CLASS_LABELS`); ``<NA>`` for a row
          without any recognised parameter value;
        - ``limiting`` (list of str): the parameters at the worst class, largest ``p`` (largest
          exceedance) first, ties in column order; empty list if none;
        - ``exceedance`` (dict str → float): parameter → ``(C − S_Ⅲ) / S_Ⅲ`` [-], rounded to 4
          decimals, for the parameters worse than class Ⅲ (not pH, not DO), largest first;
          empty dict if none.
    """
    codes = _recognised(samples)
    x = _values(samples, codes)
    p = _positions(x, codes, kind, ZERO_MULTIPLE, PH_ZERO_DEVIATION)
    n, n_par = p.shape

    with np.errstate(invalid="ignore"):
        cls = np.clip(np.ceil(p), 1.0, 6.0)  # NaN stays NaN
    has_any = ~np.isnan(p).all(axis=1) if n_par else np.zeros(n, dtype=bool)
    p_max = np.full(n, np.nan)
    if n_par:
        p_max[has_any] = np.nanmax(p[has_any], axis=1)
    with np.errstate(invalid="ignore"):
        worst = np.clip(np.ceil(p_max), 1.0, 6.0)
    wq_class = pd.array(np.where(has_any, worst, np.nan), dtype="Float64").astype("Int64")

    # Exceedance against the class Ⅲ limit (upper parameters only; not pH, not DO).
    s3 = _ARRAYS[kind].of(codes)[0][:, 2]
    no_mult = np.isin(np.asarray(codes, dtype=object), list(_NO_EXCEEDANCE))
    with np.errstate(all="ignore"):
        exc = np.round((x - s3[None, :]) / s3[None, :], 4)
    exc_mask = (cls > 3) & ~no_mult[None, :] & ~np.isnan(exc)

    # Per-row Python objects (lists, dicts); rows without any get empty ones.
    names = np.asarray(codes, dtype=object)
    limiting = [[] for _ in range(n)]
    row, column = _ranked_cells(cls == worst[:, None], p)
    listed = names[column].tolist()
    for r, start, stop in _runs(row):
        limiting[r] = listed[start:stop]
    exceedance = [{} for _ in range(n)]
    row, column = _ranked_cells(exc_mask, exc)
    listed, values = names[column].tolist(), exc[row, column].tolist()
    for r, start, stop in _runs(row):
        exceedance[r] = dict(zip(listed[start:stop], values[start:stop]))

    return pd.DataFrame(
        {"wq_class": wq_class, "limiting": limiting, "exceedance": exceedance},
        index=samples.index,
    )


def _ranked_cells(selected: np.ndarray, key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row and column of the ``selected`` cells of a (rows × parameters) table, by row, then
    largest ``key`` first, ties in column order.

    Parameters
    ----------
    selected : ndarray of bool, shape (n, P)
        The cells wanted.
    key : ndarray of float, shape (n, P)
        What orders the cells of a row (largest first).
    """
    # each row sorted on its own (stable: ties keep column order), cells not wanted last
    order = np.argsort(np.where(selected, -key, np.inf), axis=1, kind="stable")
    row, rank = np.nonzero(np.take_along_axis(selected, order, axis=1))
    return row, order[row, rank]


def _runs(rows: np.ndarray) -> list[tuple[int, int, int]]:
    """``(value, start, stop)`` of each run of equal values in ``rows`` (sorted), in order."""
    if not len(rows):
        return []
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    stops = np.r_[starts[1:], len(rows)]
    return list(zip(rows[starts].tolist(), starts.tolist(), stops.tolist()))
