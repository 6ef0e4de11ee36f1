"""The hydrological yearbook importer against the demo's daily flows and levels."""

from __future__ import annotations

import numpy as np
import openpyxl
import pandas as pd
import pytest
from import_checks import assert_same_indicators, demo_dataset, sorted_table
from importer_fixtures import (
    demo_table,
    package,
    station_names,
    write_yearbook,
    yearbook_sheet,
)

import health_eval
from health_eval.io.importers import IMPORTERS
from health_eval.io.importers.base import References, read_sources
from health_eval.issues import InputError


@pytest.fixture
def folder(tmp_path):
    folder = package(tmp_path / "pkg", ("逐日流量", "逐日水位"))
    names = station_names()
    write_yearbook(folder / "水文年鉴逐日平均流量.xlsx", demo_table("逐日流量"), "日均流量(m3/s)",
                   "m³/s", "流量", names)
    write_yearbook(folder / "水文年鉴逐日平均水位.xlsx", demo_table("逐日水位"), "日均水位(m)", "m",
                   "水位", names)
    return folder


def test_daily_tables_equal_the_demo_and_eco_flow_too(folder):
    dataset = health_eval.load_dataset(folder)
    demo = demo_dataset()
    for table, column in (("daily_flow", "flow_m3s"), ("water_level", "level_m")):
        keys = ["station_id", "date"]
        got = sorted_table(dataset.table(table), keys, keys + [column])
        want = sorted_table(demo.table(table), keys, keys + [column])
        assert got[keys].astype(str).equals(want[keys].astype(str))
        np.testing.assert_array_equal(got[column], want[column])
    # FHGD-HY03 misses 8-09 … 8-20 in the demo: blank cells, no rows
    flows = dataset.table("daily_flow")
    assert len(flows[flows["station_id"] == "FHGD-HY03"]) == 365 - 12
    assert_same_indicators(health_eval.evaluate(dataset), health_eval.evaluate(demo),
                           {"water.eco_flow", "water.min_eco_level"})
    # the row of the original sheet: 2021-01-01 of FHGD-HY01 is in Excel row 4
    first = np.flatnonzero((flows["station_id"] == "FHGD-HY01").to_numpy())[0]
    assert dataset.row_number("daily_flow", first) == 4


def test_marks_read_by_rule_and_reported_once_per_sheet(folder):
    dataset = health_eval.load_dataset(folder)
    marks = [i for i in dataset.issues if i.rule == "import.mark"
             and i.sheet == "FHGD-HY01-2021"]
    assert sorted((i.value, i.row, i.column) for i in marks) == [
        ("()", 5, "一月"), ("B", 4, "一月")]
    flows = dataset.table("daily_flow")
    assert flows["flow_m3s"].iloc[:2].tolist() == [2.432, 2.449]     # 2.432B, (2.449)


def _one_sheet(tmp_path, year, values, impossible=None, station="上段水文站（演示）",
               code="FHGD-HY01", sheet="Sheet"):
    book = openpyxl.Workbook()
    book.remove(book.active)
    yearbook_sheet(book, sheet, station, code, year, "m³/s", values, impossible=impossible)
    path = tmp_path / f"{sheet}.xlsx"
    book.save(path)
    return path


def _read(path, stations=None):
    refs = References.from_raws([])
    refs.stations = stations if stations is not None else pd.DataFrame(
        {"station_id": ["FHGD-HY01", "FHGD-HY02"], "name": ["上段水文站（演示）", "中段水文站（演示）"],
         "segment_id": ["FHGD-01", "FHGD-02"]})
    [source] = read_sources(path)
    assert IMPORTERS["yearbook"].detect(source)
    return IMPORTERS["yearbook"].read(source, refs, {})


def test_leap_year_has_a_29th_of_february(tmp_path):
    days = pd.date_range("2020-02-27", "2020-03-01")
    values = {d: f"{k + 1}.5" for k, d in enumerate(days)}
    imported = _read(_one_sheet(tmp_path, 2020, values))
    assert imported.frame["date"].tolist() == list(days)
    assert imported.frame["flow_m3s"].tolist() == [1.5, 2.5, 3.5, 4.5]
    assert imported.rows.tolist() == [30, 31, 32, 4]        # day rows of Feb and Mar
    assert not [i for i in imported.issues if i.severity == "error"]


def test_a_value_on_an_impossible_date_is_an_error(tmp_path):
    values = {pd.Timestamp("2021-02-28"): "1.0"}
    imported = _read(_one_sheet(tmp_path, 2021, values, impossible={(2, 29): "1.1",
                                                                   (4, 31): "0.9"}))
    errors = [(i.rule, i.row, i.column, i.value) for i in imported.issues]
    assert errors == [("import.impossible_date", 32, "二月", "1.1"),
                      ("import.impossible_date", 34, "四月", "0.9")]
    assert "2 月没有 29 日" in imported.issues[0].message_zh


def test_merged_title_naming_everything_and_station_by_sheet_name(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "中段水文站（演示）"
    sheet.append(["2021年逐日平均流量表   单位：L/s"])
    sheet.append([None])
    sheet.merge_cells("A1:M2")
    sheet.append(["日期", *[f"{m}月" for m in range(1, 13)]])
    sheet.append([1, 1500, *[None] * 11])
    sheet.append(["月平均", 1500])
    path = tmp_path / "merged.xlsx"
    book.save(path)
    imported = _read(path)
    assert imported.frame.to_dict("list") == {"station_id": ["FHGD-HY02"],
                                              "date": [pd.Timestamp("2021-01-01")],
                                              "flow_m3s": [1.5]}


def test_two_stations_with_the_title_name_is_an_error(tmp_path):
    stations = pd.DataFrame({"station_id": ["A1", "A2"], "name": ["上段水文站", "上段水文站"],
                             "segment_id": ["S", "S"]})
    imported = _read(_one_sheet(tmp_path, 2021, {}, station="上段水文站", code="—"), stations)
    [error] = imported.issues
    assert (error.rule, error.value) == ("import.station_ambiguous", "上段水文站")
    assert "A1, A2" in error.message_en


def test_unknown_station_in_a_package_is_an_error(folder):
    path = folder / "水文年鉴逐日平均流量.xlsx"
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        sheet["C2"], sheet["F2"] = "测站：上段水文站", "编码：X-1"
    book["FHGD-HY01-2021"].title = "Sheet1"
    book["FHGD-HY02-2021"].title = "Sheet2"
    book["FHGD-HY03-2021"].title = "Sheet3"
    book.save(path)
    with pytest.raises(InputError) as caught:
        health_eval.load_dataset(folder)
    errors = [i for i in caught.value.issues if i.severity == "error"]
    assert [(i.rule, i.sheet, i.row) for i in errors] == [
        ("import.title", f"Sheet{k}", 1) for k in (1, 2, 3)]
    assert "最接近：上段水文站（演示）、中段水文站（演示）、下段水文站（演示）" in errors[0].message_zh


def test_every_filled_cell_is_used_or_rejected(folder):
    dataset = health_eval.load_dataset(folder)
    flows = {a["sheet"]: a for a in dataset.imports if a["table"] == "daily_flow"}
    assert (flows["FHGD-HY03-2021"]["read"], flows["FHGD-HY03-2021"]["used"]) == (353, 353)
    assert flows["FHGD-HY01-2021"]["rejected"] == 0
