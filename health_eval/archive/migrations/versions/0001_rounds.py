"""Rounds, water bodies, evaluations and their segments, criteria, indicators, issues, files.

Revision ID: 0001_rounds
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_rounds"
down_revision = None
branch_labels = None
depends_on = None


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer, primary_key=True, autoincrement=True)


def _fk(name: str, table: str, **kwargs) -> sa.Column:
    return sa.Column(name, sa.Integer, sa.ForeignKey(f"{table}.id", ondelete="CASCADE"),
                     nullable=False, **kwargs)


def _class_columns() -> list[sa.Column]:
    return [sa.Column("rhi", sa.Float), sa.Column("health_class", sa.Integer),
            sa.Column("health_label", sa.Text), sa.Column("health_name", sa.Text)]


def upgrade() -> None:
    op.create_table(
        "rounds", _id(),
        sa.Column("digest", sa.String(64), nullable=False, unique=True),
        sa.Column("stored_at", sa.String(40), nullable=False),
        sa.Column("run_time", sa.String(40)), sa.Column("engine_version", sa.String(40)),
        sa.Column("dataset", sa.Text), sa.Column("profiles", sa.JSON),
        sa.Column("reading", sa.JSON), sa.Column("inputs", sa.JSON),
        sa.Column("options", sa.JSON), sa.Column("provenance", sa.JSON))
    op.create_table(
        "water_bodies", _id(),
        sa.Column("code", sa.String(200), nullable=False, unique=True),
        sa.Column("national_code", sa.String(200), index=True),
        sa.Column("name", sa.Text), sa.Column("kind", sa.String(20)))
    op.create_table(
        "evaluations", _id(), _fk("round", "rounds"), _fk("water_body", "water_bodies"),
        sa.Column("code", sa.String(200), nullable=False),
        sa.Column("evaluation_year", sa.Integer, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("current", sa.Boolean, nullable=False),
        sa.Column("name", sa.Text), sa.Column("kind", sa.String(20)),
        sa.Column("profile_id", sa.Text), *_class_columns(),
        *[sa.Column(c, sa.Float) for c in ("basin", "water", "biota", "social")],
        sa.UniqueConstraint("round", "water_body", name="uq_evaluation"),
        sa.Index("ix_evaluations_water_body_year", "water_body", "evaluation_year"))
    op.create_table(
        "segments", _id(), _fk("evaluation", "evaluations", index=True),
        sa.Column("segment_id", sa.String(200), nullable=False), sa.Column("name", sa.Text),
        sa.Column("segment_weight", sa.Float), *_class_columns())
    op.create_table(
        "criteria", _id(), _fk("evaluation", "evaluations", index=True),
        sa.Column("segment_id", sa.String(200), nullable=False),
        sa.Column("criterion", sa.String(40), nullable=False), sa.Column("score", sa.Float),
        sa.Column("weight", sa.Float), sa.Column("n_evaluated", sa.Integer))
    op.create_table(
        "indicators", _id(), _fk("evaluation", "evaluations", index=True),
        sa.Column("segment_id", sa.String(200), nullable=False),
        sa.Column("indicator_id", sa.String(200), nullable=False),
        sa.Column("indicator_name", sa.Text), sa.Column("criterion", sa.String(40)),
        sa.Column("required", sa.Boolean), sa.Column("value", sa.Float),
        sa.Column("unit", sa.Text), sa.Column("score", sa.Float), sa.Column("weight", sa.Float),
        sa.Column("base_weight", sa.Float), sa.Column("status", sa.String(40)),
        sa.Column("source", sa.String(40)), sa.Column("n_obs", sa.Integer),
        sa.Column("details", sa.JSON))
    op.create_table(
        "wb_indicators", _id(), _fk("evaluation", "evaluations", index=True),
        sa.Column("indicator_id", sa.String(200), nullable=False),
        sa.Column("indicator_name", sa.Text), sa.Column("criterion", sa.String(40)),
        sa.Column("score", sa.Float), sa.Column("points", sa.Float))
    op.create_table(
        "issues", _id(), _fk("round", "rounds", index=True),
        *[sa.Column(c, sa.Text) for c in ("table_name", "file", "sheet")],
        sa.Column("row", sa.Integer),
        *[sa.Column(c, sa.Text) for c in ("column_name", "value", "rule")],
        sa.Column("severity", sa.String(20)),
        sa.Column("message_zh", sa.Text), sa.Column("message_en", sa.Text))
    op.create_table(
        "files", _id(), _fk("round", "rounds", index=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False), sa.Column("content", sa.LargeBinary))


def downgrade() -> None:
    for table in ("files", "issues", "wb_indicators", "indicators", "criteria", "segments",
                  "evaluations", "water_bodies", "rounds"):
        op.drop_table(table)
