"""The command line's help names values plainly (DATASET, DIR, FILE, N), never typer's
``<path>``/``<str>``/``<list[str]>``, for every option and argument of every command."""

import re

import typer
from typer.testing import CliRunner

from health_eval.cli import app

PLAIN = re.compile(r"(\[[A-Z]+=\])?[A-Z][A-Z_]*(=[A-Z_]+)?")


def commands(group, prefix=()):
    for name, command in group.commands.items():
        if hasattr(command, "commands"):                 # a group (typer's own or click's)
            yield from commands(command, (*prefix, name))
        else:
            yield (*prefix, name), command


def test_every_value_has_a_plain_metavar():
    found = {}
    for path, command in commands(typer.main.get_command(app)):
        for param in command.params:
            if getattr(param, "is_flag", False) or param.name == "help":
                continue
            found[(*path, param.name)] = param.metavar
    assert found[("run", "dataset")] == "DATASET" and found[("run", "out")] == "DIR"
    assert found[("template", "out")] == found[("measures", "template", "out")] == "FILE"
    assert found[("run", "previous")] == "FILE" and found[("serve", "port")] == "N"
    assert found[("run", "measures")] == "[REGION=]FILE"
    assert {k: v for k, v in found.items() if not (v and PLAIN.fullmatch(v))} == {}


def test_help_shows_no_typer_type_names_for_options():
    text = CliRunner().invoke(app, ["run", "--help"], env={"COLUMNS": "160"}).output
    options = text.split("Options", 1)[1]
    assert re.findall(r"<(?:path|str|list\[str\]|int|float)>", options) == []
    assert "{DATASET}" in text or "DATASET" in text
