"""Compressed values of the archive: the kept result files, and the indicator rows' details
read back from the kept ``result.json``.

``result.json`` of a 10,000-segment round is about 130 MB of text; Zstandard (level 1, through
pyarrow's codec) makes it about 7 MB in a fraction of the time gzip takes, so storing a round
is no longer the writing of the file again. ``files.compression`` names the codec (``zstd``,
or empty: stored as is, as migrations 0001/0002 stored them); ``files.size`` is the size of the
file itself and the SHA-256 is checked on the way out.

The ``details`` of the indicator rows are kept once, in the round's ``result.json`` (since
migration 0004): encoding them again (192,000 JSON texts at 10,000 segments) cost more than
the whole rest of storing a round. :func:`stored_details` reads them back through the
engine's own reader. :func:`pack_details`/:func:`unpack_details` are the one compressed JSON
array per evaluation that revision 0003 kept in ``evaluations.details`` (its migrations only).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

CODEC = "zstd"
#: Zstandard level 1: about 20× smaller JSON at several hundred MB/s.
LEVEL = 1


def _codec():
    import pyarrow as pa

    return pa.Codec(CODEC, compression_level=LEVEL)


def pack(data: bytes) -> bytes:
    """``data`` compressed (one Zstandard frame)."""
    return _codec().compress(data, asbytes=True)


def unpack(blob: bytes, size: int | None = None) -> bytes:
    """The bytes :func:`pack` compressed; ``size`` (their length), when known, is faster."""
    import pyarrow as pa

    if size is not None:
        return _codec().decompress(blob, decompressed_size=size, asbytes=True)
    with pa.input_stream(pa.py_buffer(blob), compression=CODEC) as stream:
        return stream.read()


def stored_details(result_json: bytes) -> pd.DataFrame:
    """The details of a stored ``result.json``'s indicator rows: ``water_body_id, segment_id,
    indicator_id, details`` (one row each, in the file's order), read by
    :meth:`~health_eval.engine.result.EvaluationResult.from_json` (whatever form it gives them)."""
    from ..engine.result import EvaluationResult

    indicators = EvaluationResult.from_json(result_json.decode("utf-8")
                                            ).indicators_with_details()
    return indicators[["water_body_id", "segment_id", "indicator_id", "details"]]


def pack_details(details: list) -> bytes:
    """The details of an evaluation's indicator rows (mappings, in row order) as one
    compressed JSON array (keys sorted, numpy values as plain ones, NaN as null)."""
    from .connect import _json, _numpy_value

    try:
        text = json.dumps(details, ensure_ascii=False, sort_keys=True, allow_nan=False,
                          default=_numpy_value, separators=(",", ":"))
    except ValueError:                      # a NaN in some row: those rows made plain
        text = "[" + ",".join(_json(d) for d in details) + "]"
    return pack(text.encode("utf-8"))


def unpack_details(blob: bytes | None) -> list:
    """The list :func:`pack_details` stored (empty for no blob)."""
    return [] if blob is None else json.loads(unpack(blob).decode("utf-8"))
