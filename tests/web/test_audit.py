"""Every write through the dashboard or the API is logged under the name of who made it."""

from __future__ import annotations

from sqlalchemy import select

from alliance_flow import models as m
from tests.web.conftest import login, token_for


def writes(db, table: str) -> list[tuple[str, str]]:
    with db.transaction() as session:
        rows = session.scalars(
            select(m.AuditEvent).where(m.AuditEvent.table_name == table).order_by(m.AuditEvent.id)
        )
        return [(e.action, e.actor) for e in rows]


def test_page_write_is_logged_with_the_signed_in_user(world, client):
    csrf = login(client, "coordinator")
    answer = client.post(
        "/alliances/north/members",
        data={"csrf_token": csrf, "name": "Ana Silva", "email": "ana@example.org"},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert writes(world.db, "members")[-1] == ("insert", "Coordinator")


def test_api_write_is_logged_with_the_tokens_owner(world, client):
    headers = token_for(world.db, "admin")
    answer = client.post(
        "/api/v1/alliances/north/organisations",
        headers=headers,
        json={"name": "Mairie", "group": "public_authority"},
    )
    assert answer.status_code == 201
    assert writes(world.db, "organisations")[-1] == ("insert", "Admin")


def test_a_stage_change_is_logged_with_who_moved_it(world, client):
    headers = token_for(world.db, "coordinator")
    checks = client.get("/api/v1/alliances/north/checks", headers=headers).json()
    for check in checks["checks"] if isinstance(checks, dict) else checks:
        if not check["passed"]:
            waived = client.post(
                "/api/v1/alliances/north/waive",
                headers=headers,
                json={"code": check["code"], "reason": "Agreed at the steering group meeting"},
            )
            assert waived.status_code in (200, 201), waived.text
    moved = client.post("/api/v1/alliances/north/advance", headers=headers)
    assert moved.status_code == 200, moved.text
    with world.db.transaction() as session:
        event = session.scalars(
            select(m.AuditEvent)
            .where(m.AuditEvent.table_name == "alliances", m.AuditEvent.action == "update")
            .order_by(m.AuditEvent.id.desc())
        ).first()
        assert event is not None
        assert (event.actor, event.changes) == ("Coordinator", {"stage": ["scope", "launch"]})
