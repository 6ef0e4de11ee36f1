"""The plan-revision report of the demo: golden text, determinism, Word file, summary, CLI.

Golden files ``tests/golden/report/<water body>.txt`` hold the visible text of each demo report
(timestamp, engine version and the demo's folder replaced by placeholders). After a deliberate
change of the report or of the demo data, regenerate them and review the diff::

    HEALTH_EVAL_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_report.py
"""

import os
import re
from pathlib import Path

import docx
import pandas as pd
import pytest
from docx.oxml.ns import qn
from health_eval.reports import render_html, report_context, write_reports
from health_eval.reports.content import build_report
from health_eval.reports.diagnosis import indicator_points, water_body_indicators
from health_eval.reports.figures import plotly_js
from health_eval.reports.locale import Texts
from health_eval.reports.measure_choice import water_body_regions
from health_eval.reports.text import visible_text
from typer.testing import CliRunner

import health_eval
from health_eval.cli import app, demo_path
from health_eval.engine.result import EvaluationResult

GOLDEN = Path(__file__).parent / "golden" / "report"
UPDATE = os.environ.get("HEALTH_EVAL_UPDATE_GOLDEN") == "1"


@pytest.fixture(scope="module")
def demo_result():
    return health_eval.evaluate(demo_path())


@pytest.fixture(scope="module")
def written(demo_result, tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    regions = water_body_regions(health_eval.load_dataset(demo_path()))
    return out, write_reports(demo_result, out, regions=regions)


def normalised(text: str, result) -> str:
    """Visible text without what changes from run to run or machine to machine."""
    text = text.replace(Texts("zh").when(result.provenance["timestamp"]), "<TIMESTAMP>")
    text = text.replace(str(demo_path()), "<DEMO>")
    return text.replace(f"health_eval {result.provenance['engine_version']}",
                        "health_eval <VERSION>")


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / f"{name}.txt"
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path}; run with HEALTH_EVAL_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), (
        f"report text differs from {path}; if the change is intended, regenerate with "
        f"HEALTH_EVAL_UPDATE_GOLDEN=1 and review the diff")


@pytest.mark.parametrize("water_body", ["FHGD", "XH"])
def test_report_text_matches_golden(written, demo_result, water_body):
    out, _ = written
    html = (out / water_body / "report.html").read_text(encoding="utf-8")
    check_golden(water_body, normalised(visible_text(html), demo_result))


def test_summary_text_matches_golden(written, demo_result):
    out, _ = written
    html = (out / "summary.html").read_text(encoding="utf-8")
    check_golden("summary", normalised(visible_text(html), demo_result))


def test_writes_pages_sharing_plotly_js_and_a_word_file_per_water_body(written):
    out, paths = written
    assert sorted(p.relative_to(out).as_posix() for p in paths) == [
        "FHGD/report.docx", "FHGD/report.html", "XH/report.docx", "XH/report.html",
        "assets/plotly.min.js", "summary.html"]
    assert (out / "assets" / "plotly.min.js").read_text(encoding="utf-8") == plotly_js()
    html = (out / "FHGD" / "report.html").read_text(encoding="utf-8")
    assert html.count('<script src="../assets/plotly.min.js"></script>') == 1
    assert html.count("<script>") == html.count("Plotly.newPlot")   # the figures only
    assert len(html.encode()) < 300_000
    assert len(re.findall(r"\bsrc=|<link\b|@import|url\(", html.split("<script>")[0])) == 1
    assert not re.search(r"<(img|link|iframe)[^>]+(src|href)=", html)
    for name in ("radar", "segments", "scores", "lost"):
        assert f'id="fig-FHGD-{name}"' in html
    summary = (out / "summary.html").read_text(encoding="utf-8")
    assert '<script src="assets/plotly.min.js"></script>' in summary
    assert 'href="FHGD/report.html"' in summary and 'href="XH/report.html"' in summary


def test_self_contained_pages_inline_plotly_once_and_write_no_assets(demo_result, tmp_path):
    paths = write_reports(demo_result, tmp_path, formats=("html",), self_contained=True)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in paths) == [
        "FHGD/report.html", "XH/report.html", "summary.html"]
    html = (tmp_path / "FHGD" / "report.html").read_text(encoding="utf-8")
    assert html.count("<script>") - html.count("Plotly.newPlot") == 1  # plotly.js once
    assert plotly_js() in html and "<script src=" not in html


def test_cli_self_contained_writes_one_file_pages(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["demo", "--out", str(out), "--format", "json",
                                      "--report", "html", "--self-contained"])
    assert result.exit_code == 0, result.output
    assert not (out / "assets").exists()
    assert plotly_js() in (out / "XH" / "report.html").read_text(encoding="utf-8")


def test_same_result_gives_the_same_html_also_read_back_from_json(demo_result, tmp_path):
    """Figure ids are stable and nothing random is written: the report of a result and of the
    same result read back from its result.json are identical."""
    demo_result.to_json(tmp_path / "result.json")
    again = EvaluationResult.from_json(tmp_path / "result.json")
    assert render_html(demo_result, "XH") == render_html(again, "XH")


def test_points_lost_add_up_to_100_minus_rhi(demo_result):
    points = indicator_points(demo_result.indicators, demo_result.segments,
                              demo_result.criteria)
    lost = water_body_indicators(points).groupby("water_body_id")["lost"].sum()
    rhi = demo_result.water_bodies.set_index("water_body_id")["rhi"]
    pd.testing.assert_series_equal(lost.sort_index(), (100 - rhi).sort_index(),
                                   check_names=False, atol=1e-9)


def test_word_report_reopens_with_its_headings_tables_and_chinese_fonts(written, demo_result):
    out, _ = written
    document = docx.Document(str(out / "FHGD" / "report.docx"))
    report = build_report(report_context(demo_result), "FHGD")
    level1 = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert level1 == [f"{n}、{s.name}" for n, s in zip("一二三四五六七", report.sections)]
    assert level1[0] == "一、基本情况" and level1[4] == "五、“一河（湖）一策”修编建议"
    title = next(p for p in document.paragraphs if p.style.name == "Title")
    assert title.text == "《抚河故道（演示）健康评价报告及“一河（湖）一策”修编建议》"
    headers = [[c.text for c in t.rows[0].cells] for t in document.tables]
    assert ["河段（湖区）", "编码", "长度（km）", "权重占比（%）", "RHI", "健康类别"] in headers
    ranking = next(t for t in document.tables if t.rows[0].cells[0].text == "序号")
    assert ranking.rows[1].cells[1].text == "河流纵向连通指数"
    for name, east_asian in (("Normal", "宋体"), ("Heading 1", "黑体"), ("Title", "黑体")):
        fonts = document.styles[name].element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == east_asian
        assert fonts.get(qn("w:ascii")) and fonts.get(qn("w:hAnsi"))
        assert fonts.get(qn("w:asciiTheme")) is None and fonts.get(qn("w:eastAsiaTheme")) is None


def test_cli_run_writes_reports_in_english_with_a_comparison(tmp_path, demo_result):
    previous = _previous_result(demo_result)
    previous_path = tmp_path / "previous.json"
    previous.to_json(previous_path)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(demo_path()), "--out", str(out), "--format",
                                      "json", "--report", "html", "--previous",
                                      str(previous_path), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert (out / "FHGD" / "report.html").exists() and not (out / "FHGD" / "report.docx").exists()
    text = visible_text((out / "FHGD" / "report.html").read_text(encoding="utf-8"))
    assert "3 Comparison with the previous evaluation" in text
    assert "(evaluation year 2020; this one: 2021), rounds paired by water body" in text
    assert re.search(r"\npublic satisfaction \| — \| [\d.]+ \| — \| only in the current evaluation",
                     text)
    assert "Class 4, unhealthy | Class 3, sub-healthy | up 1 class(es)" in text
    summary = visible_text((out / "summary.html").read_text(encoding="utf-8"))
    assert "旧河 | OLD | 50.0 | — | — | Class 4, unhealthy | — | only in the previous " \
           "evaluation" in summary
    rhi = demo_result.water_bodies.set_index("water_body_id").loc["XH", "rhi"]
    assert f"XH | — | {rhi:.1f} | — | — | Class 2, healthy | only in the current evaluation" \
        in summary


def _previous_result(result: EvaluationResult) -> EvaluationResult:
    """The demo as if evaluated the year before (2020): FHGD one class lower and without
    public satisfaction, XH absent, a water body OLD that no longer exists."""
    bodies = result.water_bodies[result.water_bodies["water_body_id"] == "FHGD"].assign(
        rhi=55.0, health_class=4, health_name="四类河湖", health_label="不健康",
        evaluation_year=2020)
    old = bodies.assign(water_body_id="OLD", name="旧河", rhi=50.0)
    keep = result.indicators["water_body_id"].eq("FHGD") & ~result.indicators[
        "indicator_id"].eq("social.public_satisfaction")
    return EvaluationResult(
        water_bodies=pd.concat([bodies, old], ignore_index=True),
        segments=result.segments[result.segments["water_body_id"] == "FHGD"],
        criteria=result.criteria[result.criteria["water_body_id"] == "FHGD"],
        indicators=result.indicators[keep], issues=result.issues.iloc[0:0],
        provenance=dict(result.provenance, timestamp="2020-12-31T00:00:00+00:00"))


@pytest.mark.parametrize("args, option", [
    (["--report", "pdf"], "--report"),
    (["--report", "html", "--lang", "fr"], "--lang"),
    (["--report", "html", "--previous", "missing.json"], "--previous"),
])
def test_cli_bad_report_options_are_usage_errors(tmp_path, args, option):
    result = CliRunner().invoke(app, ["run", str(demo_path()), "--out", str(tmp_path), *args])
    assert result.exit_code == 2
    assert option in result.output
    assert not (tmp_path / "result.json").exists()


def test_cli_measures_errors_name_their_key_path(tmp_path):
    measures = tmp_path / "measures.yaml"
    measures.write_text("settings: {weak_bellow: 70}\nmeasures: []\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["demo", "--out", str(tmp_path / "out"), "--measures",
                                      str(measures)])
    assert result.exit_code == 2
    assert "settings.weak_bellow: Extra inputs are not permitted" in result.output
