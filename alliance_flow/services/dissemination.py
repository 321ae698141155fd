"""Stage 5 use cases: the communication plan, the communications (press) officer, the
publications with their links, and the alliance's public profile. Callers own the transaction.

The public profile shows only the parts the coordinator chose, and nothing before it is
published; it never holds a person's name or contact details, only organisations' names.
Publishing it records a publication of kind `alliance_profile` with its public address, which
is what the "profile published" check reads; unpublishing removes that record again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from alliance_flow import models as m
from alliance_flow.errors import Conflict, FieldProblem, InvalidInput, NotFound
from alliance_flow.facts import load_facts
from alliance_flow.i18n import _, use_language
from alliance_flow.services import items as item_service
from alliance_flow.services import members as member_service
from alliance_flow.settings import Thresholds, get_thresholds
from alliance_flow.stages.dissemination import unreached_audiences
from alliance_flow.vocabulary import ActionStatus, PublicationKind, Role
from alliance_flow.withholding import people_of

# --- the communication plan -----------------------------------------------------------------


def communication_plan(*, session: Session, alliance: m.Alliance) -> list[m.CommunicationPlanRow]:
    """The guide's communication plan, one row per stakeholder group or audience."""
    return list(
        session.scalars(
            select(m.CommunicationPlanRow)
            .where(m.CommunicationPlanRow.alliance_id == alliance.id)
            .order_by(m.CommunicationPlanRow.id)
        )
    )


def unreached(
    *, session: Session, alliance: m.Alliance, today: date, thresholds: Thresholds | None = None
) -> list[str]:
    """The groups the plan must reach and does not yet (the same rule as the gate check)."""
    facts = load_facts(session, alliance)
    return unreached_audiences(facts, thresholds or get_thresholds(), today)


# --- the communications officer -------------------------------------------------------------


def officer(*, session: Session, alliance: m.Alliance, today: date) -> m.Member | None:
    return member_service.role_holders(session=session, alliance=alliance, today=today).get(
        Role.COMMUNICATIONS_OFFICER
    )


def set_officer(
    *, session: Session, alliance: m.Alliance, member_id: int | None, today: date
) -> None:
    """Hand the role to one member (or to nobody); the chair and secretary are left as they are."""
    holders = {Role.COMMUNICATIONS_OFFICER.value: member_id}
    member_service.assign_roles(session=session, alliance=alliance, holders=holders, today=today)


# --- publications -----------------------------------------------------------------------------


def publications(*, session: Session, alliance: m.Alliance) -> list[m.Publication]:
    """Everything the alliance made public, newest first."""
    return list(
        session.scalars(
            select(m.Publication)
            .where(m.Publication.alliance_id == alliance.id)
            .order_by(m.Publication.published_on.desc(), m.Publication.id.desc())
        )
    )


def _not_in_future(row: m.Publication, today: date) -> None:
    if row.published_on > today:
        raise InvalidInput([FieldProblem("published_on", _("cannot be in the future"))])


def _guard_profile_record(session: Session, alliance: m.Alliance, item_id: int) -> None:
    held = profile(session=session, alliance=alliance)
    if held is not None and held.publication_id == item_id:
        raise Conflict(
            _(
                "This is the record of the alliance's public profile: change the profile "
                "or unpublish it in the public profile section instead."
            )
        )


def record_publication(
    *, session: Session, alliance: m.Alliance, publication_in: dict[str, Any], today: date
) -> m.Publication:
    """A press article, a newsletter, a video, a post... with the address where it can be read."""
    data = {"published_on": today.isoformat(), **publication_in}
    row: Any = item_service.add_item(
        session=session, alliance=alliance, kind="publication", item_in=data, today=today
    )
    _not_in_future(row, today)
    return row


def edit_publication(
    *,
    session: Session,
    alliance: m.Alliance,
    item_id: int,
    changes: dict[str, Any],
    today: date,
) -> m.Publication:
    _guard_profile_record(session, alliance, item_id)
    row: Any = item_service.edit_item(
        session=session,
        alliance=alliance,
        kind="publication",
        item_id=item_id,
        changes=changes,
        today=today,
    )
    _not_in_future(row, today)
    return row


def remove_publication(*, session: Session, alliance: m.Alliance, item_id: int) -> None:
    _guard_profile_record(session, alliance, item_id)
    item_service.remove_item(
        session=session, alliance=alliance, kind="publication", item_id=item_id
    )


# --- the public profile -----------------------------------------------------------------------

#: The parts a coordinator may choose to show, in the order the public page shows them.
PROFILE_PARTS = ("vision", "partners", "action_plan", "publications")
INTRODUCTION_MAX = 2000


def profile(*, session: Session, alliance: m.Alliance) -> m.AllianceProfile | None:
    return session.get(m.AllianceProfile, alliance.id)


def public_path(alliance: m.Alliance) -> str:
    return f"/public/{alliance.slug}"


def public_address(alliance: m.Alliance, base_url: str) -> str:
    return base_url.rstrip("/") + public_path(alliance)


def chosen_parts(row: m.AllianceProfile | None) -> list[str]:
    if row is None:
        return []
    return [part for part in PROFILE_PARTS if getattr(row, f"show_{part}")]


def save_profile(
    *,
    session: Session,
    alliance: m.Alliance,
    introduction: str,
    parts: list[str],
    action: str,
    today: date,
    base_url: str,
) -> m.AllianceProfile:
    """Choose what the public profile shows; `action` "publish" puts it online (and records the
    publication the gate reads), "unpublish" takes it down, "save" keeps it as it is."""
    if action not in ("save", "publish", "unpublish"):
        raise InvalidInput([FieldProblem("action", _("unknown action"))])
    problems = []
    unknown = [p for p in parts if p not in PROFILE_PARTS]
    if unknown:
        problems.append(
            FieldProblem(
                "parts", _("must be one of: {expected}").format(expected=", ".join(PROFILE_PARTS))
            )
        )
    text = (introduction or "").strip()
    if len(text) > INTRODUCTION_MAX:
        problems.append(
            FieldProblem(
                "introduction",
                _("at most {max_length} characters").format(max_length=INTRODUCTION_MAX),
            )
        )
    if problems:
        raise InvalidInput(problems)
    row = profile(session=session, alliance=alliance)
    if row is None:
        row = m.AllianceProfile(alliance_id=alliance.id)
        session.add(row)
    row.introduction = text or None
    for part in PROFILE_PARTS:
        setattr(row, f"show_{part}", part in parts)
    online = row.published_on is not None
    if action == "unpublish":
        _take_down(session, row)
    elif action == "publish" or online:
        _check_publishable(session, alliance, row, today)
        if not online:
            record: Any = item_service.add_item(
                session=session,
                alliance=alliance,
                kind="publication",
                item_in={
                    "kind": PublicationKind.ALLIANCE_PROFILE.value,
                    "title": alliance.name,
                    "url": public_address(alliance, base_url),
                    "published_on": today.isoformat(),
                },
                today=today,
            )
            row.published_on = today
            row.publication_id = record.id
    session.flush()
    return row


def _take_down(session: Session, row: m.AllianceProfile) -> None:
    if row.publication_id is not None:
        record = session.get(m.Publication, row.publication_id)
        if record is not None:
            session.delete(record)
    row.publication_id = None
    row.published_on = None


def _check_publishable(
    session: Session, alliance: m.Alliance, row: m.AllianceProfile, today: date
) -> None:
    """A published profile shows something, and every part it shows has something in it."""
    parts = chosen_parts(row)
    if not parts and not row.introduction:
        raise InvalidInput(
            [
                FieldProblem(
                    "parts", _("choose at least one part to publish, or write an introduction")
                )
            ]
        )
    content = _content(session, alliance, today)
    empty = {
        "vision": (not content.vision, _("the alliance has no vision yet (planning page)")),
        "partners": (not content.partners, _("no active member represents an organisation yet")),
        "action_plan": (not content.actions, _("the action plan has no action yet")),
        "publications": (not content.publications, _("nothing has been published yet")),
    }
    problems = [FieldProblem("parts", empty[p][1]) for p in parts if empty[p][0]]
    if problems:
        raise InvalidInput(problems)


@dataclass(frozen=True)
class PublicAction:
    number: int | None
    action: str
    objective: str | None
    status: str
    starts_on: date | None
    ends_on: date | None


@dataclass(frozen=True)
class PublicPublication:
    kind: str
    title: str
    url: str | None
    published_on: date


@dataclass(frozen=True)
class PublicContent:
    """Everything that could be shown publicly: no person's name, e-mail or phone."""

    vision: str | None
    partners: list[str]
    actions: list[PublicAction]
    publications: list[PublicPublication]


def _content(session: Session, alliance: m.Alliance, today: date) -> PublicContent:
    members = session.scalars(select(m.Member).where(m.Member.alliance_id == alliance.id))
    partners = sorted(
        {mb.organisation.name for mb in members if mb.is_active(today) and mb.organisation},
        key=str.casefold,
    )
    actions = [
        PublicAction(a.number, a.action, a.objective, a.status, a.starts_on, a.ends_on)
        for a in session.scalars(
            select(m.ActionPlanItem)
            .where(m.ActionPlanItem.alliance_id == alliance.id)
            .order_by(m.ActionPlanItem.number, m.ActionPlanItem.id)
        )
        if a.status != ActionStatus.DROPPED
    ]
    shown = [
        PublicPublication(p.kind, p.title, p.url, p.published_on)
        for p in publications(session=session, alliance=alliance)
        if p.kind != PublicationKind.ALLIANCE_PROFILE and p.published_on <= today
    ]
    return PublicContent((alliance.vision or "").strip() or None, partners, actions, shown)


@dataclass(frozen=True)
class PublicProfile:
    """The public page of one alliance: only the parts chosen, only once published."""

    name: str
    region: str | None
    language: str
    published_on: date
    introduction: str | None
    parts: list[str]
    content: PublicContent


def public_profile(*, session: Session, slug: str, today: date) -> PublicProfile:
    """The published profile; NotFound when there is none (the same answer whether the
    alliance exists or not, so an unpublished alliance cannot be found this way)."""
    alliance = session.scalar(select(m.Alliance).where(m.Alliance.slug == slug))
    row = session.get(m.AllianceProfile, alliance.id) if alliance is not None else None
    if alliance is None or row is None or row.published_on is None:
        raise NotFound(_("There is no published profile at this address."))
    parts = chosen_parts(row)
    full = _content(session, alliance, today)
    content = PublicContent(
        full.vision if "vision" in parts else None,
        full.partners if "partners" in parts else [],
        full.actions if "action_plan" in parts else [],
        full.publications if "publications" in parts else [],
    )
    shown = PublicProfile(
        alliance.name,
        alliance.region,
        alliance.language,
        row.published_on,
        row.introduction,
        parts,
        content,
    )
    # a public page names nobody: typed text that names a person the alliance records, or an
    # e-mail address or phone number, reads "[withheld]" (withholding.py)
    with use_language(alliance.language):
        return people_of(session, [alliance.id]).deep(shown)
