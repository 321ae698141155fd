"""A funder's portfolio: one row of comparable indicators per alliance they fund."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from alliance_flow import models as m
from alliance_flow.accounts.models import AllianceRole, User, UserAllianceRole
from alliance_flow.facts import read_facts
from alliance_flow.reports.figures import (
    LATE,
    REPORT,
    AllianceReport,
    Period,
    ReportOptions,
    describe_source,
    last_reports_on,
    life_start,
    parse_period,
    report_from_facts,
)
from alliance_flow.settings import Thresholds, get_thresholds


@dataclass(frozen=True)
class PortfolioRow:
    slug: str
    name: str
    country: str
    stage: str
    stage_number: int
    days_in_stage: int | None
    checks_passed: int
    checks_waived: int
    checks_total: int
    members: int
    migrant_share: float | None
    sectors_missing: int
    meetings_held: int
    attendance_rate: float | None
    actions_total: int
    actions_late: int
    on_time_share: float | None
    budget_planned: Decimal
    budget_committed: Decimal
    publications: int
    sustainability_deadline: date | None
    days_to_sustainability_deadline: int | None
    risks: int
    period_start: date
    period_end: date


@dataclass(frozen=True)
class PortfolioReport:
    funder_login: str | None
    funder_name: str | None
    period_kind: str
    end: date
    generated_at: datetime
    data_source: str
    rows: tuple[PortfolioRow, ...]

    @property
    def start(self) -> date | None:
        return min((r.period_start for r in self.rows), default=None)


def row_of(report: AllianceReport) -> PortfolioRow:
    """The comparable indicators of one alliance's report."""
    return PortfolioRow(
        slug=report.slug,
        name=report.name,
        country=report.country,
        stage=report.stage,
        stage_number=report.stage_number,
        days_in_stage=report.days_in_stage,
        checks_passed=report.checks_passed,
        checks_waived=report.checks_waived,
        checks_total=len(report.checks),
        members=report.membership.active,
        migrant_share=report.membership.migrant_share,
        sectors_missing=len(report.membership.sectors_missing),
        meetings_held=report.meetings.held,
        attendance_rate=report.meetings.attendance_rate,
        actions_total=report.actions.total,
        actions_late=report.actions.counts[LATE],
        on_time_share=report.actions.on_time_share,
        budget_planned=report.actions.budget_planned,
        budget_committed=report.actions.budget_committed,
        publications=len(report.dissemination.publications),
        sustainability_deadline=report.sustainability_deadline,
        days_to_sustainability_deadline=report.days_to_sustainability_deadline,
        risks=len(report.risks),
        period_start=report.period.start,
        period_end=report.period.end,
    )


def funded_alliances(session: Session, user: User) -> list[m.Alliance]:
    """The alliances on which this user holds the funder role, by country and name."""
    return list(
        session.scalars(
            select(m.Alliance)
            .join(UserAllianceRole, UserAllianceRole.alliance_id == m.Alliance.id)
            .where(
                UserAllianceRole.user_id == user.id,
                UserAllianceRole.role == AllianceRole.FUNDER,
            )
            .order_by(m.Alliance.country, m.Alliance.name)
        )
    )


def alliance_period(
    session: Session,
    alliance: m.Alliance,
    spec: str | None,
    *,
    today: date,
    user_id: int | None = None,
) -> Period:
    """The period `spec` means for this alliance (its own life, its funders' last report)."""
    return alliance_periods(session, [alliance], spec, today=today, user_id=user_id)[alliance.id]


def alliance_periods(
    session: Session,
    alliances: Sequence[m.Alliance],
    spec: str | None,
    *,
    today: date,
    user_id: int | None = None,
) -> dict[int, Period]:
    """The period `spec` means for each alliance; "since-last" is read for all at once."""
    last: dict[int, date | None] = {}
    if (spec or "").strip().lower().replace("_", "-") == "since-last" and alliances:
        last = last_reports_on(
            session, alliance_ids=[a.id for a in alliances], user_id=user_id, before=today
        )
    return {
        a.id: parse_period(
            spec, today=today, start_of_life=life_start(a), last_report=last.get(a.id)
        )
        for a in alliances
    }


def build_portfolio(
    session: Session,
    alliances: Sequence[m.Alliance],
    *,
    period: str | None,
    today: date,
    funder: User | None = None,
    generated_at: datetime | None = None,
    thresholds: Thresholds | None = None,
    options: ReportOptions | None = None,
) -> tuple[PortfolioReport, list[AllianceReport]]:
    """The portfolio and the alliance reports it was built from (for the monthly sending)."""
    generated_at = generated_at or datetime.now(UTC)
    limits = thresholds or get_thresholds()
    source = describe_source(session)
    facts = read_facts(session, [a.id for a in alliances], REPORT)
    periods = alliance_periods(
        session, alliances, period, today=today, user_id=funder.id if funder else None
    )
    reports = [
        report_from_facts(
            facts[a.id],
            period=periods[a.id],
            generated_at=generated_at,
            thresholds=limits,
            options=options,
            data_source=source,
        )
        for a in alliances
    ]
    kinds = {r.period.kind for r in reports}
    portfolio = PortfolioReport(
        funder_login=funder.login if funder else None,
        funder_name=funder.name if funder else None,
        period_kind=kinds.pop() if len(kinds) == 1 else "custom",
        end=today if not reports else max(r.period.end for r in reports),
        generated_at=generated_at,
        data_source=source,
        rows=tuple(row_of(r) for r in reports),
    )
    return portfolio, reports
