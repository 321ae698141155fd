"""The guide's annexes, filled in from the data and ready to print or save as PDF.

Every annex is printed in the alliance's working language (not the reader's), with dates and
money as they are written in the alliance's country, through ONE layout (`print/base.html`,
`/static/print.css`) and one way of routing:

- `/alliances/{slug}/print` lists the documents the reader may print;
- `/alliances/{slug}/print/{annex}` for the briefing, the charter, the action plan, the
  communication plan and the SWOT;
- `/alliances/{slug}/meetings/{id}/print/{annex}` for a meeting's invitation, agenda and minutes.

The addresses used before (`/briefing/print`, `/meetings/{id}/invitation`) answer the same page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from babel.numbers import format_currency
from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from alliance_flow import models as m
from alliance_flow.accounts.policy import Permission
from alliance_flow.errors import NotFound
from alliance_flow.i18n import use_language
from alliance_flow.reminders.config import get_reminder_settings
from alliance_flow.reports.i18n import country_currency
from alliance_flow.services import dissemination as dissemination_service
from alliance_flow.services import meetings as meeting_service
from alliance_flow.services import planning
from alliance_flow.services import sustainability as sustainability_service
from alliance_flow.web import dissemination, sustainability
from alliance_flow.web.deps import (
    DbDep,
    ItemId,
    Page,
    QueryId,
    SignedInPage,
    TodayDep,
    alliance_for,
    viewer_of,
)
from alliance_flow.web.i18n import N_, Translator, country_locale, language_name
from alliance_flow.web.pages import render

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Annex:
    key: str
    title: str
    permission: Permission
    #: what it holds, in a sentence, for the list of documents
    holds: str = ""
    #: True for a meeting's documents (printed per meeting)
    per_meeting: bool = False


#: The annexes in the order of the guide's method.
ANNEXES: tuple[Annex, ...] = (
    Annex(
        "briefing",
        N_("Briefing document"),
        Permission.VIEW,
        N_(
            "Why the alliance is set up, the situation in the region, why community mediation, "
            "the reasons to get involved and what is asked of each organisation."
        ),
    ),
    Annex("invitation", N_("Invitation"), Permission.VIEW_PEOPLE, per_meeting=True),
    Annex("agenda", N_("Agenda"), Permission.VIEW_PEOPLE, per_meeting=True),
    Annex("minutes", N_("Minutes"), Permission.VIEW_PEOPLE, per_meeting=True),
    Annex(
        "action-plan",
        N_("Regional action plan"),
        Permission.VIEW_PEOPLE,
        N_(
            "The guide's action table: each action, the local problem, its budget and "
            "resources, who is responsible and when, with the shared vision."
        ),
    ),
    Annex(
        "charter",
        N_("Charter of engagement"),
        Permission.VIEW_PEOPLE,
        N_("The current version, with a signature block to sign on paper and who has signed."),
    ),
    Annex(
        "communication-plan",
        N_("Communication plan"),
        Permission.VIEW,
        N_("Who the alliance talks to, what for, with which message, how and how often."),
    ),
    Annex(
        "swot",
        N_("SWOT analysis"),
        Permission.VIEW,
        N_("Strengths, weaknesses, opportunities and threats from the latest evaluation."),
    ),
)
BY_KEY = {a.key: a for a in ANNEXES}

#: The toolbar above a printed annex speaks the reader's language, the annex the alliance's.
TOOLBAR: dict[str, str] = {
    "back": N_("Back"),
    "documents": N_("All documents to print"),
    "print": N_("Print or save as PDF"),
    "language": N_("This document is in the alliance's working language: %(language)s."),
    "hint": N_("Use your browser's Print command to print or save as PDF."),
}


def working_translator(alliance: m.Alliance) -> Translator:
    """The alliance's working language, with dates and numbers as written in its country."""
    return Translator(alliance.language, country_locale(alliance.language, alliance.country))


def money_in(alliance: m.Alliance) -> Callable[[Decimal | None], str]:
    """Amounts in the alliance's currency, written as in its country."""
    where = country_locale(alliance.language, alliance.country)
    currency = country_currency(alliance.country)

    def money(amount: Decimal | None) -> str:
        return "" if amount is None else format_currency(amount, currency, locale=where)

    return money


def _print(
    request: Request, page: Page, alliance: m.Alliance, annex: str, **context: Any
) -> Response:
    """An annex in the one print layout, spoken in the alliance's working language."""
    working = replace(page, tr=working_translator(alliance))  # a funder's page still withholds
    meta = BY_KEY[annex]
    return render(
        request,
        f"print/{annex.replace('-', '_')}.html",
        working,
        alliance=alliance,
        annex=meta,
        toolbar={k: page.tr.gettext(v) for k, v in TOOLBAR.items()},
        working_language=language_name(alliance.language),
        money=money_in(alliance),
        **context,
    )


# --- the list of documents ----------------------------------------------------------------------


@router.get("/alliances/{ref}/print")
def annexes_page(request: Request, ref: str, page: SignedInPage, db: DbDep) -> Response:
    """What the reader may print for this alliance, each meeting with its three documents."""
    viewer = viewer_of(page)
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.VIEW)
        may = {x.key for x in ANNEXES if viewer.may(x.permission, a.id)}
        meetings = (
            meeting_service.list_meetings(session=session, alliance=a)
            if viewer.may(Permission.VIEW_PEOPLE, a.id)
            else []
        )
        with use_language(page.tr.language):
            names = {mt.id: meeting_service.meeting_name(mt) for mt in meetings}
    return render(
        request,
        "annexes.html",
        page,
        alliance=a,
        annexes=[x for x in ANNEXES if x.key in may and not x.per_meeting],
        meeting_annexes=[x for x in ANNEXES if x.key in may and x.per_meeting],
        meetings=[(mt, names[mt.id], meeting_service.local_start(mt)) for mt in reversed(meetings)],
        working_language=language_name(a.language),
    )


# --- stage 1: the briefing ----------------------------------------------------------------------


@router.get("/alliances/{ref}/print/briefing")
@router.get("/alliances/{ref}/briefing/print")
def print_briefing(request: Request, ref: str, page: SignedInPage, db: DbDep) -> Response:
    """The briefing as it is sent to stakeholders, before they are contacted."""
    with db.transaction() as session:
        a = alliance_for(
            session=session, viewer=viewer_of(page), ref=ref, permission=Permission.VIEW
        )
        row = session.get(m.Briefing, a.id)
        written = row is not None and any(
            (
                row.why,
                row.regional_situation,
                row.why_mediation,
                row.reasons,
                row.expected_commitment,
            )
        )
    return _print(
        request,
        page,
        a,
        "briefing",
        briefing=row if written else None,
        back=f"/alliances/{a.slug}/briefing",
    )


# --- a meeting's invitation, agenda and minutes -------------------------------------------------


@dataclass(frozen=True)
class Block:
    """A run of the letter: a paragraph, a heading, or a list."""

    kind: str  # "p", "h2" or "ul"
    lines: tuple[str, ...]


def letter_blocks(lines: tuple[str, ...]) -> list[Block]:
    """The invitation's lines as paragraphs, with its programme as a headed list."""
    blocks: list[Block] = []
    items: list[str] = []
    for line in (*lines, ""):
        if line.startswith("- "):
            items.append(line[2:])
            continue
        if items:
            if blocks and blocks[-1].kind == "p" and len(blocks[-1].lines) == 1:
                blocks[-1] = Block("h2", blocks[-1].lines)
            blocks.append(Block("ul", tuple(items)))
            items = []
        if line:
            blocks.append(Block("p", (line,)))
    return blocks


def _meeting_context(
    session: Session, alliance: m.Alliance, meeting_id: int, today: Any
) -> dict[str, Any]:
    view = meeting_service.meeting_view(
        session=session, alliance=alliance, meeting_id=meeting_id, today=today
    )
    with use_language(alliance.language):
        name = meeting_service.meeting_name(view.meeting)
    return {
        "back": f"/alliances/{alliance.slug}/meetings/{meeting_id}",
        "view": view,
        "meeting": view.meeting,
        "meeting_name": name,
        "start": meeting_service.local_start(view.meeting),
    }


@router.get("/alliances/{ref}/meetings/{meeting_id}/print/invitation")
@router.get("/alliances/{ref}/meetings/{meeting_id}/invitation")
def print_invitation(
    request: Request, ref: str, meeting_id: ItemId, page: SignedInPage, db: DbDep, today: TodayDep
) -> Response:
    """The guide's invitation, filled in: also for members no message can reach."""
    with db.transaction() as session:
        a = alliance_for(
            session=session, viewer=viewer_of(page), ref=ref, permission=Permission.VIEW_PEOPLE
        )
        context = _meeting_context(session, a, meeting_id, today)
        with use_language(a.language):
            letter = meeting_service.invitation(
                alliance=a,
                meeting=context["meeting"],
                agenda=context["view"].agenda,
                base_url=get_reminder_settings().public_url,
            )
    return _print(
        request,
        page,
        a,
        "invitation",
        letter=letter,
        blocks=letter_blocks(letter.lines),
        **context,
    )


@router.get("/alliances/{ref}/meetings/{meeting_id}/print/agenda")
def print_agenda(
    request: Request, ref: str, meeting_id: ItemId, page: SignedInPage, db: DbDep, today: TodayDep
) -> Response:
    """The guide's agenda: host, place and date, then time, item and moderator."""
    with db.transaction() as session:
        a = alliance_for(
            session=session, viewer=viewer_of(page), ref=ref, permission=Permission.VIEW_PEOPLE
        )
        context = _meeting_context(session, a, meeting_id, today)
    return _print(request, page, a, "agenda", **context)


@router.get("/alliances/{ref}/meetings/{meeting_id}/print/minutes")
def print_minutes(
    request: Request, ref: str, meeting_id: ItemId, page: SignedInPage, db: DbDep, today: TodayDep
) -> Response:
    """The guide's minutes: who was present and absent, what was said on each item, and each
    agreed action with the person responsible and the date."""
    with db.transaction() as session:
        a = alliance_for(
            session=session, viewer=viewer_of(page), ref=ref, permission=Permission.VIEW_PEOPLE
        )
        context = _meeting_context(session, a, meeting_id, today)
    view = context["view"]
    recorded = bool(
        view.meeting.minutes
        or view.actions
        or any(item.minutes for item in view.agenda)
        or any(r.present is not None for r in view.attendance)
    )
    return _print(request, page, a, "minutes", recorded=recorded, **context)


# --- stage 4: the action plan and the charter ---------------------------------------------------


@router.get("/alliances/{ref}/print/action-plan")
def print_action_plan(request: Request, ref: str, page: SignedInPage, db: DbDep) -> Response:
    """The guide's action-plan table, with each action's SMART objective and indicator."""
    with db.transaction() as session:
        a = alliance_for(
            session=session, viewer=viewer_of(page), ref=ref, permission=Permission.VIEW_PEOPLE
        )
        with use_language(a.language):
            plan = planning.action_plan(session=session, alliance=a)
    total = sum((r.action.estimated_budget or Decimal(0) for r in plan), Decimal(0))
    return _print(
        request,
        page,
        a,
        "action-plan",
        plan=plan,
        total=total if plan else None,
        landscape=True,
        back=f"/alliances/{a.slug}/actions",
    )


@router.get("/alliances/{ref}/print/charter")
def print_charter(
    request: Request,
    ref: str,
    page: SignedInPage,
    db: DbDep,
    today: TodayDep,
    draft: bool = False,
) -> Response:
    """The current charter with the alliance's vision, a signature block to fill in on paper,
    and the signatures recorded for this version; or, for coordinators, the draft."""
    viewer = viewer_of(page)
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.VIEW_PEOPLE)
        overview = planning.charter_overview(session=session, alliance=a, today=today)
        # a draft is the coordinators' work in progress: members never see it
        unpublished = (
            planning.charter_draft(session=session, alliance=a)
            if draft and viewer.may(Permission.MANAGE, a.id)
            else None
        )
    return _print(
        request,
        page,
        a,
        "charter",
        current=overview[0] if overview else None,
        draft=unpublished,
        back=f"/alliances/{a.slug}/charter",
    )


# --- stage 5 and 6: the communication plan and the SWOT -----------------------------------------


@router.get("/alliances/{ref}/print/communication-plan")
def print_communication_plan(
    request: Request, ref: str, page: SignedInPage, db: DbDep, today: TodayDep
) -> Response:
    """The guide's communication plan: who, what for, what message, how and where, when; and
    the communications officer (named only to those who may see the alliance's people)."""
    viewer = viewer_of(page)
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.VIEW)
        rows = list(
            session.scalars(
                select(m.CommunicationPlanRow)
                .where(m.CommunicationPlanRow.alliance_id == a.id)
                .order_by(m.CommunicationPlanRow.id)
            )
        )
        officer = (
            dissemination_service.officer(session=session, alliance=a, today=today)
            if viewer.may(Permission.VIEW_PEOPLE, a.id)
            else None
        )
    return _print(
        request,
        page,
        a,
        "communication-plan",
        rows=rows,
        audiences=dissemination.AUDIENCES,
        officers=[officer.name] if officer else [],
        show_responsible=any(r.responsible for r in rows),
        landscape=True,
    )


def _swot_of(session: Session, alliance: m.Alliance, chosen: int | None) -> m.Evaluation | None:
    """The evaluation asked for, else the latest one that holds a SWOT."""
    found = session.scalars(
        select(m.Evaluation)
        .where(m.Evaluation.alliance_id == alliance.id)
        .order_by(m.Evaluation.held_on.desc(), m.Evaluation.id.desc())
    )
    for row in found:
        if chosen is not None:
            if row.id == chosen:
                return row
            continue
        if any(getattr(row, q.field) for q in sustainability_service.SWOT):
            return row
    if chosen is not None:
        raise NotFound(f"no evaluation {chosen} in '{alliance.slug}'")
    return None


@router.get("/alliances/{ref}/print/swot")
def print_swot(
    request: Request,
    ref: str,
    page: SignedInPage,
    db: DbDep,
    evaluation: QueryId = None,
) -> Response:
    """The guide's SWOT: internal facts (strengths, weaknesses) above external ones
    (opportunities, threats), each quadrant with its prompting questions."""
    viewer = viewer_of(page)
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.VIEW)
        row = _swot_of(session, a, evaluation)
        show_evaluator = viewer.may(Permission.VIEW_PEOPLE, a.id)
    return _print(
        request,
        page,
        a,
        "swot",
        evaluation=row,
        quadrants=sustainability_service.SWOT,
        kinds=sustainability.EVALUATION_KINDS,
        show_evaluator=show_evaluator,
    )
