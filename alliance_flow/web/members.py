"""Members pages: add, edit, hand over roles, link an account, record the date a member left."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from alliance_flow import models as m
from alliance_flow import privacy
from alliance_flow.accounts.policy import Permission
from alliance_flow.errors import InvalidInput
from alliance_flow.safety import parse_id
from alliance_flow.services import items as item_service
from alliance_flow.services import members as member_service
from alliance_flow.vocabulary import Authority, ParticipationLevel, Role, Sector, StakeholderGroup
from alliance_flow.web import labels
from alliance_flow.web.choices import language_options
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


def _choices(tr: Translator, organisations: list[Any]) -> dict[str, Any]:
    """The options of the member form's selects, in the reader's language."""
    t = tr.gettext
    return {
        "organisation_options": [(o.id, o.name) for o in organisations],
        "group_options": [
            (g.value, t(labels.STAKEHOLDER_GROUPS[g.value])) for g in StakeholderGroup
        ],
        "sector_options": [(x.value, t(labels.SECTORS[x.value])) for x in Sector],
        "role_options": [(r, t(labels.MEMBER_ROLES[r])) for r in ROLES],
        "authority_options": [
            (x.value, t("yes") if x == Authority.YES else t("no")) for x in Authority
        ],
        "level_options": [
            (x.value, t(labels.PARTICIPATION_LEVELS[x.value])) for x in ParticipationLevel
        ],
        "language_options": language_options(tr.language),
        "member_roles": ROLES,
    }


def _label(mb: Any, tr: Translator) -> str:
    """A member as a select shows them: name, organisation, and whether they are a candidate."""
    text = mb.name + (f" ({mb.organisation.name})" if mb.organisation else "")
    return text if mb.joined_on else f"{text} · {tr.gettext('candidate')}"


def _still_to_record(members: list[Any]) -> dict[int, list[tuple[str, str]]]:
    """member id -> what the scope checks still miss for them, with the field that records it
    (the "Every candidate can be reached" and "Authority checked" checks link to this list)."""
    out: dict[int, list[tuple[str, str]]] = {}
    for mb in members:
        missing = []
        if not (mb.email or mb.phone):
            missing.append((N_("an e-mail or a phone"), "m-email"))
        no_grantor = mb.has_authority == "no" and not (mb.authority_granted_by or "").strip()
        if mb.has_authority is None or no_grantor:
            missing.append((N_("their authority to be involved"), "m-has-authority"))
        if missing:
            out[mb.id] = missing
    return out


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
        holders_ids = {role: mb.id for role, mb in holders.items()}
        may_manage = viewer.may(Permission.MANAGE, a.id)
        no_contact = privacy.withdrew(
            session=session, member_ids=[mb.id for mb in rows], purpose="contact"
        )
    current = [mb for mb in rows if mb.left_on is None or mb.left_on > today]
    to_record = _still_to_record(current) if may_manage else {}
    saved_roles = {role: str(mb_id) for role, mb_id in holders_ids.items()}
    return render(
        request,
        "members.html",
        page,
        status=status,
        alliance=a,
        rows=rows,
        no_contact=no_contact,
        to_record=to_record,
        current=current,
        active_count=sum(1 for mb in rows if mb.is_active(today)),
        organisations=organisations,
        may_manage=may_manage,
        form=FormState(values=values or {}, problems=problems or [], prefix="m-"),
        roles_form=FormState(
            values=role_values if role_values is not None else saved_roles,
            problems=role_problems or [],
            prefix="role-",
        ),
        holder_options=[(mb.id, _label(mb, page.tr)) for mb in current],
        today=today,
        **_choices(page.tr, organisations),
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
    parsed, bad_dates = parse_dates(form, ("joined_on",))

    def write(session: Session, a: m.Alliance) -> str:
        item_service.add_item(
            session=session,
            alliance=a,
            kind="member",
            item_in=_fields(parsed, MEMBER_FIELDS, ("roles",)),
            today=today,
        )
        return f"/alliances/{a.slug}/members#member-list"

    return save_form(
        db=db,
        page=page,
        ref=ref,
        form=form,
        prefix="f-",
        problems=bad_dates,
        write=write,
        refused=lambda status, state: _members_page(
            request, page, db, today, ref, status=status, problems=state.problems, values=form
        ),
    )


@router.post("/alliances/{ref}/members/roles")
def assign_roles(
    request: Request, ref: str, page: SignedInPage, db: DbDep, today: TodayDep, form: FormData
) -> Response:
    holders: dict[str, int | None] = {}
    for role in ROLES:
        value = str(form.get(role, "") or "").strip()
        holders[role] = parse_id(value)

    def write(session: Session, a: m.Alliance) -> str:
        member_service.assign_roles(session=session, alliance=a, holders=holders, today=today)
        return f"/alliances/{a.slug}/members#roles"

    return save_form(
        db=db,
        page=page,
        ref=ref,
        form=form,
        prefix="role-",
        write=write,
        refused=lambda status, state: _members_page(
            request,
            page,
            db,
            today,
            ref,
            status=status,
            role_problems=state.problems,
            role_values=form,
        ),
    )


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
    saved: dict[str, Any] = {f: getattr(member, f) for f in EDIT_FIELDS if hasattr(member, f)}
    typed = values or {}
    linked = next((x.login for x in accounts if x.member_id == member.id), "")
    t = page.tr.gettext

    def state(name: str, saved_values: dict[str, Any], prefix: str) -> FormState:
        mine = form_name == name
        return FormState(
            values={**saved_values, **typed} if mine else saved_values,
            problems=(problems or []) if mine else [],
            prefix=prefix,
        )

    return render(
        request,
        "member.html",
        page,
        status=status,
        alliance=a,
        member=member,
        history=history,
        form=state("details", saved, "m-"),
        account_form=state("account", {"login": linked}, "account-"),
        left_form=state("left", {"left_on": member.left_on}, "left-"),
        remove_form=state("remove", {}, "remove-"),
        account_options=[
            (
                x.login,
                f"{x.name} ({x.login}, {t(labels.ROLES[x.role])})"
                + (
                    f" · {t('already linked to another member')}"
                    if x.member_id and x.member_id != member.id
                    else ""
                ),
            )
            for x in accounts
        ],
        today=today,
        **_choices(page.tr, organisations),
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
    """One of the member page's forms; `done` is the members list's anchor to go to after it
    (None: back to this member's page)."""

    def checked_write(session: Session, a: m.Alliance) -> str:
        member_service.get_member(session=session, alliance=a, member_id=member_id)
        write(session, a)
        return f"/alliances/{a.slug}/members" + (done or f"/{member_id}")

    return save_form(
        db=db,
        page=page,
        ref=ref,
        form=form,
        prefix=form_name,
        write=checked_write,
        refused=lambda status, state: _member_page(
            request,
            page,
            db,
            today,
            ref,
            member_id,
            status=status,
            problems=state.problems,
            values=form,
            form_name=form_name,
        ),
    )


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
    parsed, bad_dates = parse_dates(form, ("joined_on",))
    changes = {f: str(parsed.get(f, "") or "") for f in EDIT_FIELDS}

    def write(session: Session, a: m.Alliance) -> object:
        if bad_dates:  # after the member is found: a stranger's member id gives 404 first
            raise InvalidInput(bad_dates)
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
        done="#member-list",
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
    parsed, bad_dates = parse_dates(form, ("left_on",))

    def write(session: Session, a: m.Alliance) -> object:
        if bad_dates:
            raise InvalidInput(bad_dates)
        return member_service.record_left(
            session=session,
            alliance=a,
            member_id=member_id,
            left_on=str(parsed.get("left_on", "")),
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
        done="#member-list",
    )
