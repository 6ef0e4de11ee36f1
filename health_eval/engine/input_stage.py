"""The engine's input stage: declared inputs resolved once, for all segments (issue 17 §1).

For an indicator with a ``kernel``, :func:`resolve` turns its :class:`~health_eval.engine.inputs.InputSpec`
into :class:`~health_eval.engine.inputs.Inputs` — rows of each table in their period (evaluation year,
window, season), at the stations serving each segment (own, or borrowed by the
``station_fallback`` policy), below-detection values substituted by the profile's policy, each
station's daily coverage checked against the minimum data — and :class:`KernelCompute` runs the
kernel on them and maps its per-station values to the segments, applying the minimum-data rule.
Every step is vectorised over all segments and memoised in the evaluation's shared store
(:meth:`~health_eval.engine.registry.ComputeContext.memo`), so indicators declaring the same table
share one selection, and a rejected station is reported once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from health_eval.indicators.daily import checked_coverage, coverage_applied
from health_eval.indicators.frames import computed_rows
from health_eval.indicators.samples import effective_values
from health_eval.indicators.stations import (
    in_period,
    placed_stations,
    rows_where,
    segment_rows,
    station_row_codes,
    station_rows,
)
from health_eval.io.lookup import per_row, positions_in

from ..issues import Issue
from .inputs import ANY_DATE, Inputs, InputSpec, TableInput
from .registry import ComputeContext, IndicatorValues

#: A kernel: ``kernel(inputs, param) -> IndicatorValues | DataFrame``, ``param(name)`` giving
#: the indicator's profile parameter.
Kernel = Callable[[Inputs, Callable[[str], object]], "IndicatorValues | pd.DataFrame"]


@dataclass(frozen=True)
class KernelCompute:
    """An indicator's ``compute`` made of its declared inputs and its kernel.

    ``compute(dataset, context)`` resolves ``spec`` (:func:`resolve`), runs ``kernel`` and,
    when the spec has a station table and the kernel's table is keyed by ``station_id`` alone,
    applies that table's minimum data
    (:func:`~health_eval.indicators.daily.coverage_applied`) and repeats each station's row
    for every segment it serves (``borrowed_from`` in the details of a borrowed station).
    """

    spec: InputSpec
    kernel: Kernel

    def __call__(self, dataset, context: ComputeContext) -> IndicatorValues:
        inputs, issues = resolve(dataset, context, self.spec)
        result = self.kernel(inputs, context.param)
        if isinstance(result, IndicatorValues):
            issues, table = issues + list(result.issues), result.table
        else:
            table = result
        station = self.spec.station_input
        if station is not None and "segment_id" not in table and "station_id" in table:
            if station.minimum is not None:
                table = coverage_applied(table, inputs.coverage[station.table])
            table = segment_rows(inputs.links[station.table], table)
        return IndicatorValues(table=table, issues=tuple(issues))


def resolve(dataset, context: ComputeContext, spec: InputSpec) -> tuple[Inputs, list[Issue]]:
    """The :class:`~health_eval.engine.inputs.Inputs` of ``spec`` for the segments of ``context``.

    Returns
    -------
    (Inputs, list of Issue)
        The resolved inputs, and the issues of the stage met for the first time in this
        evaluation (a station's gaps are reported by the first indicator reading its series).
    """
    rows, links, coverage, issues = {}, {}, {}, []
    for wanted in spec.inputs:
        if wanted.at_stations:
            rows[wanted.table], links[wanted.table] = _station_table(dataset, context, wanted)
            if wanted.minimum is not None:
                coverage[wanted.table], gaps = _coverage(dataset, context, wanted,
                                                         rows[wanted.table])
                issues += gaps
        else:
            rows[wanted.table] = _keyed_table(dataset, context, wanted)
    inputs = Inputs(rows=rows, links=links, coverage=coverage, segments=context.segments,
                    stations=(None if spec.station_input is None
                              else placed_stations(dataset, context)),
                    given=frozenset(t for t in spec.tables if t in dataset.tables),
                    policies=context.policies,
                    locate=dataset.location, shared=context.shared,
                    codes=lambda table, column: _codes(dataset, context, spec, table, column))
    return inputs, issues


def _coverage(dataset, context: ComputeContext, wanted: TableInput, rows: pd.DataFrame
              ) -> tuple[pd.DataFrame, list[Issue]]:
    """Each station's daily coverage (:func:`~health_eval.indicators.daily.checked_coverage`)
    against the declared minimum, once per evaluation; its ``series.gaps`` warnings only the
    first time (a station's gaps are reported once, whichever indicator reads them)."""
    share = float(context.param(wanted.minimum.param))
    key = ("coverage", wanted.table, wanted.by, wanted.minimum.column, share)
    fresh = key not in context.shared
    coverage, gaps = context.memo(key, lambda: checked_coverage(
        dataset, wanted.table, rows, wanted.minimum.column, share))
    return coverage, gaps if fresh else []


def _station_table(dataset, context: ComputeContext, wanted: TableInput
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows of a station table and its links (:func:`~health_eval.indicators.stations
    .station_rows`), with below-detection values substituted when declared."""
    fallback = "none" if wanted.by == "own_station" else None
    carry = wanted.carry
    if wanted.minimum is not None and "evaluation_year" not in carry:
        carry += ("evaluation_year",)

    def rows_and_links(shared: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
        return station_rows(dataset, context, wanted.table, period=wanted.dated_period,
                            fallback=fallback, carry=carry, reads=wanted.columns, shared=shared)
    if not wanted.below_detection:
        return rows_and_links(True)
    policy = context.policies.below_detection

    def substituted() -> tuple[pd.DataFrame, pd.DataFrame]:
        rows, links = rows_and_links(False)     # the rows as read serve this substitution only
        rows["value"], rows["below_detection"] = effective_values(rows, policy)
        return rows, links
    key = ("below_detection", wanted.table, wanted.dated_period, fallback, carry, wanted.columns,
           policy)
    return context.memo(key, substituted)


def _keyed_table(dataset, context: ComputeContext, wanted: TableInput) -> pd.DataFrame:
    """Rows of a table keyed by ``segment_id`` or ``water_body_id`` (or the whole table), in
    the declared period; once per evaluation and declaration (shared, read-only)."""
    return context.memo(("keyed_rows", wanted), lambda: _keyed_rows(dataset, context, wanted))


def _keyed_rows(dataset, context: ComputeContext, wanted: TableInput) -> pd.DataFrame:
    """Work out what :func:`_keyed_table` returns."""
    data = dataset.table(wanted.table)
    if wanted.by == "all":
        return data if wanted.columns is None else data[list(wanted.columns)]
    key = "segment_id" if wanted.by == "segment" else "water_body_id"
    keep = computed_rows(dataset, context, wanted.table, key)
    period = wanted.dated_period
    if period != ANY_DATE:
        keep &= _in_period(data, wanted.table, context.segments, key, period)
    if wanted.columns is None:      # every column: one filter of the frame's blocks is cheaper
        return data[keep]
    return rows_where(data, keep, wanted.columns, renumber=False)


def _in_period(data: pd.DataFrame, table: str, segments: pd.DataFrame, key: str, period
               ) -> np.ndarray:
    """Whether each row of ``data`` (table ``table``, keyed by ``key``) is dated in ``period``
    of its water body's evaluation year: by its ``year`` (and ``month``) columns, else by its
    ``date``."""
    dated = "date" in data or ("year" in data and ("month" in data or not period.months))
    if not dated:
        raise ValueError(f"{table}: a period is declared but the table has no date, or no "
                         f"year{' and month' if period.months else ''} column")
    places = segments.drop_duplicates(key)
    where = positions_in(data[key], places[key])
    year = per_row(where, places["evaluation_year"].to_numpy(dtype=float), np.nan)
    dates = pd.DatetimeIndex(data["date"]) if "date" in data else None
    if "year" in data:
        row_year = pd.to_numeric(data["year"], errors="coerce").to_numpy(dtype=float,
                                                                          na_value=np.nan)
    else:
        row_year = dates.year.to_numpy(dtype=float, na_value=np.nan)
    keep = in_period(row_year, year, period) if period.years else where >= 0
    if period.months:
        month = (pd.to_numeric(data["month"], errors="coerce") if dates is None
                 else pd.Series(dates.month)).to_numpy(dtype=float, na_value=np.nan)
        keep &= np.isin(month, period.months)
    return keep


def _codes(dataset, context: ComputeContext, spec: InputSpec, table: str, column: str
           ) -> tuple[np.ndarray, pd.Index]:
    """``column`` of the rows of station ``table`` factorised (sorted), from the whole table's
    factorisation (:func:`~health_eval.indicators.stations.station_row_codes`)."""
    wanted = next(i for i in spec.inputs if i.table == table)
    fallback = "none" if wanted.by == "own_station" else None
    return station_row_codes(dataset, context, table, column, period=wanted.dated_period,
                             fallback=fallback)
