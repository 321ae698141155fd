"""Option lists for selects, in the reader's language: countries, time zones, languages."""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import available_timezones

from babel import Locale

from alliance_flow.i18n import LANGUAGES, N_, collation_key

#: The working languages the guide's alliances use (France, Ireland, the Netherlands, Sweden).
WORKING_LANGUAGES = LANGUAGES


#: Codes Babel names that are not countries: the EU, the euro area, the UN, pseudo-locales,
#: "unknown region", "outlying Oceania".
NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "ZZ", "QO", "XA", "XB"})


def country_options(language: str) -> list[tuple[str, str]]:
    """Every ISO country (two letters), named in the reader's language, sorted by that name."""
    names = Locale.parse(language).territories
    pairs = [
        (code, name)
        for code, name in names.items()
        if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
    ]
    return sorted(pairs, key=lambda p: collation_key(p[1]))


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


#: The first part of a zone's name, as the reader reads it.
AREAS: dict[str, str] = {
    "Africa": N_("Africa"),
    "America": N_("America"),
    "Antarctica": N_("Antarctica"),
    "Arctic": N_("Arctic"),
    "Asia": N_("Asia"),
    "Atlantic": N_("Atlantic Ocean"),
    "Australia": N_("Australia"),
    "Europe": N_("Europe"),
    "Indian": N_("Indian Ocean"),
    "Pacific": N_("Pacific Ocean"),
}


@lru_cache
def _cities(language: str) -> dict[str, str]:
    """Each zone's city as the reader writes it ('Europe/Vienna': 'Wenen', 'Wien', 'Vienne')."""
    from babel.dates import get_timezone_location

    out = {}
    for zones in _zones().values():
        for zone in zones:
            try:
                out[zone] = get_timezone_location(zone, locale=language, return_city=True)
            except LookupError:  # a zone Babel does not know: its own name
                out[zone] = zone.rpartition("/")[2].replace("_", " ")
    return out


def timezone_options(language: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """(continent, [(zone, city as read)]) for a grouped select, with UTC on its own; names in
    the reader's language, cities sorted as the reader sorts them."""
    from alliance_flow import i18n

    words = i18n.catalog(language)
    cities = _cities(language)
    out: list[tuple[str, list[tuple[str, str]]]] = [("UTC", [("UTC", "UTC")])]
    for area, zones in _zones().items():
        label = words.gettext(AREAS[area]) if area in AREAS else area
        named = sorted(((z, cities[z]) for z in zones), key=lambda p: collation_key(p[1]))
        out.append((label, named))
    return out
