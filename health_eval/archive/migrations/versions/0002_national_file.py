"""The national health file (河湖健康档案): basic facts per evaluation, the id history.

Revision ID: 0002_national_file
Revises: 0001_rounds
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_national_file"
down_revision = "0001_rounds"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("evaluations") as batch:
        batch.add_column(sa.Column("facts", sa.JSON))
    op.create_table(
        "water_body_codes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("water_body", sa.Integer,
                  sa.ForeignKey("water_bodies.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("code", sa.String(200), nullable=False),
        sa.Column("national_code", sa.String(200)),
        sa.Column("first_round", sa.Integer, sa.ForeignKey("rounds.id", ondelete="CASCADE"),
                  nullable=False),
        sa.UniqueConstraint("water_body", "code", name="uq_water_body_code"))


def downgrade() -> None:
    op.drop_table("water_body_codes")
    # not Alembic's batch mode: on SQLite it copies ``evaluations`` and drops the old table,
    # which with foreign keys on deletes every segment, criterion and indicator row
    op.execute('ALTER TABLE "evaluations" DROP COLUMN "facts"')
