"""The corpus of broken input packages (``tests/data/bad``, written by
``tools/make_bad_corpus.py``): each case is read exactly as ``health-eval validate`` reads it, and
must give exactly the issue rows stated here.

The expectations are worked out by hand from the rules (:mod:`health_eval.validate.rules`, the catalogue
in :mod:`health_eval.io.tables`, the README's input section): a row is the Excel row, or the CSV
line with the header line as 1 (a title row above the header shifts it); a file is named
relative to the case folder. """

from __future__ import annotations

import csv
import importlib.util
import io
import json
import os
import re
import traceback
import zipfile
from pathlib import Path

import openpyxl
import pytest
from health_eval.reports.figures import plotly_js
from health_eval.reports.text import visible_text
from typer.testing import CliRunner

from health_eval.cli import app
from health_eval.engine.api import evaluate, place_segments, resolve_profiles
from health_eval.engine.dataset import load_dataset
from health_eval.engine.preview import check_package
from health_eval.engine.registry import default_registry
from health_eval.io.tables import TABLES, TableSpec
from health_eval.issues import InputError
from health_eval.validate.checks import row_accounts, validate_dataset

CORPUS = Path(__file__).parent / "data" / "bad"
REGISTRY = default_registry()
GENERATOR = Path(__file__).resolve().parents[1] / "tools" / "make_bad_corpus.py"

#: (table, file, sheet, row, column, value, rule, severity)
Row = tuple[str, str | None, str | None, int | None, str | None, str | None, str, str]

X = "input.xlsx"
WQ = "水质监测数据.csv"
FLOW = "逐日流量.csv"

EXPECTED: dict[str, list[Row]] = {
    "valid_base": [],
    "csv_gb18030": [
        ("wq_samples", WQ, None, 4, "value", "-0.15", "value.range", "error"),
    ],
    "csv_utf8_bom": [
        ("daily_flow", FLOW, None, 3, "flow_m3s", "120000", "value.implausible", "warning"),
    ],
    "xlsx_merged_title": [
        ("segments", X, "评价河段", 4, "length_km", "-7.8", "value.range", "error"),
        # and so S2 cannot weight its water body (the value shown is the segment)
        ("segments", X, "评价河段", 4, "length_km", "S2", "segment.weight_missing", "error"),
    ],
    "xlsx_numbers_as_text": [
        ("daily_flow", X, "逐日流量", 4, "flow_m3s", "12,5", "type.float", "error"),
    ],
    "fullwidth": [
        ("daily_flow", FLOW, None, 4, "flow_m3s", "１２．５ａ", "type.float", "error"),
    ],
    "xlsx_empty_sheet": [
        ("daily_flow", X, "逐日流量", None, None, None, "table.empty", "warning"),
    ],
    "xlsx_title_blank_row": [
        ("daily_flow", X, "逐日流量", 4, None, None, "row.empty", "warning"),
        ("daily_flow", X, "逐日流量", 5, "flow_m3s", "-3", "value.range", "error"),
    ],
    "empty_required_csv": [
        ("water_bodies", "河湖名录.csv", None, None, None, None, "table.empty", "warning"),
        ("water_bodies", None, None, None, None, None, "table.required", "error"),
    ],
    "xlsx_missing_segments": [
        ("segments", None, None, None, None, None, "table.required", "error"),
    ],
    "duplicate_segment": [
        ("segments", "评价河段.csv", None, 4, "segment_id", "segment_id=S1", "key.duplicate",
         "error"),
    ],
    "duplicate_daily_flow": [
        ("daily_flow", FLOW, None, 4, "date", "station_id=H1, date=2021-01-01", "key.duplicate",
         "error"),
    ],
    "repeated_samples": [
        ("wq_samples", WQ, None, 4, "parameter", "station_id=Q1, date=2021-05-10, parameter=do",
         "key.duplicate_sample", "warning"),
    ],
    "unknown_station": [
        ("wq_samples", WQ, None, 3, "station_id", "Q9", "reference.unknown", "warning"),
    ],
    "unknown_segment": [
        ("stations", "监测站点.csv", None, 4, "segment_id", "S9", "reference.unknown", "warning"),
    ],
    "unknown_taxon": [
        ("benthos_samples", "底栖动物采样.csv", None, 3, "taxon", "颤蚓", "reference.unknown",
         "warning"),
    ],
    "empty_csv": [
        ("daily_flow", FLOW, None, None, None, None, "table.empty", "warning"),
    ],
    "xlsx_zero_byte": [
        ("input", X, None, None, None, None, "file.unreadable", "error"),
    ],
    "xlsx_not_excel": [
        ("input", X, None, None, None, None, "file.unreadable", "error"),
    ],
    "csv_undecodable": [
        ("stations", "监测站点.csv", None, None, None, None, "file.encoding", "error"),
        ("daily_flow", "逐日流量.csv", None, 3, "flow_m3s", "x", "type.float", "error"),
    ],
    "ph_15": [   # outside [0, 14]; a value in error gets no implausible warning besides
        ("wq_samples", WQ, None, 3, "value", "15", "value.range", "error"),
    ],
    "do_25": [
        ("wq_samples", WQ, None, 3, "value", "25", "value.implausible", "warning"),
    ],
    "negative_flow": [
        ("daily_flow", "daily_flow.csv", None, 3, "flow_m3s", "-3.2", "value.range", "error"),
    ],
    "cover_120": [
        ("macrophyte_plots", "大型水生植物样方.csv", None, 3, "cover_pct", "120", "value.range",
         "error"),
        # and the base's W1 is a river: macrophyte plots are read by lake indicators only
        ("macrophyte_plots", "大型水生植物样方.csv", None, 2, "segment_id", "S1",
         "table.kind_mismatch", "warning"),
        ("macrophyte_plots", "大型水生植物样方.csv", None, 3, "segment_id", "S2",
         "table.kind_mismatch", "warning"),
    ],
    "developed_exceeds": [
        ("shoreline_lengths", "岸线利用.csv", None, 3, "developed_km", "9.5", "value.exceeds",
         "error"),
    ],
    "bad_code": [
        ("bank_plots", "岸坡调查样点.csv", None, 3, "bank", "上岸", "code.unknown", "error"),
    ],
    "missing_column": [
        ("daily_flow", FLOW, None, None, "flow_m3s", None, "column.required", "error"),
    ],
    "duplicate_column": [
        ("daily_flow", FLOW, None, None, "flow_m3s", None, "column.duplicate", "error"),
    ],
    "header_unit_unknown": [
        ("daily_flow", FLOW, None, None, "flow_m3s", None, "column.unit", "error"),
    ],
    "sample_unit_unknown": [
        ("wq_samples", WQ, None, 3, "unit", "ppm", "unit.unknown", "error"),
    ],
    "not_detected_without_limit": [
        ("wq_samples", WQ, None, 4, "value", "未检出", "value.below_detection_without_limit",
         "error"),
    ],
    "sample_outside_year": [
        ("wq_samples", WQ, None, 3, "date", "2020-12-15", "date.outside_evaluation_year",
         "warning"),
    ],
    "unknown_parameter": [
        ("wq_samples", WQ, None, 3, "parameter", "浊度", "parameter.unknown", "warning"),
    ],
    "blank_required_cell": [
        ("daily_flow", FLOW, None, 3, "flow_m3s", None, "value.missing", "error"),
    ],
    "blank_row": [
        ("daily_flow", FLOW, None, 3, None, None, "row.empty", "warning"),
        ("daily_flow", FLOW, None, 5, "flow_m3s", "-1", "value.range", "error"),
    ],
    "csv_title_row": [
        ("daily_flow", FLOW, None, 4, "flow_m3s", "-2.5", "value.range", "error"),
    ],
    "unknown_file": [
        ("input", "现场照片清单.csv", None, None, None, "现场照片清单", "table.unknown", "warning"),
    ],
    "table_twice": [
        ("wq_samples", WQ, None, None, None, None, "table.duplicate", "error"),
    ],
    "bad_boolean": [
        ("outfalls", "入河排污口.csv", None, 3, "standardised", "待定", "type.bool", "error"),
    ],
    "impossible_date": [
        ("daily_flow", FLOW, None, 3, "date", "2021-02-30", "type.date", "error"),
    ],
    "non_integer_year": [
        ("water_bodies", "河湖名录.csv", None, 2, "evaluation_year", "2021.5", "type.int",
         "error"),
    ],
    "longitude_outside_china": [
        ("stations", "监测站点.csv", None, 3, "longitude", "150.2", "value.implausible",
         "warning"),
    ],
    "month_13": [
        ("monthly_flow", "逐月实测与天然流量.csv", None, 3, "month", "13", "value.range",
         "error"),
    ],
    # a water body outside the packaged measure catalogue's district: valid input (the run
    # with reports warns, tests/test_measures_catalogue.py)
    "district_without_catalogue": [],
    "district_blank": [],
}

SEG = "评价河段.csv"
SUPPLIED = "指标直接赋值.csv"
EXPECTED.update({      # checks run made alone before issue 16; validate makes them too
    "segment_of_unknown_water_body": [
        ("segments", SEG, None, 4, "water_body_id", "W9", "reference.water_body", "error"),
    ],
    "segment_id_case": [
        ("segments", SEG, None, 4, "water_body_id", "w1", "reference.water_body", "error"),
    ],
    "water_body_without_segments": [
        ("water_bodies", "河湖名录.csv", None, 3, "water_body_id", "W2", "water_body.no_segment",
         "error"),
    ],
    "zero_length_segment": [
        ("segments", SEG, None, 3, "length_km", "S2", "segment.weight_missing", "error"),
    ],
    "supplied_unknown_indicator": [
        ("indicator_values", SUPPLIED, None, 2, "indicator_id", "water.nonsense",
         "supplied.unknown_indicator", "error"),
    ],
    "supplied_foreign_segment": [
        ("indicator_values", SUPPLIED, None, 2, "water_body_id", "W2", "supplied.water_body",
         "error"),
        ("indicator_values", SUPPLIED, None, 2, "segment_id", "S1", "reference.segment", "error"),
    ],
})
EXPECTED.update({      # issues that name their row (issue 16)
    "stray_bom": [
        ("daily_flow", FLOW, None, 3, None, None, "text.bom", "warning"),
    ],
    "unclosed_quote": [
        ("daily_flow", FLOW, None, 3, None, '"H1,2021-01-02,10.7', "csv.unclosed_quote",
         "error"),
    ],
    "lake_areas_for_river": [
        ("lake_areas", "湖泊面积.csv", None, 2, "water_body_id", "W1", "table.kind_mismatch",
         "warning"),
    ],
})
EXPECTED.update({
    "station_of_unknown_segment": [
        ("stations", "监测站点.csv", None, 3, "segment_id", "S9", "reference.unknown", "warning"),
        ("daily_flow", FLOW, None, 2, "station_id", "H1", "reference.unusable", "warning"),
    ],
    "no_stations_table": [
        ("daily_flow", FLOW, None, 2, "station_id", "H1", "reference.table_missing", "warning"),
    ],
})


def _header_only(spec: TableSpec) -> list[Row]:
    """A table given with its header alone: required, an error; a census, 'none found'; 指标直接
    赋值, nothing supplied; any other table, no data (issue 16)."""
    if spec.name == "indicator_values":     # no value supplied: nothing missing
        return []
    rule, severity = (("table.required_no_rows", "error") if spec.required
                      else ("table.census_empty" if spec.census else "table.no_rows", "warning"))
    return [(spec.name, f"{spec.zh}.csv", None, None, None, None, rule, severity)]


EXPECTED.update({f"header_only_{spec.name}": _header_only(spec) for spec in TABLES})
#: Hostile ids, control characters, absurd magnitudes and formulas (issue 16): ids and names
#: may be anything (no issue); a control character inside a number or a sheet's XML, and
#: numbers beyond any water on Earth, are located errors. ``test_hostile_case_runs_cleanly``
#: runs each through ``health-eval run --report html,docx`` as well.
HOSTILE: dict[str, list[Row]] = {
    "hostile_ids": [],
    "case_twin_ids": [],
    "formula_names": [],
    "control_characters": [
        ("daily_flow", FLOW, None, 3, "flow_m3s", "1\x1b2.5", "type.float", "error"),
    ],
    "magnitude_1e308": [
        ("daily_flow", FLOW, None, 3, "flow_m3s", "1e+308", "value.range", "error"),
        ("water_level", "逐日水位.csv", None, 2, "level_m", "1e+308", "value.range", "error"),
        ("water_level", "逐日水位.csv", None, 2, "station_id", "H1", "table.kind_mismatch",
         "warning"),
        ("wq_samples", WQ, None, 3, "value", "1e+308", "value.range", "error"),
    ],
    "xlsx_control_in_sheet_xml": [
        ("daily_flow", X, "逐日流量", 3, None, "H1-␇BEL", "sheet.xml", "error"),
    ],
}
EXPECTED.update(HOSTILE)


def _source(case_dir: Path) -> Path:
    """What the user would pass to ``health-eval validate``: the workbook, else the folder."""
    workbooks = sorted(case_dir.glob("*.xlsx"))
    assert len(workbooks) <= 1
    return workbooks[0] if workbooks else case_dir


def _issues(case_dir: Path) -> list:
    """The issues ``health-eval validate`` reports for the case."""
    try:
        dataset = load_dataset(str(_source(case_dir)))
    except InputError as exc:
        return exc.issues
    # what validate checks before it previews the indicators (tests/test_preview.py)
    placed = place_segments(dataset, resolve_profiles(None), REGISTRY)[1]
    return validate_dataset(dataset).issues + placed


def _row(issue, case_dir: Path) -> Row:
    file = None if issue.file is None else Path(os.path.relpath(issue.file, case_dir)).as_posix()
    return (issue.table, file, issue.sheet, issue.row, issue.column, issue.value, issue.rule,
            issue.severity)


def _order(row: Row) -> tuple:
    """A fixed order for rows with None in any place (None first)."""
    return tuple((value is not None, value if value is not None else "") for value in row)


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_case_gives_exactly_the_expected_issues(case):
    case_dir = CORPUS / case
    actual = sorted((_row(issue, case_dir) for issue in _issues(case_dir)), key=_order)
    assert actual == sorted(EXPECTED[case], key=_order)


@pytest.mark.parametrize("case", [name for name, rows in EXPECTED.items() if rows])
def test_messages_are_bilingual_and_errors_name_their_rule(case):
    issues = _issues(CORPUS / case)
    assert issues
    for issue in issues:
        assert issue.message_zh.strip() and issue.message_en.strip(), issue
        if issue.severity == "error":
            assert issue.rule in issue.message_zh and issue.rule in issue.message_en, issue


def test_corpus_holds_exactly_the_cases_tested():
    folders = {p.name for p in CORPUS.iterdir() if p.is_dir()}
    assert folders == set(EXPECTED)
    assert len(folders) >= 32


def _generator():
    spec = importlib.util.spec_from_file_location("make_bad_corpus", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _content(path: Path):
    """A file's bytes; for a workbook, its unpacked parts (the deflate stream may differ
    between zlib builds, and docProps/app.xml names the openpyxl version)."""
    data = path.read_bytes()
    if path.suffix == ".xlsx" and zipfile.is_zipfile(io.BytesIO(data)):
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            return {name: book.read(name) for name in book.namelist()
                    if name != "docProps/app.xml"}
    return data


def test_generator_rewrites_the_checked_in_corpus(tmp_path):
    """The checked-in corpus is what the generator writes now (CSV byte for byte)."""
    generator = _generator()
    assert set(generator.write_corpus(tmp_path)) == set(EXPECTED)
    written = {p.relative_to(tmp_path).as_posix(): _content(p)
               for p in sorted(tmp_path.rglob("*")) if p.is_file()}
    checked_in = {p.relative_to(CORPUS).as_posix(): _content(p)
                  for p in sorted(CORPUS.rglob("*")) if p.is_file()}
    assert sorted(written) == sorted(checked_in)
    changed = [name for name in written if written[name] != checked_in[name]]
    assert changed == [], "rerun python tools/make_bad_corpus.py"


@pytest.mark.parametrize("case", ["station_of_unknown_segment", "no_stations_table"])
def test_rows_of_stations_that_cannot_be_placed_are_rejected_not_lost(case):
    dataset = load_dataset(str(CORPUS / case))
    accounts = row_accounts(dataset, validate_dataset(dataset))
    assert accounts["daily_flow"] == {"read": 2, "used": 0, "rejected": 2}


@pytest.mark.parametrize("case", sorted(c for c in EXPECTED if not c.startswith("header_only_")
                                         or c.endswith(("water_bodies", "segments", "stations"))))
def test_validate_finds_every_expected_issue_and_agrees_with_run(case):
    """``health-eval validate`` (lenient reading, rules, places, preview) lists at least the
    issues above, and has an error exactly when ``run`` refuses or ends with one."""
    source = _source(CORPUS / case)
    try:
        checked = check_package(source)
    except InputError as exc:                   # not readable at all: run refuses it too
        assert {i.rule for i in exc.issues} == {"file.unreadable"}
        return
    found = {_row(issue, CORPUS / case) for issue in checked.issues}
    assert set(EXPECTED[case]) <= found
    try:
        ran_ok = evaluate(source).ok
    except InputError:
        ran_ok = False
    assert checked.has_errors == (not ran_ok)
# --------------------------------------------------------------------------------------------
# The hostile cases through the whole command: outputs and reports
# --------------------------------------------------------------------------------------------

#: Characters no output may hold: C0 controls but tab, LF and CR; DEL; C1 controls.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def _workbook_problems(path: Path) -> list[str]:
    """Formula cells, formula-like text without Excel's quote prefix, control characters."""
    problems = []
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    problems.append(f"{path.name} {sheet.title}!{cell.coordinate}: formula")
                value = cell.value
                if not isinstance(value, str):
                    continue
                if CONTROL.search(value):
                    problems.append(f"{path.name} {sheet.title}!{cell.coordinate}: control")
                if value.startswith(FORMULA_START) and not PLAIN_NUMBER.match(value) \
                        and not cell.quotePrefix:
                    problems.append(f"{path.name} {sheet.title}!{cell.coordinate}: no prefix")
    return problems


def _csv_problems(path: Path) -> list[str]:
    """Cells Excel would run as formulas, control characters."""
    text = path.read_text(encoding="utf-8-sig")
    problems = [f"{path.name}: control"] if CONTROL.search(text) else []
    for line, row in enumerate(csv.reader(io.StringIO(text)), 1):
        problems += [f"{path.name}:{line}: {cell!r}" for cell in row
                     if cell.startswith(FORMULA_START) and not PLAIN_NUMBER.match(cell)]
    return problems


def _output_problems(out: Path) -> list[str]:
    problems = []
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        if path.suffix == ".xlsx":
            problems += _workbook_problems(path)
        elif path.suffix == ".csv":
            problems += _csv_problems(path)
        elif path.suffix == ".docx":
            with zipfile.ZipFile(path) as document:
                xml = document.read("word/document.xml").decode("utf-8")
            problems += [f"{path.name}: control"] if CONTROL.search(xml) else []
        elif CONTROL.search(path.read_text(encoding="utf-8").replace(plotly_js(), "")):
            problems.append(f"{path.name}: control")      # json, html (plotly.js is code)
    return problems


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_case_runs_cleanly(case, tmp_path):
    """``run --report html,docx`` succeeds (exit 0; 1 for data with errors, refused) without a
    traceback; every output is inside the output folder, with
    no formula and no control character; each water body has its own report folder, which shows
    its id as written."""
    out = tmp_path / "deep" / "out"
    result = CliRunner().invoke(app, ["run", str(_source(CORPUS / case)), "--out", str(out),
                                      "--report", "html,docx"])
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        "".join(traceback.format_exception(result.exception))
    assert result.exit_code == (1 if HOSTILE[case] else 0), result.output
    assert [p.name for p in tmp_path.iterdir()] == ["deep"]
    assert [p.name for p in (tmp_path / "deep").iterdir()] == ["out"]
    assert _output_problems(out) == []
    if HOSTILE[case]:                       # refused: only the issues are written
        assert sorted(p.name for p in out.iterdir()) == ["issues.csv", "issues.xlsx"]
        return
    written = json.loads((out / "result.json").read_text(encoding="utf-8"))
    ids = [w["water_body_id"] for w in written["water_bodies"]]
    assert (out / "assets" / "plotly.min.js").is_file()        # shared by the pages (issue 19)
    folders = [p for p in out.iterdir() if p.is_dir() and p.name != "assets"]
    assert len(folders) == len(ids)
    assert len({p.name.casefold() for p in folders}) == len(ids)
    assert all(len(p.name.encode()) <= 120 for p in folders)
    for folder in folders:
        assert sorted(p.name for p in folder.iterdir()) == ["report.docx", "report.html"]
    shown = {visible_text((f / "report.html").read_text(encoding="utf-8")) for f in folders}
    for water_body_id in ids:        # the id as written, in its report (text, not a path)
        assert sum(water_body_id in text for text in shown) >= 1, water_body_id
