"""A sweep records a chunk of alliances per transaction; a bad alliance never stops the others."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from alliance_flow import models as m
from alliance_flow.db import Database
from alliance_flow.i18n import use_language
from alliance_flow.reminders import models as rm
from alliance_flow.reminders import outbox
from alliance_flow.reminders.config import ReminderSettings
from alliance_flow.reminders.messages import render
from alliance_flow.services import stages as stage_service
from benchmarks.generate import generate

from .conftest import add_meeting, add_member, make_alliance

MOMENT = datetime(2026, 3, 2, 9, tzinfo=UTC)
MONDAY = date(2026, 3, 2)


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


def test_a_sweep_writes_only_the_messages_it_has_not_recorded_yet(
    db: Database, settings: ReminderSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a first sweep recorded what is due for nine alliances
    generate(db, 9)
    first = outbox.record_due(db=db, moment=MOMENT, settings=settings)
    assert first.recorded > 20 and not first.errors
    aid = next(aid for aid, keys in _expected(db, settings).items() if keys)
    written: list[tuple] = []
    real_render = outbox.render

    def render(due, **kw):  # type: ignore[no-untyped-def]
        written.append(due.key)
        return real_render(due, **kw)

    monkeypatch.setattr(outbox, "render", render)
    # when it runs again an hour later, a meeting having been planned next Saturday meanwhile
    meeting = add_meeting(db, aid, "2026-03-07 18:00")
    again = outbox.record_due(db=db, moment=MOMENT + timedelta(hours=1), settings=settings)
    # then only that meeting's reminders are written (not the week's digests and the rest
    # again), and each one is recorded
    assert written and again.recorded == len(written)
    assert {(key[0], key[1], key[2]) for key in written} == {
        (aid, "meeting_reminder_7d", f"meeting:{meeting}@2026-03-07")
    }


def test_the_digest_lists_the_failing_checks_in_the_alliance_language_not_the_sweep_s(
    db: Database, settings: ReminderSettings
) -> None:
    # given a French alliance at launch, with a chair and too few members to advance
    aid = make_alliance(db, stage="launch")
    add_member(db, aid, "Aline", channel="json://localhost/aline", roles=("chair",))
    # when a sweep decides what is due on a Monday
    with db.transaction() as session:
        ((_facts, dues),) = outbox.decide_many(
            session=session, scope=[aid], moment=MOMENT, settings=settings
        ).values()
        alliance = session.get(m.Alliance, aid)
        assert alliance is not None
        with use_language("fr"):
            report = stage_service.gate_report(session=session, alliance=alliance, today=MONDAY)
    (digest,) = [d for d in dues if d.kind == "weekly_digest"]
    # then when it is written, in a process speaking English, it lists every failing check
    # with its reason in French, as the coordinators read the alliance
    with use_language("en"):
        _title, body = render(digest, alliance_name="Bordeaux", slug="bordeaux", base_url="")
    failing = [f"{o.result.title}: {o.result.reason}" for o in report.blocking]
    assert failing and all(text in body for text in failing)
    assert digest.params["failing"] == failing
