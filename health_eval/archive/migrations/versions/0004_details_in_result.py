"""Storing a large round faster: the indicator rows' details are kept once, in the round's
``result.json`` (``evaluations.details`` dropped: encoding them a second time cost more than
the rest of storing); the issues keep their structured keys (water body, segment, indicator,
count; empty for the issues stored before).

Revision ID: 0004_details_in_result
Revises: 0003_compact_details
"""

import sqlalchemy as sa
from alembic import op

from health_eval.archive.blobs import pack_details, stored_details, unpack

revision = "0004_details_in_result"
down_revision = "0003_compact_details"
branch_labels = None
depends_on = None

#: The issues' structured keys (:mod:`health_eval.issue_keys`).
ISSUE_KEYS = {"water_body_id": sa.String(200), "segment_id": sa.String(200),
              "indicator_id": sa.String(200), "count": sa.Integer}

_evaluations = sa.table("evaluations", sa.column("id", sa.Integer),
                        sa.column("round", sa.Integer), sa.column("code", sa.String),
                        sa.column("details", sa.LargeBinary))
_indicators = sa.table("indicators", sa.column("id", sa.Integer),
                       sa.column("evaluation", sa.Integer), sa.column("segment_id", sa.String),
                       sa.column("indicator_id", sa.String))
_files = sa.table("files", sa.column("round", sa.Integer), sa.column("name", sa.String),
                  sa.column("size", sa.BigInteger), sa.column("content", sa.LargeBinary),
                  sa.column("compression", sa.String))


def upgrade() -> None:
    # ``ALTER TABLE … DROP COLUMN`` (SQLite ≥ 3.35), not Alembic's batch mode: on SQLite it
    # copies the table and drops the old one, which with foreign keys on would delete every
    # segment, criterion and indicator row
    op.execute('ALTER TABLE "evaluations" DROP COLUMN "details"')
    with op.batch_alter_table("issues") as batch:
        for name, kind in ISSUE_KEYS.items():
            batch.add_column(sa.Column(name, kind))


def _round_blobs(conn, round_id: int, size, content, compression) -> list[dict]:
    """The 0003 ``details`` blob of every evaluation of a round, from its ``result.json``."""
    data = unpack(content, size) if compression is not None else bytes(content)
    details = stored_details(data).set_index(["water_body_id", "segment_id", "indicator_id"])
    e, i = _evaluations.c, _indicators.c
    rows = conn.execute(sa.select(e.id, e.code, i.segment_id, i.indicator_id)
                        .join(_indicators, i.evaluation == e.id).where(e.round == round_id)
                        .order_by(e.id, i.id)).all()
    blobs: dict[int, list] = {}
    for evaluation, *key in rows:
        blobs.setdefault(evaluation, []).append(details["details"].get(tuple(key)))
    return [{"key": k, "blob": pack_details(v)} for k, v in blobs.items()]


def downgrade() -> None:
    for name in ISSUE_KEYS:
        op.execute(f'ALTER TABLE "issues" DROP COLUMN "{name}"')
    with op.batch_alter_table("evaluations") as batch:
        batch.add_column(sa.Column("details", sa.LargeBinary))
    conn = op.get_bind()
    f = _files.c
    for round_id, size, content, compression in conn.execute(
            sa.select(f.round, f.size, f.content, f.compression).where(
                (f.name == "result.json") & f.content.is_not(None))).all():
        blobs = _round_blobs(conn, round_id, size, content, compression)
        if blobs:
            conn.execute(_evaluations.update().where(_evaluations.c.id == sa.bindparam("key"))
                         .values(details=sa.bindparam("blob")), blobs)
