"""Headers, login limits and API tokens: what protects an account and a page."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from alliance_flow.accounts import services as accounts
from alliance_flow.accounts.errors import TooManyAttempts
from alliance_flow.web import create_app
from alliance_flow.web.settings import get_web_settings
from tests.conftest import TODAY
from tests.web.conftest import PASSWORD, World, login, token_for

TEMPLATES = Path(__file__).resolve().parents[2] / "alliance_flow" / "web" / "templates"

# --- 6. security headers ----------------------------------------------------------------------


def test_every_answer_carries_the_security_headers(client: TestClient) -> None:
    for path in ("/login", "/api/v1/openapi.json", "/static/app.css", "/api/v1/me"):
        headers = client.get(path).headers
        policy = headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"
        assert headers["x-frame-options"] == "DENY"
        assert "strict-transport-security" not in headers  # plain HTTP: HSTS would lock users out


def test_hsts_is_sent_when_the_cookie_is_https_only(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALLIANCE_FLOW_WEB_COOKIE_SECURE", "true")
    get_web_settings.cache_clear()
    try:
        client = TestClient(create_app(world.db, today=lambda: TODAY))
        assert "max-age=" in client.get("/login").headers["strict-transport-security"]
    finally:
        get_web_settings.cache_clear()


def test_a_report_page_allows_its_own_styles_but_no_script(client: TestClient) -> None:
    login(client, "funder")
    policy = client.get("/alliances/north/report").headers["content-security-policy"]
    assert "'sha256-" in policy and "script-src 'self'" in policy
    assert "script-src 'self' 'unsafe" not in policy


def test_templates_have_no_inline_script_style_or_handler() -> None:
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), template.name
        assert not re.search(r"\sstyle=", text), template.name
        assert not re.search(r"\son[a-z]+=", text), template.name
        assert "<style" not in text, template.name


def test_api_docs_are_served_from_the_package(client: TestClient) -> None:
    page = client.get("/api/docs").text
    assert "cdn" not in page.lower() and "<script>" not in page
    for src in re.findall(r'(?:src|href)="(/static/[^"]+)"', page):
        answer = client.get(src)
        assert answer.status_code == 200 and len(answer.content) > 100, src
    assert client.get("/static/swagger/swagger-ui-bundle.js").status_code == 200


# --- 4. login limits --------------------------------------------------------------------------


def _fail(db, login_name: str, client: str, now: datetime, times: int) -> None:
    for _ in range(times):
        with db.transaction() as session:
            assert (
                accounts.authenticate(
                    session=session, login=login_name, password="wrong", client=client, now=now
                )
                is None
            )


def test_failures_from_one_client_never_lock_the_account_elsewhere(world: World) -> None:
    now = datetime(2026, 3, 2, 9, tzinfo=UTC)
    _fail(world.db, "admin", "198.51.100.7", now, 3)
    # the attacker's own next attempt waits, longer after each failure
    with pytest.raises(TooManyAttempts) as refused, world.db.transaction() as session:
        accounts.authenticate(
            session=session, login="admin", password=PASSWORD, client="198.51.100.7", now=now
        )
    assert refused.value.retry_after >= 1
    # the administrator, from their own computer, signs in at once
    with world.db.transaction() as session:
        user = accounts.authenticate(
            session=session, login="admin", password=PASSWORD, client="192.0.2.1", now=now
        )
    assert user is not None and user.login == "admin"


def test_the_delay_grows_with_each_failure() -> None:
    delays = [accounts.login_delay(n, accounts.FREE_FAILURES_PER_LOGIN) for n in range(2, 9)]
    assert delays[0] == timedelta(0)
    assert all(a < b for a, b in itertools.pairwise(delays))
    assert accounts.login_delay(100, 3) == accounts.FAILURE_WINDOW


def test_the_html_429_says_when_to_retry(client: TestClient) -> None:
    for _ in range(6):
        form = client.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
        answer = client.post(
            "/login", data={"login": "member", "password": "nope", "csrf_token": token}
        )
    assert answer.status_code == 429
    assert int(answer.headers["retry-after"]) >= 1


def test_forwarded_headers_are_believed_only_from_configured_proxies(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import uvicorn

    from alliance_flow.web.cli import web

    seen: dict = {}
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: seen.update(kw))
    get_web_settings.cache_clear()
    web(host="127.0.0.1", port=8000, workers=1)
    assert seen["proxy_headers"] is False
    monkeypatch.setenv("ALLIANCE_FLOW_WEB_TRUSTED_PROXIES", "10.0.0.5")
    get_web_settings.cache_clear()
    web(host="127.0.0.1", port=8000, workers=1)
    assert seen["proxy_headers"] is True and seen["forwarded_allow_ips"] == "10.0.0.5"
    get_web_settings.cache_clear()


# --- 5. API tokens ---------------------------------------------------------------------------


def test_a_token_is_listed_with_its_last_use_and_revoked_from_the_api(
    client: TestClient, world: World
) -> None:
    headers = token_for(world.db, "coordinator")
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    listed = client.get("/api/v1/me/tokens", headers=headers).json()
    assert len(listed) == 1 and listed[0]["last_used_at"] and listed[0]["expires_at"]
    answer = client.delete(f"/api/v1/me/tokens/{listed[0]['id']}", headers=headers)
    assert answer.status_code == 204
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_a_token_is_revoked_from_my_account_page(client: TestClient, world: World) -> None:
    headers = token_for(world.db, "member")
    csrf = login(client, "member")
    page = client.get("/account").text
    assert "tests" in page and "Revoke" in page
    token_id = re.search(r'action="/account/tokens/(\d+)/revoke"', page).group(1)  # type: ignore[union-attr]
    answer = client.post(
        f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert answer.status_code == 303
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_an_expired_token_opens_nothing(client: TestClient, world: World) -> None:
    with world.db.transaction() as session:
        user = accounts.get_user(session=session, login="member")
        secret = accounts.issue_token(
            session=session,
            user_id=user.id,
            name="old",
            days=1,
            now=datetime.now(UTC) - timedelta(days=2),
        )
    answer = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 401


def test_last_use_is_written_at_most_once_a_minute(world: World) -> None:
    now = datetime(2026, 3, 2, 9, tzinfo=UTC)
    with world.db.transaction() as session:
        user = accounts.get_user(session=session, login="member")
        secret = accounts.issue_token(session=session, user_id=user.id, name="busy", now=now)
    # used at once, then twice within the minute: the first use is what stays written (the
    # row is not rewritten, which `session.dirty` cannot show: the viewer's queries autoflush)
    for seconds in (0, 20, 59):
        with world.db.transaction() as session:
            accounts.token_viewer(
                session=session, secret=secret, now=now + timedelta(seconds=seconds)
            )
        with world.db.transaction() as session:
            row = accounts.list_tokens(session=session, user_id=user.id)[-1]
            assert row.last_used_at == now, seconds
    with world.db.transaction() as session:
        accounts.token_viewer(session=session, secret=secret, now=now + timedelta(seconds=61))
        row = accounts.list_tokens(session=session, user_id=user.id)[-1]
        assert row.last_used_at == now + timedelta(seconds=61)


def test_the_cli_lists_and_revokes_tokens(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from alliance_flow.cli import app
    from alliance_flow.settings import get_settings

    headers = token_for(world.db, "funder")
    monkeypatch.setenv("ALLIANCE_FLOW_DATABASE_URL", world.db.url)
    monkeypatch.setenv("COLUMNS", "200")
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        listed = runner.invoke(app, ["user", "tokens", "funder"])
        assert listed.exit_code == 0 and "tests" in listed.output, listed.output
        with world.db.transaction() as session:
            user = accounts.get_user(session=session, login="funder")
            token_id = accounts.list_tokens(session=session, user_id=user.id)[0].id
        revoked = runner.invoke(app, ["user", "revoke-token", "funder", str(token_id)])
        assert revoked.exit_code == 0, revoked.output
    finally:
        get_settings.cache_clear()
    client = TestClient(create_app(world.db, today=lambda: TODAY))
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_the_map_page_may_show_the_tile_servers_images_and_nothing_more(client):
    login(client, "coordinator")
    page = client.get("/alliances/north/map")
    assert page.status_code == 200
    policy = page.headers["content-security-policy"]
    assert "img-src 'self' data: https://tile.openstreetmap.org;" in policy
    assert "script-src 'self';" in policy  # still no inline or outside script
    other = client.get("/alliances/north").headers["content-security-policy"]
    assert "tile.openstreetmap.org" not in other
