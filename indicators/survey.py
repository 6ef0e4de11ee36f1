"""Pure methods for survey-based indicators (SPEC §4.5)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from pydantic import ValidationError

from health_eval.io.lookup import per_row
from health_eval.profiles.scoring import CurveRule


def default_respondent_weights() -> dict[str, float]:
    """Respondent weights of the packaged river profile (SPEC §4.5 [P]), read from its YAML."""
    from health_eval.profiles.profile import load_profile

    params = load_profile("mwr2020-river").indicators["social.public_satisfaction"].params
    return dict(params["respondent_weights"])


def public_satisfaction(responses: pd.DataFrame, weights: Mapping[str, float] | None = None, *,
                        by: str | Sequence[str] | None = None) -> float | pd.Series:
    """Weighted mean questionnaire score (公众满意度, SPEC §4.5).

    Parameters
    ----------
    responses : DataFrame
        Columns ``respondent_type`` (``resident``, ``manager``, ``worker``,
        ``frequent_visitor``, ``occasional_visitor``) and ``score`` [0–100 points], plus the
        grouping column(s) named in ``by``.
    weights : mapping of str to float, optional
        Weight per respondent type; default the packaged profile's (residents within 1 km 3,
        managers 2, workers 1.5, frequent visitors 1, occasional visitors 0.5).
    by : str or list of str, optional
        Group column(s): one value per group instead of one overall value.

    Returns
    -------
    float or Series
        Σ wᵢ·scoreᵢ / Σ wᵢ [points]; NaN (or a missing group) when there is no response.

    Raises
    ------
    ValueError
        For a respondent type that has no weight.
    """
    weights = dict(weights) if weights is not None else default_respondent_weights()
    type_code, types = pd.factorize(responses["respondent_type"])
    per_type = np.array([weights.get(name, np.nan) for name in types], dtype=float)
    unknown = types[np.isnan(per_type)]
    if len(unknown):
        raise ValueError(f"no weight for respondent type(s) {sorted(set(unknown))}; "
                         f"known: {sorted(weights)}")
    weight = per_row(type_code, per_type, np.nan)
    frame = pd.DataFrame({"weighted": weight * responses["score"].to_numpy(dtype=float,
                                                                         na_value=np.nan),
                          "weight": weight}, index=responses.index)
    if by is None:
        total = frame["weight"].sum()
        return float(frame["weighted"].sum() / total) if total > 0 else float("nan")
    keys = [by] if isinstance(by, str) else list(by)
    group, index = _group_codes(responses, keys)
    kept = group >= 0

    def total(column: np.ndarray) -> np.ndarray:       # per group, NaN counting as nothing
        return np.bincount(group[kept], weights=np.where(np.isnan(column), 0.0, column)[kept],
                           minlength=len(index))
    with np.errstate(invalid="ignore", divide="ignore"):
        return pd.Series(total(frame["weighted"].to_numpy()) / total(weight), index=index)


def _group_codes(frame: pd.DataFrame, keys: list[str]) -> tuple[np.ndarray, pd.Index]:
    """Each row's group of the columns ``keys`` (-1 where one is missing) and the groups, sorted
    (the index of a group-by of ``frame`` by ``keys``: a MultiIndex for several keys)."""
    group = np.zeros(len(frame), dtype=np.int64)
    uniques = []
    for key in keys:
        code, distinct = pd.factorize(frame[key], sort=True)
        group = np.where((group < 0) | (code < 0), -1, group * len(distinct) + code)
        uniques.append(distinct)
    present, group[group >= 0] = np.unique(group[group >= 0], return_inverse=True)
    levels = []
    for distinct in reversed(uniques):            # the last key varies fastest
        levels.insert(0, distinct.take(present % len(distinct)))
        present = present // len(distinct)
    index = (pd.Index(levels[0], name=keys[0]) if len(keys) == 1
             else pd.MultiIndex.from_arrays(levels, names=keys))
    return group, index


# Bank stability (岸坡稳定性, SPEC §4.1): the five elements of a survey plot, in output order.
# Each entry: plot column (= its key in the profile's ``bank_elements``), score column, kind.
_BANK_ELEMENTS: tuple[tuple[str, str, str], ...] = (
    ("slope_deg", "slope_score", "curve"),
    ("veg_cover_pct", "cover_score", "curve"),
    ("height_m", "height_score", "curve"),
    ("substrate", "substrate_score", "codes"),
    ("toe_erosion", "erosion_score", "codes"),
)


def default_bank_elements() -> dict[str, Any]:
    """Bank-stability element curves and code scores of the packaged river profile (SPEC §4.1 [P]).

    Read from ``basin.shoreline_naturalness.params.bank_elements`` of its YAML.
    """
    from health_eval.profiles.profile import load_profile

    params = load_profile("mwr2020-river").indicators["basin.shoreline_naturalness"].params
    return dict(params["bank_elements"])


def _element_curve(spec: Any, name: str) -> CurveRule:
    """The curve of one bank element: a breakpoint list, or a mapping with ``points``/``mode``."""
    try:
        if isinstance(spec, Mapping):
            return CurveRule.model_validate({**spec, "rule": "curve"})
        return CurveRule(points=spec)
    except ValidationError as exc:
        raise ValueError(f"bank element {name!r}: invalid curve {spec!r}: {exc}") from exc


def bank_stability_elements(plots: pd.DataFrame,
                            elements: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Element scores and bank stability of every survey plot (岸坡稳定性, SPEC §4.1).

    Parameters
    ----------
    plots : DataFrame
        One row per bank survey plot with columns ``slope_deg`` [°] (bank slope angle),
        ``veg_cover_pct`` [%] (bank vegetation cover), ``height_m`` [m] (bank height),
        ``substrate`` [code: ``bedrock``, ``rock_soil``, ``clay``, ``non_cohesive``] and
        ``toe_erosion`` [code: ``none``, ``light``, ``moderate``, ``severe``]; other columns
        are ignored.
    elements : mapping, optional
        The profile's ``bank_elements``: ``slope_deg``, ``veg_cover_pct`` and ``height_m`` are
        breakpoint lists ``[[x, score], ...]`` [element unit, 0–100 points], scored
        piecewise-linearly and clamped beyond the ends (a mapping ``{points: ..., mode: step}``
        selects the step form); ``substrate`` and ``toe_erosion`` map code → score [0–100
        points]. Keys ``source`` and ``confidence`` are ignored. Default: the packaged profile's
        (:func:`default_bank_elements`).

    Returns
    -------
    DataFrame
        The plots' index; columns ``slope_score``, ``cover_score``, ``height_score``,
        ``substrate_score``, ``erosion_score`` [0–100 points], ``bank_stability`` [0–100
        points] = the mean of the five element scores [V], and ``missing_elements`` [str]:
        the plot columns whose element could not be scored (missing or non-numeric value,
        unknown code), comma-separated, ``""`` when all five were scored. A plot with a missing
        element has ``bank_stability`` NaN: fewer elements are never averaged.

    Raises
    ------
    ValueError
        When ``plots`` lacks an element column, ``elements`` lacks an element, a curve is
        invalid (x not strictly increasing, scores outside [0, 100] or not monotone) or a code
        score lies outside [0, 100].
    """
    elements = dict(elements) if elements is not None else default_bank_elements()
    absent = [column for column, _, _ in _BANK_ELEMENTS if column not in plots.columns]
    if absent:
        raise ValueError(f"bank plots lack column(s) {absent}")
    unset = [column for column, _, _ in _BANK_ELEMENTS if column not in elements]
    if unset:
        raise ValueError(f"bank elements lack {unset}; given: {sorted(elements)}")

    columns = {}
    for column, score_column, kind in _BANK_ELEMENTS:     # the five elements, not the plots
        if kind == "curve":
            values = pd.to_numeric(plots[column], errors="coerce")
            x = values.to_numpy(dtype=float, na_value=np.nan)
            columns[score_column] = _element_curve(elements[column], column).score(x)
        else:
            columns[score_column] = _code_scores(plots[column], elements[column], column)
    scores = pd.DataFrame(columns, index=plots.index)
    missing = scores.isna().to_numpy()
    # the mean of all five, never of fewer: a plot with a missing element stays NaN
    return scores.assign(
        bank_stability=scores.mean(axis=1, skipna=False),
        missing_elements=_missing_labels(missing, [column for column, _, _ in _BANK_ELEMENTS]))


def _code_scores(codes: pd.Series, scores: Mapping[str, Any], name: str) -> np.ndarray:
    """Score [0–100 points] of each cell of ``codes`` by ``scores`` (code → score); NaN for a
    missing or unknown code. Raises ValueError for a score outside [0, 100]."""
    by_code = {str(code): float(score) for code, score in dict(scores).items()}
    if not all(0.0 <= score <= 100.0 for score in by_code.values()):
        raise ValueError(f"bank element {name!r}: code scores must lie in [0, 100], "
                         f"got {by_code}")
    code, distinct = pd.factorize(codes)
    return per_row(code, np.array([by_code.get(value, np.nan) for value in distinct],
                                  dtype=float), np.nan)


def _missing_labels(missing: np.ndarray, names: Sequence[str]) -> np.ndarray:
    """``"a, b"``: the ``names`` of the columns flagged in each row of ``missing`` (rows × names,
    bool), ``""`` for a row without any; object array, one label per row."""
    bits = missing.astype(np.int64) @ (1 << np.arange(len(names)))
    labels = [", ".join(n for i, n in enumerate(names) if combination >> i & 1)
              for combination in range(1 << len(names))]
    return np.array(labels, dtype=object)[bits]


def bank_stability(plots: pd.DataFrame, elements: Mapping[str, Any] | None = None) -> pd.Series:
    """Bank stability of every survey plot [0–100 points] (岸坡稳定性, SPEC §4.1).

    The ``bank_stability`` column of :func:`bank_stability_elements` (see there for
    ``plots`` [°, %, m, codes] and ``elements`` [profile mapping]): the mean of the five element
    scores, NaN for a plot with a missing element.
    """
    return bank_stability_elements(plots, elements)["bank_stability"]
