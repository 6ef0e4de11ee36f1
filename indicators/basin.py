"""Indicators of the "盆" criterion: channel and basin form, shoreline, connectivity (SPEC §4.1).

Census tables (barriers, outfalls, 四乱 problems, lake connections) list everything found on the
water bodies of the input package: giving such a table, even with no row, says the census was
made, so a water body without rows in it has none (0 barriers scores 100). Leave the table out
of the package when no census was made; the indicator then has no data.
"""

from __future__ import annotations

from itertools import compress

import numpy as np
import pandas as pd

from health_eval.engine.details_table import with_details
from health_eval.engine.inputs import Inputs, InputSpec, TableInput
from health_eval.engine.registry import Indicator, IndicatorValues
from health_eval.profiles.indicator_params import NoParams
from health_eval.profiles.scoring import parse_rule
from health_eval.vocabulary import LAKE_KINDS, RIVER_KINDS

from . import details as fields
from . import params
from .frames import data_issue, weighted_mean
from .survey import bank_stability_elements

RIVER = frozenset(RIVER_KINDS)
LAKE = frozenset(LAKE_KINDS)
ALL_KINDS = RIVER | LAKE


def longitudinal_connectivity(inputs: Inputs, param) -> IndicatorValues:
    """Barriers per 100 km of river (河流纵向连通指数, SPEC §4.1) [1/100 km].

    A barrier with a working fishway *and* a guaranteed ecological flow does not count. The
    river length is ``water_bodies.length_km``, or the sum of its segments' lengths.
    """
    if "barriers" not in inputs.given:
        return IndicatorValues(table=pd.DataFrame(columns=["water_body_id", "value"]))
    barriers = inputs["barriers"]
    exempt = (barriers["has_working_fishway"].fillna(False)
              & barriers["eco_flow_guaranteed"].fillna(False)).astype(bool)
    counts = pd.DataFrame({"water_body_id": barriers["water_body_id"],
                           "barriers": 1, "counted": (~exempt).astype(int)}
                          ).groupby("water_body_id").sum()
    lengths = _river_lengths(inputs["water_bodies"], inputs.segments)
    table = lengths.join(counts).fillna({"barriers": 0, "counted": 0})
    table["value"] = table["counted"] / table["length_km"].where(table["length_km"] > 0) * 100
    table = table.reset_index()
    table["status"] = np.where(table["value"].isna(), "insufficient_data", "ok")
    issues = [data_issue("water_bodies", "length.missing", wb, inputs,
                         water_body_id=str(wb))
              for wb in table.loc[table["value"].isna(), "water_body_id"]]
    table["n_obs"] = table["barriers"].astype(int)
    return IndicatorValues(table=with_details(
        table, ["water_body_id", "value", "n_obs", "status"],
        {"barriers": "barriers", "counted": "counted", "length_km": "length_km",
         "length_from": "length_from"}), issues=tuple(issues))


def _river_lengths(water_bodies: pd.DataFrame, segments: pd.DataFrame) -> pd.DataFrame:
    """River length [km] of each water body of ``segments``: its own (``water_bodies``), else
    the sum of its segments'."""
    own = water_bodies.set_index("water_body_id")["length_km"]
    summed = segments.groupby("water_body_id")["length_km"].sum(min_count=1)
    wanted = pd.Index(segments["water_body_id"].drop_duplicates(), name="water_body_id")
    own, summed = own.reindex(wanted), summed.reindex(wanted)
    return pd.DataFrame({"length_km": own.fillna(summed),
                         "length_from": np.where(own.notna(), "water_bodies", "segments")},
                        index=wanted)


def shoreline_naturalness(inputs: Inputs, param) -> IndicatorValues:
    """Shoreline naturalness (岸线自然状况, SPEC §4.1): a composite score [0–100].

    ``bank_stability_weight`` × bank stability + ``vegetation_weight`` × vegetation-cover score.
    Bank stability of a segment is the mean (or, with the ``worst`` station policy, the lowest)
    plot score of its bank survey plots, each the mean of five element scores
    (``bank_elements``); vegetation cover is the length-weighted cover of its riparian reaches
    scored by the ``vegetation_cover`` curve. A segment with only one of the two parts is
    ``insufficient_data`` (the details say which part is missing).
    """
    w_bank = float(param("bank_stability_weight"))
    w_veg = float(param("vegetation_weight"))
    plots = inputs["bank_plots"]
    elements = bank_stability_elements(plots, param("bank_elements"))
    combine = "min" if inputs.policies.station_combination == "worst" else "mean"
    bank = _bank_per_segment(plots["segment_id"], elements["bank_stability"], combine)
    reaches = inputs["riparian_reaches"]
    cover = weighted_mean(reaches, "segment_id", "veg_cover_pct", "length_m")
    vegetation_rule = parse_rule(param("vegetation_cover"))
    table = bank.join(cover.rename(columns={"value": "vegetation_cover_pct", "n": "reaches"}),
                      how="outer")
    table["vegetation_score"] = vegetation_rule.score(table["vegetation_cover_pct"])
    table["value"] = w_bank * table["bank_stability"] + w_veg * table["vegetation_score"]
    table = table.reset_index()
    complete = table["value"].notna()
    table["status"] = np.where(complete, "ok", "insufficient_data")
    table["n_obs"] = table["plots"].fillna(0) + table["reaches"].fillna(0)
    lacking = table.loc[~complete, ["segment_id", "bank_stability"]]
    issues = [_incomplete_survey(inputs, segment, bank_missing=pd.isna(bank))
              for segment, bank in lacking.itertuples(index=False)]
    return IndicatorValues(table=with_details(
        table, ["segment_id", "value", "n_obs", "status"],
        {"bank_stability": "bank_stability", "plots": "plots",
         "plots_incomplete": "plots_incomplete", "vegetation_cover_pct": "vegetation_cover_pct",
         "vegetation_score": "vegetation_score", "reaches": "reaches"}), issues=tuple(issues))


def _bank_per_segment(segment: pd.Series, stability: pd.Series, combine: str) -> pd.DataFrame:
    """Bank stability of each segment from its plots' [0–100 points].

    Parameters
    ----------
    segment, stability : Series
        The segment and the bank stability of every plot, row for row (NaN: incomplete plot).
    combine : {"mean", "min"}
        How the plots' values make the segment's (NaN plots skipped).

    Returns
    -------
    DataFrame
        Index ``segment_id`` (sorted); ``bank_stability``, ``plots`` and ``plots_incomplete``.
    """
    code, segments = pd.factorize(segment, sort=True)
    grouped = code >= 0
    code, values = code[grouped], stability.to_numpy(dtype=float)[grouped]
    return pd.DataFrame({
        "bank_stability": pd.Series(values).groupby(code).agg(combine).to_numpy(),
        "plots": np.bincount(code, minlength=len(segments)),
        "plots_incomplete": np.bincount(code[np.isnan(values)], minlength=len(segments)),
    }, index=pd.Index(segments, name="segment_id"))


def _incomplete_survey(inputs: Inputs, segment: str, *, bank_missing: bool):
    table = "bank_plots" if bank_missing else "riparian_reaches"
    return data_issue(table, "survey.incomplete", segment, inputs, segment_id=str(segment),
                      phrase=table)


def riparian_width(inputs: Inputs, param) -> IndicatorValues:
    """Riparian width index (河岸带宽度指数, SPEC §4.1) [-].

    Length-weighted mean over the reaches of a segment of min(1, actual width / required width);
    reaches without both widths are left out and counted in the details.
    """
    reaches = inputs["riparian_reaches"]
    ratio = (reaches["width_m"] / reaches["required_width_m"].where(
        reaches["required_width_m"] > 0)).clip(upper=1.0)
    frame = reaches.assign(ratio=ratio)
    width = weighted_mean(frame, "segment_id", "ratio", "length_m")
    missing = frame["ratio"].isna().astype(int).groupby(frame["segment_id"]).sum()
    table = width.join(missing.rename("reaches_without_width")).reset_index()
    return IndicatorValues(table=with_details(
        table.assign(n_obs=table["n"]), ["segment_id", "value", "n_obs"],
        {"n": "reaches", "reaches_without_width": "reaches_without_width",
         "weight": "length_m"}))


def shoreline_violations(inputs: Inputs, param) -> IndicatorValues:
    """Illegal shoreline development (违规开发利用水域岸线程度, SPEC §4.1) [0–100].

    Three parts weighted by ``part_weights``: outfall standardisation (100 × share of outfalls
    built to standard), outfall siting (0 if any outfall lies in a prohibited zone, else 100 ×
    compliant share) and 四乱 (the ``four_problems`` deduction per problem by severity, floor 0).
    A segment without outfalls scores 100 on both outfall parts. Needs both census tables
    (``outfalls`` and ``shoreline_problems``, which may be empty).
    """
    missing = [t for t in ("outfalls", "shoreline_problems") if t not in inputs.given]
    if missing:  # one census without the other is worth a warning; neither is simply no data
        issues = [data_issue(t, "census.missing", t, inputs)
                  for t in missing if len(missing) == 1]
        return IndicatorValues(table=pd.DataFrame(columns=["segment_id", "value"]),
                               issues=tuple(issues))
    weights = param("part_weights")
    deduction = parse_rule(param("four_problems"))
    table = inputs.segments[["segment_id"]].set_index("segment_id")
    outfalls = inputs["outfalls"]
    flags = pd.DataFrame({
        "segment_id": outfalls["segment_id"], "outfalls": 1,
        "standardised": outfalls["standardised"].fillna(False).astype(int),
        "compliant": (outfalls["siting"] == "compliant").astype(int),
        "prohibited": (outfalls["siting"] == "prohibited_zone").astype(int)})
    table = table.join(flags.groupby("segment_id").sum()).fillna(0)
    problems = inputs["shoreline_problems"]
    by_severity = problems.groupby(["segment_id", "severity"]).size().unstack(fill_value=0)
    by_severity = by_severity.reindex(table.index, fill_value=0)
    has_outfalls = table["outfalls"] > 0
    table["standardisation_score"] = np.where(
        has_outfalls, 100 * table["standardised"] / table["outfalls"].where(has_outfalls), 100.0)
    table["siting_score"] = np.where(
        table["prohibited"] > 0, 0.0,
        np.where(has_outfalls, 100 * table["compliant"] / table["outfalls"].where(has_outfalls),
                 100.0))
    table["four_problems_score"] = deduction.score(by_severity)
    table["problems"] = by_severity.sum(axis=1)
    table["value"] = (weights["standardisation"] * table["standardisation_score"]
                      + weights["siting"] * table["siting_score"]
                      + weights["four_problems"] * table["four_problems_score"])
    severities = by_severity.columns.tolist()
    table["problems_by_severity"] = [dict(compress(zip(severities, row), row))   # counts > 0
                                     for row in by_severity.to_numpy().tolist()]
    table = table.reset_index()
    table["n_obs"] = (table["outfalls"] + table["problems"]).astype(int)
    return IndicatorValues(table=with_details(table, ["segment_id", "value", "n_obs"], {
        "outfalls": "outfalls", "standardised": "standardised", "compliant": "compliant",
        "prohibited": "in_prohibited_zone", "standardisation_score": "standardisation_score",
        "siting_score": "siting_score", "problems": "four_problems",
        "four_problems_score": "four_problems_score",
        "problems_by_severity": "problems_by_severity"}))


def lake_connectivity(inputs: Inputs, param) -> IndicatorValues:
    """Lake connectivity index (湖泊连通指数, SPEC §4.1) [0–100].

    Flow-weighted mean of the connections' rating scores (``rating_scores``: 畅通 … 完全阻隔);
    when no connection has a flow, the plain mean (the details say so).
    """
    connections = inputs["lake_connections"]
    scores = param("rating_scores")
    frame = connections.assign(score=connections["rating"].map(
        {k: float(v) for k, v in scores.items() if k not in ("source", "confidence")}),
        flow=connections["flow_m3s"].fillna(0.0), one=1.0)
    weighted = weighted_mean(frame, "water_body_id", "score", "flow")
    plain = weighted_mean(frame, "water_body_id", "score", "one")
    table = plain[["n"]].join(weighted[["value", "weight"]])
    table["weighting"] = np.where(table["value"].notna(), "flow", "equal")
    table["value"] = table["value"].fillna(plain["value"])
    table = table.reset_index()
    return IndicatorValues(table=with_details(
        table.assign(n_obs=table["n"]), ["water_body_id", "value", "n_obs"],
        {"n": "connections", "weight": "total_flow_m3s", "weighting": "weighting"}))


def lake_area_shrinkage(inputs: Inputs, param) -> IndicatorValues:
    """Lake area shrinkage (湖泊面积萎缩比例, SPEC §4.1): (1 − current/reference) × 100 [%].

    A lake larger now than its reference gives a negative value (it scores as no shrinkage).
    """
    areas = inputs["lake_areas"]
    reference = areas["reference_area_km2"].where(areas["reference_area_km2"] > 0)
    table = areas.assign(value=(1 - areas["current_area_km2"] / reference) * 100, n_obs=1)
    return IndicatorValues(table=with_details(table, ["water_body_id", "value", "n_obs"], {
        "current_area_km2": "current_area_km2", "reference_area_km2": "reference_area_km2",
        "reference_year": "reference_year"}))


INDICATORS: tuple[Indicator, ...] = (
    Indicator(id="basin.longitudinal_connectivity", criterion="basin", name_zh="河流纵向连通指数",
              name_en="longitudinal connectivity index", applies_to=RIVER, scope="water_body",
              inputs=InputSpec(TableInput("barriers", by="water_body"),
                               TableInput("water_bodies", by="all")), unit="1/100km",
              kernel=longitudinal_connectivity,
              params=NoParams,
              details=fields.LONGITUDINAL_CONNECTIVITY,
              references="SPEC §4.1 longitudinal connectivity: barriers per 100 km"),
    Indicator(id="basin.shoreline_naturalness", criterion="basin", name_zh="岸线自然状况",
              name_en="shoreline naturalness", applies_to=ALL_KINDS,
              inputs=InputSpec(TableInput("bank_plots", by="segment"),
                               TableInput("riparian_reaches", by="segment")), unit="分",
              kernel=shoreline_naturalness,
              params=params.ShorelineNaturalnessParams,
              details=fields.SHORELINE_NATURALNESS,
              references="SPEC §4.1 shoreline naturalness: 0.4 bank stability + 0.6 vegetation"),
    Indicator(id="basin.riparian_width", criterion="basin", name_zh="河岸带宽度指数",
              name_en="riparian zone width index", applies_to=RIVER,
              inputs=InputSpec(TableInput("riparian_reaches", by="segment")),
              kernel=riparian_width,
              params=NoParams,
              details=fields.RIPARIAN_WIDTH,
              references="SPEC §4.1 riparian width: length-weighted min(1, actual/required)"),
    Indicator(id="basin.shoreline_violations", criterion="basin",
              name_zh="违规开发利用水域岸线程度", name_en="illegal shoreline development",
              applies_to=ALL_KINDS, inputs=InputSpec(TableInput("outfalls", by="segment"),
                                                     TableInput("shoreline_problems", by="segment")),
              unit="分", kernel=shoreline_violations,
              params=params.ShorelineViolationsParams,
              details=fields.SHORELINE_VIOLATIONS,
              references="SPEC §4.1 shoreline violations: outfalls and 四乱"),
    Indicator(id="basin.lake_connectivity", criterion="basin", name_zh="湖泊连通指数",
              name_en="lake connectivity index", applies_to=LAKE, scope="water_body",
              inputs=InputSpec(TableInput("lake_connections", by="water_body")), unit="分",
              kernel=lake_connectivity,
              params=params.LakeConnectivityParams,
              details=fields.LAKE_CONNECTIVITY,
              references="SPEC §4.1 lake connectivity: flow-weighted rating"),
    Indicator(id="basin.lake_area_shrinkage", criterion="basin", name_zh="湖泊面积萎缩比例",
              name_en="lake area shrinkage", applies_to=LAKE, scope="water_body",
              inputs=InputSpec(TableInput("lake_areas", by="water_body")), unit="%",
              kernel=lake_area_shrinkage,
              params=NoParams,
              details=fields.LAKE_AREA_SHRINKAGE,
              references="SPEC §4.1 lake area shrinkage: 1 − current/reference area"),
)
