"""Server-rendered pages (Jinja2 + HTMX partials): portfolio, alliance, people, account, admin."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from sqlalchemy.orm import Session

from alliance_flow import models as m
from alliance_flow import privacy
from alliance_flow.accounts import membership
from alliance_flow.accounts import services as accounts
from alliance_flow.accounts.errors import Forbidden, TooManyAttempts
from alliance_flow.accounts.models import AllianceRole, UserAllianceRole
from alliance_flow.accounts.policy import Permission
from alliance_flow.errors import (
    AllianceFlowError,
    Conflict,
    FieldProblem,
    GateBlocked,
    InvalidInput,
    NotFound,
)
from alliance_flow.i18n import country_name
from alliance_flow.reminders import outbox, reasons
from alliance_flow.reminders.models import STATUSES
from alliance_flow.safety import parse_id, safe_url
from alliance_flow.services import alliances as alliance_service
from alliance_flow.services import stages as stage_service
from alliance_flow.stages import STAGE_CHECKS
from alliance_flow.vocabulary import (
    ActionStatus,
)
from alliance_flow.web import labels
from alliance_flow.web.choices import country_options
from alliance_flow.web.deps import (
    CSRF_FIELD,
    LANGUAGE_COOKIE,
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    DbDep,
    ItemId,
    OptionalPage,
    Page,
    SignedInPage,
    TodayDep,
    alliance_for,
    get_db,
    optional_page,
    require_admin,
    signed_in_reader,
    translator_for,
    viewer_of,
)
from alliance_flow.web.fix_links import INTERIM, fix_url
from alliance_flow.web.forms import FormState, parse_dates, refusal, save_form, show_date
from alliance_flow.web.i18n import Translator, language_name, languages
from alliance_flow.web.page_cache import page_cache
from alliance_flow.web.settings import get_web_settings
from alliance_flow.web.shell import shell_context
from alliance_flow.web.views import WORKING_STAGES, portfolio_rows, stage_steps
from alliance_flow.web.workspaces import sections_for

TEMPLATES = Path(__file__).resolve().parent / "templates"
templates = Jinja2Templates(directory=TEMPLATES)
templates.env.filters["safe_url"] = safe_url  # every user address that becomes a link


@pass_context
def _withhold_people(context: Context, value: Any) -> Any:
    """Every value a page prints, for a funder: nobody's name or contact (withholding.py)."""
    page = context.get("page")
    withheld = getattr(page, "withheld", None)
    if withheld is None or not isinstance(value, str):
        return value
    shown = withheld.text(value)
    return Markup(shown) if isinstance(value, Markup) else shown


templates.env.finalize = _withhold_people

router = APIRouter(include_in_schema=False)


async def form_data(request: Request) -> dict[str, Any]:
    """The submitted form: single values as strings, repeated fields (checkboxes) as lists."""
    form = await request.form()
    out: dict[str, Any] = {}
    for key in form:
        values = [v for v in form.getlist(key) if isinstance(v, str)]
        out[key] = values if len(values) > 1 else (values[0] if values else "")
    return out


FormData = Annotated[dict[str, Any], Depends(form_data)]


def form_version(form: dict[str, Any]) -> int | None:
    """The version of the row the edit form was opened at (its hidden `version` field)."""
    text = str(form.get("version") or "").strip()
    return int(text) if text.isascii() and text.isdecimal() and len(text) < 10 else None


def _fields(form: dict[str, Any], names: tuple[str, ...], lists: tuple[str, ...] = ()) -> dict:
    """The named fields that were filled in; empty ones are left to the schema's defaults."""
    out: dict[str, Any] = {}
    for name in names:
        value = form.get(name)
        if name in lists:
            out[name] = value if isinstance(value, list) else ([value] if value else [])
        elif isinstance(value, str) and value.strip():
            out[name] = value.strip()
    return out


def render(
    request: Request, name: str, page: Page, *, status: int = 200, **context: Any
) -> HTMLResponse:
    """A page in the shell of base.html; `alliance` in the context puts it in the header."""
    tr = page.tr
    return templates.TemplateResponse(
        request,
        name,
        {
            "page": page,
            "viewer": page.viewer,
            "csrf": page.csrf,
            "csrf_field": CSRF_FIELD,
            "tr": tr,
            "_": tr.gettext,
            "ngettext": tr.ngettext,
            "labels": labels,
            "lang": tr.language,
            "form": FormState(),
            **shell_context(request, page.viewer, tr, context),
            **context,
        },
        status_code=status,
    )


def render_error(
    request: Request, status: int, message: str, *, headers: dict[str, str] | None = None
) -> Response:
    """The error page in the visitor's language; it must render even when the database fails."""
    try:
        page = optional_page(request, get_db(request))
    except Exception:  # a broken database must still give a page, not a crash
        page = Page(None, "", translator_for(request, None))
    response = render(
        request, "error.html", page, status=status, status_code=status, message=message
    )
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def check_titles(tr: Translator) -> dict[str, str]:
    """Every check's title in the reader's language, so no page shows a check's code."""
    return {c.code: tr.gettext(c.title) for checks in STAGE_CHECKS.values() for c in checks.checks}


def _is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


# --- login and logout ----------------------------------------------------------------


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


def _login_page(
    request: Request, page: Page, *, status: int = 200, error: str | None = None, login: str = ""
) -> Response:
    token = secrets.token_urlsafe(32)
    response = render(
        request,
        "login.html",
        page,
        status=status,
        login_csrf=token,
        error=error,
        login=login,
        next=_safe_next(request.query_params.get("next") or request.headers.get("x-next")),
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=get_web_settings().cookie_secure,
        path="/login",
    )
    return response


@router.get("/login")
def login_form(request: Request, page: OptionalPage) -> Response:
    if page.viewer is not None:
        return RedirectResponse("/", status_code=303)
    return _login_page(request, page)


@router.post("/login")
def login(request: Request, page: OptionalPage, db: DbDep, form: FormData) -> Response:
    _ = page.tr.gettext
    sent, expected = str(form.get(CSRF_FIELD, "")), request.cookies.get(LOGIN_CSRF_COOKIE, "")
    login_name = str(form.get("login", "")).strip()
    if not expected or not secrets.compare_digest(sent, expected):
        return _login_page(
            request,
            page,
            status=403,
            error=_("The form expired; please try again."),
            login=login_name,
        )
    client = request.client.host if request.client else "unknown"
    now = datetime.now(UTC)
    try:
        with db.transaction() as session:
            user = accounts.authenticate(
                session=session,
                login=login_name,
                password=str(form.get("password", "")),
                client=client,
                now=now,
            )
            started = accounts.start_session(session=session, user=user, now=now) if user else None
    except TooManyAttempts as refused:
        answer = _login_page(
            request,
            page,
            status=429,
            error=_("Too many failed attempts. Wait a few minutes and try again."),
            login=login_name,
        )
        answer.headers["Retry-After"] = str(refused.retry_after)
        return answer
    if started is None:
        return _login_page(
            request, page, status=401, error=_("Wrong login or password."), login=login_name
        )
    secret, _csrf = started
    response = RedirectResponse(_safe_next(str(form.get("next", "/"))), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        max_age=int(accounts.SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=get_web_settings().cookie_secure,
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(request: Request, page: SignedInPage, db: DbDep) -> Response:
    with db.transaction() as session:
        accounts.end_session(session=session, secret=request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# --- portfolio ----------------------------------------------------------------

ALLIANCE_FIELDS = (
    "name",
    "slug",
    "country",
    "region",
    "language",
    "timezone",
    "work_plan_start",
    "work_plan_end",
)


def _portfolio(
    request: Request,
    page: Page | None,
    db: Any,
    today: Any,
    *,
    status: int = 200,
    problems: list[Any] | None = None,
    values: dict[str, Any] | None = None,
) -> Response:
    """The portfolio; `page` None: who is asking is read with it (`signed_in_reader`)."""
    country = request.query_params.get("country") or None
    stage = request.query_params.get("stage") or None
    if stage not in (*WORKING_STAGES, "closed", None):
        stage = None
    cache = page_cache(request)
    with db.reading() as (session, snapshot):
        page = page or signed_in_reader(request, session)
        viewer = viewer_of(page)
        plain = status == 200 and problems is None and values is None
        key = cache.key(request, page, today, snapshot, "portfolio") if plain else None
        if (kept := cache.get(key)) is not None:
            return HTMLResponse(kept)
        everything = accounts.visible_alliances(session=session, viewer=viewer)
        shown = accounts.visible_alliances(
            session=session, viewer=viewer, country=country, stage=stage
        )
        rows = portfolio_rows(session, shown, viewer.role_on, today)
    countries = sorted({a.country for a in everything})
    response = render(
        request,
        "portfolio.html",
        page,
        status=status,
        rows=rows,
        countries=countries,
        stages=[*WORKING_STAGES, "closed"],
        filters=FormState({"country": country or "", "stage": stage or ""}, prefix="filter-"),
        country_filter_options=[(c, country_name(c, page.tr.language)) for c in countries],
        stage_options=[(s, page.tr.gettext(labels.STAGES[s])) for s in (*WORKING_STAGES, "closed")],
        country_options=country_options(page.tr.language),
        form=FormState(values=values or {}, problems=problems or []),
    )
    cache.put(key, bytes(response.body))
    return response


@router.get("/")
def portfolio(request: Request, db: DbDep, today: TodayDep) -> Response:
    return _portfolio(request, None, db, today)


@router.post("/alliances")
def create_alliance(
    request: Request, page: SignedInPage, db: DbDep, today: TodayDep, form: FormData
) -> Response:
    viewer = viewer_of(page)
    parsed, bad_dates = parse_dates(form, ("work_plan_start", "work_plan_end"))
    if bad_dates:
        return _portfolio(request, page, db, today, status=422, problems=bad_dates, values=form)
    data = _fields(parsed, ALLIANCE_FIELDS)
    try:
        with db.transaction() as session:
            a = accounts.create_alliance_as(session=session, viewer=viewer, alliance_in=data)
            slug = a.slug
    except InvalidInput as exc:
        return _portfolio(request, page, db, today, status=422, problems=exc.problems, values=form)
    except AllianceFlowError as exc:
        if isinstance(exc, NotFound):
            raise
        return _portfolio(request, page, db, today, status=409, problems=[exc.message], values=form)
    return RedirectResponse(f"/alliances/{slug}", status_code=303)


# --- one alliance ----------------------------------------------------------------


def _alliance_context(
    request: Request, session: Session, page: Page, ref: str, today: Any, stage: str | None = None
) -> dict[str, Any]:
    """The alliance page, or the workspace of one stage (`stage`), with its checks' fix links."""
    viewer = viewer_of(page)
    a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.VIEW)
    shown = stage or a.stage
    report = stage_service.gate_report(session=session, alliance=a, today=today, stage=shown)
    events = stage_service.history(session=session, alliance=a)
    entered = stage_service.stage_entered_on(events)
    steps = stage_steps(a.stage, entered)
    fixes = {
        o.code: url
        for o in report.outcomes
        if (url := fix_url(request, viewer, a.id, a.slug, o.code)) is not None
    }
    return {
        "alliance": a,
        "role": viewer.role_on(a.id),
        "report": report,
        "events": list(reversed(events)),
        "steps": steps,
        "stage": shown,
        "stage_number": WORKING_STAGES.index(shown) + 1 if shown in WORKING_STAGES else None,
        "stage_state": next((s.state for s in steps if s.stage == shown), "done"),
        "sections": sections_for(request, viewer, a.id, a.slug, shown, page.tr),
        "fixes": fixes,
        "interim": INTERIM,
        "waivable": shown == a.stage,
        "check_titles": check_titles(page.tr),
        "may_manage": viewer.may(Permission.MANAGE, a.id),
        "may_see_people": viewer.may(Permission.VIEW_PEOPLE, a.id),
        "may_own": viewer.may(Permission.OWN_ITEMS, a.id),
    }


@router.get("/alliances/{ref}")
def alliance_page(request: Request, ref: str, db: DbDep, today: TodayDep) -> Response:
    cache = page_cache(request)
    with db.reading() as (session, snapshot):
        page = signed_in_reader(request, session)
        key = cache.key(request, page, today, snapshot, "alliance")
        if (kept := cache.get(key)) is not None:
            return HTMLResponse(kept)
        context = _alliance_context(request, session, page, ref, today)
    response = render(request, "alliance.html", page, **context)
    cache.put(key, bytes(response.body))
    return response


@router.get("/alliances/{ref}/stages/{stage}")
def stage_page(
    request: Request, ref: str, stage: str, page: SignedInPage, db: DbDep, today: TodayDep
) -> Response:
    """One stage's workspace: its checks, and the pages where its work is done."""
    if stage not in WORKING_STAGES:
        raise NotFound(page.tr.gettext("There is no stage called %(stage)s.") % {"stage": stage})
    with db.transaction() as session:
        context = _alliance_context(request, session, page, ref, today, stage=stage)
    return render(request, "stage.html", page, **context)


def _workflow_action(
    request: Request,
    page: Page,
    db: Any,
    today: Any,
    ref: str,
    action: Callable[[Session, m.Alliance], str],
) -> Response:
    """Run one lifecycle action; on refusal show why, next to the checklist."""
    viewer = viewer_of(page)
    error: AllianceFlowError | None = None
    notice = None
    try:
        with db.transaction() as session:
            a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.MANAGE)
            slug = a.slug
            notice = action(session, a)
    except NotFound:
        raise
    except AllianceFlowError as exc:
        error = exc
    if error is None and not _is_htmx(request):
        return RedirectResponse(f"/alliances/{slug}", status_code=303)
    with db.transaction() as session:
        context = _alliance_context(request, session, page, ref, today)
    context.update(
        error=error,
        blocking=error.report.blocking if isinstance(error, GateBlocked) else [],
        problems=error.problems if isinstance(error, InvalidInput) else [],
        notice=notice,
    )
    if _is_htmx(request):  # htmx swaps only 2xx answers: the refusal is in the fragment
        return render(request, "_workflow.html", page, fragment=True, **context)
    status = 422 if isinstance(error, InvalidInput) else 409
    return render(request, "alliance.html", page, status=status, **context)


@router.post("/alliances/{ref}/advance")
def advance(request: Request, ref: str, page: SignedInPage, db: DbDep, today: TodayDep) -> Response:
    viewer = viewer_of(page)

    def act(session: Session, a: m.Alliance) -> str:
        before = a.stage
        stage_service.advance_stage(session=session, alliance=a, actor=viewer.author, today=today)
        tr = page.tr
        return tr.gettext("Moved from %(from)s to %(to)s.") % {
            "from": tr.gettext(labels.STAGES[before]),
            "to": tr.gettext(labels.STAGES[a.stage]),
        }

    return _workflow_action(request, page, db, today, ref, act)


@router.post("/alliances/{ref}/waive")
def waive(
    request: Request, ref: str, page: SignedInPage, db: DbDep, today: TodayDep, form: FormData
) -> Response:
    viewer = viewer_of(page)

    def act(session: Session, a: m.Alliance) -> str:
        code = str(form.get("code", ""))
        stage_service.waive_check(
            session=session,
            alliance=a,
            code=code,
            reason=str(form.get("reason", "")),
            actor=viewer.author,
            today=today,
        )
        title = check_titles(page.tr).get(code, code)
        return page.tr.gettext("Check waived: %(title)s.") % {"title": title}

    return _workflow_action(request, page, db, today, ref, act)


@router.post("/alliances/{ref}/back")
def move_back(
    request: Request, ref: str, page: SignedInPage, db: DbDep, today: TodayDep, form: FormData
) -> Response:
    viewer = viewer_of(page)

    def act(session: Session, a: m.Alliance) -> str:
        target = stage_service.move_back(
            session=session,
            alliance=a,
            reason=str(form.get("reason", "")),
            actor=viewer.author,
            today=today,
        )
        return page.tr.gettext("Moved back to %(stage)s.") % {
            "stage": page.tr.gettext(labels.STAGES[target])
        }

    return _workflow_action(request, page, db, today, ref, act)


# --- notifications: the reminders outbox of one alliance ------------------------------------


@router.get("/alliances/{ref}/outbox")
def outbox_page(
    request: Request, ref: str, page: SignedInPage, db: DbDep, status: str | None = None
) -> Response:
    """What was sent, what waits for a retry and what failed, so nothing fails silently."""
    viewer = viewer_of(page)
    wanted = status if status in STATUSES else None
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.MANAGE)
        rows = [
            {
                "message": msg,
                "to": outbox.recipient_label(session, msg.recipient),
                "error": reasons.describe(msg.last_error),
            }
            for msg, _slug in outbox.list_outbox(
                session=session, status=wanted, alliance_id=a.id, limit=300
            )
        ]
        counts = outbox.status_counts(session=session, alliance_id=a.id)
    return render(
        request,
        "outbox.html",
        page,
        alliance=a,
        rows=rows,
        counts=counts,
        current_status=wanted,
        statuses=STATUSES,
    )


# --- a member's own part: signing the charter, reporting on their actions ---------------------


def _my_page(
    request: Request,
    page: Page,
    db: Any,
    today: Any,
    ref: str,
    *,
    status: int = 200,
    problems: list[Any] | None = None,
) -> Response:
    viewer = viewer_of(page)
    with db.transaction() as session:
        a = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.OWN_ITEMS)
        part = membership.my_part(session=session, viewer=viewer, alliance=a, today=today)
        consents = privacy.consents(session=session, member=part.member) if part.member else []
    return render(
        request,
        "me.html",
        page,
        status=status,
        alliance=a,
        part=part,
        consents=consents,
        purposes=privacy.PURPOSES,
        statuses=[x.value for x in ActionStatus],
        problems=problems or [],
        today=today,
        show_date=show_date,
    )


def _my_action(
    request: Request,
    page: Page,
    db: Any,
    today: Any,
    ref: str,
    action: Callable[[Session, m.Alliance], object],
) -> Response:
    """Run one of the member's own use cases; on refusal show the page again with why."""

    def write(session: Session, a: m.Alliance) -> str:
        action(session, a)
        return f"/alliances/{a.slug}/me"

    return save_form(
        db=db,
        page=page,
        ref=ref,
        form={},
        prefix="me-",
        permission=Permission.OWN_ITEMS,
        write=write,
        refused=lambda status, state: _my_page(
            request, page, db, today, ref, status=status, problems=state.problems
        ),
    )


@router.get("/alliances/{ref}/me")
def my_page(request: Request, ref: str, page: SignedInPage, db: DbDep, today: TodayDep) -> Response:
    return _my_page(request, page, db, today, ref)


@router.post("/alliances/{ref}/me/sign")
def sign_charter(
    request: Request, ref: str, page: SignedInPage, db: DbDep, today: TodayDep, form: FormData
) -> Response:
    viewer = viewer_of(page)

    def act(session: Session, a: m.Alliance) -> object:
        if form.get("agree") != "on":
            raise InvalidInput(
                [FieldProblem("agree", page.tr.gettext("tick the box to confirm you agree"))]
            )
        return membership.sign_current_charter(
            session=session, viewer=viewer, alliance=a, today=today
        )

    return _my_action(request, page, db, today, ref, act)


@router.post("/alliances/{ref}/me/actions/{item_id}")
def update_my_action(
    request: Request,
    ref: str,
    item_id: ItemId,
    page: SignedInPage,
    db: DbDep,
    today: TodayDep,
    form: FormData,
) -> Response:
    viewer = viewer_of(page)

    def act(session: Session, a: m.Alliance) -> object:
        return membership.update_own_action(
            session=session,
            viewer=viewer,
            alliance=a,
            kind="action",
            item_id=item_id,
            changes={"status": str(form.get("status", ""))},
            today=today,
        )

    return _my_action(request, page, db, today, ref, act)


@router.post("/alliances/{ref}/me/minutes-actions/{item_id}")
def update_my_minutes_action(
    request: Request,
    ref: str,
    item_id: ItemId,
    page: SignedInPage,
    db: DbDep,
    today: TodayDep,
    form: FormData,
) -> Response:
    viewer = viewer_of(page)
    parsed, bad_dates = parse_dates(form, ("done_on",))
    done_on = str(parsed.get("done_on", ""))

    def act(session: Session, a: m.Alliance) -> object:
        if bad_dates:
            raise InvalidInput(bad_dates)
        return membership.update_own_action(
            session=session,
            viewer=viewer,
            alliance=a,
            kind="minutes-action",
            item_id=item_id,
            changes={"done_on": done_on},
            today=today,
        )

    return _my_action(request, page, db, today, ref, act)


# --- the user's own account ----------------------------------------------------------------------


def _account_page(
    request: Request, page: Page, db: Any, *, status: int = 200, **context: Any
) -> Response:
    viewer = viewer_of(page)
    with db.transaction() as session:
        tokens = accounts.list_tokens(session=session, user_id=viewer.user_id)
    choices = [(code, language_name(code)) for code in languages()]
    return render(
        request, "account.html", page, status=status, tokens=tokens, choices=choices, **context
    )


@router.get("/account")
def account(request: Request, page: SignedInPage, db: DbDep) -> Response:
    return _account_page(request, page, db)


@router.post("/account/language")
def set_language(page: SignedInPage, db: DbDep, form: FormData) -> Response:
    viewer = viewer_of(page)
    with db.transaction() as session:
        accounts.set_language(
            session=session, user_id=viewer.user_id, language=str(form.get("language")) or None
        )
    return RedirectResponse("/account", status_code=303)


@router.post("/language")
def switch_language(request: Request, page: OptionalPage, db: DbDep, form: FormData) -> Response:
    """The header's language switch: for the account when signed in, else for this browser."""
    wanted = str(form.get("language", ""))
    if wanted not in languages():
        wanted = page.tr.language
    if page.viewer is not None:
        sent = str(form.get(CSRF_FIELD, ""))
        if not sent or not secrets.compare_digest(sent, page.csrf):
            raise Forbidden("the form has expired or did not come from this site; reload the page")
        with db.transaction() as session:
            accounts.set_language(session=session, user_id=page.viewer.user_id, language=wanted)
    response = RedirectResponse(_safe_next(str(form.get("next", "/"))), status_code=303)
    response.set_cookie(
        LANGUAGE_COOKIE,
        wanted,
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="lax",
        secure=get_web_settings().cookie_secure,
        path="/",
    )
    return response


@router.post("/account/tokens")
def create_token(request: Request, page: SignedInPage, db: DbDep, form: FormData) -> Response:
    viewer = viewer_of(page)
    try:
        with db.transaction() as session:
            secret = accounts.issue_token(
                session=session,
                user_id=viewer.user_id,
                name=str(form.get("name", "")),
                days=_days(form.get("days")),
            )
    except InvalidInput as exc:
        return _account_page(request, page, db, status=422, problems=exc.problems)
    return _account_page(request, page, db, status=201, new_token=secret)


def _days(value: Any) -> int:
    """The validity asked for on the form; the default when left empty, 0 (refused) when wrong."""
    text = str(value or "").strip()
    if not text:
        return accounts.TOKEN_DAYS
    return int(text) if text.isascii() and text.isdecimal() and len(text) < 6 else 0


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(request: Request, token_id: ItemId, page: SignedInPage, db: DbDep) -> Response:
    """Revoke one of your own API tokens; scripts using it are refused from now on."""
    viewer = viewer_of(page)
    with db.transaction() as session:
        accounts.revoke_token(session=session, user_id=viewer.user_id, token_id=token_id)
    return RedirectResponse("/account", status_code=303)


# --- administration ----------------------------------------------------------------


def _users_page(
    request: Request,
    page: Page,
    db: Any,
    *,
    status: int = 200,
    problems: list[Any] | None = None,
    values: dict[str, Any] | None = None,
    section: str | None = None,
) -> Response:
    """The administrator's page; a refused form (`section`) shows again with what was chosen."""
    viewer = viewer_of(page)
    require_admin(viewer)
    tr = page.tr
    with db.transaction() as session:
        users = accounts.list_users(session=session)
        roles = {u.id: accounts.viewer_of(session=session, user=u).roles for u in users}
        alliances = accounts.visible_alliances(session=session, viewer=viewer)
        ids = [a.id for a in alliances]
        links = membership.linked_members(session=session, alliance_ids=ids)
        people = membership.members_by_alliance(session=session, alliance_ids=ids)
        member_groups = [
            (a.name, [(mb.id, _member_text(mb, tr)) for mb in people[a.id]])
            for a in alliances
            if people.get(a.id)
        ]

    # a password is never written back into the page
    typed = {k: v for k, v in (values or {}).items() if k != "password"}

    def state(name: str, prefix: str) -> FormState:
        mine = section == name
        return FormState(
            values=typed if mine else {},
            problems=(problems or []) if mine else [],
            prefix=prefix,
        )

    return render(
        request,
        "admin_users.html",
        page,
        status=status,
        users=users,
        roles=roles,
        alliance_slugs={a.id: a.slug for a in alliances},
        links=links,
        user_form=state("users", "u-"),
        grant_form=state("roles", "g-"),
        link_form=state("links", "l-"),
        account_options=[(u.login, f"{u.name} ({u.login})") for u in users],
        alliance_options=[(a.slug, a.name) for a in alliances],
        role_options=[(r.value, tr.gettext(labels.ROLES[r.value])) for r in AllianceRole],
        member_groups=member_groups,
    )


def _member_text(mb: m.Member, tr: Translator) -> str:
    """A member as the administrator picks them: name, organisation, and whether they left."""
    text = mb.name + (f" ({mb.organisation.name})" if mb.organisation else "")
    if mb.left_on is not None:
        text += " · " + tr.gettext("left on %(date)s") % {"date": tr.date(mb.left_on)}
    return text


@router.get("/admin/users")
def users_page(request: Request, page: SignedInPage, db: DbDep) -> Response:
    return _users_page(request, page, db)


@router.post("/admin/users")
def create_user(request: Request, page: SignedInPage, db: DbDep, form: FormData) -> Response:
    def create(session: Session) -> None:
        data = _fields(form, ("login", "name", "password", "language"))
        data["is_admin"] = form.get("is_admin") == "on"
        try:
            accounts.get_user(session=session, login=str(data.get("login", "")))
        except NotFound:
            accounts.create_user(session=session, user_in=data)
            return
        raise InvalidInput([FieldProblem("login", page.tr.gettext("this login is already taken"))])

    return _admin_write(request, page, db, form, "users", create)


@router.post("/admin/roles")
def grant_role(request: Request, page: SignedInPage, db: DbDep, form: FormData) -> Response:
    def grant(session: Session) -> None:
        user, alliance = _account_and_alliance(session, form, page.tr)
        accounts.grant_role(
            session=session,
            login=user.login,
            alliance_ref=alliance.id,
            role=str(form.get("role", "")),
        )

    return _admin_write(request, page, db, form, "roles", grant)


@router.post("/admin/links")
def link_member(request: Request, page: SignedInPage, db: DbDep, form: FormData) -> Response:
    """Say which member of an alliance an account speaks for (no member chosen: unlink)."""

    def link(session: Session) -> None:
        tr = page.tr
        user, alliance = _account_and_alliance(session, form, tr)
        if session.get(UserAllianceRole, (user.id, alliance.id)) is None:
            message = tr.gettext(
                "%(account)s has no role on %(alliance)s: give the account a role there first"
            )
            raise InvalidInput(
                [FieldProblem("login", message % {"account": user.name, "alliance": alliance.name})]
            )
        chosen = str(form.get("member", "")).strip()
        member = None
        if chosen:
            number = parse_id(chosen)
            member = session.get(m.Member, number) if number is not None else None
            if member is None or member.alliance_id != alliance.id:
                message = tr.gettext("choose a member of %(alliance)s from the list")
                raise InvalidInput([FieldProblem("member", message % {"alliance": alliance.name})])
        try:
            membership.link_member(
                session=session,
                login=user.login,
                alliance_ref=alliance.id,
                member_ref=member.id if member else None,
            )
        except Conflict:
            message = tr.gettext("%(member)s is already linked to another account")
            raise InvalidInput(
                [FieldProblem("member", message % {"member": member.name if member else chosen})]
            ) from None

    return _admin_write(request, page, db, form, "links", link)


def _account_and_alliance(
    session: Session, form: dict[str, Any], tr: Translator
) -> tuple[Any, m.Alliance]:
    """The account and the alliance chosen in an admin form, or each missing one named."""
    problems = []
    user = alliance = None
    try:
        user = accounts.get_user(session=session, login=str(form.get("login", "")))
    except NotFound:
        problems.append(FieldProblem("login", tr.gettext("choose an account from the list")))
    try:
        alliance = alliance_service.get_alliance(session=session, ref=str(form.get("alliance", "")))
    except NotFound:
        problems.append(FieldProblem("alliance", tr.gettext("choose an alliance from the list")))
    if user is None or alliance is None:
        raise InvalidInput(problems)
    return user, alliance


def _admin_write(
    request: Request,
    page: Page,
    db: Any,
    form: dict[str, Any],
    section: str,
    write: Callable[[Session], None],
) -> Response:
    """One admin use case: back to the Users page, or the page again with what was chosen and
    what went wrong next to its field."""
    require_admin(viewer_of(page))
    try:
        with db.transaction() as session:
            write(session)
    except AllianceFlowError as exc:
        status, problems = refusal(exc)
        if isinstance(exc, NotFound):
            status = 404
        return _users_page(
            request, page, db, status=status, problems=problems, values=form, section=section
        )
    return RedirectResponse(f"/admin/users#{section}", status_code=303)
