"""Warm ``evaluate(Dataset)`` of the demo and of a synthetic package, optionally against another
source tree, as ratios measured in one run.

Each case runs in a fresh process: the dataset is loaded (``load_dataset``), evaluated once
(warm-up: imports, profile loading, caches), then evaluated ``--repeat`` times; the median wall
and CPU seconds of those are printed as one JSON line. With ``--against DIR`` the same cases run
alternately with ``DIR`` first on ``PYTHONPATH`` (a tree laid out as the installed package:
``DIR/health_eval`` with ``indicators`` and ``reports`` inside), and a summary line gives
``this / against`` per case (CPU time: the machine is shared). ``--profile`` prints the top of a
pyinstrument profile of the warm evaluations of this tree instead.

    .venv/bin/python benchmarks/warm_evaluate.py --segments 10000 --against /tmp/base/pkg
    .venv/bin/python benchmarks/warm_evaluate.py --case demo --profile
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def measure(case: str, segments: int, repeat: int, profile: bool) -> dict:
    """Time (or profile) ``repeat`` warm evaluations of ``case`` in this process."""
    import health_eval

    if case == "demo":
        from health_eval.cli import demo_path
        dataset = health_eval.load_dataset(demo_path())
    else:
        sys.path.insert(0, str(HERE))
        from synthetic import generate
        dataset = health_eval.load_dataset(generate(segments, seed=0))
    health_eval.evaluate(dataset)
    if profile:
        from pyinstrument import Profiler
        with Profiler(interval=0.001) as profiler:
            for _ in range(repeat):
                health_eval.evaluate(dataset)
        print(profiler.output_text(show_all=False, color=False, unicode=True))
        return {}
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        health_eval.evaluate(dataset)
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return {"case": case, "segments": segments if case != "demo" else None,
            "tree": os.environ.get("PYTHONPATH") or "this",
            "wall_s": round(statistics.median(wall), 4), "cpu_s": round(statistics.median(cpu), 4)}


def run(case: str, segments: int, repeat: int, pythonpath: str | None) -> dict:
    """:func:`measure` in a fresh process (``pythonpath`` first on its path, if given)."""
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    out = subprocess.run([sys.executable, __file__, "--case", case, "--segments", str(segments),
                          "--repeat", str(repeat), "--inner"], env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=("demo", "synthetic", "both"), default="both")
    parser.add_argument("--segments", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=2, help="alternations with --against")
    parser.add_argument("--against", help="another tree to compare with (see above)")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    cases = ("demo", "synthetic") if args.case == "both" else (args.case,)
    if args.inner or args.profile:
        for case in cases:
            line = measure(case, args.segments, args.repeat, args.profile)
            if line:
                print(json.dumps(line))
        return
    load = [round(v, 2) for v in os.getloadavg()]
    ratios = {}
    for case in cases:
        ours, theirs = [], []
        for _ in range(args.rounds):
            ours.append(run(case, args.segments, args.repeat, None))
            print(json.dumps(ours[-1]), flush=True)
            if args.against:
                theirs.append(run(case, args.segments, args.repeat, args.against))
                print(json.dumps(theirs[-1]), flush=True)
        if theirs:
            ratios[case] = round(min(o["cpu_s"] for o in ours) / min(t["cpu_s"] for t in theirs),
                                 3)
    print(json.dumps({"summary": {"this_over_against_cpu": ratios, "load_average_before": load,
                                  "load_average_after": [round(v, 2) for v in os.getloadavg()]}}))


if __name__ == "__main__":
    main()
