"""``health-eval archive …`` and the ``--archive`` of ``run``: the health archive's shell.

Every command takes ``--archive PATH|URL`` (default ``$HEALTH_EVAL_ARCHIVE``, else
``health_eval_archive.db`` in the current folder). An archive that cannot be reached, refuses
the login or has another schema revision is exit 1 with a Chinese and English message.
SQLAlchemy, pandas and the archive are imported only when a command runs.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    import pandas as pd

archive_app = typer.Typer(no_args_is_help=True,
                          help="河湖健康档案 / the health archive: rounds kept, compared, trended.")

ARCHIVE_HELP = ("Archive: an SQLite file, a folder (its health_eval_archive.db) or a URL such as "
                "postgresql+psycopg://user@host/db. Default $HEALTH_EVAL_ARCHIVE, else "
                "./health_eval_archive.db.")
EXIT_FAILED = 1
EXIT_USAGE = 2


def archive_option():
    """The ``--archive`` option (environment variable HEALTH_EVAL_ARCHIVE)."""
    return typer.Option(None, "--archive", envvar="HEALTH_EVAL_ARCHIVE", help=ARCHIVE_HELP)


@contextmanager
def _opened(location: str | None, create: bool = True) -> Iterator:
    """The archive, open; its problems become exit 1 with their zh/en message."""
    from .archive import ArchiveError
    from .archive import open as open_archive

    try:
        with open_archive(location, create=create) as store:
            yield store
    except ArchiveError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(EXIT_FAILED) from exc


def _number(value, decimals: int = 1) -> str:
    import pandas as pd

    return "—" if value is None or pd.isna(value) else f"{float(value):.{decimals}f}"


@archive_app.command("add")
def add(out_dir: Path = typer.Argument(..., help="An output folder with result.json."),
        input: Path | None = typer.Option(None, "--input",
                                          help="The input package of that result: evaluation "
                                               "years and basic facts of the water bodies."),
        year: int | None = typer.Option(None, "--year", help="Evaluation year of every water "
                                                              "body (without --input)."),
        archive: str | None = archive_option()) -> None:
    """存入一次评价结果 — store an existing result (the same result again changes nothing)."""
    from .archive import facts_from_dataset

    facts = None
    if input is not None:
        from .issues import InputError

        try:
            facts = facts_from_dataset(input)
        except InputError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(EXIT_FAILED) from exc
    with _opened(archive) as store:
        files = [p for p in sorted(out_dir.rglob("*")) if p.is_file()]
        added = store.add(out_dir, facts=facts, years=year, files=files)
    typer.echo(_added_text(added))


def _added_text(added) -> str:
    if not added.created:
        return (f"档案中已有此结果（第 {added.round} 轮），未重复存入 / already archived as round "
                f"{added.round}; nothing stored")
    text = f"已存入档案第 {added.round} 轮 / stored as round {added.round} ({added.digest[:12]})"
    for code, revision in added.revisions.items():
        text += (f"\n  {code}: 同一评价年份的第 {revision} 次修订，现为现行版本 / revision "
                 f"{revision} of the same evaluation year")
    return text


@archive_app.command("list")
def list_rounds(water_body: str | None = typer.Option(None, "--water-body",
                                                      help="Only this water body."),
                archive: str | None = archive_option()) -> None:
    """列出档案 — one line per water body and round."""
    from .cli import format_table

    with _opened(archive) as store:
        table = store.list(water_body)
    rows = [[r["water_body_id"], str(r["name"]), str(r["evaluation_year"]), _number(r["rhi"]),
             f"{r['health_name']} {r['health_label']}",
             str(r["round"]) + ("" if r["current"] else " (旧版 superseded)"),
             r["digest"][:12]] for r in table.to_dict("records")]
    typer.echo(format_table(rows, ["河湖 id", "名称 name", "年份 year", "RHI", "类别 class",
                                   "轮次 round", "摘要 digest"], right={2, 3, 5}))


@archive_app.command("show")
def show(round_id: int = typer.Argument(..., metavar="ROUND"),
         archive: str | None = archive_option()) -> None:
    """查看一轮评价 — a round: provenance, water bodies, files (times in local time)."""
    from .archive.times import local_text
    from .cli import format_table

    with _opened(archive) as store:
        record = store.round(round_id)
    profiles = ", ".join(f"{k} ({str((v or {}).get('digest', ''))[:12]})"
                         for k, v in (record["profiles"] or {}).items())
    typer.echo(f"第 {round_id} 轮 round {round_id}: 评价时间 run {local_text(record['run_time'])}, "
               f"存入 stored {local_text(record['stored_at'])}, health_eval "
               f"{record['engine_version']}\n"
               f"摘要 digest {record['digest']}\n方案 profiles {profiles}\n"
               f"解读 reading {record['reading'] or '—'}; 选项 options {record['options'] or {}}\n"
               f"输入文件 input files {len(record['inputs'] or {})}")
    rows = [[r["water_body_id"], str(r["name"]), str(r["evaluation_year"]), _number(r["rhi"]),
             f"{r['health_name']} {r['health_label']}", str(r["revision"]),
             "是" if r["current"] else "否"] for r in record["evaluations"].to_dict("records")]
    typer.echo(format_table(rows, ["河湖 id", "名称 name", "年份 year", "RHI", "类别 class",
                                   "修订 revision", "现行 current"], right={2, 3, 5}))
    for f in record["files"].to_dict("records"):
        typer.echo(f"  {f['name']}  {f['size']} B  sha256 {f['sha256']}")


@archive_app.command("export")
def export(round_id: int = typer.Argument(..., metavar="ROUND"),
           out_dir: Path = typer.Argument(..., help="Folder to write result.json/xlsx into."),
           archive: str | None = archive_option()) -> None:
    """导出一轮结果 — write a round's result.json/result.xlsx back as they were stored."""
    with _opened(archive) as store:
        written = store.export(round_id, out_dir)
    typer.echo("\n".join(f"已写出 written: {p}" for p in written))


@archive_app.command("trend")
def trend(water_body: str = typer.Argument(..., metavar="ID"),
          indicator: list[str] = typer.Option([], "--indicator",
                                              help="Indicator id to chart (repeatable)."),
          out: Path | None = typer.Option(None, "--out", help="Folder for trend.html, "
                                                                 "trend.xlsx."),
          archive: str | None = archive_option()) -> None:
    """历年趋势 — RHI, criteria and indicators over the rounds, with Mann–Kendall and Sen."""
    from .archive.trend import series_table, trend_sentences, trend_stats, write_trend
    from .cli import format_table

    chosen = list(indicator) or None
    with _opened(archive) as store:
        series = series_table(store, water_body, chosen)
        written, stats = (write_trend(store, water_body, out, chosen) if out is not None
                          else ([], trend_stats(series)))
    shown = series if chosen else series[series["kind"] != "indicator"]
    wide = shown.pivot_table(index="label", columns="evaluation_year", values="value",
                             sort=False)
    typer.echo(format_table([[str(i), *[_number(v) for v in row]] for i, row in
                             zip(wide.index, wide.to_numpy())],
                            ["项目 series", *[str(y) for y in wide.columns]],
                            right=set(range(1, len(wide.columns) + 1))))
    for sentence in trend_sentences(stats):
        typer.echo(sentence)
    if stats.empty:
        typer.echo("少于 3 个评价年份，不做趋势检验 / fewer than 3 evaluation years: no trend test")
    typer.echo("\n".join(f"已写出 written: {p}" for p in written))


@archive_app.command("sheet")
def sheet(water_body: str = typer.Argument(..., metavar="ID"),
          round_id: int | None = typer.Option(None, "--round", help="That round's evaluation "
                                                                     "(default the latest)."),
          out: Path = typer.Option(..., "--out", help="FILE.xlsx or FILE.docx"),
          archive: str | None = archive_option()) -> None:
    """体检表 — the water body's one-page health sheet (national file fields)."""
    from .archive.sheet import SHEET_FORMATS, write_sheet

    if out.suffix.lower() not in SHEET_FORMATS:
        raise typer.BadParameter("FILE.xlsx or FILE.docx", param_hint="--out")
    with _opened(archive) as store:
        typer.echo(f"已写出 written: {write_sheet(store, water_body, out, round_id)}")


@archive_app.command("upgrade")
def upgrade(archive: str | None = archive_option()) -> None:
    """升级档案结构 — migrate the archive's schema to this version (Alembic)."""
    from .archive import ArchiveError, archive_url
    from .archive import upgrade as migrate
    from .archive.connect import create_engine, shown_url

    url = archive_url(archive)
    engine = create_engine(url)
    try:
        before, after = migrate(engine)
    except ArchiveError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(EXIT_FAILED) from exc
    finally:
        engine.dispose()
    typer.echo(f"{shown_url(url)}: {before or '（空 empty）'} → {after}")


@dataclasses.dataclass
class RunArchive:
    """The archive of one ``run --archive``: opened before the reports are written (they
    compare with its previous rounds), the round added after them (one transaction)."""

    location: str
    facts: pd.DataFrame | None
    store: object = None
    failure: str | None = None
    previous: object = None

    @classmethod
    def open(cls, location: str, dataset, result) -> RunArchive:
        """Open the archive and find each water body's previous round; a problem is kept
        (the run's files are written anyway) and reported at the end."""
        from .archive import ArchiveError, facts_from_dataset
        from .archive import open as open_archive
        from .archive.trend import run_trends
        from .issues import InputError

        run = cls(location, None)
        try:
            run.facts = facts_from_dataset(dataset)
            run.store = open_archive(location)
            years = run.facts["evaluation_year"].dropna().astype(int).to_dict()
            run.previous, _ = run.store.previous(result, years)
            if run.previous is not None:
                run.previous.provenance["archive_trends"] = run_trends(run.store, result,
                                                                       years)
        except ArchiveError as exc:
            run.failure = str(exc)
        except (InputError, OSError) as exc:   # e.g. a Dask dataset load_dataset cannot read
            run.failure = (f"评价年份与基本信息无法从输入读取 / the evaluation years and basic "
                           f"facts cannot be read from the input: {exc}")
        return run

    def reports(self, reports):
        """``reports`` comparing with the archive's previous rounds (unless ``--previous``)."""
        if reports is None or reports.previous is not None or self.previous is None:
            return reports
        return dataclasses.replace(reports, previous=self.previous)

    def add(self, result, out: Path, written: list[Path]) -> None:
        """Store the round with its files; report what happened (exit 1 on failure)."""
        from .archive import ArchiveError

        if self.store is not None and self.failure is None:
            try:
                typer.echo(_added_text(self.store.add(result, facts=self.facts,
                                                       files=written)))
            except ArchiveError as exc:
                self.failure = str(exc)
            finally:
                self.store.close()
        if self.failure:
            typer.echo(f"{self.failure}\n结果文件已写出，但未存入档案 / the result files were "
                       f"written, the round was not archived", err=True)
            raise typer.Exit(EXIT_FAILED)
