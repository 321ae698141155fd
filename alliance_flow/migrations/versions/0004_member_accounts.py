"""member accounts: the Member row a user speaks for on each alliance

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Batch mode: SQLite cannot add a foreign key to an existing table, so it is rebuilt.
    with op.batch_alter_table("user_alliance_roles") as batch:
        batch.add_column(sa.Column("member_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_user_alliance_roles_member_id_members"),
            "members",
            ["member_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_unique_constraint(op.f("uq_user_alliance_roles_member_id"), ["member_id"])


def downgrade() -> None:
    with op.batch_alter_table("user_alliance_roles") as batch:
        batch.drop_constraint(op.f("uq_user_alliance_roles_member_id"), type_="unique")
        batch.drop_constraint(op.f("fk_user_alliance_roles_member_id_members"), type_="foreignkey")
        batch.drop_column("member_id")
