"""Trends over rounds: Mann–Kendall test and Sen's slope per series, the statements the report
and ``archive trend`` show ("溶解氧得分连续三年下降"), and the chart (HTML, class bands behind)
and table (xlsx) of a water body's RHI, criteria and indicators over its evaluation years.

A series is a water body's RHI, a criterion score or an indicator's water-body score (the
points-weighted mean over its segments, as the report shows it), one value per evaluation year
(the current revision). Trends need at least :data:`MIN_ROUNDS` values.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pandas as pd

from .connect import ArchiveError
from .models import CRITERIA
from .store import Archive

#: Fewest evaluation years a trend is computed over.
MIN_ROUNDS = 3
#: Two-sided p-value under which a Mann–Kendall trend is called significant.
ALPHA = 0.05
CRITERION_NAMES = {"basin": "“盆”（河湖形态）", "water": "“水”（水量水质）", "biota": "生物",
                   "social": "社会服务功能"}
_COUNTS = "零一两三四五六七八九十"


def mann_kendall(years, values) -> tuple[float, float]:
    """Mann–Kendall trend test: Kendall's τ between time and value and its two-sided p-value
    (scipy ``kendalltau``, which corrects the variance for ties).

    Parameters
    ----------
    years : array-like
        Evaluation years [a].
    values : array-like
        The series' values [score, 0–100].

    Returns
    -------
    (tau, p) : tuple of float
        NaN when fewer than two distinct values.
    """
    from scipy.stats import kendalltau

    outcome = kendalltau(np.asarray(years, float), np.asarray(values, float))
    return float(outcome.statistic), float(outcome.pvalue)


def sen_slope(years, values) -> float:
    """Sen's (Theil–Sen) slope: the median of the pairwise slopes [score points / a]."""
    from scipy.stats import theilslopes

    return float(theilslopes(np.asarray(values, float), np.asarray(years, float)).slope)


def consecutive_run(years, values) -> tuple[int, int]:
    """The run at the end of a series: (number of values, direction −1 falling / +1 rising /
    0 neither) over which every value is strictly below (above) the one before."""
    values = np.asarray(values, float)
    if len(values) < 2:
        return len(values), 0
    step = np.sign(np.diff(values))
    direction = int(step[-1])
    if direction == 0:
        return 1, 0
    n = 1
    while n < len(step) and step[-1 - n] == direction:
        n += 1
    return n + 1, direction


def series_table(archive: Archive, water_body: str, indicators: list[str] | None = None
                 ) -> pd.DataFrame:
    """A water body's series over its evaluation years (current revisions): ``series``
    (``rhi``, a criterion, or an indicator id), ``label``, ``kind`` (rhi, criterion,
    indicator), ``evaluation_year``, ``round``, ``value``. ``indicators`` None: every one."""
    history = archive.history(water_body)
    frames = [history.assign(series="rhi", label="RHI", kind="rhi", value=history["rhi"])]
    for criterion in CRITERIA:
        frames.append(history.assign(series=criterion, label=CRITERION_NAMES[criterion],
                                     kind="criterion", value=history[criterion]))
    scores = archive.indicator_history(history["evaluation"])
    if indicators is not None:
        scores = scores[scores["indicator_id"].isin(indicators)]
    scores = scores.merge(history[["evaluation", "evaluation_year", "round"]])
    frames.append(scores.assign(series=scores["indicator_id"], label=scores["indicator_name"],
                                kind="indicator", value=scores["score"]))
    columns = ["series", "label", "kind", "evaluation_year", "round", "value"]
    table = pd.concat([f[columns] for f in frames], ignore_index=True)
    table["value"] = pd.to_numeric(table["value"], errors="coerce")
    return table.dropna(subset=["value"]).reset_index(drop=True)


def trend_stats(series: pd.DataFrame) -> pd.DataFrame:
    """Per series with at least :data:`MIN_ROUNDS` years: ``n, first_year, last_year, first,
    last, sen_slope`` [points/a], ``tau, p_value, significant, run, direction`` (the run of
    strictly falling or rising values at the end) and ``consecutive_years`` (whether that run
    spans consecutive years)."""
    rows = []
    for (key, label, kind), group in series.groupby(["series", "label", "kind"], sort=False):
        group = group.sort_values("evaluation_year")
        if len(group) < MIN_ROUNDS:
            continue
        years, values = group["evaluation_year"].to_numpy(), group["value"].to_numpy()
        tau, p = mann_kendall(years, values)
        run, direction = consecutive_run(years, values)
        tail = years[-run:]
        rows.append({"series": key, "label": label, "kind": kind, "n": len(group),
                     "first_year": int(years[0]), "last_year": int(years[-1]),
                     "first": float(values[0]), "last": float(values[-1]),
                     "sen_slope": sen_slope(years, values), "tau": tau, "p_value": p,
                     "significant": bool(p < ALPHA) if math.isfinite(p) else False,
                     "run": run, "direction": direction,
                     "consecutive_years": bool(np.all(np.diff(tail) == 1))})
    return pd.DataFrame(rows, columns=["series", "label", "kind", "n", "first_year",
                                       "last_year", "first", "last", "sen_slope", "tau",
                                       "p_value", "significant", "run", "direction",
                                       "consecutive_years"])


def _count(n: int) -> str:
    return _COUNTS[n] if n < len(_COUNTS) else str(n)


def trend_sentences(stats: pd.DataFrame, lang: str = "zh") -> list[str]:
    """One sentence per series whose last :data:`MIN_ROUNDS` or more values fall (or rise)
    one after the other, e.g. "溶解氧得分连续三年下降（2021–2023 年 …；Sen 斜率 −4.2 分/年，
    Mann–Kendall p = 0.12）", then a significant Mann–Kendall trend without such a run."""
    sentences = []
    for r in stats.to_dict("records"):
        name = r["label"] if r["kind"] != "rhi" else "河湖健康指数 RHI"
        slope, p = r["sen_slope"], r["p_value"]
        figures_zh = f"Sen 斜率 {slope:+.1f} 分/年，Mann–Kendall p = {p:.2f}"
        figures_en = f"Sen's slope {slope:+.1f} points/year, Mann–Kendall p = {p:.2f}"
        if r["run"] >= MIN_ROUNDS and r["direction"]:
            way_zh, way_en = ("下降", "fallen") if r["direction"] < 0 else ("上升", "risen")
            unit_zh = "年" if r["consecutive_years"] else "次评价"
            zh = (f"{name}{'' if r['kind'] == 'rhi' else '得分'}连续{_count(r['run'])}{unit_zh}"
                  f"{way_zh}（至 {r['last_year']} 年，{figures_zh}）")
            en = (f"{name} has {way_en} {r['run']} evaluations in a row (to {r['last_year']}; "
                  f"{figures_en})")
        elif r["significant"]:
            way_zh, way_en = ("下降", "falling") if r["sen_slope"] < 0 else ("上升", "rising")
            zh = (f"{name}{r['first_year']}–{r['last_year']} 年呈显著{way_zh}趋势（{figures_zh}）")
            en = f"{name} shows a significant {way_en} trend {r['first_year']}–{r['last_year']} " \
                 f"({figures_en})"
        else:
            continue
        sentences.append(zh if lang == "zh" else en)
    return sentences


def run_trends(archive: Archive, result, years) -> dict[str, dict[str, list[str]]]:
    """Trend sentences (``{"zh": […], "en": […]}``) of each water body of a new ``result``
    over its archived earlier years and this one (``years``: water body → evaluation year);
    only water bodies with at least :data:`MIN_ROUNDS` years in all."""
    from ..reports.diagnosis import indicator_points, water_body_indicators

    summary = water_body_indicators(indicator_points(result.indicators, result.segments,
                                                     result.criteria))
    sentences = {}
    for row in result.water_bodies.to_dict("records"):
        code, year = row["water_body_id"], years.get(row["water_body_id"])
        try:
            series = series_table(archive, code)
        except ArchiveError:
            continue
        series = series[series["evaluation_year"] < year]
        if series["evaluation_year"].nunique() < MIN_ROUNDS - 1:
            continue
        now = [("rhi", "RHI", "rhi", row["rhi"])] + [
            (c, CRITERION_NAMES[c], "criterion", row.get(c)) for c in CRITERIA]
        now += [(r["indicator_id"], r["indicator_name"], "indicator", r["score"])
                for r in summary[summary["water_body_id"] == code].to_dict("records")]
        current = pd.DataFrame(now, columns=["series", "label", "kind", "value"]).assign(
            evaluation_year=year, round=None)
        table = pd.concat([series, current], ignore_index=True)
        table["value"] = pd.to_numeric(table["value"], errors="coerce")
        stats = trend_stats(table.dropna(subset=["value"]))
        sentences[code] = {lang: trend_sentences(stats, lang) for lang in ("zh", "en")}
    return sentences


def _class_bands(profile_id: str | None):
    from ..profiles.profile import ProfileError, load_profile

    try:
        return load_profile(profile_id or "mwr2020-river").classes
    except (ProfileError, FileNotFoundError, KeyError, ValueError):
        return load_profile("mwr2020-river").classes


def trend_figure(series: pd.DataFrame, classes, title: str):
    """A plotly figure: one line per series over the evaluation years, the class bands of
    the profile as coloured background (RHI 0–100)."""
    import plotly.graph_objects as go

    figure = go.Figure()
    bounds = sorted(classes, key=lambda c: c.min_rhi)
    tops = [c.min_rhi for c in bounds[1:]] + [100]
    # the bands as plain layout shapes (add_hrect takes ~0.15 s per band)
    figure.update_layout(
        shapes=[{"type": "rect", "xref": "paper", "x0": 0, "x1": 1, "yref": "y", "y0": c.min_rhi,
                 "y1": top, "fillcolor": c.colour, "opacity": 0.12, "line": {"width": 0},
                 "layer": "below"} for c, top in zip(bounds, tops)],
        annotations=[{"xref": "paper", "x": 1.01, "xanchor": "left", "yref": "y",
                      "y": (c.min_rhi + top) / 2, "text": f"{c.name_zh} {c.label_zh}",
                      "showarrow": False} for c, top in zip(bounds, tops)])
    for (_, label), group in series.groupby(["series", "label"], sort=False):
        group = group.sort_values("evaluation_year")
        figure.add_trace(go.Scatter(x=group["evaluation_year"], y=group["value"],
                                    mode="lines+markers", name=str(label)))
    figure.update_layout(title=title, yaxis={"range": [0, 100], "title": "得分 score"},
                         xaxis={"title": "评价年份 evaluation year", "dtick": 1},
                         margin={"r": 140})
    return figure


def write_trend(archive: Archive, water_body: str, out_dir: str | os.PathLike,
                indicators: list[str] | None = None) -> tuple[list[Path], pd.DataFrame]:
    """Write ``trend.html`` (the chart, plotly.js embedded, opens offline) and ``trend.xlsx``
    (sheets 历年得分 and 趋势检验) of a water body into ``out_dir``; returns the files and the
    trend statistics."""
    from ..io.atomic import atomic_path, write_text_atomic
    from ..io.sheets import Sheet, write_workbook

    history = archive.history(water_body)
    series = series_table(archive, water_body, indicators)
    stats = trend_stats(series)
    name = history["name"].iloc[-1] if len(history) else water_body
    shown = series if indicators is not None else series[series["kind"] != "indicator"]
    figure = trend_figure(shown, _class_bands(history["profile_id"].iloc[-1]
                                              if len(history) else None),
                          f"{name}（{water_body}）历年健康评价得分")
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    html = folder / "trend.html"
    write_text_atomic(html, figure.to_html(include_plotlyjs=True, full_html=True))
    wide = series.pivot_table(index=["label", "series"], columns="evaluation_year",
                              values="value", sort=False).reset_index()
    table = [["项目", "编码", *[f"{y} 年" for y in wide.columns[2:]]],
             *[[r[0], r[1], *[None if pd.isna(v) else round(float(v), 2) for v in r[2:]]]
               for r in wide.itertuples(index=False, name=None)]]
    tests = [["项目", "年数", "起始年", "末年", "Sen 斜率（分/年）", "Kendall τ", "p 值",
              "显著（p<0.05）", "末端连续变化次数", "方向"],
             *[[r["label"], r["n"], r["first_year"], r["last_year"], round(r["sen_slope"], 3),
                round(r["tau"], 3), round(r["p_value"], 4), "是" if r["significant"] else "否",
                r["run"], {-1: "下降", 1: "上升"}.get(r["direction"], "—")]
               for r in stats.to_dict("records")]]
    xlsx = folder / "trend.xlsx"
    with atomic_path(xlsx) as temporary:
        write_workbook(temporary, [Sheet(title, pd.DataFrame(rows[1:], columns=rows[0]), rows[0])
                                   for title, rows in (("历年得分", table), ("趋势检验", tests))])
    return [html, xlsx], stats
