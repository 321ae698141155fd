"""index the outbox by alliance and status, for the sweep's set-based reads

Revision ID: 0009_outbox_alliance_status
Revises: 0008_meetings
Create Date: 2026-11-30 12:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009_outbox_alliance_status"
down_revision: str | None = "0008_meetings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reminder_outbox", schema=None) as batch_op:
        batch_op.create_index(
            "ix_reminder_outbox_alliance_status", ["alliance_id", "status"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("reminder_outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_reminder_outbox_alliance_status")
