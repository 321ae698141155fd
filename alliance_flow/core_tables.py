"""The schema's tables, declared with SQLAlchemy Core: what an alliance records while it follows
the guide's method.

The mapped classes (alliance_flow.models) are mapped onto these tables. A read that needs no
ORM (`alliance-flow status`, the read model in alliance_flow.facts) uses them alone, without
importing the ORM or configuring the mappers: about a quarter of a simple command's start-up.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Double,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)

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


def _alliance_id(*, index: bool = False, primary_key: bool = False) -> Column[int]:
    """The alliance a row belongs to: the row goes when the alliance is deleted."""
    return Column(
        "alliance_id",
        Integer,
        ForeignKey("alliances.id", ondelete="CASCADE"),
        index=True if index else None,
        primary_key=primary_key,
        nullable=False,
    )


def _version() -> Column[int]:
    """Optimistic locking: every save checks and bumps it, so two people editing the same row
    never silently overwrite each other (see services.items.edit_item)."""
    return Column("version", Integer, nullable=False, default=1, server_default="1")


metadata = MetaData(naming_convention=NAMING)

alliances = Table(
    "alliances",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("slug", String(80), unique=True, nullable=False),
    Column("name", String(200), nullable=False),
    Column("region", String(200)),
    Column("region_boundary", Text),
    Column("country", String(2), nullable=False),
    Column("language", String(8), nullable=False, default="en"),
    Column("timezone", String(64), nullable=False, default="UTC"),
    Column("work_plan_start", Date),
    Column("work_plan_end", Date),
    Column("stage", String(20), nullable=False, default=Stage.SCOPE.value),
    Column("accountable", Text),
    Column("operating_rules", Text),
    Column("communication_channels", JSON, nullable=False, default=list),
    Column("vision", Text),
    Column("vision_agreed_on", Date),
    Column("evaluation_cadence_months", Integer),
    Column("created_at", UTCDateTime, nullable=False, default=utcnow),
    Column("updated_at", UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow),
)

organisations = Table(
    "organisations",
    metadata,
    _version(),
    Column("id", Integer, primary_key=True),
    _alliance_id(),
    Column("name", String(200), nullable=False),
    Column("group", String(40), nullable=False, default="other"),
    Column("contact_person", String(200)),
    Column("phone", String(60)),
    Column("email", String(200)),
    Column("website", String(500)),
    Column("address", Text),
    Column("latitude", Double),
    Column("longitude", Double),
    Column("contribution", Text),
    Column("interests", Text),
    Column("influence", String(10)),
    Column("interest", String(10)),
    Column("mobilisation_strategy", Text),
    Column("own_criteria", Text),
    Column("notes", Text),
    UniqueConstraint("alliance_id", "name"),
)

stakeholder_uploads = Table(
    "stakeholder_uploads",
    metadata,
    Column("token", String(64), primary_key=True),
    _alliance_id(index=True),
    Column("uploaded_by", String(200), nullable=False),
    Column("filename", String(200), nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("created_at", UTCDateTime, nullable=False, default=utcnow),
)

organisation_sectors = Table(
    "organisation_sectors",
    metadata,
    Column(
        "organisation_id",
        Integer,
        ForeignKey("organisations.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("sector", String(40), primary_key=True),
)

members = Table(
    "members",
    metadata,
    _version(),
    Column("id", Integer, primary_key=True),
    _alliance_id(index=True),
    Column("organisation_id", Integer, ForeignKey("organisations.id"), index=True),
    Column("name", String(200), nullable=False),
    Column("email", String(200)),
    Column("phone", String(60)),
    Column("preferred_channel", String(500)),
    Column("language", String(8)),
    Column("group", String(40)),
    Column("sector", String(40)),
    Column("has_authority", String(3)),
    Column("authority_granted_by", String(200)),
    Column("participation_level", String(40)),
    Column("joined_on", Date),
    Column("left_on", Date),
)

member_consents = Table(
    "member_consents",
    metadata,
    Column("member_id", Integer, ForeignKey("members.id", ondelete="CASCADE"), primary_key=True),
    Column("purpose", String(40), primary_key=True),
    Column("granted", Boolean, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False, default=utcnow),
    Column("recorded_by", String(200), nullable=False),
)

member_roles = Table(
    "member_roles",
    metadata,
    Column("member_id", Integer, ForeignKey("members.id", ondelete="CASCADE"), primary_key=True),
    Column("role", String(40), primary_key=True),
)

briefings = Table(
    "briefings",
    metadata,
    _alliance_id(primary_key=True),
    Column("why", Text),
    Column("regional_situation", Text),
    Column("why_mediation", Text),
    Column("reasons", JSON, nullable=False, default=list),
    Column("expected_commitment", Text),
)

meetings = Table(
    "meetings",
    metadata,
    _version(),
    Column("id", Integer, primary_key=True),
    _alliance_id(index=True),
    Column("kind", String(30), nullable=False),
    Column("title", String(200)),
    Column("starts_at", UTCDateTime, nullable=False),
    Column("timezone", String(64), nullable=False, default="UTC"),
    Column("place", String(300)),
    Column("host_organisation", String(200)),
    Column("status", String(20), nullable=False, default="planned"),
    Column("duration_minutes", Integer, nullable=False, default=120),
    Column("sequence", Integer, nullable=False, default=0),
    Column("minutes", Text),
    Column("minutes_recorded_on", Date),
)

agenda_items = Table(
    "agenda_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "meeting_id",
        Integer,
        ForeignKey("meetings.id", ondelete="CASCADE"),
        index=True,
        nullable=False,
    ),
    Column("position", Integer, nullable=False, default=0),
    Column("time", String(5)),
    Column("item", String(300), nullable=False),
    Column("moderator", String(200)),
    Column("minutes", Text),
)

attendance = Table(
    "attendance",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("meeting_id", Integer, ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False),
    Column("member_id", Integer, ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("present", Boolean, nullable=False, default=True),
    UniqueConstraint("meeting_id", "member_id"),
)

meeting_actions = Table(
    "meeting_actions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "meeting_id",
        Integer,
        ForeignKey("meetings.id", ondelete="CASCADE"),
        index=True,
        nullable=False,
    ),
    Column("description", Text, nullable=False),
    Column("owner_member_id", Integer, ForeignKey("members.id", ondelete="SET NULL")),
    Column("due_on", Date),
    Column("done_on", Date),
)

calendar_feeds = Table(
    "calendar_feeds",
    metadata,
    _alliance_id(primary_key=True),
    Column("token_hash", String(64), unique=True, nullable=False),
    Column("created_at", UTCDateTime, nullable=False, default=utcnow),
    Column("created_by", String(200), nullable=False),
)

sector_profiles = Table(
    "sector_profiles",
    metadata,
    Column("id", Integer, primary_key=True),
    _alliance_id(index=True),
    Column("programme", String(300), nullable=False),
    Column("objectives", Text),
    Column("initiators", Text),
    Column("kind", String(200)),
    Column("cost", String(200)),
    Column("availability_limits", Text),
    Column("obstacles", Text),
)

research_sources = Table(
    "research_sources",
    metadata,
    Column("id", Integer, primary_key=True),
    _alliance_id(index=True),
    Column("title", String(300), nullable=False),
    Column("kind", String(30), nullable=False, default="other"),
    Column("url", String(500)),
    Column("notes", Text),
)

consultations = Table(
    "consultations",
    metadata,
    Column("id", Integer, primary_key=True),
    _alliance_id(index=True),
    Column("interviewee", String(200), nullable=False),
    Column("organisation", String(200)),
    Column("held_on", Date),
    Column("notes", Text),
)

gaps = Table(
    "gaps",
    metadata,
    Column("id", Integer, primary_key=True),
    _alliance_id(index=True),
    Column("description", Text, nullable=False),
    Column("identified_on", Date),
    Column("source", String(300)),
)

action_plan_items = Table(
    "action_plan_items",
    metadata,
    _version(),
    Column("id", Integer, primary_key=True),
    _alliance_id(),
    Column("number", Integer, nullable=False),
    Column("objective", Text),
    Column("action", String(300), nullable=False),
    Column("local_problem", Text),
    Column("description", Text),
    Column("estimated_budget", Numeric(12, 2)),
    Column("budget_committed", Numeric(12, 2)),
    Column("resources", Text),
    Column("responsible", String(300)),
    Column("owner_member_id", Integer, ForeignKey("members.id", ondelete="SET NULL")),
    Column("starts_on", Date),
    Column("ends_on", Date),
    Column("implementation", Text),
    Column("obstacles", Text),
    Column("obstacle_plan", Text),
    Column("collaborators", Text),
    Column("specific", Text),
    Column("measurable", Text),
    Column("achievable", Text),
    Column("relevant", Text),
    Column("time_bound", Text),
    Column("indicator", Text),
    Column("status", String(20), nullable=False, default="planned"),
    Column("completed_on", Date),
    UniqueConstraint("alliance_id", "number"),
)

charter_versions = Table(
    "charter_versions",
    metadata,
    Column("id", Integer, primary_key=True),
    _alliance_id(),
    Column("version", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("adopted_on", Date),
    UniqueConstraint("alliance_id", "version"),
)

charter_drafts = Table(
    "charter_drafts",
    metadata,
    _version(),
    _alliance_id(primary_key=True),
    Column("text", Text, nullable=False),
    Column("saved_at", UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow),
    Column("saved_by", String(200), nullable=False),
)

charter_signatures = Table(
    "charter_signatures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "charter_version_id",
        Integer,
        ForeignKey("charter_versions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("member_id", Integer, ForeignKey("members.id", ondelete="CASCADE"), nullable=False),
    Column("signed_on", Date, nullable=False),
    UniqueConstraint("charter_version_id", "member_id"),
)

communication_plan_rows = Table(
    "communication_plan_rows",
    metadata,
    Column("id", Integer, primary_key=True),
    _alliance_id(index=True),
    Column("audience", String(40), nullable=False),
    Column("stakeholder", String(300)),
    Column("objectives", Text),
    Column("message", Text),
    Column("delivery", Text),
    Column("frequency", String(200)),
    Column("responsible", String(300)),
)

publications = Table(
    "publications",
    metadata,
    Column("id", Integer, primary_key=True),
    _alliance_id(index=True),
    Column("kind", String(30), nullable=False),
    Column("title", String(300), nullable=False),
    Column("url", String(500)),
    Column("audience", String(300)),
    Column("published_on", Date, nullable=False),
)

alliance_profiles = Table(
    "alliance_profiles",
    metadata,
    _alliance_id(primary_key=True),
    Column("introduction", Text),
    Column("show_vision", Boolean, nullable=False, default=False),
    Column("show_partners", Boolean, nullable=False, default=False),
    Column("show_action_plan", Boolean, nullable=False, default=False),
    Column("show_publications", Boolean, nullable=False, default=False),
    Column("published_on", Date),
    Column(
        "publication_id", Integer, ForeignKey("publications.id", ondelete="SET NULL"), index=True
    ),
)

evaluations = Table(
    "evaluations",
    metadata,
    Column("id", Integer, primary_key=True),
    _alliance_id(index=True),
    Column("kind", String(30), nullable=False),
    Column("held_on", Date, nullable=False),
    Column("evaluator", String(200)),
    Column("strengths", JSON, nullable=False, default=list),
    Column("weaknesses", JSON, nullable=False, default=list),
    Column("opportunities", JSON, nullable=False, default=list),
    Column("threats", JSON, nullable=False, default=list),
    Column("findings", Text),
)

sustainability_plans = Table(
    "sustainability_plans",
    metadata,
    _alliance_id(primary_key=True),
    Column("summary", Text),
    Column("continuation", String(20)),
    Column("dated_on", Date),
    Column("decision", String(10)),
    Column("decided_on", Date),
    Column("decision_reason", Text),
)

documents = Table(
    "documents",
    metadata,
    Column("id", Integer, primary_key=True),
    _alliance_id(index=True),
    Column("purpose", String(30), nullable=False),
    Column("evaluation_id", Integer, ForeignKey("evaluations.id", ondelete="CASCADE"), index=True),
    Column("filename", String(200), nullable=False),
    Column("media_type", String(100), nullable=False),
    Column("size", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("uploaded_by", String(200), nullable=False),
    Column("uploaded_at", UTCDateTime, nullable=False, default=utcnow),
)

stage_events = Table(
    "stage_events",
    metadata,
    Column("id", Integer, primary_key=True),
    _alliance_id(index=True),
    Column("kind", String(20), nullable=False),
    Column("stage", String(20), nullable=False),
    Column("from_stage", String(20)),
    Column("to_stage", String(20)),
    Column("check_code", String(80)),
    Column("actor", String(200), nullable=False),
    Column("reason", Text),
    Column("gate_results", JSON, nullable=False, default=list),
    Column("at", UTCDateTime, nullable=False, default=utcnow),
)

audit_events = Table(
    "audit_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime, nullable=False, default=utcnow),
    Column("actor", String(200), nullable=False),
    Column("alliance_id", Integer, index=True),
    Column("table_name", String(60), nullable=False),
    Column("row_key", String(80), nullable=False),
    Column("action", String(10), nullable=False),
    Column("changes", JSON, nullable=False, default=dict),
)
