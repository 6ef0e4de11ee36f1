"""The plan-revision report (一河（湖）一策), installed as ``health_eval.reports``.

From an :class:`health_eval.EvaluationResult` (and optionally a previous one) it writes, per water
body, ``report.html`` (one self-contained page, plotly.js embedded once, opens offline) and
``report.docx`` (Word, Chinese fonts set on the styles), plus ``summary.html`` for a batch::

    from health_eval.reports import write_reports, render_html
    write_reports(result, "out", formats=("html", "docx"), previous="last/result.json")
    html = render_html(result, "FHGD", lang="en")

Sections: basic facts, conclusion, (comparison), indicator scores, problem diagnosis (RHI points
lost, weak indicators and what drove them), plan revision (measures from ``measures.yaml`` and
the least-effort plan that lifts the water body one class, with raw-value targets), data
quality, appendix (methods, scoring tables, provenance). Modules: :mod:`.context` (shared
inputs), :mod:`.diagnosis`, :mod:`.plan` and :mod:`.plan_lp` (the plan), :mod:`.plan_sheet`,
:mod:`.compare`, :mod:`.quality`, :mod:`.measures`, :mod:`.profiles`, :mod:`.content` and
:mod:`.summary` (the report as data), :mod:`.figures`, :mod:`.render` (HTML), :mod:`.docx`
(Word), :mod:`.writer`, :mod:`.text` (visible text of a page).
"""

from .context import ReportContext, report_context
from .measures import Catalogue, MeasuresError, load_measures
from .writer import (
    REPORT_FORMATS,
    ReportOptionError,
    ReportRequest,
    check_formats,
    render_html,
    render_summary_html,
    report_request,
    write_reports,
)

__all__ = ["write_reports", "render_html", "render_summary_html", "REPORT_FORMATS",
           "check_formats", "load_measures", "Catalogue", "MeasuresError", "ReportContext",
           "report_context", "ReportRequest", "ReportOptionError", "report_request"]
