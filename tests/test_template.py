"""The Excel input template: filled in with its example rows and read back, it evaluates as the
demo does (issue 5, template round trip)."""

import openpyxl
import pytest
from test_input_formats import comparable

from health_eval import evaluate, load_dataset
from health_eval.cli import demo_path
from health_eval.io.tables import CATALOGUE
from health_eval.template import header, write_template


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    return write_template(tmp_path_factory.mktemp("template") / "模板.xlsx", "both")


def test_template_read_back_evaluates_like_the_demo(workbook):
    result = evaluate(workbook)
    examples = result.issues["rule"] == "template.example_rows"
    assert examples.sum() == 1                      # one clear warning for the rows left in
    demo = comparable(evaluate(demo_path()))
    mine = comparable(result)
    mine["issues"] = [i for i in mine["issues"] if i["rule"] != "template.example_rows"]
    assert mine == demo                              # and no other warning than the demo's
    assert "table.unknown" not in set(result.issues["rule"])      # instructions, 示例行


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


def test_example_rows_are_recognised_until_deleted_or_overwritten(workbook, tmp_path):
    book = openpyxl.load_workbook(workbook)
    assert book["示例行"].sheet_state == "hidden"
    sheet = book["公众满意度调查"]
    sheet.delete_rows(3, sheet.max_row - 2)          # keep only the first questionnaire
    sheet["E2"] = 60                                  # ...and make it local data
    edited = tmp_path / "edited.xlsx"
    book.save(edited)
    warnings = load_dataset(edited).issues
    (example,) = [i for i in warnings if i.rule == "template.example_rows"]
    assert "河湖名录 第 2–3 行" in example.message_zh
    assert "公众满意度调查" not in example.message_zh
    assert "河湖名录 rows 2–3" in example.message_en
    for name in book.sheetnames:
        if name not in ("填表说明", "示例行"):
            book[name].delete_rows(2, book[name].max_row)
    book.save(edited)
    emptied = load_dataset(edited, strict=False).issues       # required tables now without rows
    assert [i for i in emptied if i.rule == "template.example_rows"] == []


def test_instructions_in_chinese_per_sheet(workbook):
    rows = [r for r in openpyxl.load_workbook(workbook)["填表说明"].iter_rows(values_only=True)]
    assert rows[0] == ("工作表", "项目", "说明", "Explanation")
    by = {}
    for sheet, item, zh, en in rows[1:]:
        by.setdefault((sheet, item), []).append((zh, en))
    assert by[("公众满意度调查", "最低数据要求")][0][0].startswith("每个河湖至少 30 份有效问卷")
    assert "90%" in by[("逐日流量", "最低数据要求")][0][0]
    assert "12 个月" in by[("逐月实测与天然流量", "最低数据要求")][0][0]
    assert "借用测站河段" in by[("监测站点", "测站共用")][0][0]
    assert set(by[("水质监测数据", "使用它的指标")][0][0].split("、")) == {
        "水体自净能力", "水质优劣程度", "湖泊营养状态"}
    assert ("河段长度（length_km）：数值，单位 km；选填" in
            [zh for zh, _ in by[("评价河段", "列")]])
    assert by[("评价河段", "填写示例")][0][0].startswith("河段编码=FHGD-01；河湖编码=FHGD；")
    sheets = {sheet for sheet, *_ in rows[1:]} - {"全部"}
    assert sheets == set(openpyxl.load_workbook(workbook).sheetnames) - {"填表说明", "示例行"}


def test_headers_bold_frozen_and_widths_fitted(workbook):
    book = openpyxl.load_workbook(workbook)
    for name in book.sheetnames[:-1]:
        sheet = book[name]
        assert sheet.freeze_panes == "A2", name
        assert all(cell.font.b for cell in sheet[1] if cell.value), name
    stations = book["监测站点"]
    widths = {c.value: stations.column_dimensions[c.column_letter].width for c in stations[1]}
    assert widths["测站编码 / station_id"] == 2 + len("测站编码 / station_id") + 4  # CJK double
    assert book["河湖名录"]["A2"].fill.fgColor.rgb.endswith("FFF2CC")
