"""Shapes the read model's facts (alliance_flow.facts) as the plain data the due rules take.

No query here: the facts of a whole chunk of alliances are read at once by facts.read_facts, and
"ready to advance" is the gate evaluated over those same facts, not a second read.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

from alliance_flow.facts import AllianceFacts
from alliance_flow.i18n import use_language
from alliance_flow.reminders.due import (
    DONE_STATUSES,
    ActionInfo,
    AllianceData,
    MeetingInfo,
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
    """The alliance's data for the due rules; `audiences` are those with a channel (table or
    config file). Its members are the facts' own records, not copies."""
    actions: tuple[ActionInfo, ...] = ()
    if facts.minutes_actions or facts.action_plan:
        actions = tuple(
            [
                ActionInfo(
                    "meeting",
                    a.id,
                    a.description,
                    a.owner_member_id,
                    a.due_on,
                    a.done_on is not None,
                )
                for a in sorted(facts.minutes_actions, key=_by_id)
            ]
            + [
                ActionInfo(
                    "plan",
                    a.id,
                    a.action,
                    a.owner_member_id,
                    a.ends_on,
                    a.status in DONE_STATUSES,
                )
                for a in sorted(facts.action_plan, key=_by_id)
            ]
        )
    ready = False
    entered = None
    failing: tuple[str, ...] = ()
    if facts.stage != Stage.CLOSED:
        with use_language(facts.language):  # the digest is in the alliance's language
            report = _report_of()(facts, today=today, thresholds=thresholds)
            failing = tuple(f"{o.result.title}: {o.result.reason}" for o in report.blocking)
        ready = report.clear
        at = facts.stage_entered_at().get(facts.stage)
        entered = at.date() if at else None
    failed = facts.failed_deliveries
    if failed:
        # Who a failed message was for, by name (rare: not worked out for every member).
        names = {f"member:{p.id}": p.name for p in facts.people}
        failed = tuple((title, names.get(who, who)) for title, who in failed)
    agenda = facts.agenda
    charter = facts.charter
    plan = facts.sustainability
    return AllianceData(
        facts.id,
        facts.slug,
        facts.name,
        facts.stage,
        facts.language or "en",
        facts.timezone or "UTC",
        facts.work_plan_start,
        facts.work_plan_end,
        # The read model's records as they are: the rules read PersonFacts (due.Member), and
        # whether e-mail reaches someone from `audiences`.
        facts.people,
        tuple(
            [
                MeetingInfo(
                    mt.id,
                    mt.title or mt.kind.replace("_", " "),
                    mt.starts_at,  # type: ignore[arg-type]  # always read from the table
                    mt.timezone,
                    mt.status,
                    mt.minuted,
                    agenda.get(mt.id, ()) if agenda else (),
                    mt.place,
                    mt.day,
                )
                for mt in facts.meetings
            ]
        ),
        actions,
        charter.version if charter else None,
        charter.adopted_on if charter else None,
        charter.signed_by if charter else frozenset(),
        tuple([e.held_on for e in facts.evaluations]),
        facts.evaluation_cadence_months,
        plan.dated_on if plan else None,
        ready_to_advance=ready,
        failed_deliveries=failed,
        stage_entered_on=entered,
        audiences=audiences,
        failing_checks=failing,
    )


def _by_id(row: Any) -> int:
    return row.id


@lru_cache(maxsize=1)
def _report_of() -> Any:
    """services.stages.report_of, imported at first use (services import the reminders)."""
    from alliance_flow.services.stages import report_of

    return report_of
