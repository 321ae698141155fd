"""Stage 5 in the browser: the communication plan as the guide's table, the communications
(press) officer, the publications with their links, and the alliance's public profile.

`/public/{ref}` is the one page here anybody may open without signing in: the profile the
coordinator published, in the alliance's working language, and a 404 until then."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from alliance_flow import models as m
from alliance_flow.accounts.policy import Permission
from alliance_flow.errors import FieldProblem
from alliance_flow.reminders.config import get_reminder_settings
from alliance_flow.safety import parse_id
from alliance_flow.services import dissemination as service
from alliance_flow.services import items as item_service
from alliance_flow.stages.dissemination import AUDIENCE_LABELS
from alliance_flow.vocabulary import Audience, PublicationKind
from alliance_flow.web import labels
from alliance_flow.web.deps import (
    DbDep,
    ItemId,
    Page,
    SignedInPage,
    TodayDep,
    alliance_for,
    viewer_of,
)
from alliance_flow.web.forms import FormState, parse_dates, save_form
from alliance_flow.web.i18n import N_, Translator
from alliance_flow.web.pages import FormData, render

router = APIRouter(include_in_schema=False)

#: The guide's communication plan, column by column (annex "communication plan"), plus who
#: delivers it.
PLAN_FIELDS = (
    "audience",
    "stakeholder",
    "objectives",
    "message",
    "delivery",
    "frequency",
    "responsible",
)
PUBLICATION_FIELDS = ("kind", "title", "url", "audience", "published_on")

#: Audiences as the plan's select names them (the check's own words, capitalised).
AUDIENCES: dict[str, str] = {
    Audience.MIGRANT_REFUGEE_COMMUNITY: N_("Migrant and refugee communities"),
    Audience.PUBLIC_AUTHORITY: N_("Public authorities"),
    Audience.COMMUNITY_NETWORK: N_("Community networks"),
    Audience.NGO: N_("NGOs"),
    Audience.MEDIATOR: N_("Mediators"),
    Audience.SOCIAL_WORKER: N_("Social workers"),
    Audience.EDUCATOR: N_("Educators"),
    Audience.POLICY_MAKERS: N_("Policy makers"),
    Audience.MEDIA: N_("The media"),
    Audience.GENERAL_PUBLIC: N_("The general public"),
    Audience.FUNDERS: N_("Funders"),
    Audience.OTHER: N_("Others"),
}

PUBLICATION_KINDS: dict[str, str] = {
    PublicationKind.PRESS: N_("Press article"),
    PublicationKind.NEWSLETTER: N_("Newsletter"),
    PublicationKind.VIDEO: N_("Video (case study)"),
    PublicationKind.SOCIAL_MEDIA: N_("Social media post"),
    PublicationKind.RESEARCH: N_("The research (results of the analysis)"),
    PublicationKind.ACTION_PLAN: N_("The signed regional action plan"),
    PublicationKind.ALLIANCE_PROFILE: N_("Alliance profile on a website"),
    PublicationKind.OTHER: N_("Other"),
}

PROFILE_PARTS: dict[str, str] = {
    "vision": N_("The shared vision"),
    "partners": N_("The partners' organisation names"),
    "action_plan": N_("A summary of the action plan"),
    "publications": N_("The publications, with their links"),
}


@dataclass(frozen=True)
class Editing:
    table: str  # "plan" or "publication"
    row_id: int


def _base_url() -> str:
    return get_reminder_settings().public_url


def _page(
    request: Request,
    page: Page,
    db: Any,
    today: Any,
    ref: str,
    *,
    status: int = 200,
    forms: dict[str, FormState] | None = None,
    editing: Editing | None = None,
) -> Response:
    viewer = viewer_of(page)
    forms = dict(forms or {})
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.VIEW_PEOPLE)
        plan = service.communication_plan(session=session, alliance=a)
        # codes of the check's own list: stakeholder groups and the settings' audiences
        unreached = [
            g
            for g in service.unreached(session=session, alliance=a, today=today)
            if g in set(Audience)
        ]
        officer = service.officer(session=session, alliance=a, today=today)
        published = service.publications(session=session, alliance=a)
        profile = service.profile(session=session, alliance=a)
        members: list[Any] = item_service.list_items(session=session, alliance=a, kind="member")
        may_manage = viewer.may(Permission.MANAGE, a.id)
        edited: Any = None
        if editing is not None and may_manage:
            kind = "communication" if editing.table == "plan" else "publication"
            edited = item_service.get_item(
                session=session, alliance=a, kind=kind, item_id=editing.row_id
            )
            if "edit" not in forms:
                names = PLAN_FIELDS if editing.table == "plan" else PUBLICATION_FIELDS
                forms["edit"] = FormState(
                    values={n: getattr(edited, n) for n in names}, prefix="edit-"
                )
    active = [mb for mb in members if mb.is_active(today)]
    tr = page.tr
    profile_values = {
        "introduction": profile.introduction if profile else "",
        "parts": service.chosen_parts(profile),
    }
    return render(
        request,
        "dissemination.html",
        page,
        status=status,
        alliance=a,
        plan=plan,
        unreached=unreached,
        officer=officer,
        published=published,
        profile=profile,
        profile_record=profile.publication_id if profile else None,
        public_path=service.public_path(a),
        public_address=service.public_address(a, _base_url()),
        may_manage=may_manage,
        editing=editing,
        edited=edited,
        audiences=AUDIENCES,
        audience_options=[(k, tr.gettext(v)) for k, v in AUDIENCES.items()],
        kinds=PUBLICATION_KINDS,
        kind_options=[(k, tr.gettext(v)) for k, v in PUBLICATION_KINDS.items()],
        part_options=[(k, tr.gettext(v)) for k, v in PROFILE_PARTS.items()],
        officer_options=[(mb.id, mb.name) for mb in active],
        plan_form=forms.get("plan")
        or FormState(values={"audience": unreached[0] if unreached else ""}, prefix="plan-"),
        officer_form=forms.get("officer")
        or FormState(
            values={"communications_officer": officer.id if officer else ""}, prefix="officer-"
        ),
        publication_form=forms.get("publication")
        or FormState(values={"published_on": today, "kind": "press"}, prefix="pub-"),
        profile_form=forms.get("profile") or FormState(values=profile_values, prefix="profile-"),
        edit_form=forms.get("edit"),
        unreached_labels=[tr.gettext(AUDIENCE_LABELS[Audience(g)]) for g in unreached],
    )


@router.get("/alliances/{ref}/dissemination")
def dissemination_page(
    request: Request,
    ref: str,
    page: SignedInPage,
    db: DbDep,
    today: TodayDep,
    edit: str | None = None,
) -> Response:
    editing = None
    if edit and ":" in edit:
        table, _sep, number = edit.partition(":")
        row_id = parse_id(number)
        if table in ("plan", "publication") and row_id is not None:
            editing = Editing(table, row_id)
    return _page(request, page, db, today, ref, editing=editing)


def _filled(form: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """Every named field sent, as typed: an emptied field must empty what was saved."""
    return {n: str(form[n]).strip() for n in names if n in form}


def _save(
    request: Request,
    page: Page,
    db: Any,
    today: Any,
    ref: str,
    form: dict[str, Any],
    *,
    table: str,
    row_id: int | None,
) -> Response:
    """Add (row_id None) or change one row of the plan or of the publications."""
    names = PLAN_FIELDS if table == "plan" else PUBLICATION_FIELDS
    data, problems = parse_dates(_filled(form, names), ("published_on",))
    added = {k: v for k, v in data.items() if v != ""}  # a new row's empty fields: defaults

    def write(session: Session, a: m.Alliance) -> str:
        row: Any
        if table == "plan" and row_id is None:
            row = item_service.add_item(
                session=session, alliance=a, kind="communication", item_in=added, today=today
            )
        elif table == "plan":
            row = item_service.edit_item(
                session=session,
                alliance=a,
                kind="communication",
                item_id=row_id,
                changes=data,
                today=today,
            )
        elif row_id is None:
            row = service.record_publication(
                session=session, alliance=a, publication_in=added, today=today
            )
        else:
            row = service.edit_publication(
                session=session, alliance=a, item_id=row_id, changes=data, today=today
            )
        anchor = f"plan-row-{row.id}" if table == "plan" else f"publication-{row.id}"
        return f"/alliances/{a.slug}/dissemination#{anchor}"

    key = "edit" if row_id is not None else table
    editing = Editing(table, row_id) if row_id is not None else None

    def refused(status: int, state: FormState) -> Response:
        return _page(
            request, page, db, today, ref, status=status, forms={key: state}, editing=editing
        )

    prefix = "edit-" if row_id is not None else ("plan-" if table == "plan" else "pub-")
    return save_form(
        db=db,
        page=page,
        ref=ref,
        form=form,
        prefix=prefix,
        problems=problems,
        write=write,
        refused=refused,
    )


def _remove(
    request: Request, page: Page, db: Any, today: Any, ref: str, *, table: str, row_id: int
) -> Response:
    def write(session: Session, a: m.Alliance) -> str:
        if table == "plan":
            item_service.remove_item(
                session=session, alliance=a, kind="communication", item_id=row_id
            )
            return f"/alliances/{a.slug}/dissemination#plan"
        service.remove_publication(session=session, alliance=a, item_id=row_id)
        return f"/alliances/{a.slug}/dissemination#publications"

    def refused(status: int, state: FormState) -> Response:
        return _page(
            request,
            page,
            db,
            today,
            ref,
            status=status,
            forms={"edit": state},
            editing=Editing(table, row_id),
        )

    return save_form(
        db=db, page=page, ref=ref, form={}, prefix="edit-", write=write, refused=refused
    )


@router.post("/alliances/{ref}/dissemination/plan")
def add_plan_row(
    request: Request, ref: str, page: SignedInPage, db: DbDep, today: TodayDep, form: FormData
) -> Response:
    return _save(request, page, db, today, ref, form, table="plan", row_id=None)


@router.post("/alliances/{ref}/dissemination/plan/{plan_row}")
def edit_plan_row(
    request: Request,
    ref: str,
    plan_row: ItemId,
    page: SignedInPage,
    db: DbDep,
    today: TodayDep,
    form: FormData,
) -> Response:
    return _save(request, page, db, today, ref, form, table="plan", row_id=plan_row)


@router.post("/alliances/{ref}/dissemination/plan/{plan_row}/remove")
def remove_plan_row(
    request: Request, ref: str, plan_row: ItemId, page: SignedInPage, db: DbDep, today: TodayDep
) -> Response:
    return _remove(request, page, db, today, ref, table="plan", row_id=plan_row)


@router.post("/alliances/{ref}/dissemination/publications")
def add_publication(
    request: Request, ref: str, page: SignedInPage, db: DbDep, today: TodayDep, form: FormData
) -> Response:
    return _save(request, page, db, today, ref, form, table="publication", row_id=None)


@router.post("/alliances/{ref}/dissemination/publications/{publication_id}")
def edit_publication(
    request: Request,
    ref: str,
    publication_id: ItemId,
    page: SignedInPage,
    db: DbDep,
    today: TodayDep,
    form: FormData,
) -> Response:
    return _save(request, page, db, today, ref, form, table="publication", row_id=publication_id)


@router.post("/alliances/{ref}/dissemination/publications/{publication_id}/remove")
def remove_publication(
    request: Request,
    ref: str,
    publication_id: ItemId,
    page: SignedInPage,
    db: DbDep,
    today: TodayDep,
) -> Response:
    return _remove(request, page, db, today, ref, table="publication", row_id=publication_id)


@router.post("/alliances/{ref}/dissemination/officer")
def set_officer(
    request: Request, ref: str, page: SignedInPage, db: DbDep, today: TodayDep, form: FormData
) -> Response:
    """Name the communications (press) officer; the chair and secretary are left alone."""
    text = str(form.get("communications_officer", "") or "").strip()
    member_id = parse_id(text)
    problems = []
    if text and member_id is None:
        problems.append(FieldProblem("communications_officer", page.tr.gettext("choose a member")))

    def write(session: Session, a: m.Alliance) -> str:
        service.set_officer(session=session, alliance=a, member_id=member_id, today=today)
        return f"/alliances/{a.slug}/dissemination#officer"

    def refused(status: int, state: FormState) -> Response:
        return _page(request, page, db, today, ref, status=status, forms={"officer": state})

    return save_form(
        db=db,
        page=page,
        ref=ref,
        form=form,
        prefix="officer-",
        problems=problems,
        write=write,
        refused=refused,
    )


@router.post("/alliances/{ref}/dissemination/profile")
def save_profile(
    request: Request, ref: str, page: SignedInPage, db: DbDep, today: TodayDep, form: FormData
) -> Response:
    """Choose what the public profile shows; publish it, or take it down."""
    raw = form.get("parts", [])
    parts = [str(p) for p in (raw if isinstance(raw, list) else [raw] if raw else [])]

    def write(session: Session, a: m.Alliance) -> str:
        service.save_profile(
            session=session,
            alliance=a,
            introduction=str(form.get("introduction", "")),
            parts=parts,
            action=str(form.get("action", "save")),
            today=today,
            base_url=_base_url(),
        )
        return f"/alliances/{a.slug}/dissemination#profile"

    def refused(status: int, state: FormState) -> Response:
        return _page(request, page, db, today, ref, status=status, forms={"profile": state})

    return save_form(
        db=db,
        page=page,
        ref=ref,
        form={**form, "parts": parts},
        prefix="profile-",
        write=write,
        refused=refused,
    )


# --- the public profile -----------------------------------------------------------------------


@router.get("/public/{ref}")
def public_profile(request: Request, ref: str, db: DbDep, today: TodayDep) -> Response:
    """The alliance's published profile, for anybody, in the alliance's working language."""
    with db.transaction() as session:
        shown = service.public_profile(session=session, slug=ref, today=today)
    tr = Translator(shown.language)
    answer = render(
        request,
        "public_profile.html",
        Page(None, "", tr),
        profile=shown,
        kinds=PUBLICATION_KINDS,
        statuses=labels.ACTION_STATUSES,
    )
    answer.headers["Cache-Control"] = "no-cache"
    return answer
