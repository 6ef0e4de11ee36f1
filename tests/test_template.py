"""The Excel input template: filled in with its example rows and read back, it evaluates as the
demo does (issue 5, template round trip)."""

import openpyxl
import pytest
from test_input_formats import comparable

from health_eval import evaluate
from health_eval.cli import demo_path
from health_eval.tables import CATALOGUE
from health_eval.template import header, write_template


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    return write_template(tmp_path_factory.mktemp("template") / "模板.xlsx", "both")


def test_template_read_back_evaluates_like_the_demo(workbook):
    result = evaluate(workbook)
    assert comparable(result) == comparable(evaluate(demo_path()))
    assert "table.unknown" not in set(result.issues["rule"])      # the instructions sheet


def test_template_sheets_headers_and_drop_downs(workbook):
    book = openpyxl.load_workbook(workbook)
    assert book.sheetnames[0] == "填表说明"
    sheet = book["逐日流量"]
    assert [c.value for c in sheet[1]] == ["测站编码 / station_id", "日期 / date",
                                           "日均流量(m3/s) / flow_m3s"]
    assert header(CATALOGUE["water_bodies"].column("kind")) == "类型 / kind"
    kinds = book["河湖名录"].data_validations.dataValidation
    assert any(v.formula1 == '"河流,湖泊,水库"' for v in kinds)
    bank = book["岸坡调查样点"].data_validations.dataValidation
    assert any("基岩" in v.formula1 for v in bank)


def test_river_template_holds_only_river_tables(tmp_path):
    book = openpyxl.load_workbook(write_template(tmp_path / "river.xlsx", "river"))
    assert "逐日流量" in book.sheetnames and "逐日水位" not in book.sheetnames
    assert "湖泊面积" not in book.sheetnames
    with pytest.raises(ValueError, match="kind"):
        write_template(tmp_path / "x.xlsx", "sea")


def test_template_command(tmp_path):
    from typer.testing import CliRunner

    from health_eval.cli import app

    out = tmp_path / "lake.xlsx"
    result = CliRunner().invoke(app, ["template", str(out), "--kind", "lake"])
    assert result.exit_code == 0 and out.exists()
    assert CliRunner().invoke(app, ["template", str(out), "--kind", "sea"]).exit_code == 2
