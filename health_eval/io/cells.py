"""Raw cells, and their vectorised coercion to each catalogue dtype.

Each column of a raw grid is split into text cells and native cells (numbers, dates from Excel,
typed columns of Parquet files and DataFrames) — :class:`Cells` — and coerced by
:data:`COERCERS` to str, float, int, bool or date with vectorised parsers that read what
exports write (full-width digits, thousands separators, ``2021年3月5日``, ``20210305``, 是/否).
Each coercer returns the typed column and the mask of unreadable cells;
:mod:`health_eval.io.columns` reports them. Columns of millions of cells hold few distinct texts:
text is cleaned, and looked up (:class:`Distinct`), once per distinct text, and a typed column
with no text is taken as it is.

References: ARCHITECTURE.md §1, §3; the table catalogue in :mod:`health_eval.io.tables`.
"""

from __future__ import annotations

import contextlib
import datetime
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .tables import Column, code_key

__all__ = ["COERCERS", "TEXT_DTYPE", "Cells", "Distinct", "is_blank", "map_distinct",
           "missing_series", "split_cells"]


#: The dtype of text columns.
TEXT_DTYPE = pd.StringDtype()
_EXCEL_EPOCH = "1899-12-30"
_EXCEL_MAX_SERIAL = 2958466  # 10000-01-01
_BOOL_WORDS = {
    "true": True, "false": False, "1": True, "0": False, "yes": True, "no": False,
    "y": True, "n": False, "是": True, "否": False, "√": True, "×": False,
    "有": True, "无": False,
}
_DATE_RE = (r"^(?P<year>\d{4})\s*[-/.年]\s*(?P<month>\d{1,2})\s*[-/.月]\s*(?P<day>\d{1,2})\s*日?"
            r"(?:[\sT]+(?P<hour>\d{1,2}):(?P<minute>\d{1,2})(?::(?P<second>\d{1,2}))?)?$")
_COMPACT_DATE_RE = r"^(\d{4})(\d{2})(\d{2})$"
_THOUSANDS_RE = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")


# --------------------------------------------------------------------------------------------
# Cells and coercion
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Distinct:
    """A text column factorised: its distinct texts, and for each cell the code of its text.

    As :func:`pandas.factorize` gives them: ``values`` (string dtype) in order of first
    appearance, ``codes`` -1 where the cell is blank. A column of millions of cells holds a
    handful (parameters, units) to thousands (station codes) of distinct texts, so work done
    once per distinct text and spread by the codes — cleaning, code and unit lookups — is cheap.
    """

    codes: np.ndarray
    values: pd.api.extensions.ExtensionArray

    @classmethod
    def of(cls, text: pd.Series) -> Distinct:
        """Factorise a text column."""
        codes, values = pd.factorize(text)
        return cls(codes, pd.array(values, dtype=TEXT_DTYPE))

    def column(self) -> pd.Series:
        """The text column itself (<NA> where blank)."""
        return pd.Series(self.values.take(self.codes, allow_fill=True))

    def lookup(self, mapping: dict, key=None) -> np.ndarray:
        """``mapping.get(key(text))`` of each distinct text (None where absent), then None for
        blank cells: indexed by :attr:`codes`, it gives each cell's."""
        return _translate(list(self.values), mapping, key)

    def replace(self, values) -> Distinct:
        """The column with distinct text ``i`` replaced by ``values[i]`` (None blanks it),
        factorised again (two texts may become one)."""
        renumber, values = pd.factorize(pd.array(values, dtype=TEXT_DTYPE))
        return Distinct(np.append(renumber, -1)[self.codes], values)


@dataclass
class Cells:
    """One column of raw cells, split into text and non-text values.

    ``text`` (string dtype) holds the stripped text of text cells and <NA> elsewhere (blank
    text is <NA> too), or is None when the column holds no text at all (a typed column of a
    Parquet file or DataFrame: millions of <NA> would cost time for nothing); ``native`` holds
    non-text values as read (numbers, dates, booleans from xlsx, Parquet or typed DataFrames),
    or is None when the column has none. One of the two is not None. ``distinct`` is ``text``
    factorised when that is known (a column of text cells only, as read), else None.
    ``headers`` gives each cell's header as written when the cells come from several columns
    (the parameter columns of a melted wide sheet), so that a problem names the right one.
    """

    text: pd.Series | None
    native: pd.Series | None
    distinct: Distinct | None = None
    headers: np.ndarray | None = None

    def __len__(self) -> int:
        """Number of cells."""
        return len(self.native if self.text is None else self.text)

    def blank(self) -> np.ndarray:
        """Which cells are empty."""
        if self.text is None:
            return self.native.isna().to_numpy(dtype=bool)
        blank = self.text.isna().to_numpy(dtype=bool)
        if self.native is not None:
            blank = blank & self.native.isna().to_numpy(dtype=bool)
        return blank

    def has_text(self) -> bool:
        """Whether any cell is text."""
        return self.text is not None and bool(self.text.notna().any())

    def text_cells(self) -> pd.Series:
        """The text cells, <NA> elsewhere (all <NA> when ``text`` is None)."""
        return _no_text(len(self)) if self.text is None else self.text

    def take(self, keep: np.ndarray) -> Cells:
        """The cells at ``keep`` — a boolean mask, or positions (repeats allowed) — renumbered
        from 0."""
        headers = None if self.headers is None else self.headers[keep]
        return Cells(_take(self.text, keep), _take(self.native, keep), headers=headers)

    def display(self, positions: np.ndarray) -> list[str | None]:
        """The cells at ``positions`` as text, for messages."""
        out = []
        for pos in positions.tolist():
            text = None if self.text is None else self.text.iat[pos]
            if not pd.isna(text):
                out.append(str(text))
            elif self.native is not None and not is_blank(self.native.iat[pos]):
                out.append(_scalar_text(self.native.iat[pos]))
            else:
                out.append(None)
        return out

    def factorised(self) -> Distinct:
        """:meth:`as_text` factorised (at no cost when :attr:`distinct` is known)."""
        if self.distinct is not None:
            return self.distinct
        return Distinct.of(self.as_text())

    def as_text(self) -> pd.Series:
        """Every cell as stripped text (numbers without a spurious ``.0``), <NA> when blank."""
        if self.native is None:
            return self.text
        if self.text is None:
            return _native_text(self.native)
        return self.text.fillna(_native_text(self.native))


def _take(values: pd.Series | None, keep: np.ndarray) -> pd.Series | None:
    """``values`` at ``keep`` (mask or positions), renumbered from 0; None stays None."""
    return None if values is None else values.iloc[keep].reset_index(drop=True)


def is_blank(value) -> bool:
    """Whether a scalar cell is missing (None, NaN, NaT, NA)."""
    if value is None:
        return True
    return np.ndim(value) == 0 and bool(pd.isna(value))


def split_cells(column: pd.Series, factorise: bool = False) -> Cells:
    """Split a raw column into its text cells and its non-text cells.

    ``factorise`` asks for a column of text cells to come factorised (:attr:`Cells.distinct`):
    when its texts are to be looked up, that costs less than factorising it later.
    """
    column = column.reset_index(drop=True)
    if isinstance(column.dtype, pd.CategoricalDtype):
        column = column.astype(object)
    dtype = column.dtype
    is_object = pd.api.types.is_object_dtype(dtype)
    text_dtype = not is_object and pd.api.types.is_string_dtype(dtype)
    if text_dtype or (is_object and pd.api.types.infer_dtype(column, skipna=True) in (
            "string", "empty")):
        text, distinct = _clean_text(column.astype(TEXT_DTYPE), factorise)
        return Cells(text, None, distinct)
    if is_object:
        is_text = np.fromiter((isinstance(v, str) for v in column.to_numpy()), dtype=bool,
                              count=len(column))
        text, _ = _clean_text(column.where(is_text).astype(TEXT_DTYPE), factorise=False)
        native = column.where(~is_text & column.notna().to_numpy(), None)
        return Cells(text, native if native.notna().any() else None)
    if isinstance(dtype, pd.DatetimeTZDtype):
        column = column.dt.tz_localize(None)
    return Cells(None, column)


def _no_text(n: int) -> pd.Series:
    """A text column of ``n`` missing cells: an Arrow null array when strings are Arrow-backed
    (pandas 3; ten times faster than repeating a scalar), else repeated <NA>."""
    if getattr(TEXT_DTYPE, "storage", None) == "pyarrow":
        import pyarrow as pa

        return pd.Series(pd.array(pa.nulls(n, pa.large_string()), dtype=TEXT_DTYPE))
    return pd.Series(pd.NA, index=pd.RangeIndex(n), dtype=TEXT_DTYPE)


def _clean_text(text: pd.Series, factorise: bool) -> tuple[pd.Series, Distinct | None]:
    """Strip surrounding whitespace, blank text becoming <NA>; the text, and it factorised
    when asked to or when it had to be stripped (else None).

    Each distinct text is checked and cleaned once; a column that needs no cleaning (the usual
    case) is kept as it is, and one whose only blemish is empty cells (a CSV's blanks) has them
    blanked by pyarrow.
    """
    distinct = Distinct.of(text) if factorise else None
    state = _text_state(text if distinct is None else pd.Series(distinct.values))
    if state is None:
        values = pd.Series(text.unique() if distinct is None else distinct.values)
        stripped = values.str.strip()
        state = "clean" if (stripped.eq(values) & stripped.ne("")).all() else "dirty"
    if state == "clean":
        return text, distinct
    if state == "blanks" and distinct is None:
        return _blanked(text), None
    distinct = Distinct.of(text) if distinct is None else distinct
    stripped = pd.Series(distinct.values).str.strip()
    distinct = distinct.replace(stripped.mask(stripped.eq("")))
    return distinct.column(), distinct


#: Python's whitespace characters (:meth:`str.isspace`) as an RE2 class (for pyarrow): a text
#: starting or ending with one is changed by :meth:`str.strip`.
_SPACE = "[\t-\r\x1c- \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
_EDGE_SPACE = f"^{_SPACE}|{_SPACE}$"


def _text_state(text: pd.Series) -> str | None:
    """How much cleaning an Arrow-backed text column needs, asked of its distinct texts in
    pyarrow: ``clean`` (none), ``blanks`` (empty texts only, no whitespace to strip) or
    ``dirty``; None for other storage."""
    if getattr(text.dtype, "storage", None) != "pyarrow":
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    distinct = pc.unique(pa.array(text.array))
    if pc.any(pc.match_substring_regex(distinct, _EDGE_SPACE)).as_py():
        return "dirty"
    return "blanks" if pc.any(pc.equal(distinct, "")).as_py() else "clean"


def _blanked(text: pd.Series) -> pd.Series:
    """An Arrow-backed text column with its empty texts <NA>."""
    import pyarrow as pa
    import pyarrow.compute as pc

    values = pa.array(text.array)
    blanked = pc.if_else(pc.equal(values, ""), pa.scalar(None, values.type), values)
    return pd.Series(pd.array(blanked, dtype=TEXT_DTYPE))


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
        return native.astype(TEXT_DTYPE)
    if pd.api.types.is_float_dtype(native.dtype):
        values = native.to_numpy(dtype="float64", na_value=np.nan)
        integral = np.isfinite(values) & (np.mod(values, 1) == 0) & (np.abs(values) < 2**53)
        text = native.astype(TEXT_DTYPE)
        if integral.any():
            text[integral] = pd.Series(values[integral].astype(np.int64)).astype(TEXT_DTYPE).values
        return text
    return native.map(_scalar_text, na_action="ignore").astype(TEXT_DTYPE)


def _to_str(cells: Cells, excel: bool) -> tuple[pd.Series, np.ndarray]:
    """Text column: stripped, <NA> when blank; never fails."""
    text = cells.as_text()
    return text, np.zeros(len(text), dtype=bool)


def _numbers(cells: Cells) -> tuple[pd.Series, np.ndarray]:
    """Cells as float64 (NaN when blank or unreadable) and the mask of unreadable cells.

    A float64 column of numbers only is returned as it is, not copied (copy-on-write: pandas
    copies it before any change).
    """
    native = cells.native
    if native is not None and not cells.has_text() and (
            pd.api.types.is_numeric_dtype(native.dtype)
            and not pd.api.types.is_bool_dtype(native.dtype)):
        numbers = native if native.dtype == np.float64 else pd.Series(
            native.to_numpy(dtype="float64", na_value=np.nan), copy=False)
        return numbers, np.isinf(numbers.to_numpy())
    text = cells.text_cells()
    combined = text.astype(object)
    if native is not None:
        combined = combined.where(text.notna().to_numpy(), native.astype(object))
    filled = ~cells.blank()
    numbers = np.full(len(combined), np.nan)
    if filled.any():
        numbers[filled] = _parse_numbers(combined.to_numpy(dtype=object)[filled])
    return pd.Series(numbers, copy=False), filled & ~np.isfinite(numbers)


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
    return numbers.mask(bad) if bad.any() else numbers, bad


def _to_int(cells: Cells, excel: bool) -> tuple[pd.Series, np.ndarray]:
    """Integer column (nullable Int64): whole numbers only (``3`` or ``3.0``)."""
    numbers, bad = _numbers(cells)
    values = numbers.to_numpy()
    with np.errstate(invalid="ignore"):
        bad |= np.isfinite(values) & ((np.mod(values, 1) != 0) | (np.abs(values) >= 2**63))
    return numbers.mask(bad).astype("Int64"), bad


def _to_bool(cells: Cells, excel: bool) -> tuple[pd.Series, np.ndarray]:
    """Boolean column (nullable boolean): true/false, 1/0, yes/no, y/n, 是/否, √/×, 有/无."""
    if cells.native is not None and pd.api.types.is_bool_dtype(cells.native.dtype):
        result = cells.native.astype("boolean")      # a typed column (Parquet, DataFrames)
        return result, np.zeros(len(result), dtype=bool)
    text = cells.text_cells()
    result = map_distinct(text, _BOOL_WORDS, key=code_key)
    if cells.native is not None:
        native = map_distinct(cells.native, {True: True, False: False})
        result = np.where(text.notna().to_numpy(), result, native)
    result = pd.Series(result, dtype=object).astype("boolean")
    bad = ~cells.blank() & result.isna().to_numpy(dtype=bool)
    return result, bad


def map_distinct(values: pd.Series, mapping: dict, key=None) -> np.ndarray:
    """``values`` translated by ``mapping`` (None where absent), looking up each distinct value
    once — a column of millions of cells holds a handful of words — as ``key(value)`` when
    ``key`` is given."""
    codes, uniques = pd.factorize(values)          # in the column's own (Arrow) dtype: fast
    return _translate(list(uniques), mapping, key)[codes]  # code -1 takes the trailing None


def _translate(uniques: list, mapping: dict, key) -> np.ndarray:
    """``mapping.get(key(u))`` of each of ``uniques`` (None where absent), then None."""
    if key is not None:
        uniques = [key(u) for u in uniques]
    return np.array([mapping.get(u) if _hashable(u) else None for u in uniques] + [None],
                    dtype=object)


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
            and not cells.has_text():               # a typed column (Parquet, DataFrames)
        try:                         # pandas converts three times faster than numpy
            result = cells.native.astype("datetime64[ns]")
        except pd.errors.OutOfBoundsDatetime:
            return _typed_dates_in_range(cells.native.to_numpy())
        return result, np.zeros(len(result), dtype=bool)
    text = cells.text_cells()
    result = _parse_date_text(text)
    if cells.native is not None:
        native = _native_dates(cells.native, excel)
        result = result.where(text.notna().to_numpy(), native)
    in_range = (result >= pd.Timestamp.min) & (result <= pd.Timestamp.max)
    result = result.where(in_range.to_numpy(dtype=bool))
    result = pd.Series(result.to_numpy(dtype="datetime64[ns]"), dtype="datetime64[ns]")
    bad = ~cells.blank() & result.isna().to_numpy(dtype=bool)
    return result, bad


def _typed_dates_in_range(values: np.ndarray) -> tuple[pd.Series, np.ndarray]:
    """Typed dates (datetime64 of any unit) as datetime64[ns]; a date outside the nanosecond
    range (1677-09-22 … 2262-04-11) is unreadable, as it is in text, never wrapped around."""
    first, last = (np.datetime64(day).astype(values.dtype) for day in ("1677-09-22", "2262-04-11"))
    in_range = (values >= first) & (values <= last)
    result = np.where(in_range, values, np.datetime64("NaT")).astype("datetime64[ns]")
    return pd.Series(result, copy=False), ~in_range & ~np.isnat(values)


def _parse_date_text(text: pd.Series) -> pd.Series:
    """Parse date text; unparseable or invalid dates (``2021-02-30``) give NaT.

    Each distinct text is parsed once: ISO ``%Y-%m-%d`` by pandas' C parser, the rest with one
    pattern covering ``/``, ``.``, ``年月日`` separators and an optional ``HH:MM[:SS]``.
    """
    codes, uniques = pd.factorize(text)
    uniques = pd.Series(np.asarray(uniques, dtype=object), dtype=TEXT_DTYPE)
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


COERCERS = {"str": _to_str, "float": _to_float, "int": _to_int, "bool": _to_bool,
             "date": _to_date}

_DTYPES = {"str": TEXT_DTYPE, "float": "float64", "int": "Int64", "bool": "boolean",
           "date": "datetime64[ns]"}


def missing_series(column: Column, n: int) -> pd.Series:
    """An all-missing series of ``n`` rows in the column's dtype."""
    return pd.Series(None, dtype=_DTYPES[column.dtype], index=pd.RangeIndex(n))
