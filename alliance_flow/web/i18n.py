"""Languages: gettext catalogs compiled from the .po files at start-up, and locale formatting.

Adding a language is adding `locales/<code>/LC_MESSAGES/messages.po`; no code changes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DEFAULT_LANGUAGE = "en"


def N_(message: str) -> str:
    """Marks a string for extraction; it is translated where it is shown."""
    return message


@lru_cache
def catalogs() -> dict[str, NullTranslations]:
    """Every catalog under locales/, compiled in memory (no .mo build step)."""
    found: dict[str, NullTranslations] = {}
    for po in sorted(LOCALES_DIR.glob("*/LC_MESSAGES/messages.po")):
        language = po.parent.parent.name
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=language)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        found[language] = Translations(buffer)
    found.setdefault(DEFAULT_LANGUAGE, NullTranslations())
    return found


def languages() -> list[str]:
    return sorted(catalogs())


def language_name(code: str) -> str:
    try:
        return Locale.parse(code).get_display_name(code) or code
    except (UnknownLocaleError, ValueError):
        return code


def negotiate(accept_language: str | None) -> str:
    """The best available language for an Accept-Language header."""
    available = set(catalogs())
    weighted: list[tuple[float, str]] = []
    for part in (accept_language or "").split(","):
        piece = part.strip()
        if not piece:
            continue
        tag, _, params = piece.partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        weighted.append((quality, tag.strip().lower()))
    for _q, tag in sorted(weighted, key=lambda w: -w[0]):
        for candidate in (tag, tag.split("-")[0]):
            if candidate in available:
                return candidate
    return DEFAULT_LANGUAGE


@dataclass(frozen=True)
class Translator:
    """One request's language: gettext and locale-aware formatting for templates."""

    language: str

    @property
    def _catalog(self) -> NullTranslations:
        return catalogs().get(self.language) or catalogs()[DEFAULT_LANGUAGE]

    def gettext(self, message: str) -> str:
        return self._catalog.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._catalog.ngettext(singular, plural, n)

    def date(self, value: date | None) -> str:
        return "" if value is None else format_date(value, format="medium", locale=self.language)

    def datetime(self, value: datetime | None) -> str:
        if value is None:
            return ""
        return format_datetime(value, format="medium", tzinfo=value.tzinfo, locale=self.language)

    def number(self, value: float | int) -> str:
        return format_decimal(value, locale=self.language)
