"""Freeze the engine's golden results (issue 17: "same numbers" across the engine redesign).

Writes, under ``tests/golden/engine/``:

- ``demo.json``: the bundled demo's ``result.to_dict()`` without the provenance (its timestamp,
  versions and paths change from run to run; the values do not);
- ``synthetic_1k.json.gz``: the same for the 1,000-segment synthetic package of
  ``benchmarks/synthetic.py`` (seed 0), gzip-compressed.

``tests/test_golden_results.py`` compares a fresh evaluation with them: every number equal within
1e-9, every text and status equal. Run this only when a change of the numbers is intended, and
list the change and its reason in the issue note::

    .venv/bin/python tools/freeze_golden.py
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "engine"
SYNTHETIC_SEGMENTS = 1000


def comparable(result) -> dict:
    """The parts of a result that must not change: every table, no provenance, and an issue's
    file by its name alone (the folder is where this checkout happens to be)."""
    data = result.to_dict()
    data.pop("provenance")
    for issue in data["issues"]:
        if issue.get("file"):
            issue["file"] = Path(issue["file"]).name
    return data


def demo_result():
    """The bundled demo package, evaluated with the default profiles."""
    import health_eval
    from health_eval.cli import demo_path

    return health_eval.evaluate(demo_path())


def synthetic_result():
    """The 1,000-segment synthetic package (seed 0), evaluated with the default profiles."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from synthetic import generate

    import health_eval
    return health_eval.evaluate(health_eval.load_dataset(generate(SYNTHETIC_SEGMENTS, seed=0)))


def main() -> None:
    GOLDEN.mkdir(parents=True, exist_ok=True)
    text = json.dumps(comparable(demo_result()), ensure_ascii=False, sort_keys=True, indent=1)
    (GOLDEN / "demo.json").write_text(text + "\n", encoding="utf-8")
    text = json.dumps(comparable(synthetic_result()), ensure_ascii=False, sort_keys=True)
    with gzip.open(GOLDEN / "synthetic_1k.json.gz", "wt", encoding="utf-8", compresslevel=9) as f:
        f.write(text)
    for path in sorted(GOLDEN.iterdir()):
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
