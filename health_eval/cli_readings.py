"""``health-eval readings`` and ``health-eval score``, and the ``--reading`` option of ``run`` and
``validate`` (method readings, :mod:`health_eval.profiles.readings`; issue 18).

The engine is imported inside the commands, so that ``health-eval --help`` stays light.
"""

from __future__ import annotations

import json
from typing import Any, NoReturn

import typer

READING_HELP = ("方案解读 / method reading applied to every profile (health-eval readings): "
                "interpolate (default), band-floor, bibi-grade…")


def _usage_error(exc: Exception) -> NoReturn:
    """Show ``exc`` (an unknown reading, profile or indicator) and exit 2."""
    from .cli import EXIT_USAGE  # cli registers these commands: import it when run

    typer.echo(str(exc), err=True)
    raise typer.Exit(EXIT_USAGE) from exc


def reading_option() -> Any:
    """The ``--reading NAME`` option."""
    return typer.Option(None, "--reading", metavar="NAME", help=READING_HELP)


def read_choice(profile: Any, reading: str | None) -> Any:
    """The profile choice of ``run``/``validate`` (an id, a path, a kind mapping or None) read
    with ``reading``: a kind → Profile mapping, or the choice as it was without a reading. An
    unknown reading or profile: its message and exit 2."""
    if reading is None:
        return profile
    from .engine.api import resolve_profiles
    from .profiles.profile import ProfileError
    from .profiles.readings import read_profiles

    try:
        return read_profiles(resolve_profiles(profile), reading)
    except ProfileError as exc:
        _usage_error(exc)


def readings_command(
        profile: str | None = typer.Option(None, "--profile", "-p", metavar="PROFILE",
                                           help="List the keys of this profile each reading "
                                                "changes."),
        as_json: bool = typer.Option(False, "--json", help="JSON records instead of a table.")
) -> None:
    """列出方案解读 — list the method readings: what each changes, its source and confidence."""
    from .profiles.profile import ProfileError
    from .profiles.readings import available_readings

    try:
        readings = available_readings(profile)
    except ProfileError as exc:
        _usage_error(exc)
    records = [r.model_dump(exclude={"curves", "overlay"}, exclude_none=True) for r in readings]
    if as_json:
        typer.echo(json.dumps(records, ensure_ascii=False, indent=1))
        return
    for r in records:
        typer.echo(f"{r['name']}  {r['title_zh']} / {r['title_en']}  [{r['confidence']}]\n"
                   f"  {r['changes_zh']}\n  {r['changes_en']}\n  依据 source: {r['source']}")
        if r.get("includes"):
            typer.echo(f"  包含 includes: {', '.join(r['includes'])}")
        if "changed" in r:
            typer.echo(f"  {profile} 中改变 changed in {profile}: "
                       + (", ".join(r["changed"]) or "—"))


def score_command(
        indicator: str = typer.Argument(..., metavar="INDICATOR",
                                        help="Indicator id (biota.fish_retention) or a rule "
                                             "parameter of one (water.eco_flow.ef1)."),
        value: str = typer.Argument(..., metavar="VALUE",
                                    help="The value, in the indicator's unit (a deduction rule: "
                                         "general=2,serious=1)."),
        profile: str | None = typer.Option(None, "--profile", "-p", metavar="PROFILE",
                                           help="Profile id or YAML path (default: the packaged "
                                                "one of --kind)."),
        reading: str | None = reading_option(),
        kind: str | None = typer.Option(None, "--kind", metavar="KIND",
                                        help="river, lake or reservoir (default: river, else "
                                             "lake, whichever has the indicator)."),
        as_json: bool = typer.Option(False, "--json", help="A JSON object instead of text.")
) -> None:
    """给一个值赋分 — score one value the way a profile and reading would, and say which rule,
    band or node applied."""
    from .profiles.profile import ProfileError
    from .score_value import score_value

    try:
        scored = score_value(indicator, value, profile, reading, kind)
    except ProfileError as exc:
        _usage_error(exc)
    if as_json:
        typer.echo(json.dumps(scored, ensure_ascii=False, indent=1))
        return
    unit = f" {scored['unit']}" if scored["unit"] else ""
    rule = scored["rule"] + (f" ({scored['mode']}, node {scored['node_membership']})"
                             if scored["mode"] else "")
    typer.echo(f"{scored['name_zh']} {scored['name_en']} ({indicator})\n"
               f"方案 profile: {scored['profile']}   解读 reading: {scored['reading']}\n"
               f"值 value: {scored['value']}{unit}   得分 score: {scored['score']:g}\n"
               f"规则 rule: {rule}; 依据 source: {scored['source'] or '—'} "
               f"[{scored['confidence'] or '—'}]\n"
               f"{scored['explanation_zh']}\n{scored['explanation_en']}")
