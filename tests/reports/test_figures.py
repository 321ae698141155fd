"""Every figure of Testville's report, worked out by hand from tests/reports/conftest.py."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from alliance_flow.db import Database
from alliance_flow.reports import service
from alliance_flow.reports.figures import Period, parse_period
from alliance_flow.services import alliances
from tests.conftest import TODAY

from .conftest import COORDINATOR, d


def report_for(db: Database, period: str = "whole", slug: str = "testville", **kw):
    with db.transaction() as session:
        a = alliances.get_alliance(session=session, ref=slug)
        return service.alliance_report(
            session=session, alliance=a, period=period, today=TODAY, **kw
        )


def test_whole_life_figures(testville: Database) -> None:
    # given Testville, as of 2026-03-02, over its whole life
    r = report_for(testville)

    # then the period runs from the work plan's start
    assert r.period == Period("whole", d("2025-01-01"), TODAY)

    # stages: entered (from the history), left, planned (from the work plan and calendar)
    assert [(s.stage, s.state, s.entered_on, s.left_on) for s in r.stages] == [
        ("scope", "done", d("2025-01-01"), d("2025-02-01")),
        ("launch", "done", d("2025-02-01"), d("2025-04-02")),
        ("analysis", "done", d("2025-04-02"), d("2025-09-15")),
        ("planning", "current", d("2025-09-15"), None),
        ("dissemination", "todo", None, None),
        ("sustainability", "todo", None, None),
    ]
    assert [(s.planned_on, s.planned_from) for s in r.stages] == [
        (d("2025-01-01"), "work_plan_start"),
        (d("2025-02-04"), "initiation_workshop"),
        (d("2025-05-06"), "first_plenary"),
        (d("2025-09-09"), "gap_workshop"),
        (d("2025-10-01"), "first_action"),
        (d("2026-06-30"), "sustainability_deadline"),
    ]
    assert r.stage_number == 4 and r.days_in_stage == 168

    # every check of the current stage; the vision's is waived, the charter's fails
    assert [(c.code, c.passed, c.waived) for c in r.checks] == [
        ("planning.research_published", True, False),
        ("planning.vision_agreed", False, True),
        ("planning.action_plan_complete", True, False),
        ("planning.charter_signed", False, False),
        ("planning.plan_published", True, False),
    ]
    assert (r.checks_passed, r.checks_waived, r.checks_blocking) == (3, 1, 1)
    # every waiver ever granted, with its reason; who granted it is a person: withheld
    assert [(w.stage, w.code, w.author, w.on) for w in r.waivers] == [
        ("launch", "launch.membership_size", "[withheld]", d("2025-04-01")),
        ("planning", "planning.vision_agreed", "[withheld]", d("2025-10-01")),
    ]
    assert COORDINATOR not in repr(r)
    assert r.waivers[0].reason == "Ten partners in three towns: small is fine for now."

    # membership: Alice, Bob, Dina, Elif, Farid active; Chloé left; Gus a candidate
    ms = r.membership
    assert (ms.active, ms.candidates, ms.left_total, ms.organisations) == (5, 1, 1, 4)
    assert ms.by_sector == {"social_action": 3, "socio_cultural_sports": 2, "economic_insertion": 1}
    assert ms.migrant_by_sector == {"social_action": 1, "economic_insertion": 1}
    assert ms.migrant_refugee == 2 and ms.migrant_share == pytest.approx(0.4)
    assert ms.by_group == {
        "migrant_refugee_community": 2,
        "mediator": 1,
        "ngo": 1,
        "public_authority": 1,
    }
    assert ms.levels == {
        "information": 1,
        "deciding_together": 1,
        "acting_together": 2,
        "not_recorded": 1,
    }
    assert len(ms.joined) == 6 and [(mv.on, mv.organisation) for mv in ms.left] == [
        (d("2025-12-01"), "Job Centre")
    ]
    assert ms.sectors_missing == []

    # meetings: 6 dated in the period (one cancelled, one past with nothing recorded)
    mt = r.meetings
    assert (mt.scheduled, mt.held, mt.cancelled, mt.awaiting, mt.upcoming) == (6, 4, 1, 1, 1)
    assert (mt.plenaries_held_total, mt.plenaries_scheduled_total) == (2, 4)
    assert (mt.present, mt.expected) == (15, 19)
    assert mt.attendance_rate == pytest.approx(15 / 19)
    assert [(x.sector, x.present, x.expected) for x in mt.by_sector] == [
        ("social_action", 7, 8),
        ("socio_cultural_sports", 5, 7),
        ("economic_insertion", 5, 7),
    ]

    # the action plan: one of each state; the dropped one's budget does not count
    acts = r.actions
    assert acts.counts == {"done": 1, "on_track": 1, "late": 1, "dropped": 1}
    assert acts.on_time_share == pytest.approx(2 / 3)
    assert acts.budget_planned == Decimal("9500.50")
    assert acts.budget_committed == Decimal("3500")
    assert [a.responsible for a in acts.lines] == [
        "Town Hall",
        "Youth Club",
        "Job Centre",
        "Youth Club",
    ]  # an organisation, never a person
    assert (acts.minutes_total, acts.minutes_done, len(acts.minutes_overdue)) == (3, 1, 1)

    # evaluations: the latest SWOT, then the others newest first
    ev = r.evaluations
    assert ev.latest_swot is not None and ev.latest_swot.held_on == d("2026-02-20")
    assert ev.latest_swot.strengths == ("Regular plenaries", "Shared vision")
    assert [e.held_on for e in ev.others] == [d("2025-12-10"), d("2025-06-15")]
    assert (ev.total, ev.in_period) == (3, 3)

    # dissemination: what was published, to whom
    dis = r.dissemination
    assert [(p.title, p.audience) for p in dis.publications] == [
        ("Regional action plan", "Members and partners"),
        ("Mapping report", "Policy makers"),
    ]
    assert dis.planned_audiences == ("media", "policy_makers") and dis.officer is True

    # deadlines: sustainability first, then by date within 90 days, then the end of the plan
    assert r.sustainability_deadline == d("2026-06-30")
    assert r.days_to_sustainability_deadline == 120
    assert [(x.code, x.on, x.days_left, x.detail) for x in r.deadlines] == [
        ("sustainability", d("2026-06-30"), 120, None),
        ("minutes_action", d("2026-04-01"), 30, "Book the hall"),
        ("meeting", d("2026-04-14"), 43, "Plenary 4"),
        ("action", d("2026-05-31"), 90, "Job fair"),
        ("work_plan_end", d("2026-12-31"), 304, None),
    ]
    assert r.deadlines[0].missing == ("sustainability_plan",)

    # risks: the failing check first (168 days in stage), then the late actions
    assert [(x.code, x.detail, x.since, x.days) for x in r.risks] == [
        ("check_failing", "Charter signed by every member", d("2025-09-15"), 168),
        ("action_overdue", "Interpreter pool", d("2026-02-15"), 15),
        ("minutes_overdue", "Collect programmes", d("2025-06-30"), 245),
    ]


def test_a_quarter_counts_only_its_days(built: Database) -> None:
    # when the report covers this quarter (2026-01-01 to today)
    r = report_for(built, "quarter")
    # then only Elif joined, one plenary was held (4 of 5 present), one SWOT, one publication
    assert r.period == Period("quarter", d("2026-01-01"), TODAY)
    assert [mv.on for mv in r.membership.joined] == [d("2026-01-10")]
    assert r.membership.left == ()
    assert (r.meetings.scheduled, r.meetings.held, r.meetings.awaiting) == (2, 1, 1)
    assert (r.meetings.present, r.meetings.expected) == (4, 5)
    assert r.evaluations.in_period == 1
    assert [p.title for p in r.dissemination.publications] == ["Regional action plan"]
    # the standing figures do not depend on the period
    assert r.membership.active == 5 and r.actions.counts["late"] == 1


def test_a_past_quarter_is_told_as_it_stood_then(built: Database) -> None:
    # when the report covers 2025-Q2 (the alliance was then at the analysis stage)
    r = report_for(built, "2025-Q2")
    assert r.period == Period("quarter", d("2025-04-01"), d("2025-06-30"))
    assert r.stage == "analysis" and r.days_in_stage == 89
    assert [s.state for s in r.stages][:4] == ["done", "done", "current", "todo"]
    # the planning waiver (granted in October) is not there yet
    assert [w.code for w in r.waivers] == ["launch.membership_size"]
    assert r.membership.active == 5  # Alice, Bob, Chloé, Dina, Farid
    assert (r.meetings.held, r.meetings.present, r.meetings.expected) == (1, 4, 5)


def test_since_last_report_reads_the_outbox(testville: Database) -> None:
    from alliance_flow.reminders import models as rm

    # given no report sent yet: since-last means the whole life
    assert report_for(testville, "since-last").period.kind == "whole"
    # when a monthly report was due for funder-a on 2026-02-01
    with testville.transaction() as s:
        a = alliances.get_alliance(session=s, ref="testville")
        from alliance_flow.accounts.services import get_user

        uid = get_user(session=s, login="funder-a").id
        s.add(
            rm.OutboxMessage(
                alliance_id=a.id,
                kind="funder_report",
                subject="month:2026-02",
                due_on=d("2026-02-01"),
                recipient=f"funder:{uid}",
                title="t",
                body="b",
            )
        )
    # then the next report starts there, for that funder and for anyone asking for the alliance
    assert report_for(testville, "since-last", user_id=uid).period == Period(
        "since-last", d("2026-02-01"), TODAY
    )
    assert report_for(testville, "since-last").period.start == d("2026-02-01")


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("whole", ("whole", "2024-05-01", "2026-03-02")),
        ("quarter", ("quarter", "2026-01-01", "2026-03-02")),
        ("last-quarter", ("quarter", "2025-10-01", "2025-12-31")),
        ("2025-Q3", ("quarter", "2025-07-01", "2025-09-30")),
        ("2026q1", ("quarter", "2026-01-01", "2026-03-02")),
        ("2025-02-01..2025-02-28", ("custom", "2025-02-01", "2025-02-28")),
        ("since-last", ("whole", "2024-05-01", "2026-03-02")),
    ],
)
def test_periods(spec: str, expected: tuple[str, str, str]) -> None:
    p = parse_period(spec, today=TODAY, start_of_life=date(2024, 5, 1))
    assert (p.kind, p.start.isoformat(), p.end.isoformat()) == expected


def test_bad_periods_are_refused() -> None:
    for spec in ("yesterday", "2025-Q5", "2025-03-01..2025-02-01"):
        with pytest.raises(ValueError):
            parse_period(spec, today=TODAY, start_of_life=date(2024, 5, 1))


def test_portfolio_rows(built: Database) -> None:
    with built.transaction() as s:
        portfolio, reports = service.funder_portfolio(
            session=s, login="funder-both", period="whole", today=TODAY
        )
    assert [r.slug for r in portfolio.rows] == ["testville", "otherville"]  # FR, then IE
    t = portfolio.rows[0]
    assert (t.stage, t.stage_number, t.checks_passed, t.checks_waived, t.checks_total) == (
        "planning",
        4,
        3,
        1,
        5,
    )
    assert (t.members, t.meetings_held, t.actions_late, t.risks) == (5, 4, 1, 3)
    assert t.on_time_share == pytest.approx(2 / 3)
    assert t.attendance_rate == pytest.approx(15 / 19)
    assert t.days_to_sustainability_deadline == 120
    o = portfolio.rows[1]
    assert (o.stage, o.members, o.attendance_rate, o.on_time_share) == ("scope", 0, None, None)
    assert o.days_to_sustainability_deadline == (d("2026-11-30") - TODAY).days
    assert [r.slug for r in reports] == ["testville", "otherville"]
