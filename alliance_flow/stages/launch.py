"""Stage 2, launch (Se lancer).

Invite the representatives to the initiation workshop, agree rules, roles and responsibilities
(a chair and a secretary, who is ultimately accountable), schedule 4-5 plenary meetings over
12-18 months and choose the means of communication. Exit when the workshop is held and minuted,
the alliance has 8-12 active members with a distinct chair and secretary, accountability is
stated, the plenaries are planned and the channels are chosen.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from alliance_flow.dates import months_after
from alliance_flow.facts import AllianceFacts, PersonFacts
from alliance_flow.gates import StageChecks, Verdict, fail, names, ok
from alliance_flow.i18n import N_, _, local_date, ngettext
from alliance_flow.settings import Thresholds
from alliance_flow.vocabulary import MeetingKind, MeetingStatus, Role, Stage

checks = StageChecks(Stage.LAUNCH)


@checks.check(
    "initiation_workshop", title=N_("Initiation workshop held and minuted"), area="meetings"
)
def initiation_workshop(f: AllianceFacts, t: Thresholds, today: date) -> Verdict:
    workshops = [
        m
        for m in f.meetings
        if m.kind == MeetingKind.INITIATION_WORKSHOP and m.status != MeetingStatus.CANCELLED
    ]
    if not workshops:
        return fail(
            lambda: _("No initiation workshop is scheduled."),
            lambda: _(
                "Schedule the initiation workshop (the first alliance meeting) and send "
                "invitations."
            ),
        )
    held = [m for m in workshops if m.status == MeetingStatus.HELD and m.day <= today]
    if not held:
        return fail(
            lambda: _("The initiation workshop of {day} has not been marked as held.").format(
                day=local_date(workshops[0].day)
            ),
            lambda: _("After the workshop, mark it as held and record its minutes."),
        )
    if not any(m.minuted for m in held):
        return fail(
            lambda: _("The initiation workshop of {day} has no minutes.").format(
                day=local_date(held[0].day)
            ),
            lambda: _(
                "Record the minutes: who was present, decisions, actions with owners and deadlines."
            ),
        )
    return ok(
        lambda: _("Initiation workshop held on {day} and minuted.").format(
            day=local_date(held[0].day)
        )
    )


@checks.check("membership_size", title=N_("8-12 active members"), area="members")
def membership_size(f: AllianceFacts, t: Thresholds, today: date) -> Verdict:
    low, high = t.launch.min_members, t.launch.max_members
    n = f.measures_on(today).active_members

    def reason() -> str:
        return ngettext(
            "The alliance has {n} active member; the guide recommends {low} to {high}.",
            "The alliance has {n} active members; the guide recommends {low} to {high}.",
            n,
        ).format(n=n, low=low, high=high)

    if n < low:
        return fail(
            reason,
            lambda: ngettext(
                "Bring in {count} more member (record the date they joined), or waive this "
                "check with a reason.",
                "Bring in {count} more members (record the date they joined), or waive this "
                "check with a reason.",
                low - n,
            ).format(count=low - n),
        )
    if n > high:
        return fail(
            reason,
            lambda: _(
                "Consider sub-committees or a smaller core group, or waive this check with the "
                "reason the alliance needs to be larger."
            ),
        )
    return ok(
        lambda: ngettext(
            "{n} active member ({low} to {high} recommended).",
            "{n} active members ({low} to {high} recommended).",
            n,
        ).format(n=n, low=low, high=high)
    )


ROLE_NAMES = {
    Role.CHAIR: N_("chair"),
    Role.SECRETARY: N_("secretary"),
    Role.COMMUNICATIONS_OFFICER: N_("communications officer"),
}


def _role_problem(
    role: Role, people: tuple[PersonFacts, ...], today: date
) -> tuple[PersonFacts | None, Callable[[], str] | None]:
    """The active holder of a role, or how to say why there is none."""
    with_role = [p for p in people if role in p.roles]
    active = [p for p in with_role if p.active(today)]
    if active:
        return active[0], None
    gone = [p for p in with_role if p.left(today)]
    if gone:
        return None, lambda: _("the {role}, {name}, left on {day}").format(
            role=_(ROLE_NAMES[role]), name=gone[0].name, day=local_date(gone[0].left_on)
        )
    if with_role:
        return None, lambda: _("the {role}, {name}, has not joined the alliance yet").format(
            role=_(ROLE_NAMES[role]), name=with_role[0].name
        )
    return None, lambda: _("no {role} is named").format(role=_(ROLE_NAMES[role]))


@checks.check("chair_and_secretary", title=N_("Chair and secretary named"), area="members")
def chair_and_secretary(f: AllianceFacts, t: Thresholds, today: date) -> Verdict:
    chair, chair_problem = _role_problem(Role.CHAIR, f.people, today)
    secretary, secretary_problem = _role_problem(Role.SECRETARY, f.people, today)
    problems = [p for p in (chair_problem, secretary_problem) if p]
    if chair and secretary and chair.id == secretary.id:
        both = chair.name
        problems.append(
            lambda: _("{name} is both chair and secretary; they must be two people").format(
                name=both
            )
        )
    if problems:

        def reason() -> str:
            text = "; ".join(problem() for problem in problems)
            return text[0].upper() + text[1:] + "."

        return fail(
            reason,
            lambda: _(
                "Name a chair (an organisation leader or sponsor) and a secretary: two different "
                "active members."
            ),
        )
    assert chair and secretary
    return ok(
        lambda: _("Chair: {chair}; secretary: {secretary}.").format(
            chair=chair.label, secretary=secretary.label
        )
    )


@checks.check("accountability_stated", title=N_("Accountability stated"), area="alliance")
def accountability_stated(f: AllianceFacts, t: Thresholds, today: date) -> Verdict:
    if not (f.accountable and f.accountable.strip()):
        return fail(
            lambda: _("Nobody is recorded as ultimately accountable for the alliance."),
            lambda: _("In the launch plan, state who is ultimately accountable for the alliance."),
        )
    return ok(lambda: _("Accountable: {who}.").format(who=f.accountable))


@checks.check("plenaries_planned", title=N_("4-5 plenaries over 12-18 months"), area="meetings")
def plenaries_planned(f: AllianceFacts, t: Thresholds, today: date) -> Verdict:
    lim = t.launch
    plenaries = sorted(
        m.day
        for m in f.meetings
        if m.kind == MeetingKind.PLENARY and m.status != MeetingStatus.CANCELLED
    )
    n = len(plenaries)

    def wanted() -> str:
        return _("{low}-{high} plenary meetings over {short}-{long} months").format(
            low=lim.min_plenaries,
            high=lim.max_plenaries,
            short=lim.min_plenary_span_months,
            long=lim.max_plenary_span_months,
        )

    if not lim.min_plenaries <= n <= lim.max_plenaries:
        return fail(
            lambda: ngettext(
                "{n} plenary meeting is scheduled; the guide asks for {wanted}.",
                "{n} plenary meetings are scheduled; the guide asks for {wanted}.",
                n,
            ).format(n=n, wanted=wanted()),
            lambda: _("Adjust the schedule of plenary meetings."),
        )
    starts = [
        m.day
        for m in f.meetings
        if m.kind == MeetingKind.INITIATION_WORKSHOP and m.status != MeetingStatus.CANCELLED
    ] or plenaries
    first, last = min(starts), plenaries[-1]
    if last < months_after(first, lim.min_plenary_span_months):
        return fail(
            lambda: _(
                "The plenaries end on {last}, less than {months} months after {first}; the guide "
                "asks for {wanted}."
            ).format(
                last=local_date(last),
                months=lim.min_plenary_span_months,
                first=local_date(first),
                wanted=wanted(),
            ),
            lambda: _("Spread the plenary meetings over the alliance's working period."),
        )
    if last > months_after(first, lim.max_plenary_span_months):
        return fail(
            lambda: _(
                "The last plenary ({last}) is more than {months} months after {first}; the guide "
                "asks for {wanted}."
            ).format(
                last=local_date(last),
                months=lim.max_plenary_span_months,
                first=local_date(first),
                wanted=wanted(),
            ),
            lambda: _("Bring the plenary meetings closer together."),
        )
    return ok(
        lambda: ngettext(
            "{n} plenary meeting planned; the programme runs from {first} to {last}.",
            "{n} plenary meetings planned; the programme runs from {first} to {last}.",
            n,
        ).format(n=n, first=local_date(first), last=local_date(last))
    )


@checks.check("channels_chosen", title=N_("Communication channels chosen"), area="alliance")
def channels_chosen(f: AllianceFacts, t: Thresholds, today: date) -> Verdict:
    if not f.channels:
        return fail(
            lambda: _("No means of communication between members has been chosen."),
            lambda: _(
                "Record the channels the alliance uses (file sharing, group e-mail, calls between "
                "plenaries...)."
            ),
        )
    return ok(lambda: _("Channels: {channels}.").format(channels=names(f.channels)))
