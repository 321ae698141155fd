"""Meeting pages (every kind): details, agenda, invitations, attendance, minutes, actions, the
calendar files and feed; and the launch workspace with its plenary plan."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from alliance_flow import models as m
from alliance_flow.accounts.policy import Permission
from alliance_flow.errors import FieldProblem, InvalidInput
from alliance_flow.facts import load_facts
from alliance_flow.gates import evaluate
from alliance_flow.reminders.config import get_reminder_settings
from alliance_flow.safety import parse_id
from alliance_flow.services import alliances as alliance_service
from alliance_flow.services import calendars as calendar_service
from alliance_flow.services import meetings as meeting_service
from alliance_flow.settings import get_thresholds
from alliance_flow.stages import checks_for
from alliance_flow.vocabulary import MeetingKind, MeetingStatus, Stage
from alliance_flow.web import labels
from alliance_flow.web.choices import language_read_as
from alliance_flow.web.deps import (
    DbDep,
    ItemId,
    Page,
    SignedInPage,
    TodayDep,
    alliance_for,
    get_db,
    viewer_of,
)
from alliance_flow.web.fix_links import fix_url
from alliance_flow.web.forms import FormState, parse_date, parse_dates, save_form, show_date
from alliance_flow.web.i18n import Translator
from alliance_flow.web.pages import FormData, _is_htmx, render
from alliance_flow.web.timeline import plenary_timeline

router = APIRouter(include_in_schema=False)

KINDS = [k.value for k in MeetingKind]
STATUSES = [s.value for s in MeetingStatus]
DETAIL_FIELDS = ("kind", "title", "place", "host_organisation", "duration_minutes", "status")


STATUS_COLOURS = {"planned": "blue", "held": "green", "cancelled": "grey"}
TIME = re.compile(r"^\s*([01]?\d|2[0-3])[:.h]([0-5]\d)\s*$")


def _starts_at(form: dict[str, Any], tr: Translator, *, default_time: str = "") -> str:
    """The form's date (day/month/year) and time (24-hour) as the ISO local time the schema
    reads; each unreadable one is refused naming its field."""
    problems = []
    day_text = str(form.get("date", "") or "").strip()
    time_text = str(form.get("time", "") or "").strip() or default_time
    day = parse_date(day_text) if day_text else None
    if not day_text:
        problems.append(FieldProblem("date", tr.gettext("required")))
    elif day is None:
        problems.append(
            FieldProblem(
                "date", tr.gettext("enter a date as day/month/year, for example 31/12/2026")
            )
        )
    found = TIME.match(time_text)
    if not found:
        problems.append(
            FieldProblem(
                "time",
                tr.gettext("enter a time as hours:minutes on the 24-hour clock, for example 14:30"),
            )
        )
    if problems:
        raise InvalidInput(problems)
    assert day is not None and found is not None
    return f"{day.isoformat()}T{int(found.group(1)):02d}:{found.group(2)}"


def _meeting_in(form: dict[str, Any], tr: Translator, *, every_field: bool) -> dict[str, Any]:
    """What the details form says; an edit sends every field so an emptied one is cleared."""
    out: dict[str, Any] = {}
    for name in DETAIL_FIELDS:
        value = str(form.get(name, "") or "").strip()
        if value or every_field:
            out[name] = value
    if not out.get("duration_minutes"):
        out.pop("duration_minutes", None)
    if not out.get("status"):
        out.pop("status", None)
    out["starts_at"] = _starts_at(form, tr)
    return out


def _date_problems(problems: list[Any]) -> list[Any]:
    """The schema speaks of starts_at; the form has a date and a time field. The date was
    checked first, so what the schema still refuses is the time (one the clocks skip)."""
    return [
        FieldProblem("time", p.problem) if getattr(p, "field", None) == "starts_at" else p
        for p in problems
    ]


def _options(tr: Translator) -> dict[str, Any]:
    t = tr.gettext
    return {
        "kind_options": [(k, t(labels.MEETING_KINDS[k])) for k in KINDS],
        "status_options": [(x, t(labels.MEETING_STATUSES[x])) for x in STATUSES],
        "status_colours": STATUS_COLOURS,
    }


# --- the list of meetings ---------------------------------------------------------------------


def _meetings_page(
    request: Request,
    page: Page,
    db: Any,
    today: date,
    ref: str,
    *,
    status: int = 200,
    problems: list[Any] | None = None,
    values: dict[str, Any] | None = None,
    feed_url: str | None = None,
    notice: str | None = None,
) -> Response:
    viewer = viewer_of(page)
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.VIEW_PEOPLE)
        meetings = meeting_service.list_meetings(session=session, alliance=a)
        feed = calendar_service.feed_exists(session=session, alliance=a)
        may_manage = viewer.may(Permission.MANAGE, a.id)
    return render(
        request,
        "meetings.html",
        page,
        status=status,
        alliance=a,
        meetings=meetings,
        meeting_name=meeting_service.meeting_name,
        local_start=meeting_service.local_start,
        feed=feed,
        feed_url=feed_url,
        notice=notice,
        may_manage=may_manage,
        form=FormState(
            values=values or {"kind": request.query_params.get("kind", ""), "time": "10:00"},
            problems=problems or [],
            prefix="mt-",
        ),
        today=today,
        **_options(page.tr),
    )


@router.get("/alliances/{ref}/meetings")
def meetings_page(
    request: Request, ref: str, page: SignedInPage, db: DbDep, today: TodayDep
) -> Response:
    return _meetings_page(request, page, db, today, ref)


@router.post("/alliances/{ref}/meetings")
def add_meeting(
    request: Request, ref: str, page: SignedInPage, db: DbDep, today: TodayDep, form: FormData
) -> Response:
    viewer = viewer_of(page)
    try:
        with db.transaction() as session:
            a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.MANAGE)
            row = meeting_service.add_meeting(
                session=session,
                alliance=a,
                meeting_in=_meeting_in(form, page.tr, every_field=False),
                today=today,
            )
            target = f"/alliances/{a.slug}/meetings/{row.id}"
    except InvalidInput as exc:
        return _meetings_page(
            request,
            page,
            db,
            today,
            ref,
            status=422,
            problems=_date_problems(exc.problems),
            values=form,
        )
    return RedirectResponse(target, status_code=303)


# --- the calendar feed ------------------------------------------------------------------------


def _feed_url(request: Request, token: str) -> str:
    return str(request.base_url).rstrip("/") + f"/calendar/{token}.ics"


@router.post("/alliances/{ref}/calendar-feed")
def issue_feed(
    request: Request, ref: str, page: SignedInPage, db: DbDep, today: TodayDep
) -> Response:
    viewer = viewer_of(page)
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.MANAGE)
        token = calendar_service.issue_feed_token(session=session, alliance=a, actor=viewer.author)
    return _meetings_page(
        request, page, db, today, ref, status=201, feed_url=_feed_url(request, token)
    )


@router.post("/alliances/{ref}/calendar-feed/revoke")
def revoke_feed(request: Request, ref: str, page: SignedInPage, db: DbDep) -> Response:
    viewer = viewer_of(page)
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.MANAGE)
        slug = a.slug
        calendar_service.revoke_feed(session=session, alliance=a)
    return RedirectResponse(f"/alliances/{slug}/meetings#calendar", status_code=303)


@router.get("/calendar/{token}.ics")
def calendar_feed(request: Request, token: str) -> Response:
    """The subscribe address: no login, the secret token is the key; revoked means 404."""
    db = get_db(request)
    with db.transaction() as session:
        a = calendar_service.alliance_for_token(session=session, token=token)
        if a is None:
            return Response("Not Found\n", status_code=404, media_type="text/plain")
        body = calendar_service.feed_ics(
            session=session, alliance=a, base_url=get_reminder_settings().public_url
        )
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "private, max-age=300"},
    )


# --- one meeting ------------------------------------------------------------------------------


def _meeting_page(
    request: Request,
    page: Page,
    db: Any,
    today: date,
    ref: str,
    meeting_id: ItemId,
    *,
    status: int = 200,
    problems: list[Any] | None = None,
    values: dict[str, Any] | None = None,
    section: str | None = None,
    notice: str | None = None,
) -> Response:
    viewer = viewer_of(page)
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.VIEW_PEOPLE)
        view = meeting_service.meeting_view(
            session=session, alliance=a, meeting_id=meeting_id, today=today
        )
        may_manage = viewer.may(Permission.MANAGE, a.id)
        mine = viewer.member_on(a.id)
    meeting = view.meeting
    start = meeting_service.local_start(meeting)
    saved = {
        "kind": meeting.kind,
        "title": meeting.title or "",
        "date": start.date(),
        "time": start.strftime("%H:%M"),
        "place": meeting.place or "",
        "host_organisation": meeting.host_organisation or "",
        "duration_minutes": str(meeting.duration_minutes),
        "status": meeting.status,
    }
    typed = values or {}

    def state(name: str, saved_values: dict[str, Any], prefix: str) -> FormState:
        mine = section == name
        return FormState(
            values={**saved_values, **typed} if mine else saved_values,
            problems=(problems or []) if mine else [],
            prefix=prefix,
        )

    t = page.tr.gettext
    return render(
        request,
        "meeting.html",
        page,
        status=status,
        alliance=a,
        view=view,
        meeting=meeting,
        title=meeting_service.meeting_name(meeting),
        start=start,
        past=start.date() <= today,
        section=section,
        details_form=state("details", saved, "mt-"),
        action_form=state("actions", {}, "act-"),
        section_form=FormState(
            values=typed,
            problems=problems or [],
            prefix="",
            labels=_row_labels(problems or [], t),
        ),
        owner_options=[
            (mb.id, mb.name + (f" ({mb.organisation.name})" if mb.organisation else ""))
            for mb in view.people
        ],
        notice=notice or request.query_params.get("notice"),
        may_manage=may_manage,
        mine=mine,
        today=today,
        # the agenda is a document of the alliance: its template text is in the alliance's
        # working language, named here in the reader's language
        working_language=language_read_as(a.language, page.tr.language),
        **_options(page.tr),
    )


def _row_labels(problems: list[Any], t: Callable[[str], str]) -> dict[str, str]:
    """Names for the error summary of the agenda table: "Time of item 2", not "agenda-1-time"."""
    out = {"minutes": t("Minutes"), "attendance": t("Attendance")}
    for p in problems:
        parts = str(getattr(p, "field", "")).split("-")
        if len(parts) == 3 and parts[0] == "agenda" and parts[1].isdigit():
            n = int(parts[1]) + 1
            text = {"time": t("Time of item %(n)s"), "item": t("Item %(n)s")}.get(
                parts[2], t("Item %(n)s")
            )
            out[p.field] = text % {"n": n}
    return out


@router.get("/alliances/{ref}/meetings/{meeting_id}")
def meeting_page(
    request: Request, ref: str, meeting_id: ItemId, page: SignedInPage, db: DbDep, today: TodayDep
) -> Response:
    return _meeting_page(request, page, db, today, ref, meeting_id)


NOTICES = {
    "details": "saved",
    "agenda": "agenda",
    "attendance": "attendance",
    "minutes": "minutes",
    "actions": "action",
    "invitations": "invited",
}


def _meeting_write(
    request: Request,
    page: Page,
    db: Any,
    today: date,
    ref: str,
    meeting_id: ItemId,
    form: dict[str, Any],
    section: str,
    write: Callable[[Session, m.Alliance], str | None],
) -> Response:
    """One use case on a meeting: back to its page at the section, or the page again with the
    problems next to what the user typed."""
    notice: str | None = None

    def checked_write(session: Session, a: m.Alliance) -> str:
        nonlocal notice
        meeting_service.get_meeting(session=session, alliance=a, meeting_id=meeting_id)
        notice = write(session, a)
        return f"/alliances/{a.slug}/meetings/{meeting_id}?notice={NOTICES[section]}#{section}"

    answer = save_form(
        db=db,
        page=page,
        ref=ref,
        form=form,
        prefix=section,
        write=checked_write,
        refused=lambda status, state: _meeting_page(
            request,
            page,
            db,
            today,
            ref,
            meeting_id,
            status=status,
            problems=_date_problems(state.problems),
            values=form,
            section=section,
        ),
    )
    if notice:  # only set once the write is saved: say what it did on the page itself
        return _meeting_page(
            request, page, db, today, ref, meeting_id, notice=notice, section=section
        )
    return answer


@router.post("/alliances/{ref}/meetings/{meeting_id}")
def change_meeting(
    request: Request,
    ref: str,
    meeting_id: ItemId,
    page: SignedInPage,
    db: DbDep,
    today: TodayDep,
    form: FormData,
) -> Response:
    def write(session: Session, a: m.Alliance) -> None:
        meeting_service.change_meeting(
            session=session,
            alliance=a,
            meeting_id=meeting_id,
            changes=_meeting_in(form, page.tr, every_field=True),
            today=today,
        )

    return _meeting_write(request, page, db, today, ref, meeting_id, form, "details", write)


@router.post("/alliances/{ref}/meetings/{meeting_id}/agenda/template")
def start_agenda(
    request: Request,
    ref: str,
    meeting_id: ItemId,
    page: SignedInPage,
    db: DbDep,
    today: TodayDep,
    form: FormData,
) -> Response:
    def write(session: Session, a: m.Alliance) -> None:
        meeting_service.start_agenda(session=session, alliance=a, meeting_id=meeting_id)

    return _meeting_write(request, page, db, today, ref, meeting_id, form, "agenda", write)


def _row_number(text: str) -> int | None:
    """A form row's position: ASCII digits, small; the first row is 0."""
    if text.isascii() and text.isdecimal() and len(text) <= 4:
        return int(text)
    return None


def agenda_rows(form: dict[str, Any]) -> list[dict[str, Any]]:
    """agenda-<n>-<field> inputs as rows, in the order of n (a row number from 0, not an id)."""
    rows: dict[int, dict[str, Any]] = {}
    for key, value in form.items():
        parts = key.split("-")
        # row numbers start at 0 (not ids): bounded so a forged key cannot make a huge agenda
        if len(parts) == 3 and parts[0] == "agenda" and _row_number(parts[1]) is not None:
            rows.setdefault(int(parts[1]), {})[parts[2]] = value
    return [rows[n] for n in sorted(rows)]


@router.post("/alliances/{ref}/meetings/{meeting_id}/agenda")
def save_agenda(
    request: Request,
    ref: str,
    meeting_id: ItemId,
    page: SignedInPage,
    db: DbDep,
    today: TodayDep,
    form: FormData,
) -> Response:
    def write(session: Session, a: m.Alliance) -> None:
        meeting_service.save_agenda(
            session=session, alliance=a, meeting_id=meeting_id, rows=agenda_rows(form)
        )

    return _meeting_write(request, page, db, today, ref, meeting_id, form, "agenda", write)


@router.post("/alliances/{ref}/meetings/{meeting_id}/attendance")
def save_attendance(
    request: Request,
    ref: str,
    meeting_id: ItemId,
    page: SignedInPage,
    db: DbDep,
    today: TodayDep,
    form: FormData,
) -> Response:
    marks: dict[int, bool | None] = {}
    for key, value in form.items():
        if key.startswith("att-") and parse_id(key[4:]) is not None:
            marks[int(key[4:])] = {"present": True, "absent": False}.get(str(value))

    def write(session: Session, a: m.Alliance) -> None:
        meeting_service.save_attendance(
            session=session, alliance=a, meeting_id=meeting_id, marks=marks, today=today
        )

    return _meeting_write(request, page, db, today, ref, meeting_id, form, "attendance", write)


@router.post("/alliances/{ref}/meetings/{meeting_id}/minutes")
def record_minutes(
    request: Request,
    ref: str,
    meeting_id: ItemId,
    page: SignedInPage,
    db: DbDep,
    today: TodayDep,
    form: FormData,
) -> Response:
    items = {
        int(key[8:]): str(value)
        for key, value in form.items()
        if key.startswith("minutes-") and parse_id(key[8:]) is not None
    }

    def write(session: Session, a: m.Alliance) -> None:
        meeting_service.record_minutes(
            session=session,
            alliance=a,
            meeting_id=meeting_id,
            item_minutes=items,
            general=str(form.get("minutes", "") or ""),
            held=form.get("held") == "on",
            today=today,
        )

    return _meeting_write(request, page, db, today, ref, meeting_id, form, "minutes", write)


@router.post("/alliances/{ref}/meetings/{meeting_id}/actions")
def add_action(
    request: Request,
    ref: str,
    meeting_id: ItemId,
    page: SignedInPage,
    db: DbDep,
    today: TodayDep,
    form: FormData,
) -> Response:
    parsed, bad_dates = parse_dates(form, ("due_on",))
    action_in = {
        k: str(parsed.get(k, "") or "").strip()
        for k in ("description", "owner_member_id", "due_on")
    }

    def write(session: Session, a: m.Alliance) -> None:
        if bad_dates:
            raise InvalidInput(bad_dates)
        meeting_service.add_action(
            session=session, alliance=a, meeting_id=meeting_id, action_in=action_in, today=today
        )

    return _meeting_write(request, page, db, today, ref, meeting_id, form, "actions", write)


@router.post("/alliances/{ref}/meetings/{meeting_id}/actions/{action_id}/remove")
def remove_action(
    request: Request,
    ref: str,
    meeting_id: ItemId,
    action_id: ItemId,
    page: SignedInPage,
    db: DbDep,
    today: TodayDep,
    form: FormData,
) -> Response:
    def write(session: Session, a: m.Alliance) -> None:
        meeting_service.remove_action(
            session=session, alliance=a, meeting_id=meeting_id, action_id=action_id
        )

    return _meeting_write(request, page, db, today, ref, meeting_id, form, "actions", write)


@router.post("/alliances/{ref}/meetings/{meeting_id}/invitations")
def send_invitations(
    request: Request,
    ref: str,
    meeting_id: ItemId,
    page: SignedInPage,
    db: DbDep,
    today: TodayDep,
    form: FormData,
) -> Response:
    tr = page.tr

    def write(session: Session, a: m.Alliance) -> str:
        sent = meeting_service.send_invitations(
            session=session, alliance=a, meeting_id=meeting_id, today=today
        )
        text = tr.ngettext(
            "The invitation is on its way to %(n)s recipient through the reminders channels.",
            "The invitation is on its way to %(n)s recipients through the reminders channels.",
            sent.recipients,
        ) % {"n": sent.recipients}
        if sent.recipients and not sent.recorded:
            text = tr.gettext("The invitation had already been sent today; nothing was sent twice.")
        if not sent.recipients:
            text = tr.gettext(
                "Nobody can be reached through the reminders channels yet: give the members an "
                "e-mail address or a channel of their own (and the alliance an e-mail channel), "
                "or print the invitation."
            )
        if sent.unreachable:
            text += " " + tr.gettext(
                "No e-mail or channel for: %(names)s. Print the invitation for them."
            ) % {"names": ", ".join(sent.unreachable)}
        return text

    return _meeting_write(request, page, db, today, ref, meeting_id, form, "invitations", write)


@router.get("/alliances/{ref}/meetings/{meeting_id}/calendar.ics")
def meeting_calendar(ref: str, meeting_id: ItemId, page: SignedInPage, db: DbDep) -> Response:
    viewer = viewer_of(page)
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.VIEW_PEOPLE)
        body = calendar_service.meeting_ics(
            session=session,
            alliance=a,
            meeting_id=meeting_id,
            base_url=get_reminder_settings().public_url,
        )
        filename = f"{a.slug}-meeting-{meeting_id}.ics"
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# --- the launch workspace -------------------------------------------------------------------


def _launch_page(
    request: Request,
    page: Page,
    db: Any,
    today: date,
    ref: str,
    *,
    status: int = 200,
    problems: list[Any] | None = None,
    values: dict[str, Any] | None = None,
    section: str | None = None,
) -> Response:
    viewer = viewer_of(page)
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.VIEW)
        facts = load_facts(session, a)
        report = evaluate(checks_for(Stage.LAUNCH), facts, get_thresholds(), today)
        meetings = meeting_service.list_meetings(session=session, alliance=a)
        may_manage = viewer.may(Permission.MANAGE, a.id)
        may_see_people = viewer.may(Permission.VIEW_PEOPLE, a.id)
    fixes = {
        o.code: url
        for o in report.outcomes
        if (url := fix_url(request, viewer, a.id, a.slug, o.code)) is not None
    }
    timeline = plenary_timeline(
        alliance=a,
        meetings=[mt for mt in meetings if mt.status != MeetingStatus.CANCELLED],
        today=today,
        language=page.tr.language,
    )
    typed = values or {}

    def state(name: str, saved: dict[str, Any], prefix: str) -> FormState:
        mine = section == name
        return FormState(
            values={**saved, **typed} if mine else saved,
            problems=(problems or []) if mine else [],
            prefix=prefix,
        )

    return render(
        request,
        "launch.html",
        page,
        status=status,
        alliance=a,
        report=report,
        plenary=report.get("launch.plenaries_planned"),
        fixes=fixes,
        timeline=timeline,
        meetings=meetings,
        meeting_name=meeting_service.meeting_name,
        local_start=meeting_service.local_start,
        may_manage=may_manage,
        may_see_people=may_see_people,
        rules_form=state(
            "rules",
            {"accountable": a.accountable or "", "operating_rules": a.operating_rules or ""},
            "r-",
        ),
        channels_form=state(
            "channels",
            {"communication_channels": "\n".join(a.communication_channels or [])},
            "c-",
        ),
        plan_form=state("plenaries", {"time": "10:00"}, "pl-"),
        show_date=show_date,
        section=section,
        today=today,
    )


@router.get("/alliances/{ref}/launch")
def launch_page(
    request: Request, ref: str, page: SignedInPage, db: DbDep, today: TodayDep
) -> Response:
    return _launch_page(request, page, db, today, ref)


def _launch_write(
    request: Request,
    page: Page,
    db: Any,
    today: date,
    ref: str,
    form: dict[str, Any],
    section: str,
    write: Callable[[Session, m.Alliance], object],
) -> Response:
    htmx = _is_htmx(request)

    def checked_write(session: Session, a: m.Alliance) -> str:
        write(session, a)
        return f"/alliances/{a.slug}/launch#{section}"

    answer = save_form(
        db=db,
        page=page,
        ref=ref,
        form=form,
        prefix=section,
        write=checked_write,
        refused=lambda status, state: _launch_page(
            request,
            page,
            db,
            today,
            ref,
            status=200 if htmx else status,  # htmx swaps only a 200 in place
            problems=_date_problems(state.problems),
            values=form,
            section=section,
        ),
    )
    if htmx and answer.status_code == 303:  # htmx swaps the plan in place, verdict recomputed
        return _launch_page(request, page, db, today, ref, section=section)
    return answer


@router.post("/alliances/{ref}/launch/rules")
def save_rules(
    request: Request, ref: str, page: SignedInPage, db: DbDep, today: TodayDep, form: FormData
) -> Response:
    def write(session: Session, a: m.Alliance) -> object:
        return alliance_service.update_alliance(
            session=session,
            ref=a.id,
            changes={
                "accountable": str(form.get("accountable", "")),
                "operating_rules": str(form.get("operating_rules", "")),
            },
        )

    return _launch_write(request, page, db, today, ref, form, "rules", write)


@router.post("/alliances/{ref}/launch/channels")
def save_channels(
    request: Request, ref: str, page: SignedInPage, db: DbDep, today: TodayDep, form: FormData
) -> Response:
    lines = [
        line.strip()
        for line in str(form.get("communication_channels", "")).splitlines()
        if line.strip()
    ]

    def write(session: Session, a: m.Alliance) -> object:
        return alliance_service.update_alliance(
            session=session, ref=a.id, changes={"communication_channels": lines}
        )

    return _launch_write(request, page, db, today, ref, form, "channels", write)


@router.post("/alliances/{ref}/launch/plenaries")
def add_plenary(
    request: Request, ref: str, page: SignedInPage, db: DbDep, today: TodayDep, form: FormData
) -> Response:
    def write(session: Session, a: m.Alliance) -> object:
        data = _meeting_in(form, page.tr, every_field=False)
        data["kind"] = MeetingKind.PLENARY.value
        return meeting_service.add_meeting(
            session=session, alliance=a, meeting_in=data, today=today
        )

    return _launch_write(request, page, db, today, ref, form, "plenaries", write)


@router.post("/alliances/{ref}/launch/plenaries/{meeting_id}")
def move_plenary(
    request: Request,
    ref: str,
    meeting_id: ItemId,
    page: SignedInPage,
    db: DbDep,
    today: TodayDep,
    form: FormData,
) -> Response:
    """Move a meeting of the plan to another day (same time of day unless one is given)."""

    def write(session: Session, a: m.Alliance) -> object:
        meeting = meeting_service.get_meeting(session=session, alliance=a, meeting_id=meeting_id)
        start = meeting_service.local_start(meeting)
        starts_at = _starts_at(form, page.tr, default_time=start.strftime("%H:%M"))
        return meeting_service.change_meeting(
            session=session,
            alliance=a,
            meeting_id=meeting_id,
            changes={"starts_at": starts_at},
            today=today,
        )

    return _launch_write(request, page, db, today, ref, form, "plenaries", write)
