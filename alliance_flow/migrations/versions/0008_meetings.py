"""meetings from invitation to minutes: minutes per agenda item, move sequence, calendar feeds,
operating rules

Revision ID: 0008_meetings
Revises: 0007_stakeholders
Create Date: 2026-11-30 12:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_meetings"
down_revision: str | None = "0007_stakeholders"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("alliances", schema=None) as batch_op:
        batch_op.add_column(sa.Column("operating_rules", sa.Text(), nullable=True))
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("duration_minutes", sa.Integer(), nullable=False, server_default="120")
        )
        batch_op.add_column(sa.Column("sequence", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("minutes", sa.Text(), nullable=True))
    op.create_table(
        "calendar_feeds",
        sa.Column("alliance_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["alliance_id"],
            ["alliances.id"],
            name=op.f("fk_calendar_feeds_alliance_id_alliances"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("alliance_id", name=op.f("pk_calendar_feeds")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_feeds_token_hash")),
    )


def downgrade() -> None:
    op.drop_table("calendar_feeds")
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.drop_column("minutes")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_column("sequence")
        batch_op.drop_column("duration_minutes")
    with op.batch_alter_table("alliances", schema=None) as batch_op:
        batch_op.drop_column("operating_rules")
