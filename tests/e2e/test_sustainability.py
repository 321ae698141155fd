"""Stage 6 in the browser, what the walk from analysis to closed (test_alliance_to_closed.py,
which also runs axe on the stage's pages) does not check: the evaluations and sustainability
pages fit a phone's width."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from playwright.sync_api import Browser

from alliance_flow.db import Database
from tests.e2e.conftest import log_in
from tests.e2e.walks import seed_alliance

pytestmark = pytest.mark.e2e


def _alliance_in_stage_6(db: Database, slug: str, today: date) -> None:
    """An alliance in stage 6 whose work plan ends in nine months, and its coordinator."""
    seed_alliance(
        db,
        slug,
        "sustainability",
        today,
        name=f"Alliance de Cenon {slug[-2:]}",
        language="fr",
        work_plan_start=(today - relativedelta(months=15)).isoformat(),
        work_plan_end=(today + relativedelta(months=9)).isoformat(),
    )


@pytest.mark.parametrize("path", ["evaluations", "sustainability"])
def test_stage_6_pages_fit_a_phone(
    browser: Browser, browser_context_args: dict[str, Any], demo_db: Database, path: str
) -> None:
    slug = f"phone6-{path[:4]}"
    _alliance_in_stage_6(demo_db, slug, date.today())
    context = browser.new_context(
        **browser_context_args, viewport={"width": 375, "height": 812}, is_mobile=True
    )
    try:
        page = context.new_page()
        log_in(page, f"coord-{slug}")
        page.goto(f"/alliances/{slug}/{path}")
        widths = page.evaluate(
            "() => ({scroll: document.documentElement.scrollWidth,"
            " client: document.documentElement.clientWidth})"
        )
        assert widths["scroll"] <= widths["client"], widths
    finally:
        context.close()
