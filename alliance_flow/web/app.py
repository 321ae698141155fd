"""The app factory: one FastAPI application over one Database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from alliance_flow.db import Database, open_database
from alliance_flow.web import (
    alliance_edit,
    analysis,
    annexes,
    api,
    dissemination,
    errors,
    observability,
    pages,
    planning,
    stakeholders,
    sustainability,
)
from alliance_flow.web import meetings as meeting_pages
from alliance_flow.web import members as member_pages
from alliance_flow.web import privacy as privacy_pages
from alliance_flow.web import reports as report_pages
from alliance_flow.web.headers import SecurityHeaders
from alliance_flow.web.limits import BodyLimit
from alliance_flow.web.page_cache import PageCache
from alliance_flow.web.settings import get_web_settings

STATIC = Path(__file__).resolve().parent / "static"


def create_app(db: Database | None = None, *, today: Callable[[], date] | None = None) -> FastAPI:
    """Build the dashboard and API; `today` lets tests pin the date the gates are evaluated on."""
    app = FastAPI(
        title="alliance_flow",
        summary="Carry Regional Alliances through their six stages, gate by gate.",
        version="1",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # served below from the package's own files, not from a CDN
        redoc_url=None,
    )
    app.state.db = db or open_database()
    app.state.today = today or date.today
    app.state.page_cache = PageCache()
    app.include_router(observability.router)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(stakeholders.router)
    app.include_router(privacy_pages.router)  # before member_pages: its {member_id} routes
    app.include_router(member_pages.router)
    app.include_router(meeting_pages.router)
    app.include_router(alliance_edit.router)
    app.include_router(report_pages.router)
    app.include_router(analysis.router)
    app.include_router(planning.router)
    app.include_router(dissemination.router)
    app.include_router(annexes.router)
    app.include_router(sustainability.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    errors.install(app)
    app.add_api_route("/api/docs", api_docs, include_in_schema=False)
    app.add_api_route("/api/docs/oauth2-redirect", api_docs_redirect, include_in_schema=False)
    app.add_middleware(BodyLimit)
    app.add_middleware(SecurityHeaders, hsts=get_web_settings().cookie_secure)
    # Outermost, so the access line and the X-Request-ID header cover every answer.
    app.add_middleware(observability.RequestIdMiddleware)
    return app


DOCS_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>alliance_flow API</title>
<link rel="stylesheet" href="/static/swagger/swagger-ui.css">
<script src="/static/swagger/swagger-ui-bundle.js" defer></script>
<script src="/static/swagger/init.js" defer></script>
</head>
<body><div id="swagger-ui" data-openapi="/api/v1/openapi.json"></div></body>
</html>
"""

REDIRECT_PAGE = """<!doctype html>
<html lang="en"><body><script src="/static/swagger/oauth2-redirect.js"></script></body></html>
"""


def api_docs() -> HTMLResponse:
    """The interactive API documentation, working offline."""
    return HTMLResponse(DOCS_PAGE)


def api_docs_redirect() -> HTMLResponse:
    return HTMLResponse(REDIRECT_PAGE)
