"""Compressed values of the archive: the kept result files and each evaluation's indicator
details.

``result.json`` of a 10,000-segment round is about 130 MB of text; Zstandard (level 1, through
pyarrow's codec) makes it about 7 MB in a fraction of the time gzip takes, so storing a round
is no longer the writing of the file again. ``files.compression`` names the codec (``zstd``,
or empty: stored as is, as migrations 0001/0002 stored them); ``files.size`` is the size of the
file itself and the SHA-256 is checked on the way out.

The ``details`` of the indicator rows of one evaluation (a water body in a round) are one
Zstandard-compressed JSON array in ``evaluations.details``, in the order of the rows' ids: one
JSON text per evaluation instead of one per row (192,000 at 10,000 segments), which is what
made storing slow. The JSON is strict (NaN and ±inf as null, as ``result.json`` holds them).
"""

from __future__ import annotations

import json

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


def evaluation_details(result) -> dict[str, bytes]:
    """Per water body of ``result``, the :func:`pack_details` of its indicator rows' details
    (composed from the result's columnar details, in the rows' order)."""
    water_bodies = result.indicators["water_body_id"].astype(str).tolist()
    grouped: dict[str, list] = {}
    for water_body, details in zip(water_bodies, result.details.records()):
        grouped.setdefault(water_body, []).append(details)
    return {water_body: pack_details(rows) for water_body, rows in grouped.items()}


def unpack_details(blob: bytes | None) -> list:
    """The list :func:`pack_details` stored (empty for no blob)."""
    return [] if blob is None else json.loads(unpack(blob).decode("utf-8"))
