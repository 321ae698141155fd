"""`alliance-flow user ...`: the administrator's commands for accounts and roles."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from alliance_flow.cli_language import error_label, field_problem
from alliance_flow.errors import AllianceFlowError, InvalidInput
from alliance_flow.i18n import N_, _, ngettext
from alliance_flow.lazy import lazy_module
from alliance_flow.terminal import make_console, styled

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from alliance_flow.accounts import membership, services
else:  # loaded when a command runs, not for --help
    membership = lazy_module("alliance_flow.accounts.membership")
    services = lazy_module("alliance_flow.accounts.services")

app = typer.Typer(
    rich_markup_mode=None,
    help=N_("Dashboard accounts, roles and API tokens."),
    no_args_is_help=True,
)
console = make_console()
err = make_console(stderr=True)

Login = Annotated[str, typer.Argument(help=N_("The user's login."))]
AllianceRef = Annotated[str, typer.Argument(help=N_("Alliance id or slug."))]


@contextmanager
def _use_case() -> Iterator[Session]:
    from alliance_flow.db import open_database

    db = open_database()
    try:
        with db.transaction() as session:
            yield session
    except InvalidInput as exc:
        err.print(styled((error_label(exc), "bold red"), _("nothing was saved.")))
        for problem in exc.problems:
            err.print(f"  - {field_problem(problem)}")
        raise typer.Exit(1) from None
    except AllianceFlowError as exc:
        err.print(styled((error_label(exc), "bold red"), exc.message))
        raise typer.Exit(1) from None
    finally:
        db.dispose()


def _password(given: str | None) -> str:
    if given:
        return given
    first = getpass.getpass(_("Password (10 characters or more): "))
    if getpass.getpass(_("Again: ")) != first:
        err.print(_("The passwords differ; nothing was saved."))
        raise typer.Exit(1)
    return first


@app.command("add")
def add(
    login: Login,
    name: Annotated[str, typer.Option(help=N_("Full name, as shown in the history."))],
    admin: Annotated[bool, typer.Option("--admin", help=N_("Global administrator."))] = False,
    language: Annotated[
        str | None, typer.Option(help=N_("en, fr, nl or sv (default: the browser's)."))
    ] = None,
    password: Annotated[
        str | None, typer.Option(help=N_("Prompted for when not given (safer)."))
    ] = None,
) -> None:
    """Create an account."""
    with _use_case() as session:
        services.create_user(
            session=session,
            user_in={
                "login": login,
                "name": name,
                "password": _password(password),
                "is_admin": admin,
                "language": language,
            },
        )
    console.print(
        _("Created user '{login}' (administrator).").format(login=login)
        if admin
        else _("Created user '{login}'.").format(login=login)
    )


@app.command("list")
def list_users() -> None:
    """Every account, with its roles."""
    table = Table(title=_("Users"))
    for col in (_("login"), _("name"), _("administrator"), _("language"), _("active")):
        table.add_column(col)
    with _use_case() as session:
        for u in services.list_users(session=session):
            table.add_row(
                u.login,
                u.name,
                _("yes") if u.is_admin else "",
                u.language or "",
                _("yes") if u.active else _("no"),
            )
    console.print(table)


@app.command("grant")
def grant(
    login: Login,
    alliance: AllianceRef,
    role: Annotated[str, typer.Argument(help=N_("The role: coordinator | member | funder."))],
) -> None:
    """Give a user a role on an alliance (replaces the role they had there)."""
    with _use_case() as session:
        services.grant_role(session=session, login=login, alliance_ref=alliance, role=role)
    from alliance_flow.web.labels import ROLES

    console.print(
        _("'{login}' is now {role} of '{alliance}'.").format(
            login=login, role=_(ROLES[role]) if role in ROLES else role, alliance=alliance
        )
    )


@app.command("revoke")
def revoke(login: Login, alliance: AllianceRef) -> None:
    """Remove a user's role on an alliance."""
    with _use_case() as session:
        services.revoke_role(session=session, login=login, alliance_ref=alliance)
    console.print(
        _("'{login}' no longer has a role on '{alliance}'.").format(login=login, alliance=alliance)
    )


@app.command("link")
def link(
    login: Login,
    alliance: AllianceRef,
    member: Annotated[
        str | None, typer.Argument(help=N_("Member id or exact name; leave out to unlink."))
    ] = None,
) -> None:
    """Say which member of the alliance an account speaks for (what they sign, which actions are theirs)."""  # noqa: E501
    with _use_case() as session:
        found = membership.link_member(
            session=session, login=login, alliance_ref=alliance, member_ref=member
        )
        name = found.name if found else None
    if name:
        console.print(
            _("'{login}' speaks for {name} in '{alliance}'.").format(
                login=login, name=name, alliance=alliance
            )
        )
    else:
        console.print(
            _("'{login}' is no longer linked to a member of '{alliance}'.").format(
                login=login, alliance=alliance
            )
        )


@app.command("password")
def password(
    login: Login,
    new: Annotated[
        str | None, typer.Option("--password", help=N_("Prompted for when not given (safer)."))
    ] = None,
) -> None:
    """Set a user's password (ends their browser sessions)."""
    with _use_case() as session:
        services.set_password(session=session, login=login, password=_password(new))
    console.print(_("Password of '{login}' changed.").format(login=login))


@app.command("token")
def token(
    login: Login,
    name: Annotated[str, typer.Option(help=N_("What the token is for."))] = "script",
    # services.TOKEN_DAYS; written out so that --help does not load the services
    days: Annotated[int, typer.Option(help=N_("How many days it stays valid (1-366)."))] = 90,
) -> None:
    """Issue a personal API token (shown once; only its hash is stored)."""
    with _use_case() as session:
        user = services.get_user(session=session, login=login)
        secret = services.issue_token(session=session, user_id=user.id, name=name, days=days)
    console.print(
        ngettext(
            "Token for '{login}' ({name}), valid {days} day; keep it secret, it is not shown "
            "again:",
            "Token for '{login}' ({name}), valid {days} days; keep it secret, it is not shown "
            "again:",
            days,
        ).format(login=login, name=name, days=days)
    )
    typer.echo(secret)


@app.command("tokens")
def tokens(login: Login) -> None:
    """A user's API tokens: when made, when they expire, when last used."""
    with _use_case() as session:
        user = services.get_user(session=session, login=login)
        rows = services.list_tokens(session=session, user_id=user.id)
        table = Table(title=_("API tokens of '{login}'").format(login=login))
        for column in (_("id"), _("name"), _("created"), _("expires"), _("last used")):
            table.add_column(column)
        for r in rows:
            table.add_row(
                str(r.id),
                r.name,
                r.created_at.strftime("%Y-%m-%d"),
                r.expires_at.strftime("%Y-%m-%d") if r.expires_at else _("never"),
                r.last_used_at.strftime("%Y-%m-%d %H:%M") if r.last_used_at else _("never"),
            )
    console.print(table if rows else _("'{login}' has no API token.").format(login=login))


@app.command("revoke-token")
def revoke_token(
    login: Login,
    token_id: Annotated[int, typer.Argument(min=1, help=N_("The token's id."))],
) -> None:
    """Revoke one of a user's API tokens at once (ids from `user tokens LOGIN`)."""
    with _use_case() as session:
        user = services.get_user(session=session, login=login)
        row = services.revoke_token(session=session, user_id=user.id, token_id=token_id)
        name = row.name
    console.print(
        _("Token {id} ('{name}') of '{login}' revoked.").format(id=token_id, name=name, login=login)
    )
