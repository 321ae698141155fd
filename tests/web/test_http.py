"""HTTP-level tests of the dashboard and the API: statuses, bodies, cookies, CSRF, languages."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.web.conftest import PASSWORD, World, login, token_for

# --- login, sessions, CSRF ---------------------------------------------------------------------


def test_anonymous_pages_redirect_to_login(client: TestClient) -> None:
    answer = client.get("/alliances/north", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=/alliances/north"


def test_login_sets_a_httponly_samesite_cookie(client: TestClient) -> None:
    import re

    form = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    answer = client.post(
        "/login",
        data={"login": "member", "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    cookie = next(v for k, v in answer.headers.multi_items() if v.startswith("af_session="))
    assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower()


def test_wrong_password_is_refused_then_rate_limited(client: TestClient) -> None:
    import re

    # three free attempts from this client, then each waits longer (see accounts.login_delay)
    for _ in range(3):
        form = client.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
        answer = client.post(
            "/login", data={"login": "member", "password": "nope", "csrf_token": token}
        )
        assert answer.status_code == 401
        assert "Wrong login or password" in answer.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)  # type: ignore[union-attr]
    answer = client.post(
        "/login", data={"login": "member", "password": PASSWORD, "csrf_token": token}
    )
    assert answer.status_code == 429


def test_login_form_without_csrf_is_refused(client: TestClient) -> None:
    answer = client.post("/login", data={"login": "member", "password": PASSWORD})
    assert answer.status_code == 403


def test_form_without_csrf_token_is_refused(client: TestClient) -> None:
    login(client, "coordinator")
    answer = client.post("/alliances/north/advance", data={})
    assert answer.status_code == 403
    assert "reload the page" in answer.text


def test_logout_ends_the_session(client: TestClient) -> None:
    csrf = login(client, "member")
    assert (
        client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
    )
    assert client.get("/", follow_redirects=False).status_code == 303


# --- pages -------------------------------------------------------------------------------------


def test_portfolio_lists_only_alliances_with_a_role(client: TestClient) -> None:
    login(client, "funder")
    page = client.get("/")
    assert page.status_code == 200
    assert "North" in page.text and "South" not in page.text
    assert "0 of 8" in page.text


def test_portfolio_filters_by_country(client: TestClient) -> None:
    login(client, "admin")
    assert 'href="/alliances/south"' not in client.get("/?country=FR").text
    assert 'href="/alliances/south"' in client.get("/?country=IE").text


def test_advance_refused_shows_the_failing_checks(client: TestClient) -> None:
    csrf = login(client, "coordinator")
    answer = client.post("/alliances/north/advance", data={"csrf_token": csrf})
    assert answer.status_code == 409
    assert "Advance refused" in answer.text
    fragment = client.post(
        "/alliances/north/advance", headers={"HX-Request": "true", "X-CSRF-Token": csrf}
    )
    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith('<div id="workflow">')
    assert "Advance refused" in fragment.text


def test_waive_needs_a_reason_and_is_recorded_with_its_author(client: TestClient) -> None:
    csrf = login(client, "coordinator")
    code = "scope.candidates"
    page = client.get("/alliances/north").text
    assert 'data-code="' in page
    code = page.split('data-code="')[1].split('"')[0]
    short = client.post(
        "/alliances/north/waive", data={"csrf_token": csrf, "code": code, "reason": "no"}
    )
    assert short.status_code == 422
    done = client.post(
        "/alliances/north/waive",
        data={"csrf_token": csrf, "code": code, "reason": "agreed with the funder in writing"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    page = client.get("/alliances/north").text
    assert "Waived by Coordinator" in page


def test_move_back_from_the_first_stage_is_refused(client: TestClient) -> None:
    csrf = login(client, "coordinator")
    answer = client.post(
        "/alliances/north/back", data={"csrf_token": csrf, "reason": "we need to redo the scope"}
    )
    assert answer.status_code == 409


def test_funder_sees_progress_but_no_write_controls_nor_people(client: TestClient) -> None:
    login(client, "funder")
    page = client.get("/alliances/north").text
    assert "Checklist to leave this stage" in page
    assert "/advance" not in page and "/waive" not in page
    assert client.get("/alliances/north/members").status_code == 403


def test_member_pages_add_and_report_problems(client: TestClient) -> None:
    csrf = login(client, "coordinator")
    bad = client.post("/alliances/north/members", data={"csrf_token": csrf, "email": "x"})
    assert bad.status_code == 422
    assert "required" in bad.text
    ok = client.post(
        "/alliances/north/members",
        data={"csrf_token": csrf, "name": "Ana Silva", "email": "ana@example.org"},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    assert "Ana Silva" in client.get("/alliances/north/members").text


def test_organisation_page_adds_with_sectors(client: TestClient) -> None:
    csrf = login(client, "coordinator")
    ok = client.post(
        "/alliances/north/organisations",
        data={
            "csrf_token": csrf,
            "name": "Cafe",
            "group": "ngo",
            "sectors": ["social_action", "economic_insertion"],
        },
        follow_redirects=False,
    )
    assert ok.status_code == 303
    listing = client.get("/alliances/north/organisations").text
    assert "Professional and economic insertion" in listing and "Social action" in listing
    assert "economic_insertion" not in listing.split("<main", 1)[1].split("<form", 1)[0]
    dup = client.post("/alliances/north/organisations", data={"csrf_token": csrf, "name": "Cafe"})
    assert dup.status_code == 409


def test_coordinator_creates_an_alliance_and_coordinates_it(client: TestClient) -> None:
    csrf = login(client, "coordinator")
    answer = client.post(
        "/alliances",
        data={"csrf_token": csrf, "name": "Cork Alliance", "country": "IE"},
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/alliances/cork-alliance"
    assert "Coordinator" in client.get("/alliances/cork-alliance").text
    invalid = client.post("/alliances", data={"csrf_token": csrf, "name": "X", "country": "Ire"})
    assert invalid.status_code == 422


def test_language_from_browser_then_from_user(client: TestClient) -> None:
    french = client.get("/login", headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"})
    assert "Se connecter" in french.text and 'lang="fr"' in french.text
    csrf = login(client, "member")
    client.post("/account/language", data={"csrf_token": csrf, "language": "fr"})
    assert "Portefeuille" in client.get("/").text
    bad = client.post("/account/language", data={"csrf_token": csrf, "language": "xx"})
    assert bad.status_code == 422


def test_account_page_issues_a_token_once(client: TestClient) -> None:
    csrf = login(client, "member")
    answer = client.post("/account/tokens", data={"csrf_token": csrf, "name": "laptop"})
    assert answer.status_code == 201
    secret = answer.text.split("<code>")[1].split("</code>")[0]
    assert (
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).json()["login"]
        == "member"
    )
    assert secret not in client.get("/account").text


def test_admin_creates_users_and_gives_roles(client: TestClient) -> None:
    csrf = login(client, "admin")
    created = client.post(
        "/admin/users",
        data={
            "csrf_token": csrf,
            "login": "newbie",
            "name": "New Bie",
            "password": "long enough pw",
        },
        follow_redirects=False,
    )
    assert created.status_code == 303
    granted = client.post(
        "/admin/roles",
        data={"csrf_token": csrf, "login": "newbie", "alliance": "north", "role": "funder"},
        follow_redirects=False,
    )
    assert granted.status_code == 303
    assert "north: Funder" in client.get("/admin/users").text
    short = client.post(
        "/admin/users", data={"csrf_token": csrf, "login": "x!", "name": "", "password": "a"}
    )
    assert short.status_code == 422


# --- JSON API ----------------------------------------------------------------------------------


def test_api_needs_a_token(client: TestClient) -> None:
    answer = client.get("/api/v1/alliances")
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "unauthenticated"
    bad = client.get("/api/v1/alliances", headers={"Authorization": "Bearer af_nope"})
    assert bad.status_code == 401


def test_api_advance_refused_lists_the_failing_checks(client: TestClient, world: World) -> None:
    headers = token_for(world.db, "coordinator")
    answer = client.post("/api/v1/alliances/north/advance", headers=headers)
    assert answer.status_code == 409
    error = answer.json()["error"]
    assert error["code"] == "gate_blocked"
    assert error["failing"] and {"code", "reason", "fix"} <= set(error["failing"][0])


def test_api_waive_then_history_records_the_author(client: TestClient, world: World) -> None:
    headers = token_for(world.db, "coordinator")
    checks = client.get("/api/v1/alliances/north/checks", headers=headers).json()
    code = checks["checks"][0]["code"]
    answer = client.post(
        "/api/v1/alliances/north/waive",
        headers=headers,
        json={"code": code, "reason": "agreed with the funder in writing"},
    )
    assert answer.status_code == 200
    assert next(c for c in answer.json()["checks"] if c["code"] == code)["waived"]
    again = client.post(
        "/api/v1/alliances/north/waive",
        headers=headers,
        json={"code": code, "reason": "agreed with the funder in writing"},
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"
    history = client.get("/api/v1/alliances/north/history", headers=headers).json()
    assert history[-1]["kind"] == "waived" and history[-1]["actor"] == "Coordinator"


def test_api_errors_name_the_field(client: TestClient, world: World) -> None:
    headers = token_for(world.db, "coordinator")
    answer = client.post("/api/v1/alliances", headers=headers, json={"name": "X", "country": "F"})
    assert answer.status_code == 422
    assert answer.json()["error"]["problems"][0]["field"] == "country"
    unknown = client.post(
        "/api/v1/alliances/north/waive",
        headers=headers,
        json={"code": "nope", "reason": "a reason long enough"},
    )
    assert unknown.status_code == 422
    assert unknown.json()["error"]["problems"] == [
        {"field": "code", "problem": unknown.json()["error"]["problems"][0]["problem"]}
    ]
    back = client.post(
        "/api/v1/alliances/north/back", headers=headers, json={"reason": "a reason long enough"}
    )
    assert back.status_code == 409 and back.json()["error"]["code"] == "invalid_transition"


def test_api_alliance_of_others_is_404_not_403(client: TestClient, world: World) -> None:
    headers = token_for(world.db, "outsider")
    for path in ("/api/v1/alliances/north", "/api/v1/alliances/no-such-thing"):
        answer = client.get(path, headers=headers)
        assert answer.status_code == 404
        assert answer.json()["error"]["code"] == "not_found"
    assert [a["slug"] for a in client.get("/api/v1/alliances", headers=headers).json()] == ["south"]


def test_api_members_and_organisations(client: TestClient, world: World) -> None:
    headers = token_for(world.db, "coordinator")
    org = client.post(
        "/api/v1/alliances/north/organisations",
        headers=headers,
        json={"name": "Mairie", "group": "public_authority", "sectors": ["social_action"]},
    )
    assert org.status_code == 201 and org.json()["sectors"] == ["social_action"]
    member = client.post(
        "/api/v1/alliances/north/members",
        headers=headers,
        json={"name": "Jo", "organisation_id": org.json()["id"], "roles": ["chair"]},
    )
    assert member.status_code == 201 and member.json()["roles"] == ["chair"]
    names = [
        m["name"] for m in client.get("/api/v1/alliances/north/members", headers=headers).json()
    ]
    assert "Jo" in names
    listed = client.get("/api/v1/alliances/north/organisations", headers=headers).json()
    assert [o["name"] for o in listed].count("Mairie") == 1


def test_openapi_documents_the_api(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/alliances/{ref}/advance" in spec["paths"]
    assert not any(not p.startswith("/api/") for p in spec["paths"])


def test_member_page_records_the_group_of_an_individual_member(
    client: TestClient, world: World
) -> None:
    csrf = login(client, "coordinator")
    ok = client.post(
        "/alliances/north/members",
        data={
            "csrf_token": csrf,
            "name": "Hamid Karimi",
            "group": "migrant_refugee_community",
            "sector": "social_action",
        },
        follow_redirects=False,
    )
    assert ok.status_code == 303
    headers = token_for(world.db, "coordinator")
    rows = client.get("/api/v1/alliances/north/checks", headers=headers).json()["checks"]
    assert next(c for c in rows if c["code"] == "scope.migrant_communities_included")["passed"]
    bad = client.post(
        "/alliances/north/members", data={"csrf_token": csrf, "name": "X", "group": "aliens"}
    )
    assert bad.status_code == 422 and "group" in bad.text


def test_an_advance_through_htmx_also_renames_the_stage_outside_the_swapped_part(
    client: TestClient,
) -> None:
    """htmx swaps #workflow only; the stage named above the alliance's name and in the context
    bar come with it (out-of-band), or the page would say "Scope" under a Launch stepper."""
    csrf = login(client, "coordinator")
    page = client.get("/alliances/north").text
    for code in set(re.findall(r'data-code="(scope\.[a-z_]+)"', page)):
        client.post(
            "/alliances/north/waive",
            data={"csrf_token": csrf, "code": code, "reason": "agreed with the funder in writing"},
        )
    fragment = client.post(
        "/alliances/north/advance", headers={"HX-Request": "true", "X-CSRF-Token": csrf}
    )
    assert fragment.status_code == 200
    assert 'data-stage="launch"' in fragment.text
    caption = re.search(
        r'<span[^>]*id="stage-caption" hx-swap-oob="true">([^<]*)</span>', fragment.text
    )
    assert caption and caption.group(1).strip() == "Stage 2 of 6: Launch"
    context = re.search(r'id="shell-stage" hx-swap-oob="true">[^<]*<strong>([^<]*)<', fragment.text)
    assert context and context.group(1) == "Launch"
    whole = client.get("/alliances/north").text  # the full page names the same stage
    assert 'id="stage-caption">Stage 2 of 6: Launch</span>' in whole
