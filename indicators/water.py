"""Indicators of the "水" criterion: water quantity and quality (SPEC §4.2, §4.3).

Each is a kernel over the inputs it declares (daily flows and levels, monthly flows,
water-quality and sediment samples), resolved for all segments at once by the engine's input
stage (:mod:`health_eval.engine.input_stage`); a value supplied in ``indicator_values`` still wins.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from health_eval.engine.details_table import with_details
from health_eval.engine.inputs import EVALUATION_YEAR, DailyCoverage, Inputs, InputSpec, TableInput
from health_eval.engine.registry import Indicator, IndicatorValues
from health_eval.profiles.indicator_params import NoParams
from health_eval.profiles.profile import ProfileError
from health_eval.profiles.scoring import parse_rule

from . import details as fields
from . import params
from .basin import ALL_KINDS, LAKE, RIVER
from .frames import data_issue, period_text
from .gb3838 import CLASS_LABELS, class_position, classify, evaluated_parameters
from .hydrology import days_meeting_share, eco_flow_table, min_level_ladder, monthly_flow_table
from .samples import StationMeans, station_means
from .trophic import trophic_state_table

TROPHIC_PARAMETERS = ("chla", "tp", "tn", "codmn", "sd")

#: The water-quality samples its indicators read: evaluation year, own or borrowed stations,
#: below-detection values substituted (SPEC §5); its ``unit`` is left out of their rows.
WQ_SAMPLES = TableInput("wq_samples", columns=("station_id", "date", "parameter", "value",
                                               "below_detection", "detection_limit"),
                        below_detection=True)


def annual_means(inputs: Inputs) -> tuple[StationMeans, pd.Series]:
    """Evaluation-year mean of every parameter at every station of the water-quality samples
    (below-detection values by the profile's policy, SPEC §5), and each station's sampling
    period; computed once per evaluation and shared by the kernels that read them."""
    def make():
        samples = inputs["wq_samples"]
        stations = inputs.codes("wq_samples", "station_id")
        means = station_means(samples, below_detection=None, station_codes=stations,
                              parameter_codes=inputs.codes("wq_samples", "parameter"))
        return means, period_text(samples, codes=stations).reindex(means.means.index)
    return inputs.memo(("annual_means", WQ_SAMPLES, inputs.policies.below_detection), make)


def wq_grade(inputs: Inputs, param) -> pd.DataFrame:
    """Water-quality grade (水质优劣程度, SPEC §4.3): class position of each station.

    Per station, the evaluation-year mean of each parameter (below-detection values by the
    profile's policy) is placed on the continuous class scale of GB 3838-2002 (1 = within class
    Ⅰ … 6 = far worse than Ⅴ); the station's value is its worst parameter's position, so the worst
    class decides and within it the largest exceedance. Rivers leave out TN; lakes and reservoirs
    use the lake TP limits and include TN. Params: ``worse_than_v_zero_multiple``,
    ``ph_zero_deviation``. One row per measured station.
    """
    all_means, period = annual_means(inputs)
    # each measured station's kind, from the small stations table, not the millions of samples
    kinds = inputs.stations.set_index("station_id")["kind"].reindex(all_means.means.index)
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
            worse_than_v_zero_multiple=param("worse_than_v_zero_multiple"),
            ph_zero_deviation=param("ph_zero_deviation"))
        classes = classify(means, kind)
        samples_per_station = counts.max(axis=1)
        frames.append(pd.DataFrame({
            "station_id": positions.index, "value": positions.max(axis=1).to_numpy(),
            "n_obs": samples_per_station.to_numpy(),
            "wq_class": classes["wq_class"].map(CLASS_LABELS).to_numpy(dtype=object),
            "limiting": classes["limiting"].to_numpy(),
            "exceedance_vs_III": classes["exceedance"].to_numpy(),
            "samples": samples_per_station.to_numpy(),
            "below_detection": below.sum(axis=1).to_numpy(),
            "period": period.reindex(positions.index).to_numpy()}))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["station_id", "value", "n_obs"])


def self_purification(inputs: Inputs, param) -> pd.DataFrame:
    """Self-purification capacity (水体自净能力, SPEC §4.3): evaluation-year mean DO [mg/L] of
    each station."""
    means, period = annual_means(inputs)
    if "do" not in means.means:
        return pd.DataFrame(columns=["station_id", "value"])
    counts = means.counts["do"]
    measured = counts.index[counts > 0]
    return pd.DataFrame({
        "station_id": measured, "value": means.means.loc[measured, "do"].to_numpy(),
        "n_obs": counts[measured].to_numpy(), "samples": counts[measured].to_numpy(),
        "period": period[measured].to_numpy()})


def eco_flow(inputs: Inputs, param) -> IndicatorValues:
    """Ecological flow satisfaction (生态流量满足程度, SPEC §4.2) of each control station.

    ``method: ratios`` (default): EF1 = lowest daily flow of ``dry_months`` / multi-year mean
    flow, EF2 the same over ``wet_months``, each scored by its curve (``ef1``, ``ef2``, in % of
    the mean flow); the value is the lower of the two scores [0–100] and the details say which
    period decided. ``method: target``: 100 × share of days at or above the station's approved
    ecological-flow target. Series below ``min_coverage`` are ``insufficient_data`` (the
    engine's minimum-data rule). One row per station of the series.
    """
    method = param("method")
    daily = inputs["daily_flow"]
    stations = daily.groupby("station_id")[["mean_flow_m3s", "eco_flow_target_m3s"]].first()
    if method == "target":
        table = days_meeting_share(daily, "station_id", "flow_m3s",
                                   "eco_flow_target_m3s").reindex(stations.index)
        table["value"] = table["share"] * 100
        table["target_m3s"] = stations["eco_flow_target_m3s"]
        detail_columns = {"target_m3s": "target_m3s", "days_meeting": "days_meeting",
                          "days": "days"}
        missing, lacking = table["target_m3s"].isna(), "target_m3s"
    elif method == "ratios":
        ratios = eco_flow_table(daily[["station_id", "date", "flow_m3s"]],
                                stations["mean_flow_m3s"],
                                dry_months=param("dry_months"),
                                wet_months=param("wet_months"))
        table = ratios.reindex(stations.index)
        table["ef1_pct"], table["ef2_pct"] = table["ef1"] * 100, table["ef2"] * 100
        table["ef1_score"] = parse_rule(param("ef1")).score(table["ef1_pct"])
        table["ef2_score"] = parse_rule(param("ef2")).score(table["ef2_pct"])
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
    issues = [data_issue("stations", "station.value_missing", str(station), inputs,
                         phrase=lacking) for station in table.index[missing]]
    return IndicatorValues(table=_station_values(table, detail_columns), issues=tuple(issues))


def _station_values(table: pd.DataFrame, detail_columns: dict[str, str]) -> pd.DataFrame:
    """``station_id, value`` and the detail columns of a kernel's table indexed by station."""
    return with_details(table.assign(station_id=table.index), ["station_id", "value"],
                        detail_columns)


def flow_deviation(inputs: Inputs, param) -> IndicatorValues:
    """Flow deviation FD of the evaluation year (流量过程变异程度 / 入湖流量变异程度, SPEC §4.2).

    From the measured and naturalised monthly flows of ``monthly_flow`` (for lakes: the total
    inflow); fewer than 12 complete months is ``insufficient_data``.
    """
    table = monthly_flow_table(inputs["monthly_flow"]).reset_index()
    incomplete = table["months"] < 12
    table["status"] = np.where(incomplete, "insufficient_data", "ok")
    issues = tuple(data_issue("monthly_flow", "series.incomplete", wb, inputs,
                              water_body_id=str(wb), n=n)
                   for wb, n in zip(table.loc[incomplete, "water_body_id"],
                                    table.loc[incomplete, "months"]))
    return IndicatorValues(table=with_details(
        table.assign(value=table["fd"], n_obs=table["months"]),
        ["water_body_id", "value", "n_obs", "status"],
        {"months": "months", "q_mean_natural": "natural_mean_m3s"}), issues=issues)


def sediment(inputs: Inputs, param) -> IndicatorValues:
    """Sediment pollution (底泥污染状况, SPEC §4.3): max over metals of C/S at each site [-].

    C is the site's mean content of a metal; S its screening value — the sample's own, else the
    profile's ``screening_values`` table (GB 15618-2018) at the sample's pH. Rows with neither
    are reported and left out.
    """
    samples = inputs["sediment_samples"]
    screening = samples["screening_mg_kg"].fillna(
        _screening_by_ph(samples, param("screening_values")))
    frame = samples.assign(ratio=samples["value_mg_kg"] / screening.where(screening > 0))
    unusable = frame[frame["ratio"].isna()]
    issues = [data_issue("sediment_samples", "screening.missing", str(site), inputs,
                         count=int(n), n=n)
              for site, n in unusable.groupby("site_id").size().items()]
    table = _worst_metal(frame)
    table = table.assign(station_id=table["site_id"], value=table["mean"])
    return IndicatorValues(table=with_details(
        table, ["segment_id", "station_id", "value", "n_obs"],
        {"site_id": "site_id", "metal": "limiting_metal", "mean": "max_ratio"}),
        issues=tuple(issues))


def _worst_metal(frame: pd.DataFrame) -> pd.DataFrame:
    """Per segment and site (sorted), the metal of the highest mean ``ratio`` [-] (the first in
    name order on a tie): ``segment_id, site_id, metal, mean`` and ``n_obs`` (rows with a
    ratio); rows without a ratio, segment, site or metal are left out."""
    codes = [pd.factorize(frame[column], sort=True) for column in ("segment_id", "site_id",
                                                                   "metal")]
    ratio = frame["ratio"].to_numpy(dtype=float, na_value=np.nan)
    usable = ~np.isnan(ratio)
    for code, _ in codes:
        usable &= code >= 0
    (segment, segments), (site, sites), (metal, metals) = codes
    pair = segment[usable].astype(np.int64) * len(sites) + site[usable]
    groups, at = np.unique(pair * len(metals) + metal[usable], return_inverse=True)
    size = np.bincount(at, minlength=len(groups))
    mean = np.bincount(at, weights=ratio[usable], minlength=len(groups)) / size
    group_pair, group_metal = groups // len(metals), groups % len(metals)
    order = np.lexsort((group_metal, -mean, group_pair))      # worst metal first in its pair
    first = order[np.r_[True, np.diff(group_pair[order]) != 0]] if len(order) else order
    pairs, n_obs = np.unique(pair, return_counts=True)
    return pd.DataFrame({"segment_id": segments.take(group_pair[first] // len(sites)),
                         "site_id": sites.take(group_pair[first] % len(sites)),
                         "metal": metals.take(group_metal[first]), "mean": mean[first],
                         "n_obs": n_obs}, index=pd.RangeIndex(len(first)))


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


def min_eco_level(inputs: Inputs, param) -> IndicatorValues:
    """Minimum ecological water level (最低生态水位满足程度, SPEC §4.2) at each lake gauge.

    The value is the longest moving-mean window (of ``windows``, days) whose mean falls below the
    gauge's minimum ecological level (``stations.min_eco_level_m``); 0 when every day is at or
    above it. Series below ``min_coverage`` are ``insufficient_data`` (the engine's
    minimum-data rule). One row per station of the series.
    """
    levels = inputs["water_level"]
    minimum = levels.groupby("station_id")["min_eco_level_m"].first()
    ladder = min_level_ladder(levels[["station_id", "date", "level_m"]], minimum.dropna(),
                              windows=param("windows"))
    table = ladder.reindex(minimum.index)
    table["value"] = table["window"].astype(float)
    table["min_eco_level_m"] = minimum
    issues = [data_issue("stations", "station.value_missing", str(station), inputs,
                         phrase="min_eco_level_m")
              for station in table.index[table["min_eco_level_m"].isna()]]
    columns = {"min_eco_level_m": "min_eco_level_m", "window": "window_days",
               "days_below": "days_below", "lowest_level_m": "lowest_level_m",
               "first_date_below": "first_date_below"}
    return IndicatorValues(table=_station_values(table, columns), issues=tuple(issues))


def trophic_state(inputs: Inputs, param) -> pd.DataFrame:
    """Lake trophic state (湖泊营养状态, SPEC §4.3, §6) of each station: EI or TLI(Σ).

    ``method``: ``ei`` (SL 395-2007, the profile's ``ei_table``) or ``tli``; ``aggregation``:
    ``means`` (the index of the evaluation-year means) or ``samples`` (the mean of per-sample
    indices). Below-detection values enter by the profile's policy (the input stage). One row
    per station.
    """
    samples = inputs["wq_samples"]
    samples = samples[samples["parameter"].isin(TROPHIC_PARAMETERS)]
    table = trophic_state_table(
        samples[["station_id", "date", "parameter", "value"]],
        method=param("method"), aggregation=param("aggregation"),
        table=param("ei_table"), classes=param("ei_classes"))
    table["method"] = param("method")
    table["aggregation"] = param("aggregation")
    columns = {"method": "method", "aggregation": "aggregation", "state": "state",
               "n_samples": "samples", **{p: f"mean_{p}" for p in TROPHIC_PARAMETERS}}
    return with_details(table.assign(station_id=table.index, value=table["index"],
                                     n_obs=table["n_samples"]),
                        ["station_id", "value", "n_obs"], columns)


#: Monthly flows of the evaluation year (``year`` column), per water body.
MONTHLY_FLOW = InputSpec(TableInput("monthly_flow", by="water_body", period=EVALUATION_YEAR))

INDICATORS: tuple[Indicator, ...] = (
    Indicator(id="water.eco_flow", criterion="water", name_zh="生态流量满足程度",
              name_en="ecological flow satisfaction", applies_to=RIVER,
              inputs=InputSpec(TableInput(
                  "daily_flow", carry=("evaluation_year", "mean_flow_m3s", "eco_flow_target_m3s"),
                  minimum=DailyCoverage("flow_m3s")), TableInput("stations", by="all")),
              kernel=eco_flow,
              params=params.EcoFlowParams,
              details=fields.ECO_FLOW,
              references="SPEC §4.2 ecological flow: min of EF1 (Oct–Mar), EF2 (Apr–Sep) scores"),
    Indicator(id="water.min_eco_level", criterion="water", name_zh="最低生态水位满足程度",
              name_en="minimum ecological water level", applies_to=LAKE,
              inputs=InputSpec(TableInput("water_level",
                                          carry=("evaluation_year", "min_eco_level_m"),
                                          minimum=DailyCoverage("level_m")),
                               TableInput("stations", by="all")), unit="d",
              kernel=min_eco_level,
              params=params.MinEcoLevelParams,
              details=fields.MIN_ECO_LEVEL,
              references="SPEC §4.2 minimum ecological water level: moving-mean ladder"),
    Indicator(id="water.flow_deviation", criterion="water", name_zh="流量过程变异程度",
              name_en="flow regime deviation", applies_to=RIVER, scope="water_body",
              inputs=MONTHLY_FLOW, kernel=flow_deviation,
              params=NoParams,
              details=fields.FLOW_DEVIATION,
              references="SPEC §4.2 flow deviation: FD = sqrt(Σ((q−Q)/Q̄)²)"),
    Indicator(id="water.inflow_deviation", criterion="water", name_zh="入湖流量变异程度",
              name_en="inflow regime deviation", applies_to=LAKE, scope="water_body",
              inputs=MONTHLY_FLOW, kernel=flow_deviation,
              params=NoParams,
              details=fields.FLOW_DEVIATION,
              references="SPEC §4.2 inflow deviation: FD on total inflow"),
    Indicator(id="water.wq_grade", criterion="water", name_zh="水质优劣程度",
              name_en="water quality grade", applies_to=ALL_KINDS,
              inputs=InputSpec(WQ_SAMPLES, TableInput("stations", by="all")), kernel=wq_grade,
              params=params.WqGradeParams,
              details=fields.WQ_GRADE,
              references="SPEC §4.3 water-quality grade; GB 3838-2002 Table 1 (SPEC §5)"),
    Indicator(id="water.trophic_state", criterion="water", name_zh="湖泊营养状态",
              name_en="lake trophic state", applies_to=LAKE,
              inputs=InputSpec(WQ_SAMPLES, TableInput("stations", by="all")),
              kernel=trophic_state,
              params=params.TrophicStateParams,
              details=fields.TROPHIC_STATE,
              references="SPEC §4.3 trophic state: EI (SL 395-2007) or TLI(Σ), SPEC §6"),
    Indicator(id="water.sediment", criterion="water", name_zh="底泥污染状况",
              name_en="sediment pollution", applies_to=ALL_KINDS,
              inputs=InputSpec(TableInput("sediment_samples", by="segment")), kernel=sediment,
              params=params.SedimentParams,
              details=fields.SEDIMENT,
              references="SPEC §4.3 sediment: max C/S against GB 15618-2018 screening values"),
    Indicator(id="water.self_purification", criterion="water", name_zh="水体自净能力",
              name_en="self-purification capacity", applies_to=ALL_KINDS,
              inputs=InputSpec(WQ_SAMPLES, TableInput("stations", by="all")), unit="mg/L",
              kernel=self_purification,
              params=NoParams,
              details=fields.SELF_PURIFICATION,
              references="SPEC §4.3 self-purification: evaluation-year mean dissolved oxygen"),
)


