"""Stage 6 use cases: evaluations (a SWOT self-assessment, joint interviews, an external
evaluator's report), the evaluation cadence the reminders use, the sustainability plan with
its six-month deadline, and the decision at the end: close the alliance or renew its mandate.
Callers own the transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from alliance_flow import models as m
from alliance_flow.errors import Conflict, FieldProblem, InvalidInput
from alliance_flow.i18n import N_, _
from alliance_flow.schemas import SustainabilityPlanIn, validate
from alliance_flow.services import alliances as alliance_service
from alliance_flow.services import documents
from alliance_flow.services import items as item_service
from alliance_flow.services import stages as stage_service
from alliance_flow.settings import get_thresholds
from alliance_flow.stages.sustainability import sustainability_deadline
from alliance_flow.vocabulary import Decision, EventKind, Stage

# --- the SWOT ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quadrant:
    field: str
    title: str
    #: internal facts (strengths, weaknesses) or external ones (opportunities, threats)
    internal: bool
    #: the guide's prompting questions (annex "Analyse SWOT")
    prompts: tuple[str, ...]


SWOT: tuple[Quadrant, ...] = (
    Quadrant(
        "strengths",
        N_("Strengths"),
        True,
        (
            N_("What are the advantages of your community?"),
            N_("What do you do better than others?"),
            N_("What do people see as your strengths?"),
            N_("What is unique about your community?"),
        ),
    ),
    Quadrant(
        "weaknesses",
        N_("Weaknesses"),
        True,
        (
            N_("What could you improve? What should you avoid?"),
            N_("What holds your community back?"),
            N_("What weaknesses and challenges do people see as yours?"),
        ),
    ),
    Quadrant(
        "opportunities",
        N_("Opportunities"),
        False,
        (
            N_("What good opportunities can you spot?"),
            N_("Who could you work with?"),
            N_("How can you use your stakeholders' interests?"),
            N_("How can you improve the community by looking outside it?"),
        ),
    ),
    Quadrant(
        "threats",
        N_("Threats"),
        False,
        (
            N_("What obstacles do you face? Do you have funding?"),
            N_("Do changes in policy and legislation affect your community?"),
            N_("What are other groups and communities already doing?"),
            N_("Is the community changing?"),
        ),
    ),
)

EVALUATION_FIELDS = (
    "kind",
    "held_on",
    "evaluator",
    "strengths",
    "weaknesses",
    "opportunities",
    "threats",
    "findings",
)


def evaluations(*, session: Session, alliance: m.Alliance) -> list[m.Evaluation]:
    """Every evaluation, the latest first."""
    return list(
        session.scalars(
            select(m.Evaluation)
            .where(m.Evaluation.alliance_id == alliance.id)
            .order_by(m.Evaluation.held_on.desc(), m.Evaluation.id.desc())
        )
    )


Upload = documents.Upload  # a file as the browser sent it


def save_evaluation(
    *,
    session: Session,
    alliance: m.Alliance,
    evaluation_in: dict[str, Any],
    today: date,
    by: str,
    evaluation_id: int | None = None,
    report: Upload | None = None,
    remove_report: bool = False,
) -> m.Evaluation:
    """Add or change an evaluation, and keep, replace or remove the evaluator's report."""
    if evaluation_id is None:
        values = {k: v for k, v in evaluation_in.items() if v not in ("", None)}
        row: Any = item_service.add_item(
            session=session, alliance=alliance, kind="evaluation", item_in=values, today=today
        )
    else:
        row = item_service.edit_item(
            session=session,
            alliance=alliance,
            kind="evaluation",
            item_id=evaluation_id,
            changes=evaluation_in,
            today=today,
        )
    if report is not None:
        documents.store(
            session=session,
            alliance=alliance,
            purpose=documents.Purpose.EVALUATION_REPORT,
            field="report",
            filename=report.filename,
            content=report.content,
            by=by,
            evaluation_id=row.id,
        )
    elif remove_report:
        _remove_reports(session, alliance, row.id)
    return row


def _remove_reports(session: Session, alliance: m.Alliance, evaluation_id: int) -> None:
    for doc in session.scalars(
        select(m.Document).where(
            m.Document.alliance_id == alliance.id, m.Document.evaluation_id == evaluation_id
        )
    ):
        session.delete(doc)
    session.flush()


def remove_evaluation(*, session: Session, alliance: m.Alliance, evaluation_id: int) -> None:
    """The evaluation and its report go together (each removal is in the audit log)."""
    _remove_reports(session, alliance, evaluation_id)
    item_service.remove_item(
        session=session, alliance=alliance, kind="evaluation", item_id=evaluation_id
    )


# --- the cadence of evaluations ----------------------------------------------------------------

MAX_CADENCE_MONTHS = 24


def set_cadence(*, session: Session, alliance: m.Alliance, months: str) -> m.Alliance:
    """Months between two evaluations for the reminders; empty: the deployment's default;
    0: no evaluation reminders for this alliance."""
    text = (months or "").strip()
    if not text:
        alliance.evaluation_cadence_months = None
    elif not (text.isascii() and text.isdecimal()):
        raise InvalidInput([FieldProblem("months", _("not a whole number"))])
    elif int(text) > MAX_CADENCE_MONTHS:
        raise InvalidInput(
            [
                FieldProblem(
                    "months",
                    _("must be at most {le}").format(le=MAX_CADENCE_MONTHS),
                )
            ]
        )
    else:
        alliance.evaluation_cadence_months = int(text)
    session.flush()
    return alliance


def next_evaluation_due(
    alliance: m.Alliance, held: list[date], default_months: int, today: date
) -> date | None:
    """When the reminders will next ask for an evaluation (as reminders.due computes it)."""
    from dateutil.relativedelta import relativedelta

    months = cadence_of(alliance, default_months)
    if months <= 0:
        return None
    base = max([d for d in held if d <= today], default=alliance.work_plan_start)
    if base is None:
        return None
    return base + relativedelta(months=months)


def cadence_of(alliance: m.Alliance, default_months: int) -> int:
    value = alliance.evaluation_cadence_months
    return default_months if value is None else value


# --- the sustainability plan and its deadline -------------------------------------------------


@dataclass(frozen=True)
class Countdown:
    """The six-month deadline of the sustainability plan, seen from today."""

    work_plan_end: date
    deadline: date
    months: int
    days_left: int  # negative once the deadline has passed
    days_to_end: int
    #: the plan is recorded and dated on time
    plan_on_time: bool

    @property
    def overdue(self) -> bool:
        return self.days_left < 0 and not self.plan_on_time

    @property
    def urgent(self) -> bool:
        return 0 <= self.days_left <= 30 and not self.plan_on_time


def countdown(
    *, work_plan_end: date | None, plan_dated_on: date | None, today: date
) -> Countdown | None:
    """None when the work plan's end is not recorded (the deadline is then unknown)."""
    if work_plan_end is None:
        return None
    months = get_thresholds().sustainability.months_before_end
    deadline = sustainability_deadline(work_plan_end, months)
    on_time = plan_dated_on is not None and plan_dated_on <= deadline and plan_dated_on <= today
    return Countdown(
        work_plan_end,
        deadline,
        months,
        (deadline - today).days,
        (work_plan_end - today).days,
        on_time,
    )


def plan_of(*, session: Session, alliance: m.Alliance) -> m.SustainabilityPlan | None:
    return session.get(m.SustainabilityPlan, alliance.id)


PLAN_FIELDS = ("summary", "continuation", "dated_on")


def save_plan(
    *,
    session: Session,
    alliance: m.Alliance,
    plan_in: dict[str, Any],
    today: date,
    by: str,
    signed: Upload | None = None,
) -> m.SustainabilityPlan:
    """The plan for a more voluntary or formal continuation, the day it was examined, and
    (optionally) the signed plan as a file."""
    changes = {k: plan_in.get(k) for k in PLAN_FIELDS}
    dated = validate(SustainabilityPlanIn, changes).dated_on  # type: ignore[attr-defined]
    if dated is not None and dated > today:
        raise InvalidInput([FieldProblem("dated_on", _("cannot be in the future"))])
    if not (changes.get("summary") or "").strip():
        raise InvalidInput([FieldProblem("summary", _("required"))])
    row: Any = item_service.add_item(
        session=session, alliance=alliance, kind="sustainability", item_in=changes, today=today
    )
    if signed is not None:
        documents.store(
            session=session,
            alliance=alliance,
            purpose=documents.Purpose.SIGNED_PLAN,
            field="signed",
            filename=signed.filename,
            content=signed.content,
            by=by,
        )
    return row


# --- the decision at the end: close or renew --------------------------------------------------

MIN_REASON = 10


def decide(
    *,
    session: Session,
    alliance: m.Alliance,
    decision: str,
    decided_on: date | None,
    reason: str,
    new_end: date | None,
    actor: str,
    today: date,
) -> Stage:
    """Record the members' decision. Closing closes the alliance at once (every check of
    stage 6 must pass or be waived: GateBlocked otherwise, and nothing is recorded). Renewing
    sets the new end of the work plan; the alliance goes on in stage 6 towards the next
    decision, and the renewal stays in its history with its date and reason."""
    problems = []
    if decision not in (Decision.CLOSE, Decision.RENEW):
        problems.append(FieldProblem("decision", _("choose close or renew")))
    decided = decided_on or today
    if decided > today:
        problems.append(FieldProblem("decided_on", _("cannot be in the future")))
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        problems.append(
            FieldProblem(
                "decision_reason",
                _("too short (at least {min_length} characters)").format(min_length=MIN_REASON),
            )
        )
    if decision == Decision.RENEW:
        if new_end is None:
            problems.append(FieldProblem("new_end", _("required to renew")))
        elif alliance.work_plan_end is not None and new_end <= alliance.work_plan_end:
            problems.append(
                FieldProblem("new_end", _("must be after the current end of the work plan"))
            )
        elif new_end <= decided:
            problems.append(FieldProblem("new_end", _("must be after the decision")))
    if problems:
        raise InvalidInput(problems)
    if alliance.stage != Stage.SUSTAINABILITY:
        raise Conflict(_("The decision to close or renew is taken in stage 6, sustainability."))
    plan = plan_of(session=session, alliance=alliance)
    if plan is None:
        plan = m.SustainabilityPlan(alliance_id=alliance.id)
        session.add(plan)
    plan.decision = decision
    plan.decided_on = decided
    plan.decision_reason = reason
    session.flush()
    if decision == Decision.CLOSE:
        stage_service.advance_stage(
            session=session, alliance=alliance, actor=actor, today=today, reason=reason
        )
        return Stage.CLOSED
    old_end = alliance.work_plan_end
    alliance_service.update_alliance(
        session=session, ref=alliance.id, changes={"work_plan_end": new_end}
    )
    session.add(
        m.StageEvent(
            alliance_id=alliance.id,
            kind=EventKind.RENEWED,
            stage=alliance.stage,
            from_stage=alliance.stage,
            to_stage=alliance.stage,
            actor=actor,
            reason=reason,
            gate_results=[
                {
                    "renewal": True,
                    "decided_on": decided.isoformat(),
                    "previous_end": old_end.isoformat() if old_end else None,
                    "new_end": new_end.isoformat() if new_end else None,
                }
            ],
            at=datetime.combine(decided, time(12), tzinfo=UTC) if decided < today else m.utcnow(),
        )
    )
    # the next decision is due at the new end: this one now lives in the history
    plan.decision = None
    plan.decided_on = None
    plan.decision_reason = None
    session.flush()
    return Stage.SUSTAINABILITY


@dataclass(frozen=True)
class Renewal:
    decided_on: date
    reason: str
    previous_end: date | None
    new_end: date | None
    actor: str


def renewals(*, session: Session, alliance: m.Alliance) -> list[Renewal]:
    """Every renewal of the mandate, the latest first."""
    out = []
    for e in session.scalars(
        select(m.StageEvent)
        .where(m.StageEvent.alliance_id == alliance.id, m.StageEvent.kind == EventKind.RENEWED)
        .order_by(m.StageEvent.at.desc(), m.StageEvent.id.desc())
    ):
        info = (e.gate_results or [{}])[0]

        def day(key: str, info: dict[str, Any] = info) -> date | None:
            value = info.get(key)
            return date.fromisoformat(value) if value else None

        out.append(
            Renewal(
                day("decided_on") or e.at.date(),
                e.reason or "",
                day("previous_end"),
                day("new_end"),
                e.actor,
            )
        )
    return out
