"""Fast inserts of a round's long tables (segments, criteria, indicators, indicator summaries).

A 10,000-segment round has about 200,000 indicator rows: row-by-row binding through SQLAlchemy
costs more than the evaluation itself. Here the rows go to the driver directly, inside the
transaction the archive opened: PostgreSQL ``COPY … FROM STDIN (FORMAT csv)`` from one CSV
text written by pyarrow's CSV writer (strings quoted, so an empty text stays empty and only
a missing value is NULL; numbers in their shortest exact form), SQLite ``executemany`` of
tuples built column by column. NaN and NA become NULL; JSON values are serialised once
(the engine's ``json_serializer``), binary ones written as PostgreSQL's hex text. Rows whose
ids are needed at once (the evaluations) get them first (:func:`reserve_ids`).
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from .connect import _json


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _python_column(values: pd.Series) -> list:
    """A column as Python values, missing ones None (SQLite stores a float NaN as NULL too)."""
    if values.dtype.kind == "f":
        return values.tolist()
    return values.astype(object).where(values.notna(), None).tolist()


def _csv(frame: pd.DataFrame) -> bytes:
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    try:
        arrow = pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError):     # a text column holding a number too
        texts = [c for c in frame.columns if frame[c].dtype == object]
        arrow = pa.Table.from_pandas(frame.assign(**{c: frame[c].map(
            lambda v: v if isinstance(v, str) or pd.isna(v) else str(v))
            for c in texts}), preserve_index=False)
    sink = pa.BufferOutputStream()
    pa_csv.write_csv(arrow, sink, pa_csv.WriteOptions(include_header=False))
    return sink.getvalue().to_pybytes()


def bulk_insert(conn: sa.Connection, table: sa.Table, frame: pd.DataFrame) -> None:
    """Insert the rows of ``frame`` (its columns are columns of ``table``) into ``table``."""
    if frame.empty:
        return
    frame = frame.copy()
    postgresql = conn.dialect.name == "postgresql"
    for column in table.c:
        if column.name not in frame:
            continue
        values = frame[column.name]
        if isinstance(column.type, sa.JSON):
            frame[column.name] = [None if v is None or (isinstance(v, float) and v != v)
                                  else _json(v) for v in values]
        elif isinstance(column.type, sa.LargeBinary) and postgresql:
            frame[column.name] = [None if v is None else "\\x" + v.hex() for v in values]
        elif isinstance(column.type, sa.Integer):
            frame[column.name] = pd.to_numeric(values).astype("Int64")
    names = ", ".join(_quoted(c) for c in frame.columns)
    raw = conn.connection.dbapi_connection
    if postgresql:
        with raw.cursor() as cursor, cursor.copy(
                f"COPY {_quoted(table.name)} ({names}) FROM STDIN WITH (FORMAT csv)") as copy:
            copy.write(_csv(frame))
        return
    rows = list(zip(*(_python_column(frame[c]) for c in frame.columns)))
    cursor = raw.cursor()
    try:
        cursor.executemany(f"INSERT INTO {_quoted(table.name)} ({names}) VALUES "
                           f"({', '.join('?' * len(frame.columns))})", rows)
    finally:
        cursor.close()


def reserve_ids(conn: sa.Connection, table: sa.Table, count: int) -> list[int]:
    """``count`` new ids of ``table`` (its integer primary key ``id``), to insert rows with
    them in bulk: PostgreSQL from the column's sequence; SQLite after the largest id (the
    archive writes inside ``BEGIN IMMEDIATE``: no other writer can take them)."""
    if count == 0:
        return []
    if conn.dialect.name == "postgresql":
        return conn.execute(sa.text(
            "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"),
            {"table": table.name, "n": count}).scalars().all()
    last = conn.execute(sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0))).scalar_one()
    return list(range(last + 1, last + 1 + count))
