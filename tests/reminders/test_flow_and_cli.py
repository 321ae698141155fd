"""The real flow through Prefect, and the `reminders` sub-app through Typer's runner."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner

from alliance_flow.db import Database
from alliance_flow.reminders.cli import load_flow_module, reminders_app
from alliance_flow.settings import get_settings

from .conftest import add_meeting, add_member, make_alliance

runner = CliRunner()


@pytest.fixture
def sqlite_db(tmp_path, monkeypatch) -> Iterator[Database]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("ALLIANCE_FLOW_DATABASE_URL", url)
    get_settings.cache_clear()
    db = Database(url)
    db.upgrade()
    yield db
    db.dispose()
    get_settings.cache_clear()


def client_flow_runs() -> list:
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        return list(client.read_flow_runs())


def soon() -> str:
    """A meeting 7 days from today in Paris, so the real clock used by delivery agrees."""
    return (datetime.now(UTC) + timedelta(days=7)).strftime("%Y-%m-%d 23:30")


def test_flow_runs_through_prefect_and_delivers_once(prefect_harness, sqlite_db, receiver):
    # given an alliance whose member has a channel, and a meeting 7 days ahead (UTC day)
    aid = make_alliance(sqlite_db, tz="UTC")
    add_member(sqlite_db, aid, "Ann", channel=receiver.url("ann"), language="en")
    add_meeting(sqlite_db, aid, soon(), tz="UTC")
    flow = load_flow_module("reminders").reminders
    # when the real flow runs twice
    first = flow(database_url=sqlite_db.url)
    second = flow(database_url=sqlite_db.url)
    # then one message arrived
    assert first["recorded"] == 1 and first["sent"] == 1
    assert second["recorded"] == 0 and second["sent"] == 0
    assert [r["title"] for r in receiver.received] == ["Bordeaux: meeting in 7 days"]
    # and the runs are named after the day they swept
    from prefect.client.orchestration import get_client

    state = flow(database_url=sqlite_db.url, today="2026-03-13", return_state=True)
    with get_client(sync_client=True) as client:
        run = client.read_flow_run(state.state_details.flow_run_id)
        tasks = client.read_task_runs()
    assert run.name == "reminders-2026-03-13"
    assert f"reminders-{datetime.now(UTC).date()}" in [r.name for r in client_flow_runs()]
    assert "record-due-2026-03-13" in [t.name for t in tasks]


def test_cli_run_outbox_dry_run_and_channel(prefect_harness, sqlite_db, receiver, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")  # rich tables wide enough to read whole cells
    aid = make_alliance(sqlite_db, tz="UTC")
    add_member(sqlite_db, aid, "Ann", roles=("chair",), language="en")
    add_meeting(sqlite_db, aid, soon(), tz="UTC")
    secret_url = f"json://bob:TopSecret42@127.0.0.1:{receiver.port}/coord?+X-Token=abcdef123"
    result = runner.invoke(reminders_app, ["channel", "bordeaux", "coordinators", secret_url])
    assert result.exit_code == 0, result.output
    assert "TopSecret42" not in result.output and "abcdef123" not in result.output

    dry = runner.invoke(reminders_app, ["run", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "weekly digest" in dry.output and "TopSecret42" not in dry.output

    run = runner.invoke(reminders_app, ["run"])
    assert run.exit_code == 0, run.output
    assert "Sent: 1." in run.output  # the digest to the coordinators' channel
    assert [r["path"] for r in receiver.received] == ["/coord"]

    listed = runner.invoke(reminders_app, ["outbox", "--status", "sent"])
    assert listed.exit_code == 0 and "résumé de la semaine" in listed.output  # Bordeaux's language
    assert "Les coordinateurs" not in listed.output and "The coordinators" in listed.output
    assert runner.invoke(reminders_app, ["outbox", "--status", "nope"]).exit_code == 1


def test_a_sweep_on_a_server_reads_its_result_even_under_a_running_event_loop(
    prefect_harness, sqlite_db, receiver, monkeypatch
):
    import asyncio
    import threading

    from prefect.settings import PREFECT_API_URL

    from alliance_flow.reminders.cli import run_sweep

    # given a Prefect server (the test harness's) the CLI is pointed at
    monkeypatch.setenv("PREFECT_API_URL", str(PREFECT_API_URL.value()))
    aid = make_alliance(sqlite_db, tz="UTC")
    add_member(sqlite_db, aid, "Ann", channel=receiver.url("ann"), language="en")
    add_meeting(sqlite_db, aid, soon(), tz="UTC")
    said: list[str] = []

    # when the sweep runs from code that has an event loop running (where Prefect's
    # State.result would hand back a coroutine unless asked for the value)
    async def from_inside_a_loop() -> dict:
        return run_sweep(today=None, database_url=sqlite_db.url, echo=said.append)

    # in a thread of its own: a browser test earlier in the session may have left this
    # thread's loop running (Playwright's sync API), where asyncio.run() refuses to start
    found: dict[str, dict] = {}
    worker = threading.Thread(target=lambda: found.update(r=asyncio.run(from_inside_a_loop())))
    worker.start()
    worker.join(300)
    result = found["r"]
    # then it ran as a flow run on that server and its figures come back as they are
    assert any("flow run on the Prefect server" in line for line in said), said
    assert result["sent"] == 1 and result["recorded"] == 1, result
    assert receiver.titles() == ["Bordeaux: meeting in 7 days"]
