"""``health-eval indicators --describe ID``: one indicator's inputs, params and details fields.

The text is built from the declarations alone (``Indicator.inputs``, ``.params``, ``.details``)
and the packaged profiles' values; nothing is computed.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from typing import Any

from .engine.detail_fields import ENGINE_FIELDS
from .engine.registry import Indicator, IndicatorRegistry
from .profiles.indicator_params import field_unit
from .profiles.profile import load_profile, packaged_profiles

VALUE_WIDTH = 48          # characters of a packaged profile's value shown in a cell


@dataclass(frozen=True)
class Section:
    """A titled table of the description (the CLI aligns it)."""

    title: str
    header: list[str]
    rows: list[list[str]]


class UnknownIndicator(KeyError):
    """An id the registry does not have; ``matches`` are the close ones."""

    def __init__(self, indicator_id: str, matches: list[str]):
        super().__init__(indicator_id)
        self.indicator_id, self.matches = indicator_id, matches

    def __str__(self) -> str:
        near = ", ".join(self.matches) or "—"
        return (f"未知指标 {self.indicator_id!r}，相近的有：{near} / unknown indicator "
                f"{self.indicator_id!r}; close matches: {near}")


def find_indicator(registry: IndicatorRegistry, indicator_id: str) -> Indicator:
    """The indicator ``indicator_id`` of ``registry``.

    Raises
    ------
    UnknownIndicator
        Naming up to five close ids (by spelling, or sharing the part after the dot).
    """
    if indicator_id in registry:
        return registry.get(indicator_id)
    known = [i.id for i in registry]
    matches = difflib.get_close_matches(indicator_id, known, n=5, cutoff=0.75)
    tail = indicator_id.rpartition(".")[2]
    matches += [k for k in known if tail and tail in k and k not in matches][:5 - len(matches)]
    raise UnknownIndicator(indicator_id, matches)


def describe(indicator: Indicator) -> tuple[list[str], list[Section]]:
    """Heading lines and the tables of ``indicator``: inputs, params (with the packaged
    profiles' values) and details fields."""
    from .io.tables import CATALOGUE

    heading = [f"{indicator.id}  {indicator.name_zh} / {indicator.name_en}",
               f"准则层 criterion: {indicator.criterion}   适用 applies to: "
               f"{', '.join(sorted(indicator.applies_to))}   范围 scope: {indicator.scope}   "
               f"单位 unit: {indicator.unit or '—'}",
               f"方法条款 method: {indicator.references}"]
    inputs = Section("输入表 inputs", ["table", "表名", "rows by", "period", "minimum"], [
        [table.table, CATALOGUE[table.table].zh if table.table in CATALOGUE else "",
         ROLE_TEXT[table.by], _period_text(table), _minimum_text(table)]
        for table in indicator.inputs.inputs])
    return heading, [inputs, _params_section(indicator), _details_section(indicator)]


#: How a declared table's rows are chosen (:data:`health_eval.engine.inputs.Role`), in words.
ROLE_TEXT = {"station": "测站（本河段，否则借用）own or borrowed stations",
             "own_station": "本河段测站 own stations", "segment": "河段 segment",
             "water_body": "河湖 water body", "all": "整表 whole table"}


def _period_text(table) -> str:
    """The dates a declared table keeps (:class:`health_eval.engine.inputs.Period`), in words."""
    period = table.period
    if period is None:
        return ("评价年 evaluation year" if table.by in ("station", "own_station")
                else "全部 all rows")
    years = ("全部年份 all years" if period.years is None else "评价年 evaluation year"
             if period.years == 1 else f"评价年及前 {period.years - 1} 年 "
             f"{period.years} years to the evaluation year")
    months = f"，{'/'.join(map(str, period.months))} 月 months" if period.months else ""
    return years + months


def _minimum_text(table) -> str:
    """The minimum data a declared table needs, in words."""
    below = "；检出限以下按方案 below detection by policy" if table.below_detection else ""
    if table.minimum is None:
        return ("—" + below) if below else "—"
    return (f"逐日覆盖率 ≥ {table.minimum.param} daily coverage of {table.minimum.column}"
            + below)


def _params_section(indicator: Indicator) -> Section:
    model = indicator.params
    profiles = {name: load_profile(name) for name in packaged_profiles()}
    profiles = {name: p.indicators[indicator.id].params for name, p in profiles.items()
                if indicator.id in p.indicators}
    properties = model.model_json_schema().get("properties", {})
    rows = []
    for name, field in model.model_fields.items():
        required = "" if field.is_required() else f" (default {field.default!r})"
        rows.append([name, _type_text(properties.get(name, {})), field_unit(model, name) or "—",
                     *(_value_text(values.get(name)) for values in profiles.values()),
                     (field.description or "") + required])
    title = f"参数 params ({model.__name__})" if rows else "参数 params: 无 / none"
    return Section(title, ["param", "type", "unit", *profiles, "description"], rows)


def _details_section(indicator: Indicator) -> Section:
    rows = [[f.name, f.type, f.unit or "—", f.zh, f.en + (" (optional)" if f.optional else "")]
            for f in indicator.details]
    engine = ", ".join(f.name for f in ENGINE_FIELDS)
    return Section(f"细节字段 details (the engine adds where they apply: {engine})",
                   ["field", "type", "unit", "说明", "meaning"], rows)


def _type_text(schema: dict[str, Any]) -> str:
    """A short type of a field's JSON Schema: ``number``, ``ratios|target``, ``list[integer]``,
    the name of a nested model…"""
    if "enum" in schema:
        return "|".join(map(str, schema["enum"]))
    if "const" in schema:
        return str(schema["const"])
    if "$ref" in schema:
        return schema["$ref"].rpartition("/")[2]
    if "anyOf" in schema:
        return " | ".join(_type_text(s) for s in schema["anyOf"])
    if schema.get("type") == "array":
        return f"list[{_type_text(schema.get('items', {}))}]"
    if schema.get("type") == "object" and "additionalProperties" in schema:
        return f"dict[str, {_type_text(schema['additionalProperties'])}]"
    return str(schema.get("type", "any"))


def _value_text(value: Any) -> str:
    if value is None:
        return "—"
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= VALUE_WIDTH else text[:VALUE_WIDTH - 1] + "…"
