"""The one read model: what is known about a set of alliances, as frozen facts.

Gates, reminders, funder reports and the dashboard all read an alliance through here. Facts for
one alliance, a page of them or all of them are loaded with the same fixed number of set-based
statements (one per table, filtered by the set, grouped by alliance where only a count or the
latest row matters), never one statement per alliance. The pure rules (stages/, reminders/due.py,
reports/figures.py) then work on these records without touching the database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    bindparam,
    case,
    func,
    literal,
    or_,
    select,
    union,
    union_all,
)

from alliance_flow import core_tables as ct
from alliance_flow.collector import without_gc
from alliance_flow.frozen import quick
from alliance_flow.gates import Waiver
from alliance_flow.i18n import N_
from alliance_flow.vocabulary import ActionStatus, EventKind, MeetingStatus, Role, StakeholderGroup

if TYPE_CHECKING:  # the read model itself needs no ORM (see core_tables)
    from sqlalchemy.orm import Session

    from alliance_flow import models as m


@quick
@dataclass(frozen=True, slots=True)
class PersonFacts:
    id: int
    name: str
    organisation: str | None
    group: str | None
    sectors: frozenset[str]
    has_contact: bool
    has_authority: str | None
    authority_granted_by: str | None
    joined_on: date | None
    left_on: date | None
    roles: frozenset[str]
    language: str | None = None
    #: a channel of their own (Apprise URL) is recorded
    has_channel: bool = False
    has_email: bool = False
    participation_level: str | None = None
    #: they said no to being contacted (privacy.PURPOSES["contact"]): no reminder reaches them
    contact_withdrawn: bool = False

    def active(self, today: date) -> bool:
        return (
            self.joined_on is not None
            and self.joined_on <= today
            and (self.left_on is None or self.left_on > today)
        )

    def left(self, today: date) -> bool:
        return self.left_on is not None and self.left_on <= today

    @property
    def label(self) -> str:
        return f"{self.name} ({self.organisation})" if self.organisation else self.name


@quick
@dataclass(frozen=True, slots=True)
class OrganisationFacts:
    id: int
    name: str
    group: str
    sectors: frozenset[str]
    mapped: bool


@quick
@dataclass(frozen=True, slots=True)
class MeetingFacts:
    id: int
    kind: str
    title: str | None
    day: date  # local date in the meeting's time zone
    status: str
    minuted: bool
    starts_at: datetime | None = None  # aware, UTC
    timezone: str = "UTC"
    place: str | None = None  # where it is held, as the secretary wrote it (for reminders)


@quick
@dataclass(frozen=True, slots=True)
class ActionFacts:
    number: int
    action: str
    status: str
    owner: str | None
    starts_on: date | None
    ends_on: date | None
    resources: str | None
    obstacles: str | None
    obstacle_plan: str | None
    collaborators: str | None
    estimated_budget: Decimal | None
    id: int = 0
    owner_member_id: int | None = None
    #: what the plan says in its "responsible" column (the owner's name is in `owner`)
    responsible: str | None = None
    budget_committed: Decimal | None = None
    #: the day it was done, so a report on a past period counts it done only from then
    completed_on: date | None = None

    def missing_parts(self) -> list[str]:
        """Which of the guide's planning parts this action still lacks (untranslated labels)."""
        values = (
            self.owner,
            self.starts_on,
            self.ends_on,
            self.resources,
            self.obstacles,
            self.obstacle_plan,
            self.collaborators,
            self.estimated_budget,
        )
        return [
            label
            for label, v in zip(ACTION_PARTS, values, strict=True)
            if v is None or (isinstance(v, str) and not v.strip())
        ]


#: The guide's planning parts of an action, in the order the plan's columns give them.
ACTION_PARTS = (
    N_("owner"),
    N_("start date"),
    N_("end date"),
    N_("resources"),
    N_("obstacles"),
    N_("plan to overcome obstacles"),
    N_("collaborators"),
    N_("budget"),
)


@quick
@dataclass(frozen=True, slots=True)
class MinutesActionFacts:
    """An action agreed in a meeting's minutes."""

    id: int
    meeting_id: int
    description: str
    owner_member_id: int | None
    due_on: date | None
    done_on: date | None


@quick
@dataclass(frozen=True, slots=True)
class BriefingFacts:
    why: str | None
    regional_situation: str | None
    why_mediation: str | None
    reasons: tuple[str, ...]
    expected_commitment: str | None


@quick
@dataclass(frozen=True, slots=True)
class CharterFacts:
    version: int
    signed_by: frozenset[int]
    adopted_on: date | None = None


@quick
@dataclass(frozen=True, slots=True)
class EvaluationFacts:
    kind: str
    held_on: date
    id: int = 0
    evaluator: str | None = None
    strengths: tuple[str, ...] = ()
    weaknesses: tuple[str, ...] = ()
    opportunities: tuple[str, ...] = ()
    threats: tuple[str, ...] = ()
    findings: str | None = None


@quick
@dataclass(frozen=True, slots=True)
class PublicationFacts:
    id: int
    kind: str
    title: str
    url: str | None
    audience: str | None
    published_on: date


@quick
@dataclass(frozen=True, slots=True)
class SustainabilityFacts:
    dated_on: date | None
    decision: str | None
    decided_on: date | None


@quick
@dataclass(frozen=True, slots=True)
class EventFacts:
    """A line of the stage history (without the gate results it stored)."""

    id: int
    kind: str
    stage: str
    to_stage: str | None
    check_code: str | None
    actor: str
    reason: str | None
    at: datetime


@quick
@dataclass(frozen=True, slots=True)
class Measures:
    """What the checks decide on, counted for one day: how many candidates, active members...

    Checking every alliance needs only these, which SQL counts per alliance without sending the
    rows (`Include.verdicts_only`); otherwise they are counted from the rows read
    (`AllianceFacts.measures_on`). `tests/test_measures.py` checks that both count the same.
    """

    day: date
    #: not left (candidates and members still involved: the stakeholder list of stage 1)
    candidates: int = 0
    #: ...of whom without an e-mail or a phone
    unreachable: int = 0
    #: ...whose authority to be involved is not yet checked
    authority_unknown: int = 0
    #: ...without that authority and with no one named who can grant it
    authority_without_grantor: int = 0
    #: ...who represent a migrant or refugee community
    migrant_candidates: int = 0
    #: the sectors of the candidates (their own and their organisation's)
    sectors_covered: frozenset[str] = frozenset()
    active_members: int = 0
    #: the stakeholder groups the active members come from
    active_groups: frozenset[str] = frozenset()
    #: active members who are the communications officer
    active_officers: int = 0
    #: active members who have not signed the latest charter (0 without a charter)
    active_unsigned: int = 0
    organisations: int = 0
    #: organisations without a place on the map
    unmapped_organisations: int = 0
    #: actions of the plan not dropped, and how many of them lack one of the guide's parts
    actions: int = 0
    incomplete_actions: int = 0


class _Unread:
    """Rows a verdicts-only read left out: using them is a mistake to report, not an empty
    collection (a reason written from them would say "0 of 0 members" and be wrong)."""

    what: str

    def __new__(cls, what: str) -> Any:
        made = super().__new__(cls)  # the empty tuple or set it stands for
        made.what = what
        return made

    def _refuse(self, *args: Any) -> Any:
        raise LookupError(
            f"the {self.what} were not read (Include.verdicts_only): read the alliance's facts "
            "with their rows to say who or what a check is about"
        )


class NotRead(_Unread, tuple[Any, ...]):
    """Rows of a list that were not read (members, organisations, actions)."""

    __iter__ = __len__ = __bool__ = __getitem__ = __contains__ = _Unread._refuse


class NotReadSet(_Unread, frozenset[Any]):
    """The same for a set (who signed the charter)."""

    __iter__ = __len__ = __bool__ = __contains__ = _Unread._refuse


@quick
@dataclass(frozen=True)
class AllianceFacts:
    id: int
    slug: str
    name: str
    stage: str
    region: str | None = None
    region_boundary: str | None = None
    work_plan_start: date | None = None
    work_plan_end: date | None = None
    #: months between evaluations for the reminders; None: the deployment's default
    evaluation_cadence_months: int | None = None
    accountable: str | None = None
    channels: tuple[str, ...] = ()
    vision: str | None = None
    vision_agreed_on: date | None = None
    people: tuple[PersonFacts, ...] = ()
    organisations: tuple[OrganisationFacts, ...] = ()
    briefing: BriefingFacts | None = None
    meetings: tuple[MeetingFacts, ...] = ()
    sector_profiles: int = 0
    research_sources: int = 0
    consultations: int = 0
    gaps: int = 0
    action_plan: tuple[ActionFacts, ...] = ()
    charter: CharterFacts | None = None
    communication_audiences: frozenset[str] = frozenset()
    publications: frozenset[str] = frozenset()
    evaluations: tuple[EvaluationFacts, ...] = ()
    sustainability: SustainabilityFacts | None = None
    country: str = ""
    language: str = "en"
    timezone: str = "UTC"
    #: not read with Include.current_stage_only (no check or reminder reads them)
    created_at: datetime | None = None
    updated_at: datetime | None = None
    #: the stage history, oldest first (waivers, moves); with Include.current_stage_only, only
    #: the entries into the current stage and the waivers granted in it
    history: tuple[EventFacts, ...] = ()
    # Read only when asked for (Include): the reminders' and the reports' extra rows.
    minutes_actions: tuple[MinutesActionFacts, ...] = ()
    #: agenda lines of the meetings close to the sweep, by meeting id
    agenda: dict[int, tuple[str, ...]] = field(default_factory=dict, compare=False)
    #: audience -> Apprise URL(s) of the alliance's channels
    notification_channels: dict[str, str] = field(default_factory=dict, compare=False)
    #: (title, recipient) of the messages the outbox gave up on
    failed_deliveries: tuple[tuple[str, str], ...] = ()
    #: (meeting id, member id, present) for the meetings that were held
    attendance: tuple[tuple[int, int, bool], ...] = ()
    publication_rows: tuple[PublicationFacts, ...] = ()
    #: counted by SQL for `measures.day` (Include.verdicts_only); otherwise None
    measures: Measures | None = field(default=None, compare=False)

    def measures_on(self, today: date) -> Measures:
        """What the checks decide on, as of `today`: from SQL when it counted them for that
        day, otherwise counted from the rows (once per day asked)."""
        counted = self.measures
        if counted is not None:
            if counted.day != today:  # its rows were not all read: they cannot be counted
                raise LookupError(f"counted for {counted.day}, asked for {today}")
            return counted
        cached = self.__dict__.get("_measured")
        if cached is None or cached.day != today:
            cached = self.__dict__["_measured"] = count_measures(self, today)
        return cached

    def active_members(self, today: date) -> list[PersonFacts]:
        return [p for p in self.people if p.active(today)]

    def not_left(self, today: date) -> list[PersonFacts]:
        """Candidates and members still involved: the stakeholder list of stage 1."""
        return [p for p in self.people if not p.left(today)]

    def stage_entered_at(self) -> dict[str, datetime]:
        return stage_entered_at(self.history)

    def waivers(self) -> list[Waiver]:
        """Every waiver ever granted, oldest first."""
        return [
            Waiver(e.check_code or "", e.stage, e.reason or "", e.actor, e.at)
            for e in sorted(self.history, key=lambda e: e.id)
            if e.kind == EventKind.WAIVED
        ]

    def active_waivers(self) -> list[Waiver]:
        """Waivers granted since the alliance last entered its current stage.

        A waiver answers one failure on one visit: after moving back and returning, the stage's
        checks must pass (or be waived) again.
        """
        if not any(e.kind == EventKind.WAIVED for e in self.history):
            return []  # most alliances: nothing to sort
        entered = self.stage_entered_at().get(self.stage)
        return [w for w in self.waivers() if entered is None or w.at >= entered]


def _one_of(known: dict[frozenset[str], frozenset[str]], value: frozenset[str]) -> frozenset[str]:
    """`value`, or the equal set met before."""
    return known.setdefault(value, value)


def count_measures(f: AllianceFacts, today: date) -> Measures:
    """The measures counted from the rows, exactly as `read_facts` counts them in SQL (one pass
    over the members: the reminders count them for thousands of alliances)."""
    signed = f.charter.signed_by if f.charter is not None else None
    candidates = unreachable = unknown = without_grantor = migrant = 0
    active = officers = unsigned = 0
    sectors: set[str] = set()
    groups: set[str] = set()
    for p in f.people:
        if p.left_on is not None and p.left_on <= today:
            continue
        candidates += 1
        if not p.has_contact:
            unreachable += 1
        if p.has_authority is None:
            unknown += 1
        elif p.has_authority == "no" and not (p.authority_granted_by or "").strip():
            without_grantor += 1
        if p.group == StakeholderGroup.MIGRANT_REFUGEE_COMMUNITY:
            migrant += 1
        sectors.update(p.sectors)
        if p.joined_on is not None and p.joined_on <= today:
            active += 1
            if p.group:
                groups.add(p.group)
            if Role.COMMUNICATIONS_OFFICER in p.roles:
                officers += 1
            if signed is not None and p.id not in signed:
                unsigned += 1
    items = [a for a in f.action_plan if a.status != ActionStatus.DROPPED]
    return Measures(
        day=today,
        candidates=candidates,
        unreachable=unreachable,
        authority_unknown=unknown,
        authority_without_grantor=without_grantor,
        migrant_candidates=migrant,
        sectors_covered=frozenset(sectors),
        active_members=active,
        active_groups=frozenset(groups),
        active_officers=officers,
        active_unsigned=unsigned,
        organisations=len(f.organisations),
        unmapped_organisations=sum(1 for o in f.organisations if not o.mapped),
        actions=len(items),
        incomplete_actions=sum(1 for a in items if a.missing_parts()),
    )


#: The events by which an alliance enters a stage.
ENTRY_KINDS = (EventKind.CREATED, EventKind.ADVANCED, EventKind.MOVED_BACK)


def stage_entered_at(events: Iterable[Any]) -> dict[str, datetime]:
    """When the alliance last entered each stage, from its history (oldest event first)."""
    entered: dict[str, datetime] = {}
    for e in events:
        if e.to_stage and e.kind in ENTRY_KINDS:
            entered[e.to_stage] = e.at
    return entered


@quick
@dataclass(frozen=True)
class Include:
    """Rows beyond what the gates read, loaded only for the paths that use them."""

    #: meeting actions, agenda of the meetings near `around`, channels, failed deliveries
    reminders: bool = False
    #: meeting actions, attendance, evaluation details, publications
    report: bool = False
    #: the day a reminders sweep looks from (the agenda is read for meetings close to it)
    around: date | None = None
    #: only what the checks of each alliance's current stage read (checking every alliance):
    #: the members of an alliance in analysis, the meetings of one in planning... are not read
    current_stage_only: bool = False
    #: with current_stage_only: tables read for every alliance all the same (see READ_BY)
    everywhere: frozenset[str] = frozenset()
    #: with reminders (not report) and `around`: only the rows the reminders can speak of,
    #: except where the current stage's checks read the whole table: the meetings that started
    #: at most this many days before `around` (and every later one), the open minutes actions
    #: and the open rows of the action plan that have an end date
    reminders_window: int | None = None
    #: with current_stage_only: only pass or fail (no reason to write), on `today`: SQL counts
    #: the members, organisations and actions (`Measures`) instead of sending their rows
    verdicts_only: bool = False
    today: date | None = None


#: Action plan rows the reminders no longer speak of.
DONE_ACTIONS = (ActionStatus.DONE.value, ActionStatus.DROPPED.value)

#: Which stages' checks read each table (for Include.current_stage_only).
READ_BY = {
    "organisations": ("scope", "launch", "analysis", "dissemination"),
    "organisation_sectors": ("scope",),
    "members": ("scope", "launch", "planning", "dissemination"),
    "member_roles": ("launch", "dissemination"),
    "briefings": ("scope",),
    "meetings": ("launch",),
    "counts": ("analysis",),
    "action_plan_items": ("planning",),
    "charters": ("planning",),
    "charter_signatures": ("planning",),
    "communication_plan_rows": ("dissemination",),
    "publications": ("planning", "dissemination"),
    "evaluations": ("sustainability",),
    "sustainability_plans": ("sustainability",),
}
#: Which stages' checks read each table's rows when SQL counts the rest (Include.verdicts_only):
#: who holds the chair and the secretary's roles, and the launch meetings, are still rows.
READ_BY_VERDICTS = {
    **READ_BY,
    "organisations": ("launch",),
    "organisation_sectors": (),
    "members": ("launch",),
    "member_roles": ("launch",),
    "action_plan_items": (),
    "charter_signatures": (),
    # What SQL counts instead (Measures), for the stages whose checks decide on the counts.
    "measures": ("scope", "launch", "planning", "dissemination"),
    "channels": ("launch",),
    "measured_sectors": ("scope",),
    "measured_groups": ("dissemination",),
    "organisation_tallies": ("analysis",),
    "action_tallies": ("planning",),
}

#: Which members' counts (Measures) SQL works out for each stage in a verdicts-only read: the
#: ones its checks read, and no other (a count for another stage stays 0 there).
MEASURED_BY_STAGE: dict[str, tuple[str, ...]] = {
    "scope": (
        "candidates",
        "unreachable",
        "authority_unknown",
        "authority_without_grantor",
        "migrant_candidates",
    ),
    "launch": ("active_members",),
    "planning": ("active_members", "active_unsigned"),
    "dissemination": ("active_officers",),
}

#: Tables the reminders read for every alliance, whatever its stage.
READ_BY_REMINDERS = frozenset(
    {
        "members",
        "member_roles",
        "meetings",
        "action_plan_items",
        "charters",
        "evaluations",
        "sustainability_plans",
    }
)


GATES = Include()
#: Checking every alliance's current stage.
CURRENT_STAGE = Include(current_stage_only=True)
#: Only whether each check of the current stage passes (give `today`).
VERDICTS = Include(current_stage_only=True, verdicts_only=True)

#: Alliances to read: their ids, or a condition on the alliances table (e.g. not closed).
Scope = Sequence[int] | ColumnElement[bool]


@lru_cache(maxsize=64)
def _statements(include: Include, around: bool) -> dict[str, Any]:
    """The statements of one kind of read (by name), for a list of ids given as a parameter."""
    return {}


@lru_cache(maxsize=64)
def _statements_on(include: Include, around: bool, condition: Hashable) -> dict[str, Any]:
    """The statements of one kind of read (by name), for alliances meeting a condition."""
    return {}


def _fetch_all(
    conn: Connection,
    statement: Any,
    params: dict[str, Any],
    kept: dict[Any, Any] | None = None,
    name: str = "",
) -> Sequence[Any]:
    """Every row at once.

    Rows whose values need no conversion (all of them on PostgreSQL, where the driver makes
    dates and numbers; on SQLite those without a date or a yes/no) are the driver's own tuples,
    taken from SQLAlchemy's cursor without the Row object it would build around each: the read
    model unpacks rows by position and keeps none of them. The others are SQLAlchemy's rows.
    `kept` is where the statement `name` is kept: whether it converts is kept beside it.
    """
    result = conn.execute(statement, params)
    key = ("converts", name, conn.dialect.name)
    converts = kept.get(key) if kept is not None else None
    if converts is None:
        converts = _converts(statement, conn.dialect, result.cursor.description)
        if kept is not None:
            kept[key] = converts
    if converts:
        return result.all()
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


def _converts(statement: Any, dialect: Any, description: Sequence[Any]) -> bool:
    """Whether SQLAlchemy's result would convert a value of any column of `statement`
    (TypeEngine.result_processor, given the driver's column type)."""
    return any(
        column.type.dialect_impl(dialect).result_processor(dialect, described[1]) is not None
        for column, described in zip(statement.selected_columns, description, strict=True)
    )


def _condition_key(condition: ColumnElement[bool]) -> Hashable | None:
    """What tells one condition from another: its SQL form and the values it compares with
    (None when a value cannot be a key)."""
    cache_key = condition._generate_cache_key()
    if cache_key is None:
        return None
    values = tuple(b.effective_value for b in cache_key.bindparams)
    try:
        hash(values)
    except TypeError:
        return None
    return (cache_key.key, values)


def load_facts(session: Session, alliance: m.Alliance, include: Include = GATES) -> AllianceFacts:
    """One alliance's facts (the same statements as for many).

    The stage is the one the caller holds: a use case checks the stage it read, and the
    compare-and-set in services.stages refuses the move if another one changed it meanwhile.
    """
    facts = read_facts(session, [alliance.id], include)[alliance.id]
    return facts if facts.stage == alliance.stage else replace(facts, stage=alliance.stage)


@without_gc
def read_facts(
    session: Session | Connection, scope: Scope, include: Include = GATES
) -> dict[int, AllianceFacts]:
    """Facts for every alliance in `scope`, by id, in a fixed number of statements.

    Read on a session (in its transaction), or on a bare connection by a use case that needs
    no ORM (`alliance-flow status`)."""
    # Core statements on the session's connection (in its transaction): the ORM's result
    # machinery is not needed for plain columns. Pending changes are flushed first, as the
    # ORM's own autoflush would.
    if isinstance(session, Connection):
        conn = session
    else:
        if session.new or session.dirty or session.deleted:
            session.flush()
        conn = session.connection()
    params: dict[str, Any] = {}
    cache: dict[str, Any] | None = None
    if isinstance(scope, ColumnElement):
        ids: Any = select(ct.alliances.c.id).where(scope).scalar_subquery()
        # A condition (every open alliance...) is asked again and again: the statements built
        # on it are kept under its SQL form and the values it compares with.
        key = _condition_key(scope)
        if key is not None:
            cache = _statements_on(
                replace(include, around=None, today=None), include.around is not None, key
            )
    else:
        # Ids are a parameter: the statements are built once per kind of read and reused
        # (building them costs more than running them for a page of alliances).
        if not scope:
            return {}
        ids = bindparam("ids", expanding=True)
        params["ids"] = list(scope)
        cache = _statements(replace(include, around=None, today=None), include.around is not None)
    verdicts_only = include.current_stage_only and include.verdicts_only
    if verdicts_only:
        if include.today is None:
            raise ValueError("Include.verdicts_only counts for a day: give Include.today")
        params["today"] = include.today
    read_by = READ_BY_VERDICTS if verdicts_only else READ_BY

    def reads(table: str) -> bool:
        """Whether any alliance's checks read this table's rows (a verdicts-only read counts
        some tables in SQL instead)."""
        return not include.current_stage_only or table in include.everywhere or bool(read_by[table])

    def reads_for(table: str, stage: str) -> bool:
        return (
            not include.current_stage_only or table in include.everywhere or stage in read_by[table]
        )

    if include.around is not None:
        # Messages quote the agenda only of meetings still ahead (time zones apart).
        params["since"] = datetime.combine(
            include.around - timedelta(days=2), datetime.min.time(), UTC
        )

    def rows(name: str, build: Callable[[], Any], table: str | None = None) -> Sequence[Any]:
        if table is not None and not reads(table):
            return ()
        statement = None if cache is None else cache.get(name)
        if statement is None:
            statement = build()
            if cache is not None:
                cache[name] = statement
        return _fetch_all(conn, statement, params, cache, name)

    def read_by_stage(table: str) -> Any:
        """The alliances in `scope` whose current stage's checks read `table`."""
        return (
            select(ct.alliances.c.id)
            .where(ct.alliances.c.id.in_(ids), ct.alliances.c.stage.in_(read_by[table]))
            .scalar_subquery()
        )

    def where(col: Any, table: str | None = None) -> Any:
        if include.current_stage_only and table is not None and table not in include.everywhere:
            return col.in_(read_by_stage(table))
        return col.in_(ids)

    window = include.reminders_window if include.reminders and not include.report else None
    if include.around is None:
        window = None
    if window is not None and include.around is not None:
        params["recent"] = datetime.combine(
            include.around - timedelta(days=window + 2), datetime.min.time(), UTC
        )

    def where_open(col: Any, table: str, still_open: Any) -> Any:
        """where(), and for the reminders alone only the rows they can speak of (`still_open`),
        unless the alliance's current stage checks read the whole table."""
        if window is None:
            return where(col, table)
        return and_(where(col, table), or_(col.in_(read_by_stage(table)), still_open))

    A = ct.alliances.c
    # When the alliance was made and last changed: for reports and pages, never for a check.
    stamps = () if include.current_stage_only else (A.created_at, A.updated_at)
    # The channels are a JSON list to decode; only stage 2's checks read them to pass or fail.
    channel_names: Any = A.communication_channels
    if verdicts_only:
        channel_names = case(
            (A.stage.in_(read_by["channels"]), A.communication_channels), else_=None
        ).label("communication_channels")
    alliances = rows(
        "alliances",
        lambda: (
            select(
                A.id,
                A.slug,
                A.name,
                A.stage,
                A.region,
                A.region_boundary,
                A.work_plan_start,
                A.work_plan_end,
                A.evaluation_cadence_months,
                A.accountable,
                channel_names,
                A.vision,
                A.vision_agreed_on,
                A.country,
                A.language,
                A.timezone,
                *stamps,
            )
            .where(where(A.id))
            .order_by(A.id)
        ),
    )
    if not alliances:
        return {}

    # Organisations and their sectors.
    Org = ct.organisations.c
    org_sectors: dict[int, set[str]] = defaultdict(set)
    for org_id, sector in rows(
        "organisation_sectors",
        lambda: (
            select(ct.organisation_sectors.c.organisation_id, ct.organisation_sectors.c.sector)
            .join(ct.organisations, Org.id == ct.organisation_sectors.c.organisation_id)
            .where(where(Org.alliance_id, "organisation_sectors"))
        ),
        "organisation_sectors",
    ):
        org_sectors[org_id].add(sector)
    orgs: dict[int, list[OrganisationFacts]] = defaultdict(list)
    org_of: dict[int, OrganisationFacts] = {}
    # On the map or not is all a reader asks of the coordinates: a yes/no from SQL (the two
    # numbers cost more to read than the rest of the row, on PostgreSQL as Decimals).
    mapped = case((and_(Org.latitude.is_not(None), Org.longitude.is_not(None)), True), else_=False)
    no_sectors: frozenset[str] = frozenset()
    # Equal sets of sectors (and of roles, below) are one object: a few dozen kinds among
    # thousands of rows, and each set kept is one more object to free and for the collector to walk.
    sector_sets: dict[frozenset[str], frozenset[str]] = {}
    for oid, aid, name, group, is_mapped in rows(
        "organisations",
        lambda: (
            select(Org.id, Org.alliance_id, Org.name, Org.group, mapped)
            .where(where(Org.alliance_id, "organisations"))
            .order_by(Org.alliance_id, Org.name)
        ),
        "organisations",
    ):
        its_sectors = org_sectors.get(oid)
        org = OrganisationFacts(
            oid,
            name,
            group,
            _one_of(sector_sets, frozenset(its_sectors)) if its_sectors else no_sectors,
            bool(is_mapped),
        )
        orgs[aid].append(org)
        org_of[oid] = org

    # Members and their roles.
    Mb = ct.members.c
    roles: dict[int, set[str]] = defaultdict(set)
    for member_id, role in rows(
        "member_roles",
        lambda: (
            select(ct.member_roles.c.member_id, ct.member_roles.c.role)
            .join(ct.members, Mb.id == ct.member_roles.c.member_id)
            .where(where(Mb.alliance_id, "member_roles"))
        ),
        "member_roles",
    ):
        roles[member_id].add(role)
    people: dict[int, list[PersonFacts]] = defaultdict(list)
    member_names: dict[int, str] = {}
    # Checking stages alone reads only what the checks use; how each member is reached (their
    # channel, e-mail, language, consent) is for the reminders and the pages.
    lean = include.current_stage_only and not (include.reminders or include.report)
    reached: tuple[Any, ...] = ()
    if not lean:
        reached = (
            case((Mb.preferred_channel != "", True), else_=False),
            case((Mb.email != "", True), else_=False),
            Mb.language,
            Mb.participation_level,
            select(ct.member_consents.c.member_id)
            .where(
                ct.member_consents.c.member_id == Mb.id,
                ct.member_consents.c.purpose == "contact",
                ct.member_consents.c.granted.is_(False),
            )
            .exists()
            .label("contact_withdrawn"),
        )
    contact = or_(Mb.email != "", Mb.phone != "")
    no_roles: frozenset[str] = frozenset()
    role_sets: dict[frozenset[str], frozenset[str]] = {}
    for r1 in rows(
        "members",
        lambda: (
            select(
                Mb.id,
                Mb.alliance_id,
                Mb.name,
                Mb.organisation_id,
                Mb.group,
                Mb.sector,
                case((contact, True), else_=False),
                Mb.has_authority,
                Mb.authority_granted_by,
                Mb.joined_on,
                Mb.left_on,
                *reached,
            )
            .where(where(Mb.alliance_id, "members"))
            .order_by(Mb.alliance_id, Mb.name)
        ),
        "members",
    ):
        # Unpacked by position: thousands of rows, and attribute access by name costs twice.
        mid, aid, m_name, m_org, m_group, m_sector, has_contact, authority, grantor = r1[:9]
        their = org_of.get(m_org) if m_org else None
        inherited = their.sectors if their else no_sectors
        sectors = _one_of(sector_sets, inherited | {m_sector}) if m_sector else inherited
        member_names[mid] = m_name
        member_roles = roles.get(mid)
        known = (
            mid,
            m_name,
            their.name if their else None,
            m_group or (their.group if their else None),
            sectors,
            has_contact,
            authority,
            grantor,
            r1[9],
            r1[10],
            _one_of(role_sets, frozenset(member_roles)) if member_roles else no_roles,
        )
        people[aid].append(
            PersonFacts(*known)
            if lean
            else PersonFacts(*known, r1[13], r1[11], r1[12], r1[14], bool(r1[15]))
        )

    B = ct.briefings.c
    briefings = {
        r2[0]: BriefingFacts(
            r2[1],
            r2[2],
            r2[3],
            tuple(r for r in (r2[4] or []) if r.strip()),
            r2[5],
        )
        for r2 in rows(
            "briefings",
            lambda: select(
                B.alliance_id,
                B.why,
                B.regional_situation,
                B.why_mediation,
                B.reasons,
                B.expected_commitment,
            ).where(where(B.alliance_id, "briefings")),
        )
    }

    Mt = ct.meetings.c
    meetings: dict[int, list[MeetingFacts]] = defaultdict(list)
    zones: dict[str, ZoneInfo] = {}
    minuted = case((and_(Mt.minutes.is_not(None), Mt.minutes != ""), True), else_=False)
    for mid, aid, kind, title, starts_at, tz, status, has_minutes, place in rows(
        "meetings",
        lambda: (
            select(
                Mt.id,
                Mt.alliance_id,
                Mt.kind,
                Mt.title,
                Mt.starts_at,
                Mt.timezone,
                Mt.status,
                minuted,
                Mt.place,
            )
            .where(where_open(Mt.alliance_id, "meetings", Mt.starts_at >= bindparam("recent")))
            .order_by(Mt.alliance_id, Mt.starts_at)
        ),
    ):
        zone = zones.get(tz) or zones.setdefault(tz, ZoneInfo(tz))
        meetings[aid].append(
            MeetingFacts(
                mid,
                kind,
                title,
                starts_at.astimezone(zone).date(),
                status,
                bool(has_minutes),
                starts_at,
                tz,
                place,
            )
        )

    # Counts of the analysis records, one statement for the four tables.
    counted = (ct.sector_profiles, ct.research_sources, ct.consultations, ct.gaps)
    counts: dict[tuple[int, str], int] = {}
    for aid, table, n in rows(
        "counts",
        lambda: union_all(
            *(
                select(t.c.alliance_id, literal(t.name), func.count())
                .where(where(t.c.alliance_id, "counts"))
                .group_by(t.c.alliance_id)
                for t in counted
            )
        ),
    ):
        counts[(aid, table)] = n

    P = ct.action_plan_items.c
    plan: dict[int, list[ActionFacts]] = defaultdict(list)
    for r3 in rows(
        "action_plan",
        lambda: (
            select(
                P.id,
                P.alliance_id,
                P.number,
                P.action,
                P.status,
                P.owner_member_id,
                P.responsible,
                P.starts_on,
                P.ends_on,
                P.resources,
                P.obstacles,
                P.obstacle_plan,
                P.collaborators,
                P.estimated_budget,
                P.budget_committed,
                P.completed_on,
            )
            .where(
                where_open(
                    P.alliance_id,
                    "action_plan_items",
                    and_(P.status.not_in(DONE_ACTIONS), P.ends_on.is_not(None)),
                )
            )
            .order_by(P.alliance_id, P.number)
        ),
        "action_plan_items",
    ):
        (
            item_id,
            aid,
            number,
            action,
            status,
            owner_id,
            responsible,
            starts_on,
            ends_on,
            resources,
            obstacles,
            obstacle_plan,
            collaborators,
            estimated_budget,
            budget_committed,
            completed_on,
        ) = r3  # by position: attribute access by name costs several times more
        plan[aid].append(
            ActionFacts(
                number=number,
                action=action,
                status=status,
                owner=member_names.get(owner_id) if owner_id else responsible,
                starts_on=starts_on,
                ends_on=ends_on,
                resources=resources,
                obstacles=obstacles,
                obstacle_plan=obstacle_plan,
                collaborators=collaborators,
                estimated_budget=estimated_budget,
                id=item_id,
                owner_member_id=owner_id,
                responsible=responsible,
                budget_committed=budget_committed,
                completed_on=completed_on,
            )
        )

    # The latest charter version of each alliance, and who signed it.
    Cv = ct.charter_versions.c
    latest = (
        select(Cv.alliance_id, func.max(Cv.version).label("version"))
        .where(where(Cv.alliance_id, "charters"))
        .group_by(Cv.alliance_id)
        .subquery()
    )
    current = and_(Cv.alliance_id == latest.c.alliance_id, Cv.version == latest.c.version)
    signed: dict[int, set[int]] = defaultdict(set)
    for version_id, member_id in rows(
        "charter_signatures",
        lambda: (
            select(ct.charter_signatures.c.charter_version_id, ct.charter_signatures.c.member_id)
            .join(ct.charter_versions, Cv.id == ct.charter_signatures.c.charter_version_id)
            .join(latest, current)
        ),
        "charter_signatures",
    ):
        signed[version_id].add(member_id)
    unread_signatures = NotReadSet("signatures of the charter") if verdicts_only else None
    charters = {
        aid: CharterFacts(
            version,
            frozenset(signed.get(cid, ())) if unread_signatures is None else unread_signatures,
            adopted_on,
        )
        for cid, aid, version, adopted_on in rows(
            "charters",
            lambda: select(Cv.id, Cv.alliance_id, Cv.version, Cv.adopted_on).join(latest, current),
        )
    }

    Cp = ct.communication_plan_rows.c
    audiences: dict[int, set[str]] = defaultdict(set)
    for aid, audience in rows(
        "audiences",
        lambda: (
            select(Cp.alliance_id, Cp.audience)
            .where(where(Cp.alliance_id, "communication_plan_rows"))
            .distinct()
        ),
    ):
        audiences[aid].add(audience)

    Pb = ct.publications.c
    publications: dict[int, set[str]] = defaultdict(set)
    publication_rows: dict[int, list[PublicationFacts]] = defaultdict(list)
    if include.report:
        for r4 in rows(
            "publication_rows",
            lambda: (
                select(
                    Pb.id, Pb.alliance_id, Pb.kind, Pb.title, Pb.url, Pb.audience, Pb.published_on
                )
                .where(where(Pb.alliance_id))
                .order_by(Pb.alliance_id, Pb.published_on.desc(), Pb.id.desc())
            ),
        ):
            publications[r4[1]].add(r4[2])
            publication_rows[r4[1]].append(
                PublicationFacts(r4[0], r4[2], r4[3], r4[4], r4[5], r4[6])
            )
    else:
        for aid, kind in rows(
            "publications",
            lambda: (
                select(Pb.alliance_id, Pb.kind)
                .where(where(Pb.alliance_id, "publications"))
                .distinct()
            ),
        ):
            publications[aid].add(kind)

    E = ct.evaluations.c
    evaluations: dict[int, list[EvaluationFacts]] = defaultdict(list)
    if include.report:
        for r5 in rows(
            "evaluation_rows",
            lambda: (
                select(
                    E.id,
                    E.alliance_id,
                    E.kind,
                    E.held_on,
                    E.evaluator,
                    E.strengths,
                    E.weaknesses,
                    E.opportunities,
                    E.threats,
                    E.findings,
                )
                .where(where(E.alliance_id))
                .order_by(E.alliance_id, E.held_on, E.id)
            ),
        ):
            evaluations[r5[1]].append(
                EvaluationFacts(
                    r5[2],
                    r5[3],
                    r5[0],
                    r5[4],
                    tuple(r5[5] or ()),
                    tuple(r5[6] or ()),
                    tuple(r5[7] or ()),
                    tuple(r5[8] or ()),
                    r5[9],
                )
            )
    else:
        for eid, aid, kind, held_on in rows(
            "evaluations",
            lambda: (
                select(E.id, E.alliance_id, E.kind, E.held_on)
                .where(where(E.alliance_id, "evaluations"))
                .order_by(E.alliance_id, E.held_on, E.id)
            ),
        ):
            evaluations[aid].append(EvaluationFacts(kind, held_on, eid))

    S = ct.sustainability_plans.c
    plans = {
        aid: SustainabilityFacts(dated_on, decision, decided_on)
        for aid, dated_on, decision, decided_on in rows(
            "sustainability_plans",
            lambda: select(S.alliance_id, S.dated_on, S.decision, S.decided_on).where(
                where(S.alliance_id, "sustainability_plans")
            ),
        )
    }

    Ev = ct.stage_events.c
    history: dict[int, list[EventFacts]] = defaultdict(list)
    about_current_stage: tuple[Any, ...] = ()
    if include.current_stage_only:
        # The checks read only when the alliance entered its stage and the waivers granted there.
        about_current_stage = (
            select(A.id)
            .where(
                A.id == Ev.alliance_id,
                or_(
                    and_(Ev.kind == EventKind.WAIVED, Ev.stage == A.stage),
                    and_(Ev.kind.in_(ENTRY_KINDS), Ev.to_stage == A.stage),
                ),
            )
            .exists(),
        )
    for r6 in rows(
        "history",
        lambda: (
            select(
                Ev.id,
                Ev.alliance_id,
                Ev.kind,
                Ev.stage,
                Ev.to_stage,
                Ev.check_code,
                Ev.actor,
                Ev.reason,
                Ev.at,
            )
            .where(where(Ev.alliance_id), *about_current_stage)
            .order_by(Ev.alliance_id, Ev.at, Ev.id)
        ),
    ):
        event_id, aid, kind, stage, to_stage, code, actor, reason, at = r6
        history[aid].append(EventFacts(event_id, kind, stage, to_stage, code, actor, reason, at))

    measures = _count_in_sql(rows, where, include.today) if verdicts_only else {}
    # An alliance without members, organisations or actions is counted too: zero of each.
    nothing_counted = Measures(include.today) if verdicts_only and include.today else None

    minutes_actions: dict[int, list[MinutesActionFacts]] = defaultdict(list)
    agenda: dict[int, dict[int, list[str]]] = {}
    channels: dict[int, dict[str, str]] = defaultdict(dict)
    failed: dict[int, list[tuple[str, str]]] = defaultdict(list)
    attendance: dict[int, list[tuple[int, int, bool]]] = defaultdict(list)
    if include.reminders or include.report:
        Ma = ct.meeting_actions.c
        open_only = () if window is None else (Ma.done_on.is_(None), Ma.due_on.is_not(None))
        for r7 in rows(
            "minutes_actions",
            lambda: (
                select(
                    Ma.id,
                    Mt.alliance_id,
                    Ma.meeting_id,
                    Ma.description,
                    Ma.owner_member_id,
                    Ma.due_on,
                    Ma.done_on,
                )
                .join(ct.meetings, Mt.id == Ma.meeting_id)
                .where(where(Mt.alliance_id), *open_only)
                .order_by(Mt.alliance_id, Ma.due_on, Ma.id)
            ),
        ):
            minutes_actions[r7[1]].append(
                MinutesActionFacts(
                    r7[0],
                    r7[2],
                    r7[3],
                    r7[4],
                    r7[5],
                    r7[6],
                )
            )
    if include.reminders:
        from alliance_flow.reminders import models as rm

        Ag = ct.agenda_items.c
        near = select(Mt.id).where(where(Mt.alliance_id))
        if include.around is not None:
            near = near.where(Mt.starts_at >= bindparam("since"))
        for aid, meeting_id, time, item in rows(
            "agenda",
            lambda: (
                select(Mt.alliance_id, Ag.meeting_id, Ag.time, Ag.item)
                .join(ct.meetings, Mt.id == Ag.meeting_id)
                .where(Ag.meeting_id.in_(near.scalar_subquery()))
                .order_by(Ag.meeting_id, Ag.position, Ag.id)
            ),
        ):
            agenda.setdefault(aid, {}).setdefault(meeting_id, []).append(
                f"{time} {item}" if time else item
            )
        Ch = rm.AllianceChannel
        for aid, audience, url in rows(
            "channels",
            lambda: select(Ch.alliance_id, Ch.audience, Ch.apprise_url).where(
                where(Ch.alliance_id)
            ),
        ):
            channels[aid][audience] = url
        Ob = rm.OutboxMessage
        for aid, title, recipient in rows(
            "failed",
            lambda: (
                select(Ob.alliance_id, Ob.title, Ob.recipient)
                .where(where(Ob.alliance_id), Ob.status == rm.FAILED)
                .order_by(Ob.id)
            ),
        ):
            failed[aid].append((title, recipient))
    if include.report:
        At = ct.attendance.c
        for aid, meeting_id, member_id, present in rows(
            "attendance",
            lambda: (
                select(Mt.alliance_id, At.meeting_id, At.member_id, At.present)
                .join(ct.meetings, Mt.id == At.meeting_id)
                .where(where(Mt.alliance_id), Mt.status == MeetingStatus.HELD)
            ),
        ):
            attendance[aid].append((meeting_id, member_id, bool(present)))

    # Thousands of alliances: rows unpacked by position, tables without a row for an alliance
    # give the same empty value.
    none: tuple[Any, ...] = ()
    nothing: frozenset[str] = frozenset()
    unread_people, unread_organisations, unread_actions = (
        NotRead("members"),
        NotRead("organisations"),
        NotRead("actions of the plan"),
    )
    unread: dict[str, tuple[tuple[Any, ...], tuple[Any, ...], tuple[Any, ...]]] = {}
    out: dict[int, AllianceFacts] = {}
    for a in alliances:
        (
            aid,
            slug,
            name,
            stage,
            region,
            boundary,
            plan_start,
            plan_end,
            cadence,
            accountable,
            channel_names,
            vision,
            vision_agreed_on,
            country,
            language,
            timezone,
        ) = a[:16]
        created_at, updated_at = a[16:] or (None, None)
        its_audiences = audiences.get(aid)
        its_publications = publications.get(aid)
        its_agenda = agenda.get(aid)
        its_channels = channels.get(aid)
        # What an alliance without rows in a table holds: nothing, or (in a verdicts-only read)
        # rows that were not read.
        empty = unread.get(stage)
        if empty is None:
            empty = unread[stage] = (
                none if not verdicts_only or reads_for("members", stage) else unread_people,
                none
                if not verdicts_only or reads_for("organisations", stage)
                else unread_organisations,
                none
                if not verdicts_only or reads_for("action_plan_items", stage)
                else unread_actions,
            )
        # By position, in the order of AllianceFacts' fields (a thousand alliances: naming forty
        # arguments cost twice the building).
        out[aid] = AllianceFacts(
            aid,
            slug,
            name,
            stage,
            region,
            boundary,
            plan_start,
            plan_end,
            cadence,
            accountable,
            tuple(channel_names) if channel_names else none,
            vision,
            vision_agreed_on,
            tuple(people[aid]) if aid in people else empty[0],
            tuple(orgs[aid]) if aid in orgs else empty[1],
            briefings.get(aid),
            tuple(meetings[aid]) if aid in meetings else none,
            counts.get((aid, "sector_profiles"), 0),
            counts.get((aid, "research_sources"), 0),
            counts.get((aid, "consultations"), 0),
            counts.get((aid, "gaps"), 0),
            tuple(plan[aid]) if aid in plan else empty[2],
            charters.get(aid),
            frozenset(its_audiences) if its_audiences else nothing,
            frozenset(its_publications) if its_publications else nothing,
            tuple(evaluations[aid]) if aid in evaluations else none,
            plans.get(aid),
            country,
            language or "en",
            timezone or "UTC",
            created_at,
            updated_at,
            tuple(history[aid]) if aid in history else none,
            tuple(minutes_actions[aid]) if aid in minutes_actions else none,
            {k: tuple(v) for k, v in its_agenda.items()} if its_agenda else {},
            dict(its_channels) if its_channels else {},
            tuple(failed[aid]) if aid in failed else none,
            tuple(attendance[aid]) if aid in attendance else none,
            tuple(publication_rows[aid]) if aid in publication_rows else none,
            measures.get(aid, nothing_counted),
        )
    return out


def _count_in_sql(
    rows: Callable[[str, Callable[[], Any]], Sequence[Any]],
    where: Callable[[Any, str], Any],
    today: date | None,
) -> dict[int, Measures]:
    """The Measures of the alliances read, counted by SQL in three statements (see
    `count_measures` for the same counts from rows)."""
    assert today is not None
    Mb, Org, Role_ = ct.members.c, ct.organisations.c, ct.member_roles.c
    on = bindparam("today", type_=Mb.joined_on.type)
    not_left = or_(Mb.left_on.is_(None), Mb.left_on > on)
    active = and_(Mb.joined_on.is_not(None), Mb.joined_on <= on, not_left)
    group = func.coalesce(func.nullif(Mb.group, ""), Org.group)

    def blank(col: Any) -> Any:
        return func.trim(func.coalesce(col, "")) == ""

    def how_many(*conditions: Any) -> Any:
        return func.coalesce(func.sum(case((and_(*conditions), 1), else_=0)), 0)

    Cv, Sig = ct.charter_versions.c, ct.charter_signatures.c
    newest = (
        select(Cv.alliance_id, func.max(Cv.version).label("version"))
        .where(where(Cv.alliance_id, "measures"))
        .group_by(Cv.alliance_id)
        .subquery()
    )
    latest = (
        select(Cv.id, Cv.alliance_id)
        .select_from(ct.charter_versions)
        .join(newest, and_(Cv.alliance_id == newest.c.alliance_id, Cv.version == newest.c.version))
        .subquery()
    )
    unsigned = and_(
        latest.c.id.is_not(None),
        ~select(Sig.id)
        .where(Sig.charter_version_id == latest.c.id, Sig.member_id == Mb.id)
        .exists(),
    )
    officer = (
        select(Role_.member_id)
        .where(Role_.member_id == Mb.id, Role_.role == Role.COMMUNICATIONS_OFFICER)
        .exists()
    )
    # Each stage's counts over its own alliances' members: a count no check of the stage reads
    # is not worked out (a sum over every member row costs as much as sending the rows).
    counted = {
        "candidates": how_many(not_left),
        "unreachable": how_many(
            not_left, func.coalesce(Mb.email, "") == "", func.coalesce(Mb.phone, "") == ""
        ),
        "authority_unknown": how_many(not_left, Mb.has_authority.is_(None)),
        "authority_without_grantor": how_many(
            not_left, Mb.has_authority == "no", blank(Mb.authority_granted_by)
        ),
        "migrant_candidates": how_many(
            not_left, group == StakeholderGroup.MIGRANT_REFUGEE_COMMUNITY
        ),
        "active_members": how_many(active),
        "active_officers": how_many(active, officer),
        "active_unsigned": how_many(active, unsigned),
    }
    widest = max(len(names) for names in MEASURED_BY_STAGE.values())

    def counts_for(stage: str, names: tuple[str, ...]) -> Any:
        columns = [counted[n] for n in names] + [literal(0)] * (widest - len(names))
        statement = select(Mb.alliance_id, literal(stage), *columns).where(
            Mb.alliance_id.in_(
                select(ct.alliances.c.id)
                .where(where(ct.alliances.c.id, "measures"), ct.alliances.c.stage == stage)
                .scalar_subquery()
            )
        )
        if "migrant_candidates" in names:  # the group a member's organisation gives them
            statement = statement.outerjoin(ct.organisations, Org.id == Mb.organisation_id)
        if "active_unsigned" in names:
            statement = statement.outerjoin(latest, latest.c.alliance_id == Mb.alliance_id)
        return statement.group_by(Mb.alliance_id)

    out: dict[int, dict[str, Any]] = defaultdict(dict)
    for r in rows(
        "measures",
        lambda: union_all(
            *(counts_for(stage, names) for stage, names in MEASURED_BY_STAGE.items() if names)
        ),
    ):
        out[r[0]].update(zip(MEASURED_BY_STAGE[r[1]], r[2:], strict=False))
    # The sectors of the candidates and the groups of the active members: a few values each.
    Os = ct.organisation_sectors.c
    sectors: dict[int, set[str]] = defaultdict(set)
    groups: dict[int, set[str]] = defaultdict(set)
    for aid, what, value in rows(
        "measured_values",
        lambda: union(
            select(Mb.alliance_id, literal("sector"), Mb.sector).where(
                where(Mb.alliance_id, "measured_sectors"),
                not_left,
                Mb.sector.is_not(None),
                Mb.sector != "",
            ),
            select(Mb.alliance_id, literal("sector"), Os.sector)
            .join(ct.organisation_sectors, Os.organisation_id == Mb.organisation_id)
            .where(where(Mb.alliance_id, "measured_sectors"), not_left),
            select(Mb.alliance_id, literal("group"), group)
            .outerjoin(ct.organisations, Org.id == Mb.organisation_id)
            .where(
                where(Mb.alliance_id, "measured_groups"), active, group.is_not(None), group != ""
            ),
        ),
    ):
        (sectors if what == "sector" else groups)[aid].add(value)
    for aid, values in sectors.items():
        out[aid]["sectors_covered"] = frozenset(values)
    for aid, values in groups.items():
        out[aid]["active_groups"] = frozenset(values)
    # Organisations on the map (analysis) and complete actions (planning).
    P, owner = ct.action_plan_items.c, ct.members.alias("owner")
    owner_name = case((P.owner_member_id.is_not(None), owner.c.name), else_=P.responsible)
    incomplete = or_(
        blank(owner_name),
        P.starts_on.is_(None),
        P.ends_on.is_(None),
        *(blank(c) for c in (P.resources, P.obstacles, P.obstacle_plan, P.collaborators)),
        P.estimated_budget.is_(None),
    )
    unmapped = or_(Org.latitude.is_(None), Org.longitude.is_(None))
    for aid, total, lacking, what in rows(
        "tallies",
        lambda: union_all(
            select(Org.alliance_id, func.count(), how_many(unmapped), literal("organisations"))
            .where(where(Org.alliance_id, "organisation_tallies"))
            .group_by(Org.alliance_id),
            select(P.alliance_id, func.count(), how_many(incomplete), literal("actions"))
            .outerjoin(owner, owner.c.id == P.owner_member_id)
            .where(where(P.alliance_id, "action_tallies"), P.status != ActionStatus.DROPPED)
            .group_by(P.alliance_id),
        ),
    ):
        if what == "organisations":
            out[aid].update(organisations=total, unmapped_organisations=lacking)
        else:
            out[aid].update(actions=total, incomplete_actions=lacking)
    return {aid: Measures(today, **counted) for aid, counted in out.items()}
