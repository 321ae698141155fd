"""What a funder must not read: the people an alliance knows, wherever their names were typed.

Funders see counts and organisations, never a person (the guide; accounts.policy). Structured
fields already say "3 people" (gates.who); this is for free text, where a coordinator may type
"Julien to call the mayor" in an action, a waiver reason, a meeting title or the minutes. Every
funder output (report in every format, portfolio, the pages and API a funder may open) passes
its text through `Withholding.text`, which replaces:

- the name of anyone the alliance records as a person: members (also former and erased ones),
  organisations' contact persons, consultations' interviewees, agenda moderators, evaluators,
  the accounts with a role on the alliance and everyone who acted in its history;
  each full name in any case, and each part of it (a first name alone) as written, capitalised;
- every e-mail address, and the phone numbers the alliance holds, however they are spaced.

A name the alliance records nowhere cannot be recognised: the forms of funder-visible text
say so (SECURITY.md).
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterable
from functools import cached_property, lru_cache
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from alliance_flow import models as m
from alliance_flow.accounts.policy import Permission, Viewer
from alliance_flow.i18n import _

EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
#: a phone needs at least this many digits to be looked for (shorter ones match too much)
MIN_PHONE_DIGITS = 6
#: a part of a name shorter than this, or not capitalised, is not looked for alone
MIN_PART = 3


def withheld_label() -> str:
    return _("[withheld]")


@dataclasses.dataclass(frozen=True)
class Withholding:
    """The names and phone numbers to withhold from one funder's view of some alliances."""

    names: frozenset[str] = frozenset()
    phones: frozenset[str] = frozenset()
    #: words never withheld alone: the reader's own name ("Demo funder" is not a person to hide
    #: from themselves because a "Demo coordinator" exists)
    spare: frozenset[str] = frozenset()

    @property
    def pattern(self) -> re.Pattern[str]:
        return _compile(self.names, self.phones, self.spare)

    @cached_property
    def _words(self) -> frozenset[str]:
        """Every word of every name, folded: a text with none of them names nobody."""
        return frozenset(_fold(w) for name in self.names for w in _WORD.findall(name))

    def text(self, value: str) -> str:
        """The text with every person's name, e-mail address and phone number withheld."""
        if not value:
            return value
        # The pattern (thousands of names for a portfolio) is tried at every position of the
        # text; most texts (labels, dates, titles) hold no word of a name, no "@" and no digit,
        # and the pattern cannot match them: they are returned as they are, much sooner.
        if "@" not in value and not _DIGIT.search(value):
            words = self._words
            if not any(_fold(w) in words for w in _WORD.findall(value)):
                return value
        return self.pattern.sub(withheld_label(), value)

    def deep(self, value: Any) -> Any:
        """The same value with every string in it withheld: dataclasses, dicts, lists, tuples."""
        if isinstance(value, str):
            return self.text(value)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            changes = {
                f.name: self.deep(getattr(value, f.name))
                for f in dataclasses.fields(value)
                if f.init
            }
            return dataclasses.replace(value, **changes)
        if isinstance(value, BaseModel):
            return value.model_copy(
                update={k: self.deep(getattr(value, k)) for k in type(value).model_fields}
            )
        if isinstance(value, dict):
            return {k: self.deep(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.deep(v) for v in value]
        if isinstance(value, tuple):
            return tuple(self.deep(v) for v in value)
        if isinstance(value, frozenset):
            return frozenset(self.deep(v) for v in value)
        return value


_WORD = re.compile(r"\w+")
_DIGIT = re.compile(r"\d")


@lru_cache(maxsize=65536)
def _fold(word: str) -> str:
    """A word folded at least as far as a case-insensitive match folds it: compatibility forms
    (the long s, the Kelvin sign), accents and dots ("İ") dropped, then case. Coarser is safe:
    a text that only seems to name someone is still read by the pattern itself."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


_CACHE: dict[tuple[frozenset[str], ...], re.Pattern[str]] = {}


def _compile(
    names: frozenset[str], phones: frozenset[str], spare: frozenset[str] = frozenset()
) -> re.Pattern[str]:
    key = (names, phones, spare)
    if key in _CACHE:
        return _CACHE[key]
    full: set[str] = set()
    parts: set[str] = set()
    for name in names:
        words = name.split()
        if len(words) > 1:
            full.add(" ".join(words))
        for word in words:
            word = word.strip(".,;:()'\"")
            if len(word) >= MIN_PART and word[0].isupper() and word not in spare:
                parts.add(word)
    alternatives = [EMAIL]
    # full names first and longest first, so "Anna Berg" goes whole before "Anna" alone
    for name in sorted(full, key=len, reverse=True):
        spaced = r"\s+".join(re.escape(w) for w in name.split())
        alternatives.append(rf"(?i:(?<!\w){spaced}(?!\w))")
    for part in sorted(parts, key=len, reverse=True):
        alternatives.append(rf"(?<!\w){re.escape(part)}(?!\w)")
    for phone in sorted(phones, key=len, reverse=True):
        digits = re.sub(r"\D", "", phone)
        if len(digits) >= MIN_PHONE_DIGITS:
            alternatives.append(r"(?<!\d)\+?" + r"[\s().\-/]*".join(digits) + r"(?!\d)")
    pattern = re.compile("|".join(alternatives))
    if len(_CACHE) > 256:
        _CACHE.clear()
    _CACHE[key] = pattern
    return pattern


def people_of(session: Session, alliance_ids: Iterable[int]) -> Withholding:
    """Everyone the alliances record as a person, and the phone numbers they hold, together."""
    names: set[str] = set()
    phones: set[str] = set()
    spare: set[str] = set()
    for found in people_by_alliance(session, alliance_ids).values():
        names |= found.names
        phones |= found.phones
        spare |= found.spare
    return Withholding(frozenset(names), frozenset(phones), frozenset(spare))


def people_by_alliance(session: Session, alliance_ids: Iterable[int]) -> dict[int, Withholding]:
    """For each alliance, the people it records and their phone numbers: a few statements
    whatever the number of alliances, and one short pattern per alliance (a portfolio of
    hundreds of alliances withholds each report with its own people, not everybody's)."""
    from alliance_flow.accounts.models import AllianceRole, User, UserAllianceRole

    ids = sorted(set(alliance_ids))
    names: dict[int, set[str]] = {aid: set() for aid in ids}
    phones: dict[int, set[str]] = {aid: set() for aid in ids}
    if not ids:
        return {}
    for aid, name, phone, granted_by in session.execute(
        select(
            m.Member.alliance_id, m.Member.name, m.Member.phone, m.Member.authority_granted_by
        ).where(m.Member.alliance_id.in_(ids))
    ):
        names[aid].update(v for v in (name, granted_by) if v)
        if phone:
            phones[aid].add(phone)
    spare: dict[int, set[str]] = {aid: set() for aid in ids}
    for aid, organisation, person, phone in session.execute(
        select(
            m.Organisation.alliance_id,
            m.Organisation.name,
            m.Organisation.contact_person,
            m.Organisation.phone,
        ).where(m.Organisation.alliance_id.in_(ids))
    ):
        # an organisation's name is what a funder is told: its words ("CADA de Mérignac")
        # are not withheld alone because a member is called Mérignac (whole names still are)
        spare[aid].update(_words(organisation))
        if person:
            names[aid].add(person)
        if phone:
            phones[aid].add(phone)
    named: list[Any] = [
        select(m.Consultation.alliance_id, m.Consultation.interviewee).where(
            m.Consultation.alliance_id.in_(ids)
        ),
        select(m.Meeting.alliance_id, m.AgendaItem.moderator)
        .join(m.Meeting, m.Meeting.id == m.AgendaItem.meeting_id)
        .where(m.Meeting.alliance_id.in_(ids), m.AgendaItem.moderator.is_not(None)),
        select(m.Evaluation.alliance_id, m.Evaluation.evaluator).where(
            m.Evaluation.alliance_id.in_(ids), m.Evaluation.evaluator.is_not(None)
        ),
        select(UserAllianceRole.alliance_id, User.name)
        .join(User, User.id == UserAllianceRole.user_id)
        .where(
            UserAllianceRole.alliance_id.in_(ids),
            UserAllianceRole.role != AllianceRole.FUNDER,
        ),
        select(m.StageEvent.alliance_id, m.StageEvent.actor)
        .where(m.StageEvent.alliance_id.in_(ids))
        .distinct(),
    ]
    for statement in named:
        for aid, name in session.execute(statement):
            if name:
                names[aid].add(name)
    return {
        aid: Withholding(
            frozenset(n.strip() for n in names[aid] if n.strip()),
            frozenset(phones[aid]),
            frozenset(spare[aid]),
        )
        for aid in ids
    }


def _words(text: str | None) -> set[str]:
    return {w.strip(".,;:()'\"") for w in (text or "").split()}


def for_viewer(session: Session, viewer: Viewer | None) -> Withholding | None:
    """What to withhold from this viewer: the people of the alliances where their role does not
    let them see people (a funder's); None when they may see everyone they can reach."""
    if viewer is None:
        return None
    hidden = [aid for aid in viewer.roles if not viewer.may(Permission.VIEW_PEOPLE, aid)]
    if not hidden:
        return None
    found = people_of(session, hidden)
    own = frozenset(_words(viewer.name))
    return dataclasses.replace(found, names=found.names - {viewer.name}, spare=found.spare | own)
