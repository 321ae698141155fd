"""`alliance-flow reminders ...`: run a sweep through Prefect, list the outbox, set channels."""

from __future__ import annotations

import importlib.util
import os
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from alliance_flow.lazy import lazy_module
from alliance_flow.terminal import make_console, styled

if TYPE_CHECKING:
    from alliance_flow import db as database
    from alliance_flow import settings
    from alliance_flow.reminders import delivery, due, outbox
    from alliance_flow.reminders import models as rm
else:  # loaded when a command runs, not for --help (Apprise, the database, Prefect...)
    database = lazy_module("alliance_flow.db")
    settings = lazy_module("alliance_flow.settings")
    delivery = lazy_module("alliance_flow.reminders.delivery")
    due = lazy_module("alliance_flow.reminders.due")
    outbox = lazy_module("alliance_flow.reminders.outbox")
    rm = lazy_module("alliance_flow.reminders.models")

reminders_app = typer.Typer(
    rich_markup_mode=None,  # plain help: Rich's help renderer costs 0.1 s a start
    help="Reminders: what is due, the outbox, and the channels alliances are reached on.",
    no_args_is_help=True,
)
console = make_console()

Today = Annotated[
    datetime | None,
    typer.Option("--today", formats=["%Y-%m-%d"], help="Sweep as if it were this day."),
]


def prefect_environment() -> None:
    """The settings STACK_NOTES asks for, unless the operator set their own."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    if "PREFECT_HOME" not in os.environ:
        home = settings.user_data_dir() / "prefect"
        home.mkdir(parents=True, exist_ok=True)
        os.environ["PREFECT_HOME"] = str(home)


def load_flow_module(name: str) -> ModuleType:
    """flows/<name>.py, the file prefect.yaml deploys, loaded by path."""
    path = Path(settings.PROJECT_ROOT) / "flows" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"alliance_flow_flows_{name}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_sweep(*, today: str | None, database_url: str | None = None) -> dict[str, Any]:
    """One sweep through Prefect (ephemeral when no PREFECT_API_URL)."""
    prefect_environment()
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    flow = load_flow_module("reminders").reminders
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        return flow(today=today, database_url=database_url)


NO_CHANNEL_HINT = (
    "Only people and audiences with a channel get reminders: point an alliance at one with "
    "`alliance-flow reminders channel ALLIANCE members|coordinators|funders|email URL` "
    "(any Apprise URL; see the README)."
)


@reminders_app.command("run")
def run_command(
    today: Today = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List what would go to whom; send nothing.")
    ] = False,
) -> None:
    """One sweep: record what is due in the outbox, then deliver what is pending."""
    day = today.date() if today else None
    if dry_run:
        db = database.open_database()
        try:
            planned = outbox.plan(db=db, moment=outbox.as_moment(day))
        finally:
            db.dispose()
        table = Table(title="Would be sent (dry run: nothing recorded, nothing sent)")
        for col in ("alliance", "kind", "to", "channel", "title", "already recorded"):
            table.add_column(col, overflow="fold")
        for p in planned:
            table.add_row(
                p.alliance, p.kind, p.recipient, p.channel, p.title, "yes" if p.recorded else ""
            )
        console.print(table if planned else f"Nothing is due. {NO_CHANNEL_HINT}")
        return
    result = run_sweep(today=day.isoformat() if day else None)
    console.print(
        f"Recorded {result['recorded']} new of {result['decided']} due "
        f"({result['alliances']} alliances); sent {result['sent']}, "
        f"retrying {result['retrying']}, failed {result['failed']}."
    )
    if not result["decided"]:
        console.print(NO_CHANNEL_HINT)
    for slug, error in result["errors"].items():
        console.print(styled((slug, "red"), f": reminders not decided: {error}"))
    if result["errors"]:
        raise typer.Exit(1)


@reminders_app.command("outbox")
def outbox_command(
    status: Annotated[str | None, typer.Option(help="pending | sent | failed | cancelled")] = None,
    limit: Annotated[int, typer.Option(help="At most this many rows, newest first.")] = 100,
) -> None:
    """List the outbox: what was recorded, for whom, and how its delivery went."""
    if status and status not in rm.STATUSES:
        console.print(
            styled((f"Unknown status '{status}'", "red"), f"; use one of {', '.join(rm.STATUSES)}.")
        )
        raise typer.Exit(1)
    db = database.open_database()
    try:
        with db.transaction() as session:
            rows = outbox.list_outbox(session=session, status=status, limit=limit)
    finally:
        db.dispose()
    table = Table(title="Reminder outbox" + (f" ({status})" if status else ""))
    for col in ("id", "alliance", "kind", "subject", "due", "to", "status", "tries", "error"):
        table.add_column(col, overflow="fold")
    for row, slug in rows:
        table.add_row(
            str(row.id),
            slug,
            row.kind,
            row.subject,
            row.due_on.isoformat(),
            row.recipient,
            row.status,
            str(row.attempts),
            row.last_error or "",
        )
    console.print(table if rows else "The outbox is empty" + (f" for {status}." if status else "."))


@reminders_app.command("channel")
def channel_command(
    alliance: Annotated[str, typer.Argument(help="Alliance id or slug.")],
    audience: Annotated[str, typer.Argument(help="coordinators | members | funders | email")],
    apprise_url: Annotated[
        str, typer.Argument(help="Apprise URL(s); for `email` a mailto URL with {email}.")
    ],
) -> None:
    """Point one audience of an alliance at a channel; the URL is shown back redacted."""
    from alliance_flow.services.alliances import get_alliance

    if audience not in (*due.AUDIENCES, "email"):
        console.print(styled((f"Unknown audience '{audience}'", "red"), "."))
        raise typer.Exit(1)
    db = database.open_database()
    try:
        with db.transaction() as session:
            a = get_alliance(session=session, ref=alliance)
            outbox.set_channel(
                session=session, alliance=a, audience=audience, apprise_url=apprise_url
            )
            slug = a.slug
    finally:
        db.dispose()
    console.print(f"{slug} {audience}: {delivery.redact(apprise_url)}")


def serve_command() -> None:
    """Every flow on its schedule on this machine (starts a local Prefect server if needed).

    Without PREFECT_API_URL a `prefect server start` on 127.0.0.1 is started and stopped with
    this command; Ctrl-C or SIGTERM stops serving and the server. Schedules: deploy/prefect.yaml.
    """
    from alliance_flow.reminders.serve import serve

    serve(echo=lambda line: print(line, flush=True))
