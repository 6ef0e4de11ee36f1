"""Typed indicator parameters: the base model, the field helper, and reading a profile's params.

Every indicator declares the pydantic model of its ``params`` (``Indicator(params=…)``; the
built-ins' are in :mod:`health_eval.indicators.params`). A profile's ``indicators.<id>.params``
is read through it when the profile loads and again when it is evaluated, against the registry
that evaluates: an unknown key, a missing one or a mistyped value is a problem naming its YAML
path. Numbers of the method have no default in a model (SPEC §0): the profile gives them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class Params(BaseModel):
    """Base of every indicator's parameters: unknown keys are errors, values read-only."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class NoParams(Params):
    """The parameters of an indicator that takes none (own indicators, 自选指标, included)."""


def spec(description: str, unit: str = "", **constraints: Any) -> Any:
    """A parameter field: ``description`` (meaning and clause of the method) and ``unit``.

    The unit is kept in the field's JSON Schema as ``unit`` (editors show it,
    ``health-eval indicators --describe`` prints it).
    """
    return Field(description=description, json_schema_extra={"unit": unit} if unit else None,
                 **constraints)


def field_unit(model: type[BaseModel], name: str) -> str:
    """The unit :func:`spec` gave field ``name`` of ``model`` ("" when none)."""
    extra = model.model_fields[name].json_schema_extra
    return str(extra.get("unit", "")) if isinstance(extra, Mapping) else ""


#: Chinese and English wording of the pydantic error types met in params.
_PROBLEMS = {
    "extra_forbidden": ("未知参数", "unknown parameter"),
    "missing": ("缺少参数（须由评价方案给出）", "missing parameter (the profile must give it)"),
}


def parse_params(model: type[Params], raw: Mapping[str, Any], indicator_id: str
                 ) -> tuple[Params | None, list[str]]:
    """``raw`` (a profile's ``indicators.<indicator_id>.params``) read through ``model``.

    Returns
    -------
    (Params or None, list of str)
        The typed parameters, or None and one line per problem: the YAML path
        (``indicators.water.eco_flow.params.min_coverag``), what is wrong in Chinese and
        English, and the value given.
    """
    try:
        return model.model_validate(dict(raw)), []
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            path = ".".join([f"indicators.{indicator_id}.params",
                             *(str(part) for part in err["loc"])])
            zh, en = _PROBLEMS.get(err["type"], ("取值无效", f"invalid value: {err['msg']}"))
            given = "" if err["type"] == "missing" else f" (value: {err.get('input')!r})"
            lines.append(f"{path}: {zh} / {en}{given}"[:400])
        return None, lines


_NAME = "params-"              # its own names: no clash with the profile's CurveRule etc.
_REF = "#/$defs/" + _NAME


def params_schema_defs(models: Mapping[str, type[BaseModel]]) -> tuple[dict, dict]:
    """JSON Schemas of the params ``models`` by indicator id, for a profile file's schema.

    A profile file may give only some parameters (``extends`` supplies the rest), so no field
    is required here; the load check (:func:`parse_params`) requires them after ``extends``.

    Returns
    -------
    (dict, dict)
        Indicator id → schema of its ``params`` (a ``$ref``), and the ``$defs`` they use.
    """
    defs: dict[str, Any] = {}
    by_id = {}
    for indicator_id, model in models.items():
        schema = model.model_json_schema(ref_template=_REF + "{model}")
        defs.update({_NAME + name: d for name, d in schema.pop("$defs", {}).items()})
        defs[_NAME + model.__name__] = schema
        by_id[indicator_id] = {"$ref": _REF + model.__name__}
    for schema in defs.values():
        schema.pop("required", None)
    return by_id, defs
