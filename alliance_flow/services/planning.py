"""Stage 4 use cases: the shared vision, SMART actions, the charter's versions and signatures,
and the publication of the research and of the regional action plan. Callers own the
transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from alliance_flow import models as m
from alliance_flow.accounts.membership import current_charter
from alliance_flow.errors import Conflict, FieldProblem, InvalidInput
from alliance_flow.i18n import N_, _, use_language
from alliance_flow.services import alliances as alliance_service
from alliance_flow.services import documents
from alliance_flow.services import items as item_service
from alliance_flow.vocabulary import ActionStatus, PublicationKind

# --- the shared vision ---------------------------------------------------------------------------


def set_vision(
    *, session: Session, alliance: m.Alliance, vision: str, agreed_on: str, today: date
) -> m.Alliance:
    """Write the vision and, once the members agreed it, the day they did."""
    changes: dict[str, Any] = {"vision": vision, "vision_agreed_on": agreed_on}
    updated = alliance_service.update_alliance(session=session, ref=alliance.id, changes=changes)
    if updated.vision_agreed_on is not None and updated.vision_agreed_on > today:
        raise InvalidInput([FieldProblem("vision_agreed_on", _("cannot be in the future"))])
    if updated.vision_agreed_on is not None and not updated.vision:
        raise InvalidInput(
            [FieldProblem("vision", _("write the vision before recording when it was agreed"))]
        )
    return updated


# --- SMART actions -------------------------------------------------------------------------------

#: What a SMART action needs, by letter, and how its absence is said.
SMART_PARTS: tuple[tuple[str, str, str], ...] = (
    ("S", "objective", N_("no objective")),
    ("M", "indicator", N_("no indicator")),
    ("A", "owner", N_("no owner")),
    ("A", "estimated_budget", N_("no budget")),
    ("R", "local_problem", N_("no local problem addressed")),
    ("T", "starts_on", N_("no start date")),
    ("T", "ends_on", N_("no end date")),
)


@dataclass(frozen=True)
class SmartScore:
    """How complete one action is against SMART, and what is missing, in the reader's words."""

    present: int
    total: int
    missing: tuple[str, ...]

    @property
    def percent(self) -> int:
        return round(100 * self.present / self.total)

    @property
    def complete(self) -> bool:
        return self.present == self.total


def smart_score(action: m.ActionPlanItem) -> SmartScore:
    missing = []
    for _letter, name, absent in SMART_PARTS:
        if name == "owner":
            value: Any = action.owner_member_id or (action.responsible or "").strip()
        else:
            value = getattr(action, name)
        if value is None or (isinstance(value, str) and not value.strip()):
            missing.append(_(absent))
    total = len(SMART_PARTS)
    return SmartScore(total - len(missing), total, tuple(missing))


@dataclass(frozen=True)
class ActionRow:
    action: m.ActionPlanItem
    owner: m.Member | None
    smart: SmartScore


def action_plan(*, session: Session, alliance: m.Alliance) -> list[ActionRow]:
    """The action plan as the guide's table, each row with its SMART score."""
    members = {
        p.id: p
        for p in session.scalars(select(m.Member).where(m.Member.alliance_id == alliance.id))
    }
    rows = session.scalars(
        select(m.ActionPlanItem)
        .where(m.ActionPlanItem.alliance_id == alliance.id)
        .order_by(m.ActionPlanItem.number)
    )
    return [ActionRow(a, members.get(a.owner_member_id or 0), smart_score(a)) for a in rows]


# --- the charter of engagement -------------------------------------------------------------------


#: The guide's charter of engagement, line by line: the first draft of an alliance's charter.
GUIDE_CHARTER: tuple[str, ...] = (
    N_("As a member of this Regional Alliance, I commit to:"),
    N_("- attend the alliance's meetings, or send someone in my place;"),
    N_("- share information that helps the alliance's work;"),
    N_("- support the objectives of the alliance and its action plan;"),
    N_("- respect diversity and equality;"),
    N_("- declare any conflict of interest;"),
    N_("- communicate openly with the migrant community."),
)
#: A line an alliance may add to it (the demo's Bordeaux alliance does, in its second version).
CHARTER_CONFIDENTIALITY = N_(
    "- keep personal information about the people we support confidential, and share it only "
    "with their consent."
)


def guide_charter(language: str, *extra: str) -> str:
    """The guide's charter, and `extra` lines, in `language` (an alliance's working one)."""
    with use_language(language):
        return "\n".join(_(line) for line in (*GUIDE_CHARTER, *extra))


def publish_charter(
    *,
    session: Session,
    alliance: m.Alliance,
    text: str,
    today: date,
    draft_version: int | None = None,
) -> m.CharterVersion:
    """A new version, adopted today: every active member is asked to sign it (the reminders
    send the request), and the earlier signatures stay with the versions they signed.

    Publishing ends the draft. `draft_version` is the draft the editor opened: a draft saved
    by someone else since (or a draft the editor never saw) is refused, not thrown away."""
    clean = (text or "").strip()
    if not clean:
        raise InvalidInput([FieldProblem("text", _("required"))])
    draft = session.get(m.CharterDraft, alliance.id)
    if draft is not None and draft.version != draft_version:
        raise Conflict(item_service.changed_by_someone_else())
    current = current_charter(session=session, alliance=alliance)
    if current is not None and current.text.strip() == clean:
        raise InvalidInput(
            [
                FieldProblem(
                    "text",
                    _("this is the text of version {version}; change it before publishing").format(
                        version=current.version
                    ),
                )
            ]
        )
    row = item_service.add_item(
        session=session,
        alliance=alliance,
        kind="charter",
        item_in={"text": clean, "adopted_on": today.isoformat()},
        today=today,
    )
    if draft is not None:  # published: it is a version now, no longer a draft
        session.delete(draft)
    return row  # type: ignore[return-value]


def charter_draft(*, session: Session, alliance: m.Alliance) -> m.CharterDraft | None:
    """The text the coordinators are still writing, if any (never shown to members)."""
    return session.get(m.CharterDraft, alliance.id)


def save_charter_draft(
    *,
    session: Session,
    alliance: m.Alliance,
    text: str,
    actor: str,
    expected_version: int | None = None,
) -> m.CharterDraft:
    """Keep a charter text to publish later; nobody is asked to sign it and no check counts it.

    `expected_version` is the draft's version the editor opened: when another coordinator saved
    the draft since, the save is refused instead of overwriting their text."""
    clean = (text or "").strip()
    if not clean:
        raise InvalidInput([FieldProblem("text", _("required"))])
    draft = session.get(m.CharterDraft, alliance.id)
    if draft is None:
        if expected_version is not None:  # it was published or discarded meanwhile
            raise Conflict(item_service.changed_by_someone_else())
        draft = m.CharterDraft(alliance_id=alliance.id, text=clean, saved_by=actor)
        session.add(draft)
    else:
        if expected_version is not None and draft.version != expected_version:
            raise Conflict(item_service.changed_by_someone_else())
        draft.text = clean
        draft.saved_by = actor
        draft.saved_at = m.utcnow()
    session.flush()
    return draft


def discard_charter_draft(*, session: Session, alliance: m.Alliance) -> bool:
    """Throw the draft away; the published versions stay as they are. False when none."""
    draft = session.get(m.CharterDraft, alliance.id)
    if draft is None:
        return False
    session.delete(draft)
    return True


@dataclass(frozen=True)
class Signer:
    member: m.Member
    signed_on: date | None


@dataclass(frozen=True)
class VersionSignatures:
    version: m.CharterVersion
    #: who signed this version, and when (members who left since included)
    signed: list[Signer] = field(default_factory=list)
    #: active members who have not signed it (only meaningful for the current version)
    unsigned: list[m.Member] = field(default_factory=list)


def charter_overview(
    *, session: Session, alliance: m.Alliance, today: date
) -> list[VersionSignatures]:
    """Every version, newest first, with who signed it; for the current one, who has not yet."""
    members = list(
        session.scalars(
            select(m.Member).where(m.Member.alliance_id == alliance.id).order_by(m.Member.name)
        )
    )
    by_id = {p.id: p for p in members}
    versions = list(
        session.scalars(
            select(m.CharterVersion)
            .where(m.CharterVersion.alliance_id == alliance.id)
            .order_by(m.CharterVersion.version.desc())
        )
    )
    signatures: dict[int, list[Signer]] = {v.id: [] for v in versions}
    for sig in session.scalars(
        select(m.CharterSignature)
        .where(m.CharterSignature.charter_version_id.in_([v.id for v in versions]))
        .order_by(m.CharterSignature.signed_on, m.CharterSignature.id)
    ):
        signatures[sig.charter_version_id].append(Signer(by_id[sig.member_id], sig.signed_on))
    out = []
    for i, v in enumerate(versions):
        signed_ids = {s.member.id for s in signatures[v.id]}
        unsigned = (
            [p for p in members if p.is_active(today) and p.id not in signed_ids] if i == 0 else []
        )
        out.append(VersionSignatures(v, signatures[v.id], unsigned))
    return out


# --- publishing the research and the regional action plan --------------------------------------

PUBLISHABLE = (PublicationKind.RESEARCH, PublicationKind.ACTION_PLAN)


def publish(
    *,
    session: Session,
    alliance: m.Alliance,
    publication_in: dict[str, Any],
    today: date,
    signed: documents.Upload | None = None,
    by: str = "",
) -> m.Publication:
    """Record that the research or the (signed) regional action plan was published; the plan's
    signed copy may come with it as a file (it replaces an earlier one)."""
    kind = publication_in.get("kind")
    if kind not in PUBLISHABLE:
        raise InvalidInput(
            [
                FieldProblem(
                    "kind", _("must be one of: {expected}").format(expected="research, action_plan")
                )
            ]
        )
    data = {"published_on": today.isoformat(), **publication_in}
    row: Any = item_service.add_item(
        session=session, alliance=alliance, kind="publication", item_in=data, today=today
    )
    if row.published_on > today:
        raise InvalidInput([FieldProblem("published_on", _("cannot be in the future"))])
    if kind == PublicationKind.ACTION_PLAN:
        live = [
            a
            for a in session.scalars(
                select(m.ActionPlanItem).where(m.ActionPlanItem.alliance_id == alliance.id)
            )
            if a.status != ActionStatus.DROPPED
        ]
        if not live:
            raise Conflict(_("the action plan has no action yet: add the actions first"))
    if signed is not None:
        if kind != PublicationKind.ACTION_PLAN:
            raise InvalidInput(
                [FieldProblem("signed", _("a signed copy goes with the signed action plan only"))]
            )
        documents.store(
            session=session,
            alliance=alliance,
            purpose=documents.Purpose.SIGNED_ACTION_PLAN,
            field="signed",
            filename=signed.filename,
            content=signed.content,
            by=by,
        )
    return row


def publications(*, session: Session, alliance: m.Alliance) -> list[m.Publication]:
    return list(
        session.scalars(
            select(m.Publication)
            .where(
                m.Publication.alliance_id == alliance.id,
                m.Publication.kind.in_([k.value for k in PUBLISHABLE]),
            )
            .order_by(m.Publication.published_on.desc(), m.Publication.id.desc())
        )
    )
