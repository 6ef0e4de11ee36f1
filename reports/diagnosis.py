"""Problem diagnosis (SPEC §7): RHI points lost per indicator, weak indicators, what drove them.

The water-body RHI is linear in every indicator score (SPEC §1.1)::

    RHI = Σ_s a_s Σ_k W_k Σ_j w_jks · score_js        a_s = L_s / Σ L (segment weight share)

so one score point of indicator j in segment s is worth ``p_js = a_s · W_k · w_jks`` RHI points
(w the effective weight), and the indicator loses ``Σ_s p_js · (100 − score_js)`` points. Over
all indicators the points lost add up to 100 − RHI.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np
import pandas as pd

from health_eval.vocabulary import EVALUATED_STATUSES

from .locale import Texts
from .measures import ReportSettings


def indicator_points(indicators: pd.DataFrame, segments: pd.DataFrame,
                     criteria: pd.DataFrame) -> pd.DataFrame:
    """Every indicator row with its RHI points per score point and its RHI points lost.

    Parameters
    ----------
    indicators, segments, criteria : DataFrame
        Tables of an :class:`~health_eval.EvaluationResult` (any number of water bodies).

    Returns
    -------
    DataFrame
        ``indicators`` plus ``share`` (segment weight share a_s), ``criterion_weight`` (W_k),
        ``evaluated`` (bool), ``points`` (p_js, 0 when not evaluated) and ``lost``
        (p_js · (100 − score), 0 when not evaluated).
    """
    weights = segments.set_index("segment_id")["segment_weight"].astype(float)
    totals = weights.groupby(segments.set_index("segment_id")["water_body_id"]).transform("sum")
    share = weights / totals.where(totals > 0)
    criterion_weight = criteria.set_index(["segment_id", "criterion"])["weight"].astype(float)
    table = indicators.copy()
    table["share"] = table["segment_id"].map(share).astype(float)
    keys = pd.MultiIndex.from_arrays([table["segment_id"], table["criterion"]])
    table["criterion_weight"] = criterion_weight.reindex(keys).to_numpy()
    score = table["score"].astype(float)
    weight = table["weight"].astype(float).fillna(0.0)
    table["evaluated"] = table["status"].isin(EVALUATED_STATUSES) & score.notna() & (weight > 0)
    points = table["share"] * table["criterion_weight"] * weight
    table["points"] = points.where(table["evaluated"], 0.0).fillna(0.0)
    table["lost"] = (table["points"] * (100.0 - score)).where(table["evaluated"], 0.0)
    return table


def water_body_indicators(points: pd.DataFrame) -> pd.DataFrame:
    """One row per water body × indicator, ranked by RHI points lost (largest first).

    Returns
    -------
    DataFrame
        ``water_body_id, indicator_id, indicator_name, criterion, required, points`` (Σ p: RHI
        points per score point raised everywhere), ``lost``, ``score`` (the points-weighted mean
        score, i.e. the score whose gap to 100 the loss measures; NaN when evaluated nowhere),
        ``min_score``, ``segments`` and ``evaluated_segments``.
    """
    frame = points.assign(weighted=points["points"] * points["score"].astype(float).fillna(0.0),
                          scored=points["score"].astype(float).where(points["evaluated"]),
                          evaluated_n=points["evaluated"].astype(int))
    grouped = frame.groupby(["water_body_id", "indicator_id"], sort=False)
    table = grouped.agg(indicator_name=("indicator_name", "first"),
                        criterion=("criterion", "first"), required=("required", "any"),
                        points=("points", "sum"), lost=("lost", "sum"),
                        weighted=("weighted", "sum"), min_score=("scored", "min"),
                        segments=("segment_id", "size"),
                        evaluated_segments=("evaluated_n", "sum")).reset_index()
    table["score"] = table["weighted"] / table["points"].where(table["points"] > 0)
    table = table.drop(columns="weighted")
    return table.sort_values(["water_body_id", "lost", "indicator_id"],
                             ascending=[True, False, True]).reset_index(drop=True)


def weak_rows(points: pd.DataFrame, settings: ReportSettings) -> pd.Series:
    """Whether each indicator row is weak: evaluated and scored below ``weak_below``, or a
    mandatory indicator below ``mandatory_weak_below`` (SPEC §7)."""
    score = points["score"].astype(float)
    required = points["required"].astype(bool)
    below = (score < settings.weak_below) | (required & (score < settings.mandatory_weak_below))
    return points["evaluated"] & below


def priority_rows(points: pd.DataFrame, settings: ReportSettings) -> pd.Series:
    """Mandatory indicator rows scored below ``mandatory_weak_below``: the first to address."""
    return (points["evaluated"] & points["required"].astype(bool)
            & (points["score"].astype(float) < settings.mandatory_weak_below))


# --- what drove a value: readable items from an indicator row's ``details`` -------------------

Driver = Callable[[Mapping[str, Any], Texts], list[str]]


def _n(texts: Texts, value: Any, decimals: int = 2) -> str:
    return texts.num(value, decimals)


def _water_quality(d: Mapping[str, Any], t: Texts) -> list[str]:
    items = []
    if d.get("wq_class"):
        items.append(t("drivers.wq_class", wq_class=d["wq_class"]))
    if d.get("limiting"):
        items.append(t("drivers.limiting", parameters=t.join(t.parameter(p)
                                                             for p in d["limiting"])))
    exceedance = d.get("exceedance_vs_III") or {}
    if exceedance:
        items.append(t("drivers.exceedance", items=t.join(
            t("drivers.exceedance_item", parameter=t.parameter(p), multiple=_n(t, x))
            for p, x in sorted(exceedance.items(), key=lambda kv: -(kv[1] or 0)))))
    return items


def _eco_flow(d: Mapping[str, Any], t: Texts) -> list[str]:
    if "decided_by" not in d:
        return []
    season = "dry" if d["decided_by"] == "EF1" else "wet"
    return [t(f"drivers.eco_flow_{season}", ef=d["decided_by"],
              ef1=_n(t, d.get("ef1_pct"), 1), ef1_score=_n(t, d.get("ef1_score"), 1),
              ef1_flow=_n(t, d.get("ef1_min_flow_m3s"), 3), ef1_date=d.get("ef1_date") or "—",
              ef2=_n(t, d.get("ef2_pct"), 1), ef2_score=_n(t, d.get("ef2_score"), 1),
              ef2_flow=_n(t, d.get("ef2_min_flow_m3s"), 3), ef2_date=d.get("ef2_date") or "—")]


def _days_meeting(d: Mapping[str, Any], t: Texts) -> list[str]:
    if "days_meeting" not in d:
        return []
    if d.get("target_m3s") is not None:
        return [t("drivers.eco_flow_target", target=_n(t, d["target_m3s"], 3),
                  days=d["days_meeting"], total=d.get("days"))]
    return [t("drivers.days_meeting", days=d["days_meeting"], total=d.get("days"))]


def _water_level(d: Mapping[str, Any], t: Texts) -> list[str]:
    if "window_days" not in d:
        return []
    if not d["window_days"]:
        return [t("drivers.level_ok", minimum=_n(t, d.get("min_eco_level_m")))]
    return [t("drivers.level_window", window=d["window_days"],
              minimum=_n(t, d.get("min_eco_level_m")), days=d.get("days_below"),
              lowest=_n(t, d.get("lowest_level_m")), first=d.get("first_date_below") or "—")]


def _shoreline_violations(d: Mapping[str, Any], t: Texts) -> list[str]:
    if "four_problems_score" not in d:
        return []
    severities = d.get("problems_by_severity") or {}
    problems = t.join(t("drivers.severity_count", severity=t.get(f"severity.{k}", k), n=v)
                      for k, v in severities.items()) or t("drivers.none")
    return [t("drivers.outfall_standardisation", score=_n(t, d.get("standardisation_score"), 1),
              standardised=d.get("standardised"), outfalls=d.get("outfalls")),
            t("drivers.outfall_siting", score=_n(t, d.get("siting_score"), 1),
              prohibited=d.get("in_prohibited_zone")),
            t("drivers.four_problems", score=_n(t, d.get("four_problems_score"), 1),
              problems=problems)]


def _shoreline_naturalness(d: Mapping[str, Any], t: Texts) -> list[str]:
    if "bank_stability" not in d:
        return []
    return [t("drivers.naturalness", bank=_n(t, d["bank_stability"], 1), plots=d.get("plots"),
              cover=_n(t, d.get("vegetation_cover_pct"), 1),
              cover_score=_n(t, d.get("vegetation_score"), 1))]


def _fish(d: Mapping[str, Any], t: Texts) -> list[str]:
    if "historical" not in d or "current_native" not in d:
        return []
    return [t("drivers.fish", native=d["current_native"], historical=d["historical"],
              non_native=d.get("current_non_native", 0))]


def _trophic(d: Mapping[str, Any], t: Texts) -> list[str]:
    if "state" not in d:
        return []
    means = t.join(f"{t.parameter(p)} {_n(t, d[f'mean_{p}'], 3)}"
                   for p in ("tp", "tn", "chla", "codmn", "sd") if d.get(f"mean_{p}") is not None)
    return [t("drivers.trophic", state=t.get(f"trophic_states.{d['state']}", str(d["state"])),
              method=str(d.get("method", "")).upper(),
              means=means or t("drivers.none"))]


def _sediment(d: Mapping[str, Any], t: Texts) -> list[str]:
    if "limiting_metal" not in d:
        return []
    return [t("drivers.sediment", metal=t.parameter(str(d["limiting_metal"])),
              ratio=_n(t, d.get("max_ratio")))]


def _drinking(d: Mapping[str, Any], t: Texts) -> list[str]:
    if "events" not in d:
        return []
    failed = d.get("failed_events") or []
    parameters = sorted({p for event in failed for p in event.get("parameters", [])})
    items = [t("drivers.drinking", meeting=d.get("events_meeting"), events=d["events"])]
    if parameters:
        items.append(t("drivers.drinking_failed", parameters=t.join(
            t.parameter(p) for p in parameters)))
    return items


def _benthos(d: Mapping[str, Any], t: Texts) -> list[str]:
    if "bibi" not in d:
        return []
    return [t("drivers.benthos", bibi=_n(t, d["bibi"]), expected=_n(t, d.get("expected_bibi")))]


def _community(d: Mapping[str, Any], t: Texts) -> list[str]:
    if d.get("basis") == "species_ratio":
        return [t("drivers.species", current=d.get("current_species"),
                  reference=d.get("reference_species"))]
    if d.get("basis") == "expert_score":
        return [t("drivers.expert", score=_n(t, d.get("expert_score"), 1))]
    return []


def _lengths(d: Mapping[str, Any], t: Texts) -> list[str]:
    items = []
    if "length_meeting_km" in d:
        items.append(t("drivers.flood", meeting=_n(t, d["length_meeting_km"]),
                       total=_n(t, d.get("length_km"))))
    if "developed_km" in d:
        items.append(t("drivers.shoreline_use", total=_n(t, d.get("shoreline_km")),
                       developed=_n(t, d["developed_km"]), legalised=_n(t, d.get("legalised_km"))))
    if "days_meeting_standard" in d:
        items.append(t("drivers.navigation", days=d["days_meeting_standard"],
                       total=d.get("days_in_period")))
    if "counted" in d:
        items.append(t("drivers.barriers", barriers=d.get("barriers"), counted=d["counted"],
                       length=_n(t, d.get("length_km"), 1)))
    if "current_area_km2" in d:
        items.append(t("drivers.lake_area", current=_n(t, d["current_area_km2"]),
                       reference=_n(t, d.get("reference_area_km2")),
                       year=d.get("reference_year") or "—"))
    if "connections" in d:
        items.append(t("drivers.connections", n=d["connections"],
                       weighting=t.get(f"drivers.weighting_{d.get('weighting')}",
                                       str(d.get("weighting")))))
    return items


def _series(d: Mapping[str, Any], t: Texts) -> list[str]:
    items = []
    if "natural_mean_m3s" in d:
        items.append(t("drivers.flow_deviation", months=d.get("months"),
                       mean=_n(t, d["natural_mean_m3s"], 3)))
    if "reaches_without_width" in d:
        items.append(t("drivers.riparian", reaches=d.get("reaches"),
                       length=_n(t, d.get("length_m"), 0),
                       missing=d["reaches_without_width"]))
    return items


def _survey(d: Mapping[str, Any], t: Texts) -> list[str]:
    if "responses" not in d:
        return []
    return [t("drivers.responses", n=d["responses"],
              scope=t.get(f"drivers.survey_{d.get('survey')}", str(d.get("survey"))))]


def _coverage(d: Mapping[str, Any], t: Texts) -> list[str]:
    if not d.get("days_missing"):
        return []
    return [t("drivers.coverage", missing=d["days_missing"],
              coverage=_n(t, 100 * float(d.get("coverage") or 0), 1))]


DRIVERS: tuple[Driver, ...] = (
    _water_quality, _eco_flow, _days_meeting, _water_level, _shoreline_violations,
    _shoreline_naturalness, _fish, _trophic, _sediment, _drinking, _benthos, _community,
    _lengths, _series, _survey, _coverage)

#: Keys that describe where a value came from rather than what drove it.
PLAIN_SKIP = frozenset({"station_id", "site_id", "plot_id", "value", "score", "status",
                        "samples", "period", "below_detection", "combination", "reason",
                        "inputs", "borrowed_from", "days_with_data", "coverage", "method",
                        "aggregation", "survey"})


def _plain_items(d: Mapping[str, Any], t: Texts) -> list[str]:
    """``key value`` of the scalar entries no driver knows (plugins' details)."""
    return [f"{k} {_n(t, v, 3) if isinstance(v, float) else v}" for k, v in sorted(d.items())
            if k not in PLAIN_SKIP and isinstance(v, (str, int, float)) and not isinstance(v, bool)]


def _own_items(d: Mapping[str, Any], t: Texts) -> list[str]:
    items = [item for driver in DRIVERS for item in driver(d, t)]
    if items:
        return items
    if "samples" in d and d.get("period"):
        return [t("drivers.samples", n=d["samples"], period=d["period"])]
    return _plain_items(d, t)


def drivers(details: Any, texts: Texts) -> list[str]:
    """What drove an indicator row's value, in words, from its ``details``.

    Reads the structures the built-in indicators write — per-station entries (with the class,
    limiting parameters and exceedance over class Ⅲ, the season that failed the ecological flow,
    the moving window of the water level, borrowed stations), the three parts of shoreline
    violations with the 四乱 problems by severity, species counts, survey sizes, gaps in daily
    series — and a supplied value's note. Unknown scalar entries (plugins) are listed as they
    are.
    """
    if not isinstance(details, Mapping):
        return []
    items: list[str] = []
    if details.get("supplied_note") is not None:
        items.append(texts("drivers.supplied", note=details["supplied_note"]))
    if details.get("computed_value") is not None:
        items.append(texts("drivers.replaced", value=texts.num(details["computed_value"], 2)))
    stations = details.get("stations")
    if isinstance(stations, list):
        entries = [s for s in stations if isinstance(s, Mapping)]
        for number, station in enumerate(entries, start=1):
            items.append(_station_item(station, number, len(entries), texts))
    elif not details.get("supplied_note"):
        items.append(texts("drivers.item_separator").join(_own_items(details, texts)))
    return [item for item in items if item]


def _station_item(station: Mapping[str, Any], number: int, count: int, texts: Texts) -> str:
    """``点位 X（值 v，赋分 s），借用…：items`` of one station entry; a single station without
    an id needs no head (its value and score are the segment's)."""
    name = station.get("station_id") or station.get("site_id") or station.get("plot_id")
    head = ""
    if name or count > 1:
        head = texts("drivers.station", station=name or texts("drivers.station_number",
                                                              n=number),
                     value=texts.num(station.get("value"), 2),
                     score=texts.num(station.get("score"), 1))
    if station.get("borrowed_from"):
        head += texts("drivers.borrowed", segment=station["borrowed_from"])
    own = texts("drivers.item_separator").join(_own_items(station, texts))
    return head + texts("drivers.colon") + own if head and own else head or own


def mappings(value: Any) -> Iterator[Mapping[str, Any]]:
    """Every mapping nested anywhere in ``value`` (details are dicts of lists of dicts…)."""
    if isinstance(value, Mapping):
        yield value
        for item in value.values():
            yield from mappings(item)
    elif isinstance(value, list):
        for item in value:
            yield from mappings(item)


def data_periods(details_list: list[Any]) -> tuple[str, str] | None:
    """First and last date of every ``period`` (``first–last``) in the given details."""
    periods = [m["period"].split("–", 1) for m in mappings(details_list)
               if isinstance(m.get("period"), str) and "–" in m["period"]]
    if not periods:
        return None
    return min(p[0] for p in periods), max(p[1] for p in periods)


def station_ids(details_list: list[Any]) -> set[str]:
    """Station, site and plot ids named anywhere in the given details."""
    return {m[key] for m in mappings(details_list) for key in ("station_id", "site_id", "plot_id")
            if isinstance(m.get(key), str)}


def finite(value: Any) -> bool:
    """Whether ``value`` is a finite number."""
    try:
        return bool(np.isfinite(float(value)))
    except (TypeError, ValueError):
        return False
