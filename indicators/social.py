"""Indicators of the 社会服务功能 criterion: flood control, supply, use, satisfaction (SPEC §4.5).

``social.public_satisfaction`` computes from questionnaires; the others take supplied values for
now.
"""

from __future__ import annotations

import pandas as pd

from health_eval.registry import ComputeContext, Indicator, IndicatorValues

from .basin import ALL_KINDS, RIVER
from .survey import public_satisfaction


def compute_public_satisfaction(dataset, context: ComputeContext) -> IndicatorValues:
    """Public satisfaction (公众满意度, SPEC §4.5) of every segment.

    A segment with at least ``min_responses`` responses of its own is scored from them; every
    other segment takes the value of its whole water body, computed from all of the water body's
    responses (those naming a segment included). Fewer than ``min_responses`` responses for the
    whole water body give ``insufficient_data``. Params: ``respondent_weights``,
    ``min_responses``.
    """
    weights = context.param("respondent_weights")
    minimum = int(context.param("min_responses"))
    responses = dataset.table("questionnaires")
    responses = responses[responses["water_body_id"].isin(context.segments["water_body_id"])]
    own = _survey(responses[responses["segment_id"].notna()], "segment_id", weights, "segment")
    own = own[(own["n_obs"] >= minimum) & own["segment_id"].isin(context.segments["segment_id"])]
    whole = _survey(responses, "water_body_id", weights, "water_body")
    others = context.segments.loc[~context.segments["segment_id"].isin(own["segment_id"]),
                                  ["segment_id", "water_body_id"]]
    broadcast = others.merge(whole, on="water_body_id").drop(columns="water_body_id")
    rows = pd.concat([own, broadcast], ignore_index=True)
    rows["status"] = ["insufficient_data" if n < minimum else "ok" for n in rows["n_obs"]]
    return IndicatorValues(table=rows)


def _survey(responses: pd.DataFrame, key: str, weights, survey: str) -> pd.DataFrame:
    """Weighted satisfaction, response count and count per respondent type by ``key``."""
    values = public_satisfaction(responses, weights, by=key)
    by_type = responses.groupby([key, "respondent_type"]).size().unstack(fill_value=0)
    counts = by_type.sum(axis=1)
    details = [{"survey": survey, "responses": int(n),
                "by_type": {t: int(k) for t, k in types.items() if k > 0}}
               for n, types in zip(counts, by_type.to_dict("records"))]
    frame = pd.DataFrame({key: values.index.astype("string"), "value": values.to_numpy(),
                          "n_obs": counts.reindex(values.index).to_numpy(dtype=int),
                          "details": pd.Series(details, index=by_type.index)
                          .reindex(values.index).to_list()})
    return frame.rename(columns={key: "segment_id"}) if key == "segment_id" else frame


INDICATORS: tuple[Indicator, ...] = (
    Indicator(id="social.flood_control", criterion="social", name_zh="防洪达标率",
              name_en="flood control compliance", applies_to=ALL_KINDS,
              inputs=("dike_reaches",), unit="%",
              references="SPEC §4.5 flood control: Σ(L·T·B)/Σ(L·T)"),
    Indicator(id="social.water_supply", criterion="social", name_zh="供水水量保证程度",
              name_en="water supply assurance", applies_to=ALL_KINDS,
              inputs=("water_supply", "stations"), unit="%",
              references="SPEC §4.5 water supply: share of days meeting design supply"),
    Indicator(id="social.drinking_source", criterion="social",
              name_zh="集中式饮用水水源地水质达标率", name_en="drinking-water source compliance",
              applies_to=ALL_KINDS, inputs=("drinking_source_samples", "stations"), unit="%",
              references="SPEC §4.5 drinking source: share of evaluations meeting the standard"),
    Indicator(id="social.shoreline_management", criterion="social", name_zh="岸线利用管理指数",
              name_en="shoreline use management index", applies_to=ALL_KINDS,
              inputs=("shoreline_lengths",),
              references="SPEC §4.5 shoreline management: (Lo − Lu + Lr)/Lo"),
    Indicator(id="social.navigation", criterion="social", name_zh="通航保证率",
              name_en="navigation assurance", applies_to=RIVER, inputs=("navigation",), unit="%",
              references="SPEC §4.5 navigation: share of the year navigable to standard"),
    Indicator(id="social.public_satisfaction", criterion="social", name_zh="公众满意度",
              name_en="public satisfaction", applies_to=ALL_KINDS, inputs=("questionnaires",),
              unit="分", compute=compute_public_satisfaction,
              references="SPEC §4.5 public satisfaction: respondent-weighted mean score"),
)
