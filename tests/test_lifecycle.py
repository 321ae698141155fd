"""Every allowed and refused move of the state machine."""

from __future__ import annotations

import itertools

import pytest

from alliance_flow import lifecycle
from alliance_flow.errors import GateBlocked, InvalidTransition
from alliance_flow.gates import CheckOutcome, CheckResult, GateReport
from alliance_flow.vocabulary import STAGE_ORDER, Stage


def report(stage: Stage, passed: bool) -> GateReport:
    result = CheckResult(f"{stage}.x", "X", passed, "why", "" if passed else "do", "alliance")
    return GateReport(stage.value, (CheckOutcome(result),))


@pytest.mark.parametrize(("here", "there"), list(itertools.pairwise(STAGE_ORDER)))
def test_advance_one_stage_when_clear(here, there):
    assert lifecycle.advance(here, report(here, True)) == there
    assert lifecycle.may_advance(here, report(here, True))


@pytest.mark.parametrize("here", STAGE_ORDER[:-1])
def test_advance_refused_with_the_failing_report(here):
    r = report(here, False)
    with pytest.raises(GateBlocked) as exc:
        lifecycle.advance(here, r)
    assert exc.value.report is r and exc.value.report.blocking[0].code == f"{here}.x"
    assert not lifecycle.may_advance(here, r)


def test_closed_alliance_cannot_advance():
    with pytest.raises(InvalidTransition):
        lifecycle.advance(Stage.CLOSED, GateReport("closed", ()))


@pytest.mark.parametrize(("before", "here"), list(itertools.pairwise(STAGE_ORDER)))
def test_move_back_one_stage(before, here):
    assert lifecycle.move_back(here) == before


def test_scope_has_no_earlier_stage():
    with pytest.raises(InvalidTransition):
        lifecycle.move_back(Stage.SCOPE)


def test_report_of_another_stage_is_rejected():
    with pytest.raises(ValueError):
        lifecycle.advance(Stage.SCOPE, report(Stage.LAUNCH, True))


def test_no_shortcut_methods_exist():
    journey = lifecycle._machine(Stage.SCOPE)
    assert not any(name.startswith("to_") for name in dir(journey))
