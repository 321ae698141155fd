"""Alliances' stages and the checks of those stages, read with SQLAlchemy Core alone.

What `alliance-flow status` and `alliance-flow list` show: the alliances found by id or slug, or
by a filter, then their facts and their gate reports, on a bare connection (Database.snapshot).
Neither the ORM nor the mapped classes are loaded for it: about a quarter of a simple command's
start-up (benchmarks/RESULTS.md).
"""

from __future__ import annotations

import contextvars
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Select, select

from alliance_flow import core_tables as ct
from alliance_flow.collector import without_gc
from alliance_flow.errors import FieldProblem, InvalidInput, NotFound
from alliance_flow.facts import CURRENT_STAGE, VERDICTS, AllianceFacts, Scope, read_facts
from alliance_flow.gates import GateReport, evaluate
from alliance_flow.i18n import _
from alliance_flow.safety import parse_id
from alliance_flow.settings import Thresholds, get_thresholds
from alliance_flow.stages import checks_for
from alliance_flow.vocabulary import Stage

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def report_of(
    facts: AllianceFacts,
    *,
    today: date,
    thresholds: Thresholds | None = None,
    context: contextvars.Context | None = None,
) -> GateReport:
    """The current stage's checks over facts already read, with the waivers that cover them
    (their texts written in `context`, by default the current one's copy)."""
    return evaluate(
        checks_for(facts.stage),
        facts,
        thresholds or get_thresholds(),
        today,
        facts.active_waivers(),
        context,
    )


def no_such_alliance(ref: str) -> NotFound:
    return NotFound(
        _("no alliance with id or slug '{ref}' (see `alliance-flow list`)").format(ref=ref)
    )


def alliance_id(conn: Connection, ref: str | int) -> int:
    """The id of the alliance a user means by an id or a slug (services.alliances.get_alliance
    finds the same one)."""
    text = str(ref).strip()
    A = ct.alliances.c
    found = None
    number = parse_id(text)
    if number is not None:
        found = conn.execute(select(A.id).where(A.id == number)).scalar()
    if found is None and len(text) <= 80:
        found = conn.execute(select(A.id).where(A.slug == text.lower())).scalar()
    if found is None:
        raise no_such_alliance(text)
    return int(found)


def alliance_status(
    conn: Connection, ref: str | int, *, today: date, thresholds: Thresholds | None = None
) -> tuple[AllianceFacts, GateReport]:
    """The alliance's facts and the report on its current stage's checks (as
    services.stages.gate_report gives it)."""
    aid = alliance_id(conn, ref)
    facts = read_facts(conn, [aid]).get(aid)
    if facts is None:  # deleted in between
        raise no_such_alliance(str(ref).strip())
    return facts, report_of(facts, today=today, thresholds=thresholds)


@without_gc
def gate_reports(
    *,
    session: Session | Connection,
    scope: Scope,
    today: date,
    thresholds: Thresholds | None = None,
    reasons: bool = False,
) -> dict[int, GateReport]:
    """The gate report of every alliance in `scope` (ids or a condition), in a fixed number
    of statements whatever their number.

    Without `reasons`, only what passes and what fails (SQL counts the members, organisations
    and actions instead of sending their rows): a check's reason and fix cannot be read then.
    """
    limits = thresholds or get_thresholds()
    include = CURRENT_STAGE if reasons else replace(VERDICTS, today=today)
    context = contextvars.copy_context()  # one language and one withholding for them all
    return {
        aid: report_of(facts, today=today, thresholds=limits, context=context)
        for aid, facts in read_facts(session, scope, include).items()
    }


def known_stage(stage: str) -> str:
    """A stage as typed in a filter; refused with the field named when it is not one of the six."""
    try:
        return Stage(stage).value
    except ValueError:
        raise InvalidInput(
            [
                FieldProblem(
                    "stage",
                    _("must be one of: {expected}").format(
                        expected=", ".join(s.value for s in Stage)
                    ),
                )
            ]
        ) from None


def listed(query: Select[Any], *, country: str | None, stage: str | None) -> Select[Any]:
    """A select of alliances (rows or mapped objects) in the order and with the filters of the
    alliances' list: by country and name, of one country, at one stage."""
    A = ct.alliances.c
    query = query.order_by(A.country, A.name)
    if country:
        query = query.where(A.country == country.upper())
    if stage:
        query = query.where(A.stage == known_stage(stage))
    return query


def alliance_rows(
    conn: Connection, *, country: str | None = None, stage: str | None = None
) -> Sequence[Any]:
    """The alliances as services.alliances.list_alliances lists them (id, slug, name, country,
    region and stage of each)."""
    A = ct.alliances.c
    query = select(A.id, A.slug, A.name, A.country, A.region, A.stage)
    return conn.execute(listed(query, country=country, stage=stage)).all()
