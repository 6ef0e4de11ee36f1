"""Time and size of a whole evaluation on synthetic data of a given number of segments.

For each ``--segments N`` this generates an input package with ``benchmarks/synthetic.py``
(N segments, N/10 water bodies, 12 monthly samples × 22 parameters per segment, …), then
measures

- ``load_s``: ``health_eval.load_dataset(frames)`` (coercion and validation of the tables),
- ``evaluate_s``: ``health_eval.evaluate(dataset)`` with the default profiles,
- ``peak_rss_mb``: the peak resident memory of the process (generation included),

and prints one JSON line per case::

    {"segments": 1000, "water_bodies": 100, "input_rows": ..., "load_s": ..., "evaluate_s": ...,
     "wall_s": ..., "peak_rss_mb": ...}

Run from the repository root (``make bench`` runs the first line)::

    .venv/bin/python benchmarks/run.py --segments 1000
    .venv/bin/python benchmarks/run.py --segments 1000 --segments 10000 --seed 1

With several ``--segments``, each case runs in its own process so that its peak memory is its own.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
for path in (HERE, HERE.parent):            # synthetic.py; health_eval when not installed
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))


def run_case(n_segments: int, seed: int) -> dict:
    """Generate, load and evaluate one synthetic package; return its measurements."""
    from synthetic import generate

    import health_eval

    frames = generate(n_segments, seed=seed)
    t0 = time.perf_counter()
    dataset = health_eval.load_dataset(frames)
    t1 = time.perf_counter()
    health_eval.evaluate(dataset)
    t2 = time.perf_counter()
    return {
        "segments": n_segments,
        "water_bodies": len(frames["water_bodies"]),
        "input_rows": sum(len(df) for df in frames.values()),
        "load_s": round(t1 - t0, 3),
        "evaluate_s": round(t2 - t1, 3),
        "wall_s": round(t2 - t0, 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, action="append",
                        help="number of segments (repeatable; default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic data")
    args = parser.parse_args(argv)
    cases = args.segments or [1000]
    if len(cases) == 1:
        print(json.dumps(run_case(cases[0], args.seed)), flush=True)
        return 0
    for n in cases:
        done = subprocess.run([sys.executable, __file__, "--segments", str(n),
                               "--seed", str(args.seed)])
        if done.returncode:
            return done.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
