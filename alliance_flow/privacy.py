"""A member's personal data under their control: consent per purpose, export, erasure, retention.

Callers own the transaction. Erasure pseudonymises the Member row rather than deleting it, so the
alliance's history and counts (attendance, signatures, actions, members who left) stay true; the
audit log records that an erasure happened, never what was erased, and forgets the erased values
it had recorded before.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from alliance_flow import models as m
from alliance_flow.accounts.models import User, UserAllianceRole
from alliance_flow.audit import erasing
from alliance_flow.errors import FieldProblem, InvalidInput
from alliance_flow.i18n import N_, _
from alliance_flow.plain import plain
from alliance_flow.safety import csv_writer

#: What a member may agree to, each on its own (GDPR art. 6-7: specific, freely given).
PURPOSES: dict[str, str] = {
    "contact": N_("Being contacted for the alliance's work (e-mail, phone, reminders)"),
    "funder_documents": N_("Appearing by name in documents shared with funders"),
    "public_profile": N_("A public profile on the alliance's pages and publications"),
}
#: The member's own details that erasure removes and retention ages out.
CONTACT_FIELDS = ("email", "phone", "preferred_channel")
PERSONAL_FIELDS = ("name", *CONTACT_FIELDS, "authority_granted_by")
ERASED = "(erased)"


@dataclass(frozen=True)
class Consent:
    purpose: str
    granted: bool | None  # None: never asked
    recorded_at: datetime | None
    recorded_by: str | None


def consents(*, session: Session, member: m.Member) -> list[Consent]:
    """Every purpose, with what the member said (or None when never asked)."""
    rows = {
        c.purpose: c
        for c in session.scalars(
            select(m.MemberConsent).where(m.MemberConsent.member_id == member.id)
        )
    }
    out = []
    for purpose in PURPOSES:
        row = rows.get(purpose)
        out.append(
            Consent(
                purpose,
                row.granted if row else None,
                row.recorded_at if row else None,
                row.recorded_by if row else None,
            )
        )
    return out


def set_consents(
    *,
    session: Session,
    member: m.Member,
    granted: dict[str, bool],
    actor: str,
    now: datetime | None = None,
) -> list[Consent]:
    """Record what the member agrees to now; purposes not given keep their answer."""
    unknown = [p for p in granted if p not in PURPOSES]
    if unknown:
        raise InvalidInput([FieldProblem(p, _("unknown purpose")) for p in unknown])
    when = now or datetime.now(UTC)
    for purpose, value in granted.items():
        row = session.get(m.MemberConsent, (member.id, purpose))
        if row is None:
            session.add(
                m.MemberConsent(
                    member_id=member.id,
                    purpose=purpose,
                    granted=bool(value),
                    recorded_at=when,
                    recorded_by=actor,
                )
            )
        elif row.granted != bool(value):
            row.granted, row.recorded_at, row.recorded_by = bool(value), when, actor
    session.flush()
    return consents(session=session, member=member)


def withdrew(*, session: Session, member_ids: list[int], purpose: str) -> set[int]:
    """The members who said no to a purpose (never asked counts as not refused)."""
    if not member_ids:
        return set()
    return set(
        session.scalars(
            select(m.MemberConsent.member_id).where(
                m.MemberConsent.member_id.in_(member_ids),
                m.MemberConsent.purpose == purpose,
                m.MemberConsent.granted.is_(False),
            )
        )
    )


# --- export ---------------------------------------------------------------------------------------


def export_member(*, session: Session, member: m.Member) -> dict[str, Any]:
    """Everything the alliance holds about one member, as JSON-ready data (GDPR art. 15 and 20)."""
    alliance = session.get(m.Alliance, member.alliance_id)
    assert alliance is not None
    fields = {c.key: plain(getattr(member, c.key)) for c in m.Member.__table__.columns}
    signatures = session.execute(
        select(m.CharterVersion.version, m.CharterSignature.signed_on)
        .join(m.CharterVersion, m.CharterVersion.id == m.CharterSignature.charter_version_id)
        .where(m.CharterSignature.member_id == member.id)
        .order_by(m.CharterVersion.version)
    ).all()
    attendance = session.execute(
        select(m.Meeting.title, m.Meeting.kind, m.Meeting.starts_at, m.Attendance.present)
        .join(m.Meeting, m.Meeting.id == m.Attendance.meeting_id)
        .where(m.Attendance.member_id == member.id)
        .order_by(m.Meeting.starts_at)
    ).all()
    actions = session.scalars(
        select(m.ActionPlanItem)
        .where(m.ActionPlanItem.owner_member_id == member.id)
        .order_by(m.ActionPlanItem.number)
    ).all()
    minutes_actions = session.scalars(
        select(m.MeetingAction)
        .where(m.MeetingAction.owner_member_id == member.id)
        .order_by(m.MeetingAction.id)
    ).all()
    accounts = session.scalars(
        select(User.login)
        .join(UserAllianceRole, UserAllianceRole.user_id == User.id)
        .where(UserAllianceRole.member_id == member.id)
    ).all()
    return {
        "exported_at": datetime.now(UTC).isoformat(),
        "alliance": {"slug": alliance.slug, "name": alliance.name},
        "member": {
            **fields,
            "organisation": member.organisation.name if member.organisation else None,
            "roles": member.roles,
        },
        "consents": [
            {
                "purpose": c.purpose,
                "granted": c.granted,
                "recorded_at": plain(c.recorded_at),
                "recorded_by": c.recorded_by,
            }
            for c in consents(session=session, member=member)
        ],
        "charter_signatures": [{"version": v, "signed_on": plain(d)} for v, d in signatures],
        "attendance": [
            {"meeting": t or k, "starts_at": plain(at), "present": p} for t, k, at, p in attendance
        ],
        "actions": [
            {
                "number": a.number,
                "action": a.action,
                "status": a.status,
                "starts_on": plain(a.starts_on),
                "ends_on": plain(a.ends_on),
            }
            for a in actions
        ],
        "minutes_actions": [
            {"description": a.description, "due_on": plain(a.due_on), "done_on": plain(a.done_on)}
            for a in minutes_actions
        ],
        "accounts": list(accounts),
    }


def export_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


def export_csv(data: dict[str, Any]) -> bytes:
    """The same export as rows of section, item, field, value (cells safe for spreadsheets)."""
    buf = io.StringIO()
    writer = csv_writer(buf)
    writer.writerow(["section", "item", "field", "value"])
    for section, content in data.items():
        if isinstance(content, dict):
            for key, value in content.items():
                writer.writerow([section, "", key, _flat(value)])
        elif isinstance(content, list):
            for number, entry in enumerate(content, start=1):
                if isinstance(entry, dict):
                    for key, value in entry.items():
                        writer.writerow([section, number, key, _flat(value)])
                else:
                    writer.writerow([section, number, "", _flat(entry)])
        else:
            writer.writerow([section, "", "", _flat(content)])
    return buf.getvalue().encode("utf-8-sig")


def _flat(value: Any) -> Any:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return value


# --- erasure and retention -------------------------------------------------------------------


def erased_name(member_id: int) -> str:
    return f"Erased member #{member_id}"


def erase_member(*, session: Session, member: m.Member) -> None:
    """Pseudonymise a member (GDPR art. 17): their row stays, so counts and history hold.

    Their name, contact details and consents go; free text that named them exactly (a
    'responsible' of the action plan) is pseudonymised too; accounts are unlinked.
    """
    old_name = member.name
    with erasing():
        member.name = erased_name(member.id)
        for key in (*CONTACT_FIELDS, "authority_granted_by"):
            setattr(member, key, None)
        for row in session.scalars(
            select(m.MemberConsent).where(m.MemberConsent.member_id == member.id)
        ):
            session.delete(row)
        for item in session.scalars(
            select(m.ActionPlanItem).where(
                m.ActionPlanItem.alliance_id == member.alliance_id,
                m.ActionPlanItem.responsible == old_name,
            )
        ):
            item.responsible = member.name
        session.execute(
            update(UserAllianceRole)
            .where(UserAllianceRole.member_id == member.id)
            .values(member_id=None)
        )
        session.flush()
    _forget_in_audit_log(session, member.id, PERSONAL_FIELDS)


def _forget_in_audit_log(session: Session, member_id: int, fields: tuple[str, ...]) -> None:
    """Earlier audit rows of this member keep what happened, not the values that identify them."""
    for event in session.scalars(
        select(m.AuditEvent).where(
            m.AuditEvent.table_name == "members", m.AuditEvent.row_key == str(member_id)
        )
    ):
        changes = dict(event.changes or {})
        known = [k for k in fields if changes.get(k) not in (None, ERASED)]
        if known:
            changes.update(dict.fromkeys(known, ERASED))
            session.execute(
                update(m.AuditEvent).where(m.AuditEvent.id == event.id).values(changes=changes)
            )


def apply_retention(*, session: Session, today: date, days: int) -> int:
    """Erase the contact details of members who left more than `days` days ago; how many."""
    cutoff = today - timedelta(days=days)
    members = session.scalars(
        select(m.Member).where(m.Member.left_on.is_not(None), m.Member.left_on <= cutoff)
    ).all()
    count = 0
    with erasing():
        for member in members:
            if any(getattr(member, key) for key in CONTACT_FIELDS):
                for key in CONTACT_FIELDS:
                    setattr(member, key, None)
                count += 1
        session.flush()
    for member in members:
        _forget_in_audit_log(session, member.id, CONTACT_FIELDS)
    return count
