"""What is due, and to whom: pure functions of an alliance's plain data and the moment of the sweep.

Nothing here reads a database or sends anything. A rule that is late (the sweep did not run on the
exact day) still fires while its window lasts; the outbox key (alliance, kind, subject, due date,
recipient) makes sure it is recorded once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from alliance_flow.dates import months_after
from alliance_flow.frozen import quick
from alliance_flow.stages.sustainability import sustainability_deadline
from alliance_flow.vocabulary import ActionStatus, MeetingStatus, Role, Stage

COORDINATORS = "coordinators"
MEMBERS = "members"
FUNDERS = "funders"
AUDIENCES = (COORDINATORS, MEMBERS, FUNDERS)

#: A sweep's moment: a real instant (made local per time zone) or a date forced by an operator.
Moment = datetime | date


@dataclass(frozen=True)
class Rules:
    """The numbers the reminders use; defaults follow the issue and the guide."""

    meeting_days_before: tuple[int, ...] = (7, 1)
    minutes_after_days: int = 3
    #: Minutes older than this are history: no reminder when reminders are first switched on.
    minutes_lookback_days: int = 30
    action_soon_days: int = 7
    sustainability_days_before: tuple[int, ...] = (60, 30, 7, 0)
    months_before_end: int = 6
    evaluation_cadence_months: int = 3
    digest_weekday: int = 0  # Monday
    funder_day_of_month: int = 1


class _memo:
    """functools.cached_property without its lock (Python 3.11 takes a lock on every first
    access: thousands of meetings per sweep). Stored in the instance's __dict__ as that does."""

    def __init__(self, fn: Any) -> None:
        self.fn = fn
        self.name = fn.__name__
        self.__doc__ = fn.__doc__

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.fn(obj)
        return value


def _again(d: Due, **changes: Any) -> Due:
    """dataclasses.replace for a Due, without its introspection (thousands per sweep)."""
    return Due(**{**d.__dict__, **changes})


class Member(Protocol):
    """Someone of the alliance as the rules read them: the read model's `facts.PersonFacts`
    (what a sweep passes, not copied), or a `Person` made by hand (tests, the demo)."""

    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def language(self) -> str | None: ...
    @property
    def roles(self) -> frozenset[str]: ...
    @property
    def has_channel(self) -> bool: ...
    @property
    def has_email(self) -> bool: ...
    @property
    def contact_withdrawn(self) -> bool: ...
    def active(self, today: date) -> bool: ...


@quick
@dataclass(frozen=True)
class Person:
    """A member made by hand, read as the read model's PersonFacts is (see `Member`)."""

    id: int
    name: str
    language: str | None = None
    roles: frozenset[str] = frozenset()
    joined_on: date | None = None
    left_on: date | None = None
    #: A channel of their own or an e-mail the alliance's mailto template can reach.
    reachable: bool = True
    #: False once they withdrew consent to be contacted: nothing is sent to them, and no
    #: shared channel names them; the coordinators' digest says so.
    consented: bool = True

    def active(self, today: date) -> bool:
        return (
            self.joined_on is not None
            and self.joined_on <= today
            and (self.left_on is None or self.left_on > today)
        )

    # Reached or not, as a PersonFacts says it: `reachable` stands for a channel of their own.
    @property
    def has_channel(self) -> bool:
        return self.reachable

    @property
    def has_email(self) -> bool:
        return False

    @property
    def contact_withdrawn(self) -> bool:
        return not self.consented


@quick
@dataclass(frozen=True)
class MeetingInfo:
    id: int
    title: str
    starts_at: datetime  # aware
    timezone: str
    status: str = MeetingStatus.PLANNED
    minuted: bool = False
    agenda: tuple[str, ...] = ()
    place: str | None = None
    #: the day it starts in its own time zone, when known already (the read model's
    #: MeetingFacts.day); None: worked out from starts_at
    day: date | None = None

    @_memo
    def local_start(self) -> datetime:
        return self.starts_at.astimezone(ZoneInfo(self.timezone))

    @_memo
    def local_day(self) -> date:
        return self.day if self.day is not None else self.local_start.date()


@quick
@dataclass(frozen=True)
class ActionInfo:
    """An action from the minutes (`meeting`) or a row of the action plan (`plan`)."""

    source: str
    id: int
    description: str
    owner_id: int | None
    due_on: date | None
    done: bool = False


@quick
@dataclass(frozen=True)
class AllianceData:
    id: int
    slug: str
    name: str
    stage: str
    language: str = "en"
    timezone: str = "UTC"
    work_plan_start: date | None = None
    work_plan_end: date | None = None
    #: everyone on the alliance's list (the read model's PersonFacts, or Persons)
    people: tuple[Member, ...] = ()
    meetings: tuple[MeetingInfo, ...] = ()
    actions: tuple[ActionInfo, ...] = ()
    charter_version: int | None = None
    charter_adopted_on: date | None = None
    charter_signed_by: frozenset[int] = frozenset()
    evaluations: tuple[date, ...] = ()
    #: this alliance's own months between evaluations; None: Rules.evaluation_cadence_months
    evaluation_cadence_months: int | None = None
    plan_dated_on: date | None = None
    #: The current stage's gate report is clear (services.stages.gate_report(...).clear).
    ready_to_advance: bool = False
    #: messages the outbox gave up on after N attempts, for the coordinators to see
    #: (title, to whom: a name or `audience:<name>`) of messages that could not be delivered.
    failed_deliveries: tuple[tuple[str, str], ...] = ()
    stage_entered_on: date | None = None
    #: Audiences with a channel configured (coordinators, members, funders).
    audiences: frozenset[str] = frozenset()
    #: The current stage's checks that do not pass, each "title: reason", in the alliance's
    #: language (for the coordinators' digest).
    failing_checks: tuple[str, ...] = ()


@quick
@dataclass(frozen=True)
class Due:
    """One notification that is due: the outbox key plus what the message needs."""

    alliance_id: int
    kind: str
    subject: str
    due_on: date
    recipient: str
    language: str
    params: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    #: False when nobody can carry it (no channel, no e-mail, no shared channel): it is not
    #: recorded, and the coordinators' digest names the person instead.
    reachable: bool = field(default=True, compare=False)

    @property
    def key(self) -> tuple[int, str, str, date, str]:
        return (self.alliance_id, self.kind, self.subject, self.due_on, self.recipient)


def local_today(moment: Moment, timezone: str) -> date:
    """The calendar day in `timezone` at `moment`; a plain date is taken as already local."""
    if isinstance(moment, datetime):
        return _local_day(moment, timezone)
    return moment


@lru_cache(maxsize=1024)
def _local_day(moment: datetime, timezone: str) -> date:
    """Asked for each meeting and rule of every alliance of a sweep: the same few answers."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: give a time zone")
    return moment.astimezone(ZoneInfo(timezone)).date()


MEMBER_PREFIX = "member:"


def member(person_id: int) -> str:
    return f"{MEMBER_PREFIX}{person_id}"


def audience(name: str) -> str:
    return f"audience:{name}"


def due_for(alliance: AllianceData, moment: Moment, rules: Rules | None = None) -> list[Due]:
    """Every notification due for one alliance at `moment`; a closed alliance gets nothing."""
    if alliance.stage == Stage.CLOSED:
        return []
    rules = rules or Rules()
    today = local_today(moment, alliance.timezone)
    out: list[Due] = []
    for rule in (
        _meetings,
        _minutes,
        _actions,
        _charter,
        _sustainability,
        _ready,
        _evaluation,
        _funders,
    ):
        out.extend(rule(alliance, moment, today, rules))
    routed = route(alliance, out, today)
    unreached = _unreached(alliance, routed)
    digest = list(_weekly_digest(alliance, moment, today, rules, unreached))
    return routed + route(alliance, digest, today)


# --- who hears: every due is decided for everyone, then routed ------------------------------------

#: Kinds addressed to one member that the members' shared channel may carry instead.
SHAREABLE = frozenset({"charter_unsigned", "action_due_soon", "action_overdue"})


def route(a: AllianceData, dues: list[Due], today: date) -> list[Due]:
    """Someone always hears: a member without a channel of their own is reached through the
    members' shared channel (charter, actions) or, failing that, the coordinators' channel;
    when nobody can carry a message it stays unreachable and the digest names the person."""
    people: dict[int, Member] | None = None
    out: list[Due] = []
    shared_charter: dict[tuple[str, date], tuple[Due, list[str]]] = {}
    seen: set[tuple[str, str, str]] = set()
    for d in dues:
        if not d.recipient.startswith(MEMBER_PREFIX):
            out.append(d)  # an audience's channel carries it
            continue
        if people is None:
            people = _by_id(a)
        person = people.get(int(d.recipient[len(MEMBER_PREFIX) :]))
        if person is not None and person.contact_withdrawn:
            # consent withdrawn: a duty of their role goes to the coordinators' own channel,
            # without their name; anything meant for them personally is not sent at all
            carried = (d.kind, d.subject, audience(COORDINATORS))
            if (
                not _for_every_member(d.kind)
                and COORDINATORS in a.audiences
                and carried not in seen
            ):
                seen.add(carried)
                out.append(_again(d, recipient=audience(COORDINATORS), language=a.language))
            continue
        if person is None or _reaches(a, person):
            out.append(d)
            continue
        if d.kind in SHAREABLE and MEMBERS in a.audiences:
            if d.kind == "charter_unsigned":
                key = (d.subject, d.due_on)
                if key not in shared_charter:
                    shared_charter[key] = (d, [])
                shared_charter[key][1].append(person.name)
            else:
                out.append(
                    _again(
                        d,
                        recipient=audience(MEMBERS),
                        language=a.language,
                        params={**d.params, "owner": person.name},
                    )
                )
            continue
        if not _for_every_member(d.kind) and COORDINATORS in a.audiences:
            # a chair or secretary without a channel: the coordinators' channel carries it once
            if (d.kind, d.subject, audience(COORDINATORS)) not in seen:
                seen.add((d.kind, d.subject, audience(COORDINATORS)))
                out.append(_again(d, recipient=audience(COORDINATORS), language=a.language))
            continue
        out.append(_again(d, reachable=False, params={**d.params, "name": person.name}))
    for d, names in shared_charter.values():
        out.append(
            _again(
                d,
                recipient=audience(MEMBERS),
                language=a.language,
                params={**d.params, "names": sorted(names)},
            )
        )
    return out


def _for_every_member(kind: str) -> bool:
    """Kinds each member gets for themselves (not for a role the coordinators can stand in for)."""
    return kind in SHAREABLE or kind.startswith("meeting_")


def _unreached(a: AllianceData, dues: list[Due]) -> list[dict[str, Any]]:
    """Who cannot be reached, and about what (kinds of message), for the coordinators' digest."""
    found: dict[str, set[str]] = {}
    for d in dues:
        if not d.reachable:
            found.setdefault(str(d.params.get("name", d.recipient)), set()).add(d.kind)
    return [{"name": name, "kinds": sorted(kinds)} for name, kinds in sorted(found.items())]


# --- recipients ---------------------------------------------------------------------------------


def _lang(a: AllianceData, p: Member | None = None) -> str:
    return (p.language if p and p.language else a.language) or "en"


def _reaches(a: AllianceData, p: Member) -> bool:
    """A channel of their own, or an e-mail the alliance's mailto template can reach."""
    return p.has_channel or (p.has_email and "email" in a.audiences)


def _day(a: AllianceData, today: date) -> dict[str, Any]:
    """What several rules ask of one alliance on one day (its members, who stands for the
    coordinators, its open actions...), worked out once and kept here.

    The memo lives in the instance's __dict__, as functools.cached_property does on a frozen
    dataclass; it is not a field, so equality and hashing ignore it.
    """
    memo = a.__dict__.get("_day")
    if memo is None or memo[0] != today:
        memo = a.__dict__["_day"] = (today, {})
    return memo[1]


def _by_id(a: AllianceData) -> dict[int, Member]:
    """Everyone on the alliance's list by id (members, candidates, those who left)."""
    found = a.__dict__.get("_by_id")
    if found is None:
        found = a.__dict__["_by_id"] = {p.id: p for p in a.people}
    return found


def _members(a: AllianceData, today: date) -> tuple[Member, ...]:
    """Every active member, reachable or not (route() decides who carries their messages).

    Every rule asks, some once per meeting: worked out once per alliance and day.
    """
    day = _day(a, today)
    found = day.get("members")
    if found is None:
        found = day["members"] = tuple(p for p in a.people if p.active(today))
    return found


def _member_by_id(a: AllianceData, today: date) -> dict[int, Member]:
    day = _day(a, today)
    found = day.get("member_by_id")
    if found is None:
        found = day["member_by_id"] = {p.id: p for p in _members(a, today)}
    return found


def _with_role(a: AllianceData, today: date, role: str) -> list[Member]:
    return [p for p in _members(a, today) if role in p.roles]


#: Who stands for the coordinators when they have no channel of their own.
COORDINATOR_ROLES = frozenset({Role.CHAIR.value, Role.SECRETARY.value})


def _coordinators(a: AllianceData, today: date) -> tuple[tuple[str, str], ...]:
    """The coordinators' channel if configured; otherwise the chair and the secretary.

    Asked by five rules: worked out once per alliance and day.
    """
    day = _day(a, today)
    found = day.get("coordinators")
    if found is None:
        if COORDINATORS in a.audiences:
            found = ((audience(COORDINATORS), a.language),)
        else:
            # A constant set: building {CHAIR, SECRETARY} per member cost more than the rule.
            found = tuple(
                (member(p.id), _lang(a, p))
                for p in _members(a, today)
                if not p.roles.isdisjoint(COORDINATOR_ROLES)
            )
        day["coordinators"] = found
    return found


def _to(
    a: AllianceData,
    kind: str,
    subject: str,
    due_on: date,
    recipients: Iterable[tuple[str, str]],
    **params: Any,
) -> Iterator[Due]:
    for recipient, language in recipients:
        yield Due(a.id, kind, subject, due_on, recipient, language, dict(params))


def _person_recipients(a: AllianceData, people: Iterable[Member]) -> list[tuple[str, str]]:
    return [(member(p.id), _lang(a, p)) for p in people]


# --- the rules ----------------------------------------------------------------------------------


def _meetings(a: AllianceData, moment: Moment, today: date, rules: Rules) -> Iterator[Due]:
    """7 and 1 days before, in the meeting's own time zone; a cancellation notice once.

    The subject carries the meeting's date, so a moved meeting gets fresh reminders while the
    ones already recorded for the old date are never sent again.
    """
    steps = sorted(rules.meeting_days_before, reverse=True)  # (7, 1)
    for mt in a.meetings:
        day = mt.local_day
        left = (day - local_today(moment, mt.timezone)).days
        extra: dict[str, Any] = {}
        if mt.status == MeetingStatus.CANCELLED:
            if left < 0:
                continue
            kind = "meeting_cancelled"
        elif mt.status != MeetingStatus.PLANNED or left < 1:
            continue
        else:
            # The reminder whose window contains today: 7d covers 7..2 days, 1d covers the eve.
            for i, n in enumerate(steps):
                later = steps[i + 1] if i + 1 < len(steps) else 0
                if later < left <= n:
                    kind, extra = f"meeting_reminder_{n}d", {"days": left}
                    break
            else:
                continue  # not yet (or no step left): nothing is built for it
        if MEMBERS in a.audiences:  # the members' shared channel, once
            recipients = [(audience(MEMBERS), a.language)]
        else:
            recipients = _person_recipients(a, _members(a, today))
        yield from _to(
            a,
            kind,
            f"meeting:{mt.id}@{day.isoformat()}",
            day,
            recipients,
            **extra,
            meeting_id=mt.id,
            title=mt.title,
            starts=mt.local_start.isoformat(" ", "minutes")[:16],  # 2026-03-02 10:30
            timezone=mt.timezone,
            agenda=list(mt.agenda),
            place=mt.place,
        )


def _minutes(a: AllianceData, moment: Moment, today: date, rules: Rules) -> Iterator[Due]:
    """Minutes missing `minutes_after_days` after a meeting that took place: to the secretary."""
    for mt in a.meetings:
        if mt.status == MeetingStatus.CANCELLED or mt.minuted:
            continue
        since = (local_today(moment, mt.timezone) - mt.local_day).days
        if not rules.minutes_after_days <= since <= rules.minutes_lookback_days:
            continue
        secretaries = _with_role(a, today, Role.SECRETARY)
        recipients = _person_recipients(a, secretaries) or _coordinators(a, today)
        yield from _to(
            a,
            "minutes_missing",
            f"meeting:{mt.id}@{mt.local_day.isoformat()}",
            mt.local_day + timedelta(days=rules.minutes_after_days),
            recipients,
            meeting_id=mt.id,
            title=mt.title,
            held_on=mt.local_day.isoformat(),
        )


def open_actions(a: AllianceData, today: date, rules: Rules) -> tuple[list[ActionInfo], ...]:
    """(due soon, overdue) open actions, for owners and the coordinators' digest (asked twice:
    worked out once per alliance and day)."""
    day = _day(a, today)
    key = f"open_actions:{rules.action_soon_days}"
    found = day.get(key)
    if found is None:
        found = day[key] = _open_actions(a, today, rules)
    return found


def _open_actions(a: AllianceData, today: date, rules: Rules) -> tuple[list[ActionInfo], ...]:
    soon: list[ActionInfo] = []
    overdue: list[ActionInfo] = []
    for act in a.actions:
        if act.done or act.due_on is None:
            continue
        left = (act.due_on - today).days
        if left < 0:
            overdue.append(act)
        elif left <= rules.action_soon_days:
            soon.append(act)
    return soon, overdue


def _actions(a: AllianceData, moment: Moment, today: date, rules: Rules) -> Iterator[Due]:
    """Due soon (once) and overdue (once) per action, to an owner who is still a member."""
    soon, overdue = open_actions(a, today, rules)
    people = _member_by_id(a, today) if soon or overdue else {}
    for kind, acts in (("action_due_soon", soon), ("action_overdue", overdue)):
        for act in acts:
            owner = people.get(act.owner_id) if act.owner_id is not None else None
            if owner is None:
                continue  # nobody to remind; it appears in the coordinators' digest
            assert act.due_on is not None
            yield from _to(
                a,
                kind,
                f"{act.source}-action:{act.id}",
                act.due_on,
                [(member(owner.id), _lang(a, owner))],
                description=act.description,
                due=act.due_on.isoformat(),
            )


def _charter(a: AllianceData, moment: Moment, today: date, rules: Rules) -> Iterator[Due]:
    """The current charter version, adopted, not yet signed: to each member who has not."""
    if a.charter_version is None or a.charter_adopted_on is None or a.charter_adopted_on > today:
        return
    unsigned = [p for p in _members(a, today) if p.id not in a.charter_signed_by]
    yield from _to(
        a,
        "charter_unsigned",
        f"charter:v{a.charter_version}",
        a.charter_adopted_on,
        _person_recipients(a, unsigned),
        version=a.charter_version,
    )


def _sustainability(a: AllianceData, moment: Moment, today: date, rules: Rules) -> Iterator[Due]:
    """Evaluation and plan due six months before the end: 60/30/7/0 days, then the chair."""
    if a.work_plan_end is None:
        return
    deadline = sustainability_deadline(a.work_plan_end, rules.months_before_end)
    evaluated = any(d <= deadline for d in a.evaluations)
    planned = a.plan_dated_on is not None and a.plan_dated_on <= deadline
    if evaluated and planned:
        return
    missing = [w for w, done in (("evaluation", evaluated), ("plan", planned)) if not done]
    left = (deadline - today).days
    params = {"deadline": deadline.isoformat(), "missing": missing, "days": left}
    subject = f"sustainability@{deadline.isoformat()}"
    if left < 0:
        chairs = _person_recipients(a, _with_role(a, today, Role.CHAIR))
        yield from _to(
            a,
            "sustainability_escalation",
            subject,
            deadline,
            chairs or _coordinators(a, today),
            **params,
        )
        return
    reached = [n for n in rules.sustainability_days_before if left <= n]
    if reached:
        n = min(reached)
        yield from _to(
            a, f"sustainability_{n}d", subject, deadline, _coordinators(a, today), **params
        )


def _ready(a: AllianceData, moment: Moment, today: date, rules: Rules) -> Iterator[Due]:
    """Every check of the current stage passed: once per stay in that stage."""
    if not a.ready_to_advance:
        return
    yield from _to(
        a,
        "ready_to_advance",
        f"stage:{a.stage}",
        a.stage_entered_on or today,
        _coordinators(a, today),
        stage=a.stage,
    )


def _evaluation(a: AllianceData, moment: Moment, today: date, rules: Rules) -> Iterator[Due]:
    """A periodic evaluation (e.g. a quarterly SWOT) once the cadence has passed since the last."""
    months = a.evaluation_cadence_months
    if months is None:
        months = rules.evaluation_cadence_months
    if months <= 0:
        return
    base = max([d for d in a.evaluations if d <= today], default=a.work_plan_start)
    if base is None or base > today:
        return
    due_on = months_after(base, months)
    if due_on > today:
        return
    yield from _to(
        a,
        "evaluation_due",
        "evaluation",
        due_on,
        _coordinators(a, today),
        last=base.isoformat(),
        due=due_on.isoformat(),
    )


def _weekly_digest(
    a: AllianceData, moment: Moment, today: date, rules: Rules, unreached: list[dict[str, Any]]
) -> Iterator[Due]:
    """One digest a week for the coordinators, on the digest weekday or the first run after:
    what is failing (checks, deliveries), who has not acted, who cannot be reached."""
    week_day = today - timedelta(days=(today.weekday() - rules.digest_weekday) % 7)
    year, week, _ = week_day.isocalendar()
    soon, overdue = open_actions(a, today, rules)
    people = _by_id(a) if soon or overdue else {}
    not_signed = []
    if a.charter_version is not None and a.charter_adopted_on and a.charter_adopted_on <= today:
        not_signed = sorted(p.name for p in _members(a, today) if p.id not in a.charter_signed_by)
    upcoming = [
        {"title": mt.title, "day": mt.local_day.isoformat()}
        for mt in a.meetings
        if mt.status == MeetingStatus.PLANNED and 0 <= (mt.local_day - today).days <= 14
    ]
    yield from _to(
        a,
        "weekly_digest",
        f"week:{year}-W{week:02d}",
        week_day,
        _coordinators(a, today),
        due_soon=[_act(x, people) for x in soon],
        overdue=[_act(x, people) for x in overdue],
        meetings=upcoming,
        stage=a.stage,
        ready=a.ready_to_advance,
        failed=list(a.failed_deliveries),
        failing=list(a.failing_checks),
        not_signed=not_signed,
        unreached=unreached,
        withdrawn=sorted(p.name for p in _members(a, today) if p.contact_withdrawn),
    )


def _act(act: ActionInfo, people: dict[int, Member]) -> dict[str, Any]:
    owner = people.get(act.owner_id) if act.owner_id is not None else None
    return {
        "description": act.description,
        "due": act.due_on.isoformat() if act.due_on else None,
        "owner": owner.name if owner is not None else None,
    }


def _funders(a: AllianceData, moment: Moment, today: date, rules: Rules) -> Iterator[Due]:
    """Monthly: the progress report is ready, to the funders' channel if there is one."""
    if FUNDERS not in a.audiences:
        return
    day = min(rules.funder_day_of_month, 28)
    month_start = today.replace(day=1)
    due_on = month_start.replace(day=day)
    if today < due_on:
        return
    yield from _to(
        a,
        "funder_progress",
        f"month:{due_on.isoformat()[:7]}",
        due_on,
        [(audience(FUNDERS), a.language)],
        month=due_on.isoformat()[:7],
    )


#: Action-plan statuses that need no more reminders.
DONE_STATUSES = frozenset({ActionStatus.DONE.value, ActionStatus.DROPPED.value})
