"""The versioned JSON contract for clients that are not Python (HTTP service, platforms).

A *request* holds the input tables as records plus the profile and policy options; a
*response* is :meth:`health_eval.EvaluationResult.to_dict`. The models of version 1 are in
:mod:`health_eval.service.schema.v1`; their JSON Schemas are checked into the package beside them
(``health_eval/service/schema/v1/*.schema.json``) and printed by ``health-eval schema KIND``. A change
to the models changes the files; a change that is not backward compatible changes
:data:`SCHEMA_VERSION`.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from ...vocabulary import SCHEMA_VERSION

#: Schema kinds: ``health-eval schema KIND`` prints one, the file is ``v1/KIND.schema.json``.
SCHEMA_KINDS: tuple[str, ...] = ("request", "response", "validation", "error")

__all__ = ["SCHEMA_KINDS", "SCHEMA_VERSION", "checked_in_schema", "json_schema", "schema_text"]


def json_schema(kind: str) -> dict[str, Any]:
    """JSON Schema of one kind of document of the current version, from the pydantic models.

    Parameters
    ----------
    kind : {"request", "response", "validation", "error"}
        The request of ``POST /v1/evaluate`` and ``/v1/validate``, the response of
        ``/v1/evaluate``, the response of ``/v1/validate``, or the body of an error answer.

    Raises
    ------
    ValueError
        For an unknown kind.
    """
    from .v1 import models

    model = {"request": models.EvaluateRequest, "response": models.EvaluateResponse,
             "validation": models.ValidateResponse, "error": models.ErrorResponse}.get(kind)
    if model is None:
        raise ValueError(f"unknown schema kind {kind!r}; known: {', '.join(SCHEMA_KINDS)}")
    mode = "validation" if kind == "request" else "serialization"
    schema = model.model_json_schema(mode=mode)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"health_eval/service/schema/v{SCHEMA_VERSION}/{kind}.schema.json"
    return schema


def schema_text(kind: str) -> str:
    """The JSON Schema of ``kind`` as the text of its checked-in file (stable, UTF-8)."""
    return json.dumps(json_schema(kind), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def checked_in_schema(kind: str) -> str:
    """The text of the checked-in file ``v<SCHEMA_VERSION>/<kind>.schema.json``."""
    folder = resources.files("health_eval.service.schema") / f"v{SCHEMA_VERSION}"
    return (folder / f"{kind}.schema.json").read_text(encoding="utf-8")
