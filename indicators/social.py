"""Indicators of the 社会服务功能 criterion: flood control, supply, use, satisfaction (SPEC §4.5).

Each is a kernel over the inputs it declares (dike reaches, intake daily supply,
drinking-source samples, shoreline lengths, navigation days, questionnaires), resolved for all
segments at once by the engine's input stage; a value supplied in ``indicator_values`` still
wins.
"""

from __future__ import annotations

from itertools import compress

import numpy as np
import pandas as pd

from health_eval.engine.details_table import with_details
from health_eval.engine.inputs import DailyCoverage, Inputs, InputSpec, TableInput
from health_eval.engine.registry import Indicator, IndicatorValues
from health_eval.io.lookup import is_in, positions_in
from health_eval.profiles.indicator_params import NoParams

from . import details as fields
from . import params
from .basin import ALL_KINDS, RIVER
from .frames import data_issue, iso_dates, weighted_mean
from .gb3838 import classify, evaluated_parameters
from .hydrology import days_meeting_share
from .survey import public_satisfaction


def public_satisfaction_kernel(inputs: Inputs, param) -> IndicatorValues:
    """Public satisfaction (公众满意度, SPEC §4.5) of every segment.

    A segment with at least ``min_responses`` responses of its own is scored from them; every
    other segment takes the value of its whole water body, computed from all of the water body's
    responses (those naming a segment included). Fewer than ``min_responses`` responses for the
    whole water body give ``insufficient_data`` and a ``survey.too_few`` warning. Params: ``respondent_weights``,
    ``min_responses``.
    """
    weights = param("respondent_weights")
    minimum = int(param("min_responses"))
    responses = inputs["questionnaires"]
    segments = inputs.segments
    own = _survey(responses[responses["segment_id"].notna()], "segment_id", weights, "segment")
    own = own[(own["n_obs"] >= minimum) & is_in(own["segment_id"], segments["segment_id"])]
    whole = _survey(responses, "water_body_id", weights, "water_body")
    others = segments.loc[~is_in(segments["segment_id"], own["segment_id"]),
                          ["segment_id", "water_body_id"]]
    at = positions_in(others["water_body_id"], whole["water_body_id"])
    broadcast = whole.iloc[at[at >= 0]].assign(   # the water body's row, one per segment
        water_body_id=others["segment_id"].array[at >= 0]).rename(
        columns={"water_body_id": "segment_id"})
    rows = pd.concat([own, broadcast], ignore_index=True)
    rows["status"] = ["insufficient_data" if n < minimum else "ok"
                      for n in rows["n_obs"].tolist()]
    few = whole[whole["n_obs"] < minimum]
    issues = tuple(data_issue("questionnaires", "survey.too_few", str(wb), inputs,
                              water_body_id=str(wb), count=int(n), n=n, minimum=minimum)
                   for wb, n in zip(few["water_body_id"], few["n_obs"].astype(int)))
    return IndicatorValues(table=rows, issues=issues)


def _survey(responses: pd.DataFrame, key: str, weights, survey: str) -> pd.DataFrame:
    """Weighted satisfaction, response count and count per respondent type by ``key``."""
    values = public_satisfaction(responses, weights, by=key)
    key_code, keys = pd.factorize(responses[key], sort=True)
    type_code, types = pd.factorize(responses["respondent_type"], sort=True)
    by_type = _pair_counts(key_code, type_code, len(keys), len(types))
    counts = by_type.sum(axis=1)
    names = types.tolist()
    # ``values`` has a row per key with a response, sorted: the rows of ``keys``
    frame = pd.DataFrame({key: values.index.astype("string"), "value": values.to_numpy(),
                          "n_obs": counts, "survey": survey, "responses": counts,
                          "by_type": [dict(compress(zip(names, row), row))   # counts > 0
                                      for row in by_type.tolist()]})
    return frame.rename(columns={key: "segment_id"}) if key == "segment_id" else frame


def _pair_counts(first: np.ndarray, second: np.ndarray, n_first: int, n_second: int
                 ) -> np.ndarray:
    """How many rows hold each pair of codes: an ``n_first`` × ``n_second`` matrix.

    ``first`` and ``second`` are ``pd.factorize`` codes of two columns, row for row; a row
    with -1 in either is not counted.
    """
    both = (first >= 0) & (second >= 0)
    pairs = first[both].astype(np.int64) * n_second + second[both]
    return np.bincount(pairs, minlength=n_first * n_second).reshape(n_first, n_second)


def flood_control(inputs: Inputs, param) -> IndicatorValues:
    """Flood-control compliance (防洪达标率, SPEC §4.5): Σ(L·T·B)/Σ(L·T) × 100 [%].

    L reach length [km], T design return period [a], B = 1 where the reach meets its standard.
    """
    reaches = inputs["dike_reaches"]
    frame = reaches.assign(
        weight=reaches["length_km"] * reaches["design_return_period_yr"],
        met=reaches["meets_standard"].astype("boolean").astype(float) * 100)
    table = weighted_mean(frame, "segment_id", "met", "weight")
    met_km = frame[frame["met"] == 100].groupby("segment_id")["length_km"].sum()
    table = table.assign(length_km=frame.groupby("segment_id")["length_km"].sum(),
                         met_km=met_km).fillna({"met_km": 0.0}).reset_index()
    return IndicatorValues(table=with_details(
        table.assign(n_obs=table["n"]), ["segment_id", "value", "n_obs"],
        {"n": "reaches", "length_km": "length_km", "met_km": "length_meeting_km"}))


def water_supply(inputs: Inputs, param) -> pd.DataFrame:
    """Water-supply assurance (供水水量保证程度, SPEC §4.5) of each intake [%].

    100 × share of the evaluation year's days on which the supply (flow or level) reached the
    design value; series below ``min_coverage`` are ``insufficient_data`` (the engine's
    minimum-data rule). One row per station of the series.
    """
    daily = inputs["water_supply"]
    table = days_meeting_share(daily, "station_id", "value", "design_value")
    table["value"] = table["share"] * 100
    return with_details(table.assign(station_id=table.index), ["station_id", "value"],
                        {"days_meeting": "days_meeting", "days": "days"})


def drinking_source(inputs: Inputs, param) -> pd.DataFrame:
    """Drinking-source compliance (集中式饮用水水源地水质达标率, SPEC §4.5) of each source [%].

    Each sampling event (station and date) meets the standard when its GB 3838 class (the
    evaluated basic items of the water-body kind) is no worse than ``standard_class`` and every
    supplementary item is within ``supplementary_limits``; value = 100 × events meeting / events.
    Below-detection values enter by the profile's policy (the input stage). One row per
    station with events.
    """
    samples = inputs["drinking_source_samples"]
    limits = {k: float(v) for k, v in param("supplementary_limits").items()
              if k not in ("source", "confidence")}
    standard = int(param("standard_class"))
    station_code, stations = pd.factorize(samples["station_id"], sort=True)
    events = [_judged_events(part, kind, limits, standard)       # at most three kinds
              for kind, part in samples.assign(station=station_code).groupby("kind")]
    if not events:
        return pd.DataFrame(columns=["station_id", "value"])
    return _station_compliance(pd.concat(events, ignore_index=True), stations)


def _judged_events(samples: pd.DataFrame, kind: str, limits: dict[str, float],
                   standard: int) -> pd.DataFrame:
    """Whether each sampling event of one water-body ``kind`` meets the drinking-source standard.

    Parameters
    ----------
    samples : DataFrame
        ``station`` (integer code), ``date``, ``parameter`` and effective ``value`` of the
        samples of water bodies of ``kind``.
    kind : str
        Water-body kind, choosing the GB 3838 items evaluated.
    limits : dict of str to float
        Upper limit of each supplementary item [its unit].
    standard : int
        Worst GB 3838 class that meets the standard (1–6).

    Returns
    -------
    DataFrame
        One row per event: ``station``, ``date``, ``meets`` (bool) and ``failing`` (sorted
        names of the limiting basic items worse than ``standard`` and of the supplementary items
        over their limit; empty where the event meets the standard).
    """
    events, wide = _event_means(samples)
    classes = classify(wide.reindex(columns=[p for p in evaluated_parameters(kind)
                                             if p in wide]), kind)
    extra = wide.reindex(columns=[p for p in limits if p in wide])
    over = extra.gt(pd.Series(limits).reindex(extra.columns)).to_numpy()
    worse = classes["wq_class"].fillna(0).gt(standard).to_numpy()
    fails = worse | over.any(axis=1)
    names = extra.columns.tolist()
    failing = np.empty(len(events), dtype=object)
    failing[:] = [[]] * len(events)         # read-only: only the failed events' lists are used
    # the names of the limits exceeded, per failed event, from the positions of ``over``
    row, column = np.nonzero(over)
    exceeded: dict[int, list[str]] = {}
    for r, c in zip(row.tolist(), column.tolist()):
        exceeded.setdefault(r, []).append(names[c])
    limiting = classes["limiting"].tolist()
    for r in np.flatnonzero(fails).tolist():
        failing[r] = sorted(set(limiting[r] if worse[r] else ()).union(exceeded.get(r, ())))
    return events.assign(meets=~fails, failing=failing)


def _event_means(samples: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Mean value of each parameter at each sampling event (station and date).

    Parameters
    ----------
    samples : DataFrame
        ``station`` (integer code, -1 for none), ``date``, ``parameter`` and ``value``; rows
        without a station, date or parameter are left out.

    Returns
    -------
    (DataFrame, DataFrame)
        The events, sorted: ``station`` and ``date``; and, row for row, the mean of each
        parameter [its unit], one column per parameter (sorted), NaN where the event has no
        value of it. An event without any value is left out, and so is a parameter never
        measured (as ``pivot_table`` does).
    """
    date_code, dates = pd.factorize(samples["date"], sort=True)
    parameter_code, parameters = pd.factorize(samples["parameter"], sort=True)
    station = samples["station"].to_numpy()
    known = (station >= 0) & (date_code >= 0) & (parameter_code >= 0)
    event = station.astype(np.int64) * len(dates) + date_code
    cell = event * len(parameters) + parameter_code
    means = pd.Series(samples["value"].to_numpy(dtype=float)[known]).groupby(
        cell[known], sort=True).mean()
    means = means[means.notna()]
    event_key, row = np.unique(means.index.to_numpy() // len(parameters), return_inverse=True)
    parameter_key, column = np.unique(means.index.to_numpy() % len(parameters),
                                      return_inverse=True)
    wide = np.full((len(event_key), len(parameter_key)), np.nan)
    wide[row, column] = means.to_numpy()
    events = pd.DataFrame({"station": event_key // len(dates),
                           "date": dates[event_key % len(dates)]})
    return events, pd.DataFrame(wide, columns=parameters[parameter_key])


def _station_compliance(events: pd.DataFrame, stations: pd.Index) -> pd.DataFrame:
    """Share of a station's events meeting the standard [%], with its failed events.

    Parameters
    ----------
    events : DataFrame
        ``station`` (position in ``stations``), ``date``, ``meets`` and ``failing`` of every
        judged event (see :func:`_judged_events`).
    stations : Index
        The station ids.

    Returns
    -------
    DataFrame
        One row per station with events (sorted): ``station_id``, ``value`` = 100 × events
        meeting / events [%], ``n_obs`` (events) and ``details`` (``events``,
        ``events_meeting``, ``failed_events``: date and failing items of each failed event,
        in the order of ``events``).
    """
    station, meets = events["station"].to_numpy(), events["meets"].to_numpy(dtype=bool)
    counted = np.bincount(station, minlength=len(stations))
    meeting = np.bincount(station[meets], minlength=len(stations))
    failed = events[~meets].iloc[np.argsort(station[~meets], kind="stable")]
    failures = [{"date": d, "parameters": f}
                for d, f in zip(iso_dates(failed["date"]).tolist(), failed["failing"].tolist())]
    ends = np.cumsum(counted - meeting)
    with_events = np.flatnonzero(counted)
    n, m = counted[with_events], meeting[with_events]
    return pd.DataFrame({"station_id": stations[with_events], "value": 100 * m / n,
                         "n_obs": n, "events": n, "events_meeting": m,
                         "failed_events": [failures[end - (a - b):end] for a, b, end in zip(
                             n.tolist(), m.tolist(), ends[with_events].tolist())]})


def shoreline_management(inputs: Inputs, param) -> IndicatorValues:
    """Shoreline use management index (岸线利用管理指数, SPEC §4.5): (Lo − Lu + Lr)/Lo [-]."""
    lengths = inputs["shoreline_lengths"]
    total = lengths["shoreline_km"].where(lengths["shoreline_km"] > 0)
    table = lengths.assign(value=(total - lengths["developed_km"] + lengths["legalised_km"])
                           / total, n_obs=1)
    return IndicatorValues(table=with_details(table, ["segment_id", "value", "n_obs"], {
        "shoreline_km": "shoreline_km", "developed_km": "developed_km",
        "legalised_km": "legalised_km"}))


def navigation(inputs: Inputs, param) -> IndicatorValues:
    """Navigation assurance (通航保证率, SPEC §4.5): days navigable to standard / days [%]."""
    days = inputs["navigation"]
    period = days["days_in_period"].where(days["days_in_period"] > 0)
    table = days.assign(value=100 * days["days_meeting_standard"] / period,
                        n_obs=days["days_in_period"])
    return IndicatorValues(table=with_details(table, ["segment_id", "value", "n_obs"], {
        "days_meeting_standard": "days_meeting_standard", "days_in_period": "days_in_period"}))


INDICATORS: tuple[Indicator, ...] = (
    Indicator(id="social.flood_control", criterion="social", name_zh="防洪达标率",
              name_en="flood control compliance", applies_to=ALL_KINDS,
              inputs=InputSpec(TableInput("dike_reaches", by="segment")), unit="%",
              kernel=flood_control,
              params=NoParams,
              details=fields.FLOOD_CONTROL,
              references="SPEC §4.5 flood control: Σ(L·T·B)/Σ(L·T)"),
    Indicator(id="social.water_supply", criterion="social", name_zh="供水水量保证程度",
              name_en="water supply assurance", applies_to=ALL_KINDS,
              inputs=InputSpec(TableInput("water_supply", carry=("evaluation_year",),
                                          minimum=DailyCoverage("value")),
                               TableInput("stations", by="all")), unit="%",
              kernel=water_supply,
              params=params.WaterSupplyParams,
              details=fields.WATER_SUPPLY,
              references="SPEC §4.5 water supply: share of days meeting design supply"),
    Indicator(id="social.drinking_source", criterion="social",
              name_zh="集中式饮用水水源地水质达标率", name_en="drinking-water source compliance",
              applies_to=ALL_KINDS, inputs=InputSpec(
                  TableInput("drinking_source_samples", carry=("kind",), below_detection=True),
                  TableInput("stations", by="all")), unit="%",
              kernel=drinking_source,
              params=params.DrinkingSourceParams,
              details=fields.DRINKING_SOURCE,
              references="SPEC §4.5 drinking source: share of evaluations meeting the standard"),
    Indicator(id="social.shoreline_management", criterion="social", name_zh="岸线利用管理指数",
              name_en="shoreline use management index", applies_to=ALL_KINDS,
              inputs=InputSpec(TableInput("shoreline_lengths", by="segment")),
              kernel=shoreline_management,
              params=NoParams,
              details=fields.SHORELINE_MANAGEMENT,
              references="SPEC §4.5 shoreline management: (Lo − Lu + Lr)/Lo"),
    Indicator(id="social.navigation", criterion="social", name_zh="通航保证率",
              name_en="navigation assurance", applies_to=RIVER,
              inputs=InputSpec(TableInput("navigation", by="segment")), unit="%",
              kernel=navigation,
              params=NoParams,
              details=fields.NAVIGATION,
              references="SPEC §4.5 navigation: share of the year navigable to standard"),
    Indicator(id="social.public_satisfaction", criterion="social", name_zh="公众满意度",
              name_en="public satisfaction", applies_to=ALL_KINDS,
              inputs=InputSpec(TableInput("questionnaires", by="water_body")),
              unit="分", kernel=public_satisfaction_kernel,
              params=params.PublicSatisfactionParams,
              details=fields.PUBLIC_SATISFACTION,
              references="SPEC §4.5 public satisfaction: respondent-weighted mean score"),
)
