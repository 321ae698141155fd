"""Coordinators see the alliance's notifications, failures first in mind."""

from __future__ import annotations

from datetime import date

from alliance_flow import models as m
from alliance_flow.reminders import models as rm
from tests.web.conftest import login


def add_message(db, status: str, title: str, recipient: str, error: str | None = None) -> None:
    with db.transaction() as session:
        north = session.query(m.Alliance).filter_by(slug="north").one()
        session.add(
            rm.OutboxMessage(
                alliance_id=north.id,
                kind="meeting_reminder",
                subject=title,
                due_on=date(2026, 3, 13),
                recipient=recipient,
                title=title,
                body="…",
                status=status,
                attempts=3 if status == "failed" else 1,
                last_error=error,
            )
        )


def test_coordinator_sees_sent_and_failed_messages(world, client):
    add_message(world.db, "sent", "North: meeting in 7 days", "audience:members")
    add_message(
        world.db,
        "failed",
        "North: please sign the charter",
        "audience:coordinators",
        "A Connection error occurred sending JSON notification",
    )
    login(client, "coordinator")
    page = client.get("/alliances/north/outbox")
    assert page.status_code == 200
    assert "North: meeting in 7 days" in page.text and "please sign the charter" in page.text
    assert "1 message could not be delivered" in page.text
    failed_only = client.get("/alliances/north/outbox?status=failed").text
    assert "please sign the charter" in failed_only and "meeting in 7 days" not in failed_only
    assert 'href="/alliances/north/outbox"' in client.get("/alliances/north").text


def test_funder_has_no_notifications_page(world, client):
    login(client, "funder")
    assert client.get("/alliances/north/outbox").status_code == 403
    assert "/outbox" not in client.get("/alliances/north").text
