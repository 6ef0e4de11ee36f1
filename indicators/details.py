"""Declared ``details`` fields of the built-in indicators (``Indicator(details=…)``).

One tuple of :class:`~health_eval.engine.detail_fields.DetailField` per indicator, in the order the
indicator writes them. For an indicator evaluated per station or plot they are the fields of
each entry of ``details.stations`` (the engine adds ``combination``, ``value``, ``score``,
``status``: :data:`~health_eval.engine.detail_fields.ENGINE_FIELDS`).
"""

from __future__ import annotations

from health_eval.engine.detail_fields import DetailField as F

STATION = F("station_id", "str", "", "测站编码", "station id")
SAMPLES = F("samples", "int", "", "评价年样品数", "samples of the evaluation year")
PERIOD = F("period", "str", "", "样品日期范围", "first and last sample date")
COVERAGE = (
    STATION,
    F("days_with_data", "int", "d", "评价年有数据的天数", "days of the evaluation year with data"),
    F("days_missing", "int", "d", "评价年缺数据的天数", "days of the evaluation year without data"),
    F("coverage", "float", "1", "数据覆盖率", "share of the year's days with data"),
)

LONGITUDINAL_CONNECTIVITY = (
    F("barriers", "int", "", "闸坝等阻隔数", "barriers on the river"),
    F("counted", "int", "", "计入的阻隔数（无过鱼设施等）", "barriers counted (no fish passage…)"),
    F("length_km", "float", "km", "河长", "river length"),
    F("length_from", "str", "", "河长来源 water_bodies/segments",
      "where the length came from: water_bodies or the sum of segments"),
)
SHORELINE_NATURALNESS = (
    F("bank_stability", "float", "points", "岸坡稳定性（样方均值）",
      "bank stability, the mean (or worst) plot score"),
    F("plots", "int", "", "岸坡样方数", "bank survey plots"),
    F("plots_incomplete", "int", "", "要素不全的样方数", "plots missing an element"),
    F("vegetation_cover_pct", "float", "%", "河岸带植被覆盖度（长度加权）",
      "length-weighted riparian vegetation cover"),
    F("vegetation_score", "float", "points", "植被覆盖度赋分", "vegetation cover score"),
    F("reaches", "int", "", "河岸带调查段数", "riparian reaches surveyed"),
)
RIPARIAN_WIDTH = (
    F("reaches", "int", "", "河岸带调查段数", "riparian reaches surveyed"),
    F("reaches_without_width", "int", "", "缺宽度的调查段数", "reaches without a width"),
    F("length_m", "float", "m", "计入的调查段总长", "length of the reaches counted"),
)
SHORELINE_VIOLATIONS = (
    F("outfalls", "int", "", "入河排污口数", "outfalls"),
    F("standardised", "int", "", "规范化建设的排污口数", "outfalls built to standard"),
    F("compliant", "int", "", "布局合规的排污口数", "outfalls sited in compliance"),
    F("in_prohibited_zone", "int", "", "位于禁设区的排污口数", "outfalls in a prohibited zone"),
    F("standardisation_score", "float", "points", "排污口规范化赋分",
      "outfall standardisation score"),
    F("siting_score", "float", "points", "排污口布局赋分", "outfall siting score"),
    F("four_problems", "int", "", "“四乱”问题数", "四乱 problems"),
    F("four_problems_score", "float", "points", "“四乱”扣分后得分", "四乱 score after deductions"),
    F("problems_by_severity", "dict", "", "各严重程度的问题数", "problems by severity"),
)
LAKE_CONNECTIVITY = (
    F("connections", "int", "", "连通通道数", "connections"),
    F("total_flow_m3s", "float", "m³/s", "通道流量合计", "total flow of the connections"),
    F("weighting", "str", "", "加权方式 flow/equal", "flow-weighted, or equal without flows"),
)
LAKE_AREA_SHRINKAGE = (
    F("current_area_km2", "float", "km²", "现状水面面积", "current water area"),
    F("reference_area_km2", "float", "km²", "参考水面面积", "reference water area"),
    F("reference_year", "int", "", "参考年份", "reference year"),
)
ECO_FLOW = (*COVERAGE,
            F("mean_flow_m3s", "float", "m³/s", "多年平均流量", "multi-year mean flow"),
            F("ef1_pct", "float", "%", "EF1：枯水期最小日流量占多年平均流量百分比",
              "EF1: lowest dry-period daily flow as % of the mean flow"),
            F("ef1_min_flow_m3s", "float", "m³/s", "枯水期最小日流量", "lowest dry-period flow"),
            F("ef1_date", "date", "", "枯水期最小流量日期", "date of the lowest dry-period flow"),
            F("ef1_score", "float", "points", "EF1 赋分", "EF1 score"),
            F("ef2_pct", "float", "%", "EF2：丰水期最小日流量占多年平均流量百分比",
              "EF2: lowest wet-period daily flow as % of the mean flow"),
            F("ef2_min_flow_m3s", "float", "m³/s", "丰水期最小日流量", "lowest wet-period flow"),
            F("ef2_date", "date", "", "丰水期最小流量日期", "date of the lowest wet-period flow"),
            F("ef2_score", "float", "points", "EF2 赋分", "EF2 score"),
            F("decided_by", "str", "", "决定得分的时段 EF1/EF2", "the period giving the value"),
            F("target_m3s", "float", "m³/s", "生态流量目标（target 方法）",
              "approved eco-flow target (method target)", True),
            F("days_meeting", "int", "d", "达到目标的天数（target 方法）",
              "days at or above the target (method target)", True),
            F("days", "int", "d", "有数据的天数（target 方法）", "days with data (method target)",
              True))
MIN_ECO_LEVEL = (*COVERAGE,
                 F("min_eco_level_m", "float", "m", "最低生态水位", "minimum ecological level"),
                 F("window_days", "float", "d", "均值低于最低生态水位的最长滑动窗口",
                   "longest moving-mean window below the level"),
                 F("days_below", "int", "d", "低于最低生态水位的天数", "days below the level"),
                 F("lowest_level_m", "float", "m", "评价年最低水位", "lowest level of the year"),
                 F("first_date_below", "date", "", "首次低于最低生态水位的日期",
                   "first day below the level"))
FLOW_DEVIATION = (
    F("months", "int", "", "评价年有流量的月数", "months of the evaluation year with flow"),
    F("natural_mean_m3s", "float", "m³/s", "天然月流量均值", "mean natural monthly flow"),
)
WQ_GRADE = (
    STATION,
    F("wq_class", "str", "", "水质类别", "water-quality class (GB 3838)"),
    F("limiting", "list", "", "决定类别的项目", "parameters setting the class"),
    F("exceedance_vs_III", "dict", "×", "超Ⅲ类标准倍数", "multiple over the class Ⅲ limit"),
    SAMPLES,
    F("below_detection", "int", "", "低于检出限的样品数", "samples below detection"),
    PERIOD,
)
TROPHIC_STATE = (
    F("method", "str", "", "评价方法 ei/tli", "method: ei or tli"),
    F("aggregation", "str", "", "汇总方式 means/samples", "aggregation: means or samples"),
    F("state", "str", "", "营养状态", "trophic state"),
    SAMPLES,
    F("mean_chla", "float", "mg/m³", "叶绿素 a 均值", "mean chlorophyll a"),
    F("mean_tp", "float", "mg/L", "总磷均值", "mean total phosphorus"),
    F("mean_tn", "float", "mg/L", "总氮均值", "mean total nitrogen"),
    F("mean_codmn", "float", "mg/L", "高锰酸盐指数均值", "mean permanganate index"),
    F("mean_sd", "float", "m", "透明度均值", "mean Secchi depth"),
)
SEDIMENT = (
    F("site_id", "str", "", "底泥采样点", "sediment site"),
    F("limiting_metal", "str", "", "超标倍数最大的金属", "metal with the largest C/S"),
    F("max_ratio", "float", "1", "最大 C/S（含量/风险筛选值）", "largest content / screening value"),
)
SELF_PURIFICATION = (STATION, SAMPLES, PERIOD)
BENTHIC_IBI = (
    F("site_id", "str", "", "采样点", "sampling site"),
    F("bibi", "float", "", "B-IBI 观测值", "observed B-IBI"),
    F("expected_bibi", "float", "", "B-IBI 期望值", "expected (reference) B-IBI"),
    F("reference_site", "bool", "", "是否参照点", "flagged as a reference site"),
    F("individuals", "float", "", "个体数", "individuals counted"),
    F("taxa_richness", "int", "taxa", "分类单元数", "distinct taxa"),
    F("ept_richness", "int", "taxa", "EPT 分类单元数", "EPT taxa"),
    F("dominant_pct", "float", "%", "优势类群个体百分比", "individuals of the dominant taxon"),
    F("tolerant_pct", "float", "%", "耐污类群个体百分比", "individuals of tolerant taxa"),
    F("shannon", "float", "", "Shannon 多样性指数 H′", "Shannon diversity H′ (natural log)"),
)
FISH_RETENTION = (
    F("historical", "int", "", "历史鱼类种数", "historical species"),
    F("current_native", "int", "", "现状土著鱼类种数", "native species found now"),
    F("current_non_native", "int", "", "现状外来鱼类种数", "non-native species found now"),
)
COMMUNITY_SURVEY = (
    F("current_species", "int", "", "现状物种数", "species found now"),
    F("reference_species", "int", "", "参考物种数", "reference species"),
    F("expert_score", "float", "points", "专家评分（无物种数时）",
      "expert score, where no species counts are given"),
    F("basis", "str", "", "依据 species_ratio/expert_score", "basis of the value"),
)
PHYTOPLANKTON_DENSITY = (SAMPLES, PERIOD)
MACROPHYTE_COVER = (F("plot_id", "str", "", "调查样方", "survey plot"),)
FLOOD_CONTROL = (
    F("reaches", "int", "", "堤段数", "dike reaches"),
    F("length_km", "float", "km", "堤段总长", "length of the dike reaches"),
    F("length_meeting_km", "float", "km", "达标堤段长度", "length meeting the standard"),
)
WATER_SUPPLY = (*COVERAGE,
                F("days_meeting", "int", "d", "供水达到设计保证的天数", "days the supply met design"),
                F("days", "int", "d", "有数据的天数", "days with data"))
DRINKING_SOURCE = (
    F("events", "int", "", "评价次数", "sampling events evaluated"),
    F("events_meeting", "int", "", "达标次数", "events meeting the standard"),
    F("failed_events", "list", "", "未达标的日期及项目", "events failing: date and parameters"),
)
SHORELINE_MANAGEMENT = (
    F("shoreline_km", "float", "km", "岸线总长", "shoreline length"),
    F("developed_km", "float", "km", "已开发利用岸线长度", "developed shoreline"),
    F("legalised_km", "float", "km", "已整治（合法化）岸线长度", "shoreline regularised"),
)
NAVIGATION = (
    F("days_meeting_standard", "int", "d", "达到通航标准的天数", "days navigable to standard"),
    F("days_in_period", "int", "d", "评价期天数", "days of the period"),
)
PUBLIC_SATISFACTION = (
    F("survey", "str", "", "调查范围 segment/water_body", "survey of the segment or water body"),
    F("responses", "int", "", "有效问卷数", "responses"),
    F("by_type", "dict", "", "各受访者类型的问卷数", "responses by respondent type"),
)
