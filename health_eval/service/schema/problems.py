"""Request and profile errors as issue rows, in Chinese and English.

A client of the JSON contract reads every problem in one shape — the rows of the result's
``issues`` table (``table, file, sheet, row, column, value, rule, severity, message_zh,
message_en`` and the keys) — whether the data could not be read, the request did not match the
schema, or the profile was invalid. The rules are the families ``request.*`` and ``profile.*``
of the catalogue (:mod:`health_eval.rule_catalogue`): a member is named by pydantic's error type,
worded by :data:`_ZH` in Chinese and pydantic's message in English.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from ...issues import Issue
from ...profiles.profile import ProfileError

__all__ = ["profile_issues", "request_issues", "validation_issues"]

#: Chinese wording of the pydantic error types a request meets most often.
_ZH = {
    "missing": "缺少必填项", "extra_forbidden": "不允许的键（v1 格式中没有此项）",
    "string_pattern_mismatch": "格式不符", "literal_error": "取值不在允许范围内",
    "json_invalid": "不是有效的 JSON", "json_type": "不是 JSON 对象",
    "dict_type": "应为对象（映射）", "list_type": "应为数组", "string_type": "应为文本",
    "int_type": "应为整数", "float_type": "应为数值", "bool_type": "应为布尔值",
    "greater_than_equal": "数值过小", "less_than_equal": "数值过大", "value_error": "取值无效",
    "model_type": "应为对象（映射）", "union_tag_invalid": "类型不符",
    "cell_type": "单元格应为数值、文本、布尔值或 null",
    "profile_id": "评价方案须为内置方案编号（不接受文件路径）",
    "profile_type": "评价方案应为内置方案编号、映射或 null",
}
MAX_VALUE_CHARS = 200


def _text(value: Any) -> str | None:
    """The offending value as short text (None when there is none)."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value
    else:
        try:
            text = json.dumps(value, ensure_ascii=False, default=str)
        except (TypeError, ValueError):
            text = repr(value)
    return text if len(text) <= MAX_VALUE_CHARS else text[:MAX_VALUE_CHARS] + "…"


def validation_issues(errors: Sequence[Mapping[str, Any]], *, table: str, prefix: str,
                      tables_key: str | None = None) -> list[Issue]:
    """One issue per pydantic error.

    Parameters
    ----------
    errors : sequence of mappings
        ``ValidationError.errors()`` (or FastAPI's ``RequestValidationError.errors()``): each
        with ``loc``, ``msg``, ``type`` and ``input``.
    table : str
        ``Issue.table`` for errors not inside an input table.
    prefix : str
        Rule prefix (``request`` → ``request.missing``) and label in messages.
    tables_key : str, optional
        The top-level key holding input tables as records; an error inside one is located as
        ``table`` = the table name, ``row`` = record index + 1, ``column`` = the column.
    """
    issues = []
    for err in errors:
        loc = [str(part) for part in err["loc"]]
        where_table, row, column = table, None, ".".join(loc) or None
        if tables_key is not None and len(loc) >= 2 and loc[0] == tables_key:
            where_table = loc[1]
            rest = loc[2:]
            if rest and rest[0].isdigit():
                row, rest = int(rest[0]) + 1, rest[1:]
            column = ".".join(rest) or None
        place_en = " ".join(p for p in (f"table {where_table}" if where_table != table else "",
                                        f"row {row}" if row is not None else "",
                                        f"at {column}" if column else "") if p)
        place_zh = "，".join(p for p in (f"表 {where_table}" if where_table != table else "",
                                        f"第 {row} 行" if row is not None else "",
                                        f"位置 {column}" if column else "") if p)
        zh = _ZH.get(err["type"], "不符合要求")
        value = err.get("input") if err["type"] != "missing" else None
        issues.append(Issue.of(
            f"{prefix}.*", rule=f"{prefix}.{err['type']}", table=where_table, row=row,
            column=column, value=_text(value), problem_zh=zh, problem_en=err["msg"],
            place_zh=f"{place_zh or prefix}；{err['msg']}", place_en=place_en or prefix))
    return issues


def request_issues(exc: ValidationError) -> list[Issue]:
    """Issues for a request that does not match the v1 request schema."""
    return validation_issues(exc.errors(include_url=False), table="request", prefix="request",
                             tables_key="tables")


def profile_issues(exc: ProfileError) -> list[Issue]:
    """Issues for a profile that cannot be used: one per bad key when the profile's own
    validation failed, else one with the profile error's message."""
    cause = exc.__cause__
    if isinstance(cause, ValidationError):
        return validation_issues(cause.errors(include_url=False), table="profile",
                                 prefix="profile")
    message = str(exc)
    zh, _, en = message.partition(" / ")
    return [Issue.of("profile.invalid", table="profile", detail_zh=zh if en else message,
                     detail_en=en or message)]
