"""A small alliance with every figure of its report known in advance, and the funders who see it.

Rows are written with the models directly (not the services) so the stage history can carry
past dates: the services stamp events with the real clock. Dates are relative to nothing:
the report is made as of TODAY (2026-03-02) and the expected figures are written out in
test_figures.py.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from argon2 import PasswordHasher

from alliance_flow import models as m
from alliance_flow.accounts import services as accounts
from alliance_flow.db import Database

os.environ.setdefault("MPLCONFIGDIR", tempfile.mkdtemp(prefix="mpl-"))

PARIS = ZoneInfo("Europe/Paris")
PASSWORD = "correct horse battery"
COORDINATOR = "Claire Coordinator"


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


def at(day: str, hour: int = 9) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(hour), tzinfo=UTC)


def d(day: str) -> date:
    return date.fromisoformat(day)


def build_testville(db: Database) -> None:
    """Testville (planning stage) and Otherville (scope), with a funder for each."""
    with db.transaction() as s:
        a = m.Alliance(
            slug="testville",
            name="Testville Alliance",
            region="Testville and its villages",
            country="FR",
            language="fr",
            timezone="Europe/Paris",
            work_plan_start=d("2025-01-01"),
            work_plan_end=d("2026-12-31"),
            vision="Every newcomer in Testville can reach a mediator.",
            created_at=at("2025-01-01", 8),
            updated_at=at("2025-10-01", 8),
        )
        with m.stage_change():
            a.stage = "planning"
        s.add(a)
        s.flush()
        aid = a.id

        def event(kind: str, when: str, stage: str, to: str | None = None, **kw: object) -> None:
            s.add(
                m.StageEvent(
                    alliance_id=aid,
                    kind=kind,
                    stage=stage,
                    from_stage=stage if kind in ("advanced", "moved_back") else None,
                    to_stage=to,
                    actor=COORDINATOR,
                    at=at(when),
                    **kw,
                )
            )

        event("created", "2025-01-01", "scope", "scope")
        event("advanced", "2025-02-01", "scope", "launch")
        event(
            "waived",
            "2025-04-01",
            "launch",
            check_code="launch.membership_size",
            reason="Ten partners in three towns: small is fine for now.",
        )
        event("advanced", "2025-04-02", "launch", "analysis")
        event("advanced", "2025-09-15", "analysis", "planning")
        event(
            "waived",
            "2025-10-01",
            "planning",
            check_code="planning.vision_agreed",
            reason="The vision is part of the charter text the members adopt.",
        )

        orgs = {}
        for name, group, sectors in (
            ("Town Hall", "public_authority", ["social_action"]),
            ("Youth Club", "ngo", ["socio_cultural_sports"]),
            ("Job Centre", "public_authority", ["economic_insertion"]),
            ("Mediators Network", "mediator", ["social_action", "socio_cultural_sports"]),
        ):
            o = m.Organisation(alliance_id=aid, name=name, group=group)
            o.sector_rows = [m.OrganisationSector(sector=x) for x in sectors]
            s.add(o)
            s.flush()
            orgs[name] = o.id

        people = {}
        for name, org, extra in (
            (
                "Alice",
                "Town Hall",
                {"joined_on": d("2025-02-01"), "participation_level": "deciding_together"},
            ),
            (
                "Bob",
                "Youth Club",
                {"joined_on": d("2025-02-01"), "participation_level": "acting_together"},
            ),
            (
                "Chloé",
                "Job Centre",
                {
                    "joined_on": d("2025-02-01"),
                    "left_on": d("2025-12-01"),
                    "participation_level": "consultation",
                },
            ),
            (
                "Dina",
                "Mediators Network",
                {"joined_on": d("2025-03-01"), "participation_level": "acting_together"},
            ),
            (
                "Elif",
                None,
                {
                    "joined_on": d("2026-01-10"),
                    "participation_level": "information",
                    "group": "migrant_refugee_community",
                    "sector": "social_action",
                },
            ),
            (
                "Farid",
                None,
                {
                    "joined_on": d("2025-02-01"),
                    "group": "migrant_refugee_community",
                    "sector": "economic_insertion",
                },
            ),
            ("Gus", "Town Hall", {}),
        ):
            mb = m.Member(
                alliance_id=aid,
                name=name,
                organisation_id=orgs[org] if org else None,
                email=f"{name.lower()}@testville.example.org",
                **extra,
            )
            if name == "Alice":
                mb.role_rows = [m.MemberRole(role="chair")]
            if name == "Bob":
                mb.role_rows = [m.MemberRole(role="communications_officer")]
            s.add(mb)
            s.flush()
            people[name] = mb.id

        def meeting(
            kind: str, day: str, status: str, title: str, minutes: bool, present: dict[str, bool]
        ) -> int:
            mt = m.Meeting(
                alliance_id=aid,
                kind=kind,
                title=title,
                starts_at=datetime.combine(d(day), time(10), tzinfo=PARIS).astimezone(UTC),
                timezone="Europe/Paris",
                status=status,
                minutes="Minutes." if minutes else None,
            )
            s.add(mt)
            s.flush()
            for who, was_there in present.items():
                s.add(m.Attendance(meeting_id=mt.id, member_id=people[who], present=was_there))
            return mt.id

        P, A = True, False
        mt1 = meeting(
            "initiation_workshop",
            "2025-02-04",
            "held",
            "Kick-off",
            True,
            {"Alice": P, "Bob": P, "Chloé": P, "Farid": A},
        )
        mt2 = meeting(
            "plenary",
            "2025-05-06",
            "held",
            "Plenary 1",
            True,
            {"Alice": P, "Bob": P, "Chloé": A, "Dina": P, "Farid": P},
        )
        meeting(
            "workshop",
            "2025-09-09",
            "held",
            "Gap workshop",
            False,
            {"Alice": P, "Bob": A, "Chloé": P, "Dina": P, "Farid": P},
        )
        meeting("plenary", "2025-11-18", "cancelled", "Plenary (cancelled)", False, {})
        mt4 = meeting(
            "plenary",
            "2026-01-13",
            "held",
            "Plenary 2",
            True,
            {"Alice": P, "Bob": P, "Dina": A, "Elif": P, "Farid": P},
        )
        meeting("plenary", "2026-02-17", "planned", "Plenary 3", False, {})
        meeting("plenary", "2026-04-14", "planned", "Plenary 4", False, {})

        for meeting_id, what, due, done in (
            (mt1, "Draft terms of reference", "2025-03-01", "2025-02-25"),
            (mt2, "Collect programmes", "2025-06-30", None),
            (mt4, "Book the hall", "2026-04-01", None),
        ):
            s.add(
                m.MeetingAction(
                    meeting_id=meeting_id,
                    description=what,
                    owner_member_id=people["Alice"],
                    due_on=d(due),
                    done_on=d(done) if done else None,
                )
            )

        complete = {
            "resources": "Volunteers",
            "obstacles": "Languages",
            "obstacle_plan": "Interpreters",
            "collaborators": "Town hall",
        }
        for number, action, responsible, owner, status, starts, ends, budget, committed in (
            (
                1,
                "Interpreter pool",
                None,
                "Alice",
                "in_progress",
                "2025-10-01",
                "2026-02-15",
                "5000",
                "2000",
            ),
            (
                2,
                "Welcome walks",
                "Youth Club",
                None,
                "done",
                "2025-10-01",
                "2025-12-31",
                "1500",
                "1500",
            ),
            (
                3,
                "Job fair",
                "Job Centre",
                None,
                "planned",
                "2026-03-15",
                "2026-05-31",
                "3000.50",
                None,
            ),
            (
                4,
                "Radio show",
                "Youth Club",
                None,
                "dropped",
                "2025-11-01",
                "2026-01-31",
                "800",
                "0",
            ),
        ):
            s.add(
                m.ActionPlanItem(
                    alliance_id=aid,
                    number=number,
                    action=action,
                    responsible=responsible,
                    owner_member_id=people[owner] if owner else None,
                    status=status,
                    starts_on=d(starts),
                    ends_on=d(ends),
                    estimated_budget=Decimal(budget),
                    budget_committed=Decimal(committed) if committed is not None else None,
                    **complete,
                )
            )

        for kind, held_on, evaluator, swot, findings in (
            (
                "self_assessment",
                "2025-06-15",
                None,
                (
                    ["Committed partners"],
                    ["Few migrant voices"],
                    ["City integration budget"],
                    ["Volunteer fatigue"],
                ),
                "Good start.",
            ),
            ("joint", "2025-12-10", None, ([], [], [], []), "Members want smaller working groups."),
            (
                "self_assessment",
                "2026-02-20",
                "Internal committee",
                (
                    ["Regular plenaries", "Shared vision"],
                    ["Late action plan"],
                    ["Regional funding call"],
                    ["Staff turnover"],
                ),
                "Keep going.",
            ),
        ):
            s.add(
                m.Evaluation(
                    alliance_id=aid,
                    kind=kind,
                    held_on=d(held_on),
                    evaluator=evaluator,
                    strengths=swot[0],
                    weaknesses=swot[1],
                    opportunities=swot[2],
                    threats=swot[3],
                    findings=findings,
                )
            )
        s.add(
            m.Publication(
                alliance_id=aid,
                kind="research",
                title="Mapping report",
                published_on=d("2025-09-20"),
                audience="Policy makers",
            )
        )
        s.add(
            m.Publication(
                alliance_id=aid,
                kind="action_plan",
                title="Regional action plan",
                published_on=d("2026-02-01"),
                url="https://testville.example.org/plan",
                audience="Members and partners",
            )
        )
        for audience in ("policy_makers", "media"):
            s.add(m.CommunicationPlanRow(alliance_id=aid, audience=audience))

        other = m.Alliance(
            slug="otherville",
            name="Otherville Alliance",
            country="IE",
            language="en",
            work_plan_start=d("2025-06-01"),
            work_plan_end=d("2027-05-31"),
            created_at=at("2025-06-01", 8),
        )
        s.add(other)
        s.flush()
        s.add(
            m.StageEvent(
                alliance_id=other.id,
                kind="created",
                stage="scope",
                to_stage="scope",
                actor="setup",
                at=at("2025-06-01"),
            )
        )

        for login, language, funds in (
            ("funder-a", "en", ["testville"]),
            ("funder-b", "fr", ["otherville"]),
            ("funder-both", None, ["testville", "otherville"]),
        ):
            accounts.create_user(
                session=s,
                user_in={
                    "login": login,
                    "name": login.title(),
                    "password": PASSWORD,
                    "language": language,
                },
            )
            for slug in funds:
                accounts.grant_role(session=s, login=login, alliance_ref=slug, role="funder")
        accounts.create_user(
            session=s,
            user_in={"login": "coordinator", "name": COORDINATOR, "password": PASSWORD},
        )
        accounts.grant_role(
            session=s, login="coordinator", alliance_ref="testville", role="coordinator"
        )


@pytest.fixture
def testville(db: Database) -> Database:
    build_testville(db)
    return db


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Database]:
    """Testville on a fresh SQLite database, for tests that write but need no second backend."""
    db = Database(f"sqlite:///{tmp_path / 'fresh.db'}")
    db.upgrade()
    build_testville(db)
    yield db
    db.dispose()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """Testville on SQLite, built once per module for the rendering tests."""
    path: Path = tmp_path_factory.mktemp("reports") / "reports.db"
    db = Database(f"sqlite:///{path}")
    db.upgrade()
    build_testville(db)
    yield db
    db.dispose()
