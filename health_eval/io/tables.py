"""The input table catalogue: every table an evaluation can read.

Each input package (an ``.xlsx`` workbook, a folder of CSV or Parquet files, or a dict of
DataFrames) holds some of these tables. A table is recognised by its code (``wq_samples``) or its
Chinese name (``水质监测数据``); a column by its code (``station_id``), its Chinese header
(``测站编码``) or either followed by its unit in brackets (``流量(m3/s)``).

Only ``water_bodies`` and ``segments`` are always required; every other table is needed only by
the indicators that read it (see ``Indicator.inputs``). Inside a table, a column marked
``required`` must be present whenever the table is given.

References: SPEC.md §4 (what each indicator computes from) and ARCHITECTURE.md §1, §3.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from ..vocabulary import LAKE_KINDS, RIVER_KINDS, WATER_BODY_KIND_LABELS, WATER_BODY_KINDS

DType = Literal["str", "float", "int", "bool", "date"]


@dataclass(frozen=True, kw_only=True)
class Column:
    """One column of an input table.

    Parameters
    ----------
    name : str
        Stable code used in code, profiles and results (``station_id``).
    zh : str
        Chinese header as a technician writes it (``测站编码``).
    dtype : {"str", "float", "int", "bool", "date"}
        Type the reader coerces the column to.
    unit : str
        Unit of the values (``mg/L``, ``m3/s``, ``%``); empty for codes and counts.
    required : bool
        Whether the column must be present when its table is given.
    codes : tuple of str, optional
        Allowed values for a coded column; ``code_labels`` gives their Chinese spellings,
        which readers accept as synonyms.
    aliases : tuple of (str, str)
        Further accepted spellings ``(alias, code)`` (``NH3-N`` for ``nh3n``).
    closed : bool
        Whether only the codes are allowed (a value outside them is an error); an open column
        keeps other values as written, for validation to report.
    description : str
        One line for templates and documentation.
    """

    name: str
    zh: str
    dtype: DType
    unit: str = ""
    required: bool = True
    codes: tuple[str, ...] | None = None
    code_labels: tuple[str, ...] | None = None
    aliases: tuple[tuple[str, str], ...] = ()
    closed: bool = True
    description: str = ""

    def code_synonyms(self) -> dict[str, str]:
        """Map every accepted spelling (code, Chinese label or alias, in the form of
        :func:`code_key`) to the code."""
        if self.codes is None:
            return {}
        spellings = [(code, code) for code in self.codes]
        spellings += list(zip(self.code_labels or (), self.codes)) + list(self.aliases)
        return {code_key(spelling): code for spelling, code in spellings}


def code_key(text: str) -> str:
    """A code as compared: NFKC (full-width letters and brackets made ASCII), case-folded,
    without whitespace — ``氨氮（ＮＨ３－Ｎ）`` and ``氨氮(nh3-n)`` compare equal."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


@dataclass(frozen=True, kw_only=True)
class TableSpec:
    """One input table: its name, headers and keys.

    Parameters
    ----------
    name : str
        Table code, also the sheet / file name readers look for.
    zh : str
        Chinese name (an accepted sheet / file name too).
    description : str
        What the table holds, in English.
    columns : tuple of Column
        Its columns, in template order.
    key : tuple of str
        Columns that identify a row uniquely (empty when rows repeat legitimately).
    required : bool
        Whether every input package must contain it (with at least one data row).
    kinds : tuple of str or None
        The water-body kinds whose indicators read the table (None: every kind); rows of a
        water body of another kind are not used (``table.kind_mismatch``). Built-in indicators
        agree (``tests/test_preview.py``).
    census : bool
        Whether the table is a census of everything found on the water bodies of the package
        (barriers, outfalls, 四乱 problems, lake connections): given with no data row it says
        that none was found; any other table without a data row holds no data.
    """

    name: str
    zh: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    required: bool = False
    census: bool = False
    kinds: tuple[str, ...] | None = None
    column_index: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "column_index", {c.name: c for c in self.columns})

    def column(self, name: str) -> Column:
        """Return the column called ``name`` (its code)."""
        return self.column_index[name]

    @property
    def required_columns(self) -> tuple[str, ...]:
        """Codes of the columns that must be present."""
        return tuple(c.name for c in self.columns if c.required)


def _c(name: str, zh: str, dtype: DType, unit: str = "", required: bool = True, **kw) -> Column:
    return Column(name=name, zh=zh, dtype=dtype, unit=unit, required=required, **kw)


#: Codes of the ``parameter`` column of sample tables (SPEC §5) with their Chinese names: GB 3838
#: Table 1 basic items, the lake trophic parameters, and the Table 2 supplementary items of
#: drinking-water sources.
PARAMETER_NAMES: dict[str, str] = {
    "wt": "水温", "ph": "pH值", "do": "溶解氧", "codmn": "高锰酸盐指数", "cod": "化学需氧量",
    "bod5": "五日生化需氧量", "nh3n": "氨氮", "tp": "总磷", "tn": "总氮", "cu": "铜", "zn": "锌",
    "fluoride": "氟化物", "se": "硒", "as": "砷", "hg": "汞", "cd": "镉", "cr6": "铬(六价)",
    "pb": "铅", "cyanide": "氰化物", "volatile_phenol": "挥发酚", "petroleum": "石油类",
    "las": "阴离子表面活性剂", "sulfide": "硫化物", "fecal_coliform": "粪大肠菌群",
    "chla": "叶绿素a", "sd": "透明度",
    "sulfate": "硫酸盐", "chloride": "氯化物", "nitrate": "硝酸盐", "fe": "铁", "mn": "锰",
}

#: Unit of each parameter's values (GB 3838-2002 Table 1: mg/L, faecal coliform 个/L; chl-a
#: in mg/m³ = µg/L and transparency in m for the trophic indices, SPEC §6). Sample values in
#: another unit of the same dimension are converted on reading (:mod:`health_eval.io.units`).
PARAMETER_UNITS: dict[str, str] = {
    **{code: "mg/L" for code in PARAMETER_NAMES},
    "wt": "°C", "ph": "无量纲", "fecal_coliform": "个/L", "chla": "mg/m3", "sd": "m",
}

#: Other spellings of parameters seen in monitoring exports (codes and Chinese names are
#: accepted as they are; comparison ignores case, width and spaces).
PARAMETER_ALIASES: tuple[tuple[str, str], ...] = (
    ("溶解氧(DO)", "do"), ("高锰酸盐指数(CODMn)", "codmn"), ("CODcr", "cod"),
    ("化学需氧量(COD)", "cod"), ("BOD₅", "bod5"), ("五日生化需氧量(BOD5)", "bod5"),
    ("NH3-N", "nh3n"), ("NH3_N", "nh3n"), ("氨氮(NH3-N)", "nh3n"), ("总磷(以P计)", "tp"),
    ("总氮(以N计)", "tn"), ("六价铬", "cr6"), ("Cr6+", "cr6"), ("氟化物(以F-计)", "fluoride"),
    ("挥发性酚", "volatile_phenol"), ("粪大肠菌群数", "fecal_coliform"), ("叶绿素", "chla"),
    ("叶绿素a(Chla)", "chla"), ("Chl-a", "chla"),
    ("叶绿素α", "chla"), ("透明度(SD)", "sd"), ("水温(WT)", "wt"),
)

#: The columns of the sample tables (``wq_samples``, ``drinking_source_samples``), in long form:
#: one row per station, date and parameter.
SAMPLE_COLUMNS: tuple[Column, ...] = (
    _c("station_id", "测站编码", "str"),
    _c("date", "采样日期", "date"),
    _c("parameter", "监测项目", "str", codes=tuple(PARAMETER_NAMES),
       code_labels=tuple(PARAMETER_NAMES.values()), aliases=PARAMETER_ALIASES, closed=False,
       description="Parameter code of SPEC §5 (do, codmn, nh3n, tp, …) or its Chinese name; "
                   "other parameters are kept and reported as not used."),
    _c("value", "监测值", "float"),
    _c("unit", "单位", "str", required=False),
    _c("below_detection", "是否未检出", "bool", required=False),
    _c("detection_limit", "检出限", "float", required=False),
)


TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        name="water_bodies", zh="河湖名录", required=True, key=("water_body_id",),
        description="Water bodies evaluated: one row each.",
        columns=(
            _c("water_body_id", "河湖编码", "str"),
            _c("name", "河湖名称", "str"),
            _c("kind", "类型", "str", codes=WATER_BODY_KINDS, code_labels=WATER_BODY_KIND_LABELS),
            _c("evaluation_year", "评价年份", "int"),
            _c("region", "所在区域", "str", required=False),
            _c("length_km", "河长", "float", "km", required=False),
            _c("area_km2", "水面面积", "float", "km2", required=False),
            _c("national_code", "河湖代码", "str", required=False,
               description="National river/lake code (河湖健康档案); matches a water body "
                           "whose own id changed between rounds (health archive)."),
            _c("chief", "最高层级河湖长", "str", required=False,
               description="The highest-level river/lake chief (health archive sheet)."),
            _c("basin_area_km2", "流域面积", "float", "km2", required=False,
               description="Catchment area of a river (health archive sheet)."),
            _c("counties", "流经县级行政区域", "str", required=False,
               description="County-level districts the river or lake lies in."),
            _c("note", "备注", "str", required=False),
        ),
    ),
    TableSpec(
        name="segments", zh="评价河段", required=True, key=("segment_id",),
        description="Evaluation segments (river reaches or lake zones) of each water body.",
        columns=(
            _c("segment_id", "河段编码", "str"),
            _c("water_body_id", "河湖编码", "str"),
            _c("name", "河段名称", "str"),
            _c("length_km", "河段长度", "float", "km", required=False,
               description="Segment length; weights river segments (SPEC §1.1)."),
            _c("area_km2", "水面面积", "float", "km2", required=False,
               description="Zone area; weights lake and reservoir zones (SPEC §1.1)."),
            _c("neighbour_segment_id", "借用测站河段", "str", required=False,
               description="Segment whose stations stand in when this one has none."),
        ),
    ),
    TableSpec(
        name="stations", zh="监测站点", key=("station_id",),
        description="Monitoring stations (sections, gauges, intakes) and the segment each serves.",
        columns=(
            _c("station_id", "测站编码", "str"),
            _c("segment_id", "河段编码", "str"),
            _c("name", "测站名称", "str", required=False),
            _c("station_type", "测站类型", "str", required=False,
               codes=("water_quality", "hydrology", "water_level", "drinking_source", "intake"),
               code_labels=("水质", "水文", "水位", "饮用水源地", "取水口")),
            _c("mean_flow_m3s", "多年平均流量", "float", "m3/s", required=False,
               description="Multi-year mean flow at a hydrological station (SPEC §4.2)."),
            _c("eco_flow_target_m3s", "生态流量目标", "float", "m3/s", required=False),
            _c("min_eco_level_m", "最低生态水位", "float", "m", required=False),
            _c("longitude", "经度", "float", "°", required=False),
            _c("latitude", "纬度", "float", "°", required=False),
        ),
    ),
    TableSpec(
        name="wq_samples", zh="水质监测数据", key=(),
        description="Water-quality samples in long form: one row per station, date and parameter.",
        columns=SAMPLE_COLUMNS,
    ),
    TableSpec(
        name="daily_flow", zh="逐日流量", kinds=RIVER_KINDS, key=("station_id", "date"),
        description="Daily mean flow at hydrological stations.",
        columns=(
            _c("station_id", "测站编码", "str"),
            _c("date", "日期", "date"),
            _c("flow_m3s", "日均流量", "float", "m3/s"),
        ),
    ),
    TableSpec(
        name="water_level", zh="逐日水位", kinds=LAKE_KINDS, key=("station_id", "date"),
        description="Daily mean water level at lake gauges.",
        columns=(
            _c("station_id", "测站编码", "str"),
            _c("date", "日期", "date"),
            _c("level_m", "日均水位", "float", "m"),
        ),
    ),
    TableSpec(
        name="monthly_flow", zh="逐月实测与天然流量", key=("water_body_id", "year", "month"),
        description="Measured and naturalised monthly flow (total inflow for lakes).",
        columns=(
            _c("water_body_id", "河湖编码", "str"),
            _c("year", "年份", "int"),
            _c("month", "月份", "int"),
            _c("measured_m3s", "实测月均流量", "float", "m3/s"),
            _c("natural_m3s", "天然月均流量", "float", "m3/s"),
        ),
    ),
    TableSpec(
        name="bank_plots", zh="岸坡调查样点", key=("plot_id",),
        description="Bank survey plots for bank stability (SPEC §4.1).",
        columns=(
            _c("plot_id", "样点编码", "str"),
            _c("segment_id", "河段编码", "str"),
            _c("bank", "岸别", "str", codes=("left", "right"), code_labels=("左岸", "右岸")),
            _c("slope_deg", "岸坡倾角", "float", "°"),
            _c("veg_cover_pct", "岸坡植被覆盖度", "float", "%"),
            _c("height_m", "岸坡高度", "float", "m"),
            _c("substrate", "基质", "str",
               codes=("bedrock", "rock_soil", "clay", "non_cohesive"),
               code_labels=("基岩", "岩土", "黏土", "非黏土")),
            _c("toe_erosion", "坡脚冲刷强度", "str",
               codes=("none", "light", "moderate", "severe"),
               code_labels=("无冲刷", "轻度", "中度", "重度")),
        ),
    ),
    TableSpec(
        name="riparian_reaches", zh="河岸带调查", key=("reach_id",),
        description="Riparian reaches: vegetation cover and zone width (SPEC §4.1).",
        columns=(
            _c("reach_id", "调查段编码", "str"),
            _c("segment_id", "河段编码", "str"),
            _c("length_m", "调查段长度", "float", "m"),
            _c("veg_cover_pct", "植被覆盖度", "float", "%", required=False),
            _c("width_m", "河岸带宽度", "float", "m", required=False),
            _c("required_width_m", "应有宽度", "float", "m", required=False),
        ),
    ),
    TableSpec(
        name="outfalls", zh="入河排污口", census=True, key=("outfall_id",),
        description="Outfalls into the water body (SPEC §4.1, shoreline violations).",
        columns=(
            _c("outfall_id", "排污口编码", "str"),
            _c("segment_id", "河段编码", "str"),
            _c("standardised", "是否规范化建设", "bool"),
            _c("siting", "设置情况", "str",
               codes=("compliant", "non_compliant", "prohibited_zone"),
               code_labels=("合规", "不合规", "禁设区内")),
        ),
    ),
    TableSpec(
        name="shoreline_problems", zh="四乱问题", census=True, key=("problem_id",),
        description="四乱 problems: occupation, extraction, dumping, construction (SPEC §4.1).",
        columns=(
            _c("problem_id", "问题编码", "str"),
            _c("segment_id", "河段编码", "str"),
            _c("problem_type", "问题类型", "str",
               codes=("occupation", "extraction", "dumping", "construction"),
               code_labels=("乱占", "乱采", "乱堆", "乱建")),
            _c("severity", "严重程度", "str", codes=("general", "serious", "major"),
               code_labels=("一般", "较严重", "重大")),
            _c("description", "问题描述", "str", required=False),
        ),
    ),
    TableSpec(
        name="barriers", zh="拦河建筑物", kinds=RIVER_KINDS, census=True, key=("barrier_id",),
        description="Dams, sluices and weirs on the river (SPEC §4.1, connectivity).",
        columns=(
            _c("barrier_id", "建筑物编码", "str"),
            _c("water_body_id", "河湖编码", "str"),
            _c("barrier_type", "类型", "str", required=False, codes=("dam", "sluice", "weir"),
               code_labels=("坝", "闸", "堰")),
            _c("has_working_fishway", "是否有有效过鱼设施", "bool"),
            _c("eco_flow_guaranteed", "是否保障生态流量", "bool"),
        ),
    ),
    TableSpec(
        name="lake_connections", zh="湖泊连通", kinds=LAKE_KINDS, census=True, key=("connection_id",),
        description="Inflow and outflow connections of a lake with their rating and flow.",
        columns=(
            _c("connection_id", "连通通道编码", "str"),
            _c("water_body_id", "河湖编码", "str"),
            _c("name", "通道名称", "str", required=False),
            _c("direction", "方向", "str", required=False, codes=("in", "out"),
               code_labels=("入湖", "出湖")),
            _c("rating", "连通状况", "str",
               codes=("unobstructed", "mostly_unobstructed", "poor", "severely_blocked",
                      "blocked"),
               code_labels=("畅通", "基本畅通", "较差", "严重阻隔", "完全阻隔")),
            _c("flow_m3s", "年均流量", "float", "m3/s"),
        ),
    ),
    TableSpec(
        name="lake_areas", zh="湖泊面积", kinds=LAKE_KINDS, key=("water_body_id",),
        description="Current and reference (historical) water area of a lake.",
        columns=(
            _c("water_body_id", "河湖编码", "str"),
            _c("current_area_km2", "现状水面面积", "float", "km2"),
            _c("reference_area_km2", "历史参考面积", "float", "km2"),
            _c("reference_year", "参考年份", "int", required=False),
        ),
    ),
    TableSpec(
        name="sediment_samples", zh="底泥监测数据", key=(),
        description="Sediment heavy metals with their screening values (GB 15618-2018).",
        columns=(
            _c("site_id", "点位编码", "str"),
            _c("segment_id", "河段编码", "str"),
            _c("date", "采样日期", "date", required=False),
            _c("metal", "重金属", "str",
               codes=("cd", "hg", "as", "pb", "cr", "cu", "zn", "ni"),
               code_labels=("镉", "汞", "砷", "铅", "铬", "铜", "锌", "镍")),
            _c("value_mg_kg", "含量", "float", "mg/kg"),
            _c("screening_mg_kg", "风险筛选值", "float", "mg/kg", required=False),
            _c("ph", "pH", "float", required=False),
        ),
    ),
    TableSpec(
        name="benthos_samples", zh="底栖动物采样", key=(),
        description="Macroinvertebrate counts per sampling site and taxon.",
        columns=(
            _c("site_id", "点位编码", "str"),
            _c("segment_id", "河段编码", "str"),
            _c("date", "采样日期", "date", required=False),
            _c("taxon", "分类单元", "str"),
            _c("count", "个体数", "int"),
            _c("is_reference", "是否参照点", "bool", required=False),
        ),
    ),
    TableSpec(
        name="benthos_taxa", zh="底栖动物分类属性", key=("taxon",),
        description="Attributes of each macroinvertebrate taxon.",
        columns=(
            _c("taxon", "分类单元", "str"),
            _c("order", "目", "str", required=False),
            _c("family", "科", "str", required=False),
            _c("tolerance", "耐污值", "float", required=False),
            _c("ffg", "功能摄食类群", "str", required=False),
        ),
    ),
    TableSpec(
        name="fish_species", zh="鱼类调查名录", key=("water_body_id", "species", "period"),
        description="Fish species lists: historical (before the 1980s) and current survey.",
        columns=(
            _c("water_body_id", "河湖编码", "str"),
            _c("species", "物种", "str"),
            _c("period", "时期", "str", codes=("historical", "current"),
               code_labels=("历史", "现状")),
            _c("native", "是否土著种", "bool"),
        ),
    ),
    TableSpec(
        name="community_surveys", zh="水鸟与水生植物调查", key=("segment_id", "group"),
        description="Waterbird and aquatic-plant surveys against a reference state.",
        columns=(
            _c("segment_id", "河段编码", "str"),
            _c("group", "类群", "str", codes=("waterbirds", "aquatic_plants"),
               code_labels=("水鸟", "水生植物")),
            _c("current_species", "现状物种数", "int", required=False),
            _c("reference_species", "参照物种数", "int", required=False),
            _c("expert_score", "专家评分", "float", required=False),
        ),
    ),
    TableSpec(
        name="macrophyte_plots", zh="大型水生植物样方", kinds=LAKE_KINDS, key=("plot_id",),
        description="Macrophyte cover per survey plot of a lake zone.",
        columns=(
            _c("plot_id", "样方编码", "str"),
            _c("segment_id", "河段编码", "str"),
            _c("cover_pct", "覆盖度", "float", "%"),
        ),
    ),
    TableSpec(
        name="phytoplankton", zh="浮游植物密度", kinds=LAKE_KINDS, key=(),
        description="Phytoplankton density samples.",
        columns=(
            _c("station_id", "测站编码", "str"),
            _c("date", "采样日期", "date"),
            _c("density_1e4_cells_l", "浮游植物密度", "float", "10^4 cells/L"),
        ),
    ),
    TableSpec(
        name="dike_reaches", zh="堤防达标", key=("reach_id",),
        description="Dike or bank reaches with design return period and compliance.",
        columns=(
            _c("reach_id", "堤段编码", "str"),
            _c("segment_id", "河段编码", "str"),
            _c("length_km", "堤段长度", "float", "km"),
            _c("design_return_period_yr", "设计防洪标准", "float", "a"),
            _c("meets_standard", "是否达标", "bool"),
        ),
    ),
    TableSpec(
        name="water_supply", zh="取水口供水", key=("station_id", "date"),
        description="Daily supply (flow or level) at intakes, with the design value.",
        columns=(
            _c("station_id", "测站编码", "str"),
            _c("date", "日期", "date"),
            _c("value", "实际值", "float"),
            _c("design_value", "设计值", "float"),
        ),
    ),
    TableSpec(
        name="drinking_source_samples", zh="饮用水水源地监测", key=(),
        description="Drinking-source samples in long form, as water-quality samples.",
        columns=SAMPLE_COLUMNS,
    ),
    TableSpec(
        name="shoreline_lengths", zh="岸线利用", key=("segment_id",),
        description="Shoreline length, developed length and the legalised or restored part.",
        columns=(
            _c("segment_id", "河段编码", "str"),
            _c("shoreline_km", "岸线总长度", "float", "km"),
            _c("developed_km", "已开发利用长度", "float", "km"),
            _c("legalised_km", "已依法合规或修复长度", "float", "km"),
        ),
    ),
    TableSpec(
        name="navigation", zh="通航保证", kinds=RIVER_KINDS, key=("segment_id",),
        description="Days in the evaluation year on which navigation met the design standard.",
        columns=(
            _c("segment_id", "河段编码", "str"),
            _c("days_meeting_standard", "达标通航天数", "int", "d"),
            _c("days_in_period", "统计天数", "int", "d"),
        ),
    ),
    TableSpec(
        name="questionnaires", zh="公众满意度调查", key=("response_id",),
        description="Public-satisfaction questionnaire responses (SPEC §4.5).",
        columns=(
            _c("response_id", "问卷编号", "str"),
            _c("water_body_id", "河湖编码", "str"),
            _c("segment_id", "河段编码", "str", required=False,
               description="Leave empty for a survey of the whole water body."),
            _c("respondent_type", "调查对象类型", "str",
               codes=("resident", "manager", "worker", "frequent_visitor",
                      "occasional_visitor"),
               code_labels=("沿河1km内居民", "管理者", "河湖周边从业人员", "经常来河湖游玩",
                            "偶尔来河湖游玩")),
            _c("score", "总体评分", "float", "分"),
        ),
    ),
    TableSpec(
        name="indicator_values", zh="指标直接赋值", key=("water_body_id", "segment_id", "indicator_id"),
        description="Indicator values measured or assessed outside the engine; they win over "
                    "computed values.",
        columns=(
            _c("water_body_id", "河湖编码", "str"),
            _c("segment_id", "河段编码", "str", required=False,
               description="Leave empty for a value of the whole water body."),
            _c("indicator_id", "指标编码", "str"),
            _c("value", "指标值", "float"),
            _c("unit", "单位", "str", required=False),
            _c("note", "数据来源说明", "str", required=False),
        ),
    ),
)

CATALOGUE: dict[str, TableSpec] = {t.name: t for t in TABLES}


def is_sample_table(spec: TableSpec) -> bool:
    """Whether ``spec`` is a sample table (its columns are :data:`SAMPLE_COLUMNS`)."""
    return spec.columns is SAMPLE_COLUMNS


def is_sample_value(spec: TableSpec, column: Column) -> bool:
    """Whether ``column`` is the ``value`` of a sample table, whose unit is the parameter's
    (:data:`PARAMETER_UNITS`) and is given per row in its ``unit`` column."""
    return column.name == "value" and is_sample_table(spec)


def table_spec(name: str) -> TableSpec:
    """Return the catalogue entry for table ``name`` (its code or Chinese name).

    Case and surrounding whitespace are ignored: ``" WQ_Samples "`` names ``wq_samples``.

    Raises
    ------
    KeyError
        If no table has that code or Chinese name.
    """
    if name in CATALOGUE:
        return CATALOGUE[name]
    key = name.strip().casefold()
    for spec in TABLES:
        if key in (spec.name.casefold(), spec.zh.casefold()):
            return spec
    raise KeyError(name)
