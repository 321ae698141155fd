"""Languages: gettext catalogs compiled from the .po files at start-up, and locale formatting.

Adding a language is adding `locales/<code>/LC_MESSAGES/messages.po`; no code changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from babel.support import NullTranslations

from alliance_flow import i18n as core_i18n
from alliance_flow.i18n import DEFAULT_LANGUAGE, LOCALES_DIR, catalogs, country_name, zone_city

__all__ = ["DEFAULT_LANGUAGE", "LOCALES_DIR", "N_", "Translator", "catalogs", "negotiate"]


def N_(message: str) -> str:
    """Marks a string for extraction; it is translated where it is shown."""
    return message


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
    #: Where dates and numbers are written as in a country ("fr_FR", "en_IE"); the language's
    #: own way when None.
    locale: str | None = None

    @property
    def _where(self) -> str:
        return self.locale or self.language

    @property
    def _catalog(self) -> NullTranslations:
        # A page asks for hundreds of texts: look the one catalog up, not every catalog each time.
        known = self.language in core_i18n.languages()
        return core_i18n.catalog(self.language if known else DEFAULT_LANGUAGE)

    def gettext(self, message: str) -> str:
        return self._catalog.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._catalog.ngettext(singular, plural, n)

    def date(self, value: date | None) -> str:
        return "" if value is None else _date(value, self._where)

    def datetime(self, value: datetime | None) -> str:
        if value is None:
            return ""
        return format_datetime(value, format="medium", tzinfo=value.tzinfo, locale=self._where)

    def number(self, value: float | int) -> str:
        return _number(value, self._where)

    def country(self, code: str | None) -> str:
        return country_name(code, self.language)

    def zone(self, name: str | None) -> str:
        """A time zone as the reader names its city ('Europe/Vienna': 'Wenen', 'Wien'), never
        its code; UTC as it is."""
        return zone_city(name or "UTC", self.language)


# A page writes the same few numbers and days many times over (counts of 0 to 12, this week's
# dates), and Babel parses its pattern and locale for each: remember what it wrote.
@lru_cache(maxsize=4096, typed=True)
def _number(value: float | int, where: str) -> str:
    return format_decimal(value, locale=where)


@lru_cache(maxsize=4096)
def _date(value: date, where: str) -> str:
    return format_date(value, format="medium", locale=where)


def country_locale(language: str, country: str | None) -> str:
    """The locale of a language as written in a country ("en" in "IE" is "en_IE"), or the
    language alone when Babel knows no such pair."""
    if country:
        candidate = f"{language}_{country.upper()}"
        try:
            Locale.parse(candidate)
        except (UnknownLocaleError, ValueError):
            return language
        return candidate
    return language
