"""The manual monitoring report importer against the demo's own samples."""

from __future__ import annotations

import numpy as np
import openpyxl
import pytest
from import_checks import assert_same_indicators, demo_dataset, sorted_table
from importer_fixtures import demo_table, package, station_names, write_manual

import health_eval
from health_eval.issues import InputError

KEYS = ["station_id", "date", "parameter"]
COLUMNS = KEYS + ["value", "unit", "below_detection", "detection_limit"]


@pytest.fixture
def folder(tmp_path):
    folder = package(tmp_path / "pkg", ("水质监测数据",))
    write_manual(folder / "监测月报2021.xlsx", demo_table("水质监测数据"), station_names())
    return folder


def test_report_equals_the_demo_samples_and_evaluation(folder):
    dataset = health_eval.load_dataset(folder)
    got = sorted_table(dataset.table("wq_samples"), KEYS, COLUMNS)
    demo = demo_dataset()
    want = sorted_table(demo.table("wq_samples"), KEYS, COLUMNS)
    text = KEYS + ["unit", "below_detection"]
    assert len(got) == 1368 and got[text].astype(str).equals(want[text].astype(str))
    np.testing.assert_allclose(got["value"], want["value"], rtol=1e-12)
    np.testing.assert_allclose(got["detection_limit"], want["detection_limit"], rtol=1e-12)
    # "0.0004L" and "<0.0004" both read as below detection, limit 0.0004
    assert got["below_detection"].sum() == 384
    assert_same_indicators(health_eval.evaluate(dataset), health_eval.evaluate(demo))
    months = [a for a in dataset.imports if a["importer"] == "manual"]
    assert len(months) == 12 and all(a["read"] == a["used"] + a["rejected"] for a in months)
    assert sum(a["used"] for a in months) == 60


def test_notes_below_the_table_are_skipped_and_counted(folder):
    dataset = health_eval.load_dataset(folder)
    skipped = [i for i in dataset.issues if i.rule == "import.rows_skipped"]
    assert len(skipped) == 12 and (skipped[0].sheet, skipped[0].row) == ("1月", 10)
    kept = [i for i in dataset.issues if i.rule == "column.unknown"]
    assert {(i.column, i.sheet) for i in kept} == {("水质类别", f"{m}月") for m in range(1, 13)}


def _edit(folder, sheet, cell, value):
    path = folder / "监测月报2021.xlsx"
    book = openpyxl.load_workbook(path)
    book[sheet][cell] = value
    book.save(path)


def test_nd_without_a_limit_is_an_error_at_its_cell(folder):
    _edit(folder, "3月", "G5", "ND")                 # 高锰酸盐指数 of the second station
    with pytest.raises(InputError) as caught:
        health_eval.load_dataset(folder)
    [error] = [i for i in caught.value.issues if i.severity == "error"]
    assert (error.rule, error.sheet, error.row, error.value) == (
        "value.below_detection_without_limit", "3月", 5, "ND")
    assert "高锰酸盐指数(mg/L)" in error.message_zh


def test_unknown_station_name_is_listed_with_the_closest(folder):
    _edit(folder, "2月", "C4", "上段水质断面")
    dataset = health_eval.load_dataset(folder)
    [unknown] = [i for i in dataset.issues if i.rule == "import.station_unknown"]
    assert (unknown.sheet, unknown.row, unknown.value) == ("2月", 4, "上段水质断面")
    assert "上段水质断面（演示）" in unknown.message_zh
    february = [a for a in dataset.imports if a["sheet"] == "2月"][0]
    assert (february["used"], february["rejected"]) == (4, 3)   # 5 stations, 2 note rows
