"""What a funder's report says about one alliance, as plain figures computed from its records.

Everything here is read from what the alliance recorded (members, meetings, attendance, the
action plan, evaluations, publications, the stage history): no narrative is typed for the report.
Figures are language-neutral (codes, numbers, dates); render.py puts them into words.

People are never named: a funder may not see the member list (accounts.policy), so movements
are told by organisation, and individual members by the group they speak for.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alliance_flow import models as m
from alliance_flow.facts import (
    ActionFacts,
    AllianceFacts,
    EventFacts,
    Include,
    OrganisationFacts,
    PersonFacts,
    load_facts,
    stage_entered_at,
)
from alliance_flow.gates import evaluate
from alliance_flow.i18n import _
from alliance_flow.reminders import models as rm
from alliance_flow.settings import Thresholds, get_thresholds
from alliance_flow.stages import STAGE_CHECKS, checks_for
from alliance_flow.stages.sustainability import sustainability_deadline
from alliance_flow.vocabulary import (
    STAGE_ORDER,
    ActionStatus,
    EvaluationKind,
    MeetingKind,
    MeetingStatus,
    ParticipationLevel,
    Sector,
    StakeholderGroup,
)

WORKING_STAGES: tuple[str, ...] = tuple(s.value for s in STAGE_ORDER[:6])
SECTORS: tuple[str, ...] = tuple(s.value for s in Sector)
LEVELS: tuple[str, ...] = tuple(p.value for p in ParticipationLevel)
MIGRANT = StakeholderGroup.MIGRANT_REFUGEE_COMMUNITY.value
NO_SECTOR = "none"
NOT_RECORDED = "not_recorded"

#: The outbox kind of the monthly funder reports (reports/delivery.py); "since the last report"
#: is read from it.
REPORT_KIND = "funder_report"

# Action-plan states the report counts.
DONE, ON_TRACK, LATE, DROPPED = "done", "on_track", "late", "dropped"
ACTION_STATES: tuple[str, ...] = (DONE, ON_TRACK, LATE, DROPPED)


@dataclass(frozen=True)
class ReportOptions:
    """The few numbers a report uses beyond the guide's thresholds."""

    #: A failing check counts as a risk once the alliance has been this long in its stage.
    failing_for_long_days: int = 60
    #: How far ahead the upcoming deadlines look.
    horizon_days: int = 90


# --- the period -------------------------------------------------------------------------------

PERIOD_KINDS = ("whole", "since-last", "quarter", "last-quarter")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:\.\.|:)(\d{4}-\d{2}-\d{2})$")


@dataclass(frozen=True)
class Period:
    """The days a report covers, both included; `kind` says how it was chosen."""

    kind: str
    start: date
    end: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def quarter_of(day: date) -> tuple[date, date]:
    first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return first, first + relativedelta(months=3) - timedelta(days=1)


def life_start(alliance: m.Alliance) -> date:
    """The first day of the alliance's life: its work plan's start or its creation."""
    created = alliance.created_at.date() if alliance.created_at else None
    days = [d for d in (alliance.work_plan_start, created) if d is not None]
    return min(days) if days else date.min


def last_reports_on(
    session: Session, *, alliance_ids: list[int], user_id: int | None, before: date
) -> dict[int, date | None]:
    """For each alliance, when the last monthly report was due for its funders (or this
    funder); two statements whatever the number of alliances."""
    from alliance_flow.accounts.models import AllianceRole, UserAllianceRole

    if user_id is not None:
        recipients_of = {aid: {f"funder:{user_id}"} for aid in alliance_ids}
    else:
        recipients_of = {aid: set() for aid in alliance_ids}
        for aid, uid in session.execute(
            select(UserAllianceRole.alliance_id, UserAllianceRole.user_id).where(
                UserAllianceRole.alliance_id.in_(alliance_ids),
                UserAllianceRole.role == AllianceRole.FUNDER,
            )
        ):
            recipients_of[aid].add(f"funder:{uid}")
    everyone: set[str] = set().union(*recipients_of.values())
    if not everyone:
        return dict.fromkeys(alliance_ids)
    latest: dict[str, date] = {
        recipient: day
        for recipient, day in session.execute(
            select(rm.OutboxMessage.recipient, func.max(rm.OutboxMessage.due_on))
            .where(
                rm.OutboxMessage.kind == REPORT_KIND,
                rm.OutboxMessage.recipient.in_(sorted(everyone)),
                rm.OutboxMessage.status != rm.CANCELLED,
                rm.OutboxMessage.due_on <= before,
            )
            .group_by(rm.OutboxMessage.recipient)
        )
    }
    return {
        aid: max((latest[r] for r in who if r in latest), default=None)
        for aid, who in recipients_of.items()
    }


def parse_period(
    spec: str | None,
    *,
    today: date,
    start_of_life: date,
    last_report: date | None = None,
) -> Period:
    """whole | since-last | quarter (to date) | last-quarter | 2026-Q1 | 2026-01-01..2026-03-31."""
    text = (spec or "whole").strip().lower().replace("_", "-")
    if text == "whole":
        return Period("whole", start_of_life, today)
    if text == "since-last":
        if last_report is None or last_report > today:
            return Period("whole", start_of_life, today)
        return Period("since-last", last_report, today)
    if text == "quarter":
        return Period("quarter", quarter_of(today)[0], today)
    if text == "last-quarter":
        start, end = quarter_of(quarter_of(today)[0] - timedelta(days=1))
        return Period("quarter", start, end)
    if found := _QUARTER.match(text):
        start, end = quarter_of(date(int(found[1]), 3 * int(found[2]) - 2, 1))
        return Period("quarter", start, min(end, today) if start <= today else end)
    if found := _RANGE.match(text):
        start, end = date.fromisoformat(found[1]), date.fromisoformat(found[2])
        if end < start:
            raise ValueError(f"the period ends ({end}) before it starts ({start})")
        return Period("custom", start, end)
    raise ValueError(
        f"unknown period '{spec}': use whole, since-last, quarter, last-quarter, "
        "YYYY-QN or YYYY-MM-DD..YYYY-MM-DD"
    )


# --- the figures --------------------------------------------------------------------------------


@dataclass(frozen=True)
class StageLine:
    stage: str
    state: str  # done | current | todo
    entered_on: date | None
    left_on: date | None
    planned_on: date | None
    #: what the planned date is read from (a code render.py explains)
    planned_from: str | None


@dataclass(frozen=True)
class CheckLine:
    code: str
    title: str
    passed: bool
    waived: bool
    reason: str
    fix: str
    waiver_reason: str | None = None


@dataclass(frozen=True)
class WaiverLine:
    stage: str
    code: str
    title: str
    reason: str
    author: str
    on: date


@dataclass(frozen=True)
class Movement:
    """A member who joined or left, told by organisation (or group for an individual)."""

    on: date
    organisation: str | None
    group: str | None


@dataclass(frozen=True)
class Membership:
    active: int
    candidates: int
    left_total: int
    size_min: int
    size_max: int
    by_sector: dict[str, int]
    #: of the members counted in each sector, those of the migrant and refugee communities
    migrant_by_sector: dict[str, int]
    migrant_refugee: int
    by_group: dict[str, int]
    levels: dict[str, int]
    joined: tuple[Movement, ...]
    left: tuple[Movement, ...]
    organisations: int

    @property
    def migrant_share(self) -> float | None:
        return self.migrant_refugee / self.active if self.active else None

    @property
    def sectors_missing(self) -> list[str]:
        return [s for s in SECTORS if not self.by_sector.get(s)]


@dataclass(frozen=True)
class SectorAttendance:
    sector: str
    present: int
    expected: int

    @property
    def rate(self) -> float | None:
        return self.present / self.expected if self.expected else None


@dataclass(frozen=True)
class MeetingLine:
    day: date
    kind: str
    title: str | None
    status: str
    present: int
    expected: int
    minuted: bool


@dataclass(frozen=True)
class Meetings:
    scheduled: int  # dated in the period, whatever became of them
    held: int
    cancelled: int
    awaiting: int  # date passed, still "planned": nothing recorded yet
    upcoming: int  # planned after the period
    plenaries_held_total: int
    plenaries_scheduled_total: int
    plenary_min: int
    plenary_max: int
    present: int
    expected: int
    by_sector: tuple[SectorAttendance, ...]
    lines: tuple[MeetingLine, ...]

    @property
    def attendance_rate(self) -> float | None:
        return self.present / self.expected if self.expected else None


@dataclass(frozen=True)
class ActionLine:
    number: int
    action: str
    responsible: str | None
    starts_on: date | None
    ends_on: date | None
    status: str
    state: str
    budget: Decimal | None
    committed: Decimal | None


@dataclass(frozen=True)
class MinutesAction:
    description: str
    due_on: date | None
    done_on: date | None
    meeting_day: date


@dataclass(frozen=True)
class Actions:
    lines: tuple[ActionLine, ...]
    counts: dict[str, int]
    budget_planned: Decimal
    budget_committed: Decimal
    minutes_total: int
    minutes_done: int
    minutes_overdue: tuple[MinutesAction, ...]
    #: not done yet (overdue or not)
    minutes_open: tuple[MinutesAction, ...]
    #: finished in the period
    done_in_period: int

    @property
    def total(self) -> int:
        return len(self.lines)

    @property
    def on_time_share(self) -> float | None:
        """Of the actions not dropped, the share done or still within their dates."""
        live = self.total - self.counts[DROPPED]
        return (self.counts[DONE] + self.counts[ON_TRACK]) / live if live else None

    @property
    def committed_share(self) -> float | None:
        return float(self.budget_committed / self.budget_planned) if self.budget_planned else None


@dataclass(frozen=True)
class EvaluationLine:
    kind: str
    held_on: date
    evaluator: str | None
    strengths: tuple[str, ...]
    weaknesses: tuple[str, ...]
    opportunities: tuple[str, ...]
    threats: tuple[str, ...]
    findings: str | None

    @property
    def has_swot(self) -> bool:
        return bool(self.strengths or self.weaknesses or self.opportunities or self.threats)


@dataclass(frozen=True)
class Evaluations:
    latest_swot: EvaluationLine | None
    others: tuple[EvaluationLine, ...]  # newest first, the latest SWOT excluded
    total: int
    in_period: int


@dataclass(frozen=True)
class PublicationLine:
    published_on: date
    kind: str
    title: str
    url: str | None
    audience: str | None


@dataclass(frozen=True)
class Dissemination:
    publications: tuple[PublicationLine, ...]  # in the period, newest first
    total: int
    planned_audiences: tuple[str, ...]  # the communication plan's audiences
    officer: bool


@dataclass(frozen=True)
class Deadline:
    code: str  # sustainability | work_plan_end | action | minutes_action | meeting
    on: date
    days_left: int
    detail: str | None = None
    #: sustainability: what is still missing (evaluation, plan); empty when both are on time
    missing: tuple[str, ...] = ()
    meeting_kind: str | None = None


@dataclass(frozen=True)
class Risk:
    code: str  # action_overdue | minutes_overdue | check_failing | sustainability_passed
    detail: str
    since: date | None
    days: int


@dataclass(frozen=True)
class AllianceReport:
    id: int
    slug: str
    name: str
    country: str
    region: str | None
    language: str
    stage: str
    work_plan_start: date | None
    work_plan_end: date | None
    period: Period
    generated_at: datetime
    data_source: str
    stages: tuple[StageLine, ...]
    days_in_stage: int | None
    checks: tuple[CheckLine, ...]
    waivers: tuple[WaiverLine, ...]
    membership: Membership
    meetings: Meetings
    actions: Actions
    evaluations: Evaluations
    dissemination: Dissemination
    sustainability_deadline: date | None
    deadlines: tuple[Deadline, ...]
    risks: tuple[Risk, ...]
    last_change: datetime | None = None

    @property
    def stage_number(self) -> int:
        """1-6 for the working stages, 7 once closed."""
        s = self.stage
        return WORKING_STAGES.index(s) + 1 if s in WORKING_STAGES else len(WORKING_STAGES) + 1

    @property
    def checks_passed(self) -> int:
        return sum(1 for c in self.checks if c.passed)

    @property
    def checks_waived(self) -> int:
        return sum(1 for c in self.checks if c.waived)

    @property
    def checks_blocking(self) -> int:
        return sum(1 for c in self.checks if not c.passed and not c.waived)

    @property
    def days_to_sustainability_deadline(self) -> int | None:
        if self.sustainability_deadline is None:
            return None
        return (self.sustainability_deadline - self.period.end).days


def describe_source(session: Session) -> str:
    """Which database the figures come from, without host or credentials."""
    url = session.get_bind().engine.url
    name = (url.database or "").rsplit("/", 1)[-1]
    return f"{url.get_backend_name()}:{name}" if name else url.get_backend_name()


#: What a report reads beyond the gates' facts.
REPORT = Include(report=True)


def build_report(
    session: Session,
    alliance: m.Alliance,
    *,
    period: Period,
    generated_at: datetime | None = None,
    thresholds: Thresholds | None = None,
    options: ReportOptions | None = None,
    data_source: str | None = None,
) -> AllianceReport:
    """Every figure of one alliance's report, as of the period's last day."""
    return report_from_facts(
        load_facts(session, alliance, REPORT),
        period=period,
        generated_at=generated_at,
        thresholds=thresholds,
        options=options,
        data_source=data_source or describe_source(session),
    )


def report_from_facts(
    facts: AllianceFacts,
    *,
    period: Period,
    data_source: str,
    generated_at: datetime | None = None,
    thresholds: Thresholds | None = None,
    options: ReportOptions | None = None,
) -> AllianceReport:
    """The report over facts read with REPORT (no query: a portfolio reads them all at once)."""
    limits = thresholds or get_thresholds()
    opts = options or ReportOptions()
    as_of = period.end
    all_events = list(facts.history)
    events = history_until(all_events, as_of)
    stage = stage_at(events, facts.stage)
    waivers = [w for w in facts.waivers() if events is all_events or w.at.date() <= as_of]
    gate = evaluate(checks_for(stage), facts, limits, as_of, waivers)

    deadline = (
        sustainability_deadline(facts.work_plan_end, limits.sustainability.months_before_end)
        if facts.work_plan_end
        else None
    )
    stages_ = _stages(stage, facts, events, deadline)
    current = next((s for s in stages_ if s.state == "current"), None)
    days_in_stage = (
        (as_of - current.entered_on).days
        if current and current.entered_on and current.entered_on <= as_of
        else None
    )
    checks = tuple(
        CheckLine(
            o.code,
            o.result.title,
            o.passed,
            o.waived,
            o.result.reason,
            o.result.fix,
            o.waiver.reason if o.waived and o.waiver else None,
        )
        for o in gate.outcomes
    )
    titles = {c.code: _(c.title) for sc in STAGE_CHECKS.values() for c in sc.checks}
    waiver_lines = tuple(
        WaiverLine(w.stage, w.code, titles.get(w.code, w.code), w.reason, w.actor, w.at.date())
        for w in waivers
    )
    membership = _membership(facts, period, limits)
    meetings = _meetings(facts, period, limits)
    actions = _actions(facts, period)
    evaluations = _evaluations(facts, period)
    dissemination = _dissemination(facts, period)
    deadlines = _deadlines(facts, actions, deadline, as_of, limits, opts)
    risks = _risks(checks, actions, current, days_in_stage, deadlines, as_of, opts)
    stamps = [e.at for e in all_events] + ([facts.updated_at] if facts.updated_at else [])
    return AllianceReport(
        id=facts.id,
        slug=facts.slug,
        name=facts.name,
        country=facts.country,
        region=facts.region,
        language=facts.language,
        stage=stage,
        work_plan_start=facts.work_plan_start,
        work_plan_end=facts.work_plan_end,
        period=period,
        generated_at=generated_at or datetime.now(UTC),
        data_source=data_source,
        stages=stages_,
        days_in_stage=days_in_stage,
        checks=checks,
        waivers=waiver_lines,
        membership=membership,
        meetings=meetings,
        actions=actions,
        evaluations=evaluations,
        dissemination=dissemination,
        sustainability_deadline=deadline,
        deadlines=deadlines,
        risks=risks,
        last_change=max(stamps, default=None),
    )


# --- stages -------------------------------------------------------------------------------------


def planned_stage_dates(facts: AllianceFacts, deadline: date | None) -> dict[str, tuple[date, str]]:
    """When each stage was meant to start, read from the work plan and the calendar.

    scope: the work plan's start; launch: the initiation workshop; analysis: the first plenary
    after it; planning: the facilitated (gap) workshop; dissemination: the first action of the
    plan; sustainability: the deadline for its plan, six months before the work plan ends.
    """
    out: dict[str, tuple[date, str]] = {}
    if facts.work_plan_start:
        out["scope"] = (facts.work_plan_start, "work_plan_start")
    live = [mt for mt in facts.meetings if mt.status != MeetingStatus.CANCELLED]
    workshop = next((mt for mt in live if mt.kind == MeetingKind.INITIATION_WORKSHOP), None)
    if workshop:
        out["launch"] = (workshop.day, "initiation_workshop")
        plenary = next(
            (mt for mt in live if mt.kind == MeetingKind.PLENARY and mt.day > workshop.day), None
        )
        if plenary:
            out["analysis"] = (plenary.day, "first_plenary")
    gap_workshop = next((mt for mt in live if mt.kind == MeetingKind.WORKSHOP), None)
    if gap_workshop:
        out["planning"] = (gap_workshop.day, "gap_workshop")
    starts = [a.starts_on for a in facts.action_plan if a.starts_on]
    if starts:
        out["dissemination"] = (min(starts), "first_action")
    if deadline:
        out["sustainability"] = (deadline, "sustainability_deadline")
    return out


def history_until(events: list[EventFacts], as_of: date) -> list[EventFacts]:
    """The stage history as it stood at the end of the period.

    When the whole history is dated after the period (records loaded or imported later, as
    the demo is), there is nothing to go back to: the history is kept as it is.
    """
    kept = [e for e in events if e.at.date() <= as_of]
    return kept if kept else events


def stage_at(events: list[EventFacts], current: str) -> str:
    """The stage the last move of this history led to (the current one if it has none)."""
    moves = [e for e in events if e.to_stage]
    return moves[-1].to_stage if moves and moves[-1].to_stage else current


def _stages(
    stage: str,
    facts: AllianceFacts,
    events: list[EventFacts],
    deadline: date | None,
) -> tuple[StageLine, ...]:
    entered = {stage: at.date() for stage, at in stage_entered_at(events).items()}
    planned = planned_stage_dates(facts, deadline)
    position = WORKING_STAGES.index(stage) if stage in WORKING_STAGES else len(WORKING_STAGES)
    lines = []
    for i, stage in enumerate(WORKING_STAGES):
        state = "done" if i < position else ("current" if i == position else "todo")
        next_stage = STAGE_ORDER[i + 1].value
        plan = planned.get(stage)
        lines.append(
            StageLine(
                stage=stage,
                state=state,
                entered_on=entered.get(stage) if state != "todo" else None,
                left_on=entered.get(next_stage) if state == "done" else None,
                planned_on=plan[0] if plan else None,
                planned_from=plan[1] if plan else None,
            )
        )
    return tuple(lines)


# --- membership ---------------------------------------------------------------------------------


def _membership(facts: AllianceFacts, period: Period, limits: Thresholds) -> Membership:
    as_of = period.end
    active = facts.active_members(as_of)
    by_sector: Counter[str] = Counter()
    migrant_by_sector: Counter[str] = Counter()
    by_group: Counter[str] = Counter()
    by_level: Counter[str] = Counter()
    for p in active:
        for sector in p.sectors or {NO_SECTOR}:
            by_sector[sector] += 1
            migrant_by_sector[sector] += p.group == MIGRANT
        by_group[p.group or StakeholderGroup.OTHER.value] += 1
        by_level[p.participation_level or NOT_RECORDED] += 1

    def movement(p: PersonFacts, on: date) -> Movement:
        return Movement(on, p.organisation, p.group)

    joined = sorted(
        (movement(p, p.joined_on) for p in facts.people if p.joined_on and p.joined_on in period),
        key=lambda mv: (mv.on, mv.organisation or ""),
    )
    left = sorted(
        (movement(p, p.left_on) for p in facts.people if p.left_on and p.left_on in period),
        key=lambda mv: (mv.on, mv.organisation or ""),
    )
    return Membership(
        active=len(active),
        candidates=sum(1 for p in facts.people if p.joined_on is None or p.joined_on > as_of),
        left_total=sum(1 for p in facts.people if p.left(as_of)),
        size_min=limits.launch.min_members,
        size_max=limits.launch.max_members,
        by_sector={s: by_sector[s] for s in (*SECTORS, NO_SECTOR) if by_sector[s]}
        | {s: n for s, n in by_sector.items() if s not in (*SECTORS, NO_SECTOR)},
        migrant_by_sector={s: n for s, n in migrant_by_sector.items() if n},
        migrant_refugee=by_group[MIGRANT],
        by_group=dict(sorted(by_group.items(), key=lambda kv: (-kv[1], kv[0]))),
        levels={lv: by_level[lv] for lv in (*LEVELS, NOT_RECORDED) if by_level[lv]},
        joined=tuple(joined),
        left=tuple(left),
        organisations=len(facts.organisations),
    )


# --- meetings and attendance ------------------------------------------------------------------


def _meetings(facts: AllianceFacts, period: Period, limits: Thresholds) -> Meetings:
    as_of = period.end
    in_period = [mt for mt in facts.meetings if mt.day in period]
    held_ids = [mt.id for mt in in_period if mt.status == MeetingStatus.HELD]
    sectors_of = {p.id: (p.sectors or {NO_SECTOR}) for p in facts.people}
    held = set(held_ids)
    rows = [row for row in facts.attendance if row[0] in held]
    present: Counter[str] = Counter()
    expected: Counter[str] = Counter()
    per_meeting_present: Counter[int] = Counter()
    per_meeting_expected: Counter[int] = Counter()
    for meeting_id, member_id, was_there in rows:
        per_meeting_expected[meeting_id] += 1
        per_meeting_present[meeting_id] += bool(was_there)
        for sector in sectors_of.get(member_id, {NO_SECTOR}):
            expected[sector] += 1
            present[sector] += bool(was_there)
    order = [*SECTORS, NO_SECTOR, *sorted(set(expected) - {*SECTORS, NO_SECTOR})]
    plenaries = [mt for mt in facts.meetings if mt.kind == MeetingKind.PLENARY]
    return Meetings(
        scheduled=len(in_period),
        held=len(held_ids),
        cancelled=sum(1 for mt in in_period if mt.status == MeetingStatus.CANCELLED),
        awaiting=sum(
            1 for mt in in_period if mt.status == MeetingStatus.PLANNED and mt.day < as_of
        ),
        upcoming=sum(
            1 for mt in facts.meetings if mt.status == MeetingStatus.PLANNED and mt.day > as_of
        ),
        plenaries_held_total=sum(
            1 for mt in plenaries if mt.status == MeetingStatus.HELD and mt.day <= as_of
        ),
        plenaries_scheduled_total=sum(
            1 for mt in plenaries if mt.status != MeetingStatus.CANCELLED
        ),
        plenary_min=limits.launch.min_plenaries,
        plenary_max=limits.launch.max_plenaries,
        present=sum(per_meeting_present.values()),
        expected=sum(per_meeting_expected.values()),
        by_sector=tuple(SectorAttendance(s, present[s], expected[s]) for s in order if expected[s]),
        lines=tuple(
            MeetingLine(
                mt.day,
                mt.kind,
                mt.title,
                mt.status,
                per_meeting_present[mt.id],
                per_meeting_expected[mt.id],
                mt.minuted,
            )
            for mt in in_period
        ),
    )


# --- the action plan ----------------------------------------------------------------------------


def action_state(
    status: str, ends_on: date | None, as_of: date, completed_on: date | None = None
) -> str:
    """The action as it stood on `as_of`: done only if it was done by then (an action done
    before its date was kept counts as done whatever the period)."""
    if status == ActionStatus.DONE and (completed_on is None or completed_on <= as_of):
        return DONE
    if status == ActionStatus.DROPPED:
        return DROPPED
    if ends_on is not None and ends_on < as_of:
        return LATE
    return ON_TRACK


def responsible_organisation(
    action: ActionFacts,
    owners: dict[int, str],
    organisations: tuple[OrganisationFacts, ...],
) -> str | None:
    """Who carries an action, as a funder may read it: the owner's organisation, or the
    'responsible' typed when it names one of the alliance's organisations; never a person."""
    if action.owner_member_id is not None:
        return owners.get(action.owner_member_id)
    typed = (action.responsible or "").strip()
    known = {o.name.strip().casefold(): o.name for o in organisations}
    return known.get(typed.casefold())


def _actions(facts: AllianceFacts, period: Period) -> Actions:
    as_of = period.end
    orgs = {p.id: p.organisation for p in facts.people if p.organisation}
    lines = tuple(
        ActionLine(
            number=a.number,
            action=a.action,
            responsible=responsible_organisation(a, orgs, facts.organisations),
            starts_on=a.starts_on,
            ends_on=a.ends_on,
            status=a.status,
            state=action_state(a.status, a.ends_on, as_of, a.completed_on),
            budget=a.estimated_budget,
            committed=a.budget_committed,
        )
        for a in facts.action_plan
    )
    counts = Counter(line.state for line in lines)
    live = [line for line in lines if line.state != DROPPED]
    meeting_day = {mt.id: mt.day for mt in facts.meetings}
    minutes_actions = [
        MinutesAction(
            act.description,
            act.due_on,
            act.done_on if act.done_on and act.done_on <= as_of else None,
            meeting_day[act.meeting_id],
        )
        for act in facts.minutes_actions
        if meeting_day[act.meeting_id] <= as_of
    ]
    # "Done in the period": minutes actions and plan actions by the day they were done.
    done_in_period = sum(1 for a in minutes_actions if a.done_on in period) + sum(
        1 for a in facts.action_plan if a.status == ActionStatus.DONE and a.completed_on in period
    )
    return Actions(
        lines=lines,
        counts={s: counts[s] for s in ACTION_STATES},
        budget_planned=sum((line.budget or Decimal(0) for line in live), Decimal(0)),
        budget_committed=sum((line.committed or Decimal(0) for line in live), Decimal(0)),
        minutes_total=len(minutes_actions),
        minutes_done=sum(1 for a in minutes_actions if a.done_on),
        minutes_overdue=tuple(
            a for a in minutes_actions if a.done_on is None and a.due_on and a.due_on < as_of
        ),
        minutes_open=tuple(a for a in minutes_actions if a.done_on is None),
        done_in_period=done_in_period,
    )


# --- evaluations and dissemination ------------------------------------------------------------


def _evaluations(facts: AllianceFacts, period: Period) -> Evaluations:
    rows = sorted(
        (e for e in facts.evaluations if e.held_on <= period.end),
        key=lambda e: (e.held_on, e.id),
        reverse=True,
    )
    lines = [
        EvaluationLine(
            e.kind,
            e.held_on,
            None,  # the evaluator is often a person: a funder reads the kind of evaluation
            e.strengths,
            e.weaknesses,
            e.opportunities,
            e.threats,
            e.findings,
        )
        for e in rows
    ]
    swots = [e for e in lines if e.has_swot]
    latest = next((e for e in swots if e.kind == EvaluationKind.SELF_ASSESSMENT), None) or (
        swots[0] if swots else None
    )
    return Evaluations(
        latest_swot=latest,
        others=tuple(e for e in lines if e is not latest),
        total=len(lines),
        in_period=sum(1 for e in lines if e.held_on in period),
    )


def _dissemination(facts: AllianceFacts, period: Period) -> Dissemination:
    rows = [p for p in facts.publication_rows if p.published_on <= period.end]
    return Dissemination(
        publications=tuple(
            PublicationLine(p.published_on, p.kind, p.title, p.url, p.audience)
            for p in rows
            if p.published_on in period
        ),
        total=len(rows),
        planned_audiences=tuple(sorted(facts.communication_audiences)),
        officer=any("communications_officer" in p.roles for p in facts.active_members(period.end)),
    )


# --- deadlines and risks ------------------------------------------------------------------------


def _deadlines(
    facts: AllianceFacts,
    actions: Actions,
    deadline: date | None,
    as_of: date,
    limits: Thresholds,
    opts: ReportOptions,
) -> tuple[Deadline, ...]:
    horizon = as_of + timedelta(days=opts.horizon_days)
    first: list[Deadline] = []
    if deadline is not None:
        missing = []
        if not any(e.held_on <= deadline for e in facts.evaluations):
            missing.append("evaluation")
        plan = facts.sustainability
        if plan is None or plan.dated_on is None or plan.dated_on > deadline:
            missing.append("sustainability_plan")
        first.append(
            Deadline("sustainability", deadline, (deadline - as_of).days, None, tuple(missing))
        )
    later: list[Deadline] = []
    if facts.work_plan_end and as_of <= facts.work_plan_end:
        later.append(
            Deadline("work_plan_end", facts.work_plan_end, (facts.work_plan_end - as_of).days)
        )
    for line in actions.lines:
        if line.state == ON_TRACK and line.ends_on and as_of <= line.ends_on <= horizon:
            later.append(Deadline("action", line.ends_on, (line.ends_on - as_of).days, line.action))
    for act in actions.minutes_open:
        if act.due_on and as_of <= act.due_on <= horizon:
            later.append(
                Deadline("minutes_action", act.due_on, (act.due_on - as_of).days, act.description)
            )
    for mt in facts.meetings:
        if mt.status == MeetingStatus.PLANNED and as_of <= mt.day <= horizon:
            later.append(
                Deadline("meeting", mt.day, (mt.day - as_of).days, mt.title, meeting_kind=mt.kind)
            )
    later.sort(key=lambda d: (d.on, d.code, d.detail or ""))
    return (*first, *later)


def _risks(
    checks: tuple[CheckLine, ...],
    actions: Actions,
    current: StageLine | None,
    days_in_stage: int | None,
    deadlines: tuple[Deadline, ...],
    as_of: date,
    opts: ReportOptions,
) -> tuple[Risk, ...]:
    risks: list[Risk] = []
    for d in deadlines:
        if d.code == "sustainability" and d.days_left < 0 and d.missing:
            risks.append(Risk("sustainability_passed", ",".join(d.missing), d.on, -d.days_left))
    for line in actions.lines:
        if line.state == LATE and line.ends_on:
            risks.append(
                Risk("action_overdue", line.action, line.ends_on, (as_of - line.ends_on).days)
            )
    for act in actions.minutes_overdue:
        assert act.due_on is not None
        risks.append(
            Risk("minutes_overdue", act.description, act.due_on, (as_of - act.due_on).days)
        )
    failing_long = (
        current is not None
        and days_in_stage is not None
        and days_in_stage >= opts.failing_for_long_days
    )
    if failing_long:
        assert current is not None and days_in_stage is not None
        for c in checks:
            if not c.passed and not c.waived:
                risks.append(Risk("check_failing", c.title, current.entered_on, days_in_stage))
    order = {"sustainability_passed": 0, "check_failing": 1, "action_overdue": 2}
    risks.sort(key=lambda r: (order.get(r.code, 3), -r.days, r.detail))
    return tuple(risks)
