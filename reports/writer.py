"""Write the reports of a result: ``<out>/<water body>/report.html`` and ``report.docx`` per
water body and ``<out>/summary.html`` for the batch, all or nothing."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from health_eval.engine.result import EvaluationResult
from health_eval.io.atomic import atomic_path
from health_eval.io.safe_names import file_names
from health_eval.io.sheets import clean_texts
from health_eval.profiles.profile import Profile
from health_eval.vocabulary import DEFAULT_TIMEZONE

from .assets import plotly_link, write_plotly
from .charts_static import PictureMaker
from .compare import RoundsError, check_rounds
from .content import build_report
from .context import ReportContext, report_context
from .docx import write_docx
from .docx_layout import new_document
from .locale import LANGUAGES, LocaleError, time_zone
from .measure_choice import (
    MeasureCatalogues,
    default_catalogue_issues,
    measure_catalogues,
    parse_measure_options,
)
from .measures import MeasuresError
from .render import render
from .summary import build_summary

REPORT_FORMATS: tuple[str, ...] = ("html", "docx")


def check_formats(formats: Iterable[str]) -> tuple[str, ...]:
    """``formats`` as a tuple, or a ValueError naming the unknown ones."""
    chosen = tuple(dict.fromkeys(f.strip().lower() for f in formats if f.strip()))
    unknown = sorted(set(chosen) - set(REPORT_FORMATS))
    if unknown:
        raise ValueError(f"unknown report format(s) {unknown}; known: {list(REPORT_FORMATS)}")
    return chosen


def water_body_folders(water_body_ids: Iterable[str]) -> dict[str, str]:
    """Folder names of the water bodies' reports in one output folder, by id: the id when it
    is a safe file name, else the id made safe with a short hash (ids may hold ``/``, ``..``,
    ``CON``, 300 characters or differ only in case; see :mod:`health_eval.io.safe_names`)."""
    return file_names(water_body_ids)


def _report(context: ReportContext, water_body_id: str):
    """The report of one water body, its text free of control characters (shown as visible
    symbols, :func:`health_eval.io.sheets.clean_text`), as HTML and Word must hold it."""
    return clean_texts(build_report(context, water_body_id))


def _checked_context(result: EvaluationResult, **arguments) -> ReportContext:
    """:func:`report_context`, with the previous result checked to be an earlier round
    (:func:`~health_eval.reports.compare.check_rounds`)."""
    context = report_context(result, **arguments)
    if context.previous is not None:
        check_rounds(result, context.previous)
    return context


def render_html(result: EvaluationResult, water_body_id: str, *, previous=None, measures=None,
                lang: str = "zh", profiles: Iterable[Profile] | Mapping[str, Profile] | None = None,
                context: ReportContext | None = None,
                regions: Mapping[str, str] | None = None,
                timezone: str = DEFAULT_TIMEZONE) -> str:
    """The HTML report (one self-contained page) of one water body of ``result``.

    Parameters
    ----------
    result : EvaluationResult
    water_body_id : str
    previous : EvaluationResult or path of a result.json, optional
        A previous evaluation to compare with.
    measures : path, mapping, Catalogue, {district: source} or MeasureCatalogues, optional
        The measure catalogues; default the packaged ``measures.yaml``.
    lang : {"zh", "en"}
    profiles : Profiles, optional
        Profiles the result was evaluated with (for custom profile files).
    context : ReportContext, optional
        A prepared context (the other arguments are then ignored).
    regions : mapping of water body id to 所在区域, optional
        Chooses each water body's measure catalogue
        (:func:`~.measure_choice.water_body_regions` of the Dataset).
    timezone : str
        IANA time zone of the times shown (default Asia/Shanghai).

    Raises
    ------
    KeyError
        For a water body not in ``result``.
    RoundsError
        For a previous result that is not of an earlier evaluation year.
    """
    context = context or _checked_context(result, previous=previous, measures=measures,
                                          lang=lang, profiles=profiles, regions=regions,
                                          timezone=timezone)
    return render(_report(context, water_body_id))


def render_summary_html(result: EvaluationResult, *, previous=None, measures=None,
                        lang: str = "zh", profiles=None, links: Mapping[str, str] | None = None,
                        context: ReportContext | None = None) -> str:
    """The HTML summary of every water body of ``result`` (``links``: id → report link)."""
    context = context or _checked_context(result, previous=previous, measures=measures,
                                          lang=lang, profiles=profiles)
    return render(clean_texts(build_summary(context, links)), "summary.html")


def write_reports(result: EvaluationResult, out_dir: str | os.PathLike,
                  formats: Sequence[str] = REPORT_FORMATS, previous=None, measures=None,
                  lang: str = "zh",
                  profiles: Iterable[Profile] | Mapping[str, Profile] | None = None,
                  regions: Mapping[str, str] | None = None,
                  timezone: str = DEFAULT_TIMEZONE,
                  self_contained: bool = False,
                  docx_template: str | os.PathLike | None = None) -> list[Path]:
    """Write the plan-revision reports of every water body of ``result``.

    Writes ``<out_dir>/<water_body_id>/report.html`` and/or ``report.docx`` per water body, and
    ``<out_dir>/summary.html`` (all water bodies ranked, each linking to its report). HTML
    pages link plotly.js from ``<out_dir>/assets/plotly.min.js``, written once
    (``self_contained``: each page inlines it instead). Every file is written under a temporary
    name and renamed only when all succeeded, so a failure leaves the previous reports
    untouched.

    Parameters
    ----------
    result : EvaluationResult
    out_dir : path
    formats : sequence of {"html", "docx"}
    previous, measures, lang, profiles, regions, timezone
        See :func:`render_html`.
    self_contained : bool
        One-file HTML pages (for e-mail) instead of pages sharing ``assets/plotly.min.js``.
    docx_template : path of a .docx, optional
        The bureau's Word file whose styles, page, header and logo the Word reports take.

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    ValueError
        For an unknown format or language.
    MeasuresError
        For a measure catalogue that cannot be used.
    RoundsError
        For a previous result that is not of an earlier evaluation year (nothing is written).
    """
    formats = check_formats(formats)
    context = _checked_context(result, previous=previous, measures=measures, lang=lang,
                               profiles=profiles, regions=regions, timezone=timezone)
    out = Path(out_dir)
    written: list[Path] = []
    links = {}
    folders = water_body_folders(context.water_body_rows)
    linked = not self_contained
    with ExitStack() as stack:
        pictures = stack.enter_context(PictureMaker()) if "docx" in formats else None
        for water_body_id in sorted(context.water_body_rows):
            folder = folders[str(water_body_id)]
            links[water_body_id] = f"{folder}/report.{'html' if 'html' in formats else 'docx'}"
            report = _report(context, water_body_id)
            if "html" in formats:
                target = out / folder / "report.html"
                source = plotly_link(PurePosixPath(folder, "report.html")) if linked else None
                stack.enter_context(atomic_path(target)).write_text(
                    render(report, plotly_src=source), encoding="utf-8")
                written.append(target)
            if "docx" in formats:
                target = out / folder / "report.docx"
                write_docx(report, stack.enter_context(atomic_path(target)), pictures,
                           docx_template)
                written.append(target)
        if formats:
            target = out / "summary.html"
            source = plotly_link(PurePosixPath("summary.html")) if linked else None
            stack.enter_context(atomic_path(target)).write_text(
                render(clean_texts(build_summary(context, links)), "summary.html",
                       plotly_src=source),
                encoding="utf-8")
            written.append(target)
        if formats and linked:
            written.append(write_plotly(out, stack))
    return written


class ReportOptionError(ValueError):
    """A report option that cannot be used; ``option`` names it (``--previous``…)."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(message)
        self.option = option


@dataclass(frozen=True)
class ReportRequest:
    """Reports asked for on the command line, checked before the evaluation runs."""

    formats: tuple[str, ...]
    previous: EvaluationResult | None = None
    measures: MeasureCatalogues | None = None
    lang: str = "zh"
    timezone: str = DEFAULT_TIMEZONE
    self_contained: bool = False
    docx_template: Path | None = None

    def check(self, result: EvaluationResult) -> None:
        """Check what can only be checked against the evaluated ``result``: that the previous
        result is an earlier round of its water bodies.

        Raises
        ------
        ReportOptionError
            For ``--previous``, naming the water bodies and years.
        """
        if self.formats and self.previous is not None:
            try:
                check_rounds(result, self.previous)
            except RoundsError as exc:
                raise ReportOptionError("--previous", str(exc)) from exc

    def catalogue_issues(self, result: EvaluationResult, regions: Mapping[str, str]) -> list:
        """``measures.default_catalogue`` warnings of the water bodies whose reports would use
        the packaged example catalogue outside its district (none without reports)."""
        if not self.formats:
            return []
        return default_catalogue_issues(self.measures or measure_catalogues(),
                                        result.water_bodies, regions)

    def write(self, result: EvaluationResult, out_dir: str | os.PathLike,
              profiles: Iterable[Profile] = (), regions: Mapping[str, str] | None = None
              ) -> list[Path]:
        """Write the reports of ``result`` (nothing when no format was asked for)."""
        if not self.formats:
            return []
        return write_reports(result, out_dir, self.formats, previous=self.previous,
                             measures=self.measures, lang=self.lang, profiles=list(profiles),
                             regions=regions, timezone=self.timezone,
                             self_contained=self.self_contained,
                             docx_template=self.docx_template)


def report_request(formats: str, previous: str | os.PathLike | None = None,
                   measures: str | os.PathLike | Sequence[str] | None = None, lang: str = "zh",
                   timezone: str = DEFAULT_TIMEZONE, self_contained: bool = False,
                   docx_template: str | os.PathLike | None = None) -> ReportRequest:
    """Check ``--report``, ``--previous``, ``--measures``, ``--lang``, ``--timezone`` and
    ``--docx-template`` of the CLI (``--self-contained`` needs no check).

    ``formats`` is a comma list of ``html``/``docx`` (empty or ``none``: no report);
    ``measures`` a file, or the ``--measures`` values (``FILE`` or ``DISTRICT=FILE`` each).

    Raises
    ------
    ReportOptionError
        Naming the option and what is wrong with it.
    """
    try:
        chosen = check_formats([] if formats.strip().lower() == "none" else formats.split(","))
    except ValueError as exc:
        raise ReportOptionError("--report", str(exc)) from exc
    if lang not in LANGUAGES:
        raise ReportOptionError("--lang", f"choose from {', '.join(LANGUAGES)}")
    try:
        time_zone(timezone)
    except LocaleError as exc:
        raise ReportOptionError("--timezone", str(exc)) from exc
    loaded = None
    if previous is not None:
        try:
            loaded = EvaluationResult.from_json(Path(previous))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ReportOptionError("--previous", f"上次评价结果无法读取 / cannot read the "
                                                  f"previous result {previous}: {exc}") from exc
    if isinstance(measures, (str, os.PathLike)):
        measures = [os.fspath(measures)]
    try:
        catalogue = (measure_catalogues(parse_measure_options(measures)) if measures else None)
    except (MeasuresError, ValueError) as exc:
        raise ReportOptionError("--measures", str(exc)) from exc
    template = Path(docx_template) if docx_template is not None else None
    if template is not None:
        try:
            new_document(template)
        except ValueError as exc:
            raise ReportOptionError("--docx-template", str(exc)) from exc
    return ReportRequest(chosen, loaded, catalogue, lang, timezone, self_contained, template)
