"""a version on the rows people edit, for optimistic locking

Revision ID: 0014_row_versions
Revises: 0013_member_consents
Create Date: 2026-11-30 13:22:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_row_versions"
down_revision: str | None = "0013_member_consents"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("organisations", "members", "meetings", "action_plan_items")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("version", sa.Integer(), server_default="1", nullable=False)
            )


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("version")
