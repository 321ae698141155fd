"""Stage 3 and 4 forms over HTTP: each accepts good input, refuses bad input keeping what was
typed, and a bad value never erases what was saved. Plus the map's exports, gaps from minutes,
the owner's progress on an action and the charter's versions."""

from __future__ import annotations

import html
import json
from datetime import date
from decimal import Decimal
from typing import Any

import geojson
import pytest
from fastapi.testclient import TestClient
from fastkml import kml
from sqlalchemy import select

from alliance_flow import models as m
from alliance_flow.services import alliances as alliance_service
from alliance_flow.services import items as item_service
from tests.conftest import TODAY
from tests.web.conftest import World, login


def _rows(world: World, model: Any) -> list[Any]:
    with world.db.transaction() as session:
        rows = list(session.scalars(select(model).order_by(model.id)))
        session.expunge_all()
        return rows


def _add(world: World, kind: str, /, **values: Any) -> int:
    with world.db.transaction() as session:
        north = alliance_service.get_alliance(session=session, ref="north")
        row = item_service.add_item(
            session=session, alliance=north, kind=kind, item_in=values, today=TODAY
        )
        return row.id  # type: ignore[attr-defined]


def _shown(text: str, value: str) -> bool:
    return html.escape(value) in text or value in text


# --- analysis: four tables, each with add, edit and remove ----------------------------------------

SECTIONS = {
    # key: (model, valid form, invalid form (value typed that must come back), bad edit)
    "profiles": (
        m.SectorProfile,
        {
            "programme": "Médiation sociale 33",
            "objectives": "Reach isolated families",
            "cost": "free",
        },
        {"programme": "", "objectives": "Typed objective kept"},
        {"programme": ""},
    ),
    "research": (
        m.ResearchSource,
        {
            "title": "Rapport INSEE 2025",
            "kind": "government_report",
            "url": "https://example.org/r",
        },
        {"title": "", "notes": "Typed notes kept", "kind": "research"},
        {"kind": "novel"},
    ),
    "consultations": (
        m.Consultation,
        {
            "interviewee": "Préfecture, service asile",
            "held_on": "12/02/2026",
            "notes": "Waiting lists",
        },
        {"interviewee": "Typed interviewee kept", "held_on": "31/02/2026"},
        {"held_on": "yesterday"},
    ),
    "gaps": (
        m.Gap,
        {"description": "No interpreting for health visits", "identified_on": "2026-02-20"},
        {"description": "", "source": "Typed source kept"},
        {"identified_on": "32/13/2026"},
    ),
}


@pytest.mark.parametrize("key", list(SECTIONS))
def test_analysis_tables_add_refuse_edit_and_remove(
    client: TestClient, world: World, key: str
) -> None:
    model, valid, invalid, bad_edit = SECTIONS[key]
    csrf = login(client, "coordinator")

    # a valid row is added and shown
    added = client.post(
        f"/alliances/north/analysis/{key}",
        data={**valid, "csrf_token": csrf},
        follow_redirects=False,
    )
    assert added.status_code == 303, added.text
    page = client.get("/alliances/north/analysis")
    first_value = next(iter(valid.values()))
    assert _shown(page.text, first_value)
    seeded = {world.gap} if model is m.Gap else set()  # the world's own gap
    (row,) = [r for r in _rows(world, model) if r.id not in seeded]

    # an invalid row is refused, nothing saved, and what was typed comes back
    refused = client.post(f"/alliances/north/analysis/{key}", data={**invalid, "csrf_token": csrf})
    assert refused.status_code == 422
    assert "There is a problem" in refused.text
    kept = next(v for v in invalid.values() if "kept" in v)
    assert _shown(refused.text, kept)
    assert len([r for r in _rows(world, model) if r.id not in seeded]) == 1

    # a bad value in an edit is refused and erases nothing saved
    before = {c.name: getattr(row, c.name) for c in model.__table__.columns}
    form = client.get(f"/alliances/north/analysis?edit={key}:{row.id}")
    assert form.status_code == 200 and 'id="edit-form"' in form.text
    bad = client.post(
        f"/alliances/north/analysis/{key}/{row.id}",
        data={**valid, **bad_edit, "csrf_token": csrf},
    )
    assert bad.status_code == 422
    (after,) = [r for r in _rows(world, model) if r.id == row.id]
    assert {c: getattr(after, c) for c in before} == before

    # a good edit is saved, an emptied optional field is emptied
    optional = [k for k in valid if k not in ("programme", "title", "interviewee", "description")]
    changed = {**valid, optional[-1]: ""}
    ok = client.post(
        f"/alliances/north/analysis/{key}/{row.id}",
        data={**changed, "csrf_token": csrf},
        follow_redirects=False,
    )
    assert ok.status_code == 303, ok.text
    (after,) = [r for r in _rows(world, model) if r.id == row.id]
    assert getattr(after, optional[-1]) is None

    # removed
    gone = client.post(
        f"/alliances/north/analysis/{key}/{row.id}/remove",
        data={"csrf_token": csrf},
        follow_redirects=False,
    )
    assert gone.status_code == 303
    assert [r for r in _rows(world, model) if r.id == row.id] == []


def test_consultation_dates_are_read_day_first(client: TestClient, world: World) -> None:
    csrf = login(client, "coordinator")
    client.post(
        "/alliances/north/analysis/consultations",
        data={"interviewee": "CAF", "held_on": "03/02/2026", "csrf_token": csrf},
    )
    (row,) = _rows(world, m.Consultation)
    assert row.held_on == date(2026, 2, 3)


def test_members_read_the_analysis_but_cannot_change_it(client: TestClient) -> None:
    csrf = login(client, "member")
    assert client.get("/alliances/north/analysis").status_code == 200
    refused = client.post(
        "/alliances/north/analysis/gaps", data={"description": "x", "csrf_token": csrf}
    )
    assert refused.status_code == 403


def test_the_gaps_workshop_minutes_become_gaps(client: TestClient, world: World) -> None:
    meeting = _add(
        world,
        "meeting",
        kind="workshop",
        title="Atelier des manques",
        starts_at="2026-02-25T14:00",
        status="held",
        minutes="No evening childcare\nTransport to Lormont at night",
    )
    csrf = login(client, "coordinator")
    page = client.get(f"/alliances/north/analysis?meeting={meeting}")
    assert "No evening childcare" in page.text and 'value="line-1"' in page.text
    none = client.post(
        "/alliances/north/analysis/gaps-from-minutes",
        data={"meeting_id": str(meeting), "csrf_token": csrf},
    )
    assert none.status_code == 422 and "choose at least one" in none.text
    made = client.post(
        "/alliances/north/analysis/gaps-from-minutes",
        data={"meeting_id": str(meeting), "entries": ["line-0", "line-1"], "csrf_token": csrf},
        follow_redirects=False,
    )
    assert made.status_code == 303
    gaps = [g for g in _rows(world, m.Gap) if g.id != world.gap]
    assert [g.description for g in gaps] == [
        "No evening childcare",
        "Transport to Lormont at night",
    ]
    assert gaps[0].identified_on == date(2026, 2, 25)


# --- the map --------------------------------------------------------------------------------------


def test_map_places_exports_and_refuses_bad_coordinates(client: TestClient, world: World) -> None:
    org = _add(
        world,
        "organisation",
        name="Centre social de Bègles",
        address="Bègles",
        email="accueil@cs.example",
    )
    other = _add(world, "organisation", name="Maison des familles")
    csrf = login(client, "coordinator")
    page = client.get("/alliances/north/map")
    assert page.status_code == 200
    # listed as without a place (the page works without the map library), with the map's data
    assert 'id="unmapped"' in page.text and "Centre social de Bègles" in page.text
    assert 'data-places="' in page.text and "<script>" not in page.text

    placed = client.post(
        f"/alliances/north/map/{org}",
        data={"latitude": "44,8086", "longitude": "-0,5480", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert placed.status_code == 303
    bad = client.post(
        f"/alliances/north/map/{org}",
        data={"latitude": "95", "longitude": "-0.5480", "csrf_token": csrf},
    )
    assert bad.status_code == 422 and 'value="95"' in bad.text
    half = client.post(
        f"/alliances/north/map/{other}", data={"latitude": "44.9", "csrf_token": csrf}
    )
    assert half.status_code == 422 and 'value="44.9"' in half.text
    saved = {o.name: (o.latitude, o.longitude) for o in _rows(world, m.Organisation)}
    assert saved["Centre social de Bègles"] == (44.8086, -0.548)
    assert saved["Maison des familles"] == (None, None)

    gj = client.get("/alliances/north/map.geojson")
    assert gj.status_code == 200
    assert gj.headers["content-type"].startswith("application/geo+json")
    assert "attachment" in gj.headers["content-disposition"]
    parsed = geojson.loads(gj.text)
    assert parsed.is_valid
    assert [f["properties"]["name"] for f in parsed["features"]] == ["Centre social de Bègles"]
    assert "accueil@cs.example" not in gj.text

    k = client.get("/alliances/north/map.kml")
    assert k.headers["content-type"].startswith("application/vnd.google-earth.kml+xml")
    doc = kml.KML.from_string(k.content)
    (mark,) = doc.features[0].features
    assert mark.name == "Centre social de Bègles"
    assert (mark.geometry.x, mark.geometry.y) == (-0.548, 44.8086)

    # taking it off the map: both emptied
    client.post(
        f"/alliances/north/map/{org}",
        data={"latitude": "", "longitude": "", "csrf_token": csrf},
    )
    assert json.loads(client.get("/alliances/north/map.geojson").text)["features"] == []


def test_funders_see_no_map_of_organisations(client: TestClient) -> None:
    login(client, "funder")
    assert client.get("/alliances/north/map").status_code == 403
    assert client.get("/alliances/north/map.kml").status_code == 403


# --- planning: vision and publications ------------------------------------------------------------


def test_vision_saved_refused_without_losing_it(client: TestClient, world: World) -> None:
    csrf = login(client, "coordinator")
    ok = client.post(
        "/alliances/north/planning/vision",
        data={
            "vision": "Every newcomer finds a mediator",
            "vision_agreed_on": "20/02/2026",
            "csrf_token": csrf,
        },
        follow_redirects=False,
    )
    assert ok.status_code == 303
    future = client.post(
        "/alliances/north/planning/vision",
        data={
            "vision": "A changed vision typed",
            "vision_agreed_on": "20/02/2099",
            "csrf_token": csrf,
        },
    )
    assert future.status_code == 422 and "A changed vision typed" in future.text
    bad = client.post(
        "/alliances/north/planning/vision",
        data={"vision": "Another", "vision_agreed_on": "not a date", "csrf_token": csrf},
    )
    assert bad.status_code == 422 and 'value="not a date"' in bad.text
    with world.db.transaction() as session:
        north = alliance_service.get_alliance(session=session, ref="north")
        assert north.vision == "Every newcomer finds a mediator"
        assert north.vision_agreed_on == date(2026, 2, 20)


def test_publications_of_research_and_plan(client: TestClient, world: World) -> None:
    csrf = login(client, "coordinator")
    missing = client.post(
        "/alliances/north/planning/publications",
        data={
            "kind": "research",
            "title": "",
            "url": "https://typed.example/kept",
            "csrf_token": csrf,
        },
    )
    assert missing.status_code == 422 and "https://typed.example/kept" in missing.text
    ok = client.post(
        "/alliances/north/planning/publications",
        data={
            "kind": "action_plan",
            "title": "Plan régional signé",
            "published_on": "01/03/2026",
            "csrf_token": csrf,
        },
        follow_redirects=False,
    )
    assert ok.status_code == 303
    (pub,) = _rows(world, m.Publication)
    assert (pub.kind, pub.published_on) == ("action_plan", date(2026, 3, 1))
    assert "Plan régional signé" in client.get("/alliances/north/planning").text


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_the_signed_action_plan_comes_with_its_signed_copy(
    client: TestClient, world: World
) -> None:
    """The plan's publication carries the signed file; it is checked like every file people
    bring, and only ever goes with the action plan."""
    csrf = login(client, "coordinator")
    form = {"title": "Plan régional signé", "published_on": "01/03/2026", "csrf_token": csrf}

    def publish(kind: str, name: str, content: bytes) -> Any:
        return client.post(
            "/alliances/north/planning/publications",
            data={**form, "kind": kind},
            files={"signed": (name, content, "application/pdf")},
            follow_redirects=False,
        )

    research = publish("research", "plan.pdf", PDF)
    assert research.status_code == 422 and 'id="publish-signed-error"' in research.text
    disguised = publish("action_plan", "plan.pdf", b"<html><script>alert(1)</script></html>")
    assert disguised.status_code == 422 and 'id="publish-signed-error"' in disguised.text
    assert 'value="Plan régional signé"' in disguised.text  # what was typed is kept
    assert _rows(world, m.Publication) == [] and _rows(world, m.Document) == []

    assert publish("action_plan", "Plan signé.pdf", PDF).status_code == 303
    (doc,) = _rows(world, m.Document)
    assert (doc.purpose, doc.filename, doc.content) == ("signed_action_plan", "Plan signé.pdf", PDF)
    page = client.get("/alliances/north/planning").text
    assert f'href="/alliances/north/documents/{doc.id}"' in page
    got = client.get(f"/alliances/north/documents/{doc.id}")
    assert got.status_code == 200 and got.content == PDF
    assert got.headers["content-disposition"].startswith("attachment")


# --- the action plan ------------------------------------------------------------------------------


def test_action_added_with_smart_score_and_refusals_keep_typing(
    client: TestClient, world: World
) -> None:
    csrf = login(client, "coordinator")
    ok = client.post(
        "/alliances/north/actions",
        data={
            "action": "Drop-in in Lormont",
            "objective": "Reach 50 families",
            "estimated_budget": "1,200.50",
            "starts_on": "01/04/2026",
            "csrf_token": csrf,
        },
        follow_redirects=False,
    )
    assert ok.status_code == 303, ok.text
    saved = [a for a in _rows(world, m.ActionPlanItem) if a.action == "Drop-in in Lormont"]
    assert saved[0].estimated_budget == Decimal("1200.50")
    page = client.get("/alliances/north/actions")
    assert "no indicator" in page.text and "no end date" in page.text
    assert "no objective" in page.text  # the world's own actions have none

    refused = client.post(
        "/alliances/north/actions",
        data={
            "action": "Typed action kept",
            "starts_on": "01/05/2026",
            "ends_on": "01/04/2026",
            "owner_member_id": str(world.mia),
            "csrf_token": csrf,
        },
    )
    assert refused.status_code == 422
    assert "Typed action kept" in refused.text
    assert f'value="{world.mia}" selected' in refused.text  # the chosen owner is kept

    action_id = saved[0].id
    bad = client.post(
        f"/alliances/north/actions/{action_id}",
        data={"action": "Drop-in in Lormont", "estimated_budget": "lots", "csrf_token": csrf},
    )
    assert bad.status_code == 422 and 'value="lots"' in bad.text
    (again,) = [a for a in _rows(world, m.ActionPlanItem) if a.id == action_id]
    assert again.estimated_budget == Decimal("1200.50") and again.objective == "Reach 50 families"


def test_owner_marks_their_action_done_with_the_date(client: TestClient, world: World) -> None:
    csrf = login(client, "member")
    page = client.get("/alliances/north/actions")
    assert page.status_code == 200
    assert f'action="/alliances/north/actions/{world.action}/progress"' in page.text
    assert f"/actions/{world.other_action}/progress" not in page.text

    future = client.post(
        f"/alliances/north/actions/{world.action}/progress",
        data={"status": "done", "completed_on": "01/01/2099", "csrf_token": csrf},
    )
    assert future.status_code == 422 and 'value="01/01/2099"' in future.text
    done = client.post(
        f"/alliances/north/actions/{world.action}/progress",
        data={"status": "done", "completed_on": "27/02/2026", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert done.status_code == 303
    (row,) = [a for a in _rows(world, m.ActionPlanItem) if a.id == world.action]
    assert (row.status, row.completed_on) == ("done", date(2026, 2, 27))

    theirs = client.post(
        f"/alliances/north/actions/{world.other_action}/progress",
        data={"status": "done", "csrf_token": csrf},
    )
    assert theirs.status_code == 403


# --- the charter ----------------------------------------------------------------------------------


def test_charter_versions_signed_again_and_who_signed_which(
    client: TestClient, world: World
) -> None:
    # Mia signs v1 on her page
    member = TestClient(client.app)
    mcsrf = login(member, "member")
    unticked = member.post("/alliances/north/charter/sign", data={"csrf_token": mcsrf})
    assert unticked.status_code == 422
    signed = member.post(
        "/alliances/north/charter/sign",
        data={"agree": "on", "csrf_token": mcsrf},
        follow_redirects=False,
    )
    assert signed.status_code == 303
    assert "You signed version 1" in member.get("/alliances/north/charter").text

    # the coordinator publishes v2; the same text is refused and kept
    csrf = login(client, "coordinator")
    v1 = client.get("/alliances/north/charter")
    assert "Mia Member" in v1.text and "Olle Other" in v1.text
    same = client.post(
        "/alliances/north/charter",
        data={"text": "We work together, in good faith.", "csrf_token": csrf},
    )
    assert same.status_code == 422 and "We work together, in good faith." in same.text
    published = client.post(
        "/alliances/north/charter",
        data={"text": "We work together, in good faith, and we share.", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert published.status_code == 303

    # Mia is asked again
    again = member.get("/alliances/north/charter")
    assert "Sign version 2" in again.text and "and we share" in again.text
    member.post("/alliances/north/charter/sign", data={"agree": "on", "csrf_token": mcsrf})

    overview = client.get("/alliances/north/charter").text
    current = overview.split('id="signatures"')[1].split("Version 1")[0]
    assert "Mia Member" in current and "Olle Other" in current and "Not signed yet" in current
    versions = {v.version: v.id for v in _rows(world, m.CharterVersion)}
    signatures = {(s.charter_version_id, s.member_id) for s in _rows(world, m.CharterSignature)}
    assert signatures == {(versions[1], world.mia), (versions[2], world.mia)}


def test_owner_reports_the_date_done_through_the_api(client: TestClient, world: World) -> None:
    from tests.web.conftest import token_for

    headers = token_for(world.db, "member")
    url = f"/api/v1/alliances/north/me/actions/{world.action}"
    future = client.patch(
        url, headers=headers, json={"status": "done", "completed_on": "2099-01-01"}
    )
    assert future.status_code == 422
    done = client.patch(url, headers=headers, json={"status": "done", "completed_on": "2026-02-26"})
    assert done.status_code == 200 and done.json()["completed_on"] == "2026-02-26"
    today = client.patch(url, headers=headers, json={"status": "done"})
    assert today.json()["completed_on"] == "2026-02-26"  # kept, not reset to today
    reopened = client.patch(url, headers=headers, json={"status": "in_progress"})
    assert reopened.json()["completed_on"] is None
