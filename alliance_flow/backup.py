"""Backup and restore of the whole database, with each database's own tools.

SQLite: the online backup API (a consistent copy while the dashboard runs).
PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean` (the client tools of the server's
major version must be on PATH, or in /usr/lib/postgresql/<version>/bin).
Everything is in the copy: alliances, people, the audit log, the notification outbox, accounts.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(Exception):
    pass


def backup(url: str, target: Path) -> Path:
    """Write a full copy of the database at `url` to `target`."""
    parsed = make_url(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    if parsed.get_backend_name() == "sqlite":
        source = sqlite3.connect(_sqlite_file(url))
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        return target
    _run(
        _tool("pg_dump"),
        "--format=custom",
        "--no-owner",
        "--file",
        str(target),
        _libpq(url),
    )
    return target


def restore(url: str, source: Path) -> None:
    """Replace the database at `url` by the copy in `source` (what was there is gone)."""
    if not source.is_file():
        raise BackupError(f"no backup file at {source}")
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        copy = sqlite3.connect(source)
        target = sqlite3.connect(_sqlite_file(url))
        try:
            copy.backup(target)
        finally:
            target.close()
            copy.close()
        return
    _run(
        _tool("pg_restore"),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        "--dbname",
        _libpq(url),
        str(source),
    )


def _sqlite_file(url: str) -> str:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database has nothing to back up")
    return database


def _libpq(url: str) -> str:
    """The URL as libpq reads it (without SQLAlchemy's +driver)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: p.parts)
    if versions:
        return str(versions[-1])
    raise BackupError(f"{name} not found: install the PostgreSQL client tools")


def _run(*command: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, env=dict(os.environ))
    if done.returncode != 0:
        raise BackupError(done.stderr.strip() or f"{command[0]} failed")
