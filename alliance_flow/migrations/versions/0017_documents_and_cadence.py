"""files people bring (evaluators' reports, signed plans) and each alliance's evaluation cadence

Revision ID: 0017_documents_and_cadence
Revises: 0016_charter_drafts
Create Date: 2026-11-30 15:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_documents_and_cadence"
down_revision: str | None = "0016_charter_drafts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("alliances", schema=None) as batch_op:
        batch_op.add_column(sa.Column("evaluation_cadence_months", sa.Integer(), nullable=True))
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alliance_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=30), nullable=False),
        sa.Column("evaluation_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=200), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["alliance_id"],
            ["alliances.id"],
            name=op.f("fk_documents_alliance_id_alliances"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["evaluation_id"],
            ["evaluations.id"],
            name=op.f("fk_documents_evaluation_id_evaluations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
    )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_documents_alliance_id"), ["alliance_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_documents_evaluation_id"), ["evaluation_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_documents_evaluation_id"))
        batch_op.drop_index(batch_op.f("ix_documents_alliance_id"))
    op.drop_table("documents")
    with op.batch_alter_table("alliances", schema=None) as batch_op:
        batch_op.drop_column("evaluation_cadence_months")
