"""Shapes the read model's facts (alliance_flow.facts) as the plain data the due rules take.

No query here: the facts of a whole chunk of alliances are read at once by facts.read_facts, and
"ready to advance" is the gate evaluated over those same facts, not a second read.
"""

from __future__ import annotations

from datetime import date

from alliance_flow.facts import AllianceFacts
from alliance_flow.i18n import use_language
from alliance_flow.reminders.due import (
    DONE_STATUSES,
    ActionInfo,
    AllianceData,
    MeetingInfo,
    Person,
)
from alliance_flow.settings import Thresholds
from alliance_flow.vocabulary import Stage


def alliance_data(
    facts: AllianceFacts,
    *,
    today: date,
    audiences: frozenset[str],
    thresholds: Thresholds | None = None,
) -> AllianceData:
    """The alliance's plain data; `audiences` are those with a channel (table or config file)."""
    from alliance_flow.services.stages import report_of

    people = tuple(
        Person(
            id=p.id,
            name=p.name,
            language=p.language,
            roles=p.roles,
            joined_on=p.joined_on,
            left_on=p.left_on,
            reachable=p.has_channel or (p.has_email and "email" in audiences),
            consented=not p.contact_withdrawn,
        )
        for p in facts.people
    )
    actions = [
        ActionInfo(
            "meeting", a.id, a.description, a.owner_member_id, a.due_on, a.done_on is not None
        )
        for a in sorted(facts.minutes_actions, key=lambda a: a.id)
    ]
    actions.extend(
        ActionInfo("plan", a.id, a.action, a.owner_member_id, a.ends_on, a.status in DONE_STATUSES)
        for a in sorted(facts.action_plan, key=lambda a: a.id)
    )
    ready = False
    entered = None
    failing: tuple[str, ...] = ()
    if facts.stage != Stage.CLOSED:
        with use_language(facts.language):  # the digest is in the alliance's language
            report = report_of(facts, today=today, thresholds=thresholds)
            failing = tuple(f"{o.result.title}: {o.result.reason}" for o in report.blocking)
        ready = report.clear
        at = facts.stage_entered_at().get(facts.stage)
        entered = at.date() if at else None
    # Who a failed message was for, by name (rare: not worked out for every member otherwise).
    names = {f"member:{p.id}": p.name for p in facts.people} if facts.failed_deliveries else {}
    charter = facts.charter
    plan = facts.sustainability
    return AllianceData(
        failed_deliveries=tuple(
            (title, names.get(who, who)) for title, who in facts.failed_deliveries
        ),
        id=facts.id,
        slug=facts.slug,
        name=facts.name,
        stage=facts.stage,
        language=facts.language or "en",
        timezone=facts.timezone or "UTC",
        work_plan_start=facts.work_plan_start,
        work_plan_end=facts.work_plan_end,
        people=people,
        meetings=tuple(
            MeetingInfo(
                id=mt.id,
                title=mt.title or mt.kind.replace("_", " "),
                starts_at=mt.starts_at,  # type: ignore[arg-type]  # always read from the table
                timezone=mt.timezone,
                status=mt.status,
                minuted=mt.minuted,
                agenda=facts.agenda.get(mt.id, ()),
                place=mt.place,
            )
            for mt in facts.meetings
        ),
        actions=tuple(actions),
        charter_version=charter.version if charter else None,
        charter_adopted_on=charter.adopted_on if charter else None,
        charter_signed_by=charter.signed_by if charter else frozenset(),
        evaluations=tuple(e.held_on for e in facts.evaluations),
        evaluation_cadence_months=facts.evaluation_cadence_months,
        plan_dated_on=plan.dated_on if plan else None,
        ready_to_advance=ready,
        failing_checks=failing,
        stage_entered_on=entered,
        audiences=audiences,
    )
