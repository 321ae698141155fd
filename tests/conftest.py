"""Shared fixtures: a migrated database per test, on SQLite and, when .ci/run started one, on a
real PostgreSQL (ALLIANCE_FLOW_TEST_POSTGRES_URL)."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from alliance_flow.db import Database

# Before anything imports prefect (STACK_NOTES §2), for every test that runs a flow: no
# ~/.prefect, no telemetry, quiet logs, no server unless a test starts one. Each process has a
# Prefect home of its own: scripts/test's two pytest-xdist workers get one folder each under the
# PREFECT_HOME it sets, so that two ephemeral Prefect servers never share one SQLite database.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER")
if _WORKER and os.environ.get("PREFECT_HOME"):
    _home = Path(os.environ["PREFECT_HOME"]) / _WORKER
    _home.mkdir(parents=True, exist_ok=True)
    os.environ["PREFECT_HOME"] = str(_home)
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="prefect-home-"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.pop("PREFECT_API_URL", None)

POSTGRES_URL = os.environ.get("ALLIANCE_FLOW_TEST_POSTGRES_URL", "")
BACKENDS = ["sqlite", "postgres"]

TODAY = date(2026, 3, 2)


def _postgres_database(template: str | None = None) -> Iterator[str]:
    """A fresh database on the test cluster (a copy of `template` when given), dropped
    afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    copy = f' TEMPLATE "{template}"' if template else ""
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    url = POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# Migrating a database from scratch costs 0.1-0.5 s (seventeen migrations, more on PostgreSQL);
# about 800 tests ask for one. Each backend's schema is migrated by Alembic once per session, and
# each test's database starts as a copy of it: a copied file on SQLite, CREATE DATABASE …
# TEMPLATE on PostgreSQL. The `db` fixture still runs the upgrade (a no-op at head) on the copy.


#: Fixtures that start whole processes or servers (a browser, the production stack, a Prefect
#: server) for the session or the test.
WHOLE_PROCESSES = frozenset({"live_server", "prefect_harness", "stack", "page"})
#: The test files that start them (and test_serve.py, which starts Prefect servers itself).
#: scripts/test's two pytest-xdist workers run these files one after the other on one worker,
#: beside the rest: two browsers or two production stacks at once on a 2-core machine would
#: slow both past what they wait for, and each worker would start its own Prefect test server.
WHOLE_PROCESS_FILES = (
    "tests/e2e/",
    "tests/deploy/test_stack.py",
    "tests/reminders/test_flow_and_cli.py",
    "tests/reminders/test_prefect_server.py",
    "tests/reminders/test_serve.py",
    "tests/reminders/test_sweeps.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test that starts whole processes outside WHOLE_PROCESS_FILES would run beside the
    others: refused at collection, so that the list stays whole."""
    strays = [
        item.nodeid
        for item in items
        if (
            WHOLE_PROCESSES & set(getattr(item, "fixturenames", ()))
            or item.get_closest_marker("e2e")
            or item.get_closest_marker("stack")
        )
        and not item.nodeid.startswith(WHOLE_PROCESS_FILES)
    ]
    if strays:
        raise pytest.UsageError(
            f"tests that start whole processes outside WHOLE_PROCESS_FILES: {strays[:5]}"
        )


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """pytest-xdist's scheduling by scope, one scope for WHOLE_PROCESS_FILES and one per test
    for the rest. (Its own `--dist loadgroup` reads `xdist_group` marks, but on pytest 9 the
    group it writes into each test's id is lost: the tests were spread over both workers.)"""
    from xdist.scheduler import LoadScopeScheduling

    class WholeProcessesOnOneWorker(LoadScopeScheduling):  # type: ignore[misc]
        def _split_scope(self, nodeid: str) -> str:
            return "whole processes" if nodeid.startswith(WHOLE_PROCESS_FILES) else nodeid

    return WholeProcessesOnOneWorker(config, log)


@pytest.fixture(scope="session")
def _sqlite_migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path: Path = tmp_path_factory.mktemp("migrated") / "alliance.db"
    template = Database(f"sqlite:///{path}")
    template.upgrade()
    template.dispose()  # the last connection closed: the write-ahead log is folded in
    return path


@pytest.fixture(scope="session")
def _postgres_migrated() -> Iterator[str]:
    for url in _postgres_database():
        template = Database(url)
        template.upgrade()
        template.dispose()  # a template may have no connection when it is copied
        yield url.rsplit("/", 1)[1]


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database, or (for a test that asks for `db`) one migrated to head."""
    migrated = "db" in request.fixturenames
    if request.param == "sqlite":
        path = tmp_path / "alliance.db"
        if migrated:
            shutil.copyfile(request.getfixturevalue("_sqlite_migrated"), path)
        yield f"sqlite:///{path}"
        return
    if not POSTGRES_URL:
        if os.environ.get("CI"):
            pytest.fail("ALLIANCE_FLOW_TEST_POSTGRES_URL is not set: .ci/run must start PostgreSQL")
        pytest.skip("no PostgreSQL configured (set ALLIANCE_FLOW_TEST_POSTGRES_URL)")
    template = request.getfixturevalue("_postgres_migrated") if migrated else None
    yield from _postgres_database(template)


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
