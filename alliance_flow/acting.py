"""Who is acting, for the audit log (see audit.py): kept apart from it so that saying who the
operator is, which every command does first, loads no database code (`status --help`)."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

_actor: contextvars.ContextVar[str] = contextvars.ContextVar("actor", default="system")
_erasing: contextvars.ContextVar[bool] = contextvars.ContextVar("erasing", default=False)


def set_actor(actor: str | None) -> None:
    _actor.set(actor or "system")


@contextmanager
def acting_as(actor: str) -> Iterator[None]:
    token = _actor.set(actor)
    try:
        yield
    finally:
        _actor.reset(token)


@contextmanager
def erasing() -> Iterator[None]:
    """Writes inside are logged as happened, with "(erased)" for every value (GDPR erasure)."""
    token = _erasing.set(True)
    try:
        yield
    finally:
        _erasing.reset(token)
