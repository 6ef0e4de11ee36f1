"""The words of the method, defined once: water-body kinds, criteria, indicator statuses, issue
severities, the time zone outputs show times in, and the version of the result's JSON form
(ARCHITECTURE §3 ``vocabulary.py``).

Every module that names one of these imports it from here. This module imports nothing of the
package (it sits at the bottom of ARCHITECTURE §3's import order) and nothing heavier than
:mod:`typing`.

What is deliberately not here: the health classes (grades, names such as 二类河湖, labels such as
健康, thresholds) and the criteria's weights and English names are **profile data** (SPEC §0:
"every weight, breakpoint table and threshold lives in profile data"; SPEC §1.2), read from the
profile a result was evaluated with.
"""

from __future__ import annotations

from typing import Literal, get_args

__all__ = [
    "CRITERIA", "CRITERIA_SHORT_ZH", "CRITERIA_ZH", "DEFAULT_TIMEZONE", "EVALUATED_STATUSES",
    "LAKE_KINDS", "RIVER_KINDS", "SCHEMA_VERSION", "STATUSES", "WATER_BODY_KINDS",
    "WATER_BODY_KIND_LABELS",
    "Severity", "Status", "WaterBodyKind",
]

#: A kind of water body (the ``kind`` column of 河湖名录): rivers (SPEC §2), lakes (SPEC §3) and
#: reservoirs, which are evaluated as lakes (SPEC §3).
WaterBodyKind = Literal["river", "lake", "reservoir"]
#: The kinds in the order the template, the tables and the outputs list them.
WATER_BODY_KINDS: tuple[str, ...] = get_args(WaterBodyKind)
#: Their Chinese names, in the order of :data:`WATER_BODY_KINDS` (河流, 湖泊, 水库).
WATER_BODY_KIND_LABELS: tuple[str, ...] = ("河流", "湖泊", "水库")
#: The kinds evaluated with the river indicators (SPEC §2).
RIVER_KINDS: tuple[str, ...] = ("river",)
#: The kinds evaluated with the lake indicators: lakes and reservoirs (SPEC §3).
LAKE_KINDS: tuple[str, ...] = ("lake", "reservoir")

#: The four criteria (准则层) by code, in the order of SPEC §1 ("盆", "水", 生物, 社会服务功能).
CRITERIA: tuple[str, ...] = ("basin", "water", "biota", "social")
#: The criteria's Chinese names as SPEC §1 and the packaged profiles write them.
CRITERIA_ZH: dict[str, str] = {"basin": "盆", "water": "水", "biota": "生物",
                               "social": "社会服务功能"}
#: Short Chinese column heads of the criteria, for narrow plain-text tables (the CLI summary).
CRITERIA_SHORT_ZH: dict[str, str] = {**CRITERIA_ZH, "social": "社会服务"}

#: The status of one indicator value (ARCHITECTURE §6): computed (``ok``), given in the
#: ``indicator_values`` table (``supplied``), or why there is no value.
Status = Literal["ok", "supplied", "no_data", "insufficient_data", "not_applicable", "error"]
#: Every status, in the order of :data:`Status`.
STATUSES: tuple[str, ...] = get_args(Status)
#: The statuses whose score enters the criterion mean (SPEC §1.1: "indicators … that were
#: evaluated"); the others drop out and their criterion is renormalised.
EVALUATED_STATUSES: tuple[str, ...] = ("ok", "supplied")

#: How grave an issue is (ARCHITECTURE §6), gravest first: an ``error`` stops the evaluation of
#: invalid input (exit 1); a ``warning`` is reported and the evaluation goes on.
Severity = Literal["error", "warning"]

#: The time zone of the times the outputs show unless told otherwise (``--timezone``): China
#: Standard Time, where the method applies (IANA name).
DEFAULT_TIMEZONE = "Asia/Shanghai"

#: The version of the JSON contract (``schema_version`` of every v1 document, and of
#: ``result.json``): defined here, at the bottom, so that the engine's JSON writer stamps it
#: without importing the contract (:mod:`health_eval.service.schema` re-exports it; ARCHITECTURE §3).
SCHEMA_VERSION = "1"
