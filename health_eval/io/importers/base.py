"""What every importer shares: the files as grids, the reference tables, station matching.

A bureau's file is read as :class:`Source` grids (one per CSV file or workbook sheet, cells as
text or as Excel gives them, grid row ``r`` being the user's row ``r + 1``), detected by its
header, title row or layout, and turned by an importer into :class:`Imported` rows of one
catalogue table, each keeping the row of the original file. Names in the files are matched to
the package's own tables (:class:`References`): a 断面名称 to the station table's 测站名称 —
exactly, then normalised (full-width to half-width, spaces, the suffixes 断面/站) — and a
water body to the 河湖名录's name.

References: ARCHITECTURE.md §1 (tolerant reading), §6 (every row located).
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import re
import unicodedata
from collections.abc import Callable, Collection
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ...issues import InputError, Issue
from ..cells import split_cells
from ..headers import column_of_header, header_text
from ..readers import CSV_ENCODINGS, RawTable
from ..tables import table_spec
from .messages import Place

__all__ = ["HEAD_ROWS", "Imported", "References", "Source", "StationMatch", "read_sources"]

#: Rows at the top of a file that detection looks at.
HEAD_ROWS = 12


@dataclass
class Source:
    """One grid of a bureau's file: a CSV file, or one sheet of a workbook.

    ``data`` holds a CSV file's bytes re-encoded as UTF-8 (importers of large exports parse it
    themselves); ``load`` returns the whole grid (object cells, positional columns; grid row
    ``r`` is the user's row ``r + 1``); ``head`` its first :data:`HEAD_ROWS` rows.
    """

    file: str
    sheet: str | None
    sha256: str
    head: pd.DataFrame
    load: Callable[[], pd.DataFrame]
    data: bytes | None = None
    path: Path | None = None

    @property
    def label(self) -> str:
        """``file [sheet]`` for messages and provenance."""
        return f"{self.file} [{self.sheet}]" if self.sheet else self.file


@dataclass
class Imported:
    """The tidy rows an importer made of one source.

    Parameters
    ----------
    table : str
        Catalogue table the rows belong to (``wq_samples``, ``daily_flow``…).
    frame : DataFrame
        Columns named by catalogue codes (or Chinese headers), cells as a file holds them;
        typed and checked as any table when the package is assembled.
    rows : ndarray of int
        Row of the original file (Excel row, CSV line) each frame row comes from.
    issues : list of Issue
        What the importer met, located in the original file.
    account : dict
        For the provenance: importer, file, sheet, rows read / used / rejected, notes.
    """

    table: str
    frame: pd.DataFrame
    rows: np.ndarray
    issues: list[Issue] = field(default_factory=list)
    account: dict = field(default_factory=dict)


def read_sources(path: str | Path, shown: str | None = None,
                 sheets: Collection[str] | None = None) -> list[Source]:
    """The grids of a CSV file (UTF-8, UTF-8 with BOM, GB18030) or of a workbook's sheets
    (only ``sheets`` when given).

    Raises
    ------
    InputError
        A file that cannot be read (missing, damaged, unknown encoding).
    """
    path = Path(path)
    shown = shown or str(path)
    place = Place("input", shown)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError([place.issue("import.not_recognised", "error", kind="?",
                                      detail=str(exc))]) from exc
    sha = hashlib.sha256(raw).hexdigest()
    if path.suffix.lower() == ".csv":
        return [_csv_source(raw, shown, sha, path, place)]
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _workbook_sources(raw, shown, sha, sheets, path)
    raise InputError([place.issue("import.not_recognised", "error", kind="CSV/xlsx",
                                  detail=path.suffix or path.name)])


#: Bytes at the start of a CSV file decoded to detect its layout and encoding.
_HEAD_BYTES = 1 << 16


def _csv_source(raw: bytes, shown: str, sha: str, path: Path, place: Place) -> Source:
    """A CSV file as a source. A file whose start is UTF-8 is handed on as it is (the parser
    decodes it; the whole text is decoded only when the grid is asked for); else the first of
    the readers' encodings that fits decodes it, and it is handed on re-encoded as UTF-8."""
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    start = raw[:_HEAD_BYTES]
    if len(raw) > _HEAD_BYTES:
        start = start[:start.rfind(b"\n") + 1] or start
    try:
        head_text = start.decode("utf-8")
        data = raw

        def text() -> str:
            return _decoded(raw, place)
    except UnicodeDecodeError:
        whole = _decoded(raw, place)
        head_text, data = whole[:_HEAD_BYTES], whole.encode("utf-8")

        def text() -> str:
            return whole
    return Source(shown, None, sha, _csv_grid(head_text, HEAD_ROWS),
                  lambda: _csv_grid(text(), None), data, path)


def _decoded(raw: bytes, place: Place) -> str:
    """Bytes as text, in the first of the readers' encodings that fits.

    Raises
    ------
    InputError
        When none fits.
    """
    for encoding in CSV_ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError([place.issue("import.not_recognised", "error", kind="CSV",
                                  detail="encoding (UTF-8, GB18030)")])


def _csv_grid(text: str, nrows: int | None) -> pd.DataFrame:
    """A CSV text as a grid of text cells ('' → None), ragged lines padded."""
    body = text
    if nrows is not None:                      # the first lines only, without splitting all
        end = -1
        for _ in range(nrows):
            end = text.find("\n", end + 1)
            if end < 0:
                break
        body = text if end < 0 else text[:end]
    width = max(map(len, csv.reader(io.StringIO(body))), default=0)
    if width == 0:
        return pd.DataFrame()
    grid = pd.read_csv(io.StringIO(body), header=None, names=range(width), index_col=False,
                       dtype=str, keep_default_na=False, skip_blank_lines=False)
    return grid.astype(object).where(grid.ne(""), None)


def _workbook_sources(raw: bytes, shown: str, sha: str, only: Collection[str] | None,
                      path: Path) -> list[Source]:
    """One source per sheet of a workbook (only those named in ``only`` when given): the first
    rows read for detection, the whole sheet when it is loaded (merged cells give their value
    at the top left)."""
    sources = []
    with _open_workbook(raw, shown) as book:
        for sheet in book.worksheets:
            if only is not None and sheet.title not in only:
                continue
            sheet.reset_dimensions()
            head = _sheet_grid(sheet.iter_rows(max_row=HEAD_ROWS, values_only=True))
            sources.append(Source(shown, sheet.title, sha, head,
                                  lambda title=sheet.title: _load_sheet(raw, shown, title),
                                  None, path))
    return sources


@contextmanager
def _open_workbook(raw: bytes, shown: str):
    """The workbook of ``raw`` (read only, values), closed after use."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise InputError([Place("input", shown).issue(
            "import.not_recognised", "error", kind="xlsx",
            detail=f"{type(exc).__name__}: {exc}")]) from exc
    try:
        yield book
    finally:
        book.close()


def _load_sheet(raw: bytes, shown: str, title: str) -> pd.DataFrame:
    """Every row of one sheet as a grid."""
    with _open_workbook(raw, shown) as book:
        sheet = book[title]
        sheet.reset_dimensions()
        return _sheet_grid(sheet.iter_rows(values_only=True))


def _sheet_grid(rows) -> pd.DataFrame:
    """Rows of cell values as an object grid, ragged rows padded with None."""
    rows = list(rows)
    width = max(map(len, rows), default=0)
    return pd.DataFrame([tuple(r) + (None,) * (width - len(r)) for r in rows],
                        columns=range(width), dtype=object)


def row_texts(grid: pd.DataFrame, at: int) -> list[str]:
    """Row ``at`` of a grid as header texts."""
    return [header_text(v) for v in grid.iloc[at].tolist()]


def find_row(grid: pd.DataFrame, wanted: Callable[[list[str]], bool]) -> int | None:
    """The first grid row whose texts satisfy ``wanted``, or None."""
    for at in range(len(grid)):
        if wanted(row_texts(grid, at)):
            return at
    return None


# --------------------------------------------------------------------------------------------
# The package's own tables: what names in bureau files are matched to
# --------------------------------------------------------------------------------------------

@dataclass
class References:
    """Stations, segments and water bodies of the package, as text (years as numbers)."""

    stations: pd.DataFrame
    segments: pd.DataFrame
    water_bodies: pd.DataFrame

    @classmethod
    def from_raws(cls, raws: list[RawTable]) -> References:
        """Read the three tables from the package's raw tables (absent ones are empty)."""
        wanted = {"stations": ("station_id", "name", "segment_id"),
                  "segments": ("segment_id", "water_body_id", "name"),
                  "water_bodies": ("water_body_id", "name", "evaluation_year")}
        frames = {name: pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
                  for name, columns in wanted.items()}
        for raw in raws:
            if raw.spec.name in wanted and not raw.empty:
                frames[raw.spec.name] = _text_columns(raw, wanted[raw.spec.name])
        years = pd.to_numeric(frames["water_bodies"]["evaluation_year"], errors="coerce")
        frames["water_bodies"]["evaluation_year"] = years
        return cls(**frames)

    def station_year(self, station_ids: pd.Series) -> pd.Series:
        """The evaluation year of each station's water body (NaN when unknown)."""
        chain = self.stations.merge(self.segments[["segment_id", "water_body_id"]],
                                    on="segment_id", how="left").merge(
            self.water_bodies[["water_body_id", "evaluation_year"]], on="water_body_id",
            how="left")
        years = dict(zip(chain["station_id"], chain["evaluation_year"]))
        return station_ids.map(years).astype("float64")

    def default_year(self) -> float:
        """The evaluation year when the package has one only (NaN otherwise)."""
        years = self.water_bodies["evaluation_year"].dropna().unique()
        return float(years[0]) if len(years) == 1 else np.nan


def _text_columns(raw: RawTable, columns: tuple[str, ...]) -> pd.DataFrame:
    """Columns of a raw table as stripped text, found by their headers."""
    headers, data, _, _ = raw.split_header()
    spec = table_spec(raw.spec.name)
    out = {c: pd.Series([None] * len(data), dtype=object) for c in columns}
    for j, header in enumerate(headers):
        column = column_of_header(header, spec)
        if column is not None and column.name in columns:
            out[column.name] = split_cells(data.iloc[:, j]).as_text().astype(object).where(
                lambda s: s.notna(), None).reset_index(drop=True)
    return pd.DataFrame(out)


def normalise_name(name: str) -> str:
    """A station name as compared loosely: NFKC (full-width to half-width), no spaces,
    case-folded, without a trailing 断面 or 站."""
    text = "".join(unicodedata.normalize("NFKC", str(name)).split()).casefold()
    return re.sub(r"(断面|站)$", "", text)


@dataclass
class StationMatch:
    """Distinct names of a file matched to station codes.

    ``codes`` gives each name's station code (None when unknown or ambiguous); ``closest`` the
    nearest station names of an unknown name; ``ambiguous`` the stations a name fits when it
    fits several.
    """

    codes: list[str | None]
    closest: dict[str, list[str]]
    ambiguous: dict[str, list[str]]
    no_stations: bool = False


def match_stations(names: list[str], stations: pd.DataFrame) -> StationMatch:
    """Match names to the station table: its codes and names exactly, then normalised names.

    Two stations with the same name make that name ambiguous (never a guess).
    """
    exact: dict[str, set[str]] = {}
    loose: dict[str, set[str]] = {}
    for code, name in zip(stations["station_id"], stations["name"]):
        if code is None:
            continue
        exact.setdefault(str(code), set()).add(str(code))
        if name is not None:
            exact.setdefault(str(name), set()).add(str(code))
            loose.setdefault(normalise_name(name), set()).add(str(code))
        loose.setdefault(normalise_name(code), set()).add(str(code))
    known = [str(n) for n in stations["name"] if n is not None]
    codes, closest, ambiguous = [], {}, {}
    for name in names:
        found = exact.get(name) or loose.get(normalise_name(name)) or set()
        if len(found) == 1:
            codes.append(next(iter(found)))
            continue
        codes.append(None)
        if found:
            ambiguous[name] = sorted(found)
        else:
            closest[name] = difflib.get_close_matches(name, known, n=3, cutoff=0.3)
    return StationMatch(codes, closest, ambiguous, no_stations=not exact)


def first_rows(keys: np.ndarray, rows: np.ndarray, n_keys: int) -> tuple[np.ndarray, np.ndarray]:
    """Per key ``0..n_keys-1``: how many rows have it, and the first (smallest) such row."""
    counts = np.bincount(keys, minlength=n_keys)
    first = np.full(n_keys, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, keys, rows)
    return counts, first


#: Cell problems listed one by one per column; the rest are counted in one more issue.
LISTED_PER_COLUMN = 20


def cell_issues(place: Place, rule: str, mask: np.ndarray, rows: np.ndarray, values,
                column: str, **fields) -> list[Issue]:
    """Errors at the flagged cells (at most :data:`LISTED_PER_COLUMN`, then a count)."""
    at = np.flatnonzero(mask)
    issues = [place.issue(rule, "error", row=int(rows[k]), column=column, value=values[k],
                          **fields) for k in at[:LISTED_PER_COLUMN].tolist()]
    if len(at) > LISTED_PER_COLUMN:
        issues.append(place.issue("import.more", "error", column=column,
                                  n=len(at) - LISTED_PER_COLUMN))
    return issues


def station_issues(place: Place, match: StationMatch, names: list[str], codes: np.ndarray,
                   rows: np.ndarray, column: str) -> list[Issue]:
    """One issue per name that is not a station (a warning: its rows are not used, counted,
    with the closest station names) or fits several (an error); one error when the package
    has no station table at all."""
    if match.no_stations and names:
        return [place.issue("import.no_reference", "error", column=column,
                            needed="监测站点 (stations)", what=column)]
    counts, first = first_rows(codes[codes >= 0], rows[codes >= 0], len(names))
    issues = []
    for k, name in enumerate(names):
        if name in match.ambiguous:
            issues.append(place.issue("import.station_ambiguous", "error", row=int(first[k]),
                                      column=column, value=name,
                                      stations=", ".join(match.ambiguous[name])))
        elif name in match.closest:
            issues.append(place.issue("import.station_unknown", "warning", row=int(first[k]),
                                      column=column, value=name, n=int(counts[k]),
                                      closest="、".join(match.closest[name]) or "—"))
    return issues
