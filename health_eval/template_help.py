"""The 填表说明 (instructions) sheet of the Excel input template, in Chinese with English beside.

Per sheet: what the table is for, which indicators read it (Chinese names), the minimum data the
method needs (read from the packaged profiles: ``min_responses``, ``min_coverage``), how stations
serve and are shared between segments, each column's meaning, unit, required or optional, and a
worked example row (the first example row of the sheet).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from .io.tables import TableSpec

#: What each table is for, in Chinese.
PURPOSE_ZH = {
    "water_bodies": "参与评价的河湖名录，每个河湖一行；“所在区域”决定报告采用哪个区的措施库。",
    "segments": "每个河湖的评价河段（河流）或湖区（湖泊、水库），每段一行；河段按长度、湖区按面积加权。",
    "stations": "监测站点（断面、水文站、水位站、取水口、采样点）及其所属评价河段。",
    "wq_samples": "水质监测数据，长表：每个测站、日期、监测项目一行。",
    "daily_flow": "水文站逐日平均流量（生态流量满足程度）。",
    "water_level": "湖泊水位站逐日平均水位（最低生态水位满足程度）。",
    "monthly_flow": "逐月实测流量与天然流量（湖泊为入湖总流量），用于流量过程变异程度。",
    "bank_plots": "岸坡调查样点：坡度、植被覆盖、高度、基质、坡脚冲刷（岸坡稳定性）。",
    "riparian_reaches": "河岸带调查河段：植被覆盖度与河岸带宽度。",
    "outfalls": "入河（湖）排污口普查：是否规范、是否位于禁设区。",
    "shoreline_problems": "“四乱”（乱占、乱采、乱堆、乱建）问题清单及严重程度。",
    "barriers": "拦河闸坝等建筑物普查：有无过鱼设施、是否保障生态流量。",
    "lake_connections": "湖泊进出水连通：连通状况等级与流量。",
    "lake_areas": "湖泊现状水面面积与参照（历史）面积。",
    "sediment_samples": "底泥重金属监测及其风险筛选值（GB 15618-2018）。",
    "benthos_samples": "大型底栖无脊椎动物采样：每个采样点、分类单元的个体数。",
    "benthos_taxa": "底栖动物分类单元的属性（耐污值、功能摄食类群等）。",
    "fish_species": "鱼类名录：历史（20 世纪 80 年代以前）与现状调查，是否土著种。",
    "community_surveys": "水鸟与水生植物调查：现状种数与参照状态。",
    "macrophyte_plots": "湖区大型水生植物样方覆盖度。",
    "phytoplankton": "浮游植物密度采样。",
    "dike_reaches": "堤防（岸段）长度、设计重现期与是否达标。",
    "water_supply": "取水口逐日供水（流量或水位）及其设计值。",
    "drinking_source_samples": "集中式饮用水水源地监测，长表，与水质监测数据相同。",
    "shoreline_lengths": "岸线总长、已开发利用长度及其中合法或已恢复的长度。",
    "navigation": "评价年内达到通航设计标准的天数。",
    "questionnaires": "公众满意度调查问卷，每份一行：被调查者类型与评分。",
    "indicator_values": "在引擎外测得或评定的指标值，直接赋值，优先于计算值。",
}


def minimum_data(profiles: Sequence) -> dict[str, tuple[str, str]]:
    """The minimum data of each table, Chinese and English, from the profiles' parameters."""
    def param(name: str, default):
        for profile in profiles:
            for config in profile.used_indicators.values():
                if name in (config.params or {}):
                    return config.params[name]
        return default

    responses = int(param("min_responses", 30))
    coverage = round(float(param("min_coverage", 0.9)) * 100)
    daily = (f"评价年内逐日数据至少覆盖 {coverage}% 的天数，否则为“数据不足”",
             f"daily data on at least {coverage}% of the evaluation year's days, else "
             f"insufficient data")
    return {
        "questionnaires": (f"每个河湖至少 {responses} 份有效问卷，否则公众满意度为“数据不足”",
                           f"at least {responses} responses per water body, else public "
                           f"satisfaction is insufficient data"),
        "daily_flow": daily, "water_level": daily, "water_supply": daily,
        "monthly_flow": ("评价年 12 个月的实测与天然流量（缺月为“数据不足”）",
                         "the 12 months of the evaluation year, measured and natural (a missing "
                         "month: insufficient data)"),
        "wq_samples": ("建议每个断面每月采样 1 次（每年 12 次）；按评价年内的样本计算年均值",
                       "monthly sampling per station recommended (12 a year); annual means of "
                       "the evaluation year's samples"),
        "fish_species": ("须有历史鱼类名录，否则鱼类保有指数为“数据不足”",
                         "a historical species list is needed, else insufficient data"),
        "benthos_samples": ("每个河湖须有参照点（是否参照点 = 是）或在方案中给出期望值",
                            "reference sites per water body (or expected_bibi in the profile)"),
        "stations": ("每个评价河段至少一个对应站点；没有站点的河段可借用“借用测站河段”的站点",
                     "at least one station per segment; a segment without one borrows those "
                     "of its neighbour segment"),
    }


STATIONS_NOTE = (
    "测站与河段：每个站点填“所属河段”。一个河段有多个站点时，按方案的站点合并规则（平均或最差）合并；"
    "一个河段没有某类站点时，在“评价河段”表的“借用测站河段”填相邻河段编码，即借用其站点（报告注明借用）。"
    "同一站点服务多个河段时，为每个河段各填一行不同编码的站点，或在下游河段填借用。",
    "Stations and segments: give each station its segment. Several stations of a segment are "
    "combined by the profile's rule (mean or worst); a segment without a station of some kind "
    "borrows those of the segment named in 借用测站河段 (segments table; the report says so). "
    "A station serving two segments: one row per segment, or borrowing.")


def _column_text(column) -> tuple[str, str]:
    unit = f"，单位 {column.unit}" if column.unit else ""
    codes = f"，可选值：{'、'.join(column.code_labels or column.codes)}" if column.codes else ""
    need = "必填" if column.required else "选填"
    kind = {"str": "文字", "float": "数值", "int": "整数", "date": "日期（如 2021-03-05）",
            "bool": "是/否"}.get(column.dtype, column.dtype)
    zh = f"{column.zh}（{column.name}）：{kind}{unit}{codes}；{need}"
    en = (f"{column.name}: {column.dtype}{f' [{column.unit}]' if column.unit else ''}; "
          f"{'required' if column.required else 'optional'}"
          f"{'; ' + column.description if column.description else ''}")
    return zh, en


def instruction_rows(tables: Sequence[TableSpec], readers: Mapping[str, list],
                     names: Mapping[str, tuple[str, str]], examples: Mapping[str, pd.DataFrame],
                     profiles: Sequence) -> pd.DataFrame:
    """The 填表说明 sheet: columns 工作表, 项目, 说明, Explanation; a block of rows per sheet.

    Parameters
    ----------
    tables : the tables of the template, in sheet order
    readers : table → ids of the indicators that read it
    names : indicator id → (Chinese name, English name)
    examples : table → its example rows (Chinese headers, as the demo's CSV files)
    profiles : the packaged profiles (minimum data)
    """
    minimum = minimum_data(profiles)
    rows = [("全部", "示例行", "各表浅黄色的行是合成演示数据（非真实监测），读取时被识别为示例行并给出一条"
             "警告；填入本地数据前请整行删除。表头为“中文(单位) / 编码”，请勿修改。未检出写作 <检出限 或 "
             "未检出；日期写作 2021-03-05。",
             "Light-yellow rows are synthetic examples: left in, they give one warning "
             "(template.example_rows); delete them before entering your data. Keep the headers."),
            ("全部", "措施库", "报告的修编措施与责任单位取自所在区（县）的措施库：用 health-eval measures "
             "template 措施库.xlsx 写出并填写本区措施，运行时以 --measures 区名=措施库.xlsx 指定；河湖名录"
             "“所在区域”以该区名结尾的河湖使用它。未指定时使用内置示例（青云谱区），报告会注明并给出警告。",
             "The report's measures come from the district's measure catalogue: write it with "
             "health-eval measures template, give it as --measures DISTRICT=FILE; water bodies "
             "whose 所在区域 ends with DISTRICT use it. Without one the packaged example (青云谱区) "
             "is used, with a note and a warning.")]
    for spec in tables:
        indicators = readers.get(spec.name, [])
        used_zh = "全部指标（必需的表）" if spec.required else (
            "、".join(names[i][0] for i in indicators) or "直接赋值的指标")
        used_en = "every indicator (a required table)" if spec.required else (
            ", ".join(names[i][1] for i in indicators) or "supplied values")
        rows.append((spec.zh, "用途", PURPOSE_ZH.get(spec.name, spec.description),
                     spec.description))
        rows.append((spec.zh, "使用它的指标", used_zh, used_en))
        if spec.name in minimum:
            rows.append((spec.zh, "最低数据要求", *minimum[spec.name]))
        if spec.name in ("stations", "segments"):
            rows.append((spec.zh, "测站共用", *STATIONS_NOTE))
        for column in spec.columns:
            rows.append((spec.zh, "列", *_column_text(column)))
        example = examples.get(spec.name)
        if example is not None and len(example):
            first = example.iloc[0]
            text = "；".join(f"{k}={v}" for k, v in first.items() if str(v) != "")
            rows.append((spec.zh, "填写示例", text, "a worked example row (the first example)"))
    return pd.DataFrame(rows, columns=["工作表", "项目", "说明", "Explanation"])
