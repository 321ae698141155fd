"""Members pages: add, edit, hand over roles, link an account, record the date a member left."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from alliance_flow import models as m
from alliance_flow import privacy
from alliance_flow.accounts.policy import Permission
from alliance_flow.errors import AllianceFlowError, InvalidInput, NotFound
from alliance_flow.safety import parse_id
from alliance_flow.services import items as item_service
from alliance_flow.services import members as member_service
from alliance_flow.vocabulary import Authority, ParticipationLevel, Role, Sector, StakeholderGroup
from alliance_flow.web.deps import (
    DbDep,
    ItemId,
    Page,
    SignedInPage,
    TodayDep,
    alliance_for,
    viewer_of,
)
from alliance_flow.web.pages import FormData, _fields, form_version, render

router = APIRouter(include_in_schema=False)

MEMBER_FIELDS = (
    "name",
    "organisation_id",
    "group",
    "sector",
    "email",
    "phone",
    "language",
    "has_authority",
    "authority_granted_by",
    "participation_level",
    "joined_on",
    "roles",
)
#: What the edit form changes; roles are handed over on the members page, the date a member
#: left has its own form.
EDIT_FIELDS = tuple(f for f in MEMBER_FIELDS if f != "roles")
ROLES = [r.value for r in Role]


def _choices() -> dict[str, Any]:
    return {
        "groups": [g.value for g in StakeholderGroup],
        "sectors": [s.value for s in Sector],
        "member_roles": ROLES,
        "authorities": [x.value for x in Authority],
        "levels": [x.value for x in ParticipationLevel],
    }


def _members_page(
    request: Request,
    page: Page,
    db: Any,
    today: Any,
    ref: str,
    *,
    status: int = 200,
    problems: list[Any] | None = None,
    values: dict[str, Any] | None = None,
    role_problems: list[Any] | None = None,
    role_values: dict[str, Any] | None = None,
) -> Response:
    viewer = viewer_of(page)
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.VIEW_PEOPLE)
        rows: list[Any] = item_service.list_items(session=session, alliance=a, kind="member")
        organisations = item_service.list_items(session=session, alliance=a, kind="organisation")
        holders = member_service.role_holders(session=session, alliance=a, today=today)
        may_manage = viewer.may(Permission.MANAGE, a.id)
        no_contact = privacy.withdrew(
            session=session, member_ids=[mb.id for mb in rows], purpose="contact"
        )
    current = [mb for mb in rows if mb.left_on is None or mb.left_on > today]
    return render(
        request,
        "members.html",
        page,
        status=status,
        alliance=a,
        rows=rows,
        no_contact=no_contact,
        current=current,
        active_count=sum(1 for mb in rows if mb.is_active(today)),
        organisations=organisations,
        holders={role: mb.id for role, mb in holders.items()},
        may_manage=may_manage,
        problems=problems or [],
        values=values or {},
        role_problems=role_problems or [],
        role_values=role_values,
        today=today,
        **_choices(),
    )


@router.get("/alliances/{ref}/members")
def members_page(
    request: Request, ref: str, page: SignedInPage, db: DbDep, today: TodayDep
) -> Response:
    return _members_page(request, page, db, today, ref)


@router.post("/alliances/{ref}/members")
def add_member(
    request: Request, ref: str, page: SignedInPage, db: DbDep, today: TodayDep, form: FormData
) -> Response:
    viewer = viewer_of(page)
    try:
        with db.transaction() as session:
            a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.MANAGE)
            slug = a.slug
            item_service.add_item(
                session=session,
                alliance=a,
                kind="member",
                item_in=_fields(form, MEMBER_FIELDS, ("roles",)),
                today=today,
            )
    except InvalidInput as exc:
        return _members_page(
            request, page, db, today, ref, status=422, problems=exc.problems, values=form
        )
    except NotFound:
        raise
    except AllianceFlowError as exc:
        return _members_page(
            request, page, db, today, ref, status=409, problems=[exc.message], values=form
        )
    return RedirectResponse(f"/alliances/{slug}/members#member-list", status_code=303)


@router.post("/alliances/{ref}/members/roles")
def assign_roles(
    request: Request, ref: str, page: SignedInPage, db: DbDep, today: TodayDep, form: FormData
) -> Response:
    viewer = viewer_of(page)
    holders: dict[str, int | None] = {}
    for role in ROLES:
        value = str(form.get(role, "") or "").strip()
        holders[role] = parse_id(value)
    try:
        with db.transaction() as session:
            a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.MANAGE)
            slug = a.slug
            member_service.assign_roles(session=session, alliance=a, holders=holders, today=today)
    except InvalidInput as exc:
        return _members_page(
            request, page, db, today, ref, status=422, role_problems=exc.problems, role_values=form
        )
    return RedirectResponse(f"/alliances/{slug}/members#roles", status_code=303)


# --- one member ------------------------------------------------------------------------------


def _member_page(
    request: Request,
    page: Page,
    db: Any,
    today: Any,
    ref: str,
    member_id: ItemId,
    *,
    status: int = 200,
    problems: list[Any] | None = None,
    values: dict[str, Any] | None = None,
    form_name: str | None = None,
) -> Response:
    viewer = viewer_of(page)
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.MANAGE)
        member = member_service.get_member(session=session, alliance=a, member_id=member_id)
        organisations = item_service.list_items(session=session, alliance=a, kind="organisation")
        accounts = member_service.accounts_on(session=session, alliance=a)
        history = member_service.has_history(session=session, member=member)
    saved = {f: getattr(member, f) for f in EDIT_FIELDS if hasattr(member, f)}
    for key, value in saved.items():
        saved[key] = "" if value is None else (value.isoformat() if key == "joined_on" else value)
    shown = dict(saved)
    if form_name == "details" and values:
        shown = {**saved, **{k: v for k, v in values.items() if k in EDIT_FIELDS}}
    return render(
        request,
        "member.html",
        page,
        status=status,
        alliance=a,
        member=member,
        organisations=organisations,
        accounts=accounts,
        linked=next((x.login for x in accounts if x.member_id == member.id), ""),
        history=history,
        values=shown,
        left_value=(values or {}).get("left_on", "") if form_name == "left" else "",
        problems=problems or [],
        form_name=form_name,
        today=today,
        **_choices(),
    )


@router.get("/alliances/{ref}/members/{member_id}")
def member_page(
    request: Request, ref: str, member_id: ItemId, page: SignedInPage, db: DbDep, today: TodayDep
) -> Response:
    return _member_page(request, page, db, today, ref, member_id)


def _member_write(
    request: Request,
    page: Page,
    db: Any,
    today: Any,
    ref: str,
    member_id: ItemId,
    form: dict[str, Any],
    form_name: str,
    write: Callable[[Session, m.Alliance], object],
    *,
    done: str | None = None,
) -> Response:
    viewer = viewer_of(page)
    try:
        with db.transaction() as session:
            a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.MANAGE)
            slug = a.slug
            member_service.get_member(session=session, alliance=a, member_id=member_id)
            write(session, a)
    except InvalidInput as exc:
        return _member_page(
            request,
            page,
            db,
            today,
            ref,
            member_id,
            status=422,
            problems=exc.problems,
            values=form,
            form_name=form_name,
        )
    except NotFound:
        raise
    except AllianceFlowError as exc:
        return _member_page(
            request,
            page,
            db,
            today,
            ref,
            member_id,
            status=409,
            problems=[exc.message],
            values=form,
            form_name=form_name,
        )
    return RedirectResponse(done or f"/alliances/{slug}/members/{member_id}", status_code=303)


@router.post("/alliances/{ref}/members/{member_id}")
def edit_member(
    request: Request,
    ref: str,
    member_id: ItemId,
    page: SignedInPage,
    db: DbDep,
    today: TodayDep,
    form: FormData,
) -> Response:
    # every field of the form is sent: an emptied field clears the value
    changes = {f: str(form.get(f, "") or "") for f in EDIT_FIELDS}

    def write(session: Session, a: m.Alliance) -> object:
        return item_service.edit_item(
            session=session,
            alliance=a,
            kind="member",
            item_id=member_id,
            changes=changes,
            today=today,
            expected_version=form_version(form),
        )

    return _member_write(
        request,
        page,
        db,
        today,
        ref,
        member_id,
        form,
        "details",
        write,
        done=f"/alliances/{ref}/members#member-list",
    )


@router.post("/alliances/{ref}/members/{member_id}/left")
def member_left(
    request: Request,
    ref: str,
    member_id: ItemId,
    page: SignedInPage,
    db: DbDep,
    today: TodayDep,
    form: FormData,
) -> Response:
    def write(session: Session, a: m.Alliance) -> object:
        return member_service.record_left(
            session=session,
            alliance=a,
            member_id=member_id,
            left_on=str(form.get("left_on", "")),
            today=today,
        )

    return _member_write(request, page, db, today, ref, member_id, form, "left", write)


@router.post("/alliances/{ref}/members/{member_id}/account")
def member_account(
    request: Request,
    ref: str,
    member_id: ItemId,
    page: SignedInPage,
    db: DbDep,
    today: TodayDep,
    form: FormData,
) -> Response:
    def write(session: Session, a: m.Alliance) -> object:
        member_service.link_account(
            session=session,
            alliance=a,
            member_id=member_id,
            login=str(form.get("login", "")).strip() or None,
        )
        return None

    return _member_write(request, page, db, today, ref, member_id, form, "account", write)


@router.post("/alliances/{ref}/members/{member_id}/remove")
def remove_member(
    request: Request,
    ref: str,
    member_id: ItemId,
    page: SignedInPage,
    db: DbDep,
    today: TodayDep,
    form: FormData,
) -> Response:
    def write(session: Session, a: m.Alliance) -> object:
        member_service.remove_member(session=session, alliance=a, member_id=member_id)
        return None

    return _member_write(
        request,
        page,
        db,
        today,
        ref,
        member_id,
        form,
        "remove",
        write,
        done=f"/alliances/{ref}/members#member-list",
    )
