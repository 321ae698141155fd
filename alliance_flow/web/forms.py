"""What a refused form shows again: the typed values, each field's error, the error summary.

The convention every page follows (documented for templates at the top of `_macros.html`):
a route that refuses a form renders the page again with ``form=FormState(values=form,
problems=exc.problems)``; the macros take the FormState as their first argument. Dates travel
as text in the user's way of writing them (day/month/year) and `parse_dates` turns them into
ISO dates before the schemas see them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from alliance_flow.errors import AllianceFlowError, FieldProblem, InvalidInput, NotFound
from alliance_flow.i18n import _

if TYPE_CHECKING:
    from fastapi.responses import Response
    from sqlalchemy.orm import Session

    from alliance_flow import models as m
    from alliance_flow.accounts.policy import Permission
    from alliance_flow.web.deps import Page

#: 31/12/2026, 31.12.2026, 31-12-2026 (day first, as in Ireland, France, the Netherlands)
_DAY_FIRST = re.compile(r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})\s*$")
#: 2026-12-31 (ISO, as Sweden writes it and as a browser date field sends it)
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


def parse_date(text: str) -> date | None:
    """A day/month/year or ISO date; None when it is not a real date in either form."""
    if found := _ISO.match(text):
        year, month, day = (int(x) for x in found.groups())
    elif found := _DAY_FIRST.match(text):
        day, month, year = (int(x) for x in found.groups())
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def show_date(value: date | str | None) -> str:
    """How a date field shows a saved date: day/month/year, the format it asks for."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return value


def parse_dates(
    form: Mapping[str, Any], names: Iterable[str]
) -> tuple[dict[str, Any], list[FieldProblem]]:
    """The form with its date fields as ISO text, and a problem for each date that is not one.

    An empty date field stays empty (the schema decides whether it may be).
    """
    out = dict(form)
    problems = []
    for name in names:
        value = form.get(name)
        if not isinstance(value, str) or not value.strip():
            continue
        parsed = parse_date(value)
        if parsed is None:
            problems.append(
                FieldProblem(name, _("enter a date as day/month/year, for example 31/12/2026"))
            )
        else:
            out[name] = parsed.isoformat()
    return out, problems


@dataclass
class FormState:
    """One form on a page: what was typed, what was wrong with it, and the fields' labels."""

    values: Mapping[str, Any] = field(default_factory=dict)
    problems: list[FieldProblem | str] = field(default_factory=list)
    prefix: str = "f-"
    labels: dict[str, str] = field(default_factory=dict)

    def with_labels(self, labels: Mapping[str, str]) -> FormState:
        """Called in the template, so labels are written once and translated there."""
        self.labels = {**self.labels, **labels}
        return self

    def id(self, name: str) -> str:
        return f"{self.prefix}{name}".replace("_", "-").replace(".", "-")

    def label(self, name: str) -> str:
        return self.labels.get(name, name.replace("_", " "))

    def value(self, name: str) -> str:
        value = self.values.get(name)
        if value is None:
            return ""
        if isinstance(value, list):
            return str(value[0]) if value else ""
        if isinstance(value, date):
            return show_date(value)
        return str(value)

    def chosen(self, name: str) -> list[str]:
        """Every value of a multi-choice field (checkboxes, multiple select), as text."""
        value = self.values.get(name)
        if value is None or value == "":
            return []
        if isinstance(value, list | tuple | set):
            return [str(v) for v in value]
        return [str(value)]

    def _field_of(self, problem: FieldProblem) -> str:
        return problem.field.split(".")[0]

    def error(self, name: str) -> str:
        """Every problem of one field, joined (a field may have several)."""
        found = [
            p.problem
            for p in self.problems
            if isinstance(p, FieldProblem) and self._field_of(p) == name
        ]
        return "; ".join(found)

    @property
    def summary(self) -> list[tuple[str | None, str]]:
        """(anchor or None, text) for the error summary; a field's text starts with its label."""
        out: list[tuple[str | None, str]] = []
        for p in self.problems:
            if not isinstance(p, FieldProblem):
                out.append((None, str(p)))
                continue
            name = self._field_of(p)
            where = ""
            if p.line is not None:
                where = _("line %(num)d") % {"num": p.line} + ", "
            said = _("%(field)s: %(problem)s")  # French puts a space before the colon
            if name in self.labels:
                text = said % {"field": self.label(name), "problem": p.problem}
                out.append((self.id(name), where + text))
            else:
                text = said % {"field": p.field.replace("_", " "), "problem": p.problem}
                out.append((None, where + text))
        return out


def refusal(exc: AllianceFlowError) -> tuple[int, list[FieldProblem | str]]:
    """The status and the problems a refused form shows: 422 for bad input, 409 otherwise."""
    if isinstance(exc, InvalidInput):
        return 422, list(exc.problems)
    return 409, [exc.message]


def save_form(
    *,
    db: Any,
    page: Page,
    ref: str,
    form: Mapping[str, Any],
    prefix: str,
    write: Callable[[Session, m.Alliance], str],
    refused: Callable[[int, FormState], Response],
    permission: Permission | None = None,
    problems: Sequence[FieldProblem] = (),
) -> Response:
    """Every dashboard form's write, in one transaction: the alliance for this viewer (404 or
    403 before anything else), then `write`, which returns where to go next (303). A refusal
    writes nothing and shows the page again through `refused`, with what was typed and why.

    `problems` found before the transaction (a date that is not one) are only told to someone
    allowed to write here, so a form never tells a stranger more than a 403 would.
    """
    from fastapi.responses import RedirectResponse

    from alliance_flow.accounts.policy import Permission
    from alliance_flow.web.deps import alliance_for, viewer_of

    viewer = viewer_of(page)
    try:
        with db.transaction() as session:
            alliance = alliance_for(
                session=session,
                viewer=viewer,
                ref=ref,
                permission=permission or Permission.MANAGE,
            )
            if problems:
                raise InvalidInput(list(problems))
            target = write(session, alliance)
    except NotFound:
        raise
    except AllianceFlowError as exc:
        status, found = refusal(exc)
        return refused(status, FormState(values=form, problems=found, prefix=prefix))
    return RedirectResponse(target, status_code=303)
