"""The alliance itself, edited by its coordinators: identity, region, time zone, language,
work plan and funders. One transaction: a bad value refuses the whole form and nothing saved
before is touched.

Accountability and communication channels are shown here but owned by the launch workspace
(`/launch`, where their gate checks link): one form per field, so two forms never disagree."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from alliance_flow import models as m
from alliance_flow.accounts import services as accounts
from alliance_flow.accounts.policy import Permission
from alliance_flow.models import Alliance
from alliance_flow.services import alliances as alliance_service
from alliance_flow.web.choices import country_options, language_options, timezone_options
from alliance_flow.web.deps import DbDep, Page, SignedInPage, alliance_for, viewer_of
from alliance_flow.web.forms import FormState, parse_dates, save_form
from alliance_flow.web.pages import FormData, render

router = APIRouter(include_in_schema=False)

#: The form's fields, in the order of AllianceIn (the schema validates them all).
FIELDS = (
    "name",
    "region",
    "region_boundary",
    "country",
    "timezone",
    "language",
    "work_plan_start",
    "work_plan_end",
)
DATES = ("work_plan_start", "work_plan_end")


def _saved_values(a: m.Alliance, funders: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(a, name) for name in FIELDS}
    values["funders"] = funders
    return values


def _edit_page(
    request: Request,
    page: Page,
    db: Any,
    ref: str,
    *,
    status: int = 200,
    typed: dict[str, Any] | None = None,
    problems: list[Any] | None = None,
    saved: bool = False,
) -> Response:
    viewer = viewer_of(page)
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.MANAGE)
        candidates = accounts.funder_candidates(session=session, alliance_id=a.id)
        values = _saved_values(a, [u.login for u, funds in candidates if funds])
        funder_options = [(u.login, f"{u.name} ({u.login})") for u, _funds in candidates]
    if typed is not None:
        values = {**typed, "funders": typed.get("funders", [])}
    language = page.tr.language
    return render(
        request,
        "alliance_edit.html",
        page,
        status=status,
        alliance=a,
        form=FormState(values=values, problems=problems or []),
        saved=saved,
        country_options=country_options(language),
        language_options=language_options(language),
        timezone_options=timezone_options(language),
        funder_options=funder_options,
    )


@router.get("/alliances/{ref}/edit")
def edit_alliance_form(request: Request, ref: str, page: SignedInPage, db: DbDep) -> Response:
    return _edit_page(request, page, db, ref, saved=request.query_params.get("saved") == "1")


@router.post("/alliances/{ref}/edit")
def edit_alliance(
    request: Request, ref: str, page: SignedInPage, db: DbDep, form: FormData
) -> Response:
    parsed, problems = parse_dates(form, DATES)
    changes = {name: parsed.get(name, "") for name in FIELDS}
    funders = parsed.get("funders", [])
    funders = funders if isinstance(funders, list) else [funders] if funders else []

    def write(session: Session, a: Alliance) -> str:
        alliance_service.update_alliance(session=session, ref=a.id, changes=changes)
        accounts.set_funders(session=session, alliance_id=a.id, logins=funders)
        return f"/alliances/{a.slug}/edit?saved=1"

    return save_form(
        db=db,
        page=page,
        ref=ref,
        form=form,
        prefix="f-",
        problems=problems,
        write=write,
        refused=lambda status, state: _edit_page(
            request, page, db, ref, status=status, typed=form, problems=state.problems
        ),
    )
