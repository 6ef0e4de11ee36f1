"""The batch summary (``summary.html``): every water body ranked by RHI, the class distribution,
an overview table linking to each report, and the change since a previous evaluation."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from health_eval.vocabulary import CRITERIA

from . import figures
from .compare import compare_water_bodies, round_years
from .context import ReportContext
from .diagnosis import finite
from .document import Block, Cell, Figure, Paragraph, Report, Section, numbered, table
from .locale import MISSING

SUMMARY_ID = "summary"


def build_summary(context: ReportContext, links: Mapping[str, str] | None = None) -> Report:
    """The summary of all water bodies of ``context.result``.

    Parameters
    ----------
    context : ReportContext
    links : mapping of water-body id to a relative link of its report, optional
    """
    t, result = context.texts, context.result
    links = links or {}
    bodies = result.water_bodies.assign(
        _rhi=pd.to_numeric(result.water_bodies["rhi"], errors="coerce"))
    ranked = bodies.sort_values(["_rhi", "water_body_id"], ascending=[False, True],
                                na_position="last")
    evaluated = ranked[ranked["_rhi"].notna()]
    sections = [Section("overview", t("summary.overview"), tuple(
        _distribution(context, evaluated, len(ranked))))]
    sections.append(Section("ranking", t("summary.ranking"), (_ranking(context, ranked, links),)))
    if context.previous is not None:
        sections.append(Section("comparison", t("sections.comparison"),
                                tuple(_comparison(context))))
    counts = result.issues["severity"].value_counts() if len(result.issues) else {}
    sections.append(Section("quality", t("sections.quality"), (Paragraph(t(
        "summary.issues", errors=int(counts.get("error", 0)),
        warnings=int(counts.get("warning", 0)))),)))
    return Report(title=t("summary.title"),
                  subtitle=(t("summary.subtitle", dataset=result.provenance.get("dataset",
                                                                                 MISSING),
                              timestamp=t.when(result.provenance.get("timestamp"))),),
                  sections=numbered(sections, lambda n, title: t(
                      "common.section_number", n=n, title=title)), lang=t.lang, footer=t("summary.footer"),
                  meta={"figure_note": t("report.figure_note"),
                        "links_note": t("summary.links_note") if links else ""})


def _distribution(context: ReportContext, evaluated: pd.DataFrame, total: int) -> list[Block]:
    t = context.texts
    grades = evaluated["health_class"].astype("Int64")
    blocks: list[Block] = [Paragraph(t("summary.counts", n=total, evaluated=len(evaluated),
                                       not_evaluated=total - len(evaluated)))]
    profile = context.first_profile
    grade_list = ([c.grade for c in profile.classes] if profile
                  else sorted(context.settings.class_colours))
    rows, labels, counts, colours = [], [], [], []
    for grade in grade_list:
        sample = evaluated[grades == grade].head(1).to_dict("records")
        row = sample[0] if sample else {"health_class": grade}
        label = context.class_text(row, profile)
        n = int((grades == grade).sum())
        colour = context.class_colour(grade, profile)
        rows.append([Cell(label, fill=colour), Cell(str(n), numeric=True),
                     Cell(t.num(100 * n / len(evaluated) if len(evaluated) else None, 1),
                          numeric=True)])
        labels.append(label)
        counts.append(n)
        colours.append(colour or figures.NEUTRAL)
    blocks.append(table([t("conclusion.class"), t("summary.count"), t("summary.percent")], rows))
    div_id = figures.figure_id(SUMMARY_ID, "classes")
    blocks.append(Figure(div_id, figures.counts_bar(labels, counts, colours, div_id,
                                                    t("summary.count")),
                         t("summary.classes_caption")))
    return blocks


def _ranking(context: ReportContext, ranked: pd.DataFrame, links: Mapping[str, str]):
    t = context.texts
    summary = context.indicator_summary
    losing = summary[summary["points"] > 0]
    top_loss = losing.drop_duplicates("water_body_id").set_index("water_body_id")
    points = context.points
    weak_counts = points[points["weak"]].groupby("water_body_id")["indicator_id"].nunique()
    criteria = [c for c in CRITERIA if c in ranked]
    profile = context.first_profile
    rows = []
    for n, r in enumerate(ranked.to_dict("records"), start=1):
        water_body = str(r["water_body_id"])
        own = context.profile(water_body)
        top = top_loss.loc[water_body] if water_body in top_loss.index else None
        weak = int(weak_counts.get(water_body, 0))
        decimals = context.decimals(water_body)
        rows.append([str(n) if finite(r["_rhi"]) else MISSING,
                     Cell(str(r.get("name") or water_body), href=links.get(water_body)),
                     water_body, context.kind_label(r.get("kind")),
                     Cell(t.num(r["_rhi"], decimals), numeric=True),
                     Cell(context.class_text(r, own),
                          fill=context.class_colour(r.get("health_class"), own))]
                    + [Cell(t.num(r.get(c), decimals), numeric=True) for c in criteria]
                    + [context.indicator_label(top["indicator_id"], top["indicator_name"])
                       if top is not None else MISSING, Cell(str(weak), numeric=True)])
    return table([t("diagnosis.rank"), t("basic.name"), t("basic.id"), t("basic.kind"),
                  t("conclusion.rhi_short"), t("conclusion.class")]
                 + [context.criterion_label(c, profile) for c in criteria]
                 + [t("summary.top_loss"), t("summary.weak_count")], rows)


def _comparison(context: ReportContext) -> list[Block]:
    t = context.texts
    table_ = compare_water_bodies(context.result, context.previous)
    rows = []
    for r in table_.to_dict("records"):
        profile = (context.profile(str(r["water_body_id"]))
                   if r["presence"] != "only_previous" else None)
        before = {"health_class": r["health_class_previous"],
                  "health_name": r["health_name_previous"],
                  "health_label": r["health_label_previous"]}
        rows.append([str(r["name"]), str(r["water_body_id"]),
                     Cell(t.num(r["rhi_previous"], 1), numeric=True),
                     Cell(t.num(r["rhi"], 1), numeric=True),
                     Cell(t.signed(r["rhi_change"], 1), numeric=True),
                     context.class_text(before, profile) if r["presence"] != "only_current"
                     else MISSING,
                     context.class_text(r, profile) if r["presence"] != "only_previous"
                     else MISSING,
                     t(f"comparison.presence_{r['presence']}")])
    return [Paragraph(t("comparison.intro", previous=round_years(context.previous) or MISSING,
                        current=round_years(context.result) or MISSING)),
        table([t("basic.name"), t("basic.id"), t("comparison.previous_rhi"),
               t("comparison.current_rhi"), t("comparison.change"),
               t("comparison.previous_class"), t("comparison.current_class"),
               t("comparison.note")], rows)]
