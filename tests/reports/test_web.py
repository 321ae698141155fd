"""A funder opens the reports of the alliances they fund, and only those, in the browser."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from alliance_flow.db import Database
from alliance_flow.web import create_app
from tests.conftest import TODAY
from tests.web.conftest import login

from .conftest import PASSWORD


@pytest.fixture
def client(built: Database) -> Iterator[TestClient]:
    app = create_app(built, today=lambda: TODAY)
    with TestClient(app) as c:
        yield c


def test_funder_reads_their_alliance_report_and_downloads_it(client: TestClient) -> None:
    # given funder-a, who funds Testville
    login(client, "funder-a", PASSWORD)
    # when they open the report
    page = client.get("/alliances/testville/report")
    # then they see it, with its charts inline and the downloads
    assert page.status_code == 200
    assert "Testville Alliance" in page.text and "<svg" in page.text
    assert 'href="/alliances/testville/report.pdf?period=whole"' in page.text
    # in their language, or the one they ask for
    assert "Progress report" in page.text
    assert "Rapport d&#39;avancement" in client.get("/alliances/testville/report?lang=fr").text
    # every language of the reports is offered, each named in itself, the one read chosen
    dutch = client.get("/alliances/testville/report?lang=nl").text
    assert "Voortgangsrapport" in dutch
    offered = re.findall(r'<option value="(\w+)" lang="\1"( selected)?>([^<]+)</option>', dutch)
    assert offered == [
        ("en", "", "English"),
        ("fr", "", "Français"),
        ("nl", " selected", "Nederlands"),
        ("sv", "", "Svenska"),
    ]

    pdf = client.get("/alliances/testville/report.pdf?period=quarter")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"
    assert 'filename="testville-report-2026-03-02.pdf"' in pdf.headers["content-disposition"]
    csv = client.get("/alliances/testville/report.csv")
    assert csv.status_code == 200 and "Active members,5" in csv.text
    xlsx = client.get("/alliances/testville/report.xlsx")
    assert xlsx.content[:2] == b"PK"


def test_funder_cannot_get_an_alliance_they_do_not_fund(client: TestClient) -> None:
    login(client, "funder-a", PASSWORD)
    for path in (
        "/alliances/otherville/report",
        "/alliances/otherville/report.pdf",
        "/alliances/otherville/report.csv",
        "/alliances/nowhere/report.xlsx",
    ):
        assert client.get(path).status_code == 404, path
    # and the portfolio holds only Testville
    portfolio = client.get("/reports/portfolio")
    assert portfolio.status_code == 200
    assert "Testville Alliance" in portfolio.text and "Otherville" not in portfolio.text
    rows = client.get("/reports/portfolio.csv").text.splitlines()
    assert len(rows) == 2 and rows[1].startswith("testville,")


def test_portfolio_of_a_funder_of_two(client: TestClient) -> None:
    login(client, "funder-both", PASSWORD)
    page = client.get("/reports/portfolio?period=last-quarter")
    assert page.status_code == 200
    assert "Testville Alliance" in page.text and "Otherville Alliance" in page.text
    assert "Oct 1, 2025 to Dec 31, 2025" in page.text
    pdf = client.get("/reports/portfolio.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_bad_requests(client: TestClient) -> None:
    # anonymous: sent to the login page
    answer = client.get("/alliances/testville/report", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login")
    login(client, "funder-a", PASSWORD)
    assert client.get("/alliances/testville/report.docx").status_code == 422
    assert client.get("/alliances/testville/report?period=someday").status_code == 422
    assert client.get("/alliances/testville/report?end=2030-01-01").status_code == 422
    assert client.get("/alliances/testville/report?lang=de").status_code == 422


def test_demo_funders_open_their_reports(tmp_path) -> None:
    from alliance_flow.accounts.demo import DEMO_PASSWORD, create_demo_accounts
    from alliance_flow.demo import load_demo

    # given the demo (four alliances) and its accounts, one funder per alliance
    db = Database(f"sqlite:///{tmp_path / 'demo.db'}")
    db.upgrade()
    slugs = load_demo(db, today=TODAY)
    create_demo_accounts(db, slugs)
    app = create_app(db, today=lambda: TODAY)
    for slug in slugs:
        with TestClient(app) as client:
            login(client, f"funder-{slug}", DEMO_PASSWORD)
            # when each funder opens their alliance's report and their portfolio
            report = client.get(f"/alliances/{slug}/report")
            portfolio = client.get("/reports/portfolio.csv")
            # then they see it, and no other alliance
            assert report.status_code == 200, slug
            assert "1. Where the alliance stands" in report.text
            assert [line.split(",")[0] for line in portfolio.text.splitlines()[1:]] == [slug]
            other = next(s for s in slugs if s != slug)
            assert client.get(f"/alliances/{other}/report").status_code == 404
    db.dispose()
