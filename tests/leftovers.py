"""Finding English a French reader would still meet, wherever it comes from.

Comparing a page with the catalog finds only the catalog's own sentences left untranslated;
English typed straight into a template or a Python string would pass. So the French catalogs are
replaced, for a test, by *marked* ones: every text they give is wrapped in ⟦ ⟧ (the placeholders
are left outside, so what is put in them is checked too). What a reader then sees outside the
marks must be data typed by users (names, places), numbers, dates in French, or one of the few
words every language writes alike (PDF, CSV, URL); any other word is a leftover.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any
from zoneinfo import available_timezones

import pytest
from babel import Locale
from babel.dates import get_day_names, get_month_names, get_timezone_location
from babel.support import NullTranslations
from sqlalchemy import inspect, select

from alliance_flow.i18n import LANGUAGES

OPEN, CLOSE = "⟦", "⟧"
#: What a message leaves to be filled in: `{name}`, `{count:,}`, `%(num)d`, `%s`.
_PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\([A-Za-z_]+\)[sdf]|%[sd]")
#: A marked text, innermost first (a translated text may be put into another's placeholder).
_MARKED = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
#: A marked text cut short (a help line ending in "..."), or a mark cut off at a line's end.
_CUT = re.compile(f"{OPEN}[^{OPEN}{CLOSE}\\n]*(?:\\.\\.\\.|…|$)", re.MULTILINE)
_WORD = re.compile(r"[^\W\d_]{2,}")
_CUT_WORD = re.compile(r"[^\W\d_]+(?:\.\.\.|…)")

#: Words written alike in every language, or names of things: file formats, protocols, products.
COMMON = frozenset(
    w.casefold()
    for w in [
        "alliance_flow",
        "alliance-flow",
        "PDF",
        "CSV",
        "XLSX",
        "HTML",
        "JSON",
        "API",
        "URL",
        "UTC",
        "ICS",
        "iCal",
        "SMTP",
        "mbox",
        "mailto",
        "Apprise",
        "Prefect",
        "Alembic",
        "OpenStreetMap",
        "Leaflet",
        "GOV",
        "UK",
        "OK",
        "EUR",
        "SEK",
        "kr",
        "http",
        "https",
        "www",
        "localhost",
        "api",
        "docs",
    ]
)


def _mark(text: str) -> str:
    """`text` with each literal piece between marks and its placeholders outside."""
    out: list[str] = []
    end = 0
    for found in _PLACEHOLDER.finditer(text):
        piece = text[end : found.start()]
        if piece.strip():
            out.append(f"{OPEN}{piece}{CLOSE}")
        else:
            out.append(piece)
        out.append(found.group())
        end = found.end()
    rest = text[end:]
    out.append(f"{OPEN}{rest}{CLOSE}" if rest.strip() else rest)
    return "".join(out)


class Marked(NullTranslations):
    """A catalog whose every answer is marked as translated."""

    def __init__(self, real: Any) -> None:
        super().__init__()
        self.real = real

    def gettext(self, message: str) -> str:
        return _mark(self.real.gettext(message))

    def ngettext(self, singular: str, plural: str, n: int) -> str:  # type: ignore[override]
        return _mark(self.real.ngettext(singular, plural, n))

    def pgettext(self, context: str, message: str) -> str:
        return _mark(self.real.pgettext(context, message))

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:  # type: ignore[override]
        return _mark(self.real.npgettext(context, singular, plural, n))


@contextmanager
def marked_catalogs(monkeypatch: pytest.MonkeyPatch, language: str = "fr") -> Iterator[None]:
    """`language`'s catalogs (dashboard, gates, reminders, CLI, reports) marking what they give."""
    from alliance_flow import i18n
    from alliance_flow.reports import i18n as report_i18n

    real = i18n.catalog
    real_reports = report_i18n.catalogs()
    marked = Marked(real(language))

    def catalog(code: str) -> Any:
        return marked if code == language else real(code)

    monkeypatch.setattr(i18n, "catalog", catalog)
    monkeypatch.setattr(
        report_i18n, "catalogs", lambda: {**real_reports, language: Marked(real_reports[language])}
    )
    yield


def marked_french(monkeypatch: pytest.MonkeyPatch) -> Any:
    return marked_catalogs(monkeypatch, "fr")


def dates_words(language: str = "fr") -> set[str]:
    """Month and day names as `language` writes dates (wide and abbreviated)."""
    words: set[str] = set()
    for width in ("wide", "abbreviated"):
        for names in (
            get_month_names(width, locale=language),
            get_day_names(width, locale=language),
        ):
            for name in names.values():
                words |= {w.casefold() for w in _WORD.findall(name)}
    return words


def babel_names(language: str = "fr") -> set[str]:
    """Words of the names Babel gives in `language`: countries, languages, time zones' cities."""
    where = Locale.parse(language)
    names = [*where.territories.values(), *where.languages.values()]
    # the cities of the time zones, as Babel writes them in that language ('Vienne', not 'Vienna');
    # the continents are the catalogs'
    names += [
        get_timezone_location(zone, locale=language, return_city=True)
        for zone in available_timezones()
        if "/" in zone
    ]
    names += [Locale.parse(code).get_display_name(code) or code for code in LANGUAGES]
    return {w.casefold() for name in names for w in re.findall(r"[^\W\d_]{2,}", name)}


def french_words() -> set[str]:
    return dates_words("fr")


def codes() -> set[str]:
    """Words of the codes the domain stores (stages, sectors, groups...): never data."""
    from alliance_flow import vocabulary

    found: set[str] = set()
    for enum in vars(vocabulary).values():
        if isinstance(enum, type) and issubclass(enum, vocabulary.StrEnum):
            for member in enum:
                found |= {w.casefold() for w in _WORD.findall(member.value)}
    return found


def code_values() -> set[str]:
    """The codes the domain stores, whole (`social_action`, `planning`), and the countries'
    (`FR`, `SE`): a reader is shown 'France', never `FR`."""
    from babel import Locale

    from alliance_flow import vocabulary

    return {
        member.value
        for enum in vars(vocabulary).values()
        if isinstance(enum, type) and issubclass(enum, vocabulary.StrEnum)
        for member in enum
    } | {code for code in Locale.parse("en").territories if len(code) == 2 and code.isalpha()}


def data_values(session: Any) -> set[str]:
    """Every text users typed into the database (names, places, reasons), codes excepted."""
    from alliance_flow.models import Base

    values: set[str] = set()
    engine_tables = set(inspect(session.get_bind()).get_table_names())

    def add(value: Any) -> None:
        if isinstance(value, str):
            values.add(value)
        elif isinstance(value, list | tuple):
            for item in value:
                add(item)
        elif isinstance(value, dict):
            for item in value.values():
                add(item)

    for table in Base.metadata.sorted_tables:
        if table.name not in engine_tables:
            continue
        for row in session.execute(select(*table.columns)):
            for value in row:
                add(value)
    everyday = code_values()
    return {v for v in values if v.strip() and v not in everyday and len(v) > 1}


def data_words(values: Iterable[str]) -> set[str]:
    """The words of users' texts, the words of codes excepted (`planning` is never data)."""
    words: set[str] = set()
    for value in values:
        words |= {w.casefold() for w in _WORD.findall(value)}
    return words - codes()


def without_values(text: str, values: Iterable[str]) -> str:
    """`text` without users' texts (whole words only, the longest first)."""
    ordered = sorted({v for v in values if v.strip()}, key=len, reverse=True)
    if not ordered:
        return text

    def cut(line: str) -> bool:
        """A line that is the beginning of a value and an ellipsis (a sheet's title, cut)."""
        start = line.strip()[:-1].rstrip()
        return (
            line.strip().endswith("…")
            and len(start) > 3
            and any(v.startswith(start) for v in ordered)
        )

    text = "\n".join(" " if cut(line) else line for line in text.split("\n"))
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, ordered)) + r")(?!\w)")
    return pattern.sub(" ", text)


def leftovers(text: str, allowed: Iterable[str], values: Iterable[str] = ()) -> set[str]:
    """Words of `text` outside every mark that are neither users' texts nor common names.

    `values` are users' texts, removed whole; `allowed`, words allowed anywhere.
    """
    text = re.sub(r"https?://\S+", " ", text)  # a link
    text = without_values(text, values)
    text = re.sub(r"alliance[-_]flow", " ", text)  # the product's name
    text = _CUT_WORD.sub(" ", text)  # a value cut short to fit ('Bègles' as 'Bègl...')
    while True:
        stripped = _MARKED.sub(" ", text)
        if stripped == text:
            break
        text = stripped
    text = _CUT.sub(" ", text)
    ok = {w.casefold() for w in allowed} | COMMON
    return {w for w in _WORD.findall(text) if w.casefold() not in ok}
