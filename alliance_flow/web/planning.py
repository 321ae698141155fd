"""Stage 4 in the browser: the shared vision, the action plan with its SMART scores, the
charter's versions and signatures, and the publication of the research and of the plan.

`/alliances/{slug}/actions` and `/alliances/{slug}/charter` are where the reminders send members:
both open for every member, and show each member what is theirs to do."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from babel.numbers import format_currency
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from alliance_flow.accounts import membership
from alliance_flow.accounts.policy import Permission
from alliance_flow.errors import FieldProblem
from alliance_flow.models import Alliance
from alliance_flow.services import documents, planning
from alliance_flow.services import items as item_service
from alliance_flow.vocabulary import ActionStatus, PublicationKind
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
from alliance_flow.web.i18n import N_
from alliance_flow.web.pages import FormData, form_version, render
from alliance_flow.web.uploads import Uploads, read_upload

router = APIRouter(include_in_schema=False)

ACTION_FIELDS = (
    "number",
    "objective",
    "action",
    "local_problem",
    "description",
    "owner_member_id",
    "responsible",
    "collaborators",
    "starts_on",
    "ends_on",
    "estimated_budget",
    "resources",
    "obstacles",
    "obstacle_plan",
    "indicator",
    "status",
    "completed_on",
)
ACTION_DATES = ("starts_on", "ends_on", "completed_on")

PUBLICATION_KINDS: dict[str, str] = {
    PublicationKind.RESEARCH: N_("The research (results of the analysis)"),
    PublicationKind.ACTION_PLAN: N_("The signed regional action plan"),
}


# --- the planning workspace: vision and publications ---------------------------------------------


def _planning_page(
    request: Request,
    page: Page,
    db: Any,
    today: Any,
    ref: str,
    *,
    status: int = 200,
    vision_form: FormState | None = None,
    publish_form: FormState | None = None,
) -> Response:
    viewer = viewer_of(page)
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.VIEW_PEOPLE)
        plan = planning.action_plan(session=session, alliance=a)
        published = planning.publications(session=session, alliance=a)
        overview = planning.charter_overview(session=session, alliance=a, today=today)
        may_manage = viewer.may(Permission.MANAGE, a.id)
        signed = documents.infos(
            session=session, alliance=a, purpose=documents.Purpose.SIGNED_ACTION_PLAN
        ).get(None)
    return render(
        request,
        "planning.html",
        page,
        status=status,
        signed=signed,
        accept=documents.accept_attribute(),
        accepted=documents.accepted_types(),
        max_size=documents.human_size(documents.max_bytes()),
        alliance=a,
        plan=plan,
        published=published,
        current_charter=overview[0] if overview else None,
        may_manage=may_manage,
        vision_form=vision_form
        or FormState(
            values={"vision": a.vision, "vision_agreed_on": a.vision_agreed_on}, prefix="vision-"
        ),
        publish_form=publish_form
        or FormState(values={"published_on": today, "kind": "research"}, prefix="publish-"),
        publication_kinds=PUBLICATION_KINDS,
    )


@router.get("/alliances/{ref}/planning")
def planning_page(
    request: Request, ref: str, page: SignedInPage, db: DbDep, today: TodayDep
) -> Response:
    return _planning_page(request, page, db, today, ref)


@router.post("/alliances/{ref}/planning/vision")
def save_vision(
    request: Request, ref: str, page: SignedInPage, db: DbDep, today: TodayDep, form: FormData
) -> Response:
    data, problems = parse_dates(form, ("vision_agreed_on",))

    def write(session: Session, a: Alliance) -> str:
        planning.set_vision(
            session=session,
            alliance=a,
            vision=str(data.get("vision", "")).strip(),
            agreed_on=str(data.get("vision_agreed_on", "")).strip(),
            today=today,
        )
        return f"/alliances/{a.slug}/planning#vision"

    return save_form(
        db=db,
        page=page,
        ref=ref,
        form=form,
        prefix="vision-",
        problems=problems,
        write=write,
        refused=lambda status, state: _planning_page(
            request, page, db, today, ref, status=status, vision_form=state
        ),
    )


@router.post("/alliances/{ref}/planning/publications")
def publish(
    request: Request,
    ref: str,
    page: SignedInPage,
    db: DbDep,
    today: TodayDep,
    form: FormData,
    uploads: Uploads,
) -> Response:
    data, problems = parse_dates(form, ("published_on",))
    fields = ("kind", "title", "url", "published_on")
    values = {k: str(data.get(k, "")).strip() for k in fields if str(data.get(k, "")).strip()}
    by = viewer_of(page).author

    def write(session: Session, a: Alliance) -> str:
        planning.publish(
            session=session,
            alliance=a,
            publication_in=values,
            today=today,
            signed=read_upload(uploads, "signed"),
            by=by,
        )
        return f"/alliances/{a.slug}/planning#publish"

    return save_form(
        db=db,
        page=page,
        ref=ref,
        form=form,
        prefix="publish-",
        problems=problems,
        write=write,
        refused=lambda status, state: _planning_page(
            request, page, db, today, ref, status=status, publish_form=state
        ),
    )


# --- the action plan ----------------------------------------------------------------------------


def _actions_page(
    request: Request,
    page: Page,
    db: Any,
    today: Any,
    ref: str,
    *,
    status: int = 200,
    add_form: FormState | None = None,
    editing: int | None = None,
    edit_form: FormState | None = None,
    own_forms: dict[int, FormState] | None = None,
) -> Response:
    viewer = viewer_of(page)
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.VIEW_PEOPLE)
        plan = planning.action_plan(session=session, alliance=a)
        members = item_service.list_items(session=session, alliance=a, kind="member")
        may_manage = viewer.may(Permission.MANAGE, a.id)
        # reminders about any action of theirs (plan or minutes) send members here
        part = membership.my_part(session=session, viewer=viewer, alliance=a, today=today)
        edited = None
        if editing is not None and may_manage:
            edited = item_service.get_item(
                session=session, alliance=a, kind="action", item_id=editing
            )
            if edit_form is None:
                values = {f: getattr(edited, f) for f in ACTION_FIELDS}
                edit_form = FormState(values=values, prefix="edit-")
    me = viewer.member_on(a.id)
    own = {
        row.action.id: FormState(
            values={
                "status": row.action.status,
                "completed_on": row.action.completed_on or today,
            },
            prefix=f"own-{row.action.id}-",
        )
        for row in plan
        if me is not None and row.action.owner_member_id == me
    }
    own.update({k: v for k, v in (own_forms or {}).items() if k in own})
    scores = [row.smart.percent for row in plan if row.action.status != ActionStatus.DROPPED]
    return render(
        request,
        "actions.html",
        page,
        status=status,
        alliance=a,
        plan=plan,
        members=members,
        may_manage=may_manage,
        add_form=add_form or FormState(values={"status": "planned"}, prefix="add-"),
        editing=editing,
        edited=edited,
        edit_form=edit_form,
        own_forms=own,
        minutes_actions=part.minutes_actions,
        average=round(sum(scores) / len(scores)) if scores else None,
        statuses=[s.value for s in ActionStatus],
        today=today,
        money=lambda amount: format_currency(amount, "EUR", locale=page.tr.language),
    )


@router.get("/alliances/{ref}/actions")
def actions_page(
    request: Request,
    ref: str,
    page: SignedInPage,
    db: DbDep,
    today: TodayDep,
    edit: QueryId = None,
) -> Response:
    return _actions_page(request, page, db, today, ref, editing=edit)


def _action_data(form: dict[str, Any]) -> tuple[dict[str, Any], list[FieldProblem]]:
    # amounts are read the reader's way by the schema ("1 200,50" in French)
    values = {n: str(form[n]).strip() for n in ACTION_FIELDS if n in form}
    return parse_dates(values, ACTION_DATES)


def _save_action(
    request: Request,
    page: Page,
    db: Any,
    today: Any,
    ref: str,
    form: dict[str, Any],
    item_id: int | None,
) -> Response:
    data, problems = _action_data(form)

    def write(session: Session, a: Alliance) -> str:
        if item_id is None:
            values = {k: v for k, v in data.items() if v != ""}
            row: Any = item_service.add_item(
                session=session, alliance=a, kind="action", item_in=values, today=today
            )
        else:
            row = item_service.edit_item(
                session=session,
                alliance=a,
                kind="action",
                item_id=item_id,
                changes=data,
                today=today,
            )
        return f"/alliances/{a.slug}/actions#action-{row.id}"

    def refused(status: int, state: FormState) -> Response:
        if item_id is None:
            return _actions_page(request, page, db, today, ref, status=status, add_form=state)
        return _actions_page(
            request, page, db, today, ref, status=status, editing=item_id, edit_form=state
        )

    return save_form(
        db=db,
        page=page,
        ref=ref,
        form=form,
        prefix="add-" if item_id is None else "edit-",
        problems=problems,
        write=write,
        refused=refused,
    )


@router.post("/alliances/{ref}/actions")
def add_action(
    request: Request, ref: str, page: SignedInPage, db: DbDep, today: TodayDep, form: FormData
) -> Response:
    return _save_action(request, page, db, today, ref, form, None)


@router.post("/alliances/{ref}/actions/{plan_action}")
def edit_action(
    request: Request,
    ref: str,
    plan_action: ItemId,
    page: SignedInPage,
    db: DbDep,
    today: TodayDep,
    form: FormData,
) -> Response:
    return _save_action(request, page, db, today, ref, form, plan_action)


@router.post("/alliances/{ref}/actions/{plan_action}/remove")
def remove_action(ref: str, plan_action: ItemId, page: SignedInPage, db: DbDep) -> Response:
    viewer = viewer_of(page)
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.MANAGE)
        slug = a.slug
        item_service.remove_item(session=session, alliance=a, kind="action", item_id=plan_action)
    return RedirectResponse(f"/alliances/{slug}/actions", status_code=303)


@router.post("/alliances/{ref}/actions/{plan_action}/progress")
def report_progress(
    request: Request,
    ref: str,
    plan_action: ItemId,
    page: SignedInPage,
    db: DbDep,
    today: TodayDep,
    form: FormData,
) -> Response:
    """The owner says how their action stands, and the day it was done."""
    data, problems = parse_dates(form, ("completed_on",))
    changes = {
        "status": str(data.get("status", "")).strip(),
        "completed_on": str(data.get("completed_on", "")).strip(),
    }

    def write(session: Session, a: Alliance) -> str:
        membership.update_own_action(
            session=session,
            viewer=viewer_of(page),
            alliance=a,
            kind="action",
            item_id=plan_action,
            changes=changes,
            today=today,
        )
        return f"/alliances/{a.slug}/actions#action-{plan_action}"

    return save_form(
        db=db,
        page=page,
        ref=ref,
        form=form,
        prefix=f"own-{plan_action}-",
        permission=Permission.OWN_ITEMS,
        problems=problems,
        write=write,
        refused=lambda status, state: _actions_page(
            request, page, db, today, ref, status=status, own_forms={plan_action: state}
        ),
    )


# --- the charter of engagement -----------------------------------------------------------------


def _charter_page(
    request: Request,
    page: Page,
    db: Any,
    today: Any,
    ref: str,
    *,
    status: int = 200,
    write_form: FormState | None = None,
    sign_form: FormState | None = None,
    notice: str | None = None,
) -> Response:
    viewer = viewer_of(page)
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.VIEW_PEOPLE)
        overview = planning.charter_overview(session=session, alliance=a, today=today)
        part = membership.my_part(session=session, viewer=viewer, alliance=a, today=today)
        may_manage = viewer.may(Permission.MANAGE, a.id)
        # a draft is the coordinators' work in progress: members never see it
        draft = planning.charter_draft(session=session, alliance=a) if may_manage else None
    current = overview[0] if overview else None
    if draft is not None:
        start = draft.text
    else:
        start = current.version.text if current else DEFAULT_CHARTER_TEXT(page)
    return render(
        request,
        "charter.html",
        page,
        status=status,
        alliance=a,
        overview=overview,
        current=current,
        part=part,
        may_manage=may_manage,
        draft=draft,
        notice=notice,
        write_form=write_form
        or FormState(
            values={"text": start, "version": draft.version if draft else ""},
            prefix="write-",
        ),
        sign_form=sign_form or FormState(prefix="sign-"),
    )


def DEFAULT_CHARTER_TEXT(page: Page) -> str:
    """The guide's charter of engagement, as a first draft, in the reader's language."""
    return planning.guide_charter(page.tr.language)


CHARTER_NOTICES = {
    "draft-saved": N_(
        "The draft is saved. Members do not see it and are not asked to sign it until you "
        "publish it."
    ),
    "draft-discarded": N_("The draft was discarded; the published versions are unchanged."),
}


@router.get("/alliances/{ref}/charter")
def charter_page(
    request: Request,
    ref: str,
    page: SignedInPage,
    db: DbDep,
    today: TodayDep,
    saved: str | None = None,
) -> Response:
    notice = page.tr.gettext(CHARTER_NOTICES[saved]) if saved in CHARTER_NOTICES else None
    return _charter_page(request, page, db, today, ref, notice=notice)


def _save_charter_text(
    request: Request,
    page: SignedInPage,
    db: DbDep,
    today: TodayDep,
    ref: str,
    form: FormData,
    write: Callable[[Session, Alliance], str],
) -> Response:
    """The charter text's three buttons (draft, discard, publish) share one form and one refusal."""
    return save_form(
        db=db,
        page=page,
        ref=ref,
        form=form,
        prefix="write-",
        write=write,
        refused=lambda status, state: _charter_page(
            request, page, db, today, ref, status=status, write_form=state
        ),
    )


@router.post("/alliances/{ref}/charter/draft")
def save_charter_draft(
    request: Request, ref: str, page: SignedInPage, db: DbDep, today: TodayDep, form: FormData
) -> Response:
    """Keep the text as a draft: nobody is asked to sign it until it is published."""

    def write(session: Session, a: Alliance) -> str:
        planning.save_charter_draft(
            session=session,
            alliance=a,
            text=str(form.get("text", "")),
            actor=viewer_of(page).author,
            expected_version=form_version(form),
        )
        return f"/alliances/{a.slug}/charter?saved=draft-saved#write"

    return _save_charter_text(request, page, db, today, ref, form, write)


@router.post("/alliances/{ref}/charter/draft/discard")
def discard_charter_draft(
    request: Request, ref: str, page: SignedInPage, db: DbDep, today: TodayDep, form: FormData
) -> Response:
    def write(session: Session, a: Alliance) -> str:
        planning.discard_charter_draft(session=session, alliance=a)
        return f"/alliances/{a.slug}/charter?saved=draft-discarded#write"

    return _save_charter_text(request, page, db, today, ref, form, write)


@router.post("/alliances/{ref}/charter")
def publish_charter(
    request: Request, ref: str, page: SignedInPage, db: DbDep, today: TodayDep, form: FormData
) -> Response:
    """A new version, which every active member is asked to sign."""

    def write(session: Session, a: Alliance) -> str:
        planning.publish_charter(
            session=session,
            alliance=a,
            text=str(form.get("text", "")),
            today=today,
            draft_version=form_version(form),
        )
        return f"/alliances/{a.slug}/charter#signatures"

    return _save_charter_text(request, page, db, today, ref, form, write)


@router.post("/alliances/{ref}/charter/sign")
def sign_charter(
    request: Request, ref: str, page: SignedInPage, db: DbDep, today: TodayDep, form: FormData
) -> Response:
    problems = []
    if form.get("agree") != "on":
        problems.append(FieldProblem("agree", page.tr.gettext("tick the box to confirm you agree")))

    def write(session: Session, a: Alliance) -> str:
        membership.sign_current_charter(
            session=session, viewer=viewer_of(page), alliance=a, today=today
        )
        return f"/alliances/{a.slug}/charter#signed"

    return save_form(
        db=db,
        page=page,
        ref=ref,
        form=form,
        prefix="sign-",
        permission=Permission.OWN_ITEMS,
        problems=problems,
        write=write,
        refused=lambda status, state: _charter_page(
            request, page, db, today, ref, status=status, sign_form=state
        ),
    )
