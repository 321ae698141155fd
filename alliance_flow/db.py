"""Engine, sessions and migrations: one transaction per use case, schema owned by Alembic."""

from __future__ import annotations

import contextlib
import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from alliance_flow.errors import Conflict
from alliance_flow.safety import check_storable
from alliance_flow.settings import get_settings

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
#: A read that sees one snapshot and writes nothing (Database.reading).
_SNAPSHOT = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}


def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")  # cascades and RESTRICT need it on SQLite
    cursor.execute("PRAGMA busy_timeout=10000")
    # Write-ahead log: a commit is one append and one fsync (still durable: synchronous stays
    # FULL) instead of a rollback journal's several, and readers (the dashboard) do not wait
    # for a writer (a sweep). Kept by the file once set; an in-memory or read-only database
    # keeps its own mode.
    with contextlib.suppress(sqlite3.OperationalError):
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.orm import Session, sessionmaker


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def _pool_for(url: str) -> dict[str, Any]:
    """Enough kept connections for a web worker's busy moments on PostgreSQL.

    A web worker serves up to 40 requests at once (its thread pool), each holding a connection
    for a moment. With SQLAlchemy's default of 5 kept (and 10 more opened when needed, then
    closed), a busy worker opened and closed a PostgreSQL connection every few requests: a
    server process started each time, costing more than the page itself. 20 are kept once
    opened (opened only when that many are needed at once), 20 more may be opened at a peak.
    """
    if url.startswith("postgresql"):
        return {"pool_size": 20, "max_overflow": 20}
    return {}


class Database:
    """One database: its engine, its sessions and its schema version.

    The ORM (sessions, mapped classes, audit) is loaded at the first session: a read with
    SQLAlchemy Core alone (`snapshot`, as `alliance-flow status` reads) never loads it.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine: Engine = create_engine(url, **_pool_for(url))
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._session_factory: sessionmaker[Session] | None = None
        self._session_lock = threading.Lock()

    @property
    def _sessions(self) -> sessionmaker[Session]:
        if self._session_factory is None:
            with self._session_lock:  # a web worker's threads may ask at once
                if self._session_factory is None:
                    from sqlalchemy.orm import sessionmaker

                    from alliance_flow import audit

                    sessions = sessionmaker(self.engine, expire_on_commit=False)
                    event.listen(sessions, "before_flush", check_storable)
                    event.listen(sessions, "after_flush", audit.record_writes)
                    self._session_factory = sessions
        return self._session_factory

    def upgrade(self) -> None:
        """Bring the schema to the latest migration (what `alliance-flow db upgrade` runs)."""
        from alembic import command

        cfg = alembic_config(self.url)
        with self.engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "head")

    def current_revision(self) -> str | None:
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def head_revision(self) -> str | None:
        from alembic.script import ScriptDirectory

        return ScriptDirectory.from_config(alembic_config(self.url)).get_current_head()

    def is_current(self) -> bool:
        """The schema is at the head migration (asked of Alembic only when in doubt).

        Every command asks this before it runs; loading Alembic and every migration script
        to answer would double the start-up of a simple command.
        """
        head = _single_head()
        if head is not None:
            try:
                with self.engine.connect() as connection:
                    stamped = connection.execute(text("SELECT version_num FROM alembic_version"))
                    if [row[0] for row in stamped] == [head]:
                        return True
            except DBAPIError:
                pass  # no alembic_version table yet: Alembic decides below
        return self.current_revision() == self.head_revision()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One use case: commit if it returns, roll everything back if it raises."""
        from sqlalchemy.orm.exc import StaleDataError

        try:
            with self._sessions() as session, session.begin():
                yield session
        except StaleDataError:
            # two saves of one row crossed (the row's version moved under us): nothing was saved
            from alliance_flow.services.items import changed_by_someone_else

            raise Conflict(changed_by_someone_else()) from None

    @contextmanager
    def reading(self) -> Iterator[tuple[Session, str | None]]:
        """A read-only use case that sees one snapshot of the committed data, and its name.

        On PostgreSQL the name is `pg_current_snapshot()`: which transactions are visible.
        Every write, by any process, is a transaction; one starting or ending changes the name,
        so two reads under one name saw exactly the same data (web/page_cache.py keeps pages by
        it). The transaction is REPEATABLE READ, so every statement sees that one snapshot, and
        READ ONLY, so nothing written here can make the data differ from its name. SQLite has
        no such name: None there, and an ordinary transaction.
        """
        with self._sessions() as session, session.begin():
            if self.engine.dialect.name != "postgresql":
                yield session, None
                return
            # Said in the BEGIN itself (psycopg), and put back when the connection is returned.
            session.connection(execution_options=_SNAPSHOT)
            name = session.execute(text("SELECT pg_current_snapshot()::text")).scalar_one()
            yield session, str(name)

    @contextmanager
    def snapshot(self) -> Iterator[Connection]:
        """A read-only use case on SQLAlchemy Core alone: one connection, one transaction that
        sees one snapshot of the committed data on PostgreSQL (as `reading` does) and writes
        nothing; no ORM is loaded for it."""
        with self.engine.connect() as connection:
            if self.engine.dialect.name == "postgresql":
                connection.execution_options(**_SNAPSHOT)
            with connection.begin():
                yield connection

    def session(self) -> Session:
        return self._sessions()

    def dispose(self) -> None:
        self.engine.dispose()


_REVISION = re.compile(r"^revision(?:: str)? = [\"']([^\"']+)[\"']", re.MULTILINE)
_DOWN = re.compile(r"^down_revision(?:: [^=]+)? = [\"']([^\"']+)[\"']", re.MULTILINE)


@lru_cache
def _single_head() -> str | None:
    """The head revision, read from the scripts' `revision`/`down_revision` lines; None if that
    is not a plain chain (then Alembic is asked)."""
    revisions, parents = set(), set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        source = script.read_text(encoding="utf-8")
        found = _REVISION.search(source)
        if found is None:
            return None
        revisions.add(found[1])
        parents.update(_DOWN.findall(source))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def open_database(url: str | None = None, *, migrate: bool | None = None) -> Database:
    """Open the configured database, upgrading its schema first when auto_migrate is on."""
    settings = get_settings()
    db = Database(url or settings.resolved_database_url())
    if (migrate if migrate is not None else settings.auto_migrate) and not db.is_current():
        db.upgrade()
    return db
