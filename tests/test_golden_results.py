"""The engine's results stay the same numbers (issue 17, "same numbers").

``tests/golden/engine/`` holds the demo's result and the 1,000-segment synthetic package's result
as frozen before the engine redesign (``tools/freeze_golden.py``). A fresh evaluation must give
every table with the same rows and keys, every text and status equal and every number equal
within 1e-9 (absolute or relative). A deliberate change is refrozen and listed in the issue note.
"""

from __future__ import annotations

import gzip
import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from freeze_golden import GOLDEN, comparable, demo_result, synthetic_result  # noqa: E402

TOLERANCE = 1e-9


def differences(got, want, path: str = "$") -> list[str]:
    """Where ``got`` differs from ``want``: JSON paths with both values (numbers within
    :data:`TOLERANCE` are equal; an int and an equal float are equal)."""
    numbers = (int, float)
    if isinstance(want, bool) or isinstance(got, bool):
        return [] if got is want else [f"{path}: {got!r} != {want!r}"]
    if isinstance(want, numbers) and isinstance(got, numbers):
        if math.isclose(got, want, rel_tol=TOLERANCE, abs_tol=TOLERANCE):
            return []
        return [f"{path}: {got!r} != {want!r}"]
    if isinstance(want, dict) and isinstance(got, dict):
        found = [f"{path}.{k}: missing" for k in want.keys() - got.keys()]
        found += [f"{path}.{k}: unexpected" for k in got.keys() - want.keys()]
        for key in sorted(want.keys() & got.keys()):
            found += differences(got[key], want[key], f"{path}.{key}")
        return found
    if isinstance(want, list) and isinstance(got, list):
        if len(got) != len(want):
            return [f"{path}: {len(got)} items != {len(want)}"]
        found = []
        for i, (g, w) in enumerate(zip(got, want)):
            found += differences(g, w, f"{path}[{i}]")
        return found
    return [] if got == want else [f"{path}: {got!r} != {want!r}"]


def test_differences_sees_a_change_beyond_the_tolerance():
    want = {"a": [1.0, {"b": "x"}], "c": None}
    assert differences({"a": [1.0 + 1e-12, {"b": "x"}], "c": None}, want) == []
    assert differences({"a": [1.0 + 1e-6, {"b": "x"}], "c": None}, want) == [
        "$.a[0]: 1.000001 != 1.0"]
    assert differences({"a": [1.0, {"b": "y"}], "c": 0}, want) == [
        "$.a[1].b: 'y' != 'x'", "$.c: 0 != None"]
    assert differences({"a": [1.0]}, want) == ["$.c: missing", "$.a: 1 items != 2"]


#: The issues' structured keys added after the freeze (issue 17 §3): not in the golden files.
NEW_ISSUE_KEYS = ("water_body_id", "segment_id", "indicator_id", "count")


def json_round_trip(data: dict) -> dict:
    """``data`` as the golden file holds it (tuples as lists, keys as text, without the issue
    keys added after the freeze)."""
    issues = [{k: v for k, v in issue.items() if k not in NEW_ISSUE_KEYS}
              for issue in data["issues"]]
    return json.loads(json.dumps({**data, "issues": issues}, ensure_ascii=False,
                                 sort_keys=True))


def test_demo_result_equals_the_golden_result():
    want = json.loads((GOLDEN / "demo.json").read_text(encoding="utf-8"))
    found = differences(json_round_trip(comparable(demo_result())), want)
    assert not found, "\n".join(found[:40])


def test_synthetic_1k_result_equals_the_golden_result():
    with gzip.open(GOLDEN / "synthetic_1k.json.gz", "rt", encoding="utf-8") as f:
        want = json.load(f)
    found = differences(json_round_trip(comparable(synthetic_result())), want)
    assert not found, f"{len(found)} differences:\n" + "\n".join(found[:40])
