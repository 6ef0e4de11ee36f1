"""The Excel input template a technician fills in (``health-eval template OUT.xlsx``).

One sheet per input table (Chinese sheet name), a bold frozen bilingual header row
``中文(单位) / code`` the reader recognises, columns as wide as their contents, drop-down lists of
the Chinese labels of every coded column, example rows taken from the bundled demo (light
yellow; they evaluate as they are, and a workbook still holding them gets one
``template.example_rows`` warning, :mod:`.template_marks`), and the 填表说明 sheet in Chinese
with English beside (:mod:`.template_help`).
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import pandas as pd

from .engine.registry import default_registry
from .io.atomic import atomic_path
from .io.headers import BILINGUAL_SEPARATOR
from .io.tables import TABLES, TableSpec
from .io.template_marks import EXAMPLE_SHEET, row_digest
from .template_help import instruction_rows
from .vocabulary import LAKE_KINDS, RIVER_KINDS, WATER_BODY_KINDS

KINDS: dict[str, frozenset[str]] = {"river": frozenset(RIVER_KINDS), "lake": frozenset(LAKE_KINDS),
                                    "both": frozenset(WATER_BODY_KINDS)}
#: Demo water bodies whose rows are the examples of each kind of template.
EXAMPLE_WATER_BODIES = {"river": {"FHGD"}, "lake": {"XH"}, "both": {"FHGD", "XH"}}
#: Tables every template holds, whatever indicators read.
ALWAYS = ("water_bodies", "segments", "stations", "indicator_values")
#: Rows below the examples that get the drop-down lists.
VALIDATED_ROWS = 5000
HELP_SHEET = "填表说明"
#: Light yellow of the example rows.
EXAMPLE_FILL = "FFF2CC"
#: Packaged profiles whose minimum data the instructions state.
PROFILES = {"river": ("mwr2020-river",), "lake": ("mwr2020-lake",),
            "both": ("mwr2020-river", "mwr2020-lake")}


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
    marks: list[tuple[str, int, str]] = []
    target = Path(path)
    with atomic_path(target) as temporary, pd.ExcelWriter(temporary, engine="openpyxl") as book:
        _instructions(tables, readers, examples, kind).to_excel(book, sheet_name=HELP_SHEET,
                                                                 index=False)
        _format(book.sheets[HELP_SHEET], widths=[14, 12, 90, 70], wrap=True)
        for spec in tables:
            frame = examples.get(spec.name, pd.DataFrame(columns=[c.zh for c in spec.columns]))
            sheet = _sheet(spec, frame)
            sheet.to_excel(book, sheet_name=spec.zh, index=False)
            _drop_downs(book.sheets[spec.zh], spec)
            _format(book.sheets[spec.zh], widths=_fitted(sheet))
            marks += _mark_examples(book.sheets[spec.zh], spec.zh, len(sheet))
        pd.DataFrame(marks, columns=["工作表", "行号", "校验"]).to_excel(
            book, sheet_name=EXAMPLE_SHEET, index=False)
        book.sheets[EXAMPLE_SHEET].sheet_state = "hidden"
    return target


def _display_width(text: str) -> int:
    """Columns a text takes in Excel: Chinese characters count double."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _fitted(sheet: pd.DataFrame) -> list[int]:
    """Column widths fitted to the header and the example values (10–50)."""
    return [min(50, max(10, 2 + max([_display_width(str(h))]
                                    + [_display_width(str(v)) for v in sheet[h].dropna()])))
            for h in sheet.columns]


def _format(sheet, widths: list[int], wrap: bool = False) -> None:
    """Bold, frozen header row; column widths; wrapped text (instructions)."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    for position, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = width
        sheet.cell(1, position).font = Font(bold=True)
    sheet.freeze_panes = "A2"
    if wrap:
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def _mark_examples(sheet, name: str, n: int) -> list[tuple[str, int, str]]:
    """Fill the ``n`` example rows light yellow; their (sheet, row, digest) for the hidden
    示例行 sheet."""
    from openpyxl.styles import PatternFill

    fill = PatternFill("solid", fgColor=EXAMPLE_FILL)
    marks = []
    for row in range(2, n + 2):
        cells = sheet[row]
        for cell in cells:
            cell.fill = fill
        marks.append((name, row, row_digest(c.value for c in cells)))
    return marks


def header(column) -> str:
    """The template header of a column: ``中文(单位) / code``."""
    chinese = f"{column.zh}({column.unit})" if column.unit else column.zh
    return f"{chinese}{BILINGUAL_SEPARATOR}{column.name}"


def _readers(kinds: frozenset[str]) -> dict[str, list[str]]:
    """Table → ids of the indicators for these kinds that read it."""
    readers: dict[str, list[str]] = {}
    for indicator in default_registry():
        if indicator.applies_to & kinds:
            for table in indicator.inputs.tables:
                readers.setdefault(table, []).append(indicator.id)
    return readers


def _examples(water_bodies: set[str]) -> dict[str, pd.DataFrame]:
    """The demo's tables (Chinese headers and labels, as its CSV files hold them) restricted to
    ``water_bodies``: rows naming another water body, or its segments or stations, are left
    out."""
    from .engine.dataset import load_dataset

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


def _instructions(tables: list[TableSpec], readers: dict[str, list[str]],
                  examples: dict[str, pd.DataFrame], kind: str) -> pd.DataFrame:
    """The 填表说明 sheet (:func:`.template_help.instruction_rows`)."""
    from .profiles.profile import load_profile

    registry = default_registry()
    names = {i.id: (i.name_zh, i.name_en) for i in registry}
    profiles = [load_profile(p) for p in PROFILES[kind]]
    return instruction_rows(tables, readers, names, examples, profiles)
