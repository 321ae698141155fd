"""Stages 3 and 4 in the browser alone, in English and in French: a coordinator records the
analysis (profiles, research, consultations, gaps, the map), advances, writes the vision and
SMART actions, publishes the charter; every member logs in and signs it; a second version is
published and signed again; the research and the plan are published and the alliance advances.
And the map: an organisation is placed by clicking on the map, then exported and read back."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import geojson
import pytest
from argon2 import PasswordHasher
from playwright.sync_api import Browser, Page, expect

from alliance_flow import models as m
from alliance_flow.accounts import membership
from alliance_flow.accounts import services as accounts
from alliance_flow.accounts.demo import DEMO_PASSWORD
from alliance_flow.db import Database
from alliance_flow.services import alliances as alliance_service
from alliance_flow.services import items as item_service
from alliance_flow.web.i18n import Translator
from alliance_flow.web.settings import get_web_settings
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e

MEMBERS = ["Ana Costa", "Bo Lindqvist", "Chloé Martin"]


@pytest.fixture(scope="module", autouse=True)
def unreachable_tiles() -> Iterator[None]:
    """Tests run offline: point the map at a closed port so the failure is immediate."""
    before = os.environ.get("ALLIANCE_FLOW_WEB_MAP_TILES")
    os.environ["ALLIANCE_FLOW_WEB_MAP_TILES"] = "http://127.0.0.1:9/{z}/{x}/{y}.png"
    get_web_settings.cache_clear()
    yield
    if before is None:
        os.environ.pop("ALLIANCE_FLOW_WEB_MAP_TILES", None)
    else:
        os.environ["ALLIANCE_FLOW_WEB_MAP_TILES"] = before
    get_web_settings.cache_clear()


def _alliance_in_analysis(db: Database, slug: str, today: date) -> dict[str, str]:
    """An alliance that passed launch: two organisations (one not on the map yet), three
    members each with an account, and a coordinator. Returns login -> member name."""
    logins = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(
            accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
        )
        with db.transaction() as session:
            a = alliance_service.create_alliance(
                session=session,
                alliance_in={
                    "name": f"Alliance {slug}",
                    "country": "FR",
                    "slug": slug,
                    "timezone": "Europe/Paris",
                    "language": "fr",
                },
                actor="test",
            )
            with m.stage_change():
                a.stage = "analysis"
            session.flush()

            def add(kind: str, /, **values: Any) -> Any:
                return item_service.add_item(
                    session=session, alliance=a, kind=kind, item_in=values, today=today
                )

            cs = add(
                "organisation",
                name="Centre social de Bègles",
                group="ngo",
                sectors="social_action",
                latitude="44.8086",
                longitude="-0.5480",
            )
            add("organisation", name="Mairie de Lormont", group="public_authority")
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
            for i, name in enumerate(MEMBERS):
                member = add("member", name=name, organisation_id=cs.id, joined_on="2026-01-10")
                login = f"m{i}-{slug}"
                accounts.create_user(
                    session=session,
                    user_in={"login": login, "name": name, "password": DEMO_PASSWORD},
                )
                accounts.grant_role(session=session, login=login, alliance_ref=slug, role="member")
                membership.link_member(
                    session=session, login=login, alliance_ref=slug, member_ref=member.id
                )
                logins[login] = name
    return logins


@pytest.fixture(params=["en", "fr"])
def language(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _context(browser: Browser, browser_context_args: dict[str, Any], language: str) -> Any:
    return browser.new_context(
        **browser_context_args,
        locale="fr-FR" if language == "fr" else "en-GB",
        extra_http_headers={"Accept-Language": f"{language};q=1.0"},
    )


class Shots:
    def __init__(self, artifacts: Path, prefix: str) -> None:
        self.artifacts, self.prefix, self.n = artifacts, prefix, 0

    def __call__(self, page: Page, what: str) -> None:
        self.n += 1
        page.screenshot(
            path=self.artifacts / f"{self.prefix}-{self.n:02d}-{what}.png", full_page=True
        )


def _open(page: Page, details: str) -> None:
    """Opens a folded form (forms of empty tables are open already)."""
    if page.locator(details).get_attribute("open") is None:
        page.click(f"{details} summary")


def _add_row(page: Page, key: str, values: dict[str, str]) -> None:
    _open(page, f"#add-{key}")
    for name, value in values.items():
        field = page.locator(f"#{key}-{name.replace('_', '-')}")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    page.click(f"#add-{key} button[type=submit]")
    expect(page.locator(f"#{key} table")).to_contain_text(next(iter(values.values()))[:20])


def _advance(page: Page, slug: str, tr: Translator, stage: str) -> None:
    page.goto(f"/alliances/{slug}")
    page.click(f"form[action='/alliances/{slug}/advance'] button[type=submit]")
    expect(page.locator("#stage")).to_have_attribute("data-stage", stage)


def test_analysis_and_planning_in_the_browser(
    browser: Browser,
    browser_context_args: dict[str, Any],
    demo_db: Database,
    language: str,
    artifacts: Path,
) -> None:
    slug = f"walk-{language}"
    logins = _alliance_in_analysis(demo_db, slug, date.today())
    tr = Translator(language)
    shot = Shots(artifacts, f"analysis-planning-{language}")
    coordinator = _context(browser, browser_context_args, language)
    page = coordinator.new_page()
    log_in(page, f"coord-{slug}")

    # --- stage 3: the four tables of the analysis
    page.goto(f"/alliances/{slug}/analysis")
    expect(page.locator("h1")).to_have_text(tr.gettext("Analyse the current situation"))
    _add_row(
        page,
        "profiles",
        {
            "programme": "Médiation sociale et culturelle 33",
            "objectives": "Accompagner les familles primo-arrivantes vers les services",
            "initiators": "Département de la Gironde",
            "kind": "Permanences",
            "cost": "Gratuit",
            "availability_limits": "Deux demi-journées par semaine",
            "obstacles": "Pas d'interprètes en dari",
        },
    )
    _add_row(
        page,
        "research",
        {
            "title": "Rapport sur l'accueil des demandeurs d'asile en Gironde",
            "kind": "government_report",
            "url": "https://example.org/rapport",
        },
    )
    _add_row(
        page,
        "consultations",
        {
            "interviewee": "Service asile de la préfecture",
            "organisation": "Préfecture",
            "held_on": "12/02/2026",
            "notes": "Les délais de rendez-vous dépassent deux mois",
        },
    )
    # a refused row keeps what was typed
    _open(page, "#add-gaps")
    page.fill("#gaps-source", "Atelier du 20 février")
    page.click("#add-gaps button[type=submit]")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.locator("#gaps-source")).to_have_value("Atelier du 20 février")
    shot(page, "gap-refused")
    page.fill("#gaps-description", "Pas d'interprétariat pour les visites de santé")
    page.click("#add-gaps button[type=submit]")
    expect(page.locator("#gaps table")).to_contain_text("interprétariat")
    shot(page, "analysis-tables")

    # --- the map: the organisation still without a place is named, its coordinates typed
    page.goto(f"/alliances/{slug}")
    mapped = page.locator("[data-code='analysis.organisations_mapped']")
    expect(mapped).to_contain_text("Mairie de Lormont")
    mapped.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(rf".*/alliances/{slug}/map(#.*)?$"))
    expect(page.locator("#map-status")).to_be_visible()  # says why the map is blank
    form = page.locator("form.af-place__form", has_text="Mairie de Lormont")
    form.locator("input[name=latitude]").fill("44,8790")
    form.locator("input[name=longitude]").fill("-0,5217")
    form.locator("button[type=submit]").click()
    expect(page.locator("#all-mapped")).to_be_visible()
    shot(page, "map")

    _advance(page, slug, tr, "planning")
    shot(page, "advanced-to-planning")

    # --- stage 4: the vision
    page.goto(f"/alliances/{slug}/planning")
    page.fill("#vision-vision", "Chaque personne arrivée dans la métropole trouve un médiateur.")
    page.fill("#vision-vision-agreed-on", date.today().strftime("%d/%m/%Y"))
    page.click("form[action$='/planning/vision'] button[type=submit]")
    expect(page.locator("#vision blockquote")).to_contain_text("trouve un médiateur")

    # --- SMART actions: one incomplete, then completed
    page.goto(f"/alliances/{slug}/actions")
    page.locator("#new-action input[name=action]").fill("Permanence de médiation à Lormont")
    page.locator("#new-action textarea[name=objective]").fill("Recevoir 50 familles en 2026")
    page.locator("#new-action button[type=submit]").click()
    row = page.locator("#action-plan tbody tr", has_text="Permanence de médiation")
    expect(row).to_contain_text(tr.gettext("no indicator"))
    expect(row).to_contain_text(tr.gettext("no end date"))
    shot(page, "action-incomplete")
    row.get_by_role("link").first.click()
    edit = page.locator("#edit-form")
    owner = edit.locator("select[name=owner_member_id]")
    owner.select_option(label=f"{MEMBERS[0]} (Centre social de Bègles)")
    values = {
        "local_problem": "Pas de lieu où demander de l'aide le soir",
        "collaborators": "Mairie de Lormont, CAF",
        "starts_on": "01/04/2026",
        "ends_on": "31/12/2026",
        "estimated_budget": "1 200,50" if language == "fr" else "1,200.50",
        "resources": "Une salle prêtée par la mairie",
        "obstacles": "Horaires des bénévoles",
        "obstacle_plan": "Deux équipes en alternance",
        "indicator": "Nombre de familles reçues chaque mois",
    }
    for name, value in values.items():
        edit.locator(f"[name={name}]").fill(value)
    edit.locator("form button[type=submit]").first.click()
    row = page.locator("#action-plan tbody tr", has_text="Permanence de médiation")
    expect(row).to_contain_text("7/7")
    shot(page, "action-smart")

    # --- the charter, v1, then every member signs it
    page.goto(f"/alliances/{slug}/charter")
    page.fill("#write-text", "Nous participons aux réunions et partageons l'information.")
    page.click("#write button[type=submit]")
    expect(page.locator("#signatures")).to_contain_text(tr.gettext("Not signed yet"))
    shot(page, "charter-v1")

    def everyone_signs(version: int) -> None:
        for login in logins:
            ctx = _context(browser, browser_context_args, language)
            member = ctx.new_page()
            log_in(member, login)
            member.goto(f"/alliances/{slug}/charter")
            expect(member.locator("#charter-text")).to_be_visible()
            member.check("#sign-agree")
            member.click("#sign button[type=submit]")
            expect(member.locator("#signed")).to_be_visible()
            if login.startswith("m0"):
                shot(member, f"member-signed-v{version}")
            ctx.close()

    everyone_signs(1)
    page.goto(f"/alliances/{slug}/charter")
    expect(page.locator("#signatures")).not_to_contain_text(tr.gettext("Not signed yet"))

    # --- v2: everyone is asked again
    page.fill(
        "#write-text",
        "Nous participons aux réunions, partageons l'information "
        "et déclarons tout conflit d'intérêts.",
    )
    page.click("#write button[type=submit]")
    current = page.locator("#signatures")
    expect(current).to_contain_text(tr.gettext("Not signed yet"))
    shot(page, "charter-v2-published")
    everyone_signs(2)
    page.goto(f"/alliances/{slug}/charter")
    shot(page, "charter-v2-signed")

    # --- the owner reports on their action (the page the reminders link to)
    owner_ctx = _context(browser, browser_context_args, language)
    owner_page = owner_ctx.new_page()
    log_in(owner_page, next(iter(logins)))
    owner_page.goto(f"/alliances/{slug}/actions")
    own = owner_page.locator("form.af-own")
    own.locator("select[name=status]").select_option("done")
    own.locator("input[name=completed_on]").fill(date.today().strftime("%d/%m/%Y"))
    own.locator("button[type=submit]").click()
    expect(owner_page.locator("#action-plan")).to_contain_text(tr.gettext("Done"))
    shot(owner_page, "owner-marked-done")
    owner_ctx.close()

    # --- publish the research and the signed plan, then advance
    for kind, title in (("research", "Synthèse de l'analyse"), ("action_plan", "Plan signé")):
        page.goto(f"/alliances/{slug}/planning")
        _open(page, "#record-publication")
        page.check(f"#publish input[name=kind][value={kind}]")
        page.fill("#publish-title", title)
        page.click("#publish form button[type=submit]")
        expect(page.locator("#publish")).to_contain_text(title)
    shot(page, "planning")
    _advance(page, slug, tr, "dissemination")
    shot(page, "advanced-to-dissemination")
    coordinator.close()


def test_an_organisation_is_placed_on_the_map_and_exported(
    browser: Browser,
    browser_context_args: dict[str, Any],
    demo_db: Database,
    artifacts: Path,
    tmp_path: Path,
) -> None:
    slug = "map-walk"
    _alliance_in_analysis(demo_db, slug, date.today())
    ctx = _context(browser, browser_context_args, "en")
    page = ctx.new_page()
    log_in(page, f"coord-{slug}")
    page.goto(f"/alliances/{slug}/map")
    # offline: the map is there, blank, and says why; the organisation without a place is named
    expect(page.locator("#map.leaflet-container")).to_be_visible()
    expect(page.locator("#map-status")).to_contain_text("could not be loaded")
    expect(page.locator("#unmapped")).to_contain_text("Mairie de Lormont")
    expect(page.locator("#map .leaflet-marker-icon")).to_have_count(1)

    form = page.locator("form.af-place__form", has_text="Mairie de Lormont")
    form.locator("button.af-pick").click()
    box = page.locator("#map").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] * 0.7, box["y"] + box["height"] * 0.3)
    lat = form.locator("input[name=latitude]").input_value()
    lng = form.locator("input[name=longitude]").input_value()
    assert lat and lng, "clicking the map fills the coordinates"
    page.screenshot(path=artifacts / "map-picked.png", full_page=True)
    form.locator("button[type=submit]").click()
    expect(page.locator("#all-mapped")).to_be_visible()
    expect(page.locator("#map .leaflet-marker-icon")).to_have_count(2)
    page.screenshot(path=artifacts / "map-placed.png", full_page=True)

    with page.expect_download() as info:
        page.click(f"a[href='/alliances/{slug}/map.geojson']")
    path = tmp_path / "map.geojson"
    info.value.save_as(path)
    collection = geojson.loads(path.read_text())
    assert collection.is_valid
    placed = {f["properties"]["name"]: f["geometry"]["coordinates"] for f in collection["features"]}
    assert set(placed) == {"Centre social de Bègles", "Mairie de Lormont"}
    lon, la = placed["Mairie de Lormont"]
    assert (round(la, 5), round(lon, 5)) == (round(float(lat), 5), round(float(lng), 5))

    with page.expect_download() as info:
        page.click(f"a[href='/alliances/{slug}/map.kml']")
    kml_path = tmp_path / "map.kml"
    info.value.save_as(kml_path)
    from fastkml import kml

    names = {p.name for p in kml.KML.from_string(kml_path.read_bytes()).features[0].features}
    assert names == {"Centre social de Bègles", "Mairie de Lormont"}
    assert json.loads(path.read_text())["name"] == f"Alliance {slug}"
    ctx.close()


def test_analysis_and_planning_pages_pass_axe_and_fit_a_phone(
    browser: Browser, browser_context_args: dict[str, Any], demo_db: Database
) -> None:
    from tests.e2e.test_accessibility import serious_violations

    slug = "axe-walk"
    logins = _alliance_in_analysis(demo_db, slug, date.today())
    pages = ("analysis", "map", "planning", "actions", "charter")
    found: dict[str, list[str]] = {}
    for login in (f"coord-{slug}", next(iter(logins))):
        # axe is injected as a script: the page's Content-Security-Policy would refuse it
        ctx = browser.new_context(
            **browser_context_args, viewport={"width": 375, "height": 800}, bypass_csp=True
        )
        page = ctx.new_page()
        log_in(page, login)
        for name in pages:
            page.goto(f"/alliances/{slug}/{name}")
            found[f"{login} {name}"] = serious_violations(page)
            wide = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
            if wide:
                found[f"{login} {name}"].append("scrolls sideways at 375 px")
        ctx.close()
    problems = {path: v for path, v in found.items() if v}
    assert not problems, "\n".join(f"{p}:\n  " + "\n  ".join(v) for p, v in problems.items())
