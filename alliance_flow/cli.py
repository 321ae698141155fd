"""The operators' command line: a thin adapter over the service layer, one transaction a command."""

from __future__ import annotations

import copy
import getpass
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, get_args

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from alliance_flow.accounts.cli import app as user_app
from alliance_flow.acting import set_actor
from alliance_flow.cli_language import (
    LocalizedGroup,
    error_label,
    field_problem,
    stage_name,
    wanted_language,
)
from alliance_flow.errors import AllianceFlowError, FieldProblem, GateBlocked, InvalidInput
from alliance_flow.i18n import N_, _, country_name, current_language, local_date, ngettext
from alliance_flow.lazy import lazy_module
from alliance_flow.plain import plain
from alliance_flow.reminders.cli import reminders_app, serve_command
from alliance_flow.reports.cli import report_app
from alliance_flow.safety import parse_id
from alliance_flow.terminal import make_console, styled
from alliance_flow.vocabulary import STAGE_ORDER
from alliance_flow.web.cli import web as web_command

# Only typer, rich and the standard library are imported for `--help`; the application (the
# database, the services, and what they import) is loaded when a command first uses it.
if TYPE_CHECKING:
    from sqlalchemy import Connection, Row
    from sqlalchemy.orm import Session

    from alliance_flow import audit
    from alliance_flow import db as database
    from alliance_flow import models as m
    from alliance_flow.facts import AllianceFacts
    from alliance_flow.gates import GateReport
    from alliance_flow.services import alliances as alliance_service
    from alliance_flow.services import items as item_service
    from alliance_flow.services import stages as stage_service
    from alliance_flow.services import status as status_service
else:
    audit = lazy_module("alliance_flow.audit")
    database = lazy_module("alliance_flow.db")
    alliance_service = lazy_module("alliance_flow.services.alliances")
    item_service = lazy_module("alliance_flow.services.items")
    stage_service = lazy_module("alliance_flow.services.stages")
    status_service = lazy_module("alliance_flow.services.status")

app = typer.Typer(
    cls=LocalizedGroup,  # help, Click's messages and output in the operator's language
    rich_markup_mode=None,  # plain help: Rich's help renderer costs 0.1 s a start
    help=N_("alliance_flow: carry a Regional Alliance through its six stages, gate by gate."),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(
    rich_markup_mode=None,
    help=N_("Database schema (Alembic migrations)."),
    no_args_is_help=True,
)
app.add_typer(db_app, name="db")


@app.callback()
def _language(
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            envvar="ALLIANCE_FLOW_LANGUAGE",
            help=N_(
                "Language of the help, checks and messages (en, fr, nl, sv); default from $LANG."
            ),
        ),
    ] = None,
) -> None:
    from alliance_flow.i18n import set_language

    set_language(wanted_language(["--lang", lang] if lang else [], os.environ))
    set_actor(_actor())  # every write of this command is logged under the operator's name


app.add_typer(reminders_app, name="reminders")
app.command("serve")(serve_command)
app.add_typer(report_app, name="report")
app.add_typer(user_app, name="user")
app.command("web")(web_command)

console = make_console()
err = make_console(stderr=True)

EXIT_ERROR = 1
EXIT_REFUSED = 2

Today = Annotated[
    datetime | None,
    typer.Option(
        "--today", formats=["%Y-%m-%d"], help=N_("Evaluate as of this date (YYYY-MM-DD).")
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help=N_("Print JSON instead of a table."))]
AllianceRef = Annotated[str, typer.Argument(help=N_("Alliance id or slug."))]

F = TypeVar("F", bound=Callable[..., Any])


def _today(value: datetime | None) -> date:
    return value.date() if value else date.today()


def _actor() -> str:
    return os.environ.get("ALLIANCE_FLOW_ACTOR") or getpass.getuser() or "operator"


def _db() -> database.Database:
    return database.open_database()


@contextmanager
def _opened() -> Iterator[database.Database]:
    db = _db()
    try:
        yield db
    finally:
        db.dispose()


@contextmanager
def use_case() -> Iterator[Session]:
    with _opened() as db, db.transaction() as session:
        yield session


@contextmanager
def reading() -> Iterator[Connection]:
    """A read with SQLAlchemy Core alone (Database.snapshot): no ORM to load for it."""
    with _opened() as db, db.snapshot() as connection:
        yield connection


def reports_errors(fn: F) -> F:
    """Turn domain errors into a readable message and an exit code; nothing is saved."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except GateBlocked as exc:
            err.print(
                styled(
                    (_("Refused: "), "bold red"),
                    _("the stage {stage} has checks that have not passed.").format(
                        stage=stage_name(exc.report.stage)
                    ),
                )
            )
            _print_report(exc.report, only_blocking=True, to=err)
            raise typer.Exit(EXIT_REFUSED) from None
        except InvalidInput as exc:
            err.print(styled((error_label(exc), "bold red"), _("nothing was saved.")))
            for problem in exc.problems:
                err.print(f"  - {field_problem(problem)}")
            raise typer.Exit(EXIT_ERROR) from None
        except AllianceFlowError as exc:
            err.print(styled((error_label(exc), "bold red"), exc.message))
            raise typer.Exit(EXIT_ERROR) from None

    return wrapper  # type: ignore[return-value]


def yes_no(value: bool) -> str:
    return _("yes") if value else ""


def _cell(value: Any) -> str:
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=plain))


def _parse_fields(pairs: list[str]) -> dict[str, Any]:
    """FIELD=VALUE pairs from the command line; an empty VALUE clears the field."""
    out: dict[str, Any] = {}
    problems = []
    for pair in pairs:
        if "=" not in pair:
            problems.append((pair, _("expected FIELD=VALUE")))
            continue
        key, value = pair.split("=", 1)
        out[key.strip()] = value
    if problems:
        from alliance_flow.errors import FieldProblem

        raise InvalidInput([FieldProblem(k, p) for k, p in problems])
    return out


# --- alliances ---------------------------------------------------------------------------------


@app.command("list")
@reports_errors
def list_command(
    country: Annotated[str | None, typer.Option(help=N_("Only this country (FR, IE...)."))] = None,
    stage: Annotated[str | None, typer.Option(help=N_("Only alliances in this stage."))] = None,
    as_json: AsJson = False,
    today: Today = None,
) -> None:
    """List alliances with their stage and how many checks of that stage pass."""
    day = _today(today)
    with reading() as connection:
        shown = status_service.alliance_rows(connection, country=country, stage=stage)
        reports = status_service.gate_reports(
            session=connection, scope=[a.id for a in shown], today=day
        )
        rows = [(a, reports[a.id]) for a in shown]
    if as_json:
        _print_json(
            [
                {
                    **_alliance_json(a),
                    "checks_passed": r.passed_count,
                    "checks_total": len(r.outcomes),
                    "ready": r.clear,
                }
                for a, r in rows
            ]
        )
        return
    _print_alliances(rows)


def _alliance_json(a: m.Alliance | AllianceFacts | Row[Any]) -> dict[str, Any]:
    return {"id": a.id, "slug": a.slug, "name": a.name, "stage": a.stage}


def _stage_bar(stage: str) -> str:
    order = [s.value for s in STAGE_ORDER]
    pos = order.index(stage)
    return "".join("●" if i < pos else ("◉" if i == pos else "○") for i in range(6))


def _print_alliances(rows: Sequence[tuple[m.Alliance | Row[Any], GateReport]]) -> None:
    table = Table(title=_("Regional alliances"), show_lines=False)
    for col in (
        _("id"),
        _("slug"),
        _("name"),
        _("country"),
        _("region"),
        _("stage"),
        _("progress"),
        _("checks"),
    ):
        table.add_column(col)
    for a, r in rows:
        checks = f"{r.passed_count}/{len(r.outcomes)}" + (
            " " + _("ready") if r.clear and r.outcomes else ""
        )
        table.add_row(
            str(a.id),
            a.slug,
            a.name,
            country_name(a.country, current_language()),
            a.region or "",
            stage_name(a.stage),
            _stage_bar(a.stage),
            checks,
        )
    console.print(
        table if rows else _("No alliance yet: `alliance-flow create` or `alliance-flow demo`.")
    )


@app.command()
@reports_errors
def create(
    name: Annotated[str, typer.Argument(help=N_("The alliance's name."))],
    country: Annotated[str, typer.Option(help=N_("Two-letter country code (FR, IE, NL, SE...)."))],
    fields: Annotated[list[str] | None, typer.Argument(help=N_("More FIELD=VALUE pairs."))] = None,
) -> None:
    """Create an alliance (it starts in the scope stage)."""
    data = {"name": name, "country": country, **_parse_fields(fields or [])}
    with use_case() as session:
        a = alliance_service.create_alliance(session=session, alliance_in=data, actor=_actor())
        console.print(
            _("Created alliance {id} '{slug}' in the stage {stage}.").format(
                id=a.id, slug=a.slug, stage=stage_name(a.stage)
            )
        )


@app.command()
@reports_errors
def update(alliance: AllianceRef, fields: Annotated[list[str], typer.Argument()]) -> None:
    """Change an alliance's details: FIELD=VALUE (see `alliance-flow fields alliance`)."""
    with use_case() as session:
        a = alliance_service.update_alliance(
            session=session, ref=alliance, changes=_parse_fields(fields)
        )
        console.print(_("Updated alliance '{slug}'.").format(slug=a.slug))


@app.command()
@reports_errors
def show(alliance: AllianceRef, as_json: AsJson = False, today: Today = None) -> None:
    """Show an alliance: its details, what it has recorded and its current checks."""
    day = _today(today)
    with use_case() as session:
        a = alliance_service.get_alliance(session=session, ref=alliance)
        details = {f: getattr(a, f) for f in sorted(alliance_service.editable())}
        counts = {
            k: len(item_service.list_items(session=session, alliance=a, kind=k))
            for k in item_service.KINDS
        }
        report = stage_service.gate_report(session=session, alliance=a, today=day)
        entered = stage_service.stage_entered_on(stage_service.history(session=session, alliance=a))
    if as_json:
        _print_json(
            {
                "alliance": {**_alliance_json(a), **details},
                "counts": counts,
                "gates": report.as_list(),
            }
        )
        return
    title = _("{name} ({slug}) — stage: {stage}").format(
        name=a.name, slug=a.slug, stage=stage_name(a.stage)
    )
    table = Table(title=f"{title} {_stage_bar(a.stage)}", show_header=False)
    table.add_column(_("field"), style="bold")
    table.add_column(_("value"))
    for key, value in details.items():
        table.add_row(key, _cell(value))
    for stage in STAGE_ORDER:
        if stage.value in entered:
            table.add_row(
                _("entered {stage}").format(stage=stage_name(stage.value)),
                entered[stage.value].isoformat(),
            )
    table.add_row(_("recorded"), ", ".join(f"{k}: {n}" for k, n in counts.items() if n))
    console.print(table)
    _print_report(report)


# --- items -------------------------------------------------------------------------------------


@app.command()
@reports_errors
def add(
    alliance: AllianceRef,
    kind: Annotated[str, typer.Argument(help=N_("What to add (see `alliance-flow fields`)."))],
    fields: Annotated[list[str], typer.Argument(help=N_("FIELD=VALUE pairs."))],
    today: Today = None,
) -> None:
    """Add an item to an alliance: an organisation, a member, a meeting, an action..."""
    with use_case() as session:
        a = alliance_service.get_alliance(session=session, ref=alliance)
        row = item_service.add_item(
            session=session,
            alliance=a,
            kind=kind,
            item_in=_parse_fields(fields),
            today=_today(today),
        )
        ident = getattr(row, "id", None)
        console.print(
            _("Saved {kind} {id} in '{slug}'.").format(kind=kind, id=ident, slug=a.slug)
            if ident
            else _("Saved {kind} in '{slug}'.").format(kind=kind, slug=a.slug)
        )


@app.command()
@reports_errors
def edit(
    alliance: AllianceRef,
    kind: Annotated[str, typer.Argument(help=N_("What to edit."))],
    item_and_fields: Annotated[
        list[str],
        typer.Argument(
            help=N_("The item's id (not for briefing/sustainability), then FIELD=VALUE pairs.")
        ),
    ],
    today: Today = None,
) -> None:
    """Change fields of one item; the item is validated whole, as it will be after the change."""
    item_id, fields = _split_id(item_and_fields)
    with use_case() as session:
        a = alliance_service.get_alliance(session=session, ref=alliance)
        item_service.edit_item(
            session=session,
            alliance=a,
            kind=kind,
            item_id=item_id,
            changes=_parse_fields(fields),
            today=_today(today),
        )
        console.print(
            _("Updated {kind} {id} in '{slug}'.").format(kind=kind, id=item_id, slug=a.slug)
            if item_id
            else _("Updated {kind} in '{slug}'.").format(kind=kind, slug=a.slug)
        )


def _split_id(args: list[str]) -> tuple[int | None, list[str]]:
    if args and "=" not in args[0]:
        number = parse_id(args[0])
        if number is None:
            from alliance_flow.errors import FieldProblem

            raise InvalidInput(
                [FieldProblem("id", _("'{value}' is not an item id").format(value=args[0]))]
            )
        return number, args[1:]
    return None, args


@app.command()
@reports_errors
def remove(
    alliance: AllianceRef,
    kind: Annotated[str, typer.Argument(help=N_("What to remove."))],
    item_id: Annotated[int | None, typer.Argument(help=N_("The item's id."))] = None,
) -> None:
    """Remove one item (a member with history is kept: record when they left instead)."""
    with use_case() as session:
        a = alliance_service.get_alliance(session=session, ref=alliance)
        item_service.remove_item(session=session, alliance=a, kind=kind, item_id=item_id)
        console.print(
            _("Removed {kind} {id} from '{slug}'.").format(kind=kind, id=item_id, slug=a.slug)
            if item_id
            else _("Removed {kind} from '{slug}'.").format(kind=kind, slug=a.slug)
        )


@app.command("items")
@reports_errors
def items_command(
    alliance: AllianceRef,
    kind: Annotated[str, typer.Argument(help=N_("Which kind (see `alliance-flow fields`)."))],
    as_json: AsJson = False,
) -> None:
    """List the items of one kind in an alliance."""
    with use_case() as session:
        a = alliance_service.get_alliance(session=session, ref=alliance)
        rows = [
            item_service.as_row(kind, r)
            for r in item_service.list_items(session=session, alliance=a, kind=kind)
        ]
    if as_json:
        _print_json(rows)
        return
    k = item_service.kind_of(kind)
    table = Table(title=f"{_(k.label)} — {a.name}")
    for col in k.columns:
        table.add_column(col)
    for row in rows:
        table.add_row(*(_cell(row[c]) for c in k.columns))
    console.print(table)


@app.command()
@reports_errors
def fields(
    kind: Annotated[str | None, typer.Argument(help=N_("alliance, or a kind of item."))] = None,
) -> None:
    """The fields each kind of item takes, and the values they accept."""
    from pydantic import BaseModel

    from alliance_flow.schemas import AllianceIn

    schemas: dict[str, type[BaseModel]] = {
        "alliance": AllianceIn,
        **{k: v.schema for k, v in item_service.KINDS.items()},
    }
    if kind is None:
        table = Table(title=_("Kinds of item (use with add / edit / remove / items)"))
        table.add_column(_("kind"))
        table.add_column(_("what"))
        table.add_row("alliance", _("The alliance itself (create / update)"))
        for k in item_service.KINDS.values():
            table.add_row(k.name, _(k.label))
        console.print(table)
        return
    if kind not in schemas:
        item_service.kind_of(kind)  # raises with the list of kinds
    schema = schemas[kind]
    table = Table(title=_("Fields of {kind}").format(kind=kind))
    for col in (_("field"), _("required"), _("accepts")):
        table.add_column(col)
    for name, info in schema.model_fields.items():
        table.add_row(name, yes_no(info.is_required()), _accepts(info.annotation))
    console.print(table)


def _accepts(annotation: Any) -> str:
    """A human hint of the values a field accepts, from its type."""
    found: list[str] = []

    def walk(t: Any) -> None:
        if isinstance(t, type) and issubclass(t, Enum):
            found.append(" | ".join(str(e.value) for e in t))
        elif t in (date,):
            found.append(_("YYYY-MM-DD"))
        elif t in (datetime,):
            found.append(_("YYYY-MM-DDTHH:MM (local time)"))
        elif t in (int, float, Decimal):
            found.append(_("number"))
        elif t is bool:
            found.append("yes | no")
        for arg in get_args(t):
            walk(arg)

    walk(annotation)
    text = "; ".join(dict.fromkeys(found)) or _("text")
    origin = getattr(annotation, "__origin__", None)
    if origin is list or "list[" in str(annotation):
        text += " " + _("(several: comma-separated)")
    return text


@app.command()
@reports_errors
def sign(
    alliance: AllianceRef,
    member_id: Annotated[int, typer.Argument(help=N_("The member who signs."))],
    version: Annotated[
        int | None, typer.Option(help=N_("Charter version (default: current)."))
    ] = None,
    on: Annotated[
        datetime | None, typer.Option(formats=["%Y-%m-%d"], help=N_("Date signed."))
    ] = None,
    today: Today = None,
) -> None:
    """Record a member's signature of the charter of engagement."""
    with use_case() as session:
        a = alliance_service.get_alliance(session=session, ref=alliance)
        item_service.sign_charter(
            session=session,
            alliance=a,
            member_id=member_id,
            version=version,
            signed_on=on.date() if on else None,
            today=_today(today),
        )
        console.print(_("Recorded the signature of member {id}.").format(id=member_id))


@app.command("import")
@reports_errors
def import_command(
    alliance: AllianceRef,
    file: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            readable=True,
            help=N_("CSV or XLSX with the stakeholder-table columns."),
        ),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=N_("Only say what would change; write nothing."))
    ] = False,
    today: Today = None,
) -> None:
    """Import organisations and their representatives; all rows or none. Says what changes."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from alliance_flow.errors import ImportRejected
    from alliance_flow.importer import apply_import, plan_import

    phases = {"check": _("Checking rows"), "write": _("Writing")}
    with (
        use_case() as session,
        Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=err,
            transient=True,
        ) as bar,
    ):
        tasks: dict[str, Any] = {}

        def progress(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(phases.get(phase, phase), total=total)
            bar.update(tasks[phase], completed=done, total=total)

        a = alliance_service.get_alliance(session=session, ref=alliance)
        planned = plan_import(
            session=session,
            alliance=a,
            filename=file.name,
            raw=file.read_bytes(),
            today=_today(today),
            progress=progress,
        )
        if planned.preview.problems:
            raise ImportRejected(list(planned.preview.problems))
        if not dry_run:
            apply_import(session=session, alliance=a, planned=planned, progress=progress)
    _print_preview(planned.preview, a.slug, dry_run=dry_run)


def _print_preview(preview: Any, slug: str, *, dry_run: bool, shown: int = 15) -> None:
    """What an import changes (or would change), in counts and then item by item."""
    counts = {
        "rows": preview.rows,
        "slug": slug,
        **{
            f"{kind}_{action}": preview.count(kind, action)
            for kind in ("organisation", "member")
            for action in ("new", "update", "unchanged")
        },
    }
    summary = (
        ngettext(
            "Would import {rows} row into '{slug}'",
            "Would import {rows} rows into '{slug}'",
            preview.rows,
        )
        if dry_run
        else ngettext(
            "Imported {rows} row into '{slug}'", "Imported {rows} rows into '{slug}'", preview.rows
        )
    )
    console.print(
        summary.format(**counts)
        + _(
            ": organisations {organisation_new} new, {organisation_update} updated, "
            "{organisation_unchanged} unchanged; members {member_new} new, "
            "{member_update} updated, {member_unchanged} unchanged."
        ).format(**counts)
    )
    what = {"organisation": _("organisation"), "member": _("member")}
    more = {"organisation": _("more organisations"), "member": _("more members")}
    actions = {"new": _("new"), "update": _("updated")}
    for kind in ("organisation", "member"):
        for action, mark in (("new", "+"), ("update", "~")):
            changes = preview.of(kind, action)
            for change in changes[:shown]:
                detail = ", ".join(
                    f"{name}: {_plain_value(old)} -> {_plain_value(new)}"
                    if old is not None
                    else f"{name}: {_plain_value(new)}"
                    for name, old, new in change.fields
                )
                line = _("line {line}").format(line=change.line)
                console.print(f"  {mark} {what[kind]} '{change.name}' ({line}) {detail}")
            if len(changes) > shown:
                console.print(
                    "  "
                    + _("... and {count} {more} ({action})").format(
                        count=len(changes) - shown, more=more[kind], action=actions[action]
                    )
                )
    for change in preview.merged[:shown]:
        lines = ", ".join(map(str, change.lines))
        console.print(
            "  = "
            + _("'{name}' is listed on lines {lines}: merged into one").format(
                name=change.name, lines=lines
            )
        )


def _plain_value(value: Any) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


# --- lifecycle ---------------------------------------------------------------------------------


def _print_report(
    report: GateReport, *, only_blocking: bool = False, to: Console = console
) -> None:
    if not report.outcomes:
        to.print(
            _("Stage {stage}: no checks (the alliance is closed).").format(
                stage=stage_name(report.stage)
            )
        )
        return
    table = Table(
        title=_("Checks to leave the stage {stage}: {passed}/{total} passed").format(
            stage=stage_name(report.stage), passed=report.passed_count, total=len(report.outcomes)
        ),
        show_lines=True,
    )
    table.add_column("")
    table.add_column(_("check"), overflow="fold", min_width=24)
    table.add_column(_("why"))
    table.add_column(_("what to do"))
    for o in report.outcomes:
        if only_blocking and not o.blocks:
            continue
        mark = styled(
            ("✓", "green") if o.passed else (_("waived"), "yellow") if o.waived else ("✗", "red")
        )
        why: str | Text = o.result.reason
        if o.waived and o.waiver:
            w = o.waiver
            waived = "\n" + _("Waived by {actor} on {date}: {reason}").format(
                actor=w.actor, date=local_date(w.at.date()), reason=w.reason
            )
            why = styled(o.result.reason, (waived, "yellow"))
        table.add_row(mark, styled(o.result.title + "\n", (o.code, "dim")), why, o.result.fix)
    to.print(table)


@app.command()
@reports_errors
def status(alliance: AllianceRef, as_json: AsJson = False, today: Today = None) -> None:
    """The alliance's stage and every check of that stage: passed, why, what to do, waiver."""
    with reading() as connection:
        a, report = status_service.alliance_status(connection, alliance, today=_today(today))
    if as_json:
        _print_json({"alliance": _alliance_json(a), "gates": report.as_list()})
        return
    console.print(
        styled(
            (a.name, "bold"),
            f" ({a.slug}) — " + _("stage: "),
            (stage_name(a.stage), "bold"),
            f" {_stage_bar(a.stage)}",
        )
    )
    _print_report(report)
    if report.outcomes:
        console.print(
            styled((_("Ready to advance."), "green"))
            if report.clear
            else ngettext(
                "{count} check still blocks `alliance-flow advance`.",
                "{count} checks still block `alliance-flow advance`.",
                len(report.blocking),
            ).format(count=len(report.blocking))
        )


@app.command()
@reports_errors
def advance(alliance: AllianceRef, today: Today = None) -> None:
    """Move to the next stage; refused (exit 2) with the failing checks if any remain."""
    with use_case() as session:
        a = alliance_service.get_alliance(session=session, ref=alliance)
        before = a.stage
        stage_service.advance_stage(
            session=session, alliance=a, actor=_actor(), today=_today(today)
        )
        console.print(
            _("'{slug}' moved from {before} to {after}.").format(
                slug=a.slug, before=stage_name(before), after=stage_name(a.stage)
            )
        )


@app.command()
@reports_errors
def waive(
    alliance: AllianceRef,
    code: Annotated[str, typer.Argument(help=N_("The check's code, as `status` shows it."))],
    reason: Annotated[
        str, typer.Option(help=N_("Why this check may be skipped (kept in history)."))
    ],
    today: Today = None,
) -> None:
    """Waive one failed check of the current stage, with a written reason."""
    with use_case() as session:
        a = alliance_service.get_alliance(session=session, ref=alliance)
        stage_service.waive_check(
            session=session,
            alliance=a,
            code=code,
            reason=reason,
            actor=_actor(),
            today=_today(today),
        )
        console.print(_("Waived {code} for '{slug}'.").format(code=code, slug=a.slug))


@app.command()
@reports_errors
def back(
    alliance: AllianceRef,
    reason: Annotated[
        str, typer.Option(help=N_("Why the alliance returns to the previous stage."))
    ],
    today: Today = None,
) -> None:
    """Move the alliance back one stage, with a reason."""
    with use_case() as session:
        a = alliance_service.get_alliance(session=session, ref=alliance)
        before = a.stage
        stage_service.move_back(
            session=session, alliance=a, reason=reason, actor=_actor(), today=_today(today)
        )
        console.print(
            _("'{slug}' moved back from {before} to {after}.").format(
                slug=a.slug, before=stage_name(before), after=stage_name(a.stage)
            )
        )


@app.command()
@reports_errors
def history(alliance: AllianceRef, as_json: AsJson = False) -> None:
    """Every stage change and waiver: who, when, from, to, why, and the checks at that moment."""
    with use_case() as session:
        a = alliance_service.get_alliance(session=session, ref=alliance)
        events = stage_service.history(session=session, alliance=a)
    if as_json:
        _print_json(
            [
                {
                    "at": e.at,
                    "kind": e.kind,
                    "stage": e.stage,
                    "from": e.from_stage,
                    "to": e.to_stage,
                    "check": e.check_code,
                    "actor": e.actor,
                    "reason": e.reason,
                    "gates": e.gate_results,
                }
                for e in events
            ]
        )
        return
    from alliance_flow.web.labels import EVENTS

    table = Table(title=_("History of {name}").format(name=a.name))
    for col in (_("when (UTC)"), _("what"), _("who"), _("details")):
        table.add_column(col)
    pair = _("{field}: {problem}")
    for e in events:
        event = _(EVENTS[e.kind]) if e.kind in EVENTS else e.kind
        if e.kind == "waived":
            what, details = pair.format(field=event, problem=e.check_code), e.reason or ""
        elif e.kind == "created":
            what, details = event, ""
        else:
            moved = f"{stage_name(e.from_stage or '')} → {stage_name(e.to_stage or '')}"
            what = pair.format(field=event, problem=moved)
            waived = [g["code"] for g in e.gate_results if g.get("waived")]
            details = " ".join(
                part
                for part in (
                    e.reason or "",
                    _("with waivers: {codes}").format(codes=", ".join(waived)) if waived else "",
                )
                if part
            )
        table.add_row(e.at.strftime("%Y-%m-%d %H:%M"), what, e.actor, details)
    console.print(table)


@app.command("audit")
@reports_errors
def audit_command(
    alliance: AllianceRef,
    limit: Annotated[int, typer.Option(help=N_("At most this many writes, newest first."))] = 50,
    as_json: AsJson = False,
) -> None:
    """Who changed what in an alliance's records, and when."""
    with use_case() as session:
        a = alliance_service.get_alliance(session=session, ref=alliance)
        events = audit.recent(session=session, alliance_id=a.id, limit=limit)
    if as_json:
        _print_json(
            [
                {
                    "at": e.at,
                    "actor": e.actor,
                    "table": e.table_name,
                    "row": e.row_key,
                    "action": e.action,
                    "changes": e.changes,
                }
                for e in events
            ]
        )
        return
    actions = {"insert": _("added"), "update": _("changed"), "delete": _("removed")}
    table = Table(title=_("Writes to {name}").format(name=a.name))
    for col in (_("when (UTC)"), _("who"), _("what"), _("changes")):
        table.add_column(col)
    for e in events:
        changed = ", ".join(sorted(e.changes)) if e.action == "update" else ""
        table.add_row(
            e.at.strftime("%Y-%m-%d %H:%M"),
            e.actor,
            f"{actions.get(e.action, e.action)}: {e.table_name} {e.row_key}",
            changed,
        )
    console.print(table)


# --- demo and database -------------------------------------------------------------------------


@app.command()
@reports_errors
def demo(today: Today = None) -> None:
    """Load the guide's four alliances (France, Ireland, the Netherlands, Sweden) and show them."""
    from alliance_flow.accounts.demo import create_demo_accounts
    from alliance_flow.demo import load_demo

    day = _today(today)
    db = _db()
    try:
        with audit.acting_as("demo"):
            slugs = load_demo(db, today=day, actor="demo")
            logins = create_demo_accounts(db, slugs)
            mailbox = demo_mailbox(db, slugs)
        with db.transaction() as session:
            shown = alliance_service.list_alliances(session=session)
            reports = stage_service.gate_reports(
                session=session, scope=[a.id for a in shown], today=day, reasons=True
            )
            rows = [(a, reports[a.id]) for a in shown]
    finally:
        db.dispose()
    _print_alliances(rows)
    for a, report in rows:
        console.print(
            styled(
                "\n",
                (a.name, "bold"),
                f" ({a.slug}) — " + _("stage: "),
                (stage_name(a.stage), "bold"),
            )
        )
        _print_report(report)
    from alliance_flow.web.labels import ROLES

    table = Table(
        title=_(
            "Demo logins for the dashboard (`alliance-flow web`, then open http://127.0.0.1:8000)"
        )
    )
    for col in (_("login"), _("password"), _("role"), _("alliance")):
        table.add_column(col)
    for login, password, role, slug in logins:
        table.add_row(login, password, _(ROLES[role]) if role in ROLES else role, slug)
    console.print(table)
    console.print(
        "\n"
        + _(
            "The demo alliances' reminders are e-mailed to a local mailbox, {mailbox} "
            "(no outside service): `alliance-flow reminders run`, then "
            "`alliance-flow reminders mailbox` shows what arrived."
        ).format(mailbox=mailbox)
    )
    console.print(
        "\n"
        + _(
            "Next: `alliance-flow status roscommon`, `alliance-flow advance roscommon`, "
            "`alliance-flow history bordeaux`, `alliance-flow web`."
        )
    )


def demo_mailbox(db: database.Database, slugs: list[str]) -> Path:
    """Members of the demo alliances without a channel get their e-mail in a local mbox file."""
    from alliance_flow.reminders import outbox
    from alliance_flow.reminders.cli import local_mailbox

    path = local_mailbox()
    with db.transaction() as session:
        for slug in slugs:
            alliance = alliance_service.get_alliance(session=session, ref=slug)
            if "email" not in outbox.channels_of(session, alliance.id):
                outbox.set_channel(
                    session=session,
                    alliance=alliance,
                    audience="email",
                    apprise_url=f"mbox://{path}?to={{email}}",
                )
    return path


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration."""
    db = database.open_database(migrate=False)
    try:
        before = db.current_revision()
        db.upgrade()
        console.print(
            _("Database at {revision} (was {before}).").format(
                revision=db.current_revision(), before=before or _("empty")
            )
        )
    finally:
        db.dispose()


@db_app.command("current")
def db_current() -> None:
    """Show the schema revision of the database and whether it is up to date."""
    db = database.open_database(migrate=False)
    try:
        state = (
            _("up to date")
            if db.is_current()
            else _("behind (head is {head})").format(head=db.head_revision())
        )
        console.print(
            _("{database}: revision {revision} — {state}").format(
                database=db.url.split("@")[-1], revision=db.current_revision(), state=state
            )
        )
    finally:
        db.dispose()


@db_app.command("backup")
def db_backup(
    target: Annotated[Path, typer.Argument(help=N_("File to write the copy to."))],
) -> None:
    """Copy the whole database (audit log and outbox included) to a file."""
    from alliance_flow.backup import BackupError, backup
    from alliance_flow.settings import get_settings

    url = get_settings().resolved_database_url()
    try:
        backup(url, target)
    except BackupError as exc:
        err.print(styled((_("Error: "), "bold red"), str(exc)))
        raise typer.Exit(EXIT_ERROR) from None
    console.print(
        _("Backed up {database} to {file}.").format(database=url.split("@")[-1], file=target)
    )


@db_app.command("restore")
def db_restore(
    source: Annotated[Path, typer.Argument(help=N_("A file written by `db backup`."))],
    yes: Annotated[
        bool, typer.Option("--yes", help=N_("Confirm: the current data is replaced."))
    ] = False,
) -> None:
    """Replace the database by a backup (stop the dashboard and the flows first)."""
    from alliance_flow.backup import BackupError, restore

    if not yes:
        err.print(_("Restoring replaces every record by the backup's; add --yes to confirm."))
        raise typer.Exit(EXIT_ERROR)
    from alliance_flow.settings import get_settings

    url = get_settings().resolved_database_url()
    try:
        restore(url, source)
    except BackupError as exc:
        err.print(styled((_("Error: "), "bold red"), str(exc)))
        raise typer.Exit(EXIT_ERROR) from None
    console.print(
        _("Restored {database} from {file}.").format(database=url.split("@")[-1], file=source)
    )


if __name__ == "__main__":
    app()


# --- personal data ------------------------------------------------------------------------------

privacy_app = typer.Typer(
    help=N_("Members' personal data: export, erasure and the retention of contact details."),
    no_args_is_help=True,
)
app.add_typer(privacy_app, name="privacy")
MemberRef = Annotated[str, typer.Argument(help=N_("Member id or exact name."))]


@privacy_app.command("export")
@reports_errors
def privacy_export(
    alliance: AllianceRef,
    member: MemberRef,
    fmt: Annotated[str, typer.Option("--format", help=N_("json or csv."))] = "json",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help=N_("File to write."))
    ] = None,
) -> None:
    """Everything the alliance holds about one member (to answer an access request)."""
    from alliance_flow import privacy
    from alliance_flow.accounts.membership import find_member

    if fmt not in ("json", "csv"):
        raise InvalidInput([FieldProblem("format", _("use json or csv"))])
    with use_case() as session:
        a = alliance_service.get_alliance(session=session, ref=alliance)
        data = privacy.export_member(
            session=session, member=find_member(session=session, alliance=a, ref=member)
        )
    body = privacy.export_json(data) if fmt == "json" else privacy.export_csv(data)
    if output is None:
        typer.echo(body.decode("utf-8-sig"))
    else:
        output.write_bytes(body)
        console.print(_("Wrote {file}.").format(file=output))


@privacy_app.command("erase")
@reports_errors
def privacy_erase(
    alliance: AllianceRef,
    member: MemberRef,
    yes: Annotated[bool, typer.Option("--yes", help=N_("Confirm: this cannot be undone."))] = False,
) -> None:
    """Erase a member's personal data; their part in the history stays, under a pseudonym."""
    from alliance_flow import privacy
    from alliance_flow.accounts.membership import find_member

    if not yes:
        raise InvalidInput(
            [FieldProblem("yes", _("add --yes to confirm; erasure cannot be undone"))]
        )
    with use_case() as session:
        a = alliance_service.get_alliance(session=session, ref=alliance)
        found = find_member(session=session, alliance=a, ref=member)
        privacy.erase_member(session=session, member=found)
        ident = found.id
    console.print(
        _("Erased the personal data of member {id} in '{alliance}'.").format(
            id=ident, alliance=alliance
        )
    )


@privacy_app.command("retention")
@reports_errors
def privacy_retention(today: Today = None) -> None:
    """Erase the contact details of members who left longer ago than the retention setting."""
    from alliance_flow import privacy
    from alliance_flow.settings import get_settings

    days = get_settings().former_member_contact_days
    with use_case() as session:
        count = privacy.apply_retention(session=session, today=_today(today), days=days)
    console.print(
        ngettext(
            "Contact details erased for {count} former member (kept {days} days).",
            "Contact details erased for {count} former members (kept {days} days).",
            count,
        ).format(count=count, days=days)
    )


def main() -> None:
    """The `alliance-flow` console script.

    Typer works out the parameters of every command (47 commands and groups, about 20 ms)
    before it runs one: a command named on the line, after the root's `--lang`, is built alone,
    and runs as it would in the whole tree. No command, a misspelt one or the root's own
    options get the whole tree, for the help and Click's suggestions.
    """
    args = sys.argv[1:]
    while args[:1] == ["--lang"]:
        args = args[2:]
    while args and args[0].startswith("--lang="):
        args = args[1:]
    wanted = args[0] if args else ""
    commands = [c for c in app.registered_commands if _command_name(c) == wanted]
    groups = [g for g in app.registered_groups if g.name == wanted]
    if commands or groups:
        alone = copy.copy(app)
        alone.registered_commands, alone.registered_groups = commands, groups
        alone()
    else:
        app()


def _command_name(info: typer.models.CommandInfo) -> str:
    if info.name:
        return info.name
    return typer.main.get_command_name(info.callback.__name__) if info.callback else ""
