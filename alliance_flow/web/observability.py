"""Request ids, one access line per request, and the health endpoints a supervisor polls.

- Every request gets an id: the `X-Request-ID` the reverse proxy (or caller) sent when it looks
  like one, a new one otherwise. It is answered in `X-Request-ID` and carried by every log line
  written while the request runs (alliance_flow.logs), so one id finds a request in the proxy's
  log and in the web worker's.
- `/healthz` says the process answers (liveness: restart it when this fails).
- `/readyz` says it can serve: the database answers and its schema is at this code's migration
  head, or past it during a rolling upgrade (readiness: send it no traffic, but do not restart
  it, when this fails).
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from alliance_flow.db import alembic_config
from alliance_flow.logs import request_id

HEADER = "x-request-id"
#: What we accept from outside: short, no spaces or control characters (it goes into logs).
VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

access_log = logging.getLogger("alliance_flow.access")


class RequestIdMiddleware:
    """Sets the request id for the request's duration and logs one access line when it ends."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = dict(scope["headers"]).get(HEADER.encode(), b"").decode("latin-1")
        rid = sent if VALID_ID.match(sent) else uuid.uuid4().hex
        token = request_id.set(rid)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k.lower() != b"x-request-id"
                ]
                message["headers"] = [*headers, (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            client = scope.get("client")
            access_log.info(
                "%s %s %s",
                scope["method"],
                scope["path"],
                status,
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "client": client[0] if client else None,
                },
            )
            request_id.reset(token)


router = APIRouter(include_in_schema=False)


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """Liveness: the worker's event loop and thread pool answer. Touches nothing else."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    """Readiness: the database answers and its schema is at this code's migration head."""
    db = request.app.state.db
    body: dict[str, Any] = {"status": "ready", "database": "ok"}
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        current = db.current_revision()
    except Exception as exc:  # any failure to reach the database means "not ready"
        logging.getLogger(__name__).warning("readiness: database unreachable: %s", exc)
        return JSONResponse({"status": "not ready", "database": "unreachable"}, status_code=503)
    head, known = _migrations(request)
    if current == head:
        body["migrations"] = "at head"
    elif current is not None and current not in known:
        # Newer than this code: the release step migrated before this worker was replaced
        # (rolling upgrade). Migrations only add, so this code still works on it.
        body["migrations"] = "ahead"
    else:
        body.update(status="not ready", migrations="behind" if current else "none")
        return JSONResponse(body, status_code=503)
    return JSONResponse(body)


def _migrations(request: Request) -> tuple[str | None, frozenset[str]]:
    """This code's migration head and every revision it knows, read once per process."""
    state = request.app.state
    if not hasattr(state, "migrations"):
        from alembic.script import ScriptDirectory  # loaded by the first probe, not at start-up

        scripts = ScriptDirectory.from_config(alembic_config(state.db.url))
        state.migrations = (
            scripts.get_current_head(),
            frozenset(rev.revision for rev in scripts.walk_revisions()),
        )
    return state.migrations
