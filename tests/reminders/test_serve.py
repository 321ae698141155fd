"""`alliance-flow serve` in a subprocess: local server up, deployments served, SIGTERM, all gone."""

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
from datetime import datetime
from pathlib import Path

from alliance_flow.db import Database
from alliance_flow.reminders.serve import deployment_specs

from .conftest import add_meeting, add_member, free_port, make_alliance
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


def test_serve_starts_a_local_server_serves_the_schedules_and_stops_everything(
    tmp_path: Path, receiver
):
    # given an alliance with a meeting reminder due to a member on the local receiver
    url = f"sqlite:///{tmp_path / 'serve.db'}"
    db = Database(url)
    db.upgrade()
    aid = make_alliance(db, tz="UTC")
    add_member(db, aid, "Ann", channel=receiver.url("ann"), language="en")
    add_meeting(db, aid, soon(), tz="UTC")
    db.dispose()
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data")}
    env["PREFECT_RUNNER_POLL_FREQUENCY"] = "2"
    env["PREFECT_HOME"] = str(tmp_path / "client-home")
    env.pop("PREFECT_API_URL", None)
    env["ALLIANCE_FLOW_DATABASE_URL"] = url
    env.pop("PREFECT_LOGGING_LEVEL", None)  # as an operator has it: the flows' INFO lines kept
    port = free_port()
    env["ALLIANCE_FLOW_PREFECT_PORT"] = str(port)
    process = subprocess.Popen(
        [sys.executable, "-c", SERVE],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    server_pid = None
    seen: list[str] = []
    try:
        out = lines_of(process)
        # when the command has started its server
        line = wait_for_line(out, r"Prefect server \(pid \d+\) healthy at", 90, seen)
        found = re.search(r"pid (\d+)\) healthy at (\S+)", line)
        assert found
        server_pid, api = int(found.group(1)), found.group(2)
        # on the configured port, loopback only, with Prefect's UI
        assert api == f"http://127.0.0.1:{port}/api"
        assert "<html" in get_text(f"http://127.0.0.1:{port}/").lower()
        assert (tmp_path / "data" / "alliance_flow" / "prefect-server").is_dir()
        # then every deployment of prefect.yaml is served with its cron and time zone
        expected = {
            s.name: [{"cron": c, "timezone": tz} for c, tz in s.schedules]
            for s in deployment_specs()
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
        daily = next(d for d in served_deployments(api) if d["name"] == "reminders-daily")
        post(api, f"/deployments/{daily['id']}/create_flow_run")
        deadline = time.monotonic() + 60
        while not receiver.received and time.monotonic() < deadline:
            time.sleep(0.5)
        assert receiver.titles() == ["Bordeaux: meeting in 7 days"], seen
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
            env={**env, "COLUMNS": "200"},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert cli.returncode == 0, cli.stdout + cli.stderr
        assert f"flow run on the Prefect server at {api}" in cli.stdout
        assert process.poll() is None and alive(server_pid)
        # when SIGTERM arrives
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        # then the command exits cleanly and its server is gone (not orphaned)
        assert process.returncode == 0, seen
        deadline = time.monotonic() + 5
        while alive(server_pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(server_pid)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if server_pid and alive(server_pid):
            os.killpg(server_pid, signal.SIGKILL)


def start_serve(tmp_path: Path, url: str, **extra: str) -> tuple[subprocess.Popen[str], list[str]]:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), **extra}
    env["PREFECT_RUNNER_POLL_FREQUENCY"] = "1"
    env["PREFECT_HOME"] = str(tmp_path / "client-home")
    env.pop("PREFECT_API_URL", None)
    env["ALLIANCE_FLOW_DATABASE_URL"] = url
    env["ALLIANCE_FLOW_PREFECT_PORT"] = str(free_port())
    process = subprocess.Popen(
        [sys.executable, "-c", SERVE],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return process, []


def stop_serve(process: subprocess.Popen[str], server_pid: int | None) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if server_pid and alive(server_pid):
        os.killpg(server_pid, signal.SIGKILL)


def test_two_runs_of_the_daily_sweep_asked_at_once_never_overlap(tmp_path: Path, receiver):
    # given four members due a meeting reminder on a slow channel (1 s a message, one at a
    # time), so that a sweep lasts several seconds
    url = f"sqlite:///{tmp_path / 'limit.db'}"
    db = Database(url)
    db.upgrade()
    aid = make_alliance(db, tz="UTC")
    for i in range(4):
        add_member(db, aid, f"Member {i}", channel=receiver.url(f"m{i}"), language="en")
    add_meeting(db, aid, soon(), tz="UTC")
    db.dispose()
    receiver.delay = 1
    # and `serve` running every deployment of deploy/prefect.yaml (a run kept waiting by the
    # concurrency limit is tried again after 2 s instead of Prefect's 30)
    process, seen = start_serve(
        tmp_path,
        url,
        ALLIANCE_FLOW_REMINDERS_CONCURRENCY="1",
        PREFECT_SERVER_DEPLOYMENTS_CONCURRENCY_SLOT_WAIT_SECONDS="2",
    )
    server_pid = None
    try:
        out = lines_of(process)
        line = wait_for_line(out, r"Prefect server \(pid \d+\) healthy at", 90, seen)
        found = re.search(r"pid (\d+)\) healthy at (\S+)", line)
        assert found
        server_pid, api = int(found.group(1)), found.group(2)
        deadline = time.monotonic() + 60
        daily = None
        while daily is None and time.monotonic() < deadline:
            daily = next(
                (d for d in served_deployments(api) if d["name"] == "reminders-daily"), None
            )
            time.sleep(0.5)
        assert daily, seen
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
        assert [r["state"]["type"] for r in finished] == ["COMPLETED"] * 2, (finished, seen)
        # one after the other: the second started only after the first had ended
        spans = sorted(
            (datetime.fromisoformat(r["start_time"]), datetime.fromisoformat(r["end_time"]))
            for r in finished
        )
        assert spans[1][0] >= spans[0][1], spans
        # and each member heard once
        with receiver.lock:
            paths = Counter(r["path"] for r in receiver.received)
        assert paths == {f"/m{i}": 1 for i in range(4)}
    finally:
        stop_serve(process, server_pid)
