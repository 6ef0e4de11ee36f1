"""Indicators of the 生物 criterion: fish, benthos, plants, birds, plankton (SPEC §4.4).

``biota.fish_retention`` computes from fish species lists; the others take supplied values for
now.
"""

from __future__ import annotations

import pandas as pd

from health_eval.issues import Issue
from health_eval.registry import ComputeContext, Indicator, IndicatorValues

from .basin import ALL_KINDS, LAKE, RIVER
from .biota import fish_retention_table


def compute_fish_retention(dataset, context: ComputeContext) -> IndicatorValues:
    """Fish retention index FOEI of each water body (鱼类保有指数, SPEC §4.4).

    A water body with current species but no historical list is ``insufficient_data`` (FOEI has
    no denominator) and gets a warning.
    """
    species = dataset.table("fish_species")
    species = species[species["water_body_id"].isin(context.segments["water_body_id"])]
    table = fish_retention_table(species).reset_index()
    no_history = table["historical"] == 0
    details = table[["historical", "current_native", "current_non_native"]].astype(int).to_dict(
        "records")
    rows = pd.DataFrame({
        "water_body_id": table["water_body_id"], "value": table["foei"],
        "n_obs": table["historical"] + table["current_native"] + table["current_non_native"],
        "status": ["insufficient_data" if flag else "ok" for flag in no_history],
        "details": details})
    issues = tuple(
        Issue(table="fish_species", column="period", rule="fish.no_historical_species",
              severity="warning", value=str(wb),
              message_zh=f"河湖 {wb} 没有历史鱼类名录（1980年代以前），无法计算鱼类保有指数",
              message_en=f"water body {wb} has no historical fish species list (before the "
                         f"1980s): the fish retention index cannot be computed")
        for wb in table.loc[no_history, "water_body_id"])
    return IndicatorValues(table=rows, issues=issues)


INDICATORS: tuple[Indicator, ...] = (
    Indicator(id="biota.benthic_ibi", criterion="biota",
              name_zh="大型底栖无脊椎动物生物完整性指数", name_en="benthic index of biotic integrity",
              applies_to=ALL_KINDS, inputs=("benthos_samples", "benthos_taxa"),
              references="SPEC §4.4 benthic IBI: observed / expected B-IBI"),
    Indicator(id="biota.fish_retention", criterion="biota", name_zh="鱼类保有指数",
              name_en="fish retention index", applies_to=ALL_KINDS, scope="water_body",
              inputs=("fish_species",), compute=compute_fish_retention,
              references="SPEC §4.4 fish retention: native species now / historical species"),
    Indicator(id="biota.waterbirds", criterion="biota", name_zh="水鸟状况",
              name_en="waterbird status", applies_to=ALL_KINDS, inputs=("community_surveys",),
              references="SPEC §4.4 waterbirds: species now / reference species"),
    Indicator(id="biota.aquatic_plants", criterion="biota", name_zh="水生植物群落状况",
              name_en="aquatic plant community", applies_to=RIVER,
              inputs=("community_surveys",),
              references="SPEC §4.4 aquatic plants: species now / reference species"),
    Indicator(id="biota.phytoplankton_density", criterion="biota", name_zh="浮游植物密度",
              name_en="phytoplankton density", applies_to=LAKE, inputs=("phytoplankton",),
              unit="10^4 cells/L", references="SPEC §4.4 phytoplankton density: mean density"),
    Indicator(id="biota.macrophyte_cover", criterion="biota", name_zh="大型水生植物覆盖度",
              name_en="macrophyte cover", applies_to=LAKE, inputs=("macrophyte_plots",),
              unit="%", references="SPEC §4.4 macrophyte cover: surveyed cover"),
)
