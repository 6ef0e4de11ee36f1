"""``health-eval import`` and ``--import`` of run and validate, end to end."""

from __future__ import annotations

import json

import openpyxl
import pandas as pd
import pytest
from importer_fixtures import cnemc_rows, demo_table, package, station_names, write_cnemc
from typer.testing import CliRunner

from health_eval.cli import app, demo_path

runner = CliRunner()


@pytest.fixture
def export(tmp_path):
    return write_cnemc(tmp_path / "自动站导出.csv",
                       cnemc_rows(demo_table("水质监测数据"), station_names()))


def test_import_writes_the_tidy_template_form(tmp_path, export):
    out = tmp_path / "tidy.xlsx"
    result = runner.invoke(app, ["import", "cnemc", str(export), "--package", str(demo_path()),
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "读取 read 240, 可用 used 240, 剔除 rejected 0" in result.output
    book = openpyxl.load_workbook(out, read_only=True)
    assert book.sheetnames == ["水质监测数据", "导入记录", "问题清单"]
    tidy = pd.read_excel(out, sheet_name="水质监测数据")
    assert list(tidy.columns[:5]) == ["测站编码 / station_id", "采样日期 / date",
                                      "监测项目 / parameter", "监测值 / value", "单位 / unit"]
    chla = tidy[(tidy["监测项目 / parameter"] == "chla")].iloc[0]
    assert (chla["测站编码 / station_id"], chla["单位 / unit"]) == ("XH-WQ01", "mg/m3")
    assert chla["监测值 / value"] == pytest.approx(9.3)
    issues = pd.read_excel(out, sheet_name="问题清单")
    assert {"import.not_measured", "parameter.unknown"} <= set(issues["rule"])


def test_import_refuses_bad_files_and_writes_no_workbook(tmp_path, export):
    rows = pd.read_csv(export, dtype=str, keep_default_na=False)
    rows.loc[3, "溶解氧(mg/L)"] = "abc"
    rows.to_csv(export, index=False)
    out = tmp_path / "tidy.xlsx"
    result = runner.invoke(app, ["import", "cnemc", str(export), "--package", str(demo_path()),
                                 "--out", str(out)])
    assert result.exit_code == 1 and not out.exists()
    issues = pd.read_csv(tmp_path / "issues.csv", encoding="utf-8-sig")
    errors = issues[issues.iloc[:, 7] == "error"]
    assert errors.iloc[0, 3] == 5 and errors.iloc[0, 5] == "abc"
    assert runner.invoke(app, ["import", "nosuch", str(export), "--package",
                               str(demo_path())]).exit_code == 2


def test_run_and_validate_find_the_same(tmp_path, export):
    folder = package(tmp_path / "pkg", ("水质监测数据",))
    export.rename(folder / export.name)
    validated = runner.invoke(app, ["validate", str(folder), "--import", "cnemc", "--out",
                                    str(tmp_path / "v")])
    assert validated.exit_code == 0, validated.output
    run = runner.invoke(app, ["run", str(folder), "--import", "cnemc", "--out",
                              str(tmp_path / "r")])
    assert run.exit_code == 0, run.output
    result = json.loads((tmp_path / "r" / "result.json").read_text(encoding="utf-8"))
    [record] = result["provenance"]["imports"]
    assert (record["importer"], record["read"], record["used"]) == ("cnemc", 240, 240)
    reading = {"import.not_measured", "column.unknown", "parameter.unknown"}
    found = pd.read_csv(tmp_path / "v" / "issues.csv", encoding="utf-8-sig")
    ran = {(i["rule"], i["row"], i["column"]) for i in result["issues"] if i["rule"] in reading}
    shown = {"parameter": "监测项目"}           # issues.csv names columns as the template does
    ran = {(rule, row, shown.get(column, column)) for rule, row, column in ran}
    checked = {(r, int(w) if w == w else None, c if c == c else None)
               for r, w, c in zip(found.iloc[:, 6], found.iloc[:, 3], found.iloc[:, 4])
               if r in reading}
    assert ran == checked and len(ran) > 5
    refused = runner.invoke(app, ["run", str(folder), "--import", "yearbook", "--out",
                                  str(tmp_path / "y")])
    assert refused.exit_code == 1 and "import.not_recognised" in refused.output


def test_the_tidy_workbook_keeps_formula_like_text_as_text(tmp_path, export):
    """A bureau column headed like a formula reaches the tidy sheet and the issue list as the
    text it is (text cells, Excel's quote prefix), never as a formula."""
    rows = pd.read_csv(export, dtype=str, keep_default_na=False)
    rows["=HYPERLINK(\"x\")"] = "1"
    rows.to_csv(export, index=False)
    out = tmp_path / "tidy.xlsx"
    result = runner.invoke(app, ["import", "cnemc", str(export), "--package", str(demo_path()),
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    cells = [(sheet.title, cell) for sheet in book for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for _, c in cells if c.data_type == "f"]
    formula_like = [(title, c) for title, c in cells
                    if isinstance(c.value, str) and c.value.startswith("=")]
    assert {title for title, _ in formula_like} == {"水质监测数据", "问题清单"}
    assert all(c.value == "=HYPERLINK" and c.data_type == "s" and c.quotePrefix
               for _, c in formula_like)


def test_a_damaged_workbook_in_a_package_is_a_warning(tmp_path):
    folder = package(tmp_path / "pkg", ())
    (folder / "旧版.xlsx").write_bytes(b"not a workbook")
    result = runner.invoke(app, ["validate", str(folder), "--out", str(tmp_path / "v")])
    assert result.exit_code == 0, result.output
    issues = pd.read_csv(tmp_path / "v" / "issues.csv", encoding="utf-8-sig")
    damaged = issues[issues.iloc[:, 6] == "import.not_recognised"]
    assert damaged.iloc[0, 7] == "warning" and damaged.iloc[0, 1].endswith("旧版.xlsx")
