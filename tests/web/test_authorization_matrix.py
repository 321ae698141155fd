"""Every route × every kind of visitor, generated from the app's route table.

A route added without a line in EXPECT fails `test_every_route_has_an_expectation`, so nobody can
forget to decide who may call it. Statuses are asserted exactly: 404 (never 403) where the visitor
has no role on the alliance, 403 where their role is too weak, and the real answer otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select
from starlette.routing import Mount, Route

from alliance_flow import models as m
from alliance_flow.web import create_app
from tests.conftest import TODAY
from tests.web.conftest import World, login, token_for

VISITORS = ("anonymous", "outsider", "member", "funder", "coordinator", "admin")
ALL_SIGNED_IN = {v: None for v in VISITORS if v != "anonymous"}


def _statuses(anonymous: int, default: int, **special: int) -> dict[str, int]:
    out = {v: default for v in VISITORS}
    out["anonymous"] = anonymous
    out.update(special)
    return out


def view(ok: int = 200, anon: int = 401) -> dict[str, int]:
    """Any role on the alliance may; the outsider must not learn it exists."""
    return _statuses(anon, ok, outsider=404)


def people(ok: int = 200, anon: int = 401) -> dict[str, int]:
    return _statuses(anon, ok, outsider=404, funder=403)


def manage(ok: int, anon: int = 401) -> dict[str, int]:
    return _statuses(anon, ok, outsider=404, member=403, funder=403)


def own_write(ok: int, anon: int = 401) -> dict[str, int]:
    """Only an account linked to a member (here: the member persona, as Mia) acts as a member;
    the coordinator and the admin are not linked to anyone in north."""
    return _statuses(anon, 403, outsider=404, member=ok)


def admin_only(ok: int) -> dict[str, int]:
    return _statuses(303, 403, admin=ok)


Payload = Callable[[str], dict[str, Any]] | None

#: (method, path) -> (payload for this visitor, expected status per visitor)
EXPECT: dict[tuple[str, str], tuple[Payload, dict[str, int]]] = {
    # JSON API (bearer tokens)
    ("GET", "/api/v1/me"): (None, _statuses(401, 200)),
    ("GET", "/api/v1/alliances"): (None, _statuses(401, 200)),
    ("POST", "/api/v1/alliances"): (
        lambda v: {"name": f"New {v}", "country": "FR"},
        _statuses(401, 201, member=403, funder=403),
    ),
    ("GET", "/api/v1/alliances/{ref}"): (None, view()),
    ("GET", "/api/v1/alliances/{ref}/checks"): (None, view()),
    ("POST", "/api/v1/alliances/{ref}/advance"): (None, manage(409)),
    ("POST", "/api/v1/alliances/{ref}/waive"): (
        lambda v: {"code": "scope.nothing", "reason": "a long enough reason"},
        manage(422),
    ),
    ("POST", "/api/v1/alliances/{ref}/back"): (
        lambda v: {"reason": "a long enough reason"},
        manage(409),
    ),
    ("GET", "/api/v1/alliances/{ref}/history"): (None, view()),
    ("GET", "/api/v1/alliances/{ref}/members"): (None, people()),
    ("POST", "/api/v1/alliances/{ref}/members"): (
        lambda v: {"name": f"Member by {v}"},
        manage(201),
    ),
    ("GET", "/api/v1/alliances/{ref}/organisations"): (None, people()),
    ("POST", "/api/v1/alliances/{ref}/organisations"): (
        lambda v: {"name": f"Organisation by {v}"},
        manage(201),
    ),
    ("GET", "/api/v1/alliances/{ref}/me"): (None, people()),
    ("POST", "/api/v1/alliances/{ref}/me/signature"): (None, own_write(201)),
    ("PATCH", "/api/v1/alliances/{ref}/me/actions/{item_id}"): (
        lambda v: {"status": "in_progress"},
        own_write(200),
    ),
    ("PATCH", "/api/v1/alliances/{ref}/me/minutes-actions/{item_id}"): (
        lambda v: {"done_on": "2026-02-20"},
        own_write(200),
    ),
    # a member's own personal data
    ("GET", "/api/v1/alliances/{ref}/me/consents"): (None, own_write(200)),
    ("PUT", "/api/v1/alliances/{ref}/me/consents"): (lambda v: {"contact": True}, own_write(200)),
    ("GET", "/api/v1/alliances/{ref}/me/export"): (None, own_write(200)),
    # your own API tokens; {token_id} is someone else's (or nobody's): 404, never 403
    ("GET", "/api/v1/me/tokens"): (None, _statuses(401, 200)),
    ("DELETE", "/api/v1/me/tokens/{token_id}"): (None, _statuses(401, 404)),
    # public documentation
    ("GET", "/api/v1/openapi.json"): (None, _statuses(200, 200)),
    ("GET", "/api/docs"): (None, _statuses(200, 200)),
    ("GET", "/api/docs/oauth2-redirect"): (None, _statuses(200, 200)),
    # pages (session cookie + CSRF); anonymous visitors are sent to the login page
    ("GET", "/healthz"): (None, _statuses(200, 200)),
    ("GET", "/readyz"): (None, _statuses(200, 200)),
    ("GET", "/login"): (None, _statuses(200, 303)),
    ("POST", "/login"): (lambda v: {"login": "x", "password": "y"}, _statuses(403, 403)),
    ("GET", "/"): (None, _statuses(303, 200)),
    ("POST", "/alliances"): (
        lambda v: {"name": f"Page {v}", "country": "SE"},
        _statuses(303, 303, member=403, funder=403),
    ),
    ("GET", "/alliances/{ref}"): (None, view(anon=303)),
    ("GET", "/alliances/{ref}/stages/{stage}"): (None, view(anon=303)),
    ("GET", "/alliances/{ref}/edit"): (None, manage(200, anon=303)),
    ("POST", "/alliances/{ref}/edit"): (
        lambda v: {
            "name": "North",
            "country": "FR",
            "timezone": "Europe/Paris",
            "language": "fr",
            "work_plan_start": "01/01/2026",
            "work_plan_end": "31/12/2027",
            "funders": ["funder"],  # the funder keeps the role the other rows rely on
        },
        manage(303, anon=303),
    ),
    ("POST", "/alliances/{ref}/advance"): (None, manage(409, anon=303)),
    ("POST", "/alliances/{ref}/waive"): (
        lambda v: {"code": "scope.nothing", "reason": "a long enough reason"},
        manage(422, anon=303),
    ),
    ("POST", "/alliances/{ref}/back"): (
        lambda v: {"reason": "a long enough reason"},
        manage(409, anon=303),
    ),
    ("GET", "/alliances/{ref}/members"): (None, people(anon=303)),
    ("POST", "/alliances/{ref}/members"): (
        lambda v: {"name": f"Page member by {v}"},
        manage(303, anon=303),
    ),
    ("GET", "/alliances/{ref}/organisations"): (None, people(anon=303)),
    ("POST", "/alliances/{ref}/organisations"): (
        lambda v: {"name": f"Page organisation by {v}"},
        manage(303, anon=303),
    ),
    # the stakeholder table (one organisation, "Matrix Org", has a representative: removing
    # it is refused), its import, export and the briefing
    ("GET", "/alliances/{ref}/organisations/{org_id:int}"): (None, people(anon=303)),
    ("POST", "/alliances/{ref}/organisations/{org_id:int}"): (
        lambda v: {"name": "Matrix Org", "group": "ngo"},
        manage(303, anon=303),
    ),
    ("POST", "/alliances/{ref}/organisations/{org_id:int}/remove"): (
        lambda v: {"confirm": "yes"},
        manage(409, anon=303),
    ),
    ("POST", "/alliances/{ref}/organisations/import"): (None, manage(422, anon=303)),
    ("POST", "/alliances/{ref}/organisations/import/{token}"): (
        lambda v: {"fingerprint": "x"},
        manage(404, anon=303),
    ),
    ("GET", "/alliances/{ref}/stakeholders.csv"): (None, people(anon=303)),
    ("GET", "/alliances/{ref}/stakeholders.xlsx"): (None, people(anon=303)),
    ("GET", "/alliances/{ref}/briefing"): (None, view(anon=303)),
    ("POST", "/alliances/{ref}/briefing"): (lambda v: {"why": f"by {v}"}, manage(303, anon=303)),
    ("GET", "/alliances/{ref}/briefing/print"): (None, view(anon=303)),
    ("GET", "/alliances/{ref}/me"): (None, people(anon=303)),
    ("GET", "/alliances/{ref}/outbox"): (None, manage(200, anon=303)),
    # funder reports: everyone with a role on the alliance reads them; anyone signed in reads
    # the portfolio of the alliances they see
    ("GET", "/alliances/{ref}/report"): (None, view(anon=303)),
    ("GET", "/alliances/{ref}/report.{fmt}"): (None, view(anon=303)),
    ("GET", "/reports/portfolio"): (None, _statuses(303, 200)),
    ("GET", "/reports/portfolio.{fmt}"): (None, _statuses(303, 200)),
    # the API row above has already signed for Mia: signing again is refused
    ("POST", "/alliances/{ref}/me/sign"): (lambda v: {"agree": "on"}, own_write(409, anon=303)),
    ("POST", "/alliances/{ref}/me/actions/{item_id}"): (
        lambda v: {"status": "done"},
        own_write(303, anon=303),
    ),
    ("POST", "/alliances/{ref}/me/minutes-actions/{item_id}"): (
        lambda v: {"done_on": "2026-02-21"},
        own_write(303, anon=303),
    ),
    # members: the whole lifecycle ({member_id} is Olle, linked to no account)
    ("POST", "/alliances/{ref}/members/roles"): (None, manage(303, anon=303)),
    ("GET", "/alliances/{ref}/members/{member_id}"): (None, manage(200, anon=303)),
    ("POST", "/alliances/{ref}/members/{member_id}"): (
        lambda v: {"name": "Olle Other", "joined_on": "2026-01-15"},
        manage(303, anon=303),
    ),
    ("POST", "/alliances/{ref}/members/{member_id}/left"): (
        lambda v: {"left_on": "2026-02-28"},
        manage(303, anon=303),
    ),
    ("POST", "/alliances/{ref}/members/{member_id}/account"): (
        lambda v: {"login": "funder"},
        manage(303, anon=303),
    ),
    ("POST", "/alliances/{ref}/members/{member_id}/remove"): (None, manage(303, anon=303)),
    # meetings ({meeting_id}: the plenary of 2026-02-10, held) and the calendar feed
    ("GET", "/alliances/{ref}/meetings"): (None, people(anon=303)),
    ("POST", "/alliances/{ref}/meetings"): (
        lambda v: {"kind": "plenary", "date": "2026-05-01", "time": "10:00"},
        manage(303, anon=303),
    ),
    ("POST", "/alliances/{ref}/calendar-feed"): (None, manage(201, anon=303)),
    ("POST", "/alliances/{ref}/calendar-feed/revoke"): (None, manage(303, anon=303)),
    ("GET", "/calendar/{token}.ics"): (None, _statuses(404, 404)),
    ("GET", "/alliances/{ref}/meetings/{meeting_id}"): (None, people(anon=303)),
    ("POST", "/alliances/{ref}/meetings/{meeting_id}"): (
        lambda v: {"kind": "plenary", "date": "2026-02-10", "time": "11:00", "status": "held"},
        manage(303, anon=303),
    ),
    ("POST", "/alliances/{ref}/meetings/{meeting_id}/agenda/template"): (
        None,
        manage(303, anon=303),
    ),
    ("POST", "/alliances/{ref}/meetings/{meeting_id}/agenda"): (None, manage(303, anon=303)),
    ("POST", "/alliances/{ref}/meetings/{meeting_id}/attendance"): (
        None,
        manage(303, anon=303),
    ),
    ("POST", "/alliances/{ref}/meetings/{meeting_id}/minutes"): (
        lambda v: {"minutes": "Agreed the plan.", "held": "on"},
        manage(303, anon=303),
    ),
    ("POST", "/alliances/{ref}/meetings/{meeting_id}/actions"): (
        lambda v: {"description": f"Action by {v}"},
        manage(303, anon=303),
    ),
    ("POST", "/alliances/{ref}/meetings/{meeting_id}/actions/{action_id}/remove"): (
        None,
        manage(303, anon=303),
    ),
    # the meeting is in the past: there is nobody left to invite
    ("POST", "/alliances/{ref}/meetings/{meeting_id}/invitations"): (
        None,
        manage(409, anon=303),
    ),
    ("GET", "/alliances/{ref}/meetings/{meeting_id}/invitation"): (None, people(anon=303)),
    ("GET", "/alliances/{ref}/meetings/{meeting_id}/calendar.ics"): (None, people(anon=303)),
    # the launch workspace: everyone with a role reads it, coordinators change it
    ("GET", "/alliances/{ref}/launch"): (None, view(anon=303)),
    ("POST", "/alliances/{ref}/launch/rules"): (
        lambda v: {"accountable": "The board"},
        manage(303, anon=303),
    ),
    ("POST", "/alliances/{ref}/launch/channels"): (
        lambda v: {"communication_channels": "Shared drive"},
        manage(303, anon=303),
    ),
    ("POST", "/alliances/{ref}/launch/plenaries"): (
        lambda v: {"date": "2026-06-01", "time": "10:00"},
        manage(303, anon=303),
    ),
    ("POST", "/alliances/{ref}/launch/plenaries/{meeting_id}"): (
        lambda v: {"date": "2026-02-11"},
        manage(303, anon=303),
    ),
    # personal data: the member's own (no confirmation: refused), and the administrator's
    ("POST", "/alliances/{ref}/me/consents"): (
        lambda v: {"contact": "yes"},
        own_write(303, anon=303),
    ),
    ("GET", "/alliances/{ref}/me/export.{fmt}"): (None, own_write(200, anon=303)),
    ("POST", "/alliances/{ref}/me/erase"): (None, own_write(422, anon=303)),
    ("GET", "/alliances/{ref}/members/{member_id}/export.{fmt}"): (None, admin_only(200)),
    ("POST", "/alliances/{ref}/members/{member_id}/erase"): (None, admin_only(303)),
    ("GET", "/account"): (None, _statuses(303, 200)),
    ("POST", "/account/language"): (lambda v: {"language": "en"}, _statuses(303, 303)),
    # the header's switch: for anyone, the account's language when signed in
    ("POST", "/language"): (lambda v: {"language": "en", "next": "/"}, _statuses(303, 303)),
    ("POST", "/account/tokens"): (lambda v: {"name": "matrix"}, _statuses(303, 201)),
    ("POST", "/account/tokens/{token_id}/revoke"): (None, _statuses(303, 404)),
    ("GET", "/admin/users"): (None, admin_only(200)),
    ("POST", "/admin/users"): (
        lambda v: {"login": f"made-by-{v}", "name": "Made", "password": "long enough pw"},
        admin_only(303),
    ),
    ("POST", "/admin/roles"): (
        lambda v: {"login": "member", "alliance": "north", "role": "member"},
        admin_only(303),
    ),
    ("POST", "/admin/links"): (
        lambda v: {"login": "member", "alliance": "north", "member": ""},  # unlinks
        admin_only(303),
    ),
    # stage 3, analysis: members read it, coordinators write it; funders see no names
    ("GET", "/alliances/{ref}/analysis"): (None, people(anon=303)),
    ("POST", "/alliances/{ref}/analysis/gaps-from-minutes"): (None, manage(422, anon=303)),
    ("POST", "/alliances/{ref}/analysis/{key}"): (
        lambda v: {"description": f"Gap seen by {v}"},
        manage(303, anon=303),
    ),
    ("POST", "/alliances/{ref}/analysis/{key}/{row_id}"): (
        lambda v: {"description": f"Gap edited by {v}"},
        manage(303, anon=303),
    ),
    ("POST", "/alliances/{ref}/analysis/{key}/{row_id}/remove"): (None, manage(303, anon=303)),
    ("GET", "/alliances/{ref}/map"): (None, people(anon=303)),
    ("GET", "/alliances/{ref}/map.geojson"): (None, people(anon=303)),
    ("GET", "/alliances/{ref}/map.kml"): (None, people(anon=303)),
    ("POST", "/alliances/{ref}/map/{organisation_id}"): (
        lambda v: {"latitude": "44.87", "longitude": "-0.52"},
        manage(303, anon=303),
    ),
    # stage 4, planning; the owner of an action reports on it, the members sign the charter
    ("GET", "/alliances/{ref}/planning"): (None, people(anon=303)),
    ("POST", "/alliances/{ref}/planning/vision"): (
        lambda v: {"vision": f"Vision of {v}"},
        manage(303, anon=303),
    ),
    ("POST", "/alliances/{ref}/planning/publications"): (
        lambda v: {"kind": "research", "title": f"Research by {v}"},
        manage(303, anon=303),
    ),
    ("GET", "/alliances/{ref}/actions"): (None, people(anon=303)),
    ("POST", "/alliances/{ref}/actions"): (
        lambda v: {"action": f"Action by {v}"},
        manage(303, anon=303),
    ),
    ("POST", "/alliances/{ref}/actions/{plan_action}"): (
        lambda v: {"action": "Mia's action"},
        manage(303, anon=303),
    ),
    ("POST", "/alliances/{ref}/actions/{plan_action}/progress"): (
        lambda v: {"status": "in_progress"},
        own_write(303, anon=303),
    ),
    ("POST", "/alliances/{ref}/actions/{plan_action}/remove"): (None, manage(303, anon=303)),
    ("GET", "/alliances/{ref}/charter"): (None, people(anon=303)),
    ("POST", "/alliances/{ref}/charter"): (
        lambda v: {"text": f"Charter written by {v}"},
        manage(303, anon=303),
    ),
    # a draft: saved then discarded by each coordinator, before they publish above
    ("POST", "/alliances/{ref}/charter/draft"): (
        lambda v: {"text": f"Draft by {v}"},
        manage(303, anon=303),
    ),
    ("POST", "/alliances/{ref}/charter/draft/discard"): (None, manage(303, anon=303)),
    # the printable annexes: the people's documents for those who may see the people
    ("GET", "/alliances/{ref}/print"): (None, view(anon=303)),
    ("GET", "/alliances/{ref}/print/briefing"): (None, view(anon=303)),
    ("GET", "/alliances/{ref}/meetings/{meeting_id}/print/invitation"): (
        None,
        people(anon=303),
    ),
    ("GET", "/alliances/{ref}/meetings/{meeting_id}/print/agenda"): (None, people(anon=303)),
    ("GET", "/alliances/{ref}/meetings/{meeting_id}/print/minutes"): (None, people(anon=303)),
    ("GET", "/alliances/{ref}/print/action-plan"): (None, people(anon=303)),
    ("GET", "/alliances/{ref}/print/charter"): (None, people(anon=303)),
    ("GET", "/alliances/{ref}/print/communication-plan"): (None, view(anon=303)),
    ("GET", "/alliances/{ref}/print/swot"): (None, view(anon=303)),
    # Mia has signed v1 through the API row already
    ("POST", "/alliances/{ref}/charter/sign"): (
        lambda v: {"agree": "on"},
        own_write(409, anon=303),
    ),
    # stage 5, dissemination: members read it, coordinators write it; the public profile is
    # for anybody once published (north's is not: 404 for everybody, signed in or not)
    ("GET", "/alliances/{ref}/dissemination"): (None, people(anon=303)),
    ("POST", "/alliances/{ref}/dissemination/plan"): (
        lambda v: {"audience": "media", "message": f"Plan row by {v}"},
        manage(303, anon=303),
    ),
    ("POST", "/alliances/{ref}/dissemination/plan/{plan_row}"): (
        lambda v: {"audience": "policy_makers", "message": f"Edited by {v}"},
        manage(303, anon=303),
    ),
    ("POST", "/alliances/{ref}/dissemination/plan/{plan_row}/remove"): (
        None,
        manage(303, anon=303),
    ),
    ("POST", "/alliances/{ref}/dissemination/publications"): (
        lambda v: {"kind": "press", "title": f"Article by {v}", "published_on": "01/03/2026"},
        manage(303, anon=303),
    ),
    ("POST", "/alliances/{ref}/dissemination/publications/{publication_id}"): (
        lambda v: {"kind": "video", "title": f"Video by {v}", "published_on": "01/03/2026"},
        manage(303, anon=303),
    ),
    ("POST", "/alliances/{ref}/dissemination/publications/{publication_id}/remove"): (
        None,
        manage(303, anon=303),
    ),
    ("POST", "/alliances/{ref}/dissemination/officer"): (None, manage(303, anon=303)),
    ("POST", "/alliances/{ref}/dissemination/profile"): (
        lambda v: {"action": "save", "parts": "vision"},
        manage(303, anon=303),
    ),
    ("GET", "/public/{ref}"): (None, _statuses(404, 404)),
    # stage 6: members read the evaluations and open the files people brought, coordinators
    # write; funders follow the sustainability page (no one's name on it) but neither the
    # evaluations nor the files (interviews may quote members). North is in stage 1, so a
    # decision to close or renew is refused (409) even for its coordinator.
    ("GET", "/alliances/{ref}/evaluations"): (None, people(anon=303)),
    ("POST", "/alliances/{ref}/evaluations"): (
        lambda v: {"kind": "self_assessment", "held_on": "01/03/2026", "strengths": f"{v}"},
        manage(303, anon=303),
    ),
    ("POST", "/alliances/{ref}/evaluations/cadence"): (
        lambda v: {"months": "4"},
        manage(303, anon=303),
    ),
    ("POST", "/alliances/{ref}/evaluations/{evaluation_id}"): (
        lambda v: {"kind": "joint", "held_on": "02/03/2026"},
        manage(303, anon=303),
    ),
    ("POST", "/alliances/{ref}/evaluations/{evaluation_id}/remove"): (
        None,
        manage(303, anon=303),
    ),
    ("GET", "/alliances/{ref}/documents/{document_id}"): (None, people(anon=303)),
    ("GET", "/alliances/{ref}/sustainability"): (None, view(anon=303)),
    ("POST", "/alliances/{ref}/sustainability/plan"): (
        lambda v: {"summary": f"Plan by {v}", "continuation": "voluntary"},
        manage(303, anon=303),
    ),
    ("POST", "/alliances/{ref}/sustainability/decision"): (
        lambda v: {"decision": "close", "decision_reason": "The work is done, we close."},
        manage(409, anon=303),
    ),
    # last: it ends the session the other rows use
    ("POST", "/logout"): (None, _statuses(303, 303)),
}


def routes_of_app() -> list[tuple[str, str]]:
    """(method, path) of every route the app answers, included routers flattened."""
    app = create_app(db=_NoDatabase())  # type: ignore[arg-type]
    found = []

    def add(path: str, methods: set[str] | None) -> None:
        found.extend((m, path) for m in sorted((methods or set()) - {"HEAD"}))

    for route in app.routes:
        if isinstance(route, Mount):
            continue  # static files
        if isinstance(route, APIRoute | Route):
            add(route.path, route.methods)
            continue
        # FastAPI >= 0.150 keeps included routers as one entry each
        for context in route.effective_route_contexts():  # type: ignore[attr-defined]
            add(context.path, context.methods)
    return found


class _NoDatabase:
    """Listing routes needs no database."""


def test_every_route_has_an_expectation() -> None:
    routes = routes_of_app()
    missing = [r for r in routes if r not in EXPECT]
    stale = [r for r in EXPECT if r not in routes]
    assert not missing, f"add these routes to EXPECT: {missing}"
    assert not stale, f"these EXPECT rows match no route: {stale}"


@pytest.mark.parametrize("visitor", VISITORS)
def test_authorization_matrix(visitor: str, world: World) -> None:
    client = TestClient(create_app(world.db, today=lambda: TODAY))
    org_id = _organisation_with_a_representative(world)
    plan_row, publication = _dissemination_rows(world)
    evaluation_id, document_id = _evaluation_and_signed_plan(world)
    csrf = login(client, visitor) if visitor != "anonymous" else ""
    headers = token_for(world.db, visitor) if visitor != "anonymous" else {}
    wrong = []
    # logging out ends the session every other row uses: do it last
    for method, path in sorted(routes_of_app(), key=lambda r: r == ("POST", "/logout")):
        payload_fn, expected = EXPECT[(method, path)]
        item = world.minutes_action if "/minutes-actions/" in path else world.action
        url = (
            path.replace("{ref}", "north")
            .replace("{item_id}", str(item))
            .replace("{fmt}", "csv")
            .replace("{org_id:int}", str(org_id))
            .replace("{token}", "no-such-upload")
            .replace("{member_id}", str(world.olle))
            .replace("{meeting_id}", str(world.meeting))
            .replace("{action_id}", str(world.other_minutes_action))
            .replace("{stage}", "launch")
            .replace("{token_id}", "999999")
            .replace("{key}", "gaps")
            .replace("{row_id}", str(world.gap))
            .replace("{organisation_id}", str(org_id))
            .replace("{plan_action}", str(world.action))
            .replace("{plan_row}", str(plan_row))
            .replace("{publication_id}", str(publication))
            .replace("{evaluation_id}", str(evaluation_id))
            .replace("{document_id}", str(document_id))
        )
        payload = payload_fn(visitor) if payload_fn else {}
        if path.startswith("/api/"):
            answer = client.request(method, url, headers=headers, json=payload or None)
        elif method == "POST":
            data = {**payload, "csrf_token": csrf} if path != "/login" else payload
            answer = client.request(method, url, data=data, follow_redirects=False)
        else:
            answer = client.request(method, url, follow_redirects=False)
        if answer.status_code != expected[visitor]:
            wrong.append(f"{method} {path}: {answer.status_code}, expected {expected[visitor]}")
        if path.startswith("/api/v1/alliances") and answer.status_code >= 400:
            assert "error" in answer.json() and "code" in answer.json()["error"]
    assert not wrong, "\n".join(wrong)


def _organisation_with_a_representative(world: World) -> int:
    from alliance_flow.services import alliances as alliance_service
    from alliance_flow.services import items as item_service

    with world.db.transaction() as session:
        north = alliance_service.get_alliance(session=session, ref="north")
        org: Any = item_service.add_item(
            session=session,
            alliance=north,
            kind="organisation",
            item_in={"name": "Matrix Org"},
            today=TODAY,
        )
        item_service.add_item(
            session=session,
            alliance=north,
            kind="member",
            item_in={"name": "Matrix Rep", "organisation_id": org.id},
            today=TODAY,
        )
        return int(org.id)


def _dissemination_rows(world: World) -> tuple[int, int]:
    """A row of north's communication plan and one of its publications."""
    from alliance_flow.services import alliances as alliance_service
    from alliance_flow.services import items as item_service

    with world.db.transaction() as session:
        north = alliance_service.get_alliance(session=session, ref="north")
        row: Any = item_service.add_item(
            session=session,
            alliance=north,
            kind="communication",
            item_in={"audience": "policy_makers"},
            today=TODAY,
        )
        publication: Any = item_service.add_item(
            session=session,
            alliance=north,
            kind="publication",
            item_in={"kind": "press", "title": "Matrix article", "published_on": "2026-02-01"},
            today=TODAY,
        )
        return int(row.id), int(publication.id)


def _evaluation_and_signed_plan(world: World) -> tuple[int, int]:
    """In north: an evaluation, and the signed sustainability plan as a (tiny) PDF."""
    from alliance_flow.services import alliances as alliance_service
    from alliance_flow.services import sustainability

    with world.db.transaction() as session:
        north = alliance_service.get_alliance(session=session, ref="north")
        evaluation = sustainability.save_evaluation(
            session=session,
            alliance=north,
            evaluation_in={"kind": "self_assessment", "held_on": "2026-02-20"},
            today=TODAY,
            by="setup",
        )
        sustainability.save_plan(
            session=session,
            alliance=north,
            plan_in={"summary": "Go on as a network", "dated_on": "2026-02-25"},
            today=TODAY,
            by="setup",
            signed=sustainability.Upload("plan.pdf", b"%PDF-1.4\n%%EOF\n"),
        )
        document = session.scalars(select(m.Document).where(m.Document.alliance_id == north.id))
        return int(evaluation.id), int(document.one().id)
