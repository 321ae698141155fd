"""The report as a funder receives it: PDF pages (as images and text), HTML, CSV and XLSX."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from alliance_flow.db import Database
from alliance_flow.reports import service
from alliance_flow.reports.i18n import LOCALES_DIR, Texts
from alliance_flow.services import alliances
from tests.conftest import TODAY

GENERATED = datetime(2026, 3, 2, 7, 30, tzinfo=UTC)
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None,
    reason="poppler-utils is not installed (scripts/system-packages installs it)",
)


def produce(db: Database, fmt: str, lang: str = "en", period: str = "whole") -> bytes:
    with db.transaction() as session:
        a = alliances.get_alliance(session=session, ref="testville")
        report = service.alliance_report(
            session=session,
            alliance=a,
            period=period,
            today=TODAY,
            generated_at=GENERATED,
            language=lang,
        )
    return service.produce_alliance(report, fmt, Texts(lang)).content


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return re.sub(r"\s+", " ", out)  # reading order, one line: table cells may wrap


@needs_poppler
def test_pdf_pages_render_and_say_what_was_recorded(built: Database, tmp_path: Path) -> None:
    # given Testville's whole-life report as a PDF
    pdf = produce(built, "pdf")
    assert pdf.startswith(b"%PDF")
    (tmp_path / "report.pdf").write_bytes(pdf)

    # when it is turned into PNG pages
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", str(tmp_path / "report.pdf"), str(tmp_path / "page")],
        check=True,
    )
    pages = sorted(tmp_path.glob("page-*.png"))
    # then there are a few A4 pages (595 x 842 pt at 60 dpi: 497 x 702 px)
    assert 3 <= len(pages) <= 6
    header = pages[0].read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")
    assert (width, height) == (497, 702)

    # and the text says what the alliance recorded
    text = pdf_text(pdf, tmp_path)
    for expected in (
        "Testville Alliance",
        "Progress report",
        "Whole life of the alliance: Jan 1, 2025 to Mar 2, 2026",
        "Generated on Mar 2, 2026, 7:30:00 AM UTC",
        "4/6 3/5 5 79% 67% 120",  # the tiles...
        "Planning, 168 days checks passed, 1 waived",  # ... and what they count
        "Charter signed by every member ✗ failing",
        "Waived because: The vision is part of the charter text the members adopt.",
        "Ten partners in three towns: small is fine for now.",  # the waiver, not who granted it
        "Active members 5",
        "Members from migrant and refugee communities 2 (40%)",
        "79% (15/19)",
        "Budget planned €9,500.50 Budget committed €3,500 (37%)",
        "Latest SWOT: Self-assessment (SWOT), Feb 20, 2026",  # not who evaluated (a person)
        "Regional funding call",
        "Regional action plan",
        "Members and partners",
        "Sustainability plan and evaluation due",
        "Still missing: the sustainability plan.",
        "“Charter signed by every member” still fails after 168 days in this stage",
        "Action “Interpreter pool” is 15 days late (due on Feb 15, 2026).",
        "Data source: what the alliance “Testville Alliance” recorded",
    ):
        assert expected in text, expected
    assert "sqlite" not in text  # a database's address means nothing to a funder
    # people are counted, not named
    for name in ("Alice", "Chloé", "Farid"):
        assert name not in text


@needs_poppler
def test_pdf_in_french(built: Database, tmp_path: Path) -> None:
    text = pdf_text(produce(built, "pdf", "fr"), tmp_path)
    for expected in (
        "Rapport d'avancement",
        "Toute la vie de l'alliance : du 1 janv. 2025 au 2 mars 2026",
        "1. Où en est l'alliance",
        "Viabilité",
        "Membres actifs 5",
        "Budget prévu 9 500,50 €",
        "Il manque encore : le plan de viabilité.",
        "L'action « Interpreter pool » a 15 jours de retard (prévue le 15 févr. 2026).",
    ):
        assert expected in text, expected


def test_html_is_one_self_contained_page(built: Database) -> None:
    html = produce(built, "html").decode()
    assert html.startswith("<!doctype html>")
    assert html.count("<svg") == 5  # timeline, sectors, attendance, actions, budget
    assert "http" not in re.sub(
        r'https://testville\.example\.org/plan|"http://www\.w3\.org[^"]*"', "", html
    )  # nothing fetched from elsewhere
    # each chart's ids are its own, so five inline SVGs never collide
    ids = re.findall(r'id="([^"]+)"', html)
    assert len(ids) == len(set(ids))


def test_csv_reads_back(built: Database) -> None:
    content = produce(built, "csv")
    assert content.startswith("\ufeff".encode())  # so Excel reads the accents
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == ["Indicator", "Value"]
    values = dict(rows[1:])
    assert values["Stage"] == "Planning"  # a word, never the stored code
    assert values["Checks passed"] == "3" and values["Checks waived"] == "1"
    assert values["Active members"] == "5"
    assert values["Share of migrant and refugee communities"] == "0.4"
    assert values["Active members: Social action"] == "3"
    assert values["Attendance rate"] == "0.7895"
    assert values["Attendance rate: Socio-cultural & sports"] == "0.7143"
    assert values["Actions: Late"] == "1"
    assert values["Budget planned"] == "9500.50"
    assert values["Budget committed"] == "3500.00"
    assert values["Days to the sustainability deadline"] == "120"
    assert values["Sustainability deadline"] == "2026-06-30"
    assert values["Risks"] == "3"
    assert "Data source" not in values  # a database's address means nothing to a funder


def test_xlsx_reads_back_in_french(built: Database) -> None:
    wb = load_workbook(io.BytesIO(produce(built, "xlsx", "fr")))
    assert wb.sheetnames == ["Indicateurs", "Plan d'action", "Vérifications"]
    rows = list(wb["Indicateurs"].iter_rows(values_only=True))
    assert rows[0] == ("Indicateur", "Valeur")
    indicators = dict(rows[1:])
    assert indicators["Étape"] == "Planification"
    assert indicators["Membres actifs"] == 5
    assert indicators["Budget prévu"] == pytest.approx(9500.5)
    assert indicators["Taux de présence"] == pytest.approx(0.7895)
    actions = list(wb["Plan d'action"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1], r[5]) for r in actions] == [
        (1, "Interpreter pool", "En retard"),
        (2, "Welcome walks", "Faites"),
        (3, "Job fair", "Dans les temps"),
        (4, "Radio show", "Abandonnées"),
    ]
    checks = list(wb["Vérifications"].iter_rows(values_only=True))
    assert checks[0] == ("Vérification", "Réussie", "Levée", "Motif")
    assert {row[1] for row in checks[1:]} <= {"oui", "non"}
    # no code of a check ('planning.actions_complete') anywhere
    assert not any("." in str(cell) and "_" in str(cell) for row in checks for cell in row)


def test_portfolio_csv_xlsx_and_pdf(built: Database, tmp_path: Path) -> None:
    with built.transaction() as s:
        portfolio, _ = service.funder_portfolio(
            session=s, login="funder-both", period="whole", today=TODAY
        )
    t = Texts("en")
    rows = list(
        csv.DictReader(
            io.StringIO(service.produce_portfolio(portfolio, "csv", t).content.decode("utf-8-sig"))
        )
    )
    assert [
        (r["Alliance id"], r["Stage"], r["Stage number (1-6)"], r["Checks passed"], r["Risks"])
        for r in rows
    ] == [
        ("testville", "Planning", "4", "3", "3"),
        ("otherville", "Scope", "1", "0", "8"),  # 274 days in scope, 8 checks failing
    ]
    assert rows[0]["Share of actions on time"] == "0.6667" and rows[1]["Attendance rate"] == ""
    wb = load_workbook(io.BytesIO(service.produce_portfolio(portfolio, "xlsx", t).content))
    sheet = list(wb["Portfolio"].iter_rows(values_only=True))
    assert sheet[0][:4] == ("Alliance id", "Alliance", "Country", "Stage")
    assert [r[:4] for r in sheet[1:]] == [
        ("testville", "Testville Alliance", "France", "Planning"),
        ("otherville", "Otherville Alliance", "Ireland", "Scope"),
    ]
    swedish = load_workbook(
        io.BytesIO(service.produce_portfolio(portfolio, "xlsx", Texts("sv")).content)
    )
    sheet = list(swedish.worksheets[0].iter_rows(values_only=True))
    assert sheet[0][2:4] == ("Land", "Fas") and sheet[1][2:4] == ("Frankrike", "Planering")
    pdf = service.produce_portfolio(portfolio, "pdf", t)
    assert pdf.filename == "portfolio-funder-both-2026-03-02.pdf"
    if shutil.which("pdftotext"):
        text = pdf_text(pdf.content, tmp_path)
        assert "Portfolio report: Funder-Both" in text
        assert "Testville Alliance (France) 4. Planning" in text
        assert "Otherville Alliance (Ireland) 1. Scope" in text


def _catalog_ids(language: str) -> set[str]:
    from babel.messages.pofile import read_po

    with (LOCALES_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh)
    return {
        (msg.id[0] if isinstance(msg.id, tuple) else msg.id)
        for msg in catalog
        if msg.id and all(msg.string if isinstance(msg.string, tuple) else [msg.string])
    }


def test_both_catalogs_translate_every_string() -> None:
    from babel.messages.extract import extract_from_dir

    root = Path(service.__file__).resolve().parent
    found = {
        (message[0] if isinstance(message, tuple) else message)
        for _f, _l, message, _c, _ctx in extract_from_dir(
            str(root),
            [("**.py", "python"), ("templates/**.html", "jinja2")],
            keywords={"_": None, "gettext": None, "ngettext": (1, 2), "N_": None},
        )
    }
    assert len(found) > 200
    for language in ("en", "fr"):
        missing = sorted(found - _catalog_ids(language))
        assert not missing, f"{language} lacks: {missing}"


def test_a_swedish_alliance_budgets_in_kronor(built: Database) -> None:
    # given Testville moved to Sweden (its budget was recorded in its own currency)
    with built.transaction() as session:
        alliances.update_alliance(session=session, ref="testville", changes={"country": "SE"})
    # when its report is read in Swedish and in English
    swedish = produce(built, "html", "sv").decode()
    english = produce(built, "html", "en").decode()
    # then the amounts are in kronor, written each language's way, never in euros
    assert "9\u00a0500,50\u00a0kr" in swedish
    assert "SEK" in english and "€" not in english
