"""action plan: objective, indicator and the day an action was completed

Revision ID: 0010_action_plan_smart
Revises: 0009_outbox_alliance_status
Create Date: 2026-11-30 12:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_action_plan_smart"
down_revision: str | None = "0009_outbox_alliance_status"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("action_plan_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("objective", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("indicator", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("completed_on", sa.Date(), nullable=True))
    # Actions already done keep no invented date: reports count them done whatever the period.


def downgrade() -> None:
    with op.batch_alter_table("action_plan_items", schema=None) as batch_op:
        batch_op.drop_column("completed_on")
        batch_op.drop_column("indicator")
        batch_op.drop_column("objective")
