"""Indicators of the 生物 criterion: fish, benthos, plants, birds, plankton (SPEC §4.4).

Each is a kernel over the inputs it declares (benthos samples and taxa, fish species lists,
community surveys, phytoplankton samples, macrophyte plots), resolved for all segments at once by
the engine's input stage; a value supplied in ``indicator_values`` still wins.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from health_eval.engine.details_table import with_details
from health_eval.engine.inputs import Inputs, InputSpec, TableInput
from health_eval.engine.registry import Indicator, IndicatorValues
from health_eval.io.lookup import is_in, positions_in
from health_eval.issues import Issue
from health_eval.profiles.indicator_params import NoParams
from health_eval.profiles.profile import ProfileError

from . import details as fields
from . import params
from .basin import ALL_KINDS, LAKE, RIVER
from .biota import benthic_site_scores, fish_retention_table
from .frames import data_issue, period_text

#: The parameters of the B-IBI method (:func:`.biota.benthic_ibi_table`).
BENTHIC_PARAMS = ("metrics", "upper_percentile", "lower_percentile", "tolerant_min",
                  "ept_orders")


def fish_retention(inputs: Inputs, param) -> IndicatorValues:
    """Fish retention index FOEI of each water body (鱼类保有指数, SPEC §4.4).

    A water body with current species but no historical list is ``insufficient_data`` (FOEI has
    no denominator) and gets a warning.
    """
    table = fish_retention_table(inputs["fish_species"]).reset_index()
    no_history = table["historical"] == 0
    counts = table[["historical", "current_native", "current_non_native"]].astype(int)
    rows = pd.DataFrame({
        "water_body_id": table["water_body_id"], "value": table["foei"],
        "n_obs": counts.sum(axis=1),
        "status": np.where(no_history, "insufficient_data", "ok"), **counts})
    issues = tuple(
        Issue.of("fish.no_historical_species", table="fish_species", column="period",
                 value=str(wb), water_body_id=str(wb))
        for wb in table.loc[no_history, "water_body_id"])
    return IndicatorValues(table=rows, issues=issues)



def benthic_ibi(inputs: Inputs, param) -> IndicatorValues:
    """Benthic IBI (大型底栖无脊椎动物生物完整性指数, SPEC §4.4): observed / expected B-IBI [-].

    B-IBI of every sampling site, its metrics scored against the percentiles of all sampling
    sites of its own water body (``bounds_from: all_sites``, the ratio method) or of its
    reference sites (``reference_sites``: sites flagged 是否参照点; all its sites where none is
    flagged). The expected
    B-IBI is the profile's ``expected_bibi`` when set, else the median B-IBI of the water body's
    reference sites; without either the value is ``insufficient_data``. Sites are combined per
    segment by the station policy. Params: ``bounds_from``, ``expected_bibi`` (null: from the
    reference sites) and those of :data:`BENTHIC_PARAMS`.
    """
    params = {name: param(name) for name in BENTHIC_PARAMS}
    samples = inputs["benthos_samples"]
    sites = _benthic_sites(samples, inputs.segments)
    bounds_from = param("bounds_from")
    if bounds_from not in ("all_sites", "reference_sites"):
        raise ProfileError(f"indicators.biota.benthic_ibi.params.bounds_from: {bounds_from!r} is "
                           f"not all_sites or reference_sites")
    basis = None
    if bounds_from == "reference_sites" and len(sites):
        has_flagged = is_in(sites["water_body_id"], sites.loc[sites["flagged"], "water_body_id"])
        basis = sites.index[~has_flagged | sites["flagged"].to_numpy()]
    table, _ = benthic_site_scores(samples, inputs["benthos_taxa"], reference=basis,
                                   params=params, groups=sites["water_body_id"])
    table = table.join(sites)
    given = param("expected_bibi")
    reference_median = table.loc[table["flagged"]].groupby("water_body_id")["bibi"].median()
    # float whatever the rows: an empty map keeps the key's string dtype
    table["expected_bibi"] = (float(given) if given is not None
                              else table["water_body_id"].map(reference_median).astype(float))
    table["value"] = table["bibi"] / table["expected_bibi"].where(table["expected_bibi"] > 0)
    table["status"] = np.where(table["value"].isna(), "insufficient_data", "ok")
    lacking = sorted(set(table.loc[table["expected_bibi"].isna(), "water_body_id"]))
    issues = tuple(data_issue("benthos_samples", "benthos.no_reference", wb, inputs,
                              water_body_id=str(wb)) for wb in lacking)
    metrics = {m: m for m in params["metrics"]}
    table["reference_site"] = table["flagged"]   # flagged 是否参照点, not the bounds
    table = table.reset_index()
    return IndicatorValues(table=with_details(
        table.assign(station_id=table["site_id"],
                     n_obs=table["individuals"].round().astype("Int64")),
        ["segment_id", "station_id", "value", "n_obs", "status"],
        {"site_id": "site_id", "bibi": "bibi", "expected_bibi": "expected_bibi",
         "reference_site": "reference_site", "individuals": "individuals", **metrics}),
        issues=issues)


def _benthic_sites(samples: pd.DataFrame, segments: pd.DataFrame) -> pd.DataFrame:
    """Segment, water body and 是否参照点 flag of every benthos sampling site.

    Parameters
    ----------
    samples : DataFrame
        Benthos sample rows: ``site_id``, ``segment_id``, ``is_reference`` (bool, may be
        missing), each segment one of ``segments``.
    segments : DataFrame
        ``segment_id`` (unique) and ``water_body_id`` of the segments computed.

    Returns
    -------
    DataFrame
        Index ``site_id`` (sorted; a missing id is left out); ``segment_id`` of the site's first
        row, its ``water_body_id``, and ``flagged``: whether any of its rows is a reference row.
    """
    codes, names = pd.factorize(samples["site_id"], sort=True)
    known = np.flatnonzero(codes >= 0)
    _, first = np.unique(codes[known], return_index=True)
    segment = samples["segment_id"].array.take(known[first])
    flagged = np.zeros(len(names), dtype=bool)
    flagged[codes[known[samples["is_reference"].fillna(False).to_numpy(dtype=bool)[known]]]] = True
    water_body = segments["water_body_id"].array.take(
        positions_in(pd.Series(segment), segments["segment_id"]), allow_fill=True)
    return pd.DataFrame({"segment_id": segment, "water_body_id": water_body, "flagged": flagged},
                        index=pd.Index(names, name="site_id"))


def community_survey(group: str):
    """The compute of a community indicator (waterbirds or aquatic plants, SPEC §4.4) [-].

    Value per segment = current species / reference species of ``community_surveys`` rows of
    ``group``; where the counts are not given, an expert grade (0–100) / 100, so that the ratio
    rule scores both alike. The details say which was used.
    """

    def kernel(inputs: Inputs, param) -> IndicatorValues:
        surveys = inputs["community_surveys"]
        surveys = surveys[surveys["group"] == group]
        ratio = surveys["current_species"] / surveys["reference_species"].where(
            surveys["reference_species"] > 0)
        table = surveys.assign(value=ratio.fillna(surveys["expert_score"] / 100), n_obs=1,
                               basis=np.where(ratio.notna(), "species_ratio", "expert_score"))
        return IndicatorValues(table=with_details(table, ["segment_id", "value", "n_obs"], {
            "current_species": "current_species", "reference_species": "reference_species",
            "expert_score": "expert_score", "basis": "basis"}))

    kernel.__name__ = group
    return kernel


def phytoplankton_density(inputs: Inputs, param) -> pd.DataFrame:
    """Phytoplankton density (浮游植物密度, SPEC §4.4): evaluation-year mean [10⁴ cells/L] of
    each station."""
    samples = inputs["phytoplankton"]
    stats = samples.groupby("station_id")["density_1e4_cells_l"].agg(["mean", "count"])
    stats["period"] = period_text(samples)
    return pd.DataFrame({
        "station_id": stats.index, "value": stats["mean"].to_numpy(),
        "n_obs": stats["count"].to_numpy(), "samples": stats["count"].to_numpy(),
        "period": stats["period"].to_numpy()})


def macrophyte_cover(inputs: Inputs, param) -> IndicatorValues:
    """Macrophyte cover (大型水生植物覆盖度, SPEC §4.4) of each survey plot [%].

    Plots are scored one by one and combined per zone by the station policy (SPEC §1.1).
    """
    plots = inputs["macrophyte_plots"]
    table = plots.rename(columns={"plot_id": "station_id", "cover_pct": "value"}).assign(n_obs=1)
    return IndicatorValues(table=table.assign(plot_id=table["station_id"])[
        ["segment_id", "station_id", "value", "n_obs", "plot_id"]])


#: Community surveys (waterbirds, aquatic plants) of the segments evaluated.
COMMUNITY_SURVEYS = InputSpec(TableInput("community_surveys", by="segment"))

INDICATORS: tuple[Indicator, ...] = (
    Indicator(id="biota.benthic_ibi", criterion="biota",
              name_zh="大型底栖无脊椎动物生物完整性指数", name_en="benthic index of biotic integrity",
              applies_to=ALL_KINDS, inputs=InputSpec(TableInput("benthos_samples", by="segment"),
                                                     TableInput("benthos_taxa", by="all")),
              kernel=benthic_ibi,
              params=params.BenthicIbiParams,
              details=fields.BENTHIC_IBI,
              references="SPEC §4.4 benthic IBI: observed / expected B-IBI"),
    Indicator(id="biota.fish_retention", criterion="biota", name_zh="鱼类保有指数",
              name_en="fish retention index", applies_to=ALL_KINDS, scope="water_body",
              inputs=InputSpec(TableInput("fish_species", by="water_body")),
              kernel=fish_retention,
              params=NoParams,
              details=fields.FISH_RETENTION,
              references="SPEC §4.4 fish retention: native species now / historical species"),
    Indicator(id="biota.waterbirds", criterion="biota", name_zh="水鸟状况",
              name_en="waterbird status", applies_to=ALL_KINDS, inputs=COMMUNITY_SURVEYS,
              kernel=community_survey("waterbirds"),
              params=NoParams,
              details=fields.COMMUNITY_SURVEY,
              references="SPEC §4.4 waterbirds: species now / reference species"),
    Indicator(id="biota.aquatic_plants", criterion="biota", name_zh="水生植物群落状况",
              name_en="aquatic plant community", applies_to=RIVER,
              inputs=COMMUNITY_SURVEYS, kernel=community_survey("aquatic_plants"),
              params=NoParams,
              details=fields.COMMUNITY_SURVEY,
              references="SPEC §4.4 aquatic plants: species now / reference species"),
    Indicator(id="biota.phytoplankton_density", criterion="biota", name_zh="浮游植物密度",
              name_en="phytoplankton density", applies_to=LAKE,
              inputs=InputSpec(TableInput("phytoplankton")),
              unit="10^4 cells/L", kernel=phytoplankton_density,
              params=NoParams,
              details=fields.PHYTOPLANKTON_DENSITY,
              references="SPEC §4.4 phytoplankton density: mean density"),
    Indicator(id="biota.macrophyte_cover", criterion="biota", name_zh="大型水生植物覆盖度",
              name_en="macrophyte cover", applies_to=LAKE,
              inputs=InputSpec(TableInput("macrophyte_plots", by="segment")),
              unit="%", kernel=macrophyte_cover,
              params=NoParams,
              details=fields.MACROPHYTE_COVER,
              references="SPEC §4.4 macrophyte cover: surveyed cover"),
)
