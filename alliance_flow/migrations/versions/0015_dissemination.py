"""who delivers each row of the communication plan; the alliance's public profile

Revision ID: 0015_dissemination
Revises: 0014_row_versions
Create Date: 2026-11-30 15:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_dissemination"
down_revision: str | None = "0014_row_versions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("communication_plan_rows", schema=None) as batch_op:
        batch_op.add_column(sa.Column("responsible", sa.String(length=300), nullable=True))
    op.create_table(
        "alliance_profiles",
        sa.Column("alliance_id", sa.Integer(), nullable=False),
        sa.Column("introduction", sa.Text(), nullable=True),
        sa.Column("show_vision", sa.Boolean(), nullable=False),
        sa.Column("show_partners", sa.Boolean(), nullable=False),
        sa.Column("show_action_plan", sa.Boolean(), nullable=False),
        sa.Column("show_publications", sa.Boolean(), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("publication_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["alliance_id"],
            ["alliances.id"],
            name=op.f("fk_alliance_profiles_alliance_id_alliances"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["publication_id"],
            ["publications.id"],
            name=op.f("fk_alliance_profiles_publication_id_publications"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("alliance_id", name=op.f("pk_alliance_profiles")),
    )
    with op.batch_alter_table("alliance_profiles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_alliance_profiles_publication_id"), ["publication_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("alliance_profiles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alliance_profiles_publication_id"))
    op.drop_table("alliance_profiles")
    with op.batch_alter_table("communication_plan_rows", schema=None) as batch_op:
        batch_op.drop_column("responsible")
