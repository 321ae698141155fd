"""`alliance-flow user ...`: the administrator's commands for accounts and roles."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from alliance_flow.accounts.roles import AllianceRole
from alliance_flow.errors import AllianceFlowError, InvalidInput
from alliance_flow.lazy import lazy_module
from alliance_flow.terminal import make_console, styled

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from alliance_flow.accounts import membership, services
else:  # loaded when a command runs, not for --help
    membership = lazy_module("alliance_flow.accounts.membership")
    services = lazy_module("alliance_flow.accounts.services")

app = typer.Typer(
    rich_markup_mode=None, help="Dashboard accounts, roles and API tokens.", no_args_is_help=True
)
console = make_console()
err = make_console(stderr=True)

Login = Annotated[str, typer.Argument(help="The user's login.")]


@contextmanager
def _use_case() -> Iterator[Session]:
    from alliance_flow.db import open_database

    db = open_database()
    try:
        with db.transaction() as session:
            yield session
    except InvalidInput as exc:
        err.print(styled((f"Error ({exc.code}): ", "bold red"), "nothing was saved."))
        for problem in exc.problems:
            err.print(f"  - {problem}")
        raise typer.Exit(1) from None
    except AllianceFlowError as exc:
        err.print(styled((f"Error ({exc.code}): ", "bold red"), exc.message))
        raise typer.Exit(1) from None
    finally:
        db.dispose()


def _password(given: str | None) -> str:
    if given:
        return given
    first = getpass.getpass("Password (10 characters or more): ")
    if getpass.getpass("Again: ") != first:
        err.print("The passwords differ; nothing was saved.")
        raise typer.Exit(1)
    return first


@app.command("add")
def add(
    login: Login,
    name: Annotated[str, typer.Option(help="Full name, as shown in the history.")],
    admin: Annotated[bool, typer.Option("--admin", help="Global administrator.")] = False,
    language: Annotated[str | None, typer.Option(help="en or fr (default: browser's).")] = None,
    password: Annotated[
        str | None, typer.Option(help="Prompted for when not given (safer).")
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
    console.print(f"Created user '{login}'" + (" (administrator)." if admin else "."))


@app.command("list")
def list_users() -> None:
    """Every account, with its roles."""
    table = Table(title="Users")
    for col in ("login", "name", "admin", "language", "active"):
        table.add_column(col)
    with _use_case() as session:
        for u in services.list_users(session=session):
            table.add_row(
                u.login, u.name, "yes" if u.is_admin else "", u.language or "", str(u.active)
            )
    console.print(table)


@app.command("grant")
def grant(
    login: Login,
    alliance: Annotated[str, typer.Argument(help="Alliance id or slug.")],
    role: Annotated[str, typer.Argument(help=" | ".join(r.value for r in AllianceRole))],
) -> None:
    """Give a user a role on an alliance (replaces the role they had there)."""
    with _use_case() as session:
        services.grant_role(session=session, login=login, alliance_ref=alliance, role=role)
    console.print(f"'{login}' is now {role} of '{alliance}'.")


@app.command("revoke")
def revoke(
    login: Login, alliance: Annotated[str, typer.Argument(help="Alliance id or slug.")]
) -> None:
    """Remove a user's role on an alliance."""
    with _use_case() as session:
        services.revoke_role(session=session, login=login, alliance_ref=alliance)
    console.print(f"'{login}' no longer has a role on '{alliance}'.")


@app.command("link")
def link(
    login: Login,
    alliance: Annotated[str, typer.Argument(help="Alliance id or slug.")],
    member: Annotated[
        str | None, typer.Argument(help="Member id or exact name; leave out to unlink.")
    ] = None,
) -> None:
    """Say which member of the alliance an account speaks for (what they sign, which actions
    are theirs)."""
    with _use_case() as session:
        found = membership.link_member(
            session=session, login=login, alliance_ref=alliance, member_ref=member
        )
        name = found.name if found else None
    if name:
        console.print(f"'{login}' speaks for {name} in '{alliance}'.")
    else:
        console.print(f"'{login}' is no longer linked to a member of '{alliance}'.")


@app.command("password")
def password(login: Login, new: Annotated[str | None, typer.Option("--password")] = None) -> None:
    """Set a user's password (ends their browser sessions)."""
    with _use_case() as session:
        services.set_password(session=session, login=login, password=_password(new))
    console.print(f"Password of '{login}' changed.")


@app.command("token")
def token(
    login: Login,
    name: Annotated[str, typer.Option(help="What the token is for.")] = "script",
    # services.TOKEN_DAYS; written out so that --help does not load the services
    days: Annotated[int, typer.Option(help="How many days it stays valid (1-366).")] = 90,
) -> None:
    """Issue a personal API token (shown once; only its hash is stored)."""
    with _use_case() as session:
        user = services.get_user(session=session, login=login)
        secret = services.issue_token(session=session, user_id=user.id, name=name, days=days)
    console.print(
        f"Token for '{login}' ({name}), valid {days} days; keep it secret, it is not shown again:"
    )
    typer.echo(secret)


@app.command("tokens")
def tokens(login: Login) -> None:
    """A user's API tokens: when made, when they expire, when last used."""
    with _use_case() as session:
        user = services.get_user(session=session, login=login)
        rows = services.list_tokens(session=session, user_id=user.id)
        table = Table(title=f"API tokens of '{login}'")
        for column in ("id", "name", "created", "expires", "last used"):
            table.add_column(column)
        for r in rows:
            table.add_row(
                str(r.id),
                r.name,
                r.created_at.strftime("%Y-%m-%d"),
                r.expires_at.strftime("%Y-%m-%d") if r.expires_at else "never",
                r.last_used_at.strftime("%Y-%m-%d %H:%M") if r.last_used_at else "never",
            )
    console.print(table if rows else f"'{login}' has no API token.")


@app.command("revoke-token")
def revoke_token(login: Login, token_id: Annotated[int, typer.Argument(min=1)]) -> None:
    """Revoke one of a user's API tokens at once (ids from `user tokens LOGIN`)."""
    with _use_case() as session:
        user = services.get_user(session=session, login=login)
        row = services.revoke_token(session=session, user_id=user.id, token_id=token_id)
        name = row.name
    console.print(f"Token {token_id} ('{name}') of '{login}' revoked.")
