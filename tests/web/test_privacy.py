"""A member's personal data under their control: consent, export, erasure, retention."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import select

from alliance_flow import models as m
from alliance_flow import privacy
from alliance_flow.audit import acting_as
from alliance_flow.services import alliances as alliance_service
from alliance_flow.services import items as item_service
from tests.conftest import TODAY
from tests.web.conftest import World, login, token_for


def test_a_member_sees_and_changes_their_consents(client: TestClient, world: World) -> None:
    csrf = login(client, "member")
    page = client.get("/alliances/north/me").text
    assert "Appearing by name in documents shared with funders" in page
    assert "Not asked yet." in page
    answer = client.post(
        "/alliances/north/me/consents",
        data={"csrf_token": csrf, "contact": "yes"},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    headers = token_for(world.db, "member")
    given = {
        c["purpose"]: c["granted"]
        for c in client.get("/api/v1/alliances/north/me/consents", headers=headers).json()
    }
    assert given == {"contact": True, "funder_documents": False, "public_profile": False}
    # and through the API, withdrawing one purpose keeps the others
    client.put("/api/v1/alliances/north/me/consents", json={"contact": False}, headers=headers)
    given = {
        c["purpose"]: c["granted"]
        for c in client.get("/api/v1/alliances/north/me/consents", headers=headers).json()
    }
    assert given["contact"] is False and given["funder_documents"] is False


def test_contact_details_are_hidden_once_the_member_withdraws(
    client: TestClient, world: World
) -> None:
    with world.db.transaction() as session:
        mia = session.get(m.Member, world.mia)
        assert mia is not None
        mia.email = "mia@example.org"
        privacy.set_consents(session=session, member=mia, granted={"contact": False}, actor="t")
    login(client, "coordinator")
    assert "mia@example.org" not in client.get("/alliances/north/members").text
    members = client.get(
        "/api/v1/alliances/north/members", headers=token_for(world.db, "coordinator")
    ).json()
    assert next(r for r in members if r["id"] == world.mia)["email"] is None


def test_a_member_exports_their_data_as_json_and_csv(client: TestClient, world: World) -> None:
    login(client, "member")
    answer = client.get("/alliances/north/me/export.json")
    assert answer.status_code == 200
    assert "attachment" in answer.headers["content-disposition"]
    data = json.loads(answer.content)
    assert data["member"]["name"] == "Mia Member"
    assert [a["action"] for a in data["actions"]] == ["Mia's action"]
    assert "Olle" not in answer.text  # nobody else's data
    rows = list(csv.reader(io.StringIO(client.get("/alliances/north/me/export.csv").text)))
    assert ["member", "", "name", "Mia Member"] in [[c.lstrip("\ufeff") for c in r] for r in rows]


def test_an_admin_exports_any_member_and_no_one_else_may(client: TestClient, world: World) -> None:
    login(client, "coordinator")
    assert client.get(f"/alliances/north/members/{world.mia}/export.json").status_code == 403
    client.cookies.clear()
    login(client, "admin")
    data = client.get(f"/alliances/north/members/{world.mia}/export.json").json()
    assert data["member"]["id"] == world.mia


def test_erasure_keeps_history_and_counts_and_the_log_forgets_the_person(
    client: TestClient, world: World
) -> None:
    # given Mia with an e-mail, recorded in the audit log, who attended a meeting
    with world.db.transaction() as session, acting_as("coordinator"):
        mia = session.get(m.Member, world.mia)
        assert mia is not None
        mia.email = "mia@example.org"
        mia.phone = "+33 1 23 45 67 89"
    with world.db.transaction() as session:
        north = alliance_service.get_alliance(session=session, ref="north")
        before = len(item_service.list_items(session=session, alliance=north, kind="member"))
    # when she erases her data from her page
    csrf = login(client, "member")
    refused = client.post("/alliances/north/me/erase", data={"csrf_token": csrf})
    assert refused.status_code == 422  # the box was not ticked
    answer = client.post(
        "/alliances/north/me/erase",
        data={"csrf_token": csrf, "confirm": "yes"},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    # then her row stays, unnamed, and every count is the same
    with world.db.transaction() as session:
        north = alliance_service.get_alliance(session=session, ref="north")
        members = item_service.list_items(session=session, alliance=north, kind="member")
        assert len(members) == before
        mia = session.get(m.Member, world.mia)
        assert mia is not None and mia.name == privacy.erased_name(world.mia)
        assert mia.email is None and mia.phone is None and mia.joined_on is not None
        owned = session.scalars(
            select(m.ActionPlanItem).where(m.ActionPlanItem.owner_member_id == world.mia)
        ).all()
        assert len(owned) == 1
        log = session.scalars(select(m.AuditEvent)).all()
        text = json.dumps([e.changes for e in log])
        # and the audit log says an erasure happened, without what was erased
        assert "Mia Member" not in text and "mia@example.org" not in text and "+33" not in text
        assert any(
            e.table_name == "members" and e.action == "update" and "(erased)" in str(e.changes)
            for e in log
        )


def test_retention_erases_contact_details_of_former_members_only(world: World) -> None:
    with world.db.transaction() as session:
        north = alliance_service.get_alliance(session=session, ref="north")
        gone = item_service.add_item(
            session=session,
            alliance=north,
            kind="member",
            item_in={
                "name": "Gone Long Ago",
                "email": "gone@example.org",
                "joined_on": "2024-01-01",
                "left_on": "2024-06-01",
            },
            today=TODAY,
        )
        recent = item_service.add_item(
            session=session,
            alliance=north,
            kind="member",
            item_in={
                "name": "Left Lately",
                "email": "lately@example.org",
                "joined_on": "2024-01-01",
                "left_on": "2026-02-01",
            },
            today=TODAY,
        )
        gone_id, recent_id = gone.id, recent.id  # type: ignore[attr-defined]
    with world.db.transaction() as session:
        assert privacy.apply_retention(session=session, today=date(2026, 3, 2), days=365) == 1
    with world.db.transaction() as session:
        assert session.get(m.Member, gone_id).email is None  # type: ignore[union-attr]
        assert session.get(m.Member, gone_id).name == "Gone Long Ago"  # type: ignore[union-attr]
        assert session.get(m.Member, recent_id).email == "lately@example.org"  # type: ignore[union-attr]
        log = json.dumps([e.changes for e in session.scalars(select(m.AuditEvent))])
        assert "gone@example.org" not in log and "lately@example.org" in log


def test_the_cli_exports_erases_and_applies_retention(world: World, monkeypatch) -> None:
    from typer.testing import CliRunner

    from alliance_flow.cli import app
    from alliance_flow.settings import get_settings

    monkeypatch.setenv("ALLIANCE_FLOW_DATABASE_URL", world.db.url)
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        out = runner.invoke(app, ["privacy", "export", "north", "Olle Other"])
        assert out.exit_code == 0 and json.loads(out.output)["member"]["name"] == "Olle Other"
        refused = runner.invoke(app, ["privacy", "erase", "north", "Olle Other"])
        assert refused.exit_code == 1
        done = runner.invoke(app, ["privacy", "erase", "north", "Olle Other", "--yes"])
        assert done.exit_code == 0, done.output
        kept = runner.invoke(app, ["privacy", "retention", "--today", "2026-03-02"])
        assert kept.exit_code == 0 and "365 days" in kept.output
    finally:
        get_settings.cache_clear()
