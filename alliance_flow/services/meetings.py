"""Meetings from invitation to actions: agenda from the guide's template, invitations through the
reminders outbox, attendance, minutes per agenda item, action items, and what a move tells the
invited. Callers own the transaction: a use case is one `with db.transaction()`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from alliance_flow import models as m
from alliance_flow.errors import Conflict, FieldProblem, InvalidInput, NotFound
from alliance_flow.i18n import N_, _, use_language
from alliance_flow.privacy import withdrew
from alliance_flow.reminders import models as rm
from alliance_flow.reminders import reasons
from alliance_flow.reminders.config import ReminderSettings, get_reminder_settings
from alliance_flow.reminders.due import MEMBERS, audience, member
from alliance_flow.safety import parse_id
from alliance_flow.schemas import AgendaItemIn, validate
from alliance_flow.services import items as item_service
from alliance_flow.vocabulary import MeetingKind, MeetingStatus

#: Outbox kinds this module records; their subject is "meeting:<id>@<local start>".
INVITATION = "meeting_invitation"
MOVED = "meeting_moved"

#: The guide's agenda template (annex "Exemple de programme de réunion"): item, minutes.
STANDARD_AGENDA: tuple[tuple[str, int], ...] = (
    (N_("Welcome and introductions"), 15),
    (N_("Minutes of the previous meeting"), 10),
    (N_("Updates on the project's activities since the last meeting"), 20),
    (N_("Communication, events, networking"), 15),
    (N_("Knowledge sharing"), 15),
    (N_("Feedback on training"), 10),
    (N_("Feedback on the action plan"), 15),
    (N_("Other business"), 10),
    (N_("Date, time and place of the next meeting"), 5),
    (N_("Close and thanks"), 5),
)

#: The initiation workshop follows the guide's invitation programme and stage 2's agenda.
WORKSHOP_AGENDA: tuple[tuple[str, int], ...] = (
    (N_("Welcome to new members"), 15),
    (N_("Objectives of the regional alliance"), 15),
    (N_("The region the alliance covers"), 15),
    (N_("Who else must be involved"), 15),
    (N_("Foresight: actions for the regional action plan"), 30),
    (N_("Rules and roles: chair, secretary, accountability"), 15),
    (N_("Date of the next meeting"), 5),
    (N_("Other business"), 10),
)

KIND_NAMES = {
    MeetingKind.INITIATION_WORKSHOP: N_("Initiation workshop"),
    MeetingKind.PLENARY: N_("Plenary meeting"),
    MeetingKind.WORKSHOP: N_("Working group"),
}


def meeting_name(meeting: m.Meeting) -> str:
    """Its title, or what kind of meeting it is, in the current language."""
    return meeting.title or _(KIND_NAMES.get(MeetingKind(meeting.kind), meeting.kind))


def local_start(meeting: m.Meeting) -> datetime:
    return meeting.starts_at.astimezone(ZoneInfo(meeting.timezone))


def subject_of(meeting: m.Meeting) -> str:
    return f"meeting:{meeting.id}@{local_start(meeting).strftime('%Y-%m-%dT%H:%M')}"


# --- reading ------------------------------------------------------------------------------------


def get_meeting(*, session: Session, alliance: m.Alliance, meeting_id: int) -> m.Meeting:
    row = session.get(m.Meeting, meeting_id)
    if row is None or row.alliance_id != alliance.id:
        raise NotFound(
            _("No meeting {id} in the alliance '{slug}'.").format(id=meeting_id, slug=alliance.slug)
        )
    return row


def list_meetings(*, session: Session, alliance: m.Alliance) -> list[m.Meeting]:
    return list(
        session.scalars(
            select(m.Meeting)
            .where(m.Meeting.alliance_id == alliance.id)
            .order_by(m.Meeting.starts_at, m.Meeting.id)
        )
    )


def agenda_of(*, session: Session, meeting: m.Meeting) -> list[m.AgendaItem]:
    return list(
        session.scalars(
            select(m.AgendaItem)
            .where(m.AgendaItem.meeting_id == meeting.id)
            .order_by(m.AgendaItem.position, m.AgendaItem.id)
        )
    )


@dataclass(frozen=True)
class AttendanceRow:
    member: m.Member
    #: True present, False absent, None not recorded
    present: bool | None


@dataclass(frozen=True)
class ActionRow:
    action: m.MeetingAction
    owner: m.Member | None


@dataclass
class MeetingView:
    """Everything the meeting page shows."""

    meeting: m.Meeting
    agenda: list[m.AgendaItem]
    attendance: list[AttendanceRow]
    actions: list[ActionRow]
    invited: int = 0
    invited_on: date | None = None
    #: members, candidates included, who may be invited or recorded present
    people: list[m.Member] = field(default_factory=list)

    @property
    def present(self) -> list[m.Member]:
        return [r.member for r in self.attendance if r.present]

    @property
    def absent(self) -> list[m.Member]:
        return [r.member for r in self.attendance if r.present is False]


def meeting_view(
    *, session: Session, alliance: m.Alliance, meeting_id: int, today: date
) -> MeetingView:
    meeting = get_meeting(session=session, alliance=alliance, meeting_id=meeting_id)
    day = local_start(meeting).date()
    people = [
        mb
        for mb in session.scalars(
            select(m.Member).where(m.Member.alliance_id == alliance.id).order_by(m.Member.name)
        )
        if mb.left_on is None or mb.left_on > day
    ]
    recorded = {
        a.member_id: a.present
        for a in session.scalars(select(m.Attendance).where(m.Attendance.meeting_id == meeting.id))
    }
    listed = {mb.id for mb in people}
    # someone recorded present who has left since stays on the list: the record is history
    for mid in recorded:
        if mid not in listed:
            gone = session.get(m.Member, mid)
            if gone is not None:
                people.append(gone)
    by_id = {mb.id: mb for mb in people}
    actions = [
        ActionRow(a, by_id.get(a.owner_member_id) if a.owner_member_id else None)
        for a in session.scalars(
            select(m.MeetingAction)
            .where(m.MeetingAction.meeting_id == meeting.id)
            .order_by(m.MeetingAction.id)
        )
    ]
    invitations = list(
        session.scalars(
            select(rm.OutboxMessage.created_at).where(
                rm.OutboxMessage.alliance_id == alliance.id,
                rm.OutboxMessage.kind == INVITATION,
                rm.OutboxMessage.subject == subject_of(meeting),
            )
        )
    )
    return MeetingView(
        meeting=meeting,
        agenda=agenda_of(session=session, meeting=meeting),
        attendance=[AttendanceRow(mb, recorded.get(mb.id)) for mb in people],
        actions=actions,
        invited=len(invitations),
        invited_on=max(invitations).date() if invitations else None,
        people=people,
    )


# --- creating and changing a meeting ------------------------------------------------------------


def add_meeting(
    *, session: Session, alliance: m.Alliance, meeting_in: dict[str, Any], today: date
) -> m.Meeting:
    row: Any = item_service.add_item(
        session=session, alliance=alliance, kind="meeting", item_in=meeting_in, today=today
    )
    return row


def change_meeting(
    *,
    session: Session,
    alliance: m.Alliance,
    meeting_id: int,
    changes: dict[str, Any],
    today: date,
) -> m.Meeting:
    """Edit date, time, place or status; a move is announced by `after_change`."""
    get_meeting(session=session, alliance=alliance, meeting_id=meeting_id)
    row: Any = item_service.edit_item(
        session=session,
        alliance=alliance,
        kind="meeting",
        item_id=meeting_id,
        changes=changes,
        today=today,
    )
    return row


def after_change(
    *,
    session: Session,
    alliance: m.Alliance,
    meeting: m.Meeting,
    before: tuple[datetime, str, str | None, str],
    today: date,
    settings: ReminderSettings | None = None,
) -> None:
    """In the transaction that moved or cancelled a meeting: what was pending for the old date
    is cancelled, calendars are told (SEQUENCE), and the invited get a "meeting moved" notice."""
    old_start, old_tz, old_place, old_status = before
    moved = old_start != meeting.starts_at or old_tz != meeting.timezone
    replaced = moved or (old_place or "") != (meeting.place or "")
    cancelled = meeting.status == MeetingStatus.CANCELLED and old_status != meeting.status
    if not (replaced or cancelled):
        return
    meeting.sequence = (meeting.sequence or 0) + 1
    cancel_pending(session=session, alliance=alliance, meeting_id=meeting.id)
    if meeting.status != MeetingStatus.PLANNED or not replaced:
        return  # a cancellation notice is the reminders' own ("meeting_cancelled")
    settings = settings or get_reminder_settings()
    old_local = old_start.astimezone(ZoneInfo(old_tz))
    recipients = invited_recipients(
        session=session, alliance=alliance, meeting=meeting, today=today
    )
    _record(
        session,
        alliance,
        meeting,
        kind=MOVED,
        recipients=recipients,
        today=today,
        render=lambda: moved_notice(
            alliance=alliance,
            meeting=meeting,
            old_start=old_local,
            old_place=old_place,
            base_url=settings.public_url,
        ),
    )


def cancel_pending(*, session: Session, alliance: m.Alliance, meeting_id: int) -> int:
    """Pending messages about a meeting's old date never go out, retries included.

    Their subject is renamed, so the daily sweep can record fresh reminders for the new time
    even when the day stays the same (the outbox key holds the subject).
    """
    rows = session.execute(
        select(rm.OutboxMessage.id, rm.OutboxMessage.subject).where(
            rm.OutboxMessage.alliance_id == alliance.id,
            rm.OutboxMessage.status == rm.PENDING,
            rm.OutboxMessage.kind.startswith("meeting_", autoescape=True),
            rm.OutboxMessage.subject.startswith(f"meeting:{meeting_id}@", autoescape=True),
        )
    ).all()
    for row_id, subject in rows:
        session.execute(
            update(rm.OutboxMessage)
            .where(rm.OutboxMessage.id == row_id, rm.OutboxMessage.status == rm.PENDING)
            .values(
                status=rm.CANCELLED,
                subject=f"{subject}~moved#{row_id}"[:120],
                last_error=reasons.MEETING_MOVED,
            )
            .execution_options(synchronize_session=False)
        )
    return len(rows)


def remove_meeting(*, session: Session, alliance: m.Alliance, meeting_id: int) -> None:
    cancel_pending(session=session, alliance=alliance, meeting_id=meeting_id)
    item_service.remove_item(session=session, alliance=alliance, kind="meeting", item_id=meeting_id)


# --- agenda ------------------------------------------------------------------------------------


def start_agenda(*, session: Session, alliance: m.Alliance, meeting_id: int) -> list[m.AgendaItem]:
    """A new agenda prefilled with the guide's items, timed from the start of the meeting, in
    the alliance's working language."""
    meeting = get_meeting(session=session, alliance=alliance, meeting_id=meeting_id)
    if agenda_of(session=session, meeting=meeting):
        raise Conflict(_("this meeting already has an agenda; edit it below"))
    template = (
        WORKSHOP_AGENDA if meeting.kind == MeetingKind.INITIATION_WORKSHOP else STANDARD_AGENDA
    )
    at = local_start(meeting)
    rows = []
    with use_language(alliance.language):
        for position, (text, minutes) in enumerate(template, start=1):
            rows.append(
                m.AgendaItem(
                    meeting_id=meeting.id,
                    position=position,
                    time=at.strftime("%H:%M"),
                    item=_(text),
                )
            )
            at += timedelta(minutes=minutes)
    session.add_all(rows)
    session.flush()
    return rows


def save_agenda(
    *,
    session: Session,
    alliance: m.Alliance,
    meeting_id: int,
    rows: list[dict[str, Any]],
) -> list[m.AgendaItem]:
    """The whole agenda table at once: rows with an id are edited (an empty item removes the
    row), rows without one are added when they have an item. Every row is checked first; on
    any problem nothing is saved and each problem names its row (agenda-<n>-<field>)."""
    meeting = get_meeting(session=session, alliance=alliance, meeting_id=meeting_id)
    existing = {a.id: a for a in agenda_of(session=session, meeting=meeting)}
    problems: list[FieldProblem] = []
    plan: list[tuple[m.AgendaItem | None, dict[str, Any] | None]] = []
    data: dict[str, Any] | None
    for n, raw in enumerate(rows):
        item_id = raw.get("id")
        number = parse_id(str(item_id or ""))
        row = existing.get(number) if number is not None else None
        if item_id and row is None:
            problems.append(
                FieldProblem(f"agenda-{n}-item", _("this agenda item no longer exists"))
            )
            continue
        text = str(raw.get("item") or "").strip()
        if not text:
            if row is not None:
                plan.append((row, None))  # emptied: removed
            elif any(str(raw.get(k) or "").strip() for k in ("time", "moderator")):
                problems.append(FieldProblem(f"agenda-{n}-item", _("required")))
            continue
        values = {
            "meeting_id": meeting.id,
            "item": text,
            "time": raw.get("time") or None,
            "moderator": raw.get("moderator") or None,
            "position": n + 1,
            "minutes": row.minutes if row is not None else None,
        }
        try:
            data = validate(AgendaItemIn, values).model_dump()
        except InvalidInput as exc:
            problems.extend(FieldProblem(f"agenda-{n}-{p.field}", p.problem) for p in exc.problems)
            continue
        plan.append((row, data))
    if problems:
        raise InvalidInput(problems)
    kept = []
    for row, data in plan:
        if data is None:
            assert row is not None
            session.delete(row)
            continue
        target = row if row is not None else m.AgendaItem()
        for key, value in data.items():
            setattr(target, key, value)
        if row is None:
            session.add(target)
        kept.append(target)
    session.flush()
    return kept


# --- attendance, minutes, actions ---------------------------------------------------------------


def save_attendance(
    *,
    session: Session,
    alliance: m.Alliance,
    meeting_id: int,
    marks: dict[int, bool | None],
    today: date,
) -> None:
    """Present, absent or not recorded, per member; only this alliance's members."""
    meeting = get_meeting(session=session, alliance=alliance, meeting_id=meeting_id)
    if local_start(meeting).date() > today and any(marks.values()):
        raise InvalidInput([FieldProblem("attendance", _("the meeting has not taken place yet"))])
    members = {
        mb.id for mb in session.scalars(select(m.Member).where(m.Member.alliance_id == alliance.id))
    }
    unknown = [mid for mid in marks if mid not in members]
    if unknown:
        raise InvalidInput(
            [
                FieldProblem(
                    "attendance", _("no member with id {id} in this alliance").format(id=i)
                )
                for i in unknown
            ]
        )
    current = {
        a.member_id: a
        for a in session.scalars(select(m.Attendance).where(m.Attendance.meeting_id == meeting.id))
    }
    for mid, present in marks.items():
        row = current.get(mid)
        if present is None:
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(m.Attendance(meeting_id=meeting.id, member_id=mid, present=present))
        else:
            row.present = present
    session.flush()


def record_minutes(
    *,
    session: Session,
    alliance: m.Alliance,
    meeting_id: int,
    item_minutes: dict[int, str],
    general: str | None,
    held: bool,
    today: date,
) -> m.Meeting:
    """Minutes per agenda item (or one text when there is no agenda), put together into the
    meeting's formal minutes; `held` marks the meeting as held."""
    meeting = get_meeting(session=session, alliance=alliance, meeting_id=meeting_id)
    if local_start(meeting).date() > today:
        raise InvalidInput(
            [
                FieldProblem(
                    "minutes",
                    _(
                        "the meeting is on {day}: minutes are recorded once it has taken place"
                    ).format(day=local_start(meeting).date().isoformat()),
                )
            ]
        )
    if meeting.status == MeetingStatus.CANCELLED:
        raise Conflict(_("this meeting was cancelled; it has no minutes"))
    agenda = agenda_of(session=session, meeting=meeting)
    by_id = {a.id: a for a in agenda}
    for item_id, text in item_minutes.items():
        if item_id not in by_id:
            raise InvalidInput([FieldProblem(f"minutes-{item_id}", _("no such agenda item"))])
        by_id[item_id].minutes = (text or "").strip() or None
    general = (general or "").strip() or None
    parts = [f"{a.item}: {a.minutes}" for a in agenda if a.minutes]
    if general:
        parts.append(general)
    if not parts:
        raise InvalidInput(
            [FieldProblem("minutes", _("write what was said or agreed on at least one item"))]
        )
    meeting.minutes = "\n\n".join(parts)
    meeting.minutes_recorded_on = today
    if held:
        meeting.status = MeetingStatus.HELD
    session.flush()
    return meeting


def add_action(
    *,
    session: Session,
    alliance: m.Alliance,
    meeting_id: int,
    action_in: dict[str, Any],
    today: date,
) -> m.MeetingAction:
    """An action agreed in the minutes: it appears on its owner's "My part" page."""
    get_meeting(session=session, alliance=alliance, meeting_id=meeting_id)
    row: Any = item_service.add_item(
        session=session,
        alliance=alliance,
        kind="minutes-action",
        item_in={**action_in, "meeting_id": meeting_id},
        today=today,
    )
    return row


def remove_action(
    *, session: Session, alliance: m.Alliance, meeting_id: int, action_id: int
) -> None:
    row: Any = item_service.get_item(
        session=session, alliance=alliance, kind="minutes-action", item_id=action_id
    )
    if row.meeting_id != meeting_id:
        raise NotFound(
            _("No action {action} in meeting {meeting}.").format(
                action=action_id, meeting=meeting_id
            )
        )
    item_service.remove_item(
        session=session, alliance=alliance, kind="minutes-action", item_id=action_id
    )


# --- invitations and notices -------------------------------------------------------------------


@dataclass(frozen=True)
class Letter:
    """An invitation or a notice, in one language: what the print view and a message show."""

    title: str
    lines: tuple[str, ...]
    link: str

    @property
    def body(self) -> str:
        return "\n".join((*self.lines, _("Meeting page: {link}").format(link=self.link)))


def meeting_link(alliance: m.Alliance, meeting: m.Meeting, base_url: str) -> str:
    return f"{base_url.rstrip('/')}/alliances/{alliance.slug}/meetings/{meeting.id}"


def _when(meeting: m.Meeting, at: datetime | None = None) -> str:
    """'Wednesday, March 10, 2027 at 10:00 (Dublin)', in the current language."""
    from babel.dates import format_date, format_time

    from alliance_flow.i18n import current_language, zone_city

    at = at or local_start(meeting)
    language = current_language()
    return _("{day} at {time} ({zone})").format(
        day=format_date(at.date(), format="full", locale=language),
        time=format_time(at, format="HH:mm", locale=language),
        zone=zone_city(meeting.timezone, language),
    )


def invitation(
    *, alliance: m.Alliance, meeting: m.Meeting, agenda: list[m.AgendaItem], base_url: str
) -> Letter:
    """The guide's invitation template, filled from the data, in the current language."""
    place = meeting.place or _("a place to be confirmed")
    lines = [
        _("You are warmly invited to the {meeting} of {alliance}.").format(
            meeting=meeting_name(meeting), alliance=alliance.name
        ),
        _("It will take place on {when}, at {place}.").format(when=_when(meeting), place=place),
        "",
        _("Programme"),
    ]
    if agenda:
        lines.extend(f"- {a.time} {a.item}" if a.time else f"- {a.item}" for a in agenda)
    else:
        lines.extend(
            f"- {_(text)}"
            for text in (
                N_("Welcome to new members"),
                N_("Objectives of the regional alliance"),
                N_("Activities of the day"),
                N_("Date of the next meeting"),
                N_("Other business"),
            )
        )
    lines.extend(
        [
            "",
            _(
                "Thank you in advance for your commitment to steering the project in the right "
                "direction for the best possible impact. We greatly value your expertise."
            ),
            _("Do not hesitate to contact us with any question or subject you wish to discuss."),
        ]
    )
    return Letter(
        title=_("{alliance}: invitation to the {meeting}").format(
            alliance=alliance.name, meeting=meeting_name(meeting)
        )[:300],
        lines=tuple(lines),
        link=meeting_link(alliance, meeting, base_url),
    )


def moved_notice(
    *,
    alliance: m.Alliance,
    meeting: m.Meeting,
    old_start: datetime,
    old_place: str | None,
    base_url: str,
) -> Letter:
    """Says the meeting moved: from when and where, to when and where."""
    unknown = _("a place to be confirmed")
    return Letter(
        title=_("{alliance}: {meeting} moved").format(
            alliance=alliance.name, meeting=meeting_name(meeting)
        )[:300],
        lines=(
            _("The {meeting} has moved.").format(meeting=meeting_name(meeting)),
            _("It was planned for {when}, at {place}.").format(
                when=_when(meeting, old_start), place=old_place or unknown
            ),
            _("It now takes place on {when}, at {place}.").format(
                when=_when(meeting), place=meeting.place or unknown
            ),
        ),
        link=meeting_link(alliance, meeting, base_url),
    )


@dataclass(frozen=True)
class Recipient:
    key: str  # "member:<id>" or "audience:members"
    language: str
    name: str


def _reachable(mb: m.Member, audiences: frozenset[str]) -> bool:
    return bool(mb.preferred_channel) or (bool(mb.email) and "email" in audiences)


def invitation_recipients(
    *, session: Session, alliance: m.Alliance, meeting: m.Meeting, settings: ReminderSettings
) -> tuple[list[Recipient], list[m.Member]]:
    """(who the invitation goes to, who cannot be reached and needs a printed copy).

    The members' shared channel when the alliance has one, as the reminders do; otherwise each
    member and candidate who has not left, on their own channel or e-mail.
    """
    from alliance_flow.reminders.outbox import audiences_of, channels_of

    audiences = audiences_of(channels_of(session, alliance.id), alliance.slug, settings)
    day = local_start(meeting).date()
    people = [
        mb
        for mb in session.scalars(
            select(m.Member).where(m.Member.alliance_id == alliance.id).order_by(m.Member.name)
        )
        if mb.left_on is None or mb.left_on > day
    ]
    if MEMBERS in audiences:
        return [Recipient(audience(MEMBERS), alliance.language, _("members' channel"))], []
    # nothing goes to a member who withdrew consent to be contacted (privacy.PURPOSES)
    withdrawn = withdrew(session=session, member_ids=[mb.id for mb in people], purpose="contact")
    reach = [mb for mb in people if _reachable(mb, audiences) and mb.id not in withdrawn]
    unreachable = [mb for mb in people if mb not in reach]
    return [
        Recipient(member(mb.id), mb.language or alliance.language, mb.name) for mb in reach
    ], unreachable


def invited_recipients(
    *, session: Session, alliance: m.Alliance, meeting: m.Meeting, today: date
) -> list[Recipient]:
    """Who was invited (from the outbox), or who would be when nobody was yet."""
    rows = session.execute(
        select(rm.OutboxMessage.recipient, rm.OutboxMessage.language)
        .where(
            rm.OutboxMessage.alliance_id == alliance.id,
            rm.OutboxMessage.kind == INVITATION,
            rm.OutboxMessage.subject.startswith(f"meeting:{meeting.id}@", autoescape=True),
        )
        .distinct()
    ).all()
    if rows:
        return [Recipient(r, lang, r) for r, lang in rows]
    found, _unreachable = invitation_recipients(
        session=session, alliance=alliance, meeting=meeting, settings=get_reminder_settings()
    )
    return found


def _record(
    session: Session,
    alliance: m.Alliance,
    meeting: m.Meeting,
    *,
    kind: str,
    recipients: list[Recipient],
    today: date,
    render: Any,
) -> int:
    from alliance_flow.reminders.outbox import outbox_insert

    now = m.utcnow()
    stmt = (
        outbox_insert(session)
        .on_conflict_do_nothing(
            index_elements=["alliance_id", "kind", "subject", "due_on", "recipient"]
        )
        .returning(rm.OutboxMessage.id)
    )
    new = 0
    for r in recipients:
        with use_language(r.language) as language:
            letter: Letter = render()
            body = letter.body
        new += len(
            session.execute(
                stmt.values(
                    alliance_id=alliance.id,
                    kind=kind,
                    subject=subject_of(meeting),
                    due_on=today,
                    recipient=r.key,
                    language=language,
                    title=letter.title,
                    body=body,
                    status=rm.PENDING,
                    attempts=0,
                    next_attempt_at=now,
                    created_at=now,
                )
            ).all()
        )
    return new


@dataclass(frozen=True)
class Sent:
    recorded: int
    recipients: int
    unreachable: list[str]


def send_invitations(
    *,
    session: Session,
    alliance: m.Alliance,
    meeting_id: int,
    today: date,
    settings: ReminderSettings | None = None,
) -> Sent:
    """Record the invitation in the reminders outbox, once per recipient and day; the sweep
    delivers it through the alliance's channels."""
    settings = settings or get_reminder_settings()
    meeting = get_meeting(session=session, alliance=alliance, meeting_id=meeting_id)
    if meeting.status != MeetingStatus.PLANNED:
        raise Conflict(_("only a planned meeting can be announced"))
    if local_start(meeting).date() < today:
        raise Conflict(_("this meeting is in the past; invitations are no longer useful"))
    agenda = agenda_of(session=session, meeting=meeting)
    recipients, unreachable = invitation_recipients(
        session=session, alliance=alliance, meeting=meeting, settings=settings
    )
    recorded = _record(
        session,
        alliance,
        meeting,
        kind=INVITATION,
        recipients=recipients,
        today=today,
        render=lambda: invitation(
            alliance=alliance, meeting=meeting, agenda=agenda, base_url=settings.public_url
        ),
    )
    return Sent(recorded, len(recipients), [mb.name for mb in unreachable])
