"""Example rows of the Excel input template, marked so that a workbook still holding them gives
one clear warning (``template.example_rows``) instead of passing unnoticed.

The template lists its example rows in a hidden sheet (示例行: sheet, Excel row, digest of the
row's cells); the reader compares those rows of the workbook with their digests, so an example
row that was overwritten with local data is no longer one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

from ..issues import Issue

EXAMPLE_SHEET = "示例行"
RULE = "template.example_rows"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def row_digest(values: Iterable[Any]) -> str:
    """A short digest of a row's cell values as Excel holds them (trailing blanks ignored)."""
    cells = [_cell(v) for v in values]
    while cells and cells[-1] == "":
        cells.pop()
    return hashlib.sha256("\x1f".join(cells).encode("utf-8")).hexdigest()[:16]


def _ranges(rows: Sequence[int]) -> str:
    """``2–4、7`` of sorted row numbers."""
    parts, start = [], None
    for position, row in enumerate(rows):
        start = row if start is None else start
        if position + 1 == len(rows) or rows[position + 1] != row + 1:
            parts.append(f"{start}" if start == row else f"{start}–{row}")
            start = None
    return "、".join(parts)


def examples_left(book, shown: str) -> list[Issue]:
    """One ``template.example_rows`` warning when the workbook ``book`` (openpyxl, read-only)
    still holds example rows of the template, naming the sheets and rows; none otherwise."""
    if EXAMPLE_SHEET not in book.sheetnames:
        return []
    marked: dict[str, dict[int, str]] = {}
    for sheet, row, digest in book[EXAMPLE_SHEET].iter_rows(min_row=2, values_only=True):
        if sheet in book.sheetnames and isinstance(row, int | float):
            marked.setdefault(str(sheet), {})[int(row)] = str(digest)
    left: dict[str, list[int]] = {}
    for sheet, rows in marked.items():
        cells = book[sheet].iter_rows(min_row=1, max_row=max(rows), values_only=True)
        for number, values in enumerate(cells, start=1):
            if rows.get(number) == row_digest(values):
                left.setdefault(sheet, []).append(number)
    if not left:
        return []
    n = sum(len(r) for r in left.values())
    where_zh = "；".join(f"{s} 第 {_ranges(r)} 行" for s, r in left.items())
    where_en = "; ".join(f"{s} rows {_ranges(r).replace('、', ', ')}" for s, r in left.items())
    return [Issue.of(RULE, table="input", file=shown, count=n, n=n, where_zh=where_zh,
                     where_en=where_en)]
