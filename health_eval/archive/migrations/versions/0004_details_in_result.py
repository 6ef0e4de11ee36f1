"""Storing a large round faster: a round's indicator rows become one Parquet file
(``rounds.indicator_rows``; the ``indicators`` table dropped), their details are kept once, in
the round's ``result.json`` (``evaluations.details`` dropped: encoding them a second time cost
more than the rest of storing); the issues keep their structured keys (water body, segment,
indicator, count; empty for the issues stored before).

Revision ID: 0004_details_in_result
Revises: 0003_compact_details
"""

import pandas as pd
import sqlalchemy as sa
from alembic import op

from health_eval.archive.blobs import (
    pack_details,
    pack_rows,
    stored_details,
    unpack,
    unpack_rows,
)

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
#: The indicator rows' columns as revision 0003 had them (after ``id`` and ``evaluation``).
ROW_COLUMNS = {"segment_id": sa.String(200), "indicator_id": sa.String(200),
               "indicator_name": sa.Text, "criterion": sa.String(40), "required": sa.Boolean,
               "value": sa.Float, "unit": sa.Text, "score": sa.Float, "weight": sa.Float,
               "base_weight": sa.Float, "status": sa.String(40), "source": sa.String(40),
               "n_obs": sa.Integer}
_indicators = sa.table("indicators", sa.column("id", sa.Integer),
                       sa.column("evaluation", sa.Integer),
                       *[sa.column(name, kind) for name, kind in ROW_COLUMNS.items()])
_rounds = sa.table("rounds", sa.column("id", sa.Integer),
                   sa.column("indicator_rows", sa.LargeBinary))
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
    with op.batch_alter_table("rounds") as batch:
        batch.add_column(sa.Column("indicator_rows", sa.LargeBinary))
    conn = op.get_bind()
    e, i = _evaluations.c, _indicators.c
    for (round_id,) in conn.execute(sa.select(_rounds.c.id)).all():
        rows = conn.execute(sa.select(e.code.label("water_body_id"), *[i[c] for c in ROW_COLUMNS])
                            .join(_indicators, i.evaluation == e.id).where(e.round == round_id)
                            .order_by(i.id))
        frame = pd.DataFrame(rows.all(), columns=list(rows.keys())).astype({"n_obs": "Int64"})
        if not frame.empty:
            conn.execute(_rounds.update().where(_rounds.c.id == round_id)
                         .values(indicator_rows=pack_rows(frame)))
    op.drop_table("indicators")


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


def _restore_rows(conn) -> None:
    """The ``indicators`` table of revision 0003, its rows from each round's Parquet file."""
    op.create_table(
        "indicators",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("evaluation", sa.Integer, sa.ForeignKey("evaluations.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        *[sa.Column(name, kind, nullable=name not in ("segment_id", "indicator_id"))
          for name, kind in ROW_COLUMNS.items()])
    e = _evaluations.c
    for round_id, blob in conn.execute(sa.select(_rounds.c.id, _rounds.c.indicator_rows).where(
            _rounds.c.indicator_rows.is_not(None)).order_by(_rounds.c.id)).all():
        keys = dict(conn.execute(sa.select(e.code, e.id).where(e.round == round_id)).all())
        rows = unpack_rows(blob, list(keys))
        rows = rows.assign(evaluation=rows.pop("water_body_id").map(keys)).astype(object)
        conn.execute(_indicators.insert(), rows.where(rows.notna(), None).to_dict("records"))
    op.execute('ALTER TABLE "rounds" DROP COLUMN "indicator_rows"')


def downgrade() -> None:
    for name in ISSUE_KEYS:
        op.execute(f'ALTER TABLE "issues" DROP COLUMN "{name}"')
    conn = op.get_bind()
    _restore_rows(conn)
    with op.batch_alter_table("evaluations") as batch:
        batch.add_column(sa.Column("details", sa.LargeBinary))
    f = _files.c
    for round_id, size, content, compression in conn.execute(
            sa.select(f.round, f.size, f.content, f.compression).where(
                (f.name == "result.json") & f.content.is_not(None))).all():
        blobs = _round_blobs(conn, round_id, size, content, compression)
        if blobs:
            conn.execute(_evaluations.update().where(_evaluations.c.id == sa.bindparam("key"))
                         .values(details=sa.bindparam("blob")), blobs)
