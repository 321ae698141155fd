"""Option lists for selects, in the reader's language: countries, time zones, languages."""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import available_timezones

from babel import Locale

from alliance_flow.i18n import LANGUAGES

#: The working languages the guide's alliances use (France, Ireland, the Netherlands, Sweden).
WORKING_LANGUAGES = LANGUAGES


def country_options(language: str) -> list[tuple[str, str]]:
    """Every ISO country (two letters), named in the reader's language, sorted by that name."""
    names = Locale.parse(language).territories
    pairs = [(code, name) for code, name in names.items() if len(code) == 2 and code.isalpha()]
    return sorted(pairs, key=lambda p: p[1].casefold())


def country_name(code: str, language: str) -> str:
    return Locale.parse(language).territories.get(code.upper(), code)


def language_read_as(code: str, language: str) -> str:
    """A language named as the reader says it inside a sentence ("French", "français")."""
    return str(Locale.parse(language).languages.get(code, code))


def language_options(language: str) -> list[tuple[str, str]]:
    locale = Locale.parse(language)
    return [(code, locale.languages.get(code, code).capitalize()) for code in WORKING_LANGUAGES]


@lru_cache
def _zones() -> dict[str, list[str]]:
    """IANA zones by continent (Europe first: the guide's alliances are European)."""
    groups: dict[str, list[str]] = {}
    for zone in sorted(available_timezones()):
        area, _, place = zone.partition("/")
        if not place or area in ("Etc", "SystemV", "US", "Canada", "Brazil", "Chile", "Mexico"):
            continue
        groups.setdefault(area, []).append(zone)
    return dict(sorted(groups.items(), key=lambda g: (g[0] != "Europe", g[0])))


def timezone_options() -> list[tuple[str, list[tuple[str, str]]]]:
    """(continent, [(zone, city as read)]) for a grouped select, with UTC on its own."""
    out: list[tuple[str, list[tuple[str, str]]]] = [("UTC", [("UTC", "UTC")])]
    for area, zones in _zones().items():
        out.append((area, [(z, z.partition("/")[2].replace("_", " ")) for z in zones]))
    return out
