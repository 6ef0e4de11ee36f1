"""What every report of one batch shares: the result, the previous one, texts, measures, the
profiles found again, points lost of every indicator, and the labels of names and classes."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import pandas as pd

from health_eval.engine.registry import IndicatorRegistry, default_registry
from health_eval.engine.result import EvaluationResult
from health_eval.profiles.profile import HealthClass, Policies, Profile
from health_eval.vocabulary import CRITERIA, DEFAULT_TIMEZONE

from .diagnosis import indicator_points, priority_rows, water_body_indicators, weak_rows
from .locale import MISSING, Texts
from .measure_choice import Choice, MeasureCatalogues, measure_catalogues
from .measures import Catalogue
from .plan import PlanTables, build_plans
from .profiles import ProfileInfo, resolve_profile
from .quality import issue_owners
from .render import css_colour


def read_result(source: EvaluationResult | str | os.PathLike | None) -> EvaluationResult | None:
    """A result, or one read from a ``result.json`` path (None stays None)."""
    if source is None or isinstance(source, EvaluationResult):
        return source
    return EvaluationResult.from_json(os.fspath(source))


@dataclass
class ReportContext:
    """Everything the reports of one result need, computed once for all its water bodies.

    Build it with :func:`report_context`.
    """

    result: EvaluationResult
    texts: Texts
    catalogue: Catalogue
    registry: IndicatorRegistry
    profile_infos: dict[str, ProfileInfo]
    previous: EvaluationResult | None = None
    catalogues: MeasureCatalogues | None = None
    regions: Mapping[str, str] | None = None

    @property
    def settings(self):
        """The report settings of the (default) measure catalogue."""
        return self.catalogue.settings

    def measures(self, water_body_id: str) -> Choice:
        """The measure catalogue of ``water_body_id``, chosen by its region."""
        catalogues = self.catalogues or MeasureCatalogues(self.catalogue, {}, False)
        return catalogues.choose((self.regions or {}).get(water_body_id, ""))

    @cached_property
    def points(self) -> pd.DataFrame:
        """Indicator rows of every water body with points, loss and the weak and priority
        flags."""
        result = self.result
        table = indicator_points(result.indicators_with_details(), result.segments,
                                 result.criteria)
        return table.assign(weak=weak_rows(table, self.settings),
                            priority=priority_rows(table, self.settings))

    @cached_property
    def indicator_summary(self) -> pd.DataFrame:
        """Water body × indicator scores and points lost, ranked by loss."""
        return water_body_indicators(self.points)

    @cached_property
    def plans(self) -> PlanTables:
        """The plan of every water body (:func:`.plan.build_plans`): with a confidence run,
        the plan that lifts 80 % of its replicates to the next class."""
        return build_plans(self, self.reached_80)

    @cached_property
    def reached_80(self) -> dict[str, float]:
        """From a confidence run, each water body's ``rhi_reached_80``; empty without one."""
        table = self.result.confidence_water_bodies
        if table is None or "rhi_reached_80" not in table:
            return {}
        return dict(zip(table["water_body_id"].astype(str), table["rhi_reached_80"]))

    @cached_property
    def previous_summary(self) -> pd.DataFrame | None:
        """The same for the previous result."""
        if self.previous is None:
            return None
        previous = self.previous
        return water_body_indicators(indicator_points(previous.indicators, previous.segments,
                                                      previous.criteria))

    @cached_property
    def parts(self) -> dict[str, dict[str, pd.DataFrame]]:
        """Per water body: its ``segments``, ``criteria``, ``points`` and ``summary`` rows
        (grouped once, not filtered per report)."""
        tables = {"segments": self.result.segments, "criteria": self.result.criteria,
                  "points": self.points, "summary": self.indicator_summary}
        parts: dict[str, dict[str, pd.DataFrame]] = {
            w: {name: frame.iloc[0:0] for name, frame in tables.items()}
            for w in self.water_body_rows}
        for name, frame in tables.items():
            for water_body, rows in frame.groupby("water_body_id", sort=False):
                parts.setdefault(str(water_body), {})[name] = rows
        return parts

    @cached_property
    def issue_owners(self) -> dict[int, set[str]]:
        """Water bodies each issue concerns (see :func:`quality.issue_owners`)."""
        return issue_owners(self.result)

    @cached_property
    def water_body_rows(self) -> dict[str, dict[str, Any]]:
        """Rows of ``result.water_bodies`` by id."""
        return {str(r["water_body_id"]): r for r in self.result.water_bodies.to_dict("records")}

    @property
    def first_profile(self) -> Profile | None:
        """The first usable profile (labels of a summary over several profiles)."""
        return next((i.profile for i in self.profile_infos.values() if i.profile), None)

    def profile_info(self, water_body_id: str) -> ProfileInfo | None:
        """The profile that evaluated ``water_body_id`` (None when it was not evaluated)."""
        profile_id = self.water_body_rows[water_body_id].get("profile_id")
        return self.profile_infos.get(profile_id) if isinstance(profile_id, str) else None

    def decimals(self, water_body_id: str) -> int:
        """Decimals of scores: the rounding policy recorded for the water body's profile."""
        info = self.profile_info(water_body_id)
        recorded = info.recorded.get("policies", {}) if info else {}
        return int(recorded.get("rounding", Policies.model_fields["rounding"].default))

    def profile(self, water_body_id: str) -> Profile | None:
        """The usable profile of ``water_body_id``, if any."""
        info = self.profile_info(water_body_id)
        return info.profile if info else None

    # --- labels ---------------------------------------------------------------------------

    @cached_property
    def own_indicators(self) -> dict[str, Any]:
        """Own indicators (自选指标) of the usable profiles, by id."""
        return {o.id: o for info in self.profile_infos.values() if info.profile
                for o in info.profile.own_indicators}

    @cached_property
    def indicator_names(self) -> dict[str, str]:
        """Chinese → English names of the registered indicators (translating sources)."""
        return {i.name_zh: i.name_en for i in self.registry if i.name_zh and i.name_en}

    def indicator_label(self, indicator_id: str, name_zh: Any = None) -> str:
        """Name of an indicator in the report's language."""
        source = (self.registry.get(indicator_id) if indicator_id in self.registry
                  else self.own_indicators.get(indicator_id))
        zh = name_zh if isinstance(name_zh, str) and name_zh else getattr(source, "name_zh", None)
        en = getattr(source, "name_en", None)
        return self.texts.pick(zh, en) if (zh or en) else indicator_id

    def criterion_label(self, criterion: str, profile: Profile | None = None) -> str:
        """Name of a criterion (the profile's, else the locale's, else its id)."""
        if profile is not None and criterion in profile.criteria:
            c = profile.criteria[criterion]
            return self.texts.pick(c.name_zh, c.name_en)
        return self.texts.get(f"criteria.{criterion}", criterion)

    def criteria_order(self, criteria: Iterable[str], profile: Profile | None) -> list[str]:
        """Criteria in the profile's order (else basin, water, biota, social), others after."""
        order = list(profile.criteria) if profile else list(CRITERIA)
        present = list(dict.fromkeys(criteria))
        return ([c for c in order if c in present]
                + sorted(c for c in present if c not in order))

    def health_class(self, grade: Any, profile: Profile | None) -> HealthClass | None:
        """The profile's class of ``grade``."""
        if profile is None or grade is None or pd.isna(grade):
            return None
        return next((c for c in profile.classes if c.grade == int(grade)), None)

    def class_text(self, row: Mapping[str, Any], profile: Profile | None) -> str:
        """``三类河湖 亚健康`` / ``Class 3 — sub-healthy`` of a row with ``health_class``."""
        grade = row.get("health_class")
        if grade is None or pd.isna(grade):
            return self.texts("classes.none")
        known = self.health_class(grade, profile)
        if self.texts.lang == "zh":
            name = row.get("health_name") or (known.name_zh if known else None)
            label = row.get("health_label") or (known.label_zh if known else None)
            return " ".join(str(p) for p in (name, label) if p) or str(grade)
        label = known.label_en if known else self.texts.get(f"classes.label_{int(grade)}", "")
        return self.texts("classes.text", grade=int(grade), label=label)

    def class_colour(self, grade: Any, profile: Profile | None) -> str | None:
        """Customary colour of a class: the profile's when it is a hex colour, else the report
        settings'."""
        if grade is None or pd.isna(grade):
            return None
        known = self.health_class(grade, profile)
        fallback = css_colour(self.settings.class_colours.get(int(grade))) or None
        return (css_colour(known.colour) if known else None) or fallback

    def kind_label(self, kind: Any) -> str:
        """River, lake or reservoir in the report's language."""
        return self.texts.get(f"kinds.{kind}", str(kind)) if isinstance(kind, str) else MISSING


def report_context(result: EvaluationResult, *, previous=None, measures=None, lang: str = "zh",
                   profiles: Iterable[Profile] | Mapping[str, Profile] | None = None,
                   regions: Mapping[str, str] | None = None,
                   timezone: str = DEFAULT_TIMEZONE) -> ReportContext:
    """Prepare the reports of ``result``.

    Parameters
    ----------
    result : EvaluationResult
    previous : EvaluationResult or path of a ``result.json``, optional
        A previous evaluation to compare with.
    measures : Catalogue, path, mapping, {district: source} or MeasureCatalogues, optional
        The measure catalogues (default: the packaged ``measures.yaml``); see
        :func:`.measure_choice.measure_catalogues`.
    lang : {"zh", "en"}
    profiles : Profiles, optional
        Profiles the result was evaluated with (needed for custom profile files); packaged
        profiles are found by their id.
    regions : mapping of water body id to region (所在区域), optional
        Decides each water body's catalogue (:func:`.measure_choice.water_body_regions`);
        without it every water body takes the default catalogue.
    timezone : str
        IANA time zone of the times shown (default Asia/Shanghai).
    """
    registry = default_registry()
    given = list(profiles.values() if isinstance(profiles, Mapping) else profiles or ())
    own = {o.id for p in given for o in p.own_indicators}
    recorded = result.provenance.get("profiles", {})
    infos = {pid: resolve_profile(result, pid, given) for pid in sorted(recorded)}
    own |= {o.id for info in infos.values() if info.profile for o in info.profile.own_indicators}
    known = {i.id for i in registry} | own | set(result.indicators["indicator_id"].astype(str))
    catalogues = measure_catalogues(measures, known_indicators=known)
    return ReportContext(result=result, texts=Texts(lang, timezone),
                         catalogue=catalogues.default,
                         registry=registry, profile_infos=infos, previous=read_result(previous),
                         catalogues=catalogues, regions=dict(regions or {}))
