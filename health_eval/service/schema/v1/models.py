"""Version 1 of the JSON contract: pydantic models of requests, responses and errors.

The request (``POST /v1/evaluate``, ``POST /v1/validate``, or a dict given to
:func:`health_eval.service.schema.request.evaluate_request`) forbids unknown keys; responses describe the tables of
:class:`~health_eval.EvaluationResult` exactly as :meth:`~health_eval.EvaluationResult.to_dict`
writes them. Policy options are derived from :class:`health_eval.profiles.profile.Policies`, so the
contract names every policy the engine knows.

References: ARCHITECTURE.md §6 (result tables); README "JSON contract".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    create_model,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ....profiles.profile import Policies
from ....vocabulary import WATER_BODY_KINDS, Severity, Status

__all__ = [
    "PROFILE_ID_PATTERN", "CriterionRow", "ErrorResponse", "EvaluateRequest", "EvaluateResponse",
    "HealthResponse", "IndicatorInfo", "IndicatorRow", "IndicatorsResponse", "IssueRow",
    "KindProfiles", "PolicyOverrides", "ProfileInfo", "ProfilesResponse", "Provenance",
    "SegmentRow", "TableRows", "ValidateResponse", "WaterBodyRow",
]

#: A packaged profile id: letters, digits, ``-`` and ``_`` — never a path.
PROFILE_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"

Version = Literal["1"]


def _profile_id(value: Any) -> Any:
    if isinstance(value, str) and not re.fullmatch(PROFILE_ID_PATTERN, value):
        raise PydanticCustomError(
            "profile_id", "'{value}' is not a packaged profile id such as mwr2020-river (paths "
            "are not accepted; give a profile as a mapping instead)", {"value": value[:100]})
    return value


ProfileId = Annotated[str, StringConstraints(pattern=PROFILE_ID_PATTERN),
                      BeforeValidator(_profile_id), Field(
    description="Id of a packaged profile (GET /v1/profiles), e.g. mwr2020-river. Paths are "
                "not accepted.")]
InlineProfile = Annotated[dict[str, Any], Field(
    description="A profile as a mapping, in the form of a profile YAML file (`health-eval profile "
                "schema`); `extends:` may name a packaged profile id only.")]


def _scalar(value: Any) -> Any:
    if value is None or isinstance(value, str | bool | int | float):
        return value
    raise PydanticCustomError("cell_type", "a cell is a number, text, a boolean or null, not "
                                           "{kind}", {"kind": type(value).__name__})


Cell = Annotated[str | bool | int | float | None, BeforeValidator(_scalar), Field(
    description="A cell as a file would hold it: number, text (dates 2021-03-05, codes or their "
                "Chinese labels, below-detection `<0.01` or `未检出`), boolean, or null.")]
Record = Annotated[dict[str, Cell], Field(
    description="One row: column code or Chinese header (optionally with its unit in brackets) "
                "→ cell.")]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Response(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _profile_form(value: Any) -> str | None:
    """Which form of profile choice ``value`` is: ``id``, ``kinds``, ``inline`` (None: none)."""
    if isinstance(value, str):
        return "id"
    if isinstance(value, Mapping | BaseModel):
        keys = set(value.model_fields_set if isinstance(value, BaseModel) else value)
        return "kinds" if keys and keys <= set(WATER_BODY_KINDS) else "inline"
    return None


def _any_of(schema: dict[str, Any]) -> None:
    """JSON Schema ``anyOf`` for the forms of a profile: a kind mapping is also an object, so
    the forms overlap and ``oneOf`` would reject it (the model tells them apart by keys)."""
    for option in schema.get("anyOf", []):
        if "oneOf" in option:
            option["anyOf"] = option.pop("oneOf")


_PROFILE_FORM_ERROR = {"custom_error_type": "profile_type",
                       "custom_error_message": "a profile is a packaged id, a mapping, or null"}
OneProfile = Annotated[
    Annotated[ProfileId, Tag("id")] | Annotated[InlineProfile, Tag("inline")],
    Discriminator(_profile_form, **_PROFILE_FORM_ERROR)]


class KindProfiles(_Request):
    """One profile per water-body kind; kinds left out are not evaluated."""

    river: OneProfile | None = None
    lake: OneProfile | None = None
    reservoir: OneProfile | None = None

    @model_validator(mode="after")
    def _at_least_one(self) -> KindProfiles:
        if self.river is None and self.lake is None and self.reservoir is None:
            raise ValueError("name a profile for at least one kind (river, lake, reservoir)")
        return self


def _policy_overrides() -> type[BaseModel]:
    """A model with every field of :class:`Policies`, each optional (null = profile's own)."""
    fields: dict[str, Any] = {}
    for name, info in Policies.model_fields.items():
        annotation = Annotated[(info.annotation, *info.metadata)] if info.metadata \
            else info.annotation
        fields[name] = (annotation | None, Field(
            default=None, description=f"Overrides the profile's policy {name} "
                                      f"(profile default: {info.default!r})."))
    return create_model("PolicyOverrides", __base__=_Request,
                        __doc__="Policy overrides for this evaluation (README: Policies).",
                        **fields)


PolicyOverrides = _policy_overrides()


class EvaluateRequest(_Request):
    """An input package as tables of records, the method profile and policy options."""

    schema_version: Version = Field(
        default="1", description="Version of this contract; \"1\" when left out.")
    tables: dict[str, list[Record]] = Field(
        min_length=1,
        description="Input tables by table code or Chinese name (`wq_samples` or `水质监测数据`; "
                    "`health-eval tables` lists them). `water_bodies` and `segments` are always "
                    "required.")
    profile: Annotated[Annotated[
        Annotated[ProfileId, Tag("id")] | Annotated[KindProfiles, Tag("kinds")]
        | Annotated[InlineProfile, Tag("inline")],
        Discriminator(_profile_form, **_PROFILE_FORM_ERROR)] | None, Field(
        description="A packaged profile id, an inline profile mapping, or {kind: id or "
                    "mapping}. Left out: mwr2020-river for rivers, mwr2020-lake for lakes "
                    "and reservoirs.", json_schema_extra=_any_of)] = None
    options: PolicyOverrides = Field(default_factory=PolicyOverrides)  # type: ignore[valid-type]
    reading: str | None = Field(
        default=None, pattern=r"^[a-z0-9-]+$",
        description="A method reading applied to the profile (`health-eval readings` lists "
                    "them: `band-floor`…); left out: the profile as it is.")
    confidence: int | None = Field(
        default=None, ge=1, le=10_000,
        description="Confidence of class: bootstrap replicates of the raw samples, plots, sites "
                    "and questionnaires (README: Confidence of class); left out: none.")
    seed: int | None = Field(default=None, ge=0,
                             description="Seed of the confidence draws (default 0).")
    weights_spread: float | None = Field(
        default=None, ge=0, le=1,
        description="With confidence: spread of the criterion and indicator weights drawn "
                    "around the profile's (Dirichlet, concentration 1/spread²).")
    readings: list[Annotated[str, Field(pattern=r"^[a-z0-9-]+$")]] | None = Field(
        default=None, min_length=1, max_length=20,
        description="With confidence: the method readings the replicates are split among.")


class WaterBodyRow(_Response):
    """One water body: its RHI, class, and one more number-or-null key per criterion score
    (``basin``, ``water``, ``biota``, ``social`` in the packaged profiles)."""

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, float | None]

    water_body_id: str
    name: str | None
    kind: str | None
    evaluation_year: int | None = Field(
        default=None, description="The evaluation year (评价年份) of the input; a comparison "
                                  "with a previous result pairs rounds by it.")
    profile_id: str | None
    rhi: float | None
    health_class: int | None = Field(description="1 (一类) … 5 (五类); null when not evaluated.")
    health_label: str | None
    health_name: str | None


class SegmentRow(_Response):
    """One segment (河段) or lake zone: its weight in the water body, RHI and class."""

    water_body_id: str
    segment_id: str
    name: str | None
    profile_id: str | None
    segment_weight: float | None = Field(description="Length [km] or area [km²].")
    rhi: float | None
    health_class: int | None
    health_label: str | None
    health_name: str | None


class CriterionRow(_Response):
    """One criterion (准则层) score of one segment, and its weight W_k."""

    water_body_id: str
    segment_id: str
    criterion: str
    score: float | None
    weight: float | None
    n_evaluated: int | None


class IndicatorRow(_Response):
    """One indicator of one segment: value, score, effective weight, status and what it came
    from."""

    water_body_id: str
    segment_id: str
    indicator_id: str
    indicator_name: str | None
    criterion: str | None
    required: bool | None
    value: float | None
    unit: str | None
    score: float | None
    weight: float | None = Field(description="Effective weight after renormalisation.")
    base_weight: float | None
    status: Status
    source: str | None = Field(description="computed or supplied.")
    n_obs: int | None
    details: dict[str, Any] | None


class IssueRow(_Response):
    """One problem, located as precisely as the data allow (``table, file, sheet, row, column,
    value, rule, severity, message_zh, message_en``), with the keys of what it concerns
    (``water_body_id, segment_id, indicator_id``, added within version 1: optional) and the
    number of rows it stands for (``count``). ``rule`` is a code of ``health-eval rules``."""

    table: str
    file: str | None
    sheet: str | None
    row: int | None = Field(description="Row as the user sees it (first data record: 1).")
    column: str | None
    value: str | None
    rule: str
    severity: Severity
    message_zh: str
    message_en: str
    water_body_id: str | None = Field(default=None,
                                      description="The water body the issue concerns.")
    segment_id: str | None = Field(default=None, description="The segment the issue concerns.")
    indicator_id: str | None = Field(default=None,
                                     description="The indicator the issue concerns.")
    count: int | None = Field(default=None, ge=0,
                              description="Rows (cells, days…) the issue stands for, when "
                                          "several.")


class ConfidenceRow(_Response):
    """Confidence of the class of one water body (``segment_id`` absent) or segment, and one
    more ``p_class_k`` key per class: the share of replicates in class k (they sum to 1)."""

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, float | None]

    water_body_id: str
    segment_id: str | None = None
    replicates: int = Field(description="Replicates with an RHI.")
    rhi_p05: float | None
    rhi_median: float | None
    rhi_p95: float | None
    rhi_reached_80: float | None = Field(
        None, description="The highest RHI at least 80 % of the replicates reach.")
    health_class: int | None = Field(description="The class reported (of the evaluation).")
    p_reported: float | None = Field(description="Share of replicates in the class reported.")


class ConfidenceIndicatorRow(_Response):
    """An indicator whose variation moves the RHI of a water body (``segment_id`` null) or
    segment: its share of the variance of the RHI over the replicates."""

    water_body_id: str
    segment_id: str | None
    indicator_id: str
    indicator_name: str | None
    variance_share: float | None = Field(description="cov(contribution, RHI) / var(RHI).")
    rank: int | None = Field(description="1: the indicator that moves the RHI most.")


class ProfileProvenance(_Response):
    """One profile applied: which exact method (digest) and what it extends."""

    model_config = ConfigDict(extra="allow")

    digest: str
    extends: list[str]
    title: str | None
    source: str | None
    policies: dict[str, Any]
    reading: str | None = Field(default=None,
                                description="The method reading the profile was read with "
                                            "(``interpolate``: as it is; ``health-eval "
                                            "readings``).")


class TableRows(_Response):
    """Rows of one input table: every row read is used or rejected (and named in ``issues``)."""

    read: int = Field(description="Data rows read, blank rows between data included.")
    used: int = Field(description="Rows the evaluation could use.")
    rejected: int = Field(description="Blank rows, and rows an issue names as not used.")


class Provenance(_Response):
    """Where a result came from; further keys may be added within version 1."""

    model_config = ConfigDict(extra="allow")

    engine: str
    engine_version: str
    numpy_version: str
    pandas_version: str
    dataset: str
    inputs: dict[str, str] = Field(description="SHA-256 of every input file or request table.")
    profiles: dict[str, ProfileProvenance]
    rows: dict[str, TableRows] = Field(default_factory=dict,
                                       description="Rows read / used / rejected per table.")
    options: dict[str, Any]
    reading: str | None = Field(default=None,
                                description="The method reading(s) applied to the profiles "
                                            "(``interpolate``: the profiles as they are).")
    timestamp: str


class EvaluateResponse(_Response):
    """The result of one evaluation (:meth:`health_eval.EvaluationResult.to_dict`)."""

    schema_version: Version
    water_bodies: list[WaterBodyRow]
    segments: list[SegmentRow]
    criteria: list[CriterionRow]
    indicators: list[IndicatorRow]
    issues: list[IssueRow]
    provenance: Provenance
    confidence_water_bodies: list[ConfidenceRow] | None = Field(
        default=None, description="With a confidence request: one row per water body.")
    confidence_segments: list[ConfidenceRow] | None = Field(
        default=None, description="With a confidence request: one row per segment.")
    confidence_indicators: list[ConfidenceIndicatorRow] | None = Field(
        default=None, description="With a confidence request: the indicators that move each "
                                  "RHI most.")


class ValidateResponse(_Response):
    """What reading and checking the input found, without evaluating it."""

    schema_version: Version
    ok: bool = Field(description="True when no issue is an error.")
    tables: dict[str, int] = Field(description="Rows read per table (empty when unreadable).")
    rows: dict[str, TableRows] = Field(default_factory=dict,
                                       description="Rows read / used / rejected per table "
                                                   "(empty when unreadable).")
    issues: list[IssueRow]


class ErrorResponse(_Response):
    """The body of every error answer (4xx, 5xx)."""

    error: str = Field(description="Stable code: invalid_input, unknown_profile, unauthorized, "
                                   "too_large, timeout, not_found, internal_error, …")
    message_zh: str
    message_en: str
    issues: list[IssueRow] = Field(description="The problems, for invalid input (422) and limits "
                                               "(413); else empty.")


class ProfileInfo(_Response):
    """A packaged profile (``GET /v1/profiles``)."""

    id: str
    title_zh: str
    title_en: str
    source: str
    applies_to: list[str]
    indicators: int
    mandatory: int
    digest: str


class ProfilesResponse(_Response):
    """The packaged profiles."""

    schema_version: Version
    profiles: list[ProfileInfo]


class IndicatorInfo(_Response):
    """An indicator of the registry (``GET /v1/indicators``)."""

    id: str
    name_zh: str
    name_en: str
    criterion: str
    applies_to: list[str]
    scope: str
    inputs: list[str]
    unit: str
    computes_from_raw: bool
    references: str
    required: bool | None = Field(description="Mandatory in the profile asked for; null without "
                                              "a profile.")


class IndicatorsResponse(_Response):
    """The indicators, and the plugins that failed to load."""

    schema_version: Version
    profile: str | None
    indicators: list[IndicatorInfo]
    plugin_failures: list[str]


class HealthResponse(_Response):
    """``GET /healthz``."""

    status: Literal["ok"]
    engine_version: str
    schema_version: Version
