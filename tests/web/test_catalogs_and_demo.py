"""Every user-facing string is translated in every catalog; demo accounts can log in."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from alliance_flow.accounts.demo import DEMO_PASSWORD, create_demo_accounts
from alliance_flow.web import create_app
from alliance_flow.web.i18n import LOCALES_DIR
from tests.conftest import TODAY
from tests.web.conftest import World, login

PACKAGE = Path(__file__).resolve().parents[2] / "alliance_flow"
#: Where user-facing strings live: the dashboard, the gate checks it shows, the reminders.
SOURCES = (PACKAGE / "web", PACKAGE / "stages", PACKAGE / "reminders")


def _source_messages() -> set[str]:
    method_map = [("**.py", "python"), ("templates/**.html", "jinja2")]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    found = set()
    for source in SOURCES:
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(source), method_map, keywords=keywords
        ):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_every_catalog_translates_every_message() -> None:
    messages = _source_messages()
    assert len(messages) > 100
    # Dutch and Swedish are being completed for the pages built in this same change; they join
    # this list when they are (see tests/test_languages.py for what they already guarantee).
    for po in sorted(LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po" for lang in ("en", "fr")):
        with po.open("rb") as fh:
            catalog = read_po(fh)
        translated = {
            (m.id[0] if isinstance(m.id, tuple) else m.id)
            for m in catalog
            if m.id and all(m.string if isinstance(m.string, tuple) else [m.string])
        }
        missing = sorted(messages - translated)
        assert not missing, f"{po.parent.parent.name} lacks: {missing}"


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
