"""Validation of a readable dataset against the rule table (ARCHITECTURE §1 ``validate``).

Reading (:mod:`health_eval.engine.dataset`) already checked types, required columns and allowed codes.
:func:`validate_dataset` applies the rules of :mod:`health_eval.validate.rules` to the typed tables in one
lazy pass — every rule over every table, vectorised per column — and collects every problem:

- ranges (``value.range`` error, ``value.implausible`` warning), per column and, for samples, per
  parameter; one column not above another (``value.exceeds``);
- unique keys (``key.duplicate`` error; repeated samples ``key.duplicate_sample`` warning);
- references between tables (``reference.unknown``), sample parameter codes
  (``parameter.unknown``) and station rows outside the evaluation year
  (``date.outside_evaluation_year``): such rows cannot be used; rather than leave them out
  silently, each value is reported once with its number of rows and the first row.

Nothing is lost: :class:`Validation` also records, per table, which rows cannot be used, and
:func:`row_accounts` turns that into rows read / used / rejected for the result's provenance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..io.display_names import table_label
from ..io.input_issues import Origin, Sink
from ..io.lookup import is_in, per_row, row_years, station_years
from ..io.tables import (
    PARAMETER_NAMES,
    PARAMETER_UNITS,
    TABLES,
    table_spec,
)
from ..issues import Issue
from ..vocabulary import WATER_BODY_KIND_LABELS, WATER_BODY_KINDS
from .rules import (
    BOUNDS,
    DATED_STATION_TABLES,
    ORDERED,
    PARAMETER_BOUNDS,
    REFERENCES,
    SAMPLE_KEYS,
    Bounds,
    ParameterBounds,
    Reference,
)

__all__ = ["Validation", "row_accounts", "validate_dataset"]

#: Checked elsewhere: segments of unknown water bodies are errors of the evaluation, and
#: indicator_values have their own checks (health_eval.engine.supplied).
SKIPPED_REFERENCES = {("segments", "water_body_id"), ("indicator_values", "water_body_id"),
                      ("indicator_values", "segment_id")}
SAMPLE_TABLES = tuple(SAMPLE_KEYS)


@dataclass
class Validation:
    """Every problem of a dataset, and the rows that cannot be used.

    Parameters
    ----------
    issues : list of Issue
        The warnings of reading, then every problem the rules found.
    rejected : dict of str to ndarray of bool
        Per table, the rows that cannot be used (an error in the row, a reference to nothing,
        an unknown parameter, a date outside the evaluation year); tables without any are absent.
    """

    issues: list[Issue]
    rejected: dict[str, np.ndarray]

    @property
    def has_errors(self) -> bool:
        """Whether any problem is an error (the data must not be evaluated)."""
        return any(issue.severity == "error" for issue in self.issues)


def validate_dataset(dataset) -> Validation:
    """Check a readable dataset against every rule of :mod:`health_eval.validate.rules`.

    Parameters
    ----------
    dataset : Dataset

    Returns
    -------
    Validation
        The reading warnings followed by the problems found; per table, the unusable rows.
    """
    checks = _Checks(dataset)
    _check_bounds(checks)
    _check_parameters(checks)
    _check_ordered(checks)
    _check_keys(checks)
    _check_references(checks)
    _check_evaluation_year(checks)
    _check_kinds(checks)
    return Validation(list(dataset.issues) + checks.finish(), checks.rejected)


def row_accounts(dataset, validation: Validation) -> dict[str, dict[str, int]]:
    """Rows read, used and rejected per table, for the result's provenance.

    ``read`` counts every data row of the table, blank rows between data included; ``rejected``
    the blank rows and the rows :attr:`Validation.rejected` marks; ``used = read - rejected``.
    Every rejected row is named in the issues (``row.empty``, or the rule that rejected it).
    """
    accounts = {}
    for name, frame in dataset.tables.items():
        blank = dataset.blank_rows.get(name, 0)
        rejected = int(validation.rejected[name].sum()) if name in validation.rejected else 0
        read = len(frame) + blank
        accounts[name] = {"read": read, "used": read - blank - rejected,
                          "rejected": blank + rejected}
    return accounts


class _Checks:
    """Issues (through one capped :class:`Sink` per table) and rejected rows being collected."""

    def __init__(self, dataset):
        self.dataset = dataset
        self.issues: list[Issue] = []
        self.rejected: dict[str, np.ndarray] = {}
        self._sinks: dict[str, Sink] = {}
        self._rows: dict[str, np.ndarray] = {}
        self._errors: dict[tuple[str, str], np.ndarray] = {}
        self._numbers: dict[tuple[str, str], np.ndarray] = {}

    def frame(self, table: str) -> pd.DataFrame | None:
        """The table when it is given with rows, else None."""
        return self.dataset.tables[table] if self.dataset.has(table) else None

    def rows(self, table: str) -> np.ndarray:
        """User-visible row number of every row of ``table``."""
        if table not in self._rows:
            n = len(self.dataset.tables[table])
            self._rows[table] = self.dataset.row_number(table, np.arange(n))
        return self._rows[table]

    def codes(self, table: str, column: str) -> tuple[np.ndarray, pd.Index]:
        """``pd.factorize`` of a column of ``table`` (codes, -1 where blank, and the distinct
        values), shared with the indicators (:meth:`~health_eval.engine.dataset.Dataset.factorized`)."""
        return self.dataset.factorized(table, column)

    def numbers(self, table: str, column: str) -> np.ndarray:
        """A numeric column of ``table`` as float64 (NaN where blank), read once per call."""
        if (table, column) not in self._numbers:
            self._numbers[table, column] = _numbers(self.dataset.tables[table], column)
        return self._numbers[table, column]

    def sink(self, table: str) -> Sink:
        """The capped sink of ``table``'s issues."""
        if table not in self._sinks:
            self._sinks[table] = Sink(Origin(table, **self.dataset.location(table)))
        return self._sinks[table]

    def cells(self, table: str, rule: str, severity: str, mask: np.ndarray, values,
              column: str, **fields) -> None:
        """One issue per flagged row (capped per column); errors reject their rows. A value
        already in error in this column gets no warning besides."""
        if severity == "warning" and (table, column) in self._errors:
            mask = mask & ~self._errors[table, column]
        if not mask.any():
            return
        if severity == "error":
            previous = self._errors.get((table, column))
            self._errors[table, column] = mask if previous is None else previous | mask
        self.sink(table).cells(rule, severity, mask, self.rows(table), _Shown(values), column,
                               **fields)
        if severity == "error":
            self.reject(table, mask)

    def each(self, table: str, rule: str, severity: str, positions: np.ndarray, column: str,
             describe) -> None:
        """One issue per position (capped per column) with its own message fields:
        ``describe(position)`` returns ``(value, fields)``; errors reject their rows."""
        if not len(positions):
            return
        sink, rows = self.sink(table), self.rows(table)
        shown = positions[:sink.room(column)]
        for position in shown.tolist():
            value, fields = describe(position)
            sink.add(rule, severity, row=int(rows[position]), column=column, value=value,
                     **fields)
        sink.count(column, len(shown), len(positions) - len(shown), severity)
        if severity == "error":
            self.reject(table, _mask(len(rows), positions))

    def reject(self, table: str, mask: np.ndarray) -> None:
        """Mark rows of ``table`` as unusable."""
        previous = self.rejected.get(table)
        self.rejected[table] = mask.copy() if previous is None else previous | mask

    def finish(self) -> list[Issue]:
        """All issues, those of the capped sinks first."""
        found = [issue for sink in self._sinks.values() for issue in sink.finish()]
        return found + self.issues


class _Shown:
    """Typed values shown in messages (duck-types :meth:`Cells.display`)."""

    def __init__(self, values):
        self.values = values

    def display(self, positions: np.ndarray) -> list[str]:
        return [_text(self.values.iat[p] if isinstance(self.values, pd.Series)
                      else self.values[p]) for p in positions.tolist()]


def _text(value) -> str:
    """A typed value as text: numbers without a spurious ``.0`` (very large or small ones in
    scientific notation, ``1e+308``, not 309 digits), dates as ISO."""
    if isinstance(value, float | np.floating):
        if value != 0 and not 1e-6 <= abs(value) < 1e15:
            return np.format_float_scientific(float(value), trim="-")
        return np.format_float_positional(float(value), trim="-")
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return str(value)


def _mask(n: int, positions: np.ndarray) -> np.ndarray:
    """``n`` flags, set at ``positions``."""
    mask = np.zeros(n, dtype=bool)
    mask[positions] = True
    return mask


def _range_text(low: float | None, high: float | None) -> str:
    """``[0, 14]``, ``≥ 0`` or ``≤ 20``."""
    def number(x: float) -> str:
        return np.format_float_positional(float(x), trim="-")
    if low is not None and high is not None:
        return f"[{number(low)}, {number(high)}]"
    return f"≥ {number(low)}" if low is not None else f"≤ {number(high)}"


def _outside(values: np.ndarray, low: float | None, high: float | None) -> np.ndarray:
    """Which finite values lie outside ``[low, high]``."""
    with np.errstate(invalid="ignore"):
        bad = np.zeros(len(values), dtype=bool)
        if low is not None:
            bad |= values < low
        if high is not None:
            bad |= values > high
    return bad


def _numbers(frame: pd.DataFrame, column: str) -> np.ndarray:
    return frame[column].to_numpy(dtype="float64", na_value=np.nan)


def _check_bounds(checks: _Checks) -> None:
    """:data:`~health_eval.validate.rules.BOUNDS`: values outside their column's range."""
    for bound in _errors_first(BOUNDS):
        frame = checks.frame(bound.table)
        if frame is None:
            continue
        values = checks.numbers(bound.table, bound.column)
        bad = _outside(values, bound.low, bound.high)
        if bad.any():
            _flag_range(checks, bound, bad, frame[bound.column])


def _errors_first(bounds):
    """Rules in order, errors before warnings (a value in error gets no warning besides)."""
    return sorted(bounds, key=lambda bound: bound.severity != "error")


def _flag_range(checks: _Checks, bound: Bounds, bad: np.ndarray, shown,
                range_text: str | None = None) -> None:
    rule = "value.range" if bound.severity == "error" else "value.implausible"
    checks.cells(bound.table, rule, bound.severity, bad, shown, bound.column,
                 range=range_text or _range_text(bound.low, bound.high))


def _parameter_bounds() -> list[ParameterBounds]:
    """The rules of :data:`~health_eval.validate.rules.PARAMETER_BOUNDS`, plus "not negative" for every
    other parameter (water temperature excepted)."""
    explicit = {b.parameter for b in PARAMETER_BOUNDS if b.severity == "error"}
    return list(PARAMETER_BOUNDS) + [ParameterBounds(p, 0.0, None, "error")
                                     for p in PARAMETER_NAMES if p not in explicit | {"wt"}]


def _check_parameters(checks: _Checks) -> None:
    """Sample values outside their parameter's range, and unknown parameter codes
    (``parameter.unknown``: the rows are not used)."""
    for table in SAMPLE_TABLES:
        frame = checks.frame(table)
        if frame is None:
            continue
        values = checks.numbers(table, "value")
        codes, present = checks.codes(table, "parameter")
        rows = _rows_by_code(codes, len(present))
        for bound in _errors_first(_parameter_bounds()):
            if bound.parameter not in present:
                continue
            mine = rows[present.get_loc(bound.parameter)]
            bad = mine[_outside(values[mine], bound.low, bound.high)]
            if not len(bad):
                continue
            unit = PARAMETER_UNITS[bound.parameter]
            rule = Bounds(table, "value", bound.low, bound.high, bound.severity)
            _flag_range(checks, rule, _mask(len(values), bad), values,
                        f"{_range_text(bound.low, bound.high)} {unit} ({bound.parameter})")
        unknown = per_row(codes, ~is_in(present, list(PARAMETER_NAMES)), False)
        _per_value(checks, table, "parameter", frame["parameter"], unknown, "parameter.unknown")


def _rows_by_code(codes: np.ndarray, count: int) -> list[np.ndarray]:
    """The positions of the rows of each code (``pd.factorize`` codes ``0..count-1``), in row
    order; blank rows (-1) are in none."""
    # a stable sort of small integers is a radix sort: narrow the codes to the fewest bytes
    order = np.argsort(codes.astype(np.min_scalar_type(-count - 1)), kind="stable")
    ends = np.cumsum(np.bincount(codes + 1, minlength=count + 1))
    return np.split(order, ends[:-1])[1:]


def _check_ordered(checks: _Checks) -> None:
    """:data:`~health_eval.validate.rules.ORDERED`: a column above its limit column in the same row."""
    for rule in ORDERED:
        frame = checks.frame(rule.table)
        if frame is None:
            continue
        values, limits = checks.numbers(rule.table, rule.column), checks.numbers(rule.table,
                                                                                rule.limit)
        with np.errstate(invalid="ignore"):
            bad = np.flatnonzero(values > limits)
        checks.each(rule.table, "value.exceeds", rule.severity, bad, rule.column,
                    lambda p, values=values, limits=limits, rule=rule: (
                        _text(values[p]), {"limit": rule.limit, "limit_value": _text(limits[p])}))


def _check_keys(checks: _Checks) -> None:
    """Catalogue keys repeated (``key.duplicate``, error) and repeated samples
    (``key.duplicate_sample``, warning); each repeat names the row it repeats."""
    keys = [(spec.name, spec.key, "key.duplicate", "error") for spec in TABLES if spec.key]
    keys += [(table, key, "key.duplicate_sample", "warning") for table, key in SAMPLE_KEYS.items()]
    for table, key, rule, severity in keys:
        frame = checks.frame(table)
        if frame is None:
            continue
        repeat, first = _repeats([checks.codes(table, column) for column in key])

        def describe(position, table=table, frame=frame, key=key, first=first):
            text = ", ".join(f"{c}={_text(frame[c].iat[position])}" for c in key)
            return text, {"key": text, "first": int(checks.rows(table)[first[position]]),
                          "columns": "+".join(key)}
        checks.each(table, rule, severity, np.flatnonzero(repeat), key[-1], describe)


def _repeats(parts: list[tuple[np.ndarray, pd.Index]]) -> tuple[np.ndarray, np.ndarray]:
    """Which rows repeat an earlier row's key (rows with a blank key part never do), and the
    position of the first row with each row's key.

    Parameters
    ----------
    parts : list of (ndarray, Index)
        The key columns factorised (:meth:`_Checks.codes`).
    """
    key, size = _key_codes(parts)
    position = np.arange(len(key))
    if np.bincount(key, minlength=size).max() <= 1:       # every key once (the usual case)
        return np.zeros(len(key), dtype=bool), position
    first_of_key = np.full(size, len(key))
    np.minimum.at(first_of_key, key, position)
    first = first_of_key[key]
    complete = np.logical_and.reduce([codes >= 0 for codes, _ in parts])
    return complete & (first != position), first


def _key_codes(parts: list[tuple[np.ndarray, pd.Index]]) -> tuple[np.ndarray, int]:
    """One integer in ``0..size-1`` per row, equal exactly where the rows' key columns are (a
    blank part equals only blank), and ``size``.

    The parts' codes are combined positionally; where the combinations would outnumber the rows
    by far, they are renumbered densely (a hash pass) before the next part.
    """
    rows = len(parts[0][0])
    key, size = np.zeros(rows, dtype=np.int64), 1
    for codes, distinct in parts:
        key *= len(distinct) + 1
        key += codes + 1
        size *= len(distinct) + 1
        if size > 4 * rows + 16:
            key, distinct_keys = pd.factorize(key)
            size = len(distinct_keys)
    return key, size


def _check_references(checks: _Checks) -> None:
    """:data:`~health_eval.validate.rules.REFERENCES`: values their target table lacks
    (``reference.unknown``), or names only at rows of it that are not used
    (``reference.unusable``: a station whose segment is unknown); without the target table,
    the rows of a ``needed`` reference (``reference.table_missing``). The rows are not used.

    Tables are checked in catalogue order, so a target's own unusable rows are known first."""
    for spec in TABLES:
        frame = checks.frame(spec.name)
        if frame is None:
            continue
        for reference in REFERENCES:
            if not _applies(reference, spec.name, frame):
                continue
            if checks.frame(reference.target) is not None:
                target = checks.dataset.tables[reference.target][reference.target_column]
                _dangling(checks, spec.name, target, reference)
            elif reference.needed:
                _orphaned(checks, spec.name, reference)


def _applies(reference: Reference, table: str, frame: pd.DataFrame) -> bool:
    """Whether ``reference`` is checked on ``table``."""
    return (reference.column in frame and reference.table in (None, table)
            and (table, reference.column) not in SKIPPED_REFERENCES
            and not (table == reference.target and reference.column == reference.target_column))


def _dangling(checks: _Checks, table: str, target: pd.Series, reference: Reference) -> None:
    codes, distinct = checks.codes(table, reference.column)
    named = is_in(distinct, target)
    unknown = per_row(codes, ~named, False)
    values = checks.frame(table)[reference.column]
    _per_value(checks, table, reference.column, values, unknown,
               "reference.unknown", code=reference.column, target=reference.target,
               target_zh=table_label(reference.target),
               label=reference.label)
    unusable = checks.rejected.get(reference.target)
    if unusable is not None and unusable.any():
        usable = is_in(distinct, target[~unusable])
        _per_value(checks, table, reference.column, values, per_row(codes, named & ~usable,
                                                                    False),
                   "reference.unusable", code=reference.column, target=reference.target,
                   target_zh=table_label(reference.target),
                   label=reference.label)


def _orphaned(checks: _Checks, table: str, reference: Reference) -> None:
    """Every row naming a value of a ``needed`` reference whose target table is not given (or
    has no row): one warning per table; the rows are not used."""
    codes, _ = checks.codes(table, reference.column)
    flagged = codes >= 0
    if not flagged.any():
        return
    checks.reject(table, flagged)
    first = int(np.flatnonzero(flagged)[0])
    origin = Origin(table, **checks.dataset.location(table))
    checks.issues.append(origin.issue(
        "reference.table_missing", "warning", row=int(checks.rows(table)[first]),
        column=reference.column, value=_text(checks.frame(table)[reference.column].iat[first]),
        n=int(flagged.sum()), code=reference.column, target=reference.target,
        target_zh=table_label(reference.target),
        label=reference.label, zh=table_spec(reference.target).zh))


def _check_evaluation_year(checks: _Checks) -> None:
    """Rows of :data:`~health_eval.validate.rules.DATED_STATION_TABLES` dated outside the evaluation year
    of their station's water body (``date.outside_evaluation_year``): not used. Rows whose
    station, segment or water body is unknown are reported by the reference check instead."""
    stations = checks.frame("stations")
    if stations is None:
        return
    years = _station_evaluation_years(checks.dataset, stations)
    for table in DATED_STATION_TABLES:
        frame = checks.frame(table)
        if frame is None:
            continue
        _, year = station_years(checks.codes(table, "station_id"), years["station_id"],
                                years["evaluation_year"])   # NaN for an unknown station
        dated = row_years(checks.codes(table, "date"))
        outside = np.isfinite(year) & np.isfinite(dated) & (dated != year)
        if not outside.any():
            continue
        by_station = dict(zip(years["station_id"], years["evaluation_year"]))
        _per_value(checks, table, "date", frame["station_id"], outside,
                   "date.outside_evaluation_year", shown=frame["date"],
                   year=lambda station, by_station=by_station: by_station[station])


def _station_evaluation_years(dataset, stations: pd.DataFrame) -> pd.DataFrame:
    """``station_id, evaluation_year`` of every station placed in a segment of a water body
    (the first row of a repeated id), by positional lookups rather than two merges."""
    segments = dataset.table("segments").drop_duplicates("segment_id")
    water_bodies = dataset.table("water_bodies").drop_duplicates("water_body_id")
    at_segment = pd.Index(segments["segment_id"]).get_indexer(stations["segment_id"])
    home = np.append(segments["water_body_id"].astype(object).to_numpy(), None)[at_segment]
    at_water_body = pd.Index(water_bodies["water_body_id"].astype(object)).get_indexer(home)
    placed = (at_segment >= 0) & (at_water_body >= 0)
    return pd.DataFrame({
        "station_id": stations["station_id"].to_numpy()[placed],
        "evaluation_year": water_bodies["evaluation_year"].iloc[at_water_body[placed]].array,
    }).drop_duplicates("station_id")


def _check_kinds(checks: _Checks) -> None:
    """Rows of a table whose indicators are of other kinds of water body than the row's
    (``TableSpec.kinds``: lake areas given for a river, daily flows for a lake): not used,
    one warning per water body (``table.kind_mismatch``). A row's water body is found through
    its water body, segment or station, on the table's distinct ids only."""
    kind = _Lookup(checks.frame("water_bodies"), "water_body_id", "kind")
    home = _Lookup(checks.frame("segments"), "segment_id", "water_body_id")
    place = _Lookup(checks.frame("stations"), "station_id", "segment_id")
    labels = dict(zip(WATER_BODY_KINDS, WATER_BODY_KIND_LABELS))
    for spec in TABLES:
        frame = checks.frame(spec.name)
        if spec.kinds is None or frame is None:
            continue
        column = next(c for c in ("water_body_id", "segment_id", "station_id") if c in frame)
        codes, distinct = checks.codes(spec.name, column)
        ids = np.asarray(distinct, dtype=object)
        segment = place.get(ids) if column == "station_id" else ids
        water_body = ids if column == "water_body_id" else home.get(segment)
        kinds = kind.get(water_body)
        wrong = ~pd.isna(kinds) & ~pd.Index(kinds).isin(list(spec.kinds))
        by_value = {v: (w, k) for v, w, k in zip(ids[wrong], water_body[wrong], kinds[wrong])}
        _per_value(checks, spec.name, column, frame[column], per_row(codes, wrong, False),
                   "table.kind_mismatch", zh=spec.zh,
                   water_body=lambda v, by_value=by_value: by_value[v][0],
                   kind=lambda v, by_value=by_value: labels.get(by_value[v][1], by_value[v][1]),
                   kinds="/".join(labels[k] for k in spec.kinds))


class _Lookup:
    """``column`` by ``key`` of a table (first row of a repeated key; nothing without the
    table), looked up by position."""

    def __init__(self, frame: pd.DataFrame | None, key: str, column: str):
        first = (frame if frame is not None else pd.DataFrame({key: [], column: []})
                 ).drop_duplicates(key)
        self.keys = pd.Index(first[key].astype(object).to_numpy())
        self.values = np.append(first[column].astype(object).to_numpy(), None)

    def get(self, ids: np.ndarray) -> np.ndarray:
        """The value of each of ``ids`` (objects), None where it is not a key."""
        return self.values[self.keys.get_indexer(ids)]


def _per_value(checks: _Checks, table: str, column: str, values: pd.Series,
               flagged: np.ndarray, rule: str, shown: pd.Series | None = None,
               **fields) -> None:
    """One warning per distinct value of the flagged rows — how many rows (``n``), the first
    row's number and its value (of ``shown`` when given, else of ``values``) — and the rows
    marked as not used. A callable field is called with the distinct value."""
    if not flagged.any():
        return
    checks.reject(table, flagged)
    positions = pd.Series(np.flatnonzero(flagged), index=values[flagged].to_numpy())
    groups = positions.groupby(level=0, sort=True).agg(["size", "first"])
    rows = checks.rows(table)
    origin = Origin(table, **checks.dataset.location(table))
    for value, n, first in groups.itertuples():
        given = {k: f(value) if callable(f) else f for k, f in fields.items()}
        checks.issues.append(origin.issue(
            rule, "warning", row=int(rows[first]), column=column,
            value=_text(shown.iat[first] if shown is not None else value),
            key=value, n=int(n), **given))
