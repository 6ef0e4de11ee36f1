"""``validate`` makes every check ``run`` makes (issue 16, items 4–6): the cause of a missing
mandatory value is named, validate lists errors and warnings in one pass, and validate exits 1
exactly when run does."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from typer.testing import CliRunner

from health_eval import evaluate
from health_eval.cli import app, demo_path
from health_eval.engine.preview import check_package

runner = CliRunner()


@pytest.fixture()
def demo(tmp_path):
    package = tmp_path / "pkg"
    shutil.copytree(demo_path(), package)
    return package


def edit(path, change) -> None:
    """Rewrite the CSV at ``path`` with ``change(lines) -> lines``."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    path.write_text("\n".join(change(lines)) + "\n", encoding="utf-8")


def without_station(package, station: str) -> None:
    """Remove ``station`` from 监测站点 and its rows from 逐日流量 (so nothing is left over)."""
    for name in ("监测站点.csv", "逐日流量.csv"):
        edit(package / name, lambda lines: [x for x in lines if not x.startswith(station + ",")])


def eco_flow(result, segment: str) -> pd.Series:
    rows = result.indicators_with_details()
    return rows[(rows["indicator_id"] == "water.eco_flow") & (rows["segment_id"] == segment)].iloc[0]


def test_a_segment_without_a_hydrological_station_says_so_and_what_to_add(demo):
    without_station(demo, "FHGD-HY02")
    result = evaluate(demo)
    row = eco_flow(result, "FHGD-02")
    assert row["status"] == "no_data"
    assert row["details"]["reason"] == "station.none"
    assert "借用测站河段" in row["details"]["reason_zh"] and "添加测站" in row["details"]["reason_zh"]
    missing = result.issues[result.issues["rule"] == "indicator.mandatory_missing"]
    assert missing["value"].tolist() == ["FHGD-02"]
    (message,) = missing["message_zh"]
    assert "逐日流量" in message and "借用测站河段" in message and "缺少输入" not in message
    assert "neighbour_segment_id" in missing["message_en"].iloc[0]


def test_a_borrowing_rule_fills_the_gap(demo):
    without_station(demo, "FHGD-HY02")
    edit(demo / "评价河段.csv", lambda lines: [lines[0] + ",借用测站河段"]
         + [x + (",FHGD-01" if x.startswith("FHGD-02,") else ",") for x in lines[1:]])
    row = eco_flow(evaluate(demo), "FHGD-02")
    assert row["status"] == "ok"
    assert row["value"] == eco_flow(evaluate(demo), "FHGD-01")["value"]   # FHGD-HY01's series
    assert row["details"]["stations"][0]["borrowed_from"] == "FHGD-01"


def test_a_station_without_any_daily_flow_serves_no_segment(demo):
    edit(demo / "逐日流量.csv", lambda lines: [x for x in lines if not x.startswith("FHGD-HY03,")])
    row = eco_flow(evaluate(demo), "FHGD-03")
    assert row["status"] == "no_data" and row["details"]["reason"] == "station.none"
    # the station is listed but has no daily flow at all: no station of the segment has rows


def test_a_table_without_rows_of_the_segment_is_named(demo):
    edit(demo / "河岸带调查.csv", lambda lines: [x for x in lines if ",FHGD-01," not in x
                                              and not x.startswith("FHGD-01,")])
    rows = evaluate(demo).indicators_with_details()
    row = rows[(rows["indicator_id"] == "basin.riparian_width")
               & (rows["segment_id"] == "FHGD-01")].iloc[0]
    assert row["status"] == "no_data"
    assert row["details"]["reason"] == "rows.none"
    assert row["details"]["reason_zh"] == "表 河岸带调查 中没有河段 FHGD-01 的数据行"


def exit_codes(package, tmp_path) -> tuple[int, int]:
    checked = runner.invoke(app, ["validate", str(package), "--out", str(tmp_path / "v")])
    ran = runner.invoke(app, ["run", str(package), "--out", str(tmp_path / "r")])
    return checked.exit_code, ran.exit_code


CASES = {
    "demo": lambda p: None,
    "no hydrological station": lambda p: without_station(p, "FHGD-HY02"),
    "segment of an unknown water body": lambda p: edit(
        p / "评价河段.csv", lambda lines: lines + ["FHGD-04,FHGX,尾段,1.0,"]),
    "ids differing only in case": lambda p: edit(
        p / "评价河段.csv", lambda lines: lines + ["FHGD-04,fhgd,尾段,1.0,"]),
    "segment of zero length": lambda p: edit(
        p / "评价河段.csv", lambda lines: [x.replace("FHGD-02,FHGD,中段,2.8", "FHGD-02,FHGD,中段,0")
                                           for x in lines]),
    "water body without segments": lambda p: edit(
        p / "河湖名录.csv", lambda lines: lines + [lines[1].replace("FHGD", "NEW", 1)]),
    "water-body table with headers only": lambda p: edit(p / "河湖名录.csv", lambda lines: lines[:1]),
    "supplied value for an unknown indicator": lambda p: (p / "指标直接赋值.csv").write_text(
        "河湖编码,河段编码,指标编码,指标值\nFHGD,FHGD-01,water.nonsense,50\n", encoding="utf-8"),
    "supplied value for a foreign segment": lambda p: (p / "指标直接赋值.csv").write_text(
        "河湖编码,河段编码,指标编码,指标值\nFHGD,XH-01,water.sediment,50\n", encoding="utf-8"),
    "too few questionnaires": lambda p: edit(p / "公众满意度调查.csv", lambda lines: lines[:6]),
    "no fish survey": lambda p: (p / "鱼类调查名录.csv").unlink(),
}


@pytest.mark.parametrize("case", CASES)
def test_validate_exits_1_exactly_when_run_does(demo, tmp_path, case):
    CASES[case](demo)
    validate_code, run_code = exit_codes(demo, tmp_path)
    assert validate_code == run_code
    assert run_code == (0 if case == "demo" else 1)


def test_validate_lists_errors_and_warnings_in_one_pass(demo):
    # an unreadable number (reading error), an implausible DO (rule warning) and a station of
    # an unknown segment (reference warning) in one package
    edit(demo / "逐日流量.csv", lambda lines: [lines[0], lines[1].rsplit(",", 1)[0] + ",abc"]
         + lines[2:])
    edit(demo / "水质监测数据.csv", lambda lines: lines + [
        lines[1].split(",")[0] + ",2021-12-30,溶解氧,25,mg/L"])
    edit(demo / "监测站点.csv", lambda lines: lines + ["ZZ-1,NOWHERE,演示,水质,,,,,"])
    checked = check_package(demo)
    rules = {(i.rule, i.severity) for i in checked.issues}
    assert ("type.float", "error") in rules
    assert ("value.implausible", "warning") in rules
    assert ("reference.unknown", "warning") in rules
    (skipped,) = [i for i in checked.issues if i.rule == "check.skipped"]
    assert skipped.column == "indicators" and "未试算指标" in skipped.message_zh


def test_too_few_questionnaires_are_counted_in_the_issue(demo):
    edit(demo / "公众满意度调查.csv", lambda lines: lines[:6])    # 5 responses, all of FHGD
    issues = check_package(demo).issues
    (few,) = [i for i in issues if i.rule == "survey.too_few"]
    assert few.value == "FHGD" and few.file.endswith("公众满意度调查.csv")
    assert "只有 5 份有效问卷" in few.message_zh and "至少需要 30 份" in few.message_zh
    missing = [i for i in issues if i.rule == "indicator.mandatory_missing"
               and i.column == "social.public_satisfaction"]
    assert {i.severity for i in missing} == {"error"}


def test_the_kinds_of_a_table_are_those_of_the_indicators_that_read_it():
    from health_eval.engine.registry import default_registry
    from health_eval.io.tables import TABLES

    read_by: dict[str, set[str]] = {}
    for indicator in default_registry():
        for table in indicator.inputs.tables:
            read_by.setdefault(table, set()).update(indicator.applies_to)
    every = {"river", "lake", "reservoir"}
    for spec in TABLES:
        if spec.name in read_by and spec.name not in ("water_bodies", "segments", "stations"):
            assert set(spec.kinds or every) == read_by[spec.name], spec.name


def test_lake_areas_given_for_a_river_are_rejected_with_their_row(demo):
    edit(demo / "湖泊面积.csv", lambda lines: lines + ["FHGD,2.0,2.5,1985"])
    checked = check_package(demo)
    (issue,) = [i for i in checked.issues if i.rule == "table.kind_mismatch"]
    assert (issue.row, issue.column, issue.value) == (3, "water_body_id", "FHGD")
    assert "河流" in issue.message_zh and "湖泊/水库" in issue.message_zh
    assert checked.rows["lake_areas"] == {"read": 2, "used": 1, "rejected": 1}
