"""Rules of reading and validating the input package: files, tables, columns, cells, rows
(:mod:`health_eval.io.readers`, :mod:`health_eval.io.columns`, :mod:`health_eval.validate.checks`;
ranges in :mod:`health_eval.validate.rules`). Located messages end with the place and the rule
(:class:`health_eval.io.input_issues.Origin`)."""

from __future__ import annotations

from . import Rule

RULES: tuple[Rule, ...] = (
    Rule("type.float", "error", "无法将“{value}”读取为数值", "cannot read '{value}' as a number",
         "数值列的单元格无法读作数值", "a cell of a numeric column is not a number"),
    Rule("type.int", "error", "无法将“{value}”读取为整数",
         "cannot read '{value}' as a whole number",
         "整数列的单元格无法读作整数", "a cell of a whole-number column is not one"),
    Rule("type.bool", "error",
         "无法将“{value}”读取为是/否（可填 是/否、true/false、1/0、yes/no、y/n、√/×、有/无）",
         "cannot read '{value}' as yes/no (use 是/否, true/false, 1/0, yes/no, y/n, √/×, 有/无)",
         "是/否列的单元格无法读作是或否", "a cell of a yes/no column is neither"),
    Rule("type.date", "error",
         "无法将“{value}”读取为日期（可填 2021-03-05、2021/3/5、2021.3.5、2021年3月5日）",
         "cannot read '{value}' as a date (use 2021-03-05, 2021/3/5, 2021.3.5 or 2021年3月5日)",
         "日期列的单元格无法读作日期", "a cell of a date column is not a date"),
    Rule("code.unknown", "error", "“{value}”不是允许的取值，允许：{allowed}",
         "'{value}' is not an allowed value; allowed: {allowed}",
         "编码列的取值不在允许的编码中", "a coded column holds a value that is not one of its codes"),
    Rule("value.missing", "error", "必填值为空", "required value is empty",
         "必填列的单元格为空", "a cell of a required column is blank"),
    Rule("value.below_detection_without_limit", "error",
         "“{value}”表示未检出，但该行没有检出限",
         "'{value}' marks a value below detection but the row has no detection limit "
         "(detection_limit / 检出限)",
         "未检出标记（如 ND、低于检出限）所在行没有检出限", "a below-detection mark on a row without "
         "a detection limit"),
    Rule("column.required", "error", "缺少必填列“{zh}”", "required column {code} ({zh}) is missing",
         "表缺少必填列", "a table lacks a required column"),
    Rule("column.unit", "error",
         "列标题“{header}”的单位“{unit}”无法换算为该列的单位“{expected}”（可用单位：{known}）",
         "header '{header}' gives unit '{unit}', which cannot be converted to the column's unit "
         "'{expected}' (units accepted: {known})",
         "列标题中的单位不能换算为该列的单位", "a header's unit cannot be converted to the "
         "column's"),
    Rule("unit.unknown", "error",
         "单位“{value}”无法识别或不能用于监测项目 {parameter}（应为 {expected}，可用单位：{known}）",
         "unit '{value}' is unknown or not a unit of parameter {parameter} (its unit is "
         "{expected}; units accepted: {known})",
         "样品行的单位无法识别或不属于该监测项目", "a sample row's unit is unknown or not its "
         "parameter's"),
    Rule("value.range", "error", "值 {value} 超出允许范围 {range}",
         "value {value} is outside the allowed range {range}",
         "不可能的值：负的流量、长度、个数和浓度；覆盖度或评分超出 0–100；坡度超出 0–90°；pH 超出 0–14；"
         "月份超出 1–12",
         "impossible values: negative flows, lengths, counts and concentrations; cover or score "
         "outside 0–100; slope outside 0–90°; pH outside 0–14; month outside 1–12"),
    Rule("value.implausible", "warning",
         "值 {value} 超出合理范围 {range}，请核实（该值仍参与计算）",
         "value {value} is outside the plausible range {range}; please check it (it is used)",
         "需核实的值（照常使用）：溶解氧 > 20 mg/L、pH 超出 4–11、水温超出 −2–45 °C、测站在我国经纬度"
         "之外……",
         "values to check, used as they are: DO > 20 mg/L, pH outside 4–11, water temperature "
         "outside −2–45 °C, a station outside China's longitudes/latitudes …"),
    Rule("value.exceeds", "error", "值 {value} 大于同一行的 {limit}（{limit_value}）",
         "value {value} is larger than {limit} of the same row ({limit_value})",
         "同一行中某列超过其上限列：已开发岸线 > 岸线、合法 > 已开发、通航保证天数 > 统计天数",
         "a column above its limit in the same row: developed shoreline > shoreline, "
         "legalised > developed, navigable days > days counted"),
    Rule("reference.unknown", "warning",
         "{label} {key} 不在表“{target_zh}”中：{n} 行数据未被使用（首行见行号）",
         "{code} {key} is not in {target}: {n} row(s) were not used (the first at this row)",
         "引用的测站、河段、河湖或分类单元没有任何表定义：这些行未被使用",
         "a station, segment, water body or taxon no table defines: its rows are not used"),
    Rule("reference.unusable", "warning",
         "{label} {key} 在表“{target_zh}”中的行本身未被使用（见该行的问题）：{n} 行数据也未被使用"
         "（首行见行号）",
         "{code} {key} is named in {target} only by a row that is not used (see its issue): "
         "{n} row(s) were not used either (the first at this row)",
         "所引用的行本身未被使用（如河段未知的测站）：这些行也未被使用",
         "rows naming a row that is itself not used (a station of an unknown segment): not used"),
    Rule("reference.table_missing", "warning",
         "没有表“{zh}”或它没有数据行：本表 {n} 行数据的{label}无法对应到河段，未被使用（首行见行号）",
         "table {target} ({zh}) is missing or has no data row: {n} row(s) name a {code} that "
         "cannot be placed and were not used (the first at this row)",
         "行所引用的表（如监测站点）未提供：这些行未被使用",
         "rows naming a table that is not given (监测站点): not used"),
    Rule("table.kind_mismatch", "warning",
         "{key} 所在河湖 {water_body} 的类型是{kind}，而表 {zh} 只用于{kinds}的指标：{n} 行数据未被使用"
         "（首行见行号）",
         "{key} belongs to water body {water_body}, a {kind}, but table {zh} is read only by "
         "indicators of a {kinds}: {n} row(s) were not used (the first at this row)",
         "河湖类型不读该表（如河流的湖泊面积）：这些行未被使用",
         "rows for a water body of a kind the table's indicators do not evaluate: not used"),
    Rule("parameter.unknown", "warning",
         "监测项目“{key}”不是本方法的项目（如 氨氮、总磷）：{n} 行数据未被使用（首行见行号）",
         "parameter '{key}' is not one of the method's (e.g. nh3n, tp; see SPEC §5): {n} row(s) "
         "were not used (the first at this row)",
         "监测项目不是本方法的项目：这些行未被使用",
         "a parameter that is not one of the method's: its rows are not used"),
    Rule("date.outside_evaluation_year", "warning",
         "测站 {key} 有 {n} 行数据不在评价年 {year} 内，未参与计算（首行见行号，问题值为其日期）",
         "station {key}: {n} row(s) outside the evaluation year {year} were not used (the first "
         "at this row, its date as the value)",
         "测站的行不在其河湖的评价年内：未被使用",
         "station rows dated outside the evaluation year: not used"),
    Rule("key.duplicate", "error", "{key} 与第 {first} 行重复（键 {columns} 必须唯一）",
         "{key} repeats row {first} (key {columns} must be unique)",
         "重复的键（如河段 S1 有两行、同一测站同一天有两个日流量）",
         "a repeated key (two rows for segment S1, two daily flows for one station and day)"),
    Rule("key.duplicate_sample", "warning",
         "{key} 与第 {first} 行重复：同一测站、日期、项目的重复样品都参与平均，请核实是否为平行样",
         "{key} repeats row {first}: repeated samples of one station, date and parameter are all "
         "averaged; check they are replicates",
         "重复的样品（测站、日期、项目相同）：都参与平均，是否为平行样？",
         "a repeated sample (station, date, parameter): both are averaged — replicates?"),
    Rule("column.duplicate", "error", "列“{zh}”出现两次：“{first}”和“{second}”",
         "column {code} ({zh}) is given twice: '{first}' and '{second}'",
         "同一列出现两次", "a column given twice"),
    Rule("column.unknown", "warning", "无法识别列标题“{header}”，该列原样保留、不参与计算",
         "unrecognised column '{header}' is kept as is and not used",
         "无法识别的列标题：保留但不参与计算", "an unrecognised header: kept, not used"),
    Rule("row.empty", "warning", "空行已跳过", "empty row skipped",
         "数据行之间的空行：已跳过", "a blank row between data rows, skipped"),
    Rule("issues.truncated", "error|warning", "此列另有 {count} 个问题未逐一列出",
         "{count} more problems in this column are not listed",
         "一列中超出逐一列出上限的问题只计数（有错误时为错误）",
         "problems of a column beyond those listed one by one, counted (an error when any is)"),
    Rule("table.unknown", "warning", "无法识别表名“{value}”，未读取",
         "unrecognised table '{value}' was not read",
         "无法识别的工作表或文件名：未读取", "a sheet or file whose name is no table: not read"),
    Rule("table.required", "error", "缺少必需的表“{zh}”", "required table {code} ({zh}) is missing",
         "缺少必需的表（河湖名录、评价河段）", "a required table (河湖名录, 评价河段) is missing"),
    Rule("table.duplicate", "error", "表“{zh}”出现两次：{first} 和 {second}",
         "table {code} ({zh}) is given twice: {first} and {second}",
         "同一张表出现两次", "a table given twice"),
    Rule("table.empty", "warning", "表为空（没有可识别的标题行），按未提供处理",
         "table is empty (no recognisable header row) and is treated as absent",
         "没有可识别标题行的表（如只有标题）：按未提供处理",
         "a sheet without a recognisable header row (a title alone): read as not given"),
    Rule("table.no_rows", "warning", "表“{zh}”只有标题行，没有数据行：读取它的指标无数据",
         "table {code} ({zh}) has a header but no data row: the indicators that read it have "
         "no data",
         "只有标题行、没有数据行的表：读取它的指标无数据",
         "a table with its header and no data row: its indicators have no data"),
    Rule("table.required_no_rows", "error", "必需的表“{zh}”只有标题行，没有数据行，无法评价",
         "required table {code} ({zh}) has a header but no data row: nothing can be evaluated",
         "必需的表没有数据行", "a required table without a data row"),
    Rule("table.census_empty", "warning", "普查表“{zh}”没有数据行，按“普查未发现”处理",
         "census table {code} ({zh}) has no data row: read as 'none found'",
         "普查表没有数据行：按普查未发现处理", "a census table without a data row: none found"),
    Rule("table.unreadable", "error", "不是数据表（{detail}）", "not a table ({detail})",
         "给出的不是数据表", "what was given is not a table"),
    Rule("text.bom", "warning",
         "该行含有多余的字节顺序标记（BOM，U+FEFF，常见于拼接的导出文件），已删除",
         "the line holds a stray byte-order mark (BOM, U+FEFF, as in exports joined together); "
         "it was removed",
         "行中多余的字节顺序标记：已删除", "a stray byte-order mark in a line: removed"),
    Rule("csv.unclosed_quote", "error",
         "该行的双引号（\"）没有闭合：文件其余部分都会被读进同一个单元格，请补上或删去引号",
         "a double quote (\") opened on this line is never closed: the rest of the file would be "
         "read into one cell; close or remove it",
         "未闭合的双引号（指出它所在的行）", "a double quote never closed, at the line it opens"),
    Rule("file.encoding", "error", "无法识别文件编码（支持 UTF-8、UTF-8 BOM、GB18030）",
         "cannot decode the file (UTF-8, UTF-8 with BOM and GB18030 are supported)",
         "文件编码无法识别", "a file's encoding is not one read"),
    Rule("file.unreadable", "error", "无法读取文件：{detail}", "cannot read the file: {detail}",
         "文件无法读取", "a file cannot be read"),
    Rule("sheet.xml", "error",
         "工作表内容无法解析，{cell} 列附近含 XML 不允许的字符（多为导出程序写入的控制字符），该表未读取；"
         "请在 Excel 中重新输入该单元格后另存（{detail}）",
         "the sheet cannot be parsed: a character XML does not allow (mostly a control character "
         "an exporter wrote) near column {cell}; the sheet was not read; retype that cell in "
         "Excel and save again ({detail})",
         "工作表含 XML 不允许的字符：未读取", "a sheet holds a character XML does not allow: "
         "not read"),
    Rule("dependency.missing", "error", "读取 Parquet 文件需要 pyarrow：pip install health-eval[parquet]",
         "reading Parquet files needs pyarrow: pip install health-eval[parquet]",
         "读取该输入所需的程序包未安装", "a package needed to read the input is not installed"),
    Rule("source.not_found", "error", "找不到输入", "input not found",
         "输入的文件或文件夹不存在", "the input file or folder does not exist"),
    Rule("source.format", "error",
         "不支持的输入：请提供 .xlsx 文件、CSV/Parquet 文件夹或 DataFrame",
         "unsupported input: give an .xlsx file, a folder of CSV/Parquet files or DataFrames",
         "不支持的输入形式", "an input of a form that is not read"),
    Rule("template.example_rows", "warning",
         "工作簿仍有 {n} 行填报模板的示例数据（合成演示数据，非本地监测）：{where_zh}。它们会按数据参与评价，"
         "请整行删除后再评价（规则 {rule}）",
         "the workbook still holds {n} example row(s) of the template (synthetic demo data, not "
         "local monitoring): {where_en}. They are evaluated as data; delete them (rule {rule})",
         "工作簿中仍有填报模板的示例行（所有行一个警告）",
         "example rows of the Excel template still in the workbook (one warning for all)"),
)
