"""Why a segment has no value of an indicator: the real cause, in Chinese and English.

The engine marks ``no_data`` every segment an indicator's ``compute`` returned nothing for
(:func:`health_eval.engine.compute.indicator_table`). :func:`missing_reasons` says why, by the same
rules the indicators read their inputs with, checked in this order:

1. ``table.absent`` — the package holds none of the indicator's measuring tables;
2. ``station.none`` — (station tables) no station of the segment has rows in them, and none
   can be borrowed: the message says what to add (a station of the segment in 监测站点, or a
   neighbour segment whose stations stand in, 借用测站河段); ``stations.none`` when 监测站点
   itself is missing or has no data row;
3. ``station.no_rows`` — its stations (own or borrowed) have no row of the evaluation year;
4. ``rows.none`` — (tables keyed by segment or water body) no row names the segment (or its
   water body);
5. ``rows.unusable`` — rows are there but gave no value (the issues of the table say why).

Each reason is a ``details`` entry (``reason``, ``reason_zh``, ``reason_en``, ``inputs``) that the
result, the reports and the ``indicator.mandatory_missing`` issue carry.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..indicators.stations import assign_stations
from ..io.lookup import is_in
from ..io.tables import table_spec

__all__ = ["CONTEXT_TABLES", "has_inputs", "measuring_tables", "missing_reasons"]

#: Tables every package has or that describe places rather than measure anything: an indicator
#: whose other inputs are all absent is not computed at all (its segments get ``no_data``).
CONTEXT_TABLES = frozenset({"water_bodies", "segments", "stations"})
#: Absent tables keep this reason code (the reports word it as "missing input tables").
ABSENT = "no input data"


def measuring_tables(inputs: tuple[str, ...]) -> list[str]:
    """The inputs that measure something (not :data:`CONTEXT_TABLES`)."""
    return [t for t in inputs if t not in CONTEXT_TABLES]


def has_inputs(inputs: tuple[str, ...], dataset) -> bool:
    """Whether an indicator reading ``inputs`` can compute anything: it reads only context
    tables, or one of its measuring tables has a data row, or is a census given (a census with
    no row says that nothing was found). A table given with headers only holds no data."""
    measuring = measuring_tables(inputs)
    return not measuring or any(
        dataset.has(t) or (t in dataset.tables and table_spec(t).census) for t in measuring)


def _names(tables: list[str]) -> tuple[str, str]:
    """``水质监测数据（wq_samples）`` lists, zh and en."""
    zh = "、".join(table_spec(t).zh for t in tables)
    en = ", ".join(f"{table_spec(t).zh} ({t})" for t in tables)
    return zh, en


def missing_reasons(inputs: tuple[str, ...], dataset, segments: pd.DataFrame, key: str,
                    fallback: str) -> list[dict]:
    """The cause of each missing value, as a ``details`` dict.

    Parameters
    ----------
    inputs : tuple of str
        The indicator's input tables.
    dataset : Dataset
    segments : DataFrame
        ``segment_id, water_body_id`` (and ``neighbour_segment_id`` when station tables are
        read) of the segments without a value, one row each.
    key : {"segment_id", "water_body_id"}
        The indicator's scope.
    fallback : {"neighbour", "none"}
        The profile's ``station_fallback`` policy.

    Returns
    -------
    list of dict
        One per row of ``segments``: ``reason`` (code), ``reason_zh``, ``reason_en``,
        ``inputs``.
    """
    measuring = measuring_tables(inputs)
    given = [t for t in measuring if t in dataset.tables]
    n = len(segments)
    if not given:
        zh, en = _names(measuring)
        return [_reason(ABSENT, f"输入数据中没有表 {zh}", f"the input has no table {en}",
                        inputs)] * n
    # a table given without rows is told by its table.no_rows warning; the reasons below hold
    # for the segment whatever part of the input is evaluated (one water body, a partition)
    filled = [t for t in given if dataset.has(t) or not table_spec(t).census]
    reasons: list[dict | None] = [None] * n
    stationed = [t for t in filled if "station_id" in table_spec(t).column_index]
    if stationed and key == "segment_id":
        _station_reasons(reasons, dataset, segments, stationed, fallback, inputs)
    keyed = [t for t in filled if key in table_spec(t).column_index]
    if keyed:
        zh, en = _names(keyed)
        holding = np.zeros(n, dtype=bool)
        for table in keyed:
            holding |= is_in(segments[key], dataset.table(table)[key])
        place_zh = "河段" if key == "segment_id" else "河湖"
        place_en = "segment" if key == "segment_id" else "water body"
        places = segments[key].tolist()
        for position in np.flatnonzero(~holding).tolist():
            if reasons[position] is None:
                place = places[position]
                reasons[position] = _reason(
                    "rows.none", f"表 {zh} 中没有{place_zh} {place} 的数据行",
                    f"table {en} has no row of {place_en} {place}", inputs)
    zh, en = _names(filled or given)
    unusable = _reason("rows.unusable", f"表 {zh} 的数据不足以计算该指标（原因见该表的其他问题）",
                       f"the rows of table {en} give no value (see the other issues of the "
                       f"table)", inputs)
    return [r if r is not None else unusable for r in reasons]


def _station_reasons(reasons: list[dict | None], dataset, segments: pd.DataFrame,
                     tables: list[str], fallback: str, inputs: tuple[str, ...]) -> None:
    """``station.none`` for segments no station with rows in ``tables`` serves (own or
    borrowed by the ``station_fallback`` policy), ``station.no_rows`` for segments whose
    stations have no row of the evaluation year."""
    stations = dataset.table("stations")
    measured = np.zeros(len(stations), dtype=bool)
    for table in tables:
        measured |= is_in(stations["station_id"], dataset.factorized(table, "station_id")[1])
    serving = stations.loc[measured, ["station_id", "segment_id"]]
    frame = segments.assign(neighbour_segment_id=segments.get("neighbour_segment_id"))
    links = assign_stations(serving, frame, fallback=fallback)
    served = is_in(segments["segment_id"], links["segment_id"])
    zh, en = _names(tables)
    if not dataset.has("stations"):
        lacking = _reason("stations.none",
                          f"没有 监测站点 表或它没有数据行：{zh} 的测站无法对应到河段；请在 监测站点 中"
                          f"填写测站及其所在河段",
                          f"监测站点 (stations) is missing or has no data row: the stations of "
                          f"{en} cannot be placed in segments; list them with their segment in "
                          f"监测站点", inputs)
        for position in np.flatnonzero(~served).tolist():
            reasons[position] = lacking
    neighbours = frame["neighbour_segment_id"].tolist()
    for position in np.flatnonzero(~served).tolist():
        if reasons[position] is not None:
            continue
        neighbour = neighbours[position]
        if fallback == "none":
            borrow_zh = "评价方案不允许借用测站（station_fallback: none）；可为该河段添加测站"
            borrow_en = ("the profile does not borrow stations (station_fallback: none); add a "
                         "station of the segment")
        elif pd.isna(neighbour):
            borrow_zh = ("也未在 评价河段 的“借用测站河段”中指定可借用测站的河段；可为该河段添加测站，"
                         "或填写借用测站河段")
            borrow_en = ("and 评价河段 names no neighbour segment to borrow from "
                         "(借用测站河段, neighbour_segment_id); add a station of the segment, or "
                         "a neighbour segment whose stations stand in")
        else:
            borrow_zh = f"借用测站河段 {neighbour} 也没有这样的测站；可为其中一个河段添加测站"
            borrow_en = (f"its neighbour segment {neighbour} (借用测站河段) has none either; add "
                         f"a station to one of them")
        reasons[position] = _reason(
            "station.none", f"监测站点 中该河段没有测站有 {zh} 数据，{borrow_zh}",
            f"no station of the segment in 监测站点 (stations) has rows in {en}, {borrow_en}",
            inputs)
    serving_stations: dict[str, list[str]] = {}     # in the order of ``links``: one pass
    for segment, station in zip(links["segment_id"].tolist(), links["station_id"].tolist()):
        serving_stations.setdefault(segment, []).append(station)
    segment_ids = segments["segment_id"].tolist()
    for position in np.flatnonzero(served).tolist():
        segment = segment_ids[position]
        mine = serving_stations[segment]
        reasons[position] = _reason(
            "station.no_rows",
            f"河段 {segment} 的测站 {'、'.join(mine)} 在评价年没有可用的 {zh} 数据（见该表的其他问题）",
            f"station(s) {', '.join(mine)} of segment {segment} have no usable row of {en} in "
            f"the evaluation year (see the other issues of the table)", inputs)


def _reason(code: str, zh: str, en: str, inputs: tuple[str, ...]) -> dict:
    return {"reason": code, "reason_zh": zh, "reason_en": en, "inputs": list(inputs)}
