"""SQLAlchemy 2 tables: what an alliance records while it follows the guide's method."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates

from alliance_flow.vocabulary import Stage

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC everywhere (SQLite has no time zones) and always hands back aware datetimes."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: give a time zone")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def result_processor(self, dialect: Any, coltype: Any) -> Any:
        """On SQLite, the text SQLAlchemy wrote (UTC, without an offset) is read with "+00:00"
        appended, in one C call: `datetime.replace(tzinfo=...)` took ten times as long as the
        parse (1.9 µs a value), and the read model reads thousands per sweep. Any other text
        (or None) goes the general way, through process_result_value."""
        general = super().result_processor(dialect, coltype)
        if dialect.name != "sqlite" or general is None:
            return general
        parse = datetime.fromisoformat

        def process(value: Any) -> datetime | None:
            try:
                return parse(value + "+00:00")
            except (TypeError, ValueError):  # None, an offset already written, a datetime
                return general(value)

        return process


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


_stage_change_allowed: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "stage_change_allowed", default=False
)


@contextmanager
def stage_change() -> Iterator[None]:
    """Lets test builders put an alliance straight into a stage; the service itself moves the
    stage with a compare-and-set UPDATE (services/stages.py), never through this."""
    token = _stage_change_allowed.set(True)
    try:
        yield
    finally:
        _stage_change_allowed.reset(token)


class Alliance(Base):
    __tablename__ = "alliances"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(200))
    region_boundary: Mapped[str | None] = mapped_column(Text)
    country: Mapped[str] = mapped_column(String(2))
    language: Mapped[str] = mapped_column(String(8), default="en")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    work_plan_start: Mapped[date | None] = mapped_column(Date)
    work_plan_end: Mapped[date | None] = mapped_column(Date)
    stage: Mapped[str] = mapped_column(String(20), default=Stage.SCOPE.value)
    accountable: Mapped[str | None] = mapped_column(Text)
    #: The alliance's own operating rules, when it agreed some (optional, guide stage 2).
    operating_rules: Mapped[str | None] = mapped_column(Text)
    communication_channels: Mapped[list[str]] = mapped_column(JSON, default=list)
    vision: Mapped[str | None] = mapped_column(Text)
    vision_agreed_on: Mapped[date | None] = mapped_column(Date)
    #: Months between two evaluations for the reminders; None: the deployment's default
    #: (ALLIANCE_FLOW_REMINDERS_EVALUATION_CADENCE_MONTHS); 0: no evaluation reminders.
    evaluation_cadence_months: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @validates("stage")
    def _guard_stage(self, key: str, value: str) -> str:
        if not _stage_change_allowed.get():
            raise PermissionError("an alliance's stage changes only through the lifecycle gates")
        return value


class Organisation(Base):
    """A row of the guide's stakeholder research table."""

    __tablename__ = "organisations"
    __table_args__ = (UniqueConstraint("alliance_id", "name"),)

    #: Optimistic locking: every save checks and bumps it, so two people editing the same row
    #: never silently overwrite each other (see services.items.edit_item).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy reads it once)

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(ForeignKey("alliances.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    group: Mapped[str] = mapped_column(String(40), default="other")
    contact_person: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(60))
    email: Mapped[str | None] = mapped_column(String(200))
    website: Mapped[str | None] = mapped_column(String(500))
    address: Mapped[str | None] = mapped_column(Text)
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    contribution: Mapped[str | None] = mapped_column(Text)
    interests: Mapped[str | None] = mapped_column(Text)
    influence: Mapped[str | None] = mapped_column(String(10))
    #: how much the alliance's aims matter to them (low, medium, high): with influence, the
    #: influence/interest grid that says whom to mobilise first
    interest: Mapped[str | None] = mapped_column(String(10))
    mobilisation_strategy: Mapped[str | None] = mapped_column(Text)
    own_criteria: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)

    sector_rows: Mapped[list[OrganisationSector]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="OrganisationSector.sector"
    )

    @property
    def sectors(self) -> list[str]:
        return [row.sector for row in self.sector_rows]


class StakeholderUpload(Base):
    """A stakeholder file uploaded in the browser, kept until the coordinator confirms the
    preview of what it changes (or for a day); never shown back as HTML."""

    __tablename__ = "stakeholder_uploads"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    alliance_id: Mapped[int] = mapped_column(
        ForeignKey("alliances.id", ondelete="CASCADE"), index=True
    )
    uploaded_by: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OrganisationSector(Base):
    __tablename__ = "organisation_sectors"

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    sector: Mapped[str] = mapped_column(String(40), primary_key=True)


class Member(Base):
    """A representative of an organisation, or an individual member; a candidate until joined."""

    __tablename__ = "members"

    #: Optimistic locking: every save checks and bumps it, so two people editing the same row
    #: never silently overwrite each other (see services.items.edit_item).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy reads it once)

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(
        ForeignKey("alliances.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(60))
    preferred_channel: Mapped[str | None] = mapped_column(String(500))
    language: Mapped[str | None] = mapped_column(String(8))
    # For individual members; a representative takes the group of their organisation.
    group: Mapped[str | None] = mapped_column(String(40))
    sector: Mapped[str | None] = mapped_column(String(40))
    has_authority: Mapped[str | None] = mapped_column(String(3))
    authority_granted_by: Mapped[str | None] = mapped_column(String(200))
    participation_level: Mapped[str | None] = mapped_column(String(40))
    joined_on: Mapped[date | None] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)

    organisation: Mapped[Organisation | None] = relationship(lazy="joined")
    role_rows: Mapped[list[MemberRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="MemberRole.role"
    )

    @property
    def roles(self) -> list[str]:
        return [row.role for row in self.role_rows]

    def is_active(self, today: date) -> bool:
        return (
            self.joined_on is not None
            and self.joined_on <= today
            and (self.left_on is None or self.left_on > today)
        )


class MemberConsent(Base):
    """What a member agreed to, purpose by purpose (see alliance_flow.privacy.PURPOSES)."""

    __tablename__ = "member_consents"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    purpose: Mapped[str] = mapped_column(String(40), primary_key=True)
    granted: Mapped[bool] = mapped_column(Boolean)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by: Mapped[str] = mapped_column(String(200))


class MemberRole(Base):
    __tablename__ = "member_roles"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(40), primary_key=True)


class Briefing(Base):
    """The briefing document written before contacting stakeholders (stage 1)."""

    __tablename__ = "briefings"

    alliance_id: Mapped[int] = mapped_column(
        ForeignKey("alliances.id", ondelete="CASCADE"), primary_key=True
    )
    why: Mapped[str | None] = mapped_column(Text)
    regional_situation: Mapped[str | None] = mapped_column(Text)
    why_mediation: Mapped[str | None] = mapped_column(Text)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    expected_commitment: Mapped[str | None] = mapped_column(Text)


class Meeting(Base):
    __tablename__ = "meetings"

    #: Optimistic locking: every save checks and bumps it, so two people editing the same row
    #: never silently overwrite each other (see services.items.edit_item).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy reads it once)

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(
        ForeignKey("alliances.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str | None] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    place: Mapped[str | None] = mapped_column(String(300))
    host_organisation: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="planned")
    duration_minutes: Mapped[int] = mapped_column(Integer, default=120)
    #: Bumped each time the meeting moves, so calendars replace the event they hold (iCalendar).
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    #: The formal minutes as one text: written directly, or put together from the agenda items.
    minutes: Mapped[str | None] = mapped_column(Text)
    minutes_recorded_on: Mapped[date | None] = mapped_column(Date)


class AgendaItem(Base):
    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    time: Mapped[str | None] = mapped_column(String(5))
    item: Mapped[str] = mapped_column(String(300))
    moderator: Mapped[str | None] = mapped_column(String(200))
    #: What was said and agreed on this item (the guide's minutes: one comment per item).
    minutes: Mapped[str | None] = mapped_column(Text)


class Attendance(Base):
    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    present: Mapped[bool] = mapped_column(Boolean, default=True)


class MeetingAction(Base):
    """An action agreed in the minutes: who does it, and by when."""

    __tablename__ = "meeting_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    description: Mapped[str] = mapped_column(Text)
    owner_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )
    due_on: Mapped[date | None] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)


class CalendarFeed(Base):
    """The secret address of an alliance's calendar feed; only a hash of the token is kept."""

    __tablename__ = "calendar_feeds"

    alliance_id: Mapped[int] = mapped_column(
        ForeignKey("alliances.id", ondelete="CASCADE"), primary_key=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))


class SectorProfile(Base):
    """Sector profiling: an existing programme or action in community mediation (stage 3)."""

    __tablename__ = "sector_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(
        ForeignKey("alliances.id", ondelete="CASCADE"), index=True
    )
    programme: Mapped[str] = mapped_column(String(300))
    objectives: Mapped[str | None] = mapped_column(Text)
    initiators: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str | None] = mapped_column(String(200))
    cost: Mapped[str | None] = mapped_column(String(200))
    availability_limits: Mapped[str | None] = mapped_column(Text)
    obstacles: Mapped[str | None] = mapped_column(Text)


class ResearchSource(Base):
    __tablename__ = "research_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(
        ForeignKey("alliances.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(30), default="other")
    url: Mapped[str | None] = mapped_column(String(500))
    notes: Mapped[str | None] = mapped_column(Text)


class Consultation(Base):
    __tablename__ = "consultations"

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(
        ForeignKey("alliances.id", ondelete="CASCADE"), index=True
    )
    interviewee: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str | None] = mapped_column(String(200))
    held_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)


class Gap(Base):
    __tablename__ = "gaps"

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(
        ForeignKey("alliances.id", ondelete="CASCADE"), index=True
    )
    description: Mapped[str] = mapped_column(Text)
    identified_on: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str | None] = mapped_column(String(300))


class ActionPlanItem(Base):
    """A row of the guide's action-plan table, with its SMART objective."""

    __tablename__ = "action_plan_items"
    __table_args__ = (UniqueConstraint("alliance_id", "number"),)

    #: Optimistic locking: every save checks and bumps it, so two people editing the same row
    #: never silently overwrite each other (see services.items.edit_item).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy reads it once)

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(ForeignKey("alliances.id", ondelete="CASCADE"))
    number: Mapped[int]
    #: the SMART objective the action serves (the guide's "objective" column)
    objective: Mapped[str | None] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(300))
    local_problem: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    estimated_budget: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    budget_committed: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    resources: Mapped[str | None] = mapped_column(Text)
    responsible: Mapped[str | None] = mapped_column(String(300))
    owner_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    implementation: Mapped[str | None] = mapped_column(Text)
    obstacles: Mapped[str | None] = mapped_column(Text)
    obstacle_plan: Mapped[str | None] = mapped_column(Text)
    collaborators: Mapped[str | None] = mapped_column(Text)
    specific: Mapped[str | None] = mapped_column(Text)
    measurable: Mapped[str | None] = mapped_column(Text)
    achievable: Mapped[str | None] = mapped_column(Text)
    relevant: Mapped[str | None] = mapped_column(Text)
    time_bound: Mapped[str | None] = mapped_column(Text)
    #: how the alliance will know the action worked (the "measurable" of SMART)
    indicator: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="planned")
    #: the day it was done, so a report on a past period tells what was done by then
    completed_on: Mapped[date | None] = mapped_column(Date)


class CharterVersion(Base):
    __tablename__ = "charter_versions"
    __table_args__ = (UniqueConstraint("alliance_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(ForeignKey("alliances.id", ondelete="CASCADE"))
    version: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    adopted_on: Mapped[date | None] = mapped_column(Date)


class CharterDraft(Base):
    """The charter text a coordinator is still writing: not a version, so nobody is asked to
    sign it and no check counts it, until it is published as the next version."""

    __tablename__ = "charter_drafts"

    #: Optimistic locking: two coordinators editing the draft never overwrite each other.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy reads it once)

    alliance_id: Mapped[int] = mapped_column(
        ForeignKey("alliances.id", ondelete="CASCADE"), primary_key=True
    )
    text: Mapped[str] = mapped_column(Text)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    saved_by: Mapped[str] = mapped_column(String(200))


class CharterSignature(Base):
    __tablename__ = "charter_signatures"
    __table_args__ = (UniqueConstraint("charter_version_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    charter_version_id: Mapped[int] = mapped_column(
        ForeignKey("charter_versions.id", ondelete="CASCADE")
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    signed_on: Mapped[date] = mapped_column(Date)


class CommunicationPlanRow(Base):
    """A row of the guide's communication plan."""

    __tablename__ = "communication_plan_rows"

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(
        ForeignKey("alliances.id", ondelete="CASCADE"), index=True
    )
    audience: Mapped[str] = mapped_column(String(40))
    stakeholder: Mapped[str | None] = mapped_column(String(300))
    objectives: Mapped[str | None] = mapped_column(Text)
    message: Mapped[str | None] = mapped_column(Text)
    delivery: Mapped[str | None] = mapped_column(Text)
    frequency: Mapped[str | None] = mapped_column(String(200))
    #: who in the alliance delivers it (a name or a role, as the coordinator writes it)
    responsible: Mapped[str | None] = mapped_column(String(300))


class Publication(Base):
    """Something the alliance made public: its profile, research, action plan, press..."""

    __tablename__ = "publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(
        ForeignKey("alliances.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(300))
    url: Mapped[str | None] = mapped_column(String(500))
    audience: Mapped[str | None] = mapped_column(String(300))
    published_on: Mapped[date] = mapped_column(Date)


class AllianceProfile(Base):
    """The alliance's public profile page: which parts the coordinator chose to show, and
    whether it is published. Nothing shows publicly until `published_on` is set."""

    __tablename__ = "alliance_profiles"

    alliance_id: Mapped[int] = mapped_column(
        ForeignKey("alliances.id", ondelete="CASCADE"), primary_key=True
    )
    introduction: Mapped[str | None] = mapped_column(Text)
    show_vision: Mapped[bool] = mapped_column(Boolean, default=False)
    show_partners: Mapped[bool] = mapped_column(Boolean, default=False)
    show_action_plan: Mapped[bool] = mapped_column(Boolean, default=False)
    show_publications: Mapped[bool] = mapped_column(Boolean, default=False)
    published_on: Mapped[date | None] = mapped_column(Date)
    #: the publication (kind alliance_profile) recorded when it was published: the gate reads it
    publication_id: Mapped[int | None] = mapped_column(
        ForeignKey("publications.id", ondelete="SET NULL"), index=True
    )


class Evaluation(Base):
    __tablename__ = "evaluations"

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(
        ForeignKey("alliances.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(30))
    held_on: Mapped[date] = mapped_column(Date)
    evaluator: Mapped[str | None] = mapped_column(String(200))
    strengths: Mapped[list[str]] = mapped_column(JSON, default=list)
    weaknesses: Mapped[list[str]] = mapped_column(JSON, default=list)
    opportunities: Mapped[list[str]] = mapped_column(JSON, default=list)
    threats: Mapped[list[str]] = mapped_column(JSON, default=list)
    findings: Mapped[str | None] = mapped_column(Text)


class SustainabilityPlan(Base):
    __tablename__ = "sustainability_plans"

    alliance_id: Mapped[int] = mapped_column(
        ForeignKey("alliances.id", ondelete="CASCADE"), primary_key=True
    )
    summary: Mapped[str | None] = mapped_column(Text)
    continuation: Mapped[str | None] = mapped_column(String(20))
    dated_on: Mapped[date | None] = mapped_column(Date)
    decision: Mapped[str | None] = mapped_column(String(10))
    decided_on: Mapped[date | None] = mapped_column(Date)
    decision_reason: Mapped[str | None] = mapped_column(Text)


class Document(Base):
    """A file someone brought (an external evaluator's report, the signed sustainability plan):
    kept in the database, so the backups hold it; its type checked from its content; only
    ever sent back as a download (see services/documents.py)."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(
        ForeignKey("alliances.id", ondelete="CASCADE"), index=True
    )
    #: what it is: "evaluation_report" (with evaluation_id) or "signed_plan"
    purpose: Mapped[str] = mapped_column(String(30))
    evaluation_id: Mapped[int | None] = mapped_column(
        ForeignKey("evaluations.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[str] = mapped_column(String(200))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StageEvent(Base):
    """Append-only history: every stage change and every waiver, with the gates at that moment."""

    __tablename__ = "stage_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    alliance_id: Mapped[int] = mapped_column(
        ForeignKey("alliances.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    stage: Mapped[str] = mapped_column(String(20))
    from_stage: Mapped[str | None] = mapped_column(String(20))
    to_stage: Mapped[str | None] = mapped_column(String(20))
    check_code: Mapped[str | None] = mapped_column(String(80))
    actor: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(Text)
    gate_results: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditEvent(Base):
    """One write to an alliance's records: who, when, which row, what changed (see audit.py)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(200))
    # No foreign key: the log outlives what it describes (a removed item, a deleted account).
    alliance_id: Mapped[int | None] = mapped_column(Integer, index=True)
    table_name: Mapped[str] = mapped_column(String(60))
    row_key: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(10))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


@event.listens_for(StageEvent, "before_update")
@event.listens_for(StageEvent, "before_delete")
def _history_is_append_only(mapper: Any, connection: Any, target: StageEvent) -> None:
    raise PermissionError("the stage history is append-only")
