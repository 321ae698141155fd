"""Stage 5 over HTTP: the communication plan, the communications officer, the publications and
the public profile. Each form accepts good input, refuses bad input naming the field and keeping
what was typed, and respects roles; the public profile shows only what was published, never a
person's contact details, and nothing at all before it is published."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy import inspect, select

from alliance_flow import models as m
from alliance_flow.services import alliances as alliance_service
from alliance_flow.services import items as item_service
from alliance_flow.services import stages as stage_service
from alliance_flow.web.headers import POLICY
from tests.conftest import TODAY
from tests.web.conftest import World, login

PAGE = "/alliances/north/dissemination"
#: An e-mail address, and a phone number as people write them (+33 6 12 34 56 78, 0612345678,
#: 06.12.34.56.78, (01) 23 45 67 89): seven digits or more with only separators between them.
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
PHONE = re.compile(r"\+?\(?\d[\d\s().-]{6,}\d")


def _rows(world: World, model: Any) -> list[Any]:
    with world.db.transaction() as session:
        rows = list(session.scalars(select(model).order_by(*inspect(model).primary_key)))
        session.expunge_all()
        return rows


def _add(world: World, kind: str, /, **values: Any) -> int:
    with world.db.transaction() as session:
        north = alliance_service.get_alliance(session=session, ref="north")
        row = item_service.add_item(
            session=session, alliance=north, kind=kind, item_in=values, today=TODAY
        )
        return row.id  # type: ignore[attr-defined]


def _set(world: World, **changes: Any) -> None:
    with world.db.transaction() as session:
        alliance_service.update_alliance(session=session, ref="north", changes=changes)


def _check(world: World, code: str) -> Any:
    with world.db.transaction() as session:
        north = alliance_service.get_alliance(session=session, ref="north")
        report = stage_service.gate_report(
            session=session, alliance=north, today=TODAY, stage="dissemination"
        )
    return next(o for o in report.outcomes if o.code == f"dissemination.{code}")


def _shown(text: str, value: str) -> bool:
    return str(escape(value)) in text


def _with_contacts(world: World) -> None:
    """A partner organisation and its representative, both with e-mail and phone."""
    org = _add(
        world,
        "organisation",
        name="Maison des Familles",
        group="ngo",
        email="accueil@maison.example",
        phone="+33 5 56 00 11 22",
        website="https://maison.example",
    )
    _add(
        world,
        "member",
        name="Jeanne Contact",
        organisation_id=org,
        email="jeanne.contact@maison.example",
        phone="06 12 34 56 78",
        joined_on="2026-01-20",
    )


# --- the communication plan ----------------------------------------------------------------------


def test_the_communication_plan_adds_refuses_edits_and_removes(
    client: TestClient, world: World
) -> None:
    csrf = login(client, "coordinator")
    assert _check(world, "communication_plan").passed is False
    page = client.get(PAGE)
    assert page.status_code == 200
    # the groups not reached yet are named, and the first one is chosen in the form
    assert "Not reached yet: policy makers." in page.text
    assert '<option value="policy_makers" selected' in page.text

    row = {
        "audience": "policy_makers",
        "stakeholder": "Conseil départemental",
        "objectives": "Fund the mediators' training",
        "message": "Mediation saves emergency costs",
        "delivery": "Presentation at the social committee",
        "frequency": "Twice a year",
        "responsible": "The chair",
    }
    added = client.post(f"{PAGE}/plan", data={**row, "csrf_token": csrf}, follow_redirects=False)
    assert added.status_code == 303, added.text
    (saved,) = _rows(world, m.CommunicationPlanRow)
    assert added.headers["location"] == f"{PAGE}#plan-row-{saved.id}"
    assert (saved.audience, saved.responsible) == ("policy_makers", "The chair")
    page = client.get(PAGE)
    for value in row.values():
        if value != "policy_makers":
            assert _shown(page.text, value)
    assert "Not reached yet" not in page.text
    assert _check(world, "communication_plan").passed is True

    # refused: no group; the field is named and what was typed comes back
    refused = client.post(
        f"{PAGE}/plan",
        data={"audience": "", "message": "Typed message kept", "csrf_token": csrf},
    )
    assert refused.status_code == 422
    assert "There is a problem" in refused.text
    assert 'href="#plan-audience"' in refused.text and "Stakeholder group" in refused.text
    assert "Typed message kept" in refused.text
    assert len(_rows(world, m.CommunicationPlanRow)) == 1

    # a bad edit changes nothing; a good one empties an emptied field
    form = client.get(f"{PAGE}?edit=plan:{saved.id}")
    assert 'id="edit-form"' in form.text and _shown(form.text, "Conseil départemental")
    bad = client.post(
        f"{PAGE}/plan/{saved.id}",
        data={**row, "audience": "aliens", "message": "Edited, kept", "csrf_token": csrf},
    )
    assert bad.status_code == 422 and "Edited, kept" in bad.text
    assert _rows(world, m.CommunicationPlanRow)[0].message == row["message"]
    good = client.post(
        f"{PAGE}/plan/{saved.id}",
        data={**row, "audience": "media", "responsible": "", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert good.status_code == 303
    (after,) = _rows(world, m.CommunicationPlanRow)
    assert (after.audience, after.responsible) == ("media", None)
    assert _check(world, "communication_plan").passed is False  # policy makers lost again

    gone = client.post(
        f"{PAGE}/plan/{saved.id}/remove", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert gone.status_code == 303
    assert _rows(world, m.CommunicationPlanRow) == []


def test_the_plan_names_the_groups_the_members_come_from(client: TestClient, world: World) -> None:
    _with_contacts(world)  # an NGO's representative joined
    login(client, "coordinator")
    page = client.get(PAGE)
    assert "Not reached yet: NGOs, policy makers." in page.text
    assert "NGOs, policy makers" in _check(world, "communication_plan").result.reason


# --- the communications officer ---------------------------------------------------------------


def test_the_officer_is_named_here_without_touching_the_other_roles(
    client: TestClient, world: World
) -> None:
    csrf = login(client, "coordinator")
    client.post(
        "/alliances/north/members/roles",
        data={"chair": str(world.olle), "csrf_token": csrf},
    )
    assert "Nobody yet" in client.get(PAGE).text
    named = client.post(
        f"{PAGE}/officer",
        data={"communications_officer": str(world.mia), "csrf_token": csrf},
        follow_redirects=False,
    )
    assert named.status_code == 303 and named.headers["location"] == f"{PAGE}#officer"
    roles = {mb.name: mb.roles for mb in _rows(world, m.Member)}
    assert roles["Mia Member"] == ["communications_officer"]
    assert roles["Olle Other"] == ["chair"]
    assert "The communications (press) officer is Mia Member." in client.get(PAGE).text
    assert _check(world, "communications_officer").passed is True

    refused = client.post(
        f"{PAGE}/officer", data={"communications_officer": "99999", "csrf_token": csrf}
    )
    assert refused.status_code == 422
    assert 'href="#officer-communications-officer"' in refused.text
    assert "no such member in this alliance" in refused.text
    assert {mb.name: mb.roles for mb in _rows(world, m.Member)} == roles


# --- publications ----------------------------------------------------------------------------


def test_publications_add_refuse_edit_and_remove(client: TestClient, world: World) -> None:
    csrf = login(client, "coordinator")
    good = {
        "kind": "press",
        "title": "Sud Ouest: les médiateurs de Bègles",
        "url": "https://www.sudouest.example/mediateurs",
        "audience": "Families of Bègles",
        "published_on": "20/02/2026",
    }
    added = client.post(
        f"{PAGE}/publications", data={**good, "csrf_token": csrf}, follow_redirects=False
    )
    assert added.status_code == 303, added.text
    (pub,) = _rows(world, m.Publication)
    assert (pub.kind, pub.published_on.isoformat()) == ("press", "2026-02-20")
    page = client.get(PAGE)
    assert 'href="https://www.sudouest.example/mediateurs"' in page.text
    assert _shown(page.text, good["title"])

    # only http(s) addresses; the field is named, what was typed comes back
    for url in ("javascript:alert(1)", "data:text/html,hi", "www.example.org"):
        refused = client.post(
            f"{PAGE}/publications",
            data={**good, "url": url, "title": "Typed title kept", "csrf_token": csrf},
        )
        assert refused.status_code == 422, url
        assert 'href="#pub-url"' in refused.text and "Web address" in refused.text
        assert "Typed title kept" in refused.text
    future = client.post(
        f"{PAGE}/publications", data={**good, "published_on": "01/01/2030", "csrf_token": csrf}
    )
    assert future.status_code == 422 and "cannot be in the future" in future.text
    no_title = client.post(f"{PAGE}/publications", data={**good, "title": "", "csrf_token": csrf})
    assert no_title.status_code == 422 and 'href="#pub-title"' in no_title.text
    assert len(_rows(world, m.Publication)) == 1

    bad_edit = client.post(
        f"{PAGE}/publications/{pub.id}", data={**good, "url": "javascript:x", "csrf_token": csrf}
    )
    assert bad_edit.status_code == 422 and 'href="#edit-url"' in bad_edit.text
    assert _rows(world, m.Publication)[0].url == good["url"]
    edited = client.post(
        f"{PAGE}/publications/{pub.id}",
        data={**good, "kind": "video", "url": "", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert edited.status_code == 303
    (after,) = _rows(world, m.Publication)
    assert (after.kind, after.url) == ("video", None)

    gone = client.post(
        f"{PAGE}/publications/{pub.id}/remove", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert gone.status_code == 303 and _rows(world, m.Publication) == []


# --- roles -------------------------------------------------------------------------------------


def test_members_read_the_page_but_change_nothing_and_funders_see_no_names(
    client: TestClient, world: World
) -> None:
    csrf = login(client, "member")
    page = client.get(PAGE)
    assert page.status_code == 200
    assert f'action="{PAGE}/plan"' not in page.text and "Publish the profile" not in page.text
    for path, data in (
        ("/plan", {"audience": "media"}),
        ("/officer", {"communications_officer": str(world.mia)}),
        ("/publications", {"kind": "press", "title": "x"}),
        ("/profile", {"action": "publish", "parts": "vision"}),
    ):
        assert client.post(PAGE + path, data={**data, "csrf_token": csrf}).status_code == 403
    assert _rows(world, m.CommunicationPlanRow) == [] and _rows(world, m.AllianceProfile) == []

    funder = TestClient(client.app)
    login(funder, "funder")
    assert funder.get(PAGE).status_code == 403


# --- the public profile ----------------------------------------------------------------------


def _publish(client: TestClient, csrf: str, *parts: str, intro: str = "") -> Any:
    return client.post(
        f"{PAGE}/profile",
        data={"introduction": intro, "parts": list(parts), "action": "publish", "csrf_token": csrf},
        follow_redirects=False,
    )


def test_nothing_is_public_before_publishing(client: TestClient, world: World) -> None:
    _set(world, vision="A region where every family is heard.")
    anonymous = TestClient(client.app)
    assert anonymous.get("/public/north").status_code == 404
    assert anonymous.get("/public/no-such-alliance").status_code == 404
    csrf = login(client, "coordinator")
    saved = client.post(
        f"{PAGE}/profile",
        data={"parts": ["vision"], "action": "save", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    # chosen but not published: still nothing
    answer = anonymous.get("/public/north")
    assert answer.status_code == 404 and "every family is heard" not in answer.text
    assert _check(world, "profile_published").passed is False


def test_publishing_refuses_empty_parts_naming_them(client: TestClient, world: World) -> None:
    csrf = login(client, "coordinator")
    nothing = _publish(client, csrf)
    assert nothing.status_code == 422 and 'href="#profile-parts"' in nothing.text
    empty = _publish(client, csrf, "vision", "publications", intro="Typed intro kept")
    assert empty.status_code == 422
    assert "the alliance has no vision yet" in empty.text
    assert "nothing has been published yet" in empty.text
    assert "Typed intro kept" in empty.text
    assert 'value="vision" checked' in empty.text  # the ticked boxes stay ticked
    assert _rows(world, m.AllianceProfile) == [] and _rows(world, m.Publication) == []


def test_the_public_profile_shows_only_what_was_published_and_no_contact_details(
    client: TestClient, world: World
) -> None:
    _with_contacts(world)
    _set(world, vision="A region where every family is heard.", region="Gironde")
    _add(world, "publication", kind="press", title="<b>Sud Ouest</b> article",
         url="https://press.example/a", published_on="2026-02-01")  # fmt: skip
    csrf = login(client, "coordinator")
    assert _publish(client, csrf, "vision", "partners").status_code == 303
    anonymous = TestClient(client.app)
    public = anonymous.get("/public/north")
    assert public.status_code == 200
    assert public.headers["content-security-policy"] == POLICY
    text = public.text
    assert "every family is heard" in text and "Maison des Familles" in text
    # not chosen: the action plan and the publications
    assert "Mia&#39;s action" not in text and "Sud Ouest" not in text
    # never a person, an e-mail address or a phone number
    assert not EMAIL.search(text), EMAIL.search(text)
    assert not PHONE.search(text), PHONE.search(text)
    for person in ("Jeanne Contact", "Mia Member", "Olle Other"):
        assert person not in text
    assert "<script" not in text and "style=" not in text

    # the check reads the publication recorded with the public address
    assert _check(world, "profile_published").passed is True
    (record,) = [p for p in _rows(world, m.Publication) if p.kind == "alliance_profile"]
    assert record.url == "http://127.0.0.1:8000/public/north"
    # that record is the profile's: changed only through the profile
    blocked = client.post(f"{PAGE}/publications/{record.id}/remove", data={"csrf_token": csrf})
    assert blocked.status_code == 409 and "unpublish it" in blocked.text

    # every part, with the publication's title escaped
    saved = client.post(
        f"{PAGE}/profile",
        data={
            "parts": ["vision", "partners", "action_plan", "publications"],
            "introduction": "We mediate <between> families & schools.",
            "action": "save",
            "csrf_token": csrf,
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    text = anonymous.get("/public/north").text
    # the action plan is shown, but "Mia's action" names a member: a public page names nobody
    assert "[withheld]&#39;s action" in text and "&lt;b&gt;Sud Ouest&lt;/b&gt; article" in text
    assert "Mia" not in text
    assert "We mediate &lt;between&gt; families &amp; schools." in text
    assert 'href="https://press.example/a"' in text
    assert not EMAIL.search(text) and not PHONE.search(text)
    assert "Jeanne Contact" not in text and "Mia Member" not in text

    # unpublished: gone again, and so is the record the check reads
    down = client.post(
        f"{PAGE}/profile",
        data={"parts": ["vision"], "action": "unpublish", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert down.status_code == 303
    assert anonymous.get("/public/north").status_code == 404
    assert _check(world, "profile_published").passed is False
    assert [p.kind for p in _rows(world, m.Publication)] == ["press"]


def test_the_public_profile_speaks_the_alliances_language(client: TestClient, world: World) -> None:
    _set(world, vision="Une région où chaque famille est entendue.", language="fr")
    csrf = login(client, "coordinator")  # the coordinator reads the dashboard in English
    assert _publish(client, csrf, "vision").status_code == 303
    public = TestClient(client.app).get("/public/north", headers={"Accept-Language": "en"})
    assert '<html lang="fr"' in public.text
    assert "Notre vision partagée" in public.text


# --- the checks link to their forms -----------------------------------------------------------


def test_every_dissemination_check_links_to_its_form(client: TestClient) -> None:
    login(client, "coordinator")
    page = client.get("/alliances/north/stages/dissemination")
    assert page.status_code == 200
    for anchor in ("plan-audience", "officer-communications-officer", "profile-parts"):
        assert f'href="{PAGE}#{anchor}"' in page.text, anchor
    assert "cannot be recorded in the dashboard yet" not in page.text
    form = client.get(PAGE).text
    for anchor in ("plan-audience", "officer-communications-officer", "profile-parts"):
        assert f'id="{anchor}"' in form, anchor


@pytest.mark.parametrize("language", ["fr", "nl", "sv"])
def test_filled_pages_speak_the_language_with_no_english_and_no_code(
    client: TestClient, world: World, language: str
) -> None:
    from alliance_flow.accounts import services as accounts
    from tests.web.test_no_leftovers import _codes, _english_messages, _Texts

    _with_contacts(world)
    _set(world, vision="Vision", language=language)
    _add(world, "communication", audience="policy_makers", message="m", responsible="r")
    _add(world, "publication", kind="newsletter", title="t", published_on="2026-02-01")
    with world.db.transaction() as session:
        accounts.get_user(session=session, login="coordinator").language = language
    csrf = login(client, "coordinator")
    assert (
        _publish(client, csrf, "vision", "partners", "action_plan", "publications").status_code
        == 303
    )
    english, codes = _english_messages(language), _codes()
    for path in (PAGE, "/public/north", f"{PAGE}?edit=plan:1"):
        reader = _Texts()
        reader.feed(client.get(path).text)
        left = {t for t in reader.texts if t.rstrip(":.") in english or t in codes}
        assert not left, (path, left)
