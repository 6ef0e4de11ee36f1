"""Benchmark suite: a whole mwr2020 evaluation from raw Parquet data, at growing scale.

For each ``--segments N`` (default 1,000 and 10,000) a raw input package is generated with
``benchmarks/synthetic.py`` (N segments in N/10 water bodies, every indicator from raw tables)
and written as one Parquet file per table to a temporary folder, in a first process. Then

- ``load_s``: a second, fresh process reads those files into pandas
  (``pyarrow.parquet.read_table(f).to_pandas()`` per file) with default settings — the floor
  any evaluation from Parquet pays;

and a third, fresh process takes the memory settings the CLI runs with
(:func:`health_eval.engine.memory.tune_for_evaluation`, reported as ``memory`` in the summary with this
process's own, slower read of the files, ``load_s_with_them``; ``--default-memory`` leaves them
out), reads the files and measures

- ``coerce_s``: ``health_eval.load_dataset(frames)`` on the frames just read (header
  recognition, cell coercion, validation: part of evaluating from raw data);
- ``score_s``: ``health_eval.evaluate(dataset)`` with the default profiles (every indicator,
  scores, aggregation, issues);
- ``evaluate_s = coerce_s + score_s`` and ``ratio = evaluate_s / load_s``;
- ``input_rows`` (all tables) and ``peak_rss_mb``: the peak resident memory of that measuring
  process (reading and evaluating only; generation runs elsewhere).

Times are wall-clock; the summary line adds the CPU seconds of each step (``cpu_s``) and the
1-minute load average before and after the cases (``load_average``), to tell a slow engine from a
busy machine.

``batch_vs_loop`` is measured once, on its own package of 200 water bodies (2,000 segments), so
it is the same on every line: the time of evaluating the water bodies one call each
(``evaluate(dataset.subset(water_body))``, subsetting included) over the time of one call for
all of them, both on the same coerced Dataset after a warm-up call. ``--quick`` uses 5 water
bodies; ``--batch-water-bodies 0`` skips it (null).

Output: one JSON line per case, then a summary line::

    {"segments": 1000, "water_bodies": 100, "input_rows": ..., "load_s": ..., "coerce_s": ...,
     "score_s": ..., "evaluate_s": ..., "ratio": ..., "peak_rss_mb": ..., "batch_vs_loop": ...}
    {"summary": {...}, "growth_1k_to_10k": evaluate_s(10,000) / evaluate_s(1,000) or null}

Run from the repository root (``make bench`` runs the first line)::

    .venv/bin/python benchmarks/run.py --segments 1000
    .venv/bin/python benchmarks/run.py                      # 1,000 and 10,000 segments
    .venv/bin/python benchmarks/run.py --segments 200 --quick
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
for path in (HERE, HERE.parent):            # synthetic.py; health_eval when not installed
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

DEFAULT_CASES = (1000, 10000)
BATCH_WATER_BODIES, QUICK_BATCH_WATER_BODIES = 200, 5
CASE_KEYS = ("segments", "water_bodies", "input_rows", "load_s", "coerce_s", "score_s",
             "evaluate_s", "ratio", "peak_rss_mb", "batch_vs_loop")


def _peak_rss_mb() -> float:
    """Peak resident memory of this process [MB] (ru_maxrss: KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def write_case(n_segments: int, seed: int, folder: Path) -> dict:
    """Generate the package of ``n_segments`` segments and write it to ``folder`` (Parquet)."""
    from synthetic import generate, write_parquet

    frames = generate(n_segments, seed=seed)
    write_parquet(frames, folder)
    return {"segments": n_segments, "water_bodies": len(frames["water_bodies"])}


def read_frames(folder: Path) -> tuple[dict, float, float]:
    """The Parquet files of ``folder`` as pandas frames, with the wall and CPU seconds taken
    (imports done beforehand: pandas and pyarrow's pandas layer load on first use)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    pa.table({"warm_up": [1]}).to_pandas()
    t0, c0 = time.perf_counter(), time.process_time()
    frames = {f.stem: pq.read_table(f).to_pandas() for f in sorted(folder.glob("*.parquet"))}
    return frames, time.perf_counter() - t0, time.process_time() - c0


def measure_floor(folder: Path) -> dict:
    """``load_s``: reading the files in a process with default settings (the fastest read)."""
    _, load, load_cpu = read_frames(folder)
    return {"load_s": round(load, 3), "cpu_s": round(load_cpu, 3)}


def measure_case(folder: Path, tuned: bool = True) -> dict:
    """Evaluate the Parquet files of ``folder`` as the CLI runs (its memory settings taken
    first, unless not ``tuned``); return the measurements, ``load_s`` being this process's own
    read."""
    import health_eval
    from health_eval.engine.memory import tune_for_evaluation

    memory = tune_for_evaluation() if tuned else {}
    frames, load, load_cpu = read_frames(folder)
    t1, c1 = time.perf_counter(), time.process_time()
    dataset = health_eval.load_dataset(frames)
    t2, c2 = time.perf_counter(), time.process_time()
    result = health_eval.evaluate(dataset)
    t3, c3 = time.perf_counter(), time.process_time()
    if not result.ok:
        errors = result.issues[result.issues["severity"] == "error"]
        print(f"warning: the evaluation met {len(errors)} error(s): "
              f"{errors['rule'].value_counts().to_dict()}", file=sys.stderr)
    coerce, score = t2 - t1, t3 - t2
    return {
        "segments": len(frames["segments"]),
        "water_bodies": len(frames["water_bodies"]),
        "input_rows": sum(len(frame) for frame in frames.values()),
        "load_s": round(load, 3),
        "coerce_s": round(coerce, 3),
        "score_s": round(score, 3),
        "evaluate_s": round(coerce + score, 3),
        "peak_rss_mb": _peak_rss_mb(),
        "cpu_s": {"load": round(load_cpu, 3), "coerce": round(c2 - c1, 3),
                  "score": round(c3 - c2, 3)},
        "memory": memory,
    }


def measure_batch_vs_loop(n_water_bodies: int, seed: int) -> dict:
    """Time one call for ``n_water_bodies`` water bodies against one call per water body."""
    from synthetic import generate

    import health_eval

    dataset = health_eval.load_dataset(generate(10 * n_water_bodies, seed=seed))
    ids = dataset.table("water_bodies")["water_body_id"].tolist()
    health_eval.evaluate(dataset.subset(ids[:1]))           # warm-up: imports, profiles
    t0, c0 = time.perf_counter(), time.process_time()
    health_eval.evaluate(dataset)
    t1, c1 = time.perf_counter(), time.process_time()
    for water_body in ids:
        health_eval.evaluate(dataset.subset([water_body]))
    t2, c2 = time.perf_counter(), time.process_time()
    return {"water_bodies": len(ids), "batch_s": round(t1 - t0, 3),
            "loop_s": round(t2 - t1, 3), "batch_vs_loop": round((t2 - t1) / (t1 - t0), 2),
            "cpu_s": {"batch": round(c1 - c0, 3), "loop": round(c2 - c1, 3)}}


def _child(*args: str) -> dict:
    """Run this script with ``args`` in a fresh process; return the JSON of its last line."""
    done = subprocess.run([sys.executable, __file__, *args], stdout=subprocess.PIPE, text=True)
    if done.returncode:
        raise SystemExit(done.returncode)
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_suite(cases: list[int], seed: int, batch_water_bodies: int, tuned: bool = True) -> int:
    """Every case in its own processes, one JSON line each, then the summary line."""
    batch = (_child("--batch-only", str(batch_water_bodies), "--seed", str(seed))
             if batch_water_bodies > 0 else None)
    lines, cpu, read_tuned, memory = [], {}, {}, None
    load_before = os.getloadavg()
    for n in cases:
        folder = Path(tempfile.mkdtemp(prefix=f"health_eval_bench_{n}_"))
        try:
            _child("--write", str(n), "--folder", str(folder), "--seed", str(seed))
            floor = _child("--floor", str(folder))
            line = _child("--measure", str(folder), *(() if tuned else ("--default-memory",)))
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        read_tuned[str(n)] = line["load_s"]
        line.update(load_s=floor["load_s"], ratio=round(line["evaluate_s"] / floor["load_s"], 2),
                    batch_vs_loop=batch["batch_vs_loop"] if batch else None)
        cpu[str(n)] = dict(line["cpu_s"], load=floor["cpu_s"])
        memory = line["memory"]
        line = {key: line[key] for key in CASE_KEYS}
        lines.append(line)
        print(json.dumps(line), flush=True)
    by_size = {line["segments"]: line for line in lines}
    growth = (round(by_size[10000]["evaluate_s"] / by_size[1000]["evaluate_s"], 2)
              if {1000, 10000} <= set(by_size) else None)
    summary = {"cases": [line["segments"] for line in lines], "seed": seed,
               "batch_vs_loop": batch, "cpu_s": cpu,
               "memory": {"settings": memory, "load_s_with_them": read_tuned},
               "cpus": os.cpu_count(),
               "load_average": [round(load_before[0], 2), round(os.getloadavg()[0], 2)],
               "python": platform.python_version(), **_versions()}
    print(json.dumps({"summary": summary, "growth_1k_to_10k": growth}), flush=True)
    return 0


def _versions() -> dict:
    import numpy
    import pandas
    import pyarrow

    return {"numpy": numpy.__version__, "pandas": pandas.__version__,
            "pyarrow": pyarrow.__version__}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, action="append",
                        help="number of segments of a case (repeatable; default 1000 and 10000)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic data")
    parser.add_argument("--quick", action="store_true",
                        help=f"batch_vs_loop on {QUICK_BATCH_WATER_BODIES} water bodies "
                             f"instead of {BATCH_WATER_BODIES} (for tests)")
    parser.add_argument("--batch-water-bodies", type=int, default=None,
                        help="water bodies of the batch_vs_loop package (0: skip)")
    parser.add_argument("--default-memory", action="store_true",
                        help="evaluate without the CLI's memory settings (as a program calling "
                             "evaluate() in a default process)")
    internal = parser.add_argument_group("internal (one step in a fresh process)")
    internal.add_argument("--write", type=int, help=argparse.SUPPRESS)
    internal.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    internal.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    internal.add_argument("--floor", type=Path, help=argparse.SUPPRESS)
    internal.add_argument("--batch-only", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.write is not None:
        print(json.dumps(write_case(args.write, args.seed, args.folder)))
        return 0
    if args.measure is not None:
        print(json.dumps(measure_case(args.measure, tuned=not args.default_memory)))
        return 0
    if args.floor is not None:
        print(json.dumps(measure_floor(args.floor)))
        return 0
    if args.batch_only is not None:
        print(json.dumps(measure_batch_vs_loop(args.batch_only, args.seed)))
        return 0
    batch = args.batch_water_bodies
    if batch is None:
        batch = QUICK_BATCH_WATER_BODIES if args.quick else BATCH_WATER_BODIES
    return run_suite(args.segments or list(DEFAULT_CASES), args.seed, batch,
                     tuned=not args.default_memory)


if __name__ == "__main__":
    sys.exit(main())
