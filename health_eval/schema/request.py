"""A v1 request turned into the arguments of :func:`health_eval.evaluate`.

The request is a portable document: its profile is a packaged id or an inline mapping, never a
path, and an inline mapping may ``extends:`` a packaged id only — so evaluating a request never
opens a file the client names, whether it comes through the HTTP service or the Python API.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from pydantic import ValidationError

from ..dataset import Dataset
from ..issues import InputError
from ..profile import ProfileError, packaged_profiles
from .problems import request_issues
from .v1.models import EvaluateRequest, KindProfiles

__all__ = ["RequestArguments", "UnknownProfileError", "is_request", "parse_request",
           "packaged_profile", "request_arguments", "row_counts"]

#: Dataset name (``provenance.dataset``) of an evaluated request.
REQUEST_DATASET_NAME = "request"


class UnknownProfileError(ProfileError):
    """A profile id that names no packaged profile (the HTTP service answers 404)."""


@dataclass
class RequestArguments:
    """What :func:`health_eval.evaluate` needs from a request.

    Attributes
    ----------
    frames : dict of str to DataFrame
        The tables, keyed as in the request.
    profile : str, mapping or None
        A packaged id, an inline mapping, or a mapping of kind to either.
    options : dict
        Policy overrides.
    inputs : dict of str to str
        SHA-256 of each table's canonical JSON, for ``provenance.inputs`` (``tables/<key>``).
    """

    frames: dict[str, pd.DataFrame]
    profile: str | dict[str, Any] | None
    options: dict[str, Any] = field(default_factory=dict)
    inputs: dict[str, str] = field(default_factory=dict)

    def load(self) -> Dataset:
        """The Dataset of the request's tables (:class:`InputError` when unreadable)."""
        return Dataset.from_frames(self.frames, name=REQUEST_DATASET_NAME)


def is_request(obj: Any) -> bool:
    """Whether ``obj`` is a v1 request: a model, or a mapping with ``tables`` or
    ``schema_version`` (neither is a table name, so a dict of DataFrames never looks like one)."""
    if isinstance(obj, EvaluateRequest):
        return True
    return isinstance(obj, Mapping) and ("tables" in obj or "schema_version" in obj)


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
    frames = {name: pd.DataFrame.from_records(records) if records else pd.DataFrame()
              for name, records in request.tables.items()}
    inputs = {f"tables/{name}": _digest(records)
              for name, records in sorted(request.tables.items())}
    return RequestArguments(frames=frames, profile=chosen, options=merged, inputs=inputs)
