"""The benchmark harness keeps working (no timing is asserted here: figures are printed)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from synthetic import generate  # noqa: E402

from health_eval import evaluate  # noqa: E402


def test_run_prints_one_json_line_per_case():
    completed = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"),
                                "--segments", "20", "--segments", "30"],
                               capture_output=True, text=True, timeout=300, check=True)
    lines = [json.loads(line) for line in completed.stdout.splitlines()]
    assert [line["segments"] for line in lines] == [20, 30]
    assert set(lines[0]) == {"segments", "water_bodies", "input_rows", "load_s", "evaluate_s",
                             "wall_s", "peak_rss_mb"}
    assert lines[1]["water_bodies"] == 3 and lines[1]["input_rows"] > 30 * 12 * 22


@pytest.mark.parametrize("seed", [0, 1])
def test_synthetic_package_evaluates_cleanly(seed):
    frames = generate(40, seed=seed)
    result = evaluate(frames)
    assert result.ok, result.errors.to_string()
    assert len(result.segments) == 40 and result.segments["rhi"].notna().all()
    assert result.segments["rhi"].between(0, 100).all()
