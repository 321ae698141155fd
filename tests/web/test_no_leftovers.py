"""A French, Dutch or Swedish coordinator meets no English and no raw code on the dashboard.

Every page of an alliance is rendered in each language; a text on the page that is still an
English message of the catalog (so it was not translated where it is shown), or that is a stored
code (`migrant_refugee_community`, `planning`), fails the test. Names typed by users are data and
are allowed: only whole texts are compared.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from alliance_flow import vocabulary
from alliance_flow.accounts import services as accounts
from alliance_flow.i18n import LOCALES_DIR
from tests.web.conftest import World, login

PLACEHOLDER = re.compile(r"\{[a-z_]+\}|%\([a-z_]+\)[sd]")

#: Pages a coordinator works in, by path under /alliances/north (and a few of the whole site).
PAGES = (
    "/",
    "/account",
    "/alliances/north",
    "/alliances/north/edit",
    "/alliances/north/stages/scope",
    "/alliances/north/stages/launch",
    "/alliances/north/stages/analysis",
    "/alliances/north/stages/planning",
    "/alliances/north/stages/dissemination",
    "/alliances/north/stages/sustainability",
    "/alliances/north/members",
    "/alliances/north/organisations",
    "/alliances/north/briefing",
    "/alliances/north/meetings",
    "/alliances/north/launch",
    "/alliances/north/outbox",
    "/alliances/north/me",
    "/alliances/north/analysis",
    "/alliances/north/map",
    "/alliances/north/planning",
    "/alliances/north/actions",
    "/alliances/north/charter",
    "/alliances/north/dissemination",
    "/alliances/north/print",
    "/alliances/north/evaluations",
    "/alliances/north/sustainability",
    "/alliances/north/no-such-page",
)


class _Texts(HTMLParser):
    """The texts a reader sees: text nodes, titles, labels in attributes; never scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "textarea", "option"):
            self._skip += 1
        for name, value in attrs:
            if name in ("title", "aria-label", "placeholder") and value:
                self.texts.append(value.strip())

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "textarea", "option") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if text and not self._skip:
            self.texts.append(text)


def _english_messages(language: str) -> set[str]:
    """English messages (no placeholders, two words or more) unless `language` writes them alike."""

    def catalog(code: str) -> Catalog:
        with (LOCALES_DIR / code / "LC_MESSAGES" / "messages.po").open("rb") as fh:
            return read_po(fh)

    same = {m.id for m in catalog(language) if m.id and m.string == m.id}
    return {
        m.id.rstrip(":.")
        for m in catalog("en")
        if m.id
        and not isinstance(m.id, tuple)
        and not PLACEHOLDER.search(m.id)
        and len(m.id.split()) >= 2
        and m.id not in same
    }


def _codes() -> set[str]:
    """Stored values that must never be shown as they are stored."""
    codes = set()
    for enum in vars(vocabulary).values():
        if (
            isinstance(enum, type)
            and issubclass(enum, vocabulary.StrEnum)
            and enum is not vocabulary.StrEnum
        ):
            codes |= {
                member.value for member in enum if "_" in member.value or len(member.value) > 3
            }
    return codes


@pytest.mark.parametrize("language", ["fr", "nl", "sv"])
def test_no_english_and_no_code_on_any_page(
    world: World, client: TestClient, language: str
) -> None:
    with world.db.transaction() as session:
        accounts.get_user(session=session, login="coordinator").language = language
    login(client, "coordinator")
    english, codes = _english_messages(language), _codes()
    leftovers: dict[str, set[str]] = {}
    for path in PAGES:
        page = client.get(path)
        assert page.status_code in (200, 404), (path, page.status_code)
        reader = _Texts()
        reader.feed(page.text)
        for text in reader.texts:
            bare = text.rstrip(":.")
            if bare in english or text in codes:
                leftovers.setdefault(path, set()).add(text)
    assert not leftovers, f"{language}: {leftovers}"
