"""Declared details fields (issue 17 §2): what every indicator's details hold is declared."""

from __future__ import annotations

import math
import re
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from health_eval.detail_fields import ENGINE_FIELDS, DetailField
from health_eval.registry import default_registry

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

from freeze_golden import demo_result, synthetic_result  # noqa: E402

ENGINE = {f.name: f for f in ENGINE_FIELDS}
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def fits(value, field: DetailField) -> bool:
    """Whether ``value`` is of the declared type (null, or NaN for a number or text, always)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    if field.type == "bool":
        return isinstance(value, bool)
    if isinstance(value, bool):
        return False
    return {"int": lambda v: isinstance(v, int) or (isinstance(v, float) and v.is_integer()),
            "float": lambda v: isinstance(v, int | float),
            "str": lambda v: isinstance(v, str),
            "date": lambda v: isinstance(v, str) and bool(DATE.match(v)),
            "list": lambda v: isinstance(v, list),
            "dict": lambda v: isinstance(v, dict)}[field.type](value)


def flattened(details: dict):
    """(key, value) of the details and of each of its station entries."""
    yield from details.items()
    for entry in details.get("stations") or ():
        yield from entry.items()


@pytest.fixture(scope="module")
def emitted() -> dict[str, list[tuple[str, object]]]:
    """Indicator id → every (key, value) its details held in the demo and the 1k package."""
    found = defaultdict(list)
    for result in (demo_result(), synthetic_result()):
        for indicator_id, details in result.indicators[["indicator_id", "details"]].itertuples(
                index=False):
            found[indicator_id] += list(flattened(details)) if isinstance(details, dict) else []
    return found


def test_every_emitted_key_is_declared_with_its_type(emitted):
    registry = default_registry()
    assert set(emitted) == {i.id for i in registry}      # both packages reach every indicator
    wrong = []
    for indicator in registry:
        declared = {**ENGINE, **{f.name: f for f in indicator.details}}
        for key, value in emitted[indicator.id]:
            if key not in declared:
                wrong.append(f"{indicator.id}: {key} is not declared")
            elif not fits(value, declared[key]):
                wrong.append(f"{indicator.id}: {key}={value!r} is not {declared[key].type}")
    assert sorted(set(wrong)) == []


def test_every_declared_field_is_emitted_or_optional(emitted):
    unused = [f"{indicator.id}: {field.name}" for indicator in default_registry()
              for field in indicator.details
              if not field.optional and field.name not in {k for k, _ in emitted[indicator.id]}]
    assert unused == []


def test_declarations_are_complete_and_unique():
    for indicator in default_registry():
        names = [f.name for f in indicator.details]
        assert indicator.details and len(names) == len(set(names)), indicator.id
        assert not set(names) & set(ENGINE), indicator.id
        for field in indicator.details:
            assert field.zh and field.en and field.type in {
                "int", "float", "str", "bool", "date", "list", "dict"}, (indicator.id, field)
