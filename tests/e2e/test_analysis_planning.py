"""Stages 3 and 4 in the browser, what the walk from analysis to closed
(test_alliance_to_closed.py) does not check: an organisation is placed by clicking on the map,
then exported as GeoJSON and KML and read back; the analysis and planning pages pass axe and fit
a phone."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import geojson
import pytest
from playwright.sync_api import Browser, expect

from alliance_flow.db import Database
from tests.e2e.conftest import log_in
from tests.e2e.walks import alliance_in_analysis, new_context

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("unreachable_tiles")]


def test_an_organisation_is_placed_on_the_map_and_exported(
    browser: Browser,
    browser_context_args: dict[str, Any],
    demo_db: Database,
    artifacts: Path,
    tmp_path: Path,
) -> None:
    slug = "map-walk"
    alliance_in_analysis(demo_db, slug, date.today())
    ctx = new_context(browser, browser_context_args, "en")
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
    logins = alliance_in_analysis(demo_db, slug, date.today())
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
