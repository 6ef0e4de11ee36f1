"""The one issue catalogue (issue 17 §3): every rule used in the source is defined there with the
fields its messages need, every rule defined is used, ``Issue.of`` words issues from it, and
``health-eval rules`` and the README's table show it."""

from __future__ import annotations

import ast
import dataclasses
import json
import re
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import health_eval
from health_eval.cli import app, demo_path
from health_eval.engine.result import EvaluationResult
from health_eval.io.tables import TABLES
from health_eval.issues import ISSUE_COLUMNS, Issue
from health_eval.rule_catalogue import KEY_FIELDS, catalogue, rule

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from readme_rules import README, with_rules  # noqa: E402

SOURCES = [p for folder in ("health_eval", "indicators", "reports")
           for p in sorted((ROOT / folder).rglob("*.py")) if "rule_catalogue" not in p.parts]
CODE = re.compile(r"^[a-z_]+\.[a-z_]+$")
SEVERITIES = ("error", "warning")
#: Functions that make an issue from a code at this argument position (the severity, when
#: given, follows it).
MAKERS = {"of": 0, "issue": 0, "add": 0, "cells": 0, "each": 1, "data_issue": 1,
          "_upload_issue": 1, "_refusal": 1, "_form_issue": 1}
#: Makers whose code is a member of a family (the form's problems are those of a request).
FAMILIES = {"_form_issue": "request.*"}
#: Fields a maker fills itself (besides the issue's keys).
FILLED = {"issue": {"header"}, "add": {"header"}, "cells": {"header", "value"},
          "each": {"value", "header"},
          "_form_issue": {"problem_zh", "problem_en", "place_zh", "place_en"}}


@pytest.fixture(scope="module")
def demo_result():
    return health_eval.evaluate(demo_path())


def _name(call: ast.Call) -> str | None:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


def _literal(node) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def issue_calls() -> list[tuple[str, int, str, str, str | None, set[str] | None]]:
    """Every call making an issue from a literal code: (file, line, maker, code, severity given
    or None, keyword names or None when ``**fields`` are passed on)."""
    found = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or _name(node) not in MAKERS:
                continue
            name, position = _name(node), MAKERS[_name(node)]
            args = node.args
            code = _literal(args[position]) if len(args) > position else None
            if code is None or not (CODE.match(code) or code.endswith(".*")):
                continue
            severity = _literal(args[position + 1]) if len(args) > position + 1 else None
            severity = severity if severity in SEVERITIES else None
            if name in ("add", "cells", "issue", "each") and severity is None:
                continue                        # set.add("x.y") and the like: not an issue
            keywords = {k.arg for k in node.keywords}
            found.append((path.relative_to(ROOT).as_posix(), node.lineno, name, code, severity,
                          None if None in keywords else keywords))
    return found


CALLS = issue_calls()


def test_the_scan_finds_the_issue_making_calls():
    makers = {call[2] for call in CALLS}
    assert {"of", "issue", "add", "cells", "data_issue", "_upload_issue", "_refusal"} <= makers
    assert len(CALLS) > 80


@pytest.mark.parametrize("call", CALLS, ids=lambda c: f"{c[0]}:{c[1]}:{c[3]}")
def test_every_code_used_is_in_the_catalogue_with_the_fields_it_needs(call):
    path, line, maker, code, severity, keywords = call
    family = FAMILIES.get(maker)
    assert family is None or code.startswith(family[:-1])
    entry = rule(family or code)                     # KeyError names an unknown code
    if severity is not None:
        entry.severity_of(severity)                  # ValueError for a severity not allowed
    if keywords is not None:
        missing = set(entry.fields) - set(KEY_FIELDS) - FILLED.get(maker, set()) - keywords
        assert not missing, f"{path}:{line}: {code} needs {sorted(missing)}"


def test_every_rule_of_the_catalogue_is_used_in_the_source():
    text = "\n".join(p.read_text(encoding="utf-8") for p in SOURCES)
    used = {match.group(1) for match in re.finditer(r"\"([a-z_]+\.[a-z_*]+)\"", text)}
    used |= {f"type.{column.dtype}" for spec in TABLES for column in spec.columns
             if column.codes is None}                 # columns.py: f"type.{column.dtype}"
    used |= {f"{prefix}.*" for prefix in re.findall(r"prefix=\"([a-z_]+)\"", text)}
    assert set(catalogue()) - used == set()


def test_a_rule_s_fields_are_the_fields_of_its_templates():
    entry = rule("value.exceeds")
    assert entry.fields == ("value", "limit", "limit_value")
    assert rule("import.title").fields == ("what", "value", "what_en")
    assert rule("series.gaps").fields == ("value", "missing", "coverage", "min_coverage",
                                          "phrase")


def test_issue_of_words_the_issue_from_its_rule():
    issue = Issue.of("value.exceeds", table="shoreline_lengths", row=7, column="developed_km",
                     value="12.5", limit="shoreline_km", limit_value="10",
                     water_body_id="W1", segment_id="S1", count=1)
    assert (issue.rule, issue.severity) == ("value.exceeds", "error")
    assert issue.message_zh == "值 12.5 大于同一行的 shoreline_km（10）"
    assert issue.message_en == "value 12.5 is larger than shoreline_km of the same row (10)"
    assert (issue.water_body_id, issue.segment_id, issue.indicator_id, issue.count) == (
        "W1", "S1", None, 1)
    located = issue.located("第 7 行", "row 7")
    assert located.message_zh.endswith("（第 7 行；规则 value.exceeds）")
    assert located.message_en.endswith(" (row 7; rule value.exceeds)")
    assert Issue.of("row.empty", table="segments").located().message_en == (
        "empty row skipped (rule row.empty)")


def test_issue_of_uses_the_keys_in_templates_and_formats_numbers():
    issue = Issue.of("series.gaps", table="daily_flow", value="H1", missing=36,
                     coverage=329 / 365, min_coverage=0.9, phrase="computed")
    assert issue.message_zh == "测站 H1 的逐日数据缺 36 天（覆盖率 90.1%）；按现有数据计算"
    too_few = Issue.of("series.gaps", table="daily_flow", value="H1", missing=73,
                       coverage=292 / 365, min_coverage=0.9, phrase="too_few")
    assert too_few.message_en == ("station H1: 73 day(s) missing from the daily series "
                                  "(coverage 80.0%); below 90%, not computed (insufficient data)")
    with pytest.raises(ValueError, match="phrase 'late'"):
        Issue.of("series.gaps", table="daily_flow", value="H1", missing=1, coverage=0.99,
                 min_coverage=0.9, phrase="late")
    supplied = Issue.of("supplied.water_body", table="indicator_values", water_body_id=None)
    assert supplied.message_zh == "河湖  不在评价范围内"      # an absent id is blank, not None


def test_issue_of_refuses_what_the_catalogue_does_not_allow():
    with pytest.raises(KeyError, match="not in the rule catalogue"):
        Issue.of("type.flaot", table="segments", value="x")
    with pytest.raises(ValueError, match=r"field\(s\) \['limit_value'\]"):
        Issue.of("value.exceeds", table="segments", value="1", limit="x")
    with pytest.raises(ValueError, match="severity 'warning'"):
        Issue.of("value.range", table="segments", value="1", range="0–1", severity="warning")
    with pytest.raises(ValueError, match="severity None"):
        Issue.of("issues.truncated", table="segments", count=3)      # the finder must say
    with pytest.raises(ValueError, match="not a member"):
        Issue.of("request.*", rule="profile.missing", table="request", problem_zh="",
                 problem_en="", place_zh="", place_en="")
    with pytest.raises(ValueError, match="not a member"):
        Issue.of("request.*", table="request", problem_zh="", problem_en="", place_zh="",
                 place_en="")


def test_a_family_words_its_members():
    issue = Issue.of("request.*", rule="request.missing", table="request", column="tables",
                     problem_zh="缺少必填项", problem_en="Field required",
                     place_zh="位置 tables；Field required", place_en="at tables")
    assert (issue.rule, issue.message_zh, issue.message_en) == (
        "request.missing", "缺少必填项（位置 tables；Field required）",
        "Field required (at tables)")


@pytest.fixture(scope="module")
def gapped_result():
    """The demo without water-quality samples but one (DO 25 mg/L at its second row): the
    water-quality indicators lack data, the DO is implausible."""
    dataset = health_eval.load_dataset(demo_path())
    tables = dict(dataset.tables)
    samples = tables["wq_samples"]
    first_do = samples.index[samples["parameter"] == "do"][0]
    tables["wq_samples"] = samples.loc[[first_do]].assign(value=25.0)
    return health_eval.evaluate(dataclasses.replace(dataset, tables=tables)), samples


def test_an_evaluation_s_issues_carry_their_keys(gapped_result):
    result, samples = gapped_result
    issues = result.issues
    assert list(issues.columns) == list(ISSUE_COLUMNS)
    mandatory = issues[issues["rule"] == "indicator.mandatory_missing"]
    assert set(zip(mandatory["water_body_id"], mandatory["indicator_id"])) >= {
        ("FHGD", "water.wq_grade"), ("XH", "water.wq_grade")}
    assert mandatory["indicator_id"].tolist() == mandatory["column"].tolist()
    assert (mandatory["count"].astype(int) == mandatory["value"].str.count(",") + 1).all()
    implausible = issues[issues["rule"] == "value.implausible"].iloc[0]
    station = samples.loc[samples["parameter"] == "do", "station_id"].iloc[0]
    stations = health_eval.load_dataset(demo_path()).tables["stations"]
    segment = stations.loc[stations["station_id"] == station, "segment_id"].iloc[0]
    assert (implausible["table"], implausible["row"], implausible["segment_id"],
            implausible["water_body_id"]) == ("wq_samples", 2, segment, segment.split("-")[0])
    gaps = issues[issues["rule"] == "series.gaps"].iloc[0]
    assert (gaps["value"], gaps["segment_id"], gaps["water_body_id"], gaps["count"]) == (
        "FHGD-HY03", "FHGD-03", "FHGD", 12)


def test_a_result_written_before_the_keys_reads_with_them_empty(demo_result):
    data = json.loads(demo_result.to_json())
    for record in data["issues"]:
        for key in ("water_body_id", "segment_id", "indicator_id", "count"):
            del record[key]
    old = EvaluationResult.from_json(json.dumps(data, ensure_ascii=False))
    assert set(old.issues.columns) == set(ISSUE_COLUMNS)
    assert old.issues["water_body_id"].isna().all() and str(old.issues["count"].dtype) == "Int64"
    assert old.issues["message_zh"].tolist() == demo_result.issues["message_zh"].tolist()


def test_rules_command_prints_the_catalogue():
    runner = CliRunner()
    result = runner.invoke(app, ["rules", "--json"])
    assert result.exit_code == 0
    records = json.loads(result.output)
    assert [r["code"] for r in records] == list(catalogue())
    by_code = {r["code"]: r for r in records}
    assert by_code["value.exceeds"] == {
        "code": "value.exceeds", "severity": "error", "fields": ["value", "limit", "limit_value"],
        "meaning_zh": rule("value.exceeds").meaning_zh,
        "meaning_en": rule("value.exceeds").meaning_en}
    english = runner.invoke(app, ["rules", "--lang", "en"])
    assert english.exit_code == 0
    line = next(x for x in english.output.splitlines() if x.startswith("value.exceeds "))
    assert "error" in line and "a column above its limit" in line and "同一行" not in line
    assert runner.invoke(app, ["rules", "--lang", "fr"]).exit_code == 2


def test_the_readme_rule_table_is_the_catalogue():
    text = README.read_text(encoding="utf-8")
    assert with_rules(text) == text, "run: python tools/readme_rules.py"
    assert "| `indicator.mandatory_missing` | error / warning |" in text


def test_reports_place_issues_by_their_keys_not_their_messages(gapped_result):
    from health_eval.reports.quality import issue_owners, issues_for

    result, _ = gapped_result
    owners = issue_owners(result)
    issues = result.issues
    for position, rule_code in enumerate(issues["rule"]):
        expected = issues["water_body_id"].iat[position]
        assert owners[position] == ({expected} if isinstance(expected, str) else set()), rule_code
    mine, general = issues_for(result, owners, "XH")
    assert set(mine["water_body_id"]) == {"XH"} and len(general) == 0
    renamed = dataclasses.replace(result, issues=issues.assign(
        message_zh="FHGD XH", message_en="FHGD XH", water_body_id=None, segment_id=None))
    assert all(owner == set() for owner in issue_owners(renamed).values())


def test_validate_s_issues_carry_the_keys_of_their_rows():
    from health_eval.engine.preview import check_package

    dataset = health_eval.load_dataset(demo_path())
    tables = dict(dataset.tables)
    samples = tables["wq_samples"].copy()
    samples.loc[1, "value"] = -5.0                  # a negative concentration: an error
    tables["wq_samples"] = samples
    checked = check_package(dataclasses.replace(dataset, tables=tables))
    stations = tables["stations"].set_index("station_id")["segment_id"]
    segment = stations[samples.loc[1, "station_id"]]
    wrong = next(i for i in checked.issues if i.rule == "value.range")
    assert (wrong.row, wrong.segment_id, wrong.water_body_id) == (3, segment, "FHGD")
    assert checked.issues[-1].rule == "check.skipped" and checked.issues[-1].segment_id is None
