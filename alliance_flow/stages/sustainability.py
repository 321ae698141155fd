"""Stage 6, sustainability (Viabilité).

Evaluate throughout (self-monitoring with SWOT, a joint approach, an external evaluator) and, at
least six months before the work plan ends, examine a plan for a more voluntary or formal
continuation. Exit, to close, when an evaluation and the sustainability plan are both dated at
least six months before the end and the alliance has decided to close or renew.
"""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta

from alliance_flow.facts import AllianceFacts
from alliance_flow.gates import StageChecks, fail, ok
from alliance_flow.settings import Thresholds
from alliance_flow.vocabulary import Stage

checks = StageChecks(Stage.SUSTAINABILITY)

NO_END = (
    "The work plan's end date is not recorded, so the six-month deadline is unknown.",
    "In the alliance details, record when the work plan ends.",
)


def sustainability_deadline(work_plan_end: date, months: int) -> date:
    """The last day an evaluation or sustainability plan counts as on time."""
    return work_plan_end - relativedelta(months=months)


def _on_time(
    what: str, dated: date | None, f: AllianceFacts, months: int, today: date, fix: str
) -> tuple[bool, str, str]:
    if f.work_plan_end is None:
        return fail(*NO_END)
    deadline = sustainability_deadline(f.work_plan_end, months)
    if dated is None:
        left = (deadline - today).days
        when = (
            f"due by {deadline} ({left} days left)"
            if left >= 0
            else f"was due by {deadline}, {-left} days ago"
        )
        return fail(
            f"No {what} yet; it {when}, {months} months before the work plan ends on "
            f"{f.work_plan_end}.",
            fix,
        )
    if dated > deadline:
        return fail(
            f"The {what} is dated {dated}, {(dated - deadline).days} days after the deadline of "
            f"{deadline} ({months} months before the work plan ends on {f.work_plan_end}).",
            fix + " If it cannot be earlier, waive this check and say why.",
        )
    return ok(f"The {what} is dated {dated}, on time (deadline {deadline}).")


@checks.check(
    "evaluation_on_time", title="Evaluation six months before the end", area="evaluations"
)
def evaluation_on_time(f: AllianceFacts, t: Thresholds, today: date) -> tuple[bool, str, str]:
    months = t.sustainability.months_before_end
    dated = None
    if f.work_plan_end is not None:
        deadline = sustainability_deadline(f.work_plan_end, months)
        on_time = [e.held_on for e in f.evaluations if e.held_on <= deadline]
        dated = (
            max(on_time)
            if on_time
            else (min(e.held_on for e in f.evaluations) if f.evaluations else None)
        )
    return _on_time(
        "evaluation",
        dated,
        f,
        months,
        today,
        "Hold an evaluation (a SWOT self-assessment, joint interviews or an external "
        "evaluator) and record it.",
    )


@checks.check(
    "plan_on_time", title="Sustainability plan six months before the end", area="sustainability"
)
def plan_on_time(f: AllianceFacts, t: Thresholds, today: date) -> tuple[bool, str, str]:
    dated = f.sustainability.dated_on if f.sustainability else None
    return _on_time(
        "sustainability plan",
        dated,
        f,
        t.sustainability.months_before_end,
        today,
        "Examine a plan for a more voluntary or formal continuation and record it with its date.",
    )


@checks.check("decision_made", title="Decision to close or renew", area="sustainability")
def decision_made(f: AllianceFacts, t: Thresholds, today: date) -> tuple[bool, str, str]:
    s = f.sustainability
    if s is None or s.decision is None:
        return fail(
            "The alliance has not decided whether to close or renew its mandate.",
            "Record the members' decision (close or renew) and its date in the sustainability "
            "plan.",
        )
    return ok(f"Decision: {s.decision}" + (f" on {s.decided_on}." if s.decided_on else "."))
