"""Stage 2, launch (Se lancer).

Invite the representatives to the initiation workshop, agree rules, roles and responsibilities
(a chair and a secretary, who is ultimately accountable), schedule 4-5 plenary meetings over
12-18 months and choose the means of communication. Exit when the workshop is held and minuted,
the alliance has 8-12 active members with a distinct chair and secretary, accountability is
stated, the plenaries are planned and the channels are chosen.
"""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta

from alliance_flow.facts import AllianceFacts
from alliance_flow.gates import StageChecks, fail, names, ok
from alliance_flow.settings import Thresholds
from alliance_flow.vocabulary import MeetingKind, MeetingStatus, Role, Stage

checks = StageChecks(Stage.LAUNCH)


@checks.check("initiation_workshop", title="Initiation workshop held and minuted", area="meetings")
def initiation_workshop(f: AllianceFacts, t: Thresholds, today: date) -> tuple[bool, str, str]:
    workshops = [
        m
        for m in f.meetings
        if m.kind == MeetingKind.INITIATION_WORKSHOP and m.status != MeetingStatus.CANCELLED
    ]
    if not workshops:
        return fail(
            "No initiation workshop is scheduled.",
            "Schedule the initiation workshop (the first alliance meeting) and send invitations.",
        )
    held = [m for m in workshops if m.status == MeetingStatus.HELD and m.day <= today]
    if not held:
        return fail(
            f"The initiation workshop of {workshops[0].day} has not been marked as held.",
            "After the workshop, mark it as held and record its minutes.",
        )
    if not any(m.minuted for m in held):
        return fail(
            f"The initiation workshop of {held[0].day.isoformat()} has no minutes.",
            "Record the minutes: who was present, decisions, actions with owners and deadlines.",
        )
    return ok(f"Initiation workshop held on {held[0].day.isoformat()} and minuted.")


@checks.check("membership_size", title="8-12 active members", area="members")
def membership_size(f: AllianceFacts, t: Thresholds, today: date) -> tuple[bool, str, str]:
    low, high = t.launch.min_members, t.launch.max_members
    n = len(f.active_members(today))
    if n < low:
        return fail(
            f"The alliance has {n} active members; the guide recommends {low} to {high}.",
            f"Bring in {low - n} more members (record the date they joined), or waive this "
            "check with a reason.",
        )
    if n > high:
        return fail(
            f"The alliance has {n} active members; the guide recommends {low} to {high}.",
            "Consider sub-committees or a smaller core group, or waive this check with the "
            "reason the alliance needs to be larger.",
        )
    return ok(f"{n} active members ({low} to {high} recommended).")


@checks.check("chair_and_secretary", title="Chair and secretary named", area="members")
def chair_and_secretary(f: AllianceFacts, t: Thresholds, today: date) -> tuple[bool, str, str]:
    problems = []
    holders = {}
    for role in (Role.CHAIR, Role.SECRETARY):
        with_role = [p for p in f.people if role in p.roles]
        active = [p for p in with_role if p.active(today)]
        gone = [p for p in with_role if p.left(today)]
        pending = [p for p in with_role if not p.active(today) and not p.left(today)]
        if active:
            holders[role] = active[0]
        elif gone:
            problems.append(f"the {role}, {gone[0].name}, left on {gone[0].left_on}")
        elif pending:
            problems.append(f"the {role}, {pending[0].name}, has not joined the alliance yet")
        else:
            problems.append(f"no {role} is named")
    chair, secretary = holders.get(Role.CHAIR), holders.get(Role.SECRETARY)
    if chair and secretary and chair.id == secretary.id:
        problems.append(f"{chair.name} is both chair and secretary; they must be two people")
    if problems:
        text = "; ".join(problems)
        return fail(
            text[0].upper() + text[1:] + ".",
            "Name a chair (an organisation leader or sponsor) and a secretary: two different "
            "active members.",
        )
    assert chair and secretary
    return ok(f"Chair: {chair.label}; secretary: {secretary.label}.")


@checks.check("accountability_stated", title="Accountability stated", area="alliance")
def accountability_stated(f: AllianceFacts, t: Thresholds, today: date) -> tuple[bool, str, str]:
    if not (f.accountable and f.accountable.strip()):
        return fail(
            "Nobody is recorded as ultimately accountable for the alliance.",
            "In the alliance details, state who is ultimately accountable for the alliance.",
        )
    return ok(f"Accountable: {f.accountable}.")


@checks.check("plenaries_planned", title="4-5 plenaries over 12-18 months", area="meetings")
def plenaries_planned(f: AllianceFacts, t: Thresholds, today: date) -> tuple[bool, str, str]:
    lim = t.launch
    plenaries = sorted(
        m.day
        for m in f.meetings
        if m.kind == MeetingKind.PLENARY and m.status != MeetingStatus.CANCELLED
    )
    n = len(plenaries)
    wanted = (
        f"{lim.min_plenaries}-{lim.max_plenaries} plenary meetings over "
        f"{lim.min_plenary_span_months}-{lim.max_plenary_span_months} months"
    )
    if not lim.min_plenaries <= n <= lim.max_plenaries:
        return fail(
            f"{n} plenary meetings are scheduled; the guide asks for {wanted}.",
            "Adjust the schedule of plenary meetings.",
        )
    starts = [
        m.day
        for m in f.meetings
        if m.kind == MeetingKind.INITIATION_WORKSHOP and m.status != MeetingStatus.CANCELLED
    ] or plenaries
    first, last = min(starts), plenaries[-1]
    if last < first + relativedelta(months=lim.min_plenary_span_months):
        return fail(
            f"The plenaries end on {last}, less than {lim.min_plenary_span_months} months after "
            f"{first}; the guide asks for {wanted}.",
            "Spread the plenary meetings over the alliance's working period.",
        )
    if last > first + relativedelta(months=lim.max_plenary_span_months):
        return fail(
            f"The last plenary ({last}) is more than {lim.max_plenary_span_months} months after "
            f"{first}; the guide asks for {wanted}.",
            "Bring the plenary meetings closer together.",
        )
    return ok(f"{n} plenary meetings planned from {plenaries[0]} to {last}.")


@checks.check("channels_chosen", title="Communication channels chosen", area="alliance")
def channels_chosen(f: AllianceFacts, t: Thresholds, today: date) -> tuple[bool, str, str]:
    if not f.channels:
        return fail(
            "No means of communication between members has been chosen.",
            "Record the channels the alliance uses (file sharing, group e-mail, calls between "
            "plenaries...).",
        )
    return ok(f"Channels: {names(f.channels)}.")
