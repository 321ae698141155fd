"""The six stages as a `transitions` state machine; the only module that imports the library.

Advancing is allowed only when the gate report of the current stage is clear (every check passed
or waived); moving back one stage needs no gate but a reason, which the service records. There
are no `to_<stage>()` shortcuts (auto_transitions=False).
"""

from __future__ import annotations

import itertools

from transitions import Machine, MachineError

from alliance_flow.errors import GateBlocked, InvalidTransition
from alliance_flow.gates import GateReport
from alliance_flow.vocabulary import STAGE_ORDER, Stage

_TRANSITIONS = [
    {"trigger": "advance", "source": a.value, "dest": b.value, "conditions": "gates_clear"}
    for a, b in itertools.pairwise(STAGE_ORDER)
] + [
    {"trigger": "move_back", "source": b.value, "dest": a.value}
    for a, b in itertools.pairwise(STAGE_ORDER)
]


class _Journey:
    """The machine's model: a stage and the gate report that decides whether it may move on."""

    state: str

    def __init__(self, report: GateReport | None) -> None:
        self._report = report

    def gates_clear(self) -> bool:
        return self._report is not None and self._report.clear


def _machine(stage: Stage, report: GateReport | None = None) -> _Journey:
    journey = _Journey(report)
    Machine(
        model=journey,
        states=[s.value for s in STAGE_ORDER],
        transitions=_TRANSITIONS,
        initial=stage.value,
        auto_transitions=False,
        ignore_invalid_triggers=False,
    )
    return journey


def advance(stage: Stage, report: GateReport) -> Stage:
    """The stage after `stage`, or GateBlocked naming the checks that still fail."""
    if report.stage != stage.value:
        raise ValueError(f"report is for {report.stage}, not {stage}")
    journey = _machine(stage, report)
    try:
        moved = journey.advance()  # type: ignore[attr-defined]
    except MachineError as exc:
        raise InvalidTransition(f"an alliance in stage '{stage}' cannot advance") from exc
    if not moved:
        raise GateBlocked(report)
    return Stage(journey.state)


def move_back(stage: Stage) -> Stage:
    journey = _machine(stage)
    try:
        journey.move_back()  # type: ignore[attr-defined]
    except MachineError as exc:
        raise InvalidTransition(
            f"an alliance in stage '{stage}' has no earlier stage to move back to"
        ) from exc
    return Stage(journey.state)


def may_advance(stage: Stage, report: GateReport) -> bool:
    return stage != Stage.CLOSED and report.stage == stage.value and report.clear
