"""Indicators of the "水" criterion: water quantity and quality (SPEC §4.2, §4.3).

Each computes for all segments (or water bodies) at once from its raw table (daily flows and
levels, monthly flows, water-quality and sediment samples); a value supplied in
``indicator_values`` still wins.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from health_eval.indicator_params import NoParams
from health_eval.profile import ProfileError
from health_eval.registry import ComputeContext, Indicator, IndicatorValues
from health_eval.scoring import parse_rule

from . import details as fields
from . import params
from .basin import ALL_KINDS, LAKE, RIVER
from .daily import checked_coverage, daily_station_rows
from .frames import data_issue, records, rows_of_segments, rows_of_water_bodies
from .gb3838 import CLASS_LABELS, class_position, classify, evaluated_parameters
from .hydrology import days_meeting_share, eco_flow_table, min_level_ladder, monthly_flow_table
from .samples import StationMeans, effective_values, station_means
from .stations import (
    evaluation_year_codes,
    evaluation_year_links,
    evaluation_year_rows,
    period_text,
    placed_stations,
    segment_rows,
)
from .trophic import trophic_state_table

TROPHIC_PARAMETERS = ("chla", "tp", "tn", "codmn", "sd")

#: The columns of ``wq_samples`` its indicators read (its ``unit`` is left out of their rows).
SAMPLE_COLUMNS = ("station_id", "date", "parameter", "value", "below_detection",
                  "detection_limit")


def annual_means(dataset, context: ComputeContext) -> tuple[StationMeans, pd.Series]:
    """Evaluation-year mean of every parameter at every station of the water-quality samples
    (below-detection values by the profile's policy, SPEC §5), and each station's sampling
    period; computed once per evaluation and shared by the indicators that read them."""
    def make():
        samples, _ = evaluation_year_rows(dataset, context, "wq_samples", reads=SAMPLE_COLUMNS)
        stations = evaluation_year_codes(dataset, context, "wq_samples", "station_id")
        means = station_means(samples, below_detection=context.policies.below_detection,
                              station_codes=stations,
                              parameter_codes=evaluation_year_codes(dataset, context,
                                                                    "wq_samples", "parameter"))
        return means, period_text(samples, codes=stations).reindex(means.means.index)
    return context.memo(("annual_means", context.policies.below_detection), make)


def compute_wq_grade(dataset, context: ComputeContext) -> IndicatorValues:
    """Water-quality grade (水质优劣程度, SPEC §4.3): class position of each station.

    Per station, the evaluation-year mean of each parameter (below-detection values by the
    profile's policy) is placed on the continuous class scale of GB 3838-2002 (1 = within class
    Ⅰ … 6 = far worse than Ⅴ); the station's value is its worst parameter's position, so the worst
    class decides and within it the largest exceedance. Rivers leave out TN; lakes and reservoirs
    use the lake TP limits and include TN. Params: ``worse_than_v_zero_multiple``,
    ``ph_zero_deviation``.
    """
    links = evaluation_year_links(dataset, context, "wq_samples")
    all_means, period = annual_means(dataset, context)
    # each measured station's kind, from the small stations table, not the millions of samples
    kinds = placed_stations(dataset, context).set_index("station_id")["kind"].reindex(
        all_means.means.index)
    frames = []
    for kind, stations in kinds.groupby(kinds, sort=True).groups.items():  # three kinds at most
        parameters = list(evaluated_parameters(kind))
        counts = all_means.counts.reindex(index=stations, columns=parameters, fill_value=0)
        measured = counts.index[counts.sum(axis=1) > 0]
        means = all_means.means.reindex(index=measured, columns=parameters)
        counts = counts.loc[measured]
        below = all_means.below_detection_counts.reindex(index=measured, columns=parameters,
                                                         fill_value=0)
        positions = class_position(
            means, kind,
            worse_than_v_zero_multiple=context.param("worse_than_v_zero_multiple"),
            ph_zero_deviation=context.param("ph_zero_deviation"))
        classes = classify(means, kind)
        samples_per_station = counts.max(axis=1)
        details = [
            {"station_id": station, "wq_class": CLASS_LABELS.get(cls),
             "limiting": limiting, "exceedance_vs_III": exceedance,
             "samples": int(n), "below_detection": int(bd), "period": span}
            for station, cls, limiting, exceedance, n, bd, span in zip(
                positions.index.tolist(),
                classes["wq_class"].to_numpy(dtype=object, na_value=None).tolist(),
                classes["limiting"].tolist(), classes["exceedance"].tolist(),
                samples_per_station.tolist(), below.sum(axis=1).tolist(),
                period.reindex(positions.index).tolist())]
        frames.append(segment_rows(links, pd.DataFrame({
            "station_id": positions.index, "value": positions.max(axis=1).to_numpy(),
            "n_obs": samples_per_station.to_numpy(), "details": details})))
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["segment_id", "station_id", "value", "n_obs", "details"])
    return IndicatorValues(table=table)


def compute_self_purification(dataset, context: ComputeContext) -> IndicatorValues:
    """Self-purification capacity (水体自净能力, SPEC §4.3): evaluation-year mean DO [mg/L]."""
    links = evaluation_year_links(dataset, context, "wq_samples")
    means, period = annual_means(dataset, context)
    if "do" not in means.means:
        return IndicatorValues(table=pd.DataFrame(columns=["segment_id", "value"]))
    counts = means.counts["do"]
    measured = counts.index[counts > 0]
    details = [{"station_id": station, "samples": int(n), "period": span}
               for station, n, span in zip(measured.tolist(), counts[measured].tolist(),
                                           period[measured].tolist())]
    table = segment_rows(links, pd.DataFrame({
        "station_id": measured, "value": means.means.loc[measured, "do"].to_numpy(),
        "n_obs": counts[measured].to_numpy(), "details": details}))
    return IndicatorValues(table=table)


def compute_eco_flow(dataset, context: ComputeContext) -> IndicatorValues:
    """Ecological flow satisfaction (生态流量满足程度, SPEC §4.2) of each control station.

    ``method: ratios`` (default): EF1 = lowest daily flow of ``dry_months`` / multi-year mean
    flow, EF2 the same over ``wet_months``, each scored by its curve (``ef1``, ``ef2``, in % of
    the mean flow); the value is the lower of the two scores [0–100] and the details say which
    period decided. ``method: target``: 100 × share of days at or above the station's approved
    ecological-flow target. Series below ``min_coverage`` are ``insufficient_data``.
    """
    method = context.param("method")
    daily, links = evaluation_year_rows(
        dataset, context, "daily_flow",
        columns=("evaluation_year", "mean_flow_m3s", "eco_flow_target_m3s"))
    coverage, gaps = checked_coverage(dataset, "daily_flow", daily, "flow_m3s",
                                      float(context.param("min_coverage")))
    issues = list(gaps)
    stations = daily.groupby("station_id")[["mean_flow_m3s", "eco_flow_target_m3s"]].first()
    if method == "target":
        share = days_meeting_share(daily, "station_id", "flow_m3s", "eco_flow_target_m3s")
        table = coverage.join(share)
        table["value"] = table["share"] * 100
        table["target_m3s"] = stations["eco_flow_target_m3s"]
        detail_columns = {"target_m3s": "target_m3s", "days_meeting": "days_meeting",
                          "days": "days"}
        missing, lacking = table["target_m3s"].isna(), "target_m3s"
    elif method == "ratios":
        ratios = eco_flow_table(daily[["station_id", "date", "flow_m3s"]],
                                stations["mean_flow_m3s"],
                                dry_months=context.param("dry_months"),
                                wet_months=context.param("wet_months"))
        table = coverage.join(ratios)
        table["ef1_pct"], table["ef2_pct"] = table["ef1"] * 100, table["ef2"] * 100
        table["ef1_score"] = parse_rule(context.param("ef1")).score(table["ef1_pct"])
        table["ef2_score"] = parse_rule(context.param("ef2")).score(table["ef2_pct"])
        table["value"] = np.minimum(table["ef1_score"], table["ef2_score"])
        table["decided_by"] = np.where(table["ef1_score"] <= table["ef2_score"], "EF1", "EF2")
        table["mean_flow_m3s"] = stations["mean_flow_m3s"]
        detail_columns = {"mean_flow_m3s": "mean_flow_m3s", "ef1_pct": "ef1_pct",
                          "ef1_min_flow": "ef1_min_flow_m3s", "ef1_date": "ef1_date",
                          "ef1_score": "ef1_score", "ef2_pct": "ef2_pct",
                          "ef2_min_flow": "ef2_min_flow_m3s", "ef2_date": "ef2_date",
                          "ef2_score": "ef2_score", "decided_by": "decided_by"}
        missing, lacking = table["mean_flow_m3s"].isna(), "mean_flow_m3s"
    else:
        raise ProfileError(f"indicators.water.eco_flow.params.method: unknown method "
                           f"{method!r}; choose ratios or target")
    issues += [data_issue("stations", "station.value_missing", str(station), dataset,
                          phrase=lacking) for station in table.index[missing]]
    return IndicatorValues(table=daily_station_rows(links, table, detail_columns),
                           issues=tuple(issues))


def compute_flow_deviation(dataset, context: ComputeContext) -> IndicatorValues:
    """Flow deviation FD of the evaluation year (流量过程变异程度 / 入湖流量变异程度, SPEC §4.2).

    From the measured and naturalised monthly flows of ``monthly_flow`` (for lakes: the total
    inflow); fewer than 12 complete months is ``insufficient_data``.
    """
    monthly = rows_of_water_bodies(dataset, context, "monthly_flow").merge(
        context.water_bodies[["water_body_id", "evaluation_year"]], on="water_body_id")
    monthly = monthly[monthly["year"] == monthly["evaluation_year"]]
    table = monthly_flow_table(monthly).reset_index()
    incomplete = table["months"] < 12
    table["status"] = np.where(incomplete, "insufficient_data", "ok")
    table["details"] = records(table, {"months": "months", "q_mean_natural": "natural_mean_m3s"})
    issues = tuple(data_issue("monthly_flow", "series.incomplete", wb, dataset,
                              water_body_id=str(wb), n=n)
                   for wb, n in zip(table.loc[incomplete, "water_body_id"],
                                    table.loc[incomplete, "months"]))
    return IndicatorValues(table=table.rename(columns={"fd": "value", "months": "n_obs"})[
        ["water_body_id", "value", "n_obs", "status", "details"]], issues=issues)


def compute_sediment(dataset, context: ComputeContext) -> IndicatorValues:
    """Sediment pollution (底泥污染状况, SPEC §4.3): max over metals of C/S at each site [-].

    C is the site's mean content of a metal; S its screening value — the sample's own, else the
    profile's ``screening_values`` table (GB 15618-2018) at the sample's pH. Rows with neither
    are reported and left out.
    """
    samples = rows_of_segments(dataset, context, "sediment_samples")
    screening = samples["screening_mg_kg"].fillna(
        _screening_by_ph(samples, context.param("screening_values")))
    frame = samples.assign(ratio=samples["value_mg_kg"] / screening.where(screening > 0))
    unusable = frame[frame["ratio"].isna()]
    issues = [data_issue("sediment_samples", "screening.missing", str(site), dataset,
                         count=int(n), n=n)
              for site, n in unusable.groupby("site_id").size().items()]
    per_metal = frame.dropna(subset=["ratio"]).groupby(
        ["segment_id", "site_id", "metal"])["ratio"].agg(["mean", "size"]).reset_index()
    per_metal = per_metal.sort_values(["segment_id", "site_id", "mean"],
                                      ascending=[True, True, False])
    worst = per_metal.drop_duplicates(["segment_id", "site_id"])
    samples_per_site = per_metal.groupby(["segment_id", "site_id"])["size"].sum()
    table = worst.set_index(["segment_id", "site_id"]).assign(
        n_obs=samples_per_site).reset_index()
    table["details"] = records(table, {"site_id": "site_id", "metal": "limiting_metal",
                                       "mean": "max_ratio"})
    table = table.rename(columns={"site_id": "station_id", "mean": "value"})
    return IndicatorValues(table=table[["segment_id", "station_id", "value", "n_obs", "details"]],
                           issues=tuple(issues))


def _screening_by_ph(samples: pd.DataFrame, values) -> pd.Series:
    """Screening value [mg/kg] of each sample's metal at its pH band (NaN without pH)."""
    bounds = np.asarray(values["ph_upper_bounds"], dtype=float)
    band = np.searchsorted(bounds, samples["ph"].to_numpy(dtype=float, na_value=np.nan),
                           side="left")
    table = {metal: np.asarray(values[metal], dtype=float) for metal in samples["metal"].unique()
             if isinstance(metal, str) and metal in values}
    result = np.full(len(samples), np.nan)
    metals = samples["metal"].to_numpy(dtype=object)
    has_ph = samples["ph"].notna().to_numpy()
    for metal, row in table.items():  # eight metals at most, not a loop over rows
        hit = (metals == metal) & has_ph
        result[hit] = row[band[hit]]
    return pd.Series(result, index=samples.index)


def compute_min_eco_level(dataset, context: ComputeContext) -> IndicatorValues:
    """Minimum ecological water level (最低生态水位满足程度, SPEC §4.2) at each lake gauge.

    The value is the longest moving-mean window (of ``windows``, days) whose mean falls below the
    gauge's minimum ecological level (``stations.min_eco_level_m``); 0 when every day is at or
    above it. Series below ``min_coverage`` are ``insufficient_data``.
    """
    levels, links = evaluation_year_rows(dataset, context, "water_level",
                                         columns=("evaluation_year", "min_eco_level_m"))
    coverage, gaps = checked_coverage(dataset, "water_level", levels, "level_m",
                                      float(context.param("min_coverage")))
    issues = list(gaps)
    minimum = levels.groupby("station_id")["min_eco_level_m"].first()
    ladder = min_level_ladder(levels[["station_id", "date", "level_m"]], minimum.dropna(),
                              windows=context.param("windows"))
    table = coverage.join(ladder)
    table["value"] = table["window"].astype(float)
    table["min_eco_level_m"] = minimum
    issues += [data_issue("stations", "station.value_missing", str(station), dataset,
                          phrase="min_eco_level_m")
               for station in table.index[table["min_eco_level_m"].isna()]]
    columns = {"min_eco_level_m": "min_eco_level_m", "window": "window_days",
               "days_below": "days_below", "lowest_level_m": "lowest_level_m",
               "first_date_below": "first_date_below"}
    return IndicatorValues(table=daily_station_rows(links, table, columns),
                           issues=tuple(issues))


def compute_trophic_state(dataset, context: ComputeContext) -> IndicatorValues:
    """Lake trophic state (湖泊营养状态, SPEC §4.3, §6) of each station: EI or TLI(Σ).

    ``method``: ``ei`` (SL 395-2007, the profile's ``ei_table``) or ``tli``; ``aggregation``:
    ``means`` (the index of the evaluation-year means) or ``samples`` (the mean of per-sample
    indices). Below-detection values enter by the profile's policy.
    """
    samples, links = evaluation_year_rows(dataset, context, "wq_samples", reads=SAMPLE_COLUMNS)
    samples = samples[samples["parameter"].isin(TROPHIC_PARAMETERS)]
    value, _ = effective_values(samples, context.policies.below_detection)
    table = trophic_state_table(
        samples[["station_id", "date", "parameter"]].assign(value=value),
        method=context.param("method"), aggregation=context.param("aggregation"),
        table=context.param("ei_table"), classes=context.param("ei_classes"))
    table["method"] = context.param("method")
    table["aggregation"] = context.param("aggregation")
    columns = {"method": "method", "aggregation": "aggregation", "state": "state",
               "n_samples": "samples", **{p: f"mean_{p}" for p in TROPHIC_PARAMETERS}}
    return IndicatorValues(table=segment_rows(links, pd.DataFrame({
        "station_id": table.index, "value": table["index"].to_numpy(),
        "n_obs": table["n_samples"].to_numpy(), "details": records(table, columns)})))


INDICATORS: tuple[Indicator, ...] = (
    Indicator(id="water.eco_flow", criterion="water", name_zh="生态流量满足程度",
              name_en="ecological flow satisfaction", applies_to=RIVER,
              inputs=("daily_flow", "stations"),
              compute=compute_eco_flow,
              params=params.EcoFlowParams,
              details=fields.ECO_FLOW,
              references="SPEC §4.2 ecological flow: min of EF1 (Oct–Mar), EF2 (Apr–Sep) scores"),
    Indicator(id="water.min_eco_level", criterion="water", name_zh="最低生态水位满足程度",
              name_en="minimum ecological water level", applies_to=LAKE,
              inputs=("water_level", "stations"), unit="d",
              compute=compute_min_eco_level,
              params=params.MinEcoLevelParams,
              details=fields.MIN_ECO_LEVEL,
              references="SPEC §4.2 minimum ecological water level: moving-mean ladder"),
    Indicator(id="water.flow_deviation", criterion="water", name_zh="流量过程变异程度",
              name_en="flow regime deviation", applies_to=RIVER, scope="water_body",
              inputs=("monthly_flow",),
              compute=compute_flow_deviation,
              params=NoParams,
              details=fields.FLOW_DEVIATION,
              references="SPEC §4.2 flow deviation: FD = sqrt(Σ((q−Q)/Q̄)²)"),
    Indicator(id="water.inflow_deviation", criterion="water", name_zh="入湖流量变异程度",
              name_en="inflow regime deviation", applies_to=LAKE, scope="water_body",
              inputs=("monthly_flow",),
              compute=compute_flow_deviation,
              params=NoParams,
              details=fields.FLOW_DEVIATION,
              references="SPEC §4.2 inflow deviation: FD on total inflow"),
    Indicator(id="water.wq_grade", criterion="water", name_zh="水质优劣程度",
              name_en="water quality grade", applies_to=ALL_KINDS,
              inputs=("wq_samples", "stations"), compute=compute_wq_grade,
              params=params.WqGradeParams,
              details=fields.WQ_GRADE,
              references="SPEC §4.3 water-quality grade; GB 3838-2002 Table 1 (SPEC §5)"),
    Indicator(id="water.trophic_state", criterion="water", name_zh="湖泊营养状态",
              name_en="lake trophic state", applies_to=LAKE,
              inputs=("wq_samples", "stations"),
              compute=compute_trophic_state,
              params=params.TrophicStateParams,
              details=fields.TROPHIC_STATE,
              references="SPEC §4.3 trophic state: EI (SL 395-2007) or TLI(Σ), SPEC §6"),
    Indicator(id="water.sediment", criterion="water", name_zh="底泥污染状况",
              name_en="sediment pollution", applies_to=ALL_KINDS,
              inputs=("sediment_samples",),
              compute=compute_sediment,
              params=params.SedimentParams,
              details=fields.SEDIMENT,
              references="SPEC §4.3 sediment: max C/S against GB 15618-2018 screening values"),
    Indicator(id="water.self_purification", criterion="water", name_zh="水体自净能力",
              name_en="self-purification capacity", applies_to=ALL_KINDS,
              inputs=("wq_samples", "stations"), unit="mg/L",
              compute=compute_self_purification,
              params=NoParams,
              details=fields.SELF_PURIFICATION,
              references="SPEC §4.3 self-purification: evaluation-year mean dissolved oxygen"),
)


