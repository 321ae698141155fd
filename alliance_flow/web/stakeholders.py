"""Stage 1 in the browser: the stakeholder table (add, edit, remove, filter, sort, the
influence/interest grid), importing a file through a preview, exporting, and the briefing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from alliance_flow import models as m
from alliance_flow.accounts.policy import Permission
from alliance_flow.errors import FieldProblem, InvalidInput, NotFound
from alliance_flow.importer import apply_import, plan_import
from alliance_flow.services import items as item_service
from alliance_flow.services import stakeholders as service
from alliance_flow.settings import get_thresholds
from alliance_flow.vocabulary import Influence, Sector, StakeholderGroup
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
from alliance_flow.web.forms import FormState, save_form
from alliance_flow.web.i18n import N_, Translator
from alliance_flow.web.pages import FormData, render

router = APIRouter(include_in_schema=False)

GROUP_LABELS = {
    "migrant_refugee_community": N_("Migrant or refugee community"),
    "public_authority": N_("Public authority"),
    "community_network": N_("Community network or organisation"),
    "ngo": N_("NGO (reception, socio-cultural inclusion)"),
    "mediator": N_("Mediators"),
    "social_worker": N_("Social workers"),
    "educator": N_("Educators"),
    "other": N_("Other"),
}
SECTOR_LABELS = {
    "social_action": N_("Social action"),
    "socio_cultural_sports": N_("Socio-cultural and sports structures"),
    "economic_insertion": N_("Professional and economic insertion"),
}
LEVEL_LABELS = {"low": N_("Low"), "medium": N_("Medium"), "high": N_("High")}
#: Other coded fields of a representative, shown as their words ("deciding together").
#: Coded member fields the preview shows in words (the organisation's are in `value` below).
CODED_FIELDS: dict[str, dict[str, str]] = {
    "roles": labels.MEMBER_ROLES,
    "has_authority": {"yes": N_("yes"), "no": N_("no")},
    "participation_level": labels.PARTICIPATION_LEVELS,
}
#: Field names as the import preview and its problems show them.
FIELD_LABELS = {
    "name": N_("Name"),
    "group": N_("Group"),
    "sectors": N_("Sectors"),
    "contact_person": N_("Contact person"),
    "phone": N_("Phone"),
    "email": N_("E-mail"),
    "website": N_("Website"),
    "address": N_("Address"),
    "latitude": N_("Latitude"),
    "longitude": N_("Longitude"),
    "contribution": N_("How they could contribute"),
    "interests": N_("What matters to them"),
    "influence": N_("Influence"),
    "interest": N_("Interest"),
    "mobilisation_strategy": N_("Strategy to engage them"),
    "own_criteria": N_("Own criteria"),
    "notes": N_("Notes"),
    "organisation": N_("Organisation"),
    "roles": N_("Roles"),
    "has_authority": N_("Has the authority to be involved"),
    "authority_granted_by": N_("Who can grant the authority"),
    "participation_level": N_("Participation level"),
    "joined_on": N_("Joined on"),
    "language": N_("Language"),
    "preferred_channel": N_("Preferred channel"),
    "file": N_("File"),
}


@dataclass(frozen=True)
class StakeholderLabels:
    """The words a coordinator reads for the table's codes, in the page's language."""

    tr: Translator

    def _all(self, table: dict[str, str]) -> dict[str, str]:
        return {code: self.tr.gettext(text) for code, text in table.items()}

    @property
    def groups(self) -> dict[str, str]:
        return self._all(GROUP_LABELS)

    @property
    def sectors(self) -> dict[str, str]:
        return self._all(SECTOR_LABELS)

    @property
    def levels(self) -> dict[str, str]:
        return self._all(LEVEL_LABELS)

    @property
    def group_options(self) -> list[tuple[str, str]]:
        return list(self.groups.items())

    @property
    def sector_options(self) -> list[tuple[str, str]]:
        return list(self.sectors.items())

    @property
    def level_options(self) -> list[tuple[str, str]]:
        """High first: the order people weigh a stakeholder in."""
        return [(code, self.levels[code]) for code in ("high", "medium", "low")]

    def value(self, field: str, value: object) -> str:
        """A field's value as the preview shows it: codes in words, lists joined, dates local."""
        if value is None or value == "" or value == []:
            return ""
        if isinstance(value, list):
            return "; ".join(self.value(field, v) for v in value)
        table = {
            "sectors": SECTOR_LABELS,
            "sector": SECTOR_LABELS,
            "group": GROUP_LABELS,
            "influence": LEVEL_LABELS,
            "interest": LEVEL_LABELS,
        }.get(field.removeprefix("representative."))
        if table is not None and str(value) in table:
            return self.tr.gettext(table[str(value)])
        if isinstance(value, date):
            return self.tr.date(value)
        words = CODED_FIELDS.get(field.removeprefix("representative."), {})
        if str(value) in words:
            return self.tr.gettext(words[str(value)])
        return str(value)

    def field(self, name: str) -> str:
        if name.startswith("representative."):
            inner = name.removeprefix("representative.")
            return self.tr.gettext("Representative: %(field)s") % {"field": self.field(inner)}
        return self.tr.gettext(FIELD_LABELS[name]) if name in FIELD_LABELS else name


def _render(request: Request, name: str, page: Page, **context: Any) -> Response:
    return render(request, name, page, labels_for=StakeholderLabels(page.tr), **context)


#: The organisation form, in the order of the guide's stakeholder research table.
ORGANISATION_FIELDS = (
    "name",
    "group",
    "sectors",
    "contact_person",
    "phone",
    "email",
    "website",
    "address",
    "contribution",
    "interests",
    "influence",
    "interest",
    "mobilisation_strategy",
    "own_criteria",
    "notes",
)
BRIEFING_FIELDS = ("why", "regional_situation", "why_mediation", "reasons", "expected_commitment")


def _organisation_in(form: dict[str, Any], *, editing: bool) -> dict[str, Any]:
    """The form as the service takes it. When editing, an emptied field clears the value; when
    adding, empty fields are left to the defaults."""
    out: dict[str, Any] = {}
    for name in ORGANISATION_FIELDS:
        value = form.get(name)
        if name == "sectors":
            out[name] = value if isinstance(value, list) else ([value] if value else [])
        elif isinstance(value, str) and (value.strip() or editing):
            out[name] = value.strip()
    return out


def _filters(request: Request) -> service.Filters:
    q = request.query_params
    sort = q.get("sort", "name")
    return service.Filters(
        q=q.get("q", "")[:200],
        sector=q.get("sector", "") if q.get("sector") in {s.value for s in Sector} else "",
        group=q.get("group", "") if q.get("group") in {g.value for g in StakeholderGroup} else "",
        influence=q.get("influence", "")
        if q.get("influence") in {i.value for i in Influence}
        else "",
        sort=sort if sort in service.SORTS else "name",
        descending=q.get("order") == "desc",
    )


def _table_page(
    request: Request,
    page: Page,
    db: Any,
    ref: str,
    *,
    status: int = 200,
    problems: list[Any] | None = None,
    values: dict[str, Any] | None = None,
    import_problems: list[Any] | None = None,
    notice: str | None = None,
) -> Response:
    viewer = viewer_of(page)
    filters = _filters(request)
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.VIEW_PEOPLE)
        rows = service.list_stakeholders(session=session, alliance=a, filters=filters)
        everyone = service.list_stakeholders(session=session, alliance=a)
        may_manage = viewer.may(Permission.MANAGE, a.id)
    return _render(
        request,
        "organisations.html",
        page,
        status=status,
        alliance=a,
        rows=rows,
        total=len(everyone),
        grid=service.grid(r.organisation for r in everyone),
        filters=filters,
        may_manage=may_manage,
        form=FormState(
            values=values if values is not None else {"group": "other"},
            problems=list(problems or []),
            prefix="o-",
        ),
        import_form=FormState(problems=list(import_problems or []), prefix="import-"),
        notice=notice,
    )


def _imported_notice(tr: Translator, request: Request) -> str | None:
    raw = request.query_params.get("imported", "")
    parts = raw.split("-")
    if len(parts) != 4 or not all(p.isascii() and p.isdecimal() and len(p) < 10 for p in parts):
        return None
    new_orgs, updated_orgs, new_members, updated_members = (int(p) for p in parts)
    return tr.gettext(
        "Import done: organisations {new_orgs} new, {updated_orgs} updated; representatives "
        "{new_members} new, {updated_members} updated."
    ).format(
        new_orgs=new_orgs,
        updated_orgs=updated_orgs,
        new_members=new_members,
        updated_members=updated_members,
    )


@router.get("/alliances/{ref}/organisations")
def organisations_page(request: Request, ref: str, page: SignedInPage, db: DbDep) -> Response:
    notice = _imported_notice(page.tr, request)
    if request.query_params.get("removed"):
        notice = page.tr.gettext("The organisation was removed.")
    return _table_page(request, page, db, ref, notice=notice)


@router.post("/alliances/{ref}/organisations")
def add_organisation(
    request: Request, ref: str, page: SignedInPage, db: DbDep, today: TodayDep, form: FormData
) -> Response:

    def write(session: Session, a: m.Alliance) -> str:
        row: Any = item_service.add_item(
            session=session,
            alliance=a,
            kind="organisation",
            item_in=_organisation_in(form, editing=False),
            today=today,
        )
        return f"/alliances/{a.slug}/organisations#org-{row.id}"

    return save_form(
        db=db,
        page=page,
        ref=ref,
        form=form,
        prefix="f-",
        write=write,
        refused=lambda status, state: _table_page(
            request, page, db, ref, status=status, problems=state.problems, values=form
        ),
    )


# --- one organisation ----------------------------------------------------------------------


def _edit_page(
    request: Request,
    page: Page,
    db: Any,
    ref: str,
    org_id: ItemId,
    *,
    status: int = 200,
    problems: list[Any] | None = None,
    values: dict[str, Any] | None = None,
) -> Response:
    viewer = viewer_of(page)
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.VIEW_PEOPLE)
        org: Any = item_service.get_item(
            session=session, alliance=a, kind="organisation", item_id=org_id
        )
        representatives = [
            r
            for r in item_service.list_items(session=session, alliance=a, kind="member")
            if getattr(r, "organisation_id", None) == org.id
        ]
        saved = {name: getattr(org, name) for name in ORGANISATION_FIELDS}
        may_manage = viewer.may(Permission.MANAGE, a.id)
    return _render(
        request,
        "organisation_edit.html",
        page,
        status=status,
        alliance=a,
        org=org,
        representatives=representatives,
        form=FormState(
            values=values if values is not None else saved,
            problems=list(problems or []),
            prefix="o-",
        ),
        may_manage=may_manage,
    )


@router.get("/alliances/{ref}/organisations/{org_id:int}")
def organisation_page(
    request: Request, ref: str, org_id: ItemId, page: SignedInPage, db: DbDep
) -> Response:
    return _edit_page(request, page, db, ref, org_id)


@router.post("/alliances/{ref}/organisations/{org_id:int}")
def edit_organisation(
    request: Request,
    ref: str,
    org_id: ItemId,
    page: SignedInPage,
    db: DbDep,
    today: TodayDep,
    form: FormData,
) -> Response:

    def write(session: Session, a: m.Alliance) -> str:
        item_service.edit_item(
            session=session,
            alliance=a,
            kind="organisation",
            item_id=org_id,
            changes=_organisation_in(form, editing=True),
            today=today,
        )
        return f"/alliances/{a.slug}/organisations#org-{org_id}"

    return save_form(
        db=db,
        page=page,
        ref=ref,
        form=form,
        prefix="f-",
        write=write,
        refused=lambda status, state: _edit_page(
            request, page, db, ref, org_id, status=status, problems=state.problems, values=form
        ),
    )


@router.post("/alliances/{ref}/organisations/{org_id:int}/remove")
def remove_organisation(
    request: Request, ref: str, org_id: ItemId, page: SignedInPage, db: DbDep, form: FormData
) -> Response:
    problems = []
    if form.get("confirm") != "yes":
        problems.append(
            FieldProblem("confirm", page.tr.gettext("tick the box to confirm the removal"))
        )

    def write(session: Session, a: m.Alliance) -> str:
        item_service.remove_item(session=session, alliance=a, kind="organisation", item_id=org_id)
        return f"/alliances/{a.slug}/organisations?removed=1"

    return save_form(
        db=db,
        page=page,
        ref=ref,
        form=form,
        prefix="remove-",
        problems=problems,
        write=write,
        refused=lambda status, state: _edit_page(
            request, page, db, ref, org_id, status=status, problems=state.problems
        ),
    )


# --- export -------------------------------------------------------------------------------


def _export(db: Any, page: Page, ref: str, kind: str, contacts: str | None) -> Response:
    """The table for people who may see people (not funders), in the reader's language; e-mail
    addresses and phone numbers only when asked for (`?contacts=yes`), never a member's who
    withdrew consent."""
    viewer = viewer_of(page)
    with_contacts = (contacts or "").strip().lower() in ("yes", "1", "true", "on")
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.VIEW_PEOPLE)
        header, rows = service.export_table(
            session=session, alliance=a, language=page.tr.language, contacts=with_contacts
        )
        slug, name = a.slug, a.name
    filename = f"{slug}-stakeholders{'-contacts' if with_contacts else ''}.{kind}"
    if kind == "csv":
        body, media = service.export_csv(header, rows), "text/csv; charset=utf-8"
    else:
        body = service.export_xlsx(header, rows, title=name)
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


ContactsQuery = Annotated[str | None, Query(max_length=10)]


@router.get("/alliances/{ref}/stakeholders.csv")
def export_csv(ref: str, page: SignedInPage, db: DbDep, contacts: ContactsQuery = None) -> Response:
    return _export(db, page, ref, "csv", contacts)


@router.get("/alliances/{ref}/stakeholders.xlsx")
def export_xlsx(
    ref: str, page: SignedInPage, db: DbDep, contacts: ContactsQuery = None
) -> Response:
    return _export(db, page, ref, "xlsx", contacts)


# --- import through a preview ------------------------------------------------------------


async def uploaded_file(request: Request) -> UploadFile | None:
    form = await request.form()
    found = form.get("file")
    return found if isinstance(found, UploadFile) else None


UploadDep = Annotated[UploadFile | None, Depends(uploaded_file)]


def _preview_page(
    request: Request,
    page: Page,
    db: Any,
    ref: str,
    token: str,
    today: Any,
    *,
    status: int = 200,
    notice: str | None = None,
) -> Response:
    viewer = viewer_of(page)
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.MANAGE)
        upload = service.get_upload(session=session, alliance=a, token=token, now=datetime.now(UTC))
        planned = plan_import(
            session=session,
            alliance=a,
            filename=upload.filename,
            raw=upload.content,
            today=today,
        )
    return _render(
        request,
        "stakeholders_import.html",
        page,
        status=status,
        alliance=a,
        preview=planned.preview,
        token=token,
        notice=notice,
        shown=50,
    )


@router.post("/alliances/{ref}/organisations/import")
def upload_stakeholders(
    request: Request,
    ref: str,
    page: SignedInPage,
    db: DbDep,
    today: TodayDep,
    file: UploadDep,
) -> Response:
    """Keep the file server-side and show what importing it would change; writes nothing."""
    viewer = viewer_of(page)
    content = file.file.read(service.MAX_UPLOAD_BYTES + 1) if file is not None else b""
    filename = (file.filename or "") if file is not None else ""
    try:
        with db.transaction() as session:
            a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.MANAGE)
            token = service.store_upload(
                session=session,
                alliance=a,
                filename=filename,
                content=content,
                by=viewer.author,
                now=datetime.now(UTC),
            )
            # read it once now, so that a file that cannot be read is refused at once
            plan_import(session=session, alliance=a, filename=filename, raw=content, today=today)
    except NotFound:
        raise
    except InvalidInput as exc:
        return _table_page(request, page, db, ref, status=422, import_problems=exc.problems)
    return _preview_page(request, page, db, ref, token, today)


@router.post("/alliances/{ref}/organisations/import/{token}")
def confirm_import(
    request: Request,
    ref: str,
    token: str,
    page: SignedInPage,
    db: DbDep,
    today: TodayDep,
    form: FormData,
) -> Response:
    """Write exactly what the preview showed; if the table changed meanwhile, show it again."""
    viewer = viewer_of(page)
    changed = False
    try:
        with db.transaction() as session:
            a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.MANAGE)
            slug = a.slug
            upload = service.get_upload(
                session=session, alliance=a, token=token, now=datetime.now(UTC)
            )
            planned = plan_import(
                session=session,
                alliance=a,
                filename=upload.filename,
                raw=upload.content,
                today=today,
            )
            if planned.preview.fingerprint != form.get("fingerprint"):
                changed = True
            else:
                summary = apply_import(session=session, alliance=a, planned=planned)
                service.discard_upload(session=session, token=token)
    except NotFound:
        raise
    except InvalidInput:
        return _preview_page(request, page, db, ref, token, today, status=422)
    if changed:
        notice = page.tr.gettext(
            "The stakeholder table changed since this preview was made. Nothing was imported; "
            "check the changes below again."
        )
        return _preview_page(request, page, db, ref, token, today, status=409, notice=notice)
    counts = "-".join(
        str(n)
        for n in (
            summary.organisations_created,
            summary.organisations_updated,
            summary.members_created,
            summary.members_updated,
        )
    )
    return RedirectResponse(f"/alliances/{slug}/organisations?imported={counts}", status_code=303)


# --- the briefing document -------------------------------------------------------------------


def _briefing_values(row: m.Briefing | None) -> dict[str, Any]:
    if row is None:
        return {}
    values: dict[str, Any] = {name: getattr(row, name) or "" for name in BRIEFING_FIELDS}
    values["reasons"] = "\n".join(row.reasons or [])
    return values


def _briefing_page(
    request: Request,
    page: Page,
    db: Any,
    ref: str,
    *,
    status: int = 200,
    problems: list[Any] | None = None,
    values: dict[str, Any] | None = None,
    saved: bool = False,
) -> Response:
    viewer = viewer_of(page)
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.VIEW)
        row = session.get(m.Briefing, a.id)
        stored = _briefing_values(row)
        may_manage = viewer.may(Permission.MANAGE, a.id)
    shown = values if values is not None else stored
    reasons = [line for line in str(shown.get("reasons", "")).splitlines() if line.strip()]
    return _render(
        request,
        "briefing.html",
        page,
        status=status,
        alliance=a,
        form=FormState(values=shown, problems=list(problems or []), prefix="b-"),
        reasons_count=len(reasons),
        reasons_needed=get_thresholds().scope.min_briefing_reasons,
        may_manage=may_manage,
        saved=saved,
    )


@router.get("/alliances/{ref}/briefing")
def briefing_page(request: Request, ref: str, page: SignedInPage, db: DbDep) -> Response:
    return _briefing_page(request, page, db, ref, saved=request.query_params.get("saved") == "1")


@router.post("/alliances/{ref}/briefing")
def save_briefing(
    request: Request, ref: str, page: SignedInPage, db: DbDep, today: TodayDep, form: FormData
) -> Response:
    changes = {name: str(form.get(name, "")) for name in BRIEFING_FIELDS}
    changes["reasons"] = "\n".join(
        line.strip() for line in changes["reasons"].splitlines() if line.strip()
    )

    def write(session: Session, a: m.Alliance) -> str:
        item_service.add_item(
            session=session, alliance=a, kind="briefing", item_in=changes, today=today
        )
        return f"/alliances/{a.slug}/briefing?saved=1"

    return save_form(
        db=db,
        page=page,
        ref=ref,
        form=form,
        prefix="b-",
        write=write,
        refused=lambda status, state: _briefing_page(
            request, page, db, ref, status=status, problems=state.problems, values=form
        ),
    )
