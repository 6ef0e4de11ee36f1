"""The plan of the demo's 三类 river FHGD, checked by hand, in the HTML and Word reports and in
result.xlsx's plan sheet (提升方案).

FHGD: RHI 71.377 (三类); 二类 starts at RHI 75 (profile mwr2020-river, classes of
_mwr2020-base.yaml), a gap of 3.623. One score point of an indicator scored once for the
whole river moves every segment: water weight 0.3 × 1/5 (five water indicators, equal weights)
= 0.06 RHI points for flow deviation (水 准则层), biota weight 0.2 × 1/4 = 0.05 for fish
retention; any one segment's row gives at most its weight share (≤ 0.41) × 0.06 < 0.025. With
equal efforts the plan raises flow deviation first: 59.93 → 100 gives 0.06 × 40.07 = 2.404;
the remaining 1.219 takes 1.219 / 0.05 = 24.38 points of fish retention, 70 → 94.38, a value
on the fish curve's segment 0.85 (80) – 1.0 (100) of 0.85 + 14.38 / 20 × 0.15 = 0.9578.
Flow deviation at 100 needs the curve's first node, ≤ 0.05.
"""

from io import BytesIO

import docx
import openpyxl
import pytest
from health_eval.reports import render_html, report_context
from health_eval.reports.content import build_report
from health_eval.reports.docx import build_docx
from health_eval.reports.text import visible_text
from typer.testing import CliRunner

import health_eval
from health_eval.cli import app, demo_path
from health_eval.profiles.profile import load_profile


@pytest.fixture(scope="module")
def demo():
    return health_eval.evaluate(demo_path())


def hand_plan(rhi):
    gap = 75.0 - rhi
    flow_gain = 100.0 - 59.932578
    fish_gain = (gap - 0.06 * flow_gain) / 0.05
    return gap, flow_gain, fish_gain, 0.85 + (70 + fish_gain - 80) / 20 * 0.15


def test_fhgd_plan_by_hand(demo):
    profile = load_profile("mwr2020-river")
    assert min(c.min_rhi for c in profile.classes if c.grade == 2) == 75
    assert profile.criteria["water"].weight == 0.3 and profile.criteria["biota"].weight == 0.2
    rhi = float(demo.water_bodies.set_index("water_body_id").loc["FHGD", "rhi"])
    gap, flow_gain, fish_gain, fish_value = hand_plan(rhi)
    plan, steps = report_context(demo).plans.of("FHGD")
    assert plan["status"] == "plan" and plan["gap"] == pytest.approx(gap)
    by_id = steps.set_index("indicator_id")
    assert sorted(by_id.index) == ["biota.fish_retention", "water.flow_deviation"]
    assert by_id["points"].to_dict() == pytest.approx({"biota.fish_retention": 0.05,
                                                      "water.flow_deviation": 0.06})
    assert by_id.loc["water.flow_deviation", "gain"] == pytest.approx(flow_gain, abs=1e-5)
    assert by_id.loc["water.flow_deviation", "target_value"] == pytest.approx(0.05)
    assert by_id.loc["biota.fish_retention", "gain"] == pytest.approx(fish_gain, abs=1e-4)
    assert by_id.loc["biota.fish_retention", "target_value"] == pytest.approx(fish_value,
                                                                               abs=1e-6)
    assert "区商务局" in by_id.loc["biota.fish_retention", "departments"]   # item 13: 禁捕
    assert plan["rhi_reached"] == pytest.approx(75.0)


def test_the_html_and_word_reports_show_the_plan(demo):
    rows = ["流量过程变异程度 | 全部河段 | 从 0.221 降低到 0.05 | 59.9 | 100.0 | 2.40 |",
            "鱼类保有指数 | 全部河段 | 从 0.8 提高到 0.958 | 70.0 | 94.4 | 1.22 |"]
    text = visible_text(render_html(demo, "FHGD"))
    assert "现状 RHI 71.4，为三类河湖 亚健康；升至二类河湖 健康需 RHI ≥ 75，尚差 3.62 分。" in text
    for row in rows:
        assert row in text
    assert "实施后 RHI 约 75.0，为二类河湖 健康。" in text
    buffer = BytesIO()
    build_docx(build_report(report_context(demo), "FHGD")).save(buffer)
    document = docx.Document(buffer)
    cells = [" | ".join(c.text for c in row.cells) for t in document.tables for row in t.rows]
    for row in rows:
        assert any(c.startswith(row) for c in cells), row
    assert any("实施后 RHI 约 75.0" in p.text for p in document.paragraphs)


def test_result_xlsx_has_the_plan_sheet(tmp_path, demo):
    outcome = CliRunner().invoke(app, ["run", str(demo_path()), "--out", str(tmp_path),
                                       "--format", "xlsx"])
    assert outcome.exit_code == 0, outcome.output
    sheet = openpyxl.load_workbook(tmp_path / "result.xlsx")["提升方案"]
    header, *rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert header[:9] == ["河湖编码", "河湖名称", "现状RHI", "现状类别", "目标类别",
                          "目标类别RHI下限", "尚差RHI", "方案说明", "指标名称"]
    records = [dict(zip(header, r)) for r in rows]
    fhgd = {r["指标编码"]: r for r in records if r["河湖编码"] == "FHGD"}
    assert sorted(fhgd) == ["biota.fish_retention", "water.flow_deviation"]
    fish = fhgd["biota.fish_retention"]
    rhi = float(demo.water_bodies.set_index("water_body_id").loc["FHGD", "rhi"])
    assert (fish["目标类别"], fish["目标类别RHI下限"], fish["目标关系"]) == ("二类河湖", 75, "≥")
    assert fish["目标值"] == pytest.approx(hand_plan(rhi)[3], abs=1e-6)
    assert fish["河段（湖区）"] == "全部河段（湖区）：FHGD-01、FHGD-02、FHGD-03"
    assert fhgd["water.flow_deviation"]["目标关系"] == "≤"
    assert fish["实施后RHI"] == pytest.approx(75.0)
    assert {r["河湖编码"] for r in records} == {"FHGD", "XH"}


def test_with_a_confidence_run_the_plan_lifts_80_percent_of_the_replicates():
    """With ``--confidence``, FHGD's plan closes the gap from the RHI 80 % of its replicates
    reach (``rhi_reached_80``) to 二类's 75, not the gap from its reported RHI, and the report
    says so."""
    result = health_eval.evaluate(demo_path(), confidence=30, seed=2)
    row = result.confidence_water_bodies.set_index("water_body_id").loc["FHGD"]
    reached = row["rhi_reached_80"]
    assert row["rhi_p05"] <= reached <= row["rhi_median"]
    context = report_context(result)
    plan, steps = context.plans.of("FHGD")
    assert plan["gap"] == pytest.approx(75.0 - reached)
    assert steps["rhi_gain"].sum() == pytest.approx(75.0 - reached, abs=1e-6)
    text = visible_text(render_html(result, "FHGD"))
    assert f"80% 的重抽样结果 RHI 不低于 {reached:.1f}" in text
