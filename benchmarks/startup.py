"""Start-up cost: a ``health-eval --help`` process and a process that imports health_eval, each as
a ratio to a ``python -c "import pandas"`` process measured in the same run (issue 17, speed
table: target ≤ 1.5 for ``--help``).

Each command runs ``--runs`` times (default 7) as a fresh process, the commands interleaved (one
run of each, then again) so that a change of the machine's load falls on all of them alike; a
figure is the median wall-clock time of its runs. Printed: one JSON line ::

    {"runs": 7, "pandas_s": ..., "help_s": ..., "command_help_s": ..., "import_s": ...,
     "evaluate_import_s": ..., "help_ratio": help_s / pandas_s, "command_help_ratio": ...,
     "import_ratio": ..., "evaluate_import_ratio": ..., "load_average": [before, after]}

``help`` is ``health-eval --help``, ``command_help`` ``health-eval run --help`` (the console
script beside this Python; ``python -m health_eval.cli`` where there is none), ``import``
``python -c "import health_eval"`` (the public names are imported on first use) and
``evaluate_import`` ``python -c "from health_eval import evaluate"`` (what evaluating loads
before reading any data). Run from the repository root::

    .venv/bin/python benchmarks/startup.py
    .venv/bin/python benchmarks/startup.py --runs 11
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


def commands() -> dict[str, list[str]]:
    """The processes timed, by figure name: the pandas floor first."""
    script = Path(sys.executable).with_name("health-eval")
    cli = [str(script)] if script.exists() else [sys.executable, "-m", "health_eval.cli"]
    return {"pandas": [sys.executable, "-c", "import pandas"],
            "help": [*cli, "--help"],
            "command_help": [*cli, "run", "--help"],
            "import": [sys.executable, "-c", "import health_eval"],
            "evaluate_import": [sys.executable, "-c", "from health_eval import evaluate"]}


def wall_time(command: list[str]) -> float:
    """Wall-clock seconds of one process running ``command`` (its output discarded); a failed
    process stops the benchmark."""
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                   env={**os.environ, "COLUMNS": "100"})
    return time.perf_counter() - start


def measure(runs: int) -> dict:
    """Median process times of every command over ``runs`` interleaved rounds, and the ratios
    to the pandas process."""
    timed = commands()
    before = os.getloadavg()[0]
    for command in timed.values():                  # warm the file cache once, not timed
        wall_time(command)
    times: dict[str, list[float]] = {name: [] for name in timed}
    for _ in range(runs):
        for name, command in timed.items():
            times[name].append(wall_time(command))
    medians = {name: statistics.median(values) for name, values in times.items()}
    figures: dict = {"runs": runs, **{f"{name}_s": round(value, 4)
                                      for name, value in medians.items()}}
    for name in ("help", "command_help", "import", "evaluate_import"):
        figures[f"{name}_ratio"] = round(medians[name] / medians["pandas"], 3)
    figures["load_average"] = [round(before, 2), round(os.getloadavg()[0], 2)]
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="Processes per command (≥ 5).")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    print(json.dumps(measure(args.runs)))


if __name__ == "__main__":
    main()
