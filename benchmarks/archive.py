"""Benchmark of the health archive (prints one JSON line per case, ratios measured in one run).

- ``store``: a synthetic ``--segments`` round (``benchmarks/synthetic.py``) evaluated, written
  (``result.json``) and stored as ``health-eval run --archive`` stores it, into SQLite and into
  PostgreSQL: ``store_s`` ÷ ``evaluate_s`` (target ≤ 0.5). The reports package is imported
  first, as ``run`` has it imported (the reports are written before the round is stored).
  ``cpu_ratio``: the same in CPU seconds (the process's threads, plus the PostgreSQL backend's
  when its ``/proc`` entry is readable: a local server), steadier on a busy machine.
- ``trend``: the same 1,000 water bodies (10,000 segments) stored ``--rounds`` times (as
  successive evaluation years); ``archive trend ID --out DIR`` of one water body (series,
  Mann–Kendall and Sen, chart and table written): in-process seconds (target ≤ 2 s).
- ``national``: ``--national`` water bodies (one segment, the river's indicators each) ×
  ``--national-rounds`` rounds on PostgreSQL: ``archive list`` of everything and one water
  body's sheet, in-process seconds (target ≤ 1 s each); ``build_s`` is the time to store it.

PostgreSQL: ``--pg-url`` (a server's maintenance database), else a throw-away cluster started
with ``tools/pg_cluster.py`` and stopped at the end. Run from the repository root::

    .venv/bin/python benchmarks/archive.py --segments 10000 --rounds 10 --national 21600
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "benchmarks"), str(ROOT / "tools")]

import pg_cluster  # noqa: E402
import synthetic  # noqa: E402

from health_eval import archive as health_archive  # noqa: E402
from health_eval import evaluate  # noqa: E402
from health_eval.archive.sheet import write_sheet  # noqa: E402
from health_eval.archive.trend import write_trend  # noqa: E402
from health_eval.engine.memory import tune_for_evaluation  # noqa: E402
from health_eval.engine.result import EvaluationResult  # noqa: E402


def _database(server: str) -> str:
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    name = f"bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def _timed(function, *args, **kwargs):
    start = time.perf_counter()
    value = function(*args, **kwargs)
    return value, time.perf_counter() - start


def _process_cpu(pid: int) -> float | None:
    """User + system CPU seconds of process ``pid`` (``/proc/PID/stat``; None: unreadable)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _store_cpu(store, add) -> tuple[float, float | None]:
    """Wall seconds of ``add()`` and its CPU seconds: this process's threads, plus on
    PostgreSQL the backend's of the pooled connection ``add`` uses (None: not readable)."""
    import sqlalchemy as sa

    pid = None
    if store.dialect == "postgresql":
        with store.engine.connect() as conn:
            pid = conn.execute(sa.text("SELECT pg_backend_pid()")).scalar()
    server = 0.0 if pid is None else _process_cpu(pid)
    cpu = time.process_time()
    _, wall = _timed(add)
    cpu = time.process_time() - cpu
    if pid is not None:
        after = _process_cpu(pid)
        cpu = None if server is None or after is None else cpu + after - server
    return wall, cpu


def _year_copy(result: EvaluationResult, k: int) -> EvaluationResult:
    """The result as if evaluated ``k`` years later (scores shifted: another digest)."""
    shift = lambda frame, cols: frame.assign(**{c: frame[c] - 0.5 * k for c in cols  # noqa: E731
                                                 if c in frame})
    return EvaluationResult(
        shift(result.water_bodies, ["rhi", "basin", "water", "biota", "social"]),
        shift(result.segments, ["rhi"]), shift(result.criteria, ["score"]),
        shift(result.indicators, ["score"]), result.issues,
        {**result.provenance, "timestamp": f"{2021 + k}-12-31T00:00:00+08:00"}, result.details)


def _national(result: EvaluationResult, n: int) -> EvaluationResult:
    """``n`` one-segment river water bodies, each with the indicators of ``result``'s first
    river segment (ids N00001…)."""
    first = result.segments[result.segments["water_body_id"].isin(
        result.water_bodies.loc[result.water_bodies["kind"] == "river", "water_body_id"])
    ].iloc[0]
    ids = [f"N{k:05d}" for k in range(n)]

    def spread(frame: pd.DataFrame, segment: bool) -> pd.DataFrame:
        rows = frame[frame["segment_id"] == first["segment_id"]] if segment else frame[
            frame["water_body_id"] == first["water_body_id"]]
        out = pd.concat([rows] * n, ignore_index=True)       # block k: water body k
        out["water_body_id"] = [i for i in ids for _ in range(len(rows))]
        if segment:
            out["segment_id"] = out["water_body_id"] + "-01"
        return out
    return EvaluationResult(spread(result.water_bodies, False), spread(result.segments, True),
                            spread(result.criteria, True),
                            spread(result.indicators_with_details(), True),
                            result.issues.iloc[0:0], dict(result.provenance))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--national", type=int, default=21_600)
    parser.add_argument("--national-rounds", type=int, default=5)
    parser.add_argument("--pg-url", default=None)
    parser.add_argument("--cases", default="store,trend,national",
                        help="Comma list of store, trend, national.")
    options = parser.parse_args()
    cases = set(options.cases.split(","))
    tune_for_evaluation()
    work = Path(tempfile.mkdtemp(prefix="health_eval_bench_"))
    work.chmod(0o711)
    server, cluster = options.pg_url, None
    if server is None:
        cluster = work / "cluster"
        server = pg_cluster.start(cluster)
    try:
        frames = synthetic.generate(options.segments)
        cpu = time.process_time()
        result, evaluate_s = _timed(evaluate, frames)
        evaluate_cpu = time.process_time() - cpu
        out = work / "run"
        written = result.write(out, ("json",))
        facts = frames["water_bodies"].set_index("water_body_id")
        stores = {"sqlite": f"sqlite:///{work / 'archive.db'}", "postgresql": _database(server)}
        if cases & {"store", "trend"}:
            import health_eval.reports.diagnosis  # noqa: F401 - run --archive has it imported
            for backend, url in stores.items():
                with health_archive.open(url) as store:
                    store_s, store_cpu = _store_cpu(store, lambda: store.add(
                        result, facts=facts, files=written))
                print(json.dumps({"case": "store", "backend": backend,
                                  "segments": options.segments,
                                  "indicator_rows": len(result.indicators),
                                  "evaluate_s": round(evaluate_s, 2),
                                  "store_s": round(store_s, 2),
                                  "ratio": round(store_s / evaluate_s, 2),
                                  "cpu_ratio": None if store_cpu is None else round(
                                      store_cpu / evaluate_cpu, 2)}), flush=True)
        if "trend" in cases:
            with health_archive.open(stores["sqlite"]) as store:
                for k in range(1, options.rounds):
                    store.add(_year_copy(result, k), facts=facts.assign(
                        evaluation_year=facts["evaluation_year"] + k))
                code = result.water_bodies["water_body_id"].iloc[0]
                (_, stats), trend_s = _timed(write_trend, store, code, work / "trend")
                _, warm_s = _timed(write_trend, store, code, work / "trend")
            print(json.dumps({"case": "trend", "backend": "sqlite", "rounds": options.rounds,
                              "water_bodies": len(result.water_bodies),
                              "series_tested": len(stats), "first_call_s": round(trend_s, 2),
                              "trend_s": round(warm_s, 2)}), flush=True)
        if "national" not in cases:
            return
        national = _national(result, options.national)
        url = _database(server)
        with health_archive.open(url) as store:
            start = time.perf_counter()
            for k in range(options.national_rounds):
                store.add(_year_copy(national, k), years=2021 + k)
            build_s = time.perf_counter() - start
            listed, list_s = _timed(store.list)
            _, sheet_s = _timed(write_sheet, store, "N00042", work / "N00042.docx")
        print(json.dumps({"case": "national", "backend": "postgresql",
                          "water_bodies": options.national, "rounds": options.national_rounds,
                          "list_rows": len(listed), "build_s": round(build_s, 1),
                          "list_s": round(list_s, 2), "sheet_s": round(sheet_s, 2)}), flush=True)
    finally:
        if cluster is not None:
            pg_cluster.stop(cluster)
        import shutil

        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
