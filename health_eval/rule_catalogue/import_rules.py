"""Rules of the importers of bureau files (:mod:`health_eval.io.importers`): a station name
not in the station table, cells marked "not measured", marks of a yearbook, a questionnaire's
mapping. Located messages end with the original file, sheet, row, column and the rule
(:class:`health_eval.io.importers.messages.Place`)."""

from __future__ import annotations

from . import Rule

RULES: tuple[Rule, ...] = (
    Rule("import.not_recognised", "error", "不是“{kind}”格式的文件：{detail}",
         "not a file of the '{kind}' layout: {detail}",
         "文件不是所选导入格式", "a file is not of the layout imported"),
    Rule("import.kind_unknown", "error", "未知的导入类型“{value}”（可选：{known}）",
         "unknown import kind '{value}' (known: {known})",
         "未知的导入类型", "an import kind that does not exist"),
    Rule("import.no_reference", "error", "缺少 {needed} 表，无法对应{what}",
         "the {needed} table is needed to match {what}",
         "缺少对应名称所需的表（如监测站点）", "the table names are matched against is missing"),
    Rule("import.station_unknown", "warning",
         "“{value}”不在监测站点表中（最接近：{closest}）：{n} 行未使用（首行见行号）",
         "'{value}' is not in the station table (closest: {closest}): {n} row(s) not used (the "
         "first at this row)",
         "导入文件中的测站名不在监测站点表中：这些行未使用",
         "a station name not in the station table: its rows are not used"),
    Rule("import.station_ambiguous", "error", "名称“{value}”对应多个测站（{stations}），无法确定是哪一个",
         "the name '{value}' fits several stations ({stations}); cannot tell which",
         "测站名对应多个测站", "a station name that fits several stations"),
    Rule("import.not_measured", "warning",
         "测站 {station} 有 {n} 个单元格为未监测（{marks}），按未监测处理（首个见行号）",
         "station {station}: {n} cell(s) not measured ({marks}), read as not measured (the "
         "first at this row)",
         "标为未监测的单元格：按未监测处理", "cells marked as not measured: read so"),
    Rule("import.row_invalid", "warning",
         "测站 {station} 站点情况为“{value}”：{n} 行数据无效，未使用（首行见行号）",
         "station {station} reports '{value}': {n} row(s) not valid, not used (the first at "
         "this row)",
         "平台标为无效的行：未使用", "rows the platform marked invalid: not used"),
    Rule("import.year_assumed", "warning",
         "监测时间“{value}”没有年份，按评价年 {year} 读取（共 {n} 行，首行见行号）",
         "time '{value}' has no year; read in the evaluation year {year} ({n} row(s), the first "
         "at this row)",
         "没有年份的监测时间：按评价年读取", "times without a year: read in the evaluation year"),
    Rule("import.value_unreadable", "error", "无法将“{value}”读取为数值",
         "cannot read '{value}' as a number",
         "导入文件中的数值单元格无法读作数值", "a value cell of an imported file is not a number"),
    Rule("import.date_unreadable", "error", "无法将“{value}”读取为日期时间",
         "cannot read '{value}' as a date and time",
         "导入文件中的时间单元格无法读作日期时间", "a time cell of an imported file is not a date"),
    Rule("import.more", "error", "此列另有 {n} 个同类问题未逐一列出",
         "{n} more such problems in this column are not listed",
         "一列中超出逐一列出上限的同类问题只计数", "problems of a column beyond those listed, "
         "counted"),
    Rule("import.rows_skipped", "warning",
         "{n} 行不是数据行（标题、备注、签名等），未读取（首行见行号）",
         "{n} row(s) are not data rows (titles, notes, signatures) and were not read (the first "
         "at this row)",
         "不是数据行的行（标题、备注、签名）：未读取", "rows that are not data (titles, notes, "
         "signatures): not read"),
    Rule("import.title", "error", "标题行中找不到{what}（标题“{value}”）",
         "the title row does not give the {what_en} (title '{value}')",
         "年鉴表的标题行缺少测站或年份", "a yearbook table's title lacks its station or year"),
    Rule("import.impossible_date", "error", "{month} 月没有 {day} 日，该格应为空",
         "month {month} has no day {day}; the cell must be blank",
         "年鉴表中不存在的日期有数值", "a value on a day the month does not have"),
    Rule("import.mark", "warning", "数值后的整编符号“{mark}”：{rule_zh}（共 {n} 格，首个见行号）",
         "yearbook mark '{mark}': {rule_en} ({n} cell(s), the first at this row)",
         "年鉴的整编符号及其读法", "a yearbook's mark after a value and how it is read"),
    Rule("import.map_missing", "error", "问卷导出需要对应表（YAML）：{detail}",
         "a questionnaire export needs its mapping (YAML): {detail}",
         "问卷导出缺少对应表", "a questionnaire export without its mapping"),
    Rule("import.map_invalid", "error", "对应表有误：{detail}", "the mapping is invalid: {detail}",
         "问卷对应表有误", "a questionnaire mapping that is invalid"),
    Rule("import.question_missing", "error", "对应表中的题目“{value}”不在导出文件的列中",
         "question '{value}' of the mapping is not a column of the export",
         "对应表的题目不在导出文件中", "a question of the mapping missing from the export"),
    Rule("import.option_unknown", "error", "选项“{value}”不在对应表中（可选：{known}）",
         "option '{value}' is not in the mapping (known: {known})",
         "答卷的选项不在对应表中", "an answer's option not in the mapping"),
    Rule("import.answer_incomplete", "warning", "答卷未答完（{question} 为空），未使用",
         "incomplete answer sheet ({question} is blank), not used",
         "未答完的答卷：未使用", "an incomplete answer sheet: not used"),
    Rule("import.answer_duplicate", "warning",
         "与第 {first} 行同一 IP（{ip}）且提交时间相差不到一分钟，视为重复答卷，未使用",
         "same IP ({ip}) as row {first} and submitted within a minute: a duplicate answer sheet, "
         "not used",
         "重复答卷（同一 IP、一分钟内）：未使用", "a duplicate answer sheet (one IP, within a "
         "minute): not used"),
    Rule("import.water_body_unknown", "error", "河湖“{value}”不在河湖名录中（最接近：{closest}）",
         "water body '{value}' is not in the water-body list (closest: {closest})",
         "答卷的河湖不在河湖名录中", "an answer's water body not in the list"),
    Rule("import.segment_unknown", "error", "河段“{value}”不是 {water_body} 的河段",
         "segment '{value}' is not a segment of {water_body}",
         "答卷的河段不属于其河湖", "an answer's segment not of its water body"),
)
