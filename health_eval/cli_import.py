"""``health-eval import KIND FILE…``: bureau files in the template's tidy form, to check.

Reads the files with one importer (:mod:`health_eval.io.importers`), matches their names to the
stations, segments and water bodies of ``--package``, types and checks the rows as any input
table, and writes the tidy tables to one workbook: a sheet per table under the template's
headers (``测站编码 / station_id``), a sheet 导入记录 (rows read, used and rejected per file,
how sub-daily values were averaged) and a sheet 问题清单 (every issue, located in the original
files). Exit 1, with the issues written and no workbook, when an issue is an error.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from .io import IMPORTER_NAMES

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["IMPORT_HELP", "import_command"]

IMPORT_HELP = (f"Read bureau files with these importers ({', '.join(IMPORTER_NAMES)}); default: "
               f"any importer that recognises a file of the package.")
ACCOUNT_HEADERS = {"importer": "导入方式", "file": "文件", "sheet": "工作表", "table": "数据表",
                   "read": "读取行数", "used": "可用行数", "rejected": "剔除行数", "notes": "说明"}


def import_command(
        kind: str = typer.Argument(..., metavar="KIND", help=", ".join(IMPORTER_NAMES)),
        files: list[Path] = typer.Argument(..., help="The bureau files (CSV or xlsx)."),
        package: Path = typer.Option(..., "--package",
                                     help="Input package whose 河湖名录, 评价河段 and 监测站点 "
                                          "names are matched to."),
        out: Path = typer.Option(Path("tidy.xlsx"), "--out", help="The workbook to write."),
        mapping: Path | None = typer.Option(None, "--map",
                                            help="Questionnaire mapping (YAML).")) -> None:
    """导入单位现有数据 — read bureau files as they come (platform export, monitoring report,
    yearbook, questionnaire) and write them in the template's tidy form to check."""
    import pandas as pd

    from .engine.dataset import load_dataset
    from .engine.result import write_issues
    from .io.atomic import atomic_path
    from .io.sheets import Sheet, write_workbook
    from .io.tables import table_spec
    from .issues import InputError, issues_frame, sort_issues
    from .validate.checks import validate_dataset

    if kind not in IMPORTER_NAMES:
        raise typer.BadParameter(f"choose from {', '.join(IMPORTER_NAMES)}", param_hint="KIND")
    try:
        dataset = load_dataset(package, [kind], files=[str(f) for f in files],
                               import_options={"map": mapping} if mapping else None)
    except InputError as exc:
        issues = sort_issues(issues_frame(exc.issues))
        written = write_issues(issues, out.parent)
        _show(issues)
        typer.echo("有错误，未写出 / errors: nothing imported\n"
                   + "\n".join(f"已写出 written: {p}" for p in written))
        raise typer.Exit(1) from exc
    issues = sort_issues(issues_frame(validate_dataset(dataset).issues))
    tables = list(dict.fromkeys(record["table"] for record in dataset.imports))
    sheets = []
    for name in tables:
        spec = table_spec(name)
        tidy = _template_form(dataset.tables[name], spec)
        sheets.append(Sheet(spec.zh, tidy, list(tidy.columns)))
    accounts = pd.DataFrame(dataset.imports)[list(ACCOUNT_HEADERS)]
    sheets += [Sheet("导入记录", accounts, list(ACCOUNT_HEADERS.values())),
               Sheet("问题清单", issues, list(issues.columns))]
    with atomic_path(out) as temporary:
        write_workbook(temporary, sheets)
    _show(issues)
    for record in dataset.imports:
        typer.echo(f"{record['file']}{' [' + record['sheet'] + ']' if record['sheet'] else ''}"
                   f" → {record['table']}: 读取 read {record['read']}, 可用 used "
                   f"{record['used']}, 剔除 rejected {record['rejected']}")
    typer.echo(f"已写出 written: {out}")


def _template_form(frame: pd.DataFrame, spec) -> pd.DataFrame:
    """A typed table under the template's headers (catalogue columns, then the others), cells
    as a technician reads them: dates as dates, 是/否, blanks empty."""
    import pandas as pd

    from .template import header

    columns = {}
    for name in frame.columns:
        try:
            column = spec.column(name)
        except KeyError:
            column = None
        values = frame[name]
        if column is not None and column.dtype == "date":
            values = values.dt.date
        elif column is not None and column.dtype == "bool":
            values = values.map({True: "是", False: "否"})
        values = values.astype(object).where(values.notna(), None)
        columns[header(column) if column is not None else name] = values
    return pd.DataFrame(columns)


def _show(issues: pd.DataFrame, limit: int = 20) -> None:
    """The issues on stderr, the first ``limit`` in full."""
    from .cli import _print_issues

    _print_issues(issues, limit, rest="问题清单 / issues")
