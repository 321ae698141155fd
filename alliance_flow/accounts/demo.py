"""Demo accounts, one per role, so a newcomer can log in to the demo alliances."""

from __future__ import annotations

from alliance_flow.accounts import services
from alliance_flow.accounts.models import AllianceRole
from alliance_flow.db import Database
from alliance_flow.errors import NotFound

#: Demo passwords are public by design: the demo database is for trying the product out.
DEMO_PASSWORD = "demo-password"


def create_demo_accounts(db: Database, slugs: list[str]) -> list[tuple[str, str, str, str]]:
    """Create (or reset) admin, coordinator, member and funder accounts on the demo alliances.

    Returns (login, password, role, alliance) rows to print; alliance is "*" for the admin.
    """
    wanted = [
        ("admin", "Demo Administrator", "admin", "*"),
        *(
            (f"{role}-{slug}", f"Demo {role.value} {slug}", role.value, slug)
            for slug in slugs
            for role in AllianceRole
        ),
    ]
    out = []
    with db.transaction() as session:
        for login, name, role, slug in wanted:
            try:
                services.set_password(session=session, login=login, password=DEMO_PASSWORD)
            except NotFound:
                services.create_user(
                    session=session,
                    user_in={
                        "login": login,
                        "name": name,
                        "password": DEMO_PASSWORD,
                        "is_admin": role == "admin",
                    },
                )
            if slug != "*":
                services.grant_role(session=session, login=login, alliance_ref=slug, role=role)
            out.append((login, DEMO_PASSWORD, role, slug))
    return out
