"""Manual monitoring reports (地表水环境质量监测月报 style).

A title row or two (``XX区地表水环境质量监测月报``, ``2021年1月``), then one row per 断面 and
sampling date with the GB 3838 items as columns, their units in the headers
(``溶解氧(mg/L)``, ``氨氮(mg/L)``, ``粪大肠菌群(个/L)``), and notes or signatures below. The
断面 names are matched to the station table (as in :mod:`.cnemc`); the sheet is then what the
readers already take — a wide sample sheet, melted by
:func:`health_eval.io.wide.melt_wide_samples` when the package is assembled — so detection-limit notations (``0.01L``,
``<0.01``, ``ND``), units and unreadable cells are read and reported exactly as in any
``水质监测数据`` table (:mod:`health_eval.io.sample_values`). Other columns (水质类别, 超标项目)
are kept and reported as not used.

References: GB 3838-2002 Table 1; HJ 91.2-2022 (surface-water monitoring); SPEC.md §5.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..cells import split_cells
from ..headers import parameter_header
from ..tables import table_spec
from .base import Imported, References, Source, find_row, match_stations, row_texts, station_issues
from .messages import Place

NAME = "manual"
TITLE = "手工监测月报 / manual monitoring report"
TABLE = "wq_samples"

#: Headers naming the 断面 and the sampling date, as reports write them.
STATION_HEADERS = ("断面名称", "监测断面", "断面", "点位名称", "测点名称")
DATE_HEADERS = ("采样日期", "监测日期", "采样时间")
#: Columns that only say where a row belongs (the station does): not read.
CONTEXT = ("序号", "河流名称", "河流(湖库)名称", "河流（湖库）名称", "水体名称", "所在水体", "河流")
#: A report has at least this many parameter columns.
MIN_PARAMETERS = 3


def _is_header(texts: list[str]) -> bool:
    spec = table_spec(TABLE)
    return (any(t in STATION_HEADERS for t in texts) and any(t in DATE_HEADERS for t in texts)
            and sum(parameter_header(t, spec) is not None for t in texts) >= MIN_PARAMETERS)


def detect(source: Source) -> bool:
    """Whether the source has a report's header: a 断面 and a date column and GB 3838 items."""
    return find_row(source.head, _is_header) is not None


def read(source: Source, refs: References, options: dict) -> Imported:
    """Read one report into ``wq_samples`` rows (one per station, date and item)."""
    place = Place(TABLE, source.file, source.sheet)
    grid = source.load()
    at = find_row(grid.head(len(source.head)), _is_header)
    headers = row_texts(grid, at)
    station_at = next(j for j, h in enumerate(headers) if h in STATION_HEADERS)
    date_at = next(j for j, h in enumerate(headers) if h in DATE_HEADERS)
    data = grid.iloc[at + 1:].reset_index(drop=True)
    rows = np.arange(len(data), dtype=np.int64) + at + 2
    cells = [split_cells(data.iloc[:, j]) for j in range(data.shape[1])]
    filled = ~np.logical_and.reduce([c.blank() for c in cells]) if cells else np.zeros(0, bool)
    keyed = ~cells[station_at].blank() | ~cells[date_at].blank()
    issues = []
    skipped = filled & ~keyed                       # titles, notes, signatures
    if skipped.any():
        issues.append(place.issue("import.rows_skipped", "warning",
                                  row=int(rows[skipped][0]), n=int(skipped.sum())))
    names_text = cells[station_at].as_text()
    name_codes, names = pd.factorize(names_text)
    names = [str(n) for n in names]
    match = match_stations(names, refs.stations)
    issues += station_issues(place, match, names, name_codes, rows, headers[station_at])
    station = np.array(match.codes + [None], dtype=object)[name_codes]
    use = keyed & pd.notna(station)
    keep = [j for j, h in enumerate(headers) if j not in (station_at, date_at)
            and h not in CONTEXT and (h or not cells[j].blank()[use].all())]
    wide_headers = ["测站编码", "采样日期"] + [headers[j] or f"column_{j + 1}" for j in keep]
    frame = pd.concat([pd.Series(station[use], dtype=object),
                       data.iloc[np.flatnonzero(use), [date_at] + keep].reset_index(drop=True)],
                      axis=1).set_axis(wide_headers, axis=1)
    read_rows = int(filled.sum())
    return Imported(TABLE, frame, rows[use], issues, {
        "importer": NAME, "file": source.file, "sheet": source.sheet, "sha256": source.sha256,
        "table": TABLE, "read": read_rows, "used": int(use.sum()),
        "rejected": read_rows - int(use.sum()),
        "notes": f"{int(use.sum())} 个断面-日期行，每个监测项目一列 / station-date rows, a column "
                 f"per item"})
