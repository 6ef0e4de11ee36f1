"""``health-eval run/demo --archive`` and ``health-eval archive …`` on the demo's two years,
on SQLite and PostgreSQL: two rounds, the automatic comparison named in the report, the list,
the health sheet (xlsx, docx), the trend files, export and upgrade."""

import json

import docx
import openpyxl
from archive_backends import *  # noqa: F403 - fixtures
from typer.testing import CliRunner

from health_eval.archive.times import local_text
from health_eval.cli import app

runner = CliRunner()


def _invoke(*args):
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


def test_demo_two_years_in_the_archive(archive_url, tmp_path):
    first = _invoke("demo", "--out", tmp_path / "y2021", "--report", "html",
                    "--archive", archive_url)
    second = _invoke("demo", "--year", 2022, "--out", tmp_path / "y2022", "--report", "html",
                     "--archive", archive_url)
    assert "已存入档案第 1 轮" in first and "已存入档案第 2 轮" in second
    # the report compares with the 2021 round by itself and names it
    html = (tmp_path / "y2022" / "FHGD" / "report.html").read_text("utf-8")
    assert "比较对象：河湖健康档案第 1 轮（2021 年评价" in html
    assert "与上次评价比较" in html
    assert "比较对象" not in (tmp_path / "y2021" / "FHGD" / "report.html").read_text("utf-8")
    again = _invoke("demo", "--out", tmp_path / "again", "--report", "none",
                    "--archive", archive_url)
    assert "档案中已有此结果（第 1 轮），未重复存入" in again

    listed = _invoke("archive", "list", "--archive", archive_url).splitlines()
    assert len(listed) == 2 + 4
    assert listed[2].split()[:5] == ["FHGD", "抚河故道（演示）", "2021", "71.4", "三类河湖"]
    assert listed[3].split()[:5] == ["FHGD", "抚河故道（演示）", "2022", "76.5", "二类河湖"]
    one = _invoke("archive", "list", "--water-body", "XH", "--archive", archive_url)
    assert "FHGD" not in one and one.count("象湖") == 2
    shown = _invoke("archive", "show", 2, "--archive", archive_url)
    assert "mwr2020-river" in shown and "FHGD/report.html" in shown and "result.json" in shown
    run_time = json.loads((tmp_path / "y2022" / "result.json").read_text("utf-8"))[
        "provenance"]["timestamp"]
    assert f"评价时间 run {local_text(run_time)}," in shown     # local time, no offset
    assert "+00:00" not in shown.splitlines()[0]

    _invoke("archive", "sheet", "FHGD", "--out", tmp_path / "FHGD.xlsx", "--archive",
            archive_url)
    rows = {r[0]: r[1] for r in openpyxl.load_workbook(tmp_path / "FHGD.xlsx").active
            .iter_rows(values_only=True) if r[0]}
    assert rows["河湖名称"] == "抚河故道（演示）" and rows["河湖代码"] == "DEMO-R-360104-001"
    assert rows["最高层级河湖长"] == "青云谱区区级河长（演示）"
    assert rows["河流长度（km）"] == "10.10" and rows["流域面积（km²）"] == "36.50"
    assert rows["流经县级行政区域"] == "南昌市青云谱区"
    assert rows["健康评价得分"] == "RHI 76.5" and rows["健康状态"].startswith("二类河湖 健康")
    assert rows["RHI"] == "71.4 → 76.5（+5.1）"
    assert rows["河流纵向连通指数"] == "0.0"           # indicator table: previous score
    assert "应当加强日常管护" in rows["类别含义与管理要求"]
    assert "《河湖健康评价指南（试行）》" in rows["类别含义与管理要求"]
    assert "河湖健康评价指南（试行）2020 — 河流" in rows["健康评价依据"]
    assert any(str(k).startswith("目标：一类河湖（非常健康，RHI ≥ 90），尚差 13.5 分")
               for k in rows)
    _invoke("archive", "sheet", "FHGD", "--round", 1, "--out", tmp_path / "FHGD-2021.docx",
            "--archive", archive_url)
    text = "\n".join(c.text for t in docx.Document(tmp_path / "FHGD-2021.docx").tables
                     for row in t.rows for c in row.cells)
    assert "三类河湖 亚健康" in text and "无（首次评价）" in text

    trend = _invoke("archive", "trend", "FHGD", "--indicator", "basin.longitudinal_connectivity",
                    "--out", tmp_path / "trend", "--archive", archive_url)
    assert "少于 3 个评价年份" in trend
    assert (tmp_path / "trend" / "trend.html").exists()
    sheet = openpyxl.load_workbook(tmp_path / "trend" / "trend.xlsx")["历年得分"]
    values = {r[1]: r[2:] for r in sheet.iter_rows(values_only=True)}
    assert values["basin.longitudinal_connectivity"] == (0.0, 100.0)
    assert values["rhi"] == (71.38, 76.47)

    _invoke("archive", "export", 1, tmp_path / "back", "--archive", archive_url)
    assert (tmp_path / "back" / "result.json").read_bytes() == (
        tmp_path / "y2021" / "result.json").read_bytes()
    upgraded = _invoke("archive", "upgrade", "--archive", archive_url)
    assert upgraded.strip().endswith("0004_details_in_result → 0004_details_in_result")


def test_add_an_output_folder(tmp_path, demo_rounds):
    folder, _ = demo_rounds[2021]
    db = tmp_path / "a.db"
    refused = runner.invoke(app, ["archive", "add", str(folder), "--archive", str(db)])
    assert refused.exit_code == 1 and "evaluation year of FHGD, XH is not known" in refused.output
    added = _invoke("archive", "add", folder, "--year", 2021, "--archive", db)
    assert "已存入档案第 1 轮" in added
    bad = runner.invoke(app, ["archive", "sheet", "FHGD", "--out", str(tmp_path / "x.pdf"),
                              "--archive", str(db)])
    assert bad.exit_code == 2


def test_a_folder_means_the_default_file_and_the_environment_variable(tmp_path, demo_rounds,
                                                                      monkeypatch):
    folder, _ = demo_rounds[2021]
    _invoke("archive", "add", folder, "--year", 2021, "--archive", tmp_path)
    assert (tmp_path / "health_eval_archive.db").exists()
    monkeypatch.setenv("HEALTH_EVAL_ARCHIVE", str(tmp_path / "health_eval_archive.db"))
    assert "抚河故道" in _invoke("archive", "list")
