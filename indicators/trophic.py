"""Lake trophic state: TLI(Σ) and EI of SL 395-2007 (SPEC §6, used by SPEC §4.3 trophic state).

Pure functions, vectorised over whole columns (no loop over rows).

- :func:`tli` — comprehensive trophic level index TLI(Σ) of SPEC §6.1 [V]. Its coefficients and
  r² weights are verified published numbers and therefore module constants (source below).
- :func:`ei` — trophic index EI of SL 395-2007, SPEC §6.2. The method is [V] but the scoring
  table is [R], so the table and the class bounds are profile data (``ei_table`` and
  ``ei_classes`` of ``water.trophic_state`` in the packaged ``mwr2020-lake`` profile), never
  constants in code.
- :func:`trophic_state_table` — per-station index for the engine, from long-form samples, with
  the two aggregations (index of the means, or mean of the per-date indices).

Input units (both indices): ``chla`` [mg/m³ = µg/L], ``tp``, ``tn``, ``codmn`` [mg/L], ``sd``
[m]. EI's table gives chl-a in mg/L; :func:`ei` converts (÷ 1000).

Class boundaries — the two methods read their bounds differently, as their sources do:

- TLI(Σ): the LOWER bound of each class is inclusive: TLI < 30 贫营养, 30 ≤ TLI < 50 中营养,
  50 ≤ TLI < 60 轻度富营养, 60 ≤ TLI < 70 中度富营养, TLI ≥ 70 重度富营养 (so exactly 30 → 中营养,
  50 → 轻度富营养, 60 → 中度富营养, 70 → 重度富营养).
- EI (SL 395 "EI ≤ 20 贫营养; 20 < EI ≤ 50 中营养; …"): the UPPER bound is inclusive: EI ≤ 20
  贫营养, 20 < EI ≤ 50 中营养, 50 < EI ≤ 60 轻度富营养, 60 < EI ≤ 80 中度富营养, EI > 80 重度富营养.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from .hydrology import distinct_per_key
from .samples import station_means

__all__ = [
    "AGGREGATIONS",
    "EI_STATES",
    "METHODS",
    "PARAMETERS",
    "TLI_BOUNDS",
    "TLI_COEFFICIENTS",
    "TLI_R2",
    "TLI_STATES",
    "default_ei_classes",
    "default_ei_table",
    "ei",
    "ei_state",
    "tli",
    "tli_state",
    "tli_weights",
    "trophic_state_table",
]

#: Parameter codes of the trophic state, in the order of SPEC §6.1.
PARAMETERS: tuple[str, ...] = ("chla", "tp", "tn", "sd", "codmn")

#: Trophic states, best first (the same five labels for TLI(Σ) and EI).
TLI_STATES: tuple[str, ...] = ("贫营养", "中营养", "轻度富营养", "中度富营养", "重度富营养")
EI_STATES: tuple[str, ...] = TLI_STATES

#: TLI(j) = 10 (a + b ln C_j): (a, b) per parameter. Source: SPEC §6.1 [V] — 中国环境监测总站
#: 《湖泊（水库）富营养化评价方法及分级技术规定》 (总站生字〔2001〕090号); chla in mg/m³,
#: TP, TN, CODMn in mg/L, SD in m.
TLI_COEFFICIENTS: dict[str, tuple[float, float]] = {
    "chla": (2.5, 1.086),
    "tp": (9.436, 1.624),
    "tn": (5.453, 1.694),
    "sd": (5.118, -1.94),
    "codmn": (0.109, 2.661),
}

#: r_j², the squared correlation of parameter j with chl-a; W_j = r_j² / Σ r². Source: as
#: :data:`TLI_COEFFICIENTS` (SPEC §6.1 [V]).
TLI_R2: dict[str, float] = {"chla": 1.0, "tp": 0.7056, "tn": 0.6724, "sd": 0.6889,
                            "codmn": 0.6889}

#: Lower bounds of 中营养, 轻度富营养, 中度富营养, 重度富营养 (inclusive), SPEC §6.1 [V].
TLI_BOUNDS: tuple[float, ...] = (30.0, 50.0, 60.0, 70.0)

#: Accepted ``method`` and ``aggregation`` of :func:`trophic_state_table`.
METHODS: tuple[str, ...] = ("ei", "tli")
AGGREGATIONS: tuple[str, ...] = ("means", "samples")

#: EI sub-index columns, in the order of the SL 395 table (SPEC §6.2).
_EI_ORDER: tuple[str, ...] = ("tp", "tn", "chla", "codmn", "sd")

#: chl-a: inputs in mg/m³, the EI table in mg/L.
_CHLA_MG_M3_PER_MG_L = 1000.0


# ------------------------------------------------------------------------------------ helpers


def _column(frame: pd.DataFrame, code: str) -> np.ndarray:
    """Column ``code`` of ``frame`` as float (NaN where absent, missing or not numeric)."""
    if code not in frame.columns:
        return np.full(len(frame), np.nan)
    values = pd.to_numeric(frame[code], errors="coerce")
    return np.asarray(values.to_numpy(dtype=float, na_value=np.nan), dtype=float)


def _states(values: np.ndarray, bounds: Iterable[float], labels: tuple[str, ...], *,
            lower_inclusive: bool, index: pd.Index) -> pd.Series:
    """Ordered categorical of ``labels`` from ``values`` cut at ``bounds``; NA where NaN.

    ``lower_inclusive``: a value equal to a bound takes the class above it (TLI); otherwise the
    class below it (EI, upper bound inclusive).
    """
    bounds = np.asarray(list(bounds), dtype=float)
    side = "right" if lower_inclusive else "left"
    known = ~np.isnan(values)
    codes = np.full(len(values), -1, dtype=np.int64)
    codes[known] = np.searchsorted(bounds, values[known], side=side)
    cat = pd.Categorical.from_codes(codes, categories=list(labels), ordered=True)
    return pd.Series(cat, index=index, name="state")


def _weighted_mean(sub: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Row-wise Σ w_j x_j / Σ w_j over the non-NaN x_j of each row; NaN for a row without any."""
    present = ~np.isnan(sub)
    w = np.where(present, weights, 0.0)
    num = (np.where(present, sub, 0.0) * w).sum(axis=1)
    den = w.sum(axis=1)
    out = np.full(sub.shape[0], np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


def _as_float(values) -> tuple[np.ndarray, pd.Index]:
    """``values`` (scalar, array-like or Series) as a float array, and the index to give back."""
    if isinstance(values, pd.Series):
        array = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        return np.asarray(array, dtype=float), values.index
    array = np.atleast_1d(np.asarray(values, dtype=float))
    return array, pd.RangeIndex(len(array))


def tli_state(values) -> pd.Series:
    """Trophic state of TLI(Σ) values (SPEC §6.1 [V]), lower bound of each class inclusive.

    Parameters
    ----------
    values : float, array-like or Series
        TLI(Σ) [-]; NaN allowed.

    Returns
    -------
    pandas.Series
        Ordered categorical of :data:`TLI_STATES` (index of ``values`` if a Series):
        TLI < 30 贫营养, 30 ≤ TLI < 50 中营养, 50 ≤ TLI < 60 轻度富营养, 60 ≤ TLI < 70
        中度富营养, TLI ≥ 70 重度富营养; NA where NaN.
    """
    array, index = _as_float(values)
    return _states(array, TLI_BOUNDS, TLI_STATES, lower_inclusive=True, index=index)


def ei_state(values, classes: Mapping | None = None) -> pd.Series:
    """Trophic state of EI values (SL 395-2007, SPEC §6.2), upper bound of each class inclusive.

    Parameters
    ----------
    values : float, array-like or Series
        EI [-]; NaN allowed.
    classes : mapping, optional
        ``{"upper_bounds": [b1, b2, b3, b4]}`` [-], the inclusive upper bounds of 贫营养, 中营养,
        轻度富营养, 中度富营养; default ``ei_classes`` of the packaged ``mwr2020-lake`` profile
        (20, 50, 60, 80: EI ≤ 20 贫营养, 20 < EI ≤ 50 中营养, 50 < EI ≤ 60 轻度富营养,
        60 < EI ≤ 80 中度富营养, EI > 80 重度富营养).

    Returns
    -------
    pandas.Series
        Ordered categorical of :data:`EI_STATES` (index of ``values`` if a Series); NA where NaN.

    Raises
    ------
    ValueError
        Unless ``classes`` holds four strictly rising ``upper_bounds``.
    """
    array, index = _as_float(values)
    return _states(array, _ei_bounds(classes), EI_STATES, lower_inclusive=False, index=index)


# ---------------------------------------------------------------------------------- TLI(Σ)


def tli_weights(present: Iterable[str]) -> dict[str, float]:
    """TLI(Σ) weights W_j = r_j² / Σ r², renormalised over the parameters present (SPEC §6.1).

    Parameters
    ----------
    present : iterable of str
        Parameter codes present [-]: any of ``chla``, ``tp``, ``tn``, ``sd``, ``codmn``;
        duplicates are ignored.

    Returns
    -------
    dict of str to float
        Weight of each present parameter [-], summing to 1, in the order of
        :data:`PARAMETERS`; empty if none is present.

    Raises
    ------
    ValueError
        For an unknown parameter code.
    """
    present = set(present)
    unknown = present - set(PARAMETERS)
    if unknown:
        raise ValueError(f"unknown trophic parameter(s) {sorted(unknown)}; known: {PARAMETERS}")
    total = sum(TLI_R2[p] for p in present)
    return {p: TLI_R2[p] / total for p in PARAMETERS if p in present}


def tli(frame: pd.DataFrame) -> pd.DataFrame:
    """Comprehensive trophic level index TLI(Σ) of every row (SPEC §6.1 [V]).

    TLI(j) = 10 (a_j + b_j ln C_j) with the coefficients of :data:`TLI_COEFFICIENTS`;
    TLI(Σ) = Σ W_j TLI(j), W_j = r_j² / Σ r² (:data:`TLI_R2`) renormalised over the parameters
    present in that row (:func:`tli_weights`). A value that is missing, not numeric, not finite
    or ≤ 0 (its logarithm is undefined) does not enter: its TLI(j) is NaN and the row's weights
    are renormalised over the rest.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per sample or station; any subset of the columns ``chla`` [mg/m³ = µg/L],
        ``tp`` [mg/L], ``tn`` [mg/L], ``sd`` [m], ``codmn`` [mg/L]; NaN allowed. Other columns
        are ignored.

    Returns
    -------
    pandas.DataFrame
        Same index as ``frame``, columns:

        - ``tli_chla``, ``tli_tp``, ``tli_tn``, ``tli_sd``, ``tli_codmn`` (float): TLI(j) [-];
        - ``tli`` (float): TLI(Σ) [-], NaN where no parameter is present;
        - ``n_parameters`` (int64): parameters that entered [-];
        - ``state`` (ordered categorical of :data:`TLI_STATES`): trophic state, lower bound
          inclusive (30 → 中营养, 50 → 轻度富营养, 60 → 中度富营养, 70 → 重度富营养); NA where
          ``tli`` is NaN.
    """
    values = np.column_stack([_column(frame, p) for p in PARAMETERS])
    valid = np.isfinite(values) & (values > 0)
    a = np.array([TLI_COEFFICIENTS[p][0] for p in PARAMETERS])
    b = np.array([TLI_COEFFICIENTS[p][1] for p in PARAMETERS])
    logs = np.log(np.where(valid, values, 1.0))  # masked: no log of 0, negatives or NaN
    sub = np.where(valid, 10.0 * (a + b * logs), np.nan)
    r2 = np.array([TLI_R2[p] for p in PARAMETERS])
    total = _weighted_mean(sub, r2)

    out = pd.DataFrame({f"tli_{p}": sub[:, j] for j, p in enumerate(PARAMETERS)},
                       index=frame.index)
    out["tli"] = total
    out["n_parameters"] = valid.sum(axis=1).astype(np.int64)
    out["state"] = _states(total, TLI_BOUNDS, TLI_STATES, lower_inclusive=True,
                           index=frame.index)  # as tli_state
    return out


# -------------------------------------------------------------------------------------- EI


def default_ei_table() -> dict:
    """EI scoring table of the packaged lake profile (SPEC §6.2 [table R]), read from its YAML."""
    from health_eval.profiles.profile import load_profile

    params = load_profile("mwr2020-lake").indicators["water.trophic_state"].params
    return dict(params["ei_table"])


def default_ei_classes() -> dict:
    """EI class bounds of the packaged lake profile (SPEC §6.2 [R]), read from its YAML."""
    from health_eval.profiles.profile import load_profile

    params = load_profile("mwr2020-lake").indicators["water.trophic_state"].params
    return dict(params["ei_classes"])


def _ei_bounds(classes: Mapping | None) -> np.ndarray:
    """Validated EI class upper bounds of ``classes`` (default: the packaged profile's)."""
    classes = default_ei_classes() if classes is None else classes
    bounds = np.asarray(list(classes.get("upper_bounds", [])), dtype=float)
    if bounds.shape != (len(EI_STATES) - 1,) or not np.all(np.diff(bounds) > 0):
        raise ValueError(f"EI classes need {len(EI_STATES) - 1} strictly rising upper_bounds; "
                         f"got {classes.get('upper_bounds')!r}")
    return bounds


def _ei_breakpoints(table: Mapping, code: str) -> tuple[np.ndarray, np.ndarray]:
    """(parameter values ascending, EI at them) of one table column, for :func:`numpy.interp`.

    A column that falls as EI rises (SD) is reversed. Raises ValueError if the column is
    missing, of another length than ``ei``, or not strictly monotonic.
    """
    if "ei" not in table or code not in table:
        missing = [k for k in ("ei", code) if k not in table]
        raise ValueError(f"EI table lacks column(s) {missing}")
    scores = np.asarray(table["ei"], dtype=float)
    xp = np.asarray(table[code], dtype=float)
    if xp.ndim != 1 or xp.shape != scores.shape or len(xp) < 2:
        raise ValueError(f"EI table column {code!r} must be a list as long as 'ei' (≥ 2 rows); "
                         f"got {len(xp)} values for {len(scores)}")
    if not np.all(np.diff(scores) > 0):
        raise ValueError("EI table column 'ei' must rise strictly")
    step = np.diff(xp)
    if np.all(step < 0):
        xp, scores = xp[::-1], scores[::-1]
    elif not np.all(step > 0):
        raise ValueError(f"EI table column {code!r} must be strictly monotonic")
    return xp, scores


def ei(frame: pd.DataFrame, table: Mapping | None = None,
       classes: Mapping | None = None) -> pd.DataFrame:
    """Trophic index EI of SL 395-2007 of every row (SPEC §6.2).

    Each parameter's score is interpolated linearly between the rows of the scoring table (for
    SD, which falls as EI rises, on the reversed order); EI is the mean of the scores present in
    the row. Beyond the table's ends the score is clamped to the end rows' EI (with the default
    table: a value better than the first row scores 10, worse than the last row 100) — the
    table's range bounds EI, as SL 395 reads it. A value that is missing, not numeric, not
    finite or negative does not enter; 0 is a value (TP 0 scores the first row's EI; SD 0 the
    last row's).

    Parameters
    ----------
    frame : pandas.DataFrame
        Any subset of the columns ``tp`` [mg/L], ``tn`` [mg/L], ``chla`` [mg/m³ = µg/L,
        converted to mg/L here], ``codmn`` [mg/L], ``sd`` [m]; NaN allowed. Other columns are
        ignored.
    table : mapping, optional
        Scoring table [R]: ``{"ei": [...] [-], "tp": [...] [mg/L], "tn": [...] [mg/L],
        "chla": [...] [mg/L], "codmn": [...] [mg/L], "sd": [...] [m]}``, equal-length lists,
        ``ei`` strictly rising, each parameter strictly monotonic; other keys (``source``,
        ``confidence``) are ignored. Default: ``ei_table`` of the packaged ``mwr2020-lake``
        profile.
    classes : mapping, optional
        ``{"upper_bounds": [b1, b2, b3, b4]}`` [-]: the inclusive upper bound of 贫营养, 中营养,
        轻度富营养 and 中度富营养. Default: ``ei_classes`` of the packaged profile
        (20, 50, 60, 80).

    Returns
    -------
    pandas.DataFrame
        Same index as ``frame``, columns:

        - ``ei_tp``, ``ei_tn``, ``ei_chla``, ``ei_codmn``, ``ei_sd`` (float): score [-];
        - ``ei`` (float): mean of the scores present [-], NaN where none;
        - ``n_parameters`` (int64): parameters that entered [-];
        - ``state`` (ordered categorical of :data:`EI_STATES`): upper bound inclusive
          (EI ≤ 20 贫营养, 20 < EI ≤ 50 中营养, 50 < EI ≤ 60 轻度富营养, 60 < EI ≤ 80
          中度富营养, EI > 80 重度富营养); NA where ``ei`` is NaN.

    Raises
    ------
    ValueError
        For a malformed ``table`` or ``classes``.
    """
    table = default_ei_table() if table is None else table
    bounds = _ei_bounds(classes)

    scores = {}
    for code in _EI_ORDER:  # five columns, each vectorised over all rows
        xp, fp = _ei_breakpoints(table, code)
        x = _column(frame, code)
        if code == "chla":
            x = x / _CHLA_MG_M3_PER_MG_L
        valid = np.isfinite(x) & (x >= 0)
        scores[code] = np.where(valid, np.interp(np.where(valid, x, xp[0]), xp, fp), np.nan)

    sub = np.column_stack([scores[c] for c in _EI_ORDER])
    mean = _weighted_mean(sub, np.ones(len(_EI_ORDER)))
    out = pd.DataFrame({f"ei_{c}": scores[c] for c in _EI_ORDER}, index=frame.index)
    out["ei"] = mean
    out["n_parameters"] = (~np.isnan(sub)).sum(axis=1).astype(np.int64)
    out["state"] = _states(mean, bounds, EI_STATES, lower_inclusive=False, index=frame.index)
    return out


# ------------------------------------------------------------------------------- per station


def trophic_state_table(samples: pd.DataFrame, *, method: str, aggregation: str,
                        table: Mapping | None = None,
                        classes: Mapping | None = None) -> pd.DataFrame:
    """Trophic index and state of every station from long-form samples (SPEC §4.3, §6).

    Two aggregations over the evaluation year (the caller has filtered the samples to it):

    - ``"means"``: the index of the station's mean of each parameter (the mean over all its
      samples of that parameter, as :func:`~health_eval.indicators.samples.station_means`);
    - ``"samples"``: the mean over sampling dates of the per-date index. A date's parameter
      value is the mean of that date's samples of it; a date where some parameter is missing
      uses what is present (renormalised TLI weights, EI mean over the scores present); a
      date without any usable value does not count.

    Parameters
    ----------
    samples : pandas.DataFrame
        Long form: ``station_id`` (str), ``date`` (datetime64 or any hashable; rows without a
        date enter ``"means"`` only), ``parameter`` (``chla``, ``tp``, ``tn``, ``codmn``,
        ``sd``; other codes are ignored), ``value`` (float) [chla mg/m³; tp, tn, codmn mg/L;
        sd m], below-detection substitution already done.
    method : {"ei", "tli"}
        Index [-]: EI of SL 395-2007 (:func:`ei`) or TLI(Σ) (:func:`tli`).
    aggregation : {"means", "samples"}
        Index of the means, or mean of the per-date indices [-].
    table, classes : mapping, optional
        EI scoring table and class bounds, as in :func:`ei` (ignored for ``"tli"``).

    Returns
    -------
    pandas.DataFrame
        Index ``station_id`` (sorted), columns:

        - ``index`` (float): the EI or TLI(Σ) value of the chosen aggregation [-];
        - ``state`` (ordered categorical of :data:`TLI_STATES`): its trophic state, with the
          boundary convention of the method;
        - ``n_samples`` (int64): sampling dates with at least one usable value [-];
        - ``chla`` [mg/m³], ``tp``, ``tn``, ``codmn`` [mg/L], ``sd`` [m]: the station means;
        - the sub-indices of the ``"means"`` variant (``ei_tp`` … or ``tli_chla`` …) and its
          ``n_parameters`` [-], to explain the value.

    Raises
    ------
    ValueError
        For an unknown ``method`` or ``aggregation``.
    KeyError
        If ``station_id``, ``date``, ``parameter`` or ``value`` is missing.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if aggregation not in AGGREGATIONS:
        raise ValueError(f"aggregation must be one of {AGGREGATIONS}, got {aggregation!r}")
    missing = [c for c in ("station_id", "date", "parameter", "value") if c not in samples.columns]
    if missing:
        raise KeyError(f"samples lack column(s) {missing}")

    if method == "ei":
        table = default_ei_table() if table is None else table
        classes = default_ei_classes() if classes is None else classes

        def index_of(frame: pd.DataFrame) -> pd.DataFrame:
            return ei(frame, table, classes)

        def state_of(values: pd.Series) -> pd.Series:
            return ei_state(values, classes)
    else:
        index_of, state_of = tli, tli_state

    codes = ["chla", "tp", "tn", "codmn", "sd"]
    frame = samples[["station_id", "date", "parameter", "value"]]
    frame = frame[frame["parameter"].isin(codes)].copy()
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype(float)

    means = station_means(frame, parameters=codes).means
    means.columns.name = None
    sub = index_of(means)
    sub_cols = [c for c in sub.columns if c.startswith(f"{method}_")]

    usable = frame.dropna(subset=["station_id", "date", "value"])
    n_samples = distinct_per_key(usable["station_id"], usable["date"].to_numpy(), means.index)

    if aggregation == "means":
        value = sub[method].to_numpy(dtype=float)
    else:
        per_date = usable.pivot_table(index=["station_id", "date"], columns="parameter",
                                      values="value", aggfunc="mean", observed=True)
        date_index = index_of(per_date.reindex(columns=codes))[method]
        by_station = date_index.groupby(level="station_id").mean()
        value = by_station.reindex(means.index).to_numpy(dtype=float)

    out = pd.DataFrame({"index": value}, index=means.index)
    out["state"] = state_of(out["index"])
    out["n_samples"] = n_samples
    out = out.join(means[codes]).join(sub[sub_cols]).join(sub["n_parameters"])
    out.index.name = "station_id"
    return out
