"""The demo loads the guide's four alliances, each brought to its stage through the real gates."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

from alliance_flow import models as m
from alliance_flow.db import Database
from alliance_flow.demo import load_demo
from alliance_flow.services import alliances, stages
from alliance_flow.vocabulary import STAGE_ORDER, EventKind, Stage

#: slug -> (stage, the checks of that stage that still fail today)
EXPECTED = {
    "roscommon": (Stage.LAUNCH, {"launch.chair_and_secretary", "launch.plenaries_planned"}),
    "kronoberg-kalmar": (Stage.ANALYSIS, {"analysis.gaps_identified"}),
    "bordeaux": (Stage.PLANNING, {"planning.charter_signed"}),
    "fryslan": (Stage.DISSEMINATION, {"dissemination.profile_published"}),
}


def _counts(db: Database) -> dict[str, int]:
    tables = (
        m.Alliance,
        m.Organisation,
        m.Member,
        m.Meeting,
        m.Attendance,
        m.CharterSignature,
        m.StageEvent,
    )
    with db.transaction() as session:
        return {
            t.__tablename__: session.scalar(select(func.count()).select_from(t)) or 0
            for t in tables
        }


def _assert_demo_state(db: Database, today: date) -> None:
    """Every alliance is at its stage, got there by passing (or waiving) each earlier gate, and
    shows today exactly the failing checks the demo is meant to show."""
    with db.transaction() as session:
        for slug, (stage, failing) in EXPECTED.items():
            alliance = alliances.get_alliance(session=session, ref=slug)
            assert alliance.stage == stage, slug

            advanced = [
                e
                for e in stages.history(session=session, alliance=alliance)
                if e.kind == EventKind.ADVANCED
            ]
            passed_stages = list(STAGE_ORDER[: STAGE_ORDER.index(stage)])
            assert [e.from_stage for e in advanced] == passed_stages, slug
            for event in advanced:
                assert event.gate_results, slug
                assert all(r["passed"] or r["waived"] for r in event.gate_results), slug

            report = stages.gate_report(session=session, alliance=alliance, today=today)
            assert {o.code for o in report.blocking} == failing, slug
            assert report.passed_count == len(report.outcomes) - len(failing), slug

            emails = session.scalars(
                select(m.Member.email).where(m.Member.alliance_id == alliance.id)
            ).all()
            assert emails and all(e and e.endswith(".example.org") for e in emails), slug


def test_demo_reaches_each_stage_through_its_gates(db: Database, today: date) -> None:
    assert load_demo(db, today=today) == list(EXPECTED)
    _assert_demo_state(db, today)

    with db.transaction() as session:
        # France keeps 14 members: the size check is waived with a reason, not skipped.
        bordeaux = alliances.get_alliance(session=session, ref="bordeaux")
        waivers = stages.waivers_of(session=session, alliance=bordeaux)
        assert [(w.code, w.stage) for w in waivers] == [("launch.membership_size", "launch")]
        assert "La métropole s'étend sur cinq communes" in waivers[0].reason
        left_launch = next(
            e
            for e in stages.history(session=session, alliance=bordeaux)
            if e.kind == EventKind.ADVANCED and e.from_stage == Stage.LAUNCH
        )
        size = next(r for r in left_launch.gate_results if r["code"] == "launch.membership_size")
        assert (size["passed"], size["waived"]) == (False, True)
        assert "14 active members" in size["reason"]
        charter = stages.gate_report(session=session, alliance=bordeaux, today=today).get(
            "planning.charter_signed"
        )
        assert charter is not None
        assert "2 of 14 members have not signed charter v2" in charter.result.reason

        # Roscommon's status mixes passed checks and failed ones that say why.
        roscommon = alliances.get_alliance(session=session, ref="roscommon")
        report = stages.gate_report(session=session, alliance=roscommon, today=today)
        passed = {o.code for o in report.outcomes if o.passed}
        assert {"launch.initiation_workshop", "launch.membership_size"} <= passed
        secretary = report.get("launch.chair_and_secretary")
        assert secretary is not None and secretary.result.reason == "No secretary is named."
        assert secretary.result.fix

        # Only France has a waiver.
        for slug in ("roscommon", "kronoberg-kalmar", "fryslan"):
            alliance = alliances.get_alliance(session=session, ref=slug)
            assert stages.waivers_of(session=session, alliance=alliance) == []


def test_loading_twice_changes_nothing(db: Database, today: date) -> None:
    load_demo(db, today=today)
    before = _counts(db)
    assert before["alliances"] == 4

    assert load_demo(db, today=today + relativedelta(months=5)) == list(EXPECTED)

    assert _counts(db) == before
    _assert_demo_state(db, today)


def test_demo_works_at_any_date(tmp_path: Path) -> None:
    """The dates are relative to today, so the gates pass whatever the day (a leap day, the
    end of a year) and the same checks fail."""
    for today in (date(2024, 2, 29), date(2031, 12, 31)):
        db = Database(f"sqlite:///{tmp_path / f'demo-{today}.db'}")
        db.upgrade()
        try:
            load_demo(db, today=today, actor="tester")
            _assert_demo_state(db, today)
            with db.transaction() as session:
                fryslan = alliances.get_alliance(session=session, ref="fryslan")
                assert fryslan.work_plan_start == today - relativedelta(months=16)
                assert fryslan.work_plan_end is not None and fryslan.work_plan_end > today
                events = stages.history(session=session, alliance=fryslan)
                assert {e.actor for e in events} == {"tester"}
        finally:
            db.dispose()


def test_demo_history_is_dated_when_each_stage_was_passed(db: Database, today: date) -> None:
    load_demo(db, today=today)
    with db.transaction() as session:
        bordeaux = alliances.get_alliance(session=session, ref="bordeaux")
        events = stages.history(session=session, alliance=bordeaux)
        start = bordeaux.work_plan_start
    assert events[0].kind == "created" and events[0].at.date() == start
    advanced = [e.at.date() for e in events if e.kind == "advanced"]
    assert advanced == sorted(advanced) and start < advanced[0] < advanced[-1] <= today
