"""Write the corpus of broken input packages: ``tests/data/bad/<case>/``.

Run ``python tools/make_bad_corpus.py [OUT]`` (default ``tests/data/bad``). Each case is one small
input package — a folder of CSV files, or one ``.xlsx`` workbook in the case folder — made of a
minimal valid base plus the table(s) that carry one defect:

- 河湖名录: river W1 (清河), evaluation year 2021;
- 评价河段: S1 and S2 of W1;
- 监测站点: Q1 (water quality, S1) and H1 (hydrology, S1).

``tests/test_bad_corpus.py`` states, per case and by hand, the exact issue rows that reading and
validating the package must give. The output is deterministic: CSV files are written byte for
byte, and workbooks are saved with fixed document properties and fixed zip entry timestamps, so
a second run rewrites identical files.
"""

from __future__ import annotations

import csv
import datetime
import io
import shutil
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font
from openpyxl.writer.excel import ExcelWriter

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from health_eval.io.tables import TABLES  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "tests" / "data" / "bad"
#: Name of the workbook in a workbook case.
WORKBOOK = "input.xlsx"
_FIXED_TIME = datetime.datetime(2021, 1, 1, 0, 0, 0)
_ZIP_TIME = (2021, 1, 1, 0, 0, 0)

Rows = list[list[object]]

WATER_BODIES: Rows = [["河湖编码", "河湖名称", "类型", "评价年份"],
                      ["W1", "清河", "河流", "2021"]]
SEGMENTS: Rows = [["河段编码", "河湖编码", "河段名称", "河段长度(km)"],
                  ["S1", "W1", "上游段", "5.2"],
                  ["S2", "W1", "下游段", "7.8"]]
STATIONS: Rows = [["测站编码", "河段编码", "测站名称", "测站类型"],
                  ["Q1", "S1", "清河一号断面", "水质"],
                  ["H1", "S1", "清河水文站", "水文"]]
BASE: dict[str, Rows] = {"河湖名录": WATER_BODIES, "评价河段": SEGMENTS, "监测站点": STATIONS}

WQ_HEADER = ["测站编码", "采样日期", "监测项目", "监测值", "单位"]
FLOW_HEADER = ["测站编码", "日期", "日均流量(m3/s)"]


# --------------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------------

def csv_text(rows: Rows) -> str:
    """Rows as CSV text (``\\n`` line ends; None is an empty cell)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow(["" if cell is None else cell for cell in row])
    return buffer.getvalue()


def write_csv(folder: Path, name: str, rows: Rows, encoding: str = "utf-8") -> None:
    """Write table ``name`` as ``folder/name.csv`` in ``encoding``."""
    (folder / f"{name}.csv").write_bytes(csv_text(rows).encode(encoding))


def write_base(folder: Path, encoding: str = "utf-8", **tables: Rows | None) -> None:
    """Write the base tables as CSV; ``tables`` replaces (or, with None, leaves out) some of
    them and adds others, by table name."""
    for name, rows in {**BASE, **tables}.items():
        if rows is not None:
            write_csv(folder, name, rows, encoding)


def save_workbook(book: openpyxl.Workbook, path: Path,
                  patch: Callable[[str, bytes], bytes] | None = None) -> None:
    """Save ``book`` with fixed properties and zip timestamps, so that reruns give the same
    bytes (openpyxl's own ``save`` stamps the current time); ``patch(name, data)``, when
    given, rewrites each part of the zip (a fault no writer makes on purpose)."""
    book.properties.creator = "tools/make_bad_corpus.py"
    book.properties.lastModifiedBy = None
    book.properties.created = _FIXED_TIME
    book.properties.modified = _FIXED_TIME
    raw = io.BytesIO()
    ExcelWriter(book, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED)).save()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            data = source.read(info.filename)
            target.writestr(entry, data if patch is None else patch(info.filename, data))
    path.write_bytes(out.getvalue())


def new_workbook() -> openpyxl.Workbook:
    """An empty workbook (its default sheet removed)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    return book


def add_sheet(book: openpyxl.Workbook, title: str, rows: Rows) -> None:
    """Add a sheet holding ``rows`` from A1."""
    sheet = book.create_sheet(title)
    for row in rows:
        sheet.append(row)


def typed(rows: Rows) -> Rows:
    """Rows with numeric text turned into numbers (what Excel holds when typed normally)."""
    def cell(value):
        if isinstance(value, str):
            for kind in (int, float):
                try:
                    return kind(value)
                except ValueError:
                    pass
        return value
    return [rows[0]] + [[cell(v) for v in row] for row in rows[1:]]


# --------------------------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------------------------

CASES: dict[str, Callable[[Path], None]] = {}


def case(function: Callable[[Path], None]) -> Callable[[Path], None]:
    """Register a case writer under its name without the ``case_`` prefix."""
    CASES[function.__name__.removeprefix("case_")] = function
    return function


@case
def case_valid_base(folder: Path) -> None:
    """The base package alone: no issue at all (the control case)."""
    write_base(folder)


@case
def case_csv_gb18030(folder: Path) -> None:
    """Every file in GB18030 (Windows Chinese export); ammonia -0.15 on line 4 is value.range."""
    write_base(folder, "gb18030", 水质监测数据=[
        WQ_HEADER,
        ["Q1", "2021年1月12日", "溶解氧", "7.6", "毫克/升"],
        ["Q1", "2021年2月9日", "高锰酸盐指数", "3.1", "毫克/升"],
        ["Q1", "2021年3月10日", "氨氮", "-0.15", "毫克/升"],
        ["Q1", "2021年4月8日", "总磷", "0.08", "毫克/升"],
    ])


@case
def case_csv_utf8_bom(folder: Path) -> None:
    """Every file UTF-8 with BOM (the BOM sits before the first header 测站编码 / 河湖编码);
    a daily flow of 120000 m³/s on line 3 is implausible (warning)."""
    write_base(folder, "utf-8-sig", 逐日流量=[
        FLOW_HEADER,
        ["H1", "2021-07-01", "850"],
        ["H1", "2021-07-02", "120000"],
        ["H1", "2021-07-03", "900"],
    ])


def _titled_sheet(book: openpyxl.Workbook, title: str, caption: str, rows: Rows,
                  merge_header: tuple[int, int] | None = None) -> None:
    """A sheet with a merged title row 1 and the header on row 2; ``merge_header`` (first,
    last column, 1-based) merges header cells of row 2 and inserts the blank columns."""
    sheet = book.create_sheet(title)
    width = len(rows[0]) + (merge_header[1] - merge_header[0] if merge_header else 0)
    sheet.cell(row=1, column=1, value=caption).font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    for r, row in enumerate(rows, start=2):
        cells = list(row)
        if merge_header:
            first, last = merge_header
            cells = cells[:first] + [None] * (last - first) + cells[first:]
        for c, value in enumerate(cells, start=1):
            if value is not None:
                sheet.cell(row=r, column=c, value=value)
    if merge_header:
        sheet.merge_cells(start_row=2, start_column=merge_header[0], end_row=2,
                          end_column=merge_header[1])


@case
def case_xlsx_merged_title(folder: Path) -> None:
    """Workbook whose sheets have a merged title row 1 above the header (row 2); in 评价河段 the
    header 河段名称 is merged over C2:D2. S2's length -7.8 on Excel row 4 is value.range."""
    book = new_workbook()
    _titled_sheet(book, "河湖名录", "清河河湖名录（2021年）", typed(WATER_BODIES))
    segments = typed(SEGMENTS)
    segments[2][3] = -7.8
    _titled_sheet(book, "评价河段", "评价河段划分（2021年）", segments, merge_header=(3, 4))
    _titled_sheet(book, "监测站点", "监测站点一览", STATIONS)
    save_workbook(book, folder / WORKBOOK)


@case
def case_xlsx_numbers_as_text(folder: Path) -> None:
    """Workbook with every number and date stored as text (read fine, ``1,234.5`` too), and
    one European decimal ``12,5`` on Excel row 4 of 逐日流量 (type.float)."""
    book = new_workbook()
    for name, rows in BASE.items():
        add_sheet(book, name, rows)
    add_sheet(book, "逐日流量", [
        FLOW_HEADER,
        ["H1", "2021-04-01", "12.5"],
        ["H1", "2021-04-02", "13"],
        ["H1", "2021-04-03", "12,5"],
        ["H1", "2021-04-04", "1,234.5"],
    ])
    save_workbook(book, folder / WORKBOOK)


@case
def case_fullwidth(folder: Path) -> None:
    """Full-width digits, dates and header brackets read fine; ``１２．５ａ`` on line 4 is
    type.float."""
    write_base(folder, 逐日流量=[
        ["测站编码", "日期", "日均流量（m³/s）"],
        ["H1", "２０２１－０３－０１", "１２．５"],
        ["H1", "２０２１年３月２日", "１３"],
        ["H1", "2021-03-03", "１２．５ａ"],
        ["H1", "2021-03-04", "０．５"],
    ])


@case
def case_xlsx_empty_sheet(folder: Path) -> None:
    """Workbook with an empty sheet 逐日流量 (table.empty warning)."""
    book = new_workbook()
    for name, rows in BASE.items():
        add_sheet(book, name, typed(rows))
    book.create_sheet("逐日流量")
    save_workbook(book, folder / WORKBOOK)


@case
def case_xlsx_title_blank_row(folder: Path) -> None:
    """Workbook sheet 逐日流量 with a merged title row 1, the header on row 2, an empty Excel
    row 4 between data (row.empty) and the flow -3 on Excel row 5 (value.range at row 5)."""
    book = new_workbook()
    for name, rows in BASE.items():
        add_sheet(book, name, typed(rows))
    _titled_sheet(book, "逐日流量", "清河水文站逐日平均流量表（2021年）", [
        FLOW_HEADER,
        ["H1", "2021-01-01", 3.0],
        [None, None, None],
        ["H1", "2021-01-02", -3.0],
    ])
    save_workbook(book, folder / WORKBOOK)


@case
def case_empty_required_csv(folder: Path) -> None:
    """A zero-byte 河湖名录.csv: empty (table.empty warning), hence the required table is
    missing (table.required)."""
    write_base(folder, 河湖名录=None)
    (folder / "河湖名录.csv").write_bytes(b"")


@case
def case_xlsx_missing_segments(folder: Path) -> None:
    """Workbook without the required sheet 评价河段 (table.required)."""
    book = new_workbook()
    add_sheet(book, "河湖名录", typed(WATER_BODIES))
    add_sheet(book, "监测站点", STATIONS)
    save_workbook(book, folder / WORKBOOK)


@case
def case_duplicate_segment(folder: Path) -> None:
    """评价河段 lists S1 twice (line 4 repeats line 2: key.duplicate)."""
    write_base(folder, 评价河段=SEGMENTS + [["S1", "W1", "上游段（重复）", "5.2"]])


@case
def case_duplicate_daily_flow(folder: Path) -> None:
    """逐日流量 gives H1 on 2021-01-01 twice, the second time written 2021/1/1 (line 4,
    key.duplicate)."""
    write_base(folder, 逐日流量=[
        FLOW_HEADER,
        ["H1", "2021-01-01", "15.2"],
        ["H1", "2021-01-02", "14.8"],
        ["H1", "2021/1/1", "15.0"],
    ])


@case
def case_repeated_samples(folder: Path) -> None:
    """Two dissolved-oxygen samples of Q1 on 2021-05-10, one written 溶解氧 (line 4,
    key.duplicate_sample warning)."""
    write_base(folder, 水质监测数据=[
        WQ_HEADER,
        ["Q1", "2021-05-10", "do", "7.2", "mg/L"],
        ["Q1", "2021-05-10", "nh3n", "0.3", "mg/L"],
        ["Q1", "2021-05-10", "溶解氧", "7.4", "mg/L"],
    ])


@case
def case_unknown_station(folder: Path) -> None:
    """Samples at station Q9, which 监测站点 lacks (lines 3 and 4: one reference.unknown)."""
    write_base(folder, 水质监测数据=[
        WQ_HEADER,
        ["Q1", "2021-05-10", "do", "7.2", "mg/L"],
        ["Q9", "2021-05-10", "do", "6.8", "mg/L"],
        ["Q9", "2021-06-10", "do", "6.5", "mg/L"],
    ])


@case
def case_unknown_segment(folder: Path) -> None:
    """Station Q2 in segment S9, which 评价河段 lacks (line 4, reference.unknown)."""
    write_base(folder, 监测站点=STATIONS + [["Q2", "S9", "支流断面", "水质"]])


@case
def case_unknown_taxon(folder: Path) -> None:
    """A benthos sample of 颤蚓, which 底栖动物分类属性 lacks (line 3, reference.unknown)."""
    write_base(folder, 底栖动物采样=[
        ["点位编码", "河段编码", "采样日期", "分类单元", "个体数"],
        ["B1", "S1", "2021-05-12", "摇蚊", "12"],
        ["B1", "S1", "2021-05-12", "颤蚓", "30"],
        ["B1", "S1", "2021-05-12", "蜉蝣", "4"],
    ], 底栖动物分类属性=[
        ["分类单元", "目", "科", "耐污值"],
        ["摇蚊", "双翅目", "摇蚊科", "6.0"],
        ["蜉蝣", "蜉蝣目", "四节蜉科", "4.0"],
    ])


@case
def case_empty_csv(folder: Path) -> None:
    """A zero-byte 逐日流量.csv (table.empty warning)."""
    write_base(folder)
    (folder / "逐日流量.csv").write_bytes(b"")


@case
def case_xlsx_zero_byte(folder: Path) -> None:
    """A zero-byte input.xlsx (file.unreadable)."""
    (folder / WORKBOOK).write_bytes(b"")


@case
def case_xlsx_not_excel(folder: Path) -> None:
    """A CSV text file named input.xlsx (file.unreadable)."""
    (folder / WORKBOOK).write_bytes(csv_text(WATER_BODIES).encode("utf-8"))


@case
def case_csv_undecodable(folder: Path) -> None:
    """监测站点.csv saved as UTF-16 (Excel's "Unicode text"): neither UTF-8 nor GB18030
    (file.encoding); the other files are still read, so the unreadable flow ``x`` on line 3 of
    逐日流量.csv is reported in the same pass (type.float)."""
    write_base(folder, 监测站点=None, 逐日流量=[
        FLOW_HEADER,
        ["H1", "2021-08-01", "4.1"],
        ["H1", "2021-08-02", "x"],
    ])
    (folder / "监测站点.csv").write_bytes(csv_text(STATIONS).encode("utf-16"))


@case
def case_ph_15(folder: Path) -> None:
    """pH 15 on line 3: outside [0, 14] (value.range; being in error, it gets no
    value.implausible warning for the plausible [4, 11] besides)."""
    write_base(folder, 水质监测数据=[
        WQ_HEADER,
        ["Q1", "2021-06-08", "ph", "7.4", "无量纲"],
        ["Q1", "2021-07-06", "ph", "15", "无量纲"],
    ])


@case
def case_do_25(folder: Path) -> None:
    """Dissolved oxygen 25 mg/L on line 3 (value.implausible warning)."""
    write_base(folder, 水质监测数据=[
        WQ_HEADER,
        ["Q1", "2021-06-08", "溶解氧", "8.1", "mg/L"],
        ["Q1", "2021-07-06", "溶解氧", "25", "mg/L"],
    ])


@case
def case_negative_flow(folder: Path) -> None:
    """daily_flow.csv with code headers; flow -3.2 on line 3 (value.range)."""
    write_base(folder, daily_flow=[
        ["station_id", "date", "flow_m3s"],
        ["H1", "2021-08-01", "4.1"],
        ["H1", "2021-08-02", "-3.2"],
    ])


@case
def case_cover_120(folder: Path) -> None:
    """Macrophyte cover ``120%`` on line 3 (value.range; ``45%`` reads as 45)."""
    write_base(folder, 大型水生植物样方=[
        ["样方编码", "河段编码", "覆盖度(%)"],
        ["P1", "S1", "45%"],
        ["P2", "S2", "120%"],
    ])


@case
def case_developed_exceeds(folder: Path) -> None:
    """S2's developed shoreline 9.5 km exceeds its shoreline 8 km (line 3, value.exceeds)."""
    write_base(folder, 岸线利用=[
        ["河段编码", "岸线总长度(km)", "已开发利用长度(km)", "已依法合规或修复长度(km)"],
        ["S1", "10.4", "3.2", "3.0"],
        ["S2", "8.0", "9.5", "2.0"],
    ])


@case
def case_bad_code(folder: Path) -> None:
    """岸别 ``上岸`` on line 3 (code.unknown; 左岸 and 黏土/岩土/轻度/无冲刷 are labels)."""
    write_base(folder, 岸坡调查样点=[
        ["样点编码", "河段编码", "岸别", "岸坡倾角(°)", "岸坡植被覆盖度(%)", "岸坡高度(m)",
         "基质", "坡脚冲刷强度"],
        ["BP1", "S1", "左岸", "30", "60", "2.5", "黏土", "轻度"],
        ["BP2", "S1", "上岸", "25", "70", "2.0", "岩土", "无冲刷"],
    ])


@case
def case_missing_column(folder: Path) -> None:
    """逐日流量 without its required column 日均流量 (column.required)."""
    write_base(folder, 逐日流量=[
        ["测站编码", "日期"],
        ["H1", "2021-03-01"],
    ])


@case
def case_duplicate_column(folder: Path) -> None:
    """逐日流量 gives the flow twice, as 日均流量(m3/s) and flow_m3s (column.duplicate)."""
    write_base(folder, 逐日流量=[
        ["测站编码", "日期", "日均流量(m3/s)", "flow_m3s"],
        ["H1", "2021-03-01", "12.0", "12.0"],
    ])


@case
def case_header_unit_unknown(folder: Path) -> None:
    """Header 日均流量(ppm): not a flow unit (column.unit)."""
    write_base(folder, 逐日流量=[
        ["测站编码", "日期", "日均流量(ppm)"],
        ["H1", "2021-03-01", "12.0"],
    ])


@case
def case_sample_unit_unknown(folder: Path) -> None:
    """A sample row whose 单位 is ``ppm`` (line 3, unit.unknown)."""
    write_base(folder, 水质监测数据=[
        WQ_HEADER,
        ["Q1", "2021-03-10", "nh3n", "0.3", "mg/L"],
        ["Q1", "2021-04-10", "nh3n", "300", "ppm"],
    ])


@case
def case_not_detected_without_limit(folder: Path) -> None:
    """``未检出`` with a 检出限 (line 2) and ``<0.01`` (line 3) read fine; ``未检出`` without a
    limit on line 4 is value.below_detection_without_limit."""
    write_base(folder, 水质监测数据=[
        ["测站编码", "采样日期", "监测项目", "监测值", "检出限"],
        ["Q1", "2021-03-10", "氨氮", "未检出", "0.025"],
        ["Q1", "2021-04-10", "总磷", "<0.01", None],
        ["Q1", "2021-05-10", "氨氮", "未检出", None],
    ])


@case
def case_sample_outside_year(folder: Path) -> None:
    """A Q1 sample dated 2020-12-15 on line 3, outside the evaluation year 2021
    (date.outside_evaluation_year warning)."""
    write_base(folder, 水质监测数据=[
        WQ_HEADER,
        ["Q1", "2021-01-12", "do", "7.5", "mg/L"],
        ["Q1", "2020-12-15", "do", "8.0", "mg/L"],
    ])


@case
def case_unknown_parameter(folder: Path) -> None:
    """Parameter 浊度 (turbidity, in NTU) on line 3 (parameter.unknown warning)."""
    write_base(folder, 水质监测数据=[
        WQ_HEADER,
        ["Q1", "2021-03-10", "溶解氧", "7.1", "mg/L"],
        ["Q1", "2021-03-10", "浊度", "12", "NTU"],
    ])


@case
def case_blank_required_cell(folder: Path) -> None:
    """A blank 日均流量 on line 3 (value.missing)."""
    write_base(folder, 逐日流量=[
        FLOW_HEADER,
        ["H1", "2021-03-01", "12"],
        ["H1", "2021-03-02", None],
    ])


@case
def case_blank_row(folder: Path) -> None:
    """An empty line 3 between data (row.empty warning); the flow -1 on line 5 after it keeps
    its line number (value.range)."""
    folder.joinpath("逐日流量.csv").write_bytes(
        "测站编码,日期,日均流量(m3/s)\nH1,2021-03-01,12\n\nH1,2021-03-02,13\n"
        "H1,2021-03-03,-1\n".encode())
    write_base(folder)


@case
def case_csv_title_row(folder: Path) -> None:
    """A CSV with a title line above the header (line 2): the flow -2.5 on line 4 is
    value.range at row 4."""
    write_base(folder, 逐日流量=[
        ["清河水文站逐日平均流量表（2021年）", None, None],
        FLOW_HEADER,
        ["H1", "2021-03-01", "12"],
        ["H1", "2021-03-02", "-2.5"],
    ])


@case
def case_unknown_file(folder: Path) -> None:
    """A file 现场照片清单.csv that names no table (table.unknown warning)."""
    write_base(folder, 现场照片清单=[["照片编号", "说明"], ["1", "一号断面上游"]])


@case
def case_table_twice(folder: Path) -> None:
    """wq_samples.csv (code headers) and 水质监测数据.csv: one table given twice
    (table.duplicate, reported on the second file read)."""
    write_base(folder, wq_samples=[
        ["station_id", "date", "parameter", "value", "unit"],
        ["Q1", "2021-03-10", "do", "7.1", "mg/L"],
    ], 水质监测数据=[
        WQ_HEADER,
        ["Q1", "2021-04-10", "溶解氧", "7.3", "mg/L"],
    ])


@case
def case_bad_boolean(folder: Path) -> None:
    """是否规范化建设 ``待定`` on line 3 (type.bool)."""
    write_base(folder, 入河排污口=[
        ["排污口编码", "河段编码", "是否规范化建设", "设置情况"],
        ["PK1", "S1", "是", "合规"],
        ["PK2", "S2", "待定", "不合规"],
    ])


@case
def case_impossible_date(folder: Path) -> None:
    """Date 2021-02-30 on line 3 (type.date)."""
    write_base(folder, 逐日流量=[
        FLOW_HEADER,
        ["H1", "2021-02-28", "10.5"],
        ["H1", "2021-02-30", "10.7"],
    ])


@case
def case_non_integer_year(folder: Path) -> None:
    """评价年份 2021.5 (line 2, type.int)."""
    write_base(folder, 河湖名录=[WATER_BODIES[0], ["W1", "清河", "河流", "2021.5"]])


@case
def case_longitude_outside_china(folder: Path) -> None:
    """H1 at longitude 150.2 °E (line 3, value.implausible warning)."""
    write_base(folder, 监测站点=[
        STATIONS[0] + ["经度", "纬度"],
        STATIONS[1] + ["115.9", "28.7"],
        STATIONS[2] + ["150.2", "28.7"],
    ])


@case
def case_month_13(folder: Path) -> None:
    """Month 13 in 逐月实测与天然流量 (line 3, value.range)."""
    write_base(folder, 逐月实测与天然流量=[
        ["河湖编码", "年份", "月份", "实测月均流量(m3/s)", "天然月均流量(m3/s)"],
        ["W1", "2021", "12", "30.5", "35.0"],
        ["W1", "2021", "13", "28.0", "33.0"],
    ])


def _header_only(spec) -> Callable[[Path], None]:
    """A case writer: the base with table ``spec`` given as its header row alone."""
    def write(folder: Path) -> None:
        header = [column.zh for column in spec.columns if column.required]
        write_base(folder, **{spec.zh: [header]})
    write.__doc__ = f"{spec.zh} with its header and no data row."
    return write


#: Empty tables per table (issue 16): every catalogue table given with its header only.
for _spec in TABLES:
    CASES[f"header_only_{_spec.name}"] = _header_only(_spec)


@case
def case_station_of_unknown_segment(folder: Path) -> None:
    """H1 serves segment S9, which 评价河段 lacks (line 3, reference.unknown); its daily flows
    are not used either (lines 2–3, reference.unusable)."""
    write_base(folder, 监测站点=[STATIONS[0], STATIONS[1], ["H1", "S9", "清河水文站", "水文"]],
               逐日流量=[FLOW_HEADER, ["H1", "2021-01-01", "10.5"], ["H1", "2021-01-02", "10.7"]])


@case
def case_no_stations_table(folder: Path) -> None:
    """Daily flows without 监测站点: their station cannot be placed (reference.table_missing)."""
    write_base(folder, 监测站点=None,
               逐日流量=[FLOW_HEADER, ["H1", "2021-01-01", "10.5"], ["H1", "2021-01-02", "10.7"]])


# validate and run make the same checks (issue 16): the places of segments and supplied values

SUPPLIED_HEADER = ["河湖编码", "河段编码", "指标编码", "指标值"]


@case
def case_segment_of_unknown_water_body(folder: Path) -> None:
    """S3 of water body W9, which 河湖名录 lacks (line 4, reference.water_body)."""
    write_base(folder, 评价河段=SEGMENTS + [["S3", "W9", "尾段", "1.0"]])


@case
def case_segment_id_case(folder: Path) -> None:
    """S3 of water body w1: W1 differs only in case (line 4, reference.water_body)."""
    write_base(folder, 评价河段=SEGMENTS + [["S3", "w1", "尾段", "1.0"]])


@case
def case_water_body_without_segments(folder: Path) -> None:
    """W2 has no segment (line 3, water_body.no_segment)."""
    write_base(folder, 河湖名录=WATER_BODIES + [["W2", "浊河", "河流", "2021"]])


@case
def case_zero_length_segment(folder: Path) -> None:
    """S2 of length 0 cannot weight the water body (line 3, segment.weight_missing)."""
    write_base(folder, 评价河段=[SEGMENTS[0], SEGMENTS[1], ["S2", "W1", "下游段", "0"]])


@case
def case_supplied_unknown_indicator(folder: Path) -> None:
    """A value supplied for water.nonsense (line 2, supplied.unknown_indicator)."""
    write_base(folder, 指标直接赋值=[SUPPLIED_HEADER, ["W1", "S1", "water.nonsense", "50"]])


@case
def case_supplied_foreign_segment(folder: Path) -> None:
    """A value for S1 given under water body W2, which is unknown (line 2, reference.segment
    and reference.water_body)."""
    write_base(folder, 指标直接赋值=[SUPPLIED_HEADER, ["W2", "S1", "water.sediment", "50"]])


# issues that name their row and column (issue 16)

@case
def case_stray_bom(folder: Path) -> None:
    """A byte-order mark at the start of line 3 (two exports joined): removed, text.bom."""
    write_base(folder, 逐日流量=[FLOW_HEADER, ["H1", "2021-01-01", "10.5"],
                              ["\ufeffH1", "2021-01-02", "10.7"]])


@case
def case_unclosed_quote(folder: Path) -> None:
    """A double quote opened on line 3 and never closed (csv.unclosed_quote)."""
    write_base(folder)
    (folder / "逐日流量.csv").write_bytes(csv_text([FLOW_HEADER]).encode()
                                       + b'H1,2021-01-01,10.5\n"H1,2021-01-02,10.7\n'
                                         b"H1,2021-01-03,10.9\n")


@case
def case_lake_areas_for_river(folder: Path) -> None:
    """Lake areas given for the river W1 (line 2, table.kind_mismatch: not used)."""
    write_base(folder, 湖泊面积=[["河湖编码", "现状水面面积(km2)", "历史参考面积(km2)", "参考年份"],
                              ["W1", "2.0", "2.5", "1985"]])


# --------------------------------------------------------------------------------------------
# Hostile ids, control characters, absurd magnitudes and formulas (issue 16, items 2 and 11):
# the engine must read, evaluate and write outputs and reports of these without a crash, a
# formula, a control character or a file outside the output folder.
# --------------------------------------------------------------------------------------------

#: Water-body ids no file system takes as they are, each a river with one segment.
HOSTILE_IDS = ("W" + "x" * 299, "a/b", "..", "../../escape", "CON", "nul", "COM1", "W1.",
               "C:\\evil", "河湖/一", "<i>")


#: A value for each mandatory indicator of the packaged river profile, so that a river
#: without monitoring data still evaluates (supplied values, 指标直接赋值).
MANDATORY_RIVER_VALUES = (("basin.shoreline_naturalness", "80"),
                          ("basin.shoreline_violations", "80"), ("water.wq_grade", "2"),
                          ("water.self_purification", "7"), ("water.eco_flow", "80"),
                          ("biota.fish_retention", "0.8"), ("social.public_satisfaction", "85"))


def _rivers(ids: list[str], segment_of=lambda wid, i: f"S{i}") -> dict[str, Rows]:
    """Tables 河湖名录, 评价河段 and 指标直接赋值 of one river per id (segment ids from
    ``segment_of``), its mandatory indicators supplied; no station."""
    return {"河湖名录": [WATER_BODIES[0]] + [[wid, f"河{i}", "河流", "2021"]
                                          for i, wid in enumerate(ids, 1)],
            "评价河段": [SEGMENTS[0]] + [[segment_of(wid, i), wid, f"段{i}", "3.5"]
                                        for i, wid in enumerate(ids, 1)],
            "指标直接赋值": [["河湖编码", "河段编码", "指标编码", "指标值"]]
            + [[wid, None, indicator, value] for wid in ids
               for indicator, value in MANDATORY_RIVER_VALUES],
            "监测站点": None}


@case
def case_hostile_ids(folder: Path) -> None:
    """Water-body and segment ids that are no file names: 300 characters, separators, ``..``,
    reserved Windows names (CON, nul, COM1), a trailing dot, a drive path, markup (no issue:
    ids may be anything; only the names on disk are derived)."""
    write_base(folder, **_rivers(list(HOSTILE_IDS), lambda wid, i: f"{wid}/段{i}"))


@case
def case_case_twin_ids(folder: Path) -> None:
    """Water bodies FH and fh, segments S1 and s1: ids that differ only in case are distinct
    ids (their report folders must be too, on case-insensitive file systems)."""
    write_base(folder, **_rivers(["FH", "fh"], lambda wid, i: "S1" if i == 1 else "s1"))


@case
def case_formula_names(folder: Path) -> None:
    """Names that a spreadsheet would run as formulas (=HYPERLINK, +, -, @) in 河湖名录,
    评价河段 and 监测站点, the mandatory indicators supplied (no issue: names are text;
    outputs must write them as text)."""
    write_base(folder, 河湖名录=[WATER_BODIES[0],
                               ["W1", '=HYPERLINK("http://example.com","点此")', "河流", "2021"]],
               评价河段=[SEGMENTS[0], ["S1", "W1", "+cmd|' /C calc'!A0", "5.2"],
                     ["S2", "W1", "@SUM(1+1)", "7.8"]],
               监测站点=[STATIONS[0], ["Q1", "S1", "-2+3", "水质"],
                     ["H1", "S1", "=1+1", "水文"]],
               指标直接赋值=_rivers(["W1"])["指标直接赋值"])


@case
def case_control_characters(folder: Path) -> None:
    """NUL, BEL and ESC in a name (line 2 of 河湖名录), a segment name and a station id (no
    issue: text), and ESC inside a flow on line 3 of 逐日流量 (type.float)."""
    write_base(folder, 河湖名录=[WATER_BODIES[0], ["W1", "清\x00河\x07", "河流", "2021"]],
               评价河段=[SEGMENTS[0], ["S1", "W1", "\x1b[31m上游段", "5.2"],
                     ["S2", "W1", "下游段", "7.8"]],
               监测站点=STATIONS + [["Q\x072", "S2", "二号断面", "水质"]],
               逐日流量=[FLOW_HEADER, ["H1", "2021-03-01", "12"],
                     ["H1", "2021-03-02", "1\x1b2.5"]])


@case
def case_magnitude_1e308(folder: Path) -> None:
    """1e308 as a flow (逐日流量 line 3), a level (逐日水位 line 2) and a total phosphorus
    (水质监测数据 line 3): finite, but beyond any water on Earth (value.range errors)."""
    write_base(folder, 逐日流量=[FLOW_HEADER, ["H1", "2021-03-01", "12"],
                             ["H1", "2021-03-02", "1e308"]],
               逐日水位=[["测站编码", "日期", "日均水位(m)"], ["H1", "2021-03-01", "1e308"]],
               水质监测数据=[WQ_HEADER, ["Q1", "2021-03-10", "总磷", "0.05", "mg/L"],
                       ["Q1", "2021-04-10", "总磷", "1e308", "mg/L"]])


@case
def case_xlsx_control_in_sheet_xml(folder: Path) -> None:
    """Workbook whose sheet 逐日流量 holds a raw BEL in cell A3 of its XML: the sheet cannot be
    parsed (sheet.xml at row 3, the cell's text shown with ␇); the other sheets are read."""
    book = new_workbook()
    for title, rows in BASE.items():
        add_sheet(book, title, typed(rows))
    add_sheet(book, "逐日流量", [FLOW_HEADER, ["H1", "2021-03-01", 12.0],
                                 ["H1-BEL", "2021-03-02", 13.0]])

    def bel_in_sheet(name: str, data: bytes) -> bytes:    # openpyxl writes strings inline
        if not name.startswith("xl/worksheets/"):
            return data
        return data.replace(b"<t>H1-BEL</t>", b"<t>H1-\x07BEL</t>")
    save_workbook(book, folder / WORKBOOK, bel_in_sheet)


# --------------------------------------------------------------------------------------------
# Issue 16: a district without its own measure catalogue (the input is valid; a run with
# reports warns measures.default_catalogue and says so in the plan section).
# --------------------------------------------------------------------------------------------

def _with_region(region: str) -> Rows:
    """The base water-body table with a 所在区域 column."""
    header, *rows = WATER_BODIES
    return [[*header, "所在区域"], *([*row, region] for row in rows)]


def district_catalogue_cases() -> None:
    """Register the cases of a water body outside the packaged catalogue's district."""

    @case
    def case_district_without_catalogue(folder: Path) -> None:
        """清河 lies in 濂溪区, for which no measure catalogue is given."""
        write_base(folder, 河湖名录=_with_region("江西省九江市濂溪区"))

    @case
    def case_district_blank(folder: Path) -> None:
        """所在区域 is there but blank."""
        write_base(folder, 河湖名录=_with_region(""))


district_catalogue_cases()


# --------------------------------------------------------------------------------------------

README = """# Broken input packages

Generated by `tools/make_bad_corpus.py` — do not edit by hand; change the generator and rerun
`python tools/make_bad_corpus.py`. One folder per case: a folder of CSV files (read as the
folder) or one `input.xlsx` (read as the workbook). `tests/test_bad_corpus.py` states the exact
issues each case must give.
"""


def write_corpus(out: Path = DEFAULT_OUT) -> list[str]:
    """(Re)write every case folder under ``out`` and remove folders of cases no longer
    defined; return the case names."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "README.md").write_bytes(README.encode())
    for stale in sorted(out.iterdir()):
        if stale.is_dir() and stale.name not in CASES:
            shutil.rmtree(stale)
    for name, writer in CASES.items():
        folder = out / name
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir()
        writer(folder)
    return list(CASES)


def main(argv: list[str]) -> None:
    out = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUT
    names = write_corpus(out)
    print(f"wrote {len(names)} cases to {out}")


if __name__ == "__main__":
    main(sys.argv)
