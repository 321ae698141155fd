"""The outbox service: record what is due exactly once, then claim, deliver and retry it.

Exactly once, as far as a channel without transactions allows: a message is recorded under a
unique key in the same transaction that decided it; a sweep claims a row with an atomic UPDATE
(status pending, lease free) before sending it and marks it sent right after. Two sweeps cannot
claim the same row; a sweep that dies leaves its claims to expire, and the next sweep takes them.
The only gap left is a crash between the channel accepting a message and the row being marked,
which resends that one message after the lease.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed, wait
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from alliance_flow import models as m
from alliance_flow.db import Database
from alliance_flow.errors import FieldProblem, InvalidInput
from alliance_flow.facts import (
    READ_BY_REMINDERS,
    AllianceFacts,
    Include,
    Scope,
    read_facts,
    without_gc,
)
from alliance_flow.models import utcnow
from alliance_flow.reminders import models as rm
from alliance_flow.reminders.config import ReminderSettings, get_reminder_settings
from alliance_flow.reminders.delivery import Delivery, Notifier, Target, invalid_urls, scrub
from alliance_flow.reminders.due import AUDIENCES, Due, Moment, due_for, local_today
from alliance_flow.reminders.messages import render
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
    tags = config_tags(settings)
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
    what, _, ident = recipient.partition(":")
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


@without_gc
def decide_many(
    *,
    session: Session,
    scope: Scope,
    moment: Moment,
    settings: ReminderSettings,
) -> dict[int, tuple[AllianceFacts, list[Due]]]:
    """What is due for every open alliance in `scope`, read in a fixed number of statements."""
    rules = settings.rules()
    out: dict[int, tuple[AllianceFacts, list[Due]]] = {}
    # The reminders' own rows for every alliance; for "ready to advance", only what the checks
    # of each alliance's current stage read.
    include = Include(
        reminders=True,
        around=_day_of(moment),
        current_stage_only=True,
        everywhere=READ_BY_REMINDERS,
    )
    for aid, facts in read_facts(session, scope, include).items():
        if facts.stage == Stage.CLOSED:
            out[aid] = (facts, [])
            continue
        data = alliance_data(
            facts,
            today=local_today(moment, facts.timezone),
            audiences=audiences_of(facts.notification_channels, facts.slug, settings),
        )
        out[aid] = (facts, due_for(data, moment, rules))
    return out


def record(
    *,
    session: Session,
    alliance: m.Alliance | AllianceFacts,
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

    `names` gives each alliance's (name, slug) for the message texts.
    """
    now = now or utcnow()
    rows = []
    for d in dues:
        if not d.reachable:
            continue  # nobody can carry it; the coordinators' digest names the person
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
    new = 0
    for start in range(0, len(rows), INSERT_ROWS):
        # One multi-row INSERT; RETURNING names only the rows that were new (SQLite, PostgreSQL).
        new += len(session.execute(stmt.values(rows[start : start + INSERT_ROWS])).all())
    return new


def _meeting_subject(mt_id: int, day: date) -> str:
    return f"meeting:{mt_id}@{day.isoformat()}"


def _cancel_moved_meetings(
    session: Session, alliance_ids: list[int], facts: dict[int, AllianceFacts] | None = None
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
    if facts is None:
        current = {
            _meeting_subject(mt.id, mt.starts_at.astimezone(ZoneInfo(mt.timezone)).date())
            for mt in session.scalars(
                select(m.Meeting).where(
                    m.Meeting.alliance_id.in_(alliance_ids), m.Meeting.status == "planned"
                )
            )
        }
    else:
        current = {
            _meeting_subject(mt.id, mt.day)
            for f in facts.values()
            for mt in f.meetings
            if mt.status == "planned"
        }
    stale = [row_id for row_id, _aid, subject in pending if subject not in current]
    if stale:
        session.execute(
            update(rm.OutboxMessage)
            .where(rm.OutboxMessage.id.in_(stale), rm.OutboxMessage.claimed_by.is_(None))
            .values(status=rm.CANCELLED, last_error="the meeting moved or was cancelled")
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
        Ob = rm.OutboxMessage
        recorded = {
            tuple(row)
            for row in session.execute(
                select(Ob.alliance_id, Ob.kind, Ob.subject, Ob.due_on, Ob.recipient).where(
                    Ob.alliance_id.in_(list(decided))
                )
            )
        }
        for facts, dues in decided.values():
            for d in dues:
                title, _ = render(
                    d, alliance_name=facts.name, slug=facts.slug, base_url=settings.public_url
                )
                target = (
                    resolve_target(
                        session,
                        recipient=d.recipient,
                        slug=facts.slug,
                        channels=facts.notification_channels,
                        settings=settings,
                    )
                    if d.reachable
                    else None
                )
                out.append(
                    Planned(
                        facts.slug,
                        d.kind,
                        recipient_label(session, d.recipient),
                        target.redacted() if target else "(no channel)",
                        title,
                        d.key in recorded,
                        d.reachable,
                    )
                )
        session.rollback()
    return out


def recipient_label(session: Session, recipient: str) -> str:
    """A person's name or an audience, never a channel address."""
    what, _, ident = recipient.partition(":")
    if what == "member":
        mb = session.get(m.Member, int(ident))
        return f"{mb.name} (member {ident})" if mb else recipient
    return ident


# --- claiming and delivering --------------------------------------------------------------------


#: Kinds another deliverer sends (funder reports carry attachments only reports.delivery builds).
DELIVERED_ELSEWHERE = ("funder_report",)


def claim(
    *,
    db: Database,
    worker: str,
    now: datetime,
    lease_seconds: float,
    limit: int,
) -> list[int]:
    """Atomically take up to `limit` pending messages that are due and not held by a live lease."""
    free = or_(rm.OutboxMessage.claimed_until.is_(None), rm.OutboxMessage.claimed_until < now)
    with db.transaction() as session:
        candidates = list(
            session.scalars(
                select(rm.OutboxMessage.id)
                .where(
                    rm.OutboxMessage.status == rm.PENDING,
                    rm.OutboxMessage.next_attempt_at <= now,
                    rm.OutboxMessage.kind.not_in(DELIVERED_ELSEWHERE),
                    free,
                )
                .order_by(rm.OutboxMessage.next_attempt_at, rm.OutboxMessage.id)
                .limit(limit)
            )
        )
        if not candidates:
            return []
        # The WHERE is evaluated again under the row lock (PostgreSQL) or the write lock
        # (SQLite): a row another sweep claimed in between is simply not ours.
        session.execute(
            update(rm.OutboxMessage)
            .where(rm.OutboxMessage.id.in_(candidates), rm.OutboxMessage.status == rm.PENDING, free)
            .values(claimed_by=worker, claimed_until=now + timedelta(seconds=lease_seconds))
            .execution_options(synchronize_session=False)
        )
    with db.transaction() as session:
        return list(
            session.scalars(
                select(rm.OutboxMessage.id)
                .where(rm.OutboxMessage.claimed_by == worker, rm.OutboxMessage.status == rm.PENDING)
                .order_by(rm.OutboxMessage.id)
            )
        )


def release(*, db: Database, worker: str) -> int:
    """Give back every message this sweep still holds (on shutdown): another sweep may take it
    at once instead of waiting for the lease to run out."""
    with db.transaction() as session:
        result = session.execute(
            update(rm.OutboxMessage)
            .where(rm.OutboxMessage.claimed_by == worker, rm.OutboxMessage.status == rm.PENDING)
            .values(claimed_by=None, claimed_until=None)
            .execution_options(synchronize_session=False)
        )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


class Lease:
    """Keeps this sweep's claims alive while it works: renewed in one UPDATE whenever a third
    of the lease has passed, and asked before each message whether the message is still ours.

    A sweep that dies stops renewing, so what it held is free again within one (short) lease.
    """

    def __init__(self, *, db: Database, worker: str, seconds: float, now: datetime | None) -> None:
        self.db, self.worker, self.seconds, self.fixed_now = db, worker, seconds, now
        self._lock = threading.Lock()
        self._renewed_at = 0.0
        self._held: set[int] = set()

    def _now(self) -> datetime:
        return self.fixed_now or utcnow()

    def took(self, ids: Iterable[int]) -> None:
        with self._lock:
            self._held.update(ids)
            self._renewed_at = time.monotonic()

    def holds(self, msg_id: int) -> bool:
        """True while the message is still ours (renewing every claim first when it is time)."""
        with self._lock:
            if time.monotonic() - self._renewed_at > self.seconds / 3:
                self._renew()
            return msg_id in self._held

    def done(self, msg_id: int) -> None:
        with self._lock:
            self._held.discard(msg_id)

    def _renew(self) -> None:
        moment = self._now()
        with self.db.transaction() as session:
            still = set(
                session.scalars(
                    update(rm.OutboxMessage)
                    .where(
                        rm.OutboxMessage.claimed_by == self.worker,
                        rm.OutboxMessage.status == rm.PENDING,
                        rm.OutboxMessage.claimed_until > moment,
                    )
                    .values(claimed_until=moment + timedelta(seconds=self.seconds))
                    .returning(rm.OutboxMessage.id)
                    .execution_options(synchronize_session=False)
                )
            )
        self._held &= still
        self._renewed_at = time.monotonic()


@dataclass(frozen=True)
class Job:
    """One claimed message, read and resolved, ready to send without the database."""

    msg_id: int
    title: str
    body: str
    language: str
    attempts: int
    delivered: frozenset[str]
    target: Target | None
    who: str


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

    Messages are sent by a bounded pool of threads (settings.concurrency); each is settled as
    soon as its channel answered, before its thread takes the next one (threads that finish
    together share one commit), so a sweep killed midway resends at most the messages that
    were on the wire. When `stop` is set
    or the sweep is interrupted (SIGTERM, Ctrl-C), nothing new starts, the messages being sent
    are finished and settled, and the others are released for the next sweep at once.
    """
    settings = settings or get_reminder_settings()
    worker = worker or uuid.uuid4().hex
    stop = stop or threading.Event()
    report = DeliveryReport()
    lease = Lease(db=db, worker=worker, seconds=settings.lease_seconds, now=now)
    group = GroupCommit(
        lambda results: settle_many(
            db=db, worker=worker, now=now, settings=settings, report=report, results=results
        )
    )

    def emit(line: str | None) -> None:
        if line is None:
            return
        report.lines.append(line)
        log.info("%s", line)
        if on_line:
            on_line(line)

    def work(job: Job) -> list[str]:
        if stop.is_set():
            return []  # released below, for the next sweep
        try:
            if not lease.holds(job.msg_id):
                return [f"skipped message {job.msg_id}: its lease ran out and another sweep has it"]
            return [group.settle(job, _send(notifier, job))]
        finally:
            lease.done(job.msg_id)

    batches = 0
    try:
        with ThreadPoolExecutor(
            max_workers=max(1, settings.concurrency), thread_name_prefix="outbox"
        ) as pool:
            while not stop.is_set() and (max_batches is None or batches < max_batches):
                batches += 1
                ids = claim(
                    db=db,
                    worker=worker,
                    now=now or utcnow(),
                    lease_seconds=settings.lease_seconds,
                    limit=settings.batch_size,
                )
                if not ids:
                    break
                lease.took(ids)
                report.claimed += len(ids)
                jobs, lines = _prepare(db, ids, worker, now, settings, report)
                for line in lines:
                    emit(line)
                futures = [pool.submit(work, job) for job in jobs]
                try:
                    for future in as_completed(futures):
                        for line in future.result():
                            emit(line)
                except BaseException:
                    # Interrupted: nothing new starts; what is being sent finishes and settles.
                    stop.set()
                    for future in futures:
                        future.cancel()
                    wait(futures)
                    raise
    finally:
        released = release(db=db, worker=worker)
        if released:
            emit(f"released {released} message(s) for the next sweep")
        report.next_retry_at = next_retry_at(db=db)
    return report


class GroupCommit:
    """Settles each sender's result before the sender goes on, one commit for all the results
    that arrive while the previous commit is being written (leader/follower group commit)."""

    def __init__(self, commit: Callable[[list[tuple[Job, Delivery]]], dict[int, str]]) -> None:
        self._commit = commit
        self._cv = threading.Condition()
        self._queue: list[tuple[Job, Delivery]] = []
        self._lines: dict[int, str] = {}
        self._errors: dict[int, BaseException] = {}
        self._busy = False

    def settle(self, job: Job, delivery: Delivery) -> str:
        with self._cv:
            self._queue.append((job, delivery))
            while job.msg_id not in self._lines and job.msg_id not in self._errors:
                if self._busy:
                    self._cv.wait()
                    continue
                self._busy, batch, self._queue = True, self._queue, []
                self._cv.release()
                try:
                    lines, error = self._commit(batch), None
                except BaseException as exc:  # every waiter of this batch hears of it
                    lines, error = {}, exc
                finally:
                    self._cv.acquire()
                    self._busy = False
                self._lines.update(lines)
                if error is not None:
                    self._errors.update({j.msg_id: error for j, _ in batch})
                self._cv.notify_all()
            if job.msg_id in self._errors:
                raise self._errors.pop(job.msg_id)
            return self._lines.pop(job.msg_id)


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


def _prepare(
    db: Database,
    ids: list[int],
    worker: str,
    now: datetime | None,
    settings: ReminderSettings,
    report: DeliveryReport,
) -> tuple[list[Job], list[str]]:
    """Read a batch of claimed messages in one transaction; a meeting reminder whose meeting
    moved or was cancelled since it was recorded is cancelled here, never sent."""
    jobs: list[Job] = []
    lines: list[str] = []
    broken: list[tuple[int, str]] = []
    with db.transaction() as session:
        messages = session.scalars(
            select(rm.OutboxMessage).where(
                rm.OutboxMessage.id.in_(ids), rm.OutboxMessage.claimed_by == worker
            )
        ).all()
        stale = _no_longer_true(session, messages)
        if stale:
            session.execute(
                update(rm.OutboxMessage)
                .where(rm.OutboxMessage.id.in_(stale), rm.OutboxMessage.claimed_by == worker)
                .values(
                    status=rm.CANCELLED,
                    last_error="the meeting moved or was cancelled",
                    claimed_by=None,
                    claimed_until=None,
                )
                .execution_options(synchronize_session=False)
            )
            lines.extend(
                f"cancelled message {i}: its meeting moved or was cancelled" for i in stale
            )
        # the channel and e-mail of every member the batch goes to, in one query
        member_ids = {
            int(x.recipient.partition(":")[2])
            for x in messages
            if x.recipient.startswith("member:")
        }
        members: dict[int, tuple[str | None, str | None]] = {
            mid: (own, email)
            for mid, own, email in session.execute(
                select(m.Member.id, m.Member.preferred_channel, m.Member.email).where(
                    m.Member.id.in_(member_ids)
                )
            )
        }
        slugs: dict[int, str] = {}
        channels: dict[int, dict[str, str]] = {}
        for msg in messages:
            if msg.id in stale:
                continue
            try:
                if msg.alliance_id not in slugs:
                    alliance = session.get(m.Alliance, msg.alliance_id)
                    slugs[msg.alliance_id] = alliance.slug if alliance else str(msg.alliance_id)
                    channels[msg.alliance_id] = channels_of(session, msg.alliance_id)
                slug = slugs[msg.alliance_id]
                target = resolve_target(
                    session,
                    recipient=msg.recipient,
                    slug=slug,
                    channels=channels[msg.alliance_id],
                    settings=settings,
                    members=members,
                )
                where = target.label() if target else "(no channel)"
                jobs.append(
                    Job(
                        msg.id,
                        msg.title,
                        msg.body,
                        msg.language,
                        msg.attempts,
                        frozenset((msg.delivered_to or "").split()),
                        target,
                        f"{slug} {msg.kind} -> {msg.recipient} via {where}",
                    )
                )
            except Exception as exc:  # one unreadable message must not stop the others
                log.exception("outbox message %s could not be prepared", msg.id)
                broken.append((msg.id, f"{type(exc).__name__}: {exc}"[:500]))
    for msg_id, error in broken:
        lines.append(
            settle(
                db=db,
                msg_id=msg_id,
                worker=worker,
                now=now,
                settings=settings,
                report=report,
                ok=False,
                error=error,
                attempts=_attempts_of(db, msg_id),
                who=f"message {msg_id}",
            )
        )
    return jobs, lines


def _no_longer_true(session: Session, messages: Sequence[rm.OutboxMessage]) -> set[int]:
    """Meeting reminders whose meeting is no longer planned on the day they announce."""
    meeting_msgs = [x for x in messages if x.kind.startswith("meeting_reminder")]
    if not meeting_msgs:
        return set()
    ids = {int(x.subject.split(":", 1)[1].split("@", 1)[0]) for x in meeting_msgs}
    current = {
        mt.id: (
            mt.status,
            f"meeting:{mt.id}@{mt.starts_at.astimezone(ZoneInfo(mt.timezone)).date().isoformat()}",
        )
        for mt in session.scalars(select(m.Meeting).where(m.Meeting.id.in_(ids)))
    }
    stale = set()
    for x in meeting_msgs:
        mid = int(x.subject.split(":", 1)[1].split("@", 1)[0])
        status, subject = current.get(mid, (None, None))
        if status != "planned" or subject != x.subject:
            stale.add(x.id)
    return stale


def _attempts_of(db: Database, msg_id: int) -> int:
    with db.transaction() as session:
        attempts = session.scalar(
            select(rm.OutboxMessage.attempts).where(rm.OutboxMessage.id == msg_id)
        )
    return int(attempts or 0)


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


def settle_many(
    *,
    db: Database,
    worker: str,
    now: datetime | None,
    settings: ReminderSettings,
    report: DeliveryReport,
    results: list[tuple[Job, Delivery]],
) -> dict[int, str]:
    """Settle delivery attempts in one transaction; the messages that went are marked sent in
    one statement."""
    if not results:
        return {}
    went = [job for job, delivery in results if delivery.ok]
    lines: dict[int, str] = {}
    with db.transaction() as session:
        if went:
            marked = set(
                session.scalars(
                    update(rm.OutboxMessage)
                    .where(
                        rm.OutboxMessage.id.in_([job.msg_id for job in went]),
                        rm.OutboxMessage.claimed_by == worker,
                    )
                    .values(
                        status=rm.SENT,
                        sent_at=now or utcnow(),
                        attempts=rm.OutboxMessage.attempts + 1,
                        last_error=None,
                        delivered_to=None,
                        claimed_by=None,
                        claimed_until=None,
                    )
                    .returning(rm.OutboxMessage.id)
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
            last_error=(error or "failed")[:1000],
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
