"""The measure catalogue as an Excel workbook a district technician fills in.

``health-eval measures template OUT.xlsx`` writes it pre-filled with the packaged catalogue
(items of 《青云谱区2021年河湖长制工作要点》) as an example; ``--measures FILE.xlsx`` reads it back.
Two sheets are read: 基本信息 (the district the catalogue is for and its source document) and
措施库 (one measure per row). A bad cell is an error naming the file, sheet, row and column, in
Chinese and English; every problem of the workbook is listed at once.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from health_eval.engine.registry import default_registry
from health_eval.io.atomic import atomic_path

from .measures import Catalogue, MeasuresError

INFO_SHEET, MEASURE_SHEET, HELP_SHEET = "基本信息", "措施库", "填表说明"


@dataclass(frozen=True)
class Column:
    """A column of the 措施库 sheet: its Chinese header, its key, width and meaning."""

    zh: str
    key: str
    width: int
    help_zh: str
    help_en: str
    required: bool = True


MEASURE_COLUMNS: tuple[Column, ...] = (
    Column("编号", "id", 14, "措施的唯一编号，如 xh2024-01", "unique id of the measure"),
    Column("措施名称", "title_zh", 30, "措施的中文名称", "name of the measure in Chinese"),
    Column("措施名称（英文）", "title_en", 30, "英文名称，可空（英文报告用）",
           "name in English, optional (English report)", required=False),
    Column("主要内容", "summary_zh", 60, "措施内容摘要", "summary of the measure"),
    Column("主要内容（英文）", "summary_en", 40, "英文摘要，可空", "summary in English, optional",
           required=False),
    Column("责任单位", "departments", 36, "责任单位，多个以“；”分隔，照原文书写",
           "responsible departments separated by ；, as the document lists them"),
    Column("针对指标", "indicators", 36,
           "措施针对的指标（中文名称，多个以“；”分隔）；保障措施可空",
           "indicators addressed (Chinese names separated by ；); may be empty for a "
           "cross-cutting measure", required=False),
    Column("保障措施", "cross_cutting", 10,
           "“是”：适用于全部薄弱指标的制度性措施，在报告中列出一次",
           "是 (yes): an institutional measure listed once for every weak indicator",
           required=False),
    Column("来源文件", "document", 30, "措施所出自的文件名称", "source document of the measure"),
    Column("条目", "item", 8, "措施在来源文件中的条目编号（正整数）",
           "item number in the source document (positive integer)"),
)
#: Rows of the 基本信息 sheet: label, key, meaning (zh, en).
INFO_ROWS: tuple[tuple[str, str, str, str], ...] = (
    ("适用区域", "region", "本措施库适用的区（县），与河湖名录“所在区域”对应，如 青云谱区",
     "district the catalogue is for, matched with 所在区域 of the water-body table"),
    ("来源文件", "title", "措施所出自的文件名称", "title of the source document"),
    ("发布单位", "publisher", "文件的发布单位", "publisher of the document"),
    ("发布日期", "date", "如 2021-12-24", "date of the document"),
    ("文号", "reference", "文号或索引号，可空", "reference number, optional"),
)
LIST_SPLIT = re.compile(r"[；;\n]+")
INDICATOR_SPLIT = re.compile(r"[；;、，,\n]+")
YES = {"是", "y", "yes", "true", "1", "√"}
NO = {"", "否", "n", "no", "false", "0", "×"}


def _indicator_names() -> tuple[dict[str, str], dict[str, str]]:
    """Indicator id → Chinese name, and every accepted spelling (name or id) → id."""
    names = {i.id: i.name_zh for i in default_registry()}
    spellings = {**{name: i for i, name in names.items()}, **{i: i for i in names}}
    return names, spellings


# --- writing -------------------------------------------------------------------------------

def write_measures_template(path: str | os.PathLike, catalogue: Catalogue | None = None
                            ) -> Path:
    """Write the Excel measure catalogue, pre-filled with ``catalogue`` (default: the packaged
    one, as an example to overwrite).

    Returns
    -------
    Path
        The workbook written (atomically).
    """
    from .measures import load_measures

    catalogue = catalogue or load_measures()
    names, _ = _indicator_names()
    book = Workbook()
    _help_sheet(book.active)
    _info_sheet(book.create_sheet(INFO_SHEET), catalogue)
    _measure_sheet(book.create_sheet(MEASURE_SHEET), catalogue, names)
    target = Path(path)
    with atomic_path(target) as temporary:
        book.save(temporary)
    return target


def _header(sheet, labels: Iterable[str], widths: Iterable[int]) -> None:
    sheet.append(list(labels))
    for number, width in enumerate(widths, start=1):
        sheet.cell(1, number).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(number)].width = width
    sheet.freeze_panes = "A2"


def _help_sheet(sheet) -> None:
    sheet.title = HELP_SHEET
    _header(sheet, ["项目", "说明", "Explanation"], [16, 80, 70])
    rows = [
        ("用途", "本工作簿是“一河（湖）一策”修编建议所用的措施库，每个区（县）一份。报告对薄弱"
                 "指标列出本库中针对该指标的措施及责任单位。",
         "The measure catalogue of the plan-revision report, one per district: the report "
         "lists, for each weak indicator, the measures of this catalogue that address it."),
        ("示例", "表中已填内容是内置示例（青云谱区 2021 年河湖长制工作要点第 1–22 条），请改写为"
                 "本区的措施后再使用。",
         "The rows filled in are the packaged example (items 1–22 of the 2021 work plan of "
         "青云谱区): replace them with your district's measures."),
        ("适用区域", "“基本信息”表的“适用区域”填区（县）名；河湖名录“所在区域”以该名称结尾"
                     "（如 江西省南昌市青云谱区）的河湖使用本库。",
         "基本信息 › 适用区域 names the district; water bodies whose 所在区域 ends with it "
         "use this catalogue."),
        ("使用", "health-eval run 数据.xlsx --report html,docx --measures 区名=本文件.xlsx；"
                 "多个区各给一次 --measures，不带区名的一份作为其余河湖的默认措施库。",
         "health-eval run data.xlsx --report html,docx --measures DISTRICT=this.xlsx; one "
         "--measures per district, one without a district as the default of the others."),
    ]
    rows += [(f"措施库：{c.zh}", c.help_zh + ("（必填）" if c.required else "（选填）"),
              c.help_en + (" (required)" if c.required else " (optional)"))
             for c in MEASURE_COLUMNS]
    for row in rows:
        sheet.append(list(row))
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _info_sheet(sheet, catalogue: Catalogue) -> None:
    _header(sheet, ["项目", "内容", "说明 / explanation"], [14, 50, 70])
    document = catalogue.source_document
    values = {"region": catalogue.region,
              **({k: getattr(document, k) for k in ("title", "publisher", "date", "reference")}
                 if document else {})}
    for label, key, help_zh, help_en in INFO_ROWS:
        sheet.append([label, values.get(key) or "", f"{help_zh} / {help_en}"])


def _measure_sheet(sheet, catalogue: Catalogue, names: Mapping[str, str]) -> None:
    _header(sheet, [c.zh for c in MEASURE_COLUMNS], [c.width for c in MEASURE_COLUMNS])
    document = catalogue.source_document.title if catalogue.source_document else ""
    for m in catalogue.measures:
        sheet.append([m.id, m.title_zh, m.title_en, m.summary_zh, m.summary_en,
                      "；".join(m.departments), "；".join(names.get(i, i) for i in m.indicators),
                      "是" if m.cross_cutting else "否", document, m.source.item])
    column = get_column_letter(1 + [c.key for c in MEASURE_COLUMNS].index("cross_cutting"))
    choice = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
    sheet.add_data_validation(choice)
    choice.add(f"{column}2:{column}1000")


# --- reading -------------------------------------------------------------------------------

class _Problems:
    """Located problems of one workbook, collected and raised together."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lines: list[str] = []

    def add(self, sheet: str, row: int | None, column: str | None, zh: str, en: str) -> None:
        where_zh = "，".join(p for p in (f"工作表 {sheet}", row and f"第 {row} 行",
                                         column and f"列 {column}") if p)
        where_en = ", ".join(p for p in (f"sheet {sheet}", row and f"row {row}",
                                         column and f"column {column}") if p)
        self.lines.append(f"{where_zh}：{zh} / {where_en}: {en}")

    def raise_any(self) -> None:
        if self.lines:
            raise MeasuresError(f"{self.path}: 措施库有 {len(self.lines)} 处错误 / "
                                f"{len(self.lines)} error(s) in the measure catalogue:\n"
                                + "\n".join(f"  {line}" for line in self.lines))


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _header_positions(header: tuple, problems: _Problems) -> dict[str, int]:
    by_name = {c.zh: c.key for c in MEASURE_COLUMNS} | {c.key: c.key for c in MEASURE_COLUMNS}
    positions = {by_name[_text(v)]: n for n, v in enumerate(header) if _text(v) in by_name}
    for c in MEASURE_COLUMNS:
        if c.key not in positions and c.required:
            problems.add(MEASURE_SHEET, 1, c.zh, "缺少此列", "this column is missing")
    return positions


def read_measures_workbook(path: str | os.PathLike, known_indicators: set[str] | None = None
                           ) -> dict[str, Any]:
    """The catalogue mapping (the form of ``measures.yaml``) of an Excel measure catalogue.

    Parameters
    ----------
    path : path of the ``.xlsx`` written by :func:`write_measures_template`
    known_indicators : set of str, optional
        Indicator ids that exist besides the built-ins (own indicators, plugins).

    Raises
    ------
    MeasuresError
        Listing every problem with its sheet, row and column: a missing sheet or column, a
        blank required cell, an unknown indicator, an item that is not a positive integer.
    """
    path = Path(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
        raise MeasuresError(f"{path}: 无法读取措施库工作簿 / cannot read the measure catalogue "
                            f"workbook: {exc}") from exc
    problems = _Problems(path)
    try:
        info = _read_info(book, problems)
        measures = _read_measures(book, problems, known_indicators or set())
    finally:
        book.close()
    problems.raise_any()
    document = {k: info[k] for k in ("title", "publisher", "date", "reference") if info.get(k)}
    data: dict[str, Any] = {"measures": measures}
    if info.get("region"):
        data["region"] = info["region"]
    if document.get("title"):
        data["source_document"] = document
    return data


def _read_info(book, problems: _Problems) -> dict[str, str]:
    if INFO_SHEET not in book.sheetnames:
        problems.add(INFO_SHEET, None, None, "缺少此工作表", "this sheet is missing")
        return {}
    labels = {label: key for label, key, _, _ in INFO_ROWS}
    info = {}
    for row in book[INFO_SHEET].iter_rows(min_row=2, values_only=True):
        if row and _text(row[0]) in labels and len(row) > 1:
            info[labels[_text(row[0])]] = _text(row[1])
    return info


def _read_measures(book, problems: _Problems, known: set[str]) -> list[dict[str, Any]]:
    if MEASURE_SHEET not in book.sheetnames:
        problems.add(MEASURE_SHEET, None, None, "缺少此工作表", "this sheet is missing")
        return []
    rows = book[MEASURE_SHEET].iter_rows(values_only=True)
    positions = _header_positions(next(rows, ()), problems)
    _, spellings = _indicator_names()
    spellings |= {i: i for i in known}
    headers = {c.key: c.zh for c in MEASURE_COLUMNS}
    measures = []
    for number, row in enumerate(rows, start=2):
        cells = {key: _text(row[p]) if p < len(row) else "" for key, p in positions.items()}
        if not any(cells.values()):
            continue
        measure = _measure(cells, number, spellings, headers, problems)
        if measure is not None:
            measures.append(measure)
    if not measures and not problems.lines:
        problems.add(MEASURE_SHEET, None, None, "没有措施", "no measure in the sheet")
    return measures


def _measure(cells: dict[str, str], row: int, spellings: Mapping[str, str],
             headers: Mapping[str, str], problems: _Problems) -> dict[str, Any] | None:
    """One row as a measure mapping, or None after recording its problems."""
    before = len(problems.lines)

    def bad(key: str, zh: str, en: str) -> None:
        problems.add(MEASURE_SHEET, row, headers[key], zh, en)

    for c in MEASURE_COLUMNS:
        if c.required and not cells.get(c.key):
            bad(c.key, "必填项为空", "a required cell is blank")
    indicators = []
    for name in filter(None, (n.strip() for n in INDICATOR_SPLIT.split(cells.get("indicators",
                                                                                  "")))):
        if name in spellings:
            indicators.append(spellings[name])
        else:
            bad("indicators", f"未知指标“{name}”（应为指标中文名称，见 health-eval indicators）",
                f"unknown indicator '{name}' (give its Chinese name, see health-eval "
                f"indicators)")
    flag = cells.get("cross_cutting", "").lower()
    if flag not in YES | NO:
        bad("cross_cutting", f"“{cells['cross_cutting']}”应为 是 或 否",
            f"'{cells['cross_cutting']}' must be 是 or 否")
    item = cells.get("item", "")
    number = int(float(item)) if re.fullmatch(r"\d+(\.0+)?", item) else 0
    if item and number < 1:
        bad("item", f"“{item}”不是正整数", f"'{item}' is not a positive integer")
    if not indicators and flag not in YES and cells.get("id"):
        bad("indicators", "非保障措施须至少针对一个指标",
            "a measure that is not cross-cutting needs at least one indicator")
    if len(problems.lines) > before:
        return None
    return {"id": cells["id"], "title_zh": cells["title_zh"],
            "title_en": cells.get("title_en") or cells["title_zh"],
            "summary_zh": cells["summary_zh"],
            "summary_en": cells.get("summary_en") or cells["summary_zh"],
            "departments": [d.strip() for d in LIST_SPLIT.split(cells["departments"])
                            if d.strip()],
            "indicators": indicators, "cross_cutting": flag in YES,
            "source": {"document": cells["document"], "item": number}}
