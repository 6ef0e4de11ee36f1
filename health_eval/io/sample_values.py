"""Sample values (``wq_samples``, ``drinking_source_samples``): below detection and units.

Below detection: ``<0.01``, ``＜0.01`` and the national ``0.01L`` notation give the value 0.01
flagged below detection; ``未检出``, ``ND``, ``N.D.``, ``<DL``, ``低于检出限`` take the row's
detection limit (SPEC §5; the profile's ``below_detection`` policy decides what enters the means).
Units: every value and detection limit is converted to its parameter's unit
(:data:`health_eval.io.tables.PARAMETER_UNITS`) from the row's ``unit`` or the value header's.

References: ARCHITECTURE.md §1 (tolerant reading); SPEC.md §5; GB 3838-2002 Table 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .cells import TEXT_DTYPE, Cells, Distinct, map_distinct
from .input_issues import Sink
from .tables import PARAMETER_UNITS, code_key
from .units import UnitError, conversion_factor, known_units

__all__ = ["BelowDetection", "apply_below_detection", "convert_sample_units",
           "split_below_detection"]

#: Below-detection markers without a number (compared as :func:`code_key`): the row's detection
#: limit is the value.
_NOT_DETECTED = frozenset({"未检出", "nd", "n.d.", "<dl", "dl", "<检出限", "低于检出限", "未检测出"})
#: ``0.02L``: the national monitoring notation for "not detected, detection limit 0.02".
_L_SUFFIX_RE = r"^(\d+(?:\.\d+)?)\s*[Ll]$"
_PLAIN_DECIMAL_RE = r"^\d+(?:\.\d*)?$"
_LESS_THAN_RE = r"^[<＜]\s*"


@dataclass
class BelowDetection:
    """Where a value column said ``<x`` (less_than) or ``未检出``/``ND`` (not_detected)."""

    less_than: np.ndarray
    not_detected: np.ndarray
    cells: Cells  # the value cells as read, for messages
    header: str


def split_below_detection(cells: Cells, header: str) -> tuple[Cells, BelowDetection | None]:
    """Read below-detection forms before parsing numbers: ``<0.01``/``＜0.01`` and ``0.01L``
    become 0.01 flagged ``less_than``; ``未检出``, ``ND``, ``N.D.``, ``<DL``, ``低于检出限``
    are blanked and flagged ``not_detected``. None instead of the flags when no cell is a
    marker."""
    if cells.text is None:              # a number column: no markers
        return cells, None
    # only cells that are not plain decimals can hold a marker: millions of values, few markers
    odd = np.flatnonzero(cells.text.str.contains(_PLAIN_DECIMAL_RE, regex=True).eq(False)
                         .to_numpy(dtype=bool, na_value=False))
    if not len(odd):
        return cells, None
    less_than, not_detected = np.zeros(len(cells), dtype=bool), np.zeros(len(cells), dtype=bool)
    text = cells.text.iloc[odd]
    marked = pd.Series(map_distinct(text, {k: True for k in _NOT_DETECTED}, key=code_key))
    not_detected[odd] = marked.notna().to_numpy(dtype=bool)
    less_than[odd] = (text.str.match(_LESS_THAN_RE) | text.str.match(_L_SUFFIX_RE)).to_numpy(
        dtype=bool, na_value=False)
    less_than &= ~not_detected
    limit = text.str.replace(_LESS_THAN_RE, "", regex=True).str.replace(
        _L_SUFFIX_RE, r"\1", regex=True)
    read = cells.text.copy()
    read.iloc[odd] = limit.to_numpy()
    read = cells.text.where(~less_than, read).mask(not_detected)
    return Cells(read, cells.native), BelowDetection(less_than, not_detected, cells, header)


def apply_below_detection(values: dict[str, pd.Series], below: BelowDetection | None,
                           rows: np.ndarray, sink: Sink) -> None:
    """Fill ``below_detection`` and ``detection_limit`` from ``<x`` and ``未检出`` values.

    ``<0.01`` gives value 0.01, below_detection True and, when the row has none,
    detection_limit 0.01 (a limit given in the row is kept). ``未检出``/``ND`` gives
    below_detection True and value = the row's detection_limit; without one it is an error.
    below_detection is False where not stated; both columns are created when absent.
    """
    n = len(rows)
    flag = _column_or(values, "below_detection", False, n).astype("boolean").fillna(False)
    limit = _column_or(values, "detection_limit", np.nan, n)
    if below is not None:
        value = values["value"]
        limit = limit.where(~(below.less_than & limit.isna().to_numpy()), value)
        flag = flag | below.less_than | below.not_detected
        no_limit = below.not_detected & limit.isna().to_numpy(dtype=bool)
        sink.cells("value.below_detection_without_limit", "error", no_limit, rows,
                   below.cells, "value", below.header)
        values["value"] = value.where(~below.not_detected, limit)
    values["below_detection"] = flag.astype("boolean")
    values["detection_limit"] = limit.astype("float64")


def _column_or(values: dict[str, pd.Series], name: str, fill, n: int,
               dtype=None) -> pd.Series:
    """Column ``name``, or ``n`` cells of ``fill`` when it is absent (built only then)."""
    if name in values:
        return values[name]
    return pd.Series(fill, index=pd.RangeIndex(n), dtype=dtype)


# --------------------------------------------------------------------------------------------
# Units of sample values (wq_samples, drinking_source_samples)
# --------------------------------------------------------------------------------------------

def convert_sample_units(values: dict[str, pd.Series], factorised: dict[str, Distinct],
                          header_unit: str | None, rows: np.ndarray, sink: Sink) -> None:
    """Convert sample values and detection limits to their parameter's unit (PARAMETER_UNITS).

    A row's unit is its ``unit`` cell, else the unit of the value column's header, else the
    parameter's own. ``unit`` is then the parameter's unit. A unit that is unknown or does not
    fit the parameter (``m`` for ammonia) is a ``unit.unknown`` error. Each distinct
    (parameter, unit) pair is looked up once. ``factorised`` holds the ``parameter`` and
    ``unit`` columns factorised when the caller has them; others are factorised here.
    """
    given = _column_or(values, "unit", pd.NA, len(rows), TEXT_DTYPE)
    unit = factorised.get("unit")
    if header_unit is not None:
        given, unit = given.fillna(header_unit), None
    unit = Distinct.of(given) if unit is None else unit
    parameter = factorised.get("parameter")
    parameter = Distinct.of(values["parameter"]) if parameter is None else parameter
    pair, pairs = _pairs(parameter, unit)
    parameters, units = list(parameter.values), list(unit.values) + [None]   # code -1: None
    wanted = [PARAMETER_UNITS.get(parameters[p]) if p >= 0 else None for p, _ in pairs]
    values["unit"] = _wanted_units(given, wanted, [units[u - 1] for _, u in pairs], pair)
    factors = np.ones(len(pairs))
    for k, (p, u) in enumerate(pairs):
        if wanted[k] is None or u == 0:           # parameter unknown or unit not given
            continue
        try:
            factors[k] = conversion_factor(units[u - 1], wanted[k])
        except UnitError:
            factors[k] = np.nan
            sink.cells("unit.unknown", "error", pair == k, rows, Cells(given, None), "unit",
                       parameter=parameters[p], expected=wanted[k],
                       known=", ".join(known_units(like=wanted[k])))
    if (factors != 1.0).any():
        factor = np.where(np.isnan(factors), 1.0, factors)[pair]
        for column in ("value", "detection_limit"):
            values[column] = values[column] * factor


def _pairs(parameter: Distinct, unit: Distinct) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Each row's (parameter, unit) pair as a code, and the pairs by code — (parameter code,
    unit code + 1): -1 and 0 when blank — in order of first appearance."""
    width = len(unit.values) + 1
    key = parameter.codes.astype(np.int64)          # a new array, worked on in place
    key *= width
    key += unit.codes
    key += 1
    pair, first_seen = pd.factorize(key)
    return pair, [divmod(int(combined), width) for combined in first_seen]


def _wanted_units(given: pd.Series, wanted: list[str | None], written: list[str | None],
                  pair: np.ndarray) -> pd.Series:
    """The ``unit`` column after conversion: per (parameter, unit) pair, the parameter's unit
    (``wanted``), else the unit as written; the ``given`` column itself when that changes
    nothing (the usual case: units written as the parameters' own)."""
    units = [w if w is not None else g for w, g in zip(wanted, written)]
    if units == written:
        return given
    return pd.Series(pd.array(units, dtype=TEXT_DTYPE).take(pair))
