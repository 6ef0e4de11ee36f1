"""Confidence of class (issue 18): the cost of ``--confidence N`` against one evaluation.

Prints one JSON line per case, then a summary line. Each case reads its package once into a
Dataset, makes a warm-up call (imports, profiles, registry), then times in turn, ``--repeat``
rounds, ``evaluate(dataset)`` and ``evaluate(dataset, confidence=N)`` (the evaluation itself plus
N bootstrap replicates in one batch), and gives the medians (wall and CPU seconds of this
process) and ``ratio = confidence_s / evaluate_s``:

- ``demo``: the bundled demo, ``--confidence 200`` (targets: ratio ≤ 20 and ≤ 10 s);
- ``1k``: ``benchmarks/synthetic.py``'s 1,000-segment province, ``--confidence 100``
  (target: ratio ≤ 30), with this process's peak resident memory.

The process takes the memory settings the CLI runs with
(:func:`health_eval.engine.memory.tune_for_evaluation`; ``--default-memory`` leaves them out): the
replicates allocate large arrays, which default settings fault in again and again.

Run from the repository root::

    .venv/bin/python benchmarks/confidence.py               # both cases (a few minutes)
    .venv/bin/python benchmarks/confidence.py --demo-only   # the demo (seconds)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
for path in (HERE, HERE.parent):            # synthetic.py; health_eval if not installed
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from engine import _timed  # noqa: E402  (wall and CPU seconds of one call)


def measure(name: str, dataset, replicates: int, repeat: int) -> dict:
    """Medians of ``evaluate(dataset)`` and ``evaluate(dataset, confidence=replicates)``."""
    import health_eval

    health_eval.evaluate(dataset)                         # warm-up
    steps = {"evaluate_s": lambda: health_eval.evaluate(dataset),
             "confidence_s": lambda: health_eval.evaluate(dataset, confidence=replicates)}
    rounds = [[_timed(step) for step in steps.values()] for _ in range(repeat)]   # in turn
    median, median_cpu = ({k: statistics.median(r[i][clock] for r in rounds)
                           for i, k in enumerate(steps)} for clock in (0, 1))
    return {"case": name, "replicates": replicates,
            "segments": len(dataset.table("segments")),
            **{k: round(v, 3) for k, v in median.items()},
            "ratio": round(median["confidence_s"] / median["evaluate_s"], 1),
            "cpu": {**{k: round(v, 3) for k, v in median_cpu.items()},
                    "ratio": round(median_cpu["confidence_s"] / median_cpu["evaluate_s"], 1)},
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo-only", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="Rounds per case (median).")
    parser.add_argument("--default-memory", action="store_true",
                        help="Leave out the CLI's memory settings.")
    args = parser.parse_args(argv)

    import health_eval.engine.memory

    memory = {} if args.default_memory else health_eval.engine.memory.tune_for_evaluation()
    from health_eval.cli import demo_path

    before = os.getloadavg()[0]
    lines = [measure("demo", health_eval.load_dataset(demo_path()), 200, args.repeat)]
    print(json.dumps(lines[-1]), flush=True)
    if not args.demo_only:
        from synthetic import generate

        dataset = health_eval.load_dataset(generate(1000, seed=0))
        lines.append(measure("1k", dataset, 100, max(1, args.repeat - 2)))
        print(json.dumps(lines[-1]), flush=True)
    print(json.dumps({"summary": {
        "targets": {"demo": "ratio <= 20 and confidence_s <= 10", "1k": "ratio <= 30"},
        "met": {line["case"]: line["ratio"] <= (20 if line["case"] == "demo" else 30)
                and (line["case"] != "demo" or line["confidence_s"] <= 10) for line in lines},
        "memory": memory, "load_average": [round(before, 2), round(os.getloadavg()[0], 2)],
        "cpus": os.cpu_count()}}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
