"""Adding, editing, listing and removing what an alliance records, one kind of item at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alliance_flow import models as m
from alliance_flow import schemas as s
from alliance_flow.errors import Conflict, FieldProblem, InvalidInput, NotFound
from alliance_flow.i18n import N_, _, ngettext
from alliance_flow.stages.launch import ROLE_NAMES
from alliance_flow.vocabulary import Role


@dataclass(frozen=True)
class ItemKind:
    name: str
    label: str
    model: type[m.Base]
    schema: type[s.Input]
    #: "alliance" rows carry alliance_id; "meeting" rows hang off a meeting of the alliance;
    #: "single" is one row per alliance keyed by alliance_id.
    parent: str
    columns: tuple[str, ...]


KINDS: dict[str, ItemKind] = {
    k.name: k
    for k in (
        ItemKind(
            "organisation",
            N_("Organisations (stakeholder table)"),
            m.Organisation,
            s.OrganisationIn,
            "alliance",
            ("id", "name", "group", "sectors", "influence", "website", "email", "phone"),
        ),
        ItemKind(
            "member",
            N_("Members and candidate representatives"),
            m.Member,
            s.MemberIn,
            "alliance",
            (
                "id",
                "name",
                "organisation_id",
                "roles",
                "email",
                "joined_on",
                "left_on",
                "has_authority",
                "participation_level",
            ),
        ),
        ItemKind(
            "briefing",
            N_("Briefing document"),
            m.Briefing,
            s.BriefingIn,
            "single",
            ("why", "regional_situation", "why_mediation", "reasons", "expected_commitment"),
        ),
        ItemKind(
            "meeting",
            N_("Meetings"),
            m.Meeting,
            s.MeetingIn,
            "alliance",
            ("id", "kind", "title", "starts_at", "timezone", "place", "status"),
        ),
        ItemKind(
            "agenda",
            N_("Agenda items"),
            m.AgendaItem,
            s.AgendaItemIn,
            "meeting",
            ("id", "meeting_id", "position", "time", "item", "moderator"),
        ),
        ItemKind(
            "attendance",
            N_("Attendance"),
            m.Attendance,
            s.AttendanceIn,
            "meeting",
            ("id", "meeting_id", "member_id", "present"),
        ),
        ItemKind(
            "minutes-action",
            N_("Actions agreed in minutes"),
            m.MeetingAction,
            s.MeetingActionIn,
            "meeting",
            ("id", "meeting_id", "description", "owner_member_id", "due_on", "done_on"),
        ),
        ItemKind(
            "sector-profile",
            N_("Sector profiles"),
            m.SectorProfile,
            s.SectorProfileIn,
            "alliance",
            ("id", "programme", "initiators", "kind", "cost"),
        ),
        ItemKind(
            "research",
            N_("Secondary research"),
            m.ResearchSource,
            s.ResearchSourceIn,
            "alliance",
            ("id", "title", "kind", "url"),
        ),
        ItemKind(
            "consultation",
            N_("Consultations"),
            m.Consultation,
            s.ConsultationIn,
            "alliance",
            ("id", "interviewee", "organisation", "held_on"),
        ),
        ItemKind(
            "gap",
            N_("Gaps"),
            m.Gap,
            s.GapIn,
            "alliance",
            ("id", "description", "identified_on", "source"),
        ),
        ItemKind(
            "action",
            N_("Action plan"),
            m.ActionPlanItem,
            s.ActionPlanItemIn,
            "alliance",
            (
                "id",
                "number",
                "action",
                "owner_member_id",
                "starts_on",
                "ends_on",
                "estimated_budget",
                "status",
                "completed_on",
            ),
        ),
        ItemKind(
            "charter",
            N_("Charter versions"),
            m.CharterVersion,
            s.CharterVersionIn,
            "alliance",
            ("id", "version", "adopted_on", "text"),
        ),
        ItemKind(
            "signature",
            N_("Charter signatures"),
            m.CharterSignature,
            s.CharterSignatureIn,
            "charter",
            ("id", "charter_version_id", "member_id", "signed_on"),
        ),
        ItemKind(
            "communication",
            N_("Communication plan"),
            m.CommunicationPlanRow,
            s.CommunicationPlanRowIn,
            "alliance",
            ("id", "audience", "stakeholder", "message", "delivery", "frequency", "responsible"),
        ),
        ItemKind(
            "publication",
            N_("Publications"),
            m.Publication,
            s.PublicationIn,
            "alliance",
            ("id", "kind", "title", "url", "published_on"),
        ),
        ItemKind(
            "evaluation",
            N_("Evaluations"),
            m.Evaluation,
            s.EvaluationIn,
            "alliance",
            ("id", "kind", "held_on", "evaluator", "findings"),
        ),
        ItemKind(
            "sustainability",
            N_("Sustainability plan"),
            m.SustainabilityPlan,
            s.SustainabilityPlanIn,
            "single",
            ("summary", "continuation", "dated_on", "decision", "decided_on"),
        ),
    )
}

#: Reference fields and the kind of item they must point at, inside the same alliance.
REFERENCES: dict[str, type[m.Base]] = {
    "organisation_id": m.Organisation,
    "member_id": m.Member,
    "owner_member_id": m.Member,
    "meeting_id": m.Meeting,
    "charter_version_id": m.CharterVersion,
}


def kind_of(name: str) -> ItemKind:
    try:
        return KINDS[name]
    except KeyError:
        raise InvalidInput(
            [
                FieldProblem(
                    "kind",
                    _("unknown kind '{name}'; use one of: {kinds}").format(
                        name=name, kinds=", ".join(KINDS)
                    ),
                )
            ]
        ) from None


def _alliance_of(session: Session, row: m.Base) -> int | None:
    if hasattr(row, "alliance_id"):
        return row.alliance_id
    if hasattr(row, "meeting_id"):
        meeting = session.get(m.Meeting, row.meeting_id)
        return meeting.alliance_id if meeting else None
    if hasattr(row, "charter_version_id"):
        version = session.get(m.CharterVersion, row.charter_version_id)
        return version.alliance_id if version else None
    return None


def _check_references(session: Session, alliance: m.Alliance, data: dict[str, Any]) -> None:
    problems = []
    for field, model in REFERENCES.items():
        value = data.get(field)
        if value is None:
            continue
        row = session.get(model, value)
        if row is None or _alliance_of(session, row) != alliance.id:
            problems.append(
                FieldProblem(
                    field, f"no {model.__tablename__[:-1]} with id {value} in this alliance"
                )
            )
    if problems:
        raise InvalidInput(problems)


def _row_to_input(kind: ItemKind, row: m.Base) -> dict[str, Any]:
    return {f: getattr(row, f) for f in kind.schema.model_fields if hasattr(row, f)}


def get_item(*, session: Session, alliance: m.Alliance, kind: str, item_id: int | None) -> m.Base:
    k = kind_of(kind)
    if k.parent == "single":
        row = session.get(k.model, alliance.id)
    else:
        row = session.get(k.model, item_id) if item_id is not None else None
        if row is not None and _alliance_of(session, row) != alliance.id:
            row = None
    if row is None:
        if k.parent == "single":
            raise NotFound(
                _("{what}: nothing recorded yet in '{slug}'").format(
                    what=_(k.label), slug=alliance.slug
                )
            )
        raise NotFound(
            _("Nothing numbered {id} of this kind in the alliance '{slug}'.").format(
                id=item_id, slug=alliance.slug
            )
        )
    return row


def list_items(*, session: Session, alliance: m.Alliance, kind: str) -> list[m.Base]:
    k = kind_of(kind)
    model: Any = k.model
    if k.parent == "single":
        row = session.get(model, alliance.id)
        return [row] if row else []
    if k.parent == "alliance":
        query = select(model).where(model.alliance_id == alliance.id)
    elif k.parent == "meeting":
        query = (
            select(model)
            .join(m.Meeting, m.Meeting.id == model.meeting_id)
            .where(m.Meeting.alliance_id == alliance.id)
        )
    else:
        query = (
            select(model)
            .join(m.CharterVersion, m.CharterVersion.id == model.charter_version_id)
            .where(m.CharterVersion.alliance_id == alliance.id)
        )
    return list(session.scalars(query.order_by(model.id)))


def _apply(
    session: Session,
    alliance: m.Alliance,
    kind: ItemKind,
    row: Any,
    data: dict[str, Any],
    today: date,
) -> None:
    """Copy validated data onto a row, with the few rules that span more than one field."""
    data = dict(data)
    if kind.model is m.Organisation:
        sectors = data.pop("sectors")
        row.sector_rows = [m.OrganisationSector(sector=sec) for sec in dict.fromkeys(sectors)]
    if kind.model is m.Member:
        roles = list(dict.fromkeys(data.pop("roles")))
        _check_role_holders(session, alliance, row, roles, data, today)
        row.role_rows = [m.MemberRole(role=r) for r in roles]
    if kind.model is m.Meeting:
        tz = data.get("timezone") or getattr(row, "timezone", None) or alliance.timezone
        data["timezone"] = tz
        starts: datetime = data["starts_at"]
        if starts.tzinfo is None:  # a wall-clock time in the meeting's own time zone
            data["starts_at"] = local_instant(starts, tz)
    if kind.model is m.ActionPlanItem:
        if data["status"] == "done" and data.get("completed_on") is None:
            data["completed_on"] = getattr(row, "completed_on", None) or today
        if data["completed_on"] is not None and data["completed_on"] > today:
            raise InvalidInput([FieldProblem("completed_on", _("cannot be in the future"))])
    for key, value in data.items():
        setattr(row, key, value)


def local_instant(wall: datetime, timezone: str, field: str = "starts_at") -> datetime:
    """A wall-clock time in a time zone, refused when the clocks skip it (spring forward)."""
    zone = ZoneInfo(timezone)
    aware = wall.replace(tzinfo=zone)
    back = aware.astimezone(UTC).astimezone(zone)
    if back.replace(tzinfo=None) != wall.replace(tzinfo=None):
        raise InvalidInput(
            [
                FieldProblem(
                    field,
                    _(
                        "{time} does not exist in {zone}: the clocks go forward that night. "
                        "Choose another time, for example {later}."
                    ).format(
                        time=wall.strftime("%Y-%m-%d %H:%M"),
                        zone=timezone,
                        later=back.strftime("%H:%M"),
                    ),
                )
            ]
        )
    return aware


def _check_role_holders(
    session: Session,
    alliance: m.Alliance,
    row: m.Base,
    roles: list[str],
    data: dict[str, Any],
    today: date,
) -> None:
    """A role has one active holder at a time; hand it over explicitly."""
    if not roles:
        return
    others = session.scalars(
        select(m.Member).where(
            m.Member.alliance_id == alliance.id, m.Member.id != getattr(row, "id", None)
        )
    )
    for other in others:
        if not other.is_active(today):
            continue
        clash = set(other.roles) & set(roles)
        for role in clash:
            raise Conflict(
                _("{name} is already {role}; remove the role from {name} first").format(
                    name=other.name, role=_(ROLE_NAMES[Role(role)])
                )
            )


def add_item(
    *, session: Session, alliance: m.Alliance, kind: str, item_in: dict[str, Any], today: date
) -> m.Base:
    k = kind_of(kind)
    if k.parent == "single":
        existing = session.get(k.model, alliance.id)
        if existing is not None:
            return edit_item(
                session=session,
                alliance=alliance,
                kind=kind,
                item_id=None,
                changes=item_in,
                today=today,
            )
    data = s.validate(k.schema, item_in).model_dump()
    _check_references(session, alliance, data)
    _fill_numbers(session, alliance, k, data)
    row: Any = k.model()
    if hasattr(k.model, "alliance_id"):
        row.alliance_id = alliance.id
    _apply(session, alliance, k, row, data, today)
    session.add(row)
    _flush(session, k)
    return row


def edit_item(
    *,
    session: Session,
    alliance: m.Alliance,
    kind: str,
    item_id: int | None,
    changes: dict[str, Any],
    today: date,
    expected_version: int | None = None,
) -> m.Base:
    """Validate the whole item as it would be after the change, so cross-field rules hold.

    `expected_version` is the version the editor's form was opened at: when someone saved the
    item since, the change is refused (Conflict) instead of silently undoing theirs.
    """
    k = kind_of(kind)
    row: Any = get_item(session=session, alliance=alliance, kind=kind, item_id=item_id)
    if (
        expected_version is not None
        and getattr(row, "version", expected_version) != expected_version
    ):
        raise Conflict(changed_by_someone_else())
    unknown = [f for f in changes if f not in k.schema.model_fields]
    if unknown:
        raise InvalidInput([FieldProblem(f, _("unknown field")) for f in unknown])
    current = _row_to_input(k, row)
    before = (row.starts_at, row.timezone, row.place, row.status) if k.model is m.Meeting else None
    if k.model is m.Organisation:
        current["sectors"] = row.sectors
    if k.model is m.Member:
        current["roles"] = row.roles
    data = s.validate(k.schema, {**current, **changes}).model_dump()
    _check_references(session, alliance, data)
    _fill_numbers(session, alliance, k, data, row)
    _apply(session, alliance, k, row, data, today)
    _flush(session, k)
    if before is not None:
        from alliance_flow.services import meetings  # meetings builds on these items

        meetings.after_change(
            session=session, alliance=alliance, meeting=row, before=before, today=today
        )
    return row


def changed_by_someone_else() -> str:
    return _(
        "Someone else saved this since you opened it. Your changes are still in the form: "
        "check them against what is saved now, then save again."
    )


#: Rows the database would delete or unlink along with an item (ON DELETE CASCADE / SET NULL),
#: done here through the ORM instead, so the audit log records each of them.
DEPENDENTS: dict[type[m.Base], tuple[tuple[type[m.Base], str, str], ...]] = {
    m.Meeting: (
        (m.AgendaItem, "meeting_id", "delete"),
        (m.Attendance, "meeting_id", "delete"),
        (m.MeetingAction, "meeting_id", "delete"),
    ),
    m.CharterVersion: ((m.CharterSignature, "charter_version_id", "delete"),),
    m.Member: (
        (m.ActionPlanItem, "owner_member_id", "unlink"),
        (m.MeetingAction, "owner_member_id", "unlink"),
    ),
}


def _remove_dependents(session: Session, row: Any) -> None:
    for model, column, how in DEPENDENTS.get(type(row), ()):
        model_any: Any = model
        for child in session.scalars(select(model).where(getattr(model_any, column) == row.id)):
            if how == "delete":
                session.delete(child)
            else:
                setattr(child, column, None)
    session.flush()


def remove_item(*, session: Session, alliance: m.Alliance, kind: str, item_id: int | None) -> None:
    k = kind_of(kind)
    row: Any = get_item(session=session, alliance=alliance, kind=kind, item_id=item_id)
    if k.model is m.Organisation:
        n = session.scalar(
            select(func.count()).select_from(m.Member).where(m.Member.organisation_id == row.id)
        )
        if n:
            raise Conflict(
                ngettext(
                    "{count} member represents this organisation; remove them or attach them "
                    "to another organisation first",
                    "{count} members represent this organisation; remove them or attach them "
                    "to another organisation first",
                    n,
                ).format(count=n)
            )
    if k.model is m.Member:
        mid = row.id
        signed = session.scalar(
            select(func.count())
            .select_from(m.CharterSignature)
            .where(m.CharterSignature.member_id == mid)
        )
        attended = session.scalar(
            select(func.count()).select_from(m.Attendance).where(m.Attendance.member_id == mid)
        )
        if signed or attended:
            raise Conflict(
                _(
                    "this member has signed the charter or attended meetings; to keep that "
                    "history, record the date they left instead of removing them"
                )
            )
    _remove_dependents(session, row)
    session.delete(row)
    session.flush()


def _fill_numbers(
    session: Session,
    alliance: m.Alliance,
    k: ItemKind,
    data: dict[str, Any],
    row: Any = None,
) -> None:
    """Action numbers and charter versions follow on from the last one when not given."""
    field = {m.ActionPlanItem: "number", m.CharterVersion: "version"}.get(k.model)
    if field is None:
        return
    model: Any = k.model
    column = getattr(model, field)
    if data.get(field) is None:
        if row is not None:
            data[field] = getattr(row, field)
        else:
            last = session.scalar(select(func.max(column)).where(model.alliance_id == alliance.id))
            data[field] = (last or 0) + 1
    clash = session.scalars(
        select(model.id).where(model.alliance_id == alliance.id, column == data[field])
    ).first()
    if clash is not None and (row is None or clash != row.id):
        if field == "number":
            raise Conflict(
                _("action number {number} is already used in this action plan").format(
                    number=data[field]
                )
            )
        raise Conflict(_("charter version {version} already exists").format(version=data[field]))


def _flush(session: Session, k: ItemKind) -> None:
    from sqlalchemy.exc import IntegrityError

    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        if k.model is m.Organisation:
            raise Conflict(
                _("an organisation with this name already exists in this alliance")
            ) from None
        if k.model is m.Attendance:
            raise Conflict(
                _("attendance for this member at this meeting is already recorded; edit it instead")
            ) from None
        if k.model is m.CharterSignature:
            raise Conflict(_("this member has already signed this charter version")) from None
        raise Conflict(_("this entry clashes with one already recorded")) from None


def as_row(kind: str, item: m.Base) -> dict[str, Any]:
    """An item as plain values, for tables and JSON."""
    k = kind_of(kind)
    out: dict[str, Any] = {}
    for col in k.columns:
        out[col] = getattr(item, col, None)
    if k.model is m.Meeting:
        meeting: Any = item
        out["starts_at"] = meeting.starts_at.astimezone(ZoneInfo(meeting.timezone))
    return out


def sign_charter(
    *,
    session: Session,
    alliance: m.Alliance,
    member_id: int,
    today: date,
    version: int | None = None,
    signed_on: date | None = None,
) -> m.CharterSignature:
    """A member signs the current charter version (or a given one)."""
    query = select(m.CharterVersion).where(m.CharterVersion.alliance_id == alliance.id)
    query = (
        query.where(m.CharterVersion.version == version)
        if version is not None
        else query.order_by(m.CharterVersion.version.desc())
    )
    charter = session.scalars(query.limit(1)).first()
    if charter is None:
        raise NotFound(
            "no charter version to sign"
            + (f" (v{version})" if version else "")
            + "; add one with `add ALLIANCE charter text=...`"
        )
    row = add_item(
        session=session,
        alliance=alliance,
        kind="signature",
        item_in={
            "member_id": member_id,
            "charter_version_id": charter.id,
            "signed_on": signed_on or today,
        },
        today=today,
    )
    return row  # type: ignore[return-value]
