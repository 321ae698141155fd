"""One alliance, seeded at the start of its analysis, taken to closed in the browser alone, in
English and in French: the coordinator records the analysis and the map, plans (vision, SMART
action, the charter v1 and v2, each signed by every member logging in as themselves),
disseminates (communication plan, officer, publication, the public profile read by a visitor)
and evaluates (SWOT, report, sustainability plan) and closes. Each stage reads back what the
previous one wrote. Screenshots of every step go to tests/artifacts/closed-<language>-*.png."""

from __future__ import annotations

from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from alliance_flow.db import Database
from alliance_flow.web import labels
from tests.e2e.walks import (
    Shots,
    Walk,
    alliance_in_analysis,
    walk_analysis_and_planning,
    walk_dissemination,
    walk_sustainability,
)

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("unreachable_tiles")]

STAGES = ["analysis", "planning", "dissemination", "sustainability", "closed"]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_an_alliance_from_analysis_to_closed_in_the_browser(
    browser: Browser,
    browser_context_args: dict[str, Any],
    demo_db: Database,
    language: str,
    artifacts: Path,
    tmp_path: Path,
) -> None:
    slug, name = f"closed-{language}", f"Alliance de la rive droite {language}"
    w = Walk(
        browser=browser,
        browser_context_args=browser_context_args,
        language=language,
        slug=slug,
        name=name,
        logins=alliance_in_analysis(demo_db, slug, date.today(), name=name, language=language),
        shot=Shots(artifacts, f"closed-{language}"),
        tmp_path=tmp_path,
    )
    walk_analysis_and_planning(w)
    walk_dissemination(w)
    walk_sustainability(w)

    # --- the alliance says it is closed, and its history holds each stage it went through
    page, _ = w.page, w._
    page.goto(f"/alliances/{slug}")
    stage = page.locator("#stage")
    expect(stage).to_have_attribute("data-stage", "closed")
    expect(stage).to_have_text(_(labels.STAGES["closed"]))
    # no checklist and no "advance" past the last stage
    expect(page.locator("#closed-note")).to_be_visible()
    expect(page.locator(f"form[action='/alliances/{slug}/advance']")).to_have_count(0)
    history = page.locator("section[aria-labelledby=history-title] tbody")
    for before, after in pairwise(STAGES):
        move = f"{_(labels.STAGES[before])} → {_(labels.STAGES[after])}"
        expect(history.locator("tr", has_text=move)).to_have_count(1)
    # the members' decision to close says why, in the history too
    expect(history.locator("tr").first).to_contain_text("continuent dans leurs réseaux")
    w.shot(page, "alliance-closed")
    page.goto("/")
    expect(page.locator(".af-card", has_text=name)).to_contain_text(_("closed"))
    w.shot(page, "portfolio")
    w.context.close()
