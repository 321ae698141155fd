"""A French coordinator meets no English: not in a page, a printable document, an error page, a
report (PDF, spreadsheet, CSV) or an export, wherever the English was written.

The guide's demo is loaded and every page of its French alliance is rendered with French catalogs
that mark what they translate (tests/leftovers.py). A word a reader sees outside the marks that
is not data typed by users (names, places, reasons), a French date or a name Babel gives in French
(countries, languages) is English left in a template or in Python, or a stored code.
"""

from __future__ import annotations

import csv
import io
import subprocess
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from alliance_flow import models as m
from alliance_flow.accounts import services as accounts
from alliance_flow.accounts.demo import DEMO_PASSWORD, create_demo_accounts
from alliance_flow.db import Database
from alliance_flow.demo import load_demo
from alliance_flow.web import create_app
from tests.conftest import TODAY
from tests.leftovers import babel_names, data_values, dates_words, leftovers, marked_french
from tests.web.conftest import CSRF

A = "/alliances/bordeaux"
#: Every page of an alliance a coordinator opens, the printable ones, and the whole site's.
PAGES = (
    "/",
    "/account",
    "/me/tokens",
    A,
    f"{A}/edit",
    f"{A}/history",
    f"{A}/checks",
    *(
        f"{A}/stages/{s}"
        for s in ("scope", "launch", "analysis", "planning", "dissemination", "sustainability")
    ),
    f"{A}/members",
    f"{A}/organisations",
    f"{A}/briefing",
    f"{A}/briefing/print",
    f"{A}/meetings",
    f"{A}/launch",
    f"{A}/outbox",
    f"{A}/me",
    f"{A}/map",
    f"{A}/planning",
    f"{A}/actions",
    f"{A}/charter",
    f"{A}/analysis",
    f"{A}/dissemination",
    f"{A}/evaluations",
    f"{A}/sustainability",
    f"{A}/print",
    # the funder's report and the files a coordinator downloads
    f"{A}/report",
    f"{A}/report.pdf",
    f"{A}/report.csv",
    f"{A}/report.xlsx",
    f"{A}/stakeholders.csv",
    f"{A}/stakeholders.xlsx",
    f"{A}/stakeholders.csv?contacts=yes",
    *(
        f"{A}/print/{annex}"
        for annex in ("briefing", "action-plan", "charter", "communication-plan", "swot")
    ),
)
#: Error pages: no such alliance, another alliance's page, no such page, a form from elsewhere.
ERRORS = (
    "/alliances/nope",
    "/alliances/roscommon",
    f"{A}/no-such-page",
    f"{A}/meetings/999999",
    f"{A}/members/999999",
)


class _Texts(HTMLParser):
    """What a reader sees or hears: text, options, titles, labels, alternative texts, buttons."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "textarea"):
            self._skip += 1
        named = dict(attrs)
        for name in ("title", "aria-label", "placeholder", "alt", "label"):
            if named.get(name):
                self.texts.append(str(named[name]))
        if tag == "input" and named.get("type") in ("submit", "button") and named.get("value"):
            self.texts.append(str(named["value"]))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "textarea") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.texts.append(data)


def _read(path: str, response) -> str:  # type: ignore[no-untyped-def]
    """The text of a page or a file, as its reader sees it."""
    kind = response.headers.get("content-type", "")
    if "pdf" in kind:
        text = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", "-", "-"],
            input=response.content,
            capture_output=True,
            check=True,
        ).stdout.decode()
        # a value wrapped over lines or table cells is read as one (the layout is not the text)
        return " ".join(text.split())
    if "spreadsheet" in kind:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(response.content), read_only=True)
        return "\n".join(
            [
                *(sheet.title for sheet in book.worksheets),
                *(
                    str(cell)
                    for sheet in book.worksheets
                    for row in sheet.iter_rows(values_only=True)
                    for cell in row
                    if isinstance(cell, str)
                ),
            ]
        )
    if "html" in kind:
        reader = _Texts()
        reader.feed(response.text)
        return "\n".join(reader.texts)
    text = response.content.decode("utf-8-sig")
    if "csv" in kind:  # cell by cell, as a spreadsheet shows it (a link ends with its cell)
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,")
        return "\n".join(cell for row in csv.reader(io.StringIO(text), dialect) for cell in row)
    return text


@pytest.fixture
def demo(db: Database) -> Database:
    slugs = load_demo(db, today=TODAY, actor="demo")
    create_demo_accounts(db, slugs)
    with db.transaction() as session:
        accounts.get_user(session=session, login="coordinator-bordeaux").language = "fr"
    return db


def _login(client: TestClient, user: str) -> str:
    token = CSRF.search(client.get("/login").text)
    assert token
    client.post(
        "/login", data={"login": user, "password": DEMO_PASSWORD, "csrf_token": token.group(1)}
    )
    return token.group(1)


def test_no_english_and_no_code_anywhere_a_french_coordinator_looks(
    demo: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    with demo.transaction() as session:
        values = data_values(session)
        meeting = session.scalars(select(m.Meeting.id).order_by(m.Meeting.id)).first()
        member = session.scalars(select(m.Member.id).order_by(m.Member.id.desc())).first()
        organisation = session.scalars(
            select(m.Organisation.id).order_by(m.Organisation.id.desc())
        ).first()
    allowed = dates_words("fr") | babel_names("fr") | {"bordeaux", "roscommon", "nope"}
    allowed |= {"pdf", "docx", "odt", "xlsx", "png", "jpeg"}  # the file types a form accepts
    found: dict[str, set[str]] = {}
    with marked_french(monkeypatch), TestClient(create_app(demo, today=lambda: TODAY)) as client:
        csrf = _login(client, "coordinator-bordeaux")
        paths = [
            *PAGES,
            f"{A}/meetings/{meeting}",
            f"{A}/meetings/{meeting}/invitation",
            f"{A}/members/{member}",
            f"{A}/organisations/{organisation}",
            *ERRORS,
        ]
        for path in paths:
            answer = client.get(path)
            assert answer.status_code in (200, 403, 404, 405), (path, answer.status_code)
            left = leftovers(_read(path, answer), allowed, values)
            if left:
                found[path] = left
        # a form that did not come from this site, and a language nobody speaks
        refused = client.post(f"{A}/edit", data={"csrf_token": "forged"})
        left = leftovers(_read("forged", refused), allowed, values)
        if left:
            found["POST without the form's token"] = left
        assert csrf
    assert not found, "\n".join(f"{path}: {sorted(words)}" for path, words in found.items())
