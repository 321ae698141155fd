"""Small builders of facts for gate tests (no database)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from alliance_flow.facts import (
    ActionFacts,
    AllianceFacts,
    BriefingFacts,
    CharterFacts,
    EvaluationFacts,
    MeetingFacts,
    OrganisationFacts,
    PersonFacts,
    SustainabilityFacts,
)
from alliance_flow.gates import written

JOINED = date(2025, 1, 10)


def person(i: int, **kw: Any) -> PersonFacts:
    base: dict[str, Any] = {
        "id": i,
        "name": f"Person {i}",
        "organisation": f"Org {i}",
        "group": "ngo",
        "sectors": frozenset({"social_action"}),
        "has_contact": True,
        "has_authority": "yes",
        "authority_granted_by": None,
        "joined_on": JOINED,
        "left_on": None,
        "roles": frozenset(),
    }
    base.update(kw)
    return PersonFacts(**base)


def members(n: int, **kw: Any) -> tuple[PersonFacts, ...]:
    return tuple(person(i, **kw) for i in range(1, n + 1))


def facts(**kw: Any) -> AllianceFacts:
    return replace(AllianceFacts(id=1, slug="test", name="Test alliance", stage="scope"), **kw)


def meeting(
    i: int, kind: str, day: date, status: str = "planned", minuted: bool = False
) -> MeetingFacts:
    return MeetingFacts(i, kind, None, day, status, minuted)


def action(number: int = 1, **kw: Any) -> ActionFacts:
    base: dict[str, Any] = {
        "number": number,
        "action": f"Action {number}",
        "status": "planned",
        "owner": "Person 1",
        "starts_on": date(2026, 1, 1),
        "ends_on": date(2026, 6, 30),
        "resources": "Volunteers, a room",
        "obstacles": "Language barriers",
        "obstacle_plan": "Interpreters",
        "collaborators": "Town hall",
        "estimated_budget": Decimal("1500.00"),
    }
    base.update(kw)
    return ActionFacts(**base)


__all__ = [
    "BriefingFacts",
    "CharterFacts",
    "EvaluationFacts",
    "OrganisationFacts",
    "SustainabilityFacts",
    "action",
    "facts",
    "meeting",
    "members",
    "person",
    "written",
]
