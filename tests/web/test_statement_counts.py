"""The portfolio and alliance pages issue as many statements for 30 alliances as for 3."""

from __future__ import annotations

from fastapi.testclient import TestClient

from alliance_flow.db import Database
from alliance_flow.web import create_app
from alliance_flow.web.page_cache import PageCache
from benchmarks.generate import generate
from tests.conftest import TODAY
from tests.statements import counting
from tests.web.conftest import build_world, login


def _page_statements(client: TestClient, db: Database, path: str) -> int:
    with counting(db.engine) as seen:
        page = client.get(path)
    assert page.status_code == 200, page.text
    return len(seen)


def test_dashboard_pages_do_not_query_per_alliance(db: Database) -> None:
    world = build_world(db)
    generate(db, 3)
    app = create_app(world.db, today=lambda: TODAY)
    # Pages made, not kept (web/page_cache.py): on PostgreSQL a kept page costs 2 statements
    # whatever it shows, so this compared 2 with 2; and with another test worker committing
    # on the cluster, a kept page on one side and a made one on the other.
    app.state.page_cache = PageCache(max_bytes=0)
    with TestClient(app) as client:
        login(client, "admin")
        few = _page_statements(client, db, "/")
        alliance_few = _page_statements(client, db, "/alliances/g00001")
        generate(db, 27, start=3)
        home = client.get("/")
        assert home.text.count('href="/alliances/g0') >= 30  # every alliance is shown
        many = _page_statements(client, db, "/")
        alliance_many = _page_statements(client, db, "/alliances/g00001")
    assert many == few > 2
    assert alliance_many == alliance_few > 2
