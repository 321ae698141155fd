"""Reports as HTML (Jinja2), PDF (WeasyPrint, charts inline as SVG), CSV and XLSX."""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from alliance_flow import __version__
from alliance_flow.lazy import lazy_module
from alliance_flow.reports import FORMATS
from alliance_flow.reports import labels as L
from alliance_flow.reports.figures import ACTION_STATES, AllianceReport, Movement, Risk
from alliance_flow.reports.i18n import Texts
from alliance_flow.reports.portfolio import PortfolioReport, PortfolioRow
from alliance_flow.safety import csv_writer, safe_url, sheet_title, spreadsheet_cell

if TYPE_CHECKING:
    from alliance_flow.reports import charts
else:  # matplotlib and numpy load with the first chart, not with the web app (2 s a worker)
    charts = lazy_module("alliance_flow.reports.charts")

TEMPLATES = Path(__file__).resolve().parent / "templates"
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class WebLinks:
    """What the browser view adds around a report: downloads and the period chooser."""

    downloads: dict[str, str]
    period: str
    periods: Sequence[tuple[str, str]]
    back: str | None = None
    language: str = "en"
    extra: dict[str, str] = field(default_factory=dict)


@lru_cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["L"] = L
    env.globals["label"] = L.label
    env.globals["ACTION_STATES"] = ACTION_STATES
    env.filters["safe_url"] = safe_url  # every user address that becomes a link goes through it
    return env


def _css() -> str:
    return (TEMPLATES / "report.css").read_text(encoding="utf-8")


def risk_text(risk: Risk, t: Texts) -> str:
    """One risk in a sentence of the report's language."""
    _ = t.gettext
    days = t.ngettext("{n} day", "{n} days", risk.days).format(n=risk.days)
    when = t.date(risk.since)
    if risk.code == "sustainability_passed":
        missing = ", ".join(_(L.label(L.MISSING, x)) for x in risk.detail.split(",") if x)
        return _(
            "The sustainability deadline passed {days} ago ({date}); still missing: {missing}."
        ).format(days=days, date=when, missing=missing)
    if risk.code == "check_failing":
        return _("“{check}” still fails after {days} in this stage (entered on {date}).").format(
            check=risk.detail, days=days, date=when
        )
    if risk.code == "action_overdue":
        return _("Action “{action}” is {days} late (due on {date}).").format(
            action=risk.detail, days=days, date=when
        )
    if risk.code == "minutes_overdue":
        return _("Action agreed in the minutes “{action}” is {days} late (due on {date}).").format(
            action=risk.detail, days=days, date=when
        )
    return f"{risk.code}: {risk.detail}"


def mover_name(mv: Movement, t: Texts) -> str:
    """An organisation's name, or for an individual member the group they speak for."""
    if mv.organisation:
        return mv.organisation
    group = t.gettext(L.label(L.GROUPS, mv.group or "other"))
    return t.gettext("Individual member ({group})").format(group=group)


def _context(t: Texts, **extra: Any) -> dict[str, Any]:
    _ = t.gettext
    return {
        "t": t,
        "_": _,
        "ngettext": t.ngettext,
        "lang": t.language,
        "css": _css(),
        "version": __version__,
        "web": None,
        "risk_text": lambda risk: risk_text(risk, t),
        "sector_names": lambda codes: [_(L.label(L.SECTORS, c)) for c in codes],
        "audience_names": lambda codes: [_(L.label(L.AUDIENCES, c)) for c in codes],
        "missing_names": lambda codes: [_(L.label(L.MISSING, c)) for c in codes],
        "mover_names": lambda moves: [mover_name(mv, t) for mv in moves],
        "report_languages": report_languages(),
        **extra,
    }


@lru_cache
def report_languages() -> tuple[tuple[str, str], ...]:
    """Every language a report is written in, each named in itself ('Nederlands', 'Svenska')."""
    from babel import Locale

    from alliance_flow.i18n import LANGUAGES

    return tuple(
        (code, (Locale.parse(code).get_display_name(code) or code).capitalize())
        for code in LANGUAGES
    )


def period_text(t: Texts, kind: str, start: date | None, end: date) -> str:
    _ = t.gettext
    name = _(L.label(L.PERIODS, kind))
    if start is None:
        return name
    return _("{name}: {start} to {end}").format(name=name, start=t.date(start), end=t.date(end))


def embed(svg: str, *, as_image: bool, label: str = "") -> str:
    """An SVG chart as HTML: inline for the browser, or as a data: image for WeasyPrint.

    WeasyPrint reads the style attributes of an inline SVG as HTML CSS (and warns about each
    stroke and fill); as an image the chart is drawn by its SVG renderer alone, a quarter
    faster, and still nothing is fetched.
    """
    if not as_image:
        return svg
    data = base64.b64encode(svg.encode()).decode()
    return f'<img class="svg" alt="{html.escape(label)}" src="data:image/svg+xml;base64,{data}">'


def alliance_html(
    report: AllianceReport, t: Texts, *, web: WebLinks | None = None, for_pdf: bool = False
) -> str:
    """The whole report as one self-contained HTML document (CSS and charts inline)."""
    drawn = {
        name: embed(svg, as_image=for_pdf, label=name)
        for name, svg in charts.alliance_charts(report, t).items()
    }
    return (
        _environment()
        .get_template("report.html")
        .render(
            _context(
                t,
                r=report,
                charts=drawn,
                period=period_text(t, report.period.kind, report.period.start, report.period.end),
                web=web,
            )
        )
    )


def portfolio_html(
    portfolio: PortfolioReport,
    t: Texts,
    *,
    web: WebLinks | None = None,
    links: dict[str, str] | None = None,
    for_pdf: bool = False,
) -> str:
    chart = embed(charts.portfolio_overview(portfolio.rows, t), as_image=for_pdf, label="overview")
    return (
        _environment()
        .get_template("portfolio.html")
        .render(
            _context(
                t,
                p=portfolio,
                chart=chart,
                period=period_text(t, portfolio.period_kind, portfolio.start, portfolio.end),
                web=web,
                links=links or {},
            )
        )
    )


def pdf(html: str) -> bytes:
    """Print an HTML report to PDF; the charts are inline SVG, so nothing is fetched."""
    from weasyprint import HTML  # imported here: 0.5 s, and only the PDF needs it

    return HTML(string=html, base_url=str(TEMPLATES)).write_pdf()


# --- indicators as tables (CSV, XLSX) -----------------------------------------------------------


def alliance_indicators(report: AllianceReport, t: Texts) -> list[tuple[str, str, Any]]:
    """(code, label, value) rows: the figures a spreadsheet can compare, values unformatted."""
    _ = t.gettext
    ms, mt, acts = report.membership, report.meetings, report.actions
    rows: list[tuple[str, str, Any]] = [
        ("alliance", _("Alliance"), report.name),
        ("period_start", _("Period start"), report.period.start),
        ("period_end", _("Period end"), report.period.end),
        ("stage", _("Stage"), _(L.label(L.STAGES, report.stage))),
        ("stage_number", _("Stage number (1-6)"), report.stage_number),
        ("days_in_stage", _("Days in the current stage"), report.days_in_stage),
        ("checks_total", _("Checks of the current stage"), len(report.checks)),
        ("checks_passed", _("Checks passed"), report.checks_passed),
        ("checks_waived", _("Checks waived"), report.checks_waived),
        ("waivers_total", _("Waivers ever granted"), len(report.waivers)),
        ("members_active", _("Active members"), ms.active),
        ("members_candidates", _("Candidates not yet joined"), ms.candidates),
        ("members_left_total", _("Members who have left"), ms.left_total),
        ("members_joined_in_period", _("Joined in the period"), len(ms.joined)),
        ("members_left_in_period", _("Left in the period"), len(ms.left)),
        (
            "migrant_refugee_members",
            _("Members from migrant and refugee communities"),
            ms.migrant_refugee,
        ),
        (
            "migrant_refugee_share",
            _("Share of migrant and refugee communities"),
            _round(ms.migrant_share),
        ),
        ("organisations", _("Organisations in the stakeholder table"), ms.organisations),
    ]
    for sector, n in ms.by_sector.items():
        rows.append(
            (
                f"members_sector_{sector}",
                _("Active members: {sector}").format(sector=_(L.label(L.SECTORS, sector))),
                n,
            )
        )
    for level, n in ms.levels.items():
        rows.append(
            (
                f"members_level_{level}",
                _("Participation level: {level}").format(level=_(L.label(L.LEVELS, level))),
                n,
            )
        )
    rows += [
        ("meetings_scheduled", _("Meetings scheduled in the period"), mt.scheduled),
        ("meetings_held", _("Meetings held in the period"), mt.held),
        ("meetings_cancelled", _("Meetings cancelled in the period"), mt.cancelled),
        ("meetings_awaiting", _("Meetings past with nothing recorded"), mt.awaiting),
        ("meetings_upcoming", _("Meetings planned after the period"), mt.upcoming),
        ("plenaries_held_total", _("Plenaries held since the start"), mt.plenaries_held_total),
        ("attendance_present", _("Attendances: present"), mt.present),
        ("attendance_expected", _("Attendances: expected"), mt.expected),
        ("attendance_rate", _("Attendance rate"), _round(mt.attendance_rate)),
    ]
    for row in mt.by_sector:
        rows.append(
            (
                f"attendance_rate_{row.sector}",
                _("Attendance rate: {sector}").format(sector=_(L.label(L.SECTORS, row.sector))),
                _round(row.rate),
            )
        )
    for state in ACTION_STATES:
        rows.append(
            (
                f"actions_{state}",
                _("Actions: {state}").format(state=_(L.ACTION_STATES[state])),
                acts.counts[state],
            )
        )
    rows += [
        ("actions_total", _("Actions in the plan"), acts.total),
        ("actions_on_time_share", _("Share of actions on time"), _round(acts.on_time_share)),
        ("budget_planned", _("Budget planned"), acts.budget_planned),
        ("budget_committed", _("Budget committed"), acts.budget_committed),
        ("minutes_actions_total", _("Actions agreed in minutes"), acts.minutes_total),
        ("minutes_actions_done", _("Actions agreed in minutes: done"), acts.minutes_done),
        (
            "minutes_actions_overdue",
            _("Actions agreed in minutes: overdue"),
            len(acts.minutes_overdue),
        ),
        ("evaluations_total", _("Evaluations recorded"), report.evaluations.total),
        ("evaluations_in_period", _("Evaluations in the period"), report.evaluations.in_period),
        (
            "publications_in_period",
            _("Publications in the period"),
            len(report.dissemination.publications),
        ),
        ("publications_total", _("Publications since the start"), report.dissemination.total),
        ("sustainability_deadline", _("Sustainability deadline"), report.sustainability_deadline),
        (
            "days_to_sustainability_deadline",
            _("Days to the sustainability deadline"),
            report.days_to_sustainability_deadline,
        ),
        ("risks", _("Risks"), len(report.risks)),
        ("generated_at", _("Generated at"), report.generated_at.isoformat(timespec="seconds")),
    ]
    return rows


def portfolio_columns(t: Texts) -> list[tuple[str, str]]:
    _ = t.gettext
    return [
        ("slug", _("Alliance id")),
        ("name", _("Alliance")),
        ("country", _("Country")),
        ("stage", _("Stage")),
        ("stage_number", _("Stage number (1-6)")),
        ("days_in_stage", _("Days in the current stage")),
        ("checks_passed", _("Checks passed")),
        ("checks_waived", _("Checks waived")),
        ("checks_total", _("Checks of the current stage")),
        ("members", _("Active members")),
        ("migrant_share", _("Share of migrant and refugee communities")),
        ("sectors_missing", _("Sectors missing")),
        ("meetings_held", _("Meetings held in the period")),
        ("attendance_rate", _("Attendance rate")),
        ("actions_total", _("Actions in the plan")),
        ("actions_late", _("Actions: {state}").format(state=_(L.ACTION_STATES["late"]))),
        ("on_time_share", _("Share of actions on time")),
        ("budget_planned", _("Budget planned")),
        ("budget_committed", _("Budget committed")),
        ("publications", _("Publications in the period")),
        ("sustainability_deadline", _("Sustainability deadline")),
        ("days_to_sustainability_deadline", _("Days to the sustainability deadline")),
        ("risks", _("Risks")),
        ("period_start", _("Period start")),
        ("period_end", _("Period end")),
    ]


def portfolio_values(row: PortfolioRow, columns: list[tuple[str, str]], t: Texts) -> list[Any]:
    """One alliance's figures, unformatted so a spreadsheet can compare them; its stage and
    country in words of the reader's language, never as codes."""
    out = []
    for key, _label in columns:
        value = getattr(row, key)
        if key == "stage":
            value = t.gettext(L.label(L.STAGES, value))
        elif key == "country":
            value = t.country(value)
        out.append(_round(value) if isinstance(value, float) else value)
    return out


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def alliance_csv(report: AllianceReport, t: Texts) -> str:
    """Each indicator in the reader's words beside its value (no English column codes)."""
    buf = io.StringIO()
    writer = csv_writer(buf, _cell)
    writer.writerow([t.gettext("Indicator"), t.gettext("Value")])
    for _code, text, value in alliance_indicators(report, t):
        writer.writerow([text, value])
    return buf.getvalue()


def portfolio_csv(portfolio: PortfolioReport, t: Texts) -> str:
    columns = portfolio_columns(t)
    buf = io.StringIO()
    writer = csv_writer(buf, _cell)
    writer.writerow([text for _key, text in columns])
    for row in portfolio.rows:
        writer.writerow(portfolio_values(row, columns, t))
    return buf.getvalue()


def _workbook_bytes(sheets: list[tuple[str, list[str], list[list[Any]]]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for title, header, rows in sheets:
        ws = wb.create_sheet(sheet_title(title))
        ws.append(header)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append([float(v) if isinstance(v, Decimal) else spreadsheet_cell(v) for v in row])
        for column in ws.columns:
            width = max(len(_cell(c.value)) for c in column)
            ws.column_dimensions[column[0].column_letter].width = min(max(10, width + 2), 60)
        ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def alliance_xlsx(report: AllianceReport, t: Texts) -> bytes:
    _ = t.gettext
    indicators = [[text, v] for _code, text, v in alliance_indicators(report, t)]
    actions = [
        [
            a.number,
            a.action,
            a.responsible,
            a.starts_on,
            a.ends_on,
            _(L.ACTION_STATES[a.state]),
            a.budget,
            a.committed,
        ]
        for a in report.actions.lines
    ]
    yes, no = _("yes"), _("no")
    checks = [
        [c.title, yes if c.passed else no, yes if c.waived else no, c.reason] for c in report.checks
    ]
    return _workbook_bytes(
        [
            (_("Indicators"), [_("Indicator"), _("Value")], indicators),
            (
                _("Action plan"),
                [
                    _("No."),
                    _("Action"),
                    _("Responsible"),
                    _("Starts"),
                    _("Ends"),
                    _("State"),
                    _("Budget planned"),
                    _("Budget committed"),
                ],
                actions,
            ),
            (_("Checks"), [_("Check"), _("Passed"), _("Waived"), _("Reason")], checks),
        ]
    )


def portfolio_xlsx(portfolio: PortfolioReport, t: Texts) -> bytes:
    columns = portfolio_columns(t)
    return _workbook_bytes(
        [
            (
                t.gettext("Portfolio"),
                [text for _key, text in columns],
                [portfolio_values(row, columns, t) for row in portfolio.rows],
            ),
        ]
    )


def render_alliance(report: AllianceReport, fmt: str, t: Texts) -> bytes:
    """The report in one of FORMATS, as bytes ready to write or send."""
    if fmt == "html":
        return alliance_html(report, t).encode()
    if fmt == "pdf":
        return pdf(alliance_html(report, t, for_pdf=True))
    if fmt == "csv":
        return alliance_csv(report, t).encode("utf-8-sig")  # the BOM lets Excel read accents
    if fmt == "xlsx":
        return alliance_xlsx(report, t)
    raise ValueError(f"unknown format '{fmt}': use one of {', '.join(FORMATS)}")


def render_portfolio(
    portfolio: PortfolioReport, fmt: str, t: Texts, *, links: dict[str, str] | None = None
) -> bytes:
    if fmt == "html":
        return portfolio_html(portfolio, t, links=links).encode()
    if fmt == "pdf":
        return pdf(portfolio_html(portfolio, t, links=links, for_pdf=True))
    if fmt == "csv":
        return portfolio_csv(portfolio, t).encode("utf-8-sig")
    if fmt == "xlsx":
        return portfolio_xlsx(portfolio, t)
    raise ValueError(f"unknown format '{fmt}': use one of {', '.join(FORMATS)}")
