"""Reading YAML documents that must be a mapping (profiles, measure catalogues), safely."""

from __future__ import annotations

from typing import Any

import yaml

#: libyaml's safe loader when available (ten times faster), else the pure-Python one.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_mapping(text: str, origin: str, error: type[Exception], what_zh: str, what_en: str
                 ) -> dict[str, Any]:
    """Parse ``text`` (from ``origin``) with the safe loader; it must be a mapping.

    Raises
    ------
    error
        When the text is not YAML, or not a mapping (the message names ``origin`` and what the
        document should be: ``what_zh`` / ``what_en``).
    """
    try:
        data = yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        raise error(f"{origin}: 不是有效的 YAML / not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise error(f"{origin}: {what_zh}应为映射 / {what_en} must be a mapping of keys")
    return data
