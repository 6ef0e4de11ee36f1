"""The README stays true: its profile examples load, its commands exist."""

import re
from pathlib import Path

import yaml
from typer.testing import CliRunner

from health_eval.cli import app
from health_eval.profile import load_profile

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
YAML_BLOCKS = re.findall(r"```yaml\n(.*?)```", README, flags=re.S)


def test_readme_user_profile_loads(tmp_path):
    path = tmp_path / "my-river.yaml"
    path.write_text(YAML_BLOCKS[0], encoding="utf-8")
    profile = load_profile(path)
    assert profile.criteria["water"].weight == 0.4
    assert profile.indicators["water.wq_grade"].scoring.points[3] == (4, 60)
    assert profile.policies.station_combination == "worst"


def test_readme_own_indicator_loads():
    own = yaml.safe_load(YAML_BLOCKS[1])
    profile = load_profile({"extends": "mwr2020-river", **own})
    assert "own.odour" in profile.used_indicators


def test_readme_commands_exist():
    commands = set(re.findall(r"^health-eval (\w+)", README, flags=re.M))
    assert commands == {"demo", "run", "validate", "tables", "indicators", "profiles", "profile",
                        "schema", "serve", "template", "archive"}
    for command in commands:
        assert CliRunner().invoke(app, [command, "--help"]).exit_code == 0, command
