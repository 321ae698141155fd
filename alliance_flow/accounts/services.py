"""Account use cases: users, roles, passwords, sessions and tokens; callers own the transaction."""

from __future__ import annotations

import hashlib
import math
import secrets
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import Field
from sqlalchemy import bindparam, delete, func, or_, select
from sqlalchemy.orm import Session

from alliance_flow import models as m
from alliance_flow.accounts.errors import Forbidden, TooManyAttempts
from alliance_flow.accounts.models import (
    AllianceRole,
    ApiToken,
    LoginFailure,
    User,
    UserAllianceRole,
    WebSession,
)
from alliance_flow.accounts.policy import Viewer
from alliance_flow.errors import Conflict, FieldProblem, InvalidInput, NotFound
from alliance_flow.i18n import LANGUAGES, _
from alliance_flow.safety import MAX_ID
from alliance_flow.schemas import Input, validate
from alliance_flow.services import alliances as alliance_service

SESSION_LIFETIME = timedelta(hours=12)
#: Failed logins without delay, for one login from one client, and for one client in all; then
#: each further failure doubles the wait (see login_delay). Failures older than the window expire.
FREE_FAILURES_PER_LOGIN = 3
FREE_FAILURES_PER_CLIENT = 20
FAILURE_WINDOW = timedelta(minutes=15)
#: API tokens last 90 days unless asked otherwise, a year at most.
TOKEN_DAYS = 90
MAX_TOKEN_DAYS = 366
#: How precisely a token's last use is recorded: at most one write a minute.
TOKEN_USE_PRECISION = timedelta(minutes=1)

_hasher = PasswordHasher()
_dummy: tuple[PasswordHasher, str] | None = None


def _dummy_hash() -> str:
    """Verified when the login is unknown, so a wrong login takes as long as a wrong password.

    Made on the first unknown login, with the hasher then in use; hashing at import would
    cost every command and every web worker the time of one Argon2 hash.
    """
    global _dummy
    if _dummy is None or _dummy[0] is not _hasher:
        _dummy = (_hasher, _hasher.hash("not a real password"))
    return _dummy[1]


class UserIn(Input):
    login: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]{1,79}$")]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    password: Annotated[str, Field(min_length=10, max_length=200)]
    is_admin: bool = False
    language: Annotated[str | None, Field(pattern=r"^[a-z]{2}$")] = None


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _password_matches(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


# --- users and roles ---------------------------------------------------------------------------


def create_user(*, session: Session, user_in: dict[str, Any]) -> User:
    data = validate(UserIn, user_in).model_dump()
    if session.scalars(select(User.id).where(User.login == data["login"])).first():
        raise Conflict(_("the login “{login}” is already taken").format(login=data["login"]))
    password = data.pop("password")
    user = User(**data, password_hash=hash_password(password))
    session.add(user)
    session.flush()
    return user


def get_user(*, session: Session, login: str) -> User:
    user = session.scalars(select(User).where(User.login == login.strip().lower())).first()
    if user is None:
        raise NotFound(f"no user with login '{login}'")
    return user


def list_users(*, session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.login)))


def set_password(*, session: Session, login: str, password: str) -> User:
    user = get_user(session=session, login=login)
    if len(password) < 10:
        raise InvalidInput([FieldProblem("password", _("at least 10 characters"))])
    user.password_hash = hash_password(password)
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    return user


def set_language(*, session: Session, user_id: int, language: str | None) -> None:
    if language is not None and language not in LANGUAGES:
        raise InvalidInput(
            [
                FieldProblem(
                    "language",
                    _("use one of: {choices}, or leave it empty").format(
                        choices=", ".join(LANGUAGES)
                    ),
                )
            ]
        )
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("no such user")
    user.language = language


def grant_role(*, session: Session, login: str, alliance_ref: str | int, role: str) -> None:
    """Give a user a role on an alliance, replacing any role they had there."""
    if role not in set(AllianceRole):
        raise InvalidInput(
            [
                FieldProblem(
                    "role",
                    _("use one of: {choices}").format(
                        choices=", ".join(r.value for r in AllianceRole)
                    ),
                )
            ]
        )
    user = get_user(session=session, login=login)
    alliance = alliance_service.get_alliance(session=session, ref=alliance_ref)
    row = session.get(UserAllianceRole, (user.id, alliance.id))
    if row is None:
        session.add(UserAllianceRole(user_id=user.id, alliance_id=alliance.id, role=role))
    else:
        row.role = role
    session.flush()


def revoke_role(*, session: Session, login: str, alliance_ref: str | int) -> None:
    user = get_user(session=session, login=login)
    alliance = alliance_service.get_alliance(session=session, ref=alliance_ref)
    row = session.get(UserAllianceRole, (user.id, alliance.id))
    if row is None:
        raise NotFound(f"{login} has no role on '{alliance.slug}'")
    session.delete(row)


def roles_by_alliance(*, session: Session, alliance_id: int) -> list[tuple[User, str]]:
    rows = session.execute(
        select(User, UserAllianceRole.role)
        .join(UserAllianceRole, UserAllianceRole.user_id == User.id)
        .where(UserAllianceRole.alliance_id == alliance_id)
        .order_by(User.login)
    )
    return [(u, r) for u, r in rows]


def funder_candidates(*, session: Session, alliance_id: int) -> list[tuple[User, bool]]:
    """Accounts a coordinator may name as funders of the alliance, and whether each is one.

    Only funders' accounts (a funder somewhere, or no role yet) are offered: a coordinator must
    not see who coordinates or belongs to other alliances, and administrators and accounts with
    another role here would lose it by becoming funders.
    """
    other_roles = select(UserAllianceRole.user_id).where(
        UserAllianceRole.role != AllianceRole.FUNDER
    )
    funds_here = set(
        session.scalars(
            select(UserAllianceRole.user_id).where(
                UserAllianceRole.alliance_id == alliance_id,
                UserAllianceRole.role == AllianceRole.FUNDER,
            )
        )
    )
    users = session.scalars(
        select(User)
        .where(User.active.is_(True), User.is_admin.is_(False), User.id.not_in(other_roles))
        .order_by(User.name)
    )
    return [(u, u.id in funds_here) for u in users]


def set_funders(*, session: Session, alliance_id: int, logins: list[str]) -> None:
    """Make exactly these accounts the alliance's funders (read-only followers of its progress)."""
    offered = {
        u.login: (u, funds)
        for u, funds in funder_candidates(session=session, alliance_id=alliance_id)
    }
    unknown = [login for login in logins if login not in offered]
    if unknown:
        raise InvalidInput(
            [
                FieldProblem(
                    "funders", _("%(login)s cannot be made a funder here") % {"login": login}
                )
                for login in unknown
            ]
        )
    for login, (user, funds) in offered.items():
        row = session.get(UserAllianceRole, (user.id, alliance_id))
        if login in logins and not funds:
            session.add(
                UserAllianceRole(user_id=user.id, alliance_id=alliance_id, role=AllianceRole.FUNDER)
            )
        elif login not in logins and funds and row is not None:
            session.delete(row)
    session.flush()


def viewer_of(*, session: Session, user: User) -> Viewer:
    rows = session.execute(
        select(
            UserAllianceRole.alliance_id, UserAllianceRole.role, UserAllianceRole.member_id
        ).where(UserAllianceRole.user_id == user.id)
    ).all()
    roles = {alliance_id: role for alliance_id, role, _member in rows}
    members = {alliance_id: member for alliance_id, _role, member in rows if member is not None}
    return Viewer(user.id, user.login, user.name, user.is_admin, user.language, roles, members)


# --- alliances as seen by a user -----------------------------------------------------------------


def visible_alliances(
    *, session: Session, viewer: Viewer, country: str | None = None, stage: str | None = None
) -> list[m.Alliance]:
    return [
        a
        for a in alliance_service.list_alliances(session=session, country=country, stage=stage)
        if viewer.sees(a.id)
    ]


def create_alliance_as(
    *, session: Session, viewer: Viewer, alliance_in: dict[str, Any]
) -> m.Alliance:
    """A coordinator (or admin) creates an alliance and becomes its coordinator."""
    if not viewer.may_create_alliance:
        raise Forbidden("only coordinators and administrators create alliances")
    alliance = alliance_service.create_alliance(
        session=session, alliance_in=alliance_in, actor=viewer.author
    )
    session.add(
        UserAllianceRole(
            user_id=viewer.user_id, alliance_id=alliance.id, role=AllianceRole.COORDINATOR
        )
    )
    session.flush()
    return alliance


# --- login, sessions and tokens --------------------------------------------------------------


def authenticate(
    *, session: Session, login: str, password: str, client: str, now: datetime
) -> User | None:
    """Check a password; None (failure recorded) when wrong, so the caller's commit keeps it.

    Failures slow down the next attempt of the same login from the same client, more after each
    one (and a client guessing many logins alike); nobody elsewhere is locked out, so no one can
    lock another person's account, the administrator's included.
    """
    login = login.strip().lower()[:80]
    client = client[:64]
    since = now - FAILURE_WINDOW
    pair = session.execute(
        select(func.count(), func.max(LoginFailure.at)).where(
            LoginFailure.login == login, LoginFailure.client == client, LoginFailure.at >= since
        )
    ).one()
    spread = session.execute(
        select(func.count(), func.max(LoginFailure.at)).where(
            LoginFailure.client == client, LoginFailure.at >= since
        )
    ).one()
    wait = max(
        _still_to_wait(pair[0], pair[1], FREE_FAILURES_PER_LOGIN, now),
        _still_to_wait(spread[0], spread[1], FREE_FAILURES_PER_CLIENT, now),
    )
    if wait > timedelta(0):
        raise TooManyAttempts(
            "too many failed logins; wait a few minutes", max(1, math.ceil(wait.total_seconds()))
        )
    user = session.scalars(select(User).where(User.login == login)).first()
    if user is None:
        _password_matches(_dummy_hash(), password)
    if user is None or not user.active or not _password_matches(user.password_hash, password):
        session.add(LoginFailure(login=login, client=client, at=now))
        return None
    session.execute(
        delete(LoginFailure).where(
            or_(
                (LoginFailure.login == login) & (LoginFailure.client == client),
                LoginFailure.at < since,
            )
        )
    )
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def login_delay(failures: int, free: int) -> timedelta:
    """How long to wait after `failures` recent failures: 2 s, 4 s, 8 s... up to the window."""
    if failures < free:
        return timedelta(0)
    return min(FAILURE_WINDOW, timedelta(seconds=2 ** min(failures - free + 1, 20)))


def _still_to_wait(failures: int, last: datetime | None, free: int, now: datetime) -> timedelta:
    if last is None:
        return timedelta(0)
    if last.tzinfo is None:
        last = last.replace(tzinfo=UTC)
    return last + login_delay(failures, free) - now


def start_session(*, session: Session, user: User, now: datetime) -> tuple[str, str]:
    """Open a browser session: returns the cookie secret and the CSRF token of its forms."""
    secret = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            token_hash=_digest(secret),
            user_id=user.id,
            csrf_token=csrf,
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
        )
    )
    session.execute(delete(WebSession).where(WebSession.expires_at < now))
    return secret, csrf


#: Built once, not per request: every page asks it first (session_viewer).
_SESSION_VIEWER = (
    select(
        WebSession.expires_at,
        WebSession.csrf_token,
        User.id,
        User.login,
        User.name,
        User.is_admin,
        User.language,
        User.active,
        UserAllianceRole.alliance_id,
        UserAllianceRole.role,
        UserAllianceRole.member_id,
    )
    .join(User, User.id == WebSession.user_id)
    .outerjoin(UserAllianceRole, UserAllianceRole.user_id == User.id)
    .where(WebSession.token_hash == bindparam("token_hash"))
)


def session_viewer(*, session: Session, secret: str, now: datetime) -> tuple[Viewer, str] | None:
    """The viewer and CSRF token of a live browser session, or None.

    One statement (the session, its user and their roles joined): every page asks this first.
    """
    rows = session.execute(_SESSION_VIEWER, {"token_hash": _digest(secret)}).all()
    if not rows:
        return None
    expires_at, csrf, user_id, login, name, is_admin, language, active = rows[0][:8]
    if expires_at <= now or not active:
        return None
    roles = {r.alliance_id: r.role for r in rows if r.alliance_id is not None}
    members = {r.alliance_id: r.member_id for r in rows if r.member_id is not None}
    return Viewer(user_id, login, name, is_admin, language, roles, members), csrf


def end_session(*, session: Session, secret: str) -> None:
    session.execute(delete(WebSession).where(WebSession.token_hash == _digest(secret)))


def issue_token(
    *,
    session: Session,
    user_id: int,
    name: str,
    days: int = TOKEN_DAYS,
    now: datetime | None = None,
) -> str:
    """A new personal API token valid `days` days; the secret is shown once, only its hash kept."""
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidInput([FieldProblem("name", _("give the token a name (1-100 characters)"))])
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise InvalidInput(
            [FieldProblem("days", _("between 1 and {days} days").format(days=MAX_TOKEN_DAYS))]
        )
    secret = "af_" + secrets.token_urlsafe(32)
    created = now or datetime.now(UTC)
    session.add(
        ApiToken(
            user_id=user_id,
            name=name,
            token_hash=_digest(secret),
            created_at=created,
            expires_at=created + timedelta(days=days),
        )
    )
    session.flush()
    return secret


def list_tokens(*, session: Session, user_id: int) -> list[ApiToken]:
    return list(
        session.scalars(select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id))
    )


def revoke_token(*, session: Session, user_id: int, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens (404 for anyone else's: it does not say it exists)."""
    row = session.get(ApiToken, token_id) if 0 < token_id <= MAX_ID else None
    if row is None or row.user_id != user_id:
        raise NotFound(f"no token {token_id}")
    session.delete(row)
    session.flush()
    return row


def token_viewer(*, session: Session, secret: str, now: datetime) -> Viewer | None:
    """Who a bearer token speaks for; None when unknown, revoked or expired."""
    row = session.scalars(select(ApiToken).where(ApiToken.token_hash == _digest(secret))).first()
    if row is None or (row.expires_at is not None and row.expires_at <= now):
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    if row.last_used_at is None or now - row.last_used_at >= TOKEN_USE_PRECISION:
        row.last_used_at = now  # at most one write a minute, however busy the script
    return viewer_of(session=session, user=user)
