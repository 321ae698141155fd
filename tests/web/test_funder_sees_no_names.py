"""Funders see counts and organisations, never a person: a hostile dataset types a member's name,
a coordinator's name and contact details into every free-text field of the alliance, and every
output a funder can reach (pages, API, report and portfolio in every format, the monthly
message) is rendered and searched for them.

The free-text columns are found from the tables themselves, so a column added later is typed
into too unless it is listed in NOT_FREE_TEXT.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import JSON, String, Text, select, update

from alliance_flow import models as m
from alliance_flow.accounts.models import User
from alliance_flow.db import Database
from alliance_flow.services import alliances as alliance_service
from alliance_flow.services import items as item_service
from alliance_flow.vocabulary import Stage
from alliance_flow.web import create_app
from tests.conftest import TODAY
from tests.web.conftest import World, login, token_for
from tests.web.test_authorization_matrix import routes_of_app

MEMBER = "Zoltan Quibbleworth"
COORDINATOR = "Ysolde Brankovic"
EMAIL = "zq.private@hostile.example"
PHONE = "+33 6 98 76 54 32"
HOSTILE = f"{MEMBER} ({EMAIL}, {PHONE}) with {COORDINATOR}"
#: what must never be found, in any case, in anything a funder receives
NEEDLES = ("zoltan", "quibbleworth", "ysolde", "brankovic", "zq.private", "98 76 54", "98765432")

#: Columns that hold codes, dates as text, addresses for machines or organisation-level facts
#: (organisation names are what a funder is told), not text a person types about people.
NOT_FREE_TEXT = {
    "alliances": {"slug", "name", "country", "language", "timezone", "stage", "region_boundary"},
    "organisations": {"name", "group", "influence", "interest", "website"},
    "consultations": {"organisation"},
    "meetings": {"kind", "timezone", "status", "host_organisation"},
    "publications": {"kind", "url"},
    "research_sources": {"kind", "url"},
    "evaluations": {"kind"},
    "communication_plan_rows": {"audience"},
    "sector_profiles": {"kind"},
    "sustainability_plans": {"continuation", "decision"},
    "agenda_items": {"time"},
    "members": {"language", "group", "sector", "has_authority", "participation_level"},
    "action_plan_items": {"status"},
    "alliances_json": {"communication_channels"},
}
#: Tables no funder output reads from (accounts, sessions, the outbox, the audit log).
NOT_ALLIANCE_DATA = {
    "audit_events",
    "login_failures",
    "users",
    "alliance_channels",
    "api_tokens",
    "calendar_feeds",
    "reminder_outbox",
    "stakeholder_uploads",
    "web_sessions",
    "member_consents",
    "member_roles",
    "user_alliance_roles",
    "organisation_sectors",
    "stage_events",  # append-only: the hostile events are written as such above
}


def _hostile_value(column: object) -> object:
    kind = column.type  # type: ignore[attr-defined]
    name = column.name  # type: ignore[attr-defined]
    if isinstance(kind, JSON):
        return [HOSTILE]
    if name == "email":
        return EMAIL
    if name == "phone":
        return PHONE
    length = getattr(kind, "length", None)
    if length and length < len(MEMBER):
        return None
    return HOSTILE if not length or length >= len(HOSTILE) else MEMBER


def type_names_everywhere(db: Database, world: World) -> None:
    """Give north a row of every kind, then type the names into every free-text column."""
    with db.transaction() as session:
        north = alliance_service.get_alliance(session=session, ref="north")

        def add(kind: str, /, **values: object) -> None:
            item_service.add_item(
                session=session, alliance=north, kind=kind, item_in=values, today=TODAY
            )

        add("organisation", name="Hostile Org", group="ngo")
        org = session.scalars(
            select(m.Organisation).where(m.Organisation.name == "Hostile Org")
        ).one()
        add("member", name=MEMBER, organisation_id=org.id, joined_on="2026-01-10")
        add("member", name="Former Person", joined_on="2025-01-10", left_on="2026-02-01")
        add("briefing", why="why")
        add("agenda", meeting_id=world.meeting, item="item")
        add("sector-profile", programme="programme")
        add("research", title="research")
        add("consultation", interviewee="someone", held_on="2026-02-01")
        add("communication", audience="general_public", stakeholder="stakeholder")
        add("publication", kind="research", title="title", published_on="2026-02-15")
        add("evaluation", kind="joint", held_on="2026-02-20")
        add("sustainability", summary="summary")
        add("action", action="An action with a responsible", responsible="someone")
        add(
            "minutes-action",
            meeting_id=world.meeting,
            description="overdue",
            due_on="2026-02-20",
        )
        session.add_all(
            [
                m.StageEvent(
                    alliance_id=north.id,
                    kind="waived",
                    stage=Stage.SCOPE.value,
                    check_code="scope.briefing_reasons",
                    actor=COORDINATOR,
                    reason=HOSTILE,
                    at=datetime(2026, 2, 1, 9, tzinfo=UTC),
                ),
                m.StageEvent(
                    alliance_id=north.id,
                    kind="moved_back",
                    stage=Stage.SCOPE.value,
                    from_stage=Stage.LAUNCH.value,
                    to_stage=Stage.SCOPE.value,
                    actor=COORDINATOR,
                    reason=HOSTILE,
                    at=datetime(2026, 2, 2, 9, tzinfo=UTC),
                ),
            ]
        )
        session.flush()

    with db.transaction() as session:
        for table in m.Base.metadata.sorted_tables:
            if table.name in NOT_ALLIANCE_DATA:
                continue
            skip = NOT_FREE_TEXT.get(table.name, set()) | NOT_FREE_TEXT.get(
                f"{table.name}_json", set()
            )
            values = {
                c.name: _hostile_value(c)
                for c in table.columns
                if isinstance(c.type, String | Text | JSON)
                and c.name not in skip
                and not (table.name == "members" and c.name == "name")
            }
            values = {k: v for k, v in values.items() if v is not None}
            if values:
                session.execute(update(table).values(**values))
        session.execute(update(m.Member).where(m.Member.name == MEMBER).values(name=MEMBER))
        # the people who act: a coordinator and the member persona are named, the funder not
        session.execute(
            update(User)
            .where(User.login.in_(["coordinator", "member", "admin"]))
            .values(name=COORDINATOR)
        )


def _text_of(content: bytes, media_type: str, tmp_path: Path) -> str:
    if media_type.startswith("application/pdf"):
        path = tmp_path / "out.pdf"
        path.write_bytes(content)
        return subprocess.run(
            ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
        ).stdout
    if "spreadsheetml" in media_type:
        book = load_workbook(io.BytesIO(content))
        return "\n".join(
            str(cell.value)
            for sheet in book.worksheets
            for row in sheet.iter_rows()
            for cell in row
            if cell.value is not None
        )
    return content.decode("utf-8", errors="replace")


def _leaks(text: str) -> list[str]:
    flat = re.sub(r"\s+", " ", text).lower()
    return [n for n in NEEDLES if n in flat]


def _concrete_paths(path: str, world: World) -> list[str]:
    """Every way a funder might open this route on north (ids of north's rows)."""
    ids = {
        "ref": ["north"],
        "stage": [s.value for s in Stage],
        "fmt": ["html", "pdf", "csv", "xlsx", "json", "ics", "geojson", "kml"],
        "meeting_id": [str(world.meeting)],
        "member_id": [str(world.olle)],
        "item_id": [str(world.action)],
        "action_id": [str(world.minutes_action)],
        "plan_action": ["1"],
        "key": ["gaps"],
        "row_id": [str(world.gap)],
    }
    paths = [path]
    for name in re.findall(r"{(\w+)(?::\w+)?}", path):
        expanded = []
        for p in paths:
            for value in ids.get(name, ["1"]):
                expanded.append(re.sub(r"{" + name + r"(?::\w+)?}", value, p, count=1))
        paths = expanded
    return paths


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_no_name_typed_anywhere_reaches_a_funder(world: World, tmp_path: Path) -> None:
    # given every free-text field of north naming a member, a coordinator and contact details
    type_names_everywhere(world.db, world)
    app = create_app(world.db, today=lambda: TODAY)
    routes = sorted({path for method, path in routes_of_app() if method == "GET"})
    seen: dict[str, list[str]] = {}
    with TestClient(app) as client:
        login(client, "funder")
        api = token_for(world.db, "funder")

        # when the funder opens every route they may open, in every format
        for route in routes:
            for path in _concrete_paths(route, world):
                for query in ("", "?period=whole", "?lang=fr"):
                    headers = api if path.startswith("/api/") else {}
                    answer = client.get(path + query, headers=headers)
                    if answer.status_code != 200:
                        continue
                    media = answer.headers.get("content-type", "")
                    seen[path + query] = _leaks(_text_of(answer.content, media, tmp_path))

    # then what they can open is what the access rules say, and none of it names anyone
    opened = {path.split("?")[0] for path in seen}
    for expected in (
        "/",
        "/alliances/north",
        "/alliances/north/report",
        "/alliances/north/report.pdf",
        "/alliances/north/report.csv",
        "/alliances/north/report.xlsx",
        "/reports/portfolio",
        "/reports/portfolio.pdf",
        "/reports/portfolio.xlsx",
        "/api/v1/alliances/north",
        "/api/v1/alliances/north/history",
        "/api/v1/alliances/north/checks",
        "/alliances/north/launch",
        "/alliances/north/briefing",
    ):
        assert expected in opened, f"{expected} was not opened by the funder"
    assert {path: found for path, found in seen.items() if found} == {}


def test_no_name_typed_anywhere_reaches_the_public_profile(world: World) -> None:
    # given the hostile dataset, and north's public profile published with every part
    from alliance_flow.services import dissemination

    type_names_everywhere(world.db, world)
    with world.db.transaction() as session:
        north = alliance_service.get_alliance(session=session, ref="north")
        dissemination.save_profile(
            session=session,
            alliance=north,
            introduction=HOSTILE,
            parts=list(dissemination.PROFILE_PARTS),
            action="publish",
            today=TODAY,
            base_url="https://alliances.example.org",
        )
    # when anybody opens it
    with TestClient(create_app(world.db, today=lambda: TODAY)) as client:
        page = client.get("/public/north")
    # then it shows the alliance's work, and no one's name or contact
    assert page.status_code == 200, page.text[:300]
    assert "[withheld]" in page.text
    assert _leaks(page.text) == []


def test_a_funder_still_reads_their_own_name(world: World) -> None:
    # given the funder and a coordinator whose names share a word, as the demo accounts do
    with world.db.transaction() as session:
        for login_, name in (("funder", "Demo funder north"), ("coordinator", "Demo coordinator")):
            session.execute(update(User).where(User.login == login_).values(name=name))
    with TestClient(create_app(world.db, today=lambda: TODAY)) as client:
        login(client, "funder")
        # when they open the page that names them (the header's "My account")
        page = client.get("/").text
    # then their own name is whole; the coordinator's would be withheld
    assert "Demo funder north" in page
    assert "[withheld] funder" not in page


def test_words_of_organisation_names_are_not_withheld_alone(world: World) -> None:
    # given a member called like the town an organisation is named after
    from alliance_flow.withholding import people_of

    with world.db.transaction() as session:
        north = alliance_service.get_alliance(session=session, ref="north")
        session.add(m.Organisation(alliance_id=north.id, name="CADA de Mérignac"))
        session.add(m.Member(alliance_id=north.id, name="Anna Mérignac"))
        session.flush()
        withheld = people_of(session, [north.id])
    # then the organisation keeps its name; the person, whole or by first name, does not show
    assert (
        withheld.text("CADA de Mérignac: Anna Mérignac and Anna called")
        == "CADA de Mérignac: [withheld] and [withheld] called"
    )
