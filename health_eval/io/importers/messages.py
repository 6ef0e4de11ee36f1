"""The rules of the importers: code → Chinese and English message, and located issues.

An importer reports what it met in a bureau's file — a station name that is not in the station
table, cells marked "not measured", rows the platform marked invalid, marks of a yearbook — as
:class:`~health_eval.issues.Issue` rows located by the original file, sheet, row and column, so
that the technician finds each one where it is. The rules (``import.*``) are defined in the
one catalogue, :mod:`health_eval.rule_catalogue.import_rules`.

References: ARCHITECTURE.md §6, §7 (messages that name file, sheet, row, column, value, rule).
"""

from __future__ import annotations

from dataclasses import dataclass

from ...issues import Issue

__all__ = ["Place"]

@dataclass(frozen=True)
class Place:
    """The file (and sheet) being imported, for the issues of one target table."""

    table: str
    file: str | None
    sheet: str | None = None

    def issue(self, rule: str, severity: str, *, row: int | None = None,
              column: str | None = None, value: str | None = None, **fields) -> Issue:
        """A located, bilingual :class:`Issue` of catalogue rule ``rule``; a field ``n`` (rows
        or cells it stands for) is also its ``count``."""
        where_zh = [f"文件 {self.file}"] if self.file else []
        where_en = [f"file {self.file}"] if self.file else []
        for label_zh, label_en, part in (("工作表", "sheet", self.sheet), ("第", "row", row),
                                         ("列", "column", column)):
            if part is not None:
                suffix = " 行" if label_zh == "第" else ""
                where_zh.append(f"{label_zh} {part}{suffix}")
                where_en.append(f"{label_en} {part}")
        return Issue.of(rule, table=self.table, severity=severity, file=self.file,
                        sheet=self.sheet, row=row, column=column,
                        value=None if value is None else str(value), count=fields.get("n"),
                        where=("，".join(where_zh), ", ".join(where_en)), **fields)
