"""Sample values (``wq_samples``, ``drinking_source_samples``): below detection and units.

Below detection: ``<0.01``, ``＜0.01`` and the national ``0.01L`` notation give the value 0.01
flagged below detection; ``未检出``, ``ND``, ``N.D.``, ``<DL``, ``低于检出限`` take the row's
detection limit (SPEC §5; the profile's ``below_detection`` policy decides what enters the means).
Units: every value and detection limit is converted to its parameter's unit
(:data:`health_eval.tables.PARAMETER_UNITS`) from the row's ``unit`` or the value header's.

References: ARCHITECTURE.md §1 (tolerant reading); SPEC.md §5; GB 3838-2002 Table 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .cells import TEXT_DTYPE, Cells, map_distinct
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
    flag = values.get("below_detection", pd.Series(False, index=pd.RangeIndex(n)))
    flag = flag.astype("boolean").fillna(False)
    limit = values.get("detection_limit", pd.Series(np.nan, index=pd.RangeIndex(n)))
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



# --------------------------------------------------------------------------------------------
# Units of sample values (wq_samples, drinking_source_samples)
# --------------------------------------------------------------------------------------------

def convert_sample_units(values: dict[str, pd.Series], header_unit: str | None,
                          rows: np.ndarray, sink: Sink) -> None:
    """Convert sample values and detection limits to their parameter's unit (PARAMETER_UNITS).

    A row's unit is its ``unit`` cell, else the unit of the value column's header, else the
    parameter's own. ``unit`` is then the parameter's unit. A unit that is unknown or does not
    fit the parameter (``m`` for ammonia) is a ``unit.unknown`` error. Each distinct
    (parameter, unit) pair is looked up once.
    """
    n = len(rows)
    given = values.get("unit", pd.Series(pd.NA, index=pd.RangeIndex(n), dtype=TEXT_DTYPE))
    if header_unit is not None:
        given = given.fillna(header_unit)
    parameter_code, parameters = pd.factorize(values["parameter"])
    unit_of = [PARAMETER_UNITS.get(p) for p in parameters] + [None]    # code -1 takes None
    known = np.array([u is not None for u in unit_of])[parameter_code]
    wanted_unit = pd.Series(pd.array(unit_of, dtype=TEXT_DTYPE).take(parameter_code))
    values["unit"] = wanted_unit if known.all() else given.where(~known, wanted_unit)
    is_known = known & given.notna().to_numpy(dtype=bool)
    if not is_known.any():
        return
    unit_code, units = pd.factorize(given)
    width = len(units) + 1                      # unit code + 1: 0 is a blank unit
    pair, pair_index = pd.factorize(parameter_code.astype(np.int64) * width + unit_code + 1)
    factors = np.ones(len(pair_index))
    for k, combined in enumerate(pair_index):
        p, u = divmod(int(combined), width)
        if p < 0 or u == 0 or parameters[p] not in PARAMETER_UNITS:
            continue
        u -= 1
        wanted = PARAMETER_UNITS[parameters[p]]
        try:
            factors[k] = conversion_factor(units[u], wanted)
        except UnitError:
            factors[k] = np.nan
            bad = is_known & (pair == k)
            sink.cells("unit.unknown", "error", bad, rows, Cells(given, None), "unit",
                       parameter=parameters[p], expected=wanted,
                       known=", ".join(known_units(like=wanted)))
    factor = np.where(is_known, factors[pair], 1.0)
    if (factor != 1.0).any():
        for column in ("value", "detection_limit"):
            values[column] = values[column] * np.where(np.isnan(factor), 1.0, factor)
