"""Stage 5 in the browser alone, in English and in French: from the stage's checklist the
coordinator follows each "fix it here" link, writes the communication plan for every group,
names the communications officer, records a publication, publishes the public profile, reads
it as an anonymous visitor (no contact details in it) and advances to sustainability."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from playwright.sync_api import Browser, Page, expect

from alliance_flow import models as m
from alliance_flow.accounts import services as accounts
from alliance_flow.accounts.demo import DEMO_PASSWORD
from alliance_flow.db import Database
from alliance_flow.services import alliances as alliance_service
from alliance_flow.services import items as item_service
from alliance_flow.web.i18n import Translator
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
PHONE = re.compile(r"\+?\(?\d[\d\s().-]{6,}\d")


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


@pytest.fixture(params=["en", "fr"])
def language(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _context(browser: Browser, browser_context_args: dict[str, Any], language: str) -> Any:
    return browser.new_context(
        **browser_context_args,
        locale="fr-FR" if language == "fr" else "en-GB",
        extra_http_headers={"Accept-Language": f"{language};q=1.0"},
    )


def _fix(page: Page, slug: str, code: str) -> None:
    """From the stage's checklist, the check's "fix it here" link."""
    page.goto(f"/alliances/{slug}/stages/dissemination")
    page.locator(f"[data-code='dissemination.{code}'] a.af-fix").click()
    expect(page).to_have_url(re.compile(rf".*/alliances/{slug}/dissemination#.+$"))


def test_dissemination_in_the_browser(
    browser: Browser,
    browser_context_args: dict[str, Any],
    demo_db: Database,
    language: str,
    artifacts: Path,
) -> None:
    slug = f"diffusion-{language}"
    _alliance_in_dissemination(demo_db, slug, language, date.today())
    tr = Translator(language)
    n = iter(range(1, 100))

    def shot(p: Page, what: str) -> None:
        p.screenshot(
            path=artifacts / f"dissemination-{language}-{next(n):02d}-{what}.png", full_page=True
        )

    ctx = _context(browser, browser_context_args, language)
    page = ctx.new_page()
    log_in(page, f"coord-{slug}")
    page.goto(f"/alliances/{slug}/stages/dissemination")
    plan_check = page.locator("[data-code='dissemination.communication_plan']")
    expect(plan_check).to_contain_text(tr.gettext("policy makers"))
    expect(page.locator(".af-interim")).to_have_count(0)
    shot(page, "checklist")

    # --- the communication plan: the groups not reached yet are named; a refused row keeps
    # what was typed; one row per group
    _fix(page, slug, "communication_plan")
    expect(page.locator("#plan .govuk-warning-text")).to_contain_text(tr.gettext("NGOs"))
    page.select_option("#plan-audience", "")
    page.fill("#plan-message", "La médiation évite des coûts d'urgence")
    page.click("#add-plan-row button[type=submit]")
    expect(page.locator("#add-plan-row .govuk-error-summary")).to_be_visible()
    expect(page.locator("#plan-message")).to_have_value("La médiation évite des coûts d'urgence")
    shot(page, "plan-refused")
    rows = {
        "policy_makers": {
            "stakeholder": "Conseil départemental de la Gironde",
            "objectives": "Financer la formation des médiateurs",
            "message": "La médiation évite des coûts d'urgence",
            "delivery": "Présentation en commission des affaires sociales",
            "frequency": "Deux fois par an",
            "responsible": "La présidente",
        },
        "ngo": {
            "objectives": "Orienter les familles vers la permanence",
            "message": "Une permanence de médiation ouvre à Lormont",
            "delivery": "Lettre d'information, réunion inter-associations",
            "frequency": "Chaque mois",
            "responsible": "Chargé de communication",
        },
    }
    for audience, values in rows.items():
        if page.locator("#add-plan-row").get_attribute("open") is None:
            page.click("#add-plan-row summary")
        page.select_option("#plan-audience", audience)
        for name, value in values.items():
            page.fill(f"#plan-{name}", value)
        page.click("#add-plan-row button[type=submit]")
        expect(page.locator("#plan table")).to_contain_text(values["message"])
    expect(page.locator("#plan")).to_contain_text(tr.gettext("Every group is reached"))
    shot(page, "plan")

    # --- the communications officer, chosen on this page
    _fix(page, slug, "communications_officer")
    page.select_option("#officer-communications-officer", label="Ana Costa")
    page.click("#officer button[type=submit]")
    expect(page.locator("#officer")).to_contain_text("Ana Costa")

    # --- a publication with its link; a javascript: address is refused
    if page.locator("#add-publication").get_attribute("open") is None:
        page.click("#add-publication summary")
    page.select_option("#pub-kind", "press")
    page.fill("#pub-title", "Sud Ouest : des médiateurs à Bègles")
    page.fill("#pub-url", "javascript:alert(1)")
    page.fill("#pub-audience", "Familles de Bègles")
    page.click("#add-publication button[type=submit]")
    expect(page.locator("#pub-url-error")).to_be_visible()
    expect(page.locator("#pub-title")).to_have_value("Sud Ouest : des médiateurs à Bègles")
    page.fill("#pub-url", "https://www.sudouest.example/mediateurs-begles")
    page.click("#add-publication button[type=submit]")
    link = page.locator(
        "#publications table a[href='https://www.sudouest.example/mediateurs-begles']"
    )
    expect(link).to_have_text("Sud Ouest : des médiateurs à Bègles")
    shot(page, "publications")

    # --- the public profile: nothing before publishing, then only what was chosen
    anonymous = _context(browser, browser_context_args, "en")
    visitor = anonymous.new_page()
    assert visitor.goto(f"/public/{slug}").status == 404
    _fix(page, slug, "profile_published")
    page.fill(
        "#profile-introduction",
        "Des associations, des médiateurs et des services publics de la métropole bordelaise.",
    )
    for part in ("vision", "partners", "action_plan", "publications"):
        page.check(f"#profile input[name=parts][value={part}]")
    page.click("#profile button[value=publish]")
    expect(page.locator("#public-link")).to_be_visible()
    shot(page, "profile-published")

    answer = visitor.goto(f"/public/{slug}")
    assert answer is not None and answer.status == 200
    expect(visitor.locator("html")).to_have_attribute("lang", language)
    expect(visitor.locator("#vision")).to_contain_text("trouve un médiateur")
    expect(visitor.locator("#partners")).to_contain_text("Centre social de Bègles")
    expect(visitor.locator("#action-plan")).to_contain_text("Permanence de médiation à Lormont")
    expect(visitor.locator("#publications a")).to_have_attribute(
        "href", "https://www.sudouest.example/mediateurs-begles"
    )
    expect(visitor.locator("h2").first).to_have_text(tr.gettext("Our shared vision"))
    text = visitor.content()
    assert not EMAIL.search(text) and not PHONE.search(text)
    assert "Ana Costa" not in text and "Bo Lindqvist" not in text
    shot(visitor, "public-profile")
    anonymous.close()

    # --- every check passes: the alliance moves on
    page.goto(f"/alliances/{slug}")
    page.click(f"form[action='/alliances/{slug}/advance'] button[type=submit]")
    expect(page.locator("#stage")).to_have_attribute("data-stage", "sustainability")
    shot(page, "advanced-to-sustainability")
    ctx.close()


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
