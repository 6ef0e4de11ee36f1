"""The Excel input template a technician fills in (``health-eval template OUT.xlsx``).

One sheet per input table (Chinese sheet name), a bilingual header row ``中文(单位) / code`` the
reader recognises, drop-down lists of the Chinese labels of every coded column, example rows
taken from the bundled demo (they evaluate as they are, and can be deleted), and an
instructions sheet: what each table is for, which indicators read it, which columns are
required.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import pandas as pd

from .atomic import atomic_path
from .headers import BILINGUAL_SEPARATOR
from .registry import default_registry
from .tables import TABLES, TableSpec

KINDS: dict[str, frozenset[str]] = {"river": frozenset({"river"}),
                                    "lake": frozenset({"lake", "reservoir"}),
                                    "both": frozenset({"river", "lake", "reservoir"})}
#: Demo water bodies whose rows are the examples of each kind of template.
EXAMPLE_WATER_BODIES = {"river": {"FHGD"}, "lake": {"XH"}, "both": {"FHGD", "XH"}}
#: Tables every template holds, whatever indicators read.
ALWAYS = ("water_bodies", "segments", "stations", "indicator_values")
#: Rows below the examples that get the drop-down lists.
VALIDATED_ROWS = 5000


def write_template(path: str | os.PathLike, kind: str = "both") -> Path:
    """Write the input template for ``kind`` water bodies to ``path`` (an ``.xlsx``).

    Parameters
    ----------
    path : path
        The workbook to write (atomically).
    kind : {"river", "lake", "both"}
        Which indicators' tables, and which demo water body's example rows, it holds.

    Returns
    -------
    Path
        The workbook written.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {sorted(KINDS)}, got {kind!r}")
    readers = _readers(KINDS[kind])
    tables = [spec for spec in TABLES if spec.name in ALWAYS or spec.name in readers]
    examples = _examples(EXAMPLE_WATER_BODIES[kind])
    target = Path(path)
    with atomic_path(target) as temporary, pd.ExcelWriter(temporary, engine="openpyxl") as book:
        _instructions(tables, readers).to_excel(book, sheet_name="填表说明", index=False)
        for spec in tables:
            frame = examples.get(spec.name, pd.DataFrame(columns=[c.zh for c in spec.columns]))
            sheet = _sheet(spec, frame)
            sheet.to_excel(book, sheet_name=spec.zh, index=False)
            _drop_downs(book.sheets[spec.zh], spec)
            _widths(book.sheets[spec.zh], sheet.columns)
        _widths(book.sheets["填表说明"], ["表名"] * 6)
    return target


def header(column) -> str:
    """The template header of a column: ``中文(单位) / code``."""
    chinese = f"{column.zh}({column.unit})" if column.unit else column.zh
    return f"{chinese}{BILINGUAL_SEPARATOR}{column.name}"


def _readers(kinds: frozenset[str]) -> dict[str, list[str]]:
    """Table → ids of the indicators for these kinds that read it."""
    readers: dict[str, list[str]] = {}
    for indicator in default_registry():
        if indicator.applies_to & kinds:
            for table in indicator.inputs:
                readers.setdefault(table, []).append(indicator.id)
    return readers


def _examples(water_bodies: set[str]) -> dict[str, pd.DataFrame]:
    """The demo's tables (Chinese headers and labels, as its CSV files hold them) restricted to
    ``water_bodies``: rows naming another water body, or its segments or stations, are left
    out."""
    from .dataset import load_dataset

    folder = resources.files("health_eval") / "data" / "demo"
    kept = load_dataset(Path(str(folder))).subset(sorted(water_bodies))
    frames = {}
    for spec in TABLES:
        path = folder / f"{spec.zh}.csv"
        if not path.is_file():
            continue
        with resources.as_file(path) as real:
            text = pd.read_csv(real, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        rows = kept.row_numbers.get(spec.name)
        if rows is not None:           # rows as the CSV numbers them: header line 1
            text = text.iloc[[int(r) - 2 for r in rows]]
        frames[spec.name] = text.reset_index(drop=True)
    return frames


def _sheet(spec: TableSpec, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (Chinese headers, maybe with units) under the template's bilingual headers."""
    by_header = {}
    for column in spec.columns:
        for written in (f"{column.zh}({column.unit})", column.zh):
            if written in frame:
                by_header[header(column)] = frame[written].map(_number_or_text)
                break
        else:
            by_header[header(column)] = pd.Series([None] * len(frame), dtype=object)
    return pd.DataFrame(by_header)


def _number_or_text(value: str):
    """A CSV cell as Excel wants it: a number when it is one, else the text (or empty)."""
    if value == "":
        return None
    try:
        number = float(value)
    except ValueError:
        return value
    return int(number) if number.is_integer() and "." not in value else number


def _drop_downs(sheet, spec: TableSpec) -> None:
    """A list validation with the Chinese labels on every coded column (and 是/否 for booleans);
    an open column (``Column.closed`` false: sample parameters) suggests without refusing."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    for position, column in enumerate(spec.columns, start=1):
        choices = (column.code_labels if column.codes is not None
                   else ("是", "否") if column.dtype == "bool" else None)
        if not choices:
            continue
        letter = get_column_letter(position)
        rule = DataValidation(type="list", formula1='"' + ",".join(choices) + '"',
                              allow_blank=True, showErrorMessage=column.closed,
                              error=f"请从列表中选择 / choose one of: {', '.join(choices)}")
        rule.add(f"{letter}2:{letter}{VALIDATED_ROWS}")
        sheet.add_data_validation(rule)


def _widths(sheet, headers) -> None:
    from openpyxl.utils import get_column_letter

    for position, text in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = max(12, len(str(text)) + 4)


def _instructions(tables: list[TableSpec], readers: dict[str, list[str]]) -> pd.DataFrame:
    """One row per sheet: its name, code, purpose, the indicators reading it, its columns."""
    rows = []
    for spec in tables:
        required = [c.zh for c in spec.columns if c.required]
        optional = [c.zh for c in spec.columns if not c.required]
        rows.append({
            "表名": spec.zh, "表编码 table": spec.name,
            "用途 purpose": spec.description,
            "读取它的指标 read by": ", ".join(readers.get(spec.name, [])) or
            ("全部 every indicator" if spec.required else "直接赋值 supplied values"),
            "必填列 required columns": "、".join(required),
            "选填列 optional columns": "、".join(optional),
        })
    note = {"表名": "说明 notes", "表编码 table": "",
            "用途 purpose": "示例数据来自合成演示数据包，可整行删除后填入本地数据；表头为“中文(单位) / 编码”，"
                          "请勿修改。Example rows come from the synthetic demo and can be deleted; "
                          "keep the headers. 未检出写作 <检出限 或 未检出; 日期写作 2021-03-05。",
            "读取它的指标 read by": "", "必填列 required columns": "", "选填列 optional columns": ""}
    return pd.DataFrame([note, *rows])

