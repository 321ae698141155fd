"""The reports' catalogs (en, fr, nl, sv) and locale formatting of dates, money and shares.

The .po files under reports/locales/ are compiled in memory on first use, like the dashboard's;
`pybabel extract -F alliance_flow/reports/locales/babel.cfg` finds every string to translate.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime, format_skeleton
from babel.numbers import format_currency, format_decimal, format_percent
from babel.support import NullTranslations

from alliance_flow.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    compile_catalog,
    country_name,
    current_language,
)

LOCALES_DIR = Path(__file__).resolve().parent / "locales"


def N_(message: str) -> str:
    """Marks a string for extraction; it is translated where it is shown."""
    return message


@lru_cache
def catalogs() -> dict[str, NullTranslations]:
    found: dict[str, NullTranslations] = {}
    for po in sorted(LOCALES_DIR.glob("*/LC_MESSAGES/messages.po")):
        language = po.parent.parent.name
        found[language] = compile_catalog(po, language)
    found.setdefault(DEFAULT_LANGUAGE, NullTranslations())
    return found


def _(message: str) -> str:
    """`message` in the language of this request or command (for refusals, outside a report)."""
    found = catalogs()
    return (found.get(current_language()) or found[DEFAULT_LANGUAGE]).gettext(message)


@lru_cache
def country_currency(country: str | None) -> str:
    """The legal tender of a country (ISO 3166 alpha-2), euros when it is unknown."""
    from babel.numbers import get_territory_currencies

    found = get_territory_currencies(country.upper()) if country else []
    return found[0] if found else "EUR"


def pick_language(*candidates: str | None) -> str:
    """The first candidate the reports speak, else English."""
    for code in candidates:
        if code and code.split("-")[0].lower() in LANGUAGES:
            return code.split("-")[0].lower()
    return DEFAULT_LANGUAGE


@dataclass(frozen=True)
class Texts:
    """One report's language: gettext plus the locale's way to write dates, money and shares."""

    language: str
    #: One currency for every amount (a setting); by default each amount is in the currency of
    #: its alliance's country (kronor in Sweden, euros in France, Ireland and the Netherlands).
    currency: str | None = None

    @property
    def _catalog(self) -> NullTranslations:
        return catalogs().get(self.language) or catalogs()[DEFAULT_LANGUAGE]

    @property
    def colon(self) -> str:
        """French puts a (non-breaking) space before a colon."""
        return "\u00a0:" if self.language == "fr" else ":"

    def gettext(self, message: str) -> str:
        return self._catalog.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._catalog.ngettext(singular, plural, n)

    def date(self, value: dt.date | None) -> str:
        return "" if value is None else format_date(value, format="medium", locale=self.language)

    def month(self, value: dt.date) -> str:
        """The month and year, as in "March 2026" or "mars 2026"."""
        return format_skeleton("yMMMM", value, locale=self.language)

    def short_date(self, value: dt.date | None) -> str:
        return "" if value is None else format_date(value, format="short", locale=self.language)

    def datetime(self, value: dt.datetime | None) -> str:
        if value is None:
            return ""
        return format_datetime(
            value, format="medium", tzinfo=value.tzinfo, locale=self.language
        ) + (" UTC" if value.utcoffset() is not None and not value.utcoffset() else "")

    def country(self, code: str | None) -> str:
        return country_name(code, self.language)

    def number(self, value: float | int | Decimal | None) -> str:
        return "–" if value is None else format_decimal(value, locale=self.language)

    def currency_of(self, country: str | None) -> str:
        """The currency a country's alliances budget in, unless one is set for every report."""
        if self.currency:
            return self.currency
        return country_currency(country)

    def money(self, value: Decimal | float | int | None, country: str | None = None) -> str:
        """An amount in its alliance's currency; whole amounts without the cents."""
        if value is None:
            return "–"
        currency = self.currency_of(country)
        amount = Decimal(str(value))
        if amount == amount.to_integral_value():
            pattern = Locale.parse(self.language).currency_formats["standard"].pattern
            return format_currency(
                amount,
                currency,
                format=pattern.split(";")[0].replace(".00", ""),
                locale=self.language,
                currency_digits=False,
            )
        return format_currency(amount, currency, locale=self.language)

    def percent(self, value: float | None) -> str:
        return "–" if value is None else format_percent(value, locale=self.language)
