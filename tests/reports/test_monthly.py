"""The monthly sending: each funder's reports recorded once in the outbox, then delivered."""

from __future__ import annotations

import base64
import importlib.util
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType

import pytest
from sqlalchemy import select

from alliance_flow.db import Database
from alliance_flow.reminders import models as rm
from alliance_flow.reminders import outbox
from alliance_flow.reminders.config import ReminderSettings, get_reminder_settings
from alliance_flow.reminders.delivery import Delivery, Target
from alliance_flow.reports import delivery
from alliance_flow.reports.delivery import ReportMessage
from alliance_flow.reports.settings import ReportSettings, get_report_settings
from alliance_flow.settings import get_settings

MARCH = "2026-03-02"
FLOWS = Path(__file__).resolve().parents[2] / "flows"


def load_flow_module(name: str) -> ModuleType:
    """flows/<name>.py, the file prefect.yaml deploys, loaded by path."""
    spec = importlib.util.spec_from_file_location(f"flows_{name}", FLOWS / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


NOW = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def quick_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """The PDFs themselves are tested in test_render.py; here only their sending matters."""
    monkeypatch.setattr(
        delivery.render, "pdf", lambda html: b"%PDF-1.7 " + html[:40].encode() + b"..."
    )


@dataclass
class Recorder:
    """A notifier that keeps what it was asked to send, and the PDFs it would attach."""

    sent: list[tuple[Target, ReportMessage, dict[str, bytes]]] = field(default_factory=list)
    ok: bool = True

    def send(self, *, target: Target, message: ReportMessage) -> Delivery:
        files = {p.name: p.read_bytes() for p in message.attachments}
        self.sent.append((target, message, files))
        return Delivery(self.ok, None if self.ok else "down")


@dataclass
class Receiver:
    port: int
    received: list[dict] = field(default_factory=list)
    down: bool = False


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    rec = Receiver(server.server_address[1])

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if rec.down:
                self.send_response(500)
                self.end_headers()
                return
            rec.received.append({**json.loads(body), "path": self.path})
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server.RequestHandlerClass = Handler
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield rec
    server.shutdown()
    server.server_close()


def rows(db: Database) -> list[rm.OutboxMessage]:
    with db.transaction() as s:
        return list(s.scalars(select(rm.OutboxMessage).order_by(rm.OutboxMessage.recipient)))


@pytest.fixture
def configured(monkeypatch: pytest.MonkeyPatch, testville: Database) -> Iterator[Database]:
    """funder-a and funder-b have a channel of their own; funder-both has none."""
    monkeypatch.setenv("ALLIANCE_FLOW_DATABASE_URL", testville.url)
    monkeypatch.setenv(
        "ALLIANCE_FLOW_REPORTS_FUNDER_CHANNELS",
        json.dumps({"funder-a": "json://127.0.0.1:9/a", "funder-b": "json://127.0.0.1:9/b"}),
    )
    monkeypatch.setenv("ALLIANCE_FLOW_REMINDERS_PUBLIC_URL", "https://alliances.example.org")
    for cached in (get_settings, get_report_settings, get_reminder_settings):
        cached.cache_clear()
    yield testville
    for cached in (get_settings, get_report_settings, get_reminder_settings):
        cached.cache_clear()


def test_the_monthly_flow_records_and_sends_once(configured: Database) -> None:
    # given the monthly flow's logic, run twice on 2 March
    flow = load_flow_module("monthly_reports").monthly_reports
    notifier = Recorder()
    first = flow.fn(today=MARCH, database_url=configured.url, notifier=notifier)
    second = flow.fn(today=MARCH, database_url=configured.url, notifier=notifier)

    # then each funder with a channel got one message, recorded once
    assert (first["recorded"], first["sent"], first["no_channel"]) == (2, 2, ["funder-both"])
    assert (second["recorded"], second["already"], second["sent"]) == (0, 2, 0)
    recorded = rows(configured)
    assert [(r.kind, r.subject, r.due_on, r.status, r.claimed_by) for r in recorded] == [
        ("funder_report", "month:2026-03", date(2026, 3, 1), "sent", None)
    ] * 2
    assert len(notifier.sent) == 2

    # funder-a (English): the portfolio and Testville's report, attached, and the links
    _target, message, files = next(x for x in notifier.sent if x[0].urls.endswith("/a"))
    assert message.title == "Progress reports for February 2026"
    assert sorted(files) == ["portfolio-2026-02.pdf", "testville-2026-02.pdf"]
    assert all(pdf.startswith(b"%PDF") for pdf in files.values())
    assert message.attached_note == "Attached: the portfolio and 1 alliance report (PDF)."
    assert (
        "https://alliances.example.org/alliances/testville/report?period=since-last&end=2026-02-28"
        in message.body
    )
    assert "Otherville" not in message.body
    # funder-b (French): Otherville only
    _target, message, files = next(x for x in notifier.sent if x[0].urls.endswith("/b"))
    assert message.title == "Rapports d'avancement de février 2026"
    assert sorted(files) == ["otherville-2026-02.pdf", "portfolio-2026-02.pdf"]


def test_nothing_is_due_before_the_report_day(fresh: Database) -> None:
    testville = fresh
    settings = ReportSettings(funder_channels={"funder-a": "json://127.0.0.1:9/a"})
    report = delivery.record_monthly(
        db=testville,
        today=date(2026, 3, 4),
        settings=settings,
        reminder_settings=ReminderSettings(funder_day_of_month=5),
    )
    assert report.recorded == 0 and rows(testville) == []


def test_next_month_covers_the_days_since_the_last_report(configured: Database) -> None:
    flow = load_flow_module("monthly_reports").monthly_reports
    flow.fn(today=MARCH, database_url=configured.url, notifier=Recorder())
    april = Recorder()
    result = flow.fn(today="2026-04-01", database_url=configured.url, notifier=april)
    assert result["recorded"] == 2 and result["sent"] == 2
    _target, message, _files = next(x for x in april.sent if x[0].urls.endswith("/a"))
    assert message.title == "Progress reports for March 2026"
    assert "report?period=since-last&end=2026-03-31" in message.body
    with configured.transaction() as s:
        from alliance_flow.reports.service import funder_portfolio

        portfolio, _ = funder_portfolio(
            session=s, login="funder-a", period="since-last", today=date(2026, 3, 31)
        )
    assert (portfolio.rows[0].period_start, portfolio.rows[0].period_end) == (
        date(2026, 3, 1),
        date(2026, 3, 31),
    )


def test_a_failed_send_waits_out_of_the_reminders_sweep_then_retries(fresh: Database) -> None:
    configured = fresh  # settings passed in (the environment's would be merged in)
    settings = ReportSettings(funder_channels={"funder-a": "json://127.0.0.1:9/a"})
    reminders = ReminderSettings(backoff_seconds=60, max_attempts=3, lease_seconds=300)
    delivery.record_monthly(
        db=configured,
        today=date(2026, 3, 2),
        settings=settings,
        reminder_settings=reminders,
        now=NOW,
    )
    down = Recorder(ok=False)
    report = delivery.deliver_reports(
        db=configured, notifier=down, now=NOW, settings=settings, reminder_settings=reminders
    )
    assert (report.sent, report.retrying) == (0, 1)
    (row,) = rows(configured)
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "down")
    # the reminders sweep, which cannot attach files, leaves it alone even when it is due
    later = NOW + timedelta(hours=1)
    assert (
        outbox.claim(db=configured, worker="reminders", now=later, lease_seconds=60, limit=10) == []
    )
    # before the backoff, nothing is retried; after it, the report goes
    up = Recorder()
    early = delivery.deliver_reports(
        db=configured,
        notifier=up,
        now=NOW + timedelta(seconds=30),
        settings=settings,
        reminder_settings=reminders,
    )
    assert early.claimed == 0
    retry = delivery.deliver_reports(
        db=configured, notifier=up, now=later, settings=settings, reminder_settings=reminders
    )
    assert retry.sent == 1 and rows(configured)[0].status == "sent"


def test_apprise_attaches_where_the_channel_takes_files(
    fresh: Database, receiver: Receiver
) -> None:
    configured = fresh
    # given funder-a on a JSON webhook (takes files) and funder-b on Mattermost (does not)
    settings = ReportSettings(
        funder_channels={
            "funder-a": f"json://127.0.0.1:{receiver.port}/a",
            "funder-b": f"mmost://127.0.0.1:{receiver.port}/b",
        }
    )
    reminders = ReminderSettings(public_url="https://alliances.example.org")
    delivery.record_monthly(
        db=configured,
        today=date(2026, 3, 2),
        settings=settings,
        reminder_settings=reminders,
        now=NOW,
    )
    # when the real Apprise adapter sends them
    report = delivery.deliver_reports(
        db=configured,
        notifier=delivery.AppriseReportNotifier(timeout_seconds=5),
        settings=settings,
        reminder_settings=reminders,
    )
    # then the webhook got the PDFs and the Mattermost channel the links
    assert report.sent == 2, report.lines
    by_path = {r["path"]: r for r in receiver.received}
    webhook = by_path["/a"]
    names = sorted(a["filename"] for a in webhook["attachments"])
    assert names == ["portfolio-2026-02.pdf", "testville-2026-02.pdf"]
    assert base64.b64decode(webhook["attachments"][0]["base64"]).startswith(b"%PDF")
    assert webhook["message"].startswith("Attached: the portfolio and 1 alliance report (PDF).")
    chat = by_path["/hooks/b"]
    assert "attachments" not in chat or not chat["attachments"]
    assert "/alliances/otherville/report?period=since-last&end=2026-02-28" in chat["text"]
    assert "En pièce jointe" not in chat["text"]


def test_why_a_report_was_not_sent_is_stored_as_a_code_a_reader_reads_in_their_language() -> None:
    from alliance_flow.i18n import use_language
    from alliance_flow.reminders import reasons
    from alliance_flow.reminders.delivery import Target
    from alliance_flow.reports.delivery import AppriseReportNotifier, ReportMessage

    notifier = AppriseReportNotifier(timeout_seconds=1)
    message = ReportMessage(title="t", body="b")
    # given a channel address that is no channel, and no channel at all
    invalid = notifier.send(target=Target(urls="nosuchscheme://x"), message=message)
    nowhere = notifier.send(target=Target(urls=""), message=message)
    # then each is stored as a code, never as an English sentence
    assert not invalid.ok and (invalid.error or "").startswith(f"{reasons.INVALID_URL}: ")
    assert not nowhere.ok and nowhere.error == reasons.NO_CHANNEL
    with use_language("fr"):
        assert reasons.describe(nowhere.error).startswith("aucun")
        assert "adresse" in reasons.describe(invalid.error)
