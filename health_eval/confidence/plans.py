"""Resampling plans: which raw observations a confidence run resamples, and within what.

Each plan names a table, its sampling strata (the bootstrap never crosses them) and its sampling
unit. A unit is either one row (a sample, a plot, a questionnaire) whose *measured* columns are
drawn from a row of the same stratum, the others (ids, date) staying, or a group of rows (a
benthos or sediment site with all its taxa or metals, a drinking-source sampling event with all
its parameters) drawn whole and given the drawn-into slot's id. A stratum keeps its size, so
every id, date and stratum of the input is still there in each replicate (issue 18, part 2).

Tables not listed (daily flows and levels, monthly flows, censuses of outfalls, barriers and
四乱, lake areas, species lists, community surveys, dike reaches, supply) are records of the whole
year or of everything there is, not samples: they are not resampled.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["PLANS", "Plan", "draw"]


@dataclass(frozen=True)
class Plan:
    """How one table is bootstrapped.

    Parameters
    ----------
    table : str
        Table code (:mod:`health_eval.io.tables`).
    strata : tuple of str
        Columns whose values a drawn unit shares with its slot.
    unit : tuple of str
        Columns naming a multi-row unit (drawn whole); empty: each row is a unit.
    measured : tuple of str
        For row units, the columns drawn (the others stay with the slot).
    what_zh, what_en : str
        The sampling unit in words (README, report).
    """

    table: str
    strata: tuple[str, ...]
    unit: tuple[str, ...] = ()
    measured: tuple[str, ...] = ()
    what_zh: str = ""
    what_en: str = ""


#: The plans, one per resampled table.
PLANS: dict[str, Plan] = {p.table: p for p in (
    Plan("wq_samples", ("station_id", "parameter"),
         measured=("value", "unit", "below_detection", "detection_limit"),
         what_zh="各测站各监测项目的样品（按月样品）",
         what_en="samples of each station and parameter (the monthly samples)"),
    Plan("drinking_source_samples", ("station_id",), unit=("date",),
         what_zh="各水源地测站的采样批次", what_en="sampling events of each drinking-source station"),
    Plan("phytoplankton", ("station_id",), measured=("density_1e4_cells_l",),
         what_zh="各测站的浮游植物样品", what_en="phytoplankton samples of each station"),
    Plan("bank_plots", ("segment_id", "bank"),
         measured=("slope_deg", "veg_cover_pct", "height_m", "substrate", "toe_erosion"),
         what_zh="各河段各岸的岸坡样点", what_en="bank plots of each segment and bank"),
    Plan("macrophyte_plots", ("segment_id",), measured=("cover_pct",),
         what_zh="各湖区的水生植物样方", what_en="macrophyte plots of each lake zone"),
    Plan("sediment_samples", ("segment_id",), unit=("site_id",),
         what_zh="各河段的底泥点位", what_en="sediment sites of each segment"),
    Plan("benthos_samples", ("segment_id", "is_reference"), unit=("site_id",),
         what_zh="各河段的底栖动物点位（参照点与非参照点分开）",
         what_en="benthos sites of each segment (reference and other sites apart)"),
    Plan("questionnaires", ("water_body_id", "segment_id"), measured=("respondent_type", "score"),
         what_zh="各河湖（河段）的调查问卷", what_en="questionnaires of each water body (segment)"),
)}


def _codes(frame: pd.DataFrame, columns: tuple[str, ...]) -> np.ndarray:
    """One integer code per row for the values of ``columns`` (missing values a value too)."""
    if not columns:
        return np.zeros(len(frame), dtype=np.int64)
    return frame.groupby(list(columns), dropna=False, sort=False).ngroup().to_numpy(np.int64)


def draw(frame: pd.DataFrame, plan: Plan, replicates: int, rng: np.random.Generator
         ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Bootstrap ``frame`` ``replicates`` times by ``plan``, all replicates at once.

    Every unit slot of a stratum receives a unit drawn uniformly, with replacement, from the
    units of its stratum.

    Returns
    -------
    (ndarray, ndarray, ndarray) of int64
        For every output row: the replicate it belongs to, the row of ``frame`` its drawn values
        come from, and a row of its slot (where its ids and, for row units, unmeasured columns
        come from). Rows come replicate by replicate.
    """
    stratum = _codes(frame, plan.strata)
    unit = _codes(frame, plan.strata + plan.unit) if plan.unit else np.arange(len(frame))
    n_units = int(unit.max()) + 1 if len(unit) else 0
    # the rows of each unit, unit by unit, and each unit's stratum
    rows = np.argsort(unit, kind="stable")
    size = np.bincount(unit, minlength=n_units)
    start = np.cumsum(size) - size
    unit_stratum = np.empty(n_units, dtype=np.int64)
    unit_stratum[unit] = stratum
    # the units of each stratum, stratum by stratum
    members = np.argsort(unit_stratum, kind="stable")
    count = np.bincount(unit_stratum, minlength=int(unit_stratum.max(initial=-1)) + 1)
    first = np.cumsum(count) - count
    slot_count = count[unit_stratum]
    picks = (rng.random((replicates, n_units)) * slot_count).astype(np.int64)
    chosen = members[first[unit_stratum] + picks]                 # (replicates, slots)
    if not plan.unit:                                             # a unit is its row
        return (np.repeat(np.arange(replicates), n_units), chosen.ravel(),
                np.tile(np.arange(n_units), replicates))
    lengths = size[chosen].ravel()
    offsets = np.repeat(np.cumsum(lengths) - lengths, lengths)
    drawn = rows[np.repeat(start[chosen].ravel(), lengths) + np.arange(lengths.sum()) - offsets]
    slot = np.repeat(np.tile(rows[start], replicates), lengths)
    replicate = np.repeat(np.repeat(np.arange(replicates), n_units), lengths)
    return replicate, drawn, slot
