"""Plotly figures of the report, each a :class:`Chart`: the figure and its stable div id.

The HTML report shows a chart as a ``<div>`` (:attr:`Chart.html`); plotly.js is not in it:
:mod:`.render` inlines it once per page or links ``assets/plotly.min.js``, so a report opens
offline. The Word report shows the same figure as a picture (:mod:`.charts_static`). Figure ids
derive from the water body and the figure's name (:func:`figure_id`), so the same result gives
the same HTML. Labels arrive already localised.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs

from health_eval.io.safe_names import safe_file_name

#: Fonts installed on the reader's machine only: no web font is ever fetched.
FONT_FAMILY = ('"Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "WenQuanYi Micro Hei", '
               '"SimHei", "Helvetica Neue", Arial, sans-serif')
CONFIG = {"displaylogo": False, "responsive": True}
BAND_OPACITY = 0.16
NEUTRAL = "#8c8c8c"


@functools.cache
def plotly_js() -> str:
    """The plotly.js bundle shipped with the plotly package (inlined once per page)."""
    return get_plotlyjs()


def figure_id(water_body_id: str, name: str) -> str:
    """The stable div id of figure ``name`` of a water body's report."""
    return f"fig-{safe_file_name(water_body_id)}-{name}"


def _esc(values: Sequence[str]) -> list[str]:
    """Labels as plotly shows them literally (it reads a subset of HTML tags in text)."""
    return [html.escape(str(v), quote=False) for v in values]


@dataclass(frozen=True, eq=False)
class Chart:
    """A figure of the report: the plotly figure and the id of its ``<div>``."""

    div_id: str
    figure: go.Figure

    @property
    def html(self) -> str:
        """The ``<div>`` of the figure with its plotly call (no plotly.js)."""
        return pio.to_html(self.figure, full_html=False, include_plotlyjs=False,
                           div_id=self.div_id, config=CONFIG, validate=False)

    @property
    def height(self) -> int:
        """Height of the figure [px]."""
        return int(self.figure.layout.height or 450)


def _chart(fig: go.Figure, div_id: str) -> Chart:
    fig.update_layout(template="none", font={"family": FONT_FAMILY, "size": 13},
                      paper_bgcolor="white", plot_bgcolor="white")
    return Chart(div_id, fig)


def radar(labels: Sequence[str], scores: Sequence[float], colour: str | None, div_id: str,
          name: str) -> Chart:
    """The criterion scores on a 0–100 radar."""
    closed, labels = list(scores) + list(scores[:1]), _esc(labels)
    fig = go.Figure(go.Scatterpolar(r=closed, theta=labels + labels[:1], name=_esc([name])[0],
                                    fill="toself", line={"color": colour or NEUTRAL},
                                    hovertemplate="%{theta}: %{r:.1f}<extra></extra>"))
    fig.update_layout(polar={"radialaxis": {"range": [0, 100], "tickvals": [20, 40, 60, 80, 100],
                                            "angle": 45, "tickangle": 45,
                                            "tickfont": {"size": 10}}},
                      showlegend=False, height=360, margin={"l": 60, "r": 60, "t": 30, "b": 30})
    return _chart(fig, div_id)


def segment_strip(names: Sequence[str], shares: Sequence[float], texts: Sequence[str],
                  colours: Sequence[str], div_id: str, axis_title: str) -> Chart:
    """The segments side by side, widths by weight share, coloured by health class."""
    names, texts = _esc(names), _esc(texts)
    fig = go.Figure([go.Bar(x=[share], y=[""], orientation="h", name=name, text=[text],
                            textposition="inside", insidetextanchor="middle",
                            marker={"color": colour, "line": {"color": "white", "width": 2}},
                            hovertemplate="%{text}<extra></extra>")
                     for name, share, text, colour in zip(names, shares, texts, colours)])
    fig.update_layout(barmode="stack", showlegend=False, height=130,
                      margin={"l": 10, "r": 10, "t": 10, "b": 40},
                      xaxis={"range": [0, 1], "tickformat": ".0%", "title": axis_title},
                      yaxis={"visible": False})
    return _chart(fig, div_id)


def score_bars(labels: Sequence[str], series: Sequence[tuple[str, Sequence[float]]],
               bands: Sequence[tuple[float, float, str]], div_id: str, axis_title: str) -> Chart:
    """Indicator scores (one bar per segment) over the class bands of the profile.

    Parameters
    ----------
    labels : indicator names (y axis, top to bottom)
    series : (segment name, scores) pairs
    bands : (low, high, colour) of each class (empty: no bands)
    """
    fig = go.Figure([go.Bar(y=_esc(labels), x=list(scores), name=name, orientation="h",
                            hovertemplate="%{y}: %{x:.1f}<extra>%{fullData.name}</extra>")
                     for name, scores in zip(_esc([n for n, _ in series]),
                                             [s for _, s in series])])
    for low, high, colour in bands:
        fig.add_vrect(x0=low, x1=high, fillcolor=colour, opacity=BAND_OPACITY, line_width=0,
                      layer="below")
    fig.update_layout(barmode="group", height=120 + 18 * len(labels) * max(1, len(series)),
                      margin={"l": 10, "r": 10, "t": 10, "b": 40},
                      xaxis={"range": [0, 100], "title": axis_title},
                      yaxis={"autorange": "reversed", "automargin": True},
                      legend={"orientation": "h", "y": -0.12 if len(labels) > 8 else -0.3})
    return _chart(fig, div_id)


def ranked_bars(labels: Sequence[str], values: Sequence[float], colours: Sequence[str],
                div_id: str, axis_title: str) -> Chart:
    """One horizontal bar per label, top to bottom in the given order (points lost…)."""
    fig = go.Figure(go.Bar(y=_esc(labels), x=list(values), orientation="h",
                           marker={"color": list(colours)},
                           hovertemplate="%{y}: %{x:.2f}<extra></extra>"))
    fig.update_layout(height=100 + 24 * len(labels), margin={"l": 10, "r": 10, "t": 10, "b": 40},
                      xaxis={"title": axis_title, "rangemode": "tozero"},
                      yaxis={"autorange": "reversed", "automargin": True})
    return _chart(fig, div_id)


def paired_bars(labels: Sequence[str], previous: Sequence[float], current: Sequence[float],
                names: tuple[str, str], div_id: str, axis_title: str) -> Chart:
    """Previous and current values side by side for every label."""
    fig = go.Figure([go.Bar(y=_esc(labels), x=list(values), name=name, orientation="h",
                            marker={"color": colour},
                            hovertemplate="%{y}: %{x:.1f}<extra>%{fullData.name}</extra>")
                     for name, values, colour in zip(_esc(names), (previous, current),
                                                     ("#b0b7c3", "#2f6db5"))])
    fig.update_layout(barmode="group", height=120 + 36 * len(labels),
                      margin={"l": 10, "r": 10, "t": 10, "b": 40},
                      xaxis={"range": [0, 100], "title": axis_title},
                      yaxis={"autorange": "reversed", "automargin": True},
                      legend={"orientation": "h", "y": -0.15})
    return _chart(fig, div_id)


def counts_bar(labels: Sequence[str], counts: Sequence[int], colours: Sequence[str],
               div_id: str, axis_title: str) -> Chart:
    """A vertical bar per class: how many water bodies are in it."""
    fig = go.Figure(go.Bar(x=_esc(labels), y=list(counts), marker={"color": list(colours)},
                           text=[str(c) for c in counts], textposition="outside",
                           hovertemplate="%{x}: %{y}<extra></extra>"))
    fig.update_layout(height=320, margin={"l": 40, "r": 10, "t": 20, "b": 60},
                      yaxis={"title": axis_title, "rangemode": "tozero", "dtick": 1})
    return _chart(fig, div_id)
