"""Meetings as iCalendar: one file per meeting and a per-alliance feed at a secret address.

The feed's token is shown once; only its SHA-256 is stored (the token has 256 bits of entropy,
so a fast hash is enough), and a coordinator may regenerate or revoke it at any time.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from alliance_flow import models as m
from alliance_flow.i18n import _, use_language
from alliance_flow.services import meetings as meeting_service
from alliance_flow.vocabulary import MeetingStatus

if TYPE_CHECKING:  # icalendar loads with the first calendar, not with every web worker
    from icalendar import Calendar, Event

PRODID = "-//alliance_flow//Regional alliance meetings//EN"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def event_uid(alliance: m.Alliance, meeting: m.Meeting) -> str:
    """Stable for the meeting's whole life: a calendar updates its event instead of adding one."""
    return f"meeting-{meeting.id}-alliance-{alliance.id}@alliance-flow"


def _line(text: str) -> str:
    """A one-line property (a name, a place): line breaks and control characters become spaces,
    so typed text can never start a property of its own (icalendar refuses them in some)."""
    return " ".join("".join(c if ord(c) >= 32 else " " for c in text).split())


def _event(
    alliance: m.Alliance, meeting: m.Meeting, agenda: list[m.AgendaItem], base_url: str
) -> Event:
    start = meeting_service.local_start(meeting)
    link = meeting_service.meeting_link(alliance, meeting, base_url)
    lines = [_("Agenda") + ":"] if agenda else []
    lines.extend(f"{a.time} {a.item}" if a.time else a.item for a in agenda)
    if meeting.host_organisation:
        lines.append(_("Host: {host}").format(host=meeting.host_organisation))
    lines.append(_("Meeting page: {link}").format(link=link))
    from icalendar import Event

    event = Event()
    event.add("uid", event_uid(alliance, meeting))
    event.add("summary", _line(f"{alliance.name}: {meeting_service.meeting_name(meeting)}"))
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=meeting.duration_minutes or 120))
    event.add("dtstamp", m.utcnow())
    event.add("sequence", meeting.sequence or 0)
    event.add("url", link)
    event.add("description", "\n".join(lines))
    if meeting.place:
        event.add("location", _line(meeting.place))
    event.add("status", "CANCELLED" if meeting.status == MeetingStatus.CANCELLED else "CONFIRMED")
    return event


def _calendar(alliance: m.Alliance, name: str) -> Calendar:
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _line(name))
    return cal


def meeting_ics(*, session: Session, alliance: m.Alliance, meeting_id: int, base_url: str) -> bytes:
    """One meeting as an .ics file, in the alliance's working language."""
    meeting = meeting_service.get_meeting(session=session, alliance=alliance, meeting_id=meeting_id)
    agenda = meeting_service.agenda_of(session=session, meeting=meeting)
    with use_language(alliance.language):
        cal = _calendar(alliance, f"{alliance.name}: {meeting_service.meeting_name(meeting)}")
        cal.add("method", "PUBLISH")
        cal.add_component(_event(alliance, meeting, agenda, base_url))
    cal.add_missing_timezones()
    return bytes(cal.to_ical())


def feed_ics(*, session: Session, alliance: m.Alliance, base_url: str) -> bytes:
    """Every meeting of the alliance, cancelled ones marked so (calendars then remove them)."""
    with use_language(alliance.language):
        cal = _calendar(alliance, alliance.name)
        for meeting in meeting_service.list_meetings(session=session, alliance=alliance):
            agenda = meeting_service.agenda_of(session=session, meeting=meeting)
            cal.add_component(_event(alliance, meeting, agenda, base_url))
    cal.add_missing_timezones()
    return bytes(cal.to_ical())


# --- the feed's secret address -------------------------------------------------------------------


def feed_exists(*, session: Session, alliance: m.Alliance) -> m.CalendarFeed | None:
    return session.get(m.CalendarFeed, alliance.id)


def issue_feed_token(*, session: Session, alliance: m.Alliance, actor: str) -> str:
    """A new secret address; the previous one, if any, stops working at once."""
    token = secrets.token_urlsafe(32)
    row = session.get(m.CalendarFeed, alliance.id)
    if row is None:
        row = m.CalendarFeed(alliance_id=alliance.id)
        session.add(row)
    row.token_hash = _hash(token)
    row.created_at = m.utcnow()
    row.created_by = actor
    session.flush()
    return token


def revoke_feed(*, session: Session, alliance: m.Alliance) -> bool:
    """The feed's address stops working; returns whether there was one."""
    row = session.get(m.CalendarFeed, alliance.id)
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def alliance_for_token(*, session: Session, token: str) -> m.Alliance | None:
    """The alliance whose feed this token opens, or None (unknown or revoked)."""
    if not token or len(token) > 200:
        return None
    aid = session.scalars(
        select(m.CalendarFeed.alliance_id).where(m.CalendarFeed.token_hash == _hash(token))
    ).first()
    return session.get(m.Alliance, aid) if aid is not None else None


def feed_title() -> str:
    return _("Meetings calendar")
