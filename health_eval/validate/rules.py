"""The declarative rule table of input validation: what values, keys and references are allowed.

Types, required columns and allowed codes come from the table catalogue
(:mod:`health_eval.io.tables`) and are checked while reading (:mod:`health_eval.io.cells`). This module
holds the rules checked on the typed tables by :mod:`health_eval.validate.checks`:

- :data:`BOUNDS` — ranges per column: outside an ``error`` range a value is impossible
  (a negative flow, a cover of 120 %); outside a ``warning`` range it is implausible and worth a
  second look (a longitude outside China), but it is used.
- :data:`PARAMETER_BOUNDS` — the same for sample values by parameter, in the parameter's unit
  (:data:`health_eval.io.tables.PARAMETER_UNITS`, after unit conversion): pH outside 0–14 is
  impossible, DO above 20 mg/L implausible.
- :data:`MAGNITUDE_LIMITS` — the largest magnitude a value of each unit can have anywhere, with
  wide margins: beyond it a value is absurd (a keyboard slip, ``1e308`` from an export) and an
  error in every numeric column and for every parameter that has no tighter range, before its
  arithmetic can overflow an indicator.
- :data:`ORDERED` — one column may not exceed another of the same row (developed shoreline
  not longer than the shoreline).
- :data:`SAMPLE_KEYS` — repeated samples (same station, date, parameter): a warning, as
  replicates are legitimate but double-count in means. Catalogue keys (``TableSpec.key``)
  must be unique: an error.
- :data:`REFERENCES` — columns that name a row of another table.
- :data:`DATED_STATION_TABLES` — station tables whose rows count only inside the evaluation year
  of the station's water body.

These are data-quality rules, not numbers of the evaluation method: the method's numbers live in
the profiles (SPEC §0).

References: ARCHITECTURE.md §1 (``validate``), §7; SPEC.md §4, §5.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..io.tables import PARAMETER_UNITS, TABLES, is_sample_value
from ..vocabulary import Severity

__all__ = ["BOUNDS", "DATED_STATION_TABLES", "MAGNITUDE_LIMITS", "ORDERED", "PARAMETER_BOUNDS",
           "REFERENCES", "SAMPLE_KEYS", "Bounds", "Ordered", "ParameterBounds", "Reference"]


@dataclass(frozen=True)
class Bounds:
    """Allowed range of one numeric column: ``low <= value <= high`` (None: open)."""

    table: str
    column: str
    low: float | None
    high: float | None
    severity: Severity = "error"


@dataclass(frozen=True)
class ParameterBounds:
    """Allowed range of the sample values of one parameter, in its unit."""

    parameter: str
    low: float | None
    high: float | None
    severity: Severity


@dataclass(frozen=True)
class Ordered:
    """``column`` may not exceed ``limit`` in the same row."""

    table: str
    column: str
    limit: str
    severity: Severity = "error"


@dataclass(frozen=True)
class Reference:
    """``column`` of ``table`` (every table that has it, when None) names a row of ``target``
    by ``target_column``; ``label`` names the target in Chinese. When ``needed``, rows cannot
    be used without the target table (a station's rows without 监测站点: no segment)."""

    column: str
    target: str
    target_column: str
    label: str
    table: str | None = None
    needed: bool = False


def _non_negative(*pairs: tuple[str, str]) -> tuple[Bounds, ...]:
    return tuple(Bounds(table, column, 0.0, None) for table, column in pairs)


def _percent(*pairs: tuple[str, str]) -> tuple[Bounds, ...]:
    return tuple(Bounds(table, column, 0.0, 100.0) for table, column in pairs)


BOUNDS: tuple[Bounds, ...] = (
    Bounds("water_bodies", "evaluation_year", 1949, 2100),
    *_non_negative(("water_bodies", "length_km"), ("water_bodies", "area_km2"),
                   ("segments", "length_km"), ("segments", "area_km2"),
                   ("stations", "mean_flow_m3s"), ("stations", "eco_flow_target_m3s"),
                   ("daily_flow", "flow_m3s"), ("monthly_flow", "measured_m3s"),
                   ("monthly_flow", "natural_m3s"), ("bank_plots", "height_m"),
                   ("riparian_reaches", "width_m"), ("riparian_reaches", "required_width_m"),
                   ("lake_connections", "flow_m3s"), ("sediment_samples", "value_mg_kg"),
                   ("benthos_samples", "count"), ("phytoplankton", "density_1e4_cells_l"),
                   ("dike_reaches", "design_return_period_yr"), ("water_supply", "value"),
                   ("shoreline_lengths", "shoreline_km"), ("shoreline_lengths", "developed_km"),
                   ("shoreline_lengths", "legalised_km"), ("navigation", "days_meeting_standard"),
                   ("community_surveys", "current_species"),
                   ("community_surveys", "reference_species"), ("benthos_taxa", "tolerance")),
    Bounds("riparian_reaches", "length_m", 0.0, None),
    Bounds("lake_areas", "current_area_km2", 0.0, None),
    Bounds("lake_areas", "reference_area_km2", 0.0, None),
    Bounds("dike_reaches", "length_km", 0.0, None),
    Bounds("water_supply", "design_value", 0.0, None),
    Bounds("sediment_samples", "screening_mg_kg", 0.0, None),
    *_percent(("bank_plots", "veg_cover_pct"), ("riparian_reaches", "veg_cover_pct"),
              ("macrophyte_plots", "cover_pct"), ("questionnaires", "score"),
              ("community_surveys", "expert_score")),
    Bounds("bank_plots", "slope_deg", 0.0, 90.0),
    Bounds("sediment_samples", "ph", 0.0, 14.0),
    Bounds("sediment_samples", "ph", 3.0, 11.0, "warning"),
    Bounds("benthos_taxa", "tolerance", 0.0, 10.0, "warning"),
    Bounds("monthly_flow", "month", 1, 12),
    Bounds("monthly_flow", "year", 1900, 2100),
    Bounds("lake_areas", "reference_year", 1900, 2100),
    Bounds("navigation", "days_in_period", 1, 366),
    Bounds("stations", "longitude", -180.0, 180.0),
    Bounds("stations", "latitude", -90.0, 90.0),
    # the People's Republic spans about 73–136 °E and 3–54 °N
    Bounds("stations", "longitude", 73.0, 136.0, "warning"),
    Bounds("stations", "latitude", 3.0, 54.0, "warning"),
    Bounds("daily_flow", "flow_m3s", None, 100_000.0, "warning"),   # above the Yangtze's floods
    Bounds("water_level", "level_m", -200.0, 5_000.0, "warning"),
)

#: Largest magnitude of a value by unit (the catalogue's column units and the parameters'
#: units); other numbers (counts, unitless values) :data:`DEFAULT_MAGNITUDE_LIMIT`. Beyond any
#: river or lake on Earth: flows 10⁶ m³/s (the Amazon peaks near 3 × 10⁵), lengths 10⁵ km.
MAGNITUDE_LIMITS: dict[str, float] = {
    "km": 1e5, "km2": 1e7, "m3/s": 1e6, "m": 1e6, "mg/kg": 1e6, "10^4 cells/L": 1e8, "a": 1e6,
    "d": 1e4, "mg/L": 1e6, "mg/m3": 1e6, "°C": 1e3, "个/L": 1e13,
}
DEFAULT_MAGNITUDE_LIMIT = 1e9


def _magnitude_bounds(declared: tuple[Bounds, ...]) -> tuple[Bounds, ...]:
    """An error range ``[-limit, limit]`` (:data:`MAGNITUDE_LIMITS`) for every numeric column
    of the catalogue but sample values (bounded by parameter), on the sides its declared error
    bounds leave open."""
    closed = {}
    for bound in declared:
        if bound.severity == "error":
            low, high = closed.get((bound.table, bound.column), (False, False))
            closed[bound.table, bound.column] = (low or bound.low is not None,
                                                 high or bound.high is not None)
    bounds = []
    for spec in TABLES:
        for column in spec.columns:
            if column.dtype not in ("float", "int") or is_sample_value(spec, column):
                continue                   # sample values: by parameter, below
            limit = MAGNITUDE_LIMITS.get(column.unit, DEFAULT_MAGNITUDE_LIMIT)
            low, high = closed.get((spec.name, column.name), (False, False))
            if not (low and high):
                bounds.append(Bounds(spec.name, column.name, None if low else -limit,
                                     None if high else limit))
    return tuple(bounds)


BOUNDS += _magnitude_bounds(BOUNDS)

#: Parameters not listed here only must not be negative (concentrations in mg/L); every
#: parameter's values are bounded by the magnitude limit of its unit (:data:`MAGNITUDE_LIMITS`).
PARAMETER_BOUNDS: tuple[ParameterBounds, ...] = (
    ParameterBounds("ph", 0.0, 14.0, "error"),
    ParameterBounds("ph", 4.0, 11.0, "warning"),
    ParameterBounds("do", 0.0, None, "error"),
    ParameterBounds("do", None, 20.0, "warning"),
    ParameterBounds("wt", -2.0, 45.0, "warning"),
    ParameterBounds("sd", 0.0, None, "error"),
    ParameterBounds("sd", None, 30.0, "warning"),
    ParameterBounds("codmn", None, 100.0, "warning"),
    ParameterBounds("cod", None, 1000.0, "warning"),
    ParameterBounds("bod5", None, 500.0, "warning"),
    ParameterBounds("nh3n", None, 100.0, "warning"),
    ParameterBounds("tp", None, 20.0, "warning"),
    ParameterBounds("tn", None, 100.0, "warning"),
    ParameterBounds("chla", None, 2000.0, "warning"),
)



def _parameter_magnitudes(declared: tuple[ParameterBounds, ...]) -> tuple[ParameterBounds, ...]:
    """The magnitude limit of each parameter's unit, as an error range on the sides its declared
    error bounds leave open; a parameter without any (a concentration) must also not be
    negative — water temperature excepted."""
    bounds = []
    for parameter, unit in PARAMETER_UNITS.items():
        limit = MAGNITUDE_LIMITS.get(unit, DEFAULT_MAGNITUDE_LIMIT)
        errors = [b for b in declared if b.parameter == parameter and b.severity == "error"]
        low = any(b.low is not None for b in errors)
        high = any(b.high is not None for b in errors)
        if not errors:
            bounds.append(ParameterBounds(parameter, -limit if parameter == "wt" else 0.0, limit,
                                          "error"))
        elif not high:
            bounds.append(ParameterBounds(parameter, None if low else -limit, limit, "error"))
    return tuple(bounds)


PARAMETER_BOUNDS += _parameter_magnitudes(PARAMETER_BOUNDS)

ORDERED: tuple[Ordered, ...] = (
    Ordered("shoreline_lengths", "developed_km", "shoreline_km"),
    Ordered("shoreline_lengths", "legalised_km", "developed_km"),
    Ordered("navigation", "days_meeting_standard", "days_in_period"),
)

#: Sample tables: a repeated (station, date, parameter) is a warning.
SAMPLE_KEYS: dict[str, tuple[str, ...]] = {
    "wq_samples": ("station_id", "date", "parameter"),
    "drinking_source_samples": ("station_id", "date", "parameter"),
}

REFERENCES: tuple[Reference, ...] = (
    Reference("water_body_id", "water_bodies", "water_body_id", "河湖"),
    Reference("segment_id", "segments", "segment_id", "河段"),
    Reference("neighbour_segment_id", "segments", "segment_id", "河段"),
    Reference("station_id", "stations", "station_id", "测站", needed=True),
    Reference("taxon", "benthos_taxa", "taxon", "底栖动物分类单元", table="benthos_samples"),
)

#: Station tables whose rows are used only inside the evaluation year (SPEC §4: evaluation-year
#: means, daily series of the evaluation year).
DATED_STATION_TABLES: tuple[str, ...] = (
    "wq_samples", "daily_flow", "water_level", "phytoplankton", "water_supply",
    "drinking_source_samples",
)
