"""The one catalogue of issue rules: every rule's code, severity, messages and meaning, once.

Every problem the engine reports — a cell that is not a number, a table given twice, a
mandatory indicator without data, a refused upload — is an :class:`~health_eval.issues.Issue`
made from a rule of this catalogue by its code and fields (``Issue.of("type.float", …)``):
the Chinese and English messages are the rule's templates filled with the issue's fields.
``health-eval rules`` prints the catalogue and the README's rule table is generated from it
(``tools/readme_rules.py``).

A code ending in ``.*`` is a family: the issue's own code names a member (``request.missing``
for a request that lacks a key), and the family's templates word all of them.

References: ARCHITECTURE.md §6 (issues carry the rule code and structured keys), §7 (messages
name file, sheet, row, column, value and rule).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from string import Formatter
from typing import Any

__all__ = ["KEY_FIELDS", "Rule", "catalogue", "markdown_table", "rule"]

#: Fields every issue has (its structured keys); templates may name them.
KEY_FIELDS: tuple[str, ...] = (
    "water_body_id", "segment_id", "indicator_id", "table", "file", "sheet", "row", "column",
    "value", "count", "rule")
SEVERITIES = ("error", "warning")


@dataclass(frozen=True)
class Rule:
    """One rule: what an issue of it says and means.

    Parameters
    ----------
    code : str
        Stable code (``type.float``); ``family.*`` for a family of codes.
    severity : {"error", "warning", "error|warning"}
        The issue's severity; ``error|warning`` when the place that finds it decides (a capped
        column's summary is an error when the issues it counts are).
    zh, en : str
        Message templates (:meth:`str.format` fields).
    meaning_zh, meaning_en : str
        What the rule checks, in one line (``health-eval rules``, the README table).
    phrases : mapping of str to (str, str), optional
        Named alternative parts of the messages (Chinese, English), filled in as the fields
        ``phrase_zh`` and ``phrase_en`` by the issue's field ``phrase`` (which outcome: a
        station's series computed or not); they may use fields too.
    """

    code: str
    severity: str
    zh: str
    en: str
    meaning_zh: str
    meaning_en: str
    phrases: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    @cached_property
    def fields(self) -> tuple[str, ...]:
        """The fields the templates use, in order of first use (Chinese first); ``phrase``
        for a rule with phrases, and the fields its phrases use."""
        texts = [self.zh, self.en, *(t for pair in self.phrases.values() for t in pair)]
        names = [name.split(".")[0].split("[")[0] for text in texts
                 for _, name, _, _ in Formatter().parse(text) if name]
        if self.phrases:
            names = [n for n in names if n not in ("phrase_zh", "phrase_en")] + ["phrase"]
        return tuple(dict.fromkeys(names))

    def severity_of(self, given: str | None) -> str:
        """The severity of an issue: ``given`` must be one the rule allows (None: its own)."""
        allowed = self.severity.split("|")
        if given is None and len(allowed) == 1:
            return allowed[0]
        if given not in allowed:
            raise ValueError(f"rule {self.code}: severity {given!r} is not one of {allowed}")
        return given

    def messages(self, fields: dict[str, Any]) -> tuple[str, str]:
        """The Chinese and English messages with ``fields`` filled in.

        Raises
        ------
        ValueError
            When a field the templates use is not given (a programming error).
        """
        missing = [name for name in self.fields if name not in fields]
        if missing:
            raise ValueError(f"rule {self.code}: template field(s) {missing} not given")
        if self.phrases:
            if fields["phrase"] not in self.phrases:
                raise ValueError(f"rule {self.code}: phrase {fields['phrase']!r} is not one of "
                                 f"{sorted(self.phrases)}")
            zh, en = self.phrases[fields["phrase"]]
            fields = {**fields, "phrase_zh": zh.format(**fields),
                      "phrase_en": en.format(**fields)}
        return self.zh.format(**fields), self.en.format(**fields)

    def record(self, lang: str | None = None) -> dict[str, Any]:
        """The rule as a record: code, severity, fields, meaning (both languages, or one)."""
        record: dict[str, Any] = {"code": self.code, "severity": self.severity,
                                  "fields": [f for f in self.fields if f != "rule"]}
        if self.phrases:
            record["phrases"] = list(self.phrases)
        for language in ("zh", "en") if lang is None else (lang,):
            record[f"meaning_{language}"] = getattr(self, f"meaning_{language}")
        return record


@cache
def catalogue() -> dict[str, Rule]:
    """Every rule by code, in the order of the catalogue's parts (reading, importing,
    evaluating, serving)."""
    from . import engine_rules, import_rules, input_rules, service_rules

    rules: dict[str, Rule] = {}
    for part in (input_rules, import_rules, engine_rules, service_rules):
        for entry in part.RULES:
            if entry.code in rules:
                raise ValueError(f"rule {entry.code} is defined twice")
            if set(entry.severity.split("|")) - set(SEVERITIES):
                raise ValueError(f"rule {entry.code}: unknown severity {entry.severity!r}")
            rules[entry.code] = entry
    return rules


def rule(code: str) -> Rule:
    """The rule of ``code``.

    Raises
    ------
    KeyError
        For a code that is not in the catalogue (a programming error).
    """
    try:
        return catalogue()[code]
    except KeyError:
        raise KeyError(f"rule {code!r} is not in the rule catalogue "
                       f"(health_eval/rule_catalogue)") from None


def markdown_table() -> str:
    """The catalogue as the README's Markdown table: code, severity, template fields and what
    the rule means in English and Chinese (``tools/readme_rules.py`` writes it)."""
    lines = ["| rule | severity | fields | what | 说明 |", "|---|---|---|---|---|"]
    for entry in catalogue().values():
        fields = ", ".join(f"`{f}`" for f in entry.record()["fields"])
        severity = entry.severity.replace("|", " / ")
        lines.append(f"| `{entry.code}` | {severity} | {fields} | {entry.meaning_en} | "
                     f"{entry.meaning_zh} |")
    return "\n".join(lines) + "\n"
