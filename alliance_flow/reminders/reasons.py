"""Why an outbox message was not sent, stored as a code and read in the reader's language.

The outbox keeps `last_error` for the coordinator and the operator. What we decide ourselves (a
meeting moved, nobody to carry the message) is stored as a code and translated where it is shown;
what a delivery service answered is its own technical text, shown as it came, after the name
of the service that said it.
"""

from __future__ import annotations

from alliance_flow.i18n import N_, _

MEETING_MOVED = "meeting_moved"
NO_CHANNEL = "no_channel"
REFUSED = "refused"
FAILED = "failed"
INVALID_URL = "invalid_url"

REASONS: dict[str, str] = {
    MEETING_MOVED: N_("the meeting moved or was cancelled"),
    NO_CHANNEL: N_("no channel reaches this person"),
    REFUSED: N_("the service refused the message"),
    FAILED: N_("the message could not be delivered"),
    INVALID_URL: N_("not a valid channel address"),
}

#: English texts stored before the codes, read as their code.
_LEGACY = {
    "the meeting moved or was cancelled": MEETING_MOVED,
    "no channel": NO_CHANNEL,
    "not a valid Apprise URL": INVALID_URL,
}


def describe(stored: str | None) -> str:
    """A stored reason as the reader reads it: each '; '-separated part, codes translated."""
    if not stored:
        return ""
    return "; ".join(_part(part) for part in stored.split("; "))


def _part(part: str) -> str:
    code = _LEGACY.get(part, part)
    if code in REASONS:
        return _(REASONS[code])
    where, sep, what = part.rpartition(": ")
    code = _LEGACY.get(where, where)
    if sep and code in REASONS:  # "invalid_url: host" is a code and what it is about
        return f"{_(REASONS[code])}: {what}"
    if sep and what in REASONS:  # "host: refused" names the service that said it
        return f"{where}: {_(REASONS[what])}"
    return part
