"""Shared fixtures: a migrated database per test, on SQLite and, when .ci/run started one, on a
real PostgreSQL (ALLIANCE_FLOW_TEST_POSTGRES_URL)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from alliance_flow.db import Database

POSTGRES_URL = os.environ.get("ALLIANCE_FLOW_TEST_POSTGRES_URL", "")
BACKENDS = ["sqlite", "postgres"]

TODAY = date(2026, 3, 2)


def _postgres_database() -> Iterator[str]:
    """A fresh database on the test cluster, dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'alliance.db'}"
        return
    if not POSTGRES_URL:
        if os.environ.get("CI"):
            pytest.fail("ALLIANCE_FLOW_TEST_POSTGRES_URL is not set: .ci/run must start PostgreSQL")
        pytest.skip("no PostgreSQL configured (set ALLIANCE_FLOW_TEST_POSTGRES_URL)")
    yield from _postgres_database()


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    """A database migrated to head by Alembic, as a deployment would be."""
    database = Database(database_url)
    database.upgrade()
    yield database
    database.dispose()


@pytest.fixture
def today() -> date:
    return TODAY
