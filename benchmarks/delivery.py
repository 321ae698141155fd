"""Delivery benchmark (a script, not a test): the outbox's delivery against a bare loop.

    .venv/bin/python benchmarks/delivery.py                       # 2,000 messages, SQLite
    .venv/bin/python benchmarks/delivery.py --messages 2000 --rounds 5 --write benchmarks/RESULTS.md
    .venv/bin/python benchmarks/delivery.py --database-url postgresql+psycopg://...   # PostgreSQL

Both send the same messages (title and body as recorded in the outbox, Apprise's JSON payload)
to the same local HTTP receiver, which runs in a separate process and counts what it gets:
A. the outbox: `deliver_pending` with the real Apprise adapter (a fresh one each round, so every
   URL is parsed again; a bounded pool of threads), each message claimed as it is sent and
   settled as sent, on a SQLite file (or the database given);
B. the baseline: a bare loop of `requests.post`, one message after the other, nothing recorded.
A and B take turns (A B A B ..., the first pair not counted) in the same run; between rounds
the messages are put back to pending (not timed). Figures are medians; ratios are of medians.
"""

from __future__ import annotations

import argparse
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import requests
from sqlalchemy import insert, select, update

from alliance_flow import models as m
from alliance_flow.db import Database
from alliance_flow.reminders import models as rm
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
        self.send_response(200); self.send_header("Content-Length", "0"); self.end_headers()
    def do_GET(self):
        body = str(count).encode()
        self.send_response(200); self.send_header("Content-Length", str(len(body)))
        self.end_headers(); self.wfile.write(body)
    def log_message(self, *a): pass
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def received(port: int) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/count", timeout=30) as r:
        return int(r.read())


def prepare(db: Database, port: int, n: int) -> list[tuple[str, str, str]]:
    """One alliance, n members with a channel each, n pending messages; (url, title, body)."""
    now = datetime.now(UTC)
    with db.transaction() as s:
        a = m.Alliance(slug="bench", name="Bench", country="FR", language="en", timezone="UTC")
        with m.stage_change():
            a.stage = Stage.LAUNCH
        s.add(a)
        s.flush()
        s.execute(
            insert(m.Member),
            [
                {
                    "alliance_id": a.id,
                    "name": f"Member {i}",
                    "preferred_channel": f"json://127.0.0.1:{port}/m{i}",
                    "joined_on": date(2025, 1, 1),
                }
                for i in range(n)
            ],
        )
        ids = list(s.scalars(select(m.Member.id).order_by(m.Member.id)))
        body = "Plenary is coming up.\nWhen: Friday 20 March 2026, 18:00 (UTC)\nOpen: https://x/"
        s.execute(
            insert(rm.OutboxMessage),
            [
                {
                    "alliance_id": a.id,
                    "kind": "action_due_soon",
                    "subject": f"plan-action:{i}",
                    "due_on": date(2026, 3, 20),
                    "recipient": f"member:{mid}",
                    "language": "en",
                    "title": f"Bench: meeting in 7 days ({i})",
                    "body": body,
                    "status": rm.PENDING,
                    "attempts": 0,
                    "next_attempt_at": now,
                    "created_at": now,
                }
                for i, mid in enumerate(ids)
            ],
        )
    return [
        (f"http://127.0.0.1:{port}/m{i}", f"Bench: meeting in 7 days ({i})", body) for i in range(n)
    ]


def bare_loop(messages: list[tuple[str, str, str]]) -> float:
    start = time.perf_counter()
    for url, title, body in messages:
        payload = {"version": "1.0", "title": title, "message": body, "type": "info"}
        requests.post(url, json=payload, timeout=10).raise_for_status()
    return time.perf_counter() - start


def reset(db: Database) -> None:
    """Every message pending again, as recorded (not timed)."""
    with db.transaction() as s:
        s.execute(
            update(rm.OutboxMessage).values(
                status=rm.PENDING,
                attempts=0,
                sent_at=None,
                last_error=None,
                delivered_to=None,
                claimed_by=None,
                claimed_until=None,
                next_attempt_at=datetime.now(UTC),
            )
        )


def timed(fn: Callable[[], object]) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, out


def load() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=ReminderSettings().concurrency)
    parser.add_argument("--rounds", type=int, default=5, help="counted pairs (one more warms up)")
    parser.add_argument("--database-url", help="an empty database (default: a new SQLite file)")
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()
    n = args.messages
    port = free_port()
    receiver = subprocess.Popen([sys.executable, "-c", RECEIVER, str(port)])
    a_wall: list[float] = []
    a_cpu: list[float] = []
    b_wall: list[float] = []
    b_cpu: list[float] = []
    sent: list[int] = []
    try:
        for _ in range(100):
            try:
                received(port)
                break
            except OSError:
                time.sleep(0.1)
        with tempfile.TemporaryDirectory() as tmp:
            db = Database(args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}")
            db.upgrade()
            backend = db.engine.dialect.name
            messages = prepare(db, port, n)
            settings = ReminderSettings(
                batch_size=500, concurrency=args.concurrency, timeout_seconds=10
            )
            for i in range(args.rounds + 1):
                reset(db)
                wall, cpu, report = timed(
                    lambda: outbox.deliver_pending(
                        db=db, notifier=AppriseNotifier(), settings=settings
                    )
                )
                assert isinstance(report, outbox.DeliveryReport)
                base_wall, base_cpu, _ = timed(lambda: bare_loop(messages))
                if i == 0:
                    continue  # warm-up pair
                a_wall.append(wall)
                a_cpu.append(cpu)
                b_wall.append(base_wall)
                b_cpu.append(base_cpu)
                sent.append(report.sent)
                print(
                    f"round {i}: outbox {wall:.2f} s ({cpu:.2f} s CPU, sent {report.sent}), "
                    f"bare loop {base_wall:.2f} s ({base_cpu:.2f} s CPU)",
                    flush=True,
                )
            db.dispose()
        total = received(port)
    finally:
        receiver.terminate()
        receiver.wait(timeout=10)
    med = statistics.median
    ratio = med(a_wall) / med(b_wall)
    cpu_ratio = med(a_cpu) / med(b_cpu)
    pairs = args.rounds + 1
    lines = [
        f"## Delivery: {n:,} messages, {backend} — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Machine: {os.cpu_count()} CPUs (shared), Python {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}, load average {load()} at the end; "
        f"receiver in a separate process. Medians of {args.rounds} rounds, outbox (A) and bare "
        "loop (B) taking turns, after one warm-up pair. Produced by `.venv/bin/python "
        f"benchmarks/delivery.py --messages {n} --concurrency {args.concurrency} "
        f"--rounds {args.rounds}{' --database-url …' if args.database_url else ''}`.",
        "",
        "| measure | wall (median) | CPU of this process (median) |",
        "|---|---|---|",
        f"| A: outbox `deliver_pending`, {args.concurrency} senders, each message claimed as "
        f"it is sent and settled as sent | {med(a_wall):.2f} s = {n / med(a_wall):.0f} msg/s "
        f"| {med(a_cpu):.2f} s |",
        f"| B: bare loop of `requests.post`, same messages, same receiver | "
        f"{med(b_wall):.2f} s = {n / med(b_wall):.0f} msg/s | {med(b_cpu):.2f} s |",
        f"| A / B | **{ratio:.2f}×** (target ≤ 1.5×) | {cpu_ratio:.2f}× |",
        "",
        f"Rounds, A wall: {', '.join(f'{x:.2f}' for x in a_wall)} s; B wall: "
        f"{', '.join(f'{x:.2f}' for x in b_wall)} s. Sent by the outbox each round: "
        f"{', '.join(str(x) for x in sent)} of {n}; received by the receiver in all: "
        f"{total:,} (expected {2 * pairs * n:,}).",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        with args.write.open("a", encoding="utf-8") as fh:
            fh.write("\n" + text)


if __name__ == "__main__":
    main()
