"""a charter draft per alliance, published later as the next version

Revision ID: 0016_charter_drafts
Revises: 0015_dissemination
Create Date: 2026-11-30 15:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_charter_drafts"
down_revision: str | None = "0015_dissemination"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "charter_drafts",
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("alliance_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("saved_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["alliance_id"],
            ["alliances.id"],
            name=op.f("fk_charter_drafts_alliance_id_alliances"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("alliance_id", name=op.f("pk_charter_drafts")),
    )


def downgrade() -> None:
    op.drop_table("charter_drafts")
