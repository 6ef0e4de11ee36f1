"""The archive's tables (SQLAlchemy Core), the same on SQLite and PostgreSQL.

One row of ``rounds`` is one stored evaluation result (a run), identified by its content
digest; ``evaluations`` is a water body in a round (its evaluation year, RHI, class, criterion
scores, the national file's basic facts, revision and current flag); ``segments``, ``criteria``
and ``indicators`` hang from an evaluation (the indicator rows' ``details`` are kept in the
round's ``result.json`` only, :mod:`.blobs`); ``wb_indicators`` holds each indicator's water-body
score (segment-weighted) for trends; ``issues`` (with their structured keys) and ``files``
(result files with their SHA-256, ``result.json``/``result.xlsx`` kept byte for byte —
compressed, ``compression`` naming the codec —, reports by path and hash) hang from a round.
``water_bodies`` is the lasting identity of a river or lake, ``water_body_codes`` the codes it
was archived under (its id history). The migrations in ``migrations/versions`` build exactly
these tables; a test checks that they agree.
"""

from __future__ import annotations

import sqlalchemy as sa

from ..vocabulary import CRITERIA as VOCABULARY_CRITERIA

metadata = sa.MetaData()
#: The class columns of an evaluation and of a segment.
CLASS_COLUMNS = ["rhi", "health_class", "health_label", "health_name"]
#: The criterion score columns of an evaluation.
CRITERIA = list(VOCABULARY_CRITERIA)


def _fk(table: str) -> sa.ForeignKey:
    return sa.ForeignKey(f"{table}.id", ondelete="CASCADE")


rounds = sa.Table(
    "rounds", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("digest", sa.String(64), nullable=False, unique=True),
    sa.Column("stored_at", sa.String(40), nullable=False),
    sa.Column("run_time", sa.String(40)),
    sa.Column("engine_version", sa.String(40)),
    sa.Column("dataset", sa.Text),
    sa.Column("profiles", sa.JSON),
    sa.Column("reading", sa.JSON),
    sa.Column("inputs", sa.JSON),
    sa.Column("options", sa.JSON),
    sa.Column("provenance", sa.JSON),
)

water_bodies = sa.Table(
    "water_bodies", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("code", sa.String(200), nullable=False, unique=True),
    sa.Column("national_code", sa.String(200), index=True),
    sa.Column("name", sa.Text),
    sa.Column("kind", sa.String(20)),
)

water_body_codes = sa.Table(
    "water_body_codes", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("water_body", sa.Integer, _fk("water_bodies"), nullable=False, index=True),
    sa.Column("code", sa.String(200), nullable=False),
    sa.Column("national_code", sa.String(200)),
    sa.Column("first_round", sa.Integer, _fk("rounds"), nullable=False),
    sa.UniqueConstraint("water_body", "code", name="uq_water_body_code"),
)

evaluations = sa.Table(
    "evaluations", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("round", sa.Integer, _fk("rounds"), nullable=False),
    sa.Column("water_body", sa.Integer, _fk("water_bodies"), nullable=False),
    sa.Column("code", sa.String(200), nullable=False),
    sa.Column("evaluation_year", sa.Integer, nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("current", sa.Boolean, nullable=False),
    sa.Column("name", sa.Text),
    sa.Column("kind", sa.String(20)),
    sa.Column("profile_id", sa.Text),
    sa.Column("rhi", sa.Float),
    sa.Column("health_class", sa.Integer),
    sa.Column("health_label", sa.Text),
    sa.Column("health_name", sa.Text),
    sa.Column("basin", sa.Float),
    sa.Column("water", sa.Float),
    sa.Column("biota", sa.Float),
    sa.Column("social", sa.Float),
    sa.Column("facts", sa.JSON),
    sa.UniqueConstraint("round", "water_body", name="uq_evaluation"),
    sa.Index("ix_evaluations_water_body_year", "water_body", "evaluation_year"),
    sa.Index("ix_evaluations_code_year_round", "code", "evaluation_year", "round"),
)

segments = sa.Table(
    "segments", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("evaluation", sa.Integer, _fk("evaluations"), nullable=False, index=True),
    sa.Column("segment_id", sa.String(200), nullable=False),
    sa.Column("name", sa.Text),
    sa.Column("segment_weight", sa.Float),
    sa.Column("rhi", sa.Float),
    sa.Column("health_class", sa.Integer),
    sa.Column("health_label", sa.Text),
    sa.Column("health_name", sa.Text),
)

criteria = sa.Table(
    "criteria", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("evaluation", sa.Integer, _fk("evaluations"), nullable=False, index=True),
    sa.Column("segment_id", sa.String(200), nullable=False),
    sa.Column("criterion", sa.String(40), nullable=False),
    sa.Column("score", sa.Float),
    sa.Column("weight", sa.Float),
    sa.Column("n_evaluated", sa.Integer),
)

indicators = sa.Table(
    "indicators", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("evaluation", sa.Integer, _fk("evaluations"), nullable=False, index=True),
    sa.Column("segment_id", sa.String(200), nullable=False),
    sa.Column("indicator_id", sa.String(200), nullable=False),
    sa.Column("indicator_name", sa.Text),
    sa.Column("criterion", sa.String(40)),
    sa.Column("required", sa.Boolean),
    sa.Column("value", sa.Float),
    sa.Column("unit", sa.Text),
    sa.Column("score", sa.Float),
    sa.Column("weight", sa.Float),
    sa.Column("base_weight", sa.Float),
    sa.Column("status", sa.String(40)),
    sa.Column("source", sa.String(40)),
    sa.Column("n_obs", sa.Integer),
)

wb_indicators = sa.Table(
    "wb_indicators", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("evaluation", sa.Integer, _fk("evaluations"), nullable=False, index=True),
    sa.Column("indicator_id", sa.String(200), nullable=False),
    sa.Column("indicator_name", sa.Text),
    sa.Column("criterion", sa.String(40)),
    sa.Column("score", sa.Float),
    sa.Column("points", sa.Float),
)

issues = sa.Table(
    "issues", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("round", sa.Integer, _fk("rounds"), nullable=False, index=True),
    sa.Column("table_name", sa.Text),
    sa.Column("file", sa.Text),
    sa.Column("sheet", sa.Text),
    sa.Column("row", sa.Integer),
    sa.Column("column_name", sa.Text),
    sa.Column("value", sa.Text),
    sa.Column("rule", sa.Text),
    sa.Column("severity", sa.String(20)),
    sa.Column("message_zh", sa.Text),
    sa.Column("message_en", sa.Text),
    sa.Column("water_body_id", sa.String(200)),
    sa.Column("segment_id", sa.String(200)),
    sa.Column("indicator_id", sa.String(200)),
    sa.Column("count", sa.Integer),
)

files = sa.Table(
    "files", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("round", sa.Integer, _fk("rounds"), nullable=False, index=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("content", sa.LargeBinary),
    sa.Column("compression", sa.String(20)),
)

#: Tables whose rows belong to one round (a killed ``add`` must leave none of them).
ROUND_TABLES = (rounds, evaluations, segments, criteria, indicators, wb_indicators, issues, files,
                water_body_codes)
