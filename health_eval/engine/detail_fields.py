"""Declared fields of an indicator's ``details`` (issue 17 §2): name, type, unit, zh/en meaning.

Each indicator declares what its ``details`` hold (``Indicator(details=…)``; the built-ins' are
in :mod:`health_eval.indicators.details`); the engine adds the fields of :data:`ENGINE_FIELDS`
(station combination, the reason a value is missing, a supplied value). A compute returns its
fields as columns of its output, typed as declared in the result's columnar details
(:mod:`health_eval.engine.details_table`). Reports and ``health-eval indicators --describe`` read the
declarations; a test evaluates the demo and the synthetic 1,000-segment package and checks that
every column is declared and of its declared type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

DetailType = Literal["int", "float", "str", "bool", "date", "list", "dict"]


@dataclass(frozen=True)
class DetailField:
    """One field of an indicator's details.

    Parameters
    ----------
    name : str
        The key in the details.
    type : {"int", "float", "str", "bool", "date", "list", "dict"}
        What the value is (``date`` as text ``YYYY-MM-DD``); any field may be null.
    unit : str
        Unit of a number ("" for counts, codes and text; "1" for a fraction).
    zh, en : str
        Its meaning in Chinese and English.
    optional : bool
        Emitted only in some cases (another method option, a borrowed station, no data…).
    """

    name: str
    type: DetailType
    unit: str
    zh: str
    en: str
    optional: bool = False


#: Fields the engine writes into every indicator's details where they apply (all optional):
#: several stations combined, a station borrowed, a value missing, a value supplied.
ENGINE_FIELDS: tuple[DetailField, ...] = (
    DetailField("combination", "str", "", "多站点（点位）合并方式 mean/worst",
                "how the stations' scores were combined (mean or worst, SPEC §1.1)", True),
    DetailField("stations", "list", "", "各站点（点位）明细：本指标字段及 value、score、status",
                "one entry per station or plot: the indicator's fields plus value, score, "
                "status", True),
    DetailField("value", "float", "indicator unit", "该站点的指标值",
                "the station's value (in a stations entry)", True),
    DetailField("score", "float", "points", "该站点的赋分", "the station's score [0–100]", True),
    DetailField("status", "str", "", "该站点的状态", "the station's status", True),
    DetailField("borrowed_from", "str", "", "借用其测站的相邻河段",
                "neighbour segment whose station was used", True),
    DetailField("reason", "str", "", "无值原因代码", "code of why there is no value", True),
    DetailField("reason_zh", "str", "", "无值原因（中文）", "why there is no value, in Chinese",
                True),
    DetailField("reason_en", "str", "", "无值原因（英文）", "why there is no value, in English",
                True),
    DetailField("inputs", "list", "", "该指标所需的输入表", "input tables the indicator reads",
                True),
    DetailField("supplied_note", "str", "", "直接赋值的说明", "note of a supplied value", True),
    DetailField("computed_value", "float", "indicator unit", "被直接赋值取代的计算值",
                "the computed value a supplied one replaced", True),
    DetailField("computed_details", "dict", "", "被取代的计算值的明细",
                "details of the replaced computed value", True),
)
