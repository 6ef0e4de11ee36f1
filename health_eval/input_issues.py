"""Issues found while reading input files, located and worded in Chinese and English.

The readers and the cell coercion report every problem through a :class:`Sink`, which turns a rule
code and the cell's location (:class:`Origin`: table, file, sheet) into a bilingual
:class:`~health_eval.issues.Issue`, and lists at most :data:`MAX_ISSUES_PER_COLUMN` per column
(the rest are counted in one summary issue).

References: ARCHITECTURE.md §1, §7 (messages that name file, sheet, row, column, value and rule).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .display_names import column_label, file_label, table_label
from .issues import Issue

if TYPE_CHECKING:
    from .cells import Cells

__all__ = ["INPUT", "MAX_ISSUES_PER_COLUMN", "Origin", "Sink"]

#: Issues listed one by one per table and column; the rest are counted in one summary issue.
MAX_ISSUES_PER_COLUMN = 1000
#: Issue.table for problems not tied to one catalogue table.
INPUT = "input"


_MESSAGES: dict[str, tuple[str, str]] = {
    "type.float": ("无法将“{value}”读取为数值", "cannot read '{value}' as a number"),
    "type.int": ("无法将“{value}”读取为整数", "cannot read '{value}' as a whole number"),
    "type.bool": ("无法将“{value}”读取为是/否（可填 是/否、true/false、1/0、yes/no、y/n、√/×、有/无）",
                  "cannot read '{value}' as yes/no (use 是/否, true/false, 1/0, yes/no, y/n, "
                  "√/×, 有/无)"),
    "type.date": ("无法将“{value}”读取为日期（可填 2021-03-05、2021/3/5、2021.3.5、2021年3月5日）",
                  "cannot read '{value}' as a date (use 2021-03-05, 2021/3/5, 2021.3.5 or "
                  "2021年3月5日)"),
    "code.unknown": ("“{value}”不是允许的取值，允许：{allowed}",
                     "'{value}' is not an allowed value; allowed: {allowed}"),
    "value.missing": ("必填值为空", "required value is empty"),
    "value.below_detection_without_limit": (
        "“{value}”表示未检出，但该行没有检出限",
        "'{value}' marks a value below detection but the row has no detection limit "
        "(detection_limit / 检出限)"),
    "column.required": ("缺少必填列“{zh}”", "required column {code} ({zh}) is missing"),
    "column.unit": ("列标题“{header}”的单位“{unit}”无法换算为该列的单位“{expected}”（可用单位：{known}）",
                    "header '{header}' gives unit '{unit}', which cannot be converted to the "
                    "column's unit '{expected}' (units accepted: {known})"),
    "unit.unknown": ("单位“{value}”无法识别或不能用于监测项目 {parameter}（应为 {expected}，可用单位："
                     "{known}）",
                     "unit '{value}' is unknown or not a unit of parameter {parameter} (its "
                     "unit is {expected}; units accepted: {known})"),
    "value.range": ("值 {value} 超出允许范围 {range}", "value {value} is outside the allowed "
                    "range {range}"),
    "value.implausible": ("值 {value} 超出合理范围 {range}，请核实（该值仍参与计算）",
                          "value {value} is outside the plausible range {range}; please check "
                          "it (it is used)"),
    "value.exceeds": ("值 {value} 大于同一行的 {limit}（{limit_value}）",
                      "value {value} is larger than {limit} of the same row ({limit_value})"),
    "reference.unknown": ("{label} {key} 不在表“{target_zh}”中：{n} 行数据未被使用（首行见行号）",
                          "{code} {key} is not in {target}: {n} row(s) were not used (the "
                          "first at this row)"),
    "reference.unusable": ("{label} {key} 在表“{target_zh}”中的行本身未被使用（见该行的问题）：{n} 行数据也未被"
                           "使用（首行见行号）",
                           "{code} {key} is named in {target} only by a row that is not used "
                           "(see its issue): {n} row(s) were not used either (the first at "
                           "this row)"),
    "reference.table_missing": ("没有表“{zh}”或它没有数据行：本表 {n} 行数据的{label}无法"
                                "对应到河段，未被使用（首行见行号）",
                                "table {target} ({zh}) is missing or has no data row: {n} "
                                "row(s) name a {code} that cannot be placed and were not used "
                                "(the first at this row)"),
    "table.kind_mismatch": ("{key} 所在河湖 {water_body} 的类型是{kind}，而表 {zh} 只用于{kinds}的指标：{n} 行"
                            "数据未被使用（首行见行号）",
                            "{key} belongs to water body {water_body}, a {kind}, but table {zh} "
                            "is read only by indicators of a {kinds}: {n} row(s) were not used "
                            "(the first at this row)"),
    "parameter.unknown": ("监测项目“{key}”不是本方法的项目（如 氨氮、总磷）：{n} 行数据未被使用"
                          "（首行见行号）",
                          "parameter '{key}' is not one of the method's (e.g. nh3n, tp; see "
                          "SPEC §5): {n} row(s) were not used (the first at this row)"),
    "date.outside_evaluation_year": (
        "测站 {key} 有 {n} 行数据不在评价年 {year} 内，未参与计算（首行见行号，问题值为其日期）",
        "station {key}: {n} row(s) outside the evaluation year {year} were not used (the "
        "first at this row, its date as the value)"),
    "key.duplicate": ("{key} 与第 {first} 行重复（键 {columns} 必须唯一）",
                      "{key} repeats row {first} (key {columns} must be unique)"),
    "key.duplicate_sample": ("{key} 与第 {first} 行重复：同一测站、日期、项目的重复样品都参与平均，"
                             "请核实是否为平行样",
                             "{key} repeats row {first}: repeated samples of one station, date "
                             "and parameter are all averaged; check they are replicates"),
    "column.duplicate": ("列“{zh}”出现两次：“{first}”和“{second}”",
                         "column {code} ({zh}) is given twice: '{first}' and '{second}'"),
    "column.unknown": ("无法识别列标题“{header}”，该列原样保留、不参与计算",
                       "unrecognised column '{header}' is kept as is and not used"),
    "row.empty": ("空行已跳过", "empty row skipped"),
    "issues.truncated": ("此列另有 {count} 个问题未逐一列出",
                         "{count} more problems in this column are not listed"),
    "table.unknown": ("无法识别表名“{value}”，未读取", "unrecognised table '{value}' was not read"),
    "table.required": ("缺少必需的表“{zh}”", "required table {code} ({zh}) is missing"),
    "table.duplicate": ("表“{zh}”出现两次：{first} 和 {second}",
                        "table {code} ({zh}) is given twice: {first} and {second}"),
    "table.empty": ("表为空（没有可识别的标题行），按未提供处理",
                    "table is empty (no recognisable header row) and is treated as absent"),
    "table.no_rows": ("表“{zh}”只有标题行，没有数据行：读取它的指标无数据",
                      "table {code} ({zh}) has a header but no data row: the indicators that "
                      "read it have no data"),
    "table.required_no_rows": ("必需的表“{zh}”只有标题行，没有数据行，无法评价",
                               "required table {code} ({zh}) has a header but no data row: "
                               "nothing can be evaluated"),
    "table.census_empty": ("普查表“{zh}”没有数据行，按“普查未发现”处理",
                           "census table {code} ({zh}) has no data row: read as 'none found'"),
    "table.unreadable": ("不是数据表（{detail}）", "not a table ({detail})"),
    "text.bom": ("该行含有多余的字节顺序标记（BOM，U+FEFF，常见于拼接的导出文件），已删除",
                 "the line holds a stray byte-order mark (BOM, U+FEFF, as in exports joined "
                 "together); it was removed"),
    "csv.unclosed_quote": ("该行的双引号（\"）没有闭合：文件其余部分都会被读进同一个单元格，请补上或删去引号",
                           "a double quote (\") opened on this line is never closed: the rest "
                           "of the file would be read into one cell; close or remove it"),
    "file.encoding": ("无法识别文件编码（支持 UTF-8、UTF-8 BOM、GB18030）",
                      "cannot decode the file (UTF-8, UTF-8 with BOM and GB18030 are supported)"),
    "file.unreadable": ("无法读取文件：{detail}", "cannot read the file: {detail}"),
    "sheet.xml": ("工作表内容无法解析，{cell} 列附近含 XML 不允许的字符（多为导出程序写入的控制字符），"
                  "该表未读取；请在 Excel 中重新输入该单元格后另存（{detail}）",
                  "the sheet cannot be parsed: a character XML does not allow (mostly a control "
                  "character an exporter wrote) near column {cell}; the sheet was not read; "
                  "retype that cell in Excel and save again ({detail})"),
    "dependency.missing": ("读取 Parquet 文件需要 pyarrow：pip install health-eval[parquet]",
                           "reading Parquet files needs pyarrow: pip install health-eval[parquet]"),
    "source.not_found": ("找不到输入", "input not found"),
    "source.format": ("不支持的输入：请提供 .xlsx 文件、CSV/Parquet 文件夹或 DataFrame",
                      "unsupported input: give an .xlsx file, a folder of CSV/Parquet files or "
                      "DataFrames"),
}


@dataclass(frozen=True)
class Origin:
    """Table and place being read; builds located, bilingual issues."""

    table: str
    file: str | None
    sheet: str | None

    def issue(self, rule: str, severity: str, *, row: int | None = None,
              column: str | None = None, header: str | None = None, value: str | None = None,
              **fields) -> Issue:
        """Return an Issue for ``rule``; its messages end with the full location and rule."""
        zh, en = _MESSAGES[rule]
        zh = zh.format(value=value, header=header, **fields)
        en = en.format(value=value, header=header, **fields)
        where_zh, where_en = self._where(row, column, header)
        return Issue(table=self.table, rule=rule, severity=severity,
                     message_zh=f"{zh}（{where_zh}；规则 {rule}）",
                     message_en=f"{en} ({where_en}; rule {rule})",
                     file=self.file, sheet=self.sheet, row=row, column=column, value=value)

    def _where(self, row, column, header) -> tuple[str, str]:
        """Location phrases in Chinese and English."""
        zh, en = ([], []) if self.table == INPUT else ([f"表 {table_label(self.table)}"],
                                                        [f"table {self.table}"])
        if self.file:
            zh.append(f"文件 {file_label(self.file)}")
            en.append(f"file {file_label(self.file)}")
        if self.sheet:
            zh.append(f"工作表 {self.sheet}")
            en.append(f"sheet {self.sheet}")
        if row is not None:
            zh.append(f"第 {row} 行")
            en.append(f"row {row}")
        if column:
            as_written = header if header and header != column else None
            shown = column_label(self.table, column)
            zh.append(f"列 {shown}" + (f"（标题“{as_written}”）" if as_written
                                       and as_written != shown else ""))
            en.append(f"column {column}" + (f" (header '{as_written}')" if as_written else ""))
        return "，".join(zh), ", ".join(en)


class Sink:
    """Collects the issues of one table, at most MAX_ISSUES_PER_COLUMN per column."""

    def __init__(self, origin: Origin):
        self.origin = origin
        self.issues: list[Issue] = []
        self._listed: dict[str | None, int] = {}
        self._dropped: dict[str | None, tuple[int, bool]] = {}

    def add(self, rule: str, severity: str, **kw) -> None:
        """Add one issue (structure problems: columns, tables)."""
        self.issues.append(self.origin.issue(rule, severity, **kw))

    def cells(self, rule: str, severity: str, mask: np.ndarray, rows: np.ndarray,
              cells: Cells | None, column: str | None, header: str | None = None,
              **fields) -> None:
        """Add one issue per flagged cell; only the flagged positions are visited. Cells that
        know their own headers (:attr:`Cells.headers`) are named by them, else by ``header``."""
        positions = np.flatnonzero(mask)
        if not len(positions):
            return
        shown = positions[:self.room(column)]
        values = cells.display(shown) if cells is not None else [None] * len(shown)
        own = getattr(cells, "headers", None)       # validation passes shown values instead
        headers = [header] * len(shown) if own is None else own[shown].tolist()
        for pos, value, written in zip(shown.tolist(), values, headers):
            self.add(rule, severity, row=int(rows[pos]), column=column, header=written,
                     value=value, **fields)
        self.count(column, len(shown), len(positions) - len(shown), severity)

    def room(self, column: str | None) -> int:
        """How many more issues of ``column`` are listed one by one."""
        return max(MAX_ISSUES_PER_COLUMN - self._listed.get(column, 0), 0)

    def count(self, column: str | None, listed: int, hidden: int, severity: str) -> None:
        """Record ``listed`` issues added for ``column`` and ``hidden`` ones left unlisted."""
        self._listed[column] = self._listed.get(column, 0) + listed
        if hidden:
            count, error = self._dropped.get(column, (0, False))
            self._dropped[column] = (count + hidden, error or severity == "error")

    def finish(self) -> list[Issue]:
        """Return the issues, with one summary per column whose issues were capped."""
        for column, (count, error) in self._dropped.items():
            self.add("issues.truncated", "error" if error else "warning", column=column,
                     count=count)
        return self.issues
