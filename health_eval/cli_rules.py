"""``health-eval rules``: the issue rules of the catalogue (:mod:`health_eval.rule_catalogue`)
— code, severity, template fields and meaning — as a table or JSON."""

from __future__ import annotations

import json

import typer

from .rule_catalogue import catalogue

LANGUAGES = ("zh", "en")


def rules_command(
        as_json: bool = typer.Option(False, "--json", help="JSON records instead of a table."),
        lang: str | None = typer.Option(None, "--lang", metavar="LANG",
                                        help="Meaning in one language, zh or en (default: both).")
) -> None:
    """列出问题规则 — list the issue rules: code, severity, fields of the messages, meaning."""
    if lang is not None and lang not in LANGUAGES:
        raise typer.BadParameter(f"--lang 应为 zh 或 en / must be zh or en, not {lang!r}",
                                 param_hint="--lang")
    records = [entry.record(lang) for entry in catalogue().values()]
    if as_json:
        typer.echo(json.dumps(records, ensure_ascii=False, indent=1))
        return
    from .cli import format_table  # cli registers this command: import it when run

    languages = LANGUAGES if lang is None else (lang,)
    rows = [[r["code"], r["severity"], ", ".join(r["fields"]),
             *(r[f"meaning_{language}"] for language in languages)] for r in records]
    header = ["rule", "severity", "fields", *(f"meaning ({language})" for language in languages)]
    typer.echo(format_table(rows, header, right=set()))
