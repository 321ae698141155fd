"""Stage 5 in the browser, what the walk from analysis to closed (test_alliance_to_closed.py)
does not check: the dissemination page, its checklist and the public profile pass axe and fit a
phone."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from playwright.sync_api import Browser

from alliance_flow.db import Database
from alliance_flow.services import alliances as alliance_service
from alliance_flow.services import items as item_service
from tests.e2e.conftest import log_in
from tests.e2e.walks import MEMBERS, seeded_alliance

pytestmark = pytest.mark.e2e


def _alliance_in_dissemination(db: Database, slug: str, language: str, today: date) -> None:
    """An alliance that passed planning: a vision, an action, two members of an NGO (with
    e-mail and phone) and a coordinator."""
    with seeded_alliance(
        db,
        slug,
        "dissemination",
        today,
        name=f"Alliance Bordeaux {language}",
        region="Bordeaux Métropole",
        language=language,
        vision="Chaque famille arrivée dans la métropole trouve un médiateur.",
    ) as seed:
        cs = seed.add(
            "organisation",
            name="Centre social de Bègles",
            group="ngo",
            email="accueil@cs-begles.example",
            phone="05 56 00 11 22",
        )
        for name, email, phone in MEMBERS[:2]:
            seed.add(
                "member",
                name=name,
                organisation_id=cs.id,
                email=email,
                phone=phone,
                joined_on="2026-01-10",
            )
        seed.add(
            "action",
            action="Permanence de médiation à Lormont",
            objective="Recevoir 50 familles en 2026",
            starts_on="2026-04-01",
            ends_on="2026-12-31",
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
