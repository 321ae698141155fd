"""The whole production stack, brought up by scripts/stack, used as its users and operators would.

Through nginx (HTTPS, the stack's own CA) a demo coordinator logs in and moves an alliance on;
the audit log shows who did it. Reminders and monthly reports run through the Prefect server and
a worker that works in a folder of its own, and reach a local receiver exactly once. A web worker
and the Prefect worker are killed mid-run; the supervisor brings them back and nothing is lost.
Then everything is torn down and nothing may be left running.

It takes a few minutes on a busy 2-core machine: every wait is generous and polls.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import ssl
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from argon2 import PasswordHasher

from alliance_flow.accounts import services as accounts
from alliance_flow.accounts.demo import create_demo_accounts
from alliance_flow.audit import acting_as
from alliance_flow.audit import recent as audit_log
from alliance_flow.db import Database
from alliance_flow.demo import load_demo
from alliance_flow.services import alliances as alliance_service
from alliance_flow.services import items as item_service
from alliance_flow.services import stages as stage_service
from alliance_flow.settings import PROJECT_ROOT

from .conftest import load_stack_module

pytestmark = pytest.mark.stack
stack_module = load_stack_module()

ALLIANCE = "kronoberg-kalmar"  # the demo alliance at "analysis", one check short of advancing
COORDINATOR = "coordinator-kronoberg-kalmar"
#: The demo alliance's time zone: its reminders count days there ("a meeting in 7 days" after
#: 23:00 UTC is already a day closer in Sweden than date.today() on a UTC machine says).
ZONE = ZoneInfo("Europe/Stockholm")


def alliance_today() -> date:
    return datetime.now(ZONE).date()


COORDINATOR_NAME = "Demosamordnare kronoberg-kalmar"  # as the history and audit log name them
FUNDER = "funder-kronoberg-kalmar"
PASSWORD = "demo-password"


@dataclass
class Receiver:
    """A local HTTP endpoint for Apprise's json:// channel: it records every message."""

    port: int
    received: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return f"json://127.0.0.1:{self.port}/{path}"

    def at(self, path: str) -> list[dict[str, Any]]:
        with self.lock:
            return [r for r in self.received if r["path"] == f"/{path}"]


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    rec = Receiver(stack_module.free_port())

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            with rec.lock:
                rec.received.append({**body, "path": self.path})
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", rec.port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield rec
    server.shutdown()
    server.server_close()


@dataclass
class RunningStack:
    dir: Path
    env: dict[str, str]  # what `scripts/stack env` exports, for the CLI and prefect

    @property
    def state(self) -> dict[str, Any]:
        return dict(json.loads((self.dir / "stack.json").read_text()))

    @property
    def https(self) -> str:
        return f"https://127.0.0.1:{self.state['ports']['https']}"

    def pid(self, service: str) -> int:
        return int(self.state["services"][service]["pid"])

    def add(self, item: str, **fields: str) -> None:
        """Record an item as the CLI's `add` does, in this process (no start-up cost)."""
        db = Database(self.env["ALLIANCE_FLOW_DATABASE_URL"])
        try:
            with acting_as("stack-test"), db.transaction() as session:
                a = alliance_service.get_alliance(session=session, ref=ALLIANCE)
                item_service.add_item(
                    session=session, alliance=a, kind=item, item_in=fields, today=alliance_today()
                )
        finally:
            db.dispose()

    def read(self, what: Any) -> Any:
        db = Database(self.env["ALLIANCE_FLOW_DATABASE_URL"])
        try:
            with db.transaction() as session:
                return what(session, alliance_service.get_alliance(session=session, ref=ALLIANCE))
        finally:
            db.dispose()

    def prefect(self, *args: str, timeout: float = 180) -> str:
        done = subprocess.run(
            [str(PROJECT_ROOT / ".venv" / "bin" / "prefect"), *args],
            env=self.env, capture_output=True, text=True, timeout=timeout, cwd=self.dir,
        )  # fmt: skip
        assert done.returncode == 0, f"prefect {' '.join(args)}:\n{done.stdout}{done.stderr}"
        return done.stdout

    def run_deployment(self, name: str, *extra: str) -> str:
        """Ask the Prefect server for a run of a deployment; returns the flow run's id."""
        out = self.prefect("deployment", "run", name, *extra)
        found = re.search(r"UUID:\s*([0-9a-f-]{36})", out)
        assert found, out
        return found.group(1)

    def flow_run_state(self, run_id: str) -> str:
        answer = retrying(lambda: httpx.get(f"{self.env['PREFECT_API_URL']}/flow_runs/{run_id}"))
        return str(answer.json()["state"]["type"])

    def wait_for_run(self, run_id: str, timeout: float = 240) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = self.flow_run_state(run_id)
            if state in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED"):
                return state
            time.sleep(1)
        raise AssertionError(f"flow run {run_id} still {state} after {timeout} s; {self.logs()}")

    def logs(self) -> str:
        return f"logs in {self.dir / 'logs'}"


def retrying(call: Any, attempts: int = 20) -> httpx.Response:
    """A busy server may answer 503 or refuse a connection for a moment: retry with backoff."""
    delay = 0.5
    for _ in range(attempts):
        try:
            answer = call()
            if answer.status_code != 503:
                return answer  # type: ignore[no-any-return]
        except httpx.TransportError:
            pass
        time.sleep(delay)
        delay = min(delay * 2, 5)
    raise AssertionError("no answer but 503 or connection errors")


def stack_script(*args: str, env: dict[str, str], timeout: float) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(PROJECT_ROOT / "scripts" / "stack"), *args],
        env=env, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


@pytest.fixture(scope="module")
def stack(receiver: Receiver) -> Iterator[RunningStack]:
    # Not under pytest's tmp_path: PostgreSQL's own user must be able to reach its data.
    directory = Path(tempfile.mkdtemp(prefix="alliance-flow-stack-"))
    env = {
        **os.environ,
        "ALLIANCE_FLOW_STACK_DIR": str(directory),
        # the monthly report of the demo funder goes to the receiver
        "ALLIANCE_FLOW_REPORTS_FUNDER_CHANNELS": json.dumps({FUNDER: receiver.url("funder")}),
        # a run killed mid-way leaves its messages claimed: let the next run take them soon
        "ALLIANCE_FLOW_REMINDERS_LEASE_SECONDS": "10",
        "ALLIANCE_FLOW_REMINDERS_TIMEOUT_SECONDS": "5",
    }
    started = time.monotonic()
    up = stack_script("up", env=env, timeout=900)
    try:
        assert up.returncode == 0, f"{up.stdout}\n{up.stderr}\n" + _tail_logs(directory)
        exported = stack_script("env", env=env, timeout=60)
        assert exported.returncode == 0, exported.stderr
        cli_env = dict(env)
        for line in exported.stdout.splitlines():
            key, value = line.removeprefix("export ").split("=", 1)
            cli_env[key] = value.strip("'")
        print(f"stack up in {time.monotonic() - started:.0f} s")
        yield RunningStack(directory, cli_env)
    finally:
        state = json.loads((directory / "stack.json").read_text())
        down = stack_script("down", env=env, timeout=900)
        # then nothing is left: no process of the stack, no port answering
        assert down.returncode == 0, f"{down.stdout}\n{down.stderr}"
        assert "no process left" in down.stdout
        pids = [int(s["pid"]) for s in (state.get("services") or {}).values() if s["pid"]]
        pids.append(int(state.get("supervisor") or 0))
        assert not [pid for pid in pids if stack_module.alive(pid)]
        assert not stack_module.marked_processes(stack_module.Stack(directory))
        assert not [p for p in state["ports"].values() if stack_module.port_open(int(p))]
        assert not directory.exists()  # `down` removed the data, logs and certificates


def _tail_logs(directory: Path) -> str:
    out = []
    for log in sorted((directory / "logs").glob("*.log")):
        out.append(f"--- {log.name}\n" + "\n".join(log.read_text().splitlines()[-15:]))
    return "\n".join(out)


@pytest.fixture(scope="module")
def demo(stack: RunningStack, receiver: Receiver) -> RunningStack:
    """The guide's four alliances and their logins, and a member who listens on the receiver."""
    # What `alliance-flow demo` loads, in this process: it saves a CLI start-up, and cheaper
    # password hashes save seconds per account on a busy machine (logins check them as usual).
    db = Database(stack.env["ALLIANCE_FLOW_DATABASE_URL"])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
        )
        with acting_as("demo"):
            create_demo_accounts(db, load_demo(db, today=date.today(), actor="demo"))
    db.dispose()
    stack.add("member", name="Stack Tester", email="stack@example.org", joined_on="2026-01-01",
              language="en", preferred_channel=receiver.url("member"))  # fmt: skip
    return stack


def browser(stack: RunningStack) -> httpx.Client:
    """A client that trusts only the stack's own CA, as a browser given that CA would."""
    trust = ssl.create_default_context(cafile=str(stack.dir / "tls" / "ca.pem"))
    return httpx.Client(base_url=stack.https, verify=trust, timeout=60)


def login(client: httpx.Client, user: str) -> None:
    page = retrying(lambda: client.get("/login"))
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, page.text
    answer = client.post(
        "/login", data={"login": user, "password": PASSWORD, "csrf_token": token.group(1)}
    )
    assert answer.status_code == 303, answer.text
    assert answer.headers["x-request-id"]


def csrf_of(client: httpx.Client, path: str) -> str:
    page = retrying(lambda: client.get(path))
    assert page.status_code == 200, page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    return token.group(1)


@contextlib.contextmanager
def asking(stack: RunningStack) -> Iterator[list[str]]:
    """Requests through the proxy, 20 a second, for as long as the block runs; yields the
    failures (anything but 200)."""
    failures: list[str] = []
    done = threading.Event()

    def keep_asking() -> None:
        with browser(stack) as client:
            while not done.is_set():
                try:
                    answer = client.get("/healthz")
                    if answer.status_code != 200:
                        failures.append(f"{answer.status_code}")
                except httpx.HTTPError as exc:
                    failures.append(repr(exc))
                time.sleep(0.05)

    asker = threading.Thread(target=keep_asking)
    asker.start()
    try:
        yield failures
    finally:
        done.set()
        asker.join(timeout=60)


def test_a_coordinator_moves_an_alliance_on_through_the_proxy(demo: RunningStack) -> None:
    with browser(demo) as client:
        # given a coordinator signed in over HTTPS (plain HTTP is sent to HTTPS)
        plain = httpx.get(f"http://127.0.0.1:{demo.state['ports']['http']}/login")
        assert plain.status_code == 301 and plain.headers["location"].startswith("https://")
        login(client, COORDINATOR)
        portfolio = client.get("/")
        assert portfolio.status_code == 200
        assert portfolio.headers["strict-transport-security"].startswith("max-age=")
        assert portfolio.headers["x-content-type-options"] == "nosniff"
        # when they waive the one failing check with a reason, then advance
        token = csrf_of(client, f"/alliances/{ALLIANCE}")
        waived = client.post(
            f"/alliances/{ALLIANCE}/waive",
            data={
                "code": "analysis.gaps_identified",
                "reason": "The gaps were identified at the regional workshop; minutes follow.",
                "csrf_token": token,
            },
        )
        assert waived.status_code == 303, waived.text
        advanced = client.post(f"/alliances/{ALLIANCE}/advance", data={"csrf_token": token})
        assert advanced.status_code == 303, advanced.text
        # and records a new member from the members page
        added = client.post(
            f"/alliances/{ALLIANCE}/members",
            data={"name": "Sara Lind", "email": "sara@example.org", "csrf_token": token},
        )
        assert added.status_code == 303, added.text
    # then the alliance is at the next stage, and its history says who moved it and why
    stage, history = demo.read(
        lambda session, a: (
            a.stage,
            [(e.kind, e.actor) for e in stage_service.history(session=session, alliance=a)],
        )
    )
    assert stage == "planning"
    assert history[-2:] == [("waived", COORDINATOR_NAME), ("advanced", COORDINATOR_NAME)]
    # and the audit log has the stage change, then the member, both written by the coordinator
    newest = demo.read(lambda session, a: audit_log(session=session, alliance_id=a.id, limit=5))
    member = newest[0]
    (moved,) = [e for e in newest if e.table_name == "alliances" and "stage" in e.changes]
    assert (member.table_name, member.action, member.actor) == (
        "members",
        "insert",
        COORDINATOR_NAME,
    )
    assert member.changes["name"] == "Sara Lind"
    assert (moved.table_name, moved.actor, moved.changes) == (
        "alliances",
        COORDINATOR_NAME,
        {"stage": ["analysis", "planning"]},
    )


def test_a_scheduled_reminder_fires_through_prefect_and_arrives_once(
    demo: RunningStack, receiver: Receiver
) -> None:
    # given a plenary in 7 days for the alliance of the member who listens on the receiver
    in_a_week = (alliance_today() + timedelta(days=7)).isoformat()
    demo.add("meeting", kind="plenary", starts_at=f"{in_a_week}T12:00", title="Plenary",
             place="Växjö")  # fmt: skip
    # when the server schedules the daily reminders a few seconds from now and the worker
    # (in its own folder, not the checkout) runs them
    first = demo.run_deployment("reminders/reminders-daily", "--start-in", "5 seconds")
    assert demo.wait_for_run(first) == "COMPLETED", demo.logs()
    # then the reminder arrived, once (later sweeps send it no more: see the last test)
    titles = [m["title"] for m in receiver.at("member")]
    assert len([t for t in titles if "7 days" in t]) == 1, titles


def test_the_monthly_reports_reach_the_funder_once(demo: RunningStack, receiver: Receiver) -> None:
    run = demo.run_deployment("monthly-reports/monthly-reports")
    assert demo.wait_for_run(run, timeout=300) == "COMPLETED", demo.logs()
    reports = receiver.at("funder")
    assert len(reports) == 1, [r["title"] for r in reports]
    # (the PDFs ride along as attachments)
    assert reports[0]["attachments"], reports[0].keys()


def test_killed_workers_come_back_and_nothing_is_lost(
    demo: RunningStack, receiver: Receiver
) -> None:
    # given a new reminder due (a plenary tomorrow), and requests flowing through the proxy
    tomorrow = (alliance_today() + timedelta(days=1)).isoformat()
    demo.add("meeting", kind="plenary", starts_at=f"{tomorrow}T18:00", title="Extra plenary",
             place="Kalmar")  # fmt: skip
    before = [m["title"] for m in receiver.at("member")]
    with asking(demo) as failures:
        # when one web worker is killed
        web_pid = demo.pid("web-1")
        os.kill(web_pid, signal.SIGKILL)
        # and the Prefect worker is killed while it runs the sweep (with its flow run)
        worker_pid = demo.pid("worker")
        run = demo.run_deployment("reminders/reminders-daily")
        deadline = time.monotonic() + 240
        while demo.flow_run_state(run) not in ("RUNNING", "COMPLETED", "FAILED", "CRASHED"):
            assert time.monotonic() < deadline, "the sweep never started"
            time.sleep(0.2)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker_pid, signal.SIGKILL)
        killed_at = time.monotonic()
        # then the supervisor starts both again, and they answer
        deadline = time.monotonic() + 240
        while demo.pid("web-1") == web_pid or demo.pid("worker") == worker_pid:
            assert time.monotonic() < deadline, "not restarted"
            time.sleep(0.5)
        web = demo.state["ports"]["web-1"]
        retrying(lambda: httpx.get(f"http://127.0.0.1:{web}/readyz"), attempts=60)
        health = f"http://127.0.0.1:{demo.state['ports']['worker_health']}/health"
        retrying(lambda: httpx.get(health), attempts=60)
    # and the proxy sent every request to a live worker meanwhile
    assert not failures, failures[:5]
    # and once the killed sweep's lease ran out, the next sweeps deliver what it left, once;
    # the monthly reports, run again alongside, send nothing twice either
    time.sleep(max(0.0, 11 - (time.monotonic() - killed_at)))
    runs = [
        demo.run_deployment("reminders/reminders-daily"),
        demo.run_deployment("monthly-reports/monthly-reports"),
    ]
    assert [demo.wait_for_run(r, timeout=300) for r in runs] == ["COMPLETED"] * 2, demo.logs()
    titles = [m["title"] for m in receiver.at("member")]
    new = [t for t in titles if t not in before]
    assert len(new) == 1, titles  # the plenary of tomorrow: not lost, not sent twice
    assert len(titles) == len(set(titles)), titles
    assert len(receiver.at("funder")) == 1


def test_a_rolling_upgrade_answers_every_request(demo: RunningStack) -> None:
    # given requests flowing through the proxy
    before = {name: demo.pid(name) for name in ("web-1", "web-2", "worker")}
    with asking(demo) as failures:
        # when the operator runs the upgrade of deploy/OPERATIONS.md (release step, then the web
        # workers one at a time, then the worker)
        upgraded = stack_script("upgrade", env=demo.env, timeout=900)
        assert upgraded.returncode == 0, f"{upgraded.stdout}{upgraded.stderr}"
    # then every process was replaced and not one request failed
    assert all(demo.pid(name) != pid for name, pid in before.items()), demo.state["services"]
    assert not failures, failures[:5]
    ready = retrying(lambda: httpx.get(f"http://127.0.0.1:{demo.state['ports']['web-2']}/readyz"))
    assert ready.json()["migrations"] == "at head"
