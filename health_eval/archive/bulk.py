"""Fast inserts of a round's long tables (segments, criteria, indicators, indicator summaries).

A 10,000-segment round has about 200,000 indicator rows: row-by-row binding through SQLAlchemy
costs more than the evaluation itself. Here the rows go to the driver directly, inside the
transaction the archive opened: PostgreSQL ``COPY … FROM STDIN (FORMAT csv)`` from one CSV
text written by pandas, SQLite ``executemany`` of plain tuples. JSON columns are serialised
once per row (the engine's ``json_serializer``); NaN and NA become NULL.
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from .connect import _json


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def bulk_insert(conn: sa.Connection, table: sa.Table, frame: pd.DataFrame) -> None:
    """Insert the rows of ``frame`` (its columns are columns of ``table``) into ``table``."""
    if frame.empty:
        return
    frame = frame.copy()
    for column in table.c:
        if column.name not in frame:
            continue
        if isinstance(column.type, sa.JSON):
            frame[column.name] = [None if v is None or (isinstance(v, float) and v != v)
                                  else _json(v) for v in frame[column.name]]
        elif isinstance(column.type, sa.Integer):
            frame[column.name] = pd.to_numeric(frame[column.name]).astype("Int64")
    names = ", ".join(_quoted(c) for c in frame.columns)
    raw = conn.connection.dbapi_connection
    if conn.dialect.name == "postgresql":
        text = frame.to_csv(index=False, header=False, na_rep="", lineterminator="\n")
        with raw.cursor() as cursor, cursor.copy(
                f"COPY {_quoted(table.name)} ({names}) FROM STDIN WITH (FORMAT csv)") as copy:
            copy.write(text)
        return
    values = frame.astype(object)
    values = values.where(values.notna(), None)
    cursor = raw.cursor()
    try:
        cursor.executemany(f"INSERT INTO {_quoted(table.name)} ({names}) VALUES "
                           f"({', '.join('?' * len(frame.columns))})",
                           values.itertuples(index=False, name=None))
    finally:
        cursor.close()
