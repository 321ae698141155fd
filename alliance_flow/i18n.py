"""Languages for everything users read, the gate checks included.

The domain calls `_()`; which language that means is a context variable the adapters set
(`use_language`) for one request or command. Catalogs are the .po files under locales/,
compiled in memory, so adding a language is adding a catalog, not code.
"""

from __future__ import annotations

import contextlib
import contextvars
import gettext
import hashlib
import io
import os
import re
import struct
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from babel.support import NullTranslations

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
DEFAULT_LANGUAGE = "en"
#: The languages every catalog (dashboard, gates, reports, reminders) is written in; a test checks
#: that each has its catalogs. Adding one: see "Adding a language" in the README.
LANGUAGES = ("en", "fr", "nl", "sv")

_language: contextvars.ContextVar[str] = contextvars.ContextVar(
    "language", default=DEFAULT_LANGUAGE
)


@lru_cache
def languages() -> frozenset[str]:
    """The languages with a catalog under locales/ (English always)."""
    found = {po.parent.parent.name for po in LOCALES_DIR.glob("*/LC_MESSAGES/messages.po")}
    return frozenset({DEFAULT_LANGUAGE, *found})


def compile_catalog(po: Path, language: str) -> NullTranslations:
    """A .po file compiled in memory (no .mo build step): the dashboard's and the reports'.

    English is the source text: its catalogs repeat every message as written (a test checks),
    so English is read without loading Babel or compiling a catalog. A compiled catalog is kept
    in the user's cache, under the hash of its .po file (any edit makes a new one): parsing
    the .po took a tenth of a simple command's time in French, Dutch or Swedish.
    """
    if language == DEFAULT_LANGUAGE:
        return gettext.NullTranslations()  # type: ignore[return-value]
    from babel.support import NullTranslations, Translations

    if not po.exists():
        return NullTranslations()
    source = po.read_bytes()
    cached = _compiled_path(source, language)
    try:
        with cached.open("rb") as fh:
            return Translations(fh)
    except (OSError, ValueError, EOFError, IndexError, struct.error):
        pass  # not compiled yet (or unreadable): compiled below
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    parsed = read_po(io.BytesIO(source), locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, parsed)
    _keep(cached, buffer.getvalue())
    buffer.seek(0)
    return Translations(buffer)


def _compiled_path(source: bytes, language: str) -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    digest = hashlib.sha256(source).hexdigest()[:32]
    return Path(base) / "alliance_flow" / "catalogs" / f"{language}-{digest}.mo"


def _keep(path: Path, compiled: bytes) -> None:
    """Written whole or not at all (a reader never sees half a file); a cache that cannot be
    written (a read-only home) only means compiling again next time."""
    partial = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(compiled)
        os.replace(partial, path)
    except OSError:
        with contextlib.suppress(OSError):
            partial.unlink()


@lru_cache
def catalog(language: str) -> NullTranslations:
    """One language's catalog, compiled the first time it is used."""
    return compile_catalog(LOCALES_DIR / language / "LC_MESSAGES" / "messages.po", language)


def catalogs() -> dict[str, NullTranslations]:
    """Every catalog under locales/."""
    return {language: catalog(language) for language in sorted(languages())}


def current_language() -> str:
    return _language.get()


@contextmanager
def use_language(language: str | None) -> Iterator[str]:
    """Speak `language` (falling back to English) until the block ends."""
    chosen = language if language in languages() else DEFAULT_LANGUAGE
    token = _language.set(chosen)
    try:
        yield chosen
    finally:
        _language.reset(token)


def set_language(language: str | None) -> str:
    """Speak `language` for the rest of this task (a web request); see use_language."""
    chosen = language if language in languages() else DEFAULT_LANGUAGE
    _language.set(chosen)
    return chosen


def _catalog() -> NullTranslations:
    return catalog(_language.get())


def _(message: str) -> str:
    return _catalog().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _catalog().ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a string for extraction; it is translated where it is shown."""
    return message


def local_date(value: date | None) -> str:
    """A date as the reader writes it ('Nov 20, 2026', '20 nov. 2026'), for reasons and messages."""
    if value is None:
        return ""
    return _local_date(value, _language.get())


@lru_cache(maxsize=4096)
def _local_date(value: date, language: str) -> str:
    # Babel parses the locale on every call; the same few dates recur across many alliances.
    from babel.dates import format_date

    return format_date(value, format="medium", locale=language)


@lru_cache(maxsize=65536)
def collation_key(text: str) -> tuple[str, str]:
    """Sorts names as a reader expects: 'Élodie' with the E's, 'Person 9' before 'Person 10'.

    Accents and case are ignored first, then break ties, so the order is stable.
    """
    folded = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    return re.sub(r"\d+", lambda number: number.group().zfill(12), plain), text


#: Currency signs, codes and spaces that may surround or group an amount.
_AMOUNT_NOISE = re.compile(r"[\s\u00a0\u202f'’]|€|\$|£|\b(?:EUR|SEK|GBP|kr)\b", re.IGNORECASE)


def parse_amount(text: str, language: str) -> str:
    """An amount typed in `language`'s way, as a plain decimal string ('1200.50').

    Unreadable text is returned as typed, so the validator reports it with the field's name.
    """
    from babel.numbers import get_decimal_symbol, get_group_symbol

    compact = _AMOUNT_NOISE.sub("", text.strip())
    if not compact:
        return text
    decimal_sign = get_decimal_symbol(language)
    group_sign = get_group_symbol(language)
    if decimal_sign == "," and "," in compact:
        compact = compact.replace(group_sign, "").replace(".", "").replace(",", ".")
    elif decimal_sign == ",":
        # "1.200" in French groups thousands; "12.5" is read as a decimal, as typed.
        if re.fullmatch(r"\d{1,3}(\.\d{3})+", compact):
            compact = compact.replace(".", "")
    else:
        compact = compact.replace(",", "")
    try:
        float(compact)
    except ValueError:
        return text
    return compact


@lru_cache(maxsize=1024)
def zone_city(name: str, language: str) -> str:
    """A time zone as the reader names its city ('Europe/Vienna': 'Wenen', 'Wien', 'Vienne'),
    never its code; UTC as it is."""
    from babel.dates import get_timezone_location

    if "/" not in name:
        return name
    try:
        return str(get_timezone_location(name, locale=language, return_city=True))
    except LookupError:
        return name.rpartition("/")[2].replace("_", " ")


@lru_cache(maxsize=1024)
def country_name(code: str | None, language: str) -> str:
    """A country as the reader names it ('NL': 'Nederland', 'Pays-Bas'), never its code."""
    if not code:
        return ""
    from babel import Locale

    return str(Locale.parse(language).territories.get(code.upper(), code))
