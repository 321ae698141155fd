"""The monthly funder reports, recorded in the reminders outbox exactly once and then sent.

One message per funder and month (outbox kind `funder_report`, subject `month:YYYY-MM`,
recipient `funder:<user id>`), anchored on the first alliance they fund because outbox rows
belong to an alliance. The unique key of the outbox, plus a check that ignores the anchor,
makes a second run of the month record nothing.

The reminders sweep cannot attach files and does not know funders, so it never claims this kind
(`outbox.DELIVERED_ELSEWHERE`); new rows are also recorded under this module's lease. Only
`deliver_reports` claims them, renders the PDFs, sends them (attached where the channel takes
files, otherwise linked) and settles the attempt the way every outbox message is settled:
sent, retried later with backoff, or failed after N attempts.
"""

from __future__ import annotations

import logging
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from alliance_flow.accounts.models import AllianceRole, User, UserAllianceRole
from alliance_flow.db import Database
from alliance_flow.models import utcnow
from alliance_flow.reminders import models as rm
from alliance_flow.reminders import outbox, reasons
from alliance_flow.reminders.config import ReminderSettings, get_reminder_settings
from alliance_flow.reminders.delivery import Delivery, Target, redact, scrub, split_urls
from alliance_flow.reminders.outbox import DeliveryReport, config_tags
from alliance_flow.reports import render
from alliance_flow.reports.figures import REPORT_KIND, AllianceReport
from alliance_flow.reports.i18n import Texts, pick_language
from alliance_flow.reports.portfolio import PortfolioReport, funded_alliances
from alliance_flow.reports.service import portfolio_of
from alliance_flow.reports.settings import ReportSettings, get_report_settings

log = logging.getLogger(__name__)

#: Holder of the lease on report messages nobody is sending (see the module's docstring).
OWNER = "reports"
PARKED_UNTIL = datetime(9000, 1, 1, tzinfo=UTC)


@dataclass
class RecordReport:
    funders: int = 0
    recorded: int = 0
    already: int = 0
    #: logins of funders with no channel: nothing recorded for them
    no_channel: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ReportMessage:
    title: str
    body: str
    attachments: tuple[Path, ...] = ()
    #: added to the body when the channel took the attachments
    attached_note: str = ""


class ReportNotifier(Protocol):
    def send(self, *, target: Target, message: ReportMessage) -> Delivery: ...


# --- who, when, where ---------------------------------------------------------------------------


def due_on(today: date, day_of_month: int) -> date | None:
    """This month's report date, or None before it."""
    day = today.replace(day=min(max(day_of_month, 1), 28))
    return day if today >= day else None


def funder_target(
    login: str, settings: ReportSettings, reminder_settings: ReminderSettings
) -> Target | None:
    """The funder's own channel: the reports setting first, then the Apprise config's tag."""
    if urls := settings.funder_channels.get(login):
        return Target(urls=urls)
    tag = f"funder-{login}"
    if reminder_settings.notifications_file is not None and tag in config_tags(reminder_settings):
        return Target(config=reminder_settings.notifications_file, tag=tag)
    return None


def funders(session: Session) -> list[User]:
    """Active users holding the funder role on at least one alliance."""
    ids = select(UserAllianceRole.user_id).where(UserAllianceRole.role == AllianceRole.FUNDER)
    return list(
        session.scalars(
            select(User).where(User.id.in_(ids), User.active.is_(True)).order_by(User.login)
        )
    )


def links_for(
    base_url: str, portfolio: PortfolioReport, *, end: date
) -> tuple[str, dict[str, str]]:
    """The web pages showing the same figures: the portfolio and each alliance's report."""
    base = base_url.rstrip("/")
    query = f"period=since-last&end={end.isoformat()}"
    return (
        f"{base}/reports/portfolio?{query}",
        {row.slug: f"{base}/alliances/{row.slug}/report?{query}" for row in portfolio.rows},
    )


def compose(
    t: Texts,
    portfolio: PortfolioReport,
    *,
    month: date,
    portfolio_link: str,
    links: dict[str, str],
) -> tuple[str, str]:
    """(title, body) of a funder's monthly message, with a link to every report."""
    _ = t.gettext
    title = _("Progress reports for {month}").format(month=t.month(month))
    lines = [
        t.ngettext(
            "The progress report of the alliance you fund is ready.",
            "The progress reports of the {n} alliances you fund are ready.",
            len(portfolio.rows),
        ).format(n=len(portfolio.rows)),
        "",
        _("Portfolio: {link}").format(link=portfolio_link),
    ]
    for row in portfolio.rows:
        risks = t.ngettext("{n} risk", "{n} risks", row.risks).format(n=row.risks)
        lines.append(f"- {row.name}: {links[row.slug]} ({risks})")
    return title[:300], "\n".join(lines)


# --- recording ------------------------------------------------------------------------------------


def record_monthly(
    *,
    db: Database,
    today: date,
    settings: ReportSettings | None = None,
    reminder_settings: ReminderSettings | None = None,
    now: datetime | None = None,
) -> RecordReport:
    """Record this month's message for every funder with a channel, once; one transaction each."""
    settings = settings or get_report_settings()
    reminder_settings = reminder_settings or get_reminder_settings()
    now = now or utcnow()
    report = RecordReport()
    day = due_on(today, reminder_settings.funder_day_of_month)
    if day is None:
        return report
    with db.transaction() as session:
        users = [(u.id, u.login) for u in funders(session)]
    for user_id, login in users:
        report.funders += 1
        try:
            with db.transaction() as session:
                outcome = _record_one(session, user_id, day, settings, reminder_settings, now)
        except Exception as exc:  # one funder's failure must not stop the others
            log.exception("monthly report for %s could not be recorded", login)
            report.errors[login] = f"{type(exc).__name__}: {exc}"[:500]
            continue
        if outcome == "recorded":
            report.recorded += 1
        elif outcome == "already":
            report.already += 1
        elif outcome == "no_channel":
            report.no_channel.append(login)
    return report


def _record_one(
    session: Session,
    user_id: int,
    day: date,
    settings: ReportSettings,
    reminder_settings: ReminderSettings,
    now: datetime,
) -> str:
    user = session.get(User, user_id)
    assert user is not None
    alliances = funded_alliances(session, user)
    if not alliances:
        return "none"
    if funder_target(user.login, settings, reminder_settings) is None:
        return "no_channel"
    subject, recipient = f"month:{day:%Y-%m}", f"funder:{user.id}"
    exists = session.scalar(
        select(func.count())
        .select_from(rm.OutboxMessage)
        .where(
            rm.OutboxMessage.kind == REPORT_KIND,
            rm.OutboxMessage.subject == subject,
            rm.OutboxMessage.due_on == day,
            rm.OutboxMessage.recipient == recipient,
        )
    )
    if exists:  # recorded earlier this month, perhaps on another anchor alliance
        return "already"
    language = pick_language(user.language)
    end = day - timedelta(days=1)
    portfolio, _ = portfolio_of(
        session=session,
        alliances=alliances,
        period="since-last",
        today=end,
        funder=user,
        settings=settings,
        language=language,
    )
    portfolio_link, links = links_for(reminder_settings.public_url, portfolio, end=end)
    title, body = compose(
        Texts(language, settings.currency),
        portfolio,
        month=end,
        portfolio_link=portfolio_link,
        links=links,
    )
    stmt = (
        outbox.outbox_insert(session)
        .values(
            alliance_id=min(a.id for a in alliances),
            kind=REPORT_KIND,
            subject=subject,
            due_on=day,
            recipient=recipient,
            language=language,
            title=title,
            body=body,
            status=rm.PENDING,
            attempts=0,
            next_attempt_at=now,
            created_at=now,
            claimed_by=OWNER,
            claimed_until=PARKED_UNTIL,
        )
        .on_conflict_do_nothing(
            index_elements=["alliance_id", "kind", "subject", "due_on", "recipient"]
        )
        .returning(rm.OutboxMessage.id)
    )
    return "recorded" if session.execute(stmt).all() else "already"


# --- claiming and sending -----------------------------------------------------------------------


def claim(*, db: Database, worker: str, now: datetime, lease_seconds: float) -> list[int]:
    """Atomically take the report messages that are due and held by nobody sending them."""
    free = or_(
        rm.OutboxMessage.claimed_by == OWNER,
        rm.OutboxMessage.claimed_by.is_(None),
        rm.OutboxMessage.claimed_until < now,
    )
    mine = (rm.OutboxMessage.kind == REPORT_KIND, rm.OutboxMessage.status == rm.PENDING)
    with db.transaction() as session:
        candidates = list(
            session.scalars(
                select(rm.OutboxMessage.id)
                .where(*mine, rm.OutboxMessage.next_attempt_at <= now, free)
                .order_by(rm.OutboxMessage.id)
            )
        )
        if not candidates:
            return []
        session.execute(
            update(rm.OutboxMessage)
            .where(rm.OutboxMessage.id.in_(candidates), *mine, free)
            .values(claimed_by=worker, claimed_until=now + timedelta(seconds=lease_seconds))
            .execution_options(synchronize_session=False)
        )
    with db.transaction() as session:
        return list(
            session.scalars(
                select(rm.OutboxMessage.id)
                .where(*mine, rm.OutboxMessage.claimed_by == worker)
                .order_by(rm.OutboxMessage.id)
            )
        )


def deliver_reports(
    *,
    db: Database,
    notifier: ReportNotifier,
    now: datetime | None = None,
    settings: ReportSettings | None = None,
    reminder_settings: ReminderSettings | None = None,
    worker: str | None = None,
    on_line: Callable[[str], None] | None = None,
) -> DeliveryReport:
    """Render and send every report message whose time has come; failures wait and retry."""
    settings = settings or get_report_settings()
    reminder_settings = reminder_settings or get_reminder_settings()
    worker = worker or uuid.uuid4().hex
    moment = now or utcnow()
    report = DeliveryReport()
    ids = claim(db=db, worker=worker, now=moment, lease_seconds=reminder_settings.lease_seconds)
    report.claimed = len(ids)
    for msg_id in ids:
        line = _deliver_one(db, notifier, msg_id, worker, now, settings, reminder_settings, report)
        report.lines.append(line)
        log.info("%s", line)
        if on_line:
            on_line(line)
    return report


def _deliver_one(
    db: Database,
    notifier: ReportNotifier,
    msg_id: int,
    worker: str,
    now: datetime | None,
    settings: ReportSettings,
    reminder_settings: ReminderSettings,
    report: DeliveryReport,
) -> str:
    error: str | None = None
    ok = False
    where = "(no channel)"
    attempts = 0
    who = f"{REPORT_KIND} message {msg_id}"
    with tempfile.TemporaryDirectory(prefix="af-reports-") as tmp:
        try:
            with db.transaction() as session:  # read what to send, then let the database go
                msg = session.get(rm.OutboxMessage, msg_id)
                assert msg is not None
                attempts = msg.attempts
                who = f"{msg.kind} {msg.subject} -> {msg.recipient}"
                user = session.get(User, int(msg.recipient.partition(":")[2]))
                target = funder_target(user.login, settings, reminder_settings) if user else None
                figures = (
                    _figures(session, msg, user, settings)
                    if user is not None and target is not None
                    else None
                )
                title, body, language = msg.title, msg.body, msg.language
            if target is None or figures is None:
                error = reasons.NO_CHANNEL  # a code, read in the reader's language
            else:
                where = target.redacted()
                message = _message(title, body, language, *figures, Path(tmp), settings)
                result = notifier.send(target=target, message=message)
                ok, error = result.ok, result.error
        except Exception as exc:  # a broken report or channel must not stop the others
            log.exception("report message %s failed", msg_id)
            error = f"{type(exc).__name__}: {exc}"
    return outbox.settle(
        db=db,
        msg_id=msg_id,
        worker=worker,
        now=now,
        settings=reminder_settings,
        report=report,
        ok=ok,
        error=error,
        attempts=attempts,
        who=f"{who} via {where}",
    )


def _figures(
    session: Session, msg: rm.OutboxMessage, user: User, settings: ReportSettings
) -> tuple[PortfolioReport, list[AllianceReport]]:
    """The figures of the recorded month: the month before the message was due."""
    return portfolio_of(
        session=session,
        alliances=funded_alliances(session, user),
        period="since-last",
        today=msg.due_on - timedelta(days=1),
        funder=user,
        settings=settings,
        language=msg.language,
    )


def _message(
    title: str,
    body: str,
    language: str,
    portfolio: PortfolioReport,
    reports: list[AllianceReport],
    folder: Path,
    settings: ReportSettings,
) -> ReportMessage:
    """Render the portfolio and the alliance PDFs to attach."""
    t = Texts(pick_language(language), settings.currency)
    month = f"{portfolio.end:%Y-%m}"
    files = [
        _write(
            folder,
            f"portfolio-{month}.pdf",
            render.pdf(render.portfolio_html(portfolio, t, for_pdf=True)),
        )
    ]
    attached = reports[: settings.max_attachments]
    for r in attached:
        files.append(
            _write(
                folder,
                f"{r.slug}-{month}.pdf",
                render.pdf(render.alliance_html(r, t, for_pdf=True)),
            )
        )
    note = t.ngettext(
        "Attached: the portfolio and {n} alliance report (PDF).",
        "Attached: the portfolio and {n} alliance reports (PDF).",
        len(attached),
    ).format(n=len(attached))
    return ReportMessage(title, body, tuple(files), note)


def _write(folder: Path, name: str, content: bytes) -> Path:
    path = folder / name
    path.write_bytes(content)
    return path


# --- the Apprise adapter ------------------------------------------------------------------------


class AppriseReportNotifier:
    """Sends to each service of the target on its own: with the PDFs where it takes files."""

    def __init__(self, *, timeout_seconds: float | None = 30.0) -> None:
        self.timeout_seconds = timeout_seconds

    def _services(self, target: Target) -> list[Any]:
        import apprise

        if target.config is not None:
            conf = apprise.AppriseConfig()
            if not conf.add(str(target.config)):
                return []
            a = apprise.Apprise()
            a.add(conf)
            return list(a.find(target.tag or apprise.common.MATCH_ALL_TAG))
        out = []
        for url in split_urls(target.urls or ""):
            if self.timeout_seconds is not None and "cto=" not in url:
                t = self.timeout_seconds
                url = f"{url}{'&' if '?' in url else '?'}cto={t:g}&rto={t:g}"
            plugin = apprise.Apprise.instantiate(url, suppress_exceptions=True)
            if not plugin:
                raise ValueError(f"{reasons.INVALID_URL}: {redact(url)}")
            out.append(plugin)
        return out

    def send(self, *, target: Target, message: ReportMessage) -> Delivery:
        import apprise

        try:
            services = self._services(target)
        except ValueError as exc:
            return Delivery(False, str(exc))
        if not services:
            return Delivery(False, reasons.NO_CHANNEL)
        failures = []
        for service in services:
            takes_files = bool(getattr(service, "attachment_support", False))
            body = message.body
            attach = None
            if takes_files and message.attachments:
                body = f"{message.attached_note}\n\n{body}"
                attach = apprise.AppriseAttachment([str(p) for p in message.attachments])
            with apprise.LogCapture(level=logging.WARNING) as captured:
                ok = service.notify(body=body, title=message.title, attach=attach)
            if not ok:
                detail = captured.getvalue().strip().splitlines()
                reason = "; ".join(x.split(" - ", 2)[-1] for x in detail[-2:]) or reasons.FAILED
                failures.append(f"{service.url(privacy=True)}: {reason}")
        if failures:
            return Delivery(False, scrub("; ".join(failures), target.urls)[:1000])
        return Delivery(True)


__all__ = [
    "OWNER",
    "AppriseReportNotifier",
    "RecordReport",
    "ReportMessage",
    "ReportNotifier",
    "claim",
    "deliver_reports",
    "record_monthly",
]
