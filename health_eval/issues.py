"""Problems found in input data or during an evaluation, in Chinese and English.

Every reader, validator and engine stage reports problems as :class:`Issue` records. They are
collected, never raised one at a time, and travel into the result's ``issues`` table
(ARCHITECTURE §6): ``table, file, sheet, row, column, value, rule, severity, message_zh,
message_en``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

import pandas as pd

from .vocabulary import Severity

ISSUE_COLUMNS: tuple[str, ...] = (
    "table", "file", "sheet", "row", "column", "value", "rule", "severity",
    "message_zh", "message_en",
)


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


def issues_frame(issues: Iterable[Issue]) -> pd.DataFrame:
    """Return issues as a table with the columns of :data:`ISSUE_COLUMNS`."""
    records = [asdict(issue) for issue in issues]
    frame = pd.DataFrame.from_records(records, columns=list(ISSUE_COLUMNS))
    return frame.astype({"row": "Int64"})


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
