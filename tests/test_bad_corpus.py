"""The corpus of broken input packages (``tests/data/bad``, written by
``tools/make_bad_corpus.py``): each case is read exactly as ``health-eval validate`` reads it, and
must give exactly the issue rows stated here.

The expectations are worked out by hand from the rules (:mod:`health_eval.rules`, the catalogue
in :mod:`health_eval.tables`, the README's input section): a row is the Excel row, or the CSV
line with the header line as 1 (a title row above the header shifts it); a file is named
relative to the case folder. """

from __future__ import annotations

import importlib.util
import io
import os
import zipfile
from pathlib import Path

import pytest

from health_eval.dataset import load_dataset
from health_eval.issues import InputError
from health_eval.validation import validate_dataset

CORPUS = Path(__file__).parent / "data" / "bad"
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

#: Cases where the engine disagrees with the rules: the correct expectation is kept above.
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
    return validate_dataset(dataset).issues


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
