"""Report text in Chinese (default) and English: ``locales/zh.yaml`` and ``locales/en.yaml``.

Every sentence and label of the report is a key of the locale files (``sections.basic``,
``plan.alone_unreachable``…) formatted with named fields; numbers are formatted here, so HTML and
Word show the same digits.
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from health_eval.io.tables import PARAMETER_NAMES
from health_eval.io.yaml_text import load_mapping
from health_eval.vocabulary import DEFAULT_TIMEZONE

LANGUAGES = ("zh", "en")
MISSING = "—"


class LocaleError(ValueError):
    """An unknown language, or a text key the locale file lacks."""


@functools.cache
def _locale_data(lang: str) -> dict[str, Any]:
    if lang not in LANGUAGES:
        raise LocaleError(f"unknown report language {lang!r}; choose from {', '.join(LANGUAGES)}")
    text = (resources.files("health_eval.reports") / "locales" / f"{lang}.yaml").read_text(
        encoding="utf-8")
    return load_mapping(text, f"locales/{lang}.yaml", LocaleError, "语言文件", "a locale file")


def flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"a": {"b": 1}}`` → ``{"a.b": 1}`` (the keys of a locale file)."""
    flat: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def time_zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name`` (``Asia/Shanghai``).

    Raises
    ------
    LocaleError
        For a name the time-zone database does not know.
    """
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise LocaleError(f"未知时区“{name}” / unknown time zone {name!r} (an IANA name such "
                          f"as Asia/Shanghai)") from exc


class Texts:
    """The texts of one language.

    Parameters
    ----------
    lang : {"zh", "en"}
    timezone : str
        IANA time zone the report's times are shown in.
    """

    def __init__(self, lang: str = "zh", timezone: str = DEFAULT_TIMEZONE) -> None:
        self.lang = lang
        self.timezone = time_zone(timezone)
        self._flat = flatten(_locale_data(lang))

    def __call__(self, key: str, **fields: Any) -> str:
        """The text of ``key`` with ``fields`` filled in.

        Raises
        ------
        LocaleError
            When the locale file has no such key.
        """
        try:
            template = self._flat[key]
        except KeyError:
            raise LocaleError(f"locales/{self.lang}.yaml has no text {key!r}") from None
        return str(template).format(**fields) if fields else str(template)

    def terms(self, key: str) -> list[list[str]]:
        """A list of ``[from, to]`` pairs of the locale (translations of recurring words)."""
        node: Any = _locale_data(self.lang)
        for part in key.split("."):
            node = node.get(part, {}) if isinstance(node, Mapping) else {}
        return [list(map(str, pair)) for pair in node] if isinstance(node, list) else []

    def get(self, key: str, default: str | None = None) -> str | None:
        """The text of ``key``, or ``default`` when there is none (optional labels)."""
        value = self._flat.get(key)
        return default if value is None else str(value)

    def pick(self, zh: str | None, en: str | None) -> str:
        """The Chinese or the English of a pair, falling back to the other."""
        first, second = (zh, en) if self.lang == "zh" else (en, zh)
        return first or second or MISSING

    def num(self, value: Any, decimals: int = 1) -> str:
        """A number with ``decimals`` decimals; ``—`` for a missing one."""
        if value is None or value is pd.NA or value is pd.NaT:
            return MISSING
        try:
            number = float(value)
        except (TypeError, ValueError):
            return str(value)
        if not math.isfinite(number):
            return MISSING
        text = f"{number:.{decimals}f}"
        return "0" + text[2:] if text.startswith("-0") and float(text) == 0 else text

    def signed(self, value: Any, decimals: int = 1) -> str:
        """A change with its sign (``+1.2``, ``-0.4``, ``0.0``)."""
        text = self.num(value, decimals)
        return text if text == MISSING or text.startswith("-") or float(text) == 0 else "+" + text

    def when(self, value: Any) -> str:
        """A recorded time (ISO 8601, UTC when it has no offset) as local time with its zone:
        ``2021-03-05 20:00:00（北京时间）``; ``—`` for a missing or unreadable one."""
        try:
            moment = _dt.datetime.fromisoformat(str(value))
        except ValueError:
            return MISSING
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=_dt.UTC)
        local = moment.astimezone(self.timezone)
        key = self.timezone.key
        zone = self.get(f"time_zones.{key.replace('/', '_')}") or self("time_zone", zone=key)
        return self("local_time", time=f"{local:%Y-%m-%d %H:%M:%S}", zone=zone)

    def join(self, items: Iterable[str]) -> str:
        """Items joined by the language's list separator."""
        return self("list_separator").join(items)

    def parameter(self, code: str) -> str:
        """Display name of a water-quality parameter or metal code (``nh3n`` → 氨氮 / NH3-N)."""
        name = self.get(f"parameters.{code}")
        if name is None and self.lang == "zh":
            name = PARAMETER_NAMES.get(code)
        return name or code
