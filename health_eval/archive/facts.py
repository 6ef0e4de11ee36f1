"""The national file's basic facts of each water body (河湖健康档案 基本信息), from the input
package's 河湖名录 (``water_bodies``), and the content digest that identifies a result."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import pandas as pd

#: Basic facts kept per water body and round: column of ``water_bodies`` → the national
#: file's field. 河流长度 is ``length_km``; 水面面积 (lakes) is ``area_km2``.
FACT_FIELDS: dict[str, str] = {
    "national_code": "河湖代码",
    "chief": "最高层级河湖长",
    "length_km": "河流长度（km）",
    "basin_area_km2": "流域面积（km²）",
    "area_km2": "水面面积（km²）",
    "counties": "流经县级行政区域",
    "region": "所在区域",
}

#: ``provenance.timestamp`` in ``result.json`` (``to_json``: sorted keys, indent 1): the only
#: key at indent 2 named timestamp (the tables' records hold their keys at indent 3), at the
#: start of a line; its value (up to the next quote on the same line) is left out of the digest.
_TIMESTAMP_KEY = b'  "timestamp": "'


def _key_at(text: bytes, start: int) -> int:
    """Where the next timestamp key at the start of a line begins, from ``start`` (-1: none)."""
    if start == 0 and text.startswith(_TIMESTAMP_KEY):
        return 0
    at = text.find(b"\n" + _TIMESTAMP_KEY, max(start - 1, 0))
    return -1 if at == -1 else at + 1


def result_digest(result_json: bytes) -> str:
    """SHA-256 of a ``result.json`` without its timestamp: two runs on the same input give
    the same digest (the result is the same apart from the timestamp, ARCHITECTURE §6).

    The text is hashed in place, around the timestamp's value (no copy of a file of 150 MB,
    no regular expression over it): the digest of the text with every value of a line
    ``  "timestamp": "…"`` emptied.
    """
    digest, view, copied, start = hashlib.sha256(), memoryview(result_json), 0, 0
    while (at := _key_at(result_json, start)) != -1:
        value = at + len(_TIMESTAMP_KEY)
        close = result_json.find(b'"', value)
        if close == -1:
            break
        if result_json.find(b"\n", value, close) != -1:    # no value on this line
            start = value
            continue
        digest.update(view[copied:value])
        copied, start = close, close + 1
    digest.update(view[copied:])
    return digest.hexdigest()


def facts_from_dataset(dataset) -> pd.DataFrame:
    """The ``water_bodies`` table of an input package (a :class:`health_eval.Dataset` or
    anything :func:`health_eval.load_dataset` reads), indexed by ``water_body_id``, with
    ``evaluation_year`` and the :data:`FACT_FIELDS` columns (missing ones empty)."""
    from ..engine.dataset import load_dataset

    table = load_dataset(dataset).table("water_bodies")
    columns = ["evaluation_year", *FACT_FIELDS]
    frame = table.reindex(columns=["water_body_id", *columns]).set_index("water_body_id")
    return frame[~frame.index.duplicated()]


def facts_record(row: Mapping | None) -> dict:
    """The basic facts of one water body (a row of the facts table: a Series or a mapping) as
    JSON-ready values (empty ones left out)."""
    if row is None:
        return {}
    record = {}
    for key in FACT_FIELDS:
        value = row.get(key)
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            continue
        record[key] = value.item() if hasattr(value, "item") else value
    return record
