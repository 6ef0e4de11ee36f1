"""The command line end to end: the demo through the installed console script, and the others."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from health_eval.cli import app, demo_path
from health_eval.profiles.profile import load_profile

runner = CliRunner()


def console_script() -> str:
    """The installed ``health-eval`` beside this interpreter (what `make demo` runs)."""
    candidate = Path(sys.executable).with_name("health-eval")
    return str(candidate) if candidate.exists() else shutil.which("health-eval")


def test_demo_through_the_console_script(tmp_path):
    out = tmp_path / "demo"
    completed = subprocess.run([console_script(), "demo", "--out", str(out)],
                               capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.splitlines()
    assert any("抚河故道（演示） (FHGD)" in line and "三类河湖 亚健康" in line for line in lines)
    assert any("象湖（演示） (XH)" in line and "二类河湖 健康" in line for line in lines)
    result = json.loads((out / "result.json").read_text(encoding="utf-8"))
    rhi = {w["water_body_id"]: w["rhi"] for w in result["water_bodies"]}
    # realised values of the demo (health_eval/data/demo/README.md; design 71.4 and 81.8)
    assert rhi["FHGD"] == pytest.approx(71.38, abs=0.005)
    assert rhi["XH"] == pytest.approx(81.81, abs=0.005)
    segments = {s["segment_id"]: (round(s["rhi"], 1), s["health_class"])
                for s in result["segments"]}
    assert segments == {"FHGD-01": (81.3, 2), "FHGD-02": (58.0, 4), "FHGD-03": (72.8, 3),
                        "XH-01": (84.6, 2), "XH-02": (79.6, 2)}
    assert (out / "result.xlsx").exists()


def test_demo_computes_every_indicator_from_raw_data(tmp_path):
    result = runner.invoke(app, ["demo", "--out", str(tmp_path), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "result.json").read_text(encoding="utf-8"))
    indicators = pd.DataFrame(data["indicators"])
    for water_body, profile, segments in (("FHGD", "mwr2020-river", 3),
                                          ("XH", "mwr2020-lake", 2)):
        rows = indicators[indicators["water_body_id"] == water_body]
        used = set(load_profile(profile).used_indicators)
        assert len(used) == {"mwr2020-river": 19, "mwr2020-lake": 20}[profile]
        assert set(rows["indicator_id"]) == used
        assert len(rows) == len(used) * segments
    assert set(indicators["source"]) == {"computed"}              # none supplied
    assert set(indicators["status"]) == {"ok"}
    assert not (demo_path() / "指标直接赋值.csv").exists()
    # the one deliberate warning: 12 days missing from a daily flow series
    assert [(i["severity"], i["rule"], i["value"]) for i in data["issues"]] == [
        ("warning", "series.gaps", "FHGD-HY03")]
    assert not (tmp_path / "result.xlsx").exists()


def test_run_writes_outputs_and_exits_1_on_evaluation_errors(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(demo_path(), data)
    (data / "鱼类调查名录.csv").unlink()                   # a mandatory indicator loses its input
    result = runner.invoke(app, ["run", str(data), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "biota.fish_retention" in result.output
    assert (tmp_path / "out" / "result.json").exists()
    warned = runner.invoke(app, ["run", str(data), "--out", str(tmp_path / "out2"),
                                 "--option", "missing_mandatory=warn"])
    assert warned.exit_code == 0, warned.output


def test_run_with_unreadable_input_exits_1_and_names_the_cell(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(demo_path(), data)
    path = data / "评价河段.csv"
    text = path.read_text(encoding="utf-8-sig").replace("3.2", "3.2公里", 1)
    path.write_text(text, encoding="utf-8-sig")
    result = runner.invoke(app, ["run", str(data), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "3.2公里" in result.output and "评价河段.csv" in result.output
    assert not (tmp_path / "out" / "result.json").exists()


def test_usage_errors_exit_2(tmp_path):
    assert runner.invoke(app, ["run", str(demo_path()), "--profile", "nope"]).exit_code == 2
    assert runner.invoke(app, ["run", str(demo_path()), "--format", "pdf"]).exit_code == 2
    assert runner.invoke(app, ["demo", "--bogus"]).exit_code == 2


def test_indicators_lists_the_river_profile():
    result = runner.invoke(app, ["indicators", "--profile", "mwr2020-river"])
    assert result.exit_code == 0
    rows = [line for line in result.output.splitlines() if line.startswith(("basin.", "water.",
                                                                            "biota.", "social."))]
    assert len(rows) == 19
    wq = next(line for line in rows if line.startswith("water.wq_grade"))
    assert "水质优劣程度" in wq and " M " in wq and "computed" in wq
    nav = next(line for line in rows if line.startswith("social.navigation"))
    assert " O " in nav
    assert all(line.rstrip().endswith("computed") for line in rows)   # all 19 from raw data


def test_indicators_lists_the_lake_profile_all_computed():
    result = runner.invoke(app, ["indicators", "--profile", "mwr2020-lake"])
    rows = [line for line in result.output.splitlines() if line.startswith(("basin.", "water.",
                                                                            "biota.", "social."))]
    assert len(rows) == 20 and all(line.rstrip().endswith("computed") for line in rows)


def test_profiles_and_schema():
    listed = runner.invoke(app, ["profiles"])
    assert listed.exit_code == 0
    assert "mwr2020-river" in listed.output and "mwr2020-lake" in listed.output
    schema = runner.invoke(app, ["profile", "schema"])
    assert schema.exit_code == 0
    assert "criteria" in json.loads(schema.output)["properties"]


def test_validate_reports_tables_and_writes_the_issues(tmp_path):
    result = runner.invoke(app, ["validate", str(demo_path()), "--out", str(tmp_path)])
    assert result.exit_code == 0
    assert "水质监测数据" in result.output and "1368" in result.output
    issues = pd.read_csv(tmp_path / "issues.csv", encoding="utf-8-sig")
    # the demo reads and checks clean; validate previews the evaluation, so it names the one
    # warning run gives too: 12 days missing from a daily flow series
    assert issues["规则 rule"].tolist() == ["series.gaps"]
    assert pd.read_excel(tmp_path / "issues.xlsx").shape == (1, 14)   # 10 + 4 keys


def test_validate_exits_1_on_errors_and_lists_them(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(demo_path(), data)
    (data / "评价河段.csv").write_text("河段编码,河湖编码,河段名称,河段长度(km)\n"
                                    "FHGD-01,FHGD,上段,三点二\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(data), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    issues = pd.read_csv(tmp_path / "out" / "issues.csv", encoding="utf-8-sig")
    error = issues[issues["严重程度 severity"] == "error"].iloc[0]
    assert (error["行号 row"], error["列 column"], error["问题值 value"]) == (2, "河段长度(km)",
                                                                          "三点二")


def test_run_prints_with_the_profile_rounding(tmp_path):
    profile = tmp_path / "two-decimals.yaml"
    profile.write_text("extends: mwr2020-river\nid: river-2dp\npolicies: {rounding: 2}\n",
                       encoding="utf-8")
    result = runner.invoke(app, ["run", str(demo_path()), "--out", str(tmp_path / "out"),
                                 "--profile", f"river={profile}", "--profile",
                                 "lake=mwr2020-lake"])
    assert result.exit_code == 0, result.output
    river = next(line for line in result.output.splitlines() if "(FHGD)" in line)
    assert river.split()[2] == "71.38"          # RHI 71.377… with the profile's 2 decimals
