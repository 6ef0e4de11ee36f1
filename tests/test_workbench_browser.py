"""The workbench end to end in a real browser: Playwright driving the Debian Chromium against a
real ``health-eval serve`` process on a free loopback port.

Create a project, download the template, upload the demo workbook with one broken cell and see
the issue row naming it, upload the fixed workbook, run (htmx polls the progress), see 二类/三类
in the results, open the report inside the workbench (a sandboxed frame, its charts drawn; hidden
in print, where a note points to the page alone), download the Word file, run the 2022 demo as a
second round and see both rounds in the history. A screenshot of each page is saved in the
test's folder (and in ``$HEALTH_EVAL_SCREENSHOTS`` when set: ``docs/screenshots`` for the
README).

Skipped, saying so, only when Chromium or Playwright is missing.
"""

import io
import os
import shutil
import sys
from pathlib import Path

import openpyxl
import pytest
from test_report_browser import PLAYWRIGHT_ARGS, browser
from workbench_files import DEMO, DEMO_2022, demo_workbook

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from service import local_server  # noqa: E402

RUN_S = 300_000          # the longest wait for a run [ms]


def shoot(page, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def create_project(page, url: str, district: str, year: int) -> None:
    page.goto(url + "/")
    page.get_by_label("行政区").fill(district)
    page.get_by_label("评价年份").fill(str(year))
    page.get_by_role("button", name="创建").click()
    page.wait_for_url("**/projects/*")


def upload(page, path: Path) -> None:
    page.get_by_label("数据文件").set_input_files(str(path))
    page.get_by_role("button", name="上传并检查").click()
    page.wait_for_url("**/uploads/*")


def run_latest(page) -> None:
    page.get_by_role("button", name="开始评价").click()
    page.wait_for_url("**/runs/*")
    page.get_by_text("已完成").wait_for(timeout=RUN_S)


@pytest.mark.slow
def test_the_workbench_end_to_end_in_chromium(tmp_path):
    executable = browser()
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    shots = tmp_path / "screenshots"
    shots.mkdir()
    broken = demo_workbook(DEMO, tmp_path / "演示数据_有误.xlsx", ("水质监测数据", 0, "监测值", "abc"))
    fixed = demo_workbook(DEMO, tmp_path / "演示数据.xlsx")
    second = demo_workbook(DEMO_2022, tmp_path / "演示数据_2022.xlsx")
    with local_server("--workbench-dir", str(tmp_path / "wb")) as url, \
            sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=PLAYWRIGHT_ARGS)
        try:
            page = chromium.new_page(viewport={"width": 1366, "height": 768},
                                     accept_downloads=True)
            errors = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(url + "/")
            page.keyboard.press("Tab")                      # keyboard: the skip link first
            assert page.evaluate("document.activeElement.className") == "skip"
            shoot(page, shots, "1-projects")

            create_project(page, url, "青云谱区", 2021)
            with page.expect_download() as download:
                page.get_by_role("link", name="输入数据模板（Excel）").click()
            book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
            assert "水质监测数据" in book.sheetnames

            upload(page, broken)
            row = page.locator("#issues tbody tr", has_text="abc")
            assert row.locator("td").all_inner_texts()[:5] == ["错误", "水质监测数据", "2",
                                                               "value", "abc"]
            shoot(page, shots, "2-upload-issues")
            page.get_by_label("级别").select_option("warning")          # htmx swaps the table
            page.locator("#issues tbody tr", has_text="abc").wait_for(state="detached")
            page.get_by_label("级别").select_option("error")
            page.locator("#issues tbody tr", has_text="abc").wait_for()

            page.get_by_role("link", name="返回项目").click()
            upload(page, fixed)
            assert page.get_by_role("status").inner_text().startswith("✔ 可以评价")
            page.get_by_role("link", name="返回项目").click()
            assert page.locator("table", has_text="演示数据_有误.xlsx").count() == 1  # history
            run_latest(page)
            results = page.locator("table.results")
            assert "二类河湖" in results.inner_text() and "三类河湖" in results.inner_text()
            shoot(page, shots, "3-results")

            page.locator("tr", has_text="抚河故道").get_by_role("link", name="查看报告").click()
            page.wait_for_url("**/reports/FHGD")                    # the same tab, the workbench
            assert page.get_by_role("navigation", name="主导航").is_visible()
            report = page.frame_locator("iframe.report")
            report.get_by_text("抚河故道").first.wait_for()
            report.locator(".plotly").first.wait_for()              # its charts drawn
            tabs = page.get_by_role("navigation", name="各河湖报告")
            assert tabs.get_by_role("link").count() == 2
            assert "抚河故道" in tabs.locator("[aria-current=page]").inner_text()
            shoot(page, shots, "4-report")
            page.emulate_media(media="print")
            assert not page.locator("iframe.report").is_visible()
            assert page.get_by_text("请用「单独打开」").is_visible()
            page.emulate_media(media="screen")
            with page.expect_popup() as popup:
                page.get_by_role("link", name="单独打开（可打印）").click()
            popup.value.wait_for_load_state()
            assert "抚河故道" in popup.value.locator("body").inner_text()
            popup.value.close()
            with page.expect_download() as download:
                page.get_by_role("link", name="report.docx").click()
            assert Path(download.value.path()).read_bytes()[:2] == b"PK"

            create_project(page, url, "青云谱区", 2022)
            upload(page, second)
            page.get_by_role("link", name="返回项目").click()
            run_latest(page)
            page.locator("tr", has_text="抚河故道").get_by_role("link", name="历史").click()
            rounds = page.locator("table", has_text="档案轮次").first.inner_text()
            assert "2021" in rounds and "2022" in rounds
            page.locator(".chart .plotly").first.wait_for()          # the trend chart drawn
            shoot(page, shots, "5-history")
            assert errors == []
        finally:
            chromium.close()
    assert len(list(shots.glob("*.png"))) == 5
    if os.environ.get("HEALTH_EVAL_SCREENSHOTS"):
        target = Path(os.environ["HEALTH_EVAL_SCREENSHOTS"])
        target.mkdir(parents=True, exist_ok=True)
        for shot in shots.glob("*.png"):
            shutil.copy(shot, target / shot.name)
