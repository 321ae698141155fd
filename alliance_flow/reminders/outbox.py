"""The outbox service: record what is due exactly once, then claim, deliver and retry it.

Exactly once, as far as a channel without transactions allows: a message is recorded under a
unique key in the same transaction that decided it; a sweep claims a row with an atomic UPDATE
(status pending, lease free) right before sending it, and records it as sent before it takes its
next one. Two sweeps cannot claim the same row; a sweep that dies holds only the messages in its
hands, until their lease runs out. The only gap left is a crash between the channel accepting a
message and the row being marked, which resends that one message after the lease.
"""

from __future__ import annotations

import itertools
import logging
import queue
import threading
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from alliance_flow import models as m
from alliance_flow.collector import without_gc
from alliance_flow.db import Database
from alliance_flow.errors import FieldProblem, InvalidInput
from alliance_flow.facts import (
    READ_BY_REMINDERS,
    Include,
    MeetingFacts,
    Scope,
    read_facts,
)
from alliance_flow.frozen import quick
from alliance_flow.i18n import _
from alliance_flow.models import utcnow
from alliance_flow.reminders import models as rm
from alliance_flow.reminders import reasons
from alliance_flow.reminders.config import ReminderSettings, get_reminder_settings
from alliance_flow.reminders.delivery import (
    Delivery,
    Notifier,
    Target,
    invalid_urls,
    scrub,
    split_urls,
)
from alliance_flow.reminders.due import AUDIENCES, Due, Moment, due_for, local_today
from alliance_flow.reminders.messages import recipient_name, render
from alliance_flow.reminders.snapshot import alliance_data
from alliance_flow.vocabulary import Stage

log = logging.getLogger(__name__)


@dataclass
class RecordReport:
    alliances: int = 0
    decided: int = 0
    recorded: int = 0
    #: Decided for someone nobody can reach (named in the coordinators' digest instead).
    unreachable: int = 0
    #: alliance slug -> error, for alliances whose rules could not run (the others went on).
    errors: dict[str, str] = field(default_factory=dict)


@dataclass
class DeliveryReport:
    claimed: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    lines: list[str] = field(default_factory=list)
    #: When the earliest message waiting for a retry is due again (None when none waits).
    next_retry_at: datetime | None = None


@dataclass(frozen=True)
class Planned:
    """A dry-run line: what would go to whom (redacted), and whether it is already recorded."""

    alliance: str
    kind: str
    recipient: str
    channel: str
    title: str
    recorded: bool
    #: False: nobody can carry it; not recorded, the person is named in the digest instead.
    reachable: bool = True


# --- channels -----------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _config_tags(path: Path, mtime: float) -> frozenset[str]:
    import apprise

    conf = apprise.AppriseConfig()
    if not conf.add(str(path)):
        return frozenset()
    tags: set[str] = set()
    for server in conf.services():
        tags.update(server.tags)
    return frozenset(tags)


def config_tags(settings: ReminderSettings) -> frozenset[str]:
    path = settings.notifications_file
    if path is None or not path.exists():
        return frozenset()
    return _config_tags(path, path.stat().st_mtime)


def channels_of(session: Session, alliance_id: int) -> dict[str, str]:
    rows = session.scalars(
        select(rm.AllianceChannel).where(rm.AllianceChannel.alliance_id == alliance_id)
    )
    return {r.audience: r.apprise_url for r in rows}


def audiences_of(channels: dict[str, str], slug: str, settings: ReminderSettings) -> frozenset[str]:
    return _audiences(channels, slug, config_tags(settings))


def _audiences(channels: dict[str, str], slug: str, tags: frozenset[str]) -> frozenset[str]:
    found = set(channels)
    found.update(a for a in AUDIENCES if f"{slug}-{a}" in tags)
    return frozenset(found)


def set_channel(*, session: Session, alliance: m.Alliance, audience: str, apprise_url: str) -> None:
    """Point one audience of an alliance at a channel (Apprise URL(s) or a mailto template).

    Refused (InvalidInput naming the redacted address) when Apprise cannot use a URL of it.
    """
    if bad := invalid_urls(apprise_url):
        from alliance_flow.schemas import channel_problem

        raise InvalidInput([FieldProblem("apprise_url", channel_problem(bad))])
    row = session.scalars(
        select(rm.AllianceChannel).where(
            rm.AllianceChannel.alliance_id == alliance.id, rm.AllianceChannel.audience == audience
        )
    ).first()
    if row is None:
        session.add(
            rm.AllianceChannel(alliance_id=alliance.id, audience=audience, apprise_url=apprise_url)
        )
    else:
        row.apprise_url = apprise_url
    session.flush()


def resolve_target(
    session: Session,
    *,
    recipient: str,
    slug: str,
    channels: dict[str, str],
    settings: ReminderSettings,
    members: dict[int, tuple[str | None, str | None]] | None = None,
) -> Target | None:
    """The channel a recipient is reached on now, or None when there is none.

    `members` (id -> (own channel, e-mail)) saves a query per member when a batch has them.
    """
    what, _sep, ident = recipient.partition(":")
    if what == "member":
        if members is not None:
            own, email = members.get(int(ident), (None, None))
        else:
            mb = session.get(m.Member, int(ident))
            own, email = (mb.preferred_channel, mb.email) if mb else (None, None)
        if own:
            return Target(urls=own)
        if email and "email" in channels:
            return Target(urls=channels["email"].replace("{email}", email))
        return None
    if ident in channels:
        return Target(urls=channels[ident])
    tag = f"{slug}-{ident}"
    if settings.notifications_file is not None and tag in config_tags(settings):
        return Target(config=settings.notifications_file, tag=tag)
    return None


# --- deciding and recording ---------------------------------------------------------------------


def outbox_insert(session: Session) -> Any:
    """An INSERT into the outbox that can skip rows whose unique key exists (on_conflict_...)."""
    dialect = session.get_bind().dialect.name
    table: Any = rm.OutboxMessage.__table__
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"the outbox supports SQLite and PostgreSQL, not {dialect}")


def decide(
    *,
    session: Session,
    alliance: m.Alliance,
    moment: Moment,
    settings: ReminderSettings,
) -> list[Due]:
    """What is due for one alliance at this moment (reads only)."""
    if alliance.stage == Stage.CLOSED:
        return []
    return decide_many(session=session, scope=[alliance.id], moment=moment, settings=settings)[
        alliance.id
    ][1]


def _day_of(moment: Moment) -> date:
    return moment.date() if isinstance(moment, datetime) else moment


@quick
@dataclass(frozen=True)
class Decided:
    """What a sweep keeps of one alliance once its reminders are decided: what recording them
    and cancelling moved meetings read. The rest of the facts is let go at once (kept until the
    end of a sweep, the collector walked every record of them again when it resumed: a tenth of
    the time of deciding every reminder)."""

    id: int
    name: str
    slug: str
    #: the meetings the sweep read (those close to its day)
    meetings: tuple[MeetingFacts, ...]
    #: audience -> Apprise URL(s) of the alliance's channels
    notification_channels: dict[str, str]


@without_gc
def decide_many(
    *,
    session: Session,
    scope: Scope,
    moment: Moment,
    settings: ReminderSettings,
) -> dict[int, tuple[Decided, list[Due]]]:
    """What is due for every open alliance in `scope`, read in a fixed number of statements."""
    rules = settings.rules()
    tags = config_tags(settings)  # the notifications file is looked at once, not per alliance
    out: dict[int, tuple[Decided, list[Due]]] = {}
    # The reminders' own rows for every alliance; for "ready to advance", only what the checks
    # of each alliance's current stage read.
    include = Include(
        reminders=True,
        around=_day_of(moment),
        current_stage_only=True,
        everywhere=READ_BY_REMINDERS,
        reminders_window=rules.minutes_lookback_days,
    )
    for aid, facts in read_facts(session, scope, include).items():
        kept = Decided(aid, facts.name, facts.slug, facts.meetings, facts.notification_channels)
        if facts.stage == Stage.CLOSED:
            out[aid] = (kept, [])
            continue
        data = alliance_data(
            facts,
            today=local_today(moment, facts.timezone),
            audiences=_audiences(facts.notification_channels, facts.slug, tags),
        )
        out[aid] = (kept, due_for(data, moment, rules))
    return out


def record(
    *,
    session: Session,
    alliance: m.Alliance | Decided,
    dues: Iterable[Due],
    settings: ReminderSettings,
    now: datetime | None = None,
) -> int:
    """Insert each due message unless its key is already there; returns how many were new."""
    names = {alliance.id: (alliance.name, alliance.slug)}
    new = record_many(session=session, dues=dues, names=names, settings=settings, now=now)
    _cancel_moved_meetings(session, [alliance.id])
    return new


#: Rows per INSERT statement (SQLite allows 32,766 parameters; a row takes 12).
INSERT_ROWS = 500


def record_many(
    *,
    session: Session,
    dues: Iterable[Due],
    names: dict[int, tuple[str, str]],
    settings: ReminderSettings,
    now: datetime | None = None,
) -> int:
    """Insert-or-ignore many due messages in a few statements; returns how many were new.

    `names` gives each alliance's (name, slug) for the message texts. Only the messages not
    recorded yet are written (a sweep decides the week's digest, with its lists and reasons, on
    every run; the outbox holds it from the first): one SELECT of the keys already there.
    """
    now = now or utcnow()
    # nobody can carry an unreachable one; the coordinators' digest names the person
    reachable = [d for d in dues if d.reachable]
    if not reachable:
        return 0
    known = _recorded_keys(session, reachable)
    rows = []
    for d in reachable:
        if d.key in known:
            continue
        name, slug = names[d.alliance_id]
        title, body = render(d, alliance_name=name, slug=slug, base_url=settings.public_url)
        rows.append(
            {
                "alliance_id": d.alliance_id,
                "kind": d.kind,
                "subject": d.subject,
                "due_on": d.due_on,
                "recipient": d.recipient,
                "language": d.language,
                "title": title,
                "body": body,
                "status": rm.PENDING,
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
        )
    if not rows:
        return 0
    stmt = (
        outbox_insert(session)
        .on_conflict_do_nothing(
            index_elements=["alliance_id", "kind", "subject", "due_on", "recipient"]
        )
        .returning(rm.OutboxMessage.id)
    )
    # One statement compiled once, its rows sent as multi-row INSERTs of INSERT_ROWS rows
    # (SQLAlchemy's "insertmanyvalues"); RETURNING names only the rows that were new. Building
    # a VALUES clause of 500 rows with .values() compiled 6,000 parameters on every call.
    page = {"insertmanyvalues_page_size": INSERT_ROWS}
    return len(session.connection().execute(stmt, rows, execution_options=page).all())


def _recorded_keys(session: Session, dues: list[Due]) -> set[tuple[int, str, str, date, str]]:
    """The keys of these messages already in the outbox (any status), in one statement.

    Asked by their alliances and their exact due dates (a few dozen days: today, the meetings',
    the actions', the deadlines'), not a range since the earliest: an escalation due a year ago
    would otherwise read a year of the outbox's history on every sweep.
    """
    if not dues:
        return set()
    Ob = rm.OutboxMessage
    return {
        tuple(row)  # type: ignore[misc]
        for row in session.execute(
            select(Ob.alliance_id, Ob.kind, Ob.subject, Ob.due_on, Ob.recipient).where(
                Ob.alliance_id.in_(sorted({d.alliance_id for d in dues})),
                Ob.due_on.in_(sorted({d.due_on for d in dues})),
            )
        )
    }


def _meeting_subject(mt_id: int, day: date) -> str:
    return f"meeting:{mt_id}@{day.isoformat()}"


def _cancel_moved_meetings(
    session: Session, alliance_ids: list[int], facts: dict[int, Decided] | None = None
) -> None:
    """Pending reminders for a meeting date that no longer holds are cancelled, never sent.

    One pass for a whole chunk of alliances: one SELECT of their pending meeting reminders
    (through the outbox's alliance/status index), one UPDATE of the stale ones.
    """
    pending = session.execute(
        select(rm.OutboxMessage.id, rm.OutboxMessage.alliance_id, rm.OutboxMessage.subject).where(
            rm.OutboxMessage.alliance_id.in_(alliance_ids),
            rm.OutboxMessage.status == rm.PENDING,
            rm.OutboxMessage.kind.like("meeting_reminder%"),
            rm.OutboxMessage.claimed_by.is_(None),
        )
    ).all()
    if not pending:
        return

    def planned_subjects(meeting_ids: Any) -> set[str]:
        return {
            _meeting_subject(mt_id, starts_at.astimezone(ZoneInfo(tz)).date())
            for mt_id, starts_at, tz in session.execute(
                select(m.Meeting.id, m.Meeting.starts_at, m.Meeting.timezone).where(
                    meeting_ids, m.Meeting.status == "planned"
                )
            )
        }

    if facts is None:
        current = planned_subjects(m.Meeting.alliance_id.in_(alliance_ids))
    else:
        current = {
            _meeting_subject(mt.id, mt.day)
            for f in facts.values()
            for mt in f.meetings
            if mt.status == "planned"
        }
        # A sweep reads the meetings close to its day: a reminder for a meeting it did not
        # read (long past, or deleted) is checked against the table, in one statement.
        read = {mt.id for f in facts.values() for mt in f.meetings}
        unread = {
            meeting_id
            for _id, _aid, subject in pending
            if subject not in current and (meeting_id := _meeting_of(subject)) not in read
        }
        if unread:
            current |= planned_subjects(m.Meeting.id.in_(sorted(unread)))
    stale = [row_id for row_id, _aid, subject in pending if subject not in current]
    if stale:
        session.execute(
            update(rm.OutboxMessage)
            .where(rm.OutboxMessage.id.in_(stale), rm.OutboxMessage.claimed_by.is_(None))
            .values(status=rm.CANCELLED, last_error=reasons.MEETING_MOVED)
            .execution_options(synchronize_session=False)
        )


def _alliance_ids(db: Database) -> list[int]:
    with db.transaction() as session:
        return list(
            session.scalars(
                select(m.Alliance.id)
                .where(m.Alliance.stage != Stage.CLOSED)
                .order_by(m.Alliance.id)
            )
        )


#: Alliances decided and recorded per transaction in a sweep.
CHUNK = 500


def _record_chunk(
    db: Database,
    ids: list[int],
    moment: Moment,
    settings: ReminderSettings,
    now: datetime | None,
    report: RecordReport,
) -> None:
    """Decide and record a chunk of alliances in one transaction (all of it or none)."""
    with db.transaction() as session:
        decided = decide_many(session=session, scope=ids, moment=moment, settings=settings)
        dues = [d for _facts, ds in decided.values() for d in ds]
        names = {aid: (f.name, f.slug) for aid, (f, _ds) in decided.items()}
        recorded = record_many(session=session, dues=dues, names=names, settings=settings, now=now)
        _cancel_moved_meetings(session, ids, {aid: f for aid, (f, _ds) in decided.items()})
    report.decided += len(dues)
    report.unreachable += sum(1 for d in dues if not d.reachable)
    report.recorded += recorded
    report.alliances += len(decided)


def record_due(
    *,
    db: Database,
    moment: Moment,
    settings: ReminderSettings | None = None,
    now: datetime | None = None,
    chunk: int = CHUNK,
) -> RecordReport:
    """Decide and record for every open alliance, a chunk of alliances per transaction.

    A chunk that fails is retried alliance by alliance, so one bad alliance is reported and
    the others are recorded all the same.
    """
    settings = settings or get_reminder_settings()
    report = RecordReport()
    ids = _alliance_ids(db)
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        try:
            _record_chunk(db, part, moment, settings, now, report)
            continue
        except Exception:
            log.warning("a chunk of %d alliances failed; retrying one by one", len(part))
        for aid in part:
            try:
                _record_chunk(db, [aid], moment, settings, now, report)
            except Exception as exc:
                slug = _slug_of(db, aid)
                log.exception("reminders for alliance %s could not be decided", slug)
                report.errors[slug] = f"{type(exc).__name__}: {exc}"[:500]
    return report


def _slug_of(db: Database, aid: int) -> str:
    try:
        with db.transaction() as session:
            return session.scalar(select(m.Alliance.slug).where(m.Alliance.id == aid)) or str(aid)
    except Exception:
        return str(aid)


def plan(
    *, db: Database, moment: Moment, settings: ReminderSettings | None = None
) -> list[Planned]:
    """Dry run: what would be recorded and to whom, channels redacted; nothing is written."""
    settings = settings or get_reminder_settings()
    out: list[Planned] = []
    with db.transaction() as session:
        decided = decide_many(
            session=session,
            scope=m.Alliance.stage != Stage.CLOSED,
            moment=moment,
            settings=settings,
        )
        recorded = _recorded_keys(session, [d for _facts, dues in decided.values() for d in dues])
        # Every member's name and channels in one statement, not one lookup per message.
        Mb = m.Member
        names: dict[int, str] = {}
        channels: dict[int, tuple[str | None, str | None]] = {}
        for member_id, name, own, email in session.execute(
            select(Mb.id, Mb.name, Mb.preferred_channel, Mb.email).where(
                Mb.alliance_id.in_(list(decided))
            )
        ):
            names[member_id] = name
            channels[member_id] = (own, email)
        for facts, dues in decided.values():
            for d in dues:
                title, _body = render(
                    d, alliance_name=facts.name, slug=facts.slug, base_url=settings.public_url
                )
                target = (
                    resolve_target(
                        session,
                        recipient=d.recipient,
                        slug=facts.slug,
                        channels=facts.notification_channels,
                        settings=settings,
                        members=channels,
                    )
                    if d.reachable
                    else None
                )
                out.append(
                    Planned(
                        facts.slug,
                        d.kind,
                        recipient_label(session, d.recipient, names),
                        target.redacted() if target else _("(no channel)"),
                        title,
                        d.key in recorded,
                        d.reachable,
                    )
                )
        session.rollback()
    return out


def recipient_label(session: Session, recipient: str, names: dict[int, str] | None = None) -> str:
    """A person's name or an audience, never a channel address.

    `names` (member id -> name) saves a query per member when a batch has them.
    """
    what, _sep, ident = recipient.partition(":")
    if what == "member":
        if names is not None:
            name = names.get(int(ident))
        else:
            mb = session.get(m.Member, int(ident))
            name = mb.name if mb else None
        if name is None:
            return recipient
        return _("{name} (member {id})").format(name=name, id=ident)
    return recipient_name(recipient)


# --- claiming and delivering --------------------------------------------------------------------


#: Kinds another deliverer sends (funder reports carry attachments only reports.delivery builds).
DELIVERED_ELSEWHERE = ("funder_report",)

_Ob = rm.OutboxMessage


def _free(now: datetime) -> Any:
    """Held by no live lease: never claimed, or its sweep's lease has run out."""
    return or_(_Ob.claimed_until.is_(None), _Ob.claimed_until < now)


def _due(now: datetime) -> tuple[Any, ...]:
    """Pending, its time come, sent by this deliverer, and held by nobody."""
    return (
        _Ob.status == rm.PENDING,
        _Ob.next_attempt_at <= now,
        _Ob.kind.not_in(DELIVERED_ELSEWHERE),
        _free(now),
    )


def claim(
    *,
    db: Database,
    worker: str,
    now: datetime,
    lease_seconds: float,
    limit: int,
) -> list[int]:
    """Atomically take up to `limit` due messages at once (what a sweep sends takes one at a
    time, see deliver_pending); returns the ids this worker now holds."""
    with db.transaction() as session:
        ids = list(
            session.scalars(
                select(_Ob.id).where(*_due(now)).order_by(_Ob.next_attempt_at, _Ob.id).limit(limit)
            )
        )
        return sorted(row[0] for row in _take(session, ids, worker, now, lease_seconds))


def _take(
    session: Session, ids: list[int], worker: str, now: datetime, lease_seconds: float
) -> list[Any]:
    """Claim these messages for one lease; (id, attempts, delivered_to) of those now ours.

    The WHERE is evaluated again under the row lock (PostgreSQL) or the write lock (SQLite):
    a row another sweep claimed, sent or retried in between is simply not ours.
    """
    if not ids:
        return []
    return list(
        session.execute(
            update(_Ob)
            .where(_Ob.id.in_(ids), *_due(now))
            .values(claimed_by=worker, claimed_until=now + timedelta(seconds=lease_seconds))
            .returning(_Ob.id, _Ob.attempts, _Ob.delivered_to)
            .execution_options(synchronize_session=False)
        )
    )


def release(*, db: Database, worker: str) -> int:
    """Give back every message this sweep still holds (on shutdown): another sweep may take it
    at once instead of waiting for the lease to run out."""
    with db.transaction() as session:
        result = session.execute(
            update(_Ob)
            .where(_Ob.claimed_by == worker, _Ob.status == rm.PENDING)
            .values(claimed_by=None, claimed_until=None)
            .execution_options(synchronize_session=False)
        )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Job:
    """One due message, read and resolved, ready to send without the database."""

    msg_id: int
    title: str
    body: str
    language: str
    attempts: int
    delivered: frozenset[str]
    target: Target | None
    who: str
    kind: str = ""
    subject: str = ""


class Dispatcher:
    """Hands each sender its next message and settles its previous one, many senders' worth in
    one transaction (leader/follower group commit).

    A message is claimed only when a sender is ready to send it, for one lease, and a sender
    takes its next message only once its previous one is recorded: a sweep that dies holds at
    most the message each sender has in hand (and resends at most those, if they had gone).
    The due messages are read a batch at a time in one SELECT, their channels resolved for the
    whole batch; each claim first checks, for all the messages it takes, that what they say is
    still true (a meeting reminder whose meeting moved or was cancelled is cancelled instead).
    """

    def __init__(
        self,
        *,
        db: Database,
        worker: str,
        now: datetime | None,
        settings: ReminderSettings,
        report: DeliveryReport,
        emit: Callable[[str], None],
        max_batches: int | None,
    ) -> None:
        self.db, self.worker, self.fixed_now = db, worker, now
        self.settings, self.report, self.emit = settings, report, emit
        self.max_batches = max_batches
        self.batches = 0
        self.exhausted = False
        self._jobs: deque[Job] = deque()
        self._cv = threading.Condition()
        self._queue: list[tuple[int, tuple[Job, Delivery] | None, bool]] = []
        self._answers: dict[int, Job | None] = {}
        self._errors: dict[int, BaseException] = {}
        self._busy = False
        self._tickets = itertools.count()

    def exchange(self, result: tuple[Job, Delivery] | None, *, more: bool = True) -> Job | None:
        """Record `result` (the caller's previous message), then give it its next (None: done)."""
        with self._cv:
            ticket = next(self._tickets)
            self._queue.append((ticket, result, more))
            while ticket not in self._answers and ticket not in self._errors:
                if self._busy:
                    self._cv.wait()
                    continue
                self._busy, batch, self._queue = True, self._queue, []
                self._cv.release()
                try:
                    answers, error = self._commit(batch), None
                except BaseException as exc:  # every waiter of this batch hears of it
                    answers, error = {}, exc
                finally:
                    self._cv.acquire()
                    self._busy = False
                self._answers.update(answers)
                if error is not None:
                    self._errors.update({t: error for t, _r, _m in batch})
                self._cv.notify_all()
            if ticket in self._errors:
                raise self._errors.pop(ticket)
            return self._answers.pop(ticket)

    def _commit(
        self, batch: list[tuple[int, tuple[Job, Delivery] | None, bool]]
    ) -> dict[int, Job | None]:
        now = self.fixed_now or utcnow()
        results = [r for _t, r, _m in batch if r is not None]
        wanting = [t for t, _r, more in batch if more]
        lines: list[str] = []
        with self.db.transaction() as session:
            lines.extend(
                _settle_many(
                    session,
                    worker=self.worker,
                    now=self.fixed_now,
                    settings=self.settings,
                    report=self.report,
                    results=results,
                ).values()
            )
            taken = self._claim(session, len(wanting), now, lines)
        for line in lines:
            self.emit(line)
        answers: dict[int, Job | None] = dict.fromkeys((t for t, _r, _m in batch), None)
        answers.update(zip(wanting, taken, strict=False))
        return answers

    def _claim(self, session: Session, n: int, now: datetime, lines: list[str]) -> list[Job]:
        out: list[Job] = []
        while len(out) < n:
            if not self._jobs and not self._refill(session, now, lines):
                break
            candidates = [self._jobs.popleft() for _ in range(min(n - len(out), len(self._jobs)))]
            stale = _no_longer_true(session, candidates)
            if stale:
                cancelled = session.scalars(
                    update(_Ob)
                    .where(_Ob.id.in_(stale), _Ob.status == rm.PENDING, _free(now))
                    .values(
                        status=rm.CANCELLED,
                        last_error=reasons.MEETING_MOVED,
                        claimed_by=None,
                        claimed_until=None,
                    )
                    .returning(_Ob.id)
                    .execution_options(synchronize_session=False)
                ).all()
                lines.extend(
                    f"cancelled message {i}: its meeting moved or was cancelled"
                    for i in sorted(cancelled)
                )
            # One lease covers the longest delivery of the message in hand: its channel's URLs
            # one after the other (most channels have one; one UPDATE per lease length).
            by_lease: dict[float, list[int]] = {}
            for job in candidates:
                if job.msg_id not in stale:
                    by_lease.setdefault(self._lease_of(job), []).append(job.msg_id)
            fresh = {
                msg_id: (attempts, delivered_to)
                for seconds, ids in by_lease.items()
                for msg_id, attempts, delivered_to in _take(session, ids, self.worker, now, seconds)
            }
            for job in candidates:
                if job.msg_id in fresh:  # the other candidates went to another sweep
                    attempts, delivered_to = fresh[job.msg_id]
                    out.append(
                        replace(
                            job,
                            attempts=int(attempts or 0),
                            delivered=frozenset((delivered_to or "").split()),
                        )
                    )
        self.report.claimed += len(out)
        return out

    def _lease_of(self, job: Job) -> float:
        urls = split_urls(job.target.urls) if job.target and job.target.urls else []
        return self.settings.lease_seconds * max(1, len(urls))

    def _refill(self, session: Session, now: datetime, lines: list[str]) -> bool:
        """Read the next batch of due messages (one SELECT) and resolve where each goes."""
        if self.exhausted or (self.max_batches is not None and self.batches >= self.max_batches):
            self.exhausted = True
            return False
        self.batches += 1
        rows = session.execute(
            select(
                _Ob.id,
                _Ob.alliance_id,
                _Ob.kind,
                _Ob.subject,
                _Ob.recipient,
                _Ob.title,
                _Ob.body,
                _Ob.language,
            )
            .where(*_due(now))
            .order_by(_Ob.next_attempt_at, _Ob.id)
            .limit(self.settings.batch_size)
        ).all()
        if not rows:
            self.exhausted = True
            return False
        self._jobs.extend(_resolve(session, rows, self, now, lines))
        return bool(self._jobs) or self._refill(session, now, lines)


def _resolve(
    session: Session, rows: Sequence[Any], dispatcher: Dispatcher, now: datetime, lines: list[str]
) -> list[Job]:
    """Jobs for a batch of due rows: the recipients' channels read for the whole batch (members,
    alliances and their channels: one query each). A row that cannot be resolved is settled as a
    failed attempt, so it waits for its retry and does not stop the others."""
    settings = dispatcher.settings
    member_ids = {
        int(row.recipient.partition(":")[2]) for row in rows if row.recipient.startswith("member:")
    }
    members: dict[int, tuple[str | None, str | None]] = {
        mid: (own, email)
        for mid, own, email in session.execute(
            select(m.Member.id, m.Member.preferred_channel, m.Member.email).where(
                m.Member.id.in_(member_ids)
            )
        )
    }
    alliance_ids = {row.alliance_id for row in rows}
    slugs: dict[int, str] = dict(
        session.execute(
            select(m.Alliance.id, m.Alliance.slug).where(m.Alliance.id.in_(alliance_ids))
        ).all()
    )
    channels: dict[int, dict[str, str]] = {aid: {} for aid in alliance_ids}
    for aid, audience, url in session.execute(
        select(
            rm.AllianceChannel.alliance_id,
            rm.AllianceChannel.audience,
            rm.AllianceChannel.apprise_url,
        ).where(rm.AllianceChannel.alliance_id.in_(alliance_ids))
    ):
        channels[aid][audience] = url
    jobs: list[Job] = []
    for row in rows:
        slug = slugs.get(row.alliance_id, str(row.alliance_id))
        try:
            target = resolve_target(
                session,
                recipient=row.recipient,
                slug=slug,
                channels=channels[row.alliance_id],
                settings=settings,
                members=members,
            )
        except Exception as exc:  # one unreadable message must not stop the others
            log.exception("outbox message %s could not be prepared", row.id)
            lines.append(
                _settle_unclaimed(
                    session,
                    row.id,
                    now,
                    settings,
                    dispatcher.report,
                    f"{type(exc).__name__}: {exc}",
                )
            )
            continue
        where = target.label() if target else "(no channel)"
        jobs.append(
            Job(
                row.id,
                row.title,
                row.body,
                row.language,
                0,
                frozenset(),
                target,
                f"{slug} {row.kind} -> {row.recipient} via {where}",
                row.kind,
                row.subject,
            )
        )
    return jobs


def _settle_unclaimed(
    session: Session,
    msg_id: int,
    now: datetime,
    settings: ReminderSettings,
    report: DeliveryReport,
    error: str,
) -> str:
    """A failed attempt for a message nobody holds (it could not even be prepared)."""
    attempts = session.scalar(
        update(_Ob)
        .where(_Ob.id == msg_id, _Ob.status == rm.PENDING, _free(now))
        .values(attempts=_Ob.attempts + 1)
        .returning(_Ob.attempts)
        .execution_options(synchronize_session=False)
    )
    if attempts is None:
        return f"skipped message {msg_id}: another sweep has it"
    final = attempts >= settings.max_attempts
    retry_at = now + timedelta(seconds=settings.backoff(attempts))
    session.execute(
        update(_Ob)
        .where(_Ob.id == msg_id)
        .values(
            status=rm.FAILED if final else rm.PENDING,
            last_error=error[:1000],
            next_attempt_at=retry_at,
        )
        .execution_options(synchronize_session=False)
    )
    if final:
        report.failed += 1
        return f"FAILED message {msg_id} after {attempts} attempts: {error}"
    report.retrying += 1
    return f"retry message {msg_id} at {retry_at:%Y-%m-%d %H:%M} UTC (attempt {attempts}): {error}"


def deliver_pending(
    *,
    db: Database,
    notifier: Notifier,
    now: datetime | None = None,
    settings: ReminderSettings | None = None,
    worker: str | None = None,
    max_batches: int | None = None,
    on_line: Callable[[str], None] | None = None,
    stop: threading.Event | None = None,
) -> DeliveryReport:
    """Send every pending message whose time has come; each failure is retried with backoff.

    Messages are sent by a bounded pool of threads (settings.concurrency). Each sender claims
    the message it is about to send, for one lease, in the same transaction that records how
    its previous message went (see Dispatcher): a sweep killed midway holds, and could resend,
    only the messages in hand. When `stop` is set or the sweep is interrupted (SIGTERM,
    Ctrl-C), nothing new starts, the messages being sent are finished and settled, and anything
    still held is released for the next sweep at once.
    """
    settings = settings or get_reminder_settings()
    worker = worker or uuid.uuid4().hex
    stop = stop or threading.Event()
    report = DeliveryReport()
    lines: queue.SimpleQueue[str] = queue.SimpleQueue()

    def emit(line: str) -> None:
        report.lines.append(line)
        log.info("%s", line)
        if on_line:
            on_line(line)

    dispatcher = Dispatcher(
        db=db,
        worker=worker,
        now=now,
        settings=settings,
        report=report,
        emit=lines.put,  # said by the calling thread (Prefect's run logger lives there)
        max_batches=max_batches,
    )

    def work() -> None:
        previous: tuple[Job, Delivery] | None = None
        while True:
            job = dispatcher.exchange(previous, more=not stop.is_set())
            if job is None:
                return
            previous = (job, _send(notifier, job))

    def drain() -> None:
        while True:
            try:
                emit(lines.get_nowait())
            except queue.Empty:
                return

    try:
        with ThreadPoolExecutor(
            max_workers=max(1, settings.concurrency), thread_name_prefix="outbox"
        ) as pool:
            futures = [pool.submit(work) for _ in range(max(1, settings.concurrency))]
            try:
                pending = set(futures)
                while pending:
                    done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                    drain()
                    for future in done:
                        future.result()
            except BaseException:
                # Interrupted: nothing new starts; what is being sent finishes and settles.
                stop.set()
                wait(futures)
                raise
    finally:
        drain()
        released = release(db=db, worker=worker)
        if released:
            emit(f"released {released} message(s) for the next sweep")
        report.next_retry_at = next_retry_at(db=db)
    return report


def _send(notifier: Notifier, job: Job) -> Delivery:
    if job.target is None:
        return Delivery(False, "no channel configured for this recipient", job.delivered)
    try:
        return notifier.send(
            target=job.target,
            title=job.title,
            body=job.body,
            language=job.language,
            skip=job.delivered,
        )
    except Exception as exc:  # a broken channel must not stop the others
        error = f"{type(exc).__name__}: {scrub(str(exc), job.target.urls)}"
        return Delivery(False, error, job.delivered)


def _meeting_of(subject: str) -> int:
    return int(subject.split(":", 1)[1].split("@", 1)[0])


def _no_longer_true(session: Session, jobs: Sequence[Job]) -> set[int]:
    """Meeting reminders whose meeting is no longer planned on the day they announce (one
    query for all of them)."""
    meeting_jobs = [j for j in jobs if j.kind.startswith("meeting_reminder")]
    if not meeting_jobs:
        return set()
    current = {
        mt_id: (status, _meeting_subject(mt_id, starts_at.astimezone(ZoneInfo(tz)).date()))
        for mt_id, status, starts_at, tz in session.execute(
            select(m.Meeting.id, m.Meeting.status, m.Meeting.starts_at, m.Meeting.timezone).where(
                m.Meeting.id.in_({_meeting_of(j.subject) for j in meeting_jobs})
            )
        )
    }
    stale = set()
    for job in meeting_jobs:
        status, subject = current.get(_meeting_of(job.subject), (None, None))
        if status != "planned" or subject != job.subject:
            stale.add(job.msg_id)
    return stale


def settle(
    *,
    db: Database,
    msg_id: int,
    worker: str,
    now: datetime | None,
    settings: ReminderSettings,
    report: DeliveryReport,
    ok: bool,
    error: str | None,
    attempts: int,
    who: str,
    delivered: frozenset[str] = frozenset(),
) -> str:
    """Record one delivery attempt: sent, or retried later with backoff, or failed after N.

    `delivered` are the URLs of the channel that accepted the message: a retry skips them.
    """
    with db.transaction() as session:
        return _settle(
            session,
            msg_id=msg_id,
            worker=worker,
            now=now,
            settings=settings,
            report=report,
            ok=ok,
            error=error,
            attempts=attempts,
            who=who,
            delivered=delivered,
        )


def _settle_many(
    session: Session,
    *,
    worker: str,
    now: datetime | None,
    settings: ReminderSettings,
    report: DeliveryReport,
    results: list[tuple[Job, Delivery]],
) -> dict[int, str]:
    """Settle delivery attempts; the messages that went are marked sent in one statement."""
    if not results:
        return {}
    went = [job for job, delivery in results if delivery.ok]
    lines: dict[int, str] = {}
    if went:
        marked = set(
            session.scalars(
                update(_Ob)
                .where(_Ob.id.in_([job.msg_id for job in went]), _Ob.claimed_by == worker)
                .values(
                    status=rm.SENT,
                    sent_at=now or utcnow(),
                    attempts=_Ob.attempts + 1,
                    last_error=None,
                    delivered_to=None,
                    claimed_by=None,
                    claimed_until=None,
                )
                .returning(_Ob.id)
                .execution_options(synchronize_session=False)
            )
        )
        report.sent += len(marked)
        lines = {
            job.msg_id: f"sent {job.who}"
            if job.msg_id in marked
            else f"sent {job.who}, but another sweep had taken the message over"
            for job in went
        }
    return lines | {
        job.msg_id: _settle(
            session,
            msg_id=job.msg_id,
            worker=worker,
            now=now,
            settings=settings,
            report=report,
            ok=delivery.ok,
            error=delivery.error,
            attempts=job.attempts,
            who=job.who,
            delivered=delivery.delivered,
        )
        for job, delivery in results
        if not delivery.ok
    }


def _settle(
    session: Session,
    *,
    msg_id: int,
    worker: str,
    now: datetime | None,
    settings: ReminderSettings,
    report: DeliveryReport,
    ok: bool,
    error: str | None,
    attempts: int,
    who: str,
    delivered: frozenset[str],
) -> str:
    moment = now or utcnow()
    mine = (rm.OutboxMessage.id == msg_id, rm.OutboxMessage.claimed_by == worker)
    accepted = " ".join(sorted(delivered)) or None
    if ok:
        done = session.execute(
            update(rm.OutboxMessage)
            .where(*mine)
            .values(
                status=rm.SENT,
                sent_at=moment,
                attempts=attempts + 1,
                last_error=None,
                delivered_to=accepted,
                claimed_by=None,
                claimed_until=None,
            )
        )
        if done.rowcount == 0:  # type: ignore[attr-defined]
            return f"sent {who}, but another sweep had taken the message over"
        report.sent += 1
        return f"sent {who}"
    tries = attempts + 1
    final = tries >= settings.max_attempts
    retry_at = moment + timedelta(seconds=settings.backoff(tries))
    session.execute(
        update(rm.OutboxMessage)
        .where(*mine)
        .values(
            status=rm.FAILED if final else rm.PENDING,
            attempts=tries,
            last_error=(error or reasons.FAILED)[:1000],
            delivered_to=accepted,
            next_attempt_at=retry_at,
            claimed_by=None,
            claimed_until=None,
        )
    )
    if final:
        report.failed += 1
        return f"FAILED {who} after {tries} attempts: {error}"
    report.retrying += 1
    return f"retry {who} at {retry_at:%Y-%m-%d %H:%M} UTC (attempt {tries}): {error}"


def next_retry_at(*, db: Database) -> datetime | None:
    """When the earliest message waiting for a retry is due again (None when none waits)."""
    with db.transaction() as session:
        return session.scalar(
            select(func.min(rm.OutboxMessage.next_attempt_at)).where(
                rm.OutboxMessage.status == rm.PENDING,
                rm.OutboxMessage.attempts > 0,
                rm.OutboxMessage.kind.not_in(DELIVERED_ELSEWHERE),
            )
        )


def status_counts(*, session: Session, alliance_id: int) -> dict[str, int]:
    """How many messages of one alliance are pending, sent, failed or cancelled."""
    rows = session.execute(
        select(rm.OutboxMessage.status, func.count())
        .where(rm.OutboxMessage.alliance_id == alliance_id)
        .group_by(rm.OutboxMessage.status)
    ).all()
    counts = dict.fromkeys(rm.STATUSES, 0)
    counts.update({status: int(n) for status, n in rows})
    return counts


def list_outbox(
    *,
    session: Session,
    status: str | None = None,
    limit: int = 200,
    alliance_id: int | None = None,
) -> list[tuple[rm.OutboxMessage, str]]:
    """Outbox rows with their alliance's slug, newest first."""
    query = (
        select(rm.OutboxMessage, m.Alliance.slug)
        .join(m.Alliance, m.Alliance.id == rm.OutboxMessage.alliance_id)
        .order_by(rm.OutboxMessage.id.desc())
        .limit(limit)
    )
    if status:
        query = query.where(rm.OutboxMessage.status == status)
    if alliance_id is not None:
        query = query.where(rm.OutboxMessage.alliance_id == alliance_id)
    return [(row, slug) for row, slug in session.execute(query).all()]


def sweep(
    *,
    db: Database,
    notifier: Notifier,
    moment: Moment | None = None,
    now: datetime | None = None,
    settings: ReminderSettings | None = None,
) -> tuple[RecordReport, DeliveryReport]:
    """One sweep without Prefect: record what is due, then deliver what is pending."""
    recorded = record_due(db=db, moment=moment or now or utcnow(), settings=settings, now=now)
    delivered = deliver_pending(db=db, notifier=notifier, now=now, settings=settings)
    return recorded, delivered


def as_moment(day: date | None) -> Moment:
    """--today DATE means that calendar day everywhere; no date means now."""
    return day if day is not None else utcnow()
