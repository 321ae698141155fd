"""Read-only view models the pages show: computed from the services, never written back."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Session

from alliance_flow import models as m
from alliance_flow.facts import AllianceFacts, Include, read_facts
from alliance_flow.gates import GateReport
from alliance_flow.services import stages as stage_service
from alliance_flow.services.sustainability import Countdown, countdown
from alliance_flow.settings import get_thresholds
from alliance_flow.vocabulary import STAGE_ORDER

WORKING_STAGES = [s.value for s in STAGE_ORDER[:6]]
FINISHED_ACTIONS = {"done", "dropped"}


@dataclass(frozen=True)
class StageStep:
    stage: str
    state: str  # "done", "current" or "todo"
    entered_on: date | None


@dataclass(frozen=True)
class PortfolioRow:
    alliance: m.Alliance
    role: str | None
    report: GateReport
    steps: list[StageStep]
    next_meeting: date | None
    overdue_actions: int
    days_to_sustainability_deadline: int | None
    #: the sustainability plan's six-month deadline as the card counts it down (None: no end)
    countdown: Countdown | None = None


def stage_steps(stage: str, entered: dict[str, date] | None = None) -> list[StageStep]:
    """The six-step progress bar; a closed alliance has every step done."""
    position = WORKING_STAGES.index(stage) if stage in WORKING_STAGES else len(WORKING_STAGES)
    return [
        StageStep(
            s,
            "done" if i < position else ("current" if i == position else "todo"),
            (entered or {}).get(s),
        )
        for i, s in enumerate(WORKING_STAGES)
    ]


#: Whether the current stage's checks pass (the page shows how many, not why), and every
#: alliance's meetings and action plan (next meeting, overdue actions).
PORTFOLIO = Include(
    current_stage_only=True,
    verdicts_only=True,
    everywhere=frozenset({"meetings", "action_plan_items", "sustainability_plans"}),
)


def portfolio_rows(
    session: Session,
    alliances: Sequence[m.Alliance],
    role_on: Callable[[int], str | None],
    today: date,
) -> list[PortfolioRow]:
    """One row per alliance shown, from the read model in a fixed number of statements."""
    facts = read_facts(session, [a.id for a in alliances], replace(PORTFOLIO, today=today))
    months = get_thresholds().sustainability.months_before_end
    return [_row(a, facts[a.id], role_on(a.id), today, months) for a in alliances]


def _row(
    alliance: m.Alliance, facts: AllianceFacts, role: str | None, today: date, months: int
) -> PortfolioRow:
    report = stage_service.report_of(facts, today=today)
    upcoming = [mt.day for mt in facts.meetings if mt.status == "planned" and mt.day >= today]
    overdue = sum(
        1
        for a in facts.action_plan
        if a.ends_on is not None and a.ends_on < today and a.status not in FINISHED_ACTIONS
    )
    deadline = None
    if alliance.work_plan_end is not None:
        deadline = (alliance.work_plan_end - relativedelta(months=months) - today).days
    return PortfolioRow(
        alliance=alliance,
        role=role,
        report=report,
        steps=stage_steps(alliance.stage),
        next_meeting=min(upcoming) if upcoming else None,
        overdue_actions=overdue,
        days_to_sustainability_deadline=deadline,
        countdown=countdown(
            work_plan_end=alliance.work_plan_end,
            plan_dated_on=facts.sustainability.dated_on if facts.sustainability else None,
            today=today,
        ),
    )
