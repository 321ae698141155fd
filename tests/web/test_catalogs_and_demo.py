"""Every user-facing string is translated in every catalog; demo accounts can log in."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from alliance_flow.accounts.demo import DEMO_PASSWORD, create_demo_accounts
from alliance_flow.i18n import LANGUAGES
from alliance_flow.reports.i18n import LOCALES_DIR as REPORT_LOCALES_DIR
from alliance_flow.web import create_app
from alliance_flow.web.i18n import LOCALES_DIR
from tests.conftest import TODAY
from tests.web.conftest import World, login

PROJECT = Path(__file__).resolve().parents[2]
#: Each catalog and the extraction map (babel.cfg) that says which files feed it: the dashboard's
#: (pages, gate checks, reminders, services, importer) and the reports'.
DOMAINS = (LOCALES_DIR, REPORT_LOCALES_DIR)


def _source_messages(locales: Path) -> set[str]:
    with (locales / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(PROJECT), method_map, options_map, keywords=keywords
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


@pytest.mark.parametrize("locales", DOMAINS, ids=["dashboard", "reports"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_catalog_translates_every_message(locales: Path, language: str) -> None:
    messages = _source_messages(locales)
    assert len(messages) > 100
    with (locales / language / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh)
    translated = {
        (m.id[0] if isinstance(m.id, tuple) else m.id)
        for m in catalog
        # a fuzzy entry is a guess the catalogs do not use: the reader would see English
        if m.id and not m.fuzzy and all(m.string if isinstance(m.string, tuple) else [m.string])
    }
    missing = sorted(messages - translated)
    assert not missing, f"{language} lacks: {missing}"


def test_demo_accounts_log_in_with_their_role(world: World) -> None:
    rows = create_demo_accounts(world.db, ["north"])
    assert {(r[0], r[2]) for r in rows} == {
        ("admin", "admin"),
        ("coordinator-north", "coordinator"),
        ("member-north", "member"),
        ("funder-north", "funder"),
    }
    assert create_demo_accounts(world.db, ["north"]) == rows  # running the demo twice is fine
    client = TestClient(create_app(world.db, today=lambda: TODAY))
    login(client, "funder-north", DEMO_PASSWORD)
    assert "North" in client.get("/").text
