"""Real receivers on 127.0.0.1 (HTTP for Apprise json://, SMTP) and small data builders."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

import pytest

from alliance_flow import models as m
from alliance_flow.db import Database
from alliance_flow.reminders.config import ReminderSettings

JOINED = date(2025, 1, 1)


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One Prefect test server for the session (about 9 s), only for the tests that ask."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    with (
        prefect_test_harness(server_startup_timeout=60),
        temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}),
    ):
        yield


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class HttpReceiver:
    """Collects JSON posts; `down` answers 500 as a broken endpoint would."""

    port: int
    received: list[dict] = field(default_factory=list)
    down: bool = False
    #: Seconds to wait after a post was received before answering (a slow channel).
    delay: float = 0.0
    #: Posts received, counted before the delay (received holds them once answered).
    arrived: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str = "hook") -> str:
        return f"json://127.0.0.1:{self.port}/{path}"

    def titles(self) -> list[str]:
        with self.lock:
            return [r["title"] for r in self.received]


@contextlib.contextmanager
def http_receiver() -> Iterator[HttpReceiver]:
    """A receiver on a free 127.0.0.1 port, for the block."""
    rec = HttpReceiver(free_port())

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with rec.lock:
                rec.arrived += 1
            if rec.delay:
                time.sleep(rec.delay)
            if rec.down:
                self.send_response(500)
                self.end_headers()
                return
            with rec.lock:
                rec.received.append({**json.loads(body), "path": self.path})
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    class Server(ThreadingHTTPServer):
        # A real endpoint's backlog, not socketserver's 5: two sweeps of 16 senders each connect
        # at once, and this server shares the test process's interpreter lock with them.
        request_queue_size = 128

    server = Server(("127.0.0.1", rec.port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield rec
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def receiver() -> Iterator[HttpReceiver]:
    with http_receiver() as rec:
        yield rec


@dataclass
class SmtpReceiver:
    port: int
    messages: list = field(default_factory=list)


@pytest.fixture
def smtp() -> Iterator[SmtpReceiver]:
    from aiosmtpd.controller import Controller

    rec = SmtpReceiver(free_port())

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            rec.messages.append(envelope)
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=rec.port)
    controller.start()
    yield rec
    controller.stop()


@pytest.fixture
def settings() -> ReminderSettings:
    return ReminderSettings(
        public_url="https://alliances.example.org",
        backoff_seconds=60,
        max_attempts=3,
        lease_seconds=300,
        timeout_seconds=2,
    )


def make_alliance(
    db: Database, slug: str = "bordeaux", *, stage: str = "launch", tz: str = "Europe/Paris"
) -> int:
    with db.transaction() as s:
        a = m.Alliance(slug=slug, name=slug.title(), country="FR", language="fr", timezone=tz)
        with m.stage_change():
            a.stage = stage
        s.add(a)
        s.flush()
        return a.id


def add_member(
    db: Database,
    alliance_id: int,
    name: str,
    *,
    channel: str | None = None,
    email: str | None = None,
    roles: tuple[str, ...] = (),
    language: str | None = None,
    left_on: date | None = None,
) -> int:
    with db.transaction() as s:
        mb = m.Member(
            alliance_id=alliance_id,
            name=name,
            preferred_channel=channel,
            email=email,
            language=language,
            joined_on=JOINED,
            left_on=left_on,
        )
        mb.role_rows = [m.MemberRole(role=r) for r in roles]
        s.add(mb)
        s.flush()
        return mb.id


def add_meeting(db: Database, alliance_id: int, local: str, tz: str = "Europe/Paris") -> int:
    with db.transaction() as s:
        starts = datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(tz))
        mt = m.Meeting(
            alliance_id=alliance_id,
            kind="plenary",
            title="Plenary",
            starts_at=starts.astimezone(UTC),
            timezone=tz,
        )
        s.add(mt)
        s.flush()
        s.add(m.AgendaItem(meeting_id=mt.id, position=1, time="18:00", item="Welcome"))
        return mt.id
