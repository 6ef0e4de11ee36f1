"""Raw cells to typed columns: the vectorised coercion of every catalogue dtype.

Each column of a raw grid is split into text cells and native cells (numbers, dates from Excel),
then coerced to its catalogue dtype — str, float, int, bool, date, and coded columns — with
vectorised parsers; the below-detection forms ``<0.01`` and ``未检出`` of sample values become
flagged values. Unreadable cells are reported, with their user-visible rows, to a
:class:`~health_eval.input_issues.Sink`.

References: ARCHITECTURE.md §1, §3; SPEC.md §5 (below-detection values); the table catalogue in
:mod:`health_eval.tables`.
"""

from __future__ import annotations

import contextlib
import datetime
import re
import unicodedata
from dataclasses import dataclass
from itertools import zip_longest

import numpy as np
import pandas as pd

from .input_issues import Sink
from .tables import PARAMETER_UNITS, Column, TableSpec, code_key, is_sample_value
from .units import UNITS, UnitError, conversion_factor, known_units, normalise_unit

__all__ = ["Cells", "coerce_columns", "is_blank", "missing_series", "percent_as_shown",
           "split_cells"]


_STRING = pd.StringDtype()
_EXCEL_EPOCH = "1899-12-30"
_EXCEL_MAX_SERIAL = 2958466  # 10000-01-01
_BOOL_WORDS = {
    "true": True, "false": False, "1": True, "0": False, "yes": True, "no": False,
    "y": True, "n": False, "是": True, "否": False, "√": True, "×": False,
    "有": True, "无": False,
}
#: Below-detection markers without a number (compared as :func:`code_key`): the row's detection
#: limit is the value.
_NOT_DETECTED = frozenset({"未检出", "nd", "n.d.", "<dl", "dl", "<检出限", "低于检出限", "未检测出"})
#: ``0.02L``: the national monitoring notation for "not detected, detection limit 0.02".
_L_SUFFIX_RE = r"^(\d+(?:\.\d+)?)\s*[Ll]$"
_PLAIN_DECIMAL_RE = r"^\d+(?:\.\d*)?$"
_BELOW_DETECTION_COLUMNS = ("value", "below_detection", "detection_limit")
_DATE_RE = (r"^(?P<year>\d{4})\s*[-/.年]\s*(?P<month>\d{1,2})\s*[-/.月]\s*(?P<day>\d{1,2})\s*日?"
            r"(?:[\sT]+(?P<hour>\d{1,2}):(?P<minute>\d{1,2})(?::(?P<second>\d{1,2}))?)?$")
_LESS_THAN_RE = r"^[<＜]\s*"
_COMPACT_DATE_RE = r"^(\d{4})(\d{2})(\d{2})$"
_THOUSANDS_RE = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")


# --------------------------------------------------------------------------------------------
# Cells and coercion
# --------------------------------------------------------------------------------------------

@dataclass
class Cells:
    """One column of raw cells, split into text and non-text values.

    ``text`` (string dtype) holds the stripped text of text cells and <NA> elsewhere (blank
    text is <NA> too); ``native`` holds non-text values as read (numbers, dates, booleans from
    xlsx, Parquet or typed DataFrames), or is None when the column has none.
    """

    text: pd.Series
    native: pd.Series | None

    def blank(self) -> np.ndarray:
        """Which cells are empty."""
        blank = self.text.isna().to_numpy(dtype=bool)
        if self.native is not None:
            blank = blank & self.native.isna().to_numpy(dtype=bool)
        return blank

    def take(self, keep: np.ndarray) -> Cells:
        """The cells of the kept rows, renumbered from 0."""
        native = None if self.native is None else self.native[keep].reset_index(drop=True)
        return Cells(self.text[keep].reset_index(drop=True), native)

    def display(self, positions: np.ndarray) -> list[str | None]:
        """The cells at ``positions`` as text, for messages."""
        out = []
        for pos in positions.tolist():
            text = self.text.iat[pos]
            if not pd.isna(text):
                out.append(str(text))
            elif self.native is not None and not is_blank(self.native.iat[pos]):
                out.append(_scalar_text(self.native.iat[pos]))
            else:
                out.append(None)
        return out

    def as_text(self) -> pd.Series:
        """Every cell as stripped text (numbers without a spurious ``.0``), <NA> when blank."""
        if self.native is None:
            return self.text
        return self.text.fillna(_native_text(self.native))


def is_blank(value) -> bool:
    """Whether a scalar cell is missing (None, NaN, NaT, NA)."""
    if value is None:
        return True
    return np.ndim(value) == 0 and bool(pd.isna(value))


def split_cells(column: pd.Series) -> Cells:
    """Split a raw column into its text cells and its non-text cells."""
    column = column.reset_index(drop=True)
    if isinstance(column.dtype, pd.CategoricalDtype):
        column = column.astype(object)
    dtype = column.dtype
    is_object = pd.api.types.is_object_dtype(dtype)
    text_dtype = not is_object and pd.api.types.is_string_dtype(dtype)
    if text_dtype or (is_object and pd.api.types.infer_dtype(column, skipna=True) in (
            "string", "empty")):
        return Cells(_clean_text(column.astype(_STRING)), None)
    if is_object:
        is_text = np.fromiter((isinstance(v, str) for v in column.to_numpy()), dtype=bool,
                              count=len(column))
        text = _clean_text(column.where(is_text).astype(_STRING))
        native = column.where(~is_text & column.notna().to_numpy(), None)
        return Cells(text, native if native.notna().any() else None)
    empty = _no_text(len(column))
    if isinstance(dtype, pd.DatetimeTZDtype):
        column = column.dt.tz_localize(None)
    return Cells(empty, column)


def _no_text(n: int) -> pd.Series:
    """A text column of ``n`` missing cells: an Arrow null array when strings are Arrow-backed
    (pandas 3; ten times faster than repeating a scalar), else repeated <NA>."""
    if getattr(_STRING, "storage", None) == "pyarrow":
        import pyarrow as pa

        return pd.Series(pd.array(pa.nulls(n, pa.large_string()), dtype=_STRING))
    return pd.Series(pd.NA, index=pd.RangeIndex(n), dtype=_STRING)


def _clean_text(text: pd.Series) -> pd.Series:
    """Strip surrounding whitespace; blank text becomes <NA>."""
    text = text.str.strip()
    return text.mask((text == "").fillna(False).to_numpy(dtype=bool))


def _scalar_text(value) -> str:
    """One non-text cell as text: integral floats without ``.0``, dates as ISO."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, datetime.date | np.datetime64):  # datetime and Timestamp included
        stamp = pd.Timestamp(value)
        return stamp.strftime("%Y-%m-%d") if stamp == stamp.normalize() else stamp.isoformat(" ")
    return str(value)


def _native_text(native: pd.Series) -> pd.Series:
    """Non-text cells as text, vectorised for typed columns."""
    if pd.api.types.is_integer_dtype(native.dtype) or pd.api.types.is_bool_dtype(native.dtype):
        return native.astype(_STRING)
    if pd.api.types.is_float_dtype(native.dtype):
        values = native.to_numpy(dtype="float64", na_value=np.nan)
        integral = np.isfinite(values) & (np.mod(values, 1) == 0) & (np.abs(values) < 2**53)
        text = native.astype(_STRING)
        if integral.any():
            text[integral] = pd.Series(values[integral].astype(np.int64)).astype(_STRING).values
        return text
    return native.map(_scalar_text, na_action="ignore").astype(_STRING)


def coerce_columns(matched: list[tuple[int, Column, str, str | None]], cells: list[Cells],
                   spec: TableSpec, rows: np.ndarray, excel: bool,
                   sink: Sink) -> dict[str, pd.Series]:
    """Coerce every recognised column; report unreadable and missing required cells.

    Values are converted to the column's unit when the header gives another one
    (``岸坡高度(cm)``); the values of sample tables to their parameter's unit, from the row's
    ``unit`` or else the header's (:func:`_convert_sample_units`). ``85%`` in a % column is 85.
    """
    below, header_unit = None, None
    bd_table = all(c in spec.column_index for c in _BELOW_DETECTION_COLUMNS)
    values: dict[str, pd.Series] = {}
    for position, column, header, unit in matched:
        raw = cells[position]
        parse = _without_percent(raw) if column.unit == "%" else raw
        if bd_table and column.name == "value":
            parse, below = _split_below_detection(raw, header)
        result, bad = _COERCERS[column.dtype](parse, excel)
        if column.codes is not None:
            result, bad = _map_codes(result, column)
        rule = "code.unknown" if column.codes is not None else f"type.{column.dtype}"
        sink.cells(rule, "error", bad, rows, raw, column.name, header,
                   allowed=_allowed(column))
        if column.required:
            sink.cells("value.missing", "error", raw.blank(), rows, raw, column.name, header)
        if unit is not None and is_sample_value(spec, column):
            header_unit = unit
        elif unit is not None and (factor := conversion_factor(unit, column.unit)) != 1.0:
            result = result * factor
        values[column.name] = result
    if bd_table:
        _apply_below_detection(values, below, rows, sink)
    if {"value", "parameter"} <= set(values) and is_sample_value(spec, spec.column("value")):
        _convert_sample_units(values, header_unit, rows, sink)
    return values


def percent_as_shown(cells: Cells, formatted: np.ndarray) -> Cells:
    """Cells of a % column with the numbers Excel shows in a percentage format (stored 0.85,
    shown 85 %) as shown: × 100."""
    if cells.native is None or not formatted.any():
        return cells
    native = cells.native.copy()
    native[formatted] = pd.to_numeric(native[formatted]) * 100
    return Cells(cells.text, native)


def _without_percent(cells: Cells) -> Cells:
    """Text cells of a % column without a trailing ``%`` (``85%`` is 85)."""
    if cells.text.isna().all():
        return cells
    return Cells(cells.text.str.replace(r"\s*[%％]$", "", regex=True), cells.native)


def _allowed(column: Column) -> str:
    """Allowed values of a coded column in both languages: ``left (左岸), right (右岸)``."""
    pairs = zip_longest(column.codes or (), column.code_labels or ())
    return ", ".join(f"{code} ({label})" if label else code for code, label in pairs if code)


def _map_codes(text: pd.Series, column: Column) -> tuple[pd.Series, np.ndarray]:
    """Map codes, Chinese labels and aliases (any case or width, see
    :func:`~health_eval.tables.code_key`) to the code. Other values are flagged in a closed
    column, and kept as written in an open one."""
    mapped = pd.Series(_mapped(text, column.code_synonyms(), key=code_key), dtype=_STRING)
    unmapped = (text.notna() & mapped.isna()).to_numpy(dtype=bool)
    if not column.closed:
        return mapped.where(~unmapped, text), np.zeros(len(text), dtype=bool)
    return mapped, unmapped


def _to_str(cells: Cells, excel: bool) -> tuple[pd.Series, np.ndarray]:
    """Text column: stripped, <NA> when blank; never fails."""
    text = cells.as_text()
    return text, np.zeros(len(text), dtype=bool)


def _numbers(cells: Cells) -> tuple[np.ndarray, np.ndarray]:
    """Cells as float64 (NaN when blank or unreadable) and the mask of unreadable cells."""
    native = cells.native
    if native is not None and cells.text.isna().all() and (
            pd.api.types.is_numeric_dtype(native.dtype)
            and not pd.api.types.is_bool_dtype(native.dtype)):
        numbers = native.to_numpy(dtype="float64", na_value=np.nan).copy()
        return numbers, ~np.isfinite(numbers) & ~np.isnan(numbers)
    combined = cells.text.astype(object)
    if native is not None:
        combined = combined.where(cells.text.notna().to_numpy(), native.astype(object))
    filled = ~cells.blank()
    numbers = np.full(len(combined), np.nan)
    if filled.any():
        numbers[filled] = _parse_numbers(combined.to_numpy(dtype=object)[filled])
    return numbers, filled & ~np.isfinite(numbers)


def _parse_numbers(values: np.ndarray) -> np.ndarray:
    """Parse an object array of number text and numbers; NaN where unreadable.

    ``pd.to_numeric`` decides what is readable; the readable cells are then converted again
    with Python's exact float parsing, because pandas < 3 parses text with a fast but
    not always round-trip-exact routine.
    """
    numbers = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan, copy=True)
    good = np.isfinite(numbers)
    # a spelling pandas reads but Python does not keeps pandas' number
    with contextlib.suppress(TypeError, ValueError):
        numbers[good] = values[good].astype(np.float64)
    retry = np.flatnonzero(~good)
    if len(retry):
        numbers[retry] = [_loose_number(v) for v in values[retry]]
    return numbers


def _loose_number(value) -> float:
    """A number as exports also write it: full-width digits and signs (``１２．５``, ``－３``),
    thousands separators (``1,234.5``), spaces inside; NaN when it still is not a number."""
    if not isinstance(value, str):
        return np.nan
    text = "".join(unicodedata.normalize("NFKC", value).split()).replace("−", "-")
    if _THOUSANDS_RE.match(text):
        text = text.replace(",", "")
    try:
        number = float(text)
    except ValueError:
        return np.nan
    return number if np.isfinite(number) else np.nan


def _to_float(cells: Cells, excel: bool) -> tuple[pd.Series, np.ndarray]:
    """Float column (float64): text or numeric cells; blank gives NaN."""
    numbers, bad = _numbers(cells)
    numbers[bad] = np.nan
    return pd.Series(numbers, dtype="float64"), bad


def _to_int(cells: Cells, excel: bool) -> tuple[pd.Series, np.ndarray]:
    """Integer column (nullable Int64): whole numbers only (``3`` or ``3.0``)."""
    numbers, bad = _numbers(cells)
    with np.errstate(invalid="ignore"):
        bad |= np.isfinite(numbers) & ((np.mod(numbers, 1) != 0) | (np.abs(numbers) >= 2**63))
    numbers[bad] = np.nan
    return pd.Series(numbers).astype("Int64"), bad


def _to_bool(cells: Cells, excel: bool) -> tuple[pd.Series, np.ndarray]:
    """Boolean column (nullable boolean): true/false, 1/0, yes/no, y/n, 是/否, √/×, 有/无."""
    if cells.native is not None and pd.api.types.is_bool_dtype(cells.native.dtype):
        result = cells.native.astype("boolean")      # a typed column (Parquet, DataFrames)
        return result, np.zeros(len(result), dtype=bool)
    result = _mapped(cells.text, _BOOL_WORDS, key=code_key)
    if cells.native is not None:
        native = _mapped(cells.native, {True: True, False: False})
        result = np.where(cells.text.notna().to_numpy(), result, native)
    result = pd.Series(result, dtype=object).astype("boolean")
    bad = ~cells.blank() & result.isna().to_numpy(dtype=bool)
    return result, bad


def _mapped(values: pd.Series, mapping: dict, key=None) -> np.ndarray:
    """``values`` translated by ``mapping`` (None where absent), looking up each distinct value
    once — a column of millions of cells holds a handful of words — as ``key(value)`` when
    ``key`` is given."""
    codes, uniques = pd.factorize(values)          # in the column's own (Arrow) dtype: fast
    uniques = list(uniques)
    if key is not None:
        uniques = [key(u) for u in uniques]
    translated = np.array([mapping.get(u) if _hashable(u) else None for u in uniques] + [None],
                          dtype=object)
    return translated[codes]          # code -1 (missing) takes the trailing None


def _hashable(value) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _to_date(cells: Cells, excel: bool) -> tuple[pd.Series, np.ndarray]:
    """Date column (datetime64[ns]).

    Text: ``2021-03-05``, ``2021/3/5``, ``2021.3.5``, ``2021年3月5日``, optionally followed by
    ``HH:MM[:SS]``. Non-text: datetime values; numbers only in xlsx, as Excel serial dates.
    """
    if cells.native is not None and pd.api.types.is_datetime64_any_dtype(cells.native.dtype) \
            and cells.text.isna().all():               # a typed column (Parquet, DataFrames)
        result = pd.Series(cells.native.to_numpy(dtype="datetime64[ns]"), dtype="datetime64[ns]")
        return result, np.zeros(len(result), dtype=bool)
    result = _parse_date_text(cells.text)
    if cells.native is not None:
        native = _native_dates(cells.native, excel)
        result = result.where(cells.text.notna().to_numpy(), native)
    in_range = (result >= pd.Timestamp.min) & (result <= pd.Timestamp.max)
    result = result.where(in_range.to_numpy(dtype=bool))
    result = pd.Series(result.to_numpy(dtype="datetime64[ns]"), dtype="datetime64[ns]")
    bad = ~cells.blank() & result.isna().to_numpy(dtype=bool)
    return result, bad


def _parse_date_text(text: pd.Series) -> pd.Series:
    """Parse date text; unparseable or invalid dates (``2021-02-30``) give NaT.

    Each distinct text is parsed once: ISO ``%Y-%m-%d`` by pandas' C parser, the rest with one
    pattern covering ``/``, ``.``, ``年月日`` separators and an optional ``HH:MM[:SS]``.
    """
    codes, uniques = pd.factorize(text)
    uniques = pd.Series(np.asarray(uniques, dtype=object), dtype=_STRING)
    parsed = pd.to_datetime(uniques, format="%Y-%m-%d", errors="coerce").astype(
        "datetime64[us]")
    rest = parsed.isna().to_numpy(dtype=bool)
    if rest.any():
        parsed[rest] = _parse_date_pattern(uniques[rest]).to_numpy()
    rest = parsed.isna().to_numpy(dtype=bool)
    if rest.any():   # full-width digits (２０２１年３月５日), compact 20210305
        loose = uniques[rest].str.normalize("NFKC").str.replace(_COMPACT_DATE_RE, r"\1-\2-\3",
                                                                regex=True)
        parsed[rest] = _parse_date_pattern(loose).to_numpy()
    values = np.append(parsed.to_numpy(dtype="datetime64[us]"), np.datetime64("NaT", "us"))
    return pd.Series(values[codes], index=text.index)  # code -1 (missing) picks the NaT


def _parse_date_pattern(text: pd.Series) -> pd.Series:
    """Parse ``2021/3/5``, ``2021.3.5``, ``2021年3月5日`` (optionally ``HH:MM[:SS]``)."""
    groups = text.str.extract(_DATE_RE)
    parts = pd.DataFrame({
        name: pd.to_numeric(groups[name], errors="coerce").to_numpy(dtype="float64",
                                                                    na_value=np.nan)
        for name in groups.columns})
    matched = parts["year"].notna().to_numpy()
    for name in ("hour", "minute", "second"):
        parts.loc[matched, name] = parts.loc[matched, name].fillna(0.0)
    return pd.to_datetime(parts, errors="coerce").astype("datetime64[us]")


def _native_dates(native: pd.Series, excel: bool) -> pd.Series:
    """Non-text date cells: datetime values as they are; numbers as Excel serials (xlsx only)."""
    if pd.api.types.is_datetime64_any_dtype(native.dtype):
        return native.astype("datetime64[us]")
    numbers = pd.to_numeric(native.astype(object), errors="coerce")
    is_number = numbers.notna().to_numpy(dtype=bool)
    out = pd.Series(pd.NaT, index=native.index, dtype="datetime64[us]")
    if excel and is_number.any():
        serial = numbers.where((numbers >= 1) & (numbers < _EXCEL_MAX_SERIAL))
        out[is_number] = pd.to_datetime(serial[is_number], unit="D", origin=_EXCEL_EPOCH,
                                        errors="coerce").astype("datetime64[us]")
    compact = is_number & (numbers >= 19000101).to_numpy(dtype=bool) & (
        numbers <= 21001231).to_numpy(dtype=bool)      # 20210305 typed as a number
    if compact.any():
        out[compact] = pd.to_datetime(numbers[compact].astype("int64").astype(str),
                                      format="%Y%m%d", errors="coerce").astype("datetime64[us]")
    others = native.notna().to_numpy(dtype=bool) & ~is_number
    if others.any():
        out[others] = _datetimes(native[others]).astype("datetime64[us]")
    return out


def _datetimes(values: pd.Series) -> pd.Series:
    """Convert datetime-like objects; anything else (times, text-like objects) gives NaT."""
    try:
        converted = pd.to_datetime(values, errors="coerce")
    except (TypeError, ValueError):  # mixed objects pandas refuses even with coerce
        converted = pd.to_datetime(values.map(_one_datetime), errors="coerce", utc=True)
    if isinstance(converted.dtype, pd.DatetimeTZDtype):
        converted = converted.dt.tz_localize(None)
    return converted


def _one_datetime(value) -> pd.Timestamp:
    """One datetime-like object as a Timestamp, NaT when it is not one."""
    try:
        return pd.Timestamp(value)
    except (TypeError, ValueError):
        return pd.NaT


_COERCERS = {"str": _to_str, "float": _to_float, "int": _to_int, "bool": _to_bool,
             "date": _to_date}

_DTYPES = {"str": _STRING, "float": "float64", "int": "Int64", "bool": "boolean",
           "date": "datetime64[ns]"}


def missing_series(column: Column, n: int) -> pd.Series:
    """An all-missing series of ``n`` rows in the column's dtype."""
    return pd.Series([None] * n, dtype=_DTYPES[column.dtype], index=pd.RangeIndex(n))


# --------------------------------------------------------------------------------------------
# Below detection (wq_samples, drinking_source_samples)
# --------------------------------------------------------------------------------------------

@dataclass
class _BelowDetection:
    """Where a value column said ``<x`` (less_than) or ``未检出``/``ND`` (not_detected)."""

    less_than: np.ndarray
    not_detected: np.ndarray
    cells: Cells  # the value cells as read, for messages
    header: str


def _split_below_detection(cells: Cells, header: str) -> tuple[Cells, _BelowDetection]:
    """Read below-detection forms before parsing numbers: ``<0.01``/``＜0.01`` and ``0.01L``
    become 0.01 flagged ``less_than``; ``未检出``, ``ND``, ``N.D.``, ``<DL``, ``低于检出限``
    are blanked and flagged ``not_detected``."""
    n = len(cells.text)
    less_than, not_detected = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    # only cells that are not plain decimals can hold a marker: millions of values, few markers
    odd = np.flatnonzero(cells.text.str.contains(_PLAIN_DECIMAL_RE, regex=True).eq(False)
                         .to_numpy(dtype=bool, na_value=False))
    if not len(odd):
        return cells, _BelowDetection(less_than, not_detected, cells, header)
    text = cells.text.iloc[odd]
    marked = pd.Series(_mapped(text, {k: True for k in _NOT_DETECTED}, key=code_key))
    not_detected[odd] = marked.notna().to_numpy(dtype=bool)
    less_than[odd] = (text.str.match(_LESS_THAN_RE) | text.str.match(_L_SUFFIX_RE)).to_numpy(
        dtype=bool, na_value=False)
    less_than &= ~not_detected
    limit = text.str.replace(_LESS_THAN_RE, "", regex=True).str.replace(
        _L_SUFFIX_RE, r"\1", regex=True)
    read = cells.text.copy()
    read.iloc[odd] = limit.to_numpy()
    read = cells.text.where(~less_than, read).mask(not_detected)
    return Cells(read, cells.native), _BelowDetection(less_than, not_detected, cells, header)


def _apply_below_detection(values: dict[str, pd.Series], below: _BelowDetection | None,
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

def _convert_sample_units(values: dict[str, pd.Series], header_unit: str | None,
                          rows: np.ndarray, sink: Sink) -> None:
    """Convert sample values and detection limits to their parameter's unit (PARAMETER_UNITS).

    A row's unit is its ``unit`` cell, else the unit of the value column's header, else the
    parameter's own. ``unit`` is then the parameter's unit. A unit that is unknown or does not
    fit the parameter (``m`` for ammonia) is a ``unit.unknown`` error. Each distinct
    (parameter, unit) pair is looked up once.
    """
    n = len(rows)
    given = values.get("unit", pd.Series(pd.NA, index=pd.RangeIndex(n), dtype=_STRING))
    if header_unit is not None:
        given = given.fillna(header_unit)
    parameter_code, parameters = pd.factorize(values["parameter"])
    unit_of = [PARAMETER_UNITS.get(p) for p in parameters] + [None]    # code -1 takes None
    known = np.array([u is not None for u in unit_of])[parameter_code]
    wanted_unit = pd.Series(pd.array(unit_of, dtype=_STRING).take(parameter_code))
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
            dimension = UNITS.get(normalise_unit(wanted), ("",))[0]
            sink.cells("unit.unknown", "error", bad, rows, Cells(given, None), "unit",
                       parameter=parameters[p], expected=wanted,
                       known=", ".join(known_units(dimension)))
    factor = np.where(is_known, factors[pair], 1.0)
    if (factor != 1.0).any():
        for column in ("value", "detection_limit"):
            values[column] = values[column] * np.where(np.isnan(factor), 1.0, factor)
