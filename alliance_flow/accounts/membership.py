"""A member's own part in an alliance: the Member row an account speaks for, the charter they
sign, and the action items they own and keep up to date. Callers own the transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from alliance_flow import models as m
from alliance_flow.accounts.errors import Forbidden
from alliance_flow.accounts.models import User, UserAllianceRole
from alliance_flow.accounts.policy import Permission, Viewer
from alliance_flow.accounts.services import get_user
from alliance_flow.errors import Conflict, FieldProblem, InvalidInput, NotFound
from alliance_flow.i18n import _
from alliance_flow.safety import parse_id
from alliance_flow.services import alliances as alliance_service
from alliance_flow.services import items as item_service

#: What a member may change on an action they own, per kind of item: the rest of the item
#: (what, when, budget) is the coordinator's.
OWN_FIELDS: dict[str, tuple[str, ...]] = {
    "action": ("status", "completed_on"),  # a row of the action plan, and when it was done
    "minutes-action": ("done_on",),  # an action agreed in the minutes of a meeting
}


@dataclass(frozen=True)
class MyPart:
    """What one account sees of its own part in an alliance."""

    member: m.Member | None
    charter: m.CharterVersion | None = None
    signed_on: date | None = None
    #: why the member cannot sign now (None: they can, or already did)
    cannot_sign: str | None = None
    actions: list[m.ActionPlanItem] = field(default_factory=list)
    minutes_actions: list[tuple[m.MeetingAction, m.Meeting]] = field(default_factory=list)

    @property
    def may_sign(self) -> bool:
        return self.member is not None and self.signed_on is None and self.cannot_sign is None


# --- linking accounts to members ----------------------------------------------------------------


def find_member(*, session: Session, alliance: m.Alliance, ref: str | int) -> m.Member:
    """A member of the alliance by id or by exact name (case does not matter)."""
    text = str(ref).strip()
    query = select(m.Member).where(m.Member.alliance_id == alliance.id)
    number = parse_id(text)
    if number is not None:
        query = query.where(m.Member.id == number)
    elif text.isdecimal():
        raise NotFound(f"member: no member '{text}' in '{alliance.slug}'")
    else:
        query = query.where(m.Member.name.ilike(text.replace("%", r"\%").replace("_", r"\_")))
    found = list(session.scalars(query))
    if len(found) != 1:
        raise NotFound(
            f"member: no member '{text}' in '{alliance.slug}'"
            if not found
            else f"member: several members are called '{text}'; give the id"
        )
    return found[0]


def link_member(
    *, session: Session, login: str, alliance_ref: str | int, member_ref: str | int | None
) -> m.Member | None:
    """Say which member of the alliance an account speaks for (None or "" removes the link).

    The account needs a role on the alliance first; a member is linked to one account at most.
    """
    user = get_user(session=session, login=login)
    alliance = alliance_service.get_alliance(session=session, ref=alliance_ref)
    row = session.get(UserAllianceRole, (user.id, alliance.id))
    if row is None:
        raise NotFound(f"'{user.login}' has no role on '{alliance.slug}'; give them one first")
    if member_ref is None or not str(member_ref).strip():
        row.member_id = None
        return None
    member = find_member(session=session, alliance=alliance, ref=member_ref)
    taken = session.scalars(
        select(User.login)
        .join(UserAllianceRole, UserAllianceRole.user_id == User.id)
        .where(UserAllianceRole.member_id == member.id, User.id != user.id)
    ).first()
    if taken is not None:
        raise Conflict(
            _("{name} is already linked to the account “{login}”").format(
                name=member.name, login=taken
            )
        )
    row.member_id = member.id
    session.flush()
    return member


def linked_members(*, session: Session, alliance_ids: list[int]) -> dict[tuple[int, int], str]:
    """(user id, alliance id) -> name of the linked member, for the administrator's page."""
    rows = session.execute(
        select(UserAllianceRole.user_id, UserAllianceRole.alliance_id, m.Member.name)
        .join(m.Member, m.Member.id == UserAllianceRole.member_id)
        .where(UserAllianceRole.alliance_id.in_(alliance_ids))
    )
    return {(user_id, alliance_id): name for user_id, alliance_id, name in rows}


def members_by_alliance(*, session: Session, alliance_ids: list[int]) -> dict[int, list[m.Member]]:
    """alliance id -> its members by name (with their organisation), for picking from a list."""
    out: dict[int, list[m.Member]] = {}
    query = (
        select(m.Member)
        .where(m.Member.alliance_id.in_(alliance_ids))
        .options(selectinload(m.Member.organisation))
        .order_by(m.Member.name, m.Member.id)
    )
    for member in session.scalars(query):
        out.setdefault(member.alliance_id, []).append(member)
    return out


# --- the member's own part ------------------------------------------------------------------------


def own_member(*, session: Session, viewer: Viewer, alliance: m.Alliance) -> m.Member:
    """The member the viewer's account speaks for in this alliance (403 when not linked)."""
    return _own_member(session, viewer, alliance)


def _own_member(session: Session, viewer: Viewer, alliance: m.Alliance) -> m.Member:
    if not viewer.may(Permission.OWN_ITEMS, alliance.id):
        raise Forbidden(_("only members and coordinators of this alliance have items of their own"))
    member_id = viewer.member_on(alliance.id)
    member = session.get(m.Member, member_id) if member_id is not None else None
    if member is None or member.alliance_id != alliance.id:
        raise Forbidden(
            _(
                "your account is not linked to a member of this alliance; "
                "ask an administrator to link it"
            )
        )
    return member


def current_charter(*, session: Session, alliance: m.Alliance) -> m.CharterVersion | None:
    return session.scalars(
        select(m.CharterVersion)
        .where(m.CharterVersion.alliance_id == alliance.id)
        .order_by(m.CharterVersion.version.desc())
        .limit(1)
    ).first()


def _why_not_signable(
    member: m.Member, charter: m.CharterVersion | None, today: date
) -> str | None:
    if charter is None:
        return _("the alliance has no charter yet")
    if not member.is_active(today):
        return _("only members who have joined the alliance (and not left it) sign its charter")
    return None


def my_part(*, session: Session, viewer: Viewer, alliance: m.Alliance, today: date) -> MyPart:
    """The linked member, the current charter and whether they signed it, and their actions."""
    if not viewer.may(Permission.OWN_ITEMS, alliance.id):
        raise Forbidden(_("only members and coordinators of this alliance have items of their own"))
    try:
        member = _own_member(session, viewer, alliance)
    except Forbidden:
        return MyPart(member=None)
    charter = current_charter(session=session, alliance=alliance)
    signed_on = None
    if charter is not None:
        signed_on = session.scalars(
            select(m.CharterSignature.signed_on).where(
                m.CharterSignature.charter_version_id == charter.id,
                m.CharterSignature.member_id == member.id,
            )
        ).first()
    actions = list(
        session.scalars(
            select(m.ActionPlanItem)
            .where(
                m.ActionPlanItem.alliance_id == alliance.id,
                m.ActionPlanItem.owner_member_id == member.id,
            )
            .order_by(m.ActionPlanItem.number)
        )
    )
    minutes_actions = [
        (action, meeting)
        for action, meeting in session.execute(
            select(m.MeetingAction, m.Meeting)
            .join(m.Meeting, m.Meeting.id == m.MeetingAction.meeting_id)
            .where(
                m.Meeting.alliance_id == alliance.id, m.MeetingAction.owner_member_id == member.id
            )
            .order_by(m.Meeting.starts_at, m.MeetingAction.id)
        )
    ]
    return MyPart(
        member=member,
        charter=charter,
        signed_on=signed_on,
        cannot_sign=None if signed_on else _why_not_signable(member, charter, today),
        actions=actions,
        minutes_actions=minutes_actions,
    )


def sign_current_charter(
    *, session: Session, viewer: Viewer, alliance: m.Alliance, today: date
) -> m.CharterSignature:
    """The signed-in member signs the current version of the charter, dated today."""
    member = _own_member(session, viewer, alliance)
    charter = current_charter(session=session, alliance=alliance)
    why_not = _why_not_signable(member, charter, today)
    if why_not is not None:
        raise Conflict(why_not)
    assert charter is not None  # _why_not_signable refuses a missing charter
    return item_service.sign_charter(
        session=session,
        alliance=alliance,
        member_id=member.id,
        today=today,
        version=charter.version,
    )


def update_own_action(
    *,
    session: Session,
    viewer: Viewer,
    alliance: m.Alliance,
    kind: str,
    item_id: int,
    changes: dict[str, Any],
    today: date,
) -> m.Base:
    """A member updates an action they own: its status (action plan) or done date (minutes).

    Nobody changes someone else's action this way, coordinators included: the owner reports.
    """
    member = _own_member(session, viewer, alliance)
    allowed = OWN_FIELDS.get(kind)
    if allowed is None:
        raise InvalidInput(
            [FieldProblem("kind", _("use one of: {choices}").format(choices=", ".join(OWN_FIELDS)))]
        )
    problems = [
        FieldProblem(f, _("you may change only: {fields}").format(fields=", ".join(allowed)))
        for f in changes
        if f not in allowed
    ]
    if not changes:
        problems.append(FieldProblem(allowed[0], _("required")))
    if problems:
        raise InvalidInput(problems)
    row: Any = item_service.get_item(session=session, alliance=alliance, kind=kind, item_id=item_id)
    if row.owner_member_id != member.id:
        raise Forbidden(_("this action belongs to another member; only its owner updates it here"))
    updated: Any = item_service.edit_item(
        session=session, alliance=alliance, kind=kind, item_id=item_id, changes=changes, today=today
    )
    # Checked once validated (a form sends text); raising rolls the use case back.
    if kind == "minutes-action" and updated.done_on is not None and updated.done_on > today:
        raise InvalidInput([FieldProblem("done_on", _("cannot be in the future"))])
    return updated
