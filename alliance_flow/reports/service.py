"""Report use cases shared by the CLI, the web pages and the monthly sending (read-only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from alliance_flow import models as m
from alliance_flow.accounts import services as accounts
from alliance_flow.accounts.models import User
from alliance_flow.accounts.policy import Viewer
from alliance_flow.errors import FieldProblem, InvalidInput
from alliance_flow.gates import counts_only
from alliance_flow.i18n import use_language
from alliance_flow.reports import render
from alliance_flow.reports.figures import AllianceReport, build_report
from alliance_flow.reports.i18n import Texts, _, pick_language
from alliance_flow.reports.portfolio import (
    PortfolioReport,
    alliance_period,
    build_portfolio,
    funded_alliances,
)
from alliance_flow.reports.settings import ReportSettings, get_report_settings
from alliance_flow.withholding import people_by_alliance, people_of


@dataclass(frozen=True)
class Produced:
    """One rendered report: its bytes, the file name to save it under and its media type."""

    content: bytes
    filename: str
    media_type: str


def check_format(fmt: str) -> str:
    fmt = fmt.strip().lower()
    if fmt not in render.FORMATS:
        problem = _("unknown format “{fmt}”: choose one of {formats}")
        raise InvalidInput(
            [FieldProblem("format", problem.format(fmt=fmt, formats=", ".join(render.FORMATS)))]
        )
    return fmt


def texts(language: str | None, settings: ReportSettings | None = None) -> Texts:
    settings = settings or get_report_settings()
    return Texts(pick_language(language), settings.currency)


def alliance_report(
    *,
    session: Session,
    alliance: m.Alliance,
    period: str | None,
    today: date,
    user_id: int | None = None,
    generated_at: datetime | None = None,
    settings: ReportSettings | None = None,
    language: str | None = None,
) -> AllianceReport:
    """One alliance's figures for a period spec (whole, since-last, quarter, 2026-Q1, a..b).

    `language` is the one the gate checks explain themselves in (the rest is words at render).
    """
    settings = settings or get_report_settings()
    try:
        resolved = alliance_period(session, alliance, period, today=today, user_id=user_id)
    except ValueError as exc:
        raise InvalidInput([FieldProblem("period", str(exc))]) from None
    # A report goes to funders, who see how many people, never who (the report says so):
    # checks count people, and no free text names anyone the alliance knows.
    with use_language(pick_language(language)), counts_only():
        report = build_report(
            session,
            alliance,
            period=resolved,
            generated_at=generated_at or datetime.now(UTC),
            options=settings.options(),
        )
        return people_of(session, [alliance.id]).deep(report)


def portfolio_of(
    *,
    session: Session,
    alliances: list[m.Alliance],
    period: str | None,
    today: date,
    funder: User | None = None,
    generated_at: datetime | None = None,
    settings: ReportSettings | None = None,
    language: str | None = None,
) -> tuple[PortfolioReport, list[AllianceReport]]:
    settings = settings or get_report_settings()
    try:
        with use_language(pick_language(language)), counts_only():
            portfolio, reports = build_portfolio(
                session,
                alliances,
                period=period,
                today=today,
                funder=funder,
                generated_at=generated_at,
                options=settings.options(),
            )
            # each report with its own alliance's people; the rows hold figures and codes
            withheld = people_by_alliance(session, [a.id for a in alliances])
            return portfolio, [withheld[r.id].deep(r) for r in reports]
    except ValueError as exc:
        raise InvalidInput([FieldProblem("period", str(exc))]) from None


def funder_portfolio(
    *, session: Session, login: str, period: str | None, today: date, language: str | None = None
) -> tuple[PortfolioReport, list[AllianceReport]]:
    """Every alliance this user funds; NotFound when the login is unknown."""
    user = accounts.get_user(session=session, login=login)
    return portfolio_of(
        session=session,
        alliances=funded_alliances(session, user),
        period=period,
        today=today,
        funder=user,
        language=language or user.language,
    )


def viewer_portfolio(
    *,
    session: Session,
    viewer: Viewer,
    period: str | None,
    today: date,
    language: str | None = None,
) -> PortfolioReport:
    """The alliances this viewer may see (a funder: the ones they fund)."""
    alliances = accounts.visible_alliances(session=session, viewer=viewer)
    user = session.get(User, viewer.user_id)
    portfolio, _ = portfolio_of(
        session=session,
        alliances=alliances,
        period=period,
        today=today,
        funder=user,
        language=language,
    )
    return portfolio


def produce_alliance(report: AllianceReport, fmt: str, t: Texts) -> Produced:
    fmt = check_format(fmt)
    name = f"{report.slug}-report-{report.period.end.isoformat()}.{fmt}"
    return Produced(render.render_alliance(report, fmt, t), name, render.MEDIA_TYPES[fmt])


def produce_portfolio(
    portfolio: PortfolioReport, fmt: str, t: Texts, *, links: dict[str, str] | None = None
) -> Produced:
    fmt = check_format(fmt)
    who = portfolio.funder_login or "all"
    name = f"portfolio-{who}-{portfolio.end.isoformat()}.{fmt}"
    return Produced(
        render.render_portfolio(portfolio, fmt, t, links=links), name, render.MEDIA_TYPES[fmt]
    )
