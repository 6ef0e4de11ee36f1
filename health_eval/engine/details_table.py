"""The ``details`` of an indicators table, columnar (issue 17 §2).

An indicator's compute returns its declared detail fields (:mod:`health_eval.engine.detail_fields`) as
columns of its output frame, one row per segment, water body, station or plot. The engine keeps
them so, as one *entries* table per indicator computed (:class:`DetailPart`), and says for each
row of the indicators table which entries are its details (:class:`Details`):

- one entry (``start``, ``stop = start + 1``) for a value computed for the segment or its water
  body (a whole-water-body entry is shared by the rows of every segment);
- a range of entries, with ``combination``, for the stations or plots combined by the station
  policy (SPEC §1.1): the child table of the row, each entry with its station's ``value``,
  ``score``, ``status`` and ``borrowed_from``;
- a ``reason`` (code, zh, en) for a row without a value (:mod:`health_eval.engine.gaps`);
- ``supplied``, ``supplied_note`` and ``computed_value`` for a value supplied in
  ``indicator_values`` (ARCHITECTURE §4).

Nothing is a Python object per row while evaluating. Nested fields declared ``list`` or ``dict``
(the parameters setting a class, responses by respondent type…) are object cells of their
column. The ``details`` mappings of ``result.json`` are composed only when written
(:meth:`Details.records`); :meth:`Details.row` gives one row's mapping to a consumer that shows
one segment, :meth:`Details.table` an indicator's fields as a frame.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from .detail_fields import DetailField

#: Columns the engine adds to each station or plot entry of a combined row.
STATION_COLUMNS = ("value", "score", "status")
#: pandas dtype of a declared type (``date`` as ``YYYY-MM-DD`` text; ``list`` and ``dict`` as
#: object cells).
DTYPES = {"int": "Int64", "float": "float64", "bool": "boolean", "str": "string",
          "date": "string"}


@dataclass(frozen=True)
class DetailPart:
    """The detail entries of one indicator computed for a set of segments.

    Parameters
    ----------
    indicator_id : str
    fields : tuple of DetailField
        Its declared fields (empty for an indicator that declares none: every column is then
        shown where it holds a value).
    entries : DataFrame
        One row per entry, a column per field found (typed as declared), plus
        :data:`STATION_COLUMNS` and ``borrowed_from`` for station entries.
    inputs : tuple of str
        The indicator's input tables (the ``inputs`` of a missing value's reason).
    """

    indicator_id: str
    fields: tuple[DetailField, ...]
    entries: pd.DataFrame
    inputs: tuple[str, ...] = ()

    def shown_always(self) -> frozenset[str]:
        """Columns written even when null: the declared fields not optional, and a station's
        value, score and status."""
        return frozenset({f.name for f in self.fields if not f.optional} | set(STATION_COLUMNS))


def typed_entries(frame: pd.DataFrame, fields: Sequence[DetailField]) -> pd.DataFrame:
    """The columns of ``frame`` that are declared ``fields``, each typed as declared
    (:data:`DTYPES`): ``int`` as Int64, ``float`` as float64, ``bool`` as boolean, ``str`` and
    ``date`` (``YYYY-MM-DD``) as string, ``list`` and ``dict`` as they are.

    Raises
    ------
    TypeError, ValueError
        For a column that does not hold its declared type (the indicator fails, with an issue).
    """
    columns = {}
    for field in fields:
        if field.name not in frame:
            continue
        column = frame[field.name].reset_index(drop=True)
        if field.type == "date" and pd.api.types.is_datetime64_any_dtype(column.dtype):
            column = column.dt.strftime("%Y-%m-%d")
        if field.type in DTYPES and str(column.dtype) != DTYPES[field.type]:
            column = column.astype(DTYPES[field.type])
        columns[field.name] = column.array
    return pd.DataFrame(columns, index=pd.RangeIndex(len(frame)), copy=False)


def detail_columns(frame: pd.DataFrame, names: Mapping[str, str], decimals: int = 4
                   ) -> dict[str, Any]:
    """Columns ``names`` (column → field) of ``frame`` as detail columns: floats rounded to
    ``decimals``, dates as ``YYYY-MM-DD`` text, for a compute to put in its output frame."""
    columns = {}
    for column, name in names.items():
        values = frame[column]
        if pd.api.types.is_float_dtype(values.dtype):
            values = values.round(decimals)
        elif pd.api.types.is_datetime64_any_dtype(values.dtype):
            values = values.dt.strftime("%Y-%m-%d").astype(object)
        columns[name] = values.to_numpy()
    return columns


def with_details(table: pd.DataFrame, keep: Sequence[str], names: Mapping[str, str],
                 decimals: int = 4) -> pd.DataFrame:
    """Columns ``keep`` of ``table`` plus its detail columns ``names`` (column → field, see
    :func:`detail_columns`): the output frame of a compute."""
    return pd.DataFrame({**{c: table[c].to_numpy() for c in keep},
                         **detail_columns(table, names, decimals)})


def _cells(column: pd.Series) -> list:
    """The cells of an entries column as plain Python values, None where missing."""
    if column.dtype == np.float64:
        return [None if v != v else v for v in column.tolist()]
    if isinstance(column.dtype, pd.api.extensions.ExtensionDtype):
        return column.astype(object).where(column.notna(), None).tolist()
    return [None if isinstance(v, float) and math.isnan(v) else v for v in column.tolist()]


def plain_floats(values) -> list[float | None]:
    """Details numbers: None for NaN, else rounded to 8 decimals (no 1.7000000000000002).

    Exactly Python's ``round(v, 8)``, vectorised: away from a tie the nearest integer to
    ``v × 10⁸`` is ``rint`` of the floating product (its error is below 2⁻¹³ while
    ``|v × 10⁸| < 2⁴⁰``) and dividing it by 10⁸ rounds correctly, as ``round`` does; NaN,
    large values and near-ties take ``round`` itself.
    """
    x = np.asarray(values, dtype=float)
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = x * 1e8
        easy = (np.abs(scaled) < 2.0 ** 40) & (np.abs(scaled - np.floor(scaled) - 0.5) > 1e-3)
    plain = np.where(easy, np.rint(np.where(easy, scaled, 0.0)) / 1e8, 0.0).tolist()
    for position in np.flatnonzero(~easy).tolist():
        v = float(x[position])
        plain[position] = None if v != v else round(v, 8)
    return plain


@dataclass(frozen=True)
class Details:
    """Where the details of each row of an indicators table are (see the module).

    Every array has one element per row of the indicators table, in its order.

    Parameters
    ----------
    parts : tuple of DetailPart
    part : ndarray of int64
        The row's part.
    start, stop : ndarray of int64
        The row's entries in its part (-1: none).
    combination : ndarray of object
        ``mean`` or ``worst`` for a row of combined stations, else None.
    reason, reason_zh, reason_en : ndarray of object
        Why a row has no value (None where it has one).
    supplied : ndarray of bool
    supplied_note : ndarray of object
    computed_value : ndarray of float
        The computed value a supplied one replaced (NaN: none).
    """

    parts: tuple[DetailPart, ...]
    part: np.ndarray
    start: np.ndarray
    stop: np.ndarray
    combination: np.ndarray
    reason: np.ndarray
    reason_zh: np.ndarray
    reason_en: np.ndarray
    supplied: np.ndarray
    supplied_note: np.ndarray
    computed_value: np.ndarray

    def __len__(self) -> int:
        return len(self.part)

    @classmethod
    def of_parts(cls, parts: Sequence[DetailPart], part: np.ndarray, start: np.ndarray,
                 stop: np.ndarray, combination: np.ndarray) -> Details:
        """Rows with entries only (no reason, nothing supplied yet)."""
        n = len(part)
        return cls(tuple(parts), part, start, stop, combination, *_nothing(n, 3),
                   np.zeros(n, dtype=bool), np.full(n, None, dtype=object), np.full(n, np.nan))

    @classmethod
    def empty(cls) -> Details:
        """The details of no row."""
        none = np.empty(0, dtype=np.int64)
        return cls.of_parts((), none, none, none, np.empty(0, dtype=object))

    def take(self, positions: np.ndarray) -> Details:
        """The details of the rows at ``positions`` (a reordering or a selection)."""
        positions = np.asarray(positions, dtype=np.int64)
        return replace(self, **{name: getattr(self, name)[positions] for name in _ROW_ARRAYS})

    @classmethod
    def concat(cls, items: Sequence[Details]) -> Details:
        """The details of indicators tables stacked in the order of ``items``."""
        if not items:
            return cls.empty()
        offsets = np.cumsum([0] + [len(d.parts) for d in items[:-1]])
        arrays = {name: np.concatenate([getattr(d, name) for d in items])
                  for name in _ROW_ARRAYS if name != "part"}
        part = np.concatenate([d.part + offset for d, offset in zip(items, offsets.tolist())])
        return cls(parts=tuple(p for d in items for p in d.parts), part=part, **arrays)

    def table(self, indicator_id: str) -> pd.DataFrame:
        """The entries of ``indicator_id`` with ``row`` (the position of their row in the
        indicators table): one row per row of the indicator, or per station or plot of a row
        of combined stations."""
        frames = []
        for k, part in enumerate(self.parts):
            if part.indicator_id != indicator_id:
                continue
            rows = np.flatnonzero((self.part == k) & (self.start >= 0))
            counts = self.stop[rows] - self.start[rows]
            at = np.repeat(self.start[rows] - np.cumsum(counts) + counts, counts) + np.arange(
                counts.sum())
            frames.append(part.entries.take(at).reset_index(drop=True).assign(
                row=np.repeat(rows, counts)))
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame({"row": []})

    def row(self, position: int) -> dict[str, Any]:
        """The details of one row as a mapping (as ``result.json`` holds it)."""
        return self.records(np.array([position]))[0]

    def records(self, positions: np.ndarray | None = None) -> list[dict[str, Any]]:
        """The details of every row (or of ``positions``) as the mappings of ``result.json``,
        composed from the columns: one Python object per row, only when written or shown."""
        if positions is None:
            positions = np.arange(len(self))
        out: list[dict[str, Any]] = [{} for _ in range(len(positions))]
        part, start, stop = self.part[positions], self.start[positions], self.stop[positions]
        combination, reason = self.combination[positions], self.reason[positions]
        for k in np.unique(part).tolist():
            mine = np.flatnonzero(part == k)
            entries = _entry_records(self.parts[k])
            for i, a, b, how in zip(mine.tolist(), start[mine].tolist(), stop[mine].tolist(),
                                    combination[mine].tolist()):
                if how is not None:
                    out[i] = {"combination": how, "stations": entries[a:b]}
                elif a >= 0:
                    out[i] = dict(entries[a])
            for i in mine[(start[mine] < 0) & pd.notna(reason[mine])].tolist():
                j = positions[i]
                out[i] = {"reason": self.reason[j], "reason_zh": self.reason_zh[j],
                          "reason_en": self.reason_en[j], "inputs": list(self.parts[k].inputs)}
        for i in np.flatnonzero(self.supplied[positions]).tolist():
            j = positions[i]
            supplied = {"supplied_note": self.supplied_note[j]}
            value = self.computed_value[j]
            if not math.isnan(value):
                supplied.update(computed_value=value, computed_details=out[i])
            out[i] = supplied
        return out

    @classmethod
    def from_records(cls, details: Sequence[Any], indicator_ids: Sequence[str],
                     declared: Mapping[str, tuple[DetailField, ...]]) -> Details:
        """Details read back from their mappings (``result.json``, an archive): the inverse of
        :meth:`records` for the rows of ``indicator_ids`` with ``declared`` fields."""
        n = len(details)
        start, stop = np.full(n, -1, dtype=np.int64), np.full(n, -1, dtype=np.int64)
        combination, (reason, reason_zh, reason_en) = np.full(n, None, dtype=object), \
            _nothing(n, 3)
        supplied, note = np.zeros(n, dtype=bool), np.full(n, None, dtype=object)
        computed = np.full(n, np.nan)
        part = np.empty(n, dtype=np.int64)
        rows: dict[str, list] = {}
        order: dict[str, int] = {}
        inputs: dict[str, tuple[str, ...]] = {}
        for i, (indicator_id, found) in enumerate(zip(indicator_ids, details)):
            entries = rows.setdefault(indicator_id, [])
            part[i] = order.setdefault(indicator_id, len(order))
            found = found if isinstance(found, Mapping) else {}
            if "supplied_note" in found:
                supplied[i], note[i] = True, found["supplied_note"]
                if found.get("computed_value") is not None:
                    computed[i] = found["computed_value"]
                found = found.get("computed_details") or {}
                if not found:
                    continue
            if "stations" in found:
                combination[i] = found.get("combination")
                start[i], stop[i] = len(entries), len(entries) + len(found["stations"])
                entries.extend(found["stations"])
            elif "reason" in found:
                reason[i], reason_zh[i], reason_en[i] = (found["reason"], found.get("reason_zh"),
                                                         found.get("reason_en"))
                inputs[indicator_id] = tuple(found.get("inputs") or ())
            else:
                start[i], stop[i] = len(entries), len(entries) + 1
                entries.append(found)
        parts = []
        for indicator_id, entries in rows.items():
            fields = declared.get(indicator_id, ())
            frame = pd.DataFrame.from_records(entries, index=pd.RangeIndex(len(entries)))
            if fields:
                engine = [c for c in frame.columns if c in (*STATION_COLUMNS, "borrowed_from")]
                frame = pd.concat([typed_entries(frame, fields), frame[engine]], axis=1)
            parts.append(DetailPart(indicator_id, fields, frame, inputs.get(indicator_id, ())))
        return cls(tuple(parts), part, start, stop, combination, reason, reason_zh, reason_en,
                   supplied, note, computed)


_ROW_ARRAYS = ("part", "start", "stop", "combination", "reason", "reason_zh", "reason_en",
               "supplied", "supplied_note", "computed_value")


def _nothing(n: int, count: int) -> list[np.ndarray]:
    return [np.full(n, None, dtype=object) for _ in range(count)]


def _entry_records(part: DetailPart) -> list[dict[str, Any]]:
    """Every entry of ``part`` as a mapping: a field shown where it holds a value, a declared
    field that is not optional (and a station's value, score and status) always."""
    entries = part.entries
    always = part.shown_always() if part.fields else frozenset(STATION_COLUMNS)
    names = list(entries.columns)
    columns = [plain_floats(entries[c].to_numpy(dtype=float)) if c in ("value", "score")
               else _cells(entries[c]) for c in names]
    shown = [c in always for c in names]
    records = []
    for cells in zip(*columns) if names else ((),) * len(entries):
        records.append({name: cell for name, cell, keep in zip(names, cells, shown)
                        if keep or cell is not None})
    return records
