"""Benchmark: the plans of every water body (reports/plan.py) against one evaluation.

``python benchmarks/plan.py --segments 1000`` evaluates a synthetic package
(``benchmarks/synthetic.py``), then in the same process builds the plan of every water body
(one linear programme for all of them, :func:`health_eval.reports.plan_lp.solve_gains`) and the
``提升方案`` sheet of ``result.xlsx``, and prints one JSON line: ``evaluate_s``, ``plan_s`` (the
plans alone), ``sheet_s`` (context, plans and sheet from the result), the number of water
bodies and improvements, and ``ratio = sheet_s / evaluate_s``, measured in one run.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import synthetic  # noqa: E402
from health_eval.reports import report_context  # noqa: E402
from health_eval.reports.plan import build_plans  # noqa: E402
from health_eval.reports.plan_sheet import plan_sheet  # noqa: E402

import health_eval  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=1000)
    args = parser.parse_args()
    dataset = health_eval.load_dataset(synthetic.generate(args.segments, seed=0))
    start = time.perf_counter()
    result = health_eval.evaluate(dataset)
    evaluate_s = time.perf_counter() - start
    context = report_context(result)
    _ = context.points
    start = time.perf_counter()
    plans = build_plans(context)
    plan_s = time.perf_counter() - start
    start = time.perf_counter()
    sheet = plan_sheet(result)
    sheet_s = time.perf_counter() - start
    print(json.dumps({"segments": args.segments, "water_bodies": len(plans.plans),
                      "improvements": len(plans.steps), "sheet_rows": len(sheet.frame),
                      "evaluate_s": round(evaluate_s, 3), "plan_s": round(plan_s, 3),
                      "sheet_s": round(sheet_s, 3), "ratio": round(sheet_s / evaluate_s, 3)}))


if __name__ == "__main__":
    main()
