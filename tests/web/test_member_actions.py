"""A member's own part: the account linked to a member signs the charter and reports on the
actions they own, in the browser and through the API; nobody changes someone else's."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from alliance_flow import models as m
from alliance_flow.accounts import membership
from alliance_flow.accounts.demo import create_demo_accounts
from alliance_flow.accounts.models import User, UserAllianceRole
from alliance_flow.cli import app as cli_app
from alliance_flow.errors import Conflict, NotFound
from alliance_flow.services import alliances as alliance_service
from alliance_flow.services import items as item_service
from alliance_flow.settings import get_settings
from tests.conftest import TODAY
from tests.web.conftest import World, login, token_for


def _status_of(world: World, action_id: int) -> str:
    with world.db.transaction() as session:
        row = session.get(m.ActionPlanItem, action_id)
        assert row is not None
        return row.status


def _done_on(world: World, action_id: int) -> date | None:
    with world.db.transaction() as session:
        row = session.get(m.MeetingAction, action_id)
        assert row is not None
        return row.done_on


# --- pages ---------------------------------------------------------------------------------------


def test_member_page_shows_the_charter_and_only_their_actions(client: TestClient) -> None:
    # given
    login(client, "member")
    # when
    page = client.get("/alliances/north/me")
    # then
    assert page.status_code == 200
    assert "You speak for Mia Member" in page.text
    assert "We work together, in good faith." in page.text
    assert "Sign version 1" in page.text
    assert "Mia&#39;s action" in page.text and "Book the room" in page.text
    assert "Olle" not in page.text and "Send minutes" not in page.text
    assert 'href="/alliances/north/me"' in client.get("/alliances/north").text


def test_member_signs_the_current_charter_once(client: TestClient, world: World) -> None:
    csrf = login(client, "member")
    unticked = client.post("/alliances/north/me/sign", data={"csrf_token": csrf})
    assert unticked.status_code == 422 and "tick the box" in unticked.text
    signed = client.post(
        "/alliances/north/me/sign",
        data={"csrf_token": csrf, "agree": "on"},
        follow_redirects=False,
    )
    assert signed.status_code == 303 and signed.headers["location"] == "/alliances/north/me"
    page = client.get("/alliances/north/me").text
    assert "You signed this version on" in page and "Sign version 1" not in page
    again = client.post("/alliances/north/me/sign", data={"csrf_token": csrf, "agree": "on"})
    assert again.status_code == 409 and "already signed" in again.text
    with world.db.transaction() as session:
        rows = list(session.scalars(select(m.CharterSignature)))
    assert [(r.member_id, r.signed_on) for r in rows] == [(world.mia, TODAY)]


def test_signing_needs_the_csrf_token(client: TestClient) -> None:
    login(client, "member")
    answer = client.post("/alliances/north/me/sign", data={"agree": "on"})
    assert answer.status_code == 403


def test_member_updates_their_own_actions(client: TestClient, world: World) -> None:
    csrf = login(client, "member")
    status = client.post(
        f"/alliances/north/me/actions/{world.action}",
        data={"csrf_token": csrf, "status": "in_progress"},
        follow_redirects=False,
    )
    assert status.status_code == 303
    assert _status_of(world, world.action) == "in_progress"
    done = client.post(
        f"/alliances/north/me/minutes-actions/{world.minutes_action}",
        data={"csrf_token": csrf, "done_on": "2026-02-20"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert _done_on(world, world.minutes_action) == date(2026, 2, 20)
    undone = client.post(
        f"/alliances/north/me/minutes-actions/{world.minutes_action}",
        data={"csrf_token": csrf, "done_on": ""},
        follow_redirects=False,
    )
    assert undone.status_code == 303 and _done_on(world, world.minutes_action) is None


def test_member_cannot_update_someone_elses_action(client: TestClient, world: World) -> None:
    csrf = login(client, "member")
    for path, data in (
        (f"/alliances/north/me/actions/{world.other_action}", {"status": "dropped"}),
        (f"/alliances/north/me/minutes-actions/{world.other_minutes_action}", {"done_on": ""}),
    ):
        answer = client.post(path, data={"csrf_token": csrf, **data})
        assert answer.status_code == 403
        assert "belongs to another member" in answer.text
    assert _status_of(world, world.other_action) == "planned"


def test_wrong_values_are_refused_with_the_field(client: TestClient, world: World) -> None:
    csrf = login(client, "member")
    bad_status = client.post(
        f"/alliances/north/me/actions/{world.action}", data={"csrf_token": csrf, "status": "won"}
    )
    assert bad_status.status_code == 422 and "status" in bad_status.text
    future = client.post(
        f"/alliances/north/me/minutes-actions/{world.minutes_action}",
        data={"csrf_token": csrf, "done_on": "2026-03-03"},
    )
    assert future.status_code == 422 and "cannot be in the future" in future.text
    assert _done_on(world, world.minutes_action) is None
    missing = client.post("/alliances/north/me/actions/999999", data={"csrf_token": csrf})
    assert missing.status_code == 404


def test_unlinked_coordinator_is_told_and_cannot_sign(client: TestClient) -> None:
    csrf = login(client, "coordinator")
    page = client.get("/alliances/north/me")
    assert page.status_code == 200 and 'id="not-linked"' in page.text
    answer = client.post("/alliances/north/me/sign", data={"csrf_token": csrf, "agree": "on"})
    assert answer.status_code == 403 and "not linked" in answer.text


def test_a_candidate_who_has_not_joined_cannot_sign(client: TestClient, world: World) -> None:
    with world.db.transaction() as session:
        north = alliance_service.get_alliance(session=session, ref="north")
        item_service.edit_item(
            session=session,
            alliance=north,
            kind="member",
            item_id=world.mia,
            changes={"joined_on": None},
            today=TODAY,
        )
    csrf = login(client, "member")
    assert "Only members who have joined" in client.get("/alliances/north/me").text
    answer = client.post("/alliances/north/me/sign", data={"csrf_token": csrf, "agree": "on"})
    assert answer.status_code == 409


# --- API -----------------------------------------------------------------------------------------


def test_api_member_signs_and_reports(client: TestClient, world: World) -> None:
    headers = token_for(world.db, "member")
    part = client.get("/api/v1/alliances/north/me", headers=headers).json()
    assert part["member"]["name"] == "Mia Member" and part["may_sign"] is True
    assert [a["action"] for a in part["actions"]] == ["Mia's action"]
    assert [a["description"] for a in part["minutes_actions"]] == ["Book the room"]
    signed = client.post("/api/v1/alliances/north/me/signature", headers=headers)
    assert signed.status_code == 201
    assert signed.json() == {
        "member_id": world.mia,
        "charter_version": 1,
        "signed_on": "2026-03-02",
    }
    again = client.post("/api/v1/alliances/north/me/signature", headers=headers)
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"
    status = client.patch(
        f"/api/v1/alliances/north/me/actions/{world.action}",
        headers=headers,
        json={"status": "done"},
    )
    assert status.status_code == 200 and status.json()["status"] == "done"
    done = client.patch(
        f"/api/v1/alliances/north/me/minutes-actions/{world.minutes_action}",
        headers=headers,
        json={"done_on": "2026-02-27"},
    )
    assert done.status_code == 200 and done.json()["done_on"] == "2026-02-27"
    after = client.get("/api/v1/alliances/north/me", headers=headers).json()
    assert after["signed_on"] == "2026-03-02" and after["may_sign"] is False


def test_api_refusals_carry_codes_and_fields(client: TestClient, world: World) -> None:
    headers = token_for(world.db, "member")
    others = client.patch(
        f"/api/v1/alliances/north/me/actions/{world.other_action}",
        headers=headers,
        json={"status": "done"},
    )
    assert others.status_code == 403 and others.json()["error"]["code"] == "forbidden"
    extra = client.patch(
        f"/api/v1/alliances/north/me/actions/{world.action}",
        headers=headers,
        json={"status": "done", "action": "Renamed"},
    )
    assert extra.status_code == 422
    assert extra.json()["error"]["problems"] == [{"field": "action", "problem": "unknown field"}]
    wrong = client.patch(
        f"/api/v1/alliances/north/me/actions/{world.action}", headers=headers, json={"status": "x"}
    )
    assert wrong.status_code == 422 and wrong.json()["error"]["problems"][0]["field"] == "status"
    elsewhere = client.patch(
        "/api/v1/alliances/north/me/minutes-actions/999999",
        headers=headers,
        json={"done_on": None},
    )
    assert elsewhere.status_code == 404 and elsewhere.json()["error"]["code"] == "not_found"
    unlinked = client.get("/api/v1/alliances/north/me", headers=token_for(world.db, "coordinator"))
    assert unlinked.status_code == 200 and unlinked.json()["member"] is None
    funder = client.get("/api/v1/alliances/north/me", headers=token_for(world.db, "funder"))
    assert funder.status_code == 403


# --- linking accounts to members -----------------------------------------------------------------


def test_admin_links_and_unlinks_an_account(client: TestClient, world: World) -> None:
    csrf = login(client, "admin")
    page = client.get("/admin/users").text
    # members are picked by name from a list grouped by alliance, never typed as ids
    assert '<optgroup label="North">' in page
    assert f'<option value="{world.olle}">Olle Other</option>' in page
    assert 'name="member" type="text"' not in page
    linked = client.post(
        "/admin/links",
        data={
            "csrf_token": csrf,
            "login": "coordinator",
            "alliance": "north",
            "member": str(world.olle),
        },
        follow_redirects=False,
    )
    assert linked.status_code == 303
    assert "north: Coordinator (as Olle Other)" in client.get("/admin/users").text
    taken = client.post(
        "/admin/links",
        data={"csrf_token": csrf, "login": "funder", "alliance": "north", "member": str(world.mia)},
    )
    assert taken.status_code == 422
    assert 'id="l-member-error"' in taken.text
    assert "Mia Member is already linked to another account" in taken.text
    no_role = client.post(
        "/admin/links",
        data={
            "csrf_token": csrf,
            "login": "outsider",
            "alliance": "north",
            "member": str(world.mia),
        },
    )
    assert no_role.status_code == 422 and 'id="l-login-error"' in no_role.text
    assert "has no role on North" in no_role.text
    unlinked = client.post(
        "/admin/links",
        data={"csrf_token": csrf, "login": "coordinator", "alliance": "north", "member": ""},
        follow_redirects=False,
    )
    assert unlinked.status_code == 303
    assert "(as Olle Other)" not in client.get("/admin/users").text


def test_a_refused_admin_form_keeps_every_choice_and_names_the_field_in_french(
    client: TestClient, world: World
) -> None:
    csrf = login(client, "admin")
    client.post("/language", data={"language": "fr", "next": "/", "csrf_token": csrf})
    # a member of north chosen while south is the alliance: refused next to the member field
    answer = client.post(
        "/admin/links",
        data={
            "csrf_token": csrf,
            "login": "outsider",
            "alliance": "south",
            "member": str(world.mia),
        },
    )
    assert answer.status_code == 422
    page = answer.text
    assert 'id="l-member-error"' in page and "choisissez un membre de South" in page
    assert 'href="#l-member"' in page  # the error summary links to the field
    for chosen in (
        '<option value="outsider" selected>',
        '<option value="south" selected>',
        f'<option value="{world.mia}" selected>',
    ):
        assert chosen in page, chosen
    # the other forms of the page are not marked
    assert 'id="g-login-error"' not in page and 'id="u-login-error"' not in page
    with world.db.transaction() as session:
        row = session.scalars(
            select(UserAllianceRole)
            .join(User, User.id == UserAllianceRole.user_id)
            .where(User.login == "outsider")
        ).one()
        assert row.member_id is None
    # a new user refused: what was typed and chosen is kept, never the password
    refused = client.post(
        "/admin/users",
        data={
            "csrf_token": csrf,
            "login": "member",  # taken
            "name": "Nouvelle Personne",
            "password": "a secret phrase",
            "language": "sv",
            "is_admin": "on",
        },
    )
    assert refused.status_code == 422
    assert "cet identifiant est déjà pris" in refused.text and 'id="u-login-error"' in refused.text
    assert 'value="Nouvelle Personne"' in refused.text
    assert '<option value="sv" selected>' in refused.text
    assert 'id="u-is-admin" name="is_admin" type="checkbox" checked' in refused.text
    assert "a secret phrase" not in refused.text
    # a role with an unknown alliance: the alliance field is named, the role kept
    role = client.post(
        "/admin/roles",
        data={"csrf_token": csrf, "login": "funder", "alliance": "nowhere", "role": "member"},
    )
    assert role.status_code == 422 and 'id="g-alliance-error"' in role.text
    assert '<option value="member" selected>' in role.text


def test_link_finds_members_by_id_or_name_in_that_alliance_only(world: World) -> None:
    with world.db.transaction() as session:
        south = alliance_service.get_alliance(session=session, ref="south")
        with pytest.raises(NotFound):
            membership.find_member(session=session, alliance=south, ref=world.mia)
        north = alliance_service.get_alliance(session=session, ref="north")
        assert membership.find_member(session=session, alliance=north, ref="MIA MEMBER").id == (
            world.mia
        )
    with pytest.raises(Conflict), world.db.transaction() as session:
        membership.link_member(
            session=session, login="coordinator", alliance_ref="north", member_ref=world.mia
        )


def test_removing_a_member_removes_the_link(world: World) -> None:
    with world.db.transaction() as session:
        north = alliance_service.get_alliance(session=session, ref="north")
        item_service.remove_item(session=session, alliance=north, kind="member", item_id=world.mia)
    with world.db.transaction() as session:
        row = session.scalars(
            select(UserAllianceRole)
            .join(User, User.id == UserAllianceRole.user_id)
            .where(User.login == "member")
        ).one()
        assert row.member_id is None and row.role == "member"


def test_cli_links_an_account(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLIANCE_FLOW_DATABASE_URL", world.db.url)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli_app, ["user", "link", "coordinator", "north", "Olle Other"])
        assert result.exit_code == 0, result.output
        assert "speaks for Olle Other" in result.output
        wrong = CliRunner().invoke(cli_app, ["user", "link", "coordinator", "north", "Nobody"])
        assert wrong.exit_code == 1 and "no member 'Nobody'" in wrong.output
    finally:
        get_settings.cache_clear()


def test_demo_member_accounts_speak_for_a_member_who_has_not_signed(world: World) -> None:
    create_demo_accounts(world.db, ["north"])
    with world.db.transaction() as session:
        row = session.scalars(
            select(UserAllianceRole)
            .join(User, User.id == UserAllianceRole.user_id)
            .where(User.login == "member-north")
        ).one()
        olle = session.scalars(select(m.Member).where(m.Member.name == "Olle Other")).one()
    # Mia is already the "member" persona's: the demo takes the other unsigned member.
    assert row.member_id == olle.id
