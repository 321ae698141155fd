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


def _speaks(world, login_name: str, language: str) -> None:
    with world.db.transaction() as session:
        accounts.get_user(session=session, login=login_name).language = language


def test_refusals_speak_the_viewers_language(world, client):
    _speaks(world, "coordinator", "fr")
    csrf = login(client, "coordinator")
    # an alliance that does not exist
    missing = client.get("/alliances/nope")
    assert missing.status_code == 404
    assert "aucune alliance «\u00a0nope\u00a0»" in missing.text
    # a form posted without the session's token
    forged = client.post("/alliances/north/members", data={"csrf_token": "forged", "name": "Ana"})
    assert forged.status_code == 403
    assert "le formulaire a expiré" in forged.text
    # the users page, which only administrators manage
    assert csrf
    users = client.get("/admin/users")
    assert users.status_code == 403
    assert "seuls les administrateurs" in users.text


def test_a_swedish_coordinator_reads_swedish_checks(world, client):
    _speaks(world, "coordinator", "sv")
    login(client, "coordinator")
    page = client.get("/alliances/north").text
    assert "Region avgränsad" in page
    assert "Region defined" not in page
