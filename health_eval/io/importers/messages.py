"""The rules of the importers: code → Chinese and English message, and located issues.

An importer reports what it met in a bureau's file — a station name that is not in the station
table, cells marked "not measured", rows the platform marked invalid, marks of a yearbook — as
:class:`~health_eval.issues.Issue` rows located by the original file, sheet, row and column, so
that the technician finds each one where it is. Rules are defined once here.

References: ARCHITECTURE.md §6, §7 (messages that name file, sheet, row, column, value, rule).
"""

from __future__ import annotations

from dataclasses import dataclass

from ...issues import Issue

__all__ = ["RULES", "Place"]

#: rule → (Chinese template, English template); fields are filled by keyword.
RULES: dict[str, tuple[str, str]] = {
    "import.not_recognised": ("不是“{kind}”格式的文件：{detail}",
                              "not a file of the '{kind}' layout: {detail}"),
    "import.kind_unknown": ("未知的导入类型“{value}”（可选：{known}）",
                            "unknown import kind '{value}' (known: {known})"),
    "import.no_reference": ("缺少 {table} 表，无法对应{what}", "the {table} table is needed "
                            "to match {what}"),
    "import.station_unknown": ("“{value}”不在监测站点表中（最接近：{closest}）：{n} 行未使用（首行见行号）",
                               "'{value}' is not in the station table (closest: {closest}): "
                               "{n} row(s) not used (the first at this row)"),
    "import.station_ambiguous": ("名称“{value}”对应多个测站（{stations}），无法确定是哪一个",
                                 "the name '{value}' fits several stations ({stations}); "
                                 "cannot tell which"),
    "import.not_measured": ("测站 {station} 有 {n} 个单元格为未监测（{marks}），按未监测处理（首个见行号）",
                            "station {station}: {n} cell(s) not measured ({marks}), read as "
                            "not measured (the first at this row)"),
    "import.row_invalid": ("测站 {station} 站点情况为“{value}”：{n} 行数据无效，未使用（首行见行号）",
                           "station {station} reports '{value}': {n} row(s) not valid, not "
                           "used (the first at this row)"),
    "import.year_assumed": ("监测时间“{value}”没有年份，按评价年 {year} 读取（共 {n} 行，首行见行号）",
                            "time '{value}' has no year; read in the evaluation year {year} "
                            "({n} row(s), the first at this row)"),
    "import.value_unreadable": ("无法将“{value}”读取为数值", "cannot read '{value}' as a number"),
    "import.date_unreadable": ("无法将“{value}”读取为日期时间", "cannot read '{value}' as a "
                               "date and time"),
    "import.more": ("此列另有 {n} 个同类问题未逐一列出", "{n} more such problems in this column "
                    "are not listed"),
    "import.rows_skipped": ("{n} 行不是数据行（标题、备注、签名等），未读取（首行见行号）",
                            "{n} row(s) are not data rows (titles, notes, signatures) and were "
                            "not read (the first at this row)"),
    "import.title": ("标题行中找不到{what}（标题“{value}”）", "the title row does not give the "
                     "{what_en} (title '{value}')"),
    "import.impossible_date": ("{month} 月没有 {day} 日，该格应为空", "month {month} has no day "
                               "{day}; the cell must be blank"),
    "import.mark": ("数值后的整编符号“{mark}”：{rule_zh}（共 {n} 格，首个见行号）",
                    "yearbook mark '{mark}': {rule_en} ({n} cell(s), the first at this row)"),
    "import.map_missing": ("问卷导出需要对应表（YAML）：{detail}",
                           "a questionnaire export needs its mapping (YAML): {detail}"),
    "import.map_invalid": ("对应表有误：{detail}", "the mapping is invalid: {detail}"),
    "import.question_missing": ("对应表中的题目“{value}”不在导出文件的列中",
                                "question '{value}' of the mapping is not a column of the export"),
    "import.option_unknown": ("选项“{value}”不在对应表中（可选：{known}）",
                              "option '{value}' is not in the mapping (known: {known})"),
    "import.answer_incomplete": ("答卷未答完（{question} 为空），未使用", "incomplete answer "
                                 "sheet ({question} is blank), not used"),
    "import.answer_duplicate": ("与第 {first} 行同一 IP（{ip}）且提交时间相差不到一分钟，视为重复答卷，未使用",
                                "same IP ({ip}) as row {first} and submitted within a minute: a "
                                "duplicate answer sheet, not used"),
    "import.water_body_unknown": ("河湖“{value}”不在河湖名录中（最接近：{closest}）",
                                  "water body '{value}' is not in the water-body list (closest: "
                                  "{closest})"),
    "import.segment_unknown": ("河段“{value}”不是 {water_body} 的河段", "segment '{value}' is not "
                               "a segment of {water_body}"),
}


@dataclass(frozen=True)
class Place:
    """The file (and sheet) being imported, for the issues of one target table."""

    table: str
    file: str | None
    sheet: str | None = None

    def issue(self, rule: str, severity: str, *, row: int | None = None,
              column: str | None = None, value: str | None = None, **fields) -> Issue:
        """A located, bilingual :class:`Issue` of ``rule``."""
        zh, en = RULES[rule]
        fields = {"value": value, **fields}
        where_zh = [f"文件 {self.file}"] if self.file else []
        where_en = [f"file {self.file}"] if self.file else []
        for label_zh, label_en, part in (("工作表", "sheet", self.sheet), ("第", "row", row),
                                         ("列", "column", column)):
            if part is not None:
                suffix = " 行" if label_zh == "第" else ""
                where_zh.append(f"{label_zh} {part}{suffix}")
                where_en.append(f"{label_en} {part}")
        location_zh, location_en = "，".join(where_zh), ", ".join(where_en)
        return Issue(table=self.table, rule=rule, severity=severity,
                     message_zh=f"{zh.format(**fields)}（{location_zh}；规则 {rule}）",
                     message_en=f"{en.format(**fields)} ({location_en}; rule {rule})",
                     file=self.file, sheet=self.sheet, row=row, column=column,
                     value=None if value is None else str(value))
