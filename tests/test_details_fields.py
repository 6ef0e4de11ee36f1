"""Declared details fields (issue 17 §2): what every indicator's details hold is declared, as
typed columns of the result's columnar details."""

from __future__ import annotations

import json
import math
import re
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from health_eval.cli import demo_path
from health_eval.engine.detail_fields import ENGINE_FIELDS, DetailField
from health_eval.engine.registry import default_registry
from health_eval.engine.result import EvaluationResult

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

from freeze_golden import demo_result, synthetic_result  # noqa: E402

ENGINE = {f.name: f for f in ENGINE_FIELDS}
DEMO = demo_path()
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
def results():
    """The demo's and the synthetic 1,000-segment package's results."""
    return demo_result(), synthetic_result()


@pytest.fixture(scope="module")
def emitted(results) -> dict[str, list[tuple[str, object]]]:
    """Indicator id → every (key, value) its details held in ``result.json`` of the demo and
    the 1k package (the mappings composed from the columns)."""
    found = defaultdict(list)
    for result in results:
        for indicator_id, details in zip(result.indicators["indicator_id"],
                                         result.details.records()):
            found[indicator_id] += list(flattened(details))
    return found


#: The pandas dtype of a column of each declared type.
DTYPES = {"int": "Int64", "float": "float64", "bool": "boolean", "str": "string",
          "date": "string", "list": "object", "dict": "object"}
#: Columns the engine adds to a station entry (text as pandas infers it).
STATION = {"value": "float64", "score": "float64", "status": "str", "borrowed_from": "str"}


def test_every_details_column_is_declared_and_typed_as_declared(results):
    wrong, seen = [], defaultdict(set)
    declared = {i.id: {f.name: f for f in i.details} for i in default_registry()}
    for result in results:
        for part in result.details.parts:
            fields = declared[part.indicator_id]
            for name, column in part.entries.items():
                seen[part.indicator_id].add(name)
                field = fields.get(name)
                want = STATION.get(name) if field is None else DTYPES[field.type]
                if want is None:
                    wrong.append(f"{part.indicator_id}: column {name} is not declared")
                elif str(column.dtype) != want and not (
                        want == "str" and pd.api.types.is_string_dtype(column.dtype)):
                    wrong.append(f"{part.indicator_id}: {name} is {column.dtype}, not {want}")
                elif field is not None and not all(fits(v, field) for v in column.dropna().tolist()):
                    wrong.append(f"{part.indicator_id}: {name} holds a value not {field.type}")
    assert sorted(set(wrong)) == [], "\n".join(sorted(set(wrong)))
    missing = [f"{i}: {name}" for i, fields in declared.items() for name, field in fields.items()
               if not field.optional and name not in seen[i]]
    assert missing == []                       # every declared field is a column somewhere


def test_details_are_columns_not_a_mapping_per_row(results):
    """The engine keeps no Python object per row: the result's indicators have no details
    column, the rows' details are numpy arrays of fixed type, and an object column of the
    entries is a declared list, dict or text field."""
    for result in results:
        details = result.details
        assert "details" not in result.indicators
        assert len(details) == len(result.indicators)
        for name in ("part", "start", "stop"):
            assert getattr(details, name).dtype == np.int64
        assert details.supplied.dtype == bool and details.computed_value.dtype == float
        # a stationed row points to a range of entries, a whole-water-body entry is shared
        ranges = details.stop - details.start
        assert (ranges[details.start < 0] == 0).all()
        assert ((ranges[details.combination != None] >= 1).all())   # noqa: E711
        declared = {i.id: {f.name: f.type for f in i.details} for i in default_registry()}
        for part in details.parts:
            for name, column in part.entries.items():
                if column.dtype == object:
                    assert declared[part.indicator_id].get(name) in {"list", "dict"} or (
                        name in ("status", "borrowed_from")), (part.indicator_id, name)
        entries = sum(len(p.entries) for p in details.parts)
        assert entries < len(details) + sum(ranges[ranges > 1])    # no copy per segment row


def test_one_demo_segment_by_hand(results):
    """water.self_purification of FHGD-01: its one station FHGD-WQ01, the mean of its twelve
    dissolved-oxygen samples of 2021 and their dates, read from the demo's CSV."""
    demo, _ = results
    samples = pd.read_csv(DEMO / "水质监测数据.csv", encoding="utf-8-sig")
    do = samples[(samples["测站编码"] == "FHGD-WQ01") & (samples["监测项目"] == "do")
                 & samples["采样日期"].str.startswith("2021")]
    mean = pd.to_numeric(do["监测值"]).mean()
    rows = demo.indicators
    (at,) = np.flatnonzero((rows["segment_id"] == "FHGD-01")
                           & (rows["indicator_id"] == "water.self_purification"))
    table = demo.details.table("water.self_purification")
    mine = table[table["row"] == at]
    assert mine["station_id"].tolist() == ["FHGD-WQ01"]
    assert mine["samples"].tolist() == [len(do)] == [12]
    assert mine["period"].tolist() == [f"{do['采样日期'].min()}–{do['采样日期'].max()}"]
    assert mine["value"].iloc[0] == pytest.approx(mean)
    assert demo.details.row(at) == {"combination": "mean", "stations": [{
        "station_id": "FHGD-WQ01", "samples": 12, "period": "2021-01-12–2021-12-14",
        "value": round(mean, 8), "score": round(mine["score"].iloc[0], 8),
        "status": "ok"}]}


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
    assert sorted(set(wrong)) == [], "\n".join(sorted(set(wrong)))


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


def test_details_read_back_from_result_json_compose_the_same_mappings(results):
    demo, _ = results
    text = demo.to_json()
    back = EvaluationResult.from_json(text)
    assert "details" not in back.indicators
    assert json.loads(back.to_json())["indicators"] == json.loads(text)["indicators"]
    # read back, a declared field keeps its type: an int column, not floats
    assert str(back.details.table("basin.longitudinal_connectivity")["barriers"].dtype) == "Int64"
