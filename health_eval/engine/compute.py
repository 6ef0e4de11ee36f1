"""Compute and score every indicator of a profile for all its segments at once (ARCHITECTURE §1).

For each indicator the profile uses: run its ``compute`` over the whole dataset (or take nothing
when it has none) and bring its output to the engine's rows (:class:`~health_eval.engine.batch.Computed`).
Then, for all indicators at once (:mod:`health_eval.engine.batch`): score each value with the profile's
rule, combine several stations of one segment by the station policy, broadcast whole-water-body
values to their segments, flag every segment left without a value and let supplied values
(``indicator_values``) win. The output is the long ``indicators`` table of the result, before
weights are applied.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..issues import Issue
from ..profiles.indicator_params import Params, parse_params
from ..profiles.profile import IndicatorConfig, Profile, ProfileError
from ..vocabulary import EVALUATED_STATUSES, STATUSES
from .batch import Computed, indicator_rows, supplied_only_reasons
from .details_table import Details, typed_entries
from .gaps import CONTEXT_TABLES as CONTEXT_TABLES  # noqa: F401 (health_eval.distributed.evaluate)
from .gaps import has_inputs, missing_reasons
from .registry import (
    AnyRule,
    ComputeContext,
    ComputeResult,
    Indicator,
    IndicatorRegistry,
    IndicatorValues,
    own_indicator_definition,
)

INDICATOR_COLUMNS: tuple[str, ...] = (
    "water_body_id", "segment_id", "indicator_id", "indicator_name", "criterion", "required",
    "base_weight",
    "value", "unit", "score", "status", "source", "n_obs",
)


@dataclass(frozen=True)
class UsedIndicator:
    """An indicator as a profile uses it: definition, configuration and the rule that scores it."""

    definition: Indicator
    config: IndicatorConfig
    rule: AnyRule
    params: Params

    @property
    def criterion(self) -> str:
        """The criterion it counts under in this profile."""
        return self.config.criterion or self.definition.criterion


def used_indicators(profile: Profile, registry: IndicatorRegistry) -> list[UsedIndicator]:
    """Resolve the profile's indicators against the registry.

    Raises
    ------
    ProfileError
        For an indicator id the registry does not know, an indicator under a criterion the
        profile lacks, an indicator without a scoring rule, or params its model rejects.
    """
    own = {o.id: own_indicator_definition(o) for o in profile.own_indicators}
    problems, used = [], []
    for indicator_id, config in profile.used_indicators.items():
        definition = own.get(indicator_id)
        if definition is None and indicator_id not in registry:
            problems.append(f"indicators.{indicator_id}: 未知指标 / unknown indicator")
            continue
        definition = definition or registry.get(indicator_id)
        rule = config.scoring or definition.default_scoring
        criterion = config.criterion or definition.criterion
        params, wrong = parse_params(definition.params, config.params, indicator_id)
        problems += wrong
        if wrong:
            continue
        if rule is None:
            problems.append(f"indicators.{indicator_id}.scoring: 缺少赋分规则 / no scoring rule")
        elif criterion not in profile.criteria:
            problems.append(f"indicators.{indicator_id}: 准则层 {criterion!r} 不在方案中 / "
                            f"criterion {criterion!r} is not in the profile")
        else:
            used.append(UsedIndicator(definition, config, rule, params))
    if problems:
        raise ProfileError(f"{profile.id}: " + "; ".join(problems))
    return used


def indicator_table(dataset, segments: pd.DataFrame, profile: Profile,
                    registry: IndicatorRegistry, progress: Callable[[str], None] | None = None
                    ) -> tuple[pd.DataFrame, Details, list[Issue]]:
    """The long indicator table of ``segments`` evaluated by ``profile``.

    Each indicator's ``compute`` runs once over all its segments; scoring, station combination,
    supplied values and the broadcast to segments are then done for all indicators in one batch
    (:func:`~health_eval.engine.batch.indicator_rows`).

    Parameters
    ----------
    dataset : Dataset
    segments : DataFrame
        Segments this profile evaluates (see :class:`~health_eval.engine.registry.ComputeContext`).
    profile : Profile
    registry : IndicatorRegistry
    progress : callable, optional
        Called with the indicator id after each indicator (for a progress bar).

    Returns
    -------
    (DataFrame, Details, list of Issue)
        One row per segment × applicable indicator with :data:`INDICATOR_COLUMNS`, the details
        of its rows (columnar, :mod:`health_eval.engine.details_table`), and the problems met.
    """
    parts, issues = [], []
    shared: dict[frozenset[str], dict] = {}    # one memo store per set of segments computed
    applicable: dict[frozenset[str], tuple[np.ndarray, pd.DataFrame, frozenset[str]]] = {}
    for used in used_indicators(profile, registry):
        applies_to = frozenset(used.definition.applies_to)
        if applies_to not in applicable:
            chosen = segments["kind"].isin(applies_to).to_numpy(dtype=bool)
            mine = segments[chosen]
            applicable[applies_to] = (np.flatnonzero(chosen), mine,
                                      frozenset(mine["kind"].unique()))
        positions, mine, kinds = applicable[applies_to]
        if not len(positions):
            continue
        context = ComputeContext(segments=mine, params=used.params,
                                 policies=profile.policies, indicator_id=used.definition.id,
                                 shared=shared.setdefault(kinds, {}))
        part, compute_issues = _run(used, dataset, context, positions)
        issues.extend(compute_issues)
        parts.append(part)
        if progress is not None:
            progress(used.definition.id)
    if not parts:
        return pd.DataFrame(columns=list(INDICATOR_COLUMNS)), Details.empty(), issues
    fallback = profile.policies.station_fallback

    def explain(part: Computed, positions: np.ndarray) -> list[dict]:
        if part.definition.compute is None:
            return supplied_only_reasons(part.definition, len(positions))
        return missing_reasons(part.definition.inputs.tables, dataset,
                               segments.iloc[positions].reset_index(drop=True), part.key,
                               fallback)

    table, details = indicator_rows(parts, segments, profile.policies.station_combination,
                                    dataset.table("indicator_values"), explain)
    return table[list(INDICATOR_COLUMNS)], details, issues


def _run(used: UsedIndicator, dataset, context: ComputeContext, positions: np.ndarray
         ) -> tuple[Computed, list[Issue]]:
    """Run ``compute`` and bring what it returns to the engine's :class:`Computed` rows.

    A compute that raises, or returns something the engine cannot read, marks the indicator
    ``error`` for its segments with an error issue; the other indicators go on.
    """
    definition = used.definition
    key = "segment_id" if definition.scope == "segment" else "water_body_id"
    if definition.compute is None or not has_inputs(definition.inputs.tables, dataset):
        return _computed(used, positions, np.empty(0, dtype=object), np.empty(0),
                         np.empty(0, dtype=object)), []
    try:
        return _normalise(used, definition.compute(dataset, context), key, positions)
    except Exception as exc:  # one indicator's failure must not lose the others
        issue = Issue.of("indicator.compute_failed", table="evaluation", column=definition.id,
                         value=f"{type(exc).__name__}: {exc}", indicator_id=definition.id,
                         error=exc)
        failed = context.segments[key].drop_duplicates().to_numpy(dtype=object)
        return _computed(used, positions, failed, np.full(len(failed), np.nan),
                         np.full(len(failed), "error", dtype=object)), [issue]


def _computed(used: UsedIndicator, positions: np.ndarray, keys: np.ndarray, value: np.ndarray,
              status: np.ndarray, n_obs: np.ndarray | None = None,
              details: pd.DataFrame | None = None, stationed: bool = False) -> Computed:
    definition, config = used.definition, used.config
    return Computed(definition=definition, rule=used.rule,
                    constants=(definition.id, definition.name_zh, used.criterion,
                               config.required, config.weight, definition.unit),
                    keys=keys, value=value, status=status,
                    n_obs=np.full(len(keys), np.nan) if n_obs is None else n_obs,
                    details=pd.DataFrame(index=pd.RangeIndex(len(keys))) if details is None
                    else details, stationed=stationed, positions=positions)


def _normalise(used: UsedIndicator, result: ComputeResult, key: str, positions: np.ndarray
               ) -> tuple[Computed, list[Issue]]:
    """A compute's Series, DataFrame or IndicatorValues as (:class:`Computed`, issues)."""
    indicator_id = used.definition.id
    issues: list[Issue] = []
    if isinstance(result, IndicatorValues):
        issues, result = list(result.issues), result.table
    if isinstance(result, pd.Series):
        result = pd.DataFrame({key: result.index, "value": result.to_numpy(dtype=float)})
    missing = sorted({key, "value"} - set(result.columns))
    if missing:
        raise ValueError(f"indicator {indicator_id} returned no column(s) {missing}")
    stationed = "station_id" in result
    if not stationed and not result[key].is_unique:
        repeated = result[key][result[key].duplicated()].drop_duplicates().tolist()[:3]
        raise ValueError(f"indicator {indicator_id} returned several rows for {key} {repeated}")
    if "status" in result:
        status = result["status"].to_numpy(dtype=object, copy=True)
        status[pd.isna(status)] = "ok"
        unknown = sorted(set(pd.unique(status)) - set(STATUSES))
        if unknown:
            raise ValueError(f"indicator {indicator_id} returned unknown status {unknown}")
    else:
        status = np.full(len(result), "ok", dtype=object)
    return _computed(used, positions, result[key].to_numpy(dtype=object),
                     result["value"].to_numpy(dtype=float, na_value=np.nan), status,
                     _counts(result["n_obs"]) if "n_obs" in result else None,
                     _details(used.definition, result), stationed), issues


#: Columns of a compute's output that are the engine's, not details.
OWN_COLUMNS = ("segment_id", "water_body_id", "value", "n_obs", "status", "borrowed_from")


def _details(definition, result: pd.DataFrame) -> pd.DataFrame:
    """The detail columns of a compute's output: its declared fields found among the columns,
    typed as declared, and ``borrowed_from`` of a borrowed station. An indicator that declares
    no fields (a plugin) shows every other column, and the keys of a ``details`` column of
    mappings if it gives one."""
    columns = result.reset_index(drop=True)
    if "details" in columns:
        found = columns.pop("details").tolist()
        mapped = pd.DataFrame.from_records([d if isinstance(d, dict) else {} for d in found],
                                           index=columns.index)
        columns = columns.join(mapped[mapped.columns.difference(columns.columns)])
    if definition.details:
        frame = typed_entries(columns, definition.details)
    else:
        frame = columns.drop(columns=[c for c in OWN_COLUMNS if c in columns])
    if "borrowed_from" in columns:
        lender = columns["borrowed_from"].to_numpy(dtype=object, na_value=None)
        frame["borrowed_from"] = lender
    return frame


def _counts(n_obs: pd.Series) -> np.ndarray:
    """``n_obs`` as float64, NaN where not a number."""
    if pd.api.types.is_numeric_dtype(n_obs.dtype):
        return n_obs.to_numpy(dtype=float, na_value=np.nan)
    return pd.to_numeric(n_obs, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def is_evaluated(status: pd.Series, score: pd.Series) -> pd.Series:
    """Rows that count in aggregation: a computed or supplied value with a score."""
    return status.isin(EVALUATED_STATUSES) & score.notna()
