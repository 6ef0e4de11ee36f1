"""Issues found while reading input files, located and worded in Chinese and English.

The readers and the cell coercion report every problem through a :class:`Sink`, which turns a rule
code of the catalogue (:mod:`health_eval.rule_catalogue`) and the cell's location
(:class:`Origin`: table, file, sheet) into a bilingual :class:`~health_eval.issues.Issue`, and
lists at most :data:`MAX_ISSUES_PER_COLUMN` per column (the rest are counted in one summary
issue).

References: ARCHITECTURE.md §1, §7 (messages that name file, sheet, row, column, value and rule).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from ..issues import Issue
from .display_names import column_label, file_label, table_label

if TYPE_CHECKING:
    from .cells import Cells

__all__ = ["INPUT", "MAX_ISSUES_PER_COLUMN", "Origin", "Sink"]

#: Issues listed one by one per table and column; the rest are counted in one summary issue.
MAX_ISSUES_PER_COLUMN = 1000
#: Issue.table for problems not tied to one catalogue table.
INPUT = "input"


@dataclass(frozen=True)
class Origin:
    """Table and place being read; builds located, bilingual issues."""

    table: str
    file: str | None
    sheet: str | None

    def issue(self, rule: str, severity: str, *, row: int | None = None,
              column: str | None = None, header: str | None = None, value: str | None = None,
              **fields) -> Issue:
        """Return the Issue of catalogue rule ``rule``; its messages end with the full location
        and the rule. A field ``n`` (rows the issue stands for) is also its ``count``."""
        return Issue.of(rule, table=self.table, severity=severity, file=self.file,
                        sheet=self.sheet, row=row, column=column, value=value, header=header,
                        count=fields.pop("count", fields.get("n")),
                        where=self._where(row, column, header), **fields)

    @cached_property
    def _file_shown(self) -> str:
        """The file as messages name it (:func:`~health_eval.io.display_names.file_label`)."""
        return file_label(self.file)

    def _where(self, row, column, header) -> tuple[str, str]:
        """Location phrases in Chinese and English."""
        zh, en = ([], []) if self.table == INPUT else ([f"表 {table_label(self.table)}"],
                                                        [f"table {self.table}"])
        if self.file:
            zh.append(f"文件 {self._file_shown}")
            en.append(f"file {self._file_shown}")
        if self.sheet:
            zh.append(f"工作表 {self.sheet}")
            en.append(f"sheet {self.sheet}")
        if row is not None:
            zh.append(f"第 {row} 行")
            en.append(f"row {row}")
        if column:
            as_written = header if header and header != column else None
            shown = column_label(self.table, column)
            zh.append(f"列 {shown}" + (f"（标题“{as_written}”）" if as_written
                                       and as_written != shown else ""))
            en.append(f"column {column}" + (f" (header '{as_written}')" if as_written else ""))
        return "，".join(zh), ", ".join(en)


class Sink:
    """Collects the issues of one table, at most MAX_ISSUES_PER_COLUMN per column."""

    def __init__(self, origin: Origin):
        self.origin = origin
        self.issues: list[Issue] = []
        self._listed: dict[str | None, int] = {}
        self._dropped: dict[str | None, tuple[int, bool]] = {}

    def add(self, rule: str, severity: str, **kw) -> None:
        """Add one issue (structure problems: columns, tables)."""
        self.issues.append(self.origin.issue(rule, severity, **kw))

    def cells(self, rule: str, severity: str, mask: np.ndarray, rows: np.ndarray,
              cells: Cells | None, column: str | None, header: str | None = None,
              **fields) -> None:
        """Add one issue per flagged cell; only the flagged positions are visited. Cells that
        know their own headers (:attr:`Cells.headers`) are named by them, else by ``header``."""
        positions = np.flatnonzero(mask)
        if not len(positions):
            return
        shown = positions[:self.room(column)]
        values = cells.display(shown) if cells is not None else [None] * len(shown)
        own = getattr(cells, "headers", None)       # validation passes shown values instead
        headers = [header] * len(shown) if own is None else own[shown].tolist()
        for pos, value, written in zip(shown.tolist(), values, headers):
            self.add(rule, severity, row=int(rows[pos]), column=column, header=written,
                     value=value, **fields)
        self.count(column, len(shown), len(positions) - len(shown), severity)

    def room(self, column: str | None) -> int:
        """How many more issues of ``column`` are listed one by one."""
        return max(MAX_ISSUES_PER_COLUMN - self._listed.get(column, 0), 0)

    def count(self, column: str | None, listed: int, hidden: int, severity: str) -> None:
        """Record ``listed`` issues added for ``column`` and ``hidden`` ones left unlisted."""
        self._listed[column] = self._listed.get(column, 0) + listed
        if hidden:
            count, error = self._dropped.get(column, (0, False))
            self._dropped[column] = (count + hidden, error or severity == "error")

    def finish(self) -> list[Issue]:
        """Return the issues, with one summary per column whose issues were capped."""
        for column, (count, error) in self._dropped.items():
            self.add("issues.truncated", "error" if error else "warning", column=column,
                     count=count)
        return self.issues
