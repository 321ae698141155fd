"""Import the guide's stakeholder research table (stage 1) from CSV or XLSX: all rows or none.

A coordinator keeps the stakeholder list in a spreadsheet, in French, English, Dutch or Swedish
(the guide's headers, or the export's in any of the four languages): one row per
organisation, or per representative when an organisation sends several. This module reads such a
file, checks every row with the same schemas as the rest of the application, and only then writes
organisations and members through the item services. When any row is wrong it raises
`ImportRejected` listing every problem with its line and field, before writing anything.

Importing the same file twice changes nothing: organisations are matched by name
(case-insensitive) within the alliance, members by e-mail, or else by name and organisation.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import hashlib
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import insert
from sqlalchemy.orm import Session

from alliance_flow import models as m
from alliance_flow.audit import record_bulk
from alliance_flow.errors import FieldProblem, ImportRejected
from alliance_flow.i18n import LANGUAGES, N_, _
from alliance_flow.i18n import catalog as _real_catalog
from alliance_flow.schemas import Input, MemberIn, OrganisationIn, problems_from
from alliance_flow.services.items import list_items
from alliance_flow.vocabulary import (
    Authority,
    Influence,
    ParticipationLevel,
    Role,
    Sector,
    StakeholderGroup,
)

__all__ = [
    "ACCEPTED_HEADERS",
    "ImportPreview",
    "ImportSummary",
    "apply_import",
    "import_stakeholders",
    "plan_import",
]


@dataclass(frozen=True)
class ImportSummary:
    organisations_created: int
    organisations_updated: int
    members_created: int
    members_updated: int
    rows: int


# --- normalising what people type ----------------------------------------------------------------

#: Gender and plural markers left over from "Secteur(s)", "président(e)", "médiateur·rice".
_MARKERS = {"e", "s", "es"}


@lru_cache(maxsize=8192)
def _key(text: str) -> str:
    """'Secteur(s)' -> 'secteur', 'Élevée' -> 'elevee', 'E-mail' -> 'mail', 'ONG' -> 'ong'."""
    text = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "OE"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    # plurals: 'autorités publiques' matches 'autorité publique'
    return " ".join(
        w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
        for w in words
        if w not in _MARKERS
    )


def _org_key(name: str) -> str:
    """How organisations are matched: case-insensitive, spaces trimmed (accents kept)."""
    return " ".join(name.split()).casefold()


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    """A cell as text: numbers typed in Excel (phone numbers, years) lose their '.0'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    # "'+353 ..." or "'=..." is how an export keeps a cell from being run as a formula (and how
    # Excel marks text): the apostrophe is not part of the value.
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        return text[1:]
    return text


# --- the vocabulary in French and English --------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    """'faible|bas|basse' -> ('faible', 'bas', 'basse')."""
    return tuple(w.strip() for w in text.split("|") if w.strip())


@dataclass(frozen=True, eq=False)
class _Vocabulary:
    """The words people use for each enum value (its value is always accepted too), and how to
    show the choices when a value is not understood."""

    labels: dict[str, str]  # enum value -> 'word|word|...'
    shown: tuple[str, ...]
    #: enum value -> the word the dashboard and the export show (English, translated where
    #: shown); read back in every language of the catalogs
    words: dict[str, str] = field(default_factory=dict)

    @cached_property
    def lookup(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for value, words in self.labels.items():
            said = _translations(self.words[value]) if value in self.words else ()
            for word in (value.replace("_", " "), *_words(words), *said):
                k = _key(word)
                if out.get(k, value) != value:  # pragma: no cover - a mistake in the tables
                    raise AssertionError(f"'{word}' means both {out[k]} and {value}")
                out[k] = value
        return out

    def hint(self) -> str:
        """The choices in the reader's words ('Faible, Moyen, Haut'), else the guide's."""
        if self.words:
            return ", ".join(_(word) for word in self.words.values())
        return ", ".join(self.shown)

    def word(self, value: str) -> str:
        """A stored value as the reader says it ('ngo' -> 'ONG (accueil, …)' in French)."""
        return _(self.words[value]) if value in self.words else value.replace("_", " ")


def _translations(message: str) -> tuple[str, ...]:
    """`message` in every language of the catalogs (the real ones, whatever a test wraps)."""
    return tuple(dict.fromkeys(_real_catalog(lang).gettext(message) for lang in LANGUAGES))


SECTORS = _Vocabulary(
    {
        Sector.SOCIAL_ACTION: "action sociale|social action|social",
        Sector.SOCIO_CULTURAL_SPORTS: "structures socio-culturelles & sportives"
        "|structures socio-culturelles et sportives|socio-culturel et sportif"
        "|socio-culturel & sportif|socio-culturelles et sportives"
        "|socio-cultural & sports structures|socio-cultural and sports structures"
        "|socio-cultural and sports|socio-cultural & sports|culture et sport|culture and sport",
        Sector.ECONOMIC_INSERTION: "insertion professionnelle et économique"
        "|insertion professionnelle & économique|insertion professionnelle|insertion économique"
        "|insertion socio-professionnelle|professional & economic insertion"
        "|professional and economic insertion|economic insertion|employment|emploi",
    },
    (
        "social_action (action sociale)",
        "socio_cultural_sports (structures socio-culturelles & sportives)",
        "economic_insertion (insertion professionnelle et économique)",
    ),
    {
        Sector.SOCIAL_ACTION: N_("Social action"),
        Sector.SOCIO_CULTURAL_SPORTS: N_("Socio-cultural and sports structures"),
        Sector.ECONOMIC_INSERTION: N_("Professional and economic insertion"),
    },
)

GROUPS = _Vocabulary(
    {
        StakeholderGroup.MIGRANT_REFUGEE_COMMUNITY: "communauté migrante / réfugiée"
        "|communauté migrante et réfugiée|communauté migrante|communauté réfugiée"
        "|communauté de migrants|migrants|réfugiés|migrant / refugee community"
        "|migrant and refugee community|migrant community|refugee community|refugees",
        StakeholderGroup.PUBLIC_AUTHORITY: "autorité publique|pouvoirs publics|collectivité"
        "|collectivité territoriale|collectivité locale|public authority|local authority",
        StakeholderGroup.COMMUNITY_NETWORK: "réseau communautaire|réseaux communautaires"
        "|organisation communautaire|community network|community organisation"
        "|community organization",
        StakeholderGroup.NGO: "ONG|organisation non gouvernementale"
        "|non-governmental organisation|non-governmental organization",
        StakeholderGroup.MEDIATOR: "médiateur|médiatrice|médiateur·rice|médiateur·trice|médiation",
        StakeholderGroup.SOCIAL_WORKER: "travailleur social|travailleuse sociale"
        "|travailleur·euse social·e",
        StakeholderGroup.EDUCATOR: "éducateur|éducatrice|éducateur·rice",
        StakeholderGroup.OTHER: "autre|divers",
    },
    (
        "migrant_refugee_community (communauté migrante / réfugiée)",
        "public_authority (autorité publique)",
        "community_network (réseau communautaire)",
        "ngo (ONG)",
        "mediator (médiateur)",
        "social_worker (travailleur social)",
        "educator (éducateur)",
        "other (autre)",
    ),
    {
        StakeholderGroup.MIGRANT_REFUGEE_COMMUNITY: N_("Migrant or refugee community"),
        StakeholderGroup.PUBLIC_AUTHORITY: N_("Public authority"),
        StakeholderGroup.COMMUNITY_NETWORK: N_("Community network or organisation"),
        StakeholderGroup.NGO: N_("NGO (reception, socio-cultural inclusion)"),
        StakeholderGroup.MEDIATOR: N_("Mediator"),
        StakeholderGroup.SOCIAL_WORKER: N_("Social worker"),
        StakeholderGroup.EDUCATOR: N_("Educator"),
        StakeholderGroup.OTHER: N_("Other"),
    },
)

INFLUENCES = _Vocabulary(
    {
        Influence.LOW: "faible|bas|basse|peu",
        Influence.MEDIUM: "moyenne|moyen|modérée|modéré|moderate",
        Influence.HIGH: "élevée|élevé|forte|fort|haute|haut|importante|grande",
    },
    ("low (faible)", "medium (moyenne)", "high (élevée / forte)"),
    {Influence.LOW: N_("Low"), Influence.MEDIUM: N_("Medium"), Influence.HIGH: N_("High")},
)

AUTHORITIES = _Vocabulary(
    {Authority.YES: "oui|o|y|vrai|true|1|x", Authority.NO: "non|n|faux|false|0"},
    ("yes (oui)", "no (non)"),
    {Authority.YES: N_("yes"), Authority.NO: N_("no")},
)

ROLES = _Vocabulary(
    {
        Role.CHAIR: "président|présidente|président(e)|présidence|chairperson",
        Role.SECRETARY: "secrétaire|secrétariat",
        Role.COMMUNICATIONS_OFFICER: "chargé de communication|chargée de communication"
        "|chargé(e) de communication|chargé de la communication|responsable communication"
        "|responsable de la communication|communication officer|press officer"
        "|attaché de presse|attachée de presse",
    },
    (
        "chair (président(e))",
        "secretary (secrétaire)",
        "communications_officer (chargé(e) de communication)",
    ),
    {
        Role.CHAIR: N_("Chair"),
        Role.SECRETARY: N_("Secretary"),
        Role.COMMUNICATIONS_OFFICER: N_("Communications officer"),
    },
)

PARTICIPATION = _Vocabulary(
    {
        ParticipationLevel.INFORMATION: "informer|être informé|inform",
        ParticipationLevel.CONSULTATION: "consulter|consult",
        ParticipationLevel.DECIDING_TOGETHER: "décider ensemble|decide together",
        ParticipationLevel.ACTING_TOGETHER: "agir ensemble|act together",
        ParticipationLevel.SUPPORTING_INDEPENDENT: "soutenir les initiatives communautaires "
        "indépendantes|soutien aux initiatives communautaires indépendantes"
        "|soutenir les initiatives indépendantes|soutien aux initiatives indépendantes"
        "|supporting independent community initiatives"
        "|support independent community initiatives|supporting independent initiatives",
    },
    (
        "information",
        "consultation",
        "deciding_together (décider ensemble)",
        "acting_together (agir ensemble)",
        "supporting_independent (soutenir les initiatives communautaires indépendantes)",
    ),
    {
        ParticipationLevel.INFORMATION: N_("Information"),
        ParticipationLevel.CONSULTATION: N_("Consultation"),
        ParticipationLevel.DECIDING_TOGETHER: N_("Deciding together"),
        ParticipationLevel.ACTING_TOGETHER: N_("Acting together"),
        ParticipationLevel.SUPPORTING_INDEPENDENT: N_(
            "Supporting independent community initiatives"
        ),
    },
)

#: Language names people type instead of a two-letter code (and Babel's names of each language
#: in each language of the catalogs, which the export writes).
_LANGUAGE_NAMES = {
    "fr": "français|french",
    "en": "anglais|english",
    "nl": "néerlandais|dutch|nederlands",
    "sv": "suédois|swedish|svenska",
    "ga": "irlandais|irish|gaeilge",
}


def language_name(code: str, reader: str) -> str:
    """A language as `reader` names it: 'nl' is 'néerlandais' in French, 'Dutch' in English."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(reader).languages.get(code) or code
    except (UnknownLocaleError, ValueError):
        return code


@lru_cache
def _languages() -> dict[str, str]:
    found = {_key(name): code for code, names in _LANGUAGE_NAMES.items() for name in _words(names)}
    for code in _LANGUAGE_NAMES:
        for reader in LANGUAGES:
            found.setdefault(_key(language_name(code, reader)), code)
    return found


# --- the columns ---------------------------------------------------------------------------------

ORG = "organisation"
MEMBER = "member"


@dataclass(frozen=True, eq=False)
class _Column:
    target: str  # ORG or MEMBER
    name: str  # the field of OrganisationIn / MemberIn
    english: str
    french: str
    aliases: str = ""  # other headers, 'word|word|...'
    kind: str = "text"  # text | number | date | language | one (enum) | many (enum list)
    vocabulary: _Vocabulary | None = None
    #: representative's columns: what may follow 'représentant' / 'representative'
    after_representative: str = ""

    @property
    def field(self) -> str:
        """The field as problems name it; a representative's fields are told apart."""
        return self.name if self.target == ORG else f"representative.{self.name}"

    @property
    def shown(self) -> str:
        return self.english if self.english == self.french else f"{self.english} / {self.french}"


COLUMNS: tuple[_Column, ...] = (
    _Column(
        ORG,
        "name",
        N_("Stakeholder name"),
        "Nom de la partie prenante",
        "stakeholder|name of the stakeholder|organisation|organization|organisation name"
        "|organization name|partie prenante|nom de l'organisation|nom de la structure"
        "|structure|organisme|nom de l'organisme|nom de l'intervenant|intervenant"
        "|stakeholder's name|name of stakeholder",
    ),
    _Column(
        ORG,
        "contact_person",
        N_("Contact person"),
        "Personne à contacter",
        "contact|personne de contact|personne contact|interlocuteur|interlocutrice"
        "|contact name|person to contact",
    ),
    _Column(
        ORG,
        "contact",
        N_("Phone, E-mail, Website, Address"),
        "Téléphone, E-mail, Site Web, Adresse",
        "phone, email, website, address|telephone, e-mail, site web, adresse"
        "|coordonnées|contact details",
        "contact",
    ),
    _Column(
        ORG,
        "group",
        N_("Group"),
        "Groupe",
        "type|stakeholder group|groupe de parties prenantes|type de partie prenante"
        "|type de structure|category|catégorie",
        "one",
        GROUPS,
    ),
    _Column(
        ORG,
        "sectors",
        N_("Sectors"),
        "Secteur(s)",
        "sector|secteur|secteur d'activité",
        "many",
        SECTORS,
    ),
    _Column(
        ORG, "phone", N_("Phone"), "Téléphone", "tel|tél|phone number|telephone|numéro de téléphone"
    ),
    _Column(
        ORG,
        "email",
        N_("E-mail"),
        "Courriel",
        "email|mail|e-mail address|adresse e-mail|adresse électronique|adresse mail",
    ),
    _Column(ORG, "website", N_("Website"), "Site web", "web site|site internet|site|web|url"),
    _Column(ORG, "address", N_("Address"), "Adresse", "adresse postale|postal address"),
    _Column(ORG, "latitude", N_("Latitude"), "Latitude", "lat", "number"),
    _Column(ORG, "longitude", N_("Longitude"), "Longitude", "lon|lng|long", "number"),
    _Column(
        ORG,
        "contribution",
        N_("How they could contribute"),
        "Comment pourraient-ils contribuer",
        "how could they contribute|contribution|possible contribution"
        "|comment pourraient-elles contribuer|comment pourraient-ils/elles contribuer"
        "|contribution possible|apport|comment l'intervenant pourrait-il contribuer au projet"
        "|comment l'intervenant pourrait-il contribuer"
        "|how could the stakeholder contribute to the project"
        "|how could the stakeholder contribute",
    ),
    _Column(
        ORG,
        "interests",
        N_("What matters to them"),
        "Ce qui compte pour eux",
        "interests|intérêts|ce qui compte pour elles|ce qui compte pour eux/elles"
        "|ce qui leur importe|qu'est-ce qui est important pour l'intervenant"
        "|what is important to the stakeholder|what matters to the stakeholder",
    ),
    _Column(
        ORG,
        "influence",
        N_("Influence on the project"),
        "Influence sur le projet",
        "influence|niveau d'influence|level of influence|l'influence"
        "|quelle influence ont-ils sur le projet|how much influence do they have on the project",
        "one",
        INFLUENCES,
    ),
    _Column(
        ORG,
        "interest",
        N_("Interest in the alliance"),
        "Intérêt pour l'alliance",
        "interest level|level of interest|niveau d'intérêt|interest in the project"
        "|intérêt pour le projet",
        "one",
        INFLUENCES,
    ),
    _Column(
        ORG,
        "mobilisation_strategy",
        N_("Mobilisation strategy"),
        "Stratégie de mobilisation",
        "mobilization strategy|engagement strategy|stratégie d'engagement|stratégie|strategy"
        "|stratégie de mobilisation des intervenants|stakeholder mobilisation strategy"
        "|strategy to engage|stakeholder engagement strategy",
    ),
    _Column(
        ORG,
        "own_criteria",
        N_("Own criteria"),
        "Vos propres critères",
        "your own criteria|criteria|propres critères|nos propres critères|critères"
        "|indiquez vos propres critères|state your own criteria",
    ),
    _Column(ORG, "notes", N_("Notes"), "Remarques", "note|remarque|commentaire|comments|comment"),
    _Column(
        MEMBER,
        "name",
        N_("Representative"),
        "Représentant",
        after_representative="|nom|name|full name|nom complet|nom et prénom|prénom et nom",
    ),
    _Column(
        MEMBER,
        "email",
        N_("Representative e-mail"),
        "Courriel du représentant",
        after_representative="e-mail|email|mail|courriel|adresse e-mail|adresse électronique"
        "|e-mail address",
    ),
    _Column(
        MEMBER,
        "phone",
        N_("Representative phone"),
        "Téléphone du représentant",
        after_representative="téléphone|tel|tél|phone|phone number|numéro de téléphone"
        "|portable|mobile",
    ),
    _Column(
        MEMBER,
        "roles",
        N_("Role"),
        "Rôle",
        "roles|rôle dans l'alliance|role in the alliance|alliance role",
        "many",
        ROLES,
        after_representative="role|rôle|roles",
    ),
    _Column(
        MEMBER,
        "has_authority",
        N_("Has authority"),
        "A l'autorité",
        "a-t-il l'autorité|a-t-elle l'autorité|a-t-il/elle l'autorité|autorité|authority"
        "|authority to be involved|has the authority to be involved"
        "|a l'autorité pour s'impliquer|a l'autorité de s'impliquer",
        "one",
        AUTHORITIES,
    ),
    _Column(
        MEMBER,
        "authority_granted_by",
        N_("Authority granted by"),
        "Qui peut l'accorder",
        "qui doit l'accorder|qui peut la donner|qui doit la donner|accordée par"
        "|who can grant it|who must grant it|who can give it|who must give it",
    ),
    _Column(
        MEMBER,
        "participation_level",
        N_("Participation level"),
        "Niveau de participation",
        "participation|niveau d'engagement|engagement level|level of participation",
        "one",
        PARTICIPATION,
    ),
    _Column(
        MEMBER,
        "joined_on",
        N_("Joined on"),
        "Date d'adhésion",
        "joined|date joined|adhésion|a rejoint le|membre depuis|member since",
        "date",
    ),
    _Column(
        MEMBER,
        "preferred_channel",
        N_("Preferred channel"),
        "Canal préféré",
        "canal de communication préféré|preferred communication channel|moyen de contact préféré",
    ),
    _Column(
        MEMBER,
        "language",
        N_("Language"),
        "Langue",
        "langue préférée|preferred language",
        "language",
    ),
)


def exported(col: _Column, value: Any, reader: str) -> Any:
    """A stored value as the export writes it for `reader`, which this module reads back: codes
    as the reader's words ('ngo' as 'ONG (accueil, …)', 'nl' as 'néerlandais'), lists joined by
    '; '. Needs the reader's language in use (`use_language`) for the words."""
    if value is None or value == "" or value == []:
        return None
    if col.kind == "language":
        return language_name(str(value), reader)
    if col.vocabulary is not None:
        values = value if isinstance(value, list) else [value]
        return "; ".join(col.vocabulary.word(str(v)) for v in values)
    return value


#: What 'représentant' / 'representative' look like in a header (after _key).
_REPRESENTATIVE = {_key(w) for w in ("représentant", "représentante", "representative")}
_LINKING = {"du", "de", "la", "le", "l", "d", "des", "of", "the"}


def _after_representative(words: list[str]) -> str:
    return " ".join(w for w in words if w not in _REPRESENTATIVE and w not in _LINKING)


@lru_cache
def _header_tables() -> tuple[dict[str, _Column], dict[str, _Column]]:
    """Every header a column may have: the guide's French and English ones, their variants, and
    the English header in each language of the catalogs (what the export writes)."""
    plain: dict[str, _Column] = {}
    representative: dict[str, _Column] = {}
    for col in COLUMNS:
        for word in (col.english, col.french, *_words(col.aliases), *_translations(col.english)):
            k = _key(word)
            if plain.get(k, col) != col:  # pragma: no cover - a mistake in the table
                raise AssertionError(f"header '{word}' means two columns")
            plain[k] = col
        # '' stands for the bare 'Représentant' / 'Representative'
        for word in col.after_representative.split("|") if col.after_representative else ():
            representative[_after_representative(_key(word).split())] = col
    return plain, representative


VOCABULARIES = (SECTORS, GROUPS, INFLUENCES, AUTHORITIES, ROLES, PARTICIPATION)

#: The headers a file may use, one English and one French name per column (for messages, docs).
ACCEPTED_HEADERS: tuple[str, ...] = tuple(c.shown for c in COLUMNS)


def _column_for(header: str) -> _Column | None:
    """The column a header names; the guide's headers often carry a question or a hint on
    their next lines ('L'Influence / Quelle influence ont-ils sur le projet? (Faible, ...)')."""
    for candidate in dict.fromkeys((header, *header.splitlines()[:1], *header.split("?")[:1])):
        found = _column_for_line(candidate)
        if found is not None:
            return found
    return None


def _column_for_line(header: str) -> _Column | None:
    k = _key(header)
    plain, representative = _header_tables()
    found = plain.get(k)
    if found is None and re.search(r"\(.*\)", header):  # 'Influence (faible, moyenne, élevée)'
        found = plain.get(_key(re.sub(r"\(.*?\)", " ", header)))
    if found is None:
        words = k.split()
        if any(w in _REPRESENTATIVE for w in words):
            found = representative.get(_after_representative(words))
    return found


def _suggest(header: str) -> str:
    if _key(header) in {"nom", "name", "nom complet", "full name"}:
        return _(
            " (ambiguous: use 'Nom de la partie prenante' / 'Stakeholder name' for the "
            "organisation, 'Nom du représentant' / 'Representative' for the person)"
        )
    plain, _representative = _header_tables()
    close = difflib.get_close_matches(_key(header), list(plain), n=1, cutoff=0.75)
    if not close:
        return ""
    return _(" (did you mean '{header}'?)").format(header=plain[close[0]].shown)


# --- reading the file ----------------------------------------------------------------------------

#: (line number in the spreadsheet, the row's cells)
_Rows = list[tuple[int, list[Any]]]


def _reject(problem: str, *, field: str = "file", line: int | None = None) -> ImportRejected:
    return ImportRejected([FieldProblem(field, problem, line)])


def read_table(name: str, raw: bytes) -> _Rows:
    """The rows of a stakeholder file, given its name (for its type) and its bytes."""
    suffix = Path(name).suffix.lower()
    if suffix not in {".csv", ".xlsx"}:
        hint = _(" (save it from your spreadsheet as .xlsx or .csv)") if suffix else ""
        raise _reject(
            _("cannot import '{name}': use a .csv or .xlsx file").format(name=name) + hint
        )
    return _read_csv(raw) if suffix == ".csv" else _read_xlsx(name, raw)


def _read_bytes(path: Path) -> bytes:
    if path.is_file():
        return path.read_bytes()
    read_table(path.name, b"")  # a wrong type is said first
    raise _reject(_("no such file: {path}").format(path=path))


def _decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252 / Latin-1 (French
    Excel on Windows saves 'CSV (séparateur: point-virgule)' in Windows-1252)."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _delimiter(sample: list[str]) -> str:
    """The separator that splits the first lines into the same number of columns (the guide's
    own header 'Téléphone, E-mail, Site Web, Adresse' holds commas in a ';' file); else the one
    the header uses most."""

    def widths(d: str) -> list[int]:
        try:
            return [
                len(r) for r in csv.reader(io.StringIO("".join(sample), newline=""), delimiter=d)
            ]
        except csv.Error:
            return []

    candidates = (";", ",", "\t")
    steady = {d: w[0] for d in candidates if (w := widths(d)) and w[0] > 1 and len(set(w)) == 1}
    if steady:
        return max(steady, key=lambda d: steady[d])
    header = sample[0] if sample else ""
    counts = {d: header.count(d) for d in candidates}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _read_csv(raw: bytes) -> _Rows:
    text = _decode(raw)
    lines = text.splitlines(keepends=True)
    delimiter = None
    # Excel's hint line 'sep=;' is not shown as a row when Excel opens the file.
    if lines and re.fullmatch(r"sep=(.)", lines[0].strip()):
        delimiter = lines[0].strip()[-1]
        text = "".join(lines[1:])
    if delimiter is None:
        delimiter = _delimiter([line for line in lines[:50] if line.strip()][:6])
    rows: _Rows = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        # A spreadsheet row per record, as the user sees it when opening the file in Excel.
        for number, record in enumerate(reader, start=1):
            rows.append((number, list(record)))
    except csv.Error as exc:
        raise _reject(
            _("not a readable CSV file: {error}").format(error=exc), line=len(rows) + 1
        ) from None
    return rows


def _read_xlsx(name: str, raw: bytes) -> _Rows:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise _reject(
            _("'{name}' is not a readable Excel workbook (.xlsx)").format(name=name)
        ) from None
    try:
        if not workbook.worksheets:
            raise _reject(_("'{name}' has no worksheet").format(name=name))
        sheet: Any = workbook.worksheets[0]
        sheet.reset_dimensions()  # some programs write a wrong size; read every row
        return [
            (number, list(values))
            for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), 1)
        ]
    finally:
        workbook.close()


# --- checking the rows ---------------------------------------------------------------------------


@dataclass
class _Org:
    key: str
    line: int
    values: dict[str, Any]
    existing: m.Organisation | None
    sources: dict[str, int] = field(default_factory=dict)
    id: int | None = None
    lines: list[int] = field(default_factory=list)
    changes: dict[str, Any] | None = None


@dataclass
class _Member:
    line: int
    values: dict[str, Any]
    existing: m.Member | None
    org: _Org | None
    sources: dict[str, int] = field(default_factory=dict)
    changes: dict[str, Any] | None = None


@dataclass
class _Plan:
    orgs: list[_Org] = field(default_factory=list)
    members: list[_Member] = field(default_factory=list)
    problems: list[FieldProblem] = field(default_factory=list)
    rows: int = 0


def _parse_headers(header: list[Any], line: int) -> tuple[list[_Column | None], list[str]]:
    columns: list[_Column | None] = []
    problems: list[FieldProblem] = []
    seen: dict[_Column, str] = {}
    listed = False  # the accepted columns, shown once
    for cell in header:
        title = _text(cell)
        if not title:
            columns.append(None)
            continue
        col = _column_for(title)
        if col is None:
            accepted = (
                _("see the accepted columns above")
                if listed
                else _("accepted columns: {columns}").format(columns="; ".join(ACCEPTED_HEADERS))
            )
            listed = True
            problems.append(
                FieldProblem(
                    title,
                    _("unknown column{suggestion}; rename or remove it ({accepted})").format(
                        suggestion=_suggest(title), accepted=accepted
                    ),
                    line,
                )
            )
        elif col in seen:
            problems.append(
                FieldProblem(
                    title,
                    _("same column as '{other}' ({field}); keep only one").format(
                        other=seen[col], field=col.field
                    ),
                    line,
                )
            )
        else:
            seen[col] = title
        columns.append(col)
    if not any(c is not None and c.target == ORG and c.name == "name" for c in columns):
        problems.append(
            FieldProblem(
                "name",
                _(
                    "the file has no column for the stakeholder's name; head one 'Stakeholder "
                    "name' or 'Nom de la partie prenante'"
                ),
                line,
            )
        )
    if problems:
        raise ImportRejected(problems)
    return columns, [_text(c) for c in header]


def _parse_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    found = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)  # day first, as in Europe
    if found:
        day, month, year = (int(g) for g in found.groups())
        try:
            return date(year, month, day)
        except ValueError:
            return None
    return None


def _convert(col: _Column, value: Any) -> tuple[Any, str | None]:
    """A cell as the schema expects it, or a problem in the user's words."""
    if col.kind == "date":
        parsed = _parse_date(value)
        if parsed is None:
            return None, _("not a date; write it as DD/MM/YYYY or YYYY-MM-DD")
        return parsed, None
    if col.kind == "number":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value, None
        text = _text(value)
        return (text.replace(",", ".") if re.fullmatch(r"-?\d+,\d+", text) else text), None
    text = _text(value)
    if col.kind == "language":
        return _languages().get(_key(text), text.lower()), None
    if col.vocabulary is not None:
        if col.kind == "one":
            words = [text]
        else:  # several values in one cell: 'action sociale; insertion professionnelle'
            words = [w.strip() for w in re.split(r"[;,\n]", text) if w.strip()]
        values = []
        for word in words:
            value = col.vocabulary.lookup.get(_key(word))
            if value is None:
                return None, _("unknown value '{word}'; use one of: {choices}").format(
                    word=word, choices=col.vocabulary.hint()
                )
            values.append(value)
        return (values if col.kind == "many" else values[0]), None
    if col.name == "email":
        text = re.sub(r"^mailto:", "", text, flags=re.IGNORECASE)
    return text, None


def _validate(
    schema: type[Input], data: dict[str, Any], line: int, *, prefix: str = ""
) -> tuple[dict[str, Any] | None, list[FieldProblem]]:
    """The values given, as the schema cleans them; or its problems, naming the field."""
    try:
        dumped = schema.model_validate(data).model_dump()
    except ValidationError as exc:
        return None, [
            FieldProblem(prefix + p.field, p.problem, p.line) for p in problems_from(exc, line)
        ]
    return {k: dumped[k] for k in data}, []


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, list) and isinstance(b, list):
        return sorted(map(str, a)) == sorted(map(str, b))
    if isinstance(a, str) and isinstance(b, str):
        return a.strip() == b.strip()
    return bool(a == b)


def _merge(
    target: _Org | _Member, values: dict[str, Any], line: int, what: str, prefix: str = ""
) -> list[FieldProblem]:
    """Two rows about the same organisation (or person) must not contradict each other."""
    problems = []
    for name, value in values.items():
        if name == "name" and _org_key(target.values.get(name, "")) == _org_key(value):
            continue  # 'Les Amis' and 'les amis ' are the same
        if name == "sectors" and name in target.values:
            # an organisation listed under two sectors (as the guide's lists do) has both
            target.values[name] = _union(target.values[name], value)
        elif name in target.values and not _same(target.values[name], value):
            problems.append(
                FieldProblem(
                    prefix + name,
                    _(
                        "{what} has {field} '{before}' on line {line} but '{value}' here; give "
                        "the same value or leave one empty"
                    ).format(
                        what=what,
                        field=name,
                        before=_shown(target.values[name]),
                        line=target.sources[name],
                        value=_shown(value),
                    ),
                    line,
                )
            )
        elif name not in target.values:
            target.values[name] = value
            target.sources[name] = line
    return problems


def _union(first: list[Any], second: list[Any]) -> list[Any]:
    return list(dict.fromkeys([*first, *second]))


_LABEL = re.compile(r"^(e-?mail|courriel|mail|site( web)?|web(site)?)\s*:\s*", re.IGNORECASE)
_MAILTO = re.compile(r"^mailto:", re.IGNORECASE)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_URL = re.compile(r"^(https?://|www\.)\S+$|^[\w-]+(\.[\w-]+)+(/\S*)?$", re.IGNORECASE)
_PHONE = re.compile(r"^(tel|tél|phone|téléphone)?\s*:?\s*\+?[\d\s().\-/]{6,}$", re.IGNORECASE)


def split_contact(cell: str) -> dict[str, str]:
    """The guide's combined 'Téléphone, E-mail, Site Web, Adresse' cell, in its parts: what
    looks like an e-mail, a website or a phone number is taken as such, the rest is the address
    (in the order written)."""
    found: dict[str, str] = {}
    address: list[str] = []
    for part in re.split(r"[\n;,|]", cell):
        part = part.strip()
        if not part:
            continue
        bare = _MAILTO.sub("", _LABEL.sub("", part))
        if "email" not in found and _EMAIL.fullmatch(bare):
            found["email"] = bare
        elif "website" not in found and "@" not in bare and _URL.match(bare):
            found["website"] = bare
        elif "phone" not in found and _PHONE.match(part) and sum(c.isdigit() for c in part) >= 6:
            found["phone"] = re.sub(r"^(tel|tél|phone|téléphone)\s*:?\s*", "", part, flags=re.I)
        else:
            address.append(part)
    if address:
        found["address"] = ", ".join(address)
    return found


def _shown(value: Any) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


class _Planner:
    """Reads every row, collecting problems, and decides what to create and update."""

    def __init__(self, session: Session, alliance: m.Alliance) -> None:
        self.plan = _Plan()
        orgs: list[Any] = list_items(session=session, alliance=alliance, kind="organisation")
        members: list[Any] = list_items(session=session, alliance=alliance, kind="member")
        self.db_members: list[m.Member] = members
        self.orgs_by_key: dict[str, _Org] = {}
        self.db_orgs: dict[str, m.Organisation] = {}
        for org in orgs:
            self.db_orgs.setdefault(_org_key(org.name), org)
        self.db_by_email: dict[str, m.Member] = {}
        self.db_by_name: dict[tuple[str, int | None], m.Member] = {}
        for member in members:
            if member.email:
                self.db_by_email.setdefault(member.email.casefold(), member)
            self.db_by_name.setdefault((_org_key(member.name), member.organisation_id), member)
        self.planned_db_members: dict[int, _Member] = {}
        self.new_by_email: dict[str, _Member] = {}
        self.new_by_name: dict[tuple[str, int], _Member] = {}

    def row(
        self, line: int, cells: list[Any], columns: list[_Column | None], headers: list[str]
    ) -> None:
        if all(_blank(c) for c in cells):
            return
        self.plan.rows += 1
        problems = self.plan.problems
        org_in: dict[str, Any] = {}
        member_in: dict[str, Any] = {}
        given: dict[tuple[str, str], tuple[str, Any]] = {}  # (target, name) -> (header, cell)
        for index, cell in enumerate(cells):
            if _blank(cell):
                continue
            col = columns[index] if index < len(columns) else None
            if col is None:
                problems.append(
                    FieldProblem(
                        _("column {number}").format(number=index + 1),
                        _(
                            "has a value ('{value}') but no header; give the column a header or "
                            "empty it"
                        ).format(value=_text(cell)[:60]),
                        line,
                    )
                )
                continue
            if col.kind == "contact":
                for name, part in split_contact(_text(cell)).items():
                    if (ORG, name) not in given:  # a column of its own wins
                        given[(ORG, name)] = (headers[index], cell)
                        org_in[name] = part
                continue
            given[(col.target, col.name)] = (headers[index], cell)
            value, problem = _convert(col, cell)
            if problem:
                problems.append(
                    FieldProblem(
                        col.field,
                        _("{problem} (column '{header}')").format(
                            problem=problem, header=headers[index]
                        ),
                        line,
                    )
                )
            else:
                (org_in if col.target == ORG else member_in)[col.name] = value

        org_named = any(t == (ORG, "name") for t in given)
        member_named = any(t == (MEMBER, "name") for t in given)
        if not org_named and not member_named:
            problems.append(
                FieldProblem(
                    "name",
                    _(
                        "required: give the stakeholder's name (or, for an individual member, "
                        "the representative's name)"
                    ),
                    line,
                )
            )
            return
        if not org_named:
            self._individual(line, org_in, member_in, given)
            org_in = {}
        elif not member_named and any(t == MEMBER for t, _ in given):
            filled = ", ".join(f"'{h}'" for (t, _n), (h, _c) in given.items() if t == MEMBER)
            problems.append(
                FieldProblem(
                    "representative.name",
                    _("required when the representative's columns are filled in ({filled})").format(
                        filled=filled
                    ),
                    line,
                )
            )
            # still check the other columns, so that the row is corrected in one go
            _values, found = _validate(
                MemberIn, member_in | {"name": "-"}, line, prefix="representative."
            )
            problems.extend(self._with_columns(found, given))
            member_in = {}

        org = None
        if org_in:
            values, found = _validate(OrganisationIn, org_in, line)
            problems.extend(self._with_columns(found, given))
            if values is not None:
                org = self._org(line, values)
        if member_in:
            values, found = _validate(MemberIn, member_in, line, prefix="representative.")
            problems.extend(self._with_columns(found, given))
            if values is not None and (org is not None or not org_in):
                self._member(line, values, org)

    def _with_columns(
        self, problems: list[FieldProblem], given: dict[tuple[str, str], tuple[str, Any]]
    ) -> list[FieldProblem]:
        out = []
        for p in problems:
            target = MEMBER if p.field.startswith("representative.") else ORG
            source = given.get((target, p.field.removeprefix("representative.")))
            if source is not None:
                header, cell = source
                p = FieldProblem(
                    p.field,
                    _("{problem} (column '{header}': '{value}')").format(
                        problem=p.problem, header=header, value=_text(cell)[:60]
                    ),
                    p.line,
                )
            out.append(p)
        return out

    def _individual(
        self,
        line: int,
        org_in: dict[str, Any],
        member_in: dict[str, Any],
        given: dict[tuple[str, str], tuple[str, Any]],
    ) -> None:
        """A row with a representative but no organisation: an individual member, whose group,
        sector and contact details may sit in the stakeholder columns."""
        for name in ("group", "phone", "email"):
            if name in org_in and name not in member_in:
                member_in[name] = org_in.pop(name)
        sectors = org_in.pop("sectors", None)
        if sectors is not None and len(sectors) > 1:
            self.plan.problems.append(
                FieldProblem("sectors", _("an individual member has only one sector"), line)
            )
        elif sectors:
            member_in["sector"] = sectors[0]
        for (target, name), (header, _cell) in given.items():
            if target == ORG and name in org_in:
                self.plan.problems.append(
                    FieldProblem(
                        "name",
                        _(
                            "required when '{header}' is filled in (an individual member, "
                            "without an organisation, has no such field)"
                        ).format(header=header),
                        line,
                    )
                )

    def _org(self, line: int, values: dict[str, Any]) -> _Org:
        key = _org_key(values["name"])
        org = self.orgs_by_key.get(key)
        if org is None:
            org = _Org(key=key, line=line, values={}, existing=self.db_orgs.get(key))
            self.orgs_by_key[key] = org
            self.plan.orgs.append(org)
        org.lines.append(line)
        what = f"'{values['name']}'"
        self.plan.problems.extend(_merge(org, values, line, what))
        return org

    def _member(self, line: int, values: dict[str, Any], org: _Org | None) -> None:
        email = (values.get("email") or "").casefold()
        name = _org_key(values["name"])
        found: _Member | None = None
        existing: m.Member | None = None
        if email:
            existing = self.db_by_email.get(email)
            found = None if existing else self.new_by_email.get(email)
        if existing is None and found is None:
            if org is None or org.existing is not None:
                org_id = org.existing.id if org is not None and org.existing else None
                existing = self.db_by_name.get((name, org_id))
            if existing is None:
                found = self.new_by_name.get((name, id(org)))
        if existing is not None:
            found = self.planned_db_members.get(existing.id)
            if found is None:
                found = _Member(line=line, values={}, existing=existing, org=org)
                self.planned_db_members[existing.id] = found
                self.plan.members.append(found)
        if found is None:
            found = _Member(line=line, values={}, existing=None, org=org)
            self.plan.members.append(found)
        if org is not None:
            if found.org is None:
                found.org = org
            elif found.org is not org:
                self.plan.problems.append(
                    FieldProblem(
                        "representative.organisation",
                        _(
                            "'{name}' represents '{organisation}' on line {line}; a person "
                            "represents one organisation"
                        ).format(
                            name=values["name"],
                            organisation=found.org.values.get("name"),
                            line=found.line,
                        ),
                        line,
                    )
                )
        self.plan.problems.extend(
            _merge(found, values, line, f"'{values['name']}'", "representative.")
        )
        if found.existing is None:
            if found.values.get("email"):
                self.new_by_email.setdefault(found.values["email"].casefold(), found)
            self.new_by_name.setdefault((_org_key(found.values["name"]), id(found.org)), found)


# --- deciding what changes -----------------------------------------------------------------------

#: The organisation's own columns (its sectors are rows of their own).
_ORG_COLUMNS = tuple(f for f in OrganisationIn.model_fields if f != "sectors")
_MEMBER_COLUMNS = tuple(f for f in MemberIn.model_fields if f != "roles")


_SCHEMA_FIELDS: dict[tuple[type[Input], type[Any]], tuple[str, ...]] = {}


def _current(schema: type[Input], row: Any) -> dict[str, Any]:
    """An item as its schema sees it (sectors and roles included), as edit_item does."""
    fields = _SCHEMA_FIELDS.get((schema, type(row)))
    if fields is None:
        fields = tuple(f for f in schema.model_fields if hasattr(type(row), f))
        _SCHEMA_FIELDS[(schema, type(row))] = fields
    return {f: getattr(row, f) for f in fields}


def _changes(current: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for name, value in values.items():
        old = current.get(name)
        if name == "name" and isinstance(old, str) and _org_key(old) == _org_key(value):
            continue  # matched by this name; keep the spelling already recorded
        if old is None or not _same(old, value):
            out[name] = value
    return out


def _org_changes(org: _Org) -> dict[str, Any]:
    """What a file changes on an organisation already recorded: sectors are added to the ones
    it has (two files, two sectors: both kept), other fields take the file's value. Worked out
    once, when every row has been read."""
    if org.changes is None:
        org.changes = _work_out_org_changes(org)
    return dict(org.changes)


def _work_out_org_changes(org: _Org) -> dict[str, Any]:
    if org.existing is None:
        return dict(org.values)
    current = _current(OrganisationIn, org.existing)
    values = dict(org.values)
    if "sectors" in values:
        values["sectors"] = _union(current["sectors"], values["sectors"])
    return _changes(current, values)


def _member_changes(member: _Member) -> dict[str, Any]:
    if member.changes is None:
        member.changes = _work_out_member_changes(member)
    return dict(member.changes)


def _work_out_member_changes(member: _Member) -> dict[str, Any]:
    values = dict(member.values)
    if member.org is not None:
        if member.org.existing is None:
            values["organisation_id"] = None  # set once the organisation exists
        else:
            values["organisation_id"] = member.org.existing.id
    if member.existing is None:
        return values
    changes = _changes(_current(MemberIn, member.existing), values)
    if "organisation_id" in values and values["organisation_id"] is None:
        changes["organisation_id"] = None
    return changes


def _active(joined: date | None, left: date | None, today: date) -> bool:
    return joined is not None and joined <= today and (left is None or left > today)


def _check_final_state(plan: _Plan, db_members: list[m.Member], today: date) -> None:
    """What the services would refuse once rows are merged: cross-field rules on updated items
    and one holder per role, checked in the order members will be written (one pass, with a
    table of who holds each role: a large file is not compared row by row with itself)."""
    for org in plan.orgs:
        if org.existing is not None:
            changes = _org_changes(org)
            if changes:
                current = _current(OrganisationIn, org.existing)
                _values, found = _validate(OrganisationIn, current | changes, org.line)
                plan.problems.extend(found)
    holder_of: dict[str, tuple[object, str]] = {}  # role -> (member key, name)
    roles_of: dict[object, list[str]] = {}
    for member in db_members:
        if member.role_rows and member.is_active(today):
            roles_of[member.id] = member.roles
            for role in member.roles:
                holder_of.setdefault(role, (member.id, member.name))
    for planned in plan.members:
        existing = planned.existing
        if existing is not None:
            changes = _member_changes(planned)
            if not changes:
                continue
            current = _current(MemberIn, existing)
            _values, found = _validate(
                MemberIn, current | changes, planned.line, prefix="representative."
            )
            plan.problems.extend(found)
            key: object = existing.id
            roles = planned.values.get("roles", existing.roles)
            joined = planned.values.get("joined_on", existing.joined_on)
            left = existing.left_on
        else:
            key = id(planned)
            roles = planned.values.get("roles", [])
            joined = planned.values.get("joined_on")
            left = None
        for role in roles_of.pop(key, []):  # what this member held before the file
            if holder_of.get(role, (None, ""))[0] == key:
                del holder_of[role]
        active = _active(joined, left, today)
        for role in sorted(set(roles)):
            holder = holder_of.get(role)
            if holder is not None and holder[0] != key:
                plan.problems.append(
                    FieldProblem(
                        "representative.roles",
                        _(
                            "{name} is already {role}; a role has one holder at a time "
                            "(remove it from one of them)"
                        ).format(name=holder[1], role=role.replace("_", " ")),
                        planned.line,
                    )
                )
            elif active:
                holder_of[role] = (key, planned.values["name"])
        if active:
            roles_of[key] = list(roles)


# --- the preview: what an import will change, before it changes it ------------------------------


@dataclass(frozen=True)
class Change:
    """One organisation or member as the file would leave it."""

    kind: str  # "organisation" | "member"
    action: str  # "new" | "update" | "unchanged"
    name: str
    line: int
    #: every line of the file that named it (several when rows were merged)
    lines: tuple[int, ...] = ()
    #: (field, value before, value after); before is None for a new item
    fields: tuple[tuple[str, Any, Any], ...] = ()
    #: sectors the file adds to what was recorded
    added_sectors: tuple[str, ...] = ()
    organisation: str | None = None  # a representative's organisation


@dataclass(frozen=True)
class ImportPreview:
    filename: str
    rows: int
    changes: tuple[Change, ...]
    problems: tuple[FieldProblem, ...]

    def of(self, kind: str, action: str) -> list[Change]:
        return [c for c in self.changes if c.kind == kind and c.action == action]

    def count(self, kind: str, action: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind and c.action == action)

    @property
    def merged(self) -> list[Change]:
        """Organisations listed on several rows, merged into one."""
        return [c for c in self.changes if c.kind == "organisation" and len(c.lines) > 1]

    @property
    def changes_anything(self) -> bool:
        return any(c.action != "unchanged" for c in self.changes)

    @property
    def fingerprint(self) -> str:
        """Identifies what the preview showed, so a confirmation applies exactly that."""
        digest = hashlib.sha256()
        for c in self.changes:
            digest.update(repr((c.kind, c.action, c.name, c.fields)).encode())
        return digest.hexdigest()[:32]


@dataclass(frozen=True)
class PlannedImport:
    preview: ImportPreview
    plan: _Plan


def _filled(value: Any) -> bool:
    return value not in (None, "", [])


def _preview(filename: str, plan: _Plan) -> ImportPreview:
    changes: list[Change] = []
    for org in plan.orgs:
        name = org.values["name"]
        if org.existing is None:
            fields = tuple(
                (f, None, v) for f, v in org.values.items() if f != "name" and _filled(v)
            )
            changes.append(
                Change(
                    "organisation",
                    "new",
                    name,
                    org.line,
                    tuple(org.lines),
                    fields,
                    tuple(org.values.get("sectors", [])),
                )
            )
            continue
        diff = _org_changes(org)
        current = _current(OrganisationIn, org.existing)
        added = [s for s in diff.get("sectors", []) if s not in current["sectors"]]
        changes.append(
            Change(
                "organisation",
                "update" if diff else "unchanged",
                org.existing.name,
                org.line,
                tuple(org.lines),
                tuple((f, current.get(f), v) for f, v in diff.items()),
                tuple(added),
            )
        )
    for member in plan.members:
        org_name = member.org.values.get("name") if member.org is not None else None
        if member.existing is None:
            fields = tuple(
                (f, None, v) for f, v in member.values.items() if f != "name" and _filled(v)
            )
            changes.append(
                Change(
                    "member",
                    "new",
                    member.values["name"],
                    member.line,
                    (member.line,),
                    fields,
                    organisation=org_name,
                )
            )
            continue
        diff = {k: v for k, v in _member_changes(member).items() if k != "organisation_id"}
        if member.org is not None and member.existing.organisation_id != (
            member.org.existing.id if member.org.existing else None
        ):
            diff["organisation"] = org_name
        current = _current(MemberIn, member.existing)
        if member.existing.organisation is not None:
            current["organisation"] = member.existing.organisation.name
        changes.append(
            Change(
                "member",
                "update" if diff else "unchanged",
                member.existing.name,
                member.line,
                (member.line,),
                tuple((f, current.get(f), v) for f, v in diff.items()),
                organisation=org_name,
            )
        )
    problems = tuple(sorted(plan.problems, key=lambda p: (p.line or 0, p.field)))
    return ImportPreview(filename, plan.rows, tuple(changes), problems)


#: Called as (phase, done, total) while a large file is checked ("check") and written ("write").
Progress = Callable[[str, int, int], None]


def _no_progress(phase: str, done: int, total: int) -> None:
    return None


def plan_import(
    *,
    session: Session,
    alliance: m.Alliance,
    filename: str,
    raw: bytes,
    today: date,
    progress: Progress = _no_progress,
) -> PlannedImport:
    """Read and check a stakeholder file and say what importing it would change; writes
    nothing. File-level problems (unreadable, unknown columns) raise ImportRejected; problems
    in rows are listed in the preview, each with its line and field."""
    rows = read_table(filename, raw)
    header_at = next(
        (i for i, (_line, cells) in enumerate(rows) if not all(map(_blank, cells))), None
    )
    if header_at is None:
        raise _reject(
            _("'{name}' is empty: the first row must hold the column headers").format(name=filename)
        )
    header_line, header = rows[header_at]
    columns, headers = _parse_headers(header, header_line)

    planner = _Planner(session, alliance)
    body = rows[header_at + 1 :]
    for done, (line, cells) in enumerate(body, start=1):
        planner.row(line, cells, columns, headers)
        if done % 2000 == 0:
            progress("check", done, len(body))
    progress("check", len(body), len(body))
    _check_final_state(planner.plan, planner.db_members, today)
    return PlannedImport(_preview(filename, planner.plan), planner.plan)


def apply_import(
    *,
    session: Session,
    alliance: m.Alliance,
    planned: PlannedImport,
    progress: Progress = _no_progress,
) -> ImportSummary:
    """Write what the preview showed, inside the caller's transaction; all rows or none."""
    if planned.preview.problems:
        raise ImportRejected(list(planned.preview.problems))
    # A savepoint, so that nothing stays half-written even if a caller catches an error.
    with session.begin_nested():
        return _write(session, alliance, planned, progress)


def import_stakeholders(
    *,
    session: Session,
    alliance: m.Alliance,
    path: Path,
    today: date,
    progress: Progress = _no_progress,
) -> ImportSummary:
    """Import the stakeholder table at `path` into `alliance`, inside the caller's transaction.

    Raises ImportRejected, listing every problem with its line, before writing anything.
    """
    path = Path(path)
    planned = plan_import(
        session=session,
        alliance=alliance,
        filename=path.name,
        raw=_read_bytes(path),
        today=today,
        progress=progress,
    )
    return apply_import(session=session, alliance=alliance, planned=planned, progress=progress)


# --- writing, set-based: a few statements whatever the size of the file ---------------------------

_CHUNK = 5000


def _insert_returning_ids(
    session: Session, model: Any, rows: list[dict[str, Any]], key: tuple[str, ...]
) -> list[int]:
    """Insert the rows in batches and give their new ids, in the rows' order.

    The ids are matched back through `key`, columns unique among the rows of one import (an
    organisation's name; a new representative's name and organisation): asking the database
    for RETURNING in the parameters' order would make SQLite insert one row at a time.
    """
    columns = [getattr(model, k) for k in key]
    result = session.execute(insert(model).returning(model.id, *columns), rows)
    ids = {tuple(found[1:]): found[0] for found in result}
    if len(ids) != len(rows):  # pragma: no cover - the planner keeps the keys unique
        raise AssertionError(
            f"{len(rows)} rows inserted into {model.__tablename__}, {len(ids)} keys"
        )
    return [ids[tuple(row.get(k) for k in key)] for row in rows]


def _write(
    session: Session, alliance: m.Alliance, planned: PlannedImport, progress: Progress
) -> ImportSummary:
    plan, preview = planned.plan, planned.preview
    total = len(plan.orgs) + len(plan.members)
    done = 0
    session.flush()

    # organisations already recorded: the ORM, so the audit hook sees each change
    for org in plan.orgs:
        if org.existing is None:
            continue
        org.id = org.existing.id
        changes = _org_changes(org)
        for name, value in changes.items():
            if name == "sectors":
                have = set(org.existing.sectors)
                org.existing.sector_rows.extend(
                    m.OrganisationSector(sector=sec) for sec in value if sec not in have
                )
            else:
                setattr(org.existing, name, value)

    new_orgs = [org for org in plan.orgs if org.existing is None]
    for start in range(0, len(new_orgs), _CHUNK):
        chunk = new_orgs[start : start + _CHUNK]
        rows = [
            {
                "alliance_id": alliance.id,
                **{f: org.values.get(f, _ORG_DEFAULTS.get(f)) for f in _ORG_COLUMNS},
            }
            for org in chunk
        ]
        ids = _insert_returning_ids(session, m.Organisation, rows, ("name",))
        sectors: list[dict[str, Any]] = []
        for org, new_id, row in zip(chunk, ids, rows, strict=True):
            org.id = new_id
            row["id"] = new_id
            sectors.extend(
                {"organisation_id": new_id, "sector": sec}
                for sec in dict.fromkeys(org.values.get("sectors", []))
            )
        if sectors:
            session.execute(insert(m.OrganisationSector), sectors)
        record_bulk(
            session,
            alliance_id=alliance.id,
            table="organisations",
            rows=[(str(row["id"]), row) for row in rows],
        )
        record_bulk(
            session,
            alliance_id=alliance.id,
            table="organisation_sectors",
            rows=[(f"{r['organisation_id']},{r['sector']}", r) for r in sectors],
        )
        done += len(chunk)
        progress("write", done, total)

    for member in plan.members:
        if member.existing is None:
            continue
        changes = _member_changes(member)
        if member.org is not None and "organisation_id" in changes:
            changes["organisation_id"] = member.org.id
        for name, value in changes.items():
            if name == "roles":
                member.existing.role_rows = [m.MemberRole(role=r) for r in dict.fromkeys(value)]
            else:
                setattr(member.existing, name, value)

    new_members = [person for person in plan.members if person.existing is None]
    for start in range(0, len(new_members), _CHUNK):
        people = new_members[start : start + _CHUNK]
        member_rows: list[dict[str, Any]] = []
        for person in people:
            member_row: dict[str, Any] = {"alliance_id": alliance.id}
            member_row.update({f: person.values.get(f) for f in _MEMBER_COLUMNS})
            member_row["organisation_id"] = person.org.id if person.org is not None else None
            member_rows.append(member_row)
        ids = _insert_returning_ids(
            session, m.Member, member_rows, ("name", "organisation_id", "email")
        )
        roles: list[dict[str, Any]] = []
        for person, new_id, member_row in zip(people, ids, member_rows, strict=True):
            member_row["id"] = new_id
            roles.extend(
                {"member_id": new_id, "role": r}
                for r in dict.fromkeys(person.values.get("roles", []))
            )
        if roles:
            session.execute(insert(m.MemberRole), roles)
        record_bulk(
            session,
            alliance_id=alliance.id,
            table="members",
            rows=[(str(r["id"]), r) for r in member_rows],
        )
        record_bulk(
            session,
            alliance_id=alliance.id,
            table="member_roles",
            rows=[(f"{r['member_id']},{r['role']}", r) for r in roles],
        )
        done += len(people)
        progress("write", done, total)
    session.flush()
    progress("write", total, total)
    return ImportSummary(
        organisations_created=preview.count("organisation", "new"),
        organisations_updated=preview.count("organisation", "update"),
        members_created=preview.count("member", "new"),
        members_updated=preview.count("member", "update"),
        rows=preview.rows,
    )


_ORG_DEFAULTS: dict[str, Any] = {"group": "other"}
