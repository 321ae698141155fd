"""One alliance's stage and the checks of that stage, read with SQLAlchemy Core alone.

What `alliance-flow status` shows: the alliance found by id or slug, then its facts and its gate
report, on a bare connection (Database.snapshot). Neither the ORM nor the mapped classes are
loaded for it: about a quarter of a simple command's start-up (benchmarks/RESULTS.md).
"""

from __future__ import annotations

import contextvars
from datetime import date

from sqlalchemy import Connection, select

from alliance_flow import core_tables as ct
from alliance_flow.errors import NotFound
from alliance_flow.facts import AllianceFacts, read_facts
from alliance_flow.gates import GateReport, evaluate
from alliance_flow.i18n import _
from alliance_flow.safety import parse_id
from alliance_flow.settings import Thresholds, get_thresholds
from alliance_flow.stages import checks_for


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
