"""The README stays true: its profile examples load, its commands exist, and every fenced
``sh`` and ``python`` example runs verbatim, in README order, in an empty folder — apart from
those marked ``<!-- not-run: needs a server … -->`` (and the ``make`` block, checked with
``make -n``)."""

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import yaml
from typer.testing import CliRunner

from health_eval.cli import app
from health_eval.profiles.profile import load_profile

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
YAML_BLOCKS = re.findall(r"```yaml\n(.*?)```", README, flags=re.S)
FENCE = re.compile(r"(?:^<!-- not-run: (?P<why>[^\n]*?) -->\n)?^(?P<indent> *)```(?P<lang>\w*)\n"
                   r"(?P<body>.*?)^(?P=indent)```", flags=re.S | re.M)
RUNNABLE = ("sh", "python")


def fenced_blocks(text: str) -> list[tuple[str, str, str | None, int]]:
    """``(language, code, reason not run, line)`` of every fenced block of ``text``."""
    return [(m["lang"], textwrap.dedent(m["body"]), m["why"], text.count("\n", 0, m.start()) + 1)
            for m in FENCE.finditer(text)]


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
                        "schema", "serve", "template", "import", "measures", "archive", "rules",
                        "readings", "score"}
    for command in commands:
        assert CliRunner().invoke(app, [command, "--help"]).exit_code == 0, command


def test_every_fenced_block_has_a_language_and_only_servers_are_skipped():
    blocks = fenced_blocks(README)
    assert len(blocks) == README.count("```") // 2              # the pattern found them all
    assert all(lang for lang, *_ in blocks), "label each fence (sh, python, text, yaml…)"
    skipped = [(why, line) for lang, _, why, line in blocks if why is not None]
    for why, line in skipped:
        assert "needs a server" in why or why.startswith("builds the virtual environment"), line
    assert sum(lang in RUNNABLE and why is None for lang, _, why, _ in blocks) >= 8


def test_readme_refers_to_no_file_outside_the_repository():
    assert "../" not in README


def test_make_demo_installs_the_package_without_the_test_extras():
    plan = subprocess.run(["make", "-n", "-B", "demo"], cwd=ROOT, capture_output=True,
                          text=True, check=True).stdout
    install = [line for line in plan.splitlines() if "pip install" in line]
    assert install and all("[test]" not in line for line in install)
    assert any(line.rstrip().endswith("-e .") for line in install)
    assert ".demo-installed" in plan and "health-eval demo" in plan


def test_readme_examples_run_verbatim(tmp_path):
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
               PYTHONIOENCODING="utf-8", COLUMNS="120")
    for lang, code, why, line in fenced_blocks(README):
        if lang not in RUNNABLE or why is not None:
            continue
        command = (["bash", "-e", "-o", "pipefail", "-c", code] if lang == "sh"
                   else [sys.executable, "-c", code])
        run = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True,
                             timeout=600)
        assert run.returncode == 0, f"README line {line} ({lang}):\n{code}\n{run.stderr[-3000:]}"
    assert (tmp_path / "out" / "FHGD" / "report.docx").is_file()
    assert (tmp_path / "out" / "result.json").is_file()
