"""Texts of the reminders in the recipient's language (catalogs under alliance_flow/locales).

Each message says what it is about, when, where (for meetings), what to do, and links to the
page that does it. Links keep one scheme (see LINKS); the pages are the dashboard's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from babel.dates import format_date, format_datetime

from alliance_flow.i18n import N_, _, current_language, ngettext, use_language
from alliance_flow.reminders.due import Due

#: kind prefix -> path of the page the message points to (the longest matching prefix wins).
LINKS = {
    "meeting": "/alliances/{slug}/meetings/{meeting_id}",
    "minutes_missing": "/alliances/{slug}/meetings/{meeting_id}",
    "action": "/alliances/{slug}/actions",
    "charter_unsigned": "/alliances/{slug}/charter",
    "sustainability": "/alliances/{slug}/sustainability",
    "evaluation_due": "/alliances/{slug}/evaluations",
    "funder_progress": "/alliances/{slug}/report",
}


def link_for(kind: str, params: dict[str, Any], *, slug: str, base_url: str) -> str:
    """The page a message points to."""
    key = max((k for k in LINKS if kind.startswith(k)), key=len, default=None)
    path = LINKS[key] if key else "/alliances/{slug}"
    try:
        return base_url.rstrip("/") + path.format(slug=slug, **params)
    except KeyError:  # a message without the id its page needs: the alliance's page
        return base_url.rstrip("/") + f"/alliances/{slug}"


# --- words ---------------------------------------------------------------------------------------


def stage_name(stage: str) -> str:
    names = {
        "scope": _("Scope"),
        "launch": _("Launch"),
        "analysis": _("Analysis"),
        "planning": _("Planning"),
        "dissemination": _("Dissemination"),
        "sustainability": _("Sustainability"),
        "closed": _("Closed"),
    }
    return names.get(stage, stage)


def _day(value: str | date | None) -> str:
    if not value:
        return ""
    d = date.fromisoformat(value) if isinstance(value, str) else value
    return _long_day(d, current_language())


@lru_cache(maxsize=4096)
def _long_day(d: date, language: str) -> str:
    # A sweep writes the same few days in thousands of messages; Babel is slow at it.
    return format_date(d, "EEEE d MMMM y", locale=language)


def _when(starts: str) -> str:
    return _long_moment(starts, current_language())


@lru_cache(maxsize=4096)
def _long_moment(starts: str, language: str) -> str:
    moment = datetime.strptime(starts, "%Y-%m-%d %H:%M")
    return format_datetime(moment, "EEEE d MMMM y, HH:mm", locale=language)


def _zone(name: str) -> str:
    """A time zone as the reader names it ('heure : France'), not its code ('Europe/Paris')."""
    from babel.dates import get_timezone_location

    try:
        return str(get_timezone_location(name, locale=current_language()))
    except LookupError:
        return name


def _missing(items: list[str], deadline: str) -> list[str]:
    """What "still missing" means, item by item, in words a coordinator acts on."""
    out = []
    for item in items:
        if item == "evaluation":
            out.append(
                _(
                    "an evaluation of the work so far (for example a SWOT analysis), "
                    "recorded with a date on or before {deadline}"
                ).format(deadline=_day(deadline))
            )
        elif item == "plan":
            out.append(
                _(
                    "a sustainability plan saying how the alliance's work goes on after its "
                    "work plan ends, dated on or before {deadline}"
                ).format(deadline=_day(deadline))
            )
        else:
            out.append(item)
    return out


def _days(n: int) -> str:
    return ngettext("in {n} day", "in {n} days", n).format(n=n)


# --- one function per kind: (title, lines, what to do) ------------------------------------------

Texts = tuple[str, list[str], str]


def _meeting_lines(p: dict[str, Any]) -> list[str]:
    lines = [
        _("When: {when} ({timezone})").format(
            when=_when(p["starts"]), timezone=_zone(p["timezone"])
        ),
        _("Where: {place}").format(place=p.get("place") or _("place not given yet")),
    ]
    if p.get("agenda"):
        lines.append(_("Agenda:"))
        lines.extend(f"- {item}" for item in p["agenda"])
    return lines


def _meeting_reminder(p: dict[str, Any]) -> Texts:
    days = int(p.get("days", 0))
    if days <= 1:
        title = _("{alliance}: meeting tomorrow").format(**p)
    else:
        title = ngettext(
            "{alliance}: meeting in {n} day", "{alliance}: meeting in {n} days", days
        ).format(n=days, **p)
    lines = [_("{title} is coming up.").format(**p), *_meeting_lines(p)]
    return title, lines, _("Read the agenda and tell the secretary if you cannot come.")


def _meeting_cancelled(p: dict[str, Any]) -> Texts:
    title = _("{alliance}: meeting cancelled").format(**p)
    lines = [
        _("{title}, planned for {when}, is cancelled.").format(
            title=p["title"], when=_when(p["starts"])
        )
    ]
    return title, lines, _("Nothing to do; the secretary will send a new date.")


def _minutes_missing(p: dict[str, Any]) -> Texts:
    title = _("{alliance}: minutes missing").format(**p)
    lines = [
        _("The minutes of {title}, held on {held_on}, have not been recorded.").format(
            title=p["title"], held_on=_day(p["held_on"])
        )
    ]
    return title, lines, _("Write the minutes (decisions and actions, with owners and dates).")


def _action(p: dict[str, Any], *, overdue: bool) -> Texts:
    if overdue:
        title = _("{alliance}: action overdue").format(**p)
    else:
        title = _("{alliance}: action due {due}").format(alliance=p["alliance"], due=_day(p["due"]))
    if p.get("owner"):  # to the members' shared channel, for an owner without a channel
        what = _("Action of {owner}: {description}").format(**p)
    else:
        what = _("Your action: {description}").format(**p)
    when = (
        _("It was due on {due}.").format(due=_day(p["due"]))
        if overdue
        else _("It is due on {due}.").format(due=_day(p["due"]))
    )
    todo = _("Mark it done when it is, or agree a new date with the coordinators.")
    return title, [what, when], todo


def _charter(p: dict[str, Any]) -> Texts:
    title = _("{alliance}: please sign the charter").format(**p)
    if p.get("names"):  # to the members' shared channel
        lines = [
            _("Charter version {version} still awaits the signature of: {names}.").format(
                version=p["version"], names=", ".join(p["names"])
            )
        ]
    else:
        lines = [_("Charter version {version} awaits your signature.").format(**p)]
    return title, lines, _("Read the charter and sign it on its page.")


def _sustainability(p: dict[str, Any]) -> Texts:
    days = int(p.get("days", 0))
    title = _("{alliance}: sustainability deadline {deadline}").format(
        alliance=p["alliance"], deadline=_day(p["deadline"])
    )
    lines = [
        _("The sustainability deadline is {deadline} ({days}).").format(
            deadline=_day(p["deadline"]), days=_days(days) if days > 0 else _("today")
        ),
        _("Still missing:"),
        *(f"- {item}" for item in _missing(p.get("missing", []), p["deadline"])),
    ]
    return title, lines, _("Record what is missing on the sustainability page.")


def _escalation(p: dict[str, Any]) -> Texts:
    title = _("{alliance}: sustainability deadline passed").format(**p)
    lines = [
        _("The sustainability deadline of {deadline} has passed.").format(
            deadline=_day(p["deadline"])
        ),
        _("Still missing:"),
        *(f"- {item}" for item in _missing(p.get("missing", []), p["deadline"])),
    ]
    return title, lines, _("Agree with the coordinators who records it, and by when.")


def _ready(p: dict[str, Any]) -> Texts:
    title = _("{alliance}: ready to advance").format(**p)
    lines = [_("Every check of the {stage} stage has passed.").format(stage=stage_name(p["stage"]))]
    return title, lines, _("Review the stage and advance the alliance to the next one.")


def _evaluation(p: dict[str, Any]) -> Texts:
    title = _("{alliance}: evaluation due {due}").format(
        alliance=p["alliance"], due=_day(p.get("due"))
    )
    lines = [
        _("A periodic evaluation (for example a SWOT analysis) is due on {due}.").format(
            due=_day(p.get("due"))
        ),
        _("The last one was on {last}.").format(last=_day(p["last"])),
    ]
    return title, lines, _("Hold the evaluation with the members and record it.")


def _digest(p: dict[str, Any]) -> Texts:
    title = _("{alliance}: weekly digest").format(**p)
    lines = [_("Stage: {stage}.").format(stage=stage_name(p["stage"]))]
    if p.get("ready"):
        lines.append(_("Every check of this stage has passed: the alliance can advance."))
    if p.get("failing"):
        lines.append(_("Checks not passed yet:"))
        lines.extend(f"- {item}" for item in p["failing"])
    if p.get("not_signed"):
        lines.append(
            _("Not signed the charter yet: {names}.").format(names=", ".join(p["not_signed"]))
        )
    if p.get("overdue"):
        lines.append(_("Overdue actions:"))
        lines.extend(f"! {_action_line(x)}" for x in p["overdue"])
    if p.get("due_soon"):
        lines.append(_("Actions due soon:"))
        lines.extend(f"- {_action_line(x)}" for x in p["due_soon"])
    if p.get("meetings"):
        lines.append(_("Meetings in the next 14 days:"))
        lines.extend(f"- {_day(x['day'])}: {x['title']}" for x in p["meetings"])
    if p.get("unreached"):
        lines.append(_("Cannot be reached (no channel or e-mail), please tell them:"))
        lines.extend(f"✗ {_unreached_line(x)}" for x in p["unreached"])
    if p.get("withdrawn"):
        lines.append(
            _("Get no reminders, having withdrawn consent to be contacted: {names}.").format(
                names=", ".join(p["withdrawn"])
            )
        )
    if p.get("failed"):
        lines.append(_("Messages that could not be delivered:"))
        lines.extend(f"✗ {_failed_line(x)}" for x in p["failed"])
    if len(lines) == 1:
        lines.append(_("Nothing is late and nobody is waiting."))
    return title, lines, _("Follow up on the items above from the alliance's page.")


#: Kinds of message (by the prefix of their code) as a coordinator names them.
KIND_NAMES: dict[str, str] = {
    "meeting_reminder": N_("meeting reminder"),
    "meeting_cancelled": N_("cancelled meeting"),
    "minutes_missing": N_("minutes to write"),
    "action_due_soon": N_("action due soon"),
    "action_overdue": N_("overdue action"),
    "charter_unsigned": N_("charter to sign"),
    "sustainability_escalation": N_("sustainability plan overdue"),
    "sustainability": N_("sustainability plan deadline"),
    "ready_to_advance": N_("ready to advance"),
    "evaluation_due": N_("evaluation due"),
    "weekly_digest": N_("weekly digest"),
    "funder_progress": N_("progress report"),
}

#: The audiences a message goes to, as the reader names them.
AUDIENCE_NAMES: dict[str, str] = {
    "coordinators": N_("The coordinators"),
    "members": N_("The members"),
    "funders": N_("The funders"),
}


def kind_name(kind: str) -> str:
    """A kind of message as the reader names it ('rappel de réunion'), never its code."""
    found = [k for k in KIND_NAMES if kind.startswith(k)]
    return _(KIND_NAMES[max(found, key=len)]) if found else kind


def recipient_name(who: str) -> str:
    """A name, or an audience ('audience:coordinators') as the reader names it."""
    audience = who.removeprefix("audience:")
    return _(AUDIENCE_NAMES[audience]) if audience in AUDIENCE_NAMES else who


def _unreached_line(x: Any) -> str:
    if isinstance(x, str):  # recorded before kinds were kept apart from names
        return x
    kinds = ", ".join(dict.fromkeys(kind_name(k) for k in x["kinds"]))
    return _("{name} ({what})").format(name=x["name"], what=kinds)


def _failed_line(x: Any) -> str:
    if isinstance(x, str):
        return x
    title, who = x
    return f"{title} → {recipient_name(who)}"


def _action_line(x: dict[str, Any]) -> str:
    who = f" ({x['owner']})" if x.get("owner") else ""
    return f"{_day(x.get('due'))}: {x['description']}{who}"


def _month(value: str) -> str:
    """'2026-03' as the reader writes a month: 'March 2026', 'maart 2026', 'mars 2026'."""
    from babel.dates import format_skeleton

    try:
        first = date.fromisoformat(f"{value}-01")
    except ValueError:
        return value
    return format_skeleton("yMMMM", first, locale=current_language())


def _funder(p: dict[str, Any]) -> Texts:
    p = {**p, "month": _month(str(p.get("month", "")))}
    title = _("{alliance}: progress report {month}").format(**p)
    lines = [_("The progress report for {month} is ready.").format(**p)]
    return title, lines, _("Read the report online or download it as PDF.")


RENDERERS: dict[str, Callable[[dict[str, Any]], Texts]] = {
    "meeting_reminder": _meeting_reminder,
    "meeting_cancelled": _meeting_cancelled,
    "minutes_missing": _minutes_missing,
    "action_due_soon": lambda p: _action(p, overdue=False),
    "action_overdue": lambda p: _action(p, overdue=True),
    "charter_unsigned": _charter,
    "sustainability_escalation": _escalation,
    "sustainability": _sustainability,
    "ready_to_advance": _ready,
    "evaluation_due": _evaluation,
    "weekly_digest": _digest,
    "funder_progress": _funder,
}


def render(due: Due, *, alliance_name: str, slug: str, base_url: str) -> tuple[str, str]:
    """(title, body) of a due notification in its language (English when there is none)."""
    key = max((k for k in RENDERERS if due.kind.startswith(k)), key=len)
    with use_language(due.language):
        p: dict[str, Any] = {"alliance": alliance_name, **due.params}
        p["title"] = p.get("title") or _("the meeting")
        title, lines, todo = RENDERERS[key](p)
        link = link_for(due.kind, due.params, slug=slug, base_url=base_url)
        lines += [
            "",
            _("What to do: {todo}").format(todo=todo),
            _("Open: {link}").format(link=link),
        ]
    return title[:300], "\n".join(lines)
