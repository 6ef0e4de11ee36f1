"""Pure methods for survey-based indicators (SPEC §4.5)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd


def default_respondent_weights() -> dict[str, float]:
    """Respondent weights of the packaged river profile (SPEC §4.5 [P]), read from its YAML."""
    from health_eval.profile import load_profile

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
    weight = responses["respondent_type"].map(weights).astype(float)
    unknown = responses.loc[weight.isna() & responses["respondent_type"].notna(), "respondent_type"]
    if len(unknown):
        raise ValueError(f"no weight for respondent type(s) {sorted(set(unknown))}; "
                         f"known: {sorted(weights)}")
    frame = pd.DataFrame({"weighted": weight * responses["score"].astype(float), "weight": weight})
    if by is None:
        total = frame["weight"].sum()
        return float(frame["weighted"].sum() / total) if total > 0 else float("nan")
    keys = [by] if isinstance(by, str) else list(by)
    sums = frame.join(responses[keys]).groupby(keys, sort=True)[["weighted", "weight"]].sum()
    return sums["weighted"] / sums["weight"]
