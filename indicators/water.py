"""Indicators of the "水" criterion: water quantity and quality (SPEC §4.2, §4.3).

``water.wq_grade`` and ``water.self_purification`` compute from water-quality samples; the
others take supplied values for now.
"""

from __future__ import annotations

import pandas as pd

from health_eval.issues import Issue
from health_eval.registry import ComputeContext, Indicator, IndicatorValues

from .basin import ALL_KINDS, LAKE, RIVER
from .gb3838 import CLASS_LABELS, class_position, classify, evaluated_parameters
from .samples import station_means
from .stations import assign_stations


def _evaluation_year_samples(dataset, context: ComputeContext
                             ) -> tuple[pd.DataFrame, pd.DataFrame, list[Issue]]:
    """Water-quality samples of the evaluation year at the stations serving ``context.segments``.

    Returns the samples (with ``kind`` of the station's water body), the segment–station links,
    and a warning per station for samples outside the evaluation year (not used, not lost).
    """
    stations = dataset.table("stations")
    all_samples = dataset.table("wq_samples")
    sampled = stations[stations["station_id"].isin(all_samples["station_id"])]
    links = assign_stations(sampled, context.segments)
    station_home = stations[["station_id", "segment_id"]].merge(
        dataset.table("segments")[["segment_id", "water_body_id"]], on="segment_id").merge(
        context.water_bodies, on="water_body_id")[["station_id", "kind", "evaluation_year"]]
    samples = all_samples.merge(
        station_home[station_home["station_id"].isin(links["station_id"])], on="station_id")
    in_year = samples["date"].dt.year == samples["evaluation_year"]
    outside = samples[~in_year].groupby("station_id")["evaluation_year"].agg(["size", "first"])
    issues = [
        Issue(table="wq_samples", column="date", rule="date.outside_evaluation_year",
              severity="warning", value=str(station_id),
              message_zh=f"测站 {station_id} 有 {n} 条样品不在评价年 {year} 内，未参与计算",
              message_en=f"station {station_id}: {n} sample rows outside the evaluation year "
                         f"{year} were not used")
        for station_id, n, year in outside.itertuples()]
    return samples[in_year], links, issues


def _station_rows(links: pd.DataFrame, values: pd.Series, n_obs: pd.Series,
                  details: list[dict]) -> pd.DataFrame:
    """One row per segment × serving station: value, n_obs and details of that station."""
    per_station = pd.DataFrame({"station_id": values.index.astype("string"),
                                "value": values.to_numpy(dtype=float),
                                "n_obs": n_obs.to_numpy(dtype=int), "details": details})
    rows = links.merge(per_station, on="station_id")
    rows["details"] = [d if pd.isna(b) else dict(d, borrowed_from=b)
                       for d, b in zip(rows["details"], rows["borrowed_from"])]
    return rows.drop(columns="borrowed_from")


def _period(samples: pd.DataFrame) -> pd.DataFrame:
    dates = samples.groupby("station_id")["date"].agg(["min", "max"])
    return dates.apply(lambda col: col.dt.strftime("%Y-%m-%d"))


def compute_wq_grade(dataset, context: ComputeContext) -> IndicatorValues:
    """Water-quality grade (水质优劣程度, SPEC §4.3): class position of each station.

    Per station, the evaluation-year mean of each parameter (below-detection values by the
    profile's policy) is placed on the continuous class scale of GB 3838-2002 (1 = within class
    Ⅰ … 6 = far worse than Ⅴ); the station's value is its worst parameter's position, so the worst
    class decides and within it the largest exceedance. Rivers leave out TN; lakes and reservoirs
    use the lake TP limits and include TN. Params: ``worse_than_v_zero_multiple``,
    ``ph_zero_deviation``.
    """
    samples, links, issues = _evaluation_year_samples(dataset, context)
    frames = []
    for kind, kind_samples in samples.groupby("kind", sort=True):
        parameters = evaluated_parameters(kind)
        means = station_means(kind_samples, below_detection=context.policies.below_detection,
                              parameters=parameters)
        positions = class_position(
            means.means, kind,
            worse_than_v_zero_multiple=context.param("worse_than_v_zero_multiple"),
            ph_zero_deviation=context.param("ph_zero_deviation"))
        classes = classify(means.means, kind)
        period = _period(kind_samples).reindex(positions.index)
        samples_per_station = means.counts.max(axis=1)
        details = [
            {"station_id": station, "wq_class": CLASS_LABELS.get(cls) if pd.notna(cls) else None,
             "limiting": limiting, "exceedance_vs_III": exceedance,
             "samples": int(n), "below_detection": int(bd), "period": f"{start}–{end}"}
            for station, cls, limiting, exceedance, n, bd, start, end in zip(
                positions.index, classes["wq_class"], classes["limiting"], classes["exceedance"],
                samples_per_station, means.below_detection_counts.sum(axis=1),
                period["min"], period["max"])]
        frames.append(_station_rows(links, positions.max(axis=1), samples_per_station, details))
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["segment_id", "station_id", "value", "n_obs", "details"])
    return IndicatorValues(table=table, issues=tuple(issues))


def compute_self_purification(dataset, context: ComputeContext) -> IndicatorValues:
    """Self-purification capacity (水体自净能力, SPEC §4.3): evaluation-year mean DO [mg/L]."""
    samples, links, issues = _evaluation_year_samples(dataset, context)
    means = station_means(samples, below_detection=context.policies.below_detection,
                          parameters=["do"])
    period = _period(samples[samples["parameter"] == "do"]).reindex(means.means.index)
    counts = means.counts["do"]
    details = [{"station_id": station, "samples": int(n), "period": f"{start}–{end}"}
               for station, n, start, end in zip(means.means.index, counts, period["min"],
                                                 period["max"])]
    table = _station_rows(links, means.means["do"], counts, details)
    return IndicatorValues(table=table[table["n_obs"] > 0], issues=tuple(issues))


INDICATORS: tuple[Indicator, ...] = (
    Indicator(id="water.eco_flow", criterion="water", name_zh="生态流量满足程度",
              name_en="ecological flow satisfaction", applies_to=RIVER,
              inputs=("daily_flow", "stations"),
              references="SPEC §4.2 ecological flow: min of EF1 (Oct–Mar), EF2 (Apr–Sep) scores"),
    Indicator(id="water.min_eco_level", criterion="water", name_zh="最低生态水位满足程度",
              name_en="minimum ecological water level", applies_to=LAKE,
              inputs=("water_level", "stations"), unit="d",
              references="SPEC §4.2 minimum ecological water level: moving-mean ladder"),
    Indicator(id="water.flow_deviation", criterion="water", name_zh="流量过程变异程度",
              name_en="flow regime deviation", applies_to=RIVER, scope="water_body",
              inputs=("monthly_flow",),
              references="SPEC §4.2 flow deviation: FD = sqrt(Σ((q−Q)/Q̄)²)"),
    Indicator(id="water.inflow_deviation", criterion="water", name_zh="入湖流量变异程度",
              name_en="inflow regime deviation", applies_to=LAKE, scope="water_body",
              inputs=("monthly_flow",),
              references="SPEC §4.2 inflow deviation: FD on total inflow"),
    Indicator(id="water.wq_grade", criterion="water", name_zh="水质优劣程度",
              name_en="water quality grade", applies_to=ALL_KINDS,
              inputs=("wq_samples", "stations"), compute=compute_wq_grade,
              references="SPEC §4.3 water-quality grade; GB 3838-2002 Table 1 (SPEC §5)"),
    Indicator(id="water.trophic_state", criterion="water", name_zh="湖泊营养状态",
              name_en="lake trophic state", applies_to=LAKE,
              inputs=("wq_samples", "stations"),
              references="SPEC §4.3 trophic state: EI (SL 395-2007) or TLI(Σ), SPEC §6"),
    Indicator(id="water.sediment", criterion="water", name_zh="底泥污染状况",
              name_en="sediment pollution", applies_to=ALL_KINDS,
              inputs=("sediment_samples",),
              references="SPEC §4.3 sediment: max C/S against GB 15618-2018 screening values"),
    Indicator(id="water.self_purification", criterion="water", name_zh="水体自净能力",
              name_en="self-purification capacity", applies_to=ALL_KINDS,
              inputs=("wq_samples", "stations"), unit="mg/L",
              compute=compute_self_purification,
              references="SPEC §4.3 self-purification: evaluation-year mean dissolved oxygen"),
)


