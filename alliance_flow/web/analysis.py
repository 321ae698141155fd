"""Stage 3 in the browser: sector profiles, secondary research, consultations, gaps (each with
add, edit and remove), the gaps workshop's minutes turned into gaps, and the map of the
organisations with its GeoJSON and KML exports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from alliance_flow.accounts.policy import Permission
from alliance_flow.errors import FieldProblem, NotFound
from alliance_flow.models import Alliance
from alliance_flow.safety import parse_id
from alliance_flow.services import analysis as analysis_service
from alliance_flow.services import items as item_service
from alliance_flow.services import mapping
from alliance_flow.vocabulary import ResearchKind
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
from alliance_flow.web.forms import FormState, parse_dates, save_form
from alliance_flow.web.headers import map_policy
from alliance_flow.web.i18n import N_
from alliance_flow.web.pages import FormData, render
from alliance_flow.web.settings import get_web_settings

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    widget: str = "text"  # text | textarea | date | url | select
    required: bool = False
    hint: str | None = None


@dataclass(frozen=True)
class Section:
    """One table of the analysis workspace: which kind of item, its fields, how it is named."""

    key: str
    kind: str
    title: str
    add: str  # the summary that opens the add form
    submit: str  # its button
    fields: tuple[Field, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def dates(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.widget == "date")


SECTIONS: dict[str, Section] = {
    s.key: s
    for s in (
        Section(
            "profiles",
            "sector-profile",
            N_("Sector profiles"),
            N_("Add a programme"),
            N_("Add the programme"),
            (
                Field("programme", N_("Programme or action"), required=True),
                Field("objectives", N_("Objectives"), "textarea"),
                Field("initiators", N_("Initiator"), hint=N_("Who runs or funds it")),
                Field("kind", N_("Type"), hint=N_("For example: training, helpline, drop-in")),
                Field("cost", N_("Cost"), hint=N_("For example: free, 20 € a session")),
                Field("availability_limits", N_("Limits to availability"), "textarea"),
                Field("obstacles", N_("Obstacles"), "textarea"),
            ),
        ),
        Section(
            "research",
            "research",
            N_("Secondary research"),
            N_("Add a source"),
            N_("Add the source"),
            (
                Field("title", N_("Title"), required=True),
                Field("kind", N_("Kind of source"), "select"),
                Field("url", N_("Web address"), "url", hint=N_("Where it can be read")),
                Field("notes", N_("What it tells us"), "textarea"),
            ),
        ),
        Section(
            "consultations",
            "consultation",
            N_("Consultations"),
            N_("Add a consultation"),
            N_("Add the consultation"),
            (
                Field("interviewee", N_("Who was consulted"), required=True),
                Field("organisation", N_("Organisation")),
                Field("held_on", N_("When"), "date"),
                Field("notes", N_("What was learnt"), "textarea"),
            ),
        ),
        Section(
            "gaps",
            "gap",
            N_("Gaps"),
            N_("Add a gap"),
            N_("Add the gap"),
            (
                Field("description", N_("The gap"), "textarea", required=True),
                Field("identified_on", N_("Identified on"), "date"),
                Field("source", N_("Where it came from"), hint=N_("A workshop, a consultation...")),
            ),
        ),
    )
}

RESEARCH_KINDS: dict[str, str] = {
    ResearchKind.GOVERNMENT_REPORT: N_("Government report"),
    ResearchKind.RESEARCH: N_("Research"),
    ResearchKind.OTHER: N_("Other"),
}


def _section(key: str) -> Section:
    found = SECTIONS.get(key)
    if found is None:
        raise NotFound(f"no table '{key}' in the analysis")
    return found


def _filled(form: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """Every named field sent, as typed: an emptied field must empty what was saved."""
    return {n: str(form[n]).strip() for n in names if n in form}


def _analysis_page(
    request: Request,
    page: Page,
    db: Any,
    today: Any,
    ref: str,
    *,
    status: int = 200,
    forms: dict[str, FormState] | None = None,
    editing: tuple[str, int] | None = None,
    edit_form: FormState | None = None,
    meeting_id: int | None = None,
    minutes_form: FormState | None = None,
) -> Response:
    viewer = viewer_of(page)
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.VIEW_PEOPLE)
        rows = {
            key: item_service.list_items(session=session, alliance=a, kind=s.kind)
            for key, s in SECTIONS.items()
        }
        may_manage = viewer.may(Permission.MANAGE, a.id)
        edited = None
        if editing is not None and may_manage:
            key, item_id = editing
            edited = item_service.get_item(
                session=session, alliance=a, kind=_section(key).kind, item_id=item_id
            )
            if edit_form is None:
                values = {f: getattr(edited, f) for f in _section(key).names}
                edit_form = FormState(values=values, prefix="edit-")
        meetings = analysis_service.minuted_meetings(session=session, alliance=a)
        chosen = next((mt for mt in meetings if mt.id == meeting_id), None)
        if chosen is None and meetings:
            chosen = meetings[0]
        entries = (
            analysis_service.minutes_entries(session=session, meeting=chosen) if chosen else []
        )
        gap_texts = {g.description for g in rows["gaps"]}  # type: ignore[attr-defined]
    forms = forms or {}
    return render(
        request,
        "analysis.html",
        page,
        status=status,
        alliance=a,
        sections=SECTIONS,
        rows=rows,
        may_manage=may_manage,
        forms={k: forms.get(k) or FormState(prefix=f"{k}-") for k in SECTIONS},
        editing=editing,
        edited=edited,
        edit_form=edit_form,
        research_kinds=RESEARCH_KINDS,
        kind_options=[(k, page.tr.gettext(v)) for k, v in RESEARCH_KINDS.items()],
        meetings=meetings,
        chosen_meeting=chosen,
        meeting_day=analysis_service.meeting_day,
        entries=entries,
        gap_texts=gap_texts,
        minutes_form=minutes_form or FormState(prefix="minutes-"),
    )


@router.get("/alliances/{ref}/analysis")
def analysis_page(
    request: Request,
    ref: str,
    page: SignedInPage,
    db: DbDep,
    today: TodayDep,
    edit: str | None = None,
    meeting: QueryId = None,
) -> Response:
    editing = None
    if edit and ":" in edit:
        key, _sep, number = edit.partition(":")
        row_id = parse_id(number)  # "²".isdigit() is true and int() fails on it
        if key in SECTIONS and row_id is not None:
            editing = (key, row_id)
    return _analysis_page(request, page, db, today, ref, editing=editing, meeting_id=meeting)


def _save(
    request: Request,
    page: Page,
    db: Any,
    today: Any,
    ref: str,
    key: str,
    form: dict[str, Any],
    item_id: int | None,
) -> Response:
    """Add (item_id None) or edit one row; a refusal shows the form again with what was typed."""
    section = _section(key)
    data, problems = parse_dates(_filled(form, section.names), section.dates)

    def write(session: Session, a: Alliance) -> str:
        if item_id is None:
            # an empty optional field on a new row is left to the schema's default
            values = {k: v for k, v in data.items() if v != ""}
            item_service.add_item(
                session=session, alliance=a, kind=section.kind, item_in=values, today=today
            )
        else:
            item_service.edit_item(
                session=session,
                alliance=a,
                kind=section.kind,
                item_id=item_id,
                changes=data,
                today=today,
            )
        return f"/alliances/{a.slug}/analysis#{key}"

    def refused(status: int, state: FormState) -> Response:
        if item_id is None:
            return _analysis_page(request, page, db, today, ref, status=status, forms={key: state})
        return _analysis_page(
            request, page, db, today, ref, status=status, editing=(key, item_id), edit_form=state
        )

    return save_form(
        db=db,
        page=page,
        ref=ref,
        form=form,
        prefix="edit-" if item_id else f"{key}-",
        problems=problems,
        write=write,
        refused=refused,
    )


@router.post("/alliances/{ref}/analysis/gaps-from-minutes")
def gaps_from_minutes(
    request: Request, ref: str, page: SignedInPage, db: DbDep, today: TodayDep, form: FormData
) -> Response:
    """The facilitated gaps workshop: chosen items of its minutes become gaps."""
    raw = form.get("entries", [])
    keys = raw if isinstance(raw, list) else ([raw] if raw else [])
    meeting_id = parse_id(str(form.get("meeting_id", "")))
    problems = []
    if meeting_id is None:
        problems.append(FieldProblem("meeting_id", page.tr.gettext("choose a meeting")))

    def write(session: Session, a: Alliance) -> str:
        assert meeting_id is not None  # refused above
        analysis_service.gaps_from_minutes(
            session=session, alliance=a, meeting_id=meeting_id, keys=keys, today=today
        )
        return f"/alliances/{a.slug}/analysis#gaps"

    return save_form(
        db=db,
        page=page,
        ref=ref,
        form=form,
        prefix="minutes-",
        problems=problems,
        write=write,
        refused=lambda status, state: _analysis_page(
            request, page, db, today, ref, status=status, meeting_id=meeting_id, minutes_form=state
        ),
    )


@router.post("/alliances/{ref}/analysis/{key}")
def add_row(
    request: Request,
    ref: str,
    key: str,
    page: SignedInPage,
    db: DbDep,
    today: TodayDep,
    form: FormData,
) -> Response:
    return _save(request, page, db, today, ref, key, form, None)


@router.post("/alliances/{ref}/analysis/{key}/{row_id}")
def edit_row(
    request: Request,
    ref: str,
    key: str,
    row_id: ItemId,
    page: SignedInPage,
    db: DbDep,
    today: TodayDep,
    form: FormData,
) -> Response:
    return _save(request, page, db, today, ref, key, form, row_id)


@router.post("/alliances/{ref}/analysis/{key}/{row_id}/remove")
def remove_row(
    request: Request, ref: str, key: str, row_id: ItemId, page: SignedInPage, db: DbDep
) -> Response:
    section = _section(key)
    viewer = viewer_of(page)
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.MANAGE)
        slug = a.slug
        item_service.remove_item(session=session, alliance=a, kind=section.kind, item_id=row_id)
    return RedirectResponse(f"/alliances/{slug}/analysis#{key}", status_code=303)


# --- the map ----------------------------------------------------------------------------------


def _map_page(
    request: Request,
    page: Page,
    db: Any,
    ref: str,
    *,
    status: int = 200,
    refused: tuple[int, FormState] | None = None,
) -> Response:
    viewer = viewer_of(page)
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.VIEW_PEOPLE)
        rows = mapping.places(session=session, alliance=a)
        may_manage = viewer.may(Permission.MANAGE, a.id)
    forms = {
        p.id: FormState(
            values={"latitude": _coordinate(p.latitude), "longitude": _coordinate(p.longitude)},
            prefix=f"org-{p.id}-",
        )
        for p in rows
    }
    if refused is not None:
        forms[refused[0]] = refused[1]
    answer = render(
        request,
        "map.html",
        page,
        status=status,
        alliance=a,
        places=rows,
        unmapped=[p for p in rows if not p.mapped],
        forms=forms,
        may_manage=may_manage,
        map_data=[p.as_json() for p in rows],
        tiles=get_web_settings().map_tiles,
        attribution=get_web_settings().map_attribution,
    )
    answer.headers["Content-Security-Policy"] = map_policy(get_web_settings().map_tiles)
    return answer


def _coordinate(value: float | None) -> str:
    return "" if value is None else repr(value)


@router.get("/alliances/{ref}/map")
def map_page(request: Request, ref: str, page: SignedInPage, db: DbDep) -> Response:
    return _map_page(request, page, db, ref)


@router.post("/alliances/{ref}/map/{organisation_id}")
def place_organisation(
    request: Request,
    ref: str,
    organisation_id: ItemId,
    page: SignedInPage,
    db: DbDep,
    today: TodayDep,
    form: FormData,
) -> Response:

    def write(session: Session, a: Alliance) -> str:
        mapping.place_organisation(
            session=session,
            alliance=a,
            organisation_id=organisation_id,
            latitude=str(form.get("latitude", "")),
            longitude=str(form.get("longitude", "")),
            today=today,
        )
        return f"/alliances/{a.slug}/map#org-{organisation_id}"

    return save_form(
        db=db,
        page=page,
        ref=ref,
        form=form,
        prefix=f"org-{organisation_id}-",
        write=write,
        refused=lambda status, state: _map_page(
            request, page, db, ref, status=status, refused=(organisation_id, state)
        ),
    )


def _export(page: Page, db: Any, ref: str, fmt: str) -> Response:
    viewer = viewer_of(page)
    tr = page.tr
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.VIEW_PEOPLE)
        rows = mapping.places(session=session, alliance=a)
        slug = a.slug

        def label(code: str) -> str:
            return tr.gettext(CODE_LABELS.get(code, code.replace("_", " ")))

        if fmt == "geojson":
            body = mapping.geojson_text(alliance=a, rows=rows, label=label)
            media = "application/geo+json"
        else:
            body = mapping.kml_text(alliance=a, rows=rows, label=label)
            media = "application/vnd.google-earth.kml+xml"
    return Response(
        body.encode(),
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{slug}-organisations.{fmt}"'},
    )


@router.get("/alliances/{ref}/map.geojson")
def map_geojson(ref: str, page: SignedInPage, db: DbDep) -> Response:
    return _export(page, db, ref, "geojson")


@router.get("/alliances/{ref}/map.kml")
def map_kml(ref: str, page: SignedInPage, db: DbDep) -> Response:
    return _export(page, db, ref, "kml")


#: Groups and sectors as the exported map's legend says them.
CODE_LABELS: dict[str, str] = {
    "migrant_refugee_community": N_("Migrant or refugee community"),
    "public_authority": N_("Public authority"),
    "community_network": N_("Community network"),
    "ngo": N_("NGO"),
    "mediator": N_("Mediator"),
    "social_worker": N_("Social worker"),
    "educator": N_("Educator"),
    "other": N_("Other"),
    "social_action": N_("Social action"),
    "socio_cultural_sports": N_("Socio-cultural and sports"),
    "economic_insertion": N_("Professional and economic insertion"),
}
