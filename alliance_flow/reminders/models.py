"""The outbox and the channels an alliance is reached on; same metadata as alliance_flow.models."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from alliance_flow.models import Base, UTCDateTime, utcnow

#: Outbox statuses. "cancelled" is set only on a reminder for a meeting date that no longer holds.
PENDING = "pending"
SENT = "sent"
FAILED = "failed"
CANCELLED = "cancelled"
STATUSES = (PENDING, SENT, FAILED, CANCELLED)


class AllianceChannel(Base):
    """Where one audience of an alliance is reached: Apprise URL(s), or a mailto template.

    Audiences: coordinators, members, funders, and `email`, a mailto URL template with `{email}`
    used for members who gave an e-mail address but no channel of their own.
    """

    __tablename__ = "alliance_channels"
    __table_args__ = (UniqueConstraint("alliance_id", "audience"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(
        ForeignKey("alliances.id", ondelete="CASCADE"), index=True
    )
    audience: Mapped[str] = mapped_column(String(40))
    apprise_url: Mapped[str] = mapped_column(Text)


class OutboxMessage(Base):
    """One notification, recorded once when it became due, then delivered (and retried)."""

    __tablename__ = "reminder_outbox"
    __table_args__ = (
        UniqueConstraint("alliance_id", "kind", "subject", "due_on", "recipient"),
        Index("ix_reminder_outbox_status_next", "status", "next_attempt_at"),
        # A sweep reads a chunk of alliances' pending (moved meetings) and failed messages.
        Index("ix_reminder_outbox_alliance_status", "alliance_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(ForeignKey("alliances.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(120))
    due_on: Mapped[date] = mapped_column(Date)
    #: "member:<id>" or "audience:<name>"; resolved to a channel at delivery time.
    recipient: Mapped[str] = mapped_column(String(80))
    language: Mapped[str] = mapped_column(String(8), default="en")
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    #: Keys (url_key) of the channel's URLs that already accepted this message: a retry goes
    #: only to the others, so a channel of two URLs with one down never duplicates.
    delivered_to: Mapped[str | None] = mapped_column(Text)
    claimed_by: Mapped[str | None] = mapped_column(String(40))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
