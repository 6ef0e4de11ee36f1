"""Section 评价结论可信度 (confidence of class) of a water body's report (issue 18, part 4).

Built only when the result holds a confidence run (``health-eval run --confidence N``): the
share of resamples in each class as a bar, the RHI interval, the class of each segment with its
probability, and the indicators whose variation moves the RHI most — in words for a river
chief (“63 % 的重抽样结果为二类…”). Its texts are under ``confidence:`` in the locales.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import figures
from .document import Block, Bullets, Cell, Figure, Heading, Paragraph, Section, table

if TYPE_CHECKING:
    from .content import WaterBodyReport

#: Probability of the class reported from which the conclusion is called robust, or fairly
#: sure (below: uncertain).
ROBUST, FAIRLY_SURE = 0.9, 0.6
#: Indicators named as decisive, at most.
DECISIVE = 3


def _percent(t, share: Any) -> str:
    return t.num(100 * float(share), 0) if pd.notna(share) else "—"


def confidence_section(report: WaterBodyReport) -> Section | None:
    """The section, or None when the result has no confidence run (or not this water body)."""
    result = report.c.result
    tables = result.confidence_water_bodies
    if tables is None:
        return None
    rows = tables[tables["water_body_id"] == report.id]
    if rows.empty or not rows["replicates"].iloc[0]:
        return None
    t, row = report.t, rows.iloc[0]
    settings = result.provenance.get("confidence", {})
    blocks: list[Block] = [Paragraph(t("confidence.method", n=int(settings.get(
        "replicates", row["replicates"]))))]
    if settings.get("weights_spread"):
        blocks.append(Paragraph(t("confidence.weights", spread=t.num(
            settings["weights_spread"], 2))))
    blocks += _class_blocks(report, row)
    blocks += _reading_blocks(report, settings.get("by_reading") or {})
    blocks += _segment_blocks(report)
    blocks += _decisive_blocks(report)
    return Section("confidence", t("sections.confidence"), tuple(blocks))


def _class_text(report: WaterBodyReport, grade: int) -> str:
    return report.c.class_text({"health_class": grade}, report.profile)


def _class_blocks(report: WaterBodyReport, row: pd.Series) -> list[Block]:
    """The verdict in words, the interval, and the bar of class shares."""
    t = report.t
    shares = {int(c.rsplit("_", 1)[1]): float(row[c]) for c in row.index
              if c.startswith("p_class_") and pd.notna(row[c])}
    reported = row["health_class"]
    blocks: list[Block] = []
    if pd.notna(reported):
        p = float(row["p_reported"])
        level = "robust" if p >= ROBUST else "fair" if p >= FAIRLY_SURE else "uncertain"
        others = [t("confidence.other", share=_percent(t, s), health_class=_class_text(report, g))
                  for g, s in sorted(shares.items(), key=lambda i: -i[1])
                  if g != int(reported) and s >= 0.005]
        blocks.append(Paragraph(t(f"confidence.verdict_{level}", name=report.name,
                                  share=_percent(t, p),
                                  health_class=_class_text(report, int(reported)),
                                  others=t.join(others) if others else t("confidence.none"))))
    blocks.append(Paragraph(t("confidence.interval", p05=report.score(row["rhi_p05"]),
                              p95=report.score(row["rhi_p95"]),
                              median=report.score(row["rhi_median"]),
                              rhi=report.score(report.rhi))))
    shown = [(g, s) for g, s in sorted(shares.items()) if s > 0]
    if shown:
        names = [_class_text(report, g) for g, _ in shown]
        fig_id = report.fig_id("confidence")
        blocks.append(Figure(fig_id, figures.segment_strip(
            names, [s for _, s in shown],
            [f"{n} {_percent(t, s)}%" for n, (_, s) in zip(names, shown)],
            [report.c.class_colour(g, report.profile) or figures.NEUTRAL for g, _ in shown],
            fig_id, t("confidence.bar_axis")), t("confidence.bar_caption")))
    return blocks


def _reading_blocks(report: WaterBodyReport, by_reading: dict) -> list[Block]:
    """The water body's class under each method reading the replicates were split among
    (``health-eval run --confidence N --readings A,B``), in one sentence."""
    from health_eval.profiles.readings import reading_titles

    t = report.t
    items = []
    for name, classes in by_reading.items():
        mine = classes.get(report.id) or {}
        title = reading_titles(name)[0 if t.lang == "zh" else 1]
        grade = mine.get("health_class")
        items.append(t("confidence.reading_item", reading=title,
                       health_class=_class_text(report, grade) if grade else t("classes.none"),
                       rhi=report.score(mine.get("rhi"))))
    return [Paragraph(t("confidence.by_reading", items=t.join(items)))] if items else []


def _segment_blocks(report: WaterBodyReport) -> list[Block]:
    """Each segment's RHI interval, class reported and its probability (several segments)."""
    segments = report.c.result.confidence_segments
    mine = segments[segments["water_body_id"] == report.id] if segments is not None else None
    if mine is None or len(mine) < 2:
        return []
    t = report.t
    rows = [[report.segment_name(r["segment_id"]),
             Cell(f"{report.score(r['rhi_p05'])} – {report.score(r['rhi_p95'])}", numeric=True),
             Cell(_class_text(report, int(r["health_class"])) if pd.notna(r["health_class"])
                  else t("classes.none"),
                  fill=report.c.class_colour(r["health_class"], report.profile)),
             Cell(f"{_percent(t, r['p_reported'])}%", numeric=True)]
            for r in mine.to_dict("records")]
    return [Heading(t("confidence.segments")),
            table([t("confidence.segment"), t("confidence.interval_short"),
                   t("confidence.class"), t("confidence.probability")], rows)]


def _decisive_blocks(report: WaterBodyReport) -> list[Block]:
    """The indicators whose variation moves the water body's RHI most."""
    shares = report.c.result.confidence_indicators
    if shares is None:
        return []
    mine = shares[(shares["water_body_id"] == report.id) & shares["segment_id"].isna()]
    mine = mine.sort_values("rank").head(DECISIVE)
    t = report.t
    if mine.empty:
        return [Paragraph(t("confidence.no_variation"))]
    items = tuple(t("confidence.decisive_item", indicator=report.indicator(i),
                    share=_percent(t, np.clip(s, 0, 1)))
                  for i, s in zip(mine["indicator_id"], mine["variance_share"]))
    spread = report.c.result.provenance.get("confidence", {}).get("weights_spread")
    return [Heading(t("confidence.decisive")),
            Paragraph(t("confidence.decisive_weights" if spread else "confidence.decisive_text")),
            Bullets(items)]
