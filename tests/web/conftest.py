"""Fixtures for the web tests: a small world of alliances and one user per role."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from alliance_flow.accounts import membership
from alliance_flow.accounts import services as accounts
from alliance_flow.db import Database
from alliance_flow.services import alliances as alliance_service
from alliance_flow.services import items as item_service
from alliance_flow.web import create_app
from tests.conftest import TODAY

PASSWORD = "correct horse battery"
#: persona -> (role on "north", role on "south"); admin is global.
PERSONAS: dict[str, tuple[str | None, str | None]] = {
    "admin": (None, None),
    "coordinator": ("coordinator", None),
    "member": ("member", None),
    "funder": ("funder", None),
    "outsider": (None, "coordinator"),  # coordinates another alliance only
}


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 with its real cost makes each login take tens of milliseconds: too slow here."""
    monkeypatch.setattr(
        accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


@dataclass
class World:
    db: Database
    north: str = "north"
    south: str = "south"
    #: In north: the member the "member" persona speaks for, and what each member owns.
    mia: int = 0
    action: int = 0
    other_action: int = 0
    minutes_action: int = 0
    other_minutes_action: int = 0
    #: In north: Olle (not linked to any account) and the plenary both actions come from.
    olle: int = 0
    meeting: int = 0
    #: In north: a gap of the analysis.
    gap: int = 0


def build_world(db: Database) -> World:
    with db.transaction() as session:
        for name, country in (("North", "FR"), ("South", "IE")):
            alliance_service.create_alliance(
                session=session,
                alliance_in={
                    "name": name,
                    "country": country,
                    "work_plan_start": "2026-01-01",
                    "work_plan_end": "2027-12-31",
                },
                actor="setup",
            )
        for login, (north, south) in PERSONAS.items():
            accounts.create_user(
                session=session,
                user_in={
                    "login": login,
                    "name": login.title(),
                    "password": PASSWORD,
                    "is_admin": login == "admin",
                },
            )
            for slug, role in (("north", north), ("south", south)):
                if role:
                    accounts.grant_role(session=session, login=login, alliance_ref=slug, role=role)
    return add_member_items(db, World(db))


def adder(session: Session, ref: str) -> Callable[..., int]:
    """`add(kind, **values)`: adds an item of that kind to the alliance, returns its id."""
    alliance = alliance_service.get_alliance(session=session, ref=ref)

    def add(kind: str, /, **values: object) -> int:
        row = item_service.add_item(
            session=session, alliance=alliance, kind=kind, item_in=values, today=TODAY
        )
        return row.id  # type: ignore[attr-defined]

    return add


def add_member_items(db: Database, world: World) -> World:
    """In north: Mia (the "member" persona) and Olle, a charter, and an action of each kind
    owned by each of them."""
    with db.transaction() as session:
        add = adder(session, "north")
        mia = add("member", name="Mia Member", joined_on="2026-01-15")
        olle = add("member", name="Olle Other", joined_on="2026-01-15")
        add("charter", text="We work together, in good faith.", adopted_on="2026-02-01")
        world.mia = mia
        world.olle = olle
        world.action = add("action", action="Mia's action", owner_member_id=mia)
        world.other_action = add("action", action="Olle's action", owner_member_id=olle)
        meeting = add("meeting", kind="plenary", starts_at="2026-02-10T10:00", status="held")
        world.meeting = meeting
        world.minutes_action = add(
            "minutes-action", meeting_id=meeting, description="Book the room", owner_member_id=mia
        )
        world.other_minutes_action = add(
            "minutes-action", meeting_id=meeting, description="Send minutes", owner_member_id=olle
        )
        world.gap = add("gap", description="No interpreting for health visits")
        membership.link_member(
            session=session, login="member", alliance_ref="north", member_ref=mia
        )
    return world


@pytest.fixture
def world(db: Database) -> World:
    return build_world(db)


@pytest.fixture
def client(world: World) -> Iterator[TestClient]:
    with TestClient(create_app(world.db, today=lambda: TODAY)) as c:
        yield c


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def login(client: TestClient, user: str, password: str = PASSWORD) -> str:
    """Log in through the form; returns the session's CSRF token."""
    page = client.get("/login")
    token = CSRF.search(page.text)
    assert token, page.text
    answer = client.post(
        "/login",
        data={"login": user, "password": password, "csrf_token": token.group(1)},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    home = client.get("/")
    found = CSRF.search(home.text)
    assert found
    return found.group(1)


def token_for(db: Database, user: str) -> dict[str, str]:
    with db.transaction() as session:
        u = accounts.get_user(session=session, login=user)
        secret = accounts.issue_token(session=session, user_id=u.id, name="tests")
    return {"Authorization": f"Bearer {secret}"}
