"""The per-district measure catalogue: the Excel workbook (`health-eval measures template`), its
located errors, the choice of catalogue by the water body's 所在区域, and the
``measures.default_catalogue`` warning when the packaged example serves another district."""

import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from health_eval.reports import MeasuresError, load_measures
from health_eval.reports.measure_choice import (
    MeasureCatalogues,
    measure_catalogues,
    parse_measure_options,
)
from health_eval.reports.measures_excel import MEASURE_SHEET
from health_eval.reports.text import visible_text
from typer.testing import CliRunner

from health_eval.cli import app, demo_path


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    path = tmp_path_factory.mktemp("measures") / "措施库.xlsx"
    result = CliRunner().invoke(app, ["measures", "template", str(path)])
    assert result.exit_code == 0, result.output
    return path


def test_template_reads_back_as_the_packaged_catalogue(workbook):
    packaged, read = load_measures(), load_measures(workbook)
    assert read.region == packaged.region == "青云谱区"
    assert read.source_document.title == "青云谱区2021年河湖长制工作要点"
    assert ([(m.id, m.title_zh, m.departments, m.indicators, m.cross_cutting, m.source.item)
             for m in read.measures]
            == [(m.id, m.title_zh, m.departments, m.indicators, m.cross_cutting, m.source.item)
                for m in packaged.measures])
    sheet = openpyxl.load_workbook(workbook)[MEASURE_SHEET]
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    # departments whose name holds 、 stay one department; indicators are Chinese names
    item1 = [c.value for c in sheet[2]]
    assert item1[5].endswith("团区委；各街道、镇、集聚区、风景区") and item1[6] == "公众满意度"


def edited(workbook, tmp_path, changes) -> str:
    book = openpyxl.load_workbook(workbook)
    for cell, value in changes.items():
        book[MEASURE_SHEET][cell] = value
    path = tmp_path / "bad.xlsx"
    book.save(path)
    return str(path)


def test_bad_cells_are_named_by_sheet_row_and_column(workbook, tmp_path):
    bad = edited(workbook, tmp_path, {"G5": "水质好坏", "F7": None, "J9": "第三条",
                                      "H10": "也许"})
    with pytest.raises(MeasuresError) as caught:
        load_measures(bad)
    text = str(caught.value)
    assert text.startswith(f"{bad}: 措施库有 4 处错误 / 4 error(s)")
    assert "工作表 措施库，第 5 行，列 针对指标：未知指标“水质好坏”" in text
    assert "sheet 措施库, row 5, column 针对指标: unknown indicator '水质好坏'" in text
    assert "工作表 措施库，第 7 行，列 责任单位：必填项为空" in text
    assert "第 9 行，列 条目：“第三条”不是正整数" in text
    assert "第 10 行，列 保障措施：“也许”应为 是 或 否" in text


def test_a_missing_sheet_or_a_text_file_is_an_error(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "其他"
    book.save(tmp_path / "empty.xlsx")
    with pytest.raises(MeasuresError, match="工作表 措施库：缺少此工作表"):
        load_measures(tmp_path / "empty.xlsx")
    (tmp_path / "gbk.yaml").write_bytes("措施: 1".encode("gb18030"))
    with pytest.raises(MeasuresError, match="UTF-8"):
        load_measures(tmp_path / "gbk.yaml")


def test_region_chooses_the_catalogue_by_the_end_of_the_region(workbook):
    own = load_measures(workbook)
    chosen = measure_catalogues({"西湖区": workbook, "南昌市西湖区": workbook})
    assert chosen.choose("江西省南昌市西湖区").catalogue == own
    assert not chosen.choose("江西省南昌市西湖区").fallback
    assert chosen.choose("江西省南昌市青云谱区").fallback is False     # packaged, its own district
    assert chosen.choose("江西省九江市濂溪区").fallback is True
    assert chosen.choose(None).fallback is True and chosen.choose(" ").fallback is True
    assert chosen.choose("东湖区").catalogue == load_measures()
    mine = MeasureCatalogues(own, {}, default_packaged=False)        # a default file was given
    assert mine.choose("濂溪区").fallback is False


def test_measure_options_pair_regions_with_files(tmp_path):
    assert parse_measure_options(["青云谱区=a.xlsx", "b.yaml"]) == {"青云谱区": "a.xlsx",
                                                                    "": "b.yaml"}
    odd = tmp_path / "x=y.yaml"
    odd.write_text("", encoding="utf-8")
    assert parse_measure_options([str(odd)]) == {"": str(odd)}
    with pytest.raises(ValueError, match="two catalogues"):
        parse_measure_options(["西湖区=a.xlsx", "西湖区 =b.xlsx"])


@pytest.fixture(scope="module")
def elsewhere(tmp_path_factory):
    """The demo package moved to another district (西湖区)."""
    folder = tmp_path_factory.mktemp("pkg") / "西湖区数据"
    shutil.copytree(demo_path(), folder)
    table = pd.read_csv(folder / "河湖名录.csv", dtype=str)
    table["所在区域"] = ["江西省南昌市西湖区", None]
    table.to_csv(folder / "河湖名录.csv", index=False, encoding="utf-8")
    return folder


def test_district_without_catalogue_warns_and_the_report_says_so(elsewhere, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(elsewhere), "--out", str(out), "--report",
                                      "html"])
    assert result.exit_code == 0, result.output
    issues = pd.read_csv(out / "issues.csv")
    warned = issues[issues["规则 rule"] == "measures.default_catalogue"]
    assert sorted(warned["问题值 value"].fillna("")) == ["", "江西省南昌市西湖区"]
    assert (warned["严重程度 severity"] == "warning").all()
    river = visible_text((out / "FHGD" / "report.html").read_text(encoding="utf-8"))
    assert "本河湖所在区域为“江西省南昌市西湖区”，没有本区的措施库" in river
    lake = visible_text((out / "XH" / "report.html").read_text(encoding="utf-8"))
    assert "本河湖所在区域为“未填写”" in lake


def test_district_catalogue_serves_its_water_bodies(elsewhere, workbook, tmp_path):
    own = edited(workbook, tmp_path, {"F22": "西湖区住建局"})          # item 22, 流域生态综合治理
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(elsewhere), "--out", str(out), "--report",
                                      "html", "--measures", f"西湖区={own}"])
    assert result.exit_code == 0, result.output
    issues = pd.read_csv(out / "issues.csv")
    assert (issues["规则 rule"] == "measures.default_catalogue").sum() == 1     # the lake only
    river = visible_text((out / "FHGD" / "report.html").read_text(encoding="utf-8"))
    assert "没有本区的措施库" not in river
    assert "第 22 条 | 巩固提升流域生态综合治理 |" in river and "| 西湖区住建局" in river


def test_a_bad_catalogue_is_a_usage_error_before_evaluating(workbook, tmp_path):
    bad = edited(workbook, tmp_path, {"G3": "不存在的指标"})
    result = CliRunner().invoke(app, ["demo", "--out", str(tmp_path / "out"), "--measures",
                                      f"青云谱区={bad}"])
    assert result.exit_code == 2
    assert "第 3 行" in result.output and "不存在的指标" in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("case, region", [("district_without_catalogue", "江西省九江市濂溪区"),
                                          ("district_blank", None)])
def test_corpus_district_without_catalogue_warns_in_the_run(case, region, tmp_path):
    package = Path(__file__).parent / "data" / "bad" / case
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(package), "--out", str(out), "--report",
                                      "html"])
    assert result.exit_code in (0, 1), result.output     # the tiny package lacks indicators
    issues = pd.read_csv(out / "issues.csv")
    warned = issues[issues["规则 rule"] == "measures.default_catalogue"]
    assert len(warned) == 1
    assert warned["问题值 value"].fillna("").iloc[0] == (region or "")
    assert warned["数据表 table"].iloc[0] == "河湖名录" and warned["列 column"].iloc[0] == "所在区域"
    page = visible_text((out / "W1" / "report.html").read_text(encoding="utf-8"))
    assert "没有本区的措施库" in page


def test_regions_of_a_partitioned_archive_for_the_dask_path(tmp_path):
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from health_eval.reports.measure_choice import water_body_regions
    from synthetic import write_parquet

    from health_eval.cli import _archive_water_bodies
    from health_eval.engine.dataset import load_dataset

    tables = load_dataset(demo_path()).tables
    tables["water_bodies"] = tables["water_bodies"].assign(region=["江西省 南昌市西湖区", None])
    write_parquet({"water_bodies": tables["water_bodies"]}, tmp_path, partition_by_water_body=True)
    assert water_body_regions(_archive_water_bodies(tmp_path)) == {"FHGD": "江西省南昌市西湖区",
                                                                   "XH": ""}
