"""A funder opens their alliance's progress report and the portfolio in the browser, and
downloads the PDF; the PDF's text is that of the alliance they fund."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e


def test_funder_reads_the_report_and_downloads_the_pdf(
    page: Page, artifacts: Path, tmp_path: Path
) -> None:
    # given the funder of the Bordeaux alliance, on the alliance page
    log_in(page, "funder-bordeaux")
    page.get_by_role("link", name="Alliance régionale Bordeaux Métropole").first.click()
    # when they open the progress report
    page.get_by_role("link", name="Progress report").click()
    # then it shows the alliance's stages and checks, with the charts
    expect(page.locator("h1")).to_contain_text("Alliance régionale Bordeaux Métropole")
    expect(page.locator("body")).to_contain_text("Charter signed by every member")
    assert page.locator("svg").count() >= 1
    page.screenshot(path=str(artifacts / "funder-report.png"), full_page=True)
    # and the PDF downloads, and reads as the same report
    with page.expect_download() as info:
        page.locator("a[href*='report.pdf']").first.click()
    pdf = tmp_path / "report.pdf"
    info.value.save_as(pdf)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Alliance régionale Bordeaux Métropole" in text
    # and the portfolio lists only the alliance they fund
    page.goto("/reports/portfolio")
    main = page.locator("body")
    expect(main).to_contain_text("Bordeaux")
    expect(main).not_to_contain_text("Roscommon")
    page.screenshot(path=str(artifacts / "funder-portfolio.png"), full_page=True)
