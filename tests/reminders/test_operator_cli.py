"""What an operator reads: dry runs that name who cannot be reached, retries with their time,
a demo that really delivers, and a moved meeting that is never announced at its old date."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from alliance_flow import models as m
from alliance_flow.cli import app
from alliance_flow.db import Database
from alliance_flow.reminders import models as rm
from alliance_flow.reminders.delivery import AppriseNotifier
from alliance_flow.reminders.outbox import deliver_pending, record_due
from alliance_flow.settings import get_settings

from .conftest import add_meeting, add_member, make_alliance
from .test_flow_and_cli import soon
from .test_outbox import DAY, NOW

runner = CliRunner()


@pytest.fixture
def cli_db(tmp_path, monkeypatch) -> Iterator[Database]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("ALLIANCE_FLOW_DATABASE_URL", url)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("COLUMNS", "250")
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    get_settings.cache_clear()
    db = Database(url)
    db.upgrade()
    yield db
    db.dispose()
    get_settings.cache_clear()


def test_dry_run_shows_who_cannot_be_reached(cli_db):
    aid = make_alliance(cli_db, tz="UTC")
    add_member(cli_db, aid, "Nobody Reachable", roles=("chair",), language="en")
    add_meeting(cli_db, aid, soon(), tz="UTC")
    dry = runner.invoke(app, ["reminders", "run", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "meeting in 7 days" in dry.output and "Nobody Reachable" in dry.output
    assert "cannot be reached" in dry.output and "digest" in dry.output


def test_a_sweep_that_could_not_deliver_says_when_it_retries(cli_db, receiver):
    aid = make_alliance(cli_db, tz="UTC")
    add_member(cli_db, aid, "Ann", channel=receiver.url("ann"), language="en")
    add_meeting(cli_db, aid, soon(), tz="UTC")
    receiver.down = True
    run = runner.invoke(app, ["reminders", "run"])
    assert run.exit_code == 0, run.output
    assert "runs in this process" in run.output
    assert "waiting for retry at" in run.output and "sent 0" not in run.output.lower()


def test_the_demo_delivers_to_a_local_mailbox_with_no_outside_service(cli_db):
    demo = runner.invoke(app, ["demo"])
    assert demo.exit_code == 0, demo.output
    run = runner.invoke(app, ["reminders", "run"])
    assert run.exit_code == 0, run.output
    assert "Recorded 0 new" not in run.output and "Sent: 0." not in run.output
    box = runner.invoke(app, ["reminders", "mailbox", "--last", "1"])
    assert box.exit_code == 0, box.output
    assert "messages in" in box.output and " 0 messages" not in box.output
    # in the language of the alliance it came from (the demo's four work in en, fr, nl and sv)
    assert any(
        todo in box.output
        for todo in ("What to do:", "À faire\u00a0:", "Wat te doen:", "Vad som ska göras:")
    )


def test_a_retry_never_announces_a_meeting_at_the_date_it_moved_from(db, settings, receiver):
    # given a reminder recorded for the meeting of the 20th while the receiver was down
    aid = make_alliance(db)
    add_member(db, aid, "Ann", channel=receiver.url("ann"))
    mid = add_meeting(db, aid, "2026-03-20 18:00")
    record_due(db=db, moment=DAY, settings=settings, now=NOW)
    # when the meeting moves to the 27th before the retry
    with db.transaction() as s:
        s.get(m.Meeting, mid).starts_at = datetime(2026, 3, 27, 17, 0, tzinfo=UTC)
    report = deliver_pending(
        db=db,
        notifier=AppriseNotifier(timeout_seconds=2),
        now=NOW + timedelta(minutes=5),
        settings=settings,
    )
    # then the stale reminder is cancelled, not sent
    assert report.sent == 0 and receiver.received == []
    with db.transaction() as s:
        row = s.scalars(
            select(rm.OutboxMessage).where(rm.OutboxMessage.kind == "meeting_reminder_7d")
        ).one()
        assert row.status == rm.CANCELLED
