"""Tests of the Dataset and its readers: real files written to tmp_path and read back."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from health_eval.engine.dataset import Dataset, TableSource, empty_table, load_dataset
from health_eval.io import readers as readers_module
from health_eval.io.tables import CATALOGUE, table_spec
from health_eval.issues import InputError

WATER_BODIES_ZH = "河湖编码,河湖名称,类型,评价年份\nW1,清河,河流,2021\nW2,明湖,湖泊,2021\n"
SEGMENTS_ZH = "河段编码,河湖编码,河段名称,河段长度(km)\nS1,W1,上游段,12.5\nS2,W2,北湖区,\n"

DTYPES = {"str": pd.StringDtype(), "float": np.dtype("float64"), "int": pd.Int64Dtype(),
          "bool": pd.BooleanDtype(), "date": np.dtype("datetime64[ns]")}


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` in ``encoding`` and return the path."""
    path.write_bytes(text.encode(encoding))
    return path


def csv_package(tmp_path: Path, **tables: str) -> Path:
    """A folder with the two required tables plus ``tables`` (name -> CSV text), UTF-8."""
    write(tmp_path / "water_bodies.csv", WATER_BODIES_ZH)
    write(tmp_path / "segments.csv", SEGMENTS_ZH)
    for name, text in tables.items():
        write(tmp_path / f"{name}.csv", text)
    return tmp_path


def base_frames(**tables: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Required tables as DataFrames, plus ``tables``."""
    frames = {
        "water_bodies": pd.DataFrame({"water_body_id": ["W1", "W2"], "name": ["清河", "明湖"],
                                      "kind": ["river", "lake"], "evaluation_year": [2021, 2021]}),
        "segments": pd.DataFrame({"segment_id": ["S1", "S2"], "water_body_id": ["W1", "W2"],
                                  "name": ["上游段", "北湖区"]}),
    }
    frames.update(tables)
    return frames


def errors_of(excinfo) -> list:
    """The error issues carried by an InputError."""
    return [i for i in excinfo.value.issues if i.severity == "error"]


def rules_of(issues) -> list[str]:
    return [i.rule for i in issues]


# --------------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------------

def test_utf8_bom_csv_with_chinese_headers(tmp_path):
    write(tmp_path / "河湖名录.csv", WATER_BODIES_ZH, "utf-8-sig")
    write(tmp_path / "评价河段.csv", SEGMENTS_ZH, "utf-8-sig")
    ds = load_dataset(tmp_path)
    wb = ds.table("water_bodies")
    assert wb["water_body_id"].tolist() == ["W1", "W2"]
    assert wb["name"].tolist() == ["清河", "明湖"]
    assert wb["kind"].tolist() == ["river", "lake"]
    assert wb["evaluation_year"].tolist() == [2021, 2021]
    seg = ds.table("segments")
    assert seg["length_km"].iloc[0] == 12.5 and math.isnan(seg["length_km"].iloc[1])
    assert list(seg.columns) == [c.name for c in CATALOGUE["segments"].columns]
    assert isinstance(seg.index, pd.RangeIndex)
    assert ds.sources["water_bodies"] == TableSource(
        file=str(tmp_path / "河湖名录.csv"), sheet=None, first_row=2,
        sha256=hashlib.sha256((tmp_path / "河湖名录.csv").read_bytes()).hexdigest())
    assert ds.issues == []


def test_input_hashes_are_keyed_relative_to_the_package_folder(tmp_path, monkeypatch):
    hashes = {}
    for place in ("a", "b/c"):
        folder = tmp_path / place / "demo"
        folder.mkdir(parents=True)
        write(folder / "河湖名录.csv", WATER_BODIES_ZH)
        write(folder / "评价河段.csv", SEGMENTS_ZH)
        hashes[place] = load_dataset(folder).input_hashes()
    digest = hashlib.sha256(WATER_BODIES_ZH.encode()).hexdigest()
    assert list(hashes["a"]) == ["demo/河湖名录.csv", "demo/评价河段.csv"]
    assert hashes["a"]["demo/河湖名录.csv"] == digest
    assert hashes["b/c"] == hashes["a"]
    monkeypatch.chdir(tmp_path / "a" / "demo")
    ds = load_dataset(".")
    assert ds.input_hashes() == hashes["a"]
    assert ds.sources["water_bodies"].file == "./河湖名录.csv"  # as the user gave it


def test_table_names_ignore_case_and_surrounding_spaces(tmp_path):
    assert table_spec(" WQ_Samples ") is CATALOGUE["wq_samples"]
    assert table_spec(" 河湖名录\t") is CATALOGUE["water_bodies"]
    with pytest.raises(KeyError):
        table_spec("wq samples")
    frames = base_frames()
    ds = Dataset.from_frames({" Water_Bodies ": frames["water_bodies"],
                              "SEGMENTS": frames["segments"]})
    assert list(ds.tables) == ["water_bodies", "segments"] and ds.issues == []
    assert ds.table("WATER_BODIES") is ds.tables["water_bodies"]
    assert ds.has(" Segments ")
    write(tmp_path / "Water_Bodies.csv", WATER_BODIES_ZH)
    write(tmp_path / "SEGMENTS.csv", SEGMENTS_ZH)
    assert list(load_dataset(tmp_path).tables) == ["water_bodies", "segments"]


def test_gb18030_csv(tmp_path):
    write(tmp_path / "河湖名录.csv", WATER_BODIES_ZH, "gb18030")
    write(tmp_path / "评价河段.csv", SEGMENTS_ZH, "gb18030")
    write(tmp_path / "岸坡调查样点.csv",
          "样点编码,河段编码,岸别,岸坡倾角(°),岸坡植被覆盖度(%),岸坡高度(m),基质,坡脚冲刷强度\n"
          "P1,S1,左岸,30,45.5,2,黏土,轻度\nP2,S1,RIGHT,12,80,1.5,bedrock,无冲刷\n", "gb18030")
    ds = load_dataset(tmp_path)
    assert ds.table("segments")["name"].tolist() == ["上游段", "北湖区"]
    plots = ds.table("bank_plots")
    assert plots["bank"].tolist() == ["left", "right"]
    assert plots["substrate"].tolist() == ["clay", "bedrock"]
    assert plots["toe_erosion"].tolist() == ["light", "none"]
    assert plots["veg_cover_pct"].tolist() == [45.5, 80.0]


def test_csv_title_row_keeps_line_numbers(tmp_path):
    csv_package(tmp_path, wq_samples="水质监测数据（2021年）,,,\n"
                                     "测站编码,采样日期,监测项目,监测值\n"
                                     "ST1,2021-03-05,tp,0.1\n"
                                     "ST1,2021-03-06,tp,1.2.3\n")
    with pytest.raises(InputError) as excinfo:
        load_dataset(tmp_path)
    [issue] = errors_of(excinfo)
    assert (issue.row, issue.column, issue.value, issue.rule) == (4, "value", "1.2.3",
                                                                  "type.float")


def test_empty_rows_warned_and_trailing_ones_dropped_quietly(tmp_path):
    csv_package(tmp_path, stations="station_id,segment_id\nST1,S1\n,\nST2,S2\n\n,\n")
    ds = load_dataset(tmp_path)
    assert ds.table("stations")["station_id"].tolist() == ["ST1", "ST2"]
    [issue] = [i for i in ds.issues if i.rule == "row.empty"]
    assert issue.row == 3 and issue.severity == "warning"
    assert ds.row_number("stations", 1) == 4
    assert ds.row_number("stations", [0, 1]).tolist() == [2, 4]
    assert ds.row_number("stations", 5) is None
    assert ds.row_number("fish_species", 0) is None


# --------------------------------------------------------------------------------------------
# xlsx
# --------------------------------------------------------------------------------------------

def make_workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    """Write an xlsx workbook with one sheet per entry (rows as lists of cell values)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


REQUIRED_SHEETS = {
    "河湖名录": [["河湖名录（2021年评价）"], [],
                ["河湖编码", "河湖名称", "类型", "评价年份"], ["W1", "清河", "河流", 2021]],
    "评价河段": [["河段编码", "河湖编码", "河段名称"], ["S1", "W1", "上游段"]],
}


def test_xlsx_title_row_chinese_sheets_and_dates(tmp_path):
    path = make_workbook(tmp_path / "input.xlsx", {
        **REQUIRED_SHEETS,
        "水质监测数据": [
            ["清河水质监测成果表"],
            ["测站编码", "采样日期", "监测项目", "监测值", "备注说明"],
            ["ST1", dt.datetime(2021, 3, 5), "tp", 0.1, "x"],
            ["ST1", "2021年3月5日", "codmn", "3.2", None],
            ["ST1", 44261, "nh3n", 0.25, None],
        ],
        "逐日流量": [["测站编码", "日期", "日均流量（m³/s）"],
                     ["H1", dt.date(2021, 1, 1), 12.5], [1001, "2021/1/2", "13"]],
        "Sheet3": [["anything"]],
    })
    ds = load_dataset(path)
    assert ds.table("water_bodies")["kind"].tolist() == ["river"]
    assert ds.sources["water_bodies"].first_row == 4
    assert ds.row_number("water_bodies", 0) == 4
    wq = ds.table("wq_samples")
    assert wq["date"].tolist() == [pd.Timestamp("2021-03-05")] * 2 + [pd.Timestamp("2021-03-06")]
    assert wq["date"].dtype == np.dtype("datetime64[ns]")
    assert wq["value"].tolist() == [0.1, 3.2, 0.25]
    assert wq["below_detection"].tolist() == [False, False, False]
    assert wq["备注说明"].tolist() == ["x", None, None]
    assert ds.sources["wq_samples"] == TableSource(
        file=str(path), sheet="水质监测数据", first_row=3,
        sha256=hashlib.sha256(path.read_bytes()).hexdigest())
    flow = ds.table("daily_flow")
    assert flow["station_id"].tolist() == ["H1", "1001"]
    assert flow["flow_m3s"].tolist() == [12.5, 13.0]
    assert flow["date"].tolist() == [pd.Timestamp("2021-01-01"), pd.Timestamp("2021-01-02")]
    assert ds.input_hashes() == {path.name: hashlib.sha256(path.read_bytes()).hexdigest()}
    warnings = {(i.rule, i.value or i.column) for i in ds.issues}
    assert warnings == {("table.unknown", "Sheet3"), ("column.unknown", "备注说明")}


def test_xlsx_errors_name_excel_row_column_value_and_are_collected(tmp_path):
    rows = [["测站编码", "采样日期", "监测项目", "监测值"]]
    rows += [["ST1", dt.datetime(2021, 3, d), "tp", 0.1] for d in range(1, 6)]
    rows.append(["ST1", dt.datetime(2021, 3, 6), "tp", "12,5x"])  # Excel row 7
    rows.append(["ST1", "2021-13-01", "tp", 0.2])  # Excel row 8
    path = make_workbook(tmp_path / "bad.xlsx", {
        **REQUIRED_SHEETS,
        "水质监测数据": rows,
        "岸坡调查样点": [["样点编码", "河段编码", "岸别", "岸坡倾角", "岸坡植被覆盖度", "岸坡高度",
                       "基质", "坡脚冲刷强度"],
                      ["P1", "S1", "上岸", 30, 40, 2, "黏土", "轻度"]],
    })
    with pytest.raises(InputError) as excinfo:
        load_dataset(path)
    errors = errors_of(excinfo)
    assert len(errors) == 3
    by_rule = {issue.rule: issue for issue in errors}
    number, date, code = by_rule["type.float"], by_rule["type.date"], by_rule["code.unknown"]
    assert (number.file, number.sheet, number.row, number.column, number.value, number.rule) == (
        str(path), "水质监测数据", 7, "value", "12,5x", "type.float")
    assert number.message_en.startswith("cannot read '12,5x' as a number")
    assert number.message_zh.startswith("无法将“12,5x”读取为数值")
    shown = f"{path.parent.name}/{path.name}"          # no folders above the package's
    for text in (shown, "水质监测数据", "row 7", "value", "监测值", "type.float"):
        assert text in number.message_en
    for text in (f"文件 {shown}", "表 水质监测数据", "第 7 行", "列 监测值", "type.float"):
        assert text in number.message_zh
    assert str(path.parent.parent) not in number.message_zh + number.message_en
    assert (date.row, date.column, date.value, date.rule) == (8, "date", "2021-13-01",
                                                              "type.date")
    assert (code.table, code.row, code.column, code.value, code.rule) == (
        "bank_plots", 2, "bank", "上岸", "code.unknown")
    assert "left (左岸), right (右岸)" in code.message_en
    assert "left (左岸), right (右岸)" in code.message_zh


# --------------------------------------------------------------------------------------------
# Parquet and DataFrames
# --------------------------------------------------------------------------------------------

def test_parquet_directory(tmp_path):
    frames = base_frames()
    for name, frame in frames.items():
        frame.to_parquet(tmp_path / f"{name}.parquet")
    pd.DataFrame({"测站编码": ["H1", "H1"], "日期": pd.to_datetime(["2021-01-01", "2021-01-02"]),
                  "日均流量": [1.5, 2.5]}).to_parquet(tmp_path / "逐日流量.parquet")
    ds = load_dataset(tmp_path)
    flow = ds.table("daily_flow")
    assert flow["flow_m3s"].tolist() == [1.5, 2.5]
    assert flow["date"].tolist() == [pd.Timestamp("2021-01-01"), pd.Timestamp("2021-01-02")]
    assert flow["station_id"].dtype == pd.StringDtype()
    assert ds.sources["daily_flow"].first_row == 1
    assert set(ds.input_hashes()) == {f"{tmp_path.name}/{n}.parquet"
                                      for n in ("water_bodies", "segments", "逐日流量")}


def test_parquet_without_pyarrow_says_how_to_install(tmp_path, monkeypatch):
    base_frames()["water_bodies"].to_parquet(tmp_path / "water_bodies.parquet")
    real = readers_module.importlib.util.find_spec
    monkeypatch.setattr(readers_module.importlib.util, "find_spec",
                        lambda name, *a: None if name == "pyarrow" else real(name, *a))
    with pytest.raises(InputError) as excinfo:
        load_dataset(tmp_path)
    assert "pip install health-eval[parquet]" in excinfo.value.issues[0].message_en


def test_same_table_as_csv_and_parquet_is_an_error(tmp_path):
    csv_package(tmp_path)
    base_frames()["segments"].to_parquet(tmp_path / "评价河段.parquet")
    with pytest.raises(InputError) as excinfo:
        load_dataset(tmp_path)
    assert rules_of(errors_of(excinfo)) == ["table.duplicate"]


def test_from_frames_with_chinese_headers_and_typed_columns():
    original = pd.DataFrame({"测站编码": [101, 102], "采样日期": ["2021/3/5", "2021.3.6"],
                             "监测项目": ["tp", "do"], "监测值": ["<0.01", 7.5],
                             "是否未检出": ["否", "否"]})
    copy = original.copy()
    ds = Dataset.from_frames(base_frames(水质监测数据=original))
    wq = ds.table("wq_samples")
    assert wq["station_id"].tolist() == ["101", "102"]
    assert wq["date"].tolist() == [pd.Timestamp("2021-03-05"), pd.Timestamp("2021-03-06")]
    assert wq["value"].tolist() == [0.01, 7.5]
    assert wq["below_detection"].tolist() == [True, False]
    assert wq["detection_limit"].iloc[0] == 0.01 and math.isnan(wq["detection_limit"].iloc[1])
    pd.testing.assert_frame_equal(original, copy)
    assert ds.sources["wq_samples"] == TableSource(None, None, 1, None)
    assert ds.name == "frames"
    assert load_dataset(ds) is ds
    assert load_dataset(base_frames()).has("water_bodies")


def test_from_frames_rows_are_position_plus_one():
    frames = base_frames(stations=pd.DataFrame({"station_id": ["A", "B", "C"],
                                                "segment_id": ["S1", None, "S2"]}))
    with pytest.raises(InputError) as excinfo:
        Dataset.from_frames(frames)
    [issue] = errors_of(excinfo)
    assert (issue.file, issue.row, issue.column, issue.rule) == (None, 2, "segment_id",
                                                                 "value.missing")


def test_named_index_is_kept_as_a_column():
    stations = pd.DataFrame({"segment_id": ["S1"]}, index=pd.Index(["ST1"], name="测站编码"))
    ds = Dataset.from_frames(base_frames(stations=stations))
    assert ds.table("stations")["station_id"].tolist() == ["ST1"]


# --------------------------------------------------------------------------------------------
# Headers, units, codes, types
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("header", ["日均流量(m3/s)", "日均流量（m³/s）", "flow_m3s [m3/s]",
                                    " 日均流量 ( M3/S ) ", "FLOW_M3S"])
def test_units_in_headers_accepted(tmp_path, header):
    csv_package(tmp_path, daily_flow=f"测站编码,日期,{header}\nH1,2021-01-01,3.5\n")
    ds = load_dataset(tmp_path)
    assert ds.table("daily_flow")["flow_m3s"].tolist() == [3.5]
    assert ds.issues == []


def test_frame_headers_with_line_breaks_and_units():
    flow = pd.DataFrame({"测站\n编码": ["H1"], "日期": ["2021-01-01"], "日均流量\n（m³/s）": [3.5]})
    ds = Dataset.from_frames(base_frames(daily_flow=flow))
    assert ds.table("daily_flow")["flow_m3s"].tolist() == [3.5]


def test_unknown_files_and_keys_warned_other_files_ignored(tmp_path):
    csv_package(tmp_path, notes="a,b\n1,2\n")
    write(tmp_path / "README.md", "# package")
    ds = load_dataset(tmp_path)
    assert [(i.rule, i.value, i.file) for i in ds.issues] == [
        ("table.unknown", "notes", str(tmp_path / "notes.csv"))]
    ds = Dataset.from_frames(base_frames(extra=pd.DataFrame({"a": [1]})))
    assert [(i.rule, i.value) for i in ds.issues] == [("table.unknown", "extra")]


def test_wrong_unit_in_header_rejected(tmp_path):
    csv_package(tmp_path, daily_flow="测站编码,日期,日均流量(mg/L)\nH1,2021-01-01,3.5\n")
    with pytest.raises(InputError) as excinfo:
        load_dataset(tmp_path)
    [issue] = errors_of(excinfo)
    assert (issue.rule, issue.column) == ("column.unit", "flow_m3s")
    assert "'mg/L'" in issue.message_en and "'m3/s'" in issue.message_en
    assert "units accepted: m3/s, 立方米/秒, l/s, 升/秒" in issue.message_en


def test_units_in_headers_are_converted(tmp_path):
    # 3500 L/s = 3.5 m3/s; 150 cm = 1.5 m; 250 万m2 = 2.5e6 m2 = 2.5 km2
    csv_package(tmp_path, daily_flow="测站编码,日期,日均流量（L/s）\nH1,2021-01-01,3500\n",
                lake_areas="河湖编码,现状水面面积(万m²),历史参考面积(km2)\nW1,250,2.6\n",
                bank_plots="样点编码,河段编码,岸别,岸坡倾角(度),岸坡植被覆盖度(%),岸坡高度(cm),基质,坡脚冲刷强度\n"
                           "P1,S1,左岸,30,85%,150,黏土,无冲刷\n")
    ds = load_dataset(tmp_path)
    assert ds.table("daily_flow")["flow_m3s"].tolist() == [3.5]
    assert ds.table("lake_areas")["current_area_km2"].tolist() == [pytest.approx(2.5)]
    plot = ds.table("bank_plots").iloc[0]
    assert (plot["height_m"], plot["veg_cover_pct"], plot["slope_deg"]) == (1.5, 85.0, 30.0)


def test_code_labels_and_bool_words(tmp_path):
    csv_package(tmp_path,
                outfalls="排污口编码,河段编码,是否规范化建设,设置情况\n"
                         "O1,S1,是,合规\nO2,S1,否,不合规\nO3,S2,√,禁设区内\nO4,S2,N,compliant\n"
                         "O5,S2,有,Non_Compliant\n",
                fish_species="河湖编码,物种,时期,是否土著种\nW1,鲤,历史,TRUE\nW1,鲤,现状,yes\n"
                             "W2,草鱼,current,0\n")
    ds = load_dataset(tmp_path)
    outfalls = ds.table("outfalls")
    assert outfalls["standardised"].tolist() == [True, False, True, False, True]
    assert outfalls["standardised"].dtype == pd.BooleanDtype()
    assert outfalls["siting"].tolist() == ["compliant", "non_compliant", "prohibited_zone",
                                           "compliant", "non_compliant"]
    fish = ds.table("fish_species")
    assert fish["period"].tolist() == ["historical", "current", "current"]
    assert fish["native"].tolist() == [True, True, False]


def test_bad_bool_int_and_code_reported(tmp_path):
    csv_package(tmp_path,
                outfalls="排污口编码,河段编码,是否规范化建设,设置情况\nO1,S1,也许,合规\n",
                navigation="segment_id,days_meeting_standard,days_in_period\nS1,300.5,365\n"
                           "S2,300,365.0\n")
    with pytest.raises(InputError) as excinfo:
        load_dataset(tmp_path)
    found = {(i.table, i.row, i.column, i.value, i.rule) for i in errors_of(excinfo)}
    assert found == {("outfalls", 2, "standardised", "也许", "type.bool"),
                     ("navigation", 2, "days_meeting_standard", "300.5", "type.int")}


def test_below_detection(tmp_path):
    csv_package(tmp_path, wq_samples="测站编码,采样日期,监测项目,监测值,检出限\n"
                                     "ST1,2021-03-05,tp,<0.01,\n"
                                     "ST1,2021-03-05,nh3n,＜ 0.025,\n"
                                     "ST1,2021-03-05,cd,未检出,0.001\n"
                                     "ST1,2021-03-05,hg,ND,0.0001\n"
                                     "ST1,2021-03-05,do,7.5,\n")
    wq = load_dataset(tmp_path).table("wq_samples")
    assert wq["value"].tolist() == [0.01, 0.025, 0.001, 0.0001, 7.5]
    assert wq["below_detection"].tolist() == [True, True, True, True, False]
    assert wq["detection_limit"].tolist()[:4] == [0.01, 0.025, 0.001, 0.0001]
    assert math.isnan(wq["detection_limit"].iloc[4])


def test_not_detected_without_limit_is_an_error(tmp_path):
    csv_package(tmp_path, drinking_source_samples="测站编码,采样日期,监测项目,监测值\n"
                                                  "D1,2021-03-05,cd,未检出\n")
    with pytest.raises(InputError) as excinfo:
        load_dataset(tmp_path)
    [issue] = errors_of(excinfo)
    assert (issue.table, issue.row, issue.value, issue.rule) == (
        "drinking_source_samples", 2, "未检出", "value.below_detection_without_limit")


def test_missing_required_table_and_column(tmp_path):
    write(tmp_path / "water_bodies.csv", "water_body_id,name,kind\nW1,清河,river\n")
    with pytest.raises(InputError) as excinfo:
        load_dataset(tmp_path)
    errors = errors_of(excinfo)
    assert [(i.table, i.rule, i.column) for i in errors] == [
        ("water_bodies", "column.required", "evaluation_year"),
        ("segments", "table.required", None)]
    column, table = errors
    assert column.file == str(tmp_path / "water_bodies.csv")
    assert "evaluation_year" in column.message_en and "评价年份" in column.message_zh
    assert "segments" in table.message_en and "评价河段" in table.message_zh


def test_duplicate_column_is_an_error(tmp_path):
    csv_package(tmp_path, stations="station_id,测站编码,segment_id\nA,A,S1\n")
    with pytest.raises(InputError) as excinfo:
        load_dataset(tmp_path)
    [issue] = errors_of(excinfo)
    assert (issue.rule, issue.column) == ("column.duplicate", "station_id")


def test_unknown_column_kept_with_warning(tmp_path):
    csv_package(tmp_path, stations="测站编码,河段编码,负责人\nST1,S1,张三\n")
    ds = load_dataset(tmp_path)
    stations = ds.table("stations")
    assert list(stations.columns)[-1] == "负责人"
    assert stations["负责人"].tolist() == ["张三"]
    [issue] = ds.issues
    assert (issue.rule, issue.severity, issue.column) == ("column.unknown", "warning", "负责人")


def test_issues_capped_per_column_with_summary(tmp_path):
    rows = "".join(f"ST1,2021-03-05,tp,bad{i}\n" for i in range(1500))
    csv_package(tmp_path, wq_samples="station_id,date,parameter,value\n" + rows)
    with pytest.raises(InputError) as excinfo:
        load_dataset(tmp_path)
    issues = excinfo.value.issues
    assert len(issues) == 1001
    assert [i.row for i in issues[:3]] == [2, 3, 4]
    assert issues[-1].rule == "issues.truncated" and "500" in issues[-1].message_en


# --------------------------------------------------------------------------------------------
# Dataset methods
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", [spec for spec in CATALOGUE])
def test_absent_table_is_empty_with_catalogue_columns_and_dtypes(name):
    ds = Dataset.from_frames(base_frames())
    frame = ds.table(name) if name not in ds.tables else empty_table(name)
    spec = CATALOGUE[name]
    assert len(frame) == 0
    assert list(frame.columns) == [c.name for c in spec.columns]
    assert [frame[c.name].dtype for c in spec.columns] == [DTYPES[c.dtype] for c in spec.columns]
    if name not in ds.tables:
        assert not ds.has(name)
        assert ds.table(spec.zh).columns.equals(frame.columns)


def test_present_tables_have_catalogue_dtypes(tmp_path):
    csv_package(tmp_path, wq_samples="station_id,date,parameter,value\nST1,2021-03-05,tp,0.1\n")
    ds = load_dataset(tmp_path)
    for name, frame in ds.tables.items():
        for column in CATALOGUE[name].columns:
            assert frame[column.name].dtype == DTYPES[column.dtype], (name, column.name)


def test_subset_keeps_only_chosen_water_bodies():
    frames = base_frames(
        stations=pd.DataFrame({"station_id": ["ST1", "ST2"], "segment_id": ["S1", "S2"]}),
        wq_samples=pd.DataFrame({"station_id": ["ST1", "ST2", "ST1"],
                                 "date": ["2021-03-05"] * 3, "parameter": ["tp"] * 3,
                                 "value": [0.1, 0.2, 0.3]}),
        fish_species=pd.DataFrame({"water_body_id": ["W1", "W2"], "species": ["鲤", "鲫"],
                                   "period": ["current", "current"], "native": [True, True]}),
        indicator_values=pd.DataFrame({"water_body_id": ["W2", "W1"],
                                       "indicator_id": ["x", "y"], "value": [1.0, 2.0]}),
        benthos_taxa=pd.DataFrame({"taxon": ["a", "b"]}),
    )
    ds = Dataset.from_frames(frames)
    sub = ds.subset(["W1"])
    assert sub.table("water_bodies")["water_body_id"].tolist() == ["W1"]
    assert sub.table("segments")["segment_id"].tolist() == ["S1"]
    assert sub.table("stations")["station_id"].tolist() == ["ST1"]
    assert sub.table("wq_samples")["value"].tolist() == [0.1, 0.3]
    assert sub.row_number("wq_samples", [0, 1]).tolist() == [1, 3]
    assert sub.table("fish_species")["species"].tolist() == ["鲤"]
    assert sub.table("indicator_values")["indicator_id"].tolist() == ["y"]
    assert sub.table("benthos_taxa")["taxon"].tolist() == ["a", "b"]
    assert isinstance(sub.table("wq_samples").index, pd.RangeIndex)
    assert sub.sources == ds.sources
    assert ds.subset("W2").table("wq_samples")["value"].tolist() == [0.2]


def test_unsupported_or_missing_source(tmp_path):
    write(tmp_path / "x.txt", "hello")
    for source in (tmp_path / "x.txt", tmp_path / "nope.xlsx"):
        with pytest.raises(InputError) as excinfo:
            load_dataset(source)
        assert excinfo.value.issues[0].rule in ("source.format", "source.not_found")


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------

@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1, max_size=8),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
def test_floats_round_trip_through_csv_in_every_encoding(tmp_path_factory, values, encoding):
    folder = tmp_path_factory.mktemp("floats")
    write(folder / "water_bodies.csv", WATER_BODIES_ZH, encoding)
    write(folder / "segments.csv", SEGMENTS_ZH, encoding)
    rows = "".join(f"H1,2021-01-01,{value!r}\n" for value in values)
    write(folder / "逐日流量.csv", "测站编码,日期,日均流量(m³/s)\n" + rows, encoding)
    assert load_dataset(folder).table("daily_flow")["flow_m3s"].tolist() == values


@settings(max_examples=60, deadline=None)
@given(day=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)),
       style=st.sampled_from(["{y}-{m:02d}-{d:02d}", "{y}/{m}/{d}", "{y}.{m}.{d}",
                              "{y}年{m}月{d}日"]))
def test_date_text_styles_read_back(day, style):
    text = style.format(y=day.year, m=day.month, d=day.day)
    frames = base_frames(daily_flow=pd.DataFrame({"station_id": ["H1"], "date": [text],
                                                  "flow_m3s": [1.0]}))
    assert Dataset.from_frames(frames).table("daily_flow")["date"].tolist() == [
        pd.Timestamp(day)]


def test_sample_units_are_converted_per_parameter(tmp_path):
    # header unit μg/L applies where the row gives none; a row's own unit wins; chla stays in
    # mg/m3 (= μg/L); MPN/100mL faecal coliform → ×10 per L; detection limits convert too
    csv_package(tmp_path, wq_samples=(
        "测站编码,采样日期,监测项目,监测值(μg/L),单位,检出限\n"
        "Q1,2021-01-05,氨氮,250,,\n"
        "Q1,2021-01-05,总磷,0.12,mg/L,\n"
        "Q1,2021-01-05,叶绿素a,12,μg/L,\n"
        "Q1,2021-01-05,粪大肠菌群,300,MPN/100mL,\n"
        "Q1,2021-01-05,汞,ND,ng/L,50\n"
        "Q1,2021-01-05,pH值,7.2,无量纲,\n"))
    samples = load_dataset(tmp_path).table("wq_samples")
    assert samples["parameter"].tolist() == ["nh3n", "tp", "chla", "fecal_coliform", "hg", "ph"]
    assert samples["value"].tolist() == pytest.approx([0.25, 0.12, 12.0, 3000.0, 5e-5, 7.2])
    assert samples["unit"].tolist() == ["mg/L", "mg/L", "mg/m3", "个/L", "mg/L", "无量纲"]
    assert samples["detection_limit"].iloc[4] == pytest.approx(5e-5)
    assert samples["below_detection"].tolist() == [False] * 4 + [True, False]


def test_unknown_or_unfitting_sample_units_are_errors(tmp_path):
    csv_package(tmp_path, wq_samples=(
        "测站编码,采样日期,监测项目,监测值,单位\n"
        "Q1,2021-01-05,nh3n,0.5,mg/L\n"
        "Q1,2021-01-05,nh3n,0.5,ppm\n"
        "Q1,2021-01-05,tp,0.1,m\n"))
    with pytest.raises(InputError) as excinfo:
        load_dataset(tmp_path)
    found = [(i.rule, i.row, i.column, i.value) for i in errors_of(excinfo)]
    assert found == [("unit.unknown", 3, "unit", "ppm"), ("unit.unknown", 4, "unit", "m")]
    assert "parameter tp (its unit is mg/L" in errors_of(excinfo)[1].message_en


def test_export_spellings_are_read(tmp_path):
    # full-width digits and signs, thousands separators, 0.02L and <DL below detection,
    # compact and full-width dates, full-width yes/no
    csv_package(tmp_path, wq_samples=(
        "测站编码,采样日期,监测项目,监测值,检出限\n"
        "Q1,２０２１年３月５日,ＣＯＤ,１２．５,\n"
        "Q1,20210305,总磷,0.02L,\n"
        "Q1,2021-03-05,氨氮,<DL,0.025\n"
        "Q1,2021.3.5,溶解氧,\"1,234.5\",\n"),
        outfalls="排污口编码,河段编码,是否规范化建设,设置情况\nO1,S1,Ｙ,合规\n")
    ds = load_dataset(tmp_path)
    samples = ds.table("wq_samples")
    assert samples["parameter"].tolist() == ["cod", "tp", "nh3n", "do"]
    assert samples["value"].tolist() == [12.5, 0.02, 0.025, 1234.5]
    assert samples["below_detection"].tolist() == [False, True, True, False]
    assert samples["detection_limit"].tolist()[1:3] == [0.02, 0.025]
    assert set(samples["date"]) == {pd.Timestamp("2021-03-05")}
    assert ds.table("outfalls")["standardised"].tolist() == [True]


def test_every_catalogue_unit_is_known():
    from health_eval.io.tables import PARAMETER_UNITS, TABLES
    from health_eval.io.units import UNITS, normalise_unit

    units = {c.unit for spec in TABLES for c in spec.columns} | set(PARAMETER_UNITS.values())
    assert {u for u in units if normalise_unit(u) not in UNITS} == set()


def test_samples_without_a_parameter_column_are_refused_not_crashed(tmp_path):
    csv_package(tmp_path, wq_samples="测站编码,采样日期,监测值,单位\nQ1,2021-01-05,0.5,μg/L\n")
    with pytest.raises(InputError) as excinfo:
        load_dataset(tmp_path)
    assert [(i.rule, i.column) for i in errors_of(excinfo)] == [("column.required", "parameter")]


def test_a_wide_sample_sheet_is_melted_into_long_rows(tmp_path):
    # one row per station and date, a column per parameter with its unit; a blank cell is a
    # parameter not measured. Line 3's ammonia 250 μg/L is 0.25 mg/L; TP <0.01 is flagged.
    csv_package(tmp_path, wq_samples=(
        "水质月报（2021年）,,,,,\n"
        "测站编码,采样日期,断面名称,溶解氧(mg/L),氨氮(μg/L),pH值,总磷(mg/L)\n"
        "Q1,2021-01-05,上游断面,8.1,120,7.4,0.05\n"
        "Q1,2021-02-03,上游断面,7.6,250,,<0.01\n"))
    ds = load_dataset(tmp_path)
    samples = ds.table("wq_samples")
    assert samples["parameter"].tolist() == ["do", "nh3n", "ph", "tp", "do", "nh3n", "tp"]
    assert samples["value"].tolist() == pytest.approx([8.1, 0.12, 7.4, 0.05, 7.6, 0.25, 0.01])
    assert samples["below_detection"].tolist() == [False] * 6 + [True]
    assert samples["unit"].tolist() == ["mg/L", "mg/L", "无量纲", "mg/L", "mg/L", "mg/L", "mg/L"]
    assert samples["断面名称"].tolist() == ["上游断面"] * 7           # kept as read
    # each long row keeps the line it came from (title line 1, header line 2)
    assert ds.row_number("wq_samples", np.arange(7)).tolist() == [3, 3, 3, 3, 4, 4, 4]
    assert [i.rule for i in ds.issues] == ["column.unknown"]


def test_a_bad_cell_of_a_wide_sheet_is_located(tmp_path):
    csv_package(tmp_path, wq_samples=("测站编码,采样日期,溶解氧(mg/L),氨氮(mg/L)\n"
                                      "Q1,2021-01-05,8.1,0.1\n"
                                      "Q1,2021-02-03,七点六,0.2\n"))
    with pytest.raises(InputError) as excinfo:
        load_dataset(tmp_path)
    (error,) = errors_of(excinfo)
    assert (error.rule, error.row, error.column, error.value) == ("type.float", 3, "value", "七点六")
    # the message names the column the user wrote the value in, not the melted one
    assert "列 监测值（标题“溶解氧(mg/L)”）" in error.message_zh
    assert "column value (header '溶解氧(mg/L)')" in error.message_en


def test_percentages_formatted_in_excel_are_read_as_shown(tmp_path):
    # Excel keeps 85 % as 0.85 in a cell formatted "0%"; a % column takes what the user saw.
    # 60 typed in a General cell and the text "45%" stay 60 and 45; the fraction column of
    # another unit is left alone.
    path = make_workbook(tmp_path / "input.xlsx", {**REQUIRED_SHEETS, "岸坡调查样点": [
        ["样点编码", "河段编码", "岸别", "岸坡倾角", "岸坡植被覆盖度(%)", "岸坡高度", "基质",
         "坡脚冲刷强度"],
        ["P1", "S1", "左岸", 0.3, 0.85, 2.0, "黏土", "无冲刷"],
        ["P2", "S1", "右岸", 35, 60, 1.5, "黏土", "轻度"],
        ["P3", "S1", "右岸", 40, "45%", 1.5, "黏土", "轻度"]]})
    book = openpyxl.load_workbook(path)
    book["岸坡调查样点"]["E2"].number_format = "0%"
    book["岸坡调查样点"]["D2"].number_format = "0%"        # slope in degrees: not a % column
    book.save(path)
    plots = load_dataset(path).table("bank_plots")
    assert plots["veg_cover_pct"].tolist() == pytest.approx([85.0, 60.0, 45.0])
    assert plots["slope_deg"].tolist() == pytest.approx([0.3, 35.0, 40.0])


def test_factorized_columns_are_shared_until_the_table_is_replaced():
    """Dataset.factorized: codes by first appearance, -1 for a missing id, one computation per
    table and column, and a fresh one when the table itself is replaced."""
    dataset = Dataset(tables={"stations": pd.DataFrame(
        {"station_id": pd.array(["S2", "S1", None, "S2"], dtype="string")})},
        sources={}, issues=[])
    codes, distinct = dataset.factorized("stations", "station_id")
    assert codes.tolist() == [0, 1, -1, 0]
    assert list(distinct) == ["S2", "S1"]
    again, _ = dataset.factorized("stations", "station_id")
    assert again is codes
    ranked, in_order = dataset.factorized("stations", "station_id", sort=True)
    assert ranked.tolist() == [1, 0, -1, 1] and list(in_order) == ["S1", "S2"]
    dataset.tables["stations"] = pd.DataFrame({"station_id": pd.array(["S9"], dtype="string")})
    codes, distinct = dataset.factorized("stations", "station_id")
    assert codes.tolist() == [0] and list(distinct) == ["S9"]


@given(st.lists(st.one_of(st.none(), st.text(alphabet="AB测1 ", max_size=3)), max_size=30))
def test_sorted_factorisation_is_pandas_own(ids):
    """The sorted codes derived from the shared factorisation equal pd.factorize(sort=True)."""
    column = pd.Series(pd.array(ids, dtype="string"))
    dataset = Dataset(tables={"stations": pd.DataFrame({"station_id": column})}, sources={},
                      issues=[])
    codes, distinct = dataset.factorized("stations", "station_id", sort=True)
    expected_codes, expected_distinct = pd.factorize(column, sort=True)
    assert codes.tolist() == expected_codes.tolist()
    assert list(distinct) == list(expected_distinct)


def test_frames_that_are_parts_of_a_table_keep_their_rows_and_file():
    """from_frames(files=, row_numbers=): an unreadable cell of a frame holding rows 41 and 57
    of a larger table is located at row 57 of that table's file; a row count that does not
    match is a programming error."""
    frames = {"water_bodies": pd.DataFrame({"water_body_id": ["W1"], "name": ["清河"],
                                            "kind": ["river"], "evaluation_year": [2021]}),
              "segments": pd.DataFrame({"segment_id": ["S1"], "water_body_id": ["W1"],
                                         "name": ["上游段"]}),
              "daily_flow": pd.DataFrame({"station_id": ["Q1", "Q1"],
                                          "date": ["2021-01-01", "2021-01-02"],
                                          "flow_m3s": ["1.5", "abc"]})}
    with pytest.raises(InputError) as excinfo:
        Dataset.from_frames(frames, files={"daily_flow": "archive/daily_flow"},
                            row_numbers={"daily_flow": np.array([41, 57])})
    (error,) = errors_of(excinfo)
    assert (error.file, error.row, error.column, error.value) == (
        "archive/daily_flow", 57, "flow_m3s", "abc")
    assert "file archive/daily_flow, row 57" in error.message_en
    with pytest.raises(ValueError, match="1 row numbers for 2 rows"):
        Dataset.from_frames(frames, row_numbers={"daily_flow": np.array([41])})
