"""Typed parameters of the built-in indicators (``indicators.<id>.params`` of a profile).

One pydantic model per indicator that takes parameters, declared by ``Indicator(params=…)``. The
profile is checked against these models when it loads (:func:`health_eval.profiles.profile.load_profile`):
an unknown key, a missing one or a mistyped value is a :class:`~health_eval.profiles.profile.ProfileError`
naming its YAML path. Numbers of the method live in the profile, never as defaults here (SPEC §0):
every field that holds such a number has no default; only bookkeeping (``source``,
``confidence``) may be left out. Each field's description gives its unit and the clause of the
method; ``health-eval indicators --describe ID`` prints them.

The models live together, apart from the indicator bodies: the CLI and the profile JSON Schema
read them without running any computation, and they share the point-list and table types.
"""

from __future__ import annotations

from typing import Annotated, Literal, NotRequired

from pydantic import ConfigDict, Field, with_config
from typing_extensions import TypedDict  # pydantic needs this one before Python 3.12

from health_eval.profiles.indicator_params import Params, spec
from health_eval.profiles.scoring import Confidence, CurveRule, DeductionRule

Fraction = Annotated[float, Field(ge=0, le=1)]
Score = Annotated[float, Field(ge=0, le=100)]
Points = list[tuple[float, float]]
Month = Annotated[int, Field(ge=1, le=12)]


@with_config(ConfigDict(extra="forbid"))
class _Sourced(TypedDict):
    source: NotRequired[str | None]
    confidence: NotRequired[Confidence | None]


@with_config(ConfigDict(extra="forbid"))
class ElementCurve(_Sourced):
    """A bank element curve in mapping form: breakpoints and linear or step mode."""

    points: Points
    mode: NotRequired[Literal["linear", "step"]]


BankCurve = Points | ElementCurve


@with_config(ConfigDict(extra="forbid"))
class SubstrateScores(TypedDict):
    """Score [0–100 points] of each bank substrate code."""

    bedrock: Score
    rock_soil: Score
    clay: Score
    non_cohesive: Score


@with_config(ConfigDict(extra="forbid"))
class ErosionScores(TypedDict):
    """Score [0–100 points] of each bank-toe erosion code."""

    none: Score
    light: Score
    moderate: Score
    severe: Score


@with_config(ConfigDict(extra="forbid"))
class BankElements(_Sourced):
    """The five bank stability elements (岸坡稳定性, SPEC §4.1): a plot scores their mean."""

    slope_deg: Annotated[BankCurve, spec("Bank slope angle → score curve", "°")]
    veg_cover_pct: Annotated[BankCurve, spec("Bank vegetation cover → score curve", "%")]
    height_m: Annotated[BankCurve, spec("Bank height → score curve", "m")]
    substrate: SubstrateScores
    toe_erosion: ErosionScores


class ShorelineNaturalnessParams(Params):
    """Shoreline naturalness (岸线自然状况, SPEC §4.1)."""

    bank_stability_weight: Fraction = spec(
        "Weight of bank stability in the composite score (SPEC §4.1 [R])", "1")
    vegetation_weight: Fraction = spec(
        "Weight of the vegetation-cover score in the composite score (SPEC §4.1 [R])", "1")
    bank_elements: BankElements = spec(
        "Element curves and code scores of bank stability (指南 岸坡稳定性 五要素赋分, SPEC §4.1)")
    vegetation_cover: CurveRule = spec(
        "Curve scoring the length-weighted riparian vegetation cover (指南 植被覆盖度赋分, "
        "SPEC §4.1)", "%")


@with_config(ConfigDict(extra="forbid"))
class PartWeights(TypedDict):
    """Weights of the three parts of illegal shoreline development (SPEC §4.1 [R])."""

    standardisation: Fraction
    siting: Fraction
    four_problems: Fraction


class ShorelineViolationsParams(Params):
    """Illegal shoreline development (违规开发利用水域岸线程度, SPEC §4.1)."""

    part_weights: PartWeights = spec(
        "Weights of outfall standardisation, outfall siting and 四乱 (SPEC §4.1 [R])", "1")
    four_problems: DeductionRule = spec(
        "Deduction per 四乱 problem by severity, floor 0 (指南 “四乱”问题扣分, SPEC §4.1)", "points")


@with_config(ConfigDict(extra="forbid"))
class RatingScores(_Sourced):
    """Score [0–100 points] of each lake connection rating (SPEC §4.1 [R])."""

    unobstructed: Score
    mostly_unobstructed: Score
    poor: Score
    severely_blocked: Score
    blocked: Score


class LakeConnectivityParams(Params):
    """Lake connectivity index (湖泊连通指数, SPEC §4.1)."""

    rating_scores: RatingScores = spec(
        "Score of each connection rating 畅通…完全阻隔 (指南 湖泊连通指数, SPEC §4.1 [R])", "points")


class WqGradeParams(Params):
    """Water-quality grade (水质优劣程度, SPEC §4.3)."""

    worse_than_v_zero_multiple: float = spec(
        "Multiple of the class V limit at which a worse-than-V value reaches position 6, "
        "score 0 (SPEC §4.3 [R])", "× class V limit", gt=1)
    ph_zero_deviation: float = spec(
        "pH units outside 6–9 at which pH reaches position 6, score 0 (SPEC §4.3, engine "
        "default [R])", "pH units", gt=0)


Limits = list[Annotated[float, Field(gt=0)]]


METALS = ("cd", "hg", "as", "pb", "cr", "cu", "ni", "zn")
_SCREENING_FIELDS = {"source": NotRequired[str | None],
                     "confidence": NotRequired[Confidence | None],
                     "ph_upper_bounds": list[float],
                     **{metal: NotRequired[Limits] for metal in METALS}}
#: GB 15618-2018 表1 screening values [mg/kg] of the metals, one per pH band (SPEC §4.3); the
#: functional form because ``as`` (arsenic) is a Python keyword.
ScreeningValues = with_config(ConfigDict(extra="forbid"))(
    TypedDict("ScreeningValues", _SCREENING_FIELDS))


class SedimentParams(Params):
    """Sediment pollution (底泥污染状况, SPEC §4.3)."""

    screening_values: ScreeningValues = spec(
        "Screening value of each metal by pH band (≤ 5.5, 5.5–6.5, 6.5–7.5, > 7.5) used where a "
        "sample gives none (GB 15618-2018 表1 其他, SPEC §4.3)", "mg/kg")


class EcoFlowParams(Params):
    """Ecological flow satisfaction (生态流量满足程度, SPEC §4.2)."""

    method: Literal["ratios", "target"] = spec(
        "ratios: min of the EF1/EF2 scores (SPEC §4.2 [P]); target: share of days at or above "
        "the station's approved eco-flow target × 100 (engine option)")
    dry_months: list[Month] = spec("Months of the EF1 period, Oct–Mar (SPEC §4.2)", "month",
                                   min_length=1)
    wet_months: list[Month] = spec("Months of the EF2 period, Apr–Sep (SPEC §4.2)", "month",
                                   min_length=1)
    ef1: CurveRule = spec("Curve scoring EF1, % of the multi-year mean flow (指南 生态流量 EF1 "
                          "赋分, SPEC §4.2)", "%")
    ef2: CurveRule = spec("Curve scoring EF2, % of the multi-year mean flow (指南 生态流量 EF2 "
                          "赋分, SPEC §4.2)", "%")
    min_coverage: Fraction = spec(
        "Share of the year's days with data below which a station is insufficient_data "
        "(engine default)", "1")


class MinEcoLevelParams(Params):
    """Minimum ecological water level (最低生态水位满足程度, SPEC §4.2)."""

    windows: list[Annotated[int, Field(ge=1)]] = spec(
        "Moving-mean windows of the ladder, increasing (SPEC §4.2 [R])", "d", min_length=1)
    min_coverage: Fraction = spec(
        "Share of the year's days with data below which a gauge is insufficient_data "
        "(engine default)", "1")


Ascending = list[float]


@with_config(ConfigDict(extra="forbid"))
class EiTable(_Sourced):
    """EI scoring table of SL 395-2007: index values and each parameter's value at them."""

    ei: Ascending
    tp: Ascending
    tn: Ascending
    chla: Ascending
    codmn: Ascending
    sd: Ascending


@with_config(ConfigDict(extra="forbid"))
class EiClasses(_Sourced):
    """Upper bounds of the EI trophic states 贫营养 … 中度富营养 (SL 395-2007, SPEC §6.2)."""

    upper_bounds: list[float]


class TrophicStateParams(Params):
    """Lake trophic state (湖泊营养状态, SPEC §4.3, §6)."""

    method: Literal["ei", "tli"] = spec(
        "ei: EI of SL 395-2007 (SPEC §6.2); tli: TLI(Σ) (SPEC §6.1)")
    aggregation: Literal["means", "samples"] = spec(
        "means: the index of the evaluation-year means; samples: the mean of per-sample "
        "indices (SPEC §6)")
    ei_table: EiTable = spec(
        "EI index values and parameter values at them: tp, tn, chla, codmn [mg/L], sd [m] "
        "(SL 395-2007, SPEC §6.2 [R])", "mg/L; sd m")
    ei_classes: EiClasses = spec("EI class upper bounds 20/50/60/80 (SL 395-2007, SPEC §6.2)",
                                 "EI")


BenthicMetric = Literal["taxa_richness", "ept_richness", "dominant_pct", "tolerant_pct", "shannon"]


class BenthicIbiParams(Params):
    """Benthic index of biotic integrity (大型底栖无脊椎动物生物完整性指数, SPEC §4.4)."""

    bounds_from: Literal["all_sites", "reference_sites"] = spec(
        "Sites the metric percentiles are taken over: all sampling sites of the water body "
        "(ratio method, 比值法) or its reference sites (SPEC §4.4 [P])")
    metrics: dict[BenthicMetric, Literal["decreasing", "increasing"]] = spec(
        "Core metrics and their response to disturbance (SPEC §4.4 [P])", min_length=1)
    upper_percentile: float = spec(
        "Percentile a decreasing metric is scored against (SPEC §4.4 [P])", "percentile",
        ge=0, le=100)
    lower_percentile: float = spec(
        "Percentile an increasing metric is scored against (SPEC §4.4 [P])", "percentile",
        ge=0, le=100)
    tolerant_min: float = spec("Tolerance value from which a taxon is tolerant (engine "
                               "default)", "tolerance value")
    ept_orders: list[str] = spec("Orders counted as EPT taxa (SPEC §4.4)", min_length=1)
    expected_bibi: float | None = spec(
        "Expected (reference) B-IBI of the eco-region; null: the median B-IBI of the water "
        "body's reference sites (SPEC §4.4)", "B-IBI")
    source: str | None = None
    confidence: Confidence | None = None


class WaterSupplyParams(Params):
    """Water supply assurance (供水水量保证程度, SPEC §4.5)."""

    min_coverage: Fraction = spec(
        "Share of the year's days with data below which an intake is insufficient_data "
        "(engine default)", "1")


@with_config(ConfigDict(extra="forbid"))
class SupplementaryLimits(_Sourced):
    """GB 3838-2002 表2 limits of drinking-water sources [mg/L]."""

    sulfate: NotRequired[Annotated[float, Field(gt=0)]]
    chloride: NotRequired[Annotated[float, Field(gt=0)]]
    nitrate: NotRequired[Annotated[float, Field(gt=0)]]
    fe: NotRequired[Annotated[float, Field(gt=0)]]
    mn: NotRequired[Annotated[float, Field(gt=0)]]


class DrinkingSourceParams(Params):
    """Drinking-water source compliance (集中式饮用水水源地水质达标率, SPEC §4.5)."""

    standard_class: int = spec("GB 3838 class a sampling event must meet (Ⅲ = 3, SPEC §4.5)",
                               "class", ge=1, le=5)
    supplementary_limits: SupplementaryLimits = spec(
        "Supplementary items of drinking-water sources (GB 3838-2002 表2, SPEC §4.5)", "mg/L")


@with_config(ConfigDict(extra="forbid"))
class RespondentWeights(TypedDict):
    """Weight of each respondent type (SPEC §4.5 [P])."""

    resident: Annotated[float, Field(ge=0)]
    manager: Annotated[float, Field(ge=0)]
    worker: Annotated[float, Field(ge=0)]
    frequent_visitor: Annotated[float, Field(ge=0)]
    occasional_visitor: Annotated[float, Field(ge=0)]


class PublicSatisfactionParams(Params):
    """Public satisfaction (公众满意度, SPEC §4.5)."""

    respondent_weights: RespondentWeights = spec(
        "Weight of each respondent type: resident, manager, worker, frequent and occasional "
        "visitor (SPEC §4.5 [P])", "1")
    min_responses: int = spec("Fewest responses for a value; fewer: insufficient_data "
                              "(engine default)", "responses", ge=1)
