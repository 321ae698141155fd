"""Every gate check at its boundaries, on plain facts (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from alliance_flow.gates import Waiver, evaluate
from alliance_flow.settings import Thresholds, load_thresholds
from alliance_flow.stages import analysis, checks_for, dissemination, launch, planning, scope
from alliance_flow.stages import sustainability as sust
from tests.builders import (
    BriefingFacts,
    CharterFacts,
    EvaluationFacts,
    OrganisationFacts,
    SustainabilityFacts,
    action,
    facts,
    meeting,
    members,
    person,
    written,
)

T = Thresholds()
TODAY = date(2026, 3, 2)
ALL_SECTORS = frozenset({"social_action", "socio_cultural_sports", "economic_insertion"})


def run(check, f, today=TODAY, limits=T):
    """passed, reason, fix: the texts written out (a check returns how to write them)."""
    passed, reason, fix = check(f, limits, today)
    return passed, written(reason), written(fix)


def test_config_file_holds_the_guides_values():
    assert load_thresholds() == Thresholds()


# --- scope ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "passed"), [(7, False), (8, True), (12, True)])
def test_scope_needs_eight_candidates(n, passed):
    ok, reason, fix = run(scope.enough_candidates, facts(people=members(n, joined_on=None)))
    assert ok is passed
    if not passed:
        assert "7 candidate" in reason and "at least 8" in reason and "Add 1 more" in fix


def test_scope_candidates_who_left_do_not_count():
    people = (*members(7), person(8, joined_on=date(2025, 1, 1), left_on=date(2026, 1, 1)))
    assert run(scope.enough_candidates, facts(people=people))[0] is False


def test_scope_sectors_name_the_missing_ones():
    people = members(8)  # social action only
    ok, reason, _ = run(scope.sectors_spanned, facts(people=people))
    assert not ok
    assert "socio-cultural" in reason and "economic insertion" in reason
    assert "social action" not in reason
    spread = (person(1, sectors=ALL_SECTORS),)
    assert run(scope.sectors_spanned, facts(people=spread))[0]


def test_scope_requires_migrant_or_refugee_community():
    assert not run(scope.migrant_communities_included, facts(people=members(8)))[0]
    people = (*members(7), person(8, name="Amal", group="migrant_refugee_community"))
    ok, reason, _ = run(scope.migrant_communities_included, facts(people=people))
    assert ok and "Amal" in reason


def test_scope_contacts_list_the_unreachable():
    people = (*members(3), person(4, name="Ana Pereira", has_contact=False))
    ok, reason, _ = run(scope.contacts_complete, facts(people=people))
    assert not ok and "1 of 4" in reason and "Ana Pereira" in reason


def test_scope_authority_unknown_or_without_grantor_fails():
    people = (
        person(1, has_authority=None),
        person(2, has_authority="no"),
        person(3, has_authority="no", authority_granted_by="Director"),
    )
    ok, reason, _ = run(scope.authority_checked, facts(people=people))
    assert not ok
    assert "not yet checked for Person 1" in reason
    assert "grant it to Person 2" in reason and "Person 3" not in reason


@pytest.mark.parametrize(("reasons", "passed"), [(4, False), (5, True)])
def test_scope_briefing_needs_five_reasons(reasons, passed):
    b = BriefingFacts(
        "why",
        "situation",
        "mediation",
        tuple(f"r{i}" for i in range(reasons)),
        "4-5 meetings over 18 months",
    )
    assert run(scope.briefing_reasons, facts(briefing=b))[0] is passed
    assert run(scope.briefing_complete, facts(briefing=b))[0]


def test_scope_briefing_names_missing_parts():
    b = BriefingFacts("why", None, "mediation", (), " ")
    ok, reason, _ = run(scope.briefing_complete, facts(briefing=b))
    assert not ok and "regional situation" in reason and "expected commitment" in reason
    assert not run(scope.briefing_complete, facts())[0]


# --- launch --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "passed"), [(7, False), (8, True), (12, True), (13, False)])
def test_launch_membership_eight_to_twelve(n, passed):
    ok, reason, fix = run(launch.membership_size, facts(people=members(n)))
    assert ok is passed
    assert f"{n} active members" in reason
    if n == 13:
        assert "waive" in fix


def test_launch_candidates_not_yet_joined_are_not_members():
    people = (*members(8)[:7], person(8, joined_on=date(2026, 4, 1)))  # joins after today
    assert not run(launch.membership_size, facts(people=people))[0]


def _with_roles(chair: dict, secretary: dict):
    return (
        person(1, name="Claire", roles=frozenset({"chair"}), **chair),
        person(2, name="Sami", roles=frozenset({"secretary"}), **secretary),
        *members(8)[2:],
    )


def test_launch_distinct_active_chair_and_secretary_pass():
    ok, reason, _ = run(launch.chair_and_secretary, facts(people=_with_roles({}, {})))
    assert ok and "Claire" in reason and "Sami" in reason


def test_launch_chair_also_secretary_fails():
    people = (person(1, name="Claire", roles=frozenset({"chair", "secretary"})), *members(8)[1:])
    ok, reason, _ = run(launch.chair_and_secretary, facts(people=people))
    assert not ok and "Claire is both chair and secretary" in reason


def test_launch_chair_who_left_fails():
    people = _with_roles({"left_on": date(2026, 2, 1)}, {})
    ok, reason, _ = run(launch.chair_and_secretary, facts(people=people))
    assert not ok and "Claire, left on Feb 1, 2026" in reason


def test_launch_missing_secretary_fails():
    people = (person(1, roles=frozenset({"chair"})), *members(8)[1:])
    ok, reason, _ = run(launch.chair_and_secretary, facts(people=people))
    assert not ok and "No secretary is named" in reason


def test_launch_initiation_workshop_held_and_minuted():
    planned = meeting(1, "initiation_workshop", date(2026, 2, 1))
    held = meeting(1, "initiation_workshop", date(2026, 2, 1), "held")
    minuted = meeting(1, "initiation_workshop", date(2026, 2, 1), "held", minuted=True)
    assert "No initiation workshop" in run(launch.initiation_workshop, facts())[1]
    assert (
        "not been marked as held" in run(launch.initiation_workshop, facts(meetings=(planned,)))[1]
    )
    assert "no minutes" in run(launch.initiation_workshop, facts(meetings=(held,)))[1]
    assert run(launch.initiation_workshop, facts(meetings=(minuted,)))[0]


def _plenaries(days):
    start = meeting(0, "initiation_workshop", date(2026, 1, 15), "held", True)
    return (start, *(meeting(i + 1, "plenary", d) for i, d in enumerate(days)))


@pytest.mark.parametrize(
    ("days", "passed"),
    [
        ([date(2026, 4, 1), date(2026, 8, 1), date(2026, 12, 1)], False),  # three
        ([date(2026, 4, 1), date(2026, 8, 1), date(2026, 11, 1), date(2027, 1, 15)], True),  # 12 m
        ([date(2026, 4, 1), date(2026, 8, 1), date(2026, 11, 1), date(2027, 1, 14)], False),
        (
            [
                date(2026, 4, 1),
                date(2026, 8, 1),
                date(2026, 12, 1),
                date(2027, 4, 1),
                date(2027, 7, 15),
            ],
            True,
        ),  # five over 18 months exactly
        (
            [
                date(2026, 4, 1),
                date(2026, 8, 1),
                date(2026, 12, 1),
                date(2027, 4, 1),
                date(2027, 7, 16),
            ],
            False,
        ),  # one day beyond 18 months
    ],
)
def test_launch_four_to_five_plenaries_over_twelve_to_eighteen_months(days, passed):
    assert run(launch.plenaries_planned, facts(meetings=_plenaries(days)))[0] is passed


def test_launch_cancelled_plenaries_do_not_count():
    days = [date(2026, 4, 1), date(2026, 8, 1), date(2026, 11, 1), date(2027, 1, 15)]
    ms = list(_plenaries(days))
    ms[-1] = meeting(9, "plenary", date(2027, 1, 15), "cancelled")
    assert not run(launch.plenaries_planned, facts(meetings=tuple(ms)))[0]


def test_launch_accountability_and_channels():
    assert not run(launch.accountability_stated, facts(accountable="  "))[0]
    assert run(launch.accountability_stated, facts(accountable="Board of Org 1"))[0]
    assert not run(launch.channels_chosen, facts())[0]
    assert run(launch.channels_chosen, facts(channels=("group e-mail",)))[0]


# --- analysis ------------------------------------------------------------------------------------


def test_analysis_counts_and_mapping():
    empty = facts()
    for check in (
        analysis.sector_profiled,
        analysis.secondary_research,
        analysis.consultations,
        analysis.gaps_identified,
        analysis.organisations_mapped,
    ):
        assert not run(check, empty)[0]
    orgs = (
        OrganisationFacts(1, "Kruispunt", "ngo", frozenset(), True),
        OrganisationFacts(2, "Dbieb", "ngo", frozenset(), False),
    )
    ok, reason, _ = run(analysis.organisations_mapped, facts(organisations=orgs))
    assert not ok and "1 of 2" in reason and "Dbieb" in reason and "Kruispunt" not in reason
    full = facts(
        sector_profiles=1, research_sources=2, consultations=3, gaps=1, organisations=orgs[:1]
    )
    for check in (
        analysis.sector_profiled,
        analysis.secondary_research,
        analysis.consultations,
        analysis.gaps_identified,
        analysis.organisations_mapped,
    ):
        assert run(check, full)[0]


# --- planning ------------------------------------------------------------------------------------


def test_planning_action_plan_lists_what_each_action_lacks():
    items = (
        action(1),
        action(2, estimated_budget=None, collaborators=""),
        action(3, status="dropped", owner=None),
    )
    ok, reason, _ = run(planning.action_plan_complete, facts(action_plan=items))
    assert not ok
    assert "1 of 2 actions" in reason and "#2 Action 2: collaborators, budget" in reason
    assert run(planning.action_plan_complete, facts(action_plan=(action(1),)))[0]
    assert not run(planning.action_plan_complete, facts())[0]


def test_planning_charter_signed_by_every_active_member():
    people = members(10)
    signed_all_but_three = CharterFacts(2, frozenset(range(1, 8)))
    ok, reason, fix = run(
        planning.charter_signed, facts(people=people, charter=signed_all_but_three)
    )
    assert not ok
    assert reason.startswith("3 of 10 members have not signed charter v2: Person 8")
    assert "v2" in fix


def test_planning_member_who_joined_after_signing_must_sign_too():
    people = (*members(8), person(9, name="Newcomer", joined_on=date(2026, 2, 20)))
    charter = CharterFacts(1, frozenset(range(1, 9)))
    ok, reason, _ = run(planning.charter_signed, facts(people=people, charter=charter))
    assert not ok and "Newcomer" in reason
    before_joining = date(2026, 2, 19)
    assert run(planning.charter_signed, facts(people=people, charter=charter), before_joining)[0]


def test_planning_member_who_left_need_not_sign():
    people = (*members(8), person(9, left_on=date(2026, 1, 1)))
    assert run(
        planning.charter_signed,
        facts(people=people, charter=CharterFacts(1, frozenset(range(1, 9)))),
    )[0]


def test_planning_vision_and_publications():
    assert not run(planning.vision_agreed, facts(vision="Together"))[0]
    assert not run(
        planning.vision_agreed, facts(vision="Together", vision_agreed_on=date(2026, 3, 3))
    )[0]
    assert run(planning.vision_agreed, facts(vision="Together", vision_agreed_on=TODAY))[0]
    assert not run(planning.plan_published, facts(publications=frozenset({"research"})))[0]
    assert run(planning.plan_published, facts(publications=frozenset({"action_plan"})))[0]
    assert run(planning.research_published, facts(publications=frozenset({"research"})))[0]


# --- dissemination -------------------------------------------------------------------------------


def test_dissemination_plan_reaches_every_group_and_policy_makers():
    people = (
        person(1, group="ngo", roles=frozenset({"communications_officer"})),
        person(2, group="migrant_refugee_community"),
        person(3, group="other"),
    )
    partial = facts(people=people, communication_audiences=frozenset({"ngo", "policy_makers"}))
    ok, reason, _ = run(dissemination.communication_plan, partial)
    assert not ok and "migrant and refugee communities" in reason and "others" not in reason
    whole = facts(
        people=people,
        communication_audiences=frozenset({"ngo", "policy_makers", "migrant_refugee_community"}),
    )
    assert run(dissemination.communication_plan, whole)[0]
    assert run(dissemination.communications_officer, whole)[0]
    assert not run(dissemination.communications_officer, facts(people=members(3)))[0]
    assert not run(dissemination.profile_published, whole)[0]


# --- sustainability ------------------------------------------------------------------------------

END = date(2027, 8, 31)


@pytest.mark.parametrize(
    ("dated", "passed"),
    [(date(2027, 2, 28), True), (date(2027, 3, 1), False), (date(2026, 12, 1), True)],
)
def test_sustainability_plan_six_months_before_end(dated, passed):
    # six months before 31 August is 28 February (end of month clamps)
    f = facts(work_plan_end=END, sustainability=SustainabilityFacts(dated, None, None))
    ok, reason, _ = run(sust.plan_on_time, f, END)  # judged once the work plan has ended
    assert ok is passed
    if not passed:
        assert "1 day after the deadline of Feb 28, 2027" in reason


def test_sustainability_evaluation_exactly_on_deadline_and_one_day_late():
    on_time = facts(
        work_plan_end=date(2027, 6, 30),
        evaluations=(EvaluationFacts("self_assessment", date(2026, 12, 30)),),
    )
    late = facts(
        work_plan_end=date(2027, 6, 30),
        evaluations=(EvaluationFacts("self_assessment", date(2026, 12, 31)),),
    )
    assert run(sust.evaluation_on_time, on_time, date(2027, 6, 30))[0]
    assert not run(sust.evaluation_on_time, late, date(2027, 6, 30))[0]


def test_sustainability_missing_plan_says_how_long_is_left():
    f = facts(work_plan_end=date(2026, 9, 2))
    ok, reason, _ = run(sust.plan_on_time, f)
    assert not ok and "due by Mar 2, 2026 (0 days left)" in reason
    ok, reason, _ = run(sust.plan_on_time, f, date(2026, 3, 12))
    assert "10 days ago" in reason
    assert "not recorded" in run(sust.plan_on_time, facts())[1]


def test_sustainability_decision():
    assert not run(sust.decision_made, facts())[0]
    f = facts(sustainability=SustainabilityFacts(None, "renew", date(2027, 1, 5)))
    assert run(sust.decision_made, f)[0]


# --- reports and waivers -------------------------------------------------------------------------


def _waiver(code, stage="launch"):
    return Waiver(
        code,
        stage,
        "The metropolitan area needs all partners",
        "claire",
        datetime(2026, 1, 1, tzinfo=UTC),
    )


def test_waiver_covers_only_its_own_failed_check():
    f = facts(people=members(13))
    report = evaluate(checks_for("launch"), f, T, TODAY, [_waiver("launch.membership_size")])
    size = report.get("launch.membership_size")
    assert size.waived and not size.blocks
    assert report.get("launch.chair_and_secretary").blocks
    assert not report.clear


def test_waiver_of_another_stage_does_not_apply():
    f = facts(people=members(13))
    report = evaluate(
        checks_for("launch"), f, T, TODAY, [_waiver("launch.membership_size", stage="scope")]
    )
    assert report.get("launch.membership_size").blocks


def test_waiver_is_not_shown_on_a_check_that_passes():
    report = evaluate(
        checks_for("launch"),
        facts(people=members(9)),
        T,
        TODAY,
        [_waiver("launch.membership_size")],
    )
    outcome = report.get("launch.membership_size")
    assert outcome.passed and not outcome.waived and outcome.waiver is None


def test_every_failed_check_says_why_and_what_to_do():
    for stage in ("scope", "launch", "analysis", "planning", "dissemination", "sustainability"):
        report = evaluate(checks_for(stage), facts(), T, TODAY)
        assert report.outcomes, stage
        for o in report.outcomes:
            assert not o.passed, o.code
            assert o.result.reason.strip() and o.result.fix.strip(), o.code
            assert o.code.startswith(stage + ".")


def test_thresholds_are_read_from_config(tmp_path):
    custom = tmp_path / "lifecycle.toml"
    custom.write_text("[launch]\nmin_members = 5\nmax_members = 7\n")
    limits = load_thresholds(custom)
    assert run(launch.membership_size, facts(people=members(6)), limits=limits)[0]
    assert not run(launch.membership_size, facts(people=members(8)), limits=limits)[0]


def test_launch_chair_not_yet_joined_is_explained():
    people = _with_roles({"joined_on": None}, {})
    ok, reason, _ = run(launch.chair_and_secretary, facts(people=people))
    assert not ok and "Claire, has not joined the alliance yet" in reason


def test_sustainability_evaluation_or_plan_dated_in_the_future_does_not_count():
    end = date(2027, 6, 30)
    planned = facts(
        work_plan_end=end,
        evaluations=(EvaluationFacts("external", date(2026, 5, 1)),),
        sustainability=SustainabilityFacts(date(2026, 5, 1), None, None),
    )
    assert not run(sust.evaluation_on_time, planned)[0]  # today is 2026-03-02
    assert not run(sust.plan_on_time, planned)[0]
    assert run(sust.evaluation_on_time, planned, date(2026, 5, 1))[0]
    assert run(sust.plan_on_time, planned, date(2026, 5, 1))[0]
