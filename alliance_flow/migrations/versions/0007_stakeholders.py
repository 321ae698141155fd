"""stakeholder table: contact person, interest level and notes; uploads awaiting confirmation

Revision ID: 0007_stakeholders
Revises: 0006
Create Date: 2026-11-30 12:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_stakeholders"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contact_person", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("interest", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("notes", sa.Text(), nullable=True))
    op.create_table(
        "stakeholder_uploads",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("alliance_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=200), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["alliance_id"],
            ["alliances.id"],
            name=op.f("fk_stakeholder_uploads_alliance_id_alliances"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_stakeholder_uploads")),
    )
    with op.batch_alter_table("stakeholder_uploads", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_stakeholder_uploads_alliance_id"), ["alliance_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("stakeholder_uploads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stakeholder_uploads_alliance_id"))
    op.drop_table("stakeholder_uploads")
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_column("notes")
        batch_op.drop_column("interest")
        batch_op.drop_column("contact_person")
