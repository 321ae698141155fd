"""The mapped classes of the schema's tables (alliance_flow.core_tables declares the tables).

A new column is declared in core_tables (with its migration) and annotated on its class here,
`Mapped[... | None]` when it may be empty; tests/test_core_tables.py checks the two agree.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import DeclarativeBase, Mapped, relationship, validates

from alliance_flow import core_tables as t
from alliance_flow.core_tables import NAMING as NAMING
from alliance_flow.core_tables import UTCDateTime as UTCDateTime
from alliance_flow.core_tables import utcnow as utcnow


class Base(DeclarativeBase):
    # The tables are declared with SQLAlchemy Core (core_tables), each class mapped onto its own.
    metadata = t.metadata


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
    __table__ = t.alliances

    id: Mapped[int]
    slug: Mapped[str]
    name: Mapped[str]
    region: Mapped[str | None]
    region_boundary: Mapped[str | None]
    country: Mapped[str]
    language: Mapped[str]
    timezone: Mapped[str]
    work_plan_start: Mapped[date | None]
    work_plan_end: Mapped[date | None]
    stage: Mapped[str]
    accountable: Mapped[str | None]
    #: The alliance's own operating rules, when it agreed some (optional, guide stage 2).
    operating_rules: Mapped[str | None]
    communication_channels: Mapped[list[str]]
    vision: Mapped[str | None]
    vision_agreed_on: Mapped[date | None]
    #: Months between two evaluations for the reminders; None: the deployment's default
    #: (ALLIANCE_FLOW_REMINDERS_EVALUATION_CADENCE_MONTHS); 0: no evaluation reminders.
    evaluation_cadence_months: Mapped[int | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    @validates("stage")
    def _guard_stage(self, key: str, value: str) -> str:
        if not _stage_change_allowed.get():
            raise PermissionError("an alliance's stage changes only through the lifecycle gates")
        return value


class Organisation(Base):
    """A row of the guide's stakeholder research table."""

    __tablename__ = "organisations"
    __table__ = t.organisations

    #: Optimistic locking: every save checks and bumps it, so two people editing the same row
    #: never silently overwrite each other (see services.items.edit_item).
    version: Mapped[int]
    __mapper_args__ = {"version_id_col": t.organisations.c.version}  # noqa: RUF012 (SQLAlchemy reads it once)

    id: Mapped[int]
    alliance_id: Mapped[int]
    name: Mapped[str]
    group: Mapped[str]
    contact_person: Mapped[str | None]
    phone: Mapped[str | None]
    email: Mapped[str | None]
    website: Mapped[str | None]
    address: Mapped[str | None]
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    contribution: Mapped[str | None]
    interests: Mapped[str | None]
    influence: Mapped[str | None]
    #: how much the alliance's aims matter to them (low, medium, high): with influence, the
    #: influence/interest grid that says whom to mobilise first
    interest: Mapped[str | None]
    mobilisation_strategy: Mapped[str | None]
    own_criteria: Mapped[str | None]
    notes: Mapped[str | None]

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
    __table__ = t.stakeholder_uploads

    token: Mapped[str]
    alliance_id: Mapped[int]
    uploaded_by: Mapped[str]
    filename: Mapped[str]
    content: Mapped[bytes]
    created_at: Mapped[datetime]


class OrganisationSector(Base):
    __tablename__ = "organisation_sectors"
    __table__ = t.organisation_sectors

    organisation_id: Mapped[int]
    sector: Mapped[str]


class Member(Base):
    """A representative of an organisation, or an individual member; a candidate until joined."""

    __tablename__ = "members"
    __table__ = t.members

    #: Optimistic locking: every save checks and bumps it, so two people editing the same row
    #: never silently overwrite each other (see services.items.edit_item).
    version: Mapped[int]
    __mapper_args__ = {"version_id_col": t.members.c.version}  # noqa: RUF012 (SQLAlchemy reads it once)

    id: Mapped[int]
    alliance_id: Mapped[int]
    organisation_id: Mapped[int | None]
    name: Mapped[str]
    email: Mapped[str | None]
    phone: Mapped[str | None]
    preferred_channel: Mapped[str | None]
    language: Mapped[str | None]
    # For individual members; a representative takes the group of their organisation.
    group: Mapped[str | None]
    sector: Mapped[str | None]
    has_authority: Mapped[str | None]
    authority_granted_by: Mapped[str | None]
    participation_level: Mapped[str | None]
    joined_on: Mapped[date | None]
    left_on: Mapped[date | None]

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
    __table__ = t.member_consents

    member_id: Mapped[int]
    purpose: Mapped[str]
    granted: Mapped[bool]
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[str]


class MemberRole(Base):
    __tablename__ = "member_roles"
    __table__ = t.member_roles

    member_id: Mapped[int]
    role: Mapped[str]


class Briefing(Base):
    """The briefing document written before contacting stakeholders (stage 1)."""

    __tablename__ = "briefings"
    __table__ = t.briefings

    alliance_id: Mapped[int]
    why: Mapped[str | None]
    regional_situation: Mapped[str | None]
    why_mediation: Mapped[str | None]
    reasons: Mapped[list[str]]
    expected_commitment: Mapped[str | None]


class Meeting(Base):
    __tablename__ = "meetings"
    __table__ = t.meetings

    #: Optimistic locking: every save checks and bumps it, so two people editing the same row
    #: never silently overwrite each other (see services.items.edit_item).
    version: Mapped[int]
    __mapper_args__ = {"version_id_col": t.meetings.c.version}  # noqa: RUF012 (SQLAlchemy reads it once)

    id: Mapped[int]
    alliance_id: Mapped[int]
    kind: Mapped[str]
    title: Mapped[str | None]
    starts_at: Mapped[datetime]
    timezone: Mapped[str]
    place: Mapped[str | None]
    host_organisation: Mapped[str | None]
    status: Mapped[str]
    duration_minutes: Mapped[int]
    #: Bumped each time the meeting moves, so calendars replace the event they hold (iCalendar).
    sequence: Mapped[int]
    #: The formal minutes as one text: written directly, or put together from the agenda items.
    minutes: Mapped[str | None]
    minutes_recorded_on: Mapped[date | None]


class AgendaItem(Base):
    __tablename__ = "agenda_items"
    __table__ = t.agenda_items

    id: Mapped[int]
    meeting_id: Mapped[int]
    position: Mapped[int]
    time: Mapped[str | None]
    item: Mapped[str]
    moderator: Mapped[str | None]
    #: What was said and agreed on this item (the guide's minutes: one comment per item).
    minutes: Mapped[str | None]


class Attendance(Base):
    __tablename__ = "attendance"
    __table__ = t.attendance

    id: Mapped[int]
    meeting_id: Mapped[int]
    member_id: Mapped[int]
    present: Mapped[bool]


class MeetingAction(Base):
    """An action agreed in the minutes: who does it, and by when."""

    __tablename__ = "meeting_actions"
    __table__ = t.meeting_actions

    id: Mapped[int]
    meeting_id: Mapped[int]
    description: Mapped[str]
    owner_member_id: Mapped[int | None]
    due_on: Mapped[date | None]
    done_on: Mapped[date | None]


class CalendarFeed(Base):
    """The secret address of an alliance's calendar feed; only a hash of the token is kept."""

    __tablename__ = "calendar_feeds"
    __table__ = t.calendar_feeds

    alliance_id: Mapped[int]
    token_hash: Mapped[str]
    created_at: Mapped[datetime]
    created_by: Mapped[str]


class SectorProfile(Base):
    """Sector profiling: an existing programme or action in community mediation (stage 3)."""

    __tablename__ = "sector_profiles"
    __table__ = t.sector_profiles

    id: Mapped[int]
    alliance_id: Mapped[int]
    programme: Mapped[str]
    objectives: Mapped[str | None]
    initiators: Mapped[str | None]
    kind: Mapped[str | None]
    cost: Mapped[str | None]
    availability_limits: Mapped[str | None]
    obstacles: Mapped[str | None]


class ResearchSource(Base):
    __tablename__ = "research_sources"
    __table__ = t.research_sources

    id: Mapped[int]
    alliance_id: Mapped[int]
    title: Mapped[str]
    kind: Mapped[str]
    url: Mapped[str | None]
    notes: Mapped[str | None]


class Consultation(Base):
    __tablename__ = "consultations"
    __table__ = t.consultations

    id: Mapped[int]
    alliance_id: Mapped[int]
    interviewee: Mapped[str]
    organisation: Mapped[str | None]
    held_on: Mapped[date | None]
    notes: Mapped[str | None]


class Gap(Base):
    __tablename__ = "gaps"
    __table__ = t.gaps

    id: Mapped[int]
    alliance_id: Mapped[int]
    description: Mapped[str]
    identified_on: Mapped[date | None]
    source: Mapped[str | None]


class ActionPlanItem(Base):
    """A row of the guide's action-plan table, with its SMART objective."""

    __tablename__ = "action_plan_items"
    __table__ = t.action_plan_items

    #: Optimistic locking: every save checks and bumps it, so two people editing the same row
    #: never silently overwrite each other (see services.items.edit_item).
    version: Mapped[int]
    __mapper_args__ = {"version_id_col": t.action_plan_items.c.version}  # noqa: RUF012 (SQLAlchemy reads it once)

    id: Mapped[int]
    alliance_id: Mapped[int]
    number: Mapped[int]
    #: the SMART objective the action serves (the guide's "objective" column)
    objective: Mapped[str | None]
    action: Mapped[str]
    local_problem: Mapped[str | None]
    description: Mapped[str | None]
    estimated_budget: Mapped[Decimal | None]
    budget_committed: Mapped[Decimal | None]
    resources: Mapped[str | None]
    responsible: Mapped[str | None]
    owner_member_id: Mapped[int | None]
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    implementation: Mapped[str | None]
    obstacles: Mapped[str | None]
    obstacle_plan: Mapped[str | None]
    collaborators: Mapped[str | None]
    specific: Mapped[str | None]
    measurable: Mapped[str | None]
    achievable: Mapped[str | None]
    relevant: Mapped[str | None]
    time_bound: Mapped[str | None]
    #: how the alliance will know the action worked (the "measurable" of SMART)
    indicator: Mapped[str | None]
    status: Mapped[str]
    #: the day it was done, so a report on a past period tells what was done by then
    completed_on: Mapped[date | None]


class CharterVersion(Base):
    __tablename__ = "charter_versions"
    __table__ = t.charter_versions

    id: Mapped[int]
    alliance_id: Mapped[int]
    version: Mapped[int]
    text: Mapped[str]
    adopted_on: Mapped[date | None]


class CharterDraft(Base):
    """The charter text a coordinator is still writing: not a version, so nobody is asked to
    sign it and no check counts it, until it is published as the next version."""

    __tablename__ = "charter_drafts"
    __table__ = t.charter_drafts

    #: Optimistic locking: two coordinators editing the draft never overwrite each other.
    version: Mapped[int]
    __mapper_args__ = {"version_id_col": t.charter_drafts.c.version}  # noqa: RUF012 (SQLAlchemy reads it once)

    alliance_id: Mapped[int]
    text: Mapped[str]
    saved_at: Mapped[datetime]
    saved_by: Mapped[str]


class CharterSignature(Base):
    __tablename__ = "charter_signatures"
    __table__ = t.charter_signatures

    id: Mapped[int]
    charter_version_id: Mapped[int]
    member_id: Mapped[int]
    signed_on: Mapped[date]


class CommunicationPlanRow(Base):
    """A row of the guide's communication plan."""

    __tablename__ = "communication_plan_rows"
    __table__ = t.communication_plan_rows

    id: Mapped[int]
    alliance_id: Mapped[int]
    audience: Mapped[str]
    stakeholder: Mapped[str | None]
    objectives: Mapped[str | None]
    message: Mapped[str | None]
    delivery: Mapped[str | None]
    frequency: Mapped[str | None]
    #: who in the alliance delivers it (a name or a role, as the coordinator writes it)
    responsible: Mapped[str | None]


class Publication(Base):
    """Something the alliance made public: its profile, research, action plan, press..."""

    __tablename__ = "publications"
    __table__ = t.publications

    id: Mapped[int]
    alliance_id: Mapped[int]
    kind: Mapped[str]
    title: Mapped[str]
    url: Mapped[str | None]
    audience: Mapped[str | None]
    published_on: Mapped[date]


class AllianceProfile(Base):
    """The alliance's public profile page: which parts the coordinator chose to show, and
    whether it is published. Nothing shows publicly until `published_on` is set."""

    __tablename__ = "alliance_profiles"
    __table__ = t.alliance_profiles

    alliance_id: Mapped[int]
    introduction: Mapped[str | None]
    show_vision: Mapped[bool]
    show_partners: Mapped[bool]
    show_action_plan: Mapped[bool]
    show_publications: Mapped[bool]
    published_on: Mapped[date | None]
    #: the publication (kind alliance_profile) recorded when it was published: the gate reads it
    publication_id: Mapped[int | None]


class Evaluation(Base):
    __tablename__ = "evaluations"
    __table__ = t.evaluations

    id: Mapped[int]
    alliance_id: Mapped[int]
    kind: Mapped[str]
    held_on: Mapped[date]
    evaluator: Mapped[str | None]
    strengths: Mapped[list[str]]
    weaknesses: Mapped[list[str]]
    opportunities: Mapped[list[str]]
    threats: Mapped[list[str]]
    findings: Mapped[str | None]


class SustainabilityPlan(Base):
    __tablename__ = "sustainability_plans"
    __table__ = t.sustainability_plans

    alliance_id: Mapped[int]
    summary: Mapped[str | None]
    continuation: Mapped[str | None]
    dated_on: Mapped[date | None]
    decision: Mapped[str | None]
    decided_on: Mapped[date | None]
    decision_reason: Mapped[str | None]


class Document(Base):
    """A file someone brought (an external evaluator's report, the signed sustainability plan):
    kept in the database, so the backups hold it; its type checked from its content; only
    ever sent back as a download (see services/documents.py)."""

    __tablename__ = "documents"
    __table__ = t.documents

    id: Mapped[int]
    alliance_id: Mapped[int]
    #: what it is: "evaluation_report" (with evaluation_id) or "signed_plan"
    purpose: Mapped[str]
    evaluation_id: Mapped[int | None]
    filename: Mapped[str]
    media_type: Mapped[str]
    size: Mapped[int]
    sha256: Mapped[str]
    content: Mapped[bytes]
    uploaded_by: Mapped[str]
    uploaded_at: Mapped[datetime]


class StageEvent(Base):
    """Append-only history: every stage change and every waiver, with the gates at that moment."""

    __tablename__ = "stage_events"
    __table__ = t.stage_events

    id: Mapped[int]
    alliance_id: Mapped[int]
    kind: Mapped[str]
    stage: Mapped[str]
    from_stage: Mapped[str | None]
    to_stage: Mapped[str | None]
    check_code: Mapped[str | None]
    actor: Mapped[str]
    reason: Mapped[str | None]
    gate_results: Mapped[list[dict[str, Any]]]
    at: Mapped[datetime]


class AuditEvent(Base):
    """One write to an alliance's records: who, when, which row, what changed (see audit.py)."""

    __tablename__ = "audit_events"
    __table__ = t.audit_events

    id: Mapped[int]
    at: Mapped[datetime]
    actor: Mapped[str]
    # No foreign key: the log outlives what it describes (a removed item, a deleted account).
    alliance_id: Mapped[int | None]
    table_name: Mapped[str]
    row_key: Mapped[str]
    action: Mapped[str]
    changes: Mapped[dict[str, Any]]


@event.listens_for(StageEvent, "before_update")
@event.listens_for(StageEvent, "before_delete")
def _history_is_append_only(mapper: Any, connection: Any, target: StageEvent) -> None:
    raise PermissionError("the stage history is append-only")
