"""Logging for long-running processes: one JSON object per line, with the request id.

A service writes to its standard output only; systemd's journal (or the stack script's log file)
is the one place its lines go. `request_id` is set by the web middleware for the duration of a
request, and every line logged meanwhile carries it, whichever logger wrote it.
"""

from __future__ import annotations

import logging
import sys
from contextvars import ContextVar

from pythonjsonlogger.json import JsonFormatter

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

JSON_FIELDS = "{asctime}{levelname}{name}{message}"


class RequestIdFilter(logging.Filter):
    """Adds `request_id` (or None outside a request) to every record it sees."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


def configure(*, fmt: str = "text", level: str = "INFO") -> None:
    """Send every logger's lines to stdout, as JSON lines (`fmt="json"`) or as plain text."""
    handler = logging.StreamHandler(sys.stdout)
    handler.addFilter(RequestIdFilter())
    if fmt == "json":
        handler.setFormatter(
            JsonFormatter(
                JSON_FIELDS,
                style="{",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
                timestamp=False,
            )
        )
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
        )
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    # uvicorn's loggers go through the root handler; its access log is replaced by ours.
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").disabled = True
    # One line per Prefect API call otherwise (STACK_NOTES §8), and two per readiness check.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
