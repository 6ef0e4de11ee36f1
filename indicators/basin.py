"""Indicators of the "盆" criterion: channel and basin form, shoreline, connectivity (SPEC §4.1).

None of them computes from raw data yet: each takes a value supplied in ``indicator_values``.
"""

from __future__ import annotations

from health_eval.registry import Indicator

RIVER = frozenset({"river"})
LAKE = frozenset({"lake", "reservoir"})
ALL_KINDS = RIVER | LAKE

INDICATORS: tuple[Indicator, ...] = (
    Indicator(id="basin.longitudinal_connectivity", criterion="basin", name_zh="河流纵向连通指数",
              name_en="longitudinal connectivity index", applies_to=RIVER, scope="water_body",
              inputs=("barriers",), unit="1/100km",
              references="SPEC §4.1 longitudinal connectivity: barriers per 100 km"),
    Indicator(id="basin.shoreline_naturalness", criterion="basin", name_zh="岸线自然状况",
              name_en="shoreline naturalness", applies_to=ALL_KINDS,
              inputs=("bank_plots", "riparian_reaches"),
              references="SPEC §4.1 shoreline naturalness: 0.4 bank stability + 0.6 vegetation"),
    Indicator(id="basin.riparian_width", criterion="basin", name_zh="河岸带宽度指数",
              name_en="riparian zone width index", applies_to=RIVER,
              inputs=("riparian_reaches",),
              references="SPEC §4.1 riparian width: length-weighted min(1, actual/required)"),
    Indicator(id="basin.shoreline_violations", criterion="basin",
              name_zh="违规开发利用水域岸线程度", name_en="illegal shoreline development",
              applies_to=ALL_KINDS, inputs=("outfalls", "shoreline_problems"),
              references="SPEC §4.1 shoreline violations: outfalls and 四乱"),
    Indicator(id="basin.lake_connectivity", criterion="basin", name_zh="湖泊连通指数",
              name_en="lake connectivity index", applies_to=LAKE, scope="water_body",
              inputs=("lake_connections",),
              references="SPEC §4.1 lake connectivity: flow-weighted rating"),
    Indicator(id="basin.lake_area_shrinkage", criterion="basin", name_zh="湖泊面积萎缩比例",
              name_en="lake area shrinkage", applies_to=LAKE, scope="water_body",
              inputs=("lake_areas",), unit="%",
              references="SPEC §4.1 lake area shrinkage: 1 − current/reference area"),
)
