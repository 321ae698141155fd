"""Every kind of reminder in French, Dutch and Swedish, with no English and no code left.

Each kind is decided for a small alliance (pure, no database) and rendered with catalogs that
mark what they translate (tests/leftovers.py): a word outside the marks that is not the
alliance's data (names, titles, places) is English written into the code.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from babel.dates import get_timezone_location

from alliance_flow.reminders.due import ActionInfo, Due, due_for
from alliance_flow.reminders.messages import RENDERERS, render
from tests.leftovers import dates_words, leftovers, marked_catalogs

from .test_due import alliance, at, meeting, person

BASE = "https://alliances.example.org"


def _every_kind() -> list[Due]:
    """At least one message of each kind, from the situations that make them due."""
    people = (
        person(1, "chair"),
        person(2, "secretary"),
        replace(person(3), reachable=False, name="Aline"),
    )
    acts = (
        ActionInfo("plan", 1, "Affiche du forum", 1, date(2026, 3, 9)),
        ActionInfo("meeting", 2, "Réserver la salle", 1, date(2026, 3, 1)),
    )
    situations = [
        (
            alliance(
                meetings=(meeting(10, "2026-03-20 18:00", place="Salle des fêtes, Mérignac"),)
            ),
            at("2026-03-13 08:00"),
        ),
        (
            alliance(meetings=(meeting(8, "2026-03-20 18:00", status="cancelled"),)),
            at("2026-03-19 09:00"),
        ),
        (
            alliance(meetings=(meeting(3, "2026-02-27 18:00", status="held"),)),
            date(2026, 3, 2),
        ),
        (
            alliance(
                people=people,
                actions=acts,
                charter_version=2,
                charter_adopted_on=date(2026, 2, 1),
                charter_signed_by=frozenset({1}),
                failing_checks=("Charte signée",),
                failed_deliveries=(("Plénière du 20 mars", "audience:coordinators"),),
                stage="planning",
            ),
            at("2026-03-16 08:00"),
        ),
        (alliance(actions=acts), date(2026, 3, 2)),
        (alliance(work_plan_end=date(2026, 8, 31)), date(2025, 12, 30)),
        (alliance(work_plan_end=date(2026, 8, 31)), date(2026, 3, 1)),
        (
            alliance(
                audiences=frozenset({"coordinators", "funders"}),
                ready_to_advance=True,
                stage_entered_on=date(2026, 1, 5),
                work_plan_start=date(2025, 11, 1),
                evaluations=(date(2025, 12, 1),),
            ),
            date(2026, 3, 4),
        ),
    ]
    return [d for a, moment in situations for d in due_for(a, moment)]


def test_the_situations_make_every_kind_due() -> None:
    kinds = {d.kind for d in _every_kind()}
    assert {key for key in RENDERERS if any(k.startswith(key) for k in kinds)} == set(RENDERERS)


@pytest.mark.parametrize("language", ["fr", "nl", "sv"])
def test_every_kind_reads_in_the_recipients_language(
    language: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = {
        "Bordeaux",
        "Aline",
        "P1",
        "P2",
        "P3",
        "Plenary 10",
        "Plenary 8",
        "Plenary 3",
        "Salle des fêtes, Mérignac",
        "Affiche du forum",
        "Réserver la salle",
        "Charte signée",
        "Plénière du 20 mars",
        BASE,
    }
    found: dict[str, set[str]] = {}
    with marked_catalogs(monkeypatch, language):
        for due in _every_kind():
            title, body = render(
                replace(due, language=language),
                alliance_name="Bordeaux",
                slug="bordeaux",
                base_url=BASE,
            )
            zone = get_timezone_location("Europe/Paris", locale=language)  # Babel's, as read
            text = f"{title}\n{body}".replace(zone, " ")
            left = leftovers(text, dates_words(language), data)
            if left:
                found[due.kind] = left
    assert not found, found
