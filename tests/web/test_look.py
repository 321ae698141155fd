"""The shell, the alliance details form, stage workspaces, fix links and error pages, over HTTP."""

from __future__ import annotations

import html
import re
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from alliance_flow.accounts import services as accounts
from alliance_flow.services import alliances as alliance_service
from alliance_flow.web import create_app
from alliance_flow.web.forms import parse_date
from tests.conftest import TODAY
from tests.web.conftest import World, login

GOOD = {
    "name": "North Alliance",
    "region": "Fryslân",
    "region_boundary": "Leeuwarden and the municipalities around it",
    "country": "NL",
    "timezone": "Europe/Amsterdam",
    "language": "nl",
    "work_plan_start": "01/02/2026",
    "work_plan_end": "2027-07-31",
    "funders": ["funder"],
}


def _saved(world: World) -> Any:
    with world.db.transaction() as session:
        a = alliance_service.get_alliance(session=session, ref="north")
        session.expunge(a)
        return a


def _funders(world: World) -> set[str]:
    with world.db.transaction() as session:
        a = alliance_service.get_alliance(session=session, ref="north")
        return {
            u.login
            for u, r in accounts.roles_by_alliance(session=session, alliance_id=a.id)
            if r == "funder"
        }


def test_coordinator_saves_the_alliance_details(client: TestClient, world: World) -> None:
    csrf = login(client, "coordinator")
    form = client.get("/alliances/north/edit")
    assert form.status_code == 200
    assert '<optgroup label="Europe">' in form.text and 'value="Europe/Dublin"' in form.text
    answer = client.post(
        "/alliances/north/edit", data={**GOOD, "csrf_token": csrf}, follow_redirects=False
    )
    assert answer.status_code == 303
    a = _saved(world)
    assert (a.name, a.country, a.timezone, a.language) == (
        "North Alliance",
        "NL",
        "Europe/Amsterdam",
        "nl",
    )
    assert a.work_plan_start == date(2026, 2, 1) and a.work_plan_end == date(2027, 7, 31)
    assert _funders(world) == {"funder"}
    again = client.get(answer.headers["location"])
    assert "The alliance details were saved." in again.text
    assert 'value="01/02/2026"' in again.text  # a saved date shows as day/month/year


def test_accountability_and_channels_have_one_form_on_the_launch_page(
    client: TestClient, world: World
) -> None:
    """The details page shows them read-only with a link to the launch workspace's form (the
    one the checks link to), and a value posted to the details form changes nothing."""
    csrf = login(client, "coordinator")
    saved = client.post(
        "/alliances/north/launch/rules",
        data={"accountable": "The steering group", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    client.post(
        "/alliances/north/launch/channels",
        data={"communication_channels": "Group e-mail\nShared folder", "csrf_token": csrf},
    )
    details = client.get("/alliances/north/edit").text
    assert 'name="accountable"' not in details and 'name="communication_channels"' not in details
    assert "The steering group" in details and "Shared folder" in details
    assert 'href="/alliances/north/launch#r-accountable"' in details
    assert 'href="/alliances/north/launch#c-communication-channels"' in details
    forged = {**GOOD, "accountable": "Someone else", "communication_channels": "Fax"}
    answer = client.post("/alliances/north/edit", data={**forged, "csrf_token": csrf})
    assert answer.status_code in (200, 303)
    a = _saved(world)
    assert a.accountable == "The steering group"
    assert a.communication_channels == ["Group e-mail", "Shared folder"]
    launch = client.get("/alliances/north/launch").text
    assert 'id="r-accountable"' in launch and 'id="c-communication-channels"' in launch


def test_refused_details_keep_what_was_typed_and_change_nothing(
    client: TestClient, world: World
) -> None:
    csrf = login(client, "coordinator")
    client.post("/alliances/north/edit", data={**GOOD, "csrf_token": csrf})
    before = _saved(world)
    typed = {
        **GOOD,
        "region": "Kronoberg",
        "timezone": "Europe/Stockholm",
        "country": "SE",
        "language": "sv",
        "work_plan_start": "2027-06-01",
        "work_plan_end": "01/01/2027",  # before the start: refused
        "funders": [],
    }
    answer = client.post("/alliances/north/edit", data={**typed, "csrf_token": csrf})
    assert answer.status_code == 422
    page = answer.text
    assert "There is a problem: nothing was saved" in page
    assert 'href="#f-work-plan-end"' in page  # the summary links to the field
    assert 'id="f-work-plan-end-error"' in page  # and the field shows its own error
    assert 'value="Kronoberg"' in page and 'value="01/01/2027"' in page
    for select in (
        'value="Europe/Stockholm" selected',
        'value="SE" selected',
        'value="sv" selected',
    ):
        assert select in page
    assert 'name="funders" type="checkbox" value="funder" checked' not in page
    after = _saved(world)
    assert (after.region, after.timezone, after.work_plan_end) == (
        before.region,
        before.timezone,
        before.work_plan_end,
    )
    assert _funders(world) == {"funder"}  # the funders were not touched either


def test_a_date_that_does_not_exist_is_named_next_to_its_field(client: TestClient) -> None:
    csrf = login(client, "coordinator")
    answer = client.post(
        "/alliances/north/edit", data={**GOOD, "work_plan_start": "31/02/2026", "csrf_token": csrf}
    )
    assert answer.status_code == 422
    assert "enter a date as day/month/year" in answer.text
    assert 'value="31/02/2026"' in answer.text


def test_an_empty_name_is_refused_in_french(client: TestClient, world: World) -> None:
    csrf = login(client, "coordinator")
    client.post("/language", data={"language": "fr", "next": "/", "csrf_token": csrf})
    answer = client.post("/alliances/north/edit", data={**GOOD, "name": "", "csrf_token": csrf})
    assert answer.status_code == 422
    assert "Il y a un problème\u00a0: rien n'a été enregistré" in html.unescape(answer.text)
    assert 'href="#f-name"' in answer.text
    assert _saved(world).name == "North"


def test_funders_are_named_and_removed_but_never_other_roles(
    client: TestClient, world: World
) -> None:
    csrf = login(client, "coordinator")
    client.post("/alliances/north/edit", data={**GOOD, "funders": [], "csrf_token": csrf})
    assert _funders(world) == set()
    # the member of north, an admin and an unknown login are not offered as funders
    for login_name in ("member", "admin", "nobody"):
        answer = client.post(
            "/alliances/north/edit", data={**GOOD, "funders": [login_name], "csrf_token": csrf}
        )
        assert answer.status_code == 422, login_name
    with world.db.transaction() as session:
        a = alliance_service.get_alliance(session=session, ref="north")
        roles = dict(
            (u.login, r) for u, r in accounts.roles_by_alliance(session=session, alliance_id=a.id)
        )
    assert roles["member"] == "member"


def test_the_funders_list_shows_no_account_of_another_alliance(
    client: TestClient, world: World
) -> None:
    """A coordinator chooses funders among funders' accounts, never sees who runs another."""
    csrf = login(client, "coordinator")
    page = client.get("/alliances/north/edit").text
    assert 'value="funder"' in page
    assert "outsider" not in page.lower()  # coordinates south
    answer = client.post(
        "/alliances/north/edit", data={**GOOD, "funders": ["outsider"], "csrf_token": csrf}
    )
    assert answer.status_code == 422
    assert _funders(world) != {"outsider"}


# --- stage workspaces and fix links -------------------------------------------------------------


def test_failing_checks_link_to_the_form_that_fixes_them(client: TestClient) -> None:
    login(client, "coordinator")
    page = client.get("/alliances/north").text
    assert 'href="/alliances/north/edit#f-region"' in page
    assert "command line" not in page
    launch = client.get("/alliances/north/stages/launch")
    assert launch.status_code == 200
    assert 'href="/alliances/north/launch#r-accountable"' in launch.text
    assert 'href="/alliances/north/launch#c-communication-channels"' in launch.text
    assert 'href="/alliances/north/launch#plenaries"' in launch.text
    assert 'href="/alliances/north/members#roles"' in launch.text
    # every launch fix link lands on an element of its page that exists
    for href in re.findall(r'href="(/alliances/north/[^"#]+(?:\?[^"#]*)?#[^"]+)"', launch.text):
        target, anchor = href.split("#")
        assert f'id="{anchor}"' in client.get(target).text, href
    assert "has not reached this stage yet" in launch.text


def test_members_see_no_link_to_forms_they_cannot_use(client: TestClient) -> None:
    login(client, "member")
    page = client.get("/alliances/north").text
    assert "/edit#" not in page and "ask your administrator to record it" not in page
    assert client.get("/alliances/north/edit").status_code == 403


def test_later_stages_link_to_their_forms_not_a_code(client: TestClient) -> None:
    login(client, "coordinator")
    page = client.get("/alliances/north/stages/sustainability").text
    visible = re.sub(r"<[^>]+>", " ", page)
    assert "sustainability.decision_made" not in visible
    # every stage has its pages now: no check says it cannot be recorded in the dashboard
    assert "ask your administrator to record it" not in page
    assert 'href="/alliances/north/sustainability#decision-decision"' in page
    # planning's checks have their pages: each links to the form that fixes it
    planning = client.get("/alliances/north/stages/planning").text
    assert 'href="/alliances/north/actions#action-plan"' in planning
    assert 'href="/alliances/north/charter#signatures"' in planning


def test_the_shell_names_the_alliance_and_the_role(client: TestClient) -> None:
    login(client, "funder")
    page = client.get("/alliances/north").text
    assert 'class="af-context__name" href="/alliances/north">North<' in page
    assert "Your role:" in page and "<strong>Funder</strong>" in page
    assert 'href="/alliances/north/members"' not in page  # funders see no people


# --- error pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "title"), [("en", "Page not found"), ("fr", "Page introuvable")]
)
def test_unknown_path_is_a_page_in_the_language(
    client: TestClient, language: str, title: str
) -> None:
    answer = client.get("/no/such/page", headers={"Accept-Language": language})
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
    assert title in answer.text
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404 and api.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("language", "title"),
    [("en", "Something in the request was not right"), ("fr", "Un élément de la demande")],
)
def test_validation_error_is_a_page_in_the_language(
    client: TestClient, language: str, title: str
) -> None:
    csrf = login(client, "member")
    client.post("/language", data={"language": language, "next": "/", "csrf_token": csrf})
    answer = client.post(
        "/alliances/north/me/actions/not-a-number", data={"status": "done", "csrf_token": csrf}
    )
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("text/html")
    assert title in answer.text


def test_wrong_method_is_a_page(client: TestClient) -> None:
    answer = client.get("/logout")
    assert answer.status_code == 405
    assert "cannot be used that way" in answer.text


@pytest.mark.parametrize(
    ("language", "title"),
    [("en", "Sorry, something went wrong on our side"), ("fr", "Désolé, un problème est survenu")],
)
def test_a_bug_answers_a_styled_page(world: World, language: str, title: str) -> None:
    app = create_app(world.db, today=lambda: TODAY)

    def boom() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/boom", boom)
    app.add_api_route("/api/boom", boom)
    client = TestClient(app, raise_server_exceptions=False)
    answer = client.get("/boom", headers={"Accept-Language": language})
    assert answer.status_code == 500
    assert title in answer.text and "a bug" not in answer.text
    assert client.get("/api/boom").json()["error"]["code"] == "server_error"


def test_anonymous_visitors_switch_language_with_a_cookie(client: TestClient) -> None:
    answer = client.post(
        "/language", data={"language": "fr", "next": "/login"}, follow_redirects=False
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/login"
    assert '<html lang="fr"' in client.get("/login").text


def test_language_switch_does_not_redirect_elsewhere(client: TestClient) -> None:
    answer = client.post(
        "/language", data={"language": "fr", "next": "//evil.example"}, follow_redirects=False
    )
    assert answer.headers["location"] == "/"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31/12/2026", date(2026, 12, 31)),
        ("1.2.2027", date(2027, 2, 1)),
        ("2027-02-01", date(2027, 2, 1)),
        ("31/02/2026", None),
        ("12/31/2026", None),  # US order is not a date here
        ("tomorrow", None),
    ],
)
def test_dates_are_read_day_first_or_iso(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected
