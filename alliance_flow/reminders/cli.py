"""`alliance-flow reminders ...`: run a sweep through Prefect, list the outbox, set channels."""

from __future__ import annotations

import importlib.util
import os
import signal
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from alliance_flow.i18n import N_, _, ngettext
from alliance_flow.lazy import lazy_module
from alliance_flow.reminders import reasons
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
    help=N_("Reminders: what is due, the outbox, and the channels alliances are reached on."),
    no_args_is_help=True,
)
console = make_console()

Today = Annotated[
    datetime | None,
    typer.Option("--today", formats=["%Y-%m-%d"], help=N_("Sweep as if it were this day.")),
]


def prefect_environment(log_level: str = "INFO") -> None:
    """The settings STACK_NOTES asks for, unless the operator set their own.

    Flow and task logs go to Prefect at `log_level`; the terminal shows warnings only, unless
    PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL says otherwise.
    """
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", log_level)
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


IN_PROCESS = N_(
    "No Prefect server is configured (PREFECT_API_URL) or started by `alliance-flow serve`: "
    "this sweep runs in this process, and no Prefect run is recorded."
)


def prefect_api_url() -> str | None:
    """The Prefect server to record the run on: PREFECT_API_URL, or the one `serve` started."""
    from alliance_flow.reminders.serve import healthy, running_server_url

    configured = os.environ.get("PREFECT_API_URL")
    if configured:
        return configured if healthy(configured, timeout=15) else None
    return running_server_url()


def run_sweep(
    *, today: str | None, database_url: str | None = None, echo: Any = print
) -> dict[str, Any]:
    """One sweep: a flow run on the Prefect server when there is one, else in this process.

    Never starts a server of its own: a one-off sweep takes seconds, and a killed sweep leaves
    nothing running.
    """
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")
    prefect_environment()
    module = load_flow_module("reminders")
    api = prefect_api_url()
    if api is None:
        if os.environ.get("PREFECT_API_URL"):
            echo(
                _("The Prefect server at {url} does not answer.").format(
                    url=os.environ["PREFECT_API_URL"]
                )
            )
        echo(_(IN_PROCESS))
        result: dict[str, Any] = module.sweep_in_process(today=today, database_url=database_url)
        return result
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
        temporary_settings,
    )

    echo(_("Running the sweep as a flow run on the Prefect server at {url}.").format(url=api))
    with temporary_settings(
        updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None, PREFECT_API_URL: api}
    ):
        state = module.reminders(today=today, database_url=database_url, return_state=True)
    # Read synchronously even when an event loop runs in this thread (where Prefect 3's
    # State.result would otherwise hand back a coroutine).
    data = state.result(raise_on_failure=False, _sync=True)
    if not isinstance(data, dict):
        raise RuntimeError(f"the sweep's flow run ended {state.name}: {state.message}")
    return data


NO_CHANNEL_HINT = N_(
    "People and audiences without a channel cannot get reminders: point an alliance at one with "
    "`alliance-flow reminders channel ALLIANCE members|coordinators|funders|email URL` "
    "(any Apprise URL; see the README)."
)


@reminders_app.command("run")
def run_command(
    today: Today = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=N_("List what would go to whom; send nothing."))
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
        table = Table(title=_("Would be sent (dry run: nothing recorded, nothing sent)"))
        for col in (
            _("alliance"),
            _("to"),
            _("channel"),
            _("title"),
            _("already recorded"),
        ):
            table.add_column(col, overflow="fold")
        for p in planned:
            channel = p.channel if p.reachable else _("cannot be reached: in the digest")
            table.add_row(
                p.alliance,
                p.recipient,
                channel,
                p.title,
                _("yes") if p.recorded else "",
            )
        console.print(table if planned else _("Nothing is due."))
        unreachable = sum(1 for p in planned if not p.reachable)
        if unreachable:
            console.print(unreachable_text(unreachable, "cannot be reached"))
        return
    # SIGTERM (a service manager stopping us) ends the sweep the way Ctrl-C does: the messages
    # being sent are finished and settled, the others released for the next sweep at once.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        result = run_sweep(today=day.isoformat() if day else None, echo=console.print)
    except KeyboardInterrupt:
        console.print(
            _(
                "Stopped: the messages being sent were finished; the others are released for the "
                "next sweep."
            )
        )
        raise typer.Exit(130) from None
    finally:
        signal.signal(signal.SIGTERM, previous)
    console.print(
        ngettext(
            "Recorded {recorded} new of {decided} due ({alliances} alliance).",
            "Recorded {recorded} new of {decided} due ({alliances} alliances).",
            result["alliances"],
        ).format(
            recorded=result["recorded"], decided=result["decided"], alliances=result["alliances"]
        )
    )
    if result["sent"] or not (result["retrying"] or result["failed"]):
        console.print(_("Sent: {count}.").format(count=result["sent"]))
    if result["retrying"]:
        console.print(
            styled(
                (
                    ngettext(
                        "{count} message could not be delivered yet: waiting for retry at {at}",
                        "{count} messages could not be delivered yet: waiting for retry at {at}",
                        result["retrying"],
                    ).format(count=result["retrying"], at=_moment(result["next_retry_at"])),
                    "yellow",
                ),
                " " + _("(see `alliance-flow reminders outbox --status pending`)."),
            )
        )
    if result["failed"]:
        console.print(
            styled(
                (
                    ngettext(
                        "{count} message failed for good",
                        "{count} messages failed for good",
                        result["failed"],
                    ).format(count=result["failed"]),
                    "red",
                ),
                " " + _("(see the outbox)."),
            )
        )
    if result.get("unreachable"):
        console.print(unreachable_text(result["unreachable"], "nobody to carry them"))
    for slug, error in result["errors"].items():
        console.print(
            styled((slug, "red"), ": " + _("reminders not decided: {error}").format(error=error))
        )
    if result["errors"] or result["failed"]:
        raise typer.Exit(1)


def _moment(value: Any) -> str:
    if not isinstance(value, datetime):
        return str(value or "")
    from babel.dates import format_datetime

    from alliance_flow.i18n import current_language

    return format_datetime(value, format="short", locale=current_language())


def unreachable_text(count: int, why: str) -> str:
    """Who cannot get their reminders, and how to give them a channel."""
    if why == "cannot be reached":
        said = ngettext(
            "{count} message cannot be reached: those people are named in the coordinators' "
            "weekly digest.",
            "{count} messages cannot be reached: those people are named in the coordinators' "
            "weekly digest.",
            count,
        )
    else:
        said = ngettext(
            "{count} message has nobody to carry it: those people are named in the "
            "coordinators' weekly digest.",
            "{count} messages have nobody to carry them: those people are named in the "
            "coordinators' weekly digest.",
            count,
        )
    return said.format(count=count) + " " + _(NO_CHANNEL_HINT)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@reminders_app.command("outbox")
def outbox_command(
    status: Annotated[
        str | None, typer.Option(help=N_("Only this status: pending | sent | failed | cancelled."))
    ] = None,
    limit: Annotated[int, typer.Option(help=N_("At most this many rows, newest first."))] = 100,
) -> None:
    """List the outbox: what was recorded, for whom, and how its delivery went."""
    if status and status not in rm.STATUSES:
        console.print(
            styled(
                (_("Unknown status '{status}'").format(status=status), "red"),
                "; " + _("use one of {choices}.").format(choices=", ".join(rm.STATUSES)),
            )
        )
        raise typer.Exit(1)
    db = database.open_database()
    try:
        with db.transaction() as session:
            rows = [
                (row, slug, outbox.recipient_label(session, row.recipient))
                for row, slug in outbox.list_outbox(session=session, status=status, limit=limit)
            ]
    finally:
        db.dispose()
    from alliance_flow.web.labels import OUTBOX_STATUSES

    def status_name(code: str) -> str:
        return _(OUTBOX_STATUSES[code]) if code in OUTBOX_STATUSES else code

    title = _("Reminder outbox")
    table = Table(title=title + (f" ({status_name(status)})" if status else ""))
    for col in (
        _("id"),
        _("alliance"),
        _("message"),
        _("due"),
        _("to"),
        _("status"),
        _("tries"),
        _("error"),
    ):
        table.add_column(col, overflow="fold")
    for row, slug, to in rows:
        table.add_row(
            str(row.id),
            slug,
            row.title,
            row.due_on.isoformat(),
            to,
            status_name(row.status),
            str(row.attempts),
            reasons.describe(row.last_error),
        )
    if rows:
        console.print(table)
    elif status:
        console.print(
            _("The outbox has no message with the status {status}.").format(
                status=status_name(status)
            )
        )
    else:
        console.print(_("The outbox is empty."))


@reminders_app.command("channel")
def channel_command(
    alliance: Annotated[str, typer.Argument(help=N_("Alliance id or slug."))],
    audience: Annotated[
        str, typer.Argument(help=N_("Who: coordinators | members | funders | email"))
    ],
    apprise_url: Annotated[
        str, typer.Argument(help=N_("Apprise URL(s); for `email` a mailto URL with {email}."))
    ],
) -> None:
    """Point one audience of an alliance at a channel; the URL is shown back redacted."""
    from alliance_flow.services.alliances import get_alliance

    if audience not in (*due.AUDIENCES, "email"):
        console.print(
            styled((_("Unknown audience '{audience}'.").format(audience=audience), "red"))
        )
        raise typer.Exit(1)
    from alliance_flow.errors import InvalidInput

    db = database.open_database()
    try:
        with db.transaction() as session:
            a = get_alliance(session=session, ref=alliance)
            outbox.set_channel(
                session=session, alliance=a, audience=audience, apprise_url=apprise_url
            )
            slug = a.slug
    except InvalidInput as exc:
        console.print(styled((exc.problems[0].problem, "red")))
        raise typer.Exit(1) from None
    finally:
        db.dispose()
    console.print(f"{slug} {audience}: {delivery.redact(apprise_url)}")


def local_mailbox() -> Path:
    """The local mbox file the demo's e-mail channel writes to."""
    return settings.user_data_dir() / "demo-mailbox.mbox"


@reminders_app.command("mailbox")
def mailbox_command(
    path: Annotated[
        Path | None, typer.Argument(help=N_("An mbox file; default: the demo's local mailbox."))
    ] = None,
    last: Annotated[int, typer.Option(help=N_("Show the last N messages in full."))] = 3,
) -> None:
    """What arrived in a local mailbox (the `mbox://` channel): every subject, the last in full."""
    import email.policy
    import mailbox

    box_path = path or local_mailbox()
    if not box_path.exists():
        console.print(
            _("No mailbox at {path} yet: nothing was delivered there.").format(path=box_path)
        )
        return
    box = mailbox.mbox(str(box_path), factory=None, create=False)
    messages = [
        email.message_from_bytes(box.get_bytes(k), policy=email.policy.default)
        for k in box.iterkeys()
    ]
    table = Table(
        title=ngettext(
            "{count} message in {path}", "{count} messages in {path}", len(messages)
        ).format(count=len(messages), path=box_path)
    )
    for col in (_("to"), _("subject")):
        table.add_column(col, overflow="fold")
    for msg in messages:
        table.add_row(str(msg["To"] or ""), str(msg["Subject"] or ""))
    console.print(table)
    for msg in messages[-last:] if last > 0 else []:
        body = msg.get_body(("plain",))
        console.print(styled("\n", (str(msg["Subject"]), "bold"), f" → {msg['To']}"))
        console.print(body.get_content().strip() if body else "")


def serve_command() -> None:
    """Every flow on its schedule on this machine (starts a local Prefect server if needed).

    Without PREFECT_API_URL a `prefect server start` on 127.0.0.1 is started and stopped with
    this command; Ctrl-C or SIGTERM stops serving and the server. Schedules: deploy/prefect.yaml.
    """
    from alliance_flow.reminders.serve import serve

    serve(echo=lambda line: print(line, flush=True))
