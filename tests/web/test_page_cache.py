"""Kept pages (web/page_cache.py): never out of date, whoever writes, and never someone else's.

A kept page is only served while PostgreSQL's snapshot is the one it was made in, so every
write, whatever wrote it (this app, the service layer in another process, the CLI, plain SQL),
must show on the very next request. The tests first prove that a page is being kept (the second
request issues only the session's and the snapshot's statements), so that "the change shows"
is not true merely because nothing is kept.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from alliance_flow.db import Database
from alliance_flow.services import alliances as alliance_service
from alliance_flow.services import items as item_service
from alliance_flow.web import create_app
from tests.conftest import TODAY
from tests.statements import counting
from tests.web.conftest import World, adder, build_world, login

ROOT = Path(__file__).resolve().parents[2]


def _statements(client: TestClient, db: Database, path: str) -> tuple[int, str]:
    with counting(db.engine) as seen:
        page = client.get(path)
    assert page.status_code == 200, page.text
    return len(seen), page.text


def _postgres_only(db: Database) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("pages are kept on PostgreSQL only (SQLite has no snapshot to name)")


def _kept(client: TestClient, db: Database, path: str, attempts: int = 30) -> str:
    """Ask twice; the second answer must come from the kept page (2 statements: the session
    and the snapshot, where making the page takes a dozen or more), and be the same page.

    A commit anywhere on the cluster (another test worker's database included) names a new
    snapshot, and a page kept in the old one is rightly made again: then both are asked again."""
    again = 0
    for _attempt in range(attempts):
        _count, text_first = _statements(client, db, path)
        again, text_again = _statements(client, db, path)
        if again == 2:
            assert text_again == text_first
            return text_again
    pytest.fail(f"{path} was never served kept: {again} statements the second time")


def test_the_alliance_pages_do_not_query_per_member_meeting_or_action(world: World) -> None:
    db = world.db
    paths = ["/alliances/north"] + [
        f"/alliances/north/stages/{stage}"
        for stage in ("scope", "launch", "analysis", "planning", "dissemination", "sustainability")
    ]
    with TestClient(create_app(db, today=lambda: TODAY)) as client:
        login(client, "admin")
        few = {path: _statements(client, db, path)[0] for path in paths}
        with db.transaction() as session:
            add = adder(session, "north")
            for i in range(12):
                member = add("member", name=f"Member {i}", joined_on="2026-01-20")
                add("action", action=f"Action {i}", owner_member_id=member)
            for day in range(10, 20):
                meeting = add(
                    "meeting", kind="plenary", starts_at=f"2026-02-{day}T10:00", status="held"
                )
                add("minutes-action", meeting_id=meeting, description=f"Follow up {day}")
                add("gap", description=f"A gap found on the {day}th")
        many = {path: _statements(client, db, path)[0] for path in paths}
    assert many == few


def test_a_kept_page_shows_every_write_at_once_whoever_wrote_it(world: World) -> None:
    db = world.db
    _postgres_only(db)
    with TestClient(create_app(db, today=lambda: TODAY)) as client:
        login(client, "admin")
        assert "North" in _kept(client, db, "/")
        assert "North" in _kept(client, db, "/alliances/north")

        # the service layer, through another engine (as another web worker or a flow would)
        other = Database(db.url)
        try:
            with other.transaction() as session:
                north = alliance_service.get_alliance(session=session, ref="north")
                item_service.add_item(
                    session=session,
                    alliance=north,
                    kind="meeting",
                    item_in={"kind": "plenary", "starts_at": "2026-04-15T10:00"},
                    today=TODAY,
                )
                alliance_service.update_alliance(
                    session=session, ref="north", changes={"name": "North by service"}
                )
        finally:
            other.dispose()
        home = client.get("/").text
        assert "North by service" in home
        assert "Apr 15, 2026" in home  # the planned meeting, as the card's "next meeting"
        assert "North by service" in client.get("/alliances/north").text

        # plain SQL on a connection of its own (psql, a migration, a restore)
        assert "North by service" in _kept(client, db, "/")
        raw = create_engine(db.url)
        try:
            with raw.begin() as conn:
                conn.execute(
                    text("UPDATE alliances SET name = 'North by SQL' WHERE slug = 'north'")
                )
        finally:
            raw.dispose()
        assert "North by SQL" in client.get("/").text
        assert "North by SQL" in client.get("/alliances/north").text

        # the CLI, in a process of its own
        assert "North by SQL" in _kept(client, db, "/alliances/north")
        done = subprocess.run(
            [
                str(Path(sys.executable).parent / "alliance-flow"),
                "update",
                "north",
                "name=North by CLI",
            ],
            env={
                **os.environ,
                "ALLIANCE_FLOW_DATABASE_URL": db.url,
                "ALLIANCE_FLOW_LANGUAGE": "en",
            },
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert "North by CLI" in client.get("/alliances/north").text
        assert "North by CLI" in client.get("/").text


def test_a_write_that_did_not_commit_changes_nothing_and_keeps_nothing_stale(world: World) -> None:
    db = world.db
    _postgres_only(db)
    with TestClient(create_app(db, today=lambda: TODAY)) as client:
        login(client, "admin")
        _kept(client, db, "/")
        raw = create_engine(db.url)
        try:
            with raw.connect() as conn:
                # a write in progress while the page is asked for: not shown, and once it
                # commits, shown at once (the page kept meanwhile is not served again)
                conn.execute(text("UPDATE alliances SET name = 'North later' WHERE slug = 'north'"))
                assert "North later" not in client.get("/").text
                assert "North later" not in client.get("/").text
                conn.commit()
        finally:
            raw.dispose()
        assert "North later" in client.get("/").text


def test_kept_pages_are_never_anothers_and_follow_the_viewers_language(world: World) -> None:
    db = world.db
    _postgres_only(db)
    app = create_app(db, today=lambda: TODAY)
    with TestClient(app) as admin, TestClient(app) as coordinator:
        login(admin, "admin")
        csrf = login(coordinator, "coordinator")
        # same data, same moment: the admin's page (both alliances) is kept, the
        # coordinator still gets their own (north only)
        assert 'href="/alliances/south"' in _kept(admin, db, "/")
        mine = _kept(coordinator, db, "/")
        assert 'href="/alliances/north"' in mine
        assert 'href="/alliances/south"' not in mine
        # a change of language is seen at once
        answer = coordinator.post(
            "/account/language", data={"language": "fr", "csrf_token": csrf}, follow_redirects=False
        )
        assert answer.status_code in (200, 303), answer.text
        assert 'lang="fr"' in coordinator.get("/").text
        assert 'lang="en"' in admin.get("/").text


def test_a_funders_pages_are_not_kept(world: World) -> None:
    db = world.db
    _postgres_only(db)
    with TestClient(create_app(db, today=lambda: TODAY)) as client:
        login(client, "funder")
        for path in ("/", "/alliances/north"):
            first, _page = _statements(client, db, path)
            again, _page = _statements(client, db, path)
            assert again == first > 10


def test_a_read_sees_one_snapshot_named_by_what_is_committed(db: Database) -> None:
    _postgres_only(db)
    build_world(db)
    with db.reading() as (_session, before):
        pass
    with db.reading() as (_session, same):
        pass
    assert same == before  # nothing written in between
    with db.transaction() as session:
        alliance_service.update_alliance(session=session, ref="north", changes={"region": "X"})
    with db.reading() as (session, after):
        assert after != before
        with pytest.raises(Exception, match="read-only"):
            session.execute(text("UPDATE alliances SET region = 'Y'"))


def test_the_key_holds_every_field_of_the_viewer() -> None:
    """A role changed between reading the session and the snapshot must not let the page made
    for the old roles be served for the new ones (same session, same CSRF token)."""
    from starlette.requests import Request

    from alliance_flow.accounts.policy import Viewer
    from alliance_flow.web.deps import Page
    from alliance_flow.web.i18n import Translator
    from alliance_flow.web.page_cache import PageCache

    request = Request(
        {"type": "http", "method": "GET", "path": "/", "query_string": b"", "headers": []}
    )
    cache = PageCache()

    def key(**changes: Any) -> object:
        viewer = Viewer(1, "claire", "Claire", False, None, {1: "coordinator"}, {1: 5})
        viewer = dataclasses.replace(viewer, **changes)
        return cache.key(request, Page(viewer, "csrf", Translator("en")), TODAY, "9:9:", "home")

    assert key() == key()
    for change in (
        {"roles": {1: "coordinator", 2: "member"}},
        {"roles": {1: "member"}},
        {"members": {}},
        {"is_admin": True},
        {"language": "fr"},
        {"name": "Claire B."},
    ):
        assert key(**change) != key(), change
    assert cache.key(request, Page(None, "", Translator("en")), TODAY, "9:9:", "home") is None
    assert cache.key(request, Page(None, "", Translator("en")), TODAY, None, "home") is None


def test_the_kept_pages_stay_within_their_count_and_bytes() -> None:
    from alliance_flow.web.page_cache import PageCache

    cache = PageCache(size=3, max_bytes=100)
    for n in range(5):
        cache.put(n, b"x" * 30)
    assert [cache.get(n) is not None for n in range(5)] == [False, False, True, True, True]
    cache.get(2)  # used: kept longer than 3 and 4
    cache.put(5, b"y" * 60)  # 150 bytes: the least recently used go until 100 are left
    assert [cache.get(n) is not None for n in (2, 3, 4, 5)] == [True, False, False, True]
    cache.put(6, b"z" * 101)  # larger than all the room: not kept, nothing else dropped
    assert cache.get(6) is None
    assert cache.get(5) is not None
