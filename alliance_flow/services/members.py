"""A member's whole life in the alliance: joined, roles handed over, linked to an account, left.
Callers own the transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alliance_flow import models as m
from alliance_flow.accounts import membership
from alliance_flow.accounts.models import User, UserAllianceRole
from alliance_flow.errors import Conflict, FieldProblem, InvalidInput
from alliance_flow.i18n import _
from alliance_flow.schemas import Input as _Input
from alliance_flow.schemas import OptDate, validate
from alliance_flow.services import items as item_service
from alliance_flow.vocabulary import Role


def get_member(*, session: Session, alliance: m.Alliance, member_id: int) -> m.Member:
    row: Any = item_service.get_item(
        session=session, alliance=alliance, kind="member", item_id=member_id
    )
    return row


def role_holders(*, session: Session, alliance: m.Alliance, today: date) -> dict[str, m.Member]:
    """Who holds each role now (members who have not left)."""
    out: dict[str, m.Member] = {}
    for mb in session.scalars(select(m.Member).where(m.Member.alliance_id == alliance.id)):
        if mb.left_on is not None and mb.left_on <= today:
            continue
        for role in mb.roles:
            out.setdefault(role, mb)
    return out


def assign_roles(
    *,
    session: Session,
    alliance: m.Alliance,
    holders: dict[str, int | None],
    today: date,
) -> None:
    """Hand each role (chair, secretary, communications officer) to one member, or to nobody:
    whoever held it before gives it up in the same transaction."""
    problems = []
    members = {
        mb.id: mb
        for mb in session.scalars(select(m.Member).where(m.Member.alliance_id == alliance.id))
    }
    for role, member_id in holders.items():
        if role not in set(Role):
            problems.append(FieldProblem(role, _("unknown role")))
        elif member_id is not None:
            mb = members.get(member_id)
            if mb is None:
                problems.append(FieldProblem(role, _("no such member in this alliance")))
            elif mb.left_on is not None and mb.left_on <= today:
                problems.append(
                    FieldProblem(role, _("{name} has left the alliance").format(name=mb.name))
                )
    chair, secretary = holders.get(Role.CHAIR), holders.get(Role.SECRETARY)
    if chair is not None and chair == secretary:
        problems.append(
            FieldProblem(
                Role.SECRETARY, _("the chair and the secretary must be two different people")
            )
        )
    if problems:
        raise InvalidInput(problems)
    for role, member_id in holders.items():
        for mb in members.values():
            has = role in mb.roles
            wants = mb.id == member_id
            if has and not wants:
                mb.role_rows = [r for r in mb.role_rows if r.role != role]
            elif wants and not has:
                mb.role_rows = [*mb.role_rows, m.MemberRole(role=role)]
    session.flush()


class LeftIn(_Input):
    left_on: OptDate


def record_left(
    *, session: Session, alliance: m.Alliance, member_id: int, left_on: str, today: date
) -> m.Member:
    """The date a member left; their signatures, attendance and actions stay in the history.
    Their roles end with them."""
    day = validate(LeftIn, {"left_on": left_on}).left_on  # type: ignore[attr-defined]
    if day is None:
        raise InvalidInput([FieldProblem("left_on", _("required"))])
    if day > today:
        raise InvalidInput([FieldProblem("left_on", _("cannot be in the future"))])
    row: Any = item_service.edit_item(
        session=session,
        alliance=alliance,
        kind="member",
        item_id=member_id,
        changes={"left_on": day, "roles": []},
        today=today,
    )
    return row


def has_history(*, session: Session, member: m.Member) -> bool:
    signed = session.scalar(
        select(func.count())
        .select_from(m.CharterSignature)
        .where(m.CharterSignature.member_id == member.id)
    )
    attended = session.scalar(
        select(func.count()).select_from(m.Attendance).where(m.Attendance.member_id == member.id)
    )
    return bool(signed or attended)


def remove_member(*, session: Session, alliance: m.Alliance, member_id: int) -> None:
    member = get_member(session=session, alliance=alliance, member_id=member_id)
    if has_history(session=session, member=member):
        raise Conflict(
            _(
                "{name} has signed the charter or attended meetings. To keep that history, "
                "record the date they left instead of removing them."
            ).format(name=member.name)
        )
    item_service.remove_item(session=session, alliance=alliance, kind="member", item_id=member_id)


@dataclass(frozen=True)
class Account:
    login: str
    name: str
    role: str
    member_id: int | None


def accounts_on(*, session: Session, alliance: m.Alliance) -> list[Account]:
    """The accounts with a role on this alliance, and the member each speaks for."""
    rows = session.execute(
        select(User.login, User.name, UserAllianceRole.role, UserAllianceRole.member_id)
        .join(UserAllianceRole, UserAllianceRole.user_id == User.id)
        .where(UserAllianceRole.alliance_id == alliance.id)
        .order_by(User.name)
    ).all()
    return [Account(login, name, role, mid) for login, name, role, mid in rows]


def link_account(
    *, session: Session, alliance: m.Alliance, member_id: int, login: str | None
) -> None:
    """The account picked from the list speaks for this member (empty: nobody does)."""
    member = get_member(session=session, alliance=alliance, member_id=member_id)
    current = [
        a for a in accounts_on(session=session, alliance=alliance) if a.member_id == member.id
    ]
    for account in current:
        if account.login != login:
            membership.link_member(
                session=session, login=account.login, alliance_ref=alliance.id, member_ref=None
            )
    if login:
        chosen = next(
            (a for a in accounts_on(session=session, alliance=alliance) if a.login == login), None
        )
        if chosen is None:
            raise InvalidInput(
                [FieldProblem("login", _("this account has no role on this alliance"))]
            )
        if chosen.member_id is not None and chosen.member_id != member.id:
            other = session.get(m.Member, chosen.member_id)
            raise Conflict(
                _("the account {login} already speaks for {name}; unlink it there first").format(
                    login=login, name=other.name if other else chosen.member_id
                )
            )
        membership.link_member(
            session=session, login=login, alliance_ref=alliance.id, member_ref=member.id
        )
    session.flush()
