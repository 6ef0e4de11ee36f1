"""The engine's figures of issue 17's speed table, measured in one run.

Prints one JSON line per figure group, then a summary line:

- ``demo``: the bundled demo package (27 CSV files, two water bodies), in this process after a
  warm-up call (imports, profiles and registry loaded):

  - ``read_csv_s``: ``pandas.read_csv`` of every CSV file of the demo folder (default settings);
  - ``evaluate_folder_s``: ``health_eval.evaluate(demo folder)`` (reading, coercing, validating
    and evaluating), and ``folder_ratio = evaluate_folder_s / read_csv_s`` (target ≤ 8);
  - ``evaluate_dataset_s``: ``health_eval.evaluate(dataset)`` of the demo already read, and
    ``dataset_ratio = evaluate_dataset_s / read_csv_s`` (target ≤ 4);

  each the median of ``--repeat`` rounds, the three timed in turn within each round so that a
  busy machine slows them alike; ``cpu`` gives the same ratios in CPU seconds of this process.
- ``scale``: ``benchmarks/run.py``'s measurements for 1,000 and 10,000 segments (``--sizes``),
  each step in a fresh process: ``evaluate_s / load_s`` (pyarrow floor) per size and ``ratio``
  at 10,000 (target ≤ 4), ``growth`` 1,000 → 10,000 (target ≤ 11), ``peak_rss_mb`` at 10,000
  (target ≤ 1,200) and ``batch_vs_loop`` of 200 water bodies (keep ≥ 50), with the CPU
  seconds of each step (``cpu_s``) to tell a slow engine from a busy machine.

The summary gives the 1-minute load average before and after and the CPU count. Run from the
repository root::

    .venv/bin/python benchmarks/engine.py                 # every figure (about a minute)
    .venv/bin/python benchmarks/engine.py --demo-only     # the demo figures (seconds)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
for path in (HERE, HERE.parent):            # run.py, synthetic.py; health_eval if not installed
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))


def _timed(function) -> tuple[float, float]:
    """Wall and CPU seconds of one call of ``function``."""
    t0, c0 = time.perf_counter(), time.process_time()
    function()
    return time.perf_counter() - t0, time.process_time() - c0


def measure_demo(repeat: int) -> dict:
    """The demo's warm ``evaluate`` (folder and Dataset) against ``pandas.read_csv``."""
    import pandas as pd

    import health_eval
    from health_eval.cli import demo_path

    folder = demo_path()
    files = sorted(folder.glob("*.csv"))
    dataset = health_eval.load_dataset(folder)
    health_eval.evaluate(folder)                          # warm-up: imports, profiles, registry
    steps = {"read_csv_s": lambda: [pd.read_csv(f) for f in files],
             "evaluate_folder_s": lambda: health_eval.evaluate(folder),
             "evaluate_dataset_s": lambda: health_eval.evaluate(dataset)}
    wall: dict[str, list[float]] = {name: [] for name in steps}
    cpu: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(repeat):
        for name, step in steps.items():
            w, c = _timed(step)
            wall[name].append(w)
            cpu[name].append(c)
    median = {name: statistics.median(times) for name, times in wall.items()}
    median_cpu = {name: statistics.median(times) for name, times in cpu.items()}
    read, read_cpu = median["read_csv_s"], median_cpu["read_csv_s"]
    return {
        "csv_files": len(files), "repeat": repeat,
        **{name: round(seconds, 4) for name, seconds in median.items()},
        "folder_ratio": round(median["evaluate_folder_s"] / read, 1),
        "dataset_ratio": round(median["evaluate_dataset_s"] / read, 1),
        "cpu": {"folder_ratio": round(median_cpu["evaluate_folder_s"] / read_cpu, 1),
                "dataset_ratio": round(median_cpu["evaluate_dataset_s"] / read_cpu, 1)},
    }


def measure_scale(seed: int, sizes: tuple[int, int], batch_water_bodies: int) -> dict:
    """The two package sizes and ``batch_vs_loop`` through ``benchmarks/run.py``'s fresh
    processes (the same measurements as ``run.py``)."""
    import shutil
    import tempfile

    from run import _child

    batch = _child("--batch-only", str(batch_water_bodies), "--seed", str(seed))
    cases = {}
    for n in sizes:
        folder = Path(tempfile.mkdtemp(prefix=f"health_eval_engine_{n}_"))
        try:
            _child("--write", str(n), "--folder", str(folder), "--seed", str(seed))
            floor = _child("--floor", str(folder))
            line = _child("--measure", str(folder))
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        cases[n] = {"load_s": floor["load_s"], "evaluate_s": line["evaluate_s"],
                    "coerce_s": line["coerce_s"], "score_s": line["score_s"],
                    "ratio": round(line["evaluate_s"] / floor["load_s"], 2),
                    "cpu_s": line["cpu_s"], "peak_rss_mb": line["peak_rss_mb"]}
    small, large = sizes
    return {"segments": {str(n): case for n, case in cases.items()},
            "ratio": cases[large]["ratio"],
            "growth": round(cases[large]["evaluate_s"] / cases[small]["evaluate_s"], 2),
            "growth_segments": [small, large],
            "peak_rss_mb": cases[large]["peak_rss_mb"],
            "batch_vs_loop": batch["batch_vs_loop"], "batch_water_bodies": batch["water_bodies"],
            "batch_s": batch["batch_s"], "loop_s": batch["loop_s"], "batch_cpu_s": batch["cpu_s"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="rounds of the demo timings")
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic data")
    parser.add_argument("--demo-only", action="store_true",
                        help="only the demo figures (no 1k/10k or batch_vs_loop processes)")
    parser.add_argument("--sizes", type=int, nargs=2, default=(1000, 10000),
                        metavar=("SMALL", "LARGE"), help="segments of the two synthetic "
                        "packages (growth is LARGE over SMALL; ratio and RSS are LARGE's)")
    parser.add_argument("--batch-water-bodies", type=int, default=200,
                        help="water bodies of the batch_vs_loop package")
    args = parser.parse_args(argv)
    load_before = os.getloadavg()[0]
    print(json.dumps({"demo": measure_demo(args.repeat)}), flush=True)
    if not args.demo_only:
        print(json.dumps({"scale": measure_scale(args.seed, tuple(args.sizes),
                                                 args.batch_water_bodies)}), flush=True)
    print(json.dumps({"summary": {"cpus": os.cpu_count(), "load_average": [
        round(load_before, 2), round(os.getloadavg()[0], 2)]}}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
