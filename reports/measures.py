"""The measure catalogue of the plan revision (一河（湖）一策) and the report's settings.

The packaged ``measures.yaml`` is written from items 1–22 of the district's 2021 river-chief work
plan (SPEC §7). A user replaces it with ``--measures FILE`` (YAML, or the Excel workbook of
:mod:`.measures_excel`): the file is validated with pydantic
(``extra="forbid"``), every problem named by its key path, and its ``settings`` keys fall back to
the packaged ones, so the thresholds live in data, never in code.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from health_eval.io.yaml_text import load_mapping
from health_eval.profiles.profile import format_validation_error

PACKAGED = "measures.yaml"


class MeasuresError(Exception):
    """A measure catalogue that cannot be used; the message names every bad key path."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReportSettings(_Model):
    """Thresholds and limits of the report (SPEC §7).

    Parameters
    ----------
    weak_below : float
        An indicator is weak in a segment when its score is below this [score].
    mandatory_weak_below : float
        A mandatory indicator is always weak below this, whatever ``weak_below`` is [score].
    max_issues_listed : int
        Issues listed in a report's data-quality section; the rest are counted.
    class_colours : dict of int to str
        Colour of each class grade, used when the result's profile cannot be loaded.
    plan_effort : dict of str to float
        Effort of raising an indicator's score by one point, relative to the others, by
        indicator id [effort / score point]; an indicator not named costs 1. The plan
        (:mod:`.plan`) is the cheapest set of score gains under these costs.
    """

    weak_below: float = Field(ge=0, le=100)
    mandatory_weak_below: float = Field(ge=0, le=100)
    max_issues_listed: int = Field(ge=0)
    class_colours: dict[int, str]
    plan_effort: dict[str, float] = Field(default_factory=dict)

    @field_validator("plan_effort")
    @classmethod
    def _positive_effort(cls, effort: dict[str, float]) -> dict[str, float]:
        bad = {k: v for k, v in effort.items() if not v > 0 or v == float("inf")}
        if bad:
            raise ValueError(f"plan_effort must be positive finite numbers, got {bad}")
        return effort


class SourceRef(_Model):
    """Where a measure comes from: the source document and its item number."""

    document: str
    item: int = Field(ge=1)


class Measure(_Model):
    """One measure: an item of the source document and the indicators it addresses.

    Parameters
    ----------
    id : str
        Stable id (``qyp2021-07``).
    departments : list of str
        Responsible departments, as the item lists them.
    indicators : list of str
        Indicator ids the measure addresses.
    cross_cutting : bool
        An institutional measure that supports every weak indicator (listed once, not per
        indicator); it may still name indicators it addresses directly.
    """

    id: str = Field(min_length=1)
    title_zh: str
    title_en: str
    summary_zh: str
    summary_en: str
    departments: list[str] = Field(min_length=1)
    indicators: list[str] = Field(default_factory=list)
    cross_cutting: bool = False
    source: SourceRef

    @model_validator(mode="after")
    def _addresses_something(self) -> Measure:
        if not self.indicators and not self.cross_cutting:
            raise ValueError("a measure needs indicators unless it is cross_cutting")
        return self


class SourceDocument(_Model):
    """The document the catalogue was written from."""

    title: str
    publisher: str | None = None
    date: str | None = None
    reference: str | None = None
    path: str | None = None


class Catalogue(_Model):
    """The measure catalogue with the report settings.

    Parameters
    ----------
    region : str, optional
        The district the catalogue was written for (``青云谱区``): water bodies whose
        所在区域 ends with it are its own; for the others it is only an example.
    """

    settings: ReportSettings
    region: str | None = None
    source_document: SourceDocument | None = None
    measures: list[Measure]

    @model_validator(mode="after")
    def _unique_ids(self) -> Catalogue:
        ids = [m.id for m in self.measures]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"measure ids must be unique, repeated: {repeated}")
        return self

    def for_indicator(self, indicator_id: str) -> list[Measure]:
        """Measures that name ``indicator_id``, in catalogue order."""
        return [m for m in self.measures if indicator_id in m.indicators]

    @property
    def cross_cutting(self) -> list[Measure]:
        """Institutional measures supporting every weak indicator."""
        return [m for m in self.measures if m.cross_cutting]


def _read(text: str, origin: str) -> dict[str, Any]:
    return load_mapping(text, origin, MeasuresError, "措施库", "a measure catalogue")


def _read_file(path: Path, known_indicators: set[str] | None) -> dict[str, Any]:
    """The mapping of a YAML or Excel (``.xlsx``) catalogue file."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from .measures_excel import read_measures_workbook

        return read_measures_workbook(path, known_indicators)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise MeasuresError(f"{path}: 措施库应为 UTF-8 编码的 YAML 或 .xlsx 工作簿 / a measure "
                            f"catalogue is UTF-8 YAML or an .xlsx workbook: {exc}") from exc
    return _read(text, str(path))


@functools.cache
def _packaged_data() -> dict[str, Any]:
    text = (resources.files("health_eval.reports") / PACKAGED).read_text(encoding="utf-8")
    return _read(text, PACKAGED)


def load_measures(source: str | os.PathLike | Mapping[str, Any] | Catalogue | None = None,
                  known_indicators: set[str] | None = None) -> Catalogue:
    """Load a measure catalogue: the packaged one, a YAML file, a mapping or a Catalogue.

    Parameters
    ----------
    source : path, mapping, Catalogue or None
        None for the packaged ``measures.yaml``. Keys missing from a user's ``settings`` take
        the packaged values.
    known_indicators : set of str, optional
        Indicator ids that exist (registered built-ins and plugins, own indicators); an
        indicator id of a measure outside this set is an error naming its key path.

    Raises
    ------
    MeasuresError
        For a missing file, invalid YAML, an unknown or invalid key, or an unknown indicator.
    """
    if isinstance(source, Catalogue):
        catalogue, origin = source, "<catalogue>"
    else:
        if source is None:
            data, origin = dict(_packaged_data()), PACKAGED
        elif isinstance(source, Mapping):
            data, origin = dict(source), "<mapping>"
        else:
            path = Path(source)
            if not path.is_file():
                raise MeasuresError(f"找不到措施库文件 / no measure catalogue file: {path}")
            data, origin = _read_file(path, known_indicators), str(path)
        settings = data.get("settings", {})
        if isinstance(settings, Mapping):
            data["settings"] = {**_packaged_data()["settings"], **settings}
        try:
            catalogue = Catalogue.model_validate(data)
        except ValidationError as exc:
            problems = format_validation_error(exc, origin).split("\n", 1)[1]
            raise MeasuresError(f"{origin}: 措施库有 {exc.error_count()} 处错误 / "
                                f"{exc.error_count()} error(s) in the measure catalogue:\n"
                                f"{problems}") from exc
    if known_indicators is not None:
        unknown = [f"measures.{n}.indicators.{k}: 未知指标 / unknown indicator {i!r}"
                   for n, m in enumerate(catalogue.measures)
                   for k, i in enumerate(m.indicators) if i not in known_indicators]
        if unknown:
            raise MeasuresError(f"{origin}: " + "; ".join(unknown))
    return catalogue
