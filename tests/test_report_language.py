"""Chinese outputs are Chinese, English ones English: the rendered zh report and issues hold no
table code, no path outside the output folder, no UTC time and no English remark of the
profile; the en report holds no Chinese apart from proper names (of the data, the measure
catalogue and the input files)."""

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from health_eval.reports import report_context, write_reports
from health_eval.reports.locale import Texts
from health_eval.reports.measure_choice import water_body_regions
from health_eval.reports.text import visible_text
from typer.testing import CliRunner

import health_eval
from health_eval.cli import app, demo_path
from health_eval.io.tables import TABLES

TABLE_CODES = re.compile(r"(?<![\w.])(" + "|".join(t.name for t in TABLES) + r")(?![\w])")
ABSOLUTE = re.compile(r"(?<![\w.])(/(?:usr|home|tmp|work|root|opt|var|srv|mnt)/|[A-Za-z]:\\)")
ENGLISH_REMARKS = ("formula not retrieved", "composite score", "default bands", "min of EF1",
                   "observed/expected", "vegetation_cover", "four_problems", "回忆、未核实")
INDICATOR_IDS = re.compile(r"\b(?:basin|water|biota|social)\.[a-z_]+|\b(?:no_data|insufficient_data)\b"
                           r"|准则层 (?:basin|water|biota|social)\b")
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef《》“”]+")


def zh_faults(text: str) -> list[str]:
    """What must not be in a Chinese output."""
    faults = [f"table code {m}" for m in TABLE_CODES.findall(text)]
    faults += [f"absolute path {m}" for m in ABSOLUTE.findall(text)]
    faults += [f"internal code {m}" for m in INDICATOR_IDS.findall(text)]
    faults += [word for word in ("UTC", "+00:00", str(demo_path())) if word in text]
    return faults + [remark for remark in ENGLISH_REMARKS if remark in text]


@pytest.fixture(scope="module")
def demo():
    return health_eval.evaluate(demo_path())


@pytest.fixture(scope="module")
def reports(demo, tmp_path_factory):
    regions = water_body_regions(health_eval.load_dataset(demo_path()))
    folders = {}
    for lang in ("zh", "en"):
        folders[lang] = tmp_path_factory.mktemp(lang)
        write_reports(demo, folders[lang], formats=("html",), lang=lang, regions=regions)
    return folders


@pytest.mark.parametrize("page", ["FHGD/report.html", "XH/report.html", "summary.html"])
def test_chinese_report_has_no_codes_paths_utc_or_english_remarks(reports, page):
    text = visible_text((reports["zh"] / page).read_text(encoding="utf-8"))
    assert zh_faults(text) == []


def test_chinese_report_shows_local_time_and_explains_confidence_once(reports, demo):
    text = visible_text((reports["zh"] / "FHGD/report.html").read_text(encoding="utf-8"))
    local = Texts("zh").when(demo.provenance["timestamp"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d（北京时间）", local)
    assert text.count(local) == 3                          # subtitle, basic facts, provenance
    assert "已与原文核实 19 处，部分佐证 8 处，凭回忆录入、尚未核实 23 处" in text
    assert text.count("可信度标注说明：V 表示该数值已与原文核实") == 1
    # an issue of the demo's installed folder is named by the package's folder and file
    assert "demo/逐日流量.csv 日期" in text


def test_times_follow_the_time_zone():
    assert Texts("zh", "Asia/Shanghai").when("2021-03-05T12:00:00+00:00") == (
        "2021-03-05 20:00:00（北京时间）")
    assert Texts("en", "Europe/Paris").when("2021-07-05T12:00:00+00:00") == (
        "2021-07-05 14:00:00 (Europe/Paris)")
    assert Texts("zh").when("not a time") == "—"


def proper_names(demo, context) -> list[str]:
    names = [*demo.water_bodies["name"], *demo.segments["name"].dropna()]
    names += [name for path in demo.provenance["inputs"] for name in path.split("/")]
    catalogue = context.catalogue
    names += [d for m in catalogue.measures for d in m.departments]
    document = catalogue.source_document
    names += [document.title, document.publisher or "", catalogue.region or ""]
    return [str(n) for n in names if n]


@pytest.mark.parametrize("page", ["FHGD/report.html", "XH/report.html", "summary.html"])
def test_english_report_has_no_chinese_but_proper_names(reports, demo, page):
    names = proper_names(demo, report_context(demo, lang="en"))
    text = visible_text((reports["en"] / page).read_text(encoding="utf-8"))
    untranslated = sorted({run for run in CJK.findall(text)
                           if not any(run in name for name in names)})
    assert untranslated == []


def test_chinese_issues_name_tables_and_columns_as_the_template(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(demo_path(), data)
    (data / "评价河段.csv").write_text("河段编码,河湖编码,河段长度(km)\nFHGD-01,FHGD,3.2\n",
                                     encoding="utf-8")
    samples = data / "水质监测数据.csv"
    samples.write_text(samples.read_text(encoding="utf-8-sig").replace(
        "FHGD-WQ01,2021-01-12,ph,7.15", "FHGD-WQ01,2021-01-12,ph,七", 1), encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(data), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    issues = pd.read_excel(tmp_path / "out" / "issues.xlsx")
    chinese = issues[["数据表 table", "文件 file", "列 column", "说明 message_zh"]]
    text = "\n".join(chinese.astype("string").fillna("").agg(" ".join, axis=1))
    assert zh_faults(text) == [] and str(tmp_path) not in text
    assert "表 评价河段" in text and "缺少必填列“河段名称”" in text
    assert set(issues["数据表 table"]) >= {"评价河段", "水质监测数据"}
    assert "监测值" in set(issues["列 column"])
    assert set(issues["文件 file"]) >= {"data/评价河段.csv", "data/水质监测数据.csv"}


def test_chinese_issues_of_the_evaluation_name_indicators_and_criteria(tmp_path):
    package = Path(__file__).parent / "data" / "bad" / "district_blank"   # no indicator data
    CliRunner().invoke(app, ["run", str(package), "--out", str(tmp_path)])
    issues = pd.read_excel(tmp_path / "issues.xlsx")
    chinese = issues[["数据表 table", "文件 file", "列 column", "说明 message_zh"]]
    text = "\n".join(chinese.astype("string").fillna("").agg(" ".join, axis=1))
    assert zh_faults(text) == []
    assert "河湖 W1 的必选指标“岸线自然状况”在河段 S1, S2 无有效数据（无数据）" in text
    assert "河段 S1 的准则层“盆”没有任何已评价指标" in text
    assert {"评价计算", "盆", "岸线自然状况"} <= set(chinese.stack())
