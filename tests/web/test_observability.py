"""Health and readiness endpoints, the request id, and JSON log lines."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import text

from alliance_flow import logs
from alliance_flow.db import Database, alembic_config
from alliance_flow.web import create_app


@pytest.fixture
def app_client(db: Database) -> Iterator[TestClient]:
    with TestClient(create_app(db)) as c:
        yield c


def test_liveness_answers_without_signing_in(app_client: TestClient) -> None:
    answer = app_client.get("/healthz")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok"}


def test_ready_when_the_database_is_at_the_migration_head(app_client: TestClient) -> None:
    answer = app_client.get("/readyz")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ready", "database": "ok", "migrations": "at head"}


def test_not_ready_while_migrations_are_pending(db: Database) -> None:
    # given a database one migration behind this code
    head = db.head_revision()
    scripts = alembic_config(db.url)
    from alembic.script import ScriptDirectory

    previous = ScriptDirectory.from_config(scripts).get_revision(head).down_revision
    with db.engine.begin() as connection:
        scripts.attributes["connection"] = connection
        command.stamp(scripts, str(previous))
    # then the worker is alive but not ready
    client = TestClient(create_app(db))
    assert client.get("/healthz").status_code == 200
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["migrations"] == "behind"


def test_ready_on_a_newer_schema_during_a_rolling_upgrade(db: Database) -> None:
    # given the release step already applied a migration this (old) code does not know
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    answer = TestClient(create_app(db)).get("/readyz")
    assert answer.status_code == 200
    assert answer.json()["migrations"] == "ahead"


def test_not_ready_when_the_database_is_unreachable() -> None:
    gone = Database("postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=2")
    answer = TestClient(create_app(gone)).get("/readyz")
    assert answer.status_code == 503
    assert answer.json() == {"status": "not ready", "database": "unreachable"}


def test_a_request_id_is_made_or_kept_and_answered(app_client: TestClient) -> None:
    made = app_client.get("/healthz").headers["x-request-id"]
    assert len(made) == 32 and made != app_client.get("/healthz").headers["x-request-id"]
    kept = app_client.get("/healthz", headers={"X-Request-ID": "proxy-7f3a.1"})
    assert kept.headers["x-request-id"] == "proxy-7f3a.1"
    # an id that could forge log lines is replaced, not echoed
    forged = app_client.get("/healthz", headers={"X-Request-ID": "a b\tc"})
    assert forged.headers["x-request-id"] not in ("a b\tc", "")
    assert forged.headers.get_list("x-request-id") == [forged.headers["x-request-id"]]


def test_each_request_is_one_json_line_with_its_id(
    app_client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    try:
        logs.configure(fmt="json", level="INFO")
        app_client.get("/readyz", headers={"X-Request-ID": "trace-42"})
        app_client.get("/no-such-page", headers={"X-Request-ID": "trace-43"})
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
        logging.getLogger("uvicorn.access").disabled = False
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    access = [line for line in lines if line["logger"] == "alliance_flow.access"]
    assert [(a["request_id"], a["path"], a["status"]) for a in access] == [
        ("trace-42", "/readyz", 200),
        ("trace-43", "/no-such-page", 404),
    ]
    assert {"time", "level", "message", "duration_ms", "method"} <= set(access[0])
