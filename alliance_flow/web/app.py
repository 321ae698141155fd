"""The app factory: one FastAPI application over one Database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from alliance_flow.db import Database, open_database
from alliance_flow.web import alliance_edit, api, errors, observability, pages, stakeholders
from alliance_flow.web import meetings as meeting_pages
from alliance_flow.web import members as member_pages
from alliance_flow.web import reports as report_pages
from alliance_flow.web.limits import BodyLimit

STATIC = Path(__file__).resolve().parent / "static"


def create_app(db: Database | None = None, *, today: Callable[[], date] | None = None) -> FastAPI:
    """Build the dashboard and API; `today` lets tests pin the date the gates are evaluated on."""
    app = FastAPI(
        title="alliance_flow",
        summary="Carry Regional Alliances through their six stages, gate by gate.",
        version="1",
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
        swagger_ui_oauth2_redirect_url="/api/docs/oauth2-redirect",
    )
    app.state.db = db or open_database()
    app.state.today = today or date.today
    app.include_router(observability.router)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(stakeholders.router)
    app.include_router(member_pages.router)
    app.include_router(meeting_pages.router)
    app.include_router(alliance_edit.router)
    app.include_router(report_pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    errors.install(app)
    app.add_middleware(BodyLimit)
    # Outermost, so the access line and the X-Request-ID header cover every answer.
    app.add_middleware(observability.RequestIdMiddleware)
    return app
