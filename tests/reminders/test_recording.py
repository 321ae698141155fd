"""A sweep records a chunk of alliances per transaction; a bad alliance never stops the others."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update

from alliance_flow import models as m
from alliance_flow.db import Database
from alliance_flow.reminders import models as rm
from alliance_flow.reminders import outbox
from alliance_flow.reminders.config import ReminderSettings
from benchmarks.generate import generate

MOMENT = datetime(2026, 3, 2, 9, tzinfo=UTC)


def _recorded(db: Database) -> dict[int, set[tuple]]:
    with db.transaction() as session:
        rows = session.execute(
            select(
                rm.OutboxMessage.alliance_id,
                rm.OutboxMessage.kind,
                rm.OutboxMessage.subject,
                rm.OutboxMessage.due_on,
                rm.OutboxMessage.recipient,
            ).where(rm.OutboxMessage.status == rm.PENDING)
        ).all()
    out: dict[int, set[tuple]] = {}
    for aid, *key in rows:
        out.setdefault(aid, set()).add(tuple(key))
    return out


def _expected(db: Database, settings: ReminderSettings) -> dict[int, set[tuple]]:
    """What each open alliance alone would record, decided one alliance at a time."""
    out: dict[int, set[tuple]] = {}
    with db.transaction() as session:
        for a in session.scalars(select(m.Alliance).where(m.Alliance.stage != "closed")):
            dues = outbox.decide(session=session, alliance=a, moment=MOMENT, settings=settings)
            # decided for everyone; recorded only for whom a channel can carry it
            out[a.id] = {d.key[1:] for d in dues if d.reachable}
    return out


def _slug(db: Database, aid: int) -> str:
    with db.transaction() as session:
        return session.scalars(select(m.Alliance.slug).where(m.Alliance.id == aid)).one()


@pytest.fixture
def settings() -> ReminderSettings:
    return ReminderSettings()


def test_an_alliance_that_cannot_be_read_is_reported_and_its_chunk_still_recorded(
    db: Database, settings: ReminderSettings
) -> None:
    # given ten alliances, read four at a time, and one whose meeting has an unknown time zone
    generate(db, 10)
    expected = _expected(db, settings)
    bad = sorted(expected)[5]
    with db.transaction() as session:
        session.execute(
            update(m.Meeting).where(m.Meeting.alliance_id == bad).values(timezone="No/Zone")
        )
    # when the sweep records what is due
    report = outbox.record_due(db=db, moment=MOMENT, settings=settings, chunk=4)
    # then that alliance is reported, and every other one recorded exactly what is due for it
    assert set(report.errors) == {_slug(db, bad)}
    assert "No/Zone" in report.errors[_slug(db, bad)]
    del expected[bad]
    recorded = _recorded(db)
    assert {aid: keys for aid, keys in expected.items() if keys} == recorded
    assert report.alliances == len(expected)
    assert report.recorded == sum(len(keys) for keys in expected.values())


def test_an_alliance_whose_messages_cannot_be_written_does_not_stop_the_others(
    db: Database, settings: ReminderSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    generate(db, 9)
    expected = _expected(db, settings)
    bad = sorted(expected)[1]
    bad_slug = _slug(db, bad)
    real_render = outbox.render

    def render(due, **kw):  # type: ignore[no-untyped-def]
        if due.alliance_id == bad:
            raise RuntimeError("cannot render this alliance's message")
        return real_render(due, **kw)

    monkeypatch.setattr(outbox, "render", render)
    report = outbox.record_due(db=db, moment=MOMENT, settings=settings, chunk=3)
    assert set(report.errors) == {bad_slug}
    del expected[bad]
    assert _recorded(db) == {aid: keys for aid, keys in expected.items() if keys}
    # and a second sweep records nothing twice
    again = outbox.record_due(db=db, moment=MOMENT, settings=settings, chunk=3)
    assert again.recorded == 0 and set(again.errors) == {bad_slug}
