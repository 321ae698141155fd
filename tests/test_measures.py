"""Checking every alliance from SQL's counts says what checking each one from its rows says.

`Include.verdicts_only` lets SQL count the members, organisations and actions (`Measures`)
instead of sending their rows; everywhere else the same counts are made from the rows
(`facts.count_measures`). These tests hold the two to the same answers, count by count and
check by check, on generated alliances at every stage and on the edge cases of the rules.
"""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from alliance_flow import models as m
from alliance_flow.db import Database
from alliance_flow.facts import (
    MEASURED_BY_STAGE,
    VERDICTS,
    Measures,
    count_measures,
    read_facts,
)
from alliance_flow.gates import counts_only
from alliance_flow.i18n import use_language
from alliance_flow.services import stages as stage_service
from benchmarks.generate import generate
from tests.conftest import TODAY

OPEN = m.Alliance.stage != "closed"
#: The counts outside the members' table, and the stage whose checks read each.
COUNTED_ELSEWHERE = {
    "sectors_covered": "scope",
    "active_groups": "dissemination",
    "organisations": "analysis",
    "unmapped_organisations": "analysis",
    "actions": "planning",
    "incomplete_actions": "planning",
}
#: Before most members joined, the day the generator writes as today, and after most have left
#: or the plans have ended.
DAYS = (TODAY - timedelta(days=300), TODAY, TODAY + timedelta(days=400))


def read_for(stage: str) -> set[str]:
    """The counts SQL makes for an alliance at `stage` (the others stay 0 there)."""
    return set(MEASURED_BY_STAGE.get(stage, ())) | {
        name for name, where in COUNTED_ELSEWHERE.items() if where == stage
    }


def test_every_count_is_made_for_some_stage() -> None:
    counted = {name for stage in MEASURED_BY_STAGE for name in read_for(stage)}
    counted |= set(COUNTED_ELSEWHERE)
    assert counted == {f.name for f in fields(Measures)} - {"day"}


def _edge_cases(db: Database) -> None:
    """A stage-1 alliance whose members sit on the rules' edges."""
    with db.transaction() as session:
        alliance = m.Alliance(slug="edges", name="Edges", country="FR")  # at stage 1
        session.add(alliance)
        session.flush()
        community = m.Organisation(
            alliance_id=alliance.id, name="Community association", group="migrant_refugee_community"
        )
        session.add(community)
        session.flush()
        session.add(m.OrganisationSector(organisation_id=community.id, sector="social_action"))
        people = [
            # an empty group: the organisation's counts (as for a member with none)
            {"name": "Ana", "group": "", "organisation_id": community.id, "email": "a@x.example"},
            # left on the day itself: no longer a candidate
            {"name": "Bo", "left_on": TODAY, "email": "b@x.example"},
            # joined on the day itself: active
            {"name": "Cy", "joined_on": TODAY, "phone": "+33 1 23"},
            # no authority, and the one who can grant it is only spaces: not named
            {"name": "Di", "has_authority": "no", "authority_granted_by": "   ", "email": ""},
            # an empty sector of their own counts for nothing
            {"name": "Ed", "sector": "", "has_authority": "yes"},
        ]
        for person in people:
            session.add(m.Member(alliance_id=alliance.id, **person))


@pytest.mark.parametrize("day", DAYS, ids=["before", "today", "after"])
def test_sql_counts_what_the_rows_say(db: Database, day: date) -> None:
    generate(db, 70)  # ten alliances at each stage (every 7th closed)
    _edge_cases(db)
    with db.transaction() as session:
        counted = read_facts(session, OPEN, replace(VERDICTS, today=day))
        rows = read_facts(session, OPEN)  # every row of every alliance
    assert counted.keys() == rows.keys()
    seen: dict[str, set[object]] = {}
    for aid, facts in counted.items():
        from_sql = facts.measures
        assert from_sql is not None and from_sql.day == day
        from_rows = count_measures(rows[aid], day)
        for name in read_for(facts.stage):
            assert getattr(from_sql, name) == getattr(from_rows, name), (facts.slug, name)
            seen.setdefault(name, set()).add(getattr(from_rows, name))
    assert seen.keys() == {f.name for f in fields(Measures)} - {"day"}
    if day == TODAY:  # the data gives every count more than one value to agree on
        assert all(len(values) > 1 for values in seen.values()), seen


@pytest.mark.parametrize("day", DAYS, ids=["before", "today", "after"])
def test_checking_every_alliance_passes_and_fails_as_checking_each(db: Database, day: date) -> None:
    generate(db, 70)
    _edge_cases(db)
    with db.transaction() as session:
        quick = stage_service.gate_reports(session=session, scope=OPEN, today=day)
        full = stage_service.gate_reports(session=session, scope=OPEN, today=day, reasons=True)
        waived = session.scalar(select(m.StageEvent.id).where(m.StageEvent.kind == "waived"))
    states = {
        aid: [(o.code, o.passed, o.waived) for o in report.outcomes]
        for aid, report in quick.items()
    }
    assert states == {
        aid: [(o.code, o.passed, o.waived) for o in report.outcomes] for aid, report in full.items()
    }
    outcomes = [o for report in quick.values() for o in report.outcomes]
    assert any(o.passed for o in outcomes) and any(not o.passed for o in outcomes)
    assert waived is None or any(o.waived for o in outcomes)


def test_a_pass_or_fail_read_cannot_write_a_reason_without_its_rows(db: Database) -> None:
    _edge_cases(db)
    with db.transaction() as session:
        alliance = session.scalars(select(m.Alliance).where(m.Alliance.slug == "edges")).one()
        quick = stage_service.gate_reports(session=session, scope=[alliance.id], today=TODAY)
        full = stage_service.gate_reports(
            session=session, scope=[alliance.id], today=TODAY, reasons=True
        )
    contacts = quick[alliance.id].get("scope.contacts_complete")
    assert contacts is not None and not contacts.passed
    assert contacts.result.title == "Every candidate can be reached"
    with pytest.raises(LookupError, match="members were not read"):
        contacts.result.reason  # noqa: B018 (reading it is the test)
    written = full[alliance.id].get("scope.contacts_complete")
    assert written is not None
    assert written.result.reason == "2 of 4 candidates have no e-mail or phone: Di, Ed."


def test_a_reason_read_later_keeps_the_language_and_the_withholding_it_was_checked_in(
    db: Database,
) -> None:
    _edge_cases(db)
    with db.transaction() as session:
        alliance = session.scalars(select(m.Alliance).where(m.Alliance.slug == "edges")).one()
        with use_language("fr"), counts_only():
            for_funders = stage_service.gate_report(session=session, alliance=alliance, today=TODAY)
        for_coordinators = stage_service.gate_report(
            session=session, alliance=alliance, today=TODAY
        )
    # Read here, outside both: still French, and still without names for the funder.
    funders = for_funders.get("scope.contacts_complete")
    coordinators = for_coordinators.get("scope.contacts_complete")
    assert funders is not None and coordinators is not None
    assert funders.result.title == "Chaque candidat est joignable"
    assert "2 personnes" in funders.result.reason and "Di" not in funders.result.reason
    assert coordinators.result.reason.endswith(": Di, Ed.")
