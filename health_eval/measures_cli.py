"""``health-eval measures``: the per-district measure catalogue of the plan-revision report."""

from __future__ import annotations

from pathlib import Path

import typer

measures_app = typer.Typer(no_args_is_help=True,
                           help="措施库 / the measure catalogue of the plan-revision report.")


@measures_app.command("template")
def measures_template(out: Path = typer.Argument(..., metavar="FILE",
                                                 help="The workbook to write (.xlsx).")) -> None:
    """写出措施库工作簿 — write the Excel measure catalogue of a district, pre-filled with the
    packaged example (青云谱区 2021) to overwrite; give it back with --measures REGION=FILE."""
    from .reports.measures_excel import write_measures_template

    typer.echo(f"已写出 written: {write_measures_template(out)}")
