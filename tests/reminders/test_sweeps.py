"""Sweeps as an operator runs them: the CLI in real processes, and the flow's final state."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import select

from alliance_flow.db import Database
from alliance_flow.reminders import models as rm
from alliance_flow.reminders.cli import load_flow_module

from .conftest import add_meeting, add_member, make_alliance
from .test_flow_and_cli import soon

CLI = [sys.executable, "-m", "alliance_flow.cli", "reminders", "run"]


def cli_env(tmp_path: Path, db: Database, **extra: str) -> dict[str, str]:
    env = {**os.environ, "ALLIANCE_FLOW_DATABASE_URL": db.url, **extra}
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    env["PREFECT_HOME"] = str(tmp_path / "prefect-home")
    env["COLUMNS"] = "200"
    env.pop("PREFECT_API_URL", None)
    return env


def given_members(db: Database, receiver, n: int) -> None:
    aid = make_alliance(db, tz="UTC")
    for i in range(n):
        add_member(db, aid, f"Member {i}", channel=receiver.url(f"m{i}"), language="en")
    add_meeting(db, aid, soon(), tz="UTC")


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def wait_until(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def meeting_paths(receiver) -> Counter[str]:
    with receiver.lock:
        return Counter(r["path"] for r in receiver.received if "meeting" in r["title"])


def test_a_sweep_with_undelivered_messages_ends_in_a_failed_state(prefect_harness, db, receiver):
    # given a member whose channel is down
    given_members(db, receiver, 1)
    receiver.down = True
    flow = load_flow_module("reminders").reminders
    # when the real flow runs
    state = flow(database_url=db.url, return_state=True)
    # then Prefect sees a failed run that says why, with the figures still there
    assert state.is_failed(), state
    assert "waiting for retry at" in (state.message or "")
    # _sync: the browser tests earlier in the same process can leave an event loop set, and
    # Prefect would then hand back a coroutine
    result = state.result(raise_on_failure=False, _sync=True)
    assert result["retrying"] >= 1 and result["sent"] == 0
    # and once the channel is back, the retries flow completes
    receiver.down = False
    with db.transaction() as s:
        for row in s.scalars(select(rm.OutboxMessage)):
            row.next_attempt_at = row.created_at
    done = load_flow_module("outbox_delivery").outbox_delivery(
        database_url=db.url, return_state=True
    )
    assert done.is_completed(), done


def test_a_cli_sweep_without_a_server_starts_none_so_killing_it_leaves_nothing(
    tmp_path, db, receiver
):
    # given a channel that answers slowly, so the sweep is caught mid-delivery
    given_members(db, receiver, 1)
    receiver.delay = 30
    process = subprocess.Popen(
        CLI, env=cli_env(tmp_path, db), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        assert wait_until(lambda: receiver.arrived > 0, 120), "the sweep never delivered"
        # then it runs in its own process: no Prefect server (or anything else) under it
        assert children_of(process.pid) == []
    finally:
        process.kill()
        out, _ = process.communicate(timeout=30)
    assert "runs in this process" in out
    assert not (tmp_path / "prefect-home" / "prefect.db").exists()


def test_sigterm_finishes_the_message_in_hand_and_releases_the_others(tmp_path, db, receiver):
    # given five messages due and a slow channel, sent one at a time
    given_members(db, receiver, 5)
    receiver.delay = 3
    env = cli_env(tmp_path, db, ALLIANCE_FLOW_REMINDERS_CONCURRENCY="1")
    process = subprocess.Popen(
        CLI, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    # when SIGTERM arrives while the first message is being sent
    assert wait_until(lambda: receiver.arrived > 0, 120)
    process.send_signal(signal.SIGTERM)
    out, _ = process.communicate(timeout=60)
    # then the message in hand was delivered and settled, the others released at once
    assert process.returncode == 130, out
    assert sum(meeting_paths(receiver).values()) == 1
    with db.transaction() as s:
        rows = s.scalars(
            select(rm.OutboxMessage).where(rm.OutboxMessage.kind == "meeting_reminder_7d")
        ).all()
        assert Counter(r.status for r in rows) == {"sent": 1, "pending": 4}
        assert all(r.claimed_by is None for r in rows)
    # and the next sweep, right away, sends the other four: each message once
    receiver.delay = 0
    again = subprocess.run(CLI, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stdout + again.stderr
    paths = meeting_paths(receiver)
    assert len(paths) == 5 and set(paths.values()) == {1}


def test_four_cli_sweeps_at_once_all_succeed_and_send_nothing_twice(tmp_path, db, receiver):
    given_members(db, receiver, 12)
    env = cli_env(tmp_path, db)
    sweeps = [
        subprocess.Popen(CLI, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for _ in range(4)
    ]
    outputs = [p.communicate(timeout=300)[0] for p in sweeps]
    assert [p.returncode for p in sweeps] == [0] * 4, outputs
    paths = meeting_paths(receiver)
    assert len(paths) == 12 and set(paths.values()) == {1}
