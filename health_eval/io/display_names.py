"""How tables, columns and files are named to a reader: Chinese names as the Excel template shows
them (``水质监测数据``, ``河段长度(km)``), and file names without the folders above the input
package (no installation or home path in an output)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePath, PurePosixPath, PureWindowsPath
from typing import Any

from ..vocabulary import CRITERIA_ZH
from .tables import TABLES, table_spec

_TABLE_NAMES = frozenset(t.name for t in TABLES)

#: Issues of a stage rather than a table: their Chinese names.
STAGES = {"evaluation": "评价计算", "input": "输入数据包", "profile": "评价方案",
          "request": "请求"}


def table_label(table: Any) -> str:
    """The Chinese name of a table code (``wq_samples`` → ``水质监测数据``); anything else (a
    stage such as ``evaluation``, a name already Chinese) as it is."""
    try:
        return table_spec(str(table)).zh
    except KeyError:
        return "" if table is None else STAGES.get(str(table), str(table))


def column_label(table: Any, column: Any) -> str:
    """The template's Chinese header of a column: ``中文(单位)`` (``length_km`` of ``segments``
    → ``河段长度(km)``); a column the table does not define as it is."""
    try:
        spec = table_spec(str(table)).column(str(column))
    except KeyError:
        return "" if column is None else str(column)
    return f"{spec.zh}({spec.unit})" if spec.unit else spec.zh


def file_label(path: Any) -> str:
    """A file as an output shows it: a relative path as given, an absolute one by its last
    folder and name (``/usr/lib/…/demo/逐日流量.csv`` → ``demo/逐日流量.csv``)."""
    if path is None or not isinstance(path, str | PurePath) or not str(path):
        return "" if path is None else str(path)
    text = str(path)
    pure = PureWindowsPath(text) if "\\" in text or text[1:3] == ":\\" else PurePosixPath(text)
    if not (pure.is_absolute() or pure.anchor):
        return text
    return "/".join(pure.parts[-2:]) if len(pure.parts) > 2 else pure.name


def display_issues(issues, names: Mapping[str, str] | None = None):
    """An issues table as a reader's file shows it (``issues.xlsx``, ``issues.csv``): tables
    and columns by their Chinese names, files without the folders above the package. The
    result's own ``issues`` keep the codes (structured keys for programs).

    ``names`` gives the Chinese names of the codes an evaluation issue puts in ``column``
    (indicator ids; criteria are known here).
    """
    shown = issues.copy()
    codes = {**CRITERIA_ZH, **(names or {})}
    if "column" in shown:
        shown["column"] = [c if not isinstance(c, str) else column_label(t, c)
                           if t in _TABLE_NAMES else codes.get(c, c)
                           for t, c in zip(shown["table"], shown["column"])]
    if "table" in shown:
        shown["table"] = [table_label(t) if isinstance(t, str) else t for t in shown["table"]]
    if "file" in shown:
        shown["file"] = [file_label(f) if isinstance(f, str) else f for f in shown["file"]]
    return shown
