"""Stage 6 in the browser: evaluations (the SWOT in four quadrants with the guide's prompting
questions, joint interviews, an external evaluator's report as a file), the cadence of the
evaluation reminders, the sustainability plan with its six-month countdown, and the decision
to close or renew. Files people bring are sent back only as downloads.

`/alliances/{slug}/evaluations` and `/alliances/{slug}/sustainability` are where the reminders
send coordinators and chairs. Funders may follow the sustainability page (no one's name on it)
but not the evaluations or the files, which may hold what members said in interviews."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from alliance_flow.accounts.policy import Permission
from alliance_flow.errors import Conflict, GateBlocked, NotFound
from alliance_flow.models import Alliance
from alliance_flow.reminders.config import get_reminder_settings
from alliance_flow.services import documents
from alliance_flow.services import sustainability as service
from alliance_flow.vocabulary import Continuation, Decision, EvaluationKind, Stage
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
from alliance_flow.web.forms import FormState, parse_date, parse_dates, save_form
from alliance_flow.web.i18n import N_
from alliance_flow.web.pages import FormData, check_titles, render
from alliance_flow.web.uploads import Uploads, read_upload

router = APIRouter(include_in_schema=False)

EVALUATION_KINDS: dict[str, str] = {
    EvaluationKind.SELF_ASSESSMENT: N_("Self-assessment (SWOT)"),
    EvaluationKind.JOINT: N_("Joint evaluation (one-to-one interviews, then a joint meeting)"),
    EvaluationKind.EXTERNAL: N_("Internal staff member or external evaluator"),
}
CONTINUATIONS: dict[str, str] = {
    Continuation.VOLUNTARY: N_("A more voluntary continuation"),
    Continuation.FORMAL: N_("A more formal continuation"),
}
DECISIONS: dict[str, str] = {
    Decision.CLOSE: N_("Close the alliance"),
    Decision.RENEW: N_("Renew its mandate, with a new end of the work plan"),
}


def _cannot_close(exc: GateBlocked, tr: Any) -> Conflict:
    """GateBlocked in the coordinator's words: which checks of stage 6 still fail, and why."""
    titles = check_titles(tr)
    failing = "; ".join(
        f"{titles.get(o.code, o.code)}: {o.result.reason}" for o in exc.report.blocking
    )
    return Conflict(
        tr.gettext(
            "The alliance cannot close yet, so nothing was recorded. These checks of "
            "stage 6 do not pass: {checks}. Fix them, or waive them with a reason on the "
            "stage page, then decide again."
        ).format(checks=failing)
    )


# --- evaluations -------------------------------------------------------------------------------


def _evaluations_page(
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
    cadence_form: FormState | None = None,
) -> Response:
    viewer = viewer_of(page)
    default_months = get_reminder_settings().evaluation_cadence_months
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.VIEW_PEOPLE)
        rows = service.evaluations(session=session, alliance=a)
        reports = documents.infos(
            session=session, alliance=a, purpose=documents.Purpose.EVALUATION_REPORT
        )
        may_manage = viewer.may(Permission.MANAGE, a.id)
        edited = None
        if editing is not None and may_manage:
            edited = next((e for e in rows if e.id == editing), None)
            if edited is None:
                raise NotFound(page.tr.gettext("no such evaluation in this alliance"))
            if edit_form is None:
                values = {f: getattr(edited, f) for f in service.EVALUATION_FIELDS}
                for q in service.SWOT:
                    values[q.field] = "\n".join(values[q.field] or [])
                edit_form = FormState(values=values, prefix="edit-")
        months = service.cadence_of(a, default_months)
        next_due = service.next_evaluation_due(a, [e.held_on for e in rows], default_months, today)
        own_cadence = a.evaluation_cadence_months
    return render(
        request,
        "evaluations.html",
        page,
        status=status,
        alliance=a,
        evaluations=rows,
        reports=reports,
        may_manage=may_manage,
        swot=service.SWOT,
        kinds=EVALUATION_KINDS,
        kind_options=[(k, page.tr.gettext(v)) for k, v in EVALUATION_KINDS.items()],
        add_form=add_form
        or FormState(values={"kind": "self_assessment", "held_on": today}, prefix="add-"),
        editing=editing,
        edited=edited,
        edit_form=edit_form,
        cadence_form=cadence_form
        or FormState(
            values={"months": "" if own_cadence is None else own_cadence}, prefix="cadence-"
        ),
        months=months,
        default_months=default_months,
        own_cadence=own_cadence,
        next_due=next_due,
        today=today,
        accept=documents.accept_attribute(),
        accepted=documents.accepted_types(),
        max_size=documents.human_size(documents.max_bytes()),
    )


@router.get("/alliances/{ref}/evaluations")
def evaluations_page(
    request: Request,
    ref: str,
    page: SignedInPage,
    db: DbDep,
    today: TodayDep,
    edit: QueryId = None,
) -> Response:
    return _evaluations_page(request, page, db, today, ref, editing=edit)


def _save_evaluation(
    request: Request,
    page: Page,
    db: Any,
    today: Any,
    ref: str,
    form: dict[str, Any],
    uploads: dict[str, UploadFile],
    evaluation_id: int | None,
) -> Response:
    values = {n: str(form[n]).strip() for n in service.EVALUATION_FIELDS if n in form}
    data, problems = parse_dates(values, ("held_on",))
    by = viewer_of(page).author

    def write(session: Session, a: Alliance) -> str:
        row = service.save_evaluation(
            session=session,
            alliance=a,
            evaluation_in=data,
            today=today,
            by=by,
            evaluation_id=evaluation_id,
            report=read_upload(uploads, "report"),
            remove_report=form.get("remove_report") == "on",
        )
        return f"/alliances/{a.slug}/evaluations#evaluation-{row.id}"

    def refused(status: int, state: FormState) -> Response:
        if evaluation_id is None:
            return _evaluations_page(request, page, db, today, ref, status=status, add_form=state)
        return _evaluations_page(
            request, page, db, today, ref, status=status, editing=evaluation_id, edit_form=state
        )

    return save_form(
        db=db,
        page=page,
        ref=ref,
        form=form,
        prefix="add-" if evaluation_id is None else "edit-",
        problems=problems,
        write=write,
        refused=refused,
    )


@router.post("/alliances/{ref}/evaluations")
def add_evaluation(
    request: Request,
    ref: str,
    page: SignedInPage,
    db: DbDep,
    today: TodayDep,
    form: FormData,
    uploads: Uploads,
) -> Response:
    return _save_evaluation(request, page, db, today, ref, form, uploads, None)


@router.post("/alliances/{ref}/evaluations/cadence")
def save_cadence(
    request: Request, ref: str, page: SignedInPage, db: DbDep, today: TodayDep, form: FormData
) -> Response:
    """How often the reminders ask this alliance for an evaluation."""

    def write(session: Session, a: Alliance) -> str:
        service.set_cadence(session=session, alliance=a, months=str(form.get("months", "")))
        return f"/alliances/{a.slug}/evaluations#cadence"

    return save_form(
        db=db,
        page=page,
        ref=ref,
        form=form,
        prefix="cadence-",
        write=write,
        refused=lambda status, state: _evaluations_page(
            request, page, db, today, ref, status=status, cadence_form=state
        ),
    )


@router.post("/alliances/{ref}/evaluations/{evaluation_id}")
def edit_evaluation(
    request: Request,
    ref: str,
    evaluation_id: ItemId,
    page: SignedInPage,
    db: DbDep,
    today: TodayDep,
    form: FormData,
    uploads: Uploads,
) -> Response:
    return _save_evaluation(request, page, db, today, ref, form, uploads, evaluation_id)


@router.post("/alliances/{ref}/evaluations/{evaluation_id}/remove")
def remove_evaluation(ref: str, evaluation_id: ItemId, page: SignedInPage, db: DbDep) -> Response:
    viewer = viewer_of(page)
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.MANAGE)
        slug = a.slug
        service.remove_evaluation(session=session, alliance=a, evaluation_id=evaluation_id)
    return RedirectResponse(f"/alliances/{slug}/evaluations#evaluations", status_code=303)


# --- files -------------------------------------------------------------------------------------


def content_disposition(filename: str) -> str:
    """attachment, with an ASCII fallback name and the real one (RFC 6266 / 5987)."""
    fallback = filename.encode("ascii", "replace").decode("ascii").replace("?", "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


@router.get("/alliances/{ref}/documents/{document_id}")
def download_document(ref: str, document_id: ItemId, page: SignedInPage, db: DbDep) -> Response:
    """A file someone brought, only ever as a download, with the type found from its content."""
    viewer = viewer_of(page)
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.VIEW_PEOPLE)
        row = documents.get(session=session, alliance=a, document_id=document_id)
        body, media, name = row.content, row.media_type, row.filename
    return Response(
        body,
        media_type=media,
        headers={
            "Content-Disposition": content_disposition(name),
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Cache-Control": "private, no-store",
        },
    )


# --- the sustainability plan and the decision --------------------------------------------------


def _sustainability_page(
    request: Request,
    page: Page,
    db: Any,
    today: Any,
    ref: str,
    *,
    status: int = 200,
    plan_form: FormState | None = None,
    decision_form: FormState | None = None,
) -> Response:
    viewer = viewer_of(page)
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.VIEW)
        plan = service.plan_of(session=session, alliance=a)
        may_manage = viewer.may(Permission.MANAGE, a.id)
        may_see_files = viewer.may(Permission.VIEW_PEOPLE, a.id)
        signed = (
            documents.infos(session=session, alliance=a, purpose=documents.Purpose.SIGNED_PLAN)
            if may_see_files
            else {}
        ).get(None)
        renewals = service.renewals(session=session, alliance=a)
        clock = service.countdown(
            work_plan_end=a.work_plan_end,
            plan_dated_on=plan.dated_on if plan else None,
            today=today,
        )
        evaluated = bool(service.evaluations(session=session, alliance=a))
    values = {f: getattr(plan, f) for f in service.PLAN_FIELDS} if plan else {}
    return render(
        request,
        "sustainability.html",
        page,
        status=status,
        alliance=a,
        plan=plan,
        signed=signed,
        renewals=renewals,
        clock=clock,
        evaluated=evaluated,
        may_manage=may_manage,
        may_see_files=may_see_files,
        in_stage=a.stage == Stage.SUSTAINABILITY,
        closed=a.stage == Stage.CLOSED,
        continuations=CONTINUATIONS,
        continuation_options=[(k, page.tr.gettext(v)) for k, v in CONTINUATIONS.items()],
        decision_options=[(k, page.tr.gettext(v)) for k, v in DECISIONS.items()],
        plan_form=plan_form or FormState(values=values, prefix="plan-"),
        decision_form=decision_form or FormState(values={"decided_on": today}, prefix="decision-"),
        today=today,
        accept=documents.accept_attribute(),
        accepted=documents.accepted_types(),
        max_size=documents.human_size(documents.max_bytes()),
    )


@router.get("/alliances/{ref}/sustainability")
def sustainability_page(
    request: Request, ref: str, page: SignedInPage, db: DbDep, today: TodayDep
) -> Response:
    return _sustainability_page(request, page, db, today, ref)


@router.post("/alliances/{ref}/sustainability/plan")
def save_plan(
    request: Request,
    ref: str,
    page: SignedInPage,
    db: DbDep,
    today: TodayDep,
    form: FormData,
    uploads: Uploads,
) -> Response:
    values = {n: str(form.get(n, "")).strip() for n in service.PLAN_FIELDS}
    data, problems = parse_dates(values, ("dated_on",))
    by = viewer_of(page).author

    def write(session: Session, a: Alliance) -> str:
        service.save_plan(
            session=session,
            alliance=a,
            plan_in=data,
            today=today,
            by=by,
            signed=read_upload(uploads, "signed"),
        )
        return f"/alliances/{a.slug}/sustainability#plan"

    return save_form(
        db=db,
        page=page,
        ref=ref,
        form=form,
        prefix="plan-",
        problems=problems,
        write=write,
        refused=lambda status, state: _sustainability_page(
            request, page, db, today, ref, status=status, plan_form=state
        ),
    )


@router.post("/alliances/{ref}/sustainability/decision")
def decide(
    request: Request, ref: str, page: SignedInPage, db: DbDep, today: TodayDep, form: FormData
) -> Response:
    """Close the alliance, or renew its mandate, with the day and the reason."""
    _, problems = parse_dates(form, ("decided_on", "new_end"))
    decided_text = str(form.get("decided_on", "")).strip()
    end_text = str(form.get("new_end", "")).strip()
    author = viewer_of(page).author

    def write(session: Session, a: Alliance) -> str:
        try:
            outcome = service.decide(
                session=session,
                alliance=a,
                decision=str(form.get("decision", "")),
                decided_on=parse_date(decided_text) if decided_text else None,
                reason=str(form.get("decision_reason", "")),
                new_end=parse_date(end_text) if end_text else None,
                actor=author,
                today=today,
            )
        except GateBlocked as blocked:
            raise _cannot_close(blocked, page.tr) from None
        anchor = "closed" if outcome == Stage.CLOSED else "renewals"
        return f"/alliances/{a.slug}/sustainability#{anchor}"

    return save_form(
        db=db,
        page=page,
        ref=ref,
        form=form,
        prefix="decision-",
        problems=problems,
        write=write,
        refused=lambda status, state: _sustainability_page(
            request, page, db, today, ref, status=status, decision_form=state
        ),
    )
