"""``health-eval``: the command line (typer), a thin shell over :func:`health_eval.evaluate`.

Exit codes: 0 ok; 1 invalid input (data that cannot be read or break a validation rule with an
error: nothing is evaluated, every problem is written to ``issues.xlsx``/``issues.csv``; or an
evaluation that met errors — its result is still written, with the errors in its ``issues``);
2 usage (bad options, unknown or invalid profile).

The engine, readers, reports and service are imported inside the commands that use them, so
that ``health-eval --help`` and ``health-eval COMMAND --help`` load typer and nothing heavy
(``benchmarks/startup.py`` measures it).
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer

from .cli_archive import ARCHIVE_HELP, archive_app
from .cli_import import IMPORT_HELP, import_command
from .cli_readings import read_choice, reading_option, readings_command, score_command
from .cli_rules import rules_command
from .engine.memory import tune_for_evaluation
from .measures_cli import measures_app
from .vocabulary import CRITERIA, CRITERIA_SHORT_ZH, DEFAULT_TIMEZONE

if TYPE_CHECKING:
    import pandas as pd

    from .engine.result import EvaluationResult

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="河湖健康评价 — river and lake health evaluation (health_eval).")
profile_app = typer.Typer(no_args_is_help=True, help="评价方案 / method profiles.")
app.add_typer(profile_app, name="profile")
app.command("import")(import_command)
app.command("rules")(rules_command)
app.command("readings")(readings_command)
app.command("score")(score_command)
app.add_typer(measures_app, name="measures")
app.add_typer(archive_app, name="archive")

EXIT_INVALID_INPUT = 1
EXIT_USAGE = 2
#: Packages of the ``service`` extra → the modules that show each is installed.
SERVICE_MODULES = {"fastapi": ("fastapi",), "uvicorn": ("uvicorn",),
                   "python-multipart": ("python_multipart", "multipart")}
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


#: Evaluation years of the bundled demo → its package folder (the second year: the archive).
DEMO_YEARS = {2021: "demo", 2022: "demo_2022"}


def demo_path(year: int = 2021) -> Path:
    """Folder of the bundled demo input package of ``year`` (synthetic data, labelled so)."""
    return Path(str(resources.files("health_eval") / "data" / DEMO_YEARS[year]))


def _pad(text: str, width: int, right: bool) -> str:
    from .io.sheets import display_width

    fill = " " * (width - display_width(text))
    return fill + text if right else text + fill


def format_table(rows: list[list[str]], header: list[str], right: set[int]) -> str:
    """A plain-text table aligned for Chinese (double-width) characters."""
    from .io.sheets import display_width

    widths = [max(display_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(_pad(cell, w, i in right) for i, (cell, w) in enumerate(zip(line, widths)))
             .rstrip() for line in [header, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def summary_table(result: EvaluationResult, decimals: int = 1) -> str:
    """Water body, RHI, class and criterion scores, one line per water body."""
    import pandas as pd

    criteria = [c for c in CRITERIA if c in result.water_bodies]
    header = ["河湖 water body", "RHI", "类别 class"] + [CRITERIA_SHORT_ZH[c] for c in criteria]

    def number(value) -> str:
        return "—" if pd.isna(value) else f"{value:.{decimals}f}"

    rows = []
    for record in result.water_bodies.to_dict("records"):
        label = ("—" if pd.isna(record["health_class"])
                 else f"{record['health_name']} {record['health_label']}")
        rows.append([f"{record['name']} ({record['water_body_id']})", number(record["rhi"]),
                     label] + [number(record[c]) for c in criteria])
    return format_table(rows, header, right={1} | set(range(3, 3 + len(criteria))))


def _print_issues(result_issues: pd.DataFrame, limit: int = 20,
                  rest: str = "result.json") -> None:
    import pandas as pd

    from .io.display_names import display_issues

    if result_issues.empty:
        return
    counts = result_issues["severity"].value_counts()
    typer.echo(f"\n问题 issues: {counts.get('error', 0)} error(s), "
               f"{counts.get('warning', 0)} warning(s)", err=True)
    for record in display_issues(result_issues.head(limit)).to_dict("records"):
        where = " ".join(str(record[k]) for k in ("file", "sheet", "row", "column")
                         if not pd.isna(record[k]))
        typer.echo(f"  [{record['severity']}] {where or record['table']}: {record['message_zh']}"
                   f" / {record['message_en']}", err=True)
    if len(result_issues) > limit:
        typer.echo(f"  … {len(result_issues) - limit} more in {rest} / 其余见 {rest}", err=True)


@contextmanager
def _user_errors() -> Iterator[None]:
    """Turn input and profile problems into messages and exit codes, never a traceback."""
    from .issues import InputError
    from .profiles.profile import ProfileError

    try:
        yield
    except InputError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(EXIT_INVALID_INPUT) from exc
    except ProfileError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(EXIT_USAGE) from exc


def _parse_formats(text: str) -> list[str]:
    from .engine.result import OUTPUT_FORMATS

    formats = [f.strip().lower() for f in text.split(",") if f.strip()]
    unknown = sorted(set(formats) - set(OUTPUT_FORMATS))
    if unknown or not formats:
        raise typer.BadParameter(f"unknown format(s) {unknown}; choose from "
                                 f"{', '.join(OUTPUT_FORMATS)}", param_hint="--format")
    return formats


def _report_request(report: str, previous: Path | None, measures: list[str], lang: str,
                    timezone: str, self_contained: bool = False,
                    docx_template: Path | None = None):
    """The reports asked for (``--report``, ``--previous``, ``--measures``, ``--lang``,
    ``--timezone``, ``--self-contained``, ``--docx-template``), checked before evaluating: a
    bad one is a usage error (exit 2)."""
    from .reports import ReportOptionError, report_request

    try:
        return report_request(report, previous, measures, lang, timezone, self_contained,
                              docx_template)
    except ReportOptionError as exc:
        raise typer.BadParameter(str(exc), param_hint=exc.option) from exc


def _check_reports(reports, result: EvaluationResult) -> None:
    """Report options that need the result (``--previous`` of an earlier evaluation year),
    checked before anything is written: a bad one is a usage error (exit 2)."""
    from .reports import ReportOptionError

    try:
        reports.check(result)
    except ReportOptionError as exc:
        typer.echo(f"{exc.option}: {exc}", err=True)
        raise typer.Exit(EXIT_USAGE) from exc


def _run_and_report(dataset, profile, out: Path, formats: list[str], options: dict,
                    reports=None, executor: str = "local", archive: str | None = None,
                    confidence: dict | None = None) -> None:
    import pandas as pd

    from .engine.dataset import Dataset, load_dataset
    from .engine.result import write_issues
    from .issues import InputError, issues_frame, sort_issues

    evaluator = _evaluator(executor)
    with _user_errors(), _progress_bar() as progress:
        try:
            if executor == "local":                 # read once: also for the archive
                dataset = load_dataset(dataset)
            result = evaluator(dataset, profile, progress=progress, **options,
                               **(confidence or {}))
        except InputError as exc:
            _refuse(exc.issues, out)
    regions = {}
    if reports is not None:
        _check_reports(reports, result)
        from .reports.measure_choice import water_body_regions

        regions = water_body_regions(dataset if isinstance(dataset, Dataset)
                                     else _archive_water_bodies(dataset))
        extra = reports.catalogue_issues(result, regions)
        if extra:
            result.issues = sort_issues(pd.concat([result.issues, issues_frame(extra)],
                                                  ignore_index=True))
    written = result.write(out, tuple(formats),
                           _plan_sheets(result, profile, options, reports, regions, formats))
    written += write_issues(result.issues, out)
    stored = None
    if archive is not None:                 # the health archive: health_eval/cli_archive.py
        from .cli_archive import RunArchive

        stored = RunArchive.open(archive, dataset, result)
        reports = stored.reports(reports)
    if reports is not None and reports.formats:
        from .engine.api import resolve_profiles
        from .reports import MeasuresError

        try:
            written += reports.write(result, out, resolve_profiles(profile, options).values(),
                                     regions)
        except MeasuresError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(EXIT_USAGE) from exc
    decimals = max((p["policies"]["rounding"] for p in result.provenance["profiles"].values()),
                   default=1)
    typer.echo(summary_table(result, decimals))
    _print_confidence(result, decimals)
    _print_issues(result.issues)
    typer.echo("\n" + "\n".join(f"已写出 written: {p}" for p in written))
    if stored is not None:
        stored.add(result, out, written)
    if not result.ok:
        raise typer.Exit(EXIT_INVALID_INPUT)


def _plan_sheets(result: EvaluationResult, profile, options: dict, reports, regions,
                 formats: list[str]) -> tuple:
    """The plan sheet of result.xlsx (:mod:`health_eval.reports.plan_sheet`), when it is
    written."""
    if "xlsx" not in formats:
        return ()
    from .engine.api import resolve_profiles
    from .reports.plan_sheet import plan_sheet

    return (plan_sheet(result, resolve_profiles(profile, options).values(),
                       reports.measures if reports is not None else None, regions),)
def _print_confidence(result: EvaluationResult, decimals: int) -> None:
    """One line per water body of a confidence run: the share of resamples in the class
    reported and the RHI interval."""
    import pandas as pd

    table = result.confidence_water_bodies
    if table is None:
        return
    n = result.provenance["confidence"]["replicates"]
    typer.echo(f"\n可信度 confidence ({n} 次重抽样 resamples):")
    for row in table.to_dict("records"):
        if not row["replicates"] or pd.isna(row["health_class"]):
            continue
        typer.echo(f"  {row['water_body_id']}: {100 * row['p_reported']:.0f}% 为所报类别 "
                   f"in the class reported; RHI p05–p95 {row['rhi_p05']:.{decimals}f}–"
                   f"{row['rhi_p95']:.{decimals}f}")


def _archive_water_bodies(folder) -> pd.DataFrame:
    """The water-body table of a partitioned Parquet archive (the Dask path's input)."""
    from .distributed.partitions import archive_tables

    return archive_tables(folder)["water_bodies"].read()


EXECUTOR_HELP = ("local (default); dask: on Dask, the input a Parquet dataset partitioned by "
                 "water body; dask=SCHEDULER_ADDRESS: on that Dask cluster.")


def _evaluator(executor: str):
    """The evaluate function of ``--executor``: local, or the Dask path (optional extra)."""
    from .engine.api import evaluate

    if executor == "local":
        return evaluate
    kind, _, address = executor.partition("=")
    if kind != "dask":
        raise typer.BadParameter(f"unknown executor {executor!r}; use local, dask or "
                                 f"dask=SCHEDULER_ADDRESS", param_hint="--executor")
    try:
        from distributed import Client

        from .distributed.evaluate import evaluate_dask
    except ImportError as exc:
        typer.echo("Dask 未安装 / Dask is not installed: pip install 'health-eval[dask]'",
                   err=True)
        raise typer.Exit(EXIT_USAGE) from exc

    def on_dask(dataset, profile, progress=None, **options):
        if not address:
            return evaluate_dask(dataset, profile, progress=progress, **options)
        with Client(address) as client:
            return evaluate_dask(dataset, profile, client=client, progress=progress, **options)
    return on_dask


@contextmanager
def _progress_bar() -> Iterator:
    """A rich progress bar on stderr while evaluating, when stderr is a terminal (else none)."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("评价 evaluating", total=None)

        def advance(step: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, description=f"评价 evaluating {step}")
        yield advance


REPORT_HELP = "Plan-revision reports per water body: html,docx, or none."
PREVIOUS_HELP = ("A result.json of an earlier evaluation year to compare with (reports); rounds "
                 "are paired by water body and evaluation year.")
SELF_CONTAINED_HELP = "One-file HTML pages with plotly.js inside (for e-mail), no assets/ folder."
DOCX_TEMPLATE_HELP = "The bureau's Word file (.docx) whose styles, margins, header and logo the " \
                     "Word reports take."
MEASURES_HELP = ("Measure catalogue (.xlsx from 'health-eval measures template', or YAML) "
                 "replacing the packaged example; REGION=FILE for the water bodies of one "
                 "district (所在区域), repeatable (reports).")
LANG_HELP = "Report language: zh or en."
TIMEZONE_HELP = "Time zone of the times shown (IANA name)."
CONFIDENCE_HELP = ("Confidence of class: N bootstrap replicates (1–10,000) of the raw samples, "
                   "plots, sites and questionnaires; RHI interval and class probabilities.")
SEED_HELP = "Seed of the --confidence draws (default 0): the same seed, the same result."
SPREAD_HELP = ("With --confidence: draw the criterion and indicator weights around the "
               "profile's (Dirichlet, spread 0–1, e.g. 0.1).")
READINGS_HELP = ("With --confidence: split the replicates among these method readings "
                 "(comma-separated, e.g. interpolate,band-floor; see `health-eval readings`), "
                 "each applied over the profile of the run.")


def _confidence(replicates: int | None, seed: int | None, spread: float | None,
                readings: str | None, executor: str) -> dict:
    """The ``evaluate`` arguments of ``--confidence``, ``--seed``, ``--weights-spread`` and
    ``--readings``, checked before evaluating (a bad one: exit 2)."""
    from .confidence import ConfidenceError, check_arguments
    from .profiles.profile import ProfileError
    from .profiles.readings import get_reading

    try:
        check_arguments(replicates, seed, spread)
    except ConfidenceError as exc:
        raise typer.BadParameter(str(exc), param_hint="--confidence") from exc
    names = [name.strip() for name in readings.split(",")] if readings else []
    if names and replicates is None:
        raise typer.BadParameter("--readings 需要 --confidence / --readings needs --confidence",
                                 param_hint="--readings")
    try:
        for name in names:
            get_reading(name)
    except ProfileError as exc:
        raise typer.BadParameter(str(exc), param_hint="--readings") from exc
    if replicates is None:
        return {}
    if executor != "local":
        raise typer.BadParameter("重抽样只在本机执行 / --confidence runs with the local "
                                 "executor only", param_hint="--executor")
    return {"confidence": replicates, "seed": seed, "weights_spread": spread,
            "readings": names or None}


def _timezone_option():
    return typer.Option(DEFAULT_TIMEZONE, "--timezone", metavar="ZONE", help=TIMEZONE_HELP)


def _local_now(timezone: str) -> str:
    """Now in ``timezone`` as the reports show times (a bad zone is a usage error)."""
    import datetime as dt

    from .reports.locale import LocaleError, Texts

    try:
        return Texts("zh", timezone).when(dt.datetime.now(dt.UTC).isoformat())
    except LocaleError as exc:
        raise typer.BadParameter(str(exc), param_hint="--timezone") from exc


@app.command()
def demo(out: Path = typer.Option(Path("out/demo"), "--out", help="Output folder."),
         format: str = typer.Option("json,xlsx", "--format", help="Outputs: json,xlsx."),
         report: str = typer.Option("html,docx", "--report", help=REPORT_HELP),
         previous: Path | None = typer.Option(None, "--previous", help=PREVIOUS_HELP),
         measures: list[str] = typer.Option([], "--measures", metavar="[REGION=]FILE",
                                            help=MEASURES_HELP),
         lang: str = typer.Option("zh", "--lang", help=LANG_HELP),
         timezone: str = _timezone_option(),
         self_contained: bool = typer.Option(False, "--self-contained",
                                             help=SELF_CONTAINED_HELP),
         docx_template: Path | None = typer.Option(None, "--docx-template",
                                                   help=DOCX_TEMPLATE_HELP),
         year: int = typer.Option(2021, "--year", help="Demo evaluation year: 2021, or 2022 "
                                                         "(a year on, for the archive)."),
         archive: str | None = typer.Option(None, "--archive", help=ARCHIVE_HELP)) -> None:
    """评价内置演示数据 — evaluate the bundled demo (synthetic data: one river, one lake)."""
    if year not in DEMO_YEARS:
        raise typer.BadParameter(f"choose from {', '.join(map(str, DEMO_YEARS))}",
                                 param_hint="--year")
    reports = _report_request(report, previous, measures, lang, timezone, self_contained,
                              docx_template)
    typer.echo(f"演示数据（合成，非真实监测）/ demo data (synthetic): {demo_path(year)}")
    _run_and_report(demo_path(year), None, out, _parse_formats(format), {}, reports,
                    archive=archive)


def _profile_choice(profiles: list[str]) -> dict | str | None:
    """``--profile river=FILE`` pairs become a kind mapping; a single id or path stays as is."""
    if not profiles:
        return None
    pairs = [p.split("=", 1) for p in profiles if "=" in p]
    if pairs and len(pairs) == len(profiles):
        return dict(pairs)
    if len(profiles) == 1:
        return profiles[0]
    raise typer.BadParameter("give one profile, or KIND=PROFILE for each kind "
                             "(river=…, lake=…, reservoir=…)", param_hint="--profile")


def _options(pairs: list[str]) -> dict:
    options = {}
    for pair in pairs:
        if "=" not in pair:
            raise typer.BadParameter(f"{pair!r} is not KEY=VALUE", param_hint="--option")
        key, value = pair.split("=", 1)
        options[key.strip()] = int(value) if value.strip().isdigit() else value.strip()
    return options


@app.command()
def run(dataset: Path = typer.Argument(..., help="Input .xlsx, or a folder of CSV/Parquet files."),
        profile: list[str] = typer.Option([], "--profile", "-p",
                                          help="Profile id or YAML path, or KIND=PROFILE."),
        out: Path = typer.Option(Path("out"), "--out", help="Output folder."),
        format: str = typer.Option("json,xlsx", "--format", help="Outputs: json,xlsx."),
        option: list[str] = typer.Option([], "--option", "-o",
                                         help="Policy override KEY=VALUE, e.g. "
                                              "missing_mandatory=warn."),
        report: str = typer.Option("none", "--report", help=REPORT_HELP),
        previous: Path | None = typer.Option(None, "--previous", help=PREVIOUS_HELP),
        measures: list[str] = typer.Option([], "--measures", metavar="[REGION=]FILE",
                                            help=MEASURES_HELP),
        lang: str = typer.Option("zh", "--lang", help=LANG_HELP),
        self_contained: bool = typer.Option(False, "--self-contained", help=SELF_CONTAINED_HELP),
        docx_template: Path | None = typer.Option(None, "--docx-template",
                                                  help=DOCX_TEMPLATE_HELP),
        executor: str = typer.Option("local", "--executor", help=EXECUTOR_HELP),
        importer: list[str] = typer.Option([], "--import", help=IMPORT_HELP),
        timezone: str = _timezone_option(),
        archive: str | None = typer.Option(None, "--archive", envvar="HEALTH_EVAL_ARCHIVE",
                                           help=ARCHIVE_HELP),
        reading: str | None = reading_option(),
        confidence: int | None = typer.Option(None, "--confidence", metavar="N",
                                              help=CONFIDENCE_HELP),
        seed: int | None = typer.Option(None, "--seed", help=SEED_HELP),
        weights_spread: float | None = typer.Option(None, "--weights-spread", metavar="X",
                                                    help=SPREAD_HELP),
        readings: str | None = typer.Option(None, "--readings", metavar="READINGS",
                                            help=READINGS_HELP)) -> None:
    """评价一个输入数据包 — evaluate an input package and write result.json / result.xlsx."""
    reports = _report_request(report, previous, measures, lang, timezone, self_contained,
                              docx_template)
    replicates = _confidence(confidence, seed, weights_spread, readings, executor)
    source = _load(dataset, importer, out) if importer else dataset
    _run_and_report(source, read_choice(_profile_choice(profile), reading), out,
                    _parse_formats(format), _options(option), reports, executor, archive,
                    replicates)


def _load(dataset: Path, importers: list[str], out: Path):
    """The package read with ``--import``; unreadable: its issues written, exit 1."""
    from .engine.dataset import load_dataset
    from .issues import InputError

    try:
        return load_dataset(dataset, importers or None)
    except InputError as exc:
        _refuse(exc.issues, out)


@app.command()
def template(out: Path = typer.Argument(..., help="The workbook to write (.xlsx)."),
             kind: str = typer.Option("both", "--kind", help="river, lake or both.")) -> None:
    """写出 Excel 填报模板 — write the input template: a sheet per table, bilingual headers,
    drop-down lists, example rows (from the demo) and instructions."""
    from .template import KINDS, write_template

    if kind not in KINDS:
        raise typer.BadParameter(f"choose one of {', '.join(KINDS)}", param_hint="--kind")
    typer.echo(f"已写出 written: {write_template(out, kind)}")


def _write_and_show_issues(issues, out: Path, verdict: str) -> None:
    """Write ``issues`` to ``out`` (issues.xlsx, issues.csv), show them, then the verdict and
    the files written."""
    from .engine.result import write_issues
    from .issues import issues_frame, sort_issues

    table = sort_issues(issues_frame(issues))
    written = write_issues(table, out)
    _print_issues(table, rest="issues.xlsx")
    typer.echo(verdict + "\n" + "\n".join(f"已写出 written: {p}" for p in written))


def _refuse(issues, out: Path) -> NoReturn:
    """Write and show the issues of data that cannot be evaluated, and exit 1; earlier results
    in ``out`` are left as they were."""
    _write_and_show_issues(issues, out, "有错误，未评价 / errors: the package was not evaluated")
    raise typer.Exit(EXIT_INVALID_INPUT)


@app.command()
def validate(dataset: Path = typer.Argument(..., help="Input .xlsx, or a folder of files."),
             out: Path = typer.Option(Path("out"), "--out", metavar="DIR",
                                      help="Folder for issues.xlsx and issues.csv."),
             profile: list[str] = typer.Option([], "--profile", "-p",
                                               help="As for run: the profile(s) to check for."),
             option: list[str] = typer.Option([], "--option", "-o",
                                              help="As for run: policy override KEY=VALUE."),
             importer: list[str] = typer.Option([], "--import", help=IMPORT_HELP),
             timezone: str = _timezone_option(),
             reading: str | None = reading_option()) -> None:
    """检查输入数据 — every check run makes, in one pass and without evaluating output: read
    the package, apply the rules, place segments and supplied values, and preview which
    mandatory indicators will have no data (and why); write every problem to issues.xlsx and
    issues.csv (exit 1 when one is an error, as run would)."""
    from .engine.preview import check_package
    from .io.display_names import table_label
    from .issues import InputError

    typer.echo(f"检查时间 checked at: {_local_now(timezone)}")
    with _user_errors():
        try:
            checked = check_package(dataset, read_choice(_profile_choice(profile), reading),
                                    importers=importer or None, **_options(option))
        except InputError as exc:               # unreadable: the reading problems are the table
            _refuse(exc.issues, out)
    rows = [[table_label(name), *map(str, count.values())]
            for name, count in checked.rows.items()]
    typer.echo(format_table(rows, ["数据表 table", "读取 read", "可用 used", "剔除 rejected"],
                            right={1, 2, 3}))
    if checked.has_errors:
        _refuse(checked.issues, out)
    _write_and_show_issues(checked.issues, out, "可以评价 / the package can be evaluated")


@app.command()
def indicators(profile: str | None = typer.Option(None, "--profile", "-p",
                                                     help="Show the flags of this profile."),
               describe: str | None = typer.Option(
                   None, "--describe", metavar="ID",
                   help="Describe one indicator: inputs, params (type, unit, the packaged "
                        "profiles' values) and details fields.")
               ) -> None:
    """列出指标 — list indicators: id, names, criterion, kinds, M/O, inputs, computed or not."""
    from .catalogue import indicator_records
    from .engine.registry import default_registry
    from .profiles.profile import load_profile

    registry = default_registry()
    if describe is not None:
        from .describe import UnknownIndicator, find_indicator
        from .describe import describe as description

        try:
            heading, sections = description(find_indicator(registry, describe))
        except UnknownIndicator as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(EXIT_USAGE) from exc
        typer.echo("\n".join(heading))
        for section in sections:
            typer.echo(f"\n{section.title}")
            if section.rows:
                typer.echo(format_table(section.rows, section.header, right=set()))
        return
    with _user_errors():
        chosen = load_profile(profile) if profile else None
    rows = []
    for record in indicator_records(registry, chosen):
        flag = "" if record["required"] is None else "M" if record["required"] else "O"
        rows.append([record["id"], record["name_zh"], record["name_en"], record["criterion"],
                     ",".join(record["applies_to"]), flag, ",".join(record["inputs"]),
                     "computed" if record["computes_from_raw"] else "supplied only"])
    header = ["id", "指标", "indicator", "criterion", "applies to", "M/O", "inputs", "raw data"]
    typer.echo(format_table(rows, header, right=set()))
    for failure in registry.plugin_failures:
        typer.echo(f"插件加载失败 plugin failed: {failure.name} ({failure.target}): "
                   f"{failure.error}", err=True)


@app.command()
def tables(name: str | None = typer.Argument(None, help="A table code or Chinese name.")
           ) -> None:
    """列出输入数据表 — list the input tables, or the columns of one table."""
    from .io.tables import TABLES, table_spec

    if name is None:
        rows = [[t.name, t.zh, "required" if t.required else "", t.description] for t in TABLES]
        typer.echo(format_table(rows, ["table", "表名", "", "content"], right=set()))
        return
    try:
        spec = table_spec(name)
    except KeyError:
        raise typer.BadParameter(f"unknown table {name!r}", param_hint="NAME") from None
    rows = [[c.name, c.zh, c.dtype, c.unit, "required" if c.required else "",
             "/".join(c.code_labels or c.codes or ())] for c in spec.columns]
    typer.echo(f"{spec.name} {spec.zh}: {spec.description}")
    typer.echo(format_table(rows, ["column", "表头", "type", "unit", "", "codes"], right=set()))


@app.command()
def profiles() -> None:
    """列出内置评价方案 — list the packaged method profiles."""
    from .catalogue import profile_records

    rows = [[r["id"], r["title_zh"], ",".join(r["applies_to"]), str(r["indicators"]),
             str(r["mandatory"])] for r in profile_records()]
    typer.echo(format_table(rows, ["id", "名称 title", "applies to", "indicators", "mandatory"],
                            right={3, 4}))


@profile_app.command("schema")
def profile_schema() -> None:
    """打印评价方案的 JSON Schema — print the JSON Schema of a profile file."""
    from .profiles.profile import profile_json_schema

    typer.echo(json.dumps(profile_json_schema(), ensure_ascii=False, indent=2, sort_keys=True))


@app.command()
def schema(kind: str = typer.Argument(..., metavar="KIND",
                                      help="request | response | validation | error | "
                                           "example-request")) -> None:
    """打印 JSON 接口约定 — print a JSON Schema of the v1 contract, or an example request."""
    from .service.schema import SCHEMA_KINDS, schema_text

    if kind == "example-request":
        from .service.schema.example import example_request

        typer.echo(json.dumps(example_request(), ensure_ascii=False, indent=1))
        return
    if kind not in SCHEMA_KINDS:
        raise typer.BadParameter(f"choose from {', '.join(SCHEMA_KINDS)}, example-request",
                                 param_hint="KIND")
    typer.echo(schema_text(kind), nl=False)


@app.command()
def serve(host: str = typer.Option("127.0.0.1", "--host",
                                   help="Address to bind (loopback unless told)."),
          port: int = typer.Option(8000, "--port", min=0, max=65535),
          api_key: str | None = typer.Option(None, "--api-key", envvar="HEALTH_EVAL_API_KEY",
                                             show_envvar=True, show_default=False,
                                             help="Require this key (X-API-Key or "
                                                  "Authorization: Bearer)."),
          max_body_mb: float = typer.Option(20.0, "--max-body-mb", min=0.001,
                                            help="Largest request body (MiB)."),
          max_rows: int = typer.Option(1_000_000, "--max-rows", min=1,
                                       help="Most rows per input table."),
          timeout: float = typer.Option(120.0, "--timeout", min=0.001,
                                        help="Time limit of one evaluation (s)."),
          cors_origin: list[str] = typer.Option([], "--cors-origin",
                                                help="Allow browser calls from this origin "
                                                     "(repeatable); CORS is off without it."),
          workers: int = typer.Option(os.cpu_count() or 1, "--workers", min=1,
                                      show_default="the number of CPUs",
                                      help="Evaluations run at once: worker processes of the "
                                           "JSON API and of the workbench's runs."),
          header_timeout: float = typer.Option(10.0, "--header-timeout", min=0.001,
                                               help="Close a connection that sends no whole "
                                                    "request head in this time [s]."),
          body_timeout: float = typer.Option(60.0, "--body-timeout", min=0.001,
                                             help="Answer 408 to a body not received in this "
                                                  "time [s]."),
          max_connections_per_client: int = typer.Option(
              64, "--max-connections-per-client", min=1,
              help="Connections one address may hold (its oldest idle one is closed beyond)."),
          workbench: Path | None = typer.Option(
              Path("health_eval_workbench"), "--workbench-dir",
              help="Folder of the workbench (pages under /): projects, uploads, runs."),
          no_workbench: bool = typer.Option(False, "--no-workbench",
                                            help="Serve only the JSON API."),
          archive: str | None = typer.Option(None, "--archive", envvar="HEALTH_EVAL_ARCHIVE",
                                             help="Health archive of the workbench's runs "
                                                  "(default archive.db in --workbench-dir)."),
          users: Path | None = typer.Option(None, "--users",
                                            help="YAML file of workbench users (argon2 hashes, "
                                                 "districts); without it: one user, no login.")
          ) -> None:
    """运行 HTTP 服务 — serve the JSON API (needs the optional extra 'service')."""
    missing = [name for name, modules in SERVICE_MODULES.items()
               if not any(importlib.util.find_spec(m) for m in modules)]
    if missing:
        typer.echo(f"HTTP 服务需要可选依赖 {', '.join(missing)}：pip install "
                   f"'health-eval[service]' / the HTTP service needs {', '.join(missing)}: "
                   f"pip install 'health-eval[service]'", err=True)
        raise typer.Exit(EXIT_USAGE)
    from .service.http import Settings, serve_forever
    from .service.serving import ConnectionRules

    settings = Settings(api_key=api_key or None, max_body_bytes=int(max_body_mb * 2**20),
                        max_rows=max_rows, timeout_s=timeout, cors_origins=tuple(cors_origin),
                        workers=workers, body_timeout_s=body_timeout,
                        connections=ConnectionRules(
                            header_timeout_s=header_timeout,
                            max_connections_per_client=max_connections_per_client))
    if api_key is None and host not in LOOPBACK_HOSTS:
        typer.echo(f"警告：服务绑定到 {host} 且未设置 API 密钥 / warning: serving on {host} "
                   f"without an API key (--api-key or HEALTH_EVAL_API_KEY)", err=True)
    bench = None
    if not no_workbench:
        from .service.workbench import WorkbenchSettings
        from .service.workbench.accounts import load_users

        try:
            accounts = load_users(users) if users is not None else None
        except (OSError, ValueError) as exc:
            raise typer.BadParameter(str(exc), param_hint="--users") from exc
        bench = WorkbenchSettings(folder=workbench, archive_url=archive,
                                  max_upload_bytes=settings.max_body_bytes, users=accounts)
    serve_forever(settings, host=host, port=port, workbench=bench)


#: Metavars by parameter name, where the name alone does not say it (``--out`` is a folder,
#: the input package a DATASET).
METAVARS = {"dataset": "DATASET", "out": "DIR", "profile": "PROFILE", "option": "KEY=VALUE",
            "api_key": "KEY", "cors_origin": "ORIGIN", "executor": "EXECUTOR"}


def plain_metavars(typer_app: typer.Typer) -> None:
    """Give every argument and option of ``typer_app`` (and its sub-apps) a plain metavar —
    ``DATASET``, ``DIR``, ``FILE``, ``N`` — instead of typer's ``<path>``/``<str>``: a file
    argument is ``FILE``, an output option ``DIR``, a number ``N`` or ``NUMBER``, other text
    the option's name in capitals. Flags keep none; an explicit metavar is kept."""
    import inspect

    from typer.models import ArgumentInfo, OptionInfo

    for command in typer_app.registered_commands:
        for name, parameter in inspect.signature(command.callback).parameters.items():
            info = parameter.default
            if not isinstance(info, OptionInfo | ArgumentInfo) or info.metavar is not None:
                continue
            kind = parameter.annotation
            if kind in (bool, "bool"):
                continue
            written = isinstance(info, ArgumentInfo) and name == "out"   # a file to write
            info.metavar = ("FILE" if written else METAVARS.get(name) or (
                "N" if kind in (int, "int") else "NUMBER" if kind in (float, "float")
                else "FILE" if "Path" in str(kind) else name.upper()))
    for group in typer_app.registered_groups:
        plain_metavars(group.typer_instance)


plain_metavars(app)


def main() -> None:
    """Console-script entry point: a process that evaluates keeps freed memory for reuse
    (:func:`health_eval.engine.memory.tune_for_evaluation`)."""
    tune_for_evaluation()
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
