"""HTML of a report through the jinja2 templates (``templates/``: base.html, report.html,
summary.html; autoescape on): one self-contained page with plotly.js inlined once."""

from __future__ import annotations

import functools
import re

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from .document import Report
from .figures import plotly_js

#: Colours a template, a figure or a Word cell may use: hex only (``#abc``, ``#aabbcc``).
COLOUR = re.compile(r"^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
HTML_LANG = {"zh": "zh-CN", "en": "en"}


def css_colour(value: object) -> str:
    """``value`` when it is a hex colour, else an empty string (never user CSS)."""
    return value if isinstance(value, str) and COLOUR.match(value) else ""


@functools.cache
def environment() -> Environment:
    """The jinja2 environment of the report templates (autoescape on, strict undefined)."""
    env = Environment(loader=PackageLoader("health_eval.reports", "templates"),
                      autoescape=select_autoescape(["html"], default=True),
                      undefined=StrictUndefined, trim_blocks=False, lstrip_blocks=False,
                      keep_trailing_newline=True)
    env.filters["css_colour"] = css_colour
    env.globals["kind_of"] = lambda block: type(block).__name__.lower()
    return env


def render(report: Report, template: str = "report.html") -> str:
    """The HTML page of ``report``.

    plotly.js is inlined once in the head when the report has a figure; the figures are
    plotly divs (their JSON escapes ``<`` and ``/``, so no text can close the script).
    """
    page = environment().get_template(template)
    script = Markup(plotly_js()) if report.figures else None
    return page.render(report=report, plotly_js=script,
                       html_lang=HTML_LANG.get(report.lang, report.lang))
