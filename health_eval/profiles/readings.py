"""Method readings: named overlays of a profile (issue 18; SPEC §0, §1.3).

Published evaluations read the 指南 differently: a value inside a band scored by the band's floor
rather than interpolated, B-IBI graded rather than scored by its ratio, a value at a breakpoint
put in the upper or the lower band, other first nodes and other mandatory lists. A reading states
one such reading as data, packaged in ``health_eval/profiles/readings/NAME.yaml``:

``title_zh``, ``title_en``, ``changes_zh``, ``changes_en``
    What the reading is and what it changes.
``source``, ``confidence``
    Where the reading comes from and how sure it is (V/P/R, SPEC §0); every number it sets
    carries its own ``source`` and ``confidence`` too.
``includes``
    Readings applied first, in order (a composite reading).
``curves``
    ``mode`` and/or ``node`` set on every ``rule: curve`` table of the profile: indicator scoring,
    own indicators and curve parameters (EF1, EF2…), except the indicators listed in ``skip``.
``overlay``
    Merged into the profile as a profile that ``extends`` it would be (mappings key by key,
    lists and rules of another kind replaced); under ``indicators`` only the indicators the
    profile has are changed (a reading adapts a method, it adds no indicator).

A reading applied is the last link of the profile's ``extends_chain`` (``reading:NAME``), so the
result's provenance and the profile digest say which reading evaluated it. One name per reading:
readings combine through ``includes`` in a composite reading, not on the command line.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..io.yaml_text import load_mapping
from .profile import (
    Profile,
    ProfileError,
    check_params,
    format_validation_error,
    load_profile,
    merge_profile_data,
)
from .scoring import Confidence

DEFAULT_READING = "interpolate"
#: Prefix of the ``extends_chain`` link that records a reading applied.
READING_LINK = "reading:"


class CurveChange(BaseModel):
    """What a reading sets on every curve table of a profile (SPEC §1.3 ``curve``/``step``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    mode: Literal["linear", "step"] | None = None
    node: Literal["upper", "lower"] | None = None
    skip: list[str] = Field(default_factory=list,
                            description="Indicator ids whose curves stay as they are.")

    def settings(self) -> dict[str, str]:
        """The fields set on each curve."""
        return {k: v for k, v in (("mode", self.mode), ("node", self.node)) if v is not None}


class Reading(BaseModel):
    """One method reading (see the module docstring for the keys of its YAML).

    ``changed`` is filled by :func:`available_readings` when a profile is given: the dotted keys
    of that profile the reading changes (``indicators.water.wq_grade.scoring.points``).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    title_zh: str
    title_en: str
    changes_zh: str
    changes_en: str
    source: str
    confidence: Confidence
    includes: list[str] = Field(default_factory=list)
    curves: CurveChange | None = None
    overlay: dict[str, Any] = Field(default_factory=dict)
    changed: list[str] | None = None

    @model_validator(mode="after")
    def _numbers_sourced(self) -> Reading:
        missing = [path for path, rule in _set_rules(self.overlay, "overlay")
                   if not {"source", "confidence"} <= set(rule)]
        if missing:
            raise ValueError(f"every rule or flag a reading sets needs source and confidence: "
                             f"{missing}")
        return self

    @property
    def is_identity(self) -> bool:
        """True when the reading changes nothing (:data:`DEFAULT_READING`)."""
        return not (self.includes or self.curves or self.overlay)


def _set_rules(data: Any, path: str) -> list[tuple[str, Mapping[str, Any]]]:
    """The mappings under ``data`` that are scoring rules or set ``required``, with their
    dotted paths."""
    if not isinstance(data, Mapping):
        return []
    own = [(path, data)] if {"rule", "points", "required"} & set(data) else []
    return own + [found for key, value in data.items()
                  for found in _set_rules(value, f"{path}.{key}")]


def _reading_files() -> dict[str, Any]:
    folder = resources.files("health_eval") / "profiles" / "readings"
    return {p.name[:-5]: p for p in folder.iterdir() if p.name.endswith(".yaml")}


@functools.cache
def _packaged() -> dict[str, Reading]:
    """The packaged readings by name (read once per process)."""
    readings = {}
    for name, path in sorted(_reading_files().items()):
        data = load_mapping(path.read_text(encoding="utf-8"), f"readings/{name}.yaml",
                            ProfileError, "方案解读文件", "a reading")
        try:
            readings[name] = Reading.model_validate({**data, "name": name})
        except ValidationError as exc:
            raise ProfileError(format_validation_error(exc, f"readings/{name}.yaml")) from exc
    return readings


def reading_names() -> list[str]:
    """Names of the packaged readings, the default first."""
    return sorted(_packaged(), key=lambda name: (name != DEFAULT_READING, name))


def get_reading(name: str) -> Reading:
    """The packaged reading ``name``.

    Raises
    ------
    ProfileError
        For an unknown name, listing the known ones (Chinese and English).
    """
    readings = _packaged()
    if name not in readings:
        known = ", ".join(reading_names())
        raise ProfileError(f"未知的方案解读“{name}”，可用：{known} / "
                           f"unknown reading {name!r}; known readings: {known}")
    return readings[name]


def reading_titles(name: str) -> tuple[str, str]:
    """The Chinese and English titles of reading ``name`` (the name itself when unknown: a
    result written by another version)."""
    reading = _packaged().get(name)
    return (reading.title_zh, reading.title_en) if reading else (name, name)


def available_readings(profile: Profile | str | None = None) -> list[Reading]:
    """The packaged readings, the default first.

    Parameters
    ----------
    profile : Profile or profile id, optional
        When given, each reading's ``changed`` lists the keys of this profile it changes.
    """
    readings = [get_reading(name) for name in reading_names()]
    if profile is None:
        return readings
    profile = load_profile(profile)
    return [r.model_copy(update={"changed": changed_keys(profile, apply_reading(profile, r.name))})
            for r in readings]


def apply_reading(profile: Profile, name: str) -> Profile:
    """``profile`` read the way reading ``name`` says: a new Profile.

    The default reading returns ``profile`` itself; any other adds ``reading:NAME`` to the
    ``extends_chain`` (so the digest differs even where no number of this profile changed).

    Raises
    ------
    ProfileError
        For an unknown reading (listing the known ones), a circular ``includes``, or a profile
        the reading makes invalid (naming the reading and every bad key).
    """
    reading = get_reading(name)
    if reading.is_identity:
        return profile
    data = _read(profile.model_dump(mode="json"), reading, ())
    data["extends_chain"] = [*profile.extends_chain, READING_LINK + name]
    origin = f"{profile.id} + readings/{name}.yaml"
    try:
        read = Profile.model_validate(data)
    except ValidationError as exc:
        raise ProfileError(format_validation_error(exc, origin)) from exc
    check_params(read, origin=origin)
    return read


def reading_of(profile: Profile) -> str:
    """The reading ``profile`` was read with (:data:`DEFAULT_READING` when none)."""
    links = [link[len(READING_LINK):] for link in profile.extends_chain
             if link.startswith(READING_LINK)]
    return links[-1] if links else DEFAULT_READING


def read_profiles(profiles: Mapping[str, Profile], name: str | None) -> dict[str, Profile]:
    """Every profile of a kind → profile mapping read with reading ``name`` (each distinct
    profile once); ``None`` leaves them as they are."""
    if name is None:
        return dict(profiles)
    done: dict[int, Profile] = {}
    for profile in profiles.values():
        if id(profile) not in done:
            done[id(profile)] = apply_reading(profile, name)
    return {kind: done[id(profile)] for kind, profile in profiles.items()}


def _read(data: dict[str, Any], reading: Reading, seen: tuple[str, ...]) -> dict[str, Any]:
    """Profile ``data`` with ``reading`` (its ``includes`` first) applied."""
    if reading.name in seen:
        raise ProfileError(f"readings/{reading.name}.yaml: includes 循环引用 / circular includes: "
                           f"{' -> '.join(seen + (reading.name,))}")
    for included in reading.includes:
        data = _read(data, get_reading(included), seen + (reading.name,))
    if reading.curves is not None:
        data = _set_curves(data, reading.curves)
    overlay = dict(reading.overlay)
    indicators = overlay.pop("indicators", {})
    data = merge_profile_data(data, overlay)
    present = {k: v for k, v in indicators.items() if k in data["indicators"]}
    data["indicators"] = merge_profile_data(data["indicators"], present)
    return data


def _set_curves(data: dict[str, Any], change: CurveChange) -> dict[str, Any]:
    """``data`` with ``change`` set on every curve of every indicator not skipped."""
    settings = change.settings()
    data = dict(data)
    data["indicators"] = {k: v if k in change.skip else _with_curves(v, settings)
                          for k, v in data["indicators"].items()}
    data["own_indicators"] = [own if own["id"] in change.skip else _with_curves(own, settings)
                              for own in data.get("own_indicators", [])]
    return data


def _with_curves(node: Any, settings: Mapping[str, str]) -> Any:
    """``node`` with ``settings`` set on every ``rule: curve`` mapping within it."""
    if not isinstance(node, Mapping):
        return node
    node = {k: _with_curves(v, settings) for k, v in node.items()}
    return {**node, **settings} if node.get("rule") == "curve" else node


def changed_keys(before: Profile, after: Profile) -> list[str]:
    """Dotted keys whose value differs between two profiles (the ``extends_chain`` aside); a
    scoring rule that differs is named once, as a whole."""
    old, new = before.model_dump(mode="json"), after.model_dump(mode="json")
    old.pop("extends_chain"), new.pop("extends_chain")
    return list(_differences(old, new, ()))


def _differences(old: Any, new: Any, path: tuple[str, ...]) -> Iterable[str]:
    rule = any(isinstance(side, Mapping) and "rule" in side for side in (old, new))
    if isinstance(old, Mapping) and isinstance(new, Mapping) and not rule:
        for key in sorted(set(old) | set(new)):
            yield from _differences(old.get(key), new.get(key), path + (str(key),))
    elif old != new:
        yield ".".join(path)
