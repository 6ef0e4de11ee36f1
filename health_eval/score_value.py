"""One value scored the way a profile and a method reading would, with the rule, band or node that
applied (``health-eval score``; issue 18): a technician checks any number of a report by hand.

The scores come from the rules' own :meth:`score` (SPEC §1.3); this module only finds the rule and
says where the value fell.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from .io.tables import code_key, table_spec
from .profiles.profile import Profile, ProfileError, load_profile
from .profiles.readings import DEFAULT_READING, apply_reading
from .profiles.scoring import CurveRule, DeductionRule, IdentityRule, RatioRule, parse_rule

if TYPE_CHECKING:
    from .engine.registry import AnyRule
#: Default profiles tried in order when neither a profile nor a kind is given.
KIND_ORDER = ("river", "lake")


def score_value(indicator: str, value: str | float, profile: Any = None,
                reading: str | None = None, kind: str | None = None) -> dict[str, Any]:
    """Score ``value`` of ``indicator`` and say how.

    Parameters
    ----------
    indicator : str
        An indicator id of the profile (``biota.fish_retention``), or a curve parameter of one
        (``water.eco_flow.ef1``, ``basin.shoreline_violations.four_problems``).
    value : str or float
        The value [the indicator's unit]; for a deduction rule item counts ``general=2,serious=1``
        (a single number when the rule has one category).
    profile : profile-like, optional
        Default: the packaged profile of ``kind``; without a kind, the river profile, else the
        lake profile, whichever has the indicator.
    reading : str, optional
        A method reading (default: the profile as it is).
    kind : {"river", "lake", "reservoir"}, optional

    Returns
    -------
    dict
        ``indicator``, ``name_zh``, ``name_en``, ``value``, ``unit``, ``score``, ``profile``,
        ``reading``, ``rule``, ``mode``, ``node_membership``, ``position`` (``inside``,
        ``at_node``, ``below_first``, ``above_last`` for curves), ``band`` (``{"from", "to",
        "floor"}``: the band whose floor a step gives, or the band interpolated in), ``node``
        (``{"x", "score"}``), ``source``, ``confidence``, ``explanation_zh``, ``explanation_en``.

    Raises
    ------
    ProfileError
        For an unknown profile, reading or kind, an indicator no candidate profile has (the
        message lists the profile's indicators), or a value that is not a number.
    """
    from .engine.api import DEFAULT_PROFILES
    from .engine.registry import default_registry

    if kind is not None and kind not in DEFAULT_PROFILES:
        raise ProfileError(f"未知水体类型“{kind}”，可用：{', '.join(DEFAULT_PROFILES)} / "
                           f"unknown kind {kind!r}; known: {', '.join(DEFAULT_PROFILES)}")
    names = ([profile] if profile is not None
             else [DEFAULT_PROFILES[kind]] if kind is not None
             else [DEFAULT_PROFILES[k] for k in KIND_ORDER])
    registry = default_registry()
    chosen = [apply_reading(load_profile(name), reading or DEFAULT_READING) for name in names]
    for candidate in chosen:
        found = _rule(candidate, indicator, registry)
        if found is not None:
            rule, definition, part = found
            break
    else:
        known = ", ".join(sorted(set().union(*(p.used_indicators for p in chosen))))
        tried = ", ".join(p.id for p in chosen)
        raise ProfileError(f"指标“{indicator}”不在评价方案 {tried} 中，可用：{known} / "
                           f"indicator {indicator!r} is not in profile {tried}; known: {known}")
    x = _value(value, rule)
    suffix = f" · {part}" if part else ""
    record = {"indicator": indicator,
              "name_zh": (definition.name_zh if definition else indicator) + suffix,
              "name_en": (definition.name_en if definition else indicator) + suffix,
              "value": x, "unit": definition.unit if definition and not part else "",
              "score": float(rule.score(_as_input(x, rule))[0]),
              "profile": candidate.id, "reading": reading or DEFAULT_READING,
              "rule": rule.rule, "mode": None, "node_membership": None, "position": None,
              "band": None, "node": None, "source": rule.source, "confidence": rule.confidence}
    record.update(_how(rule, x, record["score"]))
    return record


def _rule(profile: Profile, indicator: str, registry
          ) -> tuple[AnyRule, Any, str | None] | None:
    """The rule scoring ``indicator`` (or a rule parameter ``indicator.param``) in ``profile``,
    the indicator's definition and the parameter's name; None when the profile has neither."""
    used = profile.used_indicators
    own = {o.id: o for o in profile.own_indicators}

    def definition(indicator_id: str) -> Any:
        return own.get(indicator_id) or (registry.get(indicator_id)
                                         if indicator_id in registry else None)
    if indicator in used:
        rule = used[indicator].scoring or getattr(definition(indicator), "default_scoring", None)
        return (rule, definition(indicator), None) if rule is not None else None
    base, _, name = indicator.rpartition(".")
    param = used[base].params.get(name) if base in used else None
    if isinstance(param, Mapping) and "rule" in param:
        return parse_rule(param), definition(base), name
    return None


def _value(text: str | float, rule: AnyRule) -> float | dict[str, float]:
    """The value as a number, or item counts by category for a deduction rule."""
    if isinstance(rule, DeductionRule) and isinstance(text, str) and "=" in text:
        pairs = [part.split("=", 1) for part in text.split(",") if part.strip()]
        synonyms = _severity().code_synonyms()
        counts = {synonyms.get(code_key(k), k.strip()): _number(v) for k, v in pairs}
        unknown = sorted(set(counts) - set(rule.per_item))
        if unknown:
            raise ProfileError(f"未知扣分类别 {unknown}，可用：{sorted(rule.per_item)} / unknown "
                               f"deduction categories {unknown}; known: {sorted(rule.per_item)}")
        return counts
    if isinstance(rule, DeductionRule) and len(rule.per_item) != 1:
        raise ProfileError(f"扣分规则需按类别给出个数，如 general=2,serious=1 / a deduction rule "
                           f"needs counts by category, e.g. general=2,serious=1; categories: "
                           f"{sorted(rule.per_item)}")
    return _number(text)


def _number(text: str | float) -> float:
    try:
        number = float(text)
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number):
        raise ProfileError(f"值“{text}”不是有限数字 / value {text!r} is not a finite number")
    return number


def _as_input(x: float | dict[str, float], rule: AnyRule) -> Any:
    if isinstance(x, dict):
        return {k: np.array([v]) for k, v in x.items()}
    return np.array([x])


def _how(rule: AnyRule, x: Any, score: float) -> dict[str, Any]:
    """Which band or node gave ``score``, and the sentence saying so."""
    if isinstance(rule, CurveRule):
        return _curve_how(rule, x, score)
    if isinstance(rule, RatioRule):
        return {"explanation_zh": f"比值法：{x:g} ÷ {rule.reference:g} × 100，限于 0–100 → {score:g}",
                "explanation_en": f"ratio: {x:g} / {rule.reference:g} × 100, clipped to 0–100 "
                                  f"→ {score:g}"}
    if isinstance(rule, IdentityRule):
        return {"explanation_zh": f"值即得分，限于 0–100 → {score:g}",
                "explanation_en": f"the value is the score, clipped to 0–100 → {score:g}"}
    items = x if isinstance(x, dict) else dict.fromkeys(rule.per_item, x)
    column = _severity()
    labels = dict(zip(column.codes, column.code_labels))

    def terms(name: dict[str, str]) -> str:
        return " − ".join(f"{n:g} × {rule.per_item[k]:g} ({name.get(k, k)})"
                          for k, n in items.items())
    return {"explanation_zh": f"扣分法：{rule.start:g} − {terms(labels)}，不低于 {rule.floor:g} "
                              f"→ {score:g}",
            "explanation_en": f"deduction: {rule.start:g} − {terms({})}, floor {rule.floor:g} "
                              f"→ {score:g}"}


def _severity():
    """The severity column of the 四乱 table: its codes and their Chinese labels (一般, 较严重,
    重大), which a deduction's categories are written in."""
    return table_spec("shoreline_problems").column("severity")


def _curve_how(rule: CurveRule, x: float, score: float) -> dict[str, Any]:
    xs = [p[0] for p in rule.points]
    ys = [p[1] for p in rule.points]
    last = len(xs) - 1
    band_index, at_node = (int(a[0]) for a in rule.locate(np.array([x])))

    def band(k: int) -> dict[str, Any]:      # band k: [x_k, x_k+1); −1 and last: beyond the ends
        lower = xs[k] if k >= 0 else None
        upper = xs[k + 1] if k < last else None
        floor = ys[0] if k < 0 else ys[last] if k >= last else min(ys[k], ys[k + 1])
        return {"from": lower, "to": upper, "floor": floor}

    how: dict[str, Any] = {"mode": rule.mode, "node_membership": rule.node, "band": None,
                           "node": None}
    if at_node:
        how |= {"position": "at_node", "node": {"x": xs[band_index], "score": ys[band_index]}}
        if rule.mode == "step":           # the band the node belongs to: the better or the worse
            pick = max if rule.node == "upper" else min
            how["band"] = pick((band(band_index - 1), band(band_index)), key=lambda b: b["floor"])
    elif band_index < 0 or band_index >= last:
        how |= {"position": "below_first" if band_index < 0 else "above_last",
                "band": band(band_index)}
    else:
        how |= {"position": "inside", "band": band(band_index)}
    return how | _curve_sentence(how, x, score)


def _curve_sentence(how: dict[str, Any], x: float, score: float) -> dict[str, str]:
    band, node = how["band"], how["node"]

    def span(b: dict[str, Any]) -> str:
        if b["from"] is None:
            return f"< {b['to']:g}"
        return f"≥ {b['from']:g}" if b["to"] is None else f"{b['from']:g}–{b['to']:g}"

    zh, en = [], []
    if node is not None:
        zh.append(f"值恰在节点 {node['x']:g}（该节点 {node['score']:g} 分）")
        en.append(f"the value is at breakpoint {node['x']:g} (scoring {node['score']:g})")
    if how["position"] in ("below_first", "above_last"):
        zh.append(f"超出表的{'首' if how['position'] == 'below_first' else '末'}节点，取端点分值")
        en.append(f"beyond the {'first' if how['position'] == 'below_first' else 'last'} "
                  "breakpoint: the end's score")
    elif band is not None and how["mode"] == "step":
        where = "归入" if node is not None else "位于"
        zh.append(f"{where}档 {span(band)}，按档下限赋分")
        en.append(f"{'belongs to' if node is not None else 'in'} band {span(band)}, scored "
                  "by its floor")
    elif band is not None:
        zh.append(f"位于档 {span(band)}，节点间线性插值")
        en.append(f"in band {span(band)}, interpolated between its breakpoints")
    return {"explanation_zh": f"{x:g}：" + "，".join(zh) + f" → {score:g} 分",
            "explanation_en": f"{x:g}: " + "; ".join(en) + f" → {score:g}"}
