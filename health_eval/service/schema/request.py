"""A v1 request turned into the arguments of :func:`health_eval.evaluate`, and evaluated.

The engine knows nothing of the JSON contract (ARCHITECTURE §3): this module translates a request
into ``evaluate()``'s arguments (:func:`request_arguments`) and evaluates it
(:func:`evaluate_request`, what ``POST /v1/evaluate`` and the Python API share).

The request is a portable document: its profile is a packaged id or an inline mapping, never a
path, and an inline mapping may ``extends:`` a packaged id only — so evaluating a request never
opens a file the client names, whether it comes through the HTTP service or the Python API.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from pydantic import ValidationError

from ...engine.api import evaluate
from ...engine.dataset import Dataset
from ...engine.registry import IndicatorRegistry
from ...engine.result import EvaluationResult
from ...issues import InputError
from ...profiles.profile import ProfileError, packaged_profiles
from .problems import request_issues
from .v1.models import EvaluateRequest, KindProfiles

__all__ = ["RequestArguments", "UnknownProfileError", "evaluate_request", "parse_request",
           "packaged_profile", "request_arguments", "row_counts"]

#: Dataset name (``provenance.dataset``) of an evaluated request.
REQUEST_DATASET_NAME = "request"


class UnknownProfileError(ProfileError):
    """A profile id that names no packaged profile (the HTTP service answers 404)."""


@dataclass
class RequestArguments:
    """What :func:`health_eval.evaluate` needs from a checked request, as plain JSON-ready data
    (cheap to send to a worker process: no DataFrames until :meth:`load`).

    Attributes
    ----------
    tables : dict of str to list of dict
        The tables' records, keyed as in the request.
    profile : str, mapping or None
        A packaged id, an inline mapping, or a mapping of kind to either.
    options : dict
        Policy overrides.
    confidence : dict
        ``confidence, seed, weights_spread, readings`` of a confidence request (empty without
        one).
    reading : str or None
        The method reading applied to the profile.
    """

    tables: dict[str, list[dict[str, Any]]]
    profile: str | dict[str, Any] | None
    options: dict[str, Any] = field(default_factory=dict)
    confidence: dict[str, Any] = field(default_factory=dict)
    reading: str | None = None

    @property
    def frames(self) -> dict[str, pd.DataFrame]:
        """The tables as DataFrames, keyed as in the request."""
        return {name: pd.DataFrame.from_records(records) if records else pd.DataFrame()
                for name, records in self.tables.items()}

    @property
    def inputs(self) -> dict[str, str]:
        """SHA-256 of each table's canonical JSON, for ``provenance.inputs``
        (``tables/<key>``)."""
        return {f"tables/{name}": _digest(records) for name, records in sorted(self.tables.items())}

    def load(self) -> Dataset:
        """The Dataset of the request's tables (:class:`InputError` when unreadable)."""
        return Dataset.from_frames(self.frames, name=REQUEST_DATASET_NAME)


def parse_request(obj: EvaluateRequest | Mapping[str, Any] | str | bytes) -> EvaluateRequest:
    """Validate a request given as a model, a mapping or JSON text.

    Raises
    ------
    InputError
        With one issue per schema violation (rule ``request.<type>``).
    """
    if isinstance(obj, EvaluateRequest):
        return obj
    try:
        if isinstance(obj, str | bytes):
            return EvaluateRequest.model_validate_json(obj)
        return EvaluateRequest.model_validate(obj)
    except ValidationError as exc:
        raise InputError(request_issues(exc)) from None


def row_counts(request: EvaluateRequest) -> dict[str, int]:
    """Number of records of each table of the request."""
    return {name: len(records) for name, records in request.tables.items()}


def packaged_profile(profile_id: str) -> str:
    """Return ``profile_id`` if it names a packaged profile.

    Raises
    ------
    UnknownProfileError
        Otherwise; nothing is opened.
    """
    known = packaged_profiles()
    if profile_id not in known:
        raise UnknownProfileError(
            f"找不到内置评价方案“{profile_id}”，可用：{', '.join(known)} / no packaged profile "
            f"{profile_id!r}; packaged: {', '.join(known)}")
    return profile_id


def _inline_profile(mapping: dict[str, Any]) -> dict[str, Any]:
    """An inline profile whose ``extends`` (if any) names a packaged profile."""
    parent = mapping.get("extends")
    if parent is not None and not (isinstance(parent, str) and parent in packaged_profiles()):
        known = ", ".join(packaged_profiles())
        raise ProfileError(
            f"请求中的评价方案只能 extends 内置方案（{known}），不能引用文件：{parent!r} / an "
            f"inline profile may extend a packaged profile only ({known}), not {parent!r}")
    return mapping


def _safe_profile(choice: str | KindProfiles | dict[str, Any] | None
                  ) -> str | dict[str, Any] | None:
    if choice is None:
        return None
    if isinstance(choice, str):
        return packaged_profile(choice)
    if isinstance(choice, KindProfiles):
        return {kind: _safe_profile(getattr(choice, kind))
                for kind in KindProfiles.model_fields if getattr(choice, kind) is not None}
    return _inline_profile(choice)


def _digest(records: list[dict[str, Any]]) -> str:
    text = json.dumps(records, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def request_arguments(request: EvaluateRequest | Mapping[str, Any],
                      profile: Any = None, options: Mapping[str, Any] | None = None
                      ) -> RequestArguments:
    """The evaluation arguments of a request, with arguments given beside it.

    Parameters
    ----------
    request : EvaluateRequest or mapping
        The v1 request.
    profile : optional
        A profile given beside the request (Python API); an error if the request names one too.
    options : mapping, optional
        Policy overrides given beside the request; an error if one contradicts the request's.

    Raises
    ------
    InputError
        For a request that does not match the schema.
    UnknownProfileError
        For a profile id that is not packaged.
    ProfileError
        For an inline profile that extends anything but a packaged id, or a profile given
        twice.
    """
    request = parse_request(request)
    chosen = _safe_profile(request.profile)
    if profile is not None:
        if chosen is not None:
            raise ProfileError("请求已指定评价方案，不能再另行指定 / the request names a profile; "
                               "do not give another beside it")
        chosen = profile
    merged = request.options.model_dump(exclude_none=True)
    for key, value in (options or {}).items():
        if key in merged and merged[key] != value:
            raise ProfileError(f"选项 {key} 在请求中为 {merged[key]!r}，另行指定为 {value!r} / "
                               f"option {key} is {merged[key]!r} in the request and {value!r} "
                               f"beside it")
        merged[key] = value
    confidence = {"confidence": request.confidence, "seed": request.seed,
                  "weights_spread": request.weights_spread,
                  "readings": request.readings} if request.confidence else {}
    return RequestArguments(tables=request.tables, profile=chosen, options=merged,
                            confidence=confidence, reading=request.reading)


def evaluate_request(request: EvaluateRequest | Mapping[str, Any] | RequestArguments,
                     profile: Any = None, *, registry: IndicatorRegistry | None = None,
                     **options: Any) -> EvaluationResult:
    """Evaluate a v1 request: :func:`health_eval.evaluate` of its tables, profile and options.

    Parameters
    ----------
    request : EvaluateRequest, mapping or RequestArguments
        The v1 request (a mapping with ``tables`` and optionally ``profile``, ``options``,
        ``schema_version``), or its arguments already checked by :func:`request_arguments`.
    profile, **options
        Given beside the request, as :func:`request_arguments` takes them.
    registry : IndicatorRegistry, optional
        Indicator definitions; default the built-ins plus installed plugins.

    Returns
    -------
    EvaluationResult
        As :func:`health_eval.evaluate` returns it; ``provenance.dataset`` is ``request`` and
        ``provenance.inputs`` holds the SHA-256 of each table's records (``tables/<name>``).
        ``to_dict()`` is the v1 response.

    Raises
    ------
    InputError
        For a request that does not match the schema or data that cannot be evaluated.
    ProfileError
        As :func:`request_arguments` and :func:`health_eval.evaluate` raise it.
    """
    if not isinstance(request, RequestArguments):
        request = request_arguments(request, profile, options)
    elif profile is not None or options:
        raise TypeError("give profile and options inside the RequestArguments")
    result = evaluate(request.load(), request.profile, registry=registry,
                      reading=request.reading, **request.options, **request.confidence)
    return dataclasses.replace(result, provenance={**result.provenance,
                                                   "inputs": request.inputs})
