"""Stage 6 in the browser alone, in English and in French: from the stage page's failing check,
a coordinator opens the evaluations, fills a SWOT in its four quadrants, has a disguised web
page refused as a report, uploads the real report and downloads it back; writes the
sustainability plan with its signed copy under the countdown; and decides to close, which
closes the alliance. Screenshots go to tests/artifacts/."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from dateutil.relativedelta import relativedelta
from playwright.sync_api import Browser, expect

from alliance_flow import models as m
from alliance_flow.accounts import services as accounts
from alliance_flow.accounts.demo import DEMO_PASSWORD
from alliance_flow.db import Database
from alliance_flow.services import alliances as alliance_service
from alliance_flow.web.i18n import Translator
from tests.e2e.conftest import log_in
from tests.e2e.test_accessibility import serious_violations

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _alliance_in_stage_6(db: Database, slug: str, today: date) -> None:
    """An alliance in stage 6 whose work plan ends in nine months, and its coordinator."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(
            accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
        )
        with db.transaction() as session:
            a = alliance_service.create_alliance(
                session=session,
                alliance_in={
                    "name": f"Alliance de Cenon {slug[-2:]}",
                    "country": "FR",
                    "slug": slug,
                    "timezone": "Europe/Paris",
                    "language": "fr",
                    "work_plan_start": (today - relativedelta(months=15)).isoformat(),
                    "work_plan_end": (today + relativedelta(months=9)).isoformat(),
                },
                actor="test",
            )
            with m.stage_change():
                a.stage = "sustainability"
            session.flush()
            accounts.create_user(
                session=session,
                user_in={
                    "login": f"coord-{slug}",
                    "name": "Claire Coordinatrice",
                    "password": DEMO_PASSWORD,
                },
            )
            accounts.grant_role(
                session=session, login=f"coord-{slug}", alliance_ref=slug, role="coordinator"
            )


@pytest.fixture(params=["en", "fr"])
def language(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_evaluate_plan_and_close_in_the_browser(
    browser: Browser,
    browser_context_args: dict[str, Any],
    demo_db: Database,
    language: str,
    artifacts: Path,
    tmp_path: Path,
) -> None:
    slug = f"stage6-{language}"
    today = date.today()
    _alliance_in_stage_6(demo_db, slug, today)
    tr = Translator(language)
    _ = tr.gettext
    context = browser.new_context(
        **browser_context_args,
        locale="fr-FR" if language == "fr" else "en-GB",
        extra_http_headers={"Accept-Language": f"{language};q=1.0"},
    )
    page = context.new_page()
    n = 0

    def shot(what: str) -> None:
        nonlocal n
        n += 1
        page.screenshot(
            path=artifacts / f"sustainability-{language}-{n:02d}-{what}.png", full_page=True
        )

    log_in(page, f"coord-{slug}")

    # --- the failing check links to the form that fixes it
    page.goto(f"/alliances/{slug}")
    check = page.locator("[data-code='sustainability.evaluation_on_time']")
    check.get_by_role("link").first.click()
    expect(page.locator("h1")).to_have_text(_("Evaluations"))
    expect(page.locator("#add")).to_be_visible()

    # --- a SWOT in four quadrants, with the guide's questions beside each
    expect(page.locator("#add-strengths-hint")).to_contain_text(
        _("What do you do better than others?")
    )
    page.fill("#add-held-on", today.strftime("%d/%m/%Y"))
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
    shot("report-refused")
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
    shot("swot-recorded")
    violations["evaluations"] = serious_violations(page)
    # the report comes back as a download, never as a page
    got = page.request.get(str(link.get_attribute("href")))
    assert got.status == 200 and got.body() == PDF
    assert got.headers["content-disposition"].startswith("attachment;")
    assert got.headers["x-content-type-options"] == "nosniff"

    # --- the sustainability plan under its countdown
    page.goto(f"/alliances/{slug}/sustainability")
    expect(page.locator(".af-countdown__days")).to_be_visible()
    shot("countdown")
    violations["sustainability"] = serious_violations(page)
    page.fill(
        "#plan-summary",
        "Un sous-comité cherche des financements croisés; la mairie prête la salle.",
    )
    page.check("#plan-continuation-2")  # formal
    page.fill("#plan-dated-on", today.strftime("%d/%m/%Y"))
    signed = tmp_path / "plan signé.pdf"
    signed.write_bytes(PDF)
    page.set_input_files("#plan-signed", str(signed))
    page.click("#plan button[type=submit]")
    expect(page.locator(".af-countdown--done")).to_contain_text(
        _("The sustainability plan is recorded on time.")
    )
    expect(page.locator("#plan")).to_contain_text("plan signé.pdf")
    shot("plan-recorded")
    page.goto("/")
    card = page.locator(".af-card", has_text=f"Alliance de Cenon {slug[-2:]}")
    expect(card).to_contain_text(_("plan recorded on time"))
    shot("portfolio-card")
    page.goto(f"/alliances/{slug}/sustainability")

    # --- the decision: close, with its reason; the alliance is closed
    page.check("#decision-decision-1")  # close
    page.fill(
        "#decision-decision-reason",
        "Le plan d'action est réalisé; les membres continuent dans leurs réseaux.",
    )
    page.click("#decision button[type=submit]")
    expect(page.locator(".af-countdown--done")).to_contain_text(_("The alliance is closed."))
    expect(page.locator("#closed")).to_contain_text("continuent dans leurs réseaux")
    shot("closed")
    violations["sustainability (closed)"] = serious_violations(page)
    assert not any(violations.values()), violations
    page.goto(f"/alliances/{slug}")
    expect(page.locator("#stage")).to_have_attribute("data-stage", "closed")
    shot("alliance-closed")
    page.goto("/")
    card = page.locator(".af-card", has_text=f"Alliance de Cenon {slug[-2:]}")
    expect(card).to_contain_text(_("closed"))
    context.close()


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
