"""Report writing: seconds and output size per water body, for the demo and a synthetic batch.

Two cases: the packaged demo (2 water bodies) and a synthetic package of ``--water-bodies N``
water bodies (default 100, ten segments each, from ``benchmarks/synthetic.py``). Each case is
evaluated once (not timed), then :func:`health_eval.reports.write_reports` writes HTML and Word
into a temporary folder and is timed (wall-clock, the evaluation excluded). Printed per case,
one JSON line:

- ``seconds_per_water_body``: writing time over the number of water bodies;
- ``html_kb_per_water_body``, ``docx_kb_per_water_body``: sizes of ``report.html`` and
  ``report.docx`` per water body [kB = 1,000 bytes];
- ``shared_kb``: what the folder holds once, not per water body (``summary.html`` and
  ``assets/``) [kB];
- ``largest_html_kb``: the largest single ``report.html`` [kB].

A last line gives the ratios of the synthetic case over the demo (time and size per water body),
measured in the same run. Run from the repository root::

    .venv/bin/python benchmarks/reports.py                    # demo and 100 water bodies
    .venv/bin/python benchmarks/reports.py --water-bodies 10  # quicker
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
for path in (HERE, HERE.parent):            # synthetic.py; health_eval when not installed
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

FORMATS = ("html", "docx")


def _kb(size: float) -> float:
    return round(size / 1000, 1)


def measure(name: str, result, formats=FORMATS) -> dict:
    """Write the reports of ``result`` into a temporary folder; time and sizes per water body."""
    from health_eval.reports import write_reports

    with tempfile.TemporaryDirectory(prefix="report-bench-") as folder:
        start = time.perf_counter()
        written = write_reports(result, folder, formats=formats)
        seconds = time.perf_counter() - start
        n = len(result.water_bodies)
        files = [p for p in Path(folder).rglob("*") if p.is_file()]
        html = [p.stat().st_size for p in files if p.name == "report.html"]
        docx = [p.stat().st_size for p in files if p.name == "report.docx"]
        shared = sum(p.stat().st_size for p in files
                     if p.name not in ("report.html", "report.docx"))
    return {"case": name, "water_bodies": n, "files": len(written),
            "seconds": round(seconds, 2), "seconds_per_water_body": round(seconds / n, 3),
            "html_kb_per_water_body": _kb(sum(html) / n),
            "docx_kb_per_water_body": _kb(sum(docx) / n),
            "shared_kb": _kb(shared), "largest_html_kb": _kb(max(html, default=0))}


def main(argv: list[str] | None = None) -> None:
    """Run both cases and print one JSON line each, then the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--water-bodies", type=int, default=100,
                        help="water bodies of the synthetic case (10 segments each)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    from synthetic import generate

    import health_eval
    from health_eval.cli import demo_path

    demo = measure("demo", health_eval.evaluate(demo_path()))
    print(json.dumps(demo), flush=True)
    batch = measure(f"synthetic_{args.water_bodies}",
                    health_eval.evaluate(generate(10 * args.water_bodies, seed=args.seed)))
    print(json.dumps(batch), flush=True)
    print(json.dumps({"ratios": {
        key: round(batch[key] / demo[key], 2) if demo[key] else None
        for key in ("seconds_per_water_body", "html_kb_per_water_body",
                    "docx_kb_per_water_body")}}))


if __name__ == "__main__":
    main()
