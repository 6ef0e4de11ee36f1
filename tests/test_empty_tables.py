"""Any one input table of the demo emptied — header only, header and blank rows, or a sheet
with only a title — and the run never fails inside an indicator: the indicators that read only
that table are ``no_data`` with the cause in their details, and an issue names the file
(issue 16, item 1)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from health_eval import evaluate
from health_eval.cli import demo_path
from health_eval.engine.registry import default_registry
from health_eval.io.tables import TABLES, table_spec
from health_eval.issues import InputError

DEMO = demo_path()
FILES = sorted(p.name for p in DEMO.glob("*.csv"))
SHAPES = ("header", "header_blank_rows", "title")
REGISTRY = default_registry()


def emptied(text: str, shape: str) -> str:
    """The CSV ``text`` with its data rows gone, in one of :data:`SHAPES`."""
    header = text.lstrip("\ufeff").splitlines()[0]
    if shape == "header":
        return header + "\n"
    if shape == "header_blank_rows":
        return header + "\n" + "," * header.count(",") + "\n\n"
    return "本表无数据（标题）\n"


def test_the_catalogue_has_27_tables_in_the_demo():
    assert len(FILES) == 27
    assert {table_spec(Path(f).stem).name for f in FILES} | {"indicator_values"} == {
        spec.name for spec in TABLES}


@pytest.mark.parametrize("position", range(len(FILES)), ids=FILES)
def test_an_empty_table_gives_no_data_never_an_indicator_error(tmp_path, position):
    name, shape = FILES[position], SHAPES[position % len(SHAPES)]   # every shape 9 times
    package = tmp_path / "pkg"
    shutil.copytree(DEMO, package)
    target = package / name
    target.write_text(emptied(target.read_text(encoding="utf-8"), shape), encoding="utf-8")
    table = table_spec(Path(name).stem)
    if table.required:      # no water body or segment: an input error, located, never a crash
        with pytest.raises(InputError) as caught:
            evaluate(package)
        located = [i for i in caught.value.issues if i.severity == "error"]
        assert {i.rule for i in located} <= {"table.required_no_rows", "table.required"}
        assert located and all(i.table == table.name for i in located)
        return
    result = evaluate(package)
    indicators, issues = result.indicators_with_details(), result.issues
    assert not (indicators["status"] == "error").any()
    assert "indicator.compute_failed" not in set(issues["rule"])
    told = issues[issues["table"] == table.name]
    expected_rule = {"header": "table.census_empty" if table.census else "table.no_rows",
                     "header_blank_rows": "table.census_empty" if table.census
                     else "table.no_rows", "title": "table.empty"}[shape]
    assert expected_rule in set(told["rule"])
    assert told.loc[told["rule"] == expected_rule, "file"].str.endswith(name).all()
    only_this = [i.id for i in REGISTRY
                 if [t for t in i.inputs.tables if t not in ("water_bodies", "segments", "stations")]
                 == [table.name]]
    for indicator_id in only_this:
        rows = indicators[indicators["indicator_id"] == indicator_id]
        if table.census and shape != "title":
            assert rows["status"].isin(["ok", "no_data"]).all()    # a census: none found
            continue
        assert (rows["status"] == "no_data").all(), indicator_id
        reasons = {d["reason"] for d in rows["details"]}
        assert reasons <= ({"no input data"} if shape == "title"
                           else {"station.none", "rows.none"})
        assert all(d["reason_zh"] and d["reason_en"] for d in rows["details"])
