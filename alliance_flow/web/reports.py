"""The funder's report pages: one alliance's report and the portfolio, in HTML and as downloads.

Access follows the dashboard: an alliance is shown only to someone with a role on it (a funder:
the alliances they fund); anyone else gets 404, as if it did not exist.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from alliance_flow.accounts.policy import Permission
from alliance_flow.errors import FieldProblem, InvalidInput
from alliance_flow.i18n import LANGUAGES, _
from alliance_flow.reports import labels as L
from alliance_flow.reports import render, service
from alliance_flow.reports.i18n import Texts
from alliance_flow.web.deps import DbDep, SignedInPage, TodayDep, alliance_for, viewer_of
from alliance_flow.web.headers import inline_style_policy

router = APIRouter(include_in_schema=False)

PeriodQuery = Annotated[str, Query(max_length=40)]
EndQuery = Annotated[date | None, Query(description="Report as of this day (default today)")]
LangQuery = Annotated[str | None, Query(pattern="^(" + "|".join(LANGUAGES) + ")$")]


def _as_of(end: date | None, today: date) -> date:
    if end is None:
        return today
    if end > today:
        raise InvalidInput([FieldProblem("end", _("a report cannot be made for a future day"))])
    return end


def _texts(page_language: str, lang: str | None) -> Texts:
    return service.texts(lang or page_language)


def _periods(t: Texts) -> list[tuple[str, str]]:
    # the words live in the reports' catalog (reports/labels.py), not the dashboard's
    return [(code, t.gettext(text)) for code, text in L.PERIOD_CHOICES.items()]


def _query(period: str, end: date | None, lang: str | None) -> str:
    params = {"period": period}
    if end is not None:
        params["end"] = end.isoformat()
    if lang:
        params["lang"] = lang
    return urlencode(params)


def _download(produced: service.Produced) -> Response:
    return Response(
        produced.content,
        media_type=produced.media_type,
        headers={"Content-Disposition": f'attachment; filename="{produced.filename}"'},
    )


@router.get("/alliances/{ref}/report", response_class=HTMLResponse)
def alliance_report_page(
    ref: str,
    page: SignedInPage,
    db: DbDep,
    today: TodayDep,
    period: PeriodQuery = "whole",
    end: EndQuery = None,
    lang: LangQuery = None,
) -> Response:
    return _alliance(ref, "html", page, db, today, period, end, lang)


@router.get("/alliances/{ref}/report.{fmt}")
def alliance_report_download(
    ref: str,
    fmt: str,
    page: SignedInPage,
    db: DbDep,
    today: TodayDep,
    period: PeriodQuery = "whole",
    end: EndQuery = None,
    lang: LangQuery = None,
) -> Response:
    return _alliance(
        ref, service.check_format(fmt), page, db, today, period, end, lang, download=True
    )


def _alliance(
    ref: str,
    fmt: str,
    page: SignedInPage,
    db: DbDep,
    today: date,
    period: str,
    end: date | None,
    lang: str | None,
    *,
    download: bool = False,
) -> Response:
    viewer = viewer_of(page)
    as_of = _as_of(end, today)
    with db.transaction() as session:
        alliance = alliance_for(session=session, viewer=viewer, ref=ref, permission=Permission.VIEW)
        slug = alliance.slug
        t = _texts(page.tr.language, lang)
        report = service.alliance_report(
            session=session,
            alliance=alliance,
            period=period,
            today=as_of,
            user_id=viewer.user_id,
            language=t.language,
        )
    if download:
        return _download(service.produce_alliance(report, fmt, t))
    query = _query(period, end, lang)
    web = render.WebLinks(
        downloads={f: f"/alliances/{slug}/report.{f}?{query}" for f in ("pdf", "csv", "xlsx")},
        period=period,
        periods=_periods(t),
        back=f"/alliances/{slug}",
        language=t.language,
        extra={t.gettext(L.PORTFOLIO): f"/reports/portfolio?{query}"},
    )
    return _report_page(render.alliance_html(report, t, web=web))


@router.get("/reports/portfolio", response_class=HTMLResponse)
def portfolio_page(
    request: Request,
    page: SignedInPage,
    db: DbDep,
    today: TodayDep,
    period: PeriodQuery = "whole",
    end: EndQuery = None,
    lang: LangQuery = None,
) -> Response:
    return _portfolio(request, "html", page, db, today, period, end, lang)


@router.get("/reports/portfolio.{fmt}")
def portfolio_download(
    request: Request,
    fmt: str,
    page: SignedInPage,
    db: DbDep,
    today: TodayDep,
    period: PeriodQuery = "whole",
    end: EndQuery = None,
    lang: LangQuery = None,
) -> Response:
    return _portfolio(
        request, service.check_format(fmt), page, db, today, period, end, lang, download=True
    )


def _portfolio(
    request: Request,
    fmt: str,
    page: SignedInPage,
    db: DbDep,
    today: date,
    period: str,
    end: date | None,
    lang: str | None,
    *,
    download: bool = False,
) -> Response:
    viewer = viewer_of(page)
    as_of = _as_of(end, today)
    t = _texts(page.tr.language, lang)
    with db.transaction() as session:
        portfolio = service.viewer_portfolio(
            session=session, viewer=viewer, period=period, today=as_of, language=t.language
        )
    query = _query(period, end, lang)
    # absolute, so the links still work from a downloaded PDF
    base = str(request.base_url).rstrip("/")
    links = {row.slug: f"{base}/alliances/{row.slug}/report?{query}" for row in portfolio.rows}
    if download:
        return _download(service.produce_portfolio(portfolio, fmt, t, links=links))
    web = render.WebLinks(
        downloads={f: f"/reports/portfolio.{f}?{query}" for f in ("pdf", "csv", "xlsx")},
        period=period,
        periods=_periods(t),
        back="/",
        language=t.language,
    )
    return _report_page(render.portfolio_html(portfolio, t, web=web, links=links))


def _report_page(html: str) -> HTMLResponse:
    """A report is one self-contained page: its styles are allowed by hash, scripts still not."""
    return HTMLResponse(html, headers={"Content-Security-Policy": inline_style_policy(html)})
