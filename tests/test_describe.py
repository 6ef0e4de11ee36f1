"""``health-eval indicators --describe ID``: inputs, typed params with the packaged values, details."""

import re

from typer.testing import CliRunner

from health_eval.cli import app

runner = CliRunner()


def describe(indicator_id: str):
    return runner.invoke(app, ["indicators", "--describe", indicator_id])


def row(output: str, first: str) -> list[str]:
    """The cells of the table line that starts with ``first`` (split on runs of 2+ spaces)."""
    line = next(line for line in output.splitlines() if line.startswith(first + " "))
    return re.split(r"\s{2,}", line.strip())


def test_describe_prints_inputs_params_with_profile_values_and_details():
    result = describe("water.eco_flow")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "water.eco_flow  生态流量满足程度 / ecological flow satisfaction"
    assert row(result.output, "daily_flow")[:2] == ["daily_flow", "逐日流量"]
    assert row(result.output, "stations")[:2] == ["stations", "监测站点"]
    header = row(result.output, "param")
    assert header == ["param", "type", "unit", "mwr2020-river", "description"]   # river only
    assert row(result.output, "min_coverage")[:4] == ["min_coverage", "number", "1", "0.9"]
    assert row(result.output, "method")[:4] == ["method", "ratios|target", "—", '"ratios"']
    assert row(result.output, "dry_months")[:4] == ["dry_months", "list[integer]", "month",
                                                    "[10, 11, 12, 1, 2, 3]"]
    assert row(result.output, "ef1")[1:3] == ["CurveRule", "%"]
    assert row(result.output, "ef1_date") == ["ef1_date", "date", "—", "枯水期最小流量日期",
                                              "date of the lowest dry-period flow"]
    assert row(result.output, "target_m3s")[-1].endswith("(optional)")


def test_describe_shows_every_packaged_profile_using_it():
    result = describe("social.public_satisfaction")
    assert row(result.output, "param")[3:5] == ["mwr2020-lake", "mwr2020-river"]
    assert row(result.output, "min_responses")[:5] == ["min_responses", "integer", "responses",
                                                       "30", "30"]


def test_an_indicator_without_params_says_so():
    result = describe("biota.fish_retention")
    assert "参数 params: 无 / none" in result.output
    assert row(result.output, "current_native")[:3] == ["current_native", "int", "—"]


def test_unknown_id_is_exit_2_naming_close_matches():
    result = describe("water.eco_flw")
    assert result.exit_code == 2
    assert result.output.strip() == (
        "未知指标 'water.eco_flw'，相近的有：water.eco_flow / unknown indicator "
        "'water.eco_flw'; close matches: water.eco_flow")
    result = describe("wq_grade")
    assert result.exit_code == 2 and "close matches: water.wq_grade" in result.output
