"""The workbench under a technician's load, on the loopback address.

Starts ``health-eval serve`` with a fresh ``--workbench-dir``, then measures with plain HTTP
(what the browser sends):

* ``upload_to_result_s``: one user uploads the demo workbook, runs it and polls until the run is
  done (check, evaluation, reports, archive);
* ``page_kb``: the weight of each page — its HTML plus the scripts and style sheet it loads
  (htmx, the style sheet; the history page also plotly.js, listed apart) — target ≤ 200 kB
  without reports; the page of a report shown in the workbench counts the report in its frame
  apart (``report_kb``);
* ``concurrent``: ``--users`` users (4), each with their own project, upload and run the demo at
  once: how many succeeded, p50 and p95 of their upload-to-result times, and p50/p95 of the
  home page's answer time [ms] asked every 0.5 s meanwhile (whether the pages stay usable while
  runs go on). Runs go to the service's ``--workers`` worker processes.

Prints one JSON line. Run from the repository root::

    .venv/bin/python benchmarks/workbench.py
    .venv/bin/python benchmarks/workbench.py --users 4 --workers 2
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

from service import local_server  # noqa: E402
from workbench_files import DEMO, demo_workbook  # noqa: E402

ASSET = re.compile(r'<(?:script|link)[^>]+(?:src|href)="(/[^"]+\.(?:js|css))"')
FRAME = re.compile(r'<iframe[^>]+src="(/[^"]+)"')


def _token(client: httpx.Client) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', client.get("/").text).group(1)


def upload_and_run(url: str, workbook: Path, district: str, year: int = 2021) -> tuple[float, str]:
    """One user's path from upload to result [s]; the run's URL."""
    with httpx.Client(base_url=url, timeout=600) as client:
        project = client.post("/projects", data={"district": district, "year": year,
                                                 "csrf": _token(client)}).headers["location"]
        started = time.perf_counter()
        with workbook.open("rb") as handle:
            client.post(f"{project}/uploads", files={"file": (workbook.name, handle)},
                        data={"csrf": _token(client)})
        upload = re.search(r'<option value="(\d+)">', client.get(project).text).group(1)
        run = client.post(f"{project}/runs", data={"upload": upload, "csrf": _token(client)}
                          ).headers["location"]
        while True:
            page = client.get(run, headers={"HX-Request": "true"}).text
            if "已完成" in page or "失败" in page:
                break
            time.sleep(0.2)
        if "已完成" not in page:
            raise RuntimeError(f"run {run} failed: {re.sub(r'<[^>]+>', ' ', page)[:600]}")
        return time.perf_counter() - started, run


def page_weights(url: str, pages: dict[str, str]) -> dict[str, dict[str, float]]:
    """Per page: kB of its HTML and of the scripts and style sheets it loads; of the page in its
    frame (a report) apart."""
    weights, seen = {}, {}
    with httpx.Client(base_url=url, timeout=60) as client:
        for name, path in pages.items():
            html = client.get(path).content
            assets = {a: seen.setdefault(a, len(client.get(a).content))
                      for a in ASSET.findall(html.decode("utf-8"))}
            plotly = assets.pop("/plotly.min.js", 0)
            weights[name] = {"html_kb": round(len(html) / 1024, 1),
                             "total_kb": round((len(html) + sum(assets.values())) / 1024, 1),
                             "plotly_kb": round(plotly / 1024, 1)}
            frames = FRAME.findall(html.decode("utf-8"))
            if frames:
                weights[name]["report_kb"] = round(sum(len(client.get(f).content)
                                                       for f in frames) / 1024, 1)
    return weights


def page_times_ms(url: str, stop: threading.Event) -> list[float]:
    """Answer times of the home page [ms], asked every 0.5 s until ``stop`` is set."""
    times = []
    with httpx.Client(base_url=url, timeout=120) as client:
        while not stop.wait(0.5):
            started = time.perf_counter()
            client.get("/")
            times.append((time.perf_counter() - started) * 1000)
    return times


def _quantile(values: list[float], q: float) -> float | None:
    """The ``q`` quantile of ``values`` (nearest rank); None when empty."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else None


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        workbook = demo_workbook(DEMO, Path(folder) / "演示数据.xlsx")
        with local_server("--workbench-dir", str(Path(folder) / "wb"),
                          "--workers", str(args.workers)) as url:
            single, run = upload_and_run(url, workbook, "基准区")
            with httpx.Client(base_url=url) as client:
                home = client.get("/").text
            project = re.search(r'href="(/projects/\d+)"', home).group(1)
            with httpx.Client(base_url=url) as client:
                upload = re.search(r'href="(/uploads/\d+)"', client.get(project).text).group(1)
            weights = page_weights(url, {"projects": "/", "project": project, "upload": upload,
                                         "run_results": run, "report": f"{run}/reports/FHGD",
                                         "history": "/history?water_body=FHGD"})
            stop = threading.Event()
            with ThreadPoolExecutor(args.users + 1) as pool:
                pages = pool.submit(page_times_ms, url, stop)
                futures = [pool.submit(upload_and_run, url, workbook, f"区{i}")
                           for i in range(args.users)]
                times, failures = [], 0
                for future in futures:
                    try:
                        times.append(future.result()[0])
                    except Exception as exc:  # noqa: BLE001 - counted and shown
                        failures += 1
                        print(exc, file=sys.stderr)
                stop.set()
                page_ms = pages.result()
    figures = {"upload_to_result_s": round(single, 2), "page_kb": weights,
               "concurrent": {"users": args.users, "workers": args.workers,
                              "succeeded": len(times), "failed": failures,
                              "p50_s": _rounded(_quantile(times, 0.5), 2),
                              "p95_s": _rounded(_quantile(times, 0.95), 2),
                              "p95_over_single": _rounded(max(times, default=0) / single, 2),
                              "page_p50_ms": _rounded(_quantile(page_ms, 0.5), 0),
                              "page_p95_ms": _rounded(_quantile(page_ms, 0.95), 0)}}
    print(json.dumps(figures, ensure_ascii=False))
    return figures


if __name__ == "__main__":
    main()
