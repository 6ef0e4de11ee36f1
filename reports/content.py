"""The report of one water body as a :class:`~.document.Report`: seven sections (and the
comparison with a previous evaluation when given), every text localised and every number
formatted, ready for :mod:`.render` (HTML) and :mod:`.docx` (Word)."""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from health_eval.io.display_names import column_label, file_label, table_label
from health_eval.profiles.profile import Profile
from health_eval.profiles.readings import DEFAULT_READING, reading_titles
from health_eval.profiles.scoring import CurveRule, DeductionRule, IdentityRule, RatioRule

from . import figures
from .archive_notes import archive_notes
from .compare import compare_indicators, compare_parts, round_years
from .confidence import confidence_section
from .context import ReportContext
from .diagnosis import data_periods, drivers, finite
from .document import (
    Block,
    Bullets,
    Cell,
    Facts,
    Figure,
    Heading,
    Headline,
    Paragraph,
    Report,
    Section,
    numbered,
    table,
)
from .locale import MISSING
from .profiles import confidence_counts, rule_of, source_text, sub_rules
from .quality import issues_for, not_evaluated, renormalised

#: Floating-point noise ignored when a target is rounded up or down (0.69 stays 0.69).
ROUNDING_SLACK = 1e-6
WEAK_FILL = "#fde2e1"
PRIORITY_FILL = "#f8b4b0"


class WaterBodyReport:
    """Builds the report of one water body from a :class:`ReportContext`.

    Parameters
    ----------
    context : ReportContext
    water_body_id : str
    """

    def __init__(self, context: ReportContext, water_body_id: str) -> None:
        if water_body_id not in context.water_body_rows:
            raise KeyError(f"no water body {water_body_id!r} in the result")
        self.c = context
        self.t = context.texts
        self.id = water_body_id
        self.row = context.water_body_rows[water_body_id]
        self.info = context.profile_info(water_body_id)
        self.profile: Profile | None = self.info.profile if self.info else None
        parts = context.parts[water_body_id]
        self.segments, self.criteria = parts["segments"], parts["criteria"]
        self.points, self.summary = parts["points"], parts["summary"]
        self.issues, self.general_issues = issues_for(context.result, context.issue_owners,
                                                      water_body_id)
        self.decimals = context.decimals(water_body_id)
        self.name = str(self.row.get("name") or water_body_id)

    # --- small helpers ----------------------------------------------------------------------

    def fig_id(self, name: str) -> str:
        """Stable div id of this report's figure ``name``."""
        return figures.figure_id(self.id, name)

    def score(self, value: Any) -> str:
        """A score with the profile's rounding."""
        return self.t.num(value, self.decimals)

    def value(self, value: Any, rounding: str = "nearest") -> str:
        """An indicator value with as many decimals as its size needs.

        ``rounding`` ``up`` or ``down`` rounds a target towards the safe side (a value that must
        reach at least x is shown rounded up, one that must stay below x rounded down).
        """
        if not finite(value):
            return MISSING
        number = float(value)
        decimals = 3 if abs(number) < 1 else 2 if abs(number) < 100 else 1
        scale = 10.0 ** decimals
        if rounding == "up":
            number = math.ceil(number * scale - ROUNDING_SLACK) / scale
        elif rounding == "down":
            number = math.floor(number * scale + ROUNDING_SLACK) / scale
        text = self.t.num(number, decimals)
        return text.rstrip("0").rstrip(".") if "." in text else text

    @functools.cached_property
    def _indicator_names(self) -> dict[str, str]:
        names = self.points.drop_duplicates("indicator_id")
        return {i: self.c.indicator_label(i, n)
                for i, n in zip(names["indicator_id"], names["indicator_name"])}

    def indicator(self, indicator_id: str) -> str:
        """Name of an indicator in the report's language."""
        return self._indicator_names.get(indicator_id) or self.c.indicator_label(indicator_id)

    def criterion(self, criterion: str) -> str:
        """Name of a criterion in the report's language."""
        return self.c.criterion_label(criterion, self.profile)

    @functools.cached_property
    def _segment_names(self) -> dict[str, str]:
        return {s: self.t("common.segment_name", name=n, id=s) if isinstance(n, str) and n
                else str(s)
                for s, n in zip(self.segments["segment_id"], self.segments["name"])}

    def segment_name(self, segment_id: str) -> str:
        """``上段（FHGD-01）``: name and id of a segment."""
        return self._segment_names.get(segment_id, str(segment_id))

    def segment_names(self, segment_ids) -> str:
        """Segments listed, or "all segments" when they are all of them."""
        ids = list(segment_ids)
        if len(self.segments) > 1 and set(ids) == set(self.segments["segment_id"]):
            river = self.weighting() == "length"
            return self.t(f"common.all_segments_{'river' if river else 'lake'}")
        return self.t.join(self.segment_name(s) for s in ids)

    def unit(self, unit: Any) -> str:
        """Unit of an indicator value in the report's language (``分`` → points)."""
        return self.t.get(f"units.{unit}", str(unit)) if isinstance(unit, str) and unit else ""

    def flag(self, required: Any) -> str:
        """Mandatory or optional."""
        return self.t("common.mandatory") if bool(required) else self.t("common.optional")

    def weighting(self) -> str:
        """``length`` (rivers) or ``area`` (lakes): how segments are weighted."""
        if self.profile is not None:
            return self.profile.segment_weighting
        return "length" if self.row.get("kind") == "river" else "area"

    @property
    def rhi(self) -> float:
        """The water body's unrounded RHI (NaN when it has none)."""
        value = self.row.get("rhi")
        return float(value) if finite(value) else float("nan")

    # --- the report -------------------------------------------------------------------------

    def build(self) -> Report:
        """The whole report."""
        t = self.t
        sections = [self.basic(), self.conclusion(), *filter(None, [confidence_section(self)])]
        if self.c.previous is not None:
            sections.append(self.comparison())
        sections += [self.scores(), self.diagnosis(), self.plan(), self.quality(),
                     self.appendix()]
        return Report(title=t("report.title", name=self.name),
                      subtitle=(t("report.subtitle", id=self.id,
                                  timestamp=t.when(self.c.result.provenance.get("timestamp"))),),
                      sections=numbered(sections, lambda n, title: t(
                          "common.section_number", n=n, title=title)), lang=t.lang, footer=t("report.footer"),
                      meta={"water_body_id": self.id, "figure_note": t("report.figure_note")})

    # 1 ------------------------------------------------------------------------------------

    def basic(self) -> Section:
        """Section 1: basic facts, data period, profile and its confidence."""
        t, row = self.t, self.row
        details = list(self.points["details"])
        period = data_periods(details)
        years = {p[:4] for p in period} if period else set()
        rows = [(t("basic.name"), self.name), (t("basic.id"), self.id),
                (t("basic.kind"), self.c.kind_label(row.get("kind")))]
        if len(self.segments) > 1:
            total = self.segments["segment_weight"].astype(float).sum()
            rows.append((t(f"basic.total_{self.weighting()}"), self.value(total)))
        rows.append((t("basic.segments"), t("basic.segment_list", n=len(self.segments),
                                             names=t.join(self.segment_name(s) for s in
                                                          self.segments["segment_id"]))))
        rows.append((t("basic.year"), years.pop() if len(years) == 1 else MISSING))
        rows.append((t("basic.period"), t("basic.period_text", first=period[0], last=period[1])
                     if period else t("basic.no_period")))
        rows += self._profile_facts()
        rows.append((t("basic.indicators"), self._indicator_counts()))
        rows.append((t("basic.evaluated_at"),
                     t.when(self.c.result.provenance.get("timestamp"))))
        blocks: list[Block] = [Facts(tuple(rows))]
        if self.info is not None and self.profile is None:
            blocks.append(Paragraph(t(f"basic.profile_{self.info.status}", id=self.info.id),
                                    "warning"))
        return Section("basic", t("sections.basic"), tuple(blocks))

    def _profile_facts(self) -> list[tuple[str, str]]:
        t = self.t
        if self.info is None:
            return [(t("basic.profile"), MISSING)]
        title = (t.pick(self.profile.title_zh, self.profile.title_en) if self.profile
                 else self.info.title)
        rows = [(t("basic.profile"), t("basic.profile_text", id=self.info.id,
                                        title=title or MISSING))]
        if self.info.recorded.get("reading", DEFAULT_READING) != DEFAULT_READING:
            rows.append((t("basic.reading"), t.pick(*reading_titles(self.info.recorded["reading"]))))
        source = self.profile.source if self.profile else self.info.recorded.get("source")
        if source:
            rows.append((t("basic.profile_source"), self.source(source)))
        if self.profile is not None:
            counts = confidence_counts(self.profile)
            rows.append((t("basic.confidence"), t(
                "basic.confidence_text", v=counts.get("V", 0), p=counts.get("P", 0),
                r=counts.get("R", 0), total=sum(counts.values()))))
        return rows

    def _indicator_counts(self) -> str:
        summary = self.summary
        evaluated = self.points[self.points["evaluated"]]
        return self.t("basic.indicator_counts", n=len(summary),
                      mandatory=int(summary["required"].astype(bool).sum()),
                      optional=int((~summary["required"].astype(bool)).sum()),
                      evaluated=evaluated["indicator_id"].nunique(),
                      computed=evaluated.loc[evaluated["status"] == "ok", "indicator_id"].nunique(),
                      supplied=evaluated.loc[evaluated["status"] == "supplied",
                                             "indicator_id"].nunique())

    # 2 ------------------------------------------------------------------------------------

    def conclusion(self) -> Section:
        """Section 2: RHI, class, criteria (radar) and segments (strip by class)."""
        t = self.t
        colour = self.c.class_colour(self.row.get("health_class"), self.profile)
        class_text = self.c.class_text(self.row, self.profile)
        blocks: list[Block] = [Headline(t("conclusion.rhi"), self.score(self.rhi), class_text,
                                        colour)]
        criteria = self.c.criteria_order(self.criteria["criterion"], self.profile)
        scores = {c: self.row.get(c) for c in criteria}
        known = {c: float(v) for c, v in scores.items() if finite(v)}
        if finite(self.rhi) and known:
            low = min(known, key=known.get)
            high = max(known, key=known.get)
            blocks.append(Paragraph(t("conclusion.summary", name=self.name,
                                      rhi=self.score(self.rhi), health_class=class_text,
                                      low=self.criterion(low),
                                      low_score=self.score(known[low]), high=self.criterion(high),
                                      high_score=self.score(known[high]))))
        else:
            blocks.append(Paragraph(t("conclusion.no_rhi", name=self.name), "warning"))
            errors = self.issues[self.issues["severity"] == "error"]
            if len(errors):
                blocks.append(Bullets(tuple(self._message(r) for r in
                                            errors.head(10).to_dict("records"))))
        warned = self.issues[(self.issues["rule"] == "indicator.mandatory_missing")
                             & (self.issues["severity"] == "warning")]
        for record in warned.to_dict("records"):
            blocks.append(Paragraph(t("conclusion.mandatory_renormalised",
                                      message=self._message(record)), "warning"))
        weights = self.criteria.groupby("criterion")["weight"].first()
        if criteria:
            blocks.append(table([t("conclusion.criterion"), t("conclusion.weight"),
                                 t("conclusion.score")],
                                [[self.criterion(c), self.t.num(weights.get(c), 2),
                                  Cell(self.score(scores[c]), numeric=True)] for c in criteria]))
        if known:
            blocks.append(Figure(self.fig_id("radar"), figures.radar(
                [self.criterion(c) for c in criteria],
                [float(scores[c]) if finite(scores[c]) else 0.0 for c in criteria], colour,
                self.fig_id("radar"), self.name), t("conclusion.radar_caption")))
        blocks += self._segment_blocks()
        return Section("conclusion", t("sections.conclusion"), tuple(blocks))

    def _segment_blocks(self) -> list[Block]:
        t = self.t
        if self.segments.empty:
            return []
        weights = self.segments["segment_weight"].astype(float)
        shares = weights / weights.sum() if weights.sum() > 0 else weights * 0
        rows, colours, texts = [], [], []
        for record, share in zip(self.segments.to_dict("records"), shares):
            colour = self.c.class_colour(record.get("health_class"), self.profile)
            text = self.c.class_text(record, self.profile)
            rows.append([record.get("name") or MISSING, record["segment_id"],
                         self.value(record.get("segment_weight")), t.num(100 * share, 1),
                         Cell(self.score(record.get("rhi")), numeric=True),
                         Cell(text, fill=colour)])
            colours.append(colour or figures.NEUTRAL)
            texts.append(f"{record.get('name') or record['segment_id']} "
                         f"{self.score(record.get('rhi'))}")
        blocks: list[Block] = [Heading(t("conclusion.segments")), table(
            [t("conclusion.segment"), t("conclusion.segment_id"),
             t(f"conclusion.weight_{self.weighting()}"), t("conclusion.share"),
             t("conclusion.rhi_short"), t("conclusion.class")], rows)]
        if len(rows) > 1 and shares.notna().all():
            blocks.append(Figure(self.fig_id("segments"), figures.segment_strip(
                [str(s) for s in self.segments["segment_id"]], list(shares), texts, colours,
                self.fig_id("segments"), t("conclusion.strip_axis")),
                t("conclusion.strip_caption")))
        return blocks

    def _message(self, record: Mapping[str, Any]) -> str:
        return str(record.get("message_zh") if self.t.lang == "zh" else record.get("message_en"))

    # comparison ------------------------------------------------------------------------------

    def comparison(self) -> Section:
        """Change since the previous evaluation: RHI, class, criteria, segments, indicators."""
        t, previous = self.t, self.c.previous
        before = previous.water_bodies[previous.water_bodies["water_body_id"] == self.id]
        blocks: list[Block] = [Paragraph(t(
            "comparison.intro", previous=round_years(previous, self.id) or MISSING,
            current=round_years(self.c.result, self.id) or MISSING))]
        blocks += archive_notes(previous.provenance, self.id, t.lang)   # run --archive
        if before.empty:
            blocks.append(Paragraph(t("comparison.new_water_body"), "warning"))
            return Section("comparison", t("sections.comparison"), tuple(blocks))
        old = before.iloc[0].to_dict()
        blocks.append(table([t("comparison.item"), t("comparison.previous"),
                             t("comparison.current"), t("comparison.change")],
                            [[t("conclusion.rhi_short"), self.score(old.get("rhi")),
                              self.score(self.rhi),
                              t.signed(self.rhi - float(old["rhi"]) if finite(old.get("rhi"))
                                       else None, self.decimals)],
                             [t("conclusion.class"), self.c.class_text(old, self.profile),
                              self.c.class_text(self.row, self.profile),
                              self._class_change(old.get("health_class"),
                                                 self.row.get("health_class"))]]))
        criteria, segments = compare_parts(self.c.result, previous, self.id)
        blocks.append(Heading(t("comparison.criteria")))
        blocks.append(table([t("conclusion.criterion"), t("comparison.previous"),
                             t("comparison.current"), t("comparison.change")],
                            [[self.criterion(r["criterion"]), self.score(r["score_previous"]),
                              self.score(r["score"]), t.signed(r["score_change"], self.decimals)]
                             for r in criteria.to_dict("records")]))
        if len(segments) > 1 or (segments["presence"] != "both").any():
            blocks.append(Heading(t("comparison.segments")))
            blocks.append(table([t("conclusion.segment"), t("comparison.previous"),
                                 t("comparison.current"), t("comparison.change"),
                                 t("comparison.note")],
                                [[self.segment_name(r["segment_id"]),
                                  self.score(r["rhi_previous"]), self.score(r["rhi"]),
                                  t.signed(r["rhi_change"], self.decimals),
                                  t(f"comparison.presence_{r['presence']}")]
                                 for r in segments.to_dict("records")]))
        indicators = compare_indicators(self.c.indicator_summary, self.c.previous_summary,
                                        self.id)
        blocks.append(Heading(t("comparison.indicators")))
        blocks.append(table([t("scores.indicator"), t("comparison.previous"),
                             t("comparison.current"), t("comparison.change"),
                             t("comparison.note")],
                            [[self.c.indicator_label(r["indicator_id"], r["indicator_name"]),
                              self.score(r["score_previous"]), self.score(r["score"]),
                              t.signed(r["score_change"], self.decimals),
                              t(f"comparison.presence_{r['presence']}")]
                             for r in indicators.to_dict("records")]))
        both = indicators[indicators["presence"] == "both"]
        if len(both):
            blocks.append(Figure(self.fig_id("comparison"), figures.paired_bars(
                [self.indicator(i) for i in both["indicator_id"]],
                list(both["score_previous"].astype(float).fillna(0)),
                list(both["score"].astype(float).fillna(0)),
                (t("comparison.previous"), t("comparison.current")), self.fig_id("comparison"),
                t("scores.axis")), t("comparison.caption")))
        return Section("comparison", t("sections.comparison"), tuple(blocks))

    def _class_change(self, before: Any, now: Any) -> str:
        if not finite(before) or not finite(now):
            return MISSING
        step = int(before) - int(now)
        key = "better" if step > 0 else "worse" if step < 0 else "same"
        return self.t(f"comparison.class_{key}", n=abs(step))

    # 3 ------------------------------------------------------------------------------------

    def _ordered_points(self) -> pd.DataFrame:
        order = self.c.criteria_order(self.points["criterion"], self.profile)
        rank = {c: i for i, c in enumerate(order)}
        return self.points.assign(_rank=self.points["criterion"].map(rank)).sort_values(
            ["_rank", "indicator_id", "segment_id"])

    def scores(self) -> Section:
        """Section 3: every indicator row, and a chart over the class bands."""
        t = self.t
        ordered = self._ordered_points()
        rows = []
        for r in ordered.to_dict("records"):
            fill = PRIORITY_FILL if r["priority"] else WEAK_FILL if r["weak"] else None
            rows.append([self.criterion(r["criterion"]),
                         self.indicator(r["indicator_id"]),
                         self.flag(r["required"]), self.segment_name(r["segment_id"]),
                         Cell(self.value(r["value"]), numeric=True), self.unit(r["unit"]),
                         Cell(self.score(r["score"]), fill=fill, numeric=True),
                         Cell(t.num(r["weight"], 3), numeric=True),
                         t.get(f"sources.{r['source']}", MISSING) if isinstance(r["source"], str)
                         else MISSING,
                         t.get(f"statuses.{r['status']}", str(r["status"]))])
        if ordered.empty:
            return Section("scores", t("sections.scores"), (Paragraph(t("scores.none")),))
        blocks: list[Block] = [
            Paragraph(t("scores.intro", weak=self.t.num(self.c.settings.weak_below, 0))),
            table([t("conclusion.criterion"), t("scores.indicator"), t("scores.flag"),
                   t("conclusion.segment"), t("scores.value"), t("scores.unit"),
                   t("scores.score"), t("scores.weight"), t("scores.source"),
                   t("scores.status")], rows)]
        labels = list(dict.fromkeys(ordered["indicator_id"]))
        if ordered["evaluated"].any():
            series = []
            for segment in self.segments["segment_id"]:
                mine = ordered[ordered["segment_id"] == segment].set_index("indicator_id")
                scores = mine["score"].where(mine["evaluated"]).astype(float)
                series.append((self.segment_name(segment),
                               [float(scores.get(i)) if finite(scores.get(i)) else None
                                for i in labels]))
            blocks.append(Figure(self.fig_id("scores"), figures.score_bars(
                [self.indicator(i) for i in labels], series, self._bands(), self.fig_id("scores"),
                t("scores.axis")), t("scores.caption") if self.profile else
                t("scores.caption_no_bands")))
        return Section("scores", t("sections.scores"), tuple(blocks))

    def _bands(self) -> list[tuple[float, float, str]]:
        if self.profile is None:
            return []
        classes = sorted(self.profile.classes, key=lambda c: c.min_rhi)
        uppers = [c.min_rhi for c in classes[1:]] + [100.0]
        return [(max(c.min_rhi, 0.0), upper, self.c.class_colour(c.grade, self.profile)
                 or figures.NEUTRAL) for c, upper in zip(classes, uppers)]

    # 4 ------------------------------------------------------------------------------------

    def diagnosis(self) -> Section:
        """Section 4: indicators ranked by RHI points lost; weak ones and what drove them."""
        t, settings = self.t, self.c.settings
        ranked = self.summary[self.summary["points"] > 0]
        total = float(ranked["lost"].sum())
        weak_ids = set(self.points.loc[self.points["weak"], "indicator_id"])
        priority_ids = set(self.points.loc[self.points["priority"], "indicator_id"])
        intro = (t("diagnosis.intro", total=self.t.num(total, 2), rhi=self.score(self.rhi))
                 if finite(self.rhi) else t("diagnosis.intro_no_rhi"))
        blocks: list[Block] = [Paragraph(intro)]
        if ranked.empty:
            return Section("diagnosis", t("sections.diagnosis"), tuple(blocks))
        rows = []
        for n, r in enumerate(ranked.to_dict("records"), start=1):
            weak = r["indicator_id"] in weak_ids
            priority = r["indicator_id"] in priority_ids
            mark = (t("diagnosis.priority") if priority else t("diagnosis.weak") if weak
                    else MISSING)
            rows.append([str(n), self.indicator(r["indicator_id"]),
                         self.criterion(r["criterion"]), self.flag(r["required"]),
                         Cell(self.score(r["score"]), numeric=True),
                         Cell(self.t.num(r["lost"], 2), numeric=True),
                         Cell(self.t.num(100 * r["lost"] / total if total > 0 else None, 1),
                              numeric=True),
                         Cell(mark, fill=PRIORITY_FILL if priority else WEAK_FILL if weak
                              else None)])
        blocks.append(table([t("diagnosis.rank"), t("scores.indicator"),
                             t("conclusion.criterion"), t("scores.flag"),
                             t("diagnosis.wb_score"), t("diagnosis.lost"),
                             t("diagnosis.lost_share"), t("diagnosis.weak_column")], rows))
        if len(ranked):
            blocks.append(Figure(self.fig_id("lost"), figures.ranked_bars(
                [self.indicator(i) for i in ranked["indicator_id"]],
                list(ranked["lost"].astype(float)),
                ["#d62f2f" if i in weak_ids else "#9aa5b1" for i in ranked["indicator_id"]],
                self.fig_id("lost"), t("diagnosis.lost_axis")), t("diagnosis.lost_caption")))
        blocks.append(Heading(t("diagnosis.weak_heading")))
        blocks.append(Paragraph(t("diagnosis.weak_rule",
                                  weak=self.t.num(settings.weak_below, 0),
                                  mandatory=self.t.num(settings.mandatory_weak_below, 0))))
        weak_rows = self._weak_driver_rows(ranked)
        if weak_rows:
            blocks.append(table([t("scores.indicator"), t("conclusion.segment"),
                                 t("scores.value"), t("scores.score"), t("diagnosis.drivers")],
                                weak_rows))
        else:
            blocks.append(Paragraph(t("diagnosis.no_weak")))
        return Section("diagnosis", t("sections.diagnosis"), tuple(blocks))

    def _weak_driver_rows(self, ranked: pd.DataFrame) -> list[list]:
        rows = []
        weak = self.points[self.points["weak"]]
        for indicator_id in ranked["indicator_id"]:
            mine = weak[weak["indicator_id"] == indicator_id]
            if mine.empty:
                continue
            groups: dict[tuple, list[str]] = {}
            for r in mine.to_dict("records"):
                key = (self.value(r["value"]), self.score(r["score"]),
                       tuple(drivers(r["details"], self.t)))
                groups.setdefault(key, []).append(r["segment_id"])
            for (value, score, items), segments in groups.items():
                rows.append([self.indicator(indicator_id), self.segment_names(segments),
                             Cell(value, numeric=True), Cell(score, numeric=True),
                             self.t("diagnosis.separator").join(items) or
                             self.t("diagnosis.no_details")])
        return rows

    # 5 ------------------------------------------------------------------------------------

    def plan(self) -> Section:
        """Section 5: next-class targets, measures and responsible departments."""
        t = self.t
        weak = self.points[self.points["weak"]]
        weak_ids = [i for i in self.summary["indicator_id"] if i in set(weak["indicator_id"])]
        blocks: list[Block] = [Paragraph(t("plan.intro"))]
        blocks += self._target_blocks()
        blocks.append(Heading(t("plan.measures_heading")))
        choice = self.c.measures(self.id)
        catalogue = choice.catalogue
        if choice.fallback:
            region = (self.c.regions or {}).get(self.id)
            blocks.append(Paragraph(t("plan.default_catalogue", own=catalogue.region or MISSING,
                                      region=region or t("plan.no_region")), "warning"))
        if not weak_ids:
            blocks.append(Paragraph(t("plan.no_weak")))
        for indicator_id in weak_ids:
            r = self.summary[self.summary["indicator_id"] == indicator_id].iloc[0]
            blocks.append(Heading(t("plan.indicator_heading", indicator=self.indicator(
                indicator_id), score=self.score(r["score"]), lost=t.num(r["lost"], 2))))
            measures = catalogue.for_indicator(indicator_id)
            if measures:
                blocks.append(self._measure_table(measures))
            else:
                blocks.append(Paragraph(t("plan.no_measure", indicator=self.indicator(
                    indicator_id)), "note"))
        cross = catalogue.cross_cutting
        if weak_ids and cross:
            blocks.append(Heading(t("plan.cross_cutting")))
            blocks.append(self._measure_table(cross))
        document = catalogue.source_document
        if document is not None:
            blocks.append(Paragraph(t("plan.source", title=document.title,
                                      publisher=document.publisher or MISSING,
                                      date=document.date or MISSING), "note"))
        return Section("plan", t("sections.plan"), tuple(blocks))

    def _measure_table(self, measures) -> Block:
        t = self.t
        return table([t("plan.item"), t("plan.measure"), t("plan.content"),
                      t("plan.departments")],
                     [[t("plan.item_number", n=m.source.item), t.pick(m.title_zh, m.title_en),
                       t.pick(m.summary_zh, m.summary_en), t("list_separator").join(
                           m.departments)] for m in measures])

    def _target_blocks(self) -> list[Block]:
        """The plan that lifts the water body one class (:mod:`.plan`)."""
        t = self.t
        blocks: list[Block] = [Heading(t("plan.targets_heading"))]
        plan, steps = self.c.plans.of(self.id)
        if plan["status"] in ("no_rhi", "no_profile"):
            return blocks + [Paragraph(t(f"plan.{plan['status']}"), "note")]
        if plan["status"] == "best":
            return blocks + [Paragraph(t("plan.best_class", rhi=self.score(self.rhi)))]
        target = plan["target"]
        target_text = self.c.class_text({"health_class": target.grade,
                                         "health_name": target.name_zh,
                                         "health_label": target.label_zh}, self.profile)
        if plan["status"] == "likely":
            return blocks + [Paragraph(t("plan.likely", target=target_text))]
        blocks.append(Paragraph(t("plan.gap", rhi=self.score(self.rhi),
                                  health_class=self.c.class_text(self.row, self.profile),
                                  target=target_text, threshold=t.num(target.min_rhi, 0),
                                  gap=t.num(plan["gap"], 2))))
        if self.id in self.c.reached_80:
            blocks.append(Paragraph(t("plan.at_probability", reached=self.score(
                self.c.reached_80[self.id]), gap=t.num(plan["gap"], 2), target=target_text)))
        blocks.append(Paragraph(t(f"plan.method_{plan['status']}")))
        rows = [[self.indicator(r["indicator_id"]),
                 self.segment_names(r["segment_ids"]),
                 self._value_change(r),
                 Cell(self.score(r["score"]), numeric=True),
                 Cell(self.score(r["reached_score"]), numeric=True),
                 Cell(t.num(r["rhi_gain"], 2), numeric=True),
                 t("list_separator").join(r["departments"]) or t("plan.no_department")]
                for r in steps.to_dict("records")]
        blocks.append(table([t("scores.indicator"), t("conclusion.segment"),
                             t("plan.value_change"), t("plan.current_score"),
                             t("plan.target_score"), t("plan.rhi_gain"),
                             t("plan.departments")], rows))
        reached = self.c.class_text(self._class_of(plan["rhi_reached"]), self.profile)
        blocks.append(Paragraph(t("plan.reached" if plan["status"] != "unreachable"
                                  else "plan.unreachable", rhi=self.score(plan["rhi_reached"]),
                                  health_class=reached, target=target_text)))
        return blocks

    def _class_of(self, rhi: float) -> dict[str, Any]:
        """The class fields of an RHI under the water body's profile."""
        band = max((c for c in self.profile.classes if c.min_rhi <= rhi + 1e-9),
                   key=lambda c: c.min_rhi)
        return {"health_class": band.grade, "health_name": band.name_zh,
                "health_label": band.label_zh}

    def _value_change(self, step: Mapping[str, Any]) -> str:
        """``from VALUE to TARGET UNIT`` of one improvement (the target rounded to the safe
        side), or the score change when the rule cannot be inverted."""
        t = self.t
        if not finite(step["target_value"]):
            return t("plan.score_only", score=self.score(step["target_score"]))
        at_least = step["relation"] == ">="
        rule = rule_of(self.profile, step["indicator_id"], self.c.registry)
        text = t(f"plan.change_{'up' if at_least else 'down'}", value=self.value(step["value"]),
                 target=self.value(step["target_value"], "up" if at_least else "down"),
                 unit=self.unit(step["unit"])).strip()
        if isinstance(rule, IdentityRule):
            text = t("plan.composite", text=text)
        if abs(step["reached_score"] - step["target_score"]) > 1e-6:
            text += t("plan.step_score", score=self.score(step["reached_score"]))
        return text

    # 6 ------------------------------------------------------------------------------------

    def quality(self) -> Section:
        """Section 6: missing indicators, renormalised weights, issues."""
        t = self.t
        points = self.points
        blocks: list[Block] = [Paragraph(t(
            "quality.counts", n=len(points), computed=int((points["status"] == "ok").sum()),
            supplied=int((points["status"] == "supplied").sum()),
            missing=int((~points["status"].isin(("ok", "supplied"))).sum())))]
        blocks.append(Heading(t("quality.missing_heading")))
        missing = not_evaluated(points)
        if missing.empty:
            blocks.append(Paragraph(t("quality.no_missing")))
        else:
            blocks.append(table([t("scores.indicator"), t("scores.flag"),
                                 t("conclusion.segment"), t("scores.status"),
                                 t("quality.reason")],
                                [[self.indicator(r["indicator_id"]),
                                  Cell(self.flag(r["required"]),
                                       fill=WEAK_FILL if r["required"] else None),
                                  self.segment_name(r["segment_id"]),
                                  t.get(f"statuses.{r['status']}", str(r["status"])),
                                  self._reason(r["details"])]
                                 for r in missing.to_dict("records")]))
        blocks.append(Heading(t("quality.renormalised_heading")))
        changed = renormalised(points)
        if changed.empty:
            blocks.append(Paragraph(t("quality.no_renormalised")))
        else:
            blocks.append(Paragraph(t("quality.renormalised_intro")))
            blocks.append(table([t("conclusion.criterion"), t("conclusion.segment"),
                                 t("scores.indicator"), t("quality.nominal"),
                                 t("quality.effective")],
                                [[self.criterion(r["criterion"]),
                                  self.segment_name(r["segment_id"]),
                                  self.indicator(r["indicator_id"]),
                                  Cell(t.num(r["nominal"], 3), numeric=True),
                                  Cell(t.num(r["weight"], 3), numeric=True)]
                                 for r in changed.to_dict("records")]))
        blocks += self._issue_blocks(self.issues, "quality.issues_heading", "quality.no_issues")
        blocks += self._issue_blocks(self.general_issues, "quality.general_heading",
                                     "quality.no_general")
        return Section("quality", t("sections.quality"), tuple(blocks))

    def _reason(self, details: Any) -> str:
        if isinstance(details, Mapping) and details.get("reason") == "no input data":
            return self.t("quality.no_input", inputs=self.t.join(details.get("inputs") or []))
        return self.t("diagnosis.separator").join(drivers(details, self.t)) or MISSING

    def _issue_blocks(self, issues: pd.DataFrame, heading: str, empty: str) -> list[Block]:
        t, limit = self.t, self.c.settings.max_issues_listed
        blocks: list[Block] = [Heading(t(heading))]
        if issues.empty:
            return blocks + [Paragraph(t(empty))]
        counts = issues["severity"].value_counts()
        blocks.append(Paragraph(t("quality.issue_counts", errors=int(counts.get("error", 0)),
                                  warnings=int(counts.get("warning", 0)),
                                  other=int(len(issues) - counts.get("error", 0)
                                            - counts.get("warning", 0)))))
        shown = issues.head(limit)
        blocks.append(table([t("quality.severity"), t("quality.where"), t("quality.message")],
                            [[Cell(t.get(f"severity_labels.{r['severity']}", str(r["severity"])),
                                   fill=WEAK_FILL if r["severity"] == "error" else None),
                              self._where(r), self._message(r)]
                             for r in shown.to_dict("records")]))
        if len(issues) > limit:
            blocks.append(Paragraph(t("quality.more_issues", n=len(issues) - limit), "note"))
        return blocks

    def _where(self, record: Mapping[str, Any]) -> str:
        """File, sheet, row and column of an issue; in Chinese the table and column by their
        template names, files without the folders above the package."""
        zh = self.t.lang == "zh"
        parts = [file_label(record["file"])] if isinstance(record.get("file"), str) else []
        if isinstance(record.get("sheet"), str):
            parts.append(str(record["sheet"]))
        if finite(record.get("row")):
            parts.append(self.t("quality.row", row=int(record["row"])))
        table = record.get("table")
        if isinstance(record.get("column"), str):
            parts.append(column_label(table, record["column"]) if zh else str(record["column"]))
        return " ".join(parts) or ((table_label(table) if zh else str(table or "")) or MISSING)

    # 7 ------------------------------------------------------------------------------------

    def appendix(self) -> Section:
        """Section 7: method, criteria, classes, scoring rules applied, provenance."""
        t = self.t
        blocks: list[Block] = [Heading(t("appendix.method_heading")),
                               Paragraph(t("appendix.method"))]
        if self.profile is None:
            blocks.append(Paragraph(t("appendix.no_profile"), "note"))
        else:
            blocks += self._method_tables()
        blocks += self._provenance_blocks()
        return Section("appendix", t("sections.appendix"), tuple(blocks))

    def _method_tables(self) -> list[Block]:
        t, profile = self.t, self.profile
        blocks: list[Block] = [Heading(t("appendix.criteria_heading")), table(
            [t("conclusion.criterion"), t("conclusion.weight"), t("appendix.source"),
             t("appendix.confidence")],
            [[self.criterion(k), t.num(c.weight, 2), self.source(c.source),
              c.confidence or MISSING] for k, c in profile.criteria.items()])]
        uppers = [None] + [c.min_rhi for c in profile.classes[:-1]]
        blocks += [Heading(t("appendix.classes_heading")), table(
            [t("conclusion.class"), t("appendix.range")],
            [[Cell(self.c.class_text({"health_class": c.grade, "health_name": c.name_zh,
                                      "health_label": c.label_zh}, profile),
                   fill=self.c.class_colour(c.grade, profile)),
              t("appendix.range_text", low=t.num(c.min_rhi, 0), high=t.num(upper, 0))
              if upper is not None else t("appendix.range_top", low=t.num(c.min_rhi, 0))]
             for c, upper in zip(profile.classes, uppers)])]
        rows = []
        used = list(dict.fromkeys(self._ordered_points()["indicator_id"]))
        for indicator_id in used:
            config = profile.used_indicators.get(indicator_id)
            rule = rule_of(profile, indicator_id, self.c.registry)
            rows.append([self.indicator(indicator_id), self.flag(config.required if config
                                                                  else False),
                         t.num(config.weight if config else None, 2), self._rule_text(rule),
                         self.source(getattr(rule, "source", None)),
                         getattr(rule, "confidence", None) or MISSING])
            for name, sub in sub_rules(profile, indicator_id).items():
                rows.append([t("appendix.sub_rule", indicator=self.indicator(indicator_id),
                               name=t.get(f"sub_rules.{name}", name)), "", "",
                             self._rule_text(sub), self.source(sub.source),
                             sub.confidence or MISSING])
        blocks += [Heading(t("appendix.scoring_heading")), table(
            [t("scores.indicator"), t("scores.flag"), t("appendix.base_weight"),
             t("appendix.rule"), t("appendix.source"), t("appendix.confidence")], rows),
                   Paragraph(t("appendix.confidence_note"), "note")]
        return blocks

    def source(self, text: str | None) -> str:
        """A profile's source note in the report's language (:func:`.profiles.source_text`)."""
        return source_text(text, self.t, self.c.indicator_names)

    def _rule_text(self, rule) -> str:
        t = self.t
        if isinstance(rule, CurveRule):
            points = t.join(f"{self.value(x)}→{t.num(y, 0)}" for x, y in rule.points)
            return t(f"rules.curve_{rule.mode}", points=points)
        if isinstance(rule, RatioRule):
            return t("rules.ratio", reference=self.value(rule.reference))
        if isinstance(rule, IdentityRule):
            return t("rules.identity")
        if isinstance(rule, DeductionRule):
            items = t.join(f"{t.get(f'severity.{k}', k)} {t.num(v, 0)}"
                           for k, v in rule.per_item.items())
            return t("rules.deduction", start=t.num(rule.start, 0), items=items,
                     floor=t.num(rule.floor, 0))
        return MISSING

    def _provenance_blocks(self) -> list[Block]:
        t, provenance = self.t, self.c.result.provenance
        recorded = self.info.recorded if self.info else {}
        rows = [(t("appendix.engine"), f"{provenance.get('engine', 'health_eval')} "
                                       f"{provenance.get('engine_version', MISSING)}"),
                (t("appendix.dataset"), str(provenance.get("dataset", MISSING))),
                (t("basic.profile"), self.info.id if self.info else MISSING),
                (t("appendix.digest"), str(recorded.get("digest", MISSING))),
                (t("appendix.extends"), " → ".join(recorded.get("extends") or []) or MISSING),
                (t("appendix.profile_check"),
                 t(f"appendix.profile_{self.info.status}") if self.info else MISSING),
                (t("appendix.options"), t.join(f"{k}={v}" for k, v in sorted(
                    (provenance.get("options") or {}).items())) or MISSING),
                (t("appendix.timestamp"), t.when(provenance.get("timestamp")))]
        blocks: list[Block] = [Heading(t("appendix.provenance_heading")), Facts(tuple(rows))]
        inputs = provenance.get("inputs") or {}
        if inputs:
            blocks.append(table([t("appendix.input_file"), t("appendix.sha256")],
                                [[name, Cell(digest)] for name, digest in
                                 sorted(inputs.items())]))
        return blocks


def build_report(context: ReportContext, water_body_id: str) -> Report:
    """The report of ``water_body_id`` (see :class:`WaterBodyReport`)."""
    return WaterBodyReport(context, water_body_id).build()
