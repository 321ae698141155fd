"""Moving an alliance through its stages: gate reports, advance, waive, move back, history."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from alliance_flow import audit, lifecycle
from alliance_flow import models as m
from alliance_flow.errors import Conflict, FieldProblem, InvalidInput
from alliance_flow.facts import load_facts
from alliance_flow.facts import stage_entered_at as _entered_at
from alliance_flow.gates import GateReport, Waiver, evaluate
from alliance_flow.i18n import _
from alliance_flow.services.status import gate_reports as gate_reports  # no ORM
from alliance_flow.services.status import report_of as report_of  # no ORM
from alliance_flow.settings import Thresholds, get_thresholds
from alliance_flow.stages import checks_for
from alliance_flow.vocabulary import EventKind, Stage


def waivers_of(*, session: Session, alliance: m.Alliance) -> list[Waiver]:
    """Every waiver the alliance was ever granted, oldest first."""
    return load_facts(session, alliance).waivers()


def gate_report(
    *,
    session: Session,
    alliance: m.Alliance,
    today: date,
    thresholds: Thresholds | None = None,
    stage: str | None = None,
) -> GateReport:
    """Every exit check of the alliance's current stage, with the waivers that cover them.

    With `stage`, the checks of another stage as they stand today (waivers count only on the
    stage the alliance is in), for a workspace prepared ahead or looked back at.
    """
    facts = load_facts(session, alliance)
    if stage is None or stage == facts.stage:
        return report_of(facts, today=today, thresholds=thresholds)
    return evaluate(checks_for(stage), facts, thresholds or get_thresholds(), today, ())


def advance_stage(
    *,
    session: Session,
    alliance: m.Alliance,
    actor: str,
    today: date,
    thresholds: Thresholds | None = None,
    recorded_at: datetime | None = None,
    reason: str | None = None,
) -> GateReport:
    """Move to the next stage if every check passed or was waived; GateBlocked otherwise.

    `recorded_at` back-fills the history of an alliance that existed before it was recorded
    here (the demo does); by default the change is stamped now. `reason`, when the move follows
    the members' decision (to close), goes into the history with it.
    """
    report = gate_report(session=session, alliance=alliance, today=today, thresholds=thresholds)
    current = Stage(alliance.stage)
    target = lifecycle.advance(current, report)
    _move(
        session, alliance, current, target, EventKind.ADVANCED, actor, report, reason, recorded_at
    )
    return report


def _move(
    session: Session,
    alliance: m.Alliance,
    current: Stage,
    target: Stage,
    kind: EventKind,
    actor: str,
    report: GateReport,
    reason: str | None = None,
    at: datetime | None = None,
) -> None:
    """Write the new stage and its history event together: the only writer of Alliance.stage.

    Compare-and-set: if another use case moved the alliance since it was read, refuse rather
    than record a move from a stage the alliance is no longer in.
    """
    moved = session.execute(
        update(m.Alliance)
        .where(m.Alliance.id == alliance.id, m.Alliance.stage == current.value)
        .values(stage=target.value, updated_at=m.utcnow())
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(
            _("“{alliance}” changed stage meanwhile; reload the page and try again").format(
                alliance=alliance.name
            )
        )
    set_committed_value(alliance, "stage", target.value)
    # The compare-and-set UPDATE passes no ORM flush, so the audit log is written here.
    audit.record_bulk(
        session,
        alliance_id=alliance.id,
        table="alliances",
        rows=[(str(alliance.id), {"stage": [current.value, target.value]})],
        action="update",
    )
    session.add(
        m.StageEvent(
            alliance_id=alliance.id,
            kind=kind,
            stage=current,
            from_stage=current,
            to_stage=target,
            actor=actor,
            reason=reason,
            gate_results=report.as_list(),
            at=at or m.utcnow(),
        )
    )
    session.flush()


def move_back(
    *, session: Session, alliance: m.Alliance, reason: str, actor: str, today: date
) -> Stage:
    from alliance_flow.schemas import MoveBackIn, validate

    reason = validate(MoveBackIn, {"reason": reason}).reason  # type: ignore[attr-defined]
    current = Stage(alliance.stage)
    report = gate_report(session=session, alliance=alliance, today=today)
    target = lifecycle.move_back(current)
    _move(session, alliance, current, target, EventKind.MOVED_BACK, actor, report, reason)
    return target


def waive_check(
    *,
    session: Session,
    alliance: m.Alliance,
    code: str,
    reason: str,
    actor: str,
    today: date,
    recorded_at: datetime | None = None,
) -> GateReport:
    """Record a coordinator's written reason to let one failed check of this stage pass."""
    from alliance_flow.schemas import WaiverIn, validate

    waiver = validate(WaiverIn, {"code": code, "reason": reason})
    code, reason = waiver.code, waiver.reason  # type: ignore[attr-defined]
    report = gate_report(session=session, alliance=alliance, today=today)
    outcome = report.get(code)
    if outcome is None:
        valid = ", ".join(o.code for o in report.outcomes) or "-"
        raise InvalidInput(
            [
                FieldProblem(
                    "code",
                    _(
                        "“{code}” is not a check of the alliance's current stage; its checks "
                        "are: {valid}"
                    ).format(code=code, valid=valid),
                )
            ]
        )
    if outcome.passed:
        raise Conflict(
            _("“{check}” passes already; there is nothing to waive").format(
                check=outcome.result.title
            )
        )
    if outcome.waived:
        raise Conflict(
            _("“{check}” is already waived: {reason}").format(
                check=outcome.result.title,
                reason=outcome.waiver.reason if outcome.waiver else "",
            )
        )
    session.add(
        m.StageEvent(
            alliance_id=alliance.id,
            kind=EventKind.WAIVED,
            stage=alliance.stage,
            check_code=code,
            actor=actor,
            reason=reason,
            gate_results=[outcome.as_dict()],
            at=recorded_at or m.utcnow(),
        )
    )
    session.flush()
    return gate_report(session=session, alliance=alliance, today=today)


def history(*, session: Session, alliance: m.Alliance) -> list[m.StageEvent]:
    return list(
        session.scalars(
            select(m.StageEvent)
            .where(m.StageEvent.alliance_id == alliance.id)
            .order_by(m.StageEvent.at, m.StageEvent.id)
        )
    )


def stage_entered_at(events: list[m.StageEvent]) -> dict[str, datetime]:
    """When the alliance last entered each stage, from its history."""
    return _entered_at(events)


def stage_entered_on(events: list[m.StageEvent]) -> dict[str, date]:
    """The day the alliance last entered each stage."""
    return {stage: at.date() for stage, at in stage_entered_at(events).items()}
