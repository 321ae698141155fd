"""The stages of one alliance walked in the browser, as step functions: a coordinator (and each
member, for the charter) does with clicks and typing what the guide asks in stages 3 to 6.
tests/e2e/test_alliance_to_closed.py calls them in order on one alliance, so what a stage writes
(the vision, the action, the organisations) is what the next one reads back."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from dateutil.relativedelta import relativedelta
from playwright.sync_api import Browser, BrowserContext, Page, expect

from alliance_flow import models as m
from alliance_flow.accounts import membership
from alliance_flow.accounts import services as accounts
from alliance_flow.accounts.demo import DEMO_PASSWORD
from alliance_flow.db import Database
from alliance_flow.services import alliances as alliance_service
from alliance_flow.services import items as item_service
from alliance_flow.web.i18n import Translator
from tests.e2e.conftest import log_in
from tests.e2e.test_accessibility import serious_violations

#: The members, each with an account and with contact details the public profile must not show.
MEMBERS = [
    ("Ana Costa", "ana.costa@cs-begles.example", "+33 6 12 34 56 78"),
    ("Bo Lindqvist", "bo@cs-begles.example", "06 98 76 54 32"),
    ("Chloé Martin", "chloe.martin@cs-begles.example", "05 56 44 33 22"),
]
ORGANISATION = "Centre social de Bègles"
UNMAPPED = "Mairie de Lormont"
VISION = "Chaque personne arrivée dans la métropole trouve un médiateur."
ACTION = "Permanence de médiation à Lormont"
PUBLICATION = (
    "Sud Ouest : des médiateurs à Bègles",
    "https://www.sudouest.example/mediateurs-begles",
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
PHONE = re.compile(r"\+?\(?\d[\d\s().-]{6,}\d")


@dataclass
class Seed:
    """An alliance being set up in one transaction: `add(kind, **values)` records an item."""

    session: Any
    alliance: m.Alliance
    today: date

    def add(self, kind: str, /, **values: Any) -> Any:
        return item_service.add_item(
            session=self.session,
            alliance=self.alliance,
            kind=kind,
            item_in=values,
            today=self.today,
        )

    def account(self, login: str, name: str, role: str) -> None:
        """A user with the demo password and `role` on this alliance."""
        accounts.create_user(
            session=self.session,
            user_in={"login": login, "name": name, "password": DEMO_PASSWORD},
        )
        accounts.grant_role(
            session=self.session, login=login, alliance_ref=self.alliance.slug, role=role
        )


@contextmanager
def seeded_alliance(
    db: Database, slug: str, stage: str, today: date, **fields: Any
) -> Iterator[Seed]:
    """An alliance put straight at `stage` (no gate is passed on the way), in France and
    Europe/Paris unless `fields` say otherwise, with its coordinator `coord-{slug}`; what the
    block adds is saved with it. Passwords are hashed cheaply: a browser test logs in, it does
    not test argon2's cost."""
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
                    **fields,
                },
                actor="test",
            )
            with m.stage_change():
                a.stage = stage
            session.flush()
            seed = Seed(session, a, today)
            seed.account(f"coord-{slug}", "Claire Coordinatrice", "coordinator")
            yield seed


def seed_alliance(db: Database, slug: str, stage: str, today: date, **fields: Any) -> None:
    """`seeded_alliance` with nothing more to record: the alliance and its coordinator."""
    with seeded_alliance(db, slug, stage, today, **fields):
        pass


def alliance_in_analysis(
    db: Database, slug: str, today: date, *, name: str | None = None, language: str = "fr"
) -> dict[str, str]:
    """An alliance that passed launch: two organisations (one not on the map yet), three
    members of the first, each with an account, an e-mail address and a phone number, and a
    coordinator. Its work plan began three months ago and ends in nine (so the sustainability
    plan's six-month deadline is three months ahead). Returns login -> member name."""
    logins = {}
    with seeded_alliance(
        db,
        slug,
        "analysis",
        today,
        name=name or f"Alliance {slug}",
        region="Bordeaux Métropole",
        language=language,
        work_plan_start=(today - relativedelta(months=3)).isoformat(),
        work_plan_end=(today + relativedelta(months=9)).isoformat(),
    ) as seed:
        cs = seed.add(
            "organisation",
            name=ORGANISATION,
            group="ngo",
            sectors="social_action",
            latitude="44.8086",
            longitude="-0.5480",
            email="accueil@cs-begles.example",
            phone="05 56 00 11 22",
        )
        seed.add("organisation", name=UNMAPPED, group="public_authority")
        for i, (person, email, phone) in enumerate(MEMBERS):
            member = seed.add(
                "member",
                name=person,
                organisation_id=cs.id,
                email=email,
                phone=phone,
                joined_on="2026-01-10",
            )
            login = f"m{i}-{slug}"
            seed.account(login, person, "member")
            membership.link_member(
                session=seed.session, login=login, alliance_ref=slug, member_ref=member.id
            )
            logins[login] = person
    return logins


def new_context(
    browser: Browser, browser_context_args: dict[str, Any], language: str, **extra: Any
) -> Any:
    """A browser whose Accept-Language asks for `language` (`extra`: Playwright's options, e.g.
    bypass_csp, only so that axe can be injected)."""
    return browser.new_context(
        **browser_context_args,
        locale="fr-FR" if language == "fr" else "en-GB",
        extra_http_headers={"Accept-Language": f"{language};q=1.0"},
        **extra,
    )


class Shots:
    """Numbered full-page screenshots in tests/artifacts/, in the order they were taken."""

    def __init__(self, artifacts: Path, prefix: str) -> None:
        self.artifacts, self.prefix, self.n = artifacts, prefix, 0

    def __call__(self, page: Page, what: str) -> None:
        self.n += 1
        page.screenshot(
            path=self.artifacts / f"{self.prefix}-{self.n:02d}-{what}.png", full_page=True
        )


@dataclass
class Walk:
    """One alliance walked by its coordinator (`page`), in one language."""

    browser: Browser
    browser_context_args: dict[str, Any]
    language: str
    slug: str
    name: str
    logins: dict[str, str]
    shot: Shots
    tmp_path: Path
    today: date = field(default_factory=date.today)
    context: BrowserContext = field(init=False)
    page: Page = field(init=False)

    def __post_init__(self) -> None:
        self.tr = Translator(self.language)
        self.context = self.new_context()
        self.page = self.context.new_page()
        log_in(self.page, f"coord-{self.slug}")

    def new_context(self, language: str | None = None) -> Any:
        return new_context(self.browser, self.browser_context_args, language or self.language)

    def _(self, text: str) -> str:
        return self.tr.gettext(text)

    def day(self, d: date) -> str:
        return d.strftime("%d/%m/%Y")


def _open(page: Page, details: str) -> None:
    """Opens a folded form (forms of empty tables are open already)."""
    if page.locator(details).get_attribute("open") is None:
        page.click(f"{details} summary")


def _add_row(page: Page, key: str, values: dict[str, str]) -> None:
    _open(page, f"#add-{key}")
    for name, value in values.items():
        input_ = page.locator(f"#{key}-{name.replace('_', '-')}")
        if input_.evaluate("e => e.tagName") == "SELECT":
            input_.select_option(value)
        else:
            input_.fill(value)
    page.click(f"#add-{key} button[type=submit]")
    expect(page.locator(f"#{key} table")).to_contain_text(next(iter(values.values()))[:20])


def advance(w: Walk, stage: str) -> None:
    w.page.goto(f"/alliances/{w.slug}")
    w.page.click(f"form[action='/alliances/{w.slug}/advance'] button[type=submit]")
    expect(w.page.locator("#stage")).to_have_attribute("data-stage", stage)


# --- stages 3 and 4 ---------------------------------------------------------------------------


def walk_analysis_and_planning(w: Walk) -> None:
    """Stage 3: the four tables of the analysis and the map; stage 4: the vision, a SMART
    action, the charter v1 signed by every member, v2 published and signed again, the owner
    marks the action done, the research and the plan published; the alliance advances."""
    page, slug, _, shot = w.page, w.slug, w._, w.shot
    page.goto(f"/alliances/{slug}/analysis")
    expect(page.locator("h1")).to_have_text(_("Analyse the current situation"))
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
    expect(mapped).to_contain_text(UNMAPPED)
    mapped.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(rf".*/alliances/{slug}/map(#.*)?$"))
    expect(page.locator("#map-status")).to_be_visible()  # says why the map is blank
    form = page.locator("form.af-place__form", has_text=UNMAPPED)
    form.locator("input[name=latitude]").fill("44,8790")
    form.locator("input[name=longitude]").fill("-0,5217")
    form.locator("button[type=submit]").click()
    expect(page.locator("#all-mapped")).to_be_visible()
    shot(page, "map")

    advance(w, "planning")
    shot(page, "advanced-to-planning")

    # --- stage 4: the vision
    page.goto(f"/alliances/{slug}/planning")
    page.fill("#vision-vision", VISION)
    page.fill("#vision-vision-agreed-on", w.day(w.today))
    page.click("form[action$='/planning/vision'] button[type=submit]")
    expect(page.locator("#vision blockquote")).to_contain_text("trouve un médiateur")

    # --- SMART actions: one incomplete, then completed
    page.goto(f"/alliances/{slug}/actions")
    page.locator("#new-action input[name=action]").fill(ACTION)
    page.locator("#new-action textarea[name=objective]").fill("Recevoir 50 familles en 2026")
    page.locator("#new-action button[type=submit]").click()
    row = page.locator("#action-plan tbody tr", has_text=ACTION)
    expect(row).to_contain_text(_("no indicator"))
    expect(row).to_contain_text(_("no end date"))
    shot(page, "action-incomplete")
    row.get_by_role("link").first.click()
    edit = page.locator("#edit-form")
    owner = edit.locator("select[name=owner_member_id]")
    owner.select_option(label=f"{MEMBERS[0][0]} ({ORGANISATION})")
    values = {
        "local_problem": "Pas de lieu où demander de l'aide le soir",
        "collaborators": "Mairie de Lormont, CAF",
        "starts_on": "01/04/2026",
        "ends_on": "31/12/2026",
        "estimated_budget": "1 200,50" if w.language == "fr" else "1,200.50",
        "resources": "Une salle prêtée par la mairie",
        "obstacles": "Horaires des bénévoles",
        "obstacle_plan": "Deux équipes en alternance",
        "indicator": "Nombre de familles reçues chaque mois",
    }
    for name, value in values.items():
        edit.locator(f"[name={name}]").fill(value)
    edit.locator("form button[type=submit]").first.click()
    row = page.locator("#action-plan tbody tr", has_text=ACTION)
    expect(row).to_contain_text("7/7")
    shot(page, "action-smart")

    # --- the charter, v1, then every member signs it
    page.goto(f"/alliances/{slug}/charter")
    page.fill("#write-text", "Nous participons aux réunions et partageons l'information.")
    page.click("#write button[type=submit]")
    expect(page.locator("#signatures")).to_contain_text(_("Not signed yet"))
    shot(page, "charter-v1")
    _everyone_signs(w, 1)
    page.goto(f"/alliances/{slug}/charter")
    expect(page.locator("#signatures")).not_to_contain_text(_("Not signed yet"))

    # --- v2: everyone is asked again
    page.fill(
        "#write-text",
        "Nous participons aux réunions, partageons l'information "
        "et déclarons tout conflit d'intérêts.",
    )
    page.click("#write button[type=submit]")
    expect(page.locator("#signatures")).to_contain_text(_("Not signed yet"))
    shot(page, "charter-v2-published")
    _everyone_signs(w, 2)
    page.goto(f"/alliances/{slug}/charter")
    expect(page.locator("#signatures")).not_to_contain_text(_("Not signed yet"))
    for person, _email, _phone in MEMBERS:
        expect(page.locator("#signatures")).to_contain_text(person)
    shot(page, "charter-v2-signed")

    # --- the owner reports on their action (the page the reminders link to)
    owner_ctx = w.new_context()
    owner_page = owner_ctx.new_page()
    log_in(owner_page, next(iter(w.logins)))
    owner_page.goto(f"/alliances/{slug}/actions")
    own = owner_page.locator("form.af-own")
    own.locator("select[name=status]").select_option("done")
    own.locator("input[name=completed_on]").fill(w.day(w.today))
    own.locator("button[type=submit]").click()
    expect(owner_page.locator("#action-plan")).to_contain_text(_("Done"))
    shot(owner_page, "owner-marked-done")
    owner_ctx.close()

    # --- publish the research and the signed plan, then advance
    for kind, title in (("research", "Synthèse de l'analyse"), ("action_plan", "Plan signé")):
        page.goto(f"/alliances/{slug}/planning")
        _open(page, "#record-publication")
        page.check(f"#publish input[name=kind][value={kind}]")
        page.fill("#publish-title", title)
        if kind == "action_plan":  # the members' signed copy comes with it
            page.set_input_files(
                "#publish-signed",
                files=[
                    {
                        "name": "Plan signé.pdf",
                        "mimeType": "application/pdf",
                        "buffer": b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                    }
                ],
            )
        page.click("#publish form button[type=submit]")
        expect(page.locator("#publish")).to_contain_text(title)
    expect(page.locator("#signed-copy a")).to_have_text("Plan signé.pdf")
    shot(page, "planning")
    advance(w, "dissemination")
    shot(page, "advanced-to-dissemination")


def _everyone_signs(w: Walk, version: int) -> None:
    """Each member logs in, in a browser of their own, reads the charter and signs it."""
    for login in w.logins:
        ctx = w.new_context()
        member = ctx.new_page()
        log_in(member, login)
        member.goto(f"/alliances/{w.slug}/charter")
        expect(member.locator("#charter-text")).to_be_visible()
        member.check("#sign-agree")
        member.click("#sign button[type=submit]")
        expect(member.locator("#signed")).to_be_visible()
        if login.startswith("m0"):
            w.shot(member, f"member-signed-v{version}")
        ctx.close()


# --- stage 5 ----------------------------------------------------------------------------------


def _fix(w: Walk, code: str) -> None:
    """From the stage's checklist, the check's "fix it here" link."""
    w.page.goto(f"/alliances/{w.slug}/stages/dissemination")
    w.page.locator(f"[data-code='dissemination.{code}'] a.af-fix").click()
    expect(w.page).to_have_url(re.compile(rf".*/alliances/{w.slug}/dissemination#.+$"))


def walk_dissemination(w: Walk) -> None:
    """From the stage's checklist the coordinator follows each "fix it here" link, writes the
    communication plan for every group, names the communications officer, records a
    publication, publishes the public profile, reads it as an anonymous visitor (what planning
    wrote, and no contact details) and advances to sustainability."""
    page, slug, _, shot = w.page, w.slug, w._, w.shot
    page.goto(f"/alliances/{slug}/stages/dissemination")
    expect(page.locator("[data-code='dissemination.communication_plan']")).to_contain_text(
        _("policy makers")
    )
    expect(page.locator(".af-interim")).to_have_count(0)
    shot(page, "dissemination-checklist")

    # --- the communication plan: the groups not reached yet are named; a refused row keeps
    # what was typed; one row per group
    _fix(w, "communication_plan")
    expect(page.locator("#plan .govuk-warning-text")).to_contain_text(_("NGOs"))
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
        _open(page, "#add-plan-row")
        page.select_option("#plan-audience", audience)
        for name, value in values.items():
            page.fill(f"#plan-{name}", value)
        page.click("#add-plan-row button[type=submit]")
        expect(page.locator("#plan table")).to_contain_text(values["message"])
    expect(page.locator("#plan")).to_contain_text(_("Every group is reached"))
    shot(page, "communication-plan")

    # --- the communications officer, chosen on this page
    _fix(w, "communications_officer")
    page.select_option("#officer-communications-officer", label=MEMBERS[0][0])
    page.click("#officer button[type=submit]")
    expect(page.locator("#officer")).to_contain_text(MEMBERS[0][0])

    # --- a publication with its link; a javascript: address is refused
    title, url = PUBLICATION
    _open(page, "#add-publication")
    page.select_option("#pub-kind", "press")
    page.fill("#pub-title", title)
    page.fill("#pub-url", "javascript:alert(1)")
    page.fill("#pub-audience", "Familles de Bègles")
    page.click("#add-publication button[type=submit]")
    expect(page.locator("#pub-url-error")).to_be_visible()
    expect(page.locator("#pub-title")).to_have_value(title)
    page.fill("#pub-url", url)
    page.click("#add-publication button[type=submit]")
    expect(page.locator(f"#publications table a[href='{url}']")).to_have_text(title)
    shot(page, "publications")

    # --- the public profile: nothing before publishing, then only what was chosen
    anonymous = w.new_context("en")
    visitor = anonymous.new_page()
    answer = visitor.goto(f"/public/{slug}")
    assert answer is not None and answer.status == 404
    _fix(w, "profile_published")
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
    # in the alliance's language, whatever the visitor's browser asks for
    expect(visitor.locator("html")).to_have_attribute("lang", w.language)
    expect(visitor.locator("h2").first).to_have_text(_("Our shared vision"))
    expect(visitor.locator("#vision")).to_contain_text(VISION)
    expect(visitor.locator("#partners")).to_contain_text(ORGANISATION)
    expect(visitor.locator("#action-plan")).to_contain_text(ACTION)
    expect(visitor.locator("#publications a")).to_have_attribute("href", url)
    text = visitor.content()
    assert not EMAIL.search(text), EMAIL.search(text)
    assert not PHONE.search(text), PHONE.search(text)
    for person, email, phone in MEMBERS:
        assert person not in text and email not in text and phone not in text
    shot(visitor, "public-profile")
    anonymous.close()

    # --- every check passes: the alliance moves on
    advance(w, "sustainability")
    shot(page, "advanced-to-sustainability")


# --- stage 6 ----------------------------------------------------------------------------------


def walk_sustainability(w: Walk) -> None:
    """From the stage's failing check the coordinator opens the evaluations, fills a SWOT in its
    four quadrants, has a disguised web page refused as a report, uploads the real report and
    downloads it back; writes the sustainability plan with its signed copy under the countdown
    (the portfolio says it is on time); and decides to close, which closes the alliance. axe
    finds no serious violation on the stage's pages, refused, filled and closed."""
    page, slug, _, shot, tmp_path = w.page, w.slug, w._, w.shot, w.tmp_path
    page.goto(f"/alliances/{slug}")
    expect(page.locator(".af-interim")).to_have_count(0)
    check = page.locator("[data-code='sustainability.evaluation_on_time']")
    check.get_by_role("link").first.click()
    expect(page.locator("h1")).to_have_text(_("Evaluations"))
    expect(page.locator("#add")).to_be_visible()

    # --- a SWOT in four quadrants, with the guide's questions beside each
    expect(page.locator("#add-strengths-hint")).to_contain_text(
        _("What do you do better than others?")
    )
    page.fill("#add-held-on", w.day(w.today))
    page.fill("#add-evaluator", "Comité de suivi interne")
    page.fill(
        "#add-strengths",
        "Les familles nous font confiance\nDes médiateurs qui parlent neuf langues",
    )
    page.fill("#add-weaknesses", "Peu de permanences le soir")
    page.fill("#add-opportunities", "Nouveau fonds régional pour l'intégration")
    page.fill("#add-threats", "Le financement européen s'arrête en 2027")
    page.fill("#add-findings", "Continuer, avec un sous-comité financement.")
    # a web page dressed as a PDF is refused, and nothing typed is lost
    disguised = tmp_path / "rapport.pdf"
    disguised.write_bytes(b"<html><body><script>alert(1)</script></body></html>")
    page.set_input_files("#add-report", str(disguised))
    page.click("#add button[type=submit]")
    expect(page.locator(".govuk-error-summary")).to_contain_text(_("Evaluator's report (file)"))
    expect(page.locator("#add-threats")).to_have_value("Le financement européen s'arrête en 2027")
    shot(page, "report-refused")
    violations = {"evaluations (refused)": serious_violations(page)}
    report = tmp_path / "Rapport d'évaluation.pdf"
    report.write_bytes(PDF)
    page.set_input_files("#add-report", str(report))
    page.click("#add button[type=submit]")
    evaluation = page.locator("article.af-evaluation").first
    expect(evaluation.locator(".af-swot")).to_contain_text("neuf langues")
    expect(evaluation.locator(".af-swot__quadrant--threats")).to_contain_text("2027")
    link = evaluation.get_by_role("link", name="Rapport d'évaluation.pdf")
    expect(link).to_be_visible()
    shot(page, "swot-recorded")
    violations["evaluations"] = serious_violations(page)
    # the report comes back as a download, never as a page
    got = page.request.get(str(link.get_attribute("href")))
    assert got.status == 200 and got.body() == PDF
    assert got.headers["content-disposition"].startswith("attachment;")
    assert got.headers["x-content-type-options"] == "nosniff"

    # --- the sustainability plan under its countdown: due six months before the work plan ends
    page.goto(f"/alliances/{slug}/sustainability")
    expect(page.locator(".af-countdown__days")).to_be_visible()
    shot(page, "countdown")
    violations["sustainability"] = serious_violations(page)
    page.fill(
        "#plan-summary",
        "Un sous-comité cherche des financements croisés; la mairie prête la salle.",
    )
    page.check("#plan-continuation-2")  # formal
    page.fill("#plan-dated-on", w.day(w.today))
    signed = tmp_path / "plan signé.pdf"
    signed.write_bytes(PDF)
    page.set_input_files("#plan-signed", str(signed))
    page.click("#plan button[type=submit]")
    expect(page.locator(".af-countdown--done")).to_contain_text(
        _("The sustainability plan is recorded on time.")
    )
    expect(page.locator("#plan")).to_contain_text("plan signé.pdf")
    shot(page, "plan-recorded")
    page.goto("/")
    expect(page.locator(".af-card", has_text=w.name)).to_contain_text(_("plan recorded on time"))
    shot(page, "portfolio-plan-on-time")

    # --- the decision: close, with its reason; the alliance is closed
    page.goto(f"/alliances/{slug}/sustainability")
    page.check("#decision-decision-1")  # close
    page.fill(
        "#decision-decision-reason",
        "Le plan d'action est réalisé; les membres continuent dans leurs réseaux.",
    )
    page.click("#decision button[type=submit]")
    expect(page.locator(".af-countdown--done")).to_contain_text(_("The alliance is closed."))
    expect(page.locator("#closed")).to_contain_text("continuent dans leurs réseaux")
    shot(page, "closed")
    violations["sustainability (closed)"] = serious_violations(page)
    assert not any(violations.values()), violations
