"""outbox: which of a channel's URLs already accepted a message

Revision ID: 0011_outbox_delivered_to
Revises: 0010_action_plan_smart
Create Date: 2026-11-30 12:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_outbox_delivered_to"
down_revision: str | None = "0010_action_plan_smart"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reminder_outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("delivered_to", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reminder_outbox", schema=None) as batch_op:
        batch_op.drop_column("delivered_to")
