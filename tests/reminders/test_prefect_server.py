"""CI: a real Prefect server on 127.0.0.1, deploy/prefect.yaml deployed, a worker delivers.

The server is the session's Prefect test server (conftest.prefect_harness, `prefect server`'s
API in a subprocess on 127.0.0.1) rather than one more of its own: each start costs 10-20 s on a
busy machine. `serve`'s own server start and stop are tested in test_serve.py."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from alliance_flow.db import Database
from alliance_flow.reminders.serve import PREFECT_CMD, PREFECT_FILE, healthy
from alliance_flow.settings import PROJECT_ROOT

from .conftest import add_meeting, add_member, make_alliance
from .test_flow_and_cli import soon


def prefect(*args: str, env: dict[str, str], timeout: float = 60) -> str:
    done = subprocess.run(
        [*PREFECT_CMD, *args],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, f"prefect {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_worker_runs_the_deployed_reminders_and_the_message_arrives(
    prefect_harness, tmp_path: Path, receiver
):
    # given a SQLite database with an alliance whose member listens on the local receiver
    url = f"sqlite:///{tmp_path / 'ci.db'}"
    db = Database(url)
    db.upgrade()
    aid = make_alliance(db, tz="UTC")
    add_member(db, aid, "Ann", channel=receiver.url("ann"), language="en")
    add_meeting(db, aid, soon(), tz="UTC")
    db.dispose()
    # and a Prefect server on 127.0.0.1
    from prefect.settings import PREFECT_API_URL

    api_url = str(PREFECT_API_URL.value())
    assert api_url.startswith("http://127.0.0.1:") and healthy(api_url), api_url
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "client-home"),
        "PREFECT_API_URL": api_url,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "ALLIANCE_FLOW_DATABASE_URL": url,
    }
    # when deploy/prefect.yaml is deployed from this checkout and the reminders run is asked
    # the pull step clones this repository, at the branch checked out here
    branch = subprocess.run(
        ["git", "rev-parse", "--abbrev-ref", "HEAD"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    prefect("variable", "set", "alliance_flow_repository", str(PROJECT_ROOT), env=env)
    prefect("variable", "set", "alliance_flow_branch", branch, env=env)
    prefect("work-pool", "create", "local-pool", "--type", "process", "--overwrite", env=env)
    prefect("--no-prompt", "deploy", "--all", "--prefect-file", str(PREFECT_FILE), env=env)
    prefect("deployment", "run", "reminders/reminders-daily", env=env)
    # and a worker started in another folder runs once
    elsewhere = tmp_path / "worker-folder"
    elsewhere.mkdir()
    worker = subprocess.Popen(
        [
            *PREFECT_CMD,
            "worker",
            "start",
            "--pool",
            "local-pool",
            "--type",
            "process",
            "--run-once",
        ],
        env={**env, "PREFECT_WORKER_QUERY_SECONDS": "1"},
        cwd=elsewhere,  # a folder with no checkout: the pull step brings flows/
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = worker.communicate(timeout=240)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, 15)
            worker.wait(timeout=10)
    assert worker.returncode == 0, output
    # then the notification arrived at the local receiver, once
    deadline = time.monotonic() + 5
    while not receiver.received and time.monotonic() < deadline:
        time.sleep(0.1)
    assert receiver.titles() == ["Bordeaux: meeting in 7 days"], output
    assert receiver.received[0]["path"] == "/ann"
