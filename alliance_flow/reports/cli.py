"""`alliance-flow report ALLIANCE ...` and `alliance-flow report portfolio --funder LOGIN ...`."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from alliance_flow.errors import AllianceFlowError
from alliance_flow.i18n import N_, _
from alliance_flow.lazy import lazy_module

if TYPE_CHECKING:
    from alliance_flow import db as database
    from alliance_flow.accounts import services as accounts
    from alliance_flow.reports import service
    from alliance_flow.services import alliances as alliance_service
else:  # loaded when a command runs, not for --help (matplotlib, WeasyPrint...)
    database = lazy_module("alliance_flow.db")
    accounts = lazy_module("alliance_flow.accounts.services")
    service = lazy_module("alliance_flow.reports.service")
    alliance_service = lazy_module("alliance_flow.services.alliances")


class _AllianceByDefault(TyperGroup):
    """`report bordeaux ...` means `report alliance bordeaux ...`: any word that is not a
    command of this group is taken as an alliance (use its id if its slug is `portfolio`)."""

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["alliance", *args]
        return super().resolve_command(ctx, args)


report_app = typer.Typer(
    rich_markup_mode=None,  # plain help: Rich's help renderer costs 0.1 s a start
    cls=_AllianceByDefault,
    help=N_(
        "Funder progress reports: one alliance, or a funder's portfolio (pdf, html, csv, "
        "xlsx). `report ALLIANCE ...` is short for `report alliance ALLIANCE ...`."
    ),
    no_args_is_help=True,
)

PERIOD_HELP = N_(
    "whole (default), since-last (since the last monthly report), quarter (this quarter to "
    "date), last-quarter, 2026-Q1, or 2026-01-01..2026-03-31"
)
FormatOpt = Annotated[
    str, typer.Option("--format", "-f", help=N_("The format: pdf | html | csv | xlsx."))
]
OutOpt = Annotated[Path, typer.Option("--out", "-o", help=N_("File to write."), dir_okay=False)]
PeriodOpt = Annotated[str, typer.Option("--period", help=PERIOD_HELP)]
LangOpt = Annotated[
    str,
    typer.Option(
        "--lang", help=N_("The report's language: en | fr | nl | sv (default: the reader's).")
    ),
]
TodayOpt = Annotated[
    str | None,
    typer.Option("--today", help=N_("The report's date, YYYY-MM-DD (default: today).")),
]


def _day(text: str | None) -> date:
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(
            _("'{value}' is not a date (YYYY-MM-DD)").format(value=text)
        ) from None


def _fail(message: str) -> Any:
    typer.secho(_("Error: ") + message, fg=typer.colors.RED, err=True)
    raise typer.Exit(1)


def _write(out: Path, content: bytes) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(content)
    from babel.numbers import format_decimal

    from alliance_flow.i18n import current_language

    size = format_decimal(len(content), locale=current_language())
    typer.echo(_("Wrote {file} ({size} bytes).").format(file=out, size=size))


@report_app.command("alliance")
def alliance_report(
    alliance: Annotated[str, typer.Argument(help=N_("Alliance id or slug."))],
    fmt: FormatOpt = "pdf",
    out: OutOpt = Path("report.pdf"),
    period: PeriodOpt = "whole",
    lang: LangOpt = "",
    today: TodayOpt = None,
) -> None:
    """One alliance's progress report, from what it recorded."""
    day = _day(today)
    db = database.open_database()
    try:
        fmt = service.check_format(fmt)
        with db.transaction() as session:
            a = alliance_service.get_alliance(session=session, ref=alliance)
            language = lang or a.language
            report = service.alliance_report(
                session=session, alliance=a, period=period, today=day, language=language
            )
        produced = service.produce_alliance(report, fmt, service.texts(language))
    except AllianceFlowError as exc:
        _fail(exc.message)
    finally:
        db.dispose()
    _write(out, produced.content)


@report_app.command("portfolio")
def portfolio_report(
    funder: Annotated[str, typer.Option("--funder", help=N_("Login of the funder."))],
    fmt: FormatOpt = "pdf",
    out: OutOpt = Path("portfolio.pdf"),
    period: PeriodOpt = "whole",
    lang: LangOpt = "",
    today: TodayOpt = None,
) -> None:
    """One row per alliance the funder funds, with comparable indicators and a chart."""
    day = _day(today)
    db = database.open_database()
    try:
        fmt = service.check_format(fmt)
        with db.transaction() as session:
            language = lang or accounts.get_user(session=session, login=funder).language
            portfolio, _alliances = service.funder_portfolio(
                session=session, login=funder, period=period, today=day, language=language
            )
        produced = service.produce_portfolio(portfolio, fmt, service.texts(language))
    except AllianceFlowError as exc:
        _fail(exc.message)
    finally:
        db.dispose()
    _write(out, produced.content)
