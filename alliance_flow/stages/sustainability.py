"""Stage 6, sustainability (Viabilité).

Evaluate throughout (self-monitoring with SWOT, a joint approach, an external evaluator) and, at
least six months before the work plan ends, examine a plan for a more voluntary or formal
continuation. Exit, to close, when an evaluation and the sustainability plan are both dated at
least six months before the end and the alliance has decided to close or renew.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from alliance_flow.dates import months_after
from alliance_flow.facts import AllianceFacts
from alliance_flow.gates import StageChecks, Verdict, fail, ok
from alliance_flow.i18n import N_, _, local_date, ngettext
from alliance_flow.settings import Thresholds
from alliance_flow.vocabulary import Decision, Stage

checks = StageChecks(Stage.SUSTAINABILITY)

WHAT = {"evaluation": N_("evaluation"), "plan": N_("sustainability plan")}
DECISIONS = {Decision.CLOSE: N_("close"), Decision.RENEW: N_("renew")}


def sustainability_deadline(work_plan_end: date, months: int) -> date:
    """The last day an evaluation or sustainability plan counts as on time."""
    return months_after(work_plan_end, -months)


def _on_time(
    what: str,
    dated: date | None,
    f: AllianceFacts,
    months: int,
    today: date,
    fix: Callable[[], str],
) -> Verdict:
    if f.work_plan_end is None:
        return fail(
            lambda: _(
                "The work plan's end date is not recorded, so the six-month deadline is unknown."
            ),
            lambda: _("In the alliance details, record when the work plan ends."),
        )
    end = f.work_plan_end
    deadline = sustainability_deadline(end, months)
    if dated is None:
        left = (deadline - today).days

        def missing() -> str:
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
            return reason.format(
                what=_(WHAT[what]),
                deadline=local_date(deadline),
                days=abs(left),
                months=months,
                end=local_date(end),
            )

        return fail(missing, fix)
    if dated > deadline:
        late = dated
        return fail(
            lambda: ngettext(
                "The {what} is dated {dated}, {days} day after the deadline of {deadline} "
                "({months} months before the work plan ends on {end}).",
                "The {what} is dated {dated}, {days} days after the deadline of {deadline} "
                "({months} months before the work plan ends on {end}).",
                (late - deadline).days,
            ).format(
                what=_(WHAT[what]),
                dated=local_date(late),
                days=(late - deadline).days,
                deadline=local_date(deadline),
                months=months,
                end=local_date(end),
            ),
            lambda: fix() + " " + _("If it cannot be earlier, waive this check and say why."),
        )
    on_time = dated
    return ok(
        lambda: _("The {what} is dated {dated}, on time (deadline {deadline}).").format(
            what=_(WHAT[what]), dated=local_date(on_time), deadline=local_date(deadline)
        )
    )


@checks.check(
    "evaluation_on_time", title=N_("Evaluation six months before the end"), area="evaluations"
)
def evaluation_on_time(f: AllianceFacts, t: Thresholds, today: date) -> Verdict:
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
        lambda: _(
            "Hold an evaluation (a SWOT self-assessment, joint interviews or an external "
            "evaluator) and record it."
        ),
    )


@checks.check(
    "plan_on_time", title=N_("Sustainability plan six months before the end"), area="sustainability"
)
def plan_on_time(f: AllianceFacts, t: Thresholds, today: date) -> Verdict:
    dated = f.sustainability.dated_on if f.sustainability else None
    if dated is not None and dated > today:
        dated = None  # a plan dated in the future has not been examined yet
    return _on_time(
        "plan",
        dated,
        f,
        t.sustainability.months_before_end,
        today,
        lambda: _(
            "Examine a plan for a more voluntary or formal continuation and record it with its "
            "date."
        ),
    )


@checks.check("decision_made", title=N_("Decision to close or renew"), area="sustainability")
def decision_made(f: AllianceFacts, t: Thresholds, today: date) -> Verdict:
    s = f.sustainability
    if s is None or s.decision is None:
        return fail(
            lambda: _("The alliance has not decided whether to close or renew its mandate."),
            lambda: _(
                "Record the members' decision (close or renew) and its date in the "
                "sustainability plan."
            ),
        )
    decision, decided_on = Decision(s.decision), s.decided_on
    if decided_on:
        return ok(
            lambda: _("Decision: {decision} on {day}.").format(
                decision=_(DECISIONS[decision]), day=local_date(decided_on)
            )
        )
    return ok(lambda: _("Decision: {decision}.").format(decision=_(DECISIONS[decision])))
