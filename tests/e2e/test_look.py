"""The restyled pages in English and French: screenshots kept in tests/artifacts/, no serious
accessibility violation, nothing wider than a phone, and a refused form that says why, next to
the field, keeping what was typed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from alliance_flow.web.i18n import Translator
from tests.e2e.conftest import log_in
from tests.e2e.test_accessibility import serious_violations
from tests.e2e.walks import new_context

pytestmark = pytest.mark.e2e

#: name -> path, as the Bordeaux coordinator sees them
PAGES = {
    "portfolio": "/",
    "alliance": "/alliances/bordeaux",
    "stage-launch": "/alliances/bordeaux/stages/launch",
    "stage-sustainability": "/alliances/bordeaux/stages/sustainability",
    "edit": "/alliances/bordeaux/edit",
    "outbox": "/alliances/bordeaux/outbox",
    "account": "/account",
    "not-found": "/alliances/bordeaux/no-such-page",
}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_restyled_pages_read_well_in_both_languages(
    browser: Any, browser_context_args: dict[str, Any], language: str, artifacts: Path
) -> None:
    context = new_context(browser, browser_context_args, language)
    page: Page = context.new_page()
    tr = Translator(language)
    try:
        log_in(page, "coordinator-bordeaux")
        found: dict[str, list[str]] = {}
        for name, path in PAGES.items():
            page.goto(path)
            expect(page.locator("html")).to_have_attribute("lang", language)
            page.screenshot(path=str(artifacts / f"look-{language}-{name}.png"), full_page=True)
            found[name] = serious_violations(page)
        # the shell names the alliance and the coordinator's role on it
        page.goto("/alliances/bordeaux")
        expect(page.locator(".af-context")).to_contain_text(tr.gettext("Coordinator"))
        # a refused form: summary at the top, the error by its field, the typed values kept
        page.goto("/alliances/bordeaux/edit")
        page.select_option("#f-timezone", "Europe/Stockholm")
        page.fill("#f-work-plan-end", "31/02/2027")
        page.click("form[action$='/edit'] button[type=submit]")
        summary = page.locator(".govuk-error-summary")
        expect(summary).to_contain_text(tr.gettext("There is a problem: nothing was saved"))
        expect(page.locator("#f-work-plan-end-error")).to_be_visible()
        expect(page.locator("#f-work-plan-end")).to_have_value("31/02/2027")
        expect(page.locator("#f-timezone")).to_have_value("Europe/Stockholm")
        summary.locator("a").first.click()
        expect(page.locator("#f-work-plan-end")).to_be_focused()
        page.screenshot(path=str(artifacts / f"look-{language}-edit-refused.png"), full_page=True)
        found["edit (refused)"] = serious_violations(page)
        problems = {name: v for name, v in found.items() if v}
        assert not problems, "\n".join(f"{n}:\n  " + "\n  ".join(v) for n, v in problems.items())
    finally:
        context.close()


def test_the_users_page_reads_well(page: Page, artifacts: Path) -> None:
    log_in(page, "admin")
    page.goto("/admin/users")
    page.screenshot(path=str(artifacts / "look-en-admin-users.png"), full_page=True)
    assert not serious_violations(page)


@pytest.mark.parametrize("name", list(PAGES))
def test_restyled_pages_fit_a_phone(
    browser: Any, browser_context_args: dict[str, Any], name: str, artifacts: Path
) -> None:
    context = new_context(
        browser,
        browser_context_args,
        "fr",  # French is the longer of the two
        viewport={"width": 375, "height": 812},
        is_mobile=True,
    )
    try:
        page = context.new_page()
        log_in(page, "coordinator-bordeaux")
        page.goto(PAGES[name])
        widths = page.evaluate(
            "() => ({scroll: document.documentElement.scrollWidth,"
            " client: document.documentElement.clientWidth})"
        )
        page.screenshot(path=str(artifacts / f"look-phone-{name}.png"), full_page=True)
        assert widths["client"] == 375
        assert widths["scroll"] <= widths["client"], widths
    finally:
        context.close()
