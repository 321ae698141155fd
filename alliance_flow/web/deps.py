"""Request dependencies: the database, the signed-in viewer, CSRF, language and the clock."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import Depends, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from alliance_flow import models as m
from alliance_flow.accounts import services as accounts
from alliance_flow.accounts.errors import Forbidden, Unauthenticated
from alliance_flow.accounts.policy import Permission, Viewer
from alliance_flow.audit import set_actor
from alliance_flow.db import Database
from alliance_flow.errors import NotFound
from alliance_flow.gates import hide_people
from alliance_flow.i18n import _, set_language
from alliance_flow.safety import MAX_ID
from alliance_flow.services import alliances as alliance_service
from alliance_flow.web.i18n import Translator, catalogs, negotiate
from alliance_flow.withholding import Withholding, for_viewer

SESSION_COOKIE = "af_session"
LOGIN_CSRF_COOKIE = "af_login_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
#: The language picked in the header by someone not signed in (signed in: their account's).
LANGUAGE_COOKIE = "af_lang"


def get_db(request: Request) -> Database:
    return request.app.state.db


def get_today(request: Request) -> date:
    clock: Callable[[], date] = request.app.state.today
    return clock()


# The dependencies are async, though they wait for nothing: FastAPI runs a plain function
# dependency in the thread pool, a hop between threads per dependency and request.
async def _db(request: Request) -> Database:
    return get_db(request)


async def _today(request: Request) -> date:
    return get_today(request)


DbDep = Annotated[Database, Depends(_db)]
#: The id of a row in a URL: a positive number every database can hold (else 422, not 500).
ItemId = Annotated[int, Path(ge=1, le=MAX_ID)]
#: The same in a query string (?edit=3), optional.
QueryId = Annotated[int | None, Query(ge=1, le=MAX_ID)]
#: An alliance in an API URL: its id or its slug.
Ref = Annotated[
    str,
    Path(pattern=r"^[A-Za-z0-9-]{1,80}$", description="The alliance's id or slug", examples=["1"]),
]
TodayDep = Annotated[date, Depends(_today)]

_bearer = HTTPBearer(auto_error=False, description="A personal API token (`af_...`).")


def api_viewer(
    db: DbDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Viewer:
    """Scripts authenticate with a bearer token; the API takes no cookies, so needs no CSRF."""
    if credentials is None:
        raise Unauthenticated("send a personal API token: Authorization: Bearer af_...")
    with db.transaction() as session:
        viewer = accounts.token_viewer(
            session=session, secret=credentials.credentials, now=datetime.now(UTC)
        )
    if viewer is None:
        raise Unauthenticated("unknown, expired or revoked API token")
    return viewer


async def api_author(viewer: Annotated[Viewer, Depends(api_viewer)]) -> Viewer:
    """Async so the author it sets lives in the request's task (see signed_in_page)."""
    set_actor(viewer.author)
    return viewer


ApiViewer = Annotated[Viewer, Depends(api_author)]


@dataclass(frozen=True)
class Page:
    """A browser request: who is signed in, the CSRF token of their forms, their language."""

    viewer: Viewer | None
    csrf: str
    tr: Translator
    #: for a funder: the people whose names and contacts no page may show them
    withheld: Withholding | None = None


def translator_for(request: Request, viewer: Viewer | None) -> Translator:
    if viewer is not None and viewer.language:
        return Translator(viewer.language)
    picked = request.cookies.get(LANGUAGE_COOKIE)
    if picked and picked in catalogs():
        return Translator(picked)
    return Translator(negotiate(request.headers.get("accept-language")))


def optional_page(request: Request, db: DbDep) -> Page:
    with db.transaction() as session:
        return page_in(request, session)


def page_in(request: Request, session: Session) -> Page:
    """The browser's page: who is signed in (one statement), read in the caller's transaction."""
    secret = request.cookies.get(SESSION_COOKIE)
    found = None
    if secret:
        found = accounts.session_viewer(session=session, secret=secret, now=datetime.now(UTC))
    if found is None:
        return Page(None, "", translator_for(request, None))
    viewer, csrf = found
    return Page(viewer, csrf, translator_for(request, viewer), for_viewer(session, viewer))


def _admit(page: Page) -> Viewer:
    """The viewer, speaking their language from here on; refused when nobody is signed in."""
    # Set first, so that even the refusal speaks the viewer's language.
    set_language(page.tr.language)
    if page.viewer is None:
        raise Unauthenticated(_("sign in first"))
    return page.viewer


def signed_in_reader(request: Request, session: Session) -> Page:
    """`signed_in_page` for a page that only reads, called by the endpoint itself in the
    transaction that reads the page (`Database.reading`): one trip to the thread pool instead
    of two, one transaction instead of two, and who is asking is read in the same snapshot as
    what they see. The language is set in the thread that then evaluates and renders."""
    if request.method not in ("GET", "HEAD"):
        raise Forbidden(_("the form has expired or did not come from this site; reload the page"))
    page = page_in(request, session)
    set_actor(_admit(page).author)
    return page


async def signed_in_page(request: Request, page: Annotated[Page, Depends(optional_page)]) -> Page:
    """A signed-in browser; every unsafe method must carry the session's CSRF token."""
    # An async dependency runs in the request's own task, so the gate checks evaluated by the
    # endpoint (even in the threadpool, which copies the context) speak the viewer's language.
    viewer = _admit(page)
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        sent = request.headers.get(CSRF_HEADER)
        if sent is None:
            form = await request.form()
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
        if not sent or not secrets.compare_digest(sent, page.csrf):
            raise Forbidden(
                _("the form has expired or did not come from this site; reload the page")
            )
    set_actor(viewer.author)  # every write of this request is logged under their name
    return page


OptionalPage = Annotated[Page, Depends(optional_page)]
SignedInPage = Annotated[Page, Depends(signed_in_page)]


def viewer_of(page: Page) -> Viewer:
    if page.viewer is None:  # signed_in_page has already refused anonymous requests
        raise Unauthenticated(_("sign in first"))
    return page.viewer


def alliance_for(
    *, session: Session, viewer: Viewer, ref: str, permission: Permission
) -> m.Alliance:
    """The alliance if the viewer may do this on it; 404 when they have no role at all."""
    try:
        alliance = alliance_service.get_alliance(session=session, ref=ref)
    except NotFound:
        alliance = None
    if alliance is None or not viewer.sees(alliance.id):
        raise NotFound(_("no alliance '{ref}'").format(ref=ref))
    if not viewer.may(permission, alliance.id):
        raise Forbidden(_("your role on this alliance does not allow this"))
    if not viewer.may(Permission.VIEW_PEOPLE, alliance.id):
        hide_people()  # funders: the checks of this request say how many people, never who
    return alliance


def require_admin(viewer: Viewer) -> None:
    if not viewer.is_admin:
        raise Forbidden(_("only administrators manage users"))
