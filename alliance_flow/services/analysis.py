"""Stage 3 use cases beyond adding rows: the gaps workshop's minutes turned into gaps.
Callers own the transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from alliance_flow import models as m
from alliance_flow.errors import FieldProblem, InvalidInput
from alliance_flow.i18n import _
from alliance_flow.services import items as item_service


@dataclass(frozen=True)
class MinutesEntry:
    """One thing the minutes say, which may become a gap: an agenda item's minutes or a line."""

    key: str
    text: str


def meeting_day(meeting: m.Meeting) -> date:
    return meeting.starts_at.astimezone(ZoneInfo(meeting.timezone)).date()


def minuted_meetings(*, session: Session, alliance: m.Alliance) -> list[m.Meeting]:
    """Meetings with something in their minutes, the most recent first."""
    meetings = session.scalars(
        select(m.Meeting)
        .where(m.Meeting.alliance_id == alliance.id)
        .order_by(m.Meeting.starts_at.desc())
    ).all()
    return [mt for mt in meetings if minutes_entries(session=session, meeting=mt)]


def minutes_entries(*, session: Session, meeting: m.Meeting) -> list[MinutesEntry]:
    """Each line of the minutes per agenda item ("item: line"), then each line of the general
    minutes (the meeting's minutes repeat the agenda items' lines: those are not listed twice)."""
    out = []
    seen = set()
    agenda = session.scalars(
        select(m.AgendaItem)
        .where(m.AgendaItem.meeting_id == meeting.id)
        .order_by(m.AgendaItem.position, m.AgendaItem.id)
    )
    for item in agenda:
        text = getattr(item, "minutes", None) or ""
        for n, line in enumerate(text.splitlines()):
            clean = _clean(line)
            if clean:
                out.append(MinutesEntry(f"agenda-{item.id}-{n}", f"{item.item}: {clean}"))
                seen.add(_clean(f"{item.item}: {line}"))
                seen.add(clean)
    for n, line in enumerate((meeting.minutes or "").splitlines()):
        clean = _clean(line)
        if clean and clean not in seen:
            out.append(MinutesEntry(f"line-{n}", clean))
    return out


def _clean(line: str) -> str:
    return line.strip().lstrip("-*•").strip()


def gaps_from_minutes(
    *,
    session: Session,
    alliance: m.Alliance,
    meeting_id: int,
    keys: list[str],
    today: date,
) -> list[m.Gap]:
    """Each chosen minutes entry becomes a gap, dated the day of the meeting, its source the
    meeting; an entry already turned into a gap is not added twice."""
    meeting: Any = item_service.get_item(
        session=session, alliance=alliance, kind="meeting", item_id=meeting_id
    )
    entries = {e.key: e for e in minutes_entries(session=session, meeting=meeting)}
    chosen = [entries[k] for k in dict.fromkeys(keys) if k in entries]
    if not chosen:
        raise InvalidInput([FieldProblem("entries", _("choose at least one item of the minutes"))])
    day = meeting_day(meeting)
    source = _("Minutes of {meeting}, {day}").format(
        meeting=meeting.title or meeting.kind.replace("_", " "), day=day.isoformat()
    )
    existing = set(
        session.scalars(select(m.Gap.description).where(m.Gap.alliance_id == alliance.id))
    )
    added = []
    for entry in chosen:
        if entry.text in existing:
            continue
        row: Any = item_service.add_item(
            session=session,
            alliance=alliance,
            kind="gap",
            item_in={"description": entry.text, "identified_on": day, "source": source[:300]},
            today=today,
        )
        added.append(row)
    return added
