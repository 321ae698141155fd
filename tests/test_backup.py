"""Backup, wipe, restore: nothing is lost, the audit log and the outbox included."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import MetaData, select, text

from alliance_flow import models as m
from alliance_flow.audit import acting_as
from alliance_flow.backup import backup, restore
from alliance_flow.db import Database
from alliance_flow.reminders import models as rm
from alliance_flow.services import alliances as alliance_service
from alliance_flow.services import items as item_service
from tests.conftest import TODAY


def _everything(db: Database) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order."""
    tables = MetaData()
    tables.reflect(db.engine)
    with db.engine.connect() as conn:
        return {
            name: sorted(
                (tuple(str(v) for v in row) for row in conn.execute(select(table))), key=str
            )
            for name, table in tables.tables.items()
        }


def _wipe(db: Database) -> None:
    """What a lost disk or a dropped database leaves: no tables at all."""
    db.engine.dispose()
    if db.engine.dialect.name == "sqlite":
        Path(str(db.engine.url.database)).unlink()
        return
    with db.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))


def test_backup_wipe_restore_loses_nothing(db: Database, tmp_path: Path) -> None:
    # given an alliance with people, an audit trail and a message waiting in the outbox
    with db.transaction() as session, acting_as("claire"):
        a = alliance_service.create_alliance(
            session=session, alliance_in={"name": "Kept", "country": "IE"}, actor="claire"
        )
        item_service.add_item(
            session=session,
            alliance=a,
            kind="member",
            item_in={"name": "Aoife", "email": "aoife@example.org"},
            today=TODAY,
        )
        session.add(
            rm.OutboxMessage(
                alliance_id=a.id,
                kind="meeting_reminder_7d",
                subject="meeting:1@2026-03-20",
                due_on=date(2026, 3, 13),
                recipient="member:1",
                title="Plenary in 7 days",
                body="See you there.",
            )
        )
    before = _everything(db)
    assert before["audit_events"] and before["reminder_outbox"] and before["members"]
    # when it is backed up, the data wiped, and the backup restored
    copy = backup(db.url, tmp_path / "alliance.backup")
    _wipe(db)
    assert "alliances" not in _everything(db)
    db.engine.dispose()
    restore(db.url, copy)
    # then every row of every table is back, as it was
    assert _everything(db) == before
    with db.transaction() as session:
        assert session.scalars(select(m.Member.email)).all() == ["aoife@example.org"]
