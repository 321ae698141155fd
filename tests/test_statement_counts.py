"""The read paths over many alliances issue as many statements for 30 alliances as for 3.

A path that starts querying once per alliance (a lazy relationship, a helper reading one
alliance at a time) makes these fail; the figures themselves are in benchmarks/.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from alliance_flow import models as m
from alliance_flow.db import Database
from alliance_flow.reminders import models as rm
from alliance_flow.reminders import outbox
from alliance_flow.reminders.config import ReminderSettings
from alliance_flow.reports.portfolio import build_portfolio
from alliance_flow.services import stages as stage_service
from benchmarks.generate import generate
from tests.conftest import TODAY
from tests.statements import counting

OPEN = m.Alliance.stage != "closed"
MOMENT = datetime(2026, 3, 2, 9, tzinfo=UTC)


def _gate_statements(db: Database) -> tuple[int, int]:
    with db.transaction() as session, counting(db.engine) as seen:
        reports = stage_service.gate_reports(session=session, scope=OPEN, today=TODAY)
    return len(seen), len(reports)


def test_checking_every_alliance_stage_does_not_query_per_alliance(db: Database) -> None:
    generate(db, 3)
    few, checked_few = _gate_statements(db)
    generate(db, 27, start=3)
    many, checked_many = _gate_statements(db)
    assert (checked_few, checked_many) == (3, 26)  # every 7th generated alliance is closed
    assert many == few


def _sweep_statements(db: Database) -> tuple[int, int]:
    with counting(db.engine) as seen:
        report = outbox.record_due(db=db, moment=MOMENT, settings=ReminderSettings())
    assert not report.errors
    return len(seen), report.recorded


def test_deciding_and_recording_every_reminder_does_not_query_per_alliance(db: Database) -> None:
    generate(db, 3)
    few, recorded_few = _sweep_statements(db)
    generate(db, 27, start=3)
    many, recorded_many = _sweep_statements(db)
    assert 0 < recorded_few < recorded_many
    assert many == few
    with db.transaction() as session:
        assert session.scalar(select(rm.OutboxMessage.id).limit(1)) is not None


def test_a_sweep_records_its_messages_in_pages_not_one_insert_each(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given 30 alliances and pages of 40 rows
    generate(db, 30)
    monkeypatch.setattr(outbox, "INSERT_ROWS", 40)
    # when one sweep records every message
    with counting(db.engine) as seen:
        report = outbox.record_due(db=db, moment=MOMENT, settings=ReminderSettings())
    # then one INSERT carried each page of 40 messages
    inserts = [s for s in seen if s.lstrip().upper().startswith("INSERT INTO REMINDER_OUTBOX")]
    sent = report.decided - report.unreachable  # the rows offered to the outbox
    assert sent >= report.recorded > 80 and not report.errors
    assert len(inserts) == math.ceil(sent / 40)


def _portfolio_statements(db: Database) -> tuple[int, int]:
    with db.transaction() as session:
        alliances = session.scalars(select(m.Alliance).order_by(m.Alliance.id)).all()
        with counting(db.engine) as seen:
            portfolio, reports = build_portfolio(
                session, alliances, period="since-last", today=TODAY
            )
    assert len(portfolio.rows) == len(reports) == len(alliances)
    return len(seen), len(reports)


def test_reports_and_portfolio_do_not_query_per_alliance(db: Database) -> None:
    generate(db, 3)
    few, _ = _portfolio_statements(db)
    generate(db, 27, start=3)
    many, reported = _portfolio_statements(db)
    assert reported == 30
    assert many == few


def _plan_statements(db: Database) -> tuple[int, int, int]:
    with counting(db.engine) as seen:
        planned = outbox.plan(db=db, moment=MOMENT, settings=ReminderSettings())
    people = sum(1 for p in planned if "(member " in p.recipient)
    return len(seen), len(planned), people


def test_a_dry_run_names_every_recipient_without_a_query_each(db: Database) -> None:
    generate(db, 3)
    few, planned_few, _ = _plan_statements(db)
    generate(db, 27, start=3)
    many, planned_many, people = _plan_statements(db)
    assert 0 < planned_few < planned_many
    assert people > 30  # members named by name, each looked up in the same statement
    assert many == few


def test_statements_kept_for_a_condition_serve_that_condition_only(db: Database) -> None:
    """The statements built on a condition are kept under its SQL and its values: a read on
    another stage, or on the same condition later, gets its own alliances."""
    from alliance_flow.facts import read_facts

    generate(db, 14)
    with db.transaction() as session:
        stages = {
            stage: set(read_facts(session, m.Alliance.stage == stage))
            for stage in ("scope", "launch", "scope")
        }
        by_stage = {
            stage: set(session.scalars(select(m.Alliance.id).where(m.Alliance.stage == stage)))
            for stage in ("scope", "launch")
        }
    assert stages == by_stage
    assert by_stage["scope"] and by_stage["launch"]
