"""An upgrade keeps the data: a database made by the previous release's migrations, with the
guide's four alliances, their accounts, outbox and audit rows in it, is upgraded to head.

The rows are the demo's, made by today's code and written into a database at the migration
before head, column by column (what the previous schema has). When a new migration reshapes data
rather than adding to it, this test fails until it says what the old rows become: that is the
point. The upgraded database must hold every row unchanged, answer the gates as before, and take
new writes (PostgreSQL sequences included).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from argon2 import PasswordHasher
from sqlalchemy import MetaData, create_engine, insert, select, text

from alliance_flow.accounts import services as accounts
from alliance_flow.accounts.demo import create_demo_accounts
from alliance_flow.db import Database, alembic_config
from alliance_flow.demo import load_demo
from alliance_flow.reminders import outbox
from alliance_flow.services import alliances as alliance_service
from alliance_flow.services import stages as stage_service
from tests.conftest import POSTGRES_URL, TODAY, _postgres_database

SKIP = {"alembic_version"}


@pytest.fixture(params=["sqlite", "postgres"])
def two_databases(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'now.db'}", f"sqlite:///{tmp_path / 'upgraded.db'}"
        return
    if not POSTGRES_URL:
        pytest.skip("no PostgreSQL configured (set ALLIANCE_FLOW_TEST_POSTGRES_URL)")
    with (
        contextlib.contextmanager(_postgres_database)() as now,
        contextlib.contextmanager(_postgres_database)() as upgraded,
    ):
        yield now, upgraded


def previous_revision(url: str) -> str:
    scripts = ScriptDirectory.from_config(alembic_config(url))
    head = scripts.get_revision(scripts.get_current_head())
    assert isinstance(head.down_revision, str), "a single previous migration"
    return head.down_revision


def rows_of(url: str) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, in primary-key order, as the schema reflects it."""
    engine = create_engine(url)
    meta = MetaData()
    meta.reflect(engine)
    out = {}
    with engine.connect() as connection:
        for table in meta.sorted_tables:
            if table.name in SKIP:
                continue
            order = list(table.primary_key.columns) or list(table.columns)
            out[table.name] = [
                dict(r._mapping) for r in connection.execute(select(table).order_by(*order))
            ]
    engine.dispose()
    return out


def gates(db: Database) -> list[tuple[str, str, list[tuple[str, bool]]]]:
    with db.transaction() as session:
        return [
            (
                a.slug,
                a.stage,
                [
                    (c.code, c.passed)
                    for c in stage_service.gate_report(
                        session=session, alliance=a, today=TODAY
                    ).outcomes
                ],
            )
            for a in alliance_service.list_alliances(session=session)
        ]


def test_an_upgrade_from_the_previous_release_keeps_every_row(
    two_databases: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    now_url, old_url = two_databases
    # given the demo's data (alliances, members, meetings, accounts, outbox, audit) made today
    now = Database(now_url)
    now.upgrade()
    slugs = load_demo(now, today=TODAY, actor="demo")
    create_demo_accounts(now, slugs)
    with now.transaction() as session:
        for a in alliance_service.list_alliances(session=session):
            outbox.set_channel(
                session=session,
                alliance=a,
                audience="coordinators",
                apprise_url="json://127.0.0.1:9/",
            )
    outbox.record_due(db=now, moment=outbox.as_moment(TODAY))
    before_gates = gates(now)
    now.dispose()
    data = rows_of(now_url)
    assert all(
        data[t] for t in ("alliances", "members", "users", "reminder_outbox", "audit_events")
    ), "representative"

    # and a database made by the previous release's migrations, holding those rows
    previous = previous_revision(old_url)
    old = Database(old_url)
    cfg = alembic_config(old_url)
    with old.engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, previous)
    meta = MetaData()
    meta.reflect(old.engine)
    kept: dict[str, list[dict[str, Any]]] = {}
    with old.engine.begin() as connection:
        for table in meta.sorted_tables:
            if table.name in SKIP or not data.get(table.name):
                continue
            columns = set(table.columns.keys())
            kept[table.name] = [
                {k: v for k, v in row.items() if k in columns} for row in data[table.name]
            ]
            connection.execute(insert(table), kept[table.name])
        if old.engine.dialect.name == "postgresql":  # as a restore would: sequences past the rows
            for table in meta.sorted_tables:
                if "id" in table.columns and table.name in kept:
                    connection.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f"(SELECT max(id) FROM {table.name}))"
                        )
                    )
    assert old.current_revision() == previous

    # when it is upgraded to head, as the release step does
    old.upgrade()

    # then it is at head, every row is there unchanged, and the gates answer as before
    assert old.is_current()
    after = rows_of(old_url)
    for table, rows in kept.items():
        columns = set(rows[0])
        assert [{k: v for k, v in r.items() if k in columns} for r in after[table]] == rows, table
    assert gates(old) == before_gates
    # and it takes new writes
    with old.transaction() as session:
        alliance_service.create_alliance(
            session=session,
            alliance_in={"name": "After the upgrade", "country": "IE"},
            actor="test",
        )
    old.dispose()
