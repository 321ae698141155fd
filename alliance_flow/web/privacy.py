"""Pages for a member's personal data: their consents, their export, their erasure; and the
administrator's export and erasure of any member."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from alliance_flow import models as m
from alliance_flow import privacy
from alliance_flow.accounts import membership
from alliance_flow.accounts.policy import Permission
from alliance_flow.errors import FieldProblem, InvalidInput, NotFound
from alliance_flow.web.deps import (
    DbDep,
    ItemId,
    SignedInPage,
    TodayDep,
    alliance_for,
    require_admin,
    viewer_of,
)
from alliance_flow.web.pages import FormData, _my_action

router = APIRouter(include_in_schema=False)

ExportFormat = Annotated[str, Path(pattern="^(json|csv)$")]
MEDIA = {"json": "application/json", "csv": "text/csv; charset=utf-8"}


def export_response(data: dict[str, Any], fmt: str, name: str) -> Response:
    """The member's data as a download, never shown inline (no script can run from it)."""
    body = privacy.export_json(data) if fmt == "json" else privacy.export_csv(data)
    return Response(
        body,
        media_type=MEDIA[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="{name}.{fmt}"',
            "Cache-Control": "no-store",
        },
    )


@router.post("/alliances/{ref}/me/consents")
def my_consents(
    request: Request, ref: str, page: SignedInPage, db: DbDep, today: TodayDep, form: FormData
) -> Response:
    """The member says yes or no to each purpose (an unticked box is a no)."""
    viewer = viewer_of(page)

    def act(session: Session, a: m.Alliance) -> object:
        member = membership.own_member(session=session, viewer=viewer, alliance=a)
        answers = {p: form.get(p) == "yes" for p in privacy.PURPOSES}
        return privacy.set_consents(
            session=session, member=member, granted=answers, actor=viewer.author
        )

    return _my_action(request, page, db, today, ref, act)


@router.get("/alliances/{ref}/me/export.{fmt}")
def my_export(ref: str, fmt: ExportFormat, page: SignedInPage, db: DbDep) -> Response:
    """Everything the alliance holds about the signed-in member (GDPR access and portability)."""
    viewer = viewer_of(page)
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.OWN_ITEMS)
        member = membership.own_member(session=session, viewer=viewer, alliance=a)
        data = privacy.export_member(session=session, member=member)
        name = f"{a.slug}-my-data"
    return export_response(data, fmt, name)


@router.post("/alliances/{ref}/me/erase")
def erase_me(
    request: Request, ref: str, page: SignedInPage, db: DbDep, today: TodayDep, form: FormData
) -> Response:
    """The member erases their own personal data; their part in the history stays, unnamed."""
    viewer = viewer_of(page)

    def act(session: Session, a: m.Alliance) -> object:
        member = membership.own_member(session=session, viewer=viewer, alliance=a)
        if form.get("confirm") != "yes":
            raise InvalidInput(
                [FieldProblem("confirm", page.tr.gettext("tick the box to confirm the erasure"))]
            )
        privacy.erase_member(session=session, member=member)
        return None

    return _my_action(request, page, db, today, ref, act)


def _member(session: Session, alliance: m.Alliance, item_id: int) -> m.Member:
    member = session.get(m.Member, item_id)
    if member is None or member.alliance_id != alliance.id:
        raise NotFound(f"no member {item_id} in '{alliance.slug}'")
    return member


@router.get("/alliances/{ref}/members/{member_id}/export.{fmt}")
def member_export(
    ref: str, member_id: ItemId, fmt: ExportFormat, page: SignedInPage, db: DbDep
) -> Response:
    """An administrator exports a member's data, e.g. to answer a request made by letter."""
    viewer = viewer_of(page)
    require_admin(viewer)
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.VIEW)
        data = privacy.export_member(session=session, member=_member(session, a, member_id))
        name = f"{a.slug}-member-{member_id}"
    return export_response(data, fmt, name)


@router.post("/alliances/{ref}/members/{member_id}/erase")
def member_erase(ref: str, member_id: ItemId, page: SignedInPage, db: DbDep) -> Response:
    """An administrator erases a member's personal data (pseudonymised; history kept)."""
    viewer = viewer_of(page)
    require_admin(viewer)
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.VIEW)
        privacy.erase_member(session=session, member=_member(session, a, member_id))
        slug = a.slug
    return RedirectResponse(f"/alliances/{slug}/members", status_code=303)
