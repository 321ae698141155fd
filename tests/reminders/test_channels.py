"""Channels with real receivers: per-URL settling, real e-mail parts, validation, redaction."""

from __future__ import annotations

import email
import email.policy
import logging
import mailbox
from collections import Counter
from datetime import timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from typer.testing import CliRunner

from alliance_flow import models as m
from alliance_flow.errors import InvalidInput
from alliance_flow.reminders import models as rm
from alliance_flow.reminders.cli import reminders_app
from alliance_flow.reminders.delivery import AppriseNotifier, redact_text
from alliance_flow.reminders.outbox import set_channel, sweep
from alliance_flow.schemas import MemberIn

from .conftest import add_meeting, add_member, free_port, make_alliance
from .test_outbox import DAY, NOW


def channel(db, aid: int, audience: str, url: str) -> None:
    with db.transaction() as s:
        set_channel(session=s, alliance=s.get(m.Alliance, aid), audience=audience, apprise_url=url)


def test_a_channel_of_two_urls_with_one_down_delivers_once_to_the_working_one(
    db, settings, receiver
):
    # given a members channel of two URLs, the second one down (nothing listens there)
    aid = make_alliance(db)
    down = f"json://127.0.0.1:{free_port()}/b"
    channel(db, aid, "members", f"{receiver.url('a')} {down}")
    add_member(db, aid, "Ann")
    add_meeting(db, aid, "2026-03-20 18:00")
    notifier = AppriseNotifier(timeout_seconds=2)
    # when the sweep and its retries run until the message gives up
    for minutes in (0, 2, 6, 20):
        sweep(
            db=db,
            notifier=notifier,
            moment=DAY,
            now=NOW + timedelta(minutes=minutes),
            settings=settings,
        )
    # then the working URL received the reminder exactly once
    paths = Counter(r["path"] for r in receiver.received)
    assert paths["/a"] == 1, paths
    with db.transaction() as s:
        row = s.scalars(
            select(rm.OutboxMessage).where(rm.OutboxMessage.kind == "meeting_reminder_7d")
        ).one()
        # and the error names the host that failed
        assert row.attempts == settings.max_attempts and row.status == rm.FAILED
        assert down.split("//")[1].split("/")[0] in (row.last_error or "")


def test_e_mail_has_a_plain_text_part_and_an_html_part_in_the_recipients_language(
    db, settings, smtp
):
    aid = make_alliance(db)
    channel(
        db, aid, "email", f"mailto://127.0.0.1:{smtp.port}?from=flow@alliance.test&to={{email}}"
    )
    add_member(db, aid, "Zoé", email="zoe@example.org")
    add_meeting(db, aid, "2026-03-20 18:00")

    sweep(
        db=db, notifier=AppriseNotifier(timeout_seconds=2), moment=DAY, now=NOW, settings=settings
    )

    (mail,) = smtp.messages
    parsed = email.message_from_bytes(mail.content, policy=email.policy.default)
    assert parsed.get_content_type() == "multipart/alternative"
    plain = parsed.get_body(("plain",)).get_content()
    html = parsed.get_body(("html",)).get_content()
    # the plain text keeps its lines (it does not collapse into one)
    lines = [line.strip() for line in plain.splitlines() if line.strip()]
    assert "Quand : vendredi 20 mars 2026, 18:00 (heure : France)" in lines
    assert "- 18:00 Welcome" in lines
    assert any(line.startswith("Ouvrir : https://alliances.example.org/") for line in lines)
    # and the HTML part is a small page in French with a real link
    assert '<html lang="fr">' in html
    assert '<a href="https://alliances.example.org/alliances/bordeaux/meetings/' in html


def test_a_local_mailbox_channel_receives_real_messages(db, settings, tmp_path):
    box = tmp_path / "inbox.mbox"
    aid = make_alliance(db)
    channel(db, aid, "email", f"mbox://{box}?to={{email}}")
    add_member(db, aid, "Ann", email="ann@example.org", language="en")
    add_meeting(db, aid, "2026-03-20 18:00")
    _, delivered = sweep(db=db, notifier=AppriseNotifier(), moment=DAY, now=NOW, settings=settings)
    assert delivered.sent == 1
    (msg,) = list(mailbox.mbox(str(box)))
    assert msg["Subject"] == "Bordeaux: meeting in 7 days"
    assert msg["To"] == "ann@example.org"
    assert msg.is_multipart()


SECRET_URL = "notaurl://SECRET123@host.example.org"


def test_a_mistyped_channel_url_is_refused_everywhere_without_showing_its_secret(db):
    aid = make_alliance(db)
    # the service (used by the CLI) refuses it, naming the host
    with pytest.raises(InvalidInput) as refused, db.transaction() as s:
        set_channel(
            session=s, alliance=s.get(m.Alliance, aid), audience="members", apprise_url=SECRET_URL
        )
    assert "host.example.org" in str(refused.value) and "SECRET123" not in str(refused.value)
    # the dashboard and the API validate members' channels with the same schema
    with pytest.raises(ValidationError) as invalid:
        MemberIn(name="Ann", preferred_channel=SECRET_URL)
    (problem,) = invalid.value.errors()
    assert problem["loc"] == ("preferred_channel",)
    assert "SECRET123" not in problem["msg"] and "host.example.org" in problem["msg"]
    MemberIn(name="Ann", preferred_channel="json://127.0.0.1:8080/hook")  # a valid one passes


def test_the_cli_refuses_a_mistyped_channel(db, monkeypatch):
    from alliance_flow.settings import get_settings

    monkeypatch.setenv("ALLIANCE_FLOW_DATABASE_URL", db.url)
    get_settings.cache_clear()
    make_alliance(db, "fryslan")
    try:
        result = CliRunner().invoke(reminders_app, ["channel", "fryslan", "members", SECRET_URL])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert "SECRET123" not in result.output and "host.example.org" in result.output


def test_no_log_line_shows_a_channel_url_neither_ours_nor_apprises(db, settings, caplog):
    # given a member whose channel was stored before validation existed
    aid = make_alliance(db)
    add_member(db, aid, "Ann", channel=SECRET_URL)
    add_member(db, aid, "Bob", channel=f"json://bob:Passw0rdXYZ@127.0.0.1:{free_port()}/hook")
    add_meeting(db, aid, "2026-03-20 18:00")
    # when a sweep tries to deliver
    with caplog.at_level(logging.DEBUG):
        _, delivered = sweep(
            db=db,
            notifier=AppriseNotifier(timeout_seconds=2),
            moment=DAY,
            now=NOW,
            settings=settings,
        )
    # then no line carries a secret, and the failures still say which host
    everything = caplog.text + "\n".join(delivered.lines)
    assert "SECRET123" not in everything and "Passw0rdXYZ" not in everything
    assert "host.example.org" in everything and "127.0.0.1" in everything
    assert delivered.retrying == 2


def test_redact_text_hides_every_url_in_free_text():
    line = "Unparseable URL notaurl://SECRET123@host.example.org and json://u:p4ssw0rd@h.org/x"
    out = redact_text(line)
    assert "SECRET123" not in out and "p4ssw0rd" not in out
    assert "host.example.org" in out
