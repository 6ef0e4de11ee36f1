"""Problems found in input data or during an evaluation, in Chinese and English.

Every reader, validator and engine stage reports problems as :class:`Issue` records. They are
collected, never raised one at a time, and travel into the result's ``issues`` table
(ARCHITECTURE §6): ``table, file, sheet, row, column, value, rule, severity, message_zh,
message_en`` and the keys ``water_body_id, segment_id, indicator_id, count``. An issue is made
from its rule in the catalogue (:mod:`health_eval.rule_catalogue`) by :meth:`Issue.of`, which
words it; consumers select issues by these keys and the rule code, never by their messages.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from typing import Any

import pandas as pd

from .rule_catalogue import rule as catalogue_rule
from .vocabulary import Severity

ISSUE_COLUMNS: tuple[str, ...] = (
    "table", "file", "sheet", "row", "column", "value", "rule", "severity",
    "message_zh", "message_en", "water_body_id", "segment_id", "indicator_id", "count",
)
#: The structured keys added in schema 1.x (optional: results written before have none).
KEY_COLUMNS: tuple[str, ...] = ("water_body_id", "segment_id", "indicator_id", "count")


@dataclass(frozen=True, kw_only=True)
class Issue:
    """One problem, located as precisely as the data allow.

    Parameters
    ----------
    table : str
        Input table code (``wq_samples``), or the stage (``evaluation``) for engine problems.
    file, sheet : str or None
        Where the table was read from.
    row : int or None
        Row number as the user sees it in the file (Excel row, or CSV line with the header as 1).
    column : str or None
        Column code (or the header as written when it was not recognised).
    value : str or None
        The offending value, as text.
    rule : str
        Stable code of the rule broken (``type.float``, ``column.required``,
        ``indicator.mandatory_missing``…).
    severity : {"error", "warning"}
    message_zh, message_en : str
        The explanation in Chinese and in English.
    water_body_id, segment_id, indicator_id : str or None
        The water body, segment and indicator the issue concerns, when it concerns one.
    count : int or None
        How many rows (cells, days …) the issue stands for, when it stands for several.
    """

    table: str
    rule: str
    severity: Severity
    message_zh: str
    message_en: str
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    water_body_id: str | None = None
    segment_id: str | None = None
    indicator_id: str | None = None
    count: int | None = None

    @classmethod
    def of(cls, code: str, /, *, table: str, severity: str | None = None, rule: str | None = None,
           where: tuple[str, str] | None = None, file: str | None = None,
           sheet: str | None = None, row: int | None = None, column: str | None = None,
           value: str | None = None, water_body_id: str | None = None,
           segment_id: str | None = None, indicator_id: str | None = None,
           count: int | None = None, **fields: Any) -> Issue:
        """The issue of rule ``code`` of the catalogue, worded by its templates.

        Parameters
        ----------
        code : str
            A code of :mod:`health_eval.rule_catalogue` (``type.float``), or a family
            (``request.*``) with ``rule`` naming the member (``request.missing``).
        table, file, sheet, row, column, value, water_body_id, segment_id, indicator_id, count
            The issue's keys; templates may use them.
        severity : {"error", "warning"}, optional
            Only for rules whose severity the finder decides (``error|warning``).
        where : (str, str), optional
            Location phrases (Chinese, English): the messages end with
            ``（where；规则 code）`` / `` (where; rule code)``.
        **fields
            The other fields the templates use.

        Raises
        ------
        KeyError, ValueError
            For a code not in the catalogue, a template field not given, a severity the rule
            does not allow, or a family member of another family (programming errors).
        """
        entry = catalogue_rule(code)
        if code.endswith(".*") != (rule is not None) or (
                rule is not None and not rule.startswith(code[:-1])):
            raise ValueError(f"rule {rule!r} is not a member of {code!r}")
        rule = rule or code
        keys = {"table": table, "file": file, "sheet": sheet, "row": row, "column": column,
                "value": value, "water_body_id": water_body_id, "segment_id": segment_id,
                "indicator_id": indicator_id, "count": None if count is None else int(count)}
        zh, en = entry.messages({**keys, "water_body_id": water_body_id or "",
                                 "segment_id": segment_id or "",
                                 "indicator_id": indicator_id or "", "rule": rule, **fields})
        if where is not None:
            zh, en = _located(zh, en, rule, *where)
        return cls(rule=rule, severity=entry.severity_of(severity), message_zh=zh,
                   message_en=en, **keys)

    def located(self, where_zh: str = "", where_en: str = "") -> Issue:
        """This issue with its messages ending in the place and the rule:
        ``（where_zh；规则 rule）`` and `` (where_en; rule rule)``."""
        zh, en = _located(self.message_zh, self.message_en, self.rule, where_zh, where_en)
        return replace(self, message_zh=zh, message_en=en)

    def location(self) -> str:
        """``file [sheet] row N, column C`` — whatever parts are known."""
        parts = [p for p in (self.file or self.table,
                             f"[{self.sheet}]" if self.sheet else None,
                             f"row {self.row}" if self.row is not None else None,
                             f"column {self.column}" if self.column else None) if p]
        return " ".join(parts)

    def __str__(self) -> str:
        value = f" value={self.value!r}" if self.value is not None else ""
        return (f"{self.severity}: {self.location()}{value} [{self.rule}] "
                f"{self.message_zh} / {self.message_en}")


def _located(zh: str, en: str, rule: str, where_zh: str, where_en: str) -> tuple[str, str]:
    """Messages ending in the place (when known) and the rule."""
    place_zh = f"{where_zh}；" if where_zh else ""
    place_en = f"{where_en}; " if where_en else ""
    return f"{zh}（{place_zh}规则 {rule}）", f"{en} ({place_en}rule {rule})"


def issues_frame(issues: Iterable[Issue]) -> pd.DataFrame:
    """Return issues as a table with the columns of :data:`ISSUE_COLUMNS`."""
    records = [asdict(issue) for issue in issues]
    frame = pd.DataFrame.from_records(records, columns=list(ISSUE_COLUMNS))
    return frame.astype({"row": "Int64", "count": "Int64"})


def sort_issues(frame: pd.DataFrame) -> pd.DataFrame:
    """Issues in one canonical order: errors first, then by table, file, sheet, row (rows
    without a number last), column, rule, value and message — so that the same problems give the
    same table however they were found (one call, partitions, another order of indicators)."""
    if frame.empty:
        return frame.reset_index(drop=True)
    keys = frame.assign(_severity=frame["severity"].map({"error": 0}).fillna(1),
                        _row=frame["row"].astype("Float64").fillna(float("inf")))
    text = ["table", "file", "sheet", "column", "rule", "value", "message_en"]
    keys[text] = keys[text].astype(object).fillna("").astype(str)
    order = keys.sort_values(["_severity", "table", "file", "sheet", "_row", "column", "rule",
                              "value", "message_en"], kind="stable").index
    return frame.loc[order].reset_index(drop=True)


def issue_records(issues: Iterable[Issue]) -> list[dict[str, object]]:
    """Return issues as JSON-ready records with the keys of :data:`ISSUE_COLUMNS` (the rows
    of ``issues`` in :meth:`EvaluationResult.to_dict`)."""
    return [{column: getattr(issue, column) for column in ISSUE_COLUMNS} for issue in issues]


class InputError(Exception):
    """Input that cannot be evaluated; carries every problem found, not only the first.

    Parameters
    ----------
    issues : list of Issue
        All problems found (at least one with severity ``error``).
    """

    def __init__(self, issues: list[Issue]):
        self.issues = list(issues)
        lines = "\n".join(f"  {issue}" for issue in self.issues)
        super().__init__(f"输入数据有 {len(self.issues)} 个问题 / "
                         f"{len(self.issues)} problem(s) in the input:\n{lines}")
