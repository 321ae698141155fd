"""A coordinator imports the guide's stakeholder table through its preview and writes the
briefing document, in the browser, in English and in French."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from alliance_flow.web.i18n import Translator
from tests.e2e.conftest import log_in
from tests.e2e.walks import new_context

pytestmark = pytest.mark.e2e

#: The guide's annex table as a coordinator fills it in Excel (saved as CSV with ';'), with the
#: Swedish list's organisation that appears under two sectors.
GUIDE_TABLE = (
    "Nom de l'intervenant;Secteur(s);Personne à contacter;"
    "Téléphone, E-mail, Site Web, Adresse;L'Influence;Intérêt pour l'alliance;"
    "Stratégie de mobilisation des intervenants\n"
    "Kronoberg tillsammans;action sociale;Anna Berg;"
    '"0470 123 456, info@kronoberg.example, https://kronobergtillsammans.se, Storgatan 1, Växjö";'
    "haut;élevée;Rencontre avec la direction\n"
    "Integra Kalmar;action sociale;Lars Holm;integra@kalmar.example;moyen;élevée;Appel\n"
    "Friluftsfrämjandet;structures socio-culturelles & sportives;;;faible;moyenne;Courrier\n"
    "Kronoberg tillsammans;structures socio-culturelles & sportives;;;;;\n"
    "Arbetsförmedlingen;insertion professionnelle;Sara Lind;sara@af.example;haut;faible;Réunion\n"
)
REASONS = [
    "Mediators already work with newcomers in the region",
    "Shared training for front-line staff",
    "A voice in the regional action plan",
    "Contacts with migrant and refugee communities",
    "Visibility with funders and policy makers",
]


@pytest.fixture(params=["en", "fr"])
def language(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def localized_page(browser: Any, browser_context_args: dict[str, Any], language: str) -> Any:
    context = new_context(browser, browser_context_args, language)
    yield context.new_page()
    context.close()


def test_import_the_guide_table_through_the_preview_and_write_the_briefing(
    localized_page: Page, language: str, artifacts: Path, tmp_path: Path
) -> None:
    page = localized_page
    tr = Translator(language)
    shot = f"stakeholders-{language}"
    table = tmp_path / "intervenants.csv"
    table.write_text(GUIDE_TABLE, encoding="utf-8")

    # given: a coordinator with a new alliance
    log_in(page, "coordinator-bordeaux")
    page.fill("#f-name", f"Parties prenantes {language.upper()}")
    page.select_option("#f-country", "SE")
    page.click("form[action='/alliances'] button[type=submit]")
    page.wait_for_url("**/alliances/parties-prenantes-*")
    alliance_url = page.url

    # when: the guide's table is chosen on the stakeholder page
    page.goto(alliance_url + "/organisations")
    page.set_input_files("#import-file", str(table))
    page.click("form[action$='/organisations/import'] button[type=submit]")

    # then: the preview says what will change, and nothing is saved yet
    expect(page.locator("h1")).to_contain_text("intervenants.csv")
    main = page.locator("main")
    expect(main).to_contain_text(tr.gettext("Nothing has been saved yet."))
    merged = page.locator(".af-change-list li.af-card", has_text="Kronoberg tillsammans").first
    expect(merged).to_contain_text(tr.gettext("merged from lines %(lines)s") % {"lines": "2, 5"})
    expect(merged).to_contain_text(tr.gettext("Socio-cultural and sports structures"))
    page.screenshot(path=str(artifacts / f"{shot}-1-preview.png"), full_page=True)

    # when: the coordinator confirms
    page.click("form[action*='/organisations/import/'] button[type=submit]")

    # then: the table holds the four organisations, merged, with the contact split
    page.wait_for_url("**/organisations?imported=4-0-0-0")
    expect(page.locator("[role=status]").first).to_contain_text(
        tr.gettext(
            "Import done: organisations {new_orgs} new, {updated_orgs} updated; representatives "
            "{new_members} new, {updated_members} updated."
        ).format(new_orgs=4, updated_orgs=0, new_members=0, updated_members=0)
    )
    row = page.locator("tr", has_text="Kronoberg tillsammans").first
    expect(row).to_contain_text("Anna Berg")
    expect(row).to_contain_text(tr.gettext("Social action"))
    expect(row).to_contain_text(tr.gettext("Socio-cultural and sports structures"))
    first = page.locator("#grid")
    expect(first).to_contain_text(tr.gettext("Mobilise first:"))
    page.screenshot(path=str(artifacts / f"{shot}-2-table.png"), full_page=True)

    # when: the briefing is written, reason by reason
    page.goto(alliance_url + "/briefing")
    page.fill("#b-why", "To bring community mediation to Kronoberg and Kalmar.")
    page.fill("#b-regional-situation", "Many newcomers; services are hard to reach.")
    page.fill("#b-why-mediation", "Mediators from the communities build trust.")
    page.fill("#b-reasons", "\n".join(REASONS[:3]))
    count = page.locator("#b-reasons-count")
    expect(count).to_contain_text("3")
    page.fill("#b-reasons", "\n".join(REASONS))
    expect(count).to_have_class("govuk-body af-count af-count--enough")
    page.fill("#b-expected-commitment", "4 to 5 meetings over 18 months.")
    page.click("form[action$='/briefing'] button[type=submit]")

    # then: it is saved, and the print view is a clean document in the working language
    expect(page.locator("[role=status]").first).to_contain_text(
        tr.gettext("The briefing document was saved.")
    )
    page.screenshot(path=str(artifacts / f"{shot}-3-briefing.png"), full_page=True)
    page.goto(alliance_url + "/briefing/print")
    expect(page.locator("ol li")).to_have_count(5)
    page.emulate_media(media="print")
    expect(page.locator("nav.toolbar")).to_be_hidden()
    page.screenshot(path=str(artifacts / f"{shot}-4-print.png"), full_page=True)


def _organisation_id(page: Page) -> str:
    href = page.locator("table.stakeholders tbody th a").first.get_attribute("href") or ""
    return href.rsplit("/", 1)[-1]


def test_stakeholder_pages_pass_the_accessibility_scan_and_fit_a_phone(
    browser: Any, browser_context_args: dict[str, Any], artifacts: Path, tmp_path: Path
) -> None:
    from tests.e2e.test_accessibility import serious_violations

    context = browser.new_context(
        **browser_context_args, viewport={"width": 375, "height": 812}, is_mobile=True
    )
    try:
        page = context.new_page()
        log_in(page, "coordinator-bordeaux")
        found: dict[str, list[str]] = {}
        widths: dict[str, int] = {}
        org = None
        for path in (
            "/alliances/bordeaux/organisations",
            "/alliances/bordeaux/organisations/{org}",
            "/alliances/bordeaux/briefing",
            "/alliances/bordeaux/briefing/print",
        ):
            page.goto(path.format(org=org))
            if org is None:
                org = _organisation_id(page)
            found[path] = serious_violations(page)
            widths[path] = page.evaluate("() => document.documentElement.scrollWidth")
        table = tmp_path / "phone.csv"
        table.write_text(GUIDE_TABLE, encoding="utf-8")
        page.goto("/alliances/bordeaux/organisations")
        page.set_input_files("#import-file", str(table))
        page.click("form[action$='/organisations/import'] button[type=submit]")
        page.locator("h1").wait_for()
        found["import preview"] = serious_violations(page)
        widths["import preview"] = page.evaluate("() => document.documentElement.scrollWidth")
        page.screenshot(path=str(artifacts / "phone-stakeholders-preview.png"), full_page=True)
        problems = {path: v for path, v in found.items() if v}
        assert not problems, "\n".join(f"{p}:\n  " + "\n  ".join(v) for p, v in problems.items())
        assert all(w <= 375 for w in widths.values()), widths
    finally:
        context.close()
