"""The indicator plugin system (ARCHITECTURE §4).

An :class:`Indicator` is a frozen definition registered by id in an :class:`IndicatorRegistry`.
Built-in indicators come from ``health_eval.indicators``; third-party packages add theirs through
the entry-point group ``health_eval.indicators`` (a callable taking the registry). A plugin that
fails to load is recorded in :attr:`IndicatorRegistry.plugin_failures` and warned about; it never
breaks a run. Indicators declared in a profile alone (自选指标) are built by
:func:`own_indicator_definition`.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from ..issues import Issue
from ..profiles.indicator_params import NoParams, Params
from ..profiles.scoring import CurveRule, DeductionRule, IdentityRule, RatioRule
from .detail_fields import DetailField
from .inputs import InputSpec, tables_of

if TYPE_CHECKING:
    from ..profiles.profile import OwnIndicator, Policies
    from .dataset import Dataset

ENTRY_POINT_GROUP = "health_eval.indicators"


@dataclass(frozen=True)
class ComputeContext:
    """What an indicator's ``compute`` gets besides the dataset.

    Parameters
    ----------
    segments : DataFrame
        The segments to compute for: ``segment_id, water_body_id, kind, evaluation_year,
        neighbour_segment_id, length_km, area_km2`` (one row each, all water bodies at once).
    params : Params
        The indicator's ``params`` from the profile, read through its declared model
        (:attr:`Indicator.params`) when the profile was resolved against the registry.
    policies : Policies
        The profile's policies (below-detection handling, station combination…).
    indicator_id : str
        The indicator being computed (for messages).
    shared : dict
        Store of :meth:`memo`, shared with the other indicators computed for the same segments.
    """

    segments: pd.DataFrame
    params: Params
    policies: Policies
    indicator_id: str = ""
    shared: dict = field(default_factory=dict, compare=False, repr=False)

    def memo(self, key: Hashable, make: Callable[[], Any]) -> Any:
        """Work shared by the indicators of one evaluation of the same segments.

        The engine gives every indicator of a profile that applies to the same segments one
        ``shared`` store, so a table merged or a mean taken by one indicator (``key``) is reused
        by the next instead of computed again. What ``make`` returns must be treated as
        read-only by every caller.
        """
        if key not in self.shared:
            self.shared[key] = make()
        return self.shared[key]

    def param(self, name: str) -> Any:
        """The profile parameter ``name`` of this indicator, as its model typed it.

        Numbers of the method live in the profile, never as defaults in code (SPEC §0): the
        profile was checked against the model when it loaded, so every declared parameter is
        here. Asking for one the model does not declare is a defect of the indicator.
        """
        if name not in type(self.params).model_fields:
            raise KeyError(f"indicator {self.indicator_id} declares no parameter {name!r} "
                           f"({type(self.params).__name__}: "
                           f"{', '.join(type(self.params).model_fields) or 'none'})")
        return getattr(self.params, name)

    @property
    def water_bodies(self) -> pd.DataFrame:
        """One row per water body of :attr:`segments`: ``water_body_id, kind, evaluation_year``."""
        return (self.segments[["water_body_id", "kind", "evaluation_year"]]
                .drop_duplicates("water_body_id").reset_index(drop=True))


@dataclass(frozen=True)
class IndicatorValues:
    """Computed values plus the problems met while computing them.

    ``table`` has the key column (``segment_id`` for segment-scope indicators, ``water_body_id``
    for whole-water-body ones), ``value`` [the indicator's unit] and optionally ``station_id``
    (several rows per segment: the engine scores each and combines them by the station policy),
    ``n_obs``, ``status`` (one of :data:`~health_eval.vocabulary.STATUSES`, default ``ok``)
    and the indicator's declared detail fields as columns (what the value was computed from,
    :mod:`health_eval.engine.details_table`; an indicator that declares none shows its other columns
    and the keys of a ``details`` column of dicts).
    """

    table: pd.DataFrame
    issues: tuple[Issue, ...] = ()


ComputeResult = pd.Series | pd.DataFrame | IndicatorValues
ComputeFn = Callable[["Dataset", ComputeContext], ComputeResult]
AnyRule = CurveRule | DeductionRule | IdentityRule | RatioRule


@dataclass(frozen=True, kw_only=True)
class Indicator:
    """One indicator of the method (指标层).

    Parameters
    ----------
    id : str
        Stable id used in profiles and results (``water.wq_grade``).
    criterion : str
        ``basin``, ``water``, ``biota`` or ``social`` (a profile may move it).
    name_zh, name_en : str
        Official Chinese name and English name.
    applies_to : frozenset of str
        Water-body kinds it is defined for (``river``, ``lake``, ``reservoir``).
    scope : {"segment", "water_body"}
        Whole-water-body values are broadcast to every segment of the water body.
    inputs : InputSpec
        What it reads (:mod:`health_eval.engine.inputs`): tables, columns, period, station role,
        below-detection, minimum data; ``inputs.tables`` lists the table codes.
    unit : str
        Unit of the raw value ("" for ratios and scores).
    kernel : callable or None
        ``kernel(inputs, param) -> IndicatorValues | DataFrame``: a pure function of the
        :class:`~health_eval.engine.inputs.Inputs` the engine's input stage resolves from ``inputs``
        and of ``param(name)``, the profile parameters. Values per station (``station_id``
        without ``segment_id``) are mapped to the segments each station serves by the engine.
    compute : callable or None
        ``compute(dataset, context) -> Series | DataFrame | IndicatorValues``; with a
        ``kernel`` it is the input stage running that kernel
        (:class:`~health_eval.engine.input_stage.KernelCompute`). Given directly, it selects its own
        rows (indicators not yet moved to a kernel). None when the indicator takes only
        directly supplied values (``indicator_values``).
    params : type of Params
        The pydantic model of its profile ``params`` (:mod:`health_eval.profiles.indicator_params`):
        unknown, missing or mistyped keys are profile errors naming their YAML path.
        :class:`~health_eval.profiles.indicator_params.NoParams` for an indicator without parameters.
    details : tuple of DetailField
        The fields of its ``details`` (name, type, unit, zh/en meaning): the columns its
        compute returns them in and the engine keeps them in, typed as declared; per station
        entry for an indicator evaluated per station. The engine's own are
        :data:`~health_eval.engine.detail_fields.ENGINE_FIELDS`.
    default_scoring : scoring rule or None
        Used when a profile gives none. Built-in indicators leave it None: their scoring lives in
        the profiles, with its source (SPEC §0).
    references : str
        The clause of the method it implements.
    """

    id: str
    criterion: str
    name_zh: str
    name_en: str
    applies_to: frozenset[str]
    scope: Literal["segment", "water_body"] = "segment"
    inputs: InputSpec = InputSpec()
    unit: str = ""
    kernel: Callable | None = None
    compute: ComputeFn | None = None
    params: type[Params] = NoParams
    details: tuple[DetailField, ...] = ()
    default_scoring: AnyRule | None = None
    references: str = ""

    def __post_init__(self) -> None:
        if self.kernel is None:
            return
        from .input_stage import KernelCompute  # the stage imports this module

        # ``dataclasses.replace`` passes the compute made here back in: it is made again
        if self.compute is not None and not isinstance(self.compute, KernelCompute):
            raise ValueError(f"indicator {self.id}: give a kernel or a compute, not both")
        object.__setattr__(self, "compute", KernelCompute(self.inputs, self.kernel))

    @property
    def computes_from_raw(self) -> bool:
        """Whether the engine can compute it from monitoring data (not only take a value)."""
        return self.compute is not None


@dataclass(frozen=True)
class PluginFailure:
    """An entry-point plugin that could not be loaded."""

    name: str
    target: str
    error: str


@dataclass
class IndicatorRegistry:
    """Indicators by id. Tests and embedding systems build their own; :func:`default_registry`
    gives the built-ins plus installed plugins."""

    _indicators: dict[str, Indicator] = field(default_factory=dict)
    plugin_failures: list[PluginFailure] = field(default_factory=list)

    def register(self, indicator: Indicator, *, replace: bool = False) -> None:
        """Add ``indicator``; an id already present is an error unless ``replace``."""
        if indicator.id in self._indicators and not replace:
            raise ValueError(f"indicator {indicator.id!r} is already registered")
        self._indicators[indicator.id] = indicator

    def get(self, indicator_id: str) -> Indicator:
        """Return the indicator with that id (KeyError naming the known ids otherwise)."""
        try:
            return self._indicators[indicator_id]
        except KeyError:
            raise KeyError(f"unknown indicator {indicator_id!r}; known: "
                           f"{', '.join(sorted(self._indicators))}") from None

    def __contains__(self, indicator_id: object) -> bool:
        return indicator_id in self._indicators

    def __iter__(self) -> Iterator[Indicator]:
        return iter(sorted(self._indicators.values(), key=lambda i: i.id))

    def __len__(self) -> int:
        return len(self._indicators)

    def load_entry_points(self, group: str = ENTRY_POINT_GROUP) -> None:
        """Run every plugin of the entry-point ``group``; failures warn and are recorded."""
        for entry in entry_points(group=group):
            try:
                entry.load()(self)
            except Exception as exc:  # a broken plugin must never break a run
                failure = PluginFailure(entry.name, entry.value, f"{type(exc).__name__}: {exc}")
                self.plugin_failures.append(failure)
                warnings.warn(f"指标插件 {entry.name} 加载失败 / indicator plugin {entry.name} "
                              f"({entry.value}) failed to load: {failure.error}", stacklevel=2)


def default_registry() -> IndicatorRegistry:
    """The built-in indicators of :mod:`health_eval.indicators` plus installed plugins."""
    from .. import indicators

    registry = IndicatorRegistry()
    indicators.register(registry)
    registry.load_entry_points()
    return registry


def own_indicator_definition(own: OwnIndicator) -> Indicator:
    """The :class:`Indicator` of a profile-declared own indicator (自选指标): supplied values only."""
    return Indicator(id=own.id, criterion=own.criterion, name_zh=own.name_zh,
                     name_en=own.name_en, applies_to=frozenset(own.applies_to), scope=own.scope,
                     inputs=tables_of("indicator_values"), unit=own.unit, compute=None,
                     params=NoParams, default_scoring=own.scoring, references=own.references)
