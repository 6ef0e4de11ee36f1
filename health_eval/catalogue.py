"""What the engine offers, as records: packaged profiles and registered indicators.

One source for ``health-eval profiles`` / ``health-eval indicators`` and the HTTP service's
``GET /v1/profiles`` / ``GET /v1/indicators``.
"""

from __future__ import annotations

from typing import Any

from .engine.registry import IndicatorRegistry
from .profiles.profile import Profile, load_profile, packaged_profiles

__all__ = ["indicator_records", "profile_records"]


def profile_records() -> list[dict[str, Any]]:
    """One record per packaged profile: id, titles, source, kinds, indicator counts, digest."""
    records = []
    for name in packaged_profiles():
        profile = load_profile(name)
        used = profile.used_indicators
        records.append({"id": profile.id, "title_zh": profile.title_zh,
                        "title_en": profile.title_en, "source": profile.source,
                        "applies_to": list(profile.applies_to), "indicators": len(used),
                        "mandatory": sum(c.required for c in used.values()),
                        "digest": profile.digest()})
    return records


def indicator_records(registry: IndicatorRegistry, profile: Profile | None = None
                      ) -> list[dict[str, Any]]:
    """One record per indicator of ``registry`` (only those ``profile`` uses, when given).

    ``required`` is whether the profile makes it mandatory (None without a profile).
    """
    used = profile.used_indicators if profile is not None else None
    records = []
    for indicator in registry:
        if used is not None and indicator.id not in used:
            continue
        records.append({
            "id": indicator.id, "name_zh": indicator.name_zh, "name_en": indicator.name_en,
            "criterion": indicator.criterion, "applies_to": sorted(indicator.applies_to),
            "scope": indicator.scope, "inputs": list(indicator.inputs.tables), "unit": indicator.unit,
            "computes_from_raw": indicator.computes_from_raw,
            "references": indicator.references,
            "required": used[indicator.id].required if used is not None else None})
    return records
