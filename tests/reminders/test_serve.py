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
import urllib.request
from pathlib import Path

from alliance_flow.db import Database
from alliance_flow.reminders.serve import deployment_specs

from .conftest import add_meeting, add_member, make_alliance
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


def post(api: str, path: str) -> object:
    request = urllib.request.Request(
        f"{api}{path}",
        data=b"{}",
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


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
        assert api.startswith("http://127.0.0.1:")
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
