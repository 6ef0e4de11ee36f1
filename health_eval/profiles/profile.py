"""Method profiles: the evaluation method as data (ARCHITECTURE §5, SPEC §0–§1).

A profile names the criteria and their weights, the indicators used (mandatory or optional,
weight within the criterion, parameters, scoring rule), the health classes, how segments are
weighted into a water body, and the policies for missing data. Every number carries ``source``
and ``confidence`` (V verified, P partly corroborated, R recalled; SPEC §0).

Packaged profiles live in ``health_eval/profiles/*.yaml``. A user profile may ``extends:`` a
packaged id or another file and change any part: mappings merge key by key, lists and scoring
rules of another kind replace what they override.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..io.yaml_text import load_mapping, read_mapping
from ..vocabulary import WaterBodyKind
from .indicator_params import params_schema_defs, parse_params
from .scoring import Confidence, ScoringRule

if TYPE_CHECKING:
    from ..engine.registry import IndicatorRegistry

WEIGHT_TOLERANCE = 1e-6


class ProfileError(Exception):
    """A profile that cannot be loaded; the message names the file and every bad key."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Criterion(_Model):
    """One criterion (准则层) with its weight W_k in the segment RHI (SPEC §1.1)."""

    name_zh: str
    name_en: str
    weight: float = Field(ge=0, le=1)
    source: str | None = None
    confidence: Confidence | None = None


class IndicatorConfig(_Model):
    """How a profile uses one indicator.

    Parameters
    ----------
    required : bool
        Mandatory (必选) when true, optional (备选) otherwise.
    weight : float
        Weight within its criterion before renormalisation (equal by default, SPEC §1.1).
    enabled : bool
        False drops the indicator from this profile (a user profile can remove an optional one).
    criterion : str, optional
        Put the indicator under another criterion than its definition's.
    scoring : ScoringRule, optional
        Overrides the indicator's default scoring rule.
    params : dict
        Indicator-specific parameters (thresholds, sub-curves…) as the file gives them; read
        through the indicator's params model (``Indicator.params``) when the profile loads.
    """

    required: bool = False
    weight: float = Field(default=1.0, gt=0)
    enabled: bool = True
    criterion: str | None = None
    scoring: ScoringRule | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    source: str | None = None
    confidence: Confidence | None = None


class OwnIndicator(_Model):
    """A locally defined indicator (自选指标): scored from a value supplied in ``indicator_values``.

    Parameters
    ----------
    id : str
        Stable id, conventionally ``own.<name>``.
    scope : {"segment", "water_body"}
        Whether values are given per segment or once for the whole water body.
    scoring : ScoringRule
        Its own 0–100 scoring rule.
    """

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*\.[a-z0-9_.]+$")
    name_zh: str
    name_en: str
    criterion: str
    applies_to: list[WaterBodyKind] = Field(min_length=1)
    scope: Literal["segment", "water_body"] = "segment"
    unit: str = ""
    required: bool = False
    weight: float = Field(default=1.0, gt=0)
    scoring: ScoringRule
    references: str = "自选指标 (local indicator)"
    source: str | None = None
    confidence: Confidence | None = None


class HealthClass(_Model):
    """A health class (SPEC §1.2): the RHI at or above ``min_rhi`` and below the better class."""

    grade: int = Field(ge=1)
    name_zh: str
    label_zh: str
    label_en: str
    min_rhi: float
    colour: str


class Policies(_Model):
    """Policies for missing or many data (SPEC §1.1, §5).

    Parameters
    ----------
    missing_mandatory : {"error", "warn"}
        A mandatory indicator without data is an error (the segment gets no RHI) or a warning
        (its criterion is renormalised and the report says so).
    station_combination : {"mean", "worst"}
        How the scores of several stations or plots in one segment are combined.
    below_detection : {"half", "limit"}
        A below-detection value enters as half the detection limit or as the limit.
    rounding : int
        Decimals of scores in reports and printed tables; classes use the unrounded RHI.
    station_fallback : {"neighbour", "none"}
        A segment without a station of its own for an indicator uses the stations of the segment
        named in its ``neighbour_segment_id`` (recorded in ``details.borrowed_from``), or gets no
        value (``none``).
    """

    missing_mandatory: Literal["error", "warn"] = "error"
    station_combination: Literal["mean", "worst"] = "mean"
    station_fallback: Literal["neighbour", "none"] = "neighbour"
    below_detection: Literal["half", "limit"] = "half"
    rounding: int = Field(default=1, ge=0, le=6)


class Profile(_Model):
    """A complete, resolved method profile (after ``extends`` has been applied)."""

    id: str
    title_zh: str
    title_en: str
    source: str
    applies_to: list[WaterBodyKind] = Field(min_length=1)
    segment_weighting: Literal["length", "area"]
    criteria: dict[str, Criterion] = Field(min_length=1)
    indicators: dict[str, IndicatorConfig]
    own_indicators: list[OwnIndicator] = Field(default_factory=list)
    classes: list[HealthClass] = Field(min_length=2)
    policies: Policies = Field(default_factory=Policies)
    extends_chain: list[str] = Field(default_factory=list)

    @field_validator("criteria")
    @classmethod
    def _weights_sum_to_one(cls, criteria: dict[str, Criterion]) -> dict[str, Criterion]:
        total = sum(c.weight for c in criteria.values())
        if abs(total - 1.0) > WEIGHT_TOLERANCE:
            weights = ", ".join(f"{k}={c.weight}" for k, c in criteria.items())
            raise ValueError(f"criterion weights must sum to 1, got {total:.6g} ({weights})")
        return criteria

    @field_validator("classes")
    @classmethod
    def _classes_ordered(cls, classes: list[HealthClass]) -> list[HealthClass]:
        grades = [c.grade for c in classes]
        if grades != list(range(1, len(classes) + 1)):
            raise ValueError(f"class grades must run 1, 2, … in order, got {grades}")
        thresholds = [c.min_rhi for c in classes]
        if any(a <= b for a, b in zip(thresholds, thresholds[1:])):
            raise ValueError(f"class thresholds must fall from class 1 down, got {thresholds}")
        return classes

    @model_validator(mode="after")
    def _criteria_known(self) -> Profile:
        for own in self.own_indicators:
            if own.criterion not in self.criteria:
                raise ValueError(f"own indicator {own.id}: unknown criterion {own.criterion!r}; "
                                 f"known: {sorted(self.criteria)}")
        for indicator_id, config in self.indicators.items():
            if config.criterion is not None and config.criterion not in self.criteria:
                raise ValueError(f"indicator {indicator_id}: unknown criterion "
                                 f"{config.criterion!r}; known: {sorted(self.criteria)}")
        return self

    @property
    def used_indicators(self) -> dict[str, IndicatorConfig]:
        """Enabled indicators, own indicators included, by id."""
        used = {k: v for k, v in self.indicators.items() if v.enabled}
        for own in self.own_indicators:
            used[own.id] = IndicatorConfig(required=own.required, weight=own.weight,
                                           criterion=own.criterion, scoring=own.scoring,
                                           source=own.source, confidence=own.confidence)
        return used

    def digest(self) -> str:
        """SHA-256 of the profile's canonical JSON: which exact method a result applied."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def packaged_profiles() -> list[str]:
    """Ids of the profiles shipped with health_eval (partials whose name starts with ``_`` are
    building blocks for ``extends`` and not listed)."""
    return sorted(name for name in _packaged_files() if not name.startswith("_"))


def _packaged_files() -> dict[str, Any]:
    folder = resources.files("health_eval") / "profiles"
    return {p.name[:-5]: p for p in folder.iterdir() if p.name.endswith(".yaml")}


def _read_yaml(text: str, origin: str) -> dict[str, Any]:
    return load_mapping(text, origin, ProfileError, "方案文件", "a profile")


@functools.cache
def _packaged_data(name: str) -> dict[str, Any]:
    """The parsed YAML of packaged profile ``name`` (read once per process; callers copy it)."""
    text = _packaged_files()[name].read_text(encoding="utf-8")
    return _read_yaml(text, name)


def _raw_profile(name: str | Path, base_dir: Path | None) -> tuple[dict[str, Any], str, Path | None]:
    """Read one profile file (packaged id or path) without resolving ``extends``."""
    text_name = str(name)
    packaged = _packaged_files()
    if text_name in packaged:
        return copy.deepcopy(_packaged_data(text_name)), text_name, None
    path = Path(name)
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path
    if not path.is_file():
        raise ProfileError(
            f"找不到评价方案“{name}” / no profile {name!r}: not a packaged profile "
            f"({', '.join(packaged_profiles())}) and no such file")
    return read_mapping(path, ProfileError, "方案文件", "a profile"), str(path), path.parent


def merge_profile_data(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge ``override`` into ``base``: mappings merge key by key, anything else replaces.

    A mapping whose ``rule`` differs from the base's (a curve replaced by an identity rule) replaces
    the base mapping whole, so no key of the old rule is left behind.
    """
    merged = dict(base)
    for key, value in override.items():
        old = merged.get(key)
        same_kind = not (isinstance(value, Mapping) and isinstance(old, Mapping)
                         and "rule" in value and value.get("rule") != old.get("rule"))
        if isinstance(value, Mapping) and isinstance(old, Mapping) and same_kind:
            merged[key] = merge_profile_data(old, value)
        else:
            merged[key] = value
    return merged


def _resolve(name: str | Path, base_dir: Path | None, seen: tuple[str, ...]
             ) -> tuple[dict[str, Any], list[str]]:
    data, origin, folder = _raw_profile(name, base_dir)
    if origin in seen:
        raise ProfileError(f"{origin}: extends 循环引用 / circular extends: {' -> '.join(seen)}")
    return _apply_extends(data, origin, folder, seen)


def _apply_extends(data: Mapping[str, Any], origin: str, folder: Path | None,
                   seen: tuple[str, ...]) -> tuple[dict[str, Any], list[str]]:
    """``data`` merged over the profile it ``extends`` (recursively), and the chain of origins."""
    data = dict(data)
    parent = data.pop("extends", None)
    if parent is None:
        return data, [origin]
    base, chain = _resolve(parent, folder, seen + (origin,))
    return merge_profile_data(base, data), chain + [origin]


def format_validation_error(exc: ValidationError, origin: str) -> str:
    """One line per problem: the dotted key path, what is wrong, and the value given."""
    lines = []
    for err in exc.errors():
        path = ".".join(str(part) for part in err["loc"])
        lines.append(f"  {path}: {err['msg']} (value: {err.get('input')!r})"[:400])
    return (f"{origin}: 评价方案有 {len(lines)} 处错误 / {len(lines)} error(s) in the profile:\n"
            + "\n".join(lines))


def load_profile(profile: str | Path | Mapping[str, Any] | Profile,
                 registry: IndicatorRegistry | None = None, reading: str | None = None
                 ) -> Profile:
    """Load a profile: a packaged id, a YAML path, a mapping, or a Profile (returned as is).

    Parameters
    ----------
    profile : str, Path, mapping or Profile
    registry : IndicatorRegistry, optional
        The indicators that will evaluate it: each one's ``params`` are checked against its
        model (default: the built-ins plus the plugins installed when first asked). Indicators
        the registry does not know are left to evaluation, which names them.
    reading : str, optional
        A method reading applied to the profile loaded
        (:func:`health_eval.profiles.readings.apply_reading`; an unknown name is a ProfileError).

    Raises
    ------
    ProfileError
        When the file is missing or not YAML, ``extends`` is circular, or a key is unknown or
        invalid, an indicator's parameter included (the message names the file and every bad
        key path, ``indicators.water.eco_flow.params.min_coverag``).
    """
    if reading is not None:
        from .readings import apply_reading

        return apply_reading(load_profile(profile, registry), reading)
    if isinstance(profile, Profile):
        return profile
    if isinstance(profile, Mapping):
        data, chain = _apply_extends(profile, "<mapping>", None, ())
        origin = str(data.get("id", "<mapping>"))
    else:
        data, chain = _resolve(profile, None, ())
        origin = chain[-1]
    data["extends_chain"] = chain
    try:
        loaded = Profile.model_validate(data)
    except ValidationError as exc:
        raise ProfileError(format_validation_error(exc, origin)) from exc
    check_params(loaded, registry, origin)
    return loaded


@functools.cache
def _installed_registry() -> IndicatorRegistry:
    """The built-ins plus the plugins installed when first asked: entry points are read once
    per process here (a profile loads in a millisecond, a registry takes several). Imported
    only when needed: ``import health_eval`` does not load the indicators."""
    from ..engine.registry import default_registry

    return default_registry()


def check_params(profile: Profile, registry: IndicatorRegistry | None = None,
                 origin: str | None = None) -> None:
    """Check every indicator's ``params`` of ``profile`` against its model in ``registry``.

    Raises
    ------
    ProfileError
        Naming ``origin`` (the file, default the profile id) and, one line each, the YAML path
        of every unknown, missing or mistyped parameter, in Chinese and English.
    """
    registry = registry if registry is not None else _installed_registry()
    problems = []
    for indicator_id, config in profile.indicators.items():
        if indicator_id in registry:
            problems += parse_params(registry.get(indicator_id).params, config.params,
                                     indicator_id)[1]
    if problems:
        raise ProfileError(f"{origin or profile.id}: 评价方案有 {len(problems)} 处参数错误 / "
                           f"{len(problems)} parameter error(s) in the profile:\n  "
                           + "\n  ".join(problems))


def profile_json_schema(registry: IndicatorRegistry | None = None) -> dict[str, Any]:
    """JSON Schema of a profile file (``health-eval profile schema``).

    ``indicators`` lists every indicator of ``registry`` (default: the built-ins plus installed
    plugins) with the schema of its ``params`` (editor completion); another id keeps the
    generic form. A file with ``extends`` needs none of the top-level keys.
    """
    registry = registry if registry is not None else _installed_registry()
    schema = Profile.model_json_schema()
    schema["properties"]["extends"] = {
        "type": "string", "description": "Packaged profile id or path this profile changes."}
    schema["properties"].pop("extends_chain", None)
    # a file that extends another gives only what it changes
    schema["anyOf"] = [{"required": ["extends"]}, {"required": schema.pop("required")}]
    by_id, defs = params_schema_defs({i.id: i.params for i in registry})
    schema["$defs"].update(defs)
    schema["properties"]["indicators"]["properties"] = {
        indicator_id: {"allOf": [{"$ref": "#/$defs/IndicatorConfig"},
                                 {"properties": {"params": params}}]}
        for indicator_id, params in by_id.items()}
    return schema
