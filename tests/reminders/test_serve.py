"""`alliance-flow serve` in a subprocess: local server up, deployments served, SIGTERM, all gone.

One `serve` (and so one Prefect server start, the slow part) is shared by the tests of this
module, with one receiver; each test has its own alliance in the served database, and its
members their own paths on the receiver. The last test stops it with SIGTERM and checks that
nothing is left."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest

from alliance_flow.db import Database
from alliance_flow.reminders.serve import deployment_specs

from .conftest import HttpReceiver, add_meeting, add_member, free_port, http_receiver, make_alliance
from .test_flow_and_cli import soon

SERVE = (
    "import typer; from alliance_flow.reminders.cli import serve_command; typer.run(serve_command)"
)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def lines_of(process: subprocess.Popen[str]) -> queue.Queue[str]:
    out: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert process.stdout
        for line in process.stdout:
            out.put(line.rstrip("\n"))

    threading.Thread(target=pump, daemon=True).start()
    return out


def wait_for_line(out: queue.Queue[str], pattern: str, timeout: float, seen: list[str]) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = out.get(timeout=0.5)
        except queue.Empty:
            continue
        seen.append(line)
        if re.search(pattern, line):
            return line
    raise AssertionError(f"no line matching {pattern!r} in {timeout} s; got: {seen}")


def post(api: str, path: str, body: dict | None = None) -> object:
    """POST to the Prefect API, retrying the 503 a busy server answers (generous timeouts)."""
    request = urllib.request.Request(
        f"{api}{path}",
        data=json.dumps(body or {}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    for attempt in range(8):
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            if exc.code not in (429, 502, 503) or attempt == 7:
                raise
            time.sleep(min(2**attempt, 15))
    raise AssertionError("unreachable")


def get_text(url: str) -> str:
    for attempt in range(8):
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                return str(response.read().decode())
        except urllib.error.HTTPError as exc:
            if exc.code not in (429, 502, 503) or attempt == 7:
                raise
            time.sleep(min(2**attempt, 15))
    raise AssertionError("unreachable")


def served_deployments(api: str) -> list[dict]:
    return list(post(api, "/deployments/filter"))  # type: ignore[call-overload]


@dataclass
class Served:
    """A running `alliance-flow serve` and what the tests ask of it."""

    process: subprocess.Popen[str]
    out: queue.Queue[str]
    url: str  # its database
    env: dict[str, str]
    data: Path  # its XDG_DATA_HOME
    port: int
    seen: list[str] = field(default_factory=list)
    server_pid: int = 0
    api: str = ""

    def deployment(self, name: str) -> dict:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            found = next((d for d in served_deployments(self.api) if d["name"] == name), None)
            if found:
                return found
            time.sleep(0.5)
        raise AssertionError(f"{name} not served; {self.seen}")


@pytest.fixture(scope="module")
def receiver() -> Iterator[HttpReceiver]:
    """One receiver for the module: a sweep asked by one test may deliver what another left."""
    with http_receiver() as rec:
        yield rec


def at(receiver: HttpReceiver, *paths: str) -> list[dict]:
    with receiver.lock:
        return [r for r in receiver.received if r["path"] in paths]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`serve` over a SQLite database, on a port of its own; a slow channel's runs (one message
    at a time) and a run kept waiting by the deployments' concurrency limit tried again after
    2 s instead of Prefect's 30; the operator's INFO lines kept, as they have them."""
    home = tmp_path_factory.mktemp("serve")
    url = f"sqlite:///{home / 'serve.db'}"
    db = Database(url)
    db.upgrade()
    db.dispose()
    env = {**os.environ, "XDG_DATA_HOME": str(home / "data")}
    env["PREFECT_RUNNER_POLL_FREQUENCY"] = "1"
    env["PREFECT_HOME"] = str(home / "client-home")
    env.pop("PREFECT_API_URL", None)
    env.pop("PREFECT_LOGGING_LEVEL", None)  # as an operator has it: the flows' INFO lines kept
    env["ALLIANCE_FLOW_DATABASE_URL"] = url
    env["ALLIANCE_FLOW_REMINDERS_CONCURRENCY"] = "1"
    env["PREFECT_SERVER_DEPLOYMENTS_CONCURRENCY_SLOT_WAIT_SECONDS"] = "2"
    port = free_port()
    env["ALLIANCE_FLOW_PREFECT_PORT"] = str(port)
    process = subprocess.Popen(
        [sys.executable, "-c", SERVE],
        cwd=home,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    serve = Served(process, lines_of(process), url, env, home / "data", port)
    try:
        line = wait_for_line(serve.out, r"Prefect server \(pid \d+\) healthy at", 90, serve.seen)
        found = re.search(r"pid (\d+)\) healthy at (\S+)", line)
        assert found, line
        serve.server_pid, serve.api = int(found.group(1)), found.group(2)
        yield serve
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if serve.server_pid and alive(serve.server_pid):
            os.killpg(serve.server_pid, signal.SIGKILL)


def test_serve_starts_a_local_server_and_serves_the_schedules_that_deliver(
    served: Served, receiver
):
    # given an alliance with a meeting reminder due to a member on the local receiver
    db = Database(served.url)
    aid = make_alliance(db, tz="UTC")
    add_member(db, aid, "Ann", channel=receiver.url("ann"), language="en")
    add_meeting(db, aid, soon(), tz="UTC")
    db.dispose()
    # when the command has started its server: on the configured port, loopback only, with
    # Prefect's UI
    api, port = served.api, served.port
    assert api == f"http://127.0.0.1:{port}/api"
    assert "<html" in get_text(f"http://127.0.0.1:{port}/").lower()
    assert (served.data / "alliance_flow" / "prefect-server").is_dir()
    # then every deployment of prefect.yaml is served with its cron and time zone
    expected = {
        s.name: [{"cron": c, "timezone": tz} for c, tz in s.schedules] for s in deployment_specs()
    }
    deadline = time.monotonic() + 45
    got: dict[str, list[dict]] = {}
    while time.monotonic() < deadline and set(got) != set(expected):
        got = {
            d["name"]: [
                {"cron": s["schedule"]["cron"], "timezone": s["schedule"]["timezone"]}
                for s in d["schedules"]
            ]
            for d in served_deployments(api)
        }
        time.sleep(0.5)
    assert got == expected
    # and a run of the served reminders deployment really runs and delivers
    daily = served.deployment("reminders-daily")
    post(api, f"/deployments/{daily['id']}/create_flow_run")
    deadline = time.monotonic() + 60
    while not at(receiver, "/ann") and time.monotonic() < deadline:
        time.sleep(0.5)
    titles = [r["title"] for r in at(receiver, "/ann")]
    assert titles == ["Bordeaux: meeting in 7 days"], served.seen
    # and the run's log lines (what went to whom, redacted) are in Prefect
    deadline = time.monotonic() + 60
    messages: list[str] = []
    while time.monotonic() < deadline and not any("sent " in x for x in messages):
        messages = [str(x["message"]) for x in post(api, "/logs/filter")]  # type: ignore[attr-defined]
        time.sleep(1)
    assert any("sent " in x and "meeting_reminder_7d" in x for x in messages), messages
    # and a sweep from the CLI meanwhile runs as a flow run on this server
    cli = subprocess.run(
        [sys.executable, "-m", "alliance_flow.cli", "reminders", "run"],
        env={**served.env, "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert cli.returncode == 0, cli.stdout + cli.stderr
    assert f"flow run on the Prefect server at {api}" in cli.stdout
    assert served.process.poll() is None and alive(served.server_pid)


def test_two_runs_of_the_daily_sweep_asked_at_once_never_overlap(served: Served, receiver):
    # given four members due a meeting reminder on a slow channel (1 s a message, one at a
    # time), so that a sweep lasts several seconds
    db = Database(served.url)
    aid = make_alliance(db, "limoges", tz="UTC")
    for i in range(4):
        add_member(db, aid, f"Member {i}", channel=receiver.url(f"m{i}"), language="en")
    add_meeting(db, aid, soon(), tz="UTC")
    db.dispose()
    receiver.delay = 1  # (for the rest of the module)
    # and `serve` running every deployment of deploy/prefect.yaml
    daily = served.deployment("reminders-daily")
    api = served.api
    # when two runs of the daily sweep are asked for at the same moment
    runs = [post(api, f"/deployments/{daily['id']}/create_flow_run") for _ in range(2)]
    ids = [r["id"] for r in runs]  # type: ignore[index]
    # then both run to completion
    deadline = time.monotonic() + 240
    finished: list[dict] = []
    while time.monotonic() < deadline:
        finished = [
            r
            for r in post(api, "/flow_runs/filter", {"flow_runs": {"id": {"any_": ids}}})  # type: ignore[attr-defined]
            if r["state"] and r["state"]["type"] in ("COMPLETED", "FAILED", "CRASHED")
        ]
        if len(finished) == 2:
            break
        time.sleep(1)
    assert [r["state"]["type"] for r in finished] == ["COMPLETED"] * 2, (finished, served.seen)
    # one after the other: the second started only after the first had ended
    spans = sorted(
        (datetime.fromisoformat(r["start_time"]), datetime.fromisoformat(r["end_time"]))
        for r in finished
    )
    assert spans[1][0] >= spans[0][1], spans
    # and each member heard once
    members = [f"/m{i}" for i in range(4)]
    assert Counter(r["path"] for r in at(receiver, *members)) == dict.fromkeys(members, 1)


def test_sigterm_stops_serve_and_its_server(served: Served):
    # (last in this module: the others use the same `serve`)
    # given `serve` running with its server
    assert served.process.poll() is None and alive(served.server_pid)
    # when SIGTERM arrives
    served.process.send_signal(signal.SIGTERM)
    served.process.wait(timeout=30)
    # then the command exits cleanly and its server is gone (not orphaned)
    assert served.process.returncode == 0, served.seen
    deadline = time.monotonic() + 5
    while alive(served.server_pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(served.server_pid)
