"""Stage 5 in the browser, what the walk from analysis to closed (test_alliance_to_closed.py)
does not check: the dissemination page, its checklist and the public profile pass axe and fit a
phone."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from argon2 import PasswordHasher
from playwright.sync_api import Browser

from alliance_flow import models as m
from alliance_flow.accounts import services as accounts
from alliance_flow.accounts.demo import DEMO_PASSWORD
from alliance_flow.db import Database
from alliance_flow.services import alliances as alliance_service
from alliance_flow.services import items as item_service
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e


def _alliance_in_dissemination(db: Database, slug: str, language: str, today: date) -> None:
    """An alliance that passed planning: a vision, an action, two members of an NGO (with
    e-mail and phone) and a coordinator."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(
            accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
        )
        with db.transaction() as session:
            a = alliance_service.create_alliance(
                session=session,
                alliance_in={
                    "name": f"Alliance Bordeaux {language}",
                    "country": "FR",
                    "slug": slug,
                    "region": "Bordeaux Métropole",
                    "timezone": "Europe/Paris",
                    "language": language,
                    "vision": "Chaque famille arrivée dans la métropole trouve un médiateur.",
                },
                actor="test",
            )
            with m.stage_change():
                a.stage = "dissemination"
            session.flush()

            def add(kind: str, /, **values: Any) -> Any:
                return item_service.add_item(
                    session=session, alliance=a, kind=kind, item_in=values, today=today
                )

            cs = add(
                "organisation",
                name="Centre social de Bègles",
                group="ngo",
                email="accueil@cs-begles.example",
                phone="05 56 00 11 22",
            )
            for name, email, phone in (
                ("Ana Costa", "ana.costa@cs-begles.example", "+33 6 12 34 56 78"),
                ("Bo Lindqvist", "bo@cs-begles.example", "06 98 76 54 32"),
            ):
                add(
                    "member",
                    name=name,
                    organisation_id=cs.id,
                    email=email,
                    phone=phone,
                    joined_on="2026-01-10",
                )
            add(
                "action",
                action="Permanence de médiation à Lormont",
                objective="Recevoir 50 familles en 2026",
                starts_on="2026-04-01",
                ends_on="2026-12-31",
            )
            accounts.create_user(
                session=session,
                user_in={
                    "login": f"coord-{slug}",
                    "name": "Claire Coordinatrice",
                    "password": DEMO_PASSWORD,
                },
            )
            accounts.grant_role(
                session=session, login=f"coord-{slug}", alliance_ref=slug, role="coordinator"
            )


def test_dissemination_and_public_pages_pass_axe_and_fit_a_phone(
    browser: Browser, browser_context_args: dict[str, Any], demo_db: Database
) -> None:
    from tests.e2e.test_accessibility import serious_violations

    slug = "diffusion-axe"
    _alliance_in_dissemination(demo_db, slug, "fr", date.today())
    with demo_db.transaction() as session:
        from alliance_flow.services import dissemination

        a = alliance_service.get_alliance(session=session, ref=slug)
        add = item_service.add_item
        add(session=session, alliance=a, kind="communication", today=date.today(),
            item_in={"audience": "policy_makers", "message": "Des résultats par quartier",
                     "delivery": "Présentation annuelle", "frequency": "Chaque année"})  # fmt: skip
        add(session=session, alliance=a, kind="publication", today=date.today(),
            item_in={"kind": "press", "title": "Sud Ouest", "published_on": "2026-02-01",
                     "url": "https://press.example/a"})  # fmt: skip
        dissemination.save_profile(
            session=session,
            alliance=a,
            introduction="Une alliance de la métropole bordelaise.",
            parts=list(dissemination.PROFILE_PARTS),
            action="publish",
            today=date.today(),
            base_url="http://127.0.0.1:8000",
        )
    found: dict[str, list[str]] = {}
    # axe is injected as a script: the page's Content-Security-Policy would refuse it
    ctx = browser.new_context(
        **browser_context_args, viewport={"width": 375, "height": 800}, bypass_csp=True
    )
    page = ctx.new_page()
    page.goto(f"/public/{slug}")
    found["public"] = serious_violations(page)
    log_in(page, f"coord-{slug}")
    for path in (f"/alliances/{slug}/dissemination", f"/alliances/{slug}/stages/dissemination"):
        page.goto(path)
        found[path] = serious_violations(page)
    for path, problems in found.items():
        page.goto(path if path != "public" else f"/public/{slug}")
        if page.evaluate("document.documentElement.scrollWidth > window.innerWidth"):
            problems.append("scrolls sideways at 375 px")
    ctx.close()
    problems = {path: v for path, v in found.items() if v}
    assert not problems, "\n".join(f"{p}:\n  " + "\n  ".join(v) for p, v in problems.items())
