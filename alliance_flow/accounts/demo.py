"""Demo accounts, one per role, so a newcomer can log in to the demo alliances."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alliance_flow import models as m
from alliance_flow.accounts import membership, services
from alliance_flow.accounts.models import AllianceRole, User, UserAllianceRole
from alliance_flow.db import Database
from alliance_flow.errors import NotFound
from alliance_flow.services import alliances as alliance_service

#: Demo passwords are public by design: the demo database is for trying the product out.
DEMO_PASSWORD = "demo-password"


#: The demo accounts' names in the working language of the guide's non-English alliances (a
#: name is what the history and the audit log show). The slug stays lower-case, as in
#: "Demo coordinator roscommon": a capitalised place would become a word withheld from funders.
DISPLAY_NAMES: dict[str, dict[AllianceRole, str]] = {
    "bordeaux": {
        AllianceRole.COORDINATOR: "Coordinatrice démo bordeaux",
        AllianceRole.MEMBER: "Membre démo bordeaux",
        AllianceRole.FUNDER: "Financeur démo bordeaux",
    },
    "fryslan": {
        AllianceRole.COORDINATOR: "Demo-coördinator fryslan",
        AllianceRole.MEMBER: "Demo-lid fryslan",
        AllianceRole.FUNDER: "Demo-financier fryslan",
    },
    "kronoberg-kalmar": {
        AllianceRole.COORDINATOR: "Demosamordnare kronoberg-kalmar",
        AllianceRole.MEMBER: "Demomedlem kronoberg-kalmar",
        AllianceRole.FUNDER: "Demofinansiär kronoberg-kalmar",
    },
}


def _display_name(role: AllianceRole, slug: str) -> str:
    return DISPLAY_NAMES.get(slug, {}).get(role, f"Demo {role.value} {slug}")


def create_demo_accounts(db: Database, slugs: list[str]) -> list[tuple[str, str, str, str]]:
    """Create (or reset) admin, coordinator, member and funder accounts on the demo alliances.

    Each member account speaks for a real member of its alliance, preferably one who has not
    signed the current charter yet, so the demo shows what a member does.
    Returns (login, password, role, alliance) rows to print; alliance is "*" for the admin.
    """
    wanted = [
        ("admin", "Demo Administrator", "admin", "*"),
        *(
            (f"{role}-{slug}", _display_name(role, slug), role.value, slug)
            for slug in slugs
            for role in AllianceRole
        ),
    ]
    out = []
    with db.transaction() as session:
        for login, name, role, slug in wanted:
            try:
                services.set_password(session=session, login=login, password=DEMO_PASSWORD)
            except NotFound:
                services.create_user(
                    session=session,
                    user_in={
                        "login": login,
                        "name": name,
                        "password": DEMO_PASSWORD,
                        "is_admin": role == "admin",
                    },
                )
            if slug != "*":
                services.grant_role(session=session, login=login, alliance_ref=slug, role=role)
            if role == AllianceRole.MEMBER:
                member_id = _member_to_play(session, slug, login)
                if member_id is not None:
                    membership.link_member(
                        session=session, login=login, alliance_ref=slug, member_ref=member_id
                    )
            out.append((login, DEMO_PASSWORD, role, slug))
    return out


def _member_to_play(session: Session, slug: str, login: str) -> int | None:
    """A joined member with something to do: the current charter unsigned, then most actions;
    never one that another account already speaks for."""
    alliance = alliance_service.get_alliance(session=session, ref=slug)
    taken = set(
        session.scalars(
            select(UserAllianceRole.member_id)
            .join(User, User.id == UserAllianceRole.user_id)
            .where(UserAllianceRole.member_id.is_not(None), User.login != login)
        )
    )
    charter = membership.current_charter(session=session, alliance=alliance)
    signed = (
        set(
            session.scalars(
                select(m.CharterSignature.member_id).where(
                    m.CharterSignature.charter_version_id == charter.id
                )
            )
        )
        if charter is not None
        else set()
    )
    owned: dict[int, int] = {}
    for query in (
        select(m.ActionPlanItem.owner_member_id, func.count())
        .where(m.ActionPlanItem.alliance_id == alliance.id)
        .group_by(m.ActionPlanItem.owner_member_id),
        select(m.MeetingAction.owner_member_id, func.count())
        .join(m.Meeting, m.Meeting.id == m.MeetingAction.meeting_id)
        .where(m.Meeting.alliance_id == alliance.id)
        .group_by(m.MeetingAction.owner_member_id),
    ):
        for owner, n in session.execute(query):
            if owner is not None:
                owned[owner] = owned.get(owner, 0) + n
    joined = session.scalars(
        select(m.Member.id).where(
            m.Member.alliance_id == alliance.id,
            m.Member.joined_on.is_not(None),
            m.Member.left_on.is_(None),
            m.Member.id.not_in(taken),
        )
    )
    ranked = sorted(
        joined, key=lambda mid: (charter is not None and mid in signed, -owned.get(mid, 0), mid)
    )
    return ranked[0] if ranked else None
