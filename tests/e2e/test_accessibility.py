"""An axe-core scan of the main pages finds no serious or critical violation, and the portfolio
and alliance pages fit a phone's width without scrolling sideways."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
BLOCKING = {"serious", "critical"}


def serious_violations(page: Page) -> list[str]:
    """Run axe on the page as it is now; one line per serious or critical rule broken."""
    # Evaluated through the browser's debugging protocol, which the page's Content-Security-Policy
    # does not govern; a <script> tag would be refused, as the policy means it to be.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result: dict[str, Any] = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    return [
        f"{v['impact']} {v['id']}: {v['help']} at "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]


def test_main_pages_have_no_serious_accessibility_violation(page: Page) -> None:
    found: dict[str, list[str]] = {}
    page.goto("/login")
    found["/login"] = serious_violations(page)
    log_in(page, "coordinator-bordeaux")
    for path in (
        "/",
        "/alliances/bordeaux",
        "/alliances/bordeaux/members",
        "/alliances/bordeaux/organisations",
    ):
        page.goto(path)
        found[path] = serious_violations(page)
    # the alliance page as it is after a refused advance (the refusal box and its list)
    page.goto("/alliances/bordeaux")
    page.click("form[action$='/advance'] button")
    page.locator("#refusal").wait_for()
    found["/alliances/bordeaux (advance refused)"] = serious_violations(page)
    # a member's own page, with their actions and their status forms
    page.context.clear_cookies()
    log_in(page, "member-fryslan")
    page.goto("/alliances/fryslan/me")
    found["/alliances/fryslan/me"] = serious_violations(page)
    problems = {path: v for path, v in found.items() if v}
    assert not problems, "\n".join(f"{p}:\n  " + "\n  ".join(v) for p, v in problems.items())


def test_the_scan_catches_a_serious_violation(page: Page) -> None:
    """Guards the guard: a field without a label must be reported."""
    page.set_content(
        '<!doctype html><html lang="en"><title>t</title><main><input id="x"></main></html>'
    )
    assert any(" label:" in line for line in serious_violations(page))


@pytest.mark.parametrize("path", ["/", "/alliances/bordeaux"])
def test_pages_fit_a_phone_without_sideways_scrolling(
    browser: Any, browser_context_args: dict[str, Any], path: str, artifacts: Path
) -> None:
    context = browser.new_context(
        **browser_context_args, viewport={"width": 375, "height": 812}, is_mobile=True
    )
    try:
        page = context.new_page()
        log_in(page, "coordinator-bordeaux")
        page.goto(path)
        widths = page.evaluate(
            "() => ({scroll: document.documentElement.scrollWidth,"
            " client: document.documentElement.clientWidth, inner: window.innerWidth})"
        )
        name = "phone-portfolio" if path == "/" else "phone-alliance"
        page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
        assert widths["client"] == 375
        assert widths["scroll"] <= widths["client"], widths
    finally:
        context.close()
