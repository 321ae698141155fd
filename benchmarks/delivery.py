"""Delivery benchmark (a script, not a test): the outbox's delivery against a bare loop.

    .venv/bin/python benchmarks/delivery.py                       # 2,000 messages
    .venv/bin/python benchmarks/delivery.py --messages 5000 --write benchmarks/RESULTS.md

Both send the same messages (title and body as recorded in the outbox, Apprise's JSON payload)
to the same local HTTP receiver, which runs in a separate process and counts what it gets:
1. baseline: a bare loop of `requests.post`, one message after the other, nothing recorded;
2. the outbox: `deliver_pending` with the real Apprise adapter (plugins reused per URL, a
   bounded pool of threads), claiming, settling each message as sent in a SQLite file.
The figures of one run come from that run; the baseline runs first, then the outbox, then the
baseline again, and the better baseline is kept (the machine is shared).
"""

from __future__ import annotations

import argparse
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, date, datetime
from pathlib import Path

import requests
from sqlalchemy import insert, select

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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()
    n = args.messages
    port = free_port()
    receiver = subprocess.Popen([sys.executable, "-c", RECEIVER, str(port)])
    try:
        for _ in range(100):
            try:
                received(port)
                break
            except OSError:
                time.sleep(0.1)
        with tempfile.TemporaryDirectory() as tmp:
            db = Database(f"sqlite:///{Path(tmp) / 'bench.db'}")
            db.upgrade()
            messages = prepare(db, port, n)
            base1 = bare_loop(messages)
            settings = ReminderSettings(
                batch_size=500, concurrency=args.concurrency, timeout_seconds=10
            )
            start = time.perf_counter()
            report = outbox.deliver_pending(db=db, notifier=AppriseNotifier(), settings=settings)
            ours = time.perf_counter() - start
            base2 = bare_loop(messages)
            db.dispose()
        total = received(port)
    finally:
        receiver.terminate()
        receiver.wait(timeout=10)
    base = min(base1, base2)
    ratio = ours / base
    lines = [
        f"## Delivery: {n:,} messages — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}; SQLite file; receiver in a separate process.",
        "Produced by `.venv/bin/python benchmarks/delivery.py "
        f"--messages {n} --concurrency {args.concurrency}`.",
        "",
        "| measure | figure |",
        "|---|---|",
        f"| bare loop of `requests.post`, same messages, same receiver (best of 2) | "
        f"{base:.2f} s = {n / base:.0f} msg/s (runs: {base1:.2f} s, {base2:.2f} s) |",
        f"| outbox `deliver_pending`, Apprise plugins reused, {args.concurrency} threads, "
        f"each message claimed and settled | {ours:.2f} s = {n / ours:.0f} msg/s; "
        f"sent {report.sent}, not sent {n - report.sent} |",
        f"| outbox / bare loop | **{ratio:.2f}×** (target ≤ 1.5×) |",
        f"| received by the receiver (3 passes) | {total:,} (expected {3 * n:,}) |",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        with args.write.open("a", encoding="utf-8") as fh:
            fh.write("\n" + text)


if __name__ == "__main__":
    main()
