"""A coordinator launches an alliance in the browser alone, in English and in French: members
added and given roles, the initiation workshop held with its agenda, attendance, minutes and an
action item, plenaries planned on the timeline; the launch gate's meeting checks then pass."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from playwright.sync_api import Page, expect

from alliance_flow.web.i18n import Translator
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e

PEOPLE = [
    "Aoife Kelly",
    "Brian Moran",
    "Ciara Flynn",
    "Declan Burke",
    "Eimear Walsh",
    "Fionn Byrne",
    "Gráinne Lynch",
    "Hassan Ali",
]


@pytest.fixture(params=["en", "fr"])
def language(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def localized_page(browser: Any, browser_context_args: dict[str, Any], language: str) -> Any:
    context = browser.new_context(
        **browser_context_args,
        locale="fr-FR" if language == "fr" else "en-GB",
        extra_http_headers={"Accept-Language": f"{language};q=1.0"},
    )
    yield context.new_page()
    context.close()


def test_coordinator_launches_an_alliance_with_its_meetings(
    localized_page: Page, language: str, artifacts: Path
) -> None:
    page = localized_page
    tr = Translator(language)
    shot = f"launch-{language}"
    today = date.today()

    # given: a new alliance
    log_in(page, "coordinator-roscommon")
    page.fill("#f-name", f"Launch {language.upper()} Alliance")
    page.select_option("#f-country", "IE")
    page.fill("#f-region", "County Roscommon")
    page.click("form[action='/alliances'] button[type=submit]")
    page.wait_for_url("**/alliances/launch-*-alliance")
    base = page.url

    # when: eight members are added, then two of them are made chair and secretary
    page.goto(base + "/members")
    for i, name in enumerate(PEOPLE, start=1):
        page.fill("#m-name", name)
        page.fill("#m-email", f"member{i}@roscommon.example.ie")
        page.fill("#m-joined-on", (today - timedelta(days=40)).strftime("%d/%m/%Y"))
        page.click("form[action$='/members'] button[type=submit]")
        expect(page.locator("#member-list table")).to_contain_text(name)
    page.select_option("#role-chair", label=PEOPLE[0])
    page.select_option("#role-secretary", label=PEOPLE[1])
    page.click("form[action$='/members/roles'] button[type=submit]")
    expect(page.locator("#member-list")).to_contain_text(tr.gettext("Secretary"))
    page.screenshot(path=str(artifacts / f"{shot}-1-members.png"), full_page=True)

    # when: the initiation workshop is planned (it took place ten days ago)
    page.goto(base + "/meetings")
    page.select_option("#mt-kind", "initiation_workshop")
    page.fill("#mt-date", (today - timedelta(days=10)).strftime("%d/%m/%Y"))
    page.fill("#mt-time", "10:00")
    page.fill("#mt-place", "Roscommon Arts Centre")
    page.click("form[action$='/meetings'] button[type=submit]")
    page.wait_for_url("**/meetings/*")
    meeting_url = page.url
    expect(page.locator("h1")).to_have_text(tr.gettext("Initiation workshop"))

    # its agenda starts from the guide's template, in the alliance's working language
    page.click("form[action$='/agenda/template'] button[type=submit]")
    expect(page.locator("#agenda-0-item")).to_have_value("Welcome to new members")
    expect(page.locator("#agenda-0-time")).to_have_value("10:00")
    page.fill("#agenda-0-moderator", PEOPLE[0])
    page.click("form[action$='/agenda'] button[type=submit]")
    expect(page.locator("#agenda-0-moderator")).to_have_value(PEOPLE[0])

    # attendance: six present, two absent
    for i, row in enumerate(page.locator("#attendance tbody tr").all()):
        row.locator("input[value=present]" if i < 6 else "input[value=absent]").check()
    page.click("form[action$='/attendance'] button[type=submit]")
    expect(page.locator("#notice")).to_contain_text(tr.gettext("Attendance is saved."))

    # minutes per agenda item, and the meeting marked as held
    page.locator("#minutes textarea").first.fill("The chair welcomed every member.")
    page.click("form[action$='/minutes'] button[type=submit]")
    expect(page.locator("#notice")).to_contain_text(tr.gettext("The minutes are saved."))

    # an action item with its owner and due date
    page.fill("#act-description", "Draft the list of who else must be involved")
    page.select_option("#act-owner-member-id", label=PEOPLE[2])
    page.fill("#act-due-on", (today + timedelta(days=14)).strftime("%d/%m/%Y"))
    page.click("form[action$='/actions'] button[type=submit]")
    expect(page.locator("#actions table")).to_contain_text(PEOPLE[2])
    page.screenshot(path=str(artifacts / f"{shot}-2-workshop.png"), full_page=True)
    expect(page.locator("p.govuk-body-l .govuk-tag")).to_have_text(tr.gettext("Held"))

    # when: four plenaries are planned over the next thirteen months on the launch page
    page.goto(base + "/launch")
    verdict = page.locator("#plenary-plan .af-verdict")
    expect(verdict).to_have_class("af-verdict af-verdict--failed")
    for months in (2, 5, 9, 13):
        day = today + relativedelta(months=months)
        page.fill("#pl-date", day.strftime("%d/%m/%Y"))
        page.fill("#pl-time", "10:00")
        page.click("form[action$='/launch/plenaries'] button[type=submit]")
        expect(page.locator("#plenary-plan tbody")).to_contain_text(tr.date(day))
    # then: the verdict changed in place, without leaving the page
    expect(verdict).to_have_class("af-verdict af-verdict--passed")
    page.screenshot(path=str(artifacts / f"{shot}-3-plenaries.png"), full_page=True)

    # and moving the last plenary too far fails the check at once
    page.locator("#plenary-plan tbody tr").last.locator("input[name=date]").fill(
        (today + relativedelta(months=22)).strftime("%d/%m/%Y")
    )
    page.locator("#plenary-plan tbody tr").last.locator("button").click()
    expect(page.locator("#plenary-plan .af-verdict")).to_have_class("af-verdict af-verdict--failed")
    page.locator("#plenary-plan tbody tr").last.locator("input[name=date]").fill(
        (today + relativedelta(months=13)).strftime("%d/%m/%Y")
    )
    page.locator("#plenary-plan tbody tr").last.locator("button").click()
    expect(page.locator("#plenary-plan .af-verdict")).to_have_class("af-verdict af-verdict--passed")

    # then: the launch gate's meeting and member checks pass
    page.reload()
    for code in ("initiation_workshop", "plenaries_planned", "chair_and_secretary"):
        expect(page.locator(f"#check-launch-{code}")).to_have_attribute("data-passed", "yes")
    expect(page.locator("#check-launch-membership_size")).to_have_attribute("data-passed", "yes")
    page.screenshot(path=str(artifacts / f"{shot}-4-checks.png"), full_page=True)

    # the action is on its owner's list of the meeting, and the meeting page opens from a link
    page.goto(meeting_url)
    expect(page.locator("#actions")).to_contain_text("Draft the list")
    if language == "fr":
        expect(page.locator("main")).to_contain_text("Actions convenues")


def test_meeting_pages_have_no_serious_accessibility_violation(
    browser: Any, browser_context_args: dict[str, Any]
) -> None:
    from tests.e2e.test_accessibility import serious_violations

    # axe is injected as a script: the page's Content-Security-Policy is bypassed for the scan
    page = browser.new_context(**browser_context_args, bypass_csp=True).new_page()
    log_in(page, "coordinator-bordeaux")
    found: dict[str, list[str]] = {}
    page.goto("/alliances/bordeaux/meetings")
    found["meetings"] = serious_violations(page)
    page.locator("#list tbody a").first.click()
    page.wait_for_url("**/meetings/*")
    meeting_url = page.url
    found["meeting"] = serious_violations(page)
    page.goto(meeting_url + "/invitation")
    found["invitation"] = serious_violations(page)
    page.goto("/alliances/bordeaux/launch")
    found["launch"] = serious_violations(page)
    page.goto("/alliances/bordeaux/members")
    page.locator("#member-list tbody a").first.click()
    page.wait_for_url("**/members/*")
    found["member"] = serious_violations(page)
    problems = {path: v for path, v in found.items() if v}
    assert not problems, "\n".join(f"{p}:\n  " + "\n  ".join(v) for p, v in problems.items())


@pytest.mark.parametrize("path", ["/alliances/bordeaux/launch", "/alliances/bordeaux/meetings"])
def test_meeting_pages_fit_a_phone(
    browser: Any, browser_context_args: dict[str, Any], path: str, artifacts: Path
) -> None:
    context = browser.new_context(
        **browser_context_args, viewport={"width": 375, "height": 812}, is_mobile=True
    )
    try:
        page = context.new_page()
        log_in(page, "coordinator-bordeaux")
        page.goto(path)
        if path.endswith("/meetings"):
            page.locator("#list tbody a").first.click()
            page.wait_for_url("**/meetings/*")
        widths = page.evaluate(
            "() => ({scroll: document.documentElement.scrollWidth,"
            " client: document.documentElement.clientWidth})"
        )
        page.screenshot(path=str(artifacts / f"phone-{path.rsplit('/', 1)[1]}.png"), full_page=True)
        assert widths["scroll"] <= widths["client"], widths
    finally:
        context.close()
