"""The method profile a result applied, found again for the report's profile-dependent parts.

A result records each profile's id, SHA-256 digest and policies (``provenance.profiles``). The
report uses a profile only when it is the one applied: one given by the caller (the CLI passes
what it evaluated with) or the packaged profile of that id, with the recorded policies, whose
digest matches. Otherwise (a custom file, or a packaged profile changed since) the report says
so and leaves out class bands, targets and scoring tables.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from health_eval.engine.registry import IndicatorRegistry
from health_eval.engine.result import EvaluationResult
from health_eval.profiles.profile import Policies, Profile, ProfileError, load_profile
from health_eval.profiles.scoring import parse_rule

from .diagnosis import mappings


@dataclass(frozen=True)
class ProfileInfo:
    """The profile of a water body's evaluation, if it can be used.

    Attributes
    ----------
    id : str
        Profile id recorded in the result.
    profile : Profile or None
        The profile, when it is the one applied (or the result records no digest to check).
    status : str
        ``verified`` (digest matches), ``unverified`` (no digest recorded), ``mismatch`` (a
        profile of that id differs from the one applied), ``unavailable`` (cannot be loaded).
    recorded : dict
        The result's provenance entry of the profile (title, digest, extends, policies).
    """

    id: str
    profile: Profile | None
    status: str
    recorded: Mapping[str, Any]

    @property
    def title(self) -> str | None:
        """Chinese title of the profile (from the profile, else from the provenance)."""
        return self.profile.title_zh if self.profile else self.recorded.get("title")


def _with_recorded_policies(profile: Profile, recorded: Mapping[str, Any]) -> Profile:
    policies = recorded.get("policies")
    if not isinstance(policies, Mapping):
        return profile
    try:
        return profile.model_copy(update={"policies": Policies.model_validate(policies)})
    except ValueError:
        return profile


def resolve_profile(result: EvaluationResult, profile_id: str,
                    given: Iterable[Profile] = ()) -> ProfileInfo:
    """Find the profile ``profile_id`` that ``result`` applied (see the module docstring)."""
    recorded = dict(result.provenance.get("profiles", {}).get(profile_id, {}))
    candidates = {p.id: p for p in given}
    candidate = candidates.get(profile_id)
    if candidate is None:
        try:
            candidate = load_profile(profile_id, reading=recorded.get("reading"))
        except ProfileError:
            return ProfileInfo(profile_id, None, "unavailable", recorded)
    candidate = _with_recorded_policies(candidate, recorded)
    digest = recorded.get("digest")
    if digest is None:
        return ProfileInfo(profile_id, candidate, "unverified", recorded)
    if candidate.digest() != digest:
        return ProfileInfo(profile_id, None, "mismatch", recorded)
    return ProfileInfo(profile_id, candidate, "verified", recorded)


def confidence_counts(profile: Profile) -> Counter:
    """How many numbers (or blocks of numbers) of the profile carry each confidence tag."""
    return Counter(m["confidence"] for m in mappings(profile.model_dump(mode="json"))
                   if m.get("confidence") in ("V", "P", "R"))


def rule_of(profile: Profile, indicator_id: str, registry: IndicatorRegistry):
    """The scoring rule the profile applies to ``indicator_id`` (None when it has none)."""
    config = profile.used_indicators.get(indicator_id)
    if config is not None and config.scoring is not None:
        return config.scoring
    return registry.get(indicator_id).default_scoring if indicator_id in registry else None


def sub_rules(profile: Profile, indicator_id: str) -> dict[str, Any]:
    """Scoring rules inside the indicator's params (EF1/EF2 curves, 四乱 deduction…), by name."""
    config = profile.used_indicators.get(indicator_id)
    rules = {}
    for name, value in (config.params if config else {}).items():
        if isinstance(value, Mapping) and "rule" in value:
            try:
                rules[name] = parse_rule(value)
            except ValueError:
                continue
    return rules


def source_text(source: str | None, texts, names: Mapping[str, str] | None = None) -> str:
    """The ``source`` note of a profile number in the report's language.

    Packaged profiles write sources as ``指南 <indicator> 赋分 (remark)``: the locale's
    ``source_terms`` (pairs, longest first) translate the known words and remarks, and in
    English ``names`` (Chinese indicator name → English) the indicator names; what is left
    (a document's title, a user's own note) stays as written.
    """
    if not source:
        return "—"
    pairs = [tuple(p) for p in texts.terms("source_terms")]
    if texts.lang == "en" and names:
        pairs += list(names.items())
    text = str(source)
    for old, new in sorted(pairs, key=lambda p: -len(p[0])):
        text = text.replace(old, new)
    return " ".join(text.split())
