"""Storing a large round fast: each evaluation's indicator details as one compressed JSON
array (``evaluations.details``) instead of a JSON text per indicator row, and the kept result
files compressed (``files.compression``; the files stored before stay as they were, empty
``compression``); ``archive list`` in the order of an index (code, evaluation year, round).

Revision ID: 0003_compact_details
Revises: 0002_national_file
"""

import itertools

import sqlalchemy as sa
from alembic import op

from health_eval.archive.blobs import pack_details, unpack, unpack_details

revision = "0003_compact_details"
down_revision = "0002_national_file"
branch_labels = None
depends_on = None

#: Evaluations moved per query (an archive of the national file holds 100,000 and more).
BATCH = 500

_evaluations = sa.table("evaluations", sa.column("id", sa.Integer),
                        sa.column("details", sa.LargeBinary))
_indicators = sa.table("indicators", sa.column("id", sa.Integer),
                       sa.column("evaluation", sa.Integer), sa.column("details", sa.JSON))
_files = sa.table("files", sa.column("id", sa.Integer), sa.column("size", sa.BigInteger),
                  sa.column("content", sa.LargeBinary), sa.column("compression", sa.String))


def _evaluation_batches(conn):
    ids = conn.execute(sa.select(_evaluations.c.id).order_by(_evaluations.c.id)).scalars().all()
    for start in range(0, len(ids), BATCH):
        yield ids[start:start + BATCH]


def _drop_column(table: str, column: str) -> None:
    """``ALTER TABLE … DROP COLUMN`` on both databases (SQLite ≥ 3.35). Not Alembic's batch
    mode: on SQLite it copies the table and drops the old one, and with foreign keys on,
    dropping ``evaluations`` would delete every segment, criterion and indicator row."""
    op.execute(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')


def upgrade() -> None:
    with op.batch_alter_table("evaluations") as batch:
        batch.add_column(sa.Column("details", sa.LargeBinary))
    with op.batch_alter_table("files") as batch:
        batch.add_column(sa.Column("compression", sa.String(20)))
    op.create_index("ix_evaluations_code_year_round", "evaluations",
                    ["code", "evaluation_year", "round"])
    conn = op.get_bind()
    i = _indicators.c
    for part in _evaluation_batches(conn):
        rows = conn.execute(sa.select(i.evaluation, i.details).where(i.evaluation.in_(part))
                            .order_by(i.evaluation, i.id)).all()
        blobs = [{"key": evaluation, "blob": pack_details([d for _, d in group])}
                 for evaluation, group in itertools.groupby(rows, key=lambda r: r[0])]
        if blobs:
            conn.execute(_evaluations.update().where(_evaluations.c.id == sa.bindparam("key"))
                         .values(details=sa.bindparam("blob")), blobs)
    _drop_column("indicators", "details")


def downgrade() -> None:
    with op.batch_alter_table("indicators") as batch:
        batch.add_column(sa.Column("details", sa.JSON))
    conn = op.get_bind()
    i, e = _indicators.c, _evaluations.c
    for part in _evaluation_batches(conn):
        blobs = dict(conn.execute(sa.select(e.id, e.details).where(e.id.in_(part))).all())
        rows = conn.execute(sa.select(i.evaluation, i.id).where(i.evaluation.in_(part))
                            .order_by(i.evaluation, i.id)).all()
        values = []
        for evaluation, group in itertools.groupby(rows, key=lambda r: r[0]):
            ids = [key for _, key in group]
            details = unpack_details(blobs.get(evaluation)) or [None] * len(ids)
            values += [{"key": key, "value": d} for key, d in zip(ids, details, strict=True)]
        if values:
            conn.execute(_indicators.update().where(i.id == sa.bindparam("key"))
                         .values(details=sa.bindparam("value")), values)
    f = _files.c
    for key, size, blob in conn.execute(sa.select(f.id, f.size, f.content).where(
            f.compression.is_not(None))).all():
        conn.execute(_files.update().where(f.id == key).values(content=unpack(blob, size)))
    _drop_column("files", "compression")
    _drop_column("evaluations", "details")
    op.drop_index("ix_evaluations_code_year_round", "evaluations")
