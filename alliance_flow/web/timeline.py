"""The plenary plan as a server-drawn timeline: geometry for an SVG (no script, no style
attributes), months along the work plan, the meetings on it, and the window in which the last
plenary should fall (12-18 months after the first meeting)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from babel.dates import format_date
from dateutil.relativedelta import relativedelta

from alliance_flow import models as m
from alliance_flow.settings import get_thresholds
from alliance_flow.vocabulary import MeetingKind

LEFT, WIDTH = 40.0, 920.0


@dataclass(frozen=True)
class Marker:
    x: float
    kind: str
    label: str  # short, drawn on the line: W, P1, P2...
    day: date
    meeting_id: int


@dataclass
class Timeline:
    start: date
    end: date
    ticks: list[tuple[float, str]] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    #: where the last plenary should be: 12 to 18 months after the first meeting
    window: tuple[float, float] | None = None
    window_dates: tuple[date, date] | None = None
    work_plan: tuple[float, float] | None = None
    today_x: float | None = None

    def x(self, day: date) -> float:
        span = max((self.end - self.start).days, 1)
        return round(LEFT + WIDTH * (day - self.start).days / span, 1)


def plenary_timeline(
    *, alliance: m.Alliance, meetings: list[m.Meeting], today: date, language: str
) -> Timeline:
    limits = get_thresholds().launch
    days = {mt.id: mt.starts_at.astimezone(ZoneInfo(mt.timezone)).date() for mt in meetings}
    anchors = [days[mt.id] for mt in meetings if mt.kind == MeetingKind.INITIATION_WORKSHOP] or [
        days[mt.id] for mt in meetings if mt.kind == MeetingKind.PLENARY
    ]
    first = min(anchors) if anchors else (alliance.work_plan_start or today)
    candidates = [first, today, *days.values()]
    if alliance.work_plan_start:
        candidates.append(alliance.work_plan_start)
    if alliance.work_plan_end:
        candidates.append(alliance.work_plan_end)
    late = first + relativedelta(months=limits.max_plenary_span_months)
    start = min(candidates).replace(day=1)
    end = max([*candidates, late]) + relativedelta(months=1)
    end = end.replace(day=1)
    tl = Timeline(start=start, end=end)
    month = start
    step = 1 if (end - start).days <= 800 else 3
    while month <= end:
        tl.ticks.append((tl.x(month), format_date(month, "MMM yy", locale=language)))
        month += relativedelta(months=step)
    early = first + relativedelta(months=limits.min_plenary_span_months)
    tl.window = (tl.x(early), tl.x(late))
    tl.window_dates = (early, late)
    if alliance.work_plan_start and alliance.work_plan_end:
        tl.work_plan = (tl.x(alliance.work_plan_start), tl.x(alliance.work_plan_end))
    tl.today_x = tl.x(today)
    n = 0
    for mt in sorted(meetings, key=lambda x: days[x.id]):
        if mt.kind == MeetingKind.PLENARY:
            n += 1
            label = f"P{n}"
        elif mt.kind == MeetingKind.INITIATION_WORKSHOP:
            label = "W"
        else:
            label = "G"
        tl.markers.append(Marker(tl.x(days[mt.id]), mt.kind, label, days[mt.id], mt.id))
    return tl
