"""Reminders benchmark (a script, not a test): decide vs hand SQL, statements per sweep, delivery.

    .venv/bin/python benchmarks/reminders.py                 # 400 alliances (about 1 minute)
    .venv/bin/python benchmarks/reminders.py --alliances 10000 --write benchmarks/RESULTS.md

Per alliance: 12 members (one chair), 5 meetings within +-30 days (3 agenda items each),
20 action-plan items; a `members` channel per alliance pointing at a local HTTP receiver
(Apprise json://) run in a separate process, and every member a channel of their own there
(so action-item reminders reach their owners). Everything in UTC, on a SQLite file.
Measures, in one run:
1. the time the service layer takes to decide what is due for every alliance, and whether its
   meeting reminders equal those of a hand-written SQL query (and that query's time);
2. the SQL statements one full sweep (decide + record in the outbox) issues, counted with a
   SQLAlchemy `before_cursor_execute` listener;
3. delivery throughput of the recorded messages to the local receiver.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, insert, text

from alliance_flow import models as m
from alliance_flow.db import Database
from alliance_flow.reminders import outbox
from alliance_flow.reminders.config import ReminderSettings
from alliance_flow.reminders.delivery import AppriseNotifier
from alliance_flow.vocabulary import Stage

RECEIVER = r"""
import sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
count = 0
lock = threading.Lock()
class H(BaseHTTPRequestHandler):
    def do_POST(self):
        global count
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with lock:
            count += 1
        self.send_response(200); self.end_headers()
    def do_GET(self):
        body = str(count).encode()
        self.send_response(200); self.send_header("Content-Length", str(len(body)))
        self.end_headers(); self.wfile.write(body)
    def log_message(self, *a): pass
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
"""

# Meeting reminders by hand: planned meetings of open alliances 1..7 days ahead (UTC data).
HAND_SQL = """
SELECT mt.id, date(mt.starts_at) AS day,
       CAST(julianday(date(mt.starts_at)) - julianday(:today) AS INTEGER) AS days_left
FROM meetings AS mt JOIN alliances AS a ON a.id = mt.alliance_id
WHERE mt.status = 'planned' AND a.stage != :closed
  AND julianday(date(mt.starts_at)) - julianday(:today) BETWEEN 1 AND 7
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def generate(db: Database, n: int, today: date, port: int, seed: int = 4) -> dict[str, int]:
    rnd = random.Random(seed)
    counts = {"alliances": 0, "members": 0, "meetings": 0, "action_items": 0}
    chunk = 200
    for start in range(0, n, chunk):
        with db.transaction() as s:
            alliances = []
            for i in range(start, min(start + chunk, n)):
                a = m.Alliance(
                    slug=f"a{i:05d}",
                    name=f"Alliance {i}",
                    country="FR",
                    language="en",
                    timezone="UTC",
                )
                with m.stage_change():
                    a.stage = "launch"
                alliances.append(a)
            s.add_all(alliances)
            s.flush()
            members, meetings = [], []
            for a in alliances:
                for j in range(12):
                    mb = m.Member(
                        alliance_id=a.id,
                        name=f"Member {j}",
                        language="en",
                        joined_on=date(2025, 1, 1),
                        preferred_channel=f"json://127.0.0.1:{port}/{a.slug}-{j}",
                    )
                    mb.role_rows = [m.MemberRole(role="chair")] if j == 0 else []
                    members.append(mb)
                for _ in range(5):
                    starts = datetime.combine(
                        today + timedelta(days=rnd.randint(-30, 30)), datetime.min.time(), UTC
                    ) + timedelta(hours=rnd.randint(8, 20))
                    meetings.append(
                        m.Meeting(
                            alliance_id=a.id,
                            kind="plenary",
                            title="Plenary",
                            starts_at=starts,
                            timezone="UTC",
                        )
                    )
            s.add_all([*members, *meetings])
            s.flush()
            s.execute(
                insert(m.AgendaItem),
                [
                    {"meeting_id": mt.id, "position": p, "time": "18:00", "item": f"Item {p}"}
                    for mt in meetings
                    for p in (1, 2, 3)
                ],
            )
            owners: dict[int, list[int]] = {}
            for mb in members:
                owners.setdefault(mb.alliance_id, []).append(mb.id)
            s.execute(
                insert(m.ActionPlanItem),
                [
                    {
                        "alliance_id": a.id,
                        "number": k + 1,
                        "action": f"Action {k + 1}",
                        "owner_member_id": rnd.choice(owners[a.id]),
                        "ends_on": today + timedelta(days=rnd.randint(-60, 120)),
                    }
                    for a in alliances
                    for k in range(20)
                ],
            )
            for a in alliances:
                outbox.set_channel(
                    session=s,
                    alliance=a,
                    audience="members",
                    apprise_url=f"json://127.0.0.1:{port}/{a.slug}",
                )
            counts["alliances"] += len(alliances)
            counts["members"] += len(members)
            counts["meetings"] += len(meetings)
            counts["action_items"] += 20 * len(alliances)
    return counts


def run(n: int, workdir: Path) -> dict[str, Any]:
    port = free_port()
    receiver = subprocess.Popen([sys.executable, "-c", RECEIVER, str(port)])
    try:
        db = Database(f"sqlite:///{workdir / 'bench.db'}")
        db.upgrade()
        today = datetime.now(UTC).date()
        moment = outbox.as_moment(today)
        settings = ReminderSettings(timeout_seconds=5)
        t0 = time.perf_counter()
        counts = generate(db, n, today, port)
        gen_s = time.perf_counter() - t0

        # 1. decide (service layer) vs hand SQL, meeting reminders compared as sets
        t0 = time.perf_counter()
        decided: set[tuple[str, str]] = set()
        total_due = 0
        for aid in outbox._alliance_ids(db):
            with db.transaction() as s:
                a = s.get(m.Alliance, aid)
                assert a is not None
                dues = outbox.decide(session=s, alliance=a, moment=moment, settings=settings)
            total_due += len(dues)
            decided |= {(d.subject, d.kind) for d in dues if d.kind.startswith("meeting_rem")}
        decide_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        with db.engine.connect() as conn:
            rows = conn.execute(
                text(HAND_SQL), {"today": today.isoformat(), "closed": Stage.CLOSED.value}
            ).all()
        sql_s = time.perf_counter() - t0
        by_hand = {
            (f"meeting:{mid}@{day}", f"meeting_reminder_{7 if left >= 2 else 1}d")
            for mid, day, left in rows
        }

        # 2. one full sweep (decide + record), statements counted
        statements = 0

        def count(*_: object) -> None:
            nonlocal statements
            statements += 1

        event.listen(db.engine, "before_cursor_execute", count)
        t0 = time.perf_counter()
        report = outbox.record_due(db=db, moment=moment, settings=settings)
        sweep_s = time.perf_counter() - t0
        event.remove(db.engine, "before_cursor_execute", count)

        # 3. delivery to the local receiver (a separate process)
        t0 = time.perf_counter()
        delivered = outbox.deliver_pending(
            db=db, notifier=AppriseNotifier(timeout_seconds=5), settings=settings
        )
        deliver_s = time.perf_counter() - t0
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
            received = int(r.read())
        db.dispose()
        return {
            **counts,
            "generate_s": gen_s,
            "decide_s": decide_s,
            "due_total": total_due,
            "meeting_reminders": len(decided),
            "hand_sql_s": sql_s,
            "hand_sql_rows": len(by_hand),
            "same_set": decided == by_hand,
            "sweep_s": sweep_s,
            "recorded": report.recorded,
            "statements": statements,
            "sent": delivered.sent,
            "failed": delivered.failed + delivered.retrying,
            "received": received,
            "deliver_s": deliver_s,
        }
    finally:
        receiver.terminate()
        receiver.wait(timeout=10)


def report_md(r: dict[str, Any]) -> str:
    n = r["alliances"]
    rate = r["sent"] / r["deliver_s"] if r["deliver_s"] else 0.0
    return f"""## {n:,} alliances — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC

Machine: {os.cpu_count()} CPUs (nproc), Python {platform.python_version()},
{platform.system()} {platform.machine()}; SQLite file; receiver in a separate process.
Data: {r["members"]:,} members, {r["meetings"]:,} meetings, {r["action_items"]:,} action items
(generated in {r["generate_s"]:.1f} s).

| measure | figure |
|---|---|
| decide what is due, all alliances (service layer) | {r["decide_s"]:.2f} s ({r["due_total"]:,} due messages, {1000 * r["decide_s"] / n:.2f} ms/alliance) |
| meeting reminders: service layer vs hand-written SQL | {r["meeting_reminders"]:,} vs {r["hand_sql_rows"]:,}; same set: {"yes" if r["same_set"] else "NO"} |
| hand-written SQL (meeting reminders only) | {1000 * r["hand_sql_s"]:.1f} ms |
| one sweep: decide + record in the outbox | {r["sweep_s"]:.2f} s, {r["recorded"]:,} recorded |
| SQL statements in that sweep | {r["statements"]:,} ({r["statements"] / n:.1f} per alliance) |
| delivery to the local json:// receiver | {r["sent"]:,} sent in {r["deliver_s"]:.2f} s = {rate:.0f} msg/s; received {r["received"]:,}; not sent {r["failed"]} |
"""  # noqa: E501


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alliances", type=int, default=400)
    parser.add_argument("--write", type=Path, help="Append the figures to this Markdown file.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="reminders-bench-") as tmp:
        result = run(args.alliances, Path(tmp))
    md = report_md(result)
    print(md)
    if args.write:
        # The reminders section comes first in the file; other benchmarks add theirs after it.
        text = args.write.read_text(encoding="utf-8") if args.write.exists() else ""
        head, sep, tail = text.partition(NEXT_SECTION)
        args.write.write_text(head.rstrip("\n") + "\n\n" + md + "\n" + sep + tail, "utf-8")


NEXT_SECTION = "# Reports benchmark results"


if __name__ == "__main__":
    main()
