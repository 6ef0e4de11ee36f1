"""A real browser opens the demo report from disk with networking disabled: every figure is
drawn, the console stays silent, and a screenshot is taken. Playwright (driving the same
Chromium) opens the demo's reports and summary from a copied folder, offline, and prints them
on A4 with every section on a new page.

Needs headless Chromium (Debian package ``chromium``; ``.ci/run`` installs it). Without it the
test is skipped, saying so.
"""

import json
import re
import shutil
import subprocess
import unicodedata

import pytest
from health_eval.reports import write_reports

import health_eval
from health_eval.cli import demo_path

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
OFFLINE = ["--headless", "--disable-gpu", "--no-sandbox", "--no-first-run",
           "--disable-extensions", "--disable-background-networking",
           '--host-resolver-rules=MAP * ~NOTFOUND', "--enable-logging=stderr", "--v=0",
           "--virtual-time-budget=5000"]
#: What Chromium logs for a page's console messages and failed loads.
CONSOLE = re.compile(r":CONSOLE[^\]]*\]|Uncaught|net::ERR_")


def browser() -> str:
    found = next((shutil.which(b) for b in BROWSERS if shutil.which(b)), None)
    if found is None:
        pytest.skip("no headless Chromium found (apt-get install chromium; .ci/run installs it "
                    "when it has root and network)")
    return found


def run_browser(executable: str, *args: str, tmp_path) -> subprocess.CompletedProcess:
    profile = tmp_path / "browser-profile"
    return subprocess.run([executable, *OFFLINE, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=120)


def page_requests(net_log) -> list[str]:
    """URLs other than ``file:`` that the page itself requested (Chromium's own background
    requests — updates, translation — are keyed by other origins and left out)."""
    log = json.loads(net_log.read_text(encoding="utf-8"))
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return [event["params"]["url"] for event in log["events"]
            if event["type"] == start
            and str(event["params"].get("network_isolation_key", "")).startswith("file://")
            and not event["params"]["url"].startswith("file:")]


def test_report_opens_offline_draws_every_figure_and_logs_nothing(tmp_path):
    executable = browser()
    result = health_eval.evaluate(demo_path())
    page = next(p for p in write_reports(result, tmp_path / "out", formats=("html",))
                if p.parent.name == "FHGD")
    html = page.read_text(encoding="utf-8")
    figures = re.findall(r'<div id="(fig-[^"]+)" class="plotly-graph-div"', html)
    assert len(figures) == 4

    net_log = tmp_path / "net-log.json"
    dom = run_browser(executable, f"--log-net-log={net_log}", "--dump-dom", page.as_uri(),
                      tmp_path=tmp_path)
    assert dom.returncode == 0, dom.stderr[-2000:]
    console = [line for line in dom.stderr.splitlines() if CONSOLE.search(line)]
    assert console == [], "\n".join(console)
    assert page_requests(net_log) == []       # the page asked the network for nothing
    drawn = re.findall(r'<div id="(fig-[^"]+)" class="plotly-graph-div js-plotly-plot"', dom.stdout)
    assert drawn == figures                   # Plotly.newPlot ran for every figure, offline
    assert "抚河故道（演示）健康评价报告" in dom.stdout

    screenshot = tmp_path / "report.png"
    shot = run_browser(executable, f"--screenshot={screenshot}", "--window-size=1280,2400",
                       "--hide-scrollbars", page.as_uri(), tmp_path=tmp_path)
    assert shot.returncode == 0, shot.stderr[-2000:]
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert screenshot.stat().st_size > 50_000   # a rendered page, not a blank one


PLAYWRIGHT_ARGS = ["--no-sandbox", "--headless", "--disable-gpu",
                   "--disable-background-networking", "--disable-component-update",
                   "--disable-sync", "--no-first-run"]
#: Chromium prints A4 as 595.92 × 842.88 pt (whole CSS pixels at 96 dpi).
A4_POINTS = (596, 843)


@pytest.fixture(scope="module")
def copied_reports(tmp_path_factory):
    """The demo's HTML reports written to one folder, then copied to another (a USB stick)."""
    written = tmp_path_factory.mktemp("written")
    write_reports(health_eval.evaluate(demo_path()), written, formats=("html",))
    copy = tmp_path_factory.mktemp("usb") / "reports"
    shutil.copytree(written, copy)
    shutil.rmtree(written)
    return copy


@pytest.mark.slow
@pytest.mark.parametrize("page_path, figures", [("FHGD/report.html", 4),
                                                ("XH/report.html", 4),
                                                ("summary.html", 1)])
def test_playwright_opens_the_copied_folder_offline_and_prints_a4(copied_reports, tmp_path,
                                                                   page_path, figures):
    executable = browser()
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    pdfplumber = pytest.importorskip("pdfplumber", reason="pip install pdfplumber")
    url = (copied_reports / page_path).as_uri()
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=PLAYWRIGHT_ARGS)
        try:
            page = chromium.new_page()
            messages, errors, outside = [], [], []
            page.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
            page.on("pageerror", lambda e: errors.append(str(e)))

            def offline(route):
                if route.request.url.startswith("file:"):
                    route.continue_()
                else:
                    outside.append(route.request.url)
                    route.abort()

            page.route("**/*", offline)
            page.goto(url)
            page.wait_for_function("document.querySelectorAll('.plotly-graph-div').length"
                                   " === document.querySelectorAll('.js-plotly-plot').length",
                                   timeout=30_000)
            drawn = page.evaluate("[...document.querySelectorAll('.plotly-graph-div')].map("
                                  "d => d.querySelectorAll('svg.main-svg').length > 0)")
            assert drawn == [True] * figures
            assert (messages, errors, outside) == ([], [], [])
            sections = page.evaluate("[...document.querySelectorAll('main section h2')]"
                                     ".map(h => h.textContent)")
            pdf_path = tmp_path / "print.pdf"
            page.pdf(path=str(pdf_path), format="A4")
        finally:
            chromium.close()
    with pdfplumber.open(pdf_path) as pdf:
        assert {(round(p.width), round(p.height)) for p in pdf.pages} == {A4_POINTS}
        firsts = [(p.extract_text() or "").lstrip().splitlines()[:1] for p in pdf.pages]
    # a PDF font may map 一 to the Kangxi radical ⼀: NFKC reads them as the same character
    starts = [unicodedata.normalize("NFKC", line[0]) for line in firsts if line]
    for title in sections[1:]:                     # every section after the first on a new page
        assert unicodedata.normalize("NFKC", title) in starts, (title, starts)
    assert len(pdf.pages) >= len(sections)
