"""What the other roles see in the browser: a funder follows progress without any way to change
it; a member signs the charter as the member they speak for."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e


def test_funder_sees_progress_and_no_way_to_change_it(page: Page, artifacts: Path) -> None:
    # given
    log_in(page, "funder-bordeaux")
    # then: the portfolio shows the alliance's progress...
    card = page.locator("li.card")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Alliance régionale Bordeaux Métropole")
    expect(card.locator(".af-stepper li[aria-current=step]")).to_contain_text("Planning")
    expect(card).to_contain_text("Checks passed")
    # ...and no form but the filter (a GET) in the page, nor any button but the filter's; the
    # header's only forms are Log out and the language switch
    expect(page.locator("main form:not([method=get])")).to_have_count(0)
    expect(page.locator("main button")).to_have_text(["Show these alliances"])
    posts = page.locator("form[method=post]")
    expect(posts).to_have_count(2)
    assert {posts.nth(i).get_attribute("action") for i in range(2)} == {"/logout", "/language"}
    page.screenshot(path=str(artifacts / "funder-1-portfolio.png"), full_page=True)

    # when: the funder opens the alliance
    card.locator("h2 a").click()
    page.wait_for_url("**/alliances/bordeaux")
    # then: stages, checklist and history, with no form, button or text field at all
    expect(page.locator("#stage")).to_have_attribute("data-stage", "planning")
    expect(page.locator("li.check")).not_to_have_count(0)
    expect(page.locator("section[aria-labelledby='history-title'] tbody tr")).not_to_have_count(0)
    main = page.locator("main")
    for control in ("form", "button", "input", "textarea", "select", "details"):
        expect(main.locator(control)).to_have_count(0)
    expect(main.get_by_role("link", name="Members")).to_have_count(0)
    page.screenshot(path=str(artifacts / "funder-2-alliance.png"), full_page=True)

    # and: the people pages are closed to funders
    answer = page.goto("/alliances/bordeaux/members")
    assert answer is not None and answer.status == 403
    expect(page.locator("h1")).to_have_text("Not allowed")


def test_member_signs_the_charter(page: Page, artifacts: Path) -> None:
    # given: the demo member speaks for Lucie Fontaine, who has not signed charter v2
    log_in(page, "member-bordeaux")
    page.goto("/alliances/bordeaux")
    charter_check = page.locator("li[data-code='planning.charter_signed']")
    expect(charter_check).to_contain_text("Lucie Fontaine")
    expect(page.locator("main form")).to_have_count(0)  # members do not run the lifecycle

    # when: they open their part, tick the box and sign
    page.get_by_role("link", name="My part").click()
    page.wait_for_url("**/alliances/bordeaux/me")
    expect(page.locator("main")).to_contain_text("You speak for Lucie Fontaine (Agence PLACE).")
    expect(page.locator("#charter h2")).to_have_text("Charter, version 2")
    page.screenshot(path=str(artifacts / "member-1-before.png"), full_page=True)
    page.get_by_label("I have read this charter and I commit to it.").check()
    page.get_by_role("button", name="Sign version 2").click()

    # then: the signature is recorded, and the gate no longer waits for them
    expect(page.locator("#signed")).to_contain_text("You signed this version on")
    expect(page.get_by_role("button", name="Sign version 2")).to_have_count(0)
    page.screenshot(path=str(artifacts / "member-2-signed.png"), full_page=True)
    page.goto("/alliances/bordeaux")
    expect(charter_check).not_to_contain_text("Lucie Fontaine")
    expect(charter_check).to_contain_text("Julien Moreau")
