"""Real processes: a sweep killed with SIGKILL midway, and two sweep processes at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from alliance_flow.reminders import models as rm

from .conftest import add_meeting, add_member, make_alliance
from .test_outbox import NOW, statuses

MEMBERS = 12
#: One message's lease in these sweeps, in seconds.
LEASE = 300

SWEEP = textwrap.dedent(
    """
    import os, signal, sys
    from datetime import datetime, date, timedelta
    from alliance_flow.db import Database
    from alliance_flow.reminders import outbox
    from alliance_flow.reminders.config import ReminderSettings
    from alliance_flow.reminders.delivery import AppriseNotifier

    url, now, kill_after = sys.argv[1], datetime.fromisoformat(sys.argv[2]), int(sys.argv[3])
    settings = ReminderSettings(
        lease_seconds=LEASE_SECONDS,
        timeout_seconds=5,
        batch_size=50,
        concurrency=1 if kill_after else 4,
    )
    real_send = outbox._send
    delivered = 0

    def send_then_maybe_die(*args, **kwargs):
        global delivered
        if kill_after and delivered == kill_after:
            os.kill(os.getpid(), signal.SIGKILL)  # with the next message in hand
        result = real_send(*args, **kwargs)
        delivered += 1
        return result

    outbox._send = send_then_maybe_die
    db = Database(url)
    outbox.sweep(db=db, notifier=AppriseNotifier(timeout_seconds=5), moment=date(2026, 3, 13),
                 now=now, settings=settings)
    """
).replace("LEASE_SECONDS", str(LEASE))


def run_sweep(url: str, now, kill_after: int = 0) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", SWEEP, url, now.isoformat(), str(kill_after)],
        env={**os.environ, "PYTHONPATH": os.getcwd()},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def given_due_reminders(db, receiver) -> None:
    aid = make_alliance(db)
    for i in range(MEMBERS):
        add_member(db, aid, f"Member {i}", channel=receiver.url(f"m{i}"))
    add_meeting(db, aid, "2026-03-20 18:00")


def paths(receiver) -> Counter[str]:
    with receiver.lock:
        return Counter(r["path"] for r in receiver.received)


def held(db) -> int:
    with db.transaction() as s:
        return len(
            s.scalars(
                select(rm.OutboxMessage.id).where(rm.OutboxMessage.claimed_by.is_not(None))
            ).all()
        )


def test_sweep_killed_by_sigkill_holds_only_the_message_in_hand(db, receiver):
    # given twelve members due a meeting reminder
    given_due_reminders(db, receiver)
    # when a sweep process dies (SIGKILL) after delivering four, the fifth in its hand
    dead = run_sweep(db.url, NOW, kill_after=4)
    dead.wait(timeout=60)
    assert dead.returncode == -signal.SIGKILL, dead.stderr.read() if dead.stderr else ""
    assert sum(paths(receiver).values()) == 4
    # then it holds that one message only, the four it sent being recorded as sent
    assert held(db) == 1
    assert statuses(db) == {"sent": 4, "pending": 8}
    # and a sweep right away sends the seven nobody holds, not the one still leased
    again = run_sweep(db.url, NOW)
    assert again.wait(timeout=60) == 0, again.stderr.read() if again.stderr else ""
    assert sum(paths(receiver).values()) == 11
    # and once that one message's lease has run out, the next sweep sends it: each once
    later = run_sweep(db.url, NOW + timedelta(seconds=LEASE + 1))
    assert later.wait(timeout=60) == 0, later.stderr.read() if later.stderr else ""
    received = paths(receiver)
    assert len(received) == MEMBERS and set(received.values()) == {1}
    assert statuses(db) == {"sent": MEMBERS}
    assert held(db) == 0


def test_two_sweep_processes_at_once_send_each_message_once(db, receiver):
    given_due_reminders(db, receiver)
    sweeps = [run_sweep(db.url, NOW) for _ in range(2)]
    for p in sweeps:
        assert p.wait(timeout=90) == 0, p.stderr.read() if p.stderr else ""
    received = paths(receiver)
    assert len(received) == MEMBERS and set(received.values()) == {1}
    assert statuses(db) == {"sent": MEMBERS}
