"""One continuous journey, in English and in French: a coordinator takes a NEW alliance from its
creation through the launch gate with the browser alone, nothing waived.

Scope: the alliance's details, the stakeholder table imported from a file (XLSX in English, the
guide's French CSV headers in French) through its preview, one more member added by hand, the
briefing written. Launch: the candidates recorded as joined, chair and secretary named, the
initiation workshop planned and held (agenda from the guide's template, attendance, minutes, an
action), the plenaries planned, accountability and channels stated. Each gate is first refused
with its failing checks shown, then passes, and the alliance reaches the analysis stage.

Every page of the journey is scanned with axe (no serious or critical violation) and
photographed into tests/artifacts/journey-<language>-*.png.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from openpyxl import Workbook
from playwright.sync_api import Page, expect

from alliance_flow.web.i18n import Translator
from tests.e2e.conftest import log_in
from tests.e2e.test_accessibility import serious_violations
from tests.e2e.walks import new_context

pytestmark = pytest.mark.e2e

SCOPE = (
    "region_defined",
    "enough_candidates",
    "sectors_spanned",
    "migrant_communities_included",
    "contacts_complete",
    "authority_checked",
    "briefing_complete",
    "briefing_reasons",
)
LAUNCH = (
    "initiation_workshop",
    "plenaries_planned",
    "accountability_stated",
    "channels_chosen",
    "chair_and_secretary",
    "membership_size",
)
#: (organisation, sector, group, representative) as the coordinator's stakeholder table lists
#: them; the first one is listed twice, under two sectors (merged by the import).
TABLE = [
    ("Centre social des Aubiers", "social_action", "ngo", "Anne Leroy"),
    ("Maison des jeunes de Bègles", "socio_cultural_sports", "community_network", "Bruno Petit"),
    ("Mission locale Rive droite", "economic_insertion", "public_authority", "Chloé Martin"),
    ("Association des Afghans de Gironde", "social_action", "migrant", "Farid Haddad"),
    ("Club sportif de Lormont", "socio_cultural_sports", "community_network", "David Nguyen"),
    ("Cap Emploi Cenon", "economic_insertion", "public_authority", "Elsa Morel"),
    ("Médiation Villenave", "social_action", "mediator", "Grace Okafor"),
]
#: The one person added by hand: an individual member from a migrant community.
BY_HAND = "Hamid Karimi"
SECTOR_WORDS = {
    "en": {
        "social_action": "Social action",
        "socio_cultural_sports": "Socio-cultural and sports structures",
        "economic_insertion": "Professional and economic insertion",
    },
    "fr": {
        "social_action": "action sociale",
        "socio_cultural_sports": "structures socio-culturelles & sportives",
        "economic_insertion": "insertion professionnelle",
    },
}
GROUP_WORDS = {
    "en": {
        "ngo": "Non-governmental organisation",
        "community_network": "Community network",
        "public_authority": "Public authority",
        "migrant": "Migrant and refugee community",
        "mediator": "Mediator",
    },
    "fr": {
        "ngo": "ONG",
        "community_network": "réseau communautaire",
        "public_authority": "autorité publique",
        "migrant": "communauté migrante",
        "mediator": "médiation",
    },
}
REASONS = [
    "Mediators already work with newcomers in the metropolitan area",
    "Shared training for front-line staff",
    "A voice in the regional action plan",
    "Contacts with migrant and refugee communities",
    "Visibility with funders and policy makers",
]


@pytest.fixture(params=["en", "fr"])
def language(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def journey_page(browser: Any, browser_context_args: dict[str, Any], language: str) -> Any:
    """A browser asking for `language`; the CSP is bypassed only so that axe can be injected."""
    context = new_context(browser, browser_context_args, language, bypass_csp=True)
    yield context.new_page()
    context.close()


def _stakeholder_file(language: str, folder: Path) -> Path:
    """The table as a coordinator keeps it: XLSX with English headers, or the guide's French
    headers in a CSV saved by Excel (';')."""
    rows = [
        (org, SECTOR_WORDS[language][sector], GROUP_WORDS[language][group], person)
        for org, sector, group, person in TABLE
    ]
    first = TABLE[0]
    rows.append((first[0], SECTOR_WORDS[language]["socio_cultural_sports"], "", ""))
    if language == "en":
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.append(
            [
                "Stakeholder name",
                "Sectors",
                "Group",
                "Influence on the project",
                "Representative",
                "Representative e-mail",
                "Has authority",
            ]
        )
        for i, (org, sector, group, person) in enumerate(rows, start=1):
            email = f"rep{i}@bordeaux.example.org" if person else ""
            sheet.append([org, sector, group, "high", person, email, "yes" if person else ""])
        path = folder / "stakeholders.xlsx"
        book.save(path)
        return path
    lines = [
        "Nom de l'intervenant;Secteur(s);Groupe;L'Influence;Représentant;"
        "Courriel du représentant;A l'autorité"
    ]
    for i, (org, sector, group, person) in enumerate(rows, start=1):
        email = f"rep{i}@bordeaux.example.org" if person else ""
        lines.append(f"{org};{sector};{group};élevée;{person};{email};{'oui' if person else ''}")
    path = folder / "intervenants.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class Journey:
    """The browser, the alliance's address, and what every page looked like on the way."""

    def __init__(self, page: Page, language: str, artifacts: Path) -> None:
        self.page = page
        self.language = language
        self.tr = Translator(language)
        self.artifacts = artifacts
        self.base = ""
        self.shots = 0
        self.violations: dict[str, list[str]] = {}

    def t(self, text: str) -> str:
        return self.tr.gettext(text)

    def look(self, name: str) -> None:
        """Photograph the page and scan it for serious accessibility violations."""
        self.shots += 1
        path = self.artifacts / f"journey-{self.language}-{self.shots:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        found = serious_violations(self.page)
        if found:
            self.violations[name] = found

    def go(self, path: str) -> None:
        self.page.goto(self.base + path)

    def checks(self, stage: str) -> Any:
        return self.page.locator(f"li.af-check[data-code^='{stage}.']")

    def check(self, code: str) -> Any:
        return self.page.locator(f"li.af-check[data-code='{code}']")


def test_a_new_alliance_from_creation_through_the_launch_gate_in_the_browser_alone(
    journey_page: Page, language: str, artifacts: Path, tmp_path: Path
) -> None:
    page = journey_page
    j = Journey(page, language, artifacts)
    t = j.t
    today = date.today()
    workshop_day = today - timedelta(days=10)
    joined = (workshop_day).strftime("%d/%m/%Y")

    # --- scope ---------------------------------------------------------------------------------
    # given: a coordinator starts a new alliance from the portfolio
    log_in(page, "coordinator-bordeaux")
    expect(page.locator("html")).to_have_attribute("lang", language)
    name = f"Rive droite {language.upper()}"
    page.fill("#f-name", name)
    page.select_option("#f-country", "FR")
    page.fill("#f-region", "Bordeaux Métropole, rive droite")
    page.click("form[action='/alliances'] button[type=submit]")
    page.wait_for_url("**/alliances/rive-droite-*")
    j.base = page.url
    expect(page.locator("#stage")).to_have_attribute("data-stage", "scope")

    # when: Advance is pressed with nothing done
    page.click("form[action$='/advance'] button")
    # then: it is refused, and every scope check shows as failing with a way to fix it
    expect(page.locator("#refusal")).to_contain_text(
        t("Advance refused: these checks have not passed.")
    )
    for code in SCOPE:
        expect(j.check(f"scope.{code}")).to_have_class("af-check af-check--failed check failed")
        expect(j.check(f"scope.{code}").locator("a.af-fix")).to_have_count(1)
    expect(page.locator("main")).not_to_contain_text("command line")
    j.look("scope-refused")

    # when: the region's fix link is followed and the details filled in
    j.check("scope.region_defined").locator("a.af-fix").click()
    page.wait_for_url("**/edit#f-region")
    page.fill(
        "#f-region-boundary",
        "The municipalities of the right bank: Lormont, Cenon, Floirac, Bassens.",
    )
    page.select_option("#f-timezone", "Europe/Paris")
    page.select_option("#f-language", language)
    page.fill("#f-work-plan-start", (today - timedelta(days=60)).strftime("%d/%m/%Y"))
    page.fill(
        "#f-work-plan-end",
        (today - timedelta(days=60) + relativedelta(months=24)).strftime("%d/%m/%Y"),
    )
    # accountability and channels are shown here, but recorded on the launch page
    expect(page.locator("#accountable-value")).to_have_text(t("not stated yet"))
    page.click("form[action$='/edit'] button[type=submit]")
    expect(page.locator("main [role=status]").first).to_contain_text(
        t("The alliance details were saved.")
    )
    j.look("details")

    # when: the stakeholder table is imported from a file, through its preview
    j.go("")
    j.check("scope.sectors_spanned").locator("a.af-fix").click()
    page.wait_for_url("**/organisations#add-org")
    page.set_input_files("#import-file", str(_stakeholder_file(language, tmp_path)))
    page.click("form[action$='/organisations/import'] button[type=submit]")
    expect(page.locator("main")).to_contain_text(t("Nothing has been saved yet."))
    merged = page.locator(".af-change-list li.af-card", has_text=TABLE[0][0]).first
    expect(merged).to_contain_text(t("merged from lines %(lines)s") % {"lines": "2, 9"})
    j.look("import-preview")
    page.click("form[action*='/organisations/import/'] button[type=submit]")
    page.wait_for_url("**/organisations?imported=*")
    table = page.locator("table.stakeholders")
    for org, *_ in TABLE:
        expect(table).to_contain_text(org)
    j.look("stakeholders")

    # and one individual member from a migrant community is added by hand
    j.go("/members")
    page.fill("#m-name", BY_HAND)
    page.select_option("#m-group", "migrant_refugee_community")
    page.select_option("#m-sector", "social_action")
    page.fill("#m-email", "hamid@bordeaux.example.org")
    page.select_option("#m-has-authority", "yes")
    page.click("form[action$='/members'] button[type=submit]")
    members = page.locator("#member-list table")
    expect(members).to_contain_text(BY_HAND)
    for *_, person in TABLE:
        expect(members).to_contain_text(person)
    # nothing is left to record for any of them
    expect(page.locator("#member-list .af-to-record a")).to_have_count(0)
    j.look("candidates")

    # and the briefing is written, with the live count of reasons
    j.go("")
    j.check("scope.briefing_complete").locator("a.af-fix").click()
    page.wait_for_url("**/briefing#b-why")
    page.fill("#b-why", "To bring community mediation to the right bank of Bordeaux.")
    page.fill("#b-regional-situation", "Many newcomers; services are hard to reach.")
    page.fill("#b-why-mediation", "Mediators from the communities build trust.")
    page.fill("#b-reasons", "\n".join(REASONS[:4]))
    count = page.locator("#b-reasons-count")
    expect(count).to_have_class("govuk-body af-count af-count--short")
    page.fill("#b-reasons", "\n".join(REASONS))
    expect(count).to_have_class("govuk-body af-count af-count--enough")
    page.fill("#b-expected-commitment", "4 to 5 plenary meetings over 18 months.")
    page.click("form[action$='/briefing'] button[type=submit]")
    expect(page.locator("[role=status]").first).to_be_visible()
    j.look("briefing")

    # then: every scope check passes, and the alliance advances to launch
    j.go("")
    for code in SCOPE:
        expect(j.check(f"scope.{code}")).to_have_class("af-check af-check--passed check passed")
    j.look("scope-passed")
    page.click("form[action$='/advance'] button")
    expect(page.locator("#stage")).to_have_attribute("data-stage", "launch")
    expect(page.locator("p.notice")).to_have_text(
        t("Moved from %(from)s to %(to)s.") % {"from": t("Scope"), "to": t("Launch")}
    )
    # the stage named above the alliance's name and in the context bar follows at once
    expect(page.locator("#stage-caption")).to_have_text(
        t("Stage %(number)s of 6: %(stage)s") % {"number": 2, "stage": t("Launch")}
    )
    expect(page.locator("#shell-stage strong")).to_have_text(t("Launch"))

    # --- launch --------------------------------------------------------------------------------
    # given: the launch checks, all failing on arrival, each with its fix link
    for code in LAUNCH:
        expect(j.check(f"launch.{code}")).to_have_class("af-check af-check--failed check failed")
        expect(j.check(f"launch.{code}").locator("a.af-fix")).to_have_count(1)
    # and Advance is refused
    page.click("form[action$='/advance'] button")
    expect(page.locator("#refusal")).to_contain_text(
        t("Advance refused: these checks have not passed.")
    )
    j.look("launch-refused")

    # when: the candidates are recorded as joined at the workshop, one by one
    j.go("/members")
    ids = {
        link.inner_text().split("·")[0].strip(): link.get_attribute("href")
        for link in page.locator("#member-list tbody td:first-child a").all()
    }
    assert set(ids) == {person for *_, person in TABLE} | {BY_HAND}, ids
    for person, href in ids.items():
        assert href is not None
        page.goto(href)
        page.fill("#m-joined-on", joined)
        page.click(f"form[action='{href}'] button[type=submit]")
        expect(page.locator("#member-list")).to_contain_text(person)
    # and the chair and the secretary are named (the launch check's link opens the roles)
    j.go("")
    j.check("launch.chair_and_secretary").locator("a.af-fix").click()
    page.wait_for_url("**/members#roles")
    page.select_option("#role-chair", value=ids["Anne Leroy"].rsplit("/", 1)[1])
    page.select_option("#role-secretary", value=ids["Chloé Martin"].rsplit("/", 1)[1])
    page.click("form[action$='/members/roles'] button[type=submit]")
    expect(page.locator("#member-list")).to_contain_text(t("Secretary"))
    j.look("members-and-roles")

    # when: the initiation workshop is planned from its check's link, then held
    j.go("")
    j.check("launch.initiation_workshop").locator("a.af-fix").click()
    page.wait_for_url("**/meetings?kind=initiation_workshop#add")
    expect(page.locator("#mt-kind")).to_have_value("initiation_workshop")
    page.fill("#mt-date", workshop_day.strftime("%d/%m/%Y"))
    page.fill("#mt-time", "10:00")
    page.fill("#mt-place", "Espace Simone Signoret, Cenon")
    page.click("form[action$='/meetings'] button[type=submit]")
    page.wait_for_url("**/meetings/*")
    expect(page.locator("h1")).to_have_text(t("Initiation workshop"))
    # the agenda: the guide's template, in the alliance's working language
    expect(page.locator("#agenda-language")).to_be_visible()
    page.click("form[action$='/agenda/template'] button[type=submit]")
    # (the working language was set to the test's language on the details page)
    expect(page.locator("#agenda-0-item")).to_have_value(t("Welcome to new members"))
    page.fill("#agenda-0-moderator", "Anne Leroy")
    page.click("form[action$='/agenda'] button[type=submit]")
    expect(page.locator("#agenda-0-moderator")).to_have_value("Anne Leroy")
    # attendance: all present but one
    rows = page.locator("#attendance tbody tr").all()
    assert len(rows) == len(TABLE) + 1
    for i, row in enumerate(rows):
        row.locator("input[value=absent]" if i == 0 else "input[value=present]").check()
    page.click("form[action$='/attendance'] button[type=submit]")
    expect(page.locator("#notice")).to_contain_text(t("Attendance is saved."))
    # minutes per item, the meeting marked as held
    page.locator("#minutes textarea").first.fill("The chair welcomed every member.")
    page.check("#held")
    page.click("form[action$='/minutes'] button[type=submit]")
    expect(page.locator("#notice")).to_contain_text(t("The minutes are saved."))
    # an action agreed, with its owner and due date
    page.fill("#act-description", "List who else must be involved")
    page.select_option("#act-owner-member-id", value=ids["Bruno Petit"].rsplit("/", 1)[1])
    page.fill("#act-due-on", (today + timedelta(days=14)).strftime("%d/%m/%Y"))
    page.click("form[action$='/actions'] button[type=submit]")
    expect(page.locator("#actions table")).to_contain_text("Bruno Petit")
    j.look("workshop")

    # when: the plenaries are planned on the launch page; the verdict changes in place
    j.go("")
    j.check("launch.plenaries_planned").locator("a.af-fix").click()
    page.wait_for_url("**/launch#plenaries")
    verdict = page.locator("#plenary-plan .af-verdict")
    expect(verdict).to_have_class("af-verdict af-verdict--failed")
    for months in (3, 6, 9, 13):
        day = today + relativedelta(months=months)
        page.fill("#pl-date", day.strftime("%d/%m/%Y"))
        page.fill("#pl-time", "14:00")
        page.click("form[action$='/launch/plenaries'] button[type=submit]")
        expect(page.locator("#plenary-plan tbody")).to_contain_text(j.tr.date(day))
    expect(verdict).to_have_class("af-verdict af-verdict--passed")

    # and accountability and channels are stated where their checks link
    j.go("")
    j.check("launch.accountability_stated").locator("a.af-fix").click()
    page.wait_for_url("**/launch#r-accountable")
    page.fill("#r-accountable", "The steering group of the Centre social des Aubiers")
    page.click("form[action$='/launch/rules'] button[type=submit]")
    page.wait_for_url("**/launch#rules")
    j.go("")
    j.check("launch.channels_chosen").locator("a.af-fix").click()
    page.wait_for_url("**/launch#c-communication-channels")
    page.fill("#c-communication-channels", "Group e-mail\nShared folder\nMonthly call")
    page.click("form[action$='/launch/channels'] button[type=submit]")
    page.wait_for_url("**/launch#channels")
    for code in LAUNCH:
        expect(page.locator(f"#check-launch-{code}")).to_have_attribute("data-passed", "yes")
    j.look("launch-plan")
    # the details page shows what was recorded, without a second form for it
    j.go("/edit")
    expect(page.locator("#accountable-value")).to_contain_text("Centre social des Aubiers")
    expect(page.locator("#channels-value")).to_contain_text("Monthly call")
    expect(page.locator("textarea[name=accountable]")).to_have_count(0)

    # then: every launch check passes and the alliance reaches the analysis stage
    j.go("")
    for code in LAUNCH:
        expect(j.check(f"launch.{code}")).to_have_class("af-check af-check--passed check passed")
    j.look("launch-passed")
    page.click("form[action$='/advance'] button")
    expect(page.locator("#stage")).to_have_attribute("data-stage", "analysis")
    expect(page.locator("#shell-stage strong")).to_have_text(t("Analysis"))
    expect(page.locator("p.notice")).to_have_text(
        t("Moved from %(from)s to %(to)s.") % {"from": t("Launch"), "to": t("Analysis")}
    )
    history = page.locator("section[aria-labelledby='history-title'] tbody")
    expect(history).not_to_contain_text(t("Check waived"))
    j.look("analysis")
    if language == "fr":  # really French, not a copy of the English
        expect(page.locator("main")).to_contain_text("Passage de Lancement à Analyse.")

    assert not j.violations, "\n".join(
        f"{where}:\n  " + "\n  ".join(found) for where, found in j.violations.items()
    )


@pytest.mark.parametrize(
    ("login", "path"),
    [("coordinator-bordeaux", "/alliances/bordeaux/edit"), ("admin", "/admin/users")],
)
def test_the_details_and_users_pages_fit_a_phone_and_pass_the_scan(
    browser: Any, browser_context_args: dict[str, Any], login: str, path: str, artifacts: Path
) -> None:
    """The alliance details (with the read-only rules and channels) and the users page (with
    the member picker), at 375 px and under axe."""
    context = browser.new_context(
        **browser_context_args,
        viewport={"width": 375, "height": 812},
        is_mobile=True,
        bypass_csp=True,
    )
    try:
        page = context.new_page()
        log_in(page, login)
        page.goto(path)
        widths = page.evaluate(
            "() => ({scroll: document.documentElement.scrollWidth,"
            " client: document.documentElement.clientWidth})"
        )
        name = path.strip("/").replace("/", "-")
        page.screenshot(path=str(artifacts / f"phone-{name}.png"), full_page=True)
        assert widths["scroll"] <= widths["client"], widths
        assert not serious_violations(page)
    finally:
        context.close()
