"""Stage 6, sustainability (Viabilité).

Evaluate throughout (self-monitoring with SWOT, a joint approach, an external evaluator) and, at
least six months before the work plan ends, examine a plan for a more voluntary or formal
continuation. Exit, to close, when an evaluation and the sustainability plan are both dated at
least six months before the end and the alliance has decided to close or renew.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from dateutil.relativedelta import relativedelta

from alliance_flow.facts import AllianceFacts
from alliance_flow.gates import StageChecks, fail, ok
from alliance_flow.i18n import N_, _, local_date, ngettext
from alliance_flow.settings import Thresholds
from alliance_flow.vocabulary import Decision, Stage

checks = StageChecks(Stage.SUSTAINABILITY)

WHAT = {"evaluation": N_("evaluation"), "plan": N_("sustainability plan")}
DECISIONS = {Decision.CLOSE: N_("close"), Decision.RENEW: N_("renew")}


@lru_cache(maxsize=4096)
def sustainability_deadline(work_plan_end: date, months: int) -> date:
    """The last day an evaluation or sustainability plan counts as on time (the same few days
    recur across alliances, and relativedelta is slow)."""
    return work_plan_end - relativedelta(months=months)


def _on_time(
    what: str, dated: date | None, f: AllianceFacts, months: int, today: date, fix: str
) -> tuple[bool, str, str]:
    if f.work_plan_end is None:
        return fail(
            _("The work plan's end date is not recorded, so the six-month deadline is unknown."),
            _("In the alliance details, record when the work plan ends."),
        )
    deadline = sustainability_deadline(f.work_plan_end, months)
    label = _(WHAT[what])
    if dated is None:
        left = (deadline - today).days
        if left >= 0:
            reason = ngettext(
                "No {what} yet; it is due by {deadline} ({days} day left), {months} months "
                "before the work plan ends on {end}.",
                "No {what} yet; it is due by {deadline} ({days} days left), {months} months "
                "before the work plan ends on {end}.",
                left,
            )
        else:
            reason = ngettext(
                "No {what} yet; it was due by {deadline}, {days} day ago, {months} months "
                "before the work plan ends on {end}.",
                "No {what} yet; it was due by {deadline}, {days} days ago, {months} months "
                "before the work plan ends on {end}.",
                -left,
            )
        return fail(
            reason.format(
                what=label,
                deadline=local_date(deadline),
                days=abs(left),
                months=months,
                end=local_date(f.work_plan_end),
            ),
            fix,
        )
    if dated > deadline:
        return fail(
            ngettext(
                "The {what} is dated {dated}, {days} day after the deadline of {deadline} "
                "({months} months before the work plan ends on {end}).",
                "The {what} is dated {dated}, {days} days after the deadline of {deadline} "
                "({months} months before the work plan ends on {end}).",
                (dated - deadline).days,
            ).format(
                what=label,
                dated=local_date(dated),
                days=(dated - deadline).days,
                deadline=local_date(deadline),
                months=months,
                end=local_date(f.work_plan_end),
            ),
            fix + " " + _("If it cannot be earlier, waive this check and say why."),
        )
    return ok(
        _("The {what} is dated {dated}, on time (deadline {deadline}).").format(
            what=label, dated=local_date(dated), deadline=local_date(deadline)
        )
    )


@checks.check(
    "evaluation_on_time", title=N_("Evaluation six months before the end"), area="evaluations"
)
def evaluation_on_time(f: AllianceFacts, t: Thresholds, today: date) -> tuple[bool, str, str]:
    months = t.sustainability.months_before_end
    dated = None
    held = [e.held_on for e in f.evaluations if e.held_on <= today]  # not merely planned
    if f.work_plan_end is not None and held:
        deadline = sustainability_deadline(f.work_plan_end, months)
        on_time = [day for day in held if day <= deadline]
        dated = max(on_time) if on_time else min(held)
    return _on_time(
        "evaluation",
        dated,
        f,
        months,
        today,
        _(
            "Hold an evaluation (a SWOT self-assessment, joint interviews or an external "
            "evaluator) and record it."
        ),
    )


@checks.check(
    "plan_on_time", title=N_("Sustainability plan six months before the end"), area="sustainability"
)
def plan_on_time(f: AllianceFacts, t: Thresholds, today: date) -> tuple[bool, str, str]:
    dated = f.sustainability.dated_on if f.sustainability else None
    if dated is not None and dated > today:
        dated = None  # a plan dated in the future has not been examined yet
    return _on_time(
        "plan",
        dated,
        f,
        t.sustainability.months_before_end,
        today,
        _(
            "Examine a plan for a more voluntary or formal continuation and record it with its "
            "date."
        ),
    )


@checks.check("decision_made", title=N_("Decision to close or renew"), area="sustainability")
def decision_made(f: AllianceFacts, t: Thresholds, today: date) -> tuple[bool, str, str]:
    s = f.sustainability
    if s is None or s.decision is None:
        return fail(
            _("The alliance has not decided whether to close or renew its mandate."),
            _(
                "Record the members' decision (close or renew) and its date in the "
                "sustainability plan."
            ),
        )
    decision = _(DECISIONS[Decision(s.decision)])
    if s.decided_on:
        return ok(
            _("Decision: {decision} on {day}.").format(
                decision=decision, day=local_date(s.decided_on)
            )
        )
    return ok(_("Decision: {decision}.").format(decision=decision))
