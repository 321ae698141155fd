"""The checklist speaks the viewer's language, gate reasons included."""

from __future__ import annotations

from alliance_flow.accounts import services as accounts
from tests.web.conftest import login


def test_alliance_page_shows_checks_in_the_viewers_language(world, client):
    with world.db.transaction() as session:
        user = accounts.get_user(session=session, login="coordinator")
        user.language = "fr"
    login(client, "coordinator")
    page = client.get("/alliances/north").text
    assert "Région définie" in page
    assert "représentants candidats identifiés" in page or "représentant candidat" in page
    assert "Region defined" not in page


def test_english_viewer_gets_english_checks(world, client):
    login(client, "coordinator")
    page = client.get("/alliances/north").text
    assert "Region defined" in page and "Région définie" not in page


def test_form_problems_are_explained_in_the_viewers_language(world, client):
    with world.db.transaction() as session:
        accounts.get_user(session=session, login="coordinator").language = "fr"
    csrf = login(client, "coordinator")
    bad = client.post(
        "/alliances/north/members",
        data={"csrf_token": csrf, "name": "Ana", "email": "pas-une-adresse"},
    )
    assert bad.status_code == 422
    assert "adresse électronique non valide" in bad.text
