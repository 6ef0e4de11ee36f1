"""HTML of a report through the jinja2 templates (``templates/``: base.html, report.html,
summary.html; autoescape on): a page that links plotly.js from the output folder's
``assets/plotly.min.js`` (:mod:`.assets`), or one self-contained page with it inlined once."""

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


def render(report: Report, template: str = "report.html", plotly_src: str | None = None) -> str:
    """The HTML page of ``report``.

    When the report has a figure, plotly.js is loaded once in the head: from ``plotly_src``, a
    relative link such as ``../assets/plotly.min.js``, or inlined when it is None (a
    self-contained page). The figures are plotly divs (their JSON escapes ``<`` and ``/``, so no
    text can close the script).
    """
    page = environment().get_template(template)
    inline = Markup(plotly_js()) if report.figures and plotly_src is None else None
    return page.render(report=report, plotly_js=inline,
                       plotly_src=plotly_src if report.figures else None,
                       html_lang=HTML_LANG.get(report.lang, report.lang))
